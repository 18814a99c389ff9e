"""matchPolicy: Equivalent -- which resources are the same resource in
another version or group, and the object converted to the version a policy
matched.

The API server's equivalent-resource mapper
(``runtime.NewEquivalentResourceRegistryWithIdentity`` keyed by the storage
prefix, k8s.io/apiserver pkg/server/config.go; ``RegisterKindFor`` in
endpoints/installer.go; apiextensions' per-CRD registry in
customresource_handler.go) makes these equivalent in a v1.37 cluster
(``kubectl api-resources``, ``kubectl get --raw /apis`` on the oracle):

* ``autoscaling/v1`` and ``autoscaling/v2`` horizontalpodautoscalers (one
  group served in two versions);
* ``v1`` events and ``events.k8s.io/v1`` events (cohabiting resources:
  ``storageFactory.AddCohabitatingResources``, one etcd prefix);
* every version of a CustomResourceDefinition.

When a rule matches only an equivalent, the dispatcher converts the object
to the matched kind (``generic.policyDispatcher.Dispatch`` ->
``admission.NewVersionedAttributes``) and ``request.kind`` /
``request.resource`` name the matched kind while ``requestKind`` /
``requestResource`` keep the request's.  Ported conversions:

* HorizontalPodAutoscaler v2 <-> v1 through the internal type
  (pkg/apis/autoscaling/v1/conversion.go:
  ``Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler``
  -- ``targetCPUUtilizationPercentage`` from the first CPU utilization
  metric, the other metrics in the ``autoscaling.alpha.kubernetes.io/metrics``
  annotation and the behavior in ``.../behavior``, as JSON;
  ``Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler``
  -- the CPU target as a metric, 80% when there is none), with the
  round-trip annotations dropped (``DropRoundTripHorizontalPodAutoscalerAnnotations``);
* Event ``v1`` <-> ``events.k8s.io/v1`` (pkg/apis/events/v1/conversion.go:
  ``involvedObject``/``regarding``, ``message``/``note``, ``source``/
  ``deprecatedSource``, the timestamps and count as ``deprecated*``,
  ``reportingComponent``/``reportingController``);
* custom resources whose CRD converts with strategy ``None``: the
  apiVersion rewritten (apiextensions' nopConverter).

What kubelint cannot convert (a CRD with a conversion webhook, a v1 HPA
carrying the round-trip annotations, a quantity it cannot print
canonically) raises :class:`NotConvertible`: the
caller reports the policy as not evaluated, never an error.
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from typing import Dict, Optional, Tuple

from ..quantity import QuantityError, parse_quantity

HPA_GROUP = "autoscaling"
METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior"
CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions"
ROUND_TRIP_ANNOTATIONS = (
    METRICS_ANNOTATION,
    BEHAVIOR_ANNOTATION,
    "autoscaling.alpha.kubernetes.io/scale-down-tolerance",
    "autoscaling.alpha.kubernetes.io/scale-up-tolerance",
    CURRENT_METRICS_ANNOTATION,
    CONDITIONS_ANNOTATION,
)
DEFAULT_CPU_UTILIZATION = 80

# (group, resource) -> [(group, version, kind)], in the order the server registers them.
BUILT_IN = {
    ("autoscaling", "horizontalpodautoscalers"): [
        ("autoscaling", "v1", "HorizontalPodAutoscaler"),
        ("autoscaling", "v2", "HorizontalPodAutoscaler"),
    ],
    ("", "events"): [("", "v1", "Event"), ("events.k8s.io", "v1", "Event")],
    ("events.k8s.io", "events"): [("", "v1", "Event"), ("events.k8s.io", "v1", "Event")],
}


class NotConvertible(Exception):
    """kubelint cannot convert this object as the server would (the reason)."""


def equivalents(group: str, resource: str, crd_versions: Dict[Tuple[str, str], Tuple[str, ...]], crd_kinds):
    """``EquivalentResourcesFor``: [(group, version, resource, kind)] of the
    resources the server treats as the same resource (the request's own
    version included), or [] when there are none."""
    if (group, resource) in crd_versions:
        kind = crd_kinds.get((group, resource), "")
        return [(group, v, resource, kind) for v in crd_versions[(group, resource)]]
    return [(g, v, resource, k) for g, v, k in BUILT_IN.get((group, resource), ())]


def convert(value: dict, src: Tuple[str, str, str], dst: Tuple[str, str, str], crd_strategy: Optional[str]) -> dict:
    """``value`` (the defaulted object in ``src`` = (group, version, kind))
    as the server converts it to ``dst``; :class:`NotConvertible` else."""
    if src == dst:
        return value
    sg, sv, sk = src
    dg, dv, dk = dst
    if crd_strategy is not None:
        if crd_strategy != "None":
            raise NotConvertible(
                f"its CustomResourceDefinition converts {sk} from {sv} to {dv} with a {crd_strategy} conversion, "
                "which kubelint cannot run offline"
            )
        out = dict(value)
        out["apiVersion"] = f"{dg}/{dv}"
        return out
    if sg == dg == HPA_GROUP and sk == dk == "HorizontalPodAutoscaler":
        internal = hpa_to_internal(value, sv)
        return hpa_from_internal(internal, dv)
    if sk == dk == "Event" and {sg, dg} == {"", EVENTS_GROUP} and sv == dv == "v1":
        return event_to_events_k8s_io(value) if dg == EVENTS_GROUP else event_to_core(value)
    raise NotConvertible(
        f"the server converts {sk} ({_gv(sg, sv)}) to {dk} ({_gv(dg, dv)}) before evaluating it, "
        "a conversion kubelint does not implement"
    )


def _gv(g: str, v: str) -> str:
    return f"{g}/{v}" if g else v


# --- Event -----------------------------------------------------------------------

EVENTS_GROUP = "events.k8s.io"
# Convert_core_Event_To_v1_Event / Convert_v1_Event_To_core_Event (pkg/apis/events/v1/conversion.go):
# core field -> events.k8s.io field; the other fields keep their names.
_EVENT_RENAMES = (
    ("involvedObject", "regarding"),
    ("message", "note"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
    ("reportingComponent", "reportingController"),
)
_EVENT_SAME = ("reason", "type", "eventTime", "series", "action", "related", "reportingInstance")


def _event(value: dict, renames, api_version: str, always: dict, omit_empty) -> dict:
    """The typed object's JSON as the policy sees it: fields without
    ``omitempty`` (and struct-typed ones) always present, empty ``omitempty``
    strings and counts absent (oracle: the key sets of both directions)."""
    out = {"apiVersion": api_version, "kind": "Event"}
    if "metadata" in value:
        out["metadata"] = value["metadata"]
    for src, dst in renames:
        if src in value:
            out[dst] = copy.deepcopy(value[src])
    for k in _EVENT_SAME:
        if k in value:
            out[k] = copy.deepcopy(value[k])
    for k in omit_empty:
        if out.get(k) in ("", 0):
            out.pop(k)
    for k, v in always.items():
        out.setdefault(k, copy.deepcopy(v))
    return out


def event_to_events_k8s_io(value: dict) -> dict:
    return _event(
        value,
        _EVENT_RENAMES,
        f"{EVENTS_GROUP}/v1",
        {
            "eventTime": None,
            "regarding": {},
            "deprecatedSource": {},
            "deprecatedFirstTimestamp": None,
            "deprecatedLastTimestamp": None,
        },
        ("note", "reason", "type", "action", "reportingController", "reportingInstance", "deprecatedCount"),
    )


def event_to_core(value: dict) -> dict:
    return _event(
        value,
        [(b, a) for a, b in _EVENT_RENAMES],
        "v1",
        {
            "involvedObject": {},
            "reportingComponent": "",
            "reportingInstance": "",
            "source": {},
            "firstTimestamp": None,
            "lastTimestamp": None,
            "eventTime": None,
        },
        ("message", "reason", "type", "action", "count"),
    )


# --- HorizontalPodAutoscaler ------------------------------------------------------


def _annotations(meta: dict) -> dict:
    a = meta.get("annotations")
    return a if isinstance(a, dict) else {}


def hpa_to_internal(value: dict, version: str) -> dict:
    """The internal HPA (kept in v2's shape) of a defaulted v1 or v2 HPA."""
    obj = copy.deepcopy(value)
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if version == "v1":
        ann = _annotations(meta)
        carried = [a for a in (METRICS_ANNOTATION, BEHAVIOR_ANNOTATION, CURRENT_METRICS_ANNOTATION) if a in ann]
        if carried:
            raise NotConvertible(
                f"the HorizontalPodAutoscaler carries the round-trip annotation {carried[0]}, which the server "
                "decodes into v2 metrics or behavior (kubelint does not)"
            )
        new_spec = {k: spec[k] for k in ("scaleTargetRef", "minReplicas", "maxReplicas") if k in spec}
        cpu = spec.get("targetCPUUtilizationPercentage")
        target = cpu if isinstance(cpu, int) and not isinstance(cpu, bool) else DEFAULT_CPU_UTILIZATION
        new_spec["metrics"] = [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}},
            }
        ]
        obj["spec"] = new_spec
    if meta:
        _drop_round_trip(meta)
    obj.pop("status", None)  # a create: the status is empty
    return obj


def _drop_round_trip(meta: dict) -> None:
    ann = _annotations(meta)
    if any(a in ann for a in ROUND_TRIP_ANNOTATIONS):
        meta["annotations"] = {k: v for k, v in ann.items() if k not in ROUND_TRIP_ANNOTATIONS}


def hpa_from_internal(internal: dict, version: str) -> dict:
    """The internal HPA as ``version`` (v1 or v2) presents it."""
    obj = copy.deepcopy(internal)
    obj["apiVersion"] = f"{HPA_GROUP}/{version}"
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    meta = obj.setdefault("metadata", {}) if isinstance(obj.get("metadata", {}), dict) else {}
    if version == "v2":
        obj["status"] = {"currentMetrics": None, "desiredReplicas": 0}
        return obj
    metrics = spec.get("metrics") if isinstance(spec.get("metrics"), list) else []
    new_spec = {k: spec[k] for k in ("scaleTargetRef", "minReplicas", "maxReplicas") if k in spec}
    others = []
    for m in metrics:
        if _is_cpu_utilization(m):
            if "targetCPUUtilizationPercentage" not in new_spec:
                new_spec["targetCPUUtilizationPercentage"] = m["resource"]["target"]["averageUtilization"]
            continue
        others.append(_metric_v1(m))
    obj["spec"] = new_spec
    ann = dict(_annotations(meta))
    if others:
        ann[METRICS_ANNOTATION] = _go_json(others)
    if isinstance(spec.get("behavior"), dict):
        ann[BEHAVIOR_ANNOTATION] = _go_json(_behavior_internal(spec["behavior"]))
    if ann or "annotations" in meta:
        meta["annotations"] = ann
    obj["status"] = {"currentReplicas": 0, "desiredReplicas": 0}
    return obj


def _is_cpu_utilization(m) -> bool:
    if not isinstance(m, dict) or m.get("type") != "Resource" or not isinstance(m.get("resource"), dict):
        return False
    r = m["resource"]
    target = r.get("target") if isinstance(r.get("target"), dict) else {}
    return r.get("name") == "cpu" and target.get("averageUtilization") is not None


def _go_json(value) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _q(value) -> str:
    """A quantity as the server serializes it (``Quantity.String()``)."""
    text = canonical_quantity(value)
    if text is None:
        raise NotConvertible(f"kubelint cannot print the quantity {value!r} as the server does")
    return text


def _selector(sel):
    """metav1.LabelSelector's JSON (matchLabels, matchExpressions: key, operator, values)."""
    if not isinstance(sel, dict):
        return None
    out = {}
    if sel.get("matchLabels"):
        out["matchLabels"] = sel["matchLabels"]
    if sel.get("matchExpressions"):
        out["matchExpressions"] = [
            {k: e[k] for k in ("key", "operator", "values") if k in e and (k != "values" or e[k])}
            for e in sel["matchExpressions"]
            if isinstance(e, dict)
        ]
    return out


def _metric_v1(m: dict) -> dict:
    """``Convert_autoscaling_MetricSpec_To_v1_MetricSpec``: a v2 metric as
    v1's MetricSpec (JSON field order and omitempty of k8s.io/api
    autoscaling/v1 types.go)."""
    t = m.get("type")
    out: dict = {"type": t}

    def target(src):
        return src.get("target") if isinstance(src.get("target"), dict) else {}

    def metric(src):
        return src.get("metric") if isinstance(src.get("metric"), dict) else {}

    if t == "Object" and isinstance(m.get("object"), dict):
        src = m["object"]
        d = src.get("describedObject") if isinstance(src.get("describedObject"), dict) else {}
        ref = {"kind": d.get("kind", ""), "name": d.get("name", "")}
        if d.get("apiVersion"):
            ref["apiVersion"] = d["apiVersion"]
        o = {"target": ref, "metricName": metric(src).get("name", "")}
        tv = target(src).get("value")
        o["targetValue"] = _q(tv) if tv is not None else "0"
        sel = _selector(metric(src).get("selector"))
        if sel is not None:
            o["selector"] = sel
        if target(src).get("averageValue") is not None:
            o["averageValue"] = _q(target(src)["averageValue"])
        out["object"] = o
    elif t == "Pods" and isinstance(m.get("pods"), dict):
        src = m["pods"]
        av = target(src).get("averageValue")
        o = {"metricName": metric(src).get("name", ""), "targetAverageValue": _q(av) if av is not None else "0"}
        sel = _selector(metric(src).get("selector"))
        if sel is not None:
            o["selector"] = sel
        out["pods"] = o
    elif t in ("Resource", "ContainerResource") and isinstance(m.get(_lower(t)), dict):
        src = m[_lower(t)]
        o = {"name": src.get("name", "")}
        tg = target(src)
        if tg.get("averageUtilization") is not None:
            o["targetAverageUtilization"] = tg["averageUtilization"]
        if tg.get("averageValue") is not None:
            o["targetAverageValue"] = _q(tg["averageValue"])
        if t == "ContainerResource":
            o["container"] = src.get("container", "")
        out[_lower(t)] = o
    elif t == "External" and isinstance(m.get("external"), dict):
        src = m["external"]
        o = {"metricName": metric(src).get("name", "")}
        sel = _selector(metric(src).get("selector"))
        if sel is not None:
            o["metricSelector"] = sel
        if target(src).get("value") is not None:
            o["targetValue"] = _q(target(src)["value"])
        if target(src).get("averageValue") is not None:
            o["targetAverageValue"] = _q(target(src)["averageValue"])
        out["external"] = o
    return out


def _lower(t: str) -> str:
    return t[0].lower() + t[1:]


def _behavior_internal(b: dict) -> dict:
    """The defaulted behavior as ``json.Marshal`` of the internal type writes
    it (no json tags: Go field names, every field)."""

    def rules(r):
        r = r if isinstance(r, dict) else {}
        tol = r.get("tolerance")
        return {
            "StabilizationWindowSeconds": r.get("stabilizationWindowSeconds"),
            "SelectPolicy": r.get("selectPolicy"),
            "Policies": [
                {"Type": p.get("type"), "Value": p.get("value"), "PeriodSeconds": p.get("periodSeconds")}
                for p in (r.get("policies") or [])
                if isinstance(p, dict)
            ],
            "Tolerance": _q(tol) if tol is not None else None,
        }

    return {"ScaleUp": rules(b.get("scaleUp")), "ScaleDown": rules(b.get("scaleDown"))}


# --- quantities --------------------------------------------------------------------

_DECIMAL_SUFFIXES = [
    (18, "E"),
    (15, "P"),
    (12, "T"),
    (9, "G"),
    (6, "M"),
    (3, "k"),
    (0, ""),
    (-3, "m"),
    (-6, "u"),
    (-9, "n"),
]
_BINARY_SUFFIXES = [(60, "Ei"), (50, "Pi"), (40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki")]


def canonical_quantity(value) -> Optional[str]:
    """``Quantity.String()`` (``CanonicalizeBytes``) for decimal-SI and
    binary-SI quantities; None for forms kubelint does not print (an
    exponent like ``1e3``)."""
    try:
        amount = parse_quantity(value)
    except QuantityError:
        return None
    text = value.strip() if isinstance(value, str) else str(value)
    if any(c in "eE" for c in text.lstrip("+-0123456789.")):
        return None  # DecimalExponent: not printed here
    binary = text.endswith("i")
    sign = "-" if amount < 0 else ""
    a = abs(amount)
    if a == 0:
        return "0"
    if binary and a.denominator == 1 and a >= 1024:
        n = a.numerator
        for exp, suffix in _BINARY_SUFFIXES:
            if n % (1 << exp) == 0:
                return f"{sign}{n >> exp}{suffix}"
    for exp, suffix in _DECIMAL_SUFFIXES:
        m = a / Fraction(10) ** exp
        if m.denominator == 1:
            return f"{sign}{m.numerator}{suffix}"
    return None
