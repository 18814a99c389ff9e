"""Hygiene and house rules: the default namespace, required labels and
annotations, priority classes, finished Jobs, digests, and configuration
files of control-plane components in API versions they no longer read."""

from __future__ import annotations

import re

from ..engine import check, check_all
from ..findings import Problem
from ..kinds import WORKLOAD_KINDS, is_cluster_scoped, pod_spec
from ._common import cname, containers, is_long_running, is_template, split_image


@check_all("default-namespace")
def default_namespace(index, ctx):
    """Cross-object only because it looks at every object (catalogue kinds document, not select)."""
    for obj in index.targets:
        for p in _default_namespace(obj, ctx):
            yield obj, p


def _default_namespace(obj, ctx):
    if not obj.kind or is_cluster_scoped(obj.group, obj.kind) or obj.kind in ("List", "Namespace"):
        return
    if obj.namespace == "default":
        yield Problem(
            ("metadata", "namespace"),
            f"{obj.kind} is placed in the default namespace: everything lands there by accident too, and "
            "RBAC, quotas, NetworkPolicies and Pod Security levels cannot be set for this application "
            "alone; give the application a namespace of its own",
        )
    elif not obj.namespace and ctx.default_namespace == "default":
        yield Problem(
            ("metadata",),
            f"{obj.kind} names no namespace: it goes wherever the current kubectl context points, the "
            "default namespace on most clusters; set metadata.namespace (or install with an explicit "
            "--namespace and set namespace: in .kubelint.yaml)",
            at="key",
        )


def _required(spec_list):
    """``key`` or ``key=regex`` -> [(key, compiled regex or None)]."""
    out = []
    for item in spec_list or ():
        key, eq, rx = str(item).partition("=")
        try:
            out.append((key, re.compile(rx) if eq else None, rx))
        except re.error:
            out.append((key, None, None))
    return out


def _required_meta(obj, ctx, field, noun):
    kinds = {str(k) for k in ctx.params["kinds"]}
    if kinds and obj.kind not in kinds:
        return
    meta = obj.metadata.get(field)
    meta = meta if isinstance(meta, dict) else {}
    for key, rx, raw in _required(ctx.params[field]):
        if key not in meta:
            yield Problem(
                ("metadata", field) if field in obj.metadata else ("metadata",),
                f'{obj.kind} has no {noun} "{key}", which this project requires (rules.required-{field}'
                f".params in the configuration); add metadata.{field}.{key}",
                at="key",
            )
        elif rx is not None and not (
            isinstance(meta[key], str) and (is_template(meta[key]) or rx.fullmatch(meta[key]))
        ):
            yield Problem(
                ("metadata", field, key),
                f'{noun} "{key}" is {meta[key]!r}, which does not match the required pattern {raw}; fix the value',
            )


@check_all("required-labels")
def required_labels(index, ctx):
    for obj in index.targets:
        for p in _required_meta(obj, ctx, "labels", "label") if obj.kind else ():
            yield obj, p


@check_all("required-annotations")
def required_annotations(index, ctx):
    for obj in index.targets:
        for p in _required_meta(obj, ctx, "annotations", "annotation") if obj.kind else ():
            yield obj, p


@check("no-priority-class")
def no_priority_class(obj, ctx):
    if obj.kind not in ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"):
        return  # (the catalogue entry's kinds)
    if not is_long_running(obj):
        return
    spec, base = pod_spec(obj)
    if spec is None or spec.get("priorityClassName"):
        return
    yield Problem(
        base,
        f"{obj.kind} sets no priorityClassName: its Pods get the cluster's default priority, so under "
        "resource pressure the scheduler may preempt them for less important work, or never preempt "
        "batch work for them; set a priorityClassName that says how important the workload is",
        at="key",
    )


_CLEANUP_ANNOTATIONS = ("helm.sh/hook-delete-policy", "argocd.argoproj.io/hook-delete-policy")


@check("job-ttl-missing")
def job_ttl_missing(obj, ctx):
    if obj.kind not in ("Job",):
        return  # (the catalogue entry's kinds)
    if obj.group != "batch" or obj.metadata.get("ownerReferences"):
        return  # Jobs of a CronJob are cleaned up by its history limits
    ann = obj.metadata.get("annotations")
    if isinstance(ann, dict) and any(a in ann for a in _CLEANUP_ANNOTATIONS):
        return  # Helm or Argo CD deletes the hook Job
    spec = obj.data.get("spec")
    if not isinstance(spec, dict) or "ttlSecondsAfterFinished" in spec:
        return
    yield Problem(
        ("spec",),
        "Job sets no ttlSecondsAfterFinished: the finished Job and its Pods stay in the cluster until "
        "someone deletes them (and re-applying the same Job fails on its immutable template); set "
        "spec.ttlSecondsAfterFinished (e.g. 86400) so the TTL controller removes it",
        at="key",
    )


@check("image-not-pinned")
def image_not_pinned(obj, ctx):
    if obj.kind not in WORKLOAD_KINDS:
        return  # (the catalogue entry's kinds)
    for c, path, _ in containers(obj, init=True, ephemeral=True):
        image = c.get("image")
        if not isinstance(image, str) or not image or is_template(image):
            continue
        repo, tag, digest = split_image(image)
        if digest:
            continue
        yield Problem(
            path + ("image",),
            f'container "{cname(c)}" image "{image}" is not pinned by digest: a tag can be moved to '
            "another build at any time (by the publisher or an attacker with push access), so what runs "
            f"is not what was reviewed; pin it as {repo}:{tag or 'TAG'}@sha256:... (Renovate and "
            "Dependabot keep digests current)",
        )


# Configuration files of control-plane components (not API objects: files
# the component reads at start-up) whose API versions were removed; the
# component then refuses to start.
_REMOVED_CONFIG = {
    # kube-apiserver --audit-policy-file; kubernetes/kubernetes#108092 (1.24)
    ("audit.k8s.io/v1alpha1", "Policy"): ("1.24", "audit.k8s.io/v1", "kube-apiserver --audit-policy-file"),
    ("audit.k8s.io/v1beta1", "Policy"): ("1.24", "audit.k8s.io/v1", "kube-apiserver --audit-policy-file"),
    # kube-scheduler --config; removal notes of 1.28 (v1beta2) and 1.29 (v1beta3)
    ("kubescheduler.config.k8s.io/v1beta2", "KubeSchedulerConfiguration"): (
        "1.28",
        "kubescheduler.config.k8s.io/v1",
        "kube-scheduler --config",
    ),
    ("kubescheduler.config.k8s.io/v1beta3", "KubeSchedulerConfiguration"): (
        "1.29",
        "kubescheduler.config.k8s.io/v1",
        "kube-scheduler --config",
    ),
    # kubeadm --config; kubernetes/kubernetes#101129 (v1beta1, 1.22), #114540 (v1beta2, 1.27), #136016 (v1beta3, 1.36)
    **{
        (f"kubeadm.k8s.io/{v}", kind): (removed, "kubeadm.k8s.io/v1beta4", "kubeadm --config")
        for v, removed in (("v1beta1", "1.22"), ("v1beta2", "1.27"), ("v1beta3", "1.36"))
        for kind in ("ClusterConfiguration", "InitConfiguration", "JoinConfiguration")
    },
}


def _version_key(v):
    try:
        major, minor = str(v).split(".")[:2]
        return int(major), int(minor)
    except (ValueError, TypeError):
        return (99, 99)


@check("removed-config-api")
def removed_config_api(obj, ctx):
    if obj.kind not in (
        "Policy",
        "KubeSchedulerConfiguration",
        "ClusterConfiguration",
        "InitConfiguration",
        "JoinConfiguration",
    ):
        return  # (the catalogue entry's kinds)
    hit = _REMOVED_CONFIG.get((obj.api_version, obj.kind))
    if hit is None:
        return
    removed, replacement, reader = hit
    target = ctx.settings.kubernetes_version
    if target is not None and _version_key(target) < _version_key(removed):
        return
    yield Problem(
        ("apiVersion",),
        f"{obj.api_version} {obj.kind} was removed in Kubernetes {removed}: {reader} no longer reads it and "
        f"the component fails to start; change apiVersion to {replacement} (the fields are the same for "
        "most files)",
    )
