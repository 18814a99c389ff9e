"""Where things live in every built-in kind: the one place that knows.

Every check that looks at pod specs or containers goes through
:func:`pod_spec_path` / :func:`iter_containers`, so a new workload kind is
added here once.
"""

from __future__ import annotations


from .findings import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Iterator, Optional, Tuple

# group/kind -> path of the PodSpec inside the object
POD_SPEC_PATHS = {
    ("", "Pod"): ("spec",),
    ("", "PodTemplate"): ("template", "spec"),
    ("", "ReplicationController"): ("spec", "template", "spec"),
    ("apps", "Deployment"): ("spec", "template", "spec"),
    ("apps", "StatefulSet"): ("spec", "template", "spec"),
    ("apps", "DaemonSet"): ("spec", "template", "spec"),
    ("apps", "ReplicaSet"): ("spec", "template", "spec"),
    ("batch", "Job"): ("spec", "template", "spec"),
    ("batch", "CronJob"): ("spec", "jobTemplate", "spec", "template", "spec"),
}

WORKLOAD_KINDS = {kind for (_g, kind) in POD_SPEC_PATHS}

CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

# Built-in kinds that are cluster-scoped (no namespace).  Source: the
# `namespaced: false` resources of `kubectl api-resources` for v1.37.
CLUSTER_SCOPED = {
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("", "ComponentStatus"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("node.k8s.io", "RuntimeClass"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("policy", "PodSecurityPolicy"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "ResourceSlice"),
    ("resource.k8s.io", "DeviceTaintRule"),
    ("authentication.k8s.io", "TokenReview"),
    ("authentication.k8s.io", "SelfSubjectReview"),
    ("authorization.k8s.io", "SubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectRulesReview"),
    ("internal.apiserver.k8s.io", "StorageVersion"),
    ("storagemigration.k8s.io", "StorageVersionMigration"),
}


def is_cluster_scoped(group: str, kind: str) -> bool:
    return (group, kind) in CLUSTER_SCOPED


def pod_spec_path(group: str, kind: str) -> Optional[Path]:
    return POD_SPEC_PATHS.get((group, kind))


def get_path(data, path: Path):
    """Value at ``path`` or None (never raises on odd shapes)."""
    node = data
    for elem in path:
        if isinstance(elem, int):
            if not isinstance(node, list) or not (0 <= elem < len(node)):
                return None
        elif not isinstance(node, dict):
            return None
        node = node[elem] if isinstance(elem, int) else node.get(elem)
        if node is None:
            return None
    return node


class _Memo:
    """What rules derive from an object (its pod spec, its containers, PSS's view of its pod), computed
    once per object while the engine's rule stages run: the single-object rules of an object run in a
    row and each would walk the same paths again (about 20 walks per workload), and the cross-object
    rules visit the workloads once per rule.  Only between :func:`remember` and :func:`forget` (the
    engine calls them around each object it checks and around the cross-object stage): outside them
    :func:`derived` computes every time, so nothing outlives a stage and an object changed after it
    (``kubelint fix``) is never seen through an old entry."""

    active = False
    by_id: dict = {}  # id(obj) -> (obj, obj.data, {key: value})


def derived(obj, key, compute):
    """``compute(obj)``, once per object and ``key`` within a rule stage (see :class:`_Memo`)."""
    m = _Memo
    if not m.active:
        return compute(obj)
    entry = m.by_id.get(id(obj))
    if entry is None or entry[0] is not obj or entry[1] is not obj.data:
        entry = m.by_id[id(obj)] = (obj, obj.data, {})
    values = entry[2]
    if key in values:
        return values[key]
    value = values[key] = compute(obj)
    return value


def remember() -> None:
    """Start keeping what :func:`derived` computes (a rule stage begins)."""
    _Memo.by_id = {}
    _Memo.active = True


def forget() -> None:
    """Drop what :func:`derived` kept and stop keeping it (a rule stage ends)."""
    _Memo.active = False
    _Memo.by_id = {}


def _pod_spec(obj) -> Tuple[Optional[dict], Optional[Path]]:
    path = pod_spec_path(obj.group, obj.kind)
    if path is None:
        return None, None
    spec = get_path(obj.data, path)
    return (spec, path) if isinstance(spec, dict) else (None, None)


def pod_spec(obj) -> Tuple[Optional[dict], Optional[Path]]:
    """(pod spec mapping, its path) for a workload object, else (None, None)."""
    if (obj.group, obj.kind) not in POD_SPEC_PATHS:
        return None, None
    return derived(obj, "pod_spec", _pod_spec)


def pod_template_labels(obj) -> Tuple[dict, Optional[Path]]:
    """Labels pods of this workload get, and the path of that mapping."""
    path = pod_spec_path(obj.group, obj.kind)
    if path is None:
        return {}, None
    meta_path = path[:-1] + ("metadata", "labels") if obj.kind != "Pod" else ("metadata", "labels")
    labels = get_path(obj.data, meta_path)
    return (labels if isinstance(labels, dict) else {}), meta_path


def _all_containers(obj) -> tuple:
    spec, base = pod_spec(obj)
    if spec is None:
        return ()
    out = []
    for list_name in CONTAINER_LISTS:
        containers = spec.get(list_name)
        if not isinstance(containers, list):
            continue
        for i, c in enumerate(containers):
            if isinstance(c, dict):
                out.append((c, base + (list_name, i), list_name))
    return tuple(out)


def iter_containers(
    obj, include_init: bool = True, include_ephemeral: bool = False
) -> Iterator[Tuple[dict, Path, str]]:
    """Yield (container, path, list name) for every container of a workload."""
    if (obj.group, obj.kind) not in POD_SPEC_PATHS:
        return iter(())
    every = derived(obj, "containers", _all_containers)
    if include_init and include_ephemeral:
        return iter(every)
    return iter(
        [
            item
            for item in every
            if (include_init or item[2] != "initContainers") and (include_ephemeral or item[2] != "ephemeralContainers")
        ]
    )


def namespace_of(obj, default_namespace: str = "default") -> Optional[str]:
    """The namespace an object lands in: None for cluster-scoped kinds, else
    ``metadata.namespace`` or the run's default namespace (``--namespace``,
    the configuration; ``default``)."""
    if is_cluster_scoped(obj.group, obj.kind):
        return None
    return obj.namespace or default_namespace
