"""storage.k8s.io: StorageClass.

Ported from ``pkg/apis/storage/validation/validation.go``
(``ValidateStorageClass``, ``validateProvisioner``, ``validateReclaimPolicy``,
``validateVolumeBindingMode``, ``validateAllowedTopologies``).
"""

from __future__ import annotations


from ..findings import Problem
from . import validation as v
from .common import (
    DUPLICATE_VALUE,
    INVALID_LABEL,
    INVALID_VALUE,
    REQUIRED_VALUE,
    UNSUPPORTED_VALUE,
    P,
    invalid_msgs,
    is_str,
    list_at,
)
from .meta import duplicate, required, unsupported, validate_label_name
from .registry import validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List

RECLAIM_POLICIES = ("Delete", "Retain")  # Recycle is not valid for a StorageClass
BINDING_MODES = ("Immediate", "WaitForFirstConsumer")


@validates(("storage.k8s.io", "StorageClass"))
def storage_class(obj, ctx):
    """ValidateStorageClass."""
    out: List[Problem] = []
    d = obj.data
    prov = d.get("provisioner")
    if not prov and "provisioner" in d:  # absent: the schema's missing-required-field
        out.append(
            required(
                ("provisioner",),
                "the volume plugin or CSI driver that provisions volumes, e.g. ebs.csi.aws.com",
                REQUIRED_VALUE,
                at="key" if "provisioner" in d else "value",
            )
        )
    elif is_str(prov):
        out.extend(invalid_msgs(("provisioner",), prov, v.is_qualified_name(prov.lower()), INVALID_VALUE))
    params = d.get("parameters")
    if isinstance(params, dict):
        for k in params:
            if k == "":
                out.append(P(("parameters",), 'Invalid value: "": field can not be empty.', INVALID_VALUE, at="key"))
    rp = d.get("reclaimPolicy")
    if is_str(rp) and rp and rp not in RECLAIM_POLICIES:
        out.append(unsupported(("reclaimPolicy",), rp, RECLAIM_POLICIES, UNSUPPORTED_VALUE))
    bm = d.get("volumeBindingMode")
    if is_str(bm) and bm not in BINDING_MODES:
        out.append(unsupported(("volumeBindingMode",), bm, BINDING_MODES, UNSUPPORTED_VALUE))
    seen_terms = []
    for i, term in enumerate(list_at(d, "allowedTopologies")):
        if isinstance(term, dict):
            out.extend(_topology_term(term, ("allowedTopologies", i), seen_terms))
    return out


def _topology_term(term: dict, tp, seen_terms: list) -> List[Problem]:
    """validateAllowedTopologies for one term: non-empty and unlike the others,
    each requirement a label key (once) with label values (each once)."""
    out: List[Problem] = []
    exprs = term.get("matchLabelExpressions")
    exprs = exprs if isinstance(exprs, list) else []
    # Terms must differ; an empty term equals the (empty) placeholders Go
    # compares against: Duplicate value "".
    term_map = {
        r.get("key") if is_str(r.get("key")) else repr(r.get("key")): frozenset(
            x for x in (r.get("values") if isinstance(r.get("values"), list) else ()) if is_str(x)
        )
        for r in exprs
        if isinstance(r, dict)
    }
    if not term_map or term_map in seen_terms:
        out.append(
            P(
                tp + ("matchLabelExpressions",),
                'Duplicate value: ""',
                DUPLICATE_VALUE,
                at="key" if "matchLabelExpressions" in term else "value",
                hint="an allowedTopologies term must be non-empty and differ from the other terms",
            )
        )
    seen_terms.append(term_map)
    keys = set()
    for j, req in enumerate(exprs):
        if not isinstance(req, dict):
            continue
        rp_ = tp + ("matchLabelExpressions", j)
        key = req.get("key")
        if is_str(key):
            out.extend(validate_label_name(key, rp_ + ("key",), INVALID_LABEL))
            if key in keys:
                out.append(duplicate(rp_ + ("key",), key, DUPLICATE_VALUE))
            keys.add(key)
        out.extend(_topology_values(req, rp_))
    return out


def _topology_values(req: dict, rp_) -> List[Problem]:
    """A topology requirement's values: at least one, label values, unique."""
    vals = req.get("values")
    if not isinstance(vals, list) or not vals:
        if "values" not in req or (vals is not None and not isinstance(vals, list)):
            return []  # absent or of the wrong type: the schema reports it
        return [
            required(
                rp_ + ("values",),
                "",
                REQUIRED_VALUE,
                hint="must specify at least one value",
                at="key" if "values" in req else "value",
            )
        ]
    out: List[Problem] = []
    seen = set()
    for k, val in enumerate(vals):
        if not is_str(val):
            continue
        out.extend(invalid_msgs(rp_ + ("values", k), val, v.is_valid_label_value(val), INVALID_VALUE))
        if val in seen:
            out.append(duplicate(rp_ + ("values", k), val, DUPLICATE_VALUE))
        seen.add(val)
    return out
