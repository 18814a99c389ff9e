"""The CRD object itself: the schema checks of apiextensions validation that
matter before a custom resource is ever created (``crd-invalid``)."""

from __future__ import annotations

import json
from typing import List

from ..apiserver.meta import crd_internal_path
from ..findings import ERROR, Problem
from .. import goregex
from ..values import quote, show
from .ids import CRD_INVALID

# --- the CRD object itself ----------------------------------------------------------
#
# apiextensions/validation/validation.go (staging/src/k8s.io/apiextensions-apiserver/
# pkg/apis/apiextensions/validation): ValidateCustomResourceDefinition ->
# ValidateCustomResourceDefinitionSpec, ValidateCustomResourceDefinitionNames,
# ValidateCustomResourceDefinitionVersion, ValidateCustomResourceDefinitionOpenAPISchema
# and the structural-schema checks of apiextensions-apiserver/pkg/apiserver/schema
# (validation.go: ValidateStructural, validateStructuralInvariants).

_FORBIDDEN_SCHEMA_KEYS = {
    "$ref": "$ref is not supported",
    "additionalItems": "additionalItems is not supported",
    "patternProperties": "patternProperties is not supported",
    "dependencies": "dependencies is not supported",
    "definitions": "definitions is not supported",
    "id": "id is not supported",
    "$schema": "$schema is not supported",
}


_FORBIDDEN_KEYS = frozenset(_FORBIDDEN_SCHEMA_KEYS)


def _sp(path) -> str:
    """Server-style schema path: properties[foo] rather than properties.foo."""
    out = []
    prev = None
    for e in path:
        if isinstance(e, int):
            out.append(f"[{e}]")
        elif prev == "properties":
            out.append(f"[{e}]")
        else:
            out.append(("." if out else "") + str(e))
        prev = e if not isinstance(e, int) else None
    return "".join(out)


def _minor(version) -> int:
    """The minor release of ``--kubernetes-version`` ("1.33" -> 33; the newest when unknown)."""
    try:
        return int(str(version).split(".")[1])
    except (IndexError, ValueError):
        return 37


def _go_json(value) -> str:
    """Go's ``json.Marshal`` of a string: HTML-safe escapes for <, > and &, and U+2028/U+2029."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def rule_value(rule: dict, minor: int = 37) -> str:
    """A CRD validation rule as ``field.Invalid`` prints the internal ``apiextensions.ValidationRule``
    (apimachinery field.Error.ErrorBody): JSON of its Go field names from 1.34 (``json.Marshal``), Go's
    ``%#v`` before (a nil pointer as ``(*T)(nil)``; a set pointer prints an address, shown here as its value)."""

    def text(key):
        v = rule.get(key)
        return v if isinstance(v, str) else ""

    reason, old = rule.get("reason"), rule.get("optionalOldSelf")
    reason = reason if isinstance(reason, str) else None
    old = old if isinstance(old, bool) else None
    keys = (("Rule", "rule"), ("Message", "message"), ("MessageExpression", "messageExpression"))
    if minor >= 34:
        parts = [f'"{name}":{_go_json(text(key))}' for name, key in keys]
        parts.append('"Reason":' + (_go_json(reason) if reason is not None else "null"))
        parts.append('"FieldPath":' + _go_json(text("fieldPath")))
        parts.append('"OptionalOldSelf":' + ("null" if old is None else "true" if old else "false"))
        return "{" + ",".join(parts) + "}"
    parts = [f"{name}:{quote(text(key))}" for name, key in keys]
    parts.append("Reason:(*apiextensions.FieldValueErrorReason)(" + ("nil" if reason is None else quote(reason)) + ")")
    parts.append(f"FieldPath:{quote(text('fieldPath'))}")
    parts.append("OptionalOldSelf:(*bool)(" + ("nil" if old is None else "true" if old else "false") + ")")
    return "apiextensions.ValidationRule{" + ", ".join(parts) + "}"


def check_crd(obj, stage=None) -> List[Problem]:
    """The CRD's own validation (apiextensions validation.go); ``crd-invalid``.  Its CEL rules
    compile in the environment of the stage's Kubernetes version (kubelint.celtypes.for_version).

    A function of ``obj.data["spec"]`` and ``stage.version`` alone: :class:`kubelint.crd.stage.CrdStage`
    keeps its result by those (kubelint/cache.py); a new input must join that key."""
    from ..celtypes import for_version

    with for_version(getattr(stage, "version", None)):
        return _check_crd(obj, stage)


def _check_crd(obj, stage=None) -> List[Problem]:
    out: List[Problem] = []

    data = obj.data
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return out  # the schema layer reports a missing/mistyped spec

    minor = _minor(getattr(stage, "version", None))

    def bad(path, msg, at="value", rule=None, within=None):
        # named as the server names it: the internal CRD (spec.validation... when every version
        # has the same schema); the position stays in spec.versions[i]
        where = crd_internal_path(spec, _sp(path))
        if rule is not None:  # field.Invalid(..., schema.XValidations[i], detail): the whole rule
            msg = f"Invalid value: {rule_value(rule, minor)}: {msg}"
        if within is not None:  # a schema path inside the message, named the same way
            msg = f"{msg} within {crd_internal_path(spec, _sp(within))}"
        out.append(Problem(path, f"{where}: {msg}", CRD_INVALID, ERROR, at, field=where))

    # metadata.name = plural.group, group, scope, names and the versions list
    # (unique names, exactly one storage version, a schema per version) are
    # ValidateCustomResourceDefinitionSpec/Names in the API-server stage
    # (kubelint/apiserver/crd_spec.py); here: each version's schema.
    versions = spec.get("versions")
    for i, ver in enumerate(versions if isinstance(versions, list) else ()):
        if not isinstance(ver, dict):
            continue
        sch = ver.get("schema")
        root = sch.get("openAPIV3Schema") if isinstance(sch, dict) else None
        if isinstance(root, dict):
            _check_root(root, ("spec", "versions", i, "schema", "openAPIV3Schema"), bad)
    return out


def _check_root(root: dict, path, bad) -> None:
    t = root.get("type")
    if t != "object":
        bad(
            path + ("type",),
            f"Invalid value: {show(t) if t is not None else chr(34) + chr(34)}: must be object at the root",
        )
    for key, what in (
        ("nullable", "nullable"),
        ("x-kubernetes-int-or-string", "x-kubernetes-int-or-string"),
        ("x-kubernetes-embedded-resource", "x-kubernetes-embedded-resource"),
    ):
        if root.get(key) is True:
            bad(path + (key,), f"Forbidden: {what} cannot be true at the root")
    props = root.get("properties") if isinstance(root.get("properties"), dict) else {}
    meta = props.get("metadata")
    if isinstance(meta, dict):
        extra = [k for k in meta if k not in ("type", "properties", "description")]
        mprops = meta.get("properties") if isinstance(meta.get("properties"), dict) else {}
        bad_props = [k for k in mprops if k not in ("name", "generateName")]
        if meta.get("type") not in (None, "object") or extra or bad_props:
            bad(
                path + ("properties", "metadata"),
                "Forbidden: must not specify anything other than name and generateName, but metadata is implicitly "
                "specified",
            )
    costs: list = []  # (rule path, cost, exact): the schema's total (kubelint.celcheck)
    _check_node(root, path, bad, True, 0, 1, costs)
    _check_total_cost(costs, path, bad)


def _check_total_cost(costs: list, path, bad) -> None:
    """apiextensions TotalCost: the sum of every rule's and messageExpression's
    cost over StaticEstimatedCRDCostLimit; the (at most 4) most expensive
    entries of at least 1% of the limit are named, most expensive first.
    With an inexact (lower-bound) cost in the sum, only a total over 100x is certain."""
    from .. import celcheck

    total = sum(c for _, c, _ in costs)
    exact = all(e for _, _, e in costs)
    if total <= celcheck.STATIC_CRD_LIMIT or (not exact and total <= 100 * celcheck.STATIC_CRD_LIMIT):
        return
    named = sorted((c for c in costs if c[1] >= celcheck.STATIC_CRD_LIMIT // 100), key=lambda c: -c[1])[:4]
    for rule_path, _, _ in named:
        bad(
            rule_path,
            "Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema",
        )
    bad(
        path,
        "Forbidden: "
        + celcheck.cost_message(
            "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema",
            total,
            celcheck.STATIC_CRD_LIMIT,
        ),
        "key",
    )


_SCHEMA_TYPES = ("array", "boolean", "integer", "number", "object", "string")


def _check_default(s: dict, path, bad) -> None:
    """apiextensions-apiserver pkg/apiserver/schema/defaulting validateDefaults: a default
    must validate against the schema of its own node (type, enum, bounds, pattern, format,
    required, unknown fields); CEL rules are not run here."""
    from .compiler import compile_schema
    from .walker import Walker

    problems: list = []
    try:
        Walker().walk(s["default"], compile_schema(s), (), problems, defaulted=True)
    except (TypeError, ValueError, RecursionError):  # a schema too broken to compile: its own errors say so
        return
    if any(p.rule == "unknown-field" for p in problems):
        # validateDefaults prunes a copy and compares: "must not have unknown fields"
        dflt = json.dumps(s["default"], separators=(",", ":"), sort_keys=True, default=str)
        bad(path + ("default",), f"Invalid value: {dflt}: must not have unknown fields")
        problems = [p for p in problems if p.rule != "unknown-field"]
    for p in problems:
        msg = p.message
        if p.path and msg.startswith(_sp(p.path) + ":"):
            msg = msg[len(_sp(p.path)) + 2 :]
        elif msg.startswith(": "):
            msg = msg[2:]
        bad(path + ("default",) + tuple(p.path), msg.split(" (", 1)[0] if p.rule == "invalid-type" else msg, p.at)


def _check_node(s: dict, path, bad, structural: bool, depth: int, card=1, costs=None, uncorrelatable=None) -> None:
    """Structural invariants: a type everywhere (outside value validations
    and x-kubernetes-preserve-unknown-fields/int-or-string), no forbidden
    keywords, properties XOR additionalProperties, valid patterns, CEL compiles."""
    if depth > 100:
        return
    if not _FORBIDDEN_KEYS.isdisjoint(s):
        for key, why in _FORBIDDEN_SCHEMA_KEYS.items():
            if key in s:
                bad(path + (key,), f"Forbidden: {why}")
    t = s.get("type")
    if isinstance(t, str) and t and t not in _SCHEMA_TYPES:
        # ValidateCustomResourceDefinitionOpenAPISchema: the type of every node, nested ones too
        bad(
            path + ("type",),
            f"Unsupported value: {show(t)}: supported values: " + ", ".join(f'"{x}"' for x in _SCHEMA_TYPES),
        )
    elif structural and "default" in s:
        _check_default(s, path, bad)
    if (
        structural
        and not s.get("type")
        and s.get("x-kubernetes-int-or-string") is not True
        and s.get("x-kubernetes-preserve-unknown-fields") is not True
    ):
        bad(
            path + ("type",),
            "Required value: must not be empty for specified object fields (structural schemas need a type everywhere)",
            "key",
        )
    if isinstance(s.get("properties"), dict) and s["properties"] and s.get("additionalProperties") not in (None, False):
        bad(path + ("additionalProperties",), "Forbidden: additionalProperties and properties are mutual exclusive")
    pat = s.get("pattern")
    if isinstance(pat, str):
        err = goregex.error(pat)
        if err is not None:
            # ValidateCustomResourceDefinitionOpenAPISchema: regexp.Compile (Go's message, kube-apiserver v1.37.2)
            bad(
                path + ("pattern",), f"Invalid value: {show(pat)}: must be a valid regular expression, but isn't: {err}"
            )
    rules = s.get("x-kubernetes-validations")
    if isinstance(rules, list):
        from .. import celcheck

        for i, r in enumerate(rules):
            if isinstance(r, dict) and isinstance(r.get("rule"), str):
                err = celcheck.compile_error(r["rule"])
                if err:
                    bad(path + ("x-kubernetes-validations", i, "rule"), f"compilation failed: {err}", rule=r)
                    continue
                # type checks and the static cost estimate the server makes (kubelint.celcheck)
                for key, msg, cost, exact in celcheck.rule_errors(r, s, card, root=depth == 0):
                    at = path + ("x-kubernetes-validations", i, key)
                    if msg:
                        bad(at, msg, rule=None if msg.startswith("Forbidden") else r)
                    if costs is not None and (cost or not exact):
                        costs.append((at, cost, exact))
                _check_old_self(r, s, depth == 0, path + ("x-kubernetes-validations", i), uncorrelatable, bad)
    lt = s.get("x-kubernetes-list-type")
    if s.get("x-kubernetes-list-map-keys") and lt != "map":
        bad(
            path + ("x-kubernetes-list-type",),
            f"Invalid value: {show(lt if lt is not None else '')}: must be map if x-kubernetes-list-map-keys is "
            "non-empty",
        )
    if lt == "map" and not s.get("x-kubernetes-list-map-keys"):
        bad(
            path + ("x-kubernetes-list-map-keys",),
            "Required value: must not be empty if x-kubernetes-list-type is map",
            "key",
        )
    props = s.get("properties")
    if isinstance(props, dict):
        for k, child in props.items():
            if isinstance(child, dict):
                _check_node(child, path + ("properties", k), bad, structural, depth + 1, card, costs, uncorrelatable)
    for key in ("items", "additionalProperties"):
        child = s.get(key)
        if isinstance(child, dict):
            lost = uncorrelatable
            if lost is None and key == "items" and s.get("x-kubernetes-list-type") != "map":
                lost = path  # items of an atomic or set list: no old value to correlate with
            _check_node(child, path + (key,), bad, structural, depth + 1, _card(card, s, key, child), costs, lost)
    for key in ("allOf", "anyOf", "oneOf"):
        subs = s.get(key)
        if isinstance(subs, list):
            for i, child in enumerate(subs):
                if isinstance(child, dict):
                    _check_node(child, path + (key, i), bad, False, depth + 1, card, costs)
    if isinstance(s.get("not"), dict):
        _check_node(s["not"], path + ("not",), bad, False, depth + 1, card, costs)


def _check_old_self(r: dict, s: dict, root: bool, at, uncorrelatable, bad) -> None:
    """apiextensions validateCELExpressions after compiling a rule: a rule that reads oldSelf
    under an uncorrelatable list (not a map list), or optionalOldSelf set on a rule that does
    not read it (only where kubelint's checker decides the rule)."""
    from .. import celcheck

    uses = celcheck.uses_old_self(r, s, root)
    if uses is None:
        return
    if uses and uncorrelatable is not None:
        bad(
            at + ("rule",),
            f"Invalid value: {show(r['rule'])}: oldSelf cannot be used on the uncorrelatable portion of the schema",
            within=uncorrelatable,
        )
    elif not uses and "optionalOldSelf" in r and isinstance(r["optionalOldSelf"], bool):
        bad(
            at + ("optionalOldSelf",),
            f"Invalid value: {show(r['optionalOldSelf'])}: may not be set if oldSelf is not used in rule",
        )


def _card(card, parent: dict, key: str, child: dict):
    from ..celcheck import node_cardinality

    return node_cardinality(card, parent, key, child)
