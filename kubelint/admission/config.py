"""The admission settings of .kubelint.yaml (called by kubelint.config)::

policy: [policies/]                 # like --policy: policies, bindings and params (context, not reported)
namespace-labels:                   # like --namespace-labels: namespaces that are not in the input
  payments: {team: payments, env: prod}
request-user:                       # who creates the objects (request.userInfo); default kubelint
  username: jane@example.com
  groups: [developers, system:authenticated]
custom-rules: [...]                 # see kubelint.admission.custom
"""

from __future__ import annotations


from . import custom
from .nslabels import namespace_labels


def parse_custom_rules(value, catalogue, err):
    """``custom-rules:`` -> validated specs, registered in the catalogue."""
    builtin = {rid for rid, e in catalogue.items() if e.source != "custom"}
    try:
        specs = custom.parse(value, lambda p: ("custom-rules",) + tuple(p), builtin)
    except ValueError as exc:
        path, msg = exc.args
        raise err(path, msg) from None
    custom.register(specs)
    return specs


def parse_setting(key, value, err) -> dict:
    """One admission key -> the Config fields it sets (Config is frozen)."""
    p = (key,)
    if key == "custom-rules":
        return {}  # parsed first (parse_custom_rules)
    if key == "policy":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise err(
                p, "policy must be a list of files or directories (ValidatingAdmissionPolicies, bindings, params)"
            )
        return {"policy": list(value)}
    if key == "namespace-labels":
        return {"namespace_labels": namespace_labels(value, lambda sub, msg: err(p + sub, msg))}
    if key == "request-user":
        if (
            not isinstance(value, dict)
            or not isinstance(value.get("username"), str)
            or any(k not in ("username", "groups", "uid") for k in value)
        ):
            raise err(p, "request-user must be a mapping with username (and groups: a list, uid)")
        groups = value.get("groups", [])
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise err(p + ("groups",), "request-user.groups must be a list of group names")
        user = {"username": value["username"], "groups": list(groups)}
        if isinstance(value.get("uid"), str):
            user["uid"] = value["uid"]
        return {"request_user": user}
    return {}
