"""The type check the API server makes when an admission policy is created.

``k8s.io/apiserver/pkg/admission/plugin/cel/compile.go`` (v0.37.2) declares
``object``, ``oldObject`` and ``params`` (when the policy has a paramKind) as
``dyn``, ``request`` as ``kubernetes.AdmissionRequest`` (``BuildRequestType``),
``namespaceObject`` as ``kubernetes.Namespace`` (``BuildNamespaceType``),
``authorizer`` (the authz library) and ``variables`` (an object of the policy's
variables, declared only when it has some); ``CompileCELExpression`` then
requires the output type (``must evaluate to bool but got dyn``).  Confirmed
with kube-apiserver v1.37.2: type errors refuse the policy; the server makes
no static cost check at creation (``object`` is ``dyn``: sizes unknown), so
kubelint makes none either.

:func:`type_error` runs kubelint's checker (:mod:`kubelint.celtypes`) with
these declarations: the server's error text, ``""`` when the expression
type-checks, None when the checker is not certain.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, Optional, Tuple

from .. import celparse, celtypes
from ..celtypes import BOOL, DYN, INT, STRING, TIMESTAMP, Decl, T, list_of, map_of

# A variable whose type kubelint does not compute: selecting it makes the checker Uncertain.
_UNKNOWN = T("struct", name="kubernetes.variables.unknown")


def _object(name: str, fields: Dict[str, T]) -> T:
    d = Decl(T("struct", name=name), 2, 0, fields={k: Decl(v, 1) for k, v in fields.items()})
    d.t.decl = d
    return d.t


@lru_cache(maxsize=1)
def _request_type() -> T:
    """BuildRequestType."""
    gvk = _object("kubernetes.GroupVersionKind", {"group": STRING, "version": STRING, "kind": STRING})
    gvr = _object("kubernetes.GroupVersionResource", {"group": STRING, "version": STRING, "resource": STRING})
    user = _object(
        "kubernetes.UserInfo",
        {"username": STRING, "uid": STRING, "groups": list_of(STRING), "extra": map_of(STRING, list_of(STRING))},
    )
    fields = {"kind": gvk, "resource": gvr, "subResource": STRING, "requestKind": gvk, "requestResource": gvr}
    fields.update(
        {"requestSubResource": STRING, "name": STRING, "namespace": STRING, "operation": STRING, "userInfo": user}
    )
    fields.update({"dryRun": BOOL, "options": DYN})
    return _object("kubernetes.AdmissionRequest", fields)


@lru_cache(maxsize=1)
def _namespace_type() -> T:
    """BuildNamespaceType."""
    strmap = map_of(STRING, STRING)
    meta = {"name": STRING, "generateName": STRING, "namespace": STRING, "labels": strmap, "annotations": strmap}
    meta.update({"UID": STRING, "creationTimestamp": TIMESTAMP, "deletionGracePeriodSeconds": INT})
    meta.update({"deletionTimestamp": TIMESTAMP, "generation": INT, "resourceVersion": STRING})
    meta["finalizers"] = list_of(STRING)
    cond = {"status": STRING, "type": STRING, "lastTransitionTime": TIMESTAMP, "message": STRING, "reason": STRING}
    status = {"conditions": list_of(_object("kubernetes.NamespaceCondition", cond)), "phase": STRING}
    return _object(
        "kubernetes.Namespace",
        {
            "metadata": _object("kubernetes.NamespaceMetadata", meta),
            "spec": _object("kubernetes.NamespaceSpec", {"finalizers": list_of(STRING)}),
            "status": _object("kubernetes.NamespaceStatus", status),
        },
    )


def declarations(
    has_params: bool, variables: Tuple[str, ...], extra_vars: Tuple[str, ...], types: Tuple[Tuple[str, T], ...] = ()
) -> Dict[str, T]:
    """The variables an admission expression sees (compile.go createEnvForOpts)."""
    out = {"object": DYN, "oldObject": DYN, "request": _request_type(), "namespaceObject": _namespace_type()}
    out["authorizer"] = T("struct", name="kubernetes.authorization.Authorizer")  # the authz library's types
    out["authorizer.requestResource"] = T("struct", name="kubernetes.authorization.ResourceCheck")
    if has_params:
        out["params"] = DYN
    if variables:
        known = dict(types)
        out["variables"] = _object("kubernetes.variables", {name: known.get(name, _UNKNOWN) for name in variables})
    for name in extra_vars:
        out[name] = DYN
    return out


def type_error(
    expression: str,
    has_params: bool,
    variables: Tuple[str, ...] = (),
    extra_vars: Tuple[str, ...] = (),
    returns: Optional[str] = None,
) -> Optional[str]:
    """The server's compile error for ``expression`` ("" when none; None when not certain)."""
    return check_expression(expression, has_params, variables, extra_vars, returns)[0]


def check_expression(
    expression: str,
    has_params: bool,
    variables: Tuple[str, ...] = (),
    extra_vars: Tuple[str, ...] = (),
    returns: Optional[str] = None,
    variable_types: Optional[Dict[str, T]] = None,
) -> Tuple[Optional[str], Optional[T]]:
    """(the server's compile error or "" or None when not certain, the expression's type when certain)."""
    types = tuple(sorted((variable_types or {}).items(), key=lambda kv: kv[0]))
    minor = celtypes.current_minor()
    return _check(expression, has_params, tuple(variables), tuple(extra_vars), returns, types, minor)


@lru_cache(maxsize=4096)
def _check(expression, has_params, variables, extra_vars, returns, types, minor) -> Tuple[Optional[str], Optional[T]]:
    """(``minor``: the server minor of :func:`kubelint.celtypes.for_version`, part of the cache key)."""
    try:
        expr = celparse.parse(expression)
        checked = _Checker(declarations(has_params, variables, extra_vars, types)).run(expr)
        errors = checked.errors or celtypes.homogeneous_errors(checked)
    except (celparse.CelSyntaxError, celtypes.Uncertain, RecursionError):
        return None, None
    if errors:
        shown = [celparse.display_error(expression, off, msg) for off, msg in errors]
        return "compilation failed: " + "\n".join(shown), None
    if returns is None:
        return "", checked.output
    got = celtypes.fmt(checked.output)
    got = "null_type" if got == "null" else got
    allowed = returns.split("|")
    if got in allowed:
        return "", checked.output
    want = allowed[0] if len(allowed) == 1 else "one of [" + " ".join(allowed) + "]"
    return f"must evaluate to {want} but got {got}", None


class _Checker(celtypes.Checker):
    """The checker, abstaining on a variable whose type kubelint does not compute."""

    def select_field(self, e, operand, field, optional):
        t = super().select_field(e, operand, field, optional)
        if t is _UNKNOWN or (celtypes.is_optional(t) and t.params[0] is _UNKNOWN):
            raise celtypes.Uncertain("a policy variable")
        return t


def undeclared(expression: str, name: str) -> str:
    """The server's error for an identifier its environment lacks (``authorizer`` in a
    messageExpression): at the first reference, with cel-go's snippet."""
    text = f"undeclared reference to '{name}' (in container '')"
    try:
        expr = celparse.parse(expression)
    except (celparse.CelSyntaxError, RecursionError):
        return f"compilation failed: ERROR: <input>: {text}"
    stack, offsets = [expr], []
    while stack:
        e = stack.pop()
        if e.kind == "ident" and e.name == name:
            offsets.append(e.offset)
        stack.extend(celtypes._children(e))
    if not offsets:
        return f"compilation failed: ERROR: <input>: {text}"
    return "compilation failed: " + celparse.display_error(expression, min(offsets), text)
