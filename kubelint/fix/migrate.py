"""API migrations: a removed apiVersion rewritten to the served replacement
with every structural change the new version needs.

Each migration maps an object's data to *operations* relative to the
object root (see :mod:`kubelint.fix.fixers`): ``("set", path, value)``
sets or adds a field, ``("rename", path, new_key)`` renames a key.  Only
pairs listed in :data:`MIGRATIONS` are migrated; anything else (CRDs
v1beta1 -> v1, webhook configurations, CSRs, FlowSchema v1beta3 whose
``nominalConcurrencyShares: 0`` changes meaning) needs a human.

Sources (the Go conversion and defaulting code of each pair):

* workloads: ``pkg/apis/apps/v1`` vs ``pkg/apis/extensions/v1beta1`` /
  ``apps/v1beta1`` / ``apps/v1beta2`` ``defaults.go``: the old versions
  defaulted ``spec.selector`` from the template labels (apps/v1 requires
  it); extensions/v1beta1 Deployments defaulted ``rollingUpdate`` to
  ``maxUnavailable: 1, maxSurge: 1`` (apps/v1: 25%); extensions/v1beta1
  DaemonSets and apps/v1beta1 StatefulSets defaulted ``updateStrategy`` to
  ``OnDelete`` (apps/v1: RollingUpdate).  Those defaults are written out so
  rollouts behave as before.  (``revisionHistoryLimit`` and
  ``progressDeadlineSeconds`` defaults also differ but change only how
  much history is kept and when a stuck rollout is reported, not what runs.)
* Ingress: ``pkg/apis/networking/v1beta1`` -> v1 conversion:
  ``spec.backend`` -> ``spec.defaultBackend``; ``serviceName``/``servicePort``
  -> ``service.name`` and ``service.port.number`` (an integer) or
  ``service.port.name`` (a string); v1beta1 defaulted ``pathType`` to
  ``ImplementationSpecific``, which v1 requires explicitly.
* HorizontalPodAutoscaler autoscaling/v2beta1 -> v2
  (``pkg/apis/autoscaling/v2beta1/conversion.go``): ``targetAverageUtilization``
  -> ``target: {type: Utilization, averageUtilization}``, ``targetAverageValue``
  -> ``target: {type: AverageValue, averageValue}``, ``targetValue`` ->
  ``target: {type: Value, value}``, ``metricName``/``metricSelector``/``selector``
  -> ``metric: {name, selector}``, Object ``target`` -> ``describedObject``.
* EndpointSlice discovery.k8s.io/v1beta1 -> v1: ``topology`` ->
  ``deprecatedTopology``.
* PodDisruptionBudget policy/v1beta1 -> v1: same fields, but an empty
  selector (``{}``) selected no pods and selects all in v1: not migrated.
* The rest change only the apiVersion (identical schemas).
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

Ops = List[tuple]


def _labels(data) -> Optional[dict]:
    tpl = (data.get("spec") or {}).get("template") if isinstance(data.get("spec"), dict) else None
    meta = tpl.get("metadata") if isinstance(tpl, dict) else None
    labels = meta.get("labels") if isinstance(meta, dict) else None
    if isinstance(labels, dict) and labels and all(isinstance(v, str) for v in labels.values()):
        return dict(labels)
    return None


def _spec(data) -> dict:
    s = data.get("spec")
    return s if isinstance(s, dict) else {}


def _workload(old_gv: str, kind: str) -> Callable[[dict], Optional[Ops]]:
    def run(data: dict) -> Optional[Ops]:
        ops: Ops = []
        spec = _spec(data)
        if not isinstance(data.get("spec"), dict):
            return None
        if spec.get("selector") is None:
            labels = _labels(data)
            if labels is None:
                return None  # nothing to derive the required selector from
            ops.append(("set", ("spec", "selector"), {"matchLabels": labels}))
        if kind == "Deployment" and old_gv == "extensions/v1beta1":
            # extensions/v1beta1 defaulted both to 1.  With one replica
            # (or none set) maxUnavailable 1 took the only Pod down on every
            # rollout; apps/v1's 25% rounds down to 0 there, so that one is
            # left to the new default (the rollout surges first instead).
            replicas = spec.get("replicas", 1)
            old = {"maxUnavailable": 1, "maxSurge": 1}
            if not (isinstance(replicas, int) and replicas > 1):
                del old["maxUnavailable"]
            strategy = spec.get("strategy")
            if strategy is None:
                ops.append(("set", ("spec", "strategy"), {"type": "RollingUpdate", "rollingUpdate": old}))
            elif isinstance(strategy, dict) and strategy.get("type", "RollingUpdate") == "RollingUpdate":
                ru = strategy.get("rollingUpdate")
                if ru is None:
                    ops.append(("set", ("spec", "strategy", "rollingUpdate"), old))
                elif isinstance(ru, dict):
                    for k in old:
                        if ru.get(k) is None:
                            ops.append(("set", ("spec", "strategy", "rollingUpdate", k), 1))
        if (kind, old_gv) in (("DaemonSet", "extensions/v1beta1"), ("StatefulSet", "apps/v1beta1")):
            if spec.get("updateStrategy") is None:
                ops.append(("set", ("spec", "updateStrategy"), {"type": "OnDelete"}))
        return ops

    return run


def _ingress_backend(b) -> Optional[dict]:
    if not isinstance(b, dict):
        return None
    if "serviceName" not in b and "servicePort" not in b:
        return None if "service" in b or "resource" in b else None
    name, port = b.get("serviceName"), b.get("servicePort")
    if not isinstance(name, str) or port is None or isinstance(port, bool):
        return None
    if isinstance(port, int):
        p = {"number": port}
    elif isinstance(port, str) and port:
        p = {"name": port}
    else:
        return None
    rest = {k: v for k, v in b.items() if k not in ("serviceName", "servicePort")}
    out = {"service": {"name": name, "port": p}}
    out.update(rest)
    return out


def _ingress(data: dict) -> Optional[Ops]:
    ops: Ops = []
    spec = _spec(data)
    if "backend" in spec:
        nb = _ingress_backend(spec["backend"])
        if (
            nb is None
            and isinstance(spec["backend"], dict)
            and ("serviceName" in spec["backend"] or "servicePort" in spec["backend"])
        ):
            return None
        if "defaultBackend" in spec:
            return None
        ops.append(("rename", ("spec", "backend"), "defaultBackend"))
        if nb is not None:
            ops.append(("set", ("spec", "backend"), nb))
    rules = spec.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else ()):
        http = rule.get("http") if isinstance(rule, dict) else None
        paths = http.get("paths") if isinstance(http, dict) else None
        for j, p in enumerate(paths if isinstance(paths, list) else ()):
            if not isinstance(p, dict):
                continue
            base = ("spec", "rules", i, "http", "paths", j)
            if "backend" in p:
                nb = _ingress_backend(p["backend"])
                if (
                    nb is None
                    and isinstance(p["backend"], dict)
                    and ("serviceName" in p["backend"] or "servicePort" in p["backend"])
                ):
                    return None
                if nb is not None:
                    ops.append(("set", base + ("backend",), nb))
            if p.get("pathType") is None:
                ops.append(("set", base + ("pathType",), "ImplementationSpecific"))
    return ops


def _target(v: dict, kind: str) -> Optional[dict]:
    """v2beta1 target fields of one metric source -> a v2 MetricTarget."""
    if "targetAverageUtilization" in v:
        return {"type": "Utilization", "averageUtilization": v["targetAverageUtilization"]}
    if "targetAverageValue" in v:
        return {"type": "AverageValue", "averageValue": v["targetAverageValue"]}
    if "targetValue" in v:
        return {"type": "Value", "value": v["targetValue"]}
    if "averageValue" in v:  # Object metrics
        return {"type": "AverageValue", "averageValue": v["averageValue"]}
    return None


_V2BETA1_KEYS = {
    "Resource": {"name", "targetAverageUtilization", "targetAverageValue"},
    "ContainerResource": {"name", "container", "targetAverageUtilization", "targetAverageValue"},
    "Pods": {"metricName", "targetAverageValue", "selector"},
    "Object": {"target", "metricName", "targetValue", "selector", "averageValue"},
    "External": {"metricName", "metricSelector", "targetValue", "targetAverageValue"},
}
_SOURCE_FIELD = {
    "Resource": "resource",
    "ContainerResource": "containerResource",
    "Pods": "pods",
    "Object": "object",
    "External": "external",
}


def _metric(m) -> Optional[dict]:
    if not isinstance(m, dict) or not isinstance(m.get("type"), str):
        return None
    t = m["type"]
    field = _SOURCE_FIELD.get(t)
    v = m.get(field) if field else None
    if not isinstance(v, dict) or set(v) - _V2BETA1_KEYS[t]:
        return None
    target = _target(v, t)
    if target is None:
        return None
    if t in ("Resource", "ContainerResource"):
        src = {"name": v.get("name")}
        if t == "ContainerResource":
            src["container"] = v.get("container")
        src["target"] = target
    elif t == "Pods":
        metric = {"name": v.get("metricName")}
        if v.get("selector") is not None:
            metric["selector"] = v["selector"]
        src = {"metric": metric, "target": target}
    elif t == "Object":
        metric = {"name": v.get("metricName")}
        if v.get("selector") is not None:
            metric["selector"] = v["selector"]
        src = {"describedObject": v.get("target"), "metric": metric, "target": target}
    else:
        metric = {"name": v.get("metricName")}
        if v.get("metricSelector") is not None:
            metric["selector"] = v["metricSelector"]
        src = {"metric": metric, "target": target}
    out = {k: val for k, val in m.items() if k != field}
    out[field] = src
    return out


def _hpa_v2beta1(data: dict) -> Optional[Ops]:
    ops: Ops = []
    metrics = _spec(data).get("metrics")
    if metrics is None:
        return ops
    if not isinstance(metrics, list):
        return None
    for i, m in enumerate(metrics):
        nm = _metric(m)
        if nm is None:
            return None
        ops.append(("set", ("spec", "metrics", i, _SOURCE_FIELD[m["type"]]), nm[_SOURCE_FIELD[m["type"]]]))
    return ops


def _endpointslice(data: dict) -> Optional[Ops]:
    ops: Ops = []
    eps = data.get("endpoints")
    for i, ep in enumerate(eps if isinstance(eps, list) else ()):
        if isinstance(ep, dict) and "topology" in ep:
            if "deprecatedTopology" in ep:
                return None
            ops.append(("rename", ("endpoints", i, "topology"), "deprecatedTopology"))
    return ops


def _pdb(data: dict) -> Optional[Ops]:
    sel = _spec(data).get("selector")
    if isinstance(sel, dict) and not sel.get("matchLabels") and not sel.get("matchExpressions"):
        return None  # empty selector: none in v1beta1, every pod in v1
    return []


def _same(data: dict) -> Ops:
    return []


Migration = Tuple[str, Callable[[dict], Optional[Ops]], str]

MIGRATIONS: Dict[Tuple[str, str], Migration] = {}


def _add(old: str, kinds, new: str, fn=None, note: str = "") -> None:
    for k in kinds:
        MIGRATIONS[(old, k)] = (new, fn or _same, note)


for _gv in ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"):
    for _k in ("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"):
        if (_gv, _k) in (
            ("extensions/v1beta1", "StatefulSet"),
            ("apps/v1beta1", "DaemonSet"),
            ("apps/v1beta1", "ReplicaSet"),
        ):
            continue
        MIGRATIONS[(_gv, _k)] = (
            "apps/v1",
            _workload(_gv, _k),
            "spec.selector from the template labels; changed defaults made explicit",
        )
_add(
    "extensions/v1beta1",
    ["Ingress"],
    "networking.k8s.io/v1",
    _ingress,
    "backend -> service.name/port; pathType: ImplementationSpecific",
)
_add(
    "networking.k8s.io/v1beta1",
    ["Ingress"],
    "networking.k8s.io/v1",
    _ingress,
    "backend -> service.name/port; pathType: ImplementationSpecific",
)
_add("networking.k8s.io/v1beta1", ["IngressClass"], "networking.k8s.io/v1")
_add("extensions/v1beta1", ["NetworkPolicy"], "networking.k8s.io/v1")
_add(
    "policy/v1beta1", ["PodDisruptionBudget"], "policy/v1", _pdb, "not when the selector is empty (its meaning changed)"
)
_add("batch/v1beta1", ["CronJob"], "batch/v1")
_add("batch/v2alpha1", ["CronJob"], "batch/v1")
_add(
    "autoscaling/v2beta1",
    ["HorizontalPodAutoscaler"],
    "autoscaling/v2",
    _hpa_v2beta1,
    "metrics reshaped to metric/target",
)
_add("autoscaling/v2beta2", ["HorizontalPodAutoscaler"], "autoscaling/v2")
_add(
    "rbac.authorization.k8s.io/v1beta1",
    ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    "rbac.authorization.k8s.io/v1",
)
_add(
    "rbac.authorization.k8s.io/v1alpha1",
    ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    "rbac.authorization.k8s.io/v1",
)
_add("scheduling.k8s.io/v1beta1", ["PriorityClass"], "scheduling.k8s.io/v1")
_add("scheduling.k8s.io/v1alpha1", ["PriorityClass"], "scheduling.k8s.io/v1")
_add(
    "storage.k8s.io/v1beta1",
    ["StorageClass", "VolumeAttachment", "CSIDriver", "CSINode", "CSIStorageCapacity"],
    "storage.k8s.io/v1",
)
_add("coordination.k8s.io/v1beta1", ["Lease"], "coordination.k8s.io/v1")
_add("node.k8s.io/v1beta1", ["RuntimeClass"], "node.k8s.io/v1")
_add(
    "discovery.k8s.io/v1beta1",
    ["EndpointSlice"],
    "discovery.k8s.io/v1",
    _endpointslice,
    "topology -> deprecatedTopology",
)
_add("events.k8s.io/v1beta1", ["Event"], "events.k8s.io/v1")
_add("apiregistration.k8s.io/v1beta1", ["APIService"], "apiregistration.k8s.io/v1")


def migrate(data: dict, api_version: str, kind: str) -> Optional[Tuple[str, Ops]]:
    """(new apiVersion, operations) or None when not mechanical."""
    m = MIGRATIONS.get((api_version, kind))
    if m is None:
        return None
    new, fn, _ = m
    ops = fn(data)
    if ops is None:
        return None
    return new, [("set", ("apiVersion",), new)] + ops
