"""scheduling.k8s.io: PriorityClass.

Ported from ``pkg/apis/scheduling/validation/validation.go``
(``ValidatePriorityClass``) and ``pkg/apis/scheduling/helpers.go``
(``IsKnownSystemPriorityClass``).
"""

from __future__ import annotations


from ..findings import Problem
from .common import FORBIDDEN_FIELD, UNSUPPORTED_VALUE, is_int, is_str
from .meta import forbidden, unsupported
from .registry import validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List

HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000  # scheduling.HighestUserDefinablePriority
SYSTEM_PRIORITY_CLASSES = {  # scheduling.SystemPriorityClasses()
    "system-node-critical": 2000001000,
    "system-cluster-critical": 2000000000,
}
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")  # the server's order


@validates(("scheduling.k8s.io", "PriorityClass"))
def priority_class(obj, ctx):
    out: List[Problem] = []
    name = obj.name if is_str(obj.name) else ""
    value = obj.data.get("value")
    gd = obj.data.get("globalDefault") is True
    if name.startswith("system-"):
        known = SYSTEM_PRIORITY_CLASSES.get(name)
        if known is None:
            err = f"{name} is not a known system priority class"
        elif value != known:
            err = f"value of {name} PriorityClass must be {known}"
        elif gd:
            err = f"globalDefault of {name} PriorityClass must be false"
        else:
            err = ""
        if err:
            out.append(
                forbidden(
                    ("metadata", "name"),
                    f"priority class names with 'system-' prefix are reserved for system use only. error: {err}",
                    FORBIDDEN_FIELD,
                )
            )
    elif is_int(value) and value > HIGHEST_USER_DEFINABLE_PRIORITY:
        out.append(
            forbidden(
                ("value",),
                f"maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}",
                FORBIDDEN_FIELD,
                hint="values above one billion are reserved for system-critical pods",
            )
        )
    pp = obj.data.get("preemptionPolicy")
    if is_str(pp) and pp not in PREEMPTION_POLICIES:
        out.append(unsupported(("preemptionPolicy",), pp, PREEMPTION_POLICIES, UNSUPPORTED_VALUE))
    return out
