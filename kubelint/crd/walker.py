"""The walker: a custom resource's value checked against a compiled schema
(pruning, defaulting, OpenAPI value validation, list sets and maps), problems
appended in the server's words; CEL rules collected for the stage to run."""

from __future__ import annotations

import json
import math
import weakref

from ..findings import ERROR, INFO, Problem, format_path
from ..suggest import did_you_mean
from ..values import json_type, show
from .compiler import Node
from .formats import FORMATS
from .ids import DUPLICATE_ITEM, INVALID_TYPE, INVALID_VALUE, MISSING_REQUIRED, UNKNOWN_FIELD


def _is_multiple(data, factor) -> bool:
    """kube-openapi validate.MultipleOf: ``1/factor*data`` for a factor below
    1, else ``data/factor``, must be a JSON integer (swag
    IsFloat64AJSONInteger: finite, within +-(2^53-1), integral).  A factor
    of 1e-320 makes the quotient infinite: not a multiple, never a crash
    (kube-apiserver v1.37.2: `spec.m in body should be a multiple of 1e-320`)."""
    try:
        mult = (1 / factor * data) if factor < 1 else (data / factor)
    except (OverflowError, ZeroDivisionError):
        return False
    if isinstance(mult, float) and not math.isfinite(mult):
        return False
    return abs(mult) <= 2**53 - 1 and mult == math.trunc(mult)


_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1), "uint64": (0, 2**64 - 1)}


def _factor_fits(factor, typ, fmt) -> bool:
    """``IsValueValidAgainstRange`` for the factor: an integer schema needs a
    whole factor within its format's range (``strconv.ParseInt`` of the
    factor's decimal form), a float32 number one within float32's."""
    if typ == "integer":
        if isinstance(factor, float) and (not math.isfinite(factor) or factor != math.trunc(factor)):
            return False
        lo, hi = _INT_RANGES.get(fmt, (-(2**63), 2**63 - 1))
        return lo <= int(factor) <= hi
    if fmt in ("float", "float32"):
        return abs(factor) <= 3.4028234663852886e38
    return True


def _multiple_of(value, node, path) -> list:
    """``numberValidator.Validate``'s multipleOf (kube-openapi
    validate/validator.go): the factor is first checked against the schema's
    type and format; if it fits, ``MultipleOfNativeType`` (an integer value:
    the factor truncated to int64, ``MultipleOfInt``; a float value:
    ``MultipleOf``), else the error and ``MultipleOf`` on the value as a float.
    A factor that is not positive is the server's ``factor MultipleOf declared
    for spec.x must be positive: 0`` (kube-apiserver v1.37.2 accepts such a CRD
    and refuses every object with the field)."""
    factor = node.multiple_of
    p = _p(path)
    raw = node.raw if isinstance(node.raw, dict) else {}
    typ = raw.get("type") if isinstance(raw.get("type"), str) else ""
    fmt = raw.get("format") if isinstance(raw.get("format"), str) else ""
    out = []
    fits = _factor_fits(factor, typ, fmt)
    if not fits:
        kind = f"with format {fmt}" if fmt else "(default format)"
        out.append(
            Problem(
                path,
                f'<nil>: Invalid value: "": MultipleOf value must be of type {typ} {kind} in {p}',
                INVALID_VALUE,
                ERROR,
            )
        )
    if fits and isinstance(value, int):
        f = int(factor)  # Go's int64(float64): truncated toward zero
        bad = None if f > 0 and value % f == 0 else f
    else:
        f = factor
        bad = None if factor > 0 and _is_multiple(value, factor) else factor
    if bad is not None and f <= 0:
        out.append(
            Problem(
                path,
                f"{p}: Invalid value: {show(f)}: factor MultipleOf declared for {p} must be positive: {show(f)}",
                INVALID_VALUE,
                ERROR,
            )
        )
    elif bad is not None:
        out.append(
            Problem(
                path,
                f"{p}: Invalid value: {show(value)}: {p} in body should be a multiple of {show(f)}",
                INVALID_VALUE,
                ERROR,
            )
        )
    return out


class Walker:
    """Validates a value against a compiled :class:`Node`, appending
    :class:`Problem` values.  ``strict`` (CRD-derived schemas): undeclared
    fields are errors; catalogue schemas are CRD-derived too, so the same."""

    pending: list = []

    def __init__(self, stage=None):
        self.pending = []
        # A weak reference: no stage <-> walker cycle, so a run's data is
        # freed by reference counting when the run ends (the runner pauses GC).
        self.stage = weakref.proxy(stage) if stage is not None else None

    # Entry point for a CR: root is the version's compiled schema.
    def root(self, obj, node: Node, problems: list, kind: str):
        data = obj.data
        props = node.props or {}
        for k, v in data.items():
            if k in ("apiVersion", "kind"):
                continue
            if k == "metadata":
                continue
            child = props.get(k)
            path = (k,)
            if child is None:
                if node.preserve or node.additional is True or isinstance(node.additional, Node):
                    if isinstance(node.additional, Node):
                        self.walk(v, node.additional, path, problems)
                    continue
                problems.append(self._unknown(path, k, props, kind))
                continue
            if v is None:
                if child.nullable:
                    continue
                if child.has_default:
                    v = _copy(child.default)
                else:
                    continue
            self.walk(v, child, path, problems)
        for k, child in props.items():
            if k in ("apiVersion", "kind", "metadata") or k in data:
                continue
            if child.has_default:
                self.walk(_copy(child.default), child, (k,), problems, defaulted=True)
        for r in node.required:
            if r in ("apiVersion", "kind", "metadata"):
                continue
            if data.get(r) is None and not (props.get(r) is not None and props[r].has_default):
                problems.append(
                    Problem(
                        (r,),
                        f"{r}: Required value (the {kind} schema requires it); add {r}",
                        MISSING_REQUIRED,
                        ERROR,
                        "key",
                    )
                )
        # Root-level value validations besides properties (CEL at the root sees
        # apiVersion, kind, metadata.name/generateName and the rest).
        if node.rules:
            # At the root, CEL sees metadata.name and generateName only
            # (the structural schema of ObjectMeta the server exposes).
            meta = data.get("metadata")
            visible = {k: v for k, v in data.items() if k != "metadata"}
            if isinstance(meta, dict):
                visible["metadata"] = {k: meta[k] for k in ("name", "generateName") if k in meta}
            self._rules(visible, node, (), problems)

    def walk(self, value, node: Node, path: tuple, problems: list, defaulted: bool = False):
        if value is None:
            if node.nullable or not node.types:
                return
            problems.append(self._type_error(path, value, node))
            return
        types = node.types
        if node.int_or_string:
            if (
                isinstance(value, bool)
                or not isinstance(value, (str, int, float))
                or (isinstance(value, float) and value != int(value))
            ):
                problems.append(
                    Problem(
                        path,
                        f'{_p(path)}: Invalid value: "{json_type(value)}": {_p(path)} in body must be of type '
                        f'integer,string: "{json_type(value)}" '
                        f'({show(value)}); write a whole number or a string (e.g. 8080 or "http")',
                        INVALID_TYPE,
                        ERROR,
                    )
                )
                return
        elif types:
            t = types[0] if len(types) == 1 else None
            ok = _type_ok(value, t) if t else any(_type_ok(value, x) for x in types)
            if not ok:
                problems.append(self._type_error(path, value, node))
                return
        if isinstance(value, dict):
            self._object(value, node, path, problems)
        elif isinstance(value, list):
            self._array(value, node, path, problems)
        else:
            self._scalar(value, node, path, problems)
        if node.enum is not None and not _in_enum(value, node.enum):
            opts = ", ".join(show(e) for e in node.enum[:20])
            hint = did_you_mean(value, [e for e in node.enum if isinstance(e, str)]) if isinstance(value, str) else ""
            problems.append(
                Problem(
                    path,
                    f"{_p(path)}: Unsupported value: {show(value)}: supported values: {opts}{hint}",
                    INVALID_VALUE,
                    ERROR,
                )
            )
        if node.has_combinators:
            self._combinators(value, node, path, problems)
        if node.rules and not defaulted:
            self._rules(value, node, path, problems)

    # -- objects -------------------------------------------------------------
    def _object(self, value: dict, node: Node, path, problems):
        props = node.props
        additional = node.additional
        if node.embedded:
            self._embedded(value, node, path, problems)
        if props is not None or additional is not None or not node.preserve:
            props = props or {}
            for k, v in value.items():
                child = props.get(k)
                cpath = path + (k,)
                if child is None:
                    if node.embedded and k in ("apiVersion", "kind", "metadata"):
                        continue
                    if isinstance(additional, Node):
                        if v is None and not additional.nullable and not additional.has_default:
                            continue
                        self.walk(v, additional, cpath, problems)
                        continue
                    if additional is True or node.preserve:
                        continue
                    if not node.types and not props and additional is None:
                        continue  # a schema without type (value validations only): anything goes
                    problems.append(self._unknown(cpath, k, props, None, path))
                    continue
                if v is None:
                    if child.nullable:
                        continue
                    if child.has_default:
                        v = _copy(child.default)
                    else:
                        continue  # pruned (PruneNonNullableNullsWithoutDefaults)
                self.walk(v, child, cpath, problems)
            for k, child in props.items():
                if child.has_default and k not in value:
                    self.walk(_copy(child.default), child, path + (k,), problems, defaulted=True)
        if node.required:
            props = node.props or {}
            for r in node.required:
                if value.get(r) is None and not (r in props and props[r].has_default):
                    problems.append(
                        Problem(
                            path + (r,),
                            f"{_p(path + (r,))}: Required value; add {r} to {_p(path) or 'the object'}",
                            MISSING_REQUIRED,
                            ERROR,
                            "key",
                        )
                    )
        n = len(value)
        if node.max_props is not None and n > node.max_props:
            problems.append(
                Problem(
                    path, f"{_p(path)}: Too many: {n}: must have at most {node.max_props} items", INVALID_VALUE, ERROR
                )
            )
        if node.min_props is not None and n < node.min_props:
            problems.append(
                Problem(
                    path,
                    f"{_p(path)}: Invalid value: {n}: {_p(path)} in body should have at least {node.min_props} "
                    "properties",
                    INVALID_VALUE,
                    ERROR,
                )
            )

    def _embedded(self, value, node, path, problems):
        """x-kubernetes-embedded-resource: apiVersion and kind required, metadata is ObjectMeta."""
        for f in ("apiVersion", "kind"):
            v = value.get(f)
            if not isinstance(v, str) or not v:
                problems.append(
                    Problem(
                        path + (f,),
                        f"{_p(path + (f,))}: Required value: must not be empty (an embedded resource needs "
                        "apiVersion and kind)",
                        MISSING_REQUIRED,
                        ERROR,
                        "key",
                    )
                )
        meta = value.get("metadata")
        if isinstance(meta, dict) and self.stage is not None:
            self.stage.check_embedded_meta(meta, path + ("metadata",), problems)

    # -- arrays --------------------------------------------------------------
    def _array(self, value: list, node: Node, path, problems):
        items = node.items
        if items is not None:
            for i, v in enumerate(value):
                self.walk(v, items, path + (i,), problems)
        n = len(value)
        if node.max_items is not None and n > node.max_items:
            problems.append(
                Problem(
                    path, f"{_p(path)}: Too many: {n}: must have at most {node.max_items} items", INVALID_VALUE, ERROR
                )
            )
        if node.min_items is not None and n < node.min_items:
            problems.append(
                Problem(
                    path,
                    f"{_p(path)}: Invalid value: {n}: {_p(path)} in body should have at least {node.min_items} items",
                    INVALID_VALUE,
                    ERROR,
                )
            )
        if node.list_type and n > 1:
            self._duplicates(value, node, path, problems)

    def _duplicates(self, value, node, path, problems):
        """validateListSetsAndMaps (apiserver/schema/listtype/validation.go)."""
        seen = {}
        if node.list_type == "set":
            for i, item in enumerate(value):
                k = json.dumps(item, sort_keys=True)
                if k in seen:
                    problems.append(
                        Problem(
                            path + (i,),
                            f"{_p(path + (i,))}: Duplicate "
                            f"value: {show(item) if not isinstance(item, (dict, list)) else k}: "
                            f"{_p(path)} is a set (x-kubernetes-list-type: set); remove the repeated entry (first "
                            f"at index {seen[k]})",
                            DUPLICATE_ITEM,
                            ERROR,
                        )
                    )
                else:
                    seen[k] = i
            return
        keys = node.map_keys
        if not keys:
            return
        props = node.items.props if node.items is not None and node.items.props else {}
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                continue
            kv = []
            for key in keys:
                v = item.get(key)
                if v is None and key in props and props[key].has_default:
                    v = props[key].default
                kv.append(v)
            k = json.dumps(kv, sort_keys=True)
            if k in seen:
                label = ", ".join(f"{key}={json.dumps(v)}" for key, v in zip(keys, kv) if v is not None)
                shown = (
                    "{"
                    + ",".join(
                        f'"{key}":{json.dumps(v, separators=(",", ":"))}' for key, v in zip(keys, kv) if v is not None
                    )
                    + "}"
                )
                problems.append(
                    Problem(
                        path + (i,),
                        f"{_p(path + (i,))}: Duplicate value: {shown}: "
                        f"{_p(path)} is a map list keyed by {', '.join(keys)}; another entry (index {seen[k]}) "
                        f"has {label}",
                        DUPLICATE_ITEM,
                        ERROR,
                    )
                )
            else:
                seen[k] = i

    # -- scalars -------------------------------------------------------------
    def _scalar(self, value, node: Node, path, problems):
        if isinstance(value, str):
            if node.max_len is not None or node.min_len is not None:
                n = len(value)  # runes: Python str counts code points, as utf8.RuneCountInString
                if node.max_len is not None and n > node.max_len:
                    problems.append(
                        Problem(
                            path,
                            f"{_p(path)}: Too long: may not be more than {node.max_len} bytes (it has {n} characters)",
                            INVALID_VALUE,
                            ERROR,
                        )
                    )
                if node.min_len is not None and n < node.min_len:
                    problems.append(
                        Problem(
                            path,
                            f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body should be at "
                            f"least {node.min_len} chars long",
                            INVALID_VALUE,
                            ERROR,
                        )
                    )
            if node.pattern is not None and not node.pattern.found(value):
                problems.append(
                    Problem(
                        path,
                        f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body should match "
                        f"'{node.pattern_src}'",
                        INVALID_VALUE,
                        ERROR,
                    )
                )
            if node.format is not None and value and not FORMATS[node.format](value):
                problems.append(
                    Problem(
                        path,
                        f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body must be of "
                        f"type {node.format}: {show(value)}",
                        INVALID_VALUE,
                        ERROR,
                    )
                )
            return
        if isinstance(value, bool):
            return
        # numbers
        if node.minimum is not None:
            if value < node.minimum or (node.excl_min and value == node.minimum):
                op = "greater than" if node.excl_min else "greater than or equal to"
                problems.append(
                    Problem(
                        path,
                        f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body should "
                        f"be {op} {show(node.minimum)}",
                        INVALID_VALUE,
                        ERROR,
                    )
                )
        if node.maximum is not None:
            if value > node.maximum or (node.excl_max and value == node.maximum):
                op = "less than" if node.excl_max else "less than or equal to"
                problems.append(
                    Problem(
                        path,
                        f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body should "
                        f"be {op} {show(node.maximum)}",
                        INVALID_VALUE,
                        ERROR,
                    )
                )
        if node.multiple_of is not None:
            problems.extend(_multiple_of(value, node, path))

    # -- allOf / anyOf / oneOf / not -----------------------------------------
    def _combinators(self, value, node, path, problems):
        for sub in node.all_of:
            self._value_only(value, sub, path, problems)
        if node.any_of:
            if not any(not self._trial(value, sub, path) for sub in node.any_of):
                problems.append(
                    Problem(
                        path,
                        f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body must validate at least one "
                        "schema (anyOf)"
                        f"{self._alternatives(node.any_of)}",
                        INVALID_VALUE,
                        ERROR,
                    )
                )
        if node.one_of:
            ok = sum(1 for sub in node.one_of if not self._trial(value, sub, path))
            if ok != 1:
                why = "none matches" if ok == 0 else f"{ok} match"
                problems.append(
                    Problem(
                        path,
                        f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body must validate one and only "
                        f"one schema (oneOf): {why}"
                        f"{self._alternatives(node.one_of)}",
                        INVALID_VALUE,
                        ERROR,
                    )
                )
        if node.not_ is not None and not self._trial(value, node.not_, path):
            problems.append(
                Problem(
                    path,
                    f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body must not validate the schema (not)",
                    INVALID_VALUE,
                    ERROR,
                )
            )

    @staticmethod
    def _alternatives(subs) -> str:
        # oneOf/anyOf in CRDs usually say "set exactly one of these fields".
        req = [" and ".join(s.required) for s in subs if s.required]
        return f"; set one of: {' / '.join(req)}" if req and len(req) == len(subs) else ""

    def _trial(self, value, sub, path) -> list:
        out: list = []
        self._value_only(value, sub, path, out)
        return out

    def _value_only(self, value, sub: Node, path, problems):
        """A value-validation schema (inside allOf/anyOf/oneOf/not): no
        pruning, so undeclared fields are not errors there."""
        if value is None:
            return
        if sub.types and not any(_type_ok(value, t) for t in sub.types):
            problems.append(self._type_error(path, value, sub))
            return
        if isinstance(value, dict):
            for r in sub.required:
                if r not in value:
                    problems.append(
                        Problem(path + (r,), f"{_p(path + (r,))}: Required value", MISSING_REQUIRED, ERROR, "key")
                    )
            if sub.props:
                for k, child in sub.props.items():
                    if k in value:
                        self._value_only(value[k], child, path + (k,), problems)
        elif isinstance(value, list):
            if sub.items is not None:
                for i, v in enumerate(value):
                    self._value_only(v, sub.items, path + (i,), problems)
            n = len(value)
            if sub.max_items is not None and n > sub.max_items or sub.min_items is not None and n < sub.min_items:
                problems.append(Problem(path, f"{_p(path)}: item count {n} out of range", INVALID_VALUE, ERROR))
        else:
            self._scalar(value, sub, path, problems)
        if sub.enum is not None and not _in_enum(value, sub.enum):
            problems.append(Problem(path, f"{_p(path)}: Unsupported value: {show(value)}", INVALID_VALUE, ERROR))
        if sub.has_combinators:
            self._combinators(value, sub, path, problems)

    # -- CEL -------------------------------------------------------------------
    def _rules(self, value, node, path, problems):
        # Deferred: the server evaluates CEL only when schema validation
        # found no blocking error (see CrdStage._validate).
        self.pending.append((node.rules, value, node, path))

    # -- messages ----------------------------------------------------------------
    @staticmethod
    def _type_error(path, value, node) -> Problem:
        if isinstance(value, str) and "string" not in node.types:
            from ..schema import _PLACEHOLDER, _clip

            if _PLACEHOLDER.search(value):
                # as the schema layer does for built-in kinds
                return Problem(
                    path,
                    f"{_p(path)} is an unrendered placeholder ({_clip(value)}): this file is a template (envsubst, "
                    "kustomize "
                    "replacements, CI variables); render it before applying, e.g. `envsubst < FILE | kubelint check -`",
                    "unrendered-placeholder",
                    INFO,
                )
        want = ",".join(node.types) if node.types else "integer,string"
        hint = _type_hint(value, node.types)
        shown = f" ({show(value)})" if not isinstance(value, (dict, list)) and value is not None else ""
        return Problem(
            path,
            f'{_p(path)}: Invalid value: "{json_type(value)}": {_p(path)} in body must be of type {want}: '
            f'"{json_type(value)}"{shown}{hint}',
            INVALID_TYPE,
            ERROR,
        )

    @staticmethod
    def _unknown(path, key, props, kind, parent=()) -> Problem:
        hint = did_you_mean(key, [p for p in props if p not in ("apiVersion", "kind")])
        where = f"in {_p(parent)}" if parent else f"at the top level of {kind}" if kind else "here"
        return Problem(
            path,
            f'unknown field "{_p(path)}"{hint}: the {kind + " " if kind else ""}schema declares no such '
            f"field {where}; the API server rejects it "
            "(strict field validation) — fix the spelling or move it to the right level",
            UNKNOWN_FIELD,
            ERROR,
            "key",
        )


_BLOCKING_TEXT = (": Unsupported value:", ": Too many:", ": Too long:", " in body must be of type ")


def _blocking(p: Problem) -> bool:
    """Errors of type TypeInvalid, Required, NotSupported, TooLong, TooMany
    (format errors are TypeInvalid): the server does not run CEL after them."""
    if p.rule == "unrendered-placeholder":
        return True  # a template: CEL over unrendered values would judge the placeholders
    if p.severity != ERROR:
        return False
    if p.rule in (INVALID_TYPE, MISSING_REQUIRED):
        return True
    return any(t in p.message for t in _BLOCKING_TEXT) or "Required value" in p.message


def _p(path) -> str:
    return format_path(path)


def _type_ok(value, t) -> bool:
    if t == "string":
        return isinstance(value, str)
    if t == "object":
        return isinstance(value, dict)
    if t == "array":
        return isinstance(value, list)
    if t == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if t == "integer":
        return isinstance(value, int) or isinstance(value, float) and math.isfinite(value) and value == int(value)
    if t == "number":
        return isinstance(value, (int, float))
    return True


def _type_hint(value, types) -> str:
    if "string" in types and isinstance(value, bool):
        return "; unquoted true/false/yes/no/on/off are YAML 1.1 booleans: quote the value"
    if "string" in types and isinstance(value, (int, float)):
        return "; quote the value to make it a string"
    if ("integer" in types or "number" in types) and isinstance(value, str):
        return "; remove the quotes to make it a number"
    if "integer" in types and isinstance(value, float):
        return "; write a whole number"
    if "array" in types and isinstance(value, dict):
        return '; write a list (items starting with "- ")'
    if "object" in types and isinstance(value, list):
        return "; write a mapping, not a list"
    return ""


def _in_enum(value, enum) -> bool:
    for e in enum:
        if e == value and type(e) is type(value):
            return True
        if (
            isinstance(e, (int, float))
            and isinstance(value, (int, float))
            and not isinstance(e, bool)
            and not isinstance(value, bool)
            and e == value
        ):
            return True
    return False


def _copy(v):
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v
