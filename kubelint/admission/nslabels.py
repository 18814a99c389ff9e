"""Labels of namespaces outside the input: ``namespace-labels:`` in
.kubelint.yaml and ``--namespace-labels NS=key=value,...``.  Imports only
``re`` (kubelint.settings uses it)."""

from __future__ import annotations

import re

_LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"  # prefix: a DNS subdomain
    r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"  # name
)


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
