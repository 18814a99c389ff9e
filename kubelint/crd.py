"""Custom resources: validate them against their CustomResourceDefinitions,
offline, as the API server does.

Where schemas come from (all optional, combinable, order-independent):

* ``apiextensions.k8s.io/v1`` CustomResourceDefinitions anywhere in the run's
  input (wherever the CR appears relative to the CRD);
* ``--crd PATH`` (and ``crd:`` in ``.kubelint.yaml``): CRDs used as schema
  sources without being reported on (the runner loads them as
  ``context_only`` objects and hands every object to :meth:`CrdStage.prepare`);
* ``--schema-dir DIR``: JSON-schema catalogues — ``GROUP/KIND_VERSION.json``
  (the CRDs-catalog layout), kubeconform's ``KIND-GROUP-VERSION.json`` (full
  group or its first label), ``KIND_VERSION.json`` and ``KIND.json``; kind
  names lowercase as those catalogues write them.

Each version's ``openAPIV3Schema`` is compiled once per run into a tree of
:class:`Node` (a small walker in the style of :class:`kubelint.schema.Walker`,
not jsonschema per object: see bench/cel_compare.py and the docs for the
figures).  Validation follows the server's order for a create
(``customresource_handler.go`` / ``apiserver/validation``):

1. strict decoding: fields the structural schema does not declare are
   pruned by the server and rejected by strict field validation
   (``unknown-field``), unless ``x-kubernetes-preserve-unknown-fields``,
   ``additionalProperties`` or ``x-kubernetes-embedded-resource`` allows them;
2. ``PruneNonNullableNullsWithoutDefaults``: a ``null`` for a field that is
   not ``nullable`` is dropped (as if absent), then defaulting fills missing
   fields that have a ``default`` (``structuraldefaulting.Default``);
3. OpenAPI value validation (kube-openapi ``validate``): types, ``nullable``,
   ``required``, ``enum``, ``pattern`` (Go RE2 semantics), the formats
   apiextensions checks, min/max*, ``multipleOf``, ``allOf``/``anyOf``/
   ``oneOf``/``not``, ``x-kubernetes-int-or-string``;
4. ``validateListSetsAndMaps``: ``x-kubernetes-list-type: set|map`` items
   unique (``Duplicate value``), embedded resources need apiVersion/kind;
5. ``x-kubernetes-validations`` (CEL, :mod:`kubelint.cel`); transition rules
   (``oldSelf``) are skipped with an info, a rule that cannot be evaluated
   is an info naming the rule, never an error;
6. ``metadata`` like any object's (``ValidateObjectMetaAccessor`` with
   ``NameIsDNSSubdomain``), plus the schema's constraints on
   ``metadata.name``.

The CRD object itself is checked against the rules of
``apiextensions/validation/validation.go`` that matter before a CR is ever
created (``crd-invalid``).
"""
from __future__ import annotations

import json
import math
import os
import re
import weakref
from typing import Dict, Iterable, List, Optional, Tuple

from . import catalogue_schema
from .findings import ERROR, INFO, WARNING, Problem, format_path
from .model import type_name
from .settings import Settings
from .suggest import did_you_mean

CRD_GROUP = "apiextensions.k8s.io"
CRD_KIND = "CustomResourceDefinition"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# Rule ids (catalogue: rules/crd.yaml; the schema family ids are in rules/schema.yaml).
UNKNOWN_FIELD = "unknown-field"
INVALID_TYPE = "invalid-type"
MISSING_REQUIRED = "missing-required-field"
INVALID_VALUE = "cr-invalid-value"
DUPLICATE_ITEM = "cr-duplicate-list-item"
RULE_FAILED = "cr-validation-rule"
RULE_SKIPPED = "cr-validation-rule-skipped"
VERSION_NOT_SERVED = "cr-version-not-served"
UNKNOWN_KIND = "cr-unknown-kind"
DEPRECATED_VERSION = "cr-deprecated-version"
CRD_INVALID = "crd-invalid"

_INT64 = (-(2 ** 63), 2 ** 63 - 1)


# --- values as the server names them -------------------------------------------

def json_type(value) -> str:
    """The JSON type name kube-openapi prints (``Invalid value: "string"``):
    :func:`kubelint.model.type_name`, except that an integral float is an
    integer in JSON."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return "integer"
    return type_name(value)


def show(value) -> str:
    """A value as ``field.Invalid`` prints it (short)."""
    if isinstance(value, str):
        s = value if len(value) <= 60 else value[:57] + "..."
        return json.dumps(s)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value == int(value) and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(json_type(value))


# --- Go RE2 patterns on Python's re ------------------------------------------------

_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7F", "blank": "\\t ",
    "cntrl": "\\x00-\\x1F\\x7F", "digit": "0-9", "graph": "!-~", "lower": "a-z",
    "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z",
    "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}


class PatternUnsupported(Exception):
    pass


def go_regexp(pattern: str):
    """Compile a Go (RE2) regular expression with Python's ``re`` so that it
    matches what ``regexp.MatchString`` matches:

    * ``\\d \\w \\s \\b`` are ASCII-only in RE2 (``re.ASCII``);
    * ``$`` without ``(?m)`` matches only at the very end (Python's also
      before a final newline): rewritten to ``\\Z``; ``\\z`` -> ``\\Z``;
    * ``[[:alpha:]]`` POSIX classes, ``\\Q...\\E`` quoting, ``(?<name>``;
    * RE2 rejects backreferences and lookaround (the CRD would not be
      accepted); ``\\pL`` / ``\\p{Greek}`` have no ``re`` equivalent: those
      raise :class:`PatternUnsupported` and the pattern is not checked.
    """
    out = []
    i, n = 0, len(pattern)
    in_class = False
    multiline = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            d = pattern[i + 1]
            if d == "Q":
                end = pattern.find("\\E", i + 2)
                lit = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
                out.append(re.escape(lit))
                i = n if end < 0 else end + 2
                continue
            if d in "pP" or d.isdigit() and d != "0":
                raise PatternUnsupported(pattern)
            if d == "z":
                out.append("\\Z")
            elif d == "Z":
                raise PatternUnsupported(pattern)
            else:
                out.append(c + d)
            i += 2
            continue
        if in_class:
            if c == "[" and pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                name = pattern[i + 2:end] if end > 0 else ""
                neg = name.startswith("^")
                cls = _POSIX.get(name.lstrip("^"))
                if cls is None:
                    raise PatternUnsupported(pattern)
                if neg:
                    raise PatternUnsupported(pattern)
                out.append(cls)
                i = end + 2
                continue
            if c == "]" and not (out and out[-1] in ("[", "[^")):
                in_class = False
            elif c == "[":
                out.append("\\[")
                i += 1
                continue
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            if pattern.startswith("[^", i):
                out.append("[^")
                i += 2
            else:
                out.append("[")
                i += 1
            if i < n and pattern[i] == "]":
                out.append("\\]")
                i += 1
            continue
        if c == "(" and pattern.startswith("(?", i):
            if pattern.startswith("(?=", i) or pattern.startswith("(?!", i) or pattern.startswith("(?<=", i) or pattern.startswith("(?<!", i):
                raise PatternUnsupported(pattern)
            if pattern.startswith("(?<", i):
                out.append("(?P<")
                i += 3
                continue
            m = re.match(r"\(\?([imsU]*)(?:-[imsU]*)?[:)]", pattern[i:])
            if m and "m" in m.group(1):
                multiline = True
            if m and "U" in m.group(0):
                raise PatternUnsupported(pattern)
        if c == "$":
            out.append("$" if multiline else "\\Z")
            i += 1
            continue
        if c == "{" and pattern.startswith("{,", i):
            out.append("\\{")  # RE2: "{,n}" is a literal
            i += 1
            continue
        out.append(c)
        i += 1
    try:
        return re.compile("".join(out), re.ASCII)
    except re.error as exc:
        raise PatternUnsupported(f"{pattern}: {exc}") from exc


# --- formats (kube-openapi strfmt, the ones apiextensions validates) ------------

_FMT_RE = {
    "bsonobjectid": re.compile(r"^[0-9a-fA-F]{24}\Z"),
    "uuid": re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\Z"),
    "uuid3": re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?3[0-9a-fA-F]{3}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\Z"),
    "uuid4": re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?4[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}\Z"),
    "uuid5": re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?5[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}\Z"),
    "mac": re.compile(r"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\Z|^([0-9A-Fa-f]{2}[:-]){7}[0-9A-Fa-f]{2}\Z|^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}\Z"),
    "hexcolor": re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\Z"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}\Z"),
    # oracle: a time zone is required, a space separator rejected
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})\Z"),
    # strfmt.ParseDuration: Go durations ("0", "1h30m", "-1.5s") and "3 days", "1 week"...
    "duration": re.compile(r"^\s*[-+]?([0-9]*\.?[0-9]+)(\s*[^\W\d_]+\s*([0-9]*\.?[0-9]+)?)*\s*\Z"),
    # strfmt IsHostname accepts Unicode letters and symbols: stay lenient.
    "hostname": re.compile(r"^[^\W_]([^\W_]|-)*(\.[^\W_]([^\W_]|-)*)*\.?\Z"),
    "byte": re.compile(r"^[A-Za-z0-9+/\r\n]*=?=?\s*\Z"),
}
_FMT_RE["datetime"] = _FMT_RE["date-time"]


def _check_ip(v: str, version: int) -> bool:
    """strfmt IsIPv4 / IsIPv6: net.ParseIP succeeds and the text has a '.' / ':'."""
    import ipaddress

    try:
        ipaddress.ip_address(v)
    except ValueError:
        return False
    return ("." in v) if version == 4 else (":" in v)


def _check_cidr(v: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_network(v, strict=False)
        return "/" in v
    except ValueError:
        return False


def _check_uri(v: str) -> bool:
    # net/url.ParseRequestURI: an absolute URI or an absolute path.
    if not v or " " in v:
        return False
    if v.startswith("/"):
        return True
    m = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", v)
    return bool(m)


def _check_email(v: str) -> bool:
    return bool(re.match(r"^[^@\s<>]+@[^@\s<>]+\Z", v)) or bool(re.match(r"^[^<>]*<[^@\s<>]+@[^@\s<>]+>\s*\Z", v))


def _check_date(v: str) -> bool:
    import datetime

    if not _FMT_RE["date"].match(v):
        return False
    try:
        datetime.date(int(v[:4]), int(v[5:7]), int(v[8:10]))
        return True
    except ValueError:
        return False


def _check_hostname(v: str) -> bool:
    """strfmt IsHostname: labels of letters, digits, symbols and '-'; with
    several labels the last is at least two letters (so an IP is not one)."""
    if not _FMT_RE["hostname"].match(v) or len(v) > 255:
        return False
    if v.endswith("."):
        return False  # oracle: "example.com." is rejected
    labels = v.split(".")
    return len(labels) == 1 or (len(labels[-1]) >= 2 and all(c.isalpha() for c in labels[-1]))


FORMATS = {
    "ipv4": lambda v: _check_ip(v, 4),
    "ipv6": lambda v: _check_ip(v, 6),
    "cidr": _check_cidr,
    "uri": _check_uri,
    "email": _check_email,
}
for _name, _rx in _FMT_RE.items():
    FORMATS.setdefault(_name, _rx.match)
FORMATS["date"] = _check_date
FORMATS["hostname"] = _check_hostname


# --- compiled schema ---------------------------------------------------------------

_TYPES = ("object", "array", "string", "integer", "number", "boolean")


class Node:
    """One compiled schema node.  ``types`` is a tuple of allowed JSON types
    (empty: any).

    Compiled lazily, level by level: a node reads its own keywords when it
    is created, and its children (``props``, ``items``, ``additional``,
    ``allOf``/``anyOf``/``oneOf``/``not``) on first use — a custom resource
    touches a small part of big schemas (Prometheus, Argo Workflows), so a
    run compiles what its objects use, once.  Defaults live on the class;
    an instance stores only the keywords its schema sets.
    """

    types = ()
    nullable = False
    required = ()
    preserve = False
    enum = None
    pattern = None
    pattern_src = None
    format = None
    minimum = maximum = None
    excl_min = excl_max = False
    min_len = max_len = min_items = max_items = None
    min_props = max_props = None
    multiple_of = None
    int_or_string = False
    embedded = False
    list_type = None
    map_keys = ()
    rules = ()
    has_default = False
    default = None
    raw = None
    _depth = 0

    def __init__(self, s=None, depth: int = 0):
        if not isinstance(s, dict) or depth > 200:
            self.raw = {}
            return
        self.raw = s
        self._depth = depth
        for key, v in s.items():
            fn = _KEYWORDS.get(key)
            if fn is not None:
                fn(self, v)
        if self.int_or_string:
            self.types = ()

    # -- lazy children ------------------------------------------------------
    def _child(self, s):
        return Node(s, self._depth + 1)

    @property
    def props(self):
        d = self.__dict__
        if "_props" not in d:
            raw = self.raw.get("properties")
            d["_props"] = {k: self._child(v) for k, v in raw.items()} if isinstance(raw, dict) else None
        return d["_props"]

    @property
    def items(self):
        d = self.__dict__
        if "_items" not in d:
            raw = self.raw.get("items")
            if isinstance(raw, list):
                raw = raw[0] if raw else None
            d["_items"] = self._child(raw) if isinstance(raw, dict) else None
        return d["_items"]

    @property
    def additional(self):
        """None (absent), True, False or a Node."""
        d = self.__dict__
        if "_additional" not in d:
            raw = self.raw.get("additionalProperties")
            d["_additional"] = raw if isinstance(raw, bool) else self._child(raw) if isinstance(raw, dict) else None
        return d["_additional"]

    def _subs(self, key):
        d = self.__dict__
        attr = "_" + key
        if attr not in d:
            raw = self.raw.get(key)
            d[attr] = tuple(self._child(x) for x in raw if isinstance(x, dict)) if isinstance(raw, list) else ()
        return d[attr]

    @property
    def all_of(self):
        return self._subs("allOf") if "allOf" in self.raw else ()

    @property
    def any_of(self):
        return self._subs("anyOf") if "anyOf" in self.raw else ()

    @property
    def one_of(self):
        return self._subs("oneOf") if "oneOf" in self.raw else ()

    @property
    def not_(self):
        d = self.__dict__
        if "_not" not in d:
            raw = self.raw.get("not")
            d["_not"] = self._child(raw) if isinstance(raw, dict) else None
        return d["_not"]

    @property
    def has_combinators(self) -> bool:
        r = self.raw
        return "allOf" in r or "anyOf" in r or "oneOf" in r or "not" in r


def _kw_type(n, t):
    if isinstance(t, list):
        if "null" in t:
            n.nullable = True
        n.types = tuple(x for x in t if x in _TYPES)
    elif isinstance(t, str) and t in _TYPES:
        n.types = (t,)


def _kw_true(attr):
    def f(n, v):
        if v is True:
            setattr(n, attr, True)
    return f


def _kw_num(attr):
    def f(n, v):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            setattr(n, attr, v)
    return f


def _kw_int(attr):
    def f(n, v):
        if isinstance(v, int) and not isinstance(v, bool):
            setattr(n, attr, v)
    return f


def _kw_exclusive(attr, flag):
    def f(n, v):
        if v is True:
            setattr(n, flag, True)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):  # JSON-schema draft 6+ catalogues
            setattr(n, attr, v)
            setattr(n, flag, True)
    return f


def _kw_required(n, v):
    if isinstance(v, list):
        n.required = tuple(r for r in v if isinstance(r, str))


def _kw_enum(n, v):
    if isinstance(v, list):
        n.enum = v


def _kw_pattern(n, v):
    if isinstance(v, str):
        n.pattern_src = v
        try:
            n.pattern = _compiled_pattern(v)
        except PatternUnsupported:
            n.pattern = None


def _kw_format(n, v):
    if isinstance(v, str) and v in FORMATS:
        n.format = v


def _kw_list_type(n, v):
    if v in ("set", "map"):
        n.list_type = v
        keys = n.raw.get("x-kubernetes-list-map-keys")
        if isinstance(keys, list):
            n.map_keys = tuple(k for k in keys if isinstance(k, str))


def _kw_rules(n, v):
    if isinstance(v, list) and v:
        from . import cel

        n.rules = tuple(cel.compile_rule(r, n) for r in v if isinstance(r, dict))


def _kw_default(n, v):
    n.has_default = True
    n.default = v


_KEYWORDS = {
    "type": _kw_type,
    "nullable": _kw_true("nullable"),
    "x-kubernetes-int-or-string": _kw_true("int_or_string"),
    "x-kubernetes-preserve-unknown-fields": _kw_true("preserve"),
    "x-kubernetes-embedded-resource": _kw_true("embedded"),
    "required": _kw_required,
    "enum": _kw_enum,
    "pattern": _kw_pattern,
    "format": _kw_format,
    "minimum": _kw_num("minimum"),
    "maximum": _kw_num("maximum"),
    "multipleOf": _kw_num("multiple_of"),
    "exclusiveMinimum": _kw_exclusive("minimum", "excl_min"),
    "exclusiveMaximum": _kw_exclusive("maximum", "excl_max"),
    "minLength": _kw_int("min_len"),
    "maxLength": _kw_int("max_len"),
    "minItems": _kw_int("min_items"),
    "maxItems": _kw_int("max_items"),
    "minProperties": _kw_int("min_props"),
    "maxProperties": _kw_int("max_props"),
    "x-kubernetes-list-type": _kw_list_type,
    "x-kubernetes-validations": _kw_rules,
    "default": _kw_default,
}

_PATTERNS: Dict[str, object] = {}


def _compiled_pattern(p: str):
    """Patterns repeat across schemas (names, durations): compile each once."""
    hit = _PATTERNS.get(p)
    if hit is None:
        try:
            hit = go_regexp(p)
        except PatternUnsupported:
            # Cache a marker, never the exception: its traceback would keep
            # the caller's frames (and the whole run's data) alive.
            hit = False
        _PATTERNS[p] = hit
    if hit is False:
        raise PatternUnsupported(p)
    return hit


_ANY = Node()


def compile_schema(s, depth: int = 0) -> Node:
    """openAPIV3Schema (or a catalogue JSON schema) -> :class:`Node` (lazy)."""
    return Node(s, depth)


# --- the walker -----------------------------------------------------------------------

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
                problems.append(Problem((r,), f"{r}: Required value (the {kind} schema requires it); add {r}", MISSING_REQUIRED, ERROR, "key"))
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
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) or (isinstance(value, float) and value != int(value)):
                problems.append(Problem(path, f"{_p(path)}: Invalid value: \"{json_type(value)}\": {_p(path)} in body must be of type integer,string: \"{json_type(value)}\" "
                                              f"({show(value)}); write a whole number or a string (e.g. 8080 or \"http\")", INVALID_TYPE, ERROR))
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
            problems.append(Problem(path, f"{_p(path)}: Unsupported value: {show(value)}: supported values: {opts}{hint}", INVALID_VALUE, ERROR))
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
                    problems.append(Problem(path + (r,), f"{_p(path + (r,))}: Required value; add {r} to {_p(path) or 'the object'}", MISSING_REQUIRED, ERROR,
                                            "key"))
        n = len(value)
        if node.max_props is not None and n > node.max_props:
            problems.append(Problem(path, f"{_p(path)}: Too many: {n}: must have at most {node.max_props} items", INVALID_VALUE, ERROR))
        if node.min_props is not None and n < node.min_props:
            problems.append(Problem(path, f"{_p(path)}: Invalid value: {n}: {_p(path)} in body should have at least {node.min_props} properties", INVALID_VALUE, ERROR))

    def _embedded(self, value, node, path, problems):
        """x-kubernetes-embedded-resource: apiVersion and kind required, metadata is ObjectMeta."""
        for f in ("apiVersion", "kind"):
            v = value.get(f)
            if not isinstance(v, str) or not v:
                problems.append(Problem(path + (f,), f"{_p(path + (f,))}: Required value: must not be empty (an embedded resource needs apiVersion and kind)",
                                        MISSING_REQUIRED, ERROR, "key"))
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
            problems.append(Problem(path, f"{_p(path)}: Too many: {n}: must have at most {node.max_items} items", INVALID_VALUE, ERROR))
        if node.min_items is not None and n < node.min_items:
            problems.append(Problem(path, f"{_p(path)}: Invalid value: {n}: {_p(path)} in body should have at least {node.min_items} items", INVALID_VALUE, ERROR))
        if node.list_type and n > 1:
            self._duplicates(value, node, path, problems)

    def _duplicates(self, value, node, path, problems):
        """validateListSetsAndMaps (apiserver/schema/listtype/validation.go)."""
        seen = {}
        if node.list_type == "set":
            for i, item in enumerate(value):
                k = json.dumps(item, sort_keys=True)
                if k in seen:
                    problems.append(Problem(path + (i,), f"{_p(path + (i,))}: Duplicate value: {show(item) if not isinstance(item, (dict, list)) else k}: "
                                                         f"{_p(path)} is a set (x-kubernetes-list-type: set); remove the repeated entry (first at index {seen[k]})",
                                            DUPLICATE_ITEM, ERROR))
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
                shown = "{" + ",".join(f'"{key}":{json.dumps(v, separators=(",", ":"))}' for key, v in zip(keys, kv) if v is not None) + "}"
                problems.append(Problem(path + (i,), f"{_p(path + (i,))}: Duplicate value: {shown}: "
                                                     f"{_p(path)} is a map list keyed by {', '.join(keys)}; another entry (index {seen[k]}) has {label}",
                                        DUPLICATE_ITEM, ERROR))
            else:
                seen[k] = i

    # -- scalars -------------------------------------------------------------
    def _scalar(self, value, node: Node, path, problems):
        if isinstance(value, str):
            if node.max_len is not None or node.min_len is not None:
                n = len(value)  # runes: Python str counts code points, as utf8.RuneCountInString
                if node.max_len is not None and n > node.max_len:
                    problems.append(Problem(path, f"{_p(path)}: Too long: may not be more than {node.max_len} bytes (it has {n} characters)", INVALID_VALUE, ERROR))
                if node.min_len is not None and n < node.min_len:
                    problems.append(Problem(path, f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body should be at least {node.min_len} chars long",
                                            INVALID_VALUE, ERROR))
            if node.pattern is not None and not node.pattern.search(value):
                problems.append(Problem(path, f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body should match '{node.pattern_src}'", INVALID_VALUE, ERROR))
            if node.format is not None and value and not FORMATS[node.format](value):
                problems.append(Problem(path, f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body must be of type {node.format}: {show(value)}",
                                        INVALID_VALUE, ERROR))
            return
        if isinstance(value, bool):
            return
        # numbers
        if node.minimum is not None:
            if value < node.minimum or (node.excl_min and value == node.minimum):
                op = "greater than" if node.excl_min else "greater than or equal to"
                problems.append(Problem(path, f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body should be {op} {show(node.minimum)}", INVALID_VALUE, ERROR))
        if node.maximum is not None:
            if value > node.maximum or (node.excl_max and value == node.maximum):
                op = "less than" if node.excl_max else "less than or equal to"
                problems.append(Problem(path, f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body should be {op} {show(node.maximum)}", INVALID_VALUE, ERROR))
        if node.multiple_of:
            q = value / node.multiple_of
            if q != int(q):
                problems.append(Problem(path, f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body should be a multiple of {show(node.multiple_of)}",
                                        INVALID_VALUE, ERROR))

    # -- allOf / anyOf / oneOf / not -----------------------------------------
    def _combinators(self, value, node, path, problems):
        for sub in node.all_of:
            self._value_only(value, sub, path, problems)
        if node.any_of:
            if not any(not self._trial(value, sub, path) for sub in node.any_of):
                problems.append(Problem(path, f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body must validate at least one schema (anyOf)"
                                              f"{self._alternatives(node.any_of)}", INVALID_VALUE, ERROR))
        if node.one_of:
            ok = sum(1 for sub in node.one_of if not self._trial(value, sub, path))
            if ok != 1:
                why = "none matches" if ok == 0 else f"{ok} match"
                problems.append(Problem(path, f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body must validate one and only one schema (oneOf): {why}"
                                              f"{self._alternatives(node.one_of)}", INVALID_VALUE, ERROR))
        if node.not_ is not None and not self._trial(value, node.not_, path):
            problems.append(Problem(path, f"{_p(path)}: Invalid value: {show(value)}: {_p(path)} in body must not validate the schema (not)", INVALID_VALUE, ERROR))

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
                    problems.append(Problem(path + (r,), f"{_p(path + (r,))}: Required value", MISSING_REQUIRED, ERROR, "key"))
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
            from .schema import _PLACEHOLDER, _clip

            if _PLACEHOLDER.search(value):
                # as the schema layer does for built-in kinds
                return Problem(path, f"{_p(path)} is an unrendered placeholder ({_clip(value)}): this file is a template (envsubst, kustomize "
                                     "replacements, CI variables); render it before applying, e.g. `envsubst < FILE | kubelint check -`",
                               "unrendered-placeholder", INFO)
        want = ",".join(node.types) if node.types else "integer,string"
        hint = _type_hint(value, node.types)
        shown = f" ({show(value)})" if not isinstance(value, (dict, list)) and value is not None else ""
        return Problem(path, f"{_p(path)}: Invalid value: \"{json_type(value)}\": {_p(path)} in body must be of type {want}: \"{json_type(value)}\"{shown}{hint}",
                       INVALID_TYPE, ERROR)

    @staticmethod
    def _unknown(path, key, props, kind, parent=()) -> Problem:
        hint = did_you_mean(key, [p for p in props if p not in ("apiVersion", "kind")])
        where = f"in {_p(parent)}" if parent else f"at the top level of {kind}" if kind else "here"
        return Problem(path, f'unknown field "{_p(path)}"{hint}: the {kind + " " if kind else ""}schema declares no such field {where}; the API server rejects it '
                             "(strict field validation) — fix the spelling or move it to the right level", UNKNOWN_FIELD, ERROR, "key")


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


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a transposition is one edit)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


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
        return "; write a list (items starting with \"- \")"
    if "object" in types and isinstance(value, list):
        return "; write a mapping, not a list"
    return ""


def _in_enum(value, enum) -> bool:
    for e in enum:
        if e == value and type(e) is type(value):
            return True
        if isinstance(e, (int, float)) and isinstance(value, (int, float)) and not isinstance(e, bool) and not isinstance(value, bool) and e == value:
            return True
    return False


def _copy(v):
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v


# --- schema sources ---------------------------------------------------------------

class CrdVersion:
    __slots__ = ("name", "served", "storage", "deprecated", "warning", "schema", "_node")

    def __init__(self, crd, v: dict, shared_schema=None):

        self.name = v.get("name")
        self.served = v.get("served") is True
        self.storage = v.get("storage") is True
        self.deprecated = v.get("deprecated") is True
        self.warning = v.get("deprecationWarning") if isinstance(v.get("deprecationWarning"), str) else None
        sch = v.get("schema")
        sch = sch.get("openAPIV3Schema") if isinstance(sch, dict) else None
        self.schema = sch if isinstance(sch, dict) else shared_schema
        self._node = None

    def node(self) -> Optional[Node]:
        if self._node is None and isinstance(self.schema, dict):
            self._node = compile_schema(self.schema)
        return self._node


class Crd:
    """A CRD seen in the run (input, --crd, config)."""

    def __init__(self, obj):
        self.obj = obj
        spec = obj.data.get("spec") if isinstance(obj.data.get("spec"), dict) else {}
        self.group = spec.get("group") if isinstance(spec.get("group"), str) else ""
        names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
        self.kind = names.get("kind") if isinstance(names.get("kind"), str) else ""
        self.scope = spec.get("scope")
        self.file = obj.file
        self.versions: Dict[str, CrdVersion] = {}
        vs = spec.get("versions")
        shared = None
        if isinstance(spec.get("validation"), dict):  # v1beta1 shape
            shared = spec["validation"].get("openAPIV3Schema")
        if isinstance(vs, list):
            for v in vs:
                if isinstance(v, dict) and isinstance(v.get("name"), str):
                    self.versions[v["name"]] = CrdVersion(self, v, shared)


class Catalogue:
    """A ``--schema-dir``: JSON schemas by file name, indexed once."""

    def __init__(self, root: str):
        self.root = root
        self.index: Dict[str, str] = {}
        self.error = None
        try:
            for dirpath, _dirs, files in os.walk(root):
                for f in files:
                    if f.endswith(".json"):
                        full = os.path.join(dirpath, f)
                        rel = os.path.relpath(full, root).replace(os.sep, "/").lower()
                        self.index.setdefault(rel, full)
        except OSError as exc:  # pragma: no cover - os.walk swallows most
            self.error = str(exc)
        if not os.path.isdir(root):
            self.error = "not a directory"

    def candidates(self, group: str, version: str, kind: str) -> List[str]:
        k = kind.lower()
        g = group.lower()
        v = version.lower()
        first = g.split(".")[0]
        names = [f"{g}/{k}_{v}.json", f"{k}-{g}-{v}.json", f"{k}-{first}-{v}.json", f"{k}_{v}.json"]
        if not g:
            names.insert(1, f"{k}-{v}.json")
        names.append(f"{k}.json")
        return names

    def find(self, group: str, version: str, kind: str) -> Optional[str]:
        for name in self.candidates(group, version, kind):
            hit = self.index.get(name)
            if hit:
                return hit
        return None


class _CustomKinds:
    """The ``SchemaStage.custom_kinds`` hook: (apiVersion, kind) pairs the
    CRD stage validates (or reports on, e.g. an unserved version)."""

    def __init__(self, stage: "CrdStage"):
        self.stage = weakref.proxy(stage)

    def __contains__(self, key) -> bool:
        api_version, kind = key
        group, _, version = api_version.rpartition("/")
        st = self.stage
        return bool(st.crds.get((group, kind))) or st.catalogue_node(group, version, kind) is not None or st.near_kind(group, kind) is not None


class CrdStage:
    """The pipeline stage: CRDs and catalogues -> validation of custom resources."""

    name = "crd"
    # A CEL rule that cannot be evaluated is reported once per run (cel.Rule.reported).
    once_per_message = frozenset({RULE_SKIPPED})

    def __init__(self, version: str, settings: Optional[Settings] = None, schema_stage=None):
        self.version = version
        self.settings = settings = settings or Settings()
        self.schema_stage = schema_stage
        self.crds: Dict[Tuple[str, str], List[Crd]] = {}
        # schema-dir: in .kubelint.yaml, then --schema-dir (kubelint.settings.build)
        self.catalogues = [Catalogue(d) for d in settings.schema_dirs]
        self._catalogue_nodes: Dict[Tuple[str, str, str], Optional[tuple]] = {}  # (path, Node or None, error)
        self._reported_unreadable = set()
        self.walker = Walker(self)
        self._meta_walker = getattr(schema_stage, "walker", None)
        if schema_stage is not None:
            schema_stage.custom_kinds = _CustomKinds(self)

    # -- sources --------------------------------------------------------------
    def prepare(self, objects: Iterable, ctx=None) -> None:
        for obj in objects:
            if obj.group == CRD_GROUP and obj.kind == CRD_KIND and obj.version == "v1":
                crd = Crd(obj)
                if crd.group and crd.kind:
                    self.crds.setdefault((crd.group, crd.kind), []).append(crd)

    def near_kind(self, group: str, kind: str) -> Optional[str]:
        """A kind the run's CRDs define in ``group`` that ``kind`` misspells."""
        kinds = [k for (g, k) in self.crds if g == group]
        if not kinds or kind in kinds:
            return None
        # A misspelling: at most two edits, and not a longer or shorter name
        # (CronWorkflow / Workflow, AlertmanagerConfig / Alertmanager are
        # distinct kinds whose CRDs may simply be elsewhere).
        best = None
        for k in kinds:
            a, b = kind.lower(), k.lower()
            if a != b and (a in b or b in a):
                continue
            d = _edit_distance(a, b)
            if d <= 2 and (best is None or d < best[0]):
                best = (d, k)
        return best[1] if best else None

    def catalogue_node(self, group, version, kind):
        key = (group, version, kind)
        if key in self._catalogue_nodes:
            hit = self._catalogue_nodes[key]
            return hit
        hit = None
        for cat in self.catalogues:
            path = cat.find(group, version, kind)
            if not path:
                continue
            try:
                with open(path, encoding="utf-8") as fh:
                    data = json.load(fh)
                # JSON-Schema features the walker lacks ($ref, ...): jsonschema (kubelint/catalogue_schema.py)
                hit = (path, catalogue_schema.full_schema(data, path, cat.root) or compile_schema(data), None)
            except (OSError, ValueError, RecursionError) as exc:
                hit = (path, None, f"{type(exc).__name__}: {exc}")
                continue
            break
        self._catalogue_nodes[key] = hit
        return hit

    def _crd_for(self, obj) -> Optional[Crd]:
        cands = self.crds.get((obj.group, obj.kind))
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        # Several CRDs for one kind (e.g. two releases in one tree): the one
        # that lives closest to the CR, then one that has the CR's version.
        def score(c):
            common = os.path.commonpath([os.path.abspath(c.file), os.path.abspath(obj.file)]) if c.file and obj.file else ""
            return (obj.version in c.versions, len(common))
        return max(cands, key=score)

    # -- per object -------------------------------------------------------------
    def check_object(self, obj, ctx=None) -> List[Problem]:
        if obj.group == CRD_GROUP and obj.kind == CRD_KIND:
            if obj.version != "v1":
                return []
            return check_crd(obj, self)
        schemas = getattr(self.schema_stage, "schemas", None)
        if schemas is not None and schemas.root(obj.api_version, obj.kind) is not None:
            return []  # a built-in kind
        crd = self._crd_for(obj)
        problems: List[Problem] = []
        if crd is not None:
            v = crd.versions.get(obj.version)
            if v is None or not v.served:
                served = [n for n, x in crd.versions.items() if x.served]
                why = "does not define it" if v is None else "defines it with served: false"
                fix = f"; use apiVersion: {crd.group}/{served[-1]}" if served else ""
                # Authoritative source (--crd, or the CR's own file): the server's
                # verdict.  A CRD merely found elsewhere in the tree may be another
                # release or channel than the cluster's (e.g. gateway-api standard vs
                # experimental): a warning that says so.
                explicit = crd.obj.context_only or crd.file == obj.file
                where = f" ({crd.file}:{crd.obj.line})" if not explicit else ""
                tail = "" if explicit else "; if your cluster installs another release or channel of this CRD, pass that one with --crd"
                problems.append(Problem(("apiVersion",), f'version "{obj.version}" of {crd.kind} is not served: its CustomResourceDefinition{where} {why} '
                                                         f'(served: {", ".join(served) or "none"}){fix}; kubectl fails with "no matches for kind"{tail}',
                                        VERSION_NOT_SERVED, ERROR if explicit else WARNING))
                return problems
            if v.deprecated:
                msg = v.warning or f"{crd.group}/{obj.version} {crd.kind} is deprecated"
                problems.append(Problem(("apiVersion",), f"deprecated version: the API server warns \"{msg}\"; migrate to a newer served version of {crd.kind}",
                                        DEPRECATED_VERSION, WARNING))
            node = v.node()
            if node is None:
                return problems  # no schema: crd-invalid on the CRD says so
            self._validate(obj, node, problems)
            return problems
        hit = self.catalogue_node(obj.group, obj.version, obj.kind)
        if hit is None:
            near = self.near_kind(obj.group, obj.kind)
            if near is not None:
                problems.append(Problem(("kind",), f'no CustomResourceDefinition in the input defines kind "{obj.kind}" in {obj.group} (did you mean "{near}"?); '
                                                   f'kubectl fails with "no matches for kind" unless the cluster has another CRD for it', UNKNOWN_KIND, WARNING))
            return problems
        if hit[1] is None:
            sev = self.settings.no_schema_severity
            if sev != "off" and (obj.group, obj.version, obj.kind) not in self._reported_unreadable:
                self._reported_unreadable.add((obj.group, obj.version, obj.kind))
                problems.append(Problem(("kind",), f"no schema for {obj.kind} ({obj.api_version}): the catalogue file {hit[0]} cannot be read ({hit[2]}); "
                                                   "not validated. Fix or regenerate the file", "no-schema", ERROR if sev == "error" else INFO))
        elif isinstance(hit[1], catalogue_schema.FullSchema):
            problems.extend(hit[1].problems(obj, self.settings.no_schema_severity))
            self._metadata(obj, _ANY, problems)
        else:
            self._validate(obj, hit[1], problems)
        return problems

    def _validate(self, obj, node: Node, problems: list) -> None:
        self.walker.pending = []
        self.walker.root(obj, node, problems, obj.kind)
        self._metadata(obj, node, problems)
        pending, self.walker.pending = self.walker.pending, []
        if not pending:
            return
        from . import cel

        if any(_blocking(p) for p in problems):
            # customResourceStrategy.Validate: CEL runs only without blocking
            # schema errors (type, required, enum, too long/many, format).
            problems.append(Problem((), "some validation rules were not checked because the object was invalid; correct the existing errors "
                                        "to complete validation (the API server skips x-kubernetes-validations then, and so does kubelint)",
                                    RULE_SKIPPED, INFO, "key"))
            return
        for rules, value, n, path in pending:
            problems.extend(cel.evaluate_all(rules, value, n, path))

    def _metadata(self, obj, node: Node, problems: list) -> None:
        meta = obj.data.get("metadata")
        if isinstance(meta, dict) and self._meta_walker is not None:
            try:
                self._meta_walker._object(meta, OBJECT_META, ("metadata",), problems, False)
            except KeyError:  # pragma: no cover - schema bundle without ObjectMeta
                pass
        from .apiserver import meta as m

        for p in m.validate_object_meta(obj, m.name_is_dns_subdomain):
            if "neither a standard finalizer name" in p.message:
                # Custom resources use apimachinery's generic ValidateFinalizerName
                # (IsQualifiedName only); the fully-qualified rule is core's.
                continue
            problems.append(p if p.severity else p._replace(severity=ERROR))
        # The schema may constrain metadata.name / generateName (only those).
        mnode = (node.props or {}).get("metadata")
        if mnode is not None and mnode.props and isinstance(meta, dict):
            for f in ("name", "generateName"):
                sub = mnode.props.get(f)
                if sub is not None and isinstance(meta.get(f), str):
                    self.walker.walk(meta[f], sub, ("metadata", f), problems)

    def check_embedded_meta(self, meta: dict, path: tuple, problems: list) -> None:
        if self._meta_walker is not None:
            try:
                self._meta_walker._object(meta, OBJECT_META, path, problems, False)
            except KeyError:  # pragma: no cover
                pass


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


def check_crd(obj, stage=None) -> List[Problem]:
    """The CRD's own validation (apiextensions validation.go); ``crd-invalid``."""
    out: List[Problem] = []

    def bad(path, msg, at="value"):
        out.append(Problem(path, f"{_sp(path)}: {msg}", CRD_INVALID, ERROR, at))

    data = obj.data
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return out  # the schema layer reports a missing/mistyped spec
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
        bad(path + ("type",), f'Invalid value: {show(t) if t is not None else chr(34) + chr(34)}: must be object at the root')
    for key, what in (("nullable", "nullable"), ("x-kubernetes-int-or-string", "x-kubernetes-int-or-string"),
                      ("x-kubernetes-embedded-resource", "x-kubernetes-embedded-resource")):
        if root.get(key) is True:
            bad(path + (key,), f"Forbidden: {what} cannot be true at the root")
    props = root.get("properties") if isinstance(root.get("properties"), dict) else {}
    meta = props.get("metadata")
    if isinstance(meta, dict):
        extra = [k for k in meta if k not in ("type", "properties", "description")]
        mprops = meta.get("properties") if isinstance(meta.get("properties"), dict) else {}
        bad_props = [k for k in mprops if k not in ("name", "generateName")]
        if meta.get("type") not in (None, "object") or extra or bad_props:
            bad(path + ("properties", "metadata"), "Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified")
    _check_node(root, path, bad, True, 0)


def _check_node(s: dict, path, bad, structural: bool, depth: int) -> None:
    """Structural invariants: a type everywhere (outside value validations
    and x-kubernetes-preserve-unknown-fields/int-or-string), no forbidden
    keywords, properties XOR additionalProperties, valid patterns, CEL compiles."""
    if depth > 100:
        return
    if not _FORBIDDEN_KEYS.isdisjoint(s):
        for key, why in _FORBIDDEN_SCHEMA_KEYS.items():
            if key in s:
                bad(path + (key,), f"Forbidden: {why}")
    if structural and not s.get("type") and s.get("x-kubernetes-int-or-string") is not True and s.get("x-kubernetes-preserve-unknown-fields") is not True:
        bad(path + ("type",), "Required value: must not be empty for specified object fields (structural schemas need a type everywhere)", "key")
    if isinstance(s.get("properties"), dict) and s["properties"] and s.get("additionalProperties") not in (None, False):
        bad(path + ("additionalProperties",), "Forbidden: additionalProperties and properties are mutual exclusive")
    pat = s.get("pattern")
    if isinstance(pat, str):
        try:
            _compiled_pattern(pat)
        except PatternUnsupported:
            m = re.search(r"\(\?<?[=!]|\\[1-9]", pat)
            if m:
                why = f"invalid escape sequence: `{m.group(0)}`" if m.group(0).startswith("\\") else f"invalid or unsupported Perl syntax: `{m.group(0)}`"
                bad(path + ("pattern",), f"Invalid value: {show(pat)}: must be a valid regular expression, but isn't: error parsing regexp: {why} "
                                         "(Go RE2 has no lookaround or backreferences)")
    rules = s.get("x-kubernetes-validations")
    if isinstance(rules, list):
        from . import cel

        for i, r in enumerate(rules):
            if isinstance(r, dict) and isinstance(r.get("rule"), str):
                err = cel.compile_error(r["rule"])
                if err:
                    bad(path + ("x-kubernetes-validations", i, "rule"), f"Invalid value: {show(r['rule'])}: compilation failed: {err}")
    lt = s.get("x-kubernetes-list-type")
    if s.get("x-kubernetes-list-map-keys") and lt != "map":
        bad(path + ("x-kubernetes-list-type",), f'Invalid value: {show(lt if lt is not None else "")}: must be map if x-kubernetes-list-map-keys is non-empty')
    if lt == "map" and not s.get("x-kubernetes-list-map-keys"):
        bad(path + ("x-kubernetes-list-map-keys",), "Required value: must not be empty if x-kubernetes-list-type is map", "key")
    props = s.get("properties")
    if isinstance(props, dict):
        for k, child in props.items():
            if isinstance(child, dict):
                _check_node(child, path + ("properties", k), bad, structural, depth + 1)
    for key in ("items", "additionalProperties"):
        child = s.get(key)
        if isinstance(child, dict):
            _check_node(child, path + (key,), bad, structural, depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        subs = s.get(key)
        if isinstance(subs, list):
            for i, child in enumerate(subs):
                if isinstance(child, dict):
                    _check_node(child, path + (key, i), bad, False, depth + 1)
    if isinstance(s.get("not"), dict):
        _check_node(s["not"], path + ("not",), bad, False, depth + 1)
