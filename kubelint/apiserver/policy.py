"""policy/v1: PodDisruptionBudget.

Ported from ``pkg/apis/policy/validation/validation.go``
(``ValidatePodDisruptionBudgetSpec``) and
``pkg/apis/apps/validation`` (``ValidatePositiveIntOrPercent``,
``IsNotMoreThan100Percent``).
"""

from __future__ import annotations


from ..findings import Problem
from . import validation as v
from .common import INVALID_SELECTOR, INVALID_VALUE, UNSUPPORTED_VALUE, dict_at, invalid_msgs, is_int, is_str
from .meta import go_struct, int_or_string, intstr, invalid, selector_json, unsupported, validate_label_selector
from .registry import validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List

EVICTION_POLICIES = ("AlwaysAllow", "IfHealthyBudget")


def int_or_percent(path, value, limit100: bool = True) -> List[Problem]:
    """ValidatePositiveIntOrPercent (+ IsNotMoreThan100Percent)."""
    out: List[Problem] = []
    if is_str(value):
        msgs = v.is_valid_percent(value)
        out.extend(
            invalid_msgs(path, int_or_string(value), msgs, INVALID_VALUE, 'use an integer (2) or a percentage ("50%")')
        )
        if not msgs and limit100 and int(value[:-1]) > 100:
            out.append(invalid(path, int_or_string(value), "must not be greater than 100%", INVALID_VALUE))
    elif is_int(value) and value < 0:
        out.append(invalid(path, value, "must be greater than or equal to 0", INVALID_VALUE))
    return out


@validates(("policy", "PodDisruptionBudget"))
def pod_disruption_budget(obj, ctx):
    out: List[Problem] = []
    spec = dict_at(obj.data, "spec")
    sp = ("spec",)
    mn, mx = spec.get("minAvailable"), spec.get("maxUnavailable")
    if mn is not None and mx is not None:
        out.append(
            invalid(
                sp,  # field.Invalid(fldPath, spec, ...): the internal PodDisruptionBudgetSpec
                go_struct(
                    ("MinAvailable", intstr(mn)),
                    ("Selector", selector_json(spec.get("selector"))),
                    ("MaxUnavailable", intstr(mx)),
                    ("UnhealthyPodEvictionPolicy", spec.get("unhealthyPodEvictionPolicy")),
                ),
                "minAvailable and maxUnavailable cannot be both set",
                INVALID_VALUE,
                "a PodDisruptionBudget takes one of them",
                at="key",
                anchor=sp + ("maxUnavailable",),
            )
        )
    if mn is not None:
        out.extend(int_or_percent(sp + ("minAvailable",), mn))
    if mx is not None:
        out.extend(int_or_percent(sp + ("maxUnavailable",), mx))
    sel = spec.get("selector")
    if isinstance(sel, dict):
        out.extend(validate_label_selector(sel, sp + ("selector",), INVALID_SELECTOR))
    pol = spec.get("unhealthyPodEvictionPolicy")
    if is_str(pol) and pol not in EVICTION_POLICIES:
        out.append(unsupported(sp + ("unhealthyPodEvictionPolicy",), pol, EVICTION_POLICIES, UNSUPPORTED_VALUE))
    return out
