"""autoscaling/v2: HorizontalPodAutoscaler.

Ported from ``pkg/apis/autoscaling/validation/validation.go``
(``validateHorizontalPodAutoscalerSpec``, ``ValidateCrossVersionObjectReference``,
``validateMetricSpec``, ``validateMetricTarget``, ``validateResourceSource``,
``validatePodsSource``, ``validateObjectSource``, ``validateExternalSource``,
``validateBehavior``, ``validateScalingRules``, ``validateScalingPolicy``)
after ``pkg/apis/autoscaling/v2/defaults.go`` (minReplicas defaults to 1).
"""

from __future__ import annotations


from ..findings import Problem
from .common import (
    FORBIDDEN_FIELD,
    INVALID_SELECTOR,
    INVALID_VALUE,
    REQUIRED_VALUE,
    UNSUPPORTED_VALUE,
    dict_at,
    fmt_quantity,
    invalid_msgs,
    is_int,
    is_str,
    list_at,
    quantity,
)
from .meta import forbidden, invalid, is_valid_path_segment_name, required, unsupported, validate_label_selector
from .registry import validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List

METRIC_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")
TARGET_TYPES = ("AverageValue", "Utilization", "Value")
SELECT_POLICIES = ("Disabled", "Max", "Min")
POLICY_TYPES = ("Percent", "Pods")
MAX_STABILIZATION_WINDOW_SECONDS = 3600
MAX_PERIOD_SECONDS = 1800
SOURCE_FIELD = {
    "ContainerResource": "containerResource",
    "External": "external",
    "Object": "object",
    "Pods": "pods",
    "Resource": "resource",
}


def cross_version_ref(ref, p) -> List[Problem]:
    """ValidateCrossVersionObjectReference: kind and name required path segments."""
    out: List[Problem] = []
    ref = ref if isinstance(ref, dict) else {}
    for f in ("kind", "name"):
        val = ref.get(f)
        if not val and f in ref:  # absent: the schema's missing-required-field
            out.append(
                required(
                    p + (f,),
                    "",
                    REQUIRED_VALUE,
                    at="key" if f in ref else "value",
                    hint=f"scaleTargetRef needs the {f} of the workload to scale" if p[-1] == "scaleTargetRef" else "",
                )
            )
        elif is_str(val):
            out.extend(invalid_msgs(p + (f,), val, is_valid_path_segment_name(val), INVALID_VALUE))
    return out


@validates(("autoscaling", "HorizontalPodAutoscaler"))
def horizontal_pod_autoscaler(obj, ctx):
    out: List[Problem] = []
    spec = dict_at(obj.data, "spec")
    sp = ("spec",)
    mn = spec.get("minReplicas")
    mx = spec.get("maxReplicas")
    # MinReplicasLowerBound: 0 once HPAScaleToZero is on (v1.37, see .gates; oracle-confirmed), else 1
    lower = 0 if ctx.gate("HPAScaleToZero") else 1
    if is_int(mn) and mn < lower:
        out.append(
            invalid(
                sp + ("minReplicas",),
                mn,
                f"must be greater than or equal to {lower}",
                INVALID_VALUE,
                "scale-to-zero needs Kubernetes 1.37 (HPAScaleToZero) and an Object or External metric"
                if lower
                else "",
            )
        )
    if is_int(mn) and mn == 0 and not _scales_to_zero(obj, spec):
        # validateMetrics: scaling to zero needs a metric that does not come from the (absent) pods
        where = sp + ("metrics",) if "metrics" in spec else sp + ("minReplicas",)
        out.append(
            forbidden(
                sp + ("metrics",),
                "must specify at least one Object or External metric to support scaling to zero replicas",
                FORBIDDEN_FIELD,
                at="key",
                hint="add an Object or External metric (e.g. a queue length), or set minReplicas: 1",
            )._replace(path=where)
        )
    if is_int(mx) and mx < 1:
        out.append(invalid(sp + ("maxReplicas",), mx, "must be greater than 0", INVALID_VALUE))
    if is_int(mx) and is_int(mn) and mx < mn:
        out.append(invalid(sp + ("maxReplicas",), mx, "must be greater than or equal to `minReplicas`", INVALID_VALUE))
    out.extend(cross_version_ref(spec.get("scaleTargetRef"), sp + ("scaleTargetRef",)))
    if obj.version == "v2":
        for i, m in enumerate(list_at(spec, "metrics")):
            if isinstance(m, dict):
                out.extend(_metric(m, sp + ("metrics", i)))
        beh = spec.get("behavior")
        if isinstance(beh, dict):
            for d in ("scaleUp", "scaleDown"):
                r = beh.get(d)
                if isinstance(r, dict):
                    out.extend(_scaling_rules(r, sp + ("behavior", d)))
    else:
        t = spec.get("targetCPUUtilizationPercentage")
        if is_int(t) and t < 1:
            out.append(
                invalid(
                    sp + ("metrics", 0, "resource", "target", "averageUtilization"),
                    t,
                    "must be greater than 0",
                    INVALID_VALUE,
                    "spec.targetCPUUtilizationPercentage, which the server converts to autoscaling/v2 first",
                    anchor=sp + ("targetCPUUtilizationPercentage",),
                )
            )
    return out


def _scales_to_zero(obj, spec: dict) -> bool:
    """An Object or External metric (autoscaling/v1 has only the CPU target: never)."""
    if obj.version != "v2":
        return False
    return any(isinstance(m, dict) and m.get("type") in ("Object", "External") for m in list_at(spec, "metrics"))


def _metric(m: dict, p) -> List[Problem]:
    """validateMetricSpec."""
    out: List[Problem] = []
    typ = m.get("type")
    if not typ and "type" in m:
        out.append(
            required(
                p + ("type",), "must specify a metric source type", REQUIRED_VALUE, at="key" if "type" in m else "value"
            )
        )
    elif is_str(typ) and typ not in METRIC_TYPES:
        out.append(unsupported(p + ("type",), typ, METRIC_TYPES, UNSUPPORTED_VALUE))
    present = [f for f in ("object", "pods", "resource", "external", "containerResource") if m.get(f) is not None]
    if present and isinstance(m.get(present[0]), dict):
        out.extend(_source(present[0], m[present[0]], p + (present[0],)))
    expected = SOURCE_FIELD.get(typ) if is_str(typ) else None
    if expected and expected not in present:
        out.append(
            required(
                p + (expected,),
                "must populate information for the given metric source",
                REQUIRED_VALUE,
                at="key",
                hint=f"type {typ} needs {expected}",
            )
        )
    if len(present) != 1:
        for f in present:
            if f != expected:
                out.append(forbidden(p + (f,), "must populate the given metric source only", FORBIDDEN_FIELD, at="key"))
    return out


def _source(kind: str, src: dict, p) -> List[Problem]:
    out: List[Problem] = []
    target = src.get("target")
    tgt = target if isinstance(target, dict) else {}
    if kind in ("resource", "containerResource"):
        if not src.get("name") and "name" in src:
            out.append(
                required(
                    p + ("name",),
                    "must specify a resource name",
                    REQUIRED_VALUE,
                    at="key" if "name" in src else "value",
                )
            )
        if kind == "containerResource" and not src.get("container") and "container" in src:
            out.append(
                required(
                    p + ("container",),
                    "must specify a container",
                    REQUIRED_VALUE,
                    at="key" if "container" in src else "value",
                )
            )
        out.extend(_target(tgt, p + ("target",), target is not None))
        if tgt.get("averageUtilization") is None and tgt.get("averageValue") is None:
            out.append(
                required(
                    p + ("target", "averageUtilization"),
                    "must set either a target raw value or a target utilization",
                    REQUIRED_VALUE,
                    at="key",
                )
            )
        elif tgt.get("averageUtilization") is not None and tgt.get("averageValue") is not None:
            out.append(
                forbidden(
                    p + ("target", "averageValue"),
                    "may not set both a target raw value and a target utilization",
                    FORBIDDEN_FIELD,
                    at="key",
                )
            )
    elif kind in ("pods", "object", "external"):
        metric = src.get("metric")
        metric = metric if isinstance(metric, dict) else {}
        name = metric.get("name")
        if not name and "name" in metric:
            out.append(required(p + ("metric", "name"), "must specify a metric name", REQUIRED_VALUE, at="key"))
        elif is_str(name):
            out.extend(invalid_msgs(p + ("metric", "name"), name, is_valid_path_segment_name(name), INVALID_VALUE))
        sel = metric.get("selector")
        if isinstance(sel, dict):
            out.extend(validate_label_selector(sel, p + ("metric", "selector"), INVALID_SELECTOR))
        if kind == "object":
            out.extend(cross_version_ref(src.get("describedObject"), p + ("describedObject",)))
        out.extend(_target(tgt, p + ("target",), target is not None))
        if kind == "pods" and tgt.get("averageValue") is None:
            out.append(
                required(
                    p + ("target", "averageValue"),
                    "must specify a positive target averageValue",
                    REQUIRED_VALUE,
                    at="key",
                )
            )
        if kind == "object" and tgt.get("value") is None and tgt.get("averageValue") is None:
            out.append(
                required(
                    p + ("target", "averageValue"),
                    "must set either a target value or averageValue",
                    REQUIRED_VALUE,
                    at="key",
                )
            )
        if kind == "external":
            if tgt.get("value") is not None and tgt.get("averageValue") is not None:
                out.append(
                    forbidden(
                        p + ("target", "value"),
                        "may not set both a target value for metric and a per-pod target",
                        FORBIDDEN_FIELD,
                        at="key",
                    )
                )
            elif tgt.get("value") is None and tgt.get("averageValue") is None:
                out.append(
                    required(
                        p + ("target", "averageValue"),
                        "must set either a target value for metric or a per-pod target",
                        REQUIRED_VALUE,
                        at="key",
                    )
                )
    return out


def _target(t: dict, p, present: bool) -> List[Problem]:
    """validateMetricTarget."""
    out: List[Problem] = []
    typ = t.get("type")
    if not typ and "type" in t:
        out.append(
            required(
                p + ("type",), "must specify a metric target type", REQUIRED_VALUE, at="key" if "type" in t else "value"
            )
        )
    if typ and typ not in TARGET_TYPES:
        from ..suggest import did_you_mean

        dym = did_you_mean(typ, TARGET_TYPES) if is_str(typ) else ""
        out.append(
            invalid(
                p + ("type",),
                typ if is_str(typ) else "",
                "must be either Utilization, Value, or AverageValue" + dym,
                INVALID_VALUE,
            )
        )
    for f in ("value", "averageValue"):
        raw = t.get(f)
        q = quantity(raw)
        if q is not None and q <= 0:
            out.append(invalid(p + (f,), fmt_quantity(raw), "must be positive", INVALID_VALUE))
    au = t.get("averageUtilization")
    if is_int(au) and au < 1:
        out.append(invalid(p + ("averageUtilization",), au, "must be greater than 0", INVALID_VALUE))
    return out


def _scaling_rules(r: dict, p) -> List[Problem]:
    """validateScalingRules + validateScalingPolicy."""
    out: List[Problem] = []
    sw = r.get("stabilizationWindowSeconds")
    if is_int(sw):
        if sw < 0:
            out.append(
                invalid(p + ("stabilizationWindowSeconds",), sw, "must be greater than or equal to zero", INVALID_VALUE)
            )
        elif sw > MAX_STABILIZATION_WINDOW_SECONDS:
            out.append(
                invalid(
                    p + ("stabilizationWindowSeconds",),
                    sw,
                    f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}",
                    INVALID_VALUE,
                )
            )
    spol = r.get("selectPolicy")
    if is_str(spol) and spol not in SELECT_POLICIES:
        out.append(unsupported(p + ("selectPolicy",), spol, SELECT_POLICIES, UNSUPPORTED_VALUE))
    if isinstance(r.get("policies"), list) and not r["policies"]:
        out.append(
            required(
                p + ("policies",),
                "must specify at least one Policy",
                REQUIRED_VALUE,
                at="key",
                hint="or omit policies to keep the defaults",
            )
        )
    for i, pol in enumerate(list_at(r, "policies")):
        if not isinstance(pol, dict):
            continue
        pp = p + ("policies", i)
        t = pol.get("type")
        if t not in POLICY_TYPES and "type" in pol:
            out.append(unsupported(pp + ("type",), t if is_str(t) else "", POLICY_TYPES, UNSUPPORTED_VALUE))
        val = pol.get("value")
        if "value" in pol and (not is_int(val) or val <= 0):
            out.append(
                invalid(
                    pp + ("value",), val if is_int(val) else 0, "must be greater than zero", INVALID_VALUE
                )._replace(at="value" if "value" in pol else "key")
            )
        per = pol.get("periodSeconds")
        if "periodSeconds" not in pol:
            pass
        elif not is_int(per) or per <= 0:
            out.append(
                invalid(pp + ("periodSeconds",), per if is_int(per) else 0, "must be greater than zero", INVALID_VALUE)
            )
        elif per > MAX_PERIOD_SECONDS:
            out.append(
                invalid(
                    pp + ("periodSeconds",), per, f"must be less than or equal to {MAX_PERIOD_SECONDS}", INVALID_VALUE
                )
            )
    return out
