"""References between objects: pods naming ConfigMaps, Secrets, claims and
service accounts that are not in the set; the same object twice."""

from __future__ import annotations

from ..engine import check_all
from ..findings import Problem
from ..suggest import did_you_mean
from ..kinds import get_path, iter_containers, pod_spec
from ._common import _builtin_group, as_list, is_object_name, is_workload


def _names(index, group, kind, providers=()):
    """(namespace, name) of every object of group/kind, plus names custom
    resources promise to create (``Kind:dotted.path`` providers)."""
    key = f"_names_{group}_{kind}"
    cached = getattr(index, key, None)
    if cached is not None:
        return cached
    out = {(index.namespace_of(o), o.name) for o in index.of_kind(group, kind) if o.name}
    if providers:
        wanted = {}
        for p in providers:
            k, _, path = str(p).partition(":")
            wanted.setdefault(k, []).append(
                tuple(int(e) if e.isdigit() else e for e in path.split(".")) if path else ("metadata", "name")
            )
        for o in index.objects:
            for path in wanted.get(o.kind, ()):
                v = get_path(o.data, path)
                if isinstance(v, str) and v:
                    out.add((index.namespace_of(o), v))
    setattr(index, key, out)
    return out


def _optional(ref) -> bool:
    return isinstance(ref, dict) and ref.get("optional") is True


def _refs(obj):
    """Yield (kind, name, path) for every object the pod spec refers to."""
    spec, base = pod_spec(obj)
    if spec is None:
        return
    for i, v in enumerate(as_list(spec.get("volumes"))):
        if not isinstance(v, dict):
            continue
        vp = base + ("volumes", i)
        cm = v.get("configMap")
        if isinstance(cm, dict) and not _optional(cm):
            yield "ConfigMap", cm.get("name"), vp + ("configMap", "name")
        sec = v.get("secret")
        if isinstance(sec, dict) and not _optional(sec):
            yield "Secret", sec.get("secretName"), vp + ("secret", "secretName")
        pvc = v.get("persistentVolumeClaim")
        if isinstance(pvc, dict):
            yield "PersistentVolumeClaim", pvc.get("claimName"), vp + ("persistentVolumeClaim", "claimName")
        proj = get_path(v, ("projected", "sources"))
        for j, s in enumerate(proj if isinstance(proj, list) else ()):
            if not isinstance(s, dict):
                continue
            for key, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
                ref = s.get(key)
                if isinstance(ref, dict) and not _optional(ref):
                    yield kind, ref.get("name"), vp + ("projected", "sources", j, key, "name")
    for i, s in enumerate(as_list(spec.get("imagePullSecrets"))):
        if isinstance(s, dict):
            yield "Secret", s.get("name"), base + ("imagePullSecrets", i, "name")
    for key in ("serviceAccountName", "serviceAccount"):
        sa = spec.get(key)
        if isinstance(sa, str) and sa != "default":
            yield "ServiceAccount", sa, base + (key,)
            break
    for c, cpath, _ in iter_containers(obj, include_init=True, include_ephemeral=True):
        for j, ef in enumerate(as_list(c.get("envFrom"))):
            if not isinstance(ef, dict):
                continue
            for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                ref = ef.get(key)
                if isinstance(ref, dict) and not _optional(ref):
                    yield kind, ref.get("name"), cpath + ("envFrom", j, key, "name")
        for j, e in enumerate(as_list(c.get("env"))):
            vf = e.get("valueFrom") if isinstance(e, dict) else None
            if not isinstance(vf, dict):
                continue
            for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                ref = vf.get(key)
                if isinstance(ref, dict) and not _optional(ref):
                    yield kind, ref.get("name"), cpath + ("env", j, "valueFrom", key, "name")


def _all_refs(index):
    """(workload, its references) for the run, computed once for the four rules."""
    cached = getattr(index, "_refs", None)
    if cached is None:
        cached = index._refs = [(obj, list(_refs(obj))) for obj in index.targets if is_workload(obj)]
    return cached


_KIND_INFO = {
    # kind -> (group, rule, how it usually gets created)
    "ConfigMap": ("", "missing-configmap-ref"),
    "Secret": ("", "missing-secret-ref"),
    "PersistentVolumeClaim": ("", "missing-pvc-ref"),
    "ServiceAccount": ("", "missing-serviceaccount-ref"),
}

_CONSEQUENCE = {
    "ConfigMap": "the Pod stays in ContainerCreating / CreateContainerConfigError until it exists",
    "Secret": "the Pod stays in ContainerCreating / CreateContainerConfigError (or cannot pull its image) until it "
    "exists",
    "PersistentVolumeClaim": "the Pod stays Pending until the claim exists",
    "ServiceAccount": "the controller cannot create the Pods (the ServiceAccount admission rejects them) until it "
    "exists",
}


# Objects every namespace has: the root CA bundle the kube-controller-manager
# publishes into each namespace (and OpenShift's service CA bundle).
_ALWAYS_PRESENT = {"ConfigMap": {"kube-root-ca.crt", "openshift-service-ca.crt"}}


# Custom resources that create no Secrets for workloads (monitoring configuration).
_NOT_MAKERS = {"ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe", "ScrapeConfig", "GrafanaDashboard"}


def _created_at_run_time(index, ns, name, kind) -> bool:
    """Something of the set probably creates ``name`` when it runs: a custom
    resource of the namespace whose name is a part of it (operators name what
    they create after their resource: ``redb-app-db``, ``user.my-cluster.credentials...``),
    or a Job (Helm hooks included) of the namespace whose command mentions it."""
    cache = getattr(index, "_run_time_makers", None)
    if cache is None:
        cache = index._run_time_makers = {}
        for o in index.objects:
            if o.group and not _builtin_group(o.group) and o.name and o.kind not in _NOT_MAKERS:
                cache.setdefault(index.namespace_of(o), {"crs": set(), "jobs": []})["crs"].add(o.name)
            elif o.kind in ("Job", "CronJob", "Pod") and o.group in ("batch", ""):
                text = " ".join(
                    str(x)
                    for c, _, _ in iter_containers(o, include_init=True)
                    for key in ("command", "args")
                    for x in as_list(c.get(key))
                )
                if text:
                    cache.setdefault(index.namespace_of(o), {"crs": set(), "jobs": []})["jobs"].append(text)
    entry = cache.get(ns)
    if not entry:
        return False
    if kind == "Secret" and not entry["crs"].isdisjoint(_cr_names_in(name)):
        return True
    return any(name in text for text in entry["jobs"])


def _cr_names_in(name: str) -> set:
    """Every ``cr`` with ``name == cr``, ``name.startswith(cr + "-")`` or ``(cr + ".")``, ``f".{cr}." in name``
    or ``name.endswith("-" + cr)``: the parts of a Secret's name an operator's resource may be named, to
    look up in the set of custom resource names instead of testing each of them against the name."""
    out = {name}
    dots = []
    for i, ch in enumerate(name):
        if ch == "-":
            out.add(name[:i])
            out.add(name[i + 1 :])
        elif ch == ".":
            out.add(name[:i])
            out.update(name[j + 1 : i] for j in dots)
            dots.append(i)
    return out


def _missing(kind, index, ctx):
    group, rule = _KIND_INFO[kind]
    names = _names(index, group, kind, ctx.params["providers"])
    by_ns = {}
    for n_ns, n in names:
        by_ns.setdefault(n_ns, []).append(n)
    hints = {}

    def hint(ns, name):
        if (ns, name) not in hints:
            hints[(ns, name)] = did_you_mean(name, by_ns.get(ns, ()), 0.8)
        return hints[(ns, name)]

    for obj, refs in _all_refs(index):
        ns = index.namespace_of(obj)
        for k, name, path in refs:
            if k != kind or not is_object_name(name):  # placeholders such as $NAME, <name>, {{ .x }}
                continue
            if (ns, name) in names or name in _ALWAYS_PRESENT.get(kind, ()):
                continue
            if _created_at_run_time(index, ns, name, kind):
                continue
            yield (
                obj,
                Problem(
                    path,
                    f'{kind} "{name}" is not in namespace {ns} of the checked manifests: {_CONSEQUENCE[kind]}; '
                    f"add it or fix the name{hint(ns, name)} "
                    "(it may also be created at run time, by an operator, a Helm hook or a deploy step: "
                    "then pass it with --context FILE, or set missing-refs: false in .kubelint.yaml)",
                ),
            )


@check_all("missing-configmap-ref")
def missing_configmap_ref(index, ctx):
    yield from _missing("ConfigMap", index, ctx)


@check_all("missing-secret-ref")
def missing_secret_ref(index, ctx):
    yield from _missing("Secret", index, ctx)


@check_all("missing-pvc-ref")
def missing_pvc_ref(index, ctx):
    yield from _missing("PersistentVolumeClaim", index, ctx)


@check_all("missing-serviceaccount-ref")
def missing_serviceaccount_ref(index, ctx):
    yield from _missing("ServiceAccount", index, ctx)


@check_all("duplicate-object")
def duplicate_object(index, ctx):
    scope = ctx.params["scope"]
    seen = {}
    for obj in index.objects:
        if not obj.name or not obj.kind:
            continue
        key = (obj.group, obj.kind, index.namespace_of(obj), obj.name)
        if scope != "run":
            key = (obj.file,) + key
        first = seen.get(key)
        if first is None:
            seen[key] = obj
            continue
        if not index.is_target(obj):
            continue  # (still the first of its key for the objects after it)
        where = f"line {first.line}" if first.file == obj.file else f"{first.file}:{first.line}"
        ns = index.namespace_of(obj)
        ident = f"{obj.kind} {ns + '/' if ns else ''}{obj.name}"
        yield (
            obj,
            Problem(
                ("metadata", "name"),
                f"{ident} is defined again (first at {where}): applying both, the later one silently "
                "replaces the earlier, so only one of them takes effect; remove or rename one of them",
            ),
        )


@check_all("missing-hpa-target-ref")
def missing_hpa_target_ref(index, ctx):
    """An autoscaler whose scaleTargetRef names no object of the set."""
    for hpa in index.targets_of_kind("autoscaling", "HorizontalPodAutoscaler"):
        ref = get_path(hpa.data, ("spec", "scaleTargetRef"))
        if not isinstance(ref, dict):
            continue
        kind, name, api = ref.get("kind"), ref.get("name"), ref.get("apiVersion")
        if not isinstance(kind, str) or not is_object_name(name):
            continue
        ns = index.namespace_of(hpa)
        group = api.rpartition("/")[0] if isinstance(api, str) else None
        same_kind = (
            [o for o in index.of_kind(group, kind)]
            if group is not None
            else [o for o in index.objects if o.kind == kind]
        )
        if not any(index.namespace_of(o) == ns for o in same_kind):
            continue  # no such workloads checked at all (an HPA file alone): nothing to compare with
        if group is not None:
            found = index.has(group, kind, None if index._cluster_scoped(group, kind) else ns, name)
        else:
            found = any(o.kind == kind and o.name == name and index.namespace_of(o) == ns for o in index.objects)
        if found:
            continue
        yield (
            hpa,
            Problem(
                ("spec", "scaleTargetRef", "name"),
                f'scaleTargetRef names {kind} "{name}", which is not in namespace {ns} of the checked '
                "manifests: the autoscaler scales nothing (its status says FailedGetScale); fix the name or "
                "kind, or pass the target with --context (or set missing-refs: false)",
            ),
        )
