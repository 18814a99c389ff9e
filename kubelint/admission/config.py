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

import re

from . import custom

_LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"  # prefix: a DNS subdomain
    r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"  # name
)


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


def namespace_labels(value, err):
    """``{namespace: {key: value}}``, keys and values valid label keys and values."""
    if not isinstance(value, dict):
        raise err((), "namespace-labels must map namespace names to their labels, e.g. {payments: {env: prod}}")
    out = {}
    for ns, labels in value.items():
        if not isinstance(ns, str) or not re.match(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", ns):
            raise err((ns,), f"namespace-labels: {ns!r} is not a namespace name")
        if labels is None:
            labels = {}
        if not isinstance(labels, dict):
            raise err((ns,), f"namespace-labels.{ns} must be a mapping of label keys to values")
        clean = {}
        for k, v in labels.items():
            if not isinstance(k, str) or not _LABEL_KEY.match(k):
                raise err((ns, k), f"namespace-labels.{ns}: {k!r} is not a valid label key")
            if isinstance(v, bool) or v is None or not isinstance(v, (str, int, float)):
                raise err((ns, k), f"namespace-labels.{ns}.{k} must be a string (quote true/false/numbers)")
            clean[k] = str(v)
        out[ns] = clean
    return out


def parse_flag(text: str):
    """``--namespace-labels NS=key=value,key2=value2`` -> (NS, labels)."""
    ns, sep, rest = text.partition("=")
    if not sep or not ns:
        raise ValueError(f"--namespace-labels {text!r}: expected NAMESPACE=key=value[,key=value...]")
    labels = {}
    for part in filter(None, rest.split(",")):
        k, eq, v = part.partition("=")
        if not eq:
            raise ValueError(f"--namespace-labels {text!r}: {part!r} is not key=value")
        labels[k] = v
    checked = namespace_labels({ns: labels}, lambda p, msg: ValueError(f"--namespace-labels: {msg}"))
    return ns, checked[ns]
