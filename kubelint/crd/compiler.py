"""The schema compiler: an ``openAPIV3Schema`` (or a catalogue JSON schema) ->
a tree of :class:`Node`, compiled lazily, one level at a time."""

from __future__ import annotations

from .. import goregex
from .formats import FORMATS

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
            n.pattern = goregex.compile(v)  # RE2: linear time, Go's syntax (cached)
        except goregex.GoRegexpError:
            n.pattern = None  # the CRD itself is invalid (reported on the CRD)


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
        from .. import cel

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


def compile_schema(s, depth: int = 0) -> Node:
    """openAPIV3Schema (or a catalogue JSON schema) -> :class:`Node` (lazy)."""
    return Node(s, depth)
