"""CEL types and the type checker, as kube-apiserver 1.37 compiles CRD rules
and admission policy expressions.

Ported from cel-go v0.29.2 (the version k8s.io/apiserver v0.37.2 builds
with): ``checker/checker.go`` (``checkIdent``, ``checkSelect``,
``checkSelectField``, ``checkCall``, ``resolveOverload``, ``checkCreateList``,
``checkCreateMap``, ``checkComprehension``, ``joinTypes``), ``checker/types.go``
(``internalIsAssignable``, ``isValidTypeSubstitution``, ``substitute``,
``mostGeneral``), ``checker/errors.go`` (the messages) and the declarations
of the standard library and of the libraries ``k8s.io/apiserver/pkg/cel/
environment/base.go`` enables (strings, regex, URLs, quantity, IP/CIDR,
sets, lists, format, semver, optional types, cross-type numeric
comparisons), per server minor: :class:`Env`, :func:`for_version`.  The
declared type of ``self`` comes from the structural schema as
``k8s.io/apiserver/pkg/cel/common/schemas.go SchemaDeclType`` derives it
(:func:`schema_decl`).

The contract is *never a false error*: where the checker meets something it
does not model (a function it has no declaration for, a message
construction, a mixed-type literal, the format library ...) it raises
:class:`Uncertain` and the caller reports nothing about the expression.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from typing import Dict, List, Optional, Tuple

from .celparse import Expr

# --- types -----------------------------------------------------------------------------------------


class Uncertain(Exception):
    """The checker cannot decide this expression: report nothing."""


class T:
    """A CEL type: ``kind`` (bool int uint double string bytes null duration
    timestamp dyn error list map type opaque struct tparam), ``params``,
    ``name`` (struct, opaque and type parameters), ``decl`` (a struct's
    :class:`Decl`)."""

    __slots__ = ("kind", "params", "name", "decl")

    def __init__(self, kind: str, params: tuple = (), name: str = "", decl=None):
        self.kind, self.params, self.name, self.decl = kind, params, name, decl

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, T)
            and self.kind == other.kind
            and self.name == other.name
            and self.params == other.params
            and (self.kind != "struct" or self.decl is other.decl)
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.name, self.params))

    def __repr__(self) -> str:
        return fmt(self)


_NAMES = {
    "null": "null",
    "duration": "google.protobuf.Duration",
    "timestamp": "google.protobuf.Timestamp",
    "error": "*error*",
}


def fmt(t: T) -> str:
    """checker.FormatCELType."""
    if t.kind == "list":
        return f"list({fmt(t.params[0])})"
    if t.kind == "map":
        return f"map({fmt(t.params[0])}, {fmt(t.params[1])})"
    if t.kind == "type":
        return f"type({fmt(t.params[0])})" if t.params else "type"
    if t.kind == "opaque":
        return t.name + (f"({', '.join(fmt(p) for p in t.params)})" if t.params else "")
    if t.kind in ("struct", "tparam"):
        return t.name
    return _NAMES.get(t.kind, t.kind)


BOOL, INT, UINT, DOUBLE = T("bool"), T("int"), T("uint"), T("double")
STRING, BYTES, NULL, DYN, ERROR = T("string"), T("bytes"), T("null"), T("dyn"), T("error")
DURATION, TIMESTAMP = T("duration"), T("timestamp")


def list_of(e: T) -> T:
    return T("list", (e,))


def map_of(k: T, v: T) -> T:
    return T("map", (k, v))


def optional_of(t: T) -> T:
    return T("opaque", (t,), "optional_type")


def is_optional(t: T) -> bool:
    return t.kind == "opaque" and t.name == "optional_type"


# Kubernetes' library types (k8s.io/apiserver/pkg/cel/{url,quantity,ip,cidr}.go: struct types by name)
URL_T = T("struct", name="kubernetes.URL")
QUANTITY_T = T("struct", name="kubernetes.Quantity")
IP_T = T("opaque", name="net.IP")
CIDR_T = T("opaque", name="net.CIDR")

# --- assignability (checker/types.go) ---------------------------------------------------------------


class Mapping:
    """Type-parameter substitutions (checker/mapping.go)."""

    __slots__ = ("m",)

    def __init__(self, m=None):
        self.m: Dict[str, T] = dict(m or {})

    def copy(self) -> "Mapping":
        return Mapping(self.m)


def _dyn_or_error(t: T) -> bool:
    return t.kind in ("dyn", "error")


def _nullable(t: T) -> bool:
    return t.kind in ("opaque", "struct", "duration", "timestamp", "null")


def _exact(a: T, b: T) -> bool:
    return a == b


def less_specific(t1: T, t2: T) -> bool:
    """isEqualOrLessSpecific."""
    if t1.kind == "dyn" or t1.kind == "tparam":
        return True
    if t2.kind == "dyn" or t2.kind == "tparam":
        return False
    if t1.kind != t2.kind:
        return False
    if t1.kind == "opaque":
        return (
            t1.name == t2.name
            and len(t1.params) == len(t2.params)
            and all(less_specific(a, b) for a, b in zip(t1.params, t2.params))
        )
    if t1.kind in ("list", "map"):
        return all(less_specific(a, b) for a, b in zip(t1.params, t2.params))
    if t1.kind == "type":
        return True
    return _exact(t1, t2)


def _not_referenced_in(m: Mapping, t: T, within: T) -> bool:
    if _exact(t, within):
        return False
    if within.kind == "tparam":
        sub = m.m.get(within.name)
        return True if sub is None else _not_referenced_in(m, t, sub)
    if within.kind in ("opaque", "list", "map", "type"):
        return all(_not_referenced_in(m, t, p) for p in within.params)
    return True


def _valid_substitution(m: Mapping, t1: T, t2: T) -> Tuple[bool, bool]:
    """isValidTypeSubstitution (t2 a type parameter)."""
    if t1.kind == t2.kind and _exact(t1, t2):
        return True, True
    sub = m.m.get(t2.name)
    if sub is not None:
        if t1.kind == sub.kind and _exact(t1, sub):
            return True, True
        if assignable(m, t1, sub):
            new = t1 if less_specific(t1, sub) else sub
            if _not_referenced_in(m, t2, new):
                m.m[t2.name] = new
            return True, True
        return False, True
    if _not_referenced_in(m, t2, t1):
        m.m[t2.name] = t1
        return True, False
    return False, False


def assignable(m: Mapping, t1: T, t2: T) -> bool:
    """internalIsAssignable: may a value of ``t2`` be used where ``t1`` is expected (updates ``m``)."""
    if t2.kind == "tparam":
        valid, has_sub = _valid_substitution(m, t1, t2)
        if valid:
            return True
        if has_sub:
            return False
    if t1.kind == "tparam":
        return _valid_substitution(m, t2, t1)[0]
    if _dyn_or_error(t1) or _dyn_or_error(t2):
        return True
    if t1.kind == "null":
        return _nullable(t2)
    if t2.kind == "null":
        return _nullable(t1)
    if t1.kind == "type":
        return t2.kind == "type"
    if t1.kind in ("opaque", "list", "map"):
        return (
            t1.kind == t2.kind
            and t1.name == t2.name
            and len(t1.params) == len(t2.params)
            and all(assignable(m, a, b) for a, b in zip(t1.params, t2.params))
        )
    return _exact(t1, t2)


def substitute(m: Mapping, t: T, to_dyn: bool) -> T:
    """checker substitute."""
    if t.kind == "tparam":
        sub = m.m.get(t.name)
        if sub is not None:
            return substitute(m, sub, to_dyn)
        return DYN if to_dyn else t
    if t.kind in ("opaque", "list", "map", "type") and t.params:
        return T(t.kind, tuple(substitute(m, p, to_dyn) for p in t.params), t.name)
    return t


# --- declarations ------------------------------------------------------------------------------------

_TYPE_WORDS = {
    "bool": BOOL,
    "int": INT,
    "uint": UINT,
    "double": DOUBLE,
    "string": STRING,
    "bytes": BYTES,
    "null": NULL,
    "dyn": DYN,
    "duration": DURATION,
    "timestamp": TIMESTAMP,
    "null_type": NULL,
    "google.protobuf.Duration": DURATION,
    "google.protobuf.Timestamp": TIMESTAMP,
    "net.IP": IP_T,
    "net.CIDR": CIDR_T,
}


def _ptype(s: str) -> T:
    """A type as cel-go prints it (``list(<T>)``, ``map(string, <V>)``, ``optional_type(<V>)``, names)."""
    s = s.strip()
    m = re.fullmatch(r"([\w.]+)\((.*)\)", s)
    if m:
        inner = [_ptype(a) for a in _split_args(m.group(2))]
        if m.group(1) == "list":
            return list_of(inner[0])
        if m.group(1) == "map":
            return map_of(inner[0], inner[1])
        if m.group(1) == "type":
            return T("type", (inner[0],))
        return T("opaque", tuple(inner), m.group(1))
    if s.startswith("<") and s.endswith(">"):
        return T("tparam", name=s[1:-1])
    if s in _TYPE_WORDS:
        return _TYPE_WORDS[s]
    return T("struct", name=s)  # kubernetes.Quantity, kubernetes.URL, the authorization types ...


def _split_args(s: str) -> List[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur.strip():
        out.append(cur)
    return out


class Overload:
    __slots__ = ("id", "member", "args", "result", "params")

    def __init__(self, oid, member, args, result):
        self.id, self.member, self.args, self.result = oid, member, args, result
        names = set()
        for t in list(args) + [result]:
            _collect_params(t, names)
        self.params = sorted(names)


def _collect_params(t: T, out: set) -> None:
    if t.kind == "tparam":
        out.add(t.name)
    for p in t.params:
        _collect_params(p, out)


LATEST = 37  # the newest server minor kubelint models (the declarations end there)
OLDEST = 25


def _load_declarations() -> dict:
    import json
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "cel-declarations.json")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _minor(v: Optional[str], default: int) -> int:
    return default if v is None else int(v.split(".")[1])


_DATA = _load_declarations()
_CROSS_TYPE = re.compile(
    r"(less|less_equals|greater|greater_equals)_(double_(int64|uint64)|int64_(double|uint64)|uint64_(double|int64))"
)


class Env:
    """The CEL environment a kube-apiserver of minor ``minor`` compiles a new
    expression in (a CRD rule, an admission policy at creation).

    A server of minor N uses ``NewExpressionsEnv()`` of
    ``environment.MustBaseEnvSet(DefaultCompatibilityVersion())``, whose
    compatibility version is N-1 (k8s.io/apiserver pkg/cel/environment/base.go:
    a constant 1.29 in 1.30, ``MinCompatibilityVersion`` of the build from 1.31;
    component-base/compatibility/version.go); base.go enables each library from
    its ``IntroducedVersion``.  kubelint/data/cel-declarations.json gives each
    overload and macro with the first and last server minor offering it
    (scripts/cel_declarations.go).  ``keyword_fields``: ``self.namespace``
    reaches a property named ``namespace`` (escaped ``__namespace__``), from
    compatibility version 1.31 (environment.go ``SetRecognizeKeywordAsFieldName``,
    types.go ``FindStructFieldType``); ``optional_syntax``: ``a.?b``, ``a[?i]``,
    ``[?x]``, ``{?k: v}`` (cel.OptionalTypes, compatibility version 1.28)."""

    def __init__(self, minor: int):
        self.minor = minor

        def offered(row) -> bool:
            return _minor(row[-2], OLDEST) <= minor <= _minor(row[-1], LATEST)

        # cel.CrossTypeNumericComparisons (compatibility version 1.28): without it cel-go's checker
        # disables the comparisons of two different numeric types (checker/env.go
        # crossTypeNumericComparisonOverloads), which Functions() still lists
        cross = minor - 1 >= 28
        self.functions: Dict[str, List[Overload]] = {}
        for fn, oid, member, args, result, *span in _DATA["functions"]:
            if offered(span) and (cross or not _CROSS_TYPE.fullmatch(oid)):
                arg_types = [_ptype(a) for a in _split_args(args)]
                self.functions.setdefault(fn, []).append(Overload(oid, member, arg_types, _ptype(result)))
        self.macros = frozenset((name, argc) for name, argc, _recv, *span in _DATA["macros"] if offered(span))
        self.namespaces = frozenset(name.split(".")[0] for name in self.functions if "." in name)
        self.keyword_fields = minor - 1 >= 31
        self.optional_syntax = "optional.of" in self.functions


_ENVS: Dict[int, Env] = {}
_CURRENT = contextvars.ContextVar("kubelint_cel_minor", default=LATEST)


def env(minor: Optional[int] = None) -> Env:
    """The environment of server minor ``minor`` (default: the one :func:`for_version` chose)."""
    m = _CURRENT.get() if minor is None else minor
    hit = _ENVS.get(m)
    if hit is None:
        hit = _ENVS[m] = Env(m)
    return hit


def version_minor(version) -> int:
    """``"1.30"`` (or ``"v1.30.14"``) -> 30, within the minors kubelint models; None -> the newest."""
    if not version:
        return LATEST
    m = re.match(r"v?1\.(\d+)", str(version))
    return min(max(int(m.group(1)), OLDEST), LATEST) if m else LATEST


@contextlib.contextmanager
def for_version(version):
    """Check CEL (here and in :mod:`kubelint.celparse`: the macros) as the server of ``version`` does."""
    from . import celparse

    e = env(version_minor(version))
    token = _CURRENT.set(e.minor)
    ptoken = celparse.MACROS_OFFERED.set(e.macros)
    try:
        yield e
    finally:
        celparse.MACROS_OFFERED.reset(ptoken)
        _CURRENT.reset(token)


def current_minor() -> int:
    """The server minor CEL is being checked for (part of any cache key of a check result)."""
    return _CURRENT.get()


FUNCTIONS = env(LATEST).functions  # the newest server's (kubelint/cel.py's library names)
# Identifiers and name spaces the server may declare beyond those kubelint lists: no verdict on them.
_MAYBE_DECLARED = frozenset({"dyn", "optional_type", "any", "timestamp", "duration", "google", "kubernetes", "net"})
_NAMESPACES = frozenset(
    {"google", "kubernetes", "net", "optional", "cel", "math", "strings", "lists", "sets", "format", "semver", "base64"}
)
TYPE_IDENTS = {
    "bool": BOOL,
    "int": INT,
    "uint": UINT,
    "double": DOUBLE,
    "string": STRING,
    "bytes": BYTES,
    "null_type": NULL,
    "list": list_of(DYN),
    "map": map_of(DYN, DYN),
    "type": T("type", (T("type"),)),
    "google.protobuf.Duration": DURATION,
    "google.protobuf.Timestamp": TIMESTAMP,
}


# --- the declared type of a structural schema (apiserver/pkg/cel/common/schemas.go) -----------------

MAX_REQUEST = 3 * 1024 * 1024  # celconfig.MaxRequestSizeBytes
_RESERVED = frozenset(
    "true false null in as break const continue else for function if import let loop package namespace return var "
    "void while".split()
)


class Decl:
    """apiservercel.DeclType: the CEL type, fields (objects), element and key
    (lists and maps), MaxElements and MinSerializedSize.  An object's fields
    are built when first read (a rule reads a few fields of a large schema)."""

    __slots__ = ("t", "_fields", "elem", "key", "max_elements", "min_size", "_src")

    def __init__(self, t: T, min_size: int, max_elements: int = 0, elem=None, key=None, fields=None, src=None):
        self.t, self.min_size, self.max_elements = t, min_size, max_elements
        self.elem, self.key, self._fields, self._src = elem, key, fields, src

    @property
    def fields(self) -> Optional[Dict[str, "Decl"]]:
        if self._fields is None and self._src is not None:
            self._fields = _object_fields(*self._src)
            self._src = None
        return self._fields


def escape(name: str) -> Optional[str]:
    """apiservercel.Escape: a property name as CEL sees it, or None (not accessible)."""
    if not name or name[0].isdigit():
        return None
    if name in _RESERVED:
        return f"__{name}__"
    if re.search(r"[^a-zA-Z0-9_./-]", name) or not name.isascii():
        return None
    return re.sub(
        r"__|[-./]",
        lambda m: {"__": "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__"}[m.group()],
        name,
    )


def _int(v) -> Optional[int]:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _string_max(s: dict) -> int:
    """estimateMaxStringLengthPerRequest."""
    return {"duration": 32, "date": 12, "date-time": 32}.get(s.get("format"), MAX_REQUEST - 2)


def _with_meta(s: dict) -> dict:
    """WithTypeAndObjectMeta (apiextensions model): kind, apiVersion and metadata.name/generateName."""
    props = dict(s.get("properties") or {})
    meta = props.get("metadata") if isinstance(props.get("metadata"), dict) else {}
    mprops = meta.get("properties") if isinstance(meta.get("properties"), dict) else {}

    def capped(existing, cap):
        ml = _int((existing or {}).get("maxLength")) if isinstance(existing, dict) else None
        return {"type": "string", "maxLength": ml if ml is not None and ml < cap else cap}

    props["kind"] = {"type": "string"}
    props["apiVersion"] = {"type": "string"}
    props["metadata"] = {
        "type": "object",
        "properties": {
            "name": capped(mprops.get("name"), 253),
            "generateName": capped(mprops.get("generateName"), 252),
        },
    }
    out = dict(s)
    out["properties"] = props
    return out


def schema_decl(s, is_root: bool, name: str = "object") -> Optional[Decl]:
    """SchemaDeclType: the declared type of a structural schema node (None: not exposed to CEL)."""
    if not isinstance(s, dict):
        return None
    if s.get("x-kubernetes-int-or-string") is True:
        ml = _int(s.get("maxLength"))
        return Decl(DYN, 1, max(ml, 0) * 4 if ml is not None else MAX_REQUEST - 2)
    if is_root:
        s = _with_meta(s)
    t = s.get("type")
    if t == "array":
        return _array_decl(s, name)
    if t == "object":
        return _object_decl(s, name)
    if t == "string":
        return _string_decl(s)
    return {"boolean": Decl(BOOL, 4), "number": Decl(DOUBLE, 1), "integer": Decl(INT, 1)}.get(t)


def _array_decl(s: dict, name: str) -> Optional[Decl]:
    items = s.get("items")
    if not isinstance(items, dict):
        return None
    elem = schema_decl(items, items.get("x-kubernetes-embedded-resource") is True, name + ".@idx")
    if elem is None:
        return None
    n = _int(s.get("maxItems"))
    n = max(n, 0) if n is not None else (MAX_REQUEST - 2) // (elem.min_size + 1)
    return Decl(list_of(elem.t), 2, n, elem=elem)


def _object_decl(s: dict, name: str) -> Optional[Decl]:
    add = s.get("additionalProperties")
    if isinstance(add, dict):
        elem = schema_decl(add, add.get("x-kubernetes-embedded-resource") is True, name + ".@elem")
        if elem is None:
            return None
        n = _int(s.get("maxProperties"))
        n = max(n, 0) if n is not None else (MAX_REQUEST - 2) // (elem.min_size + 6)
        return Decl(map_of(STRING, elem.t), 2, n, elem=elem, key=Decl(STRING, 2))
    required = set(r for r in (s.get("required") or []) if isinstance(r, str))
    props = s.get("properties") if isinstance(s.get("properties"), dict) else {}
    min_size = 2
    built: Dict[str, Optional[Decl]] = {}
    for pname in sorted(required):
        prop = props.get(pname)
        if isinstance(prop, dict) and "default" not in prop:
            ft = built[pname] = _field_decl(prop, name, pname)
            if ft is not None:
                min_size += len(pname) + ft.min_size + 4
    d = Decl(T("struct", name=name), min_size, 0, src=(props, name, built))
    d.t.decl = d
    return d


def _field_decl(prop: dict, name: str, pname: str) -> Optional[Decl]:
    return schema_decl(prop, prop.get("x-kubernetes-embedded-resource") is True, name + "." + pname)


def _object_fields(props: dict, name: str, built: Dict[str, Optional[Decl]]) -> Dict[str, Decl]:
    """The fields of an object type (names escaped; a property of no CEL type is left out)."""
    fields: Dict[str, Decl] = {}
    for pname, prop in props.items():
        if not isinstance(prop, dict):
            continue
        ft = built[pname] if pname in built else _field_decl(prop, name, pname)
        if ft is None:
            continue
        esc = escape(pname)
        if esc is not None:
            fields[esc] = ft
    return fields


def _string_decl(s: dict) -> Decl:
    f = s.get("format")
    ml = _int(s.get("maxLength"))
    if f == "byte":
        return Decl(BYTES, 2, max(ml, 0) if ml is not None else _string_max(s))
    if f == "duration":
        return Decl(DURATION, 3, _string_max(s))
    if f in ("date", "date-time"):
        return Decl(TIMESTAMP, 12 if f == "date" else 21, _string_max(s))
    if ml is not None:
        n = max(ml, 0) * 4
    elif isinstance(s.get("enum"), list) and s["enum"]:
        n = max((len(v.encode()) for v in s["enum"] if isinstance(v, str)), default=0)
    else:
        n = _string_max(s)
    return Decl(STRING, 2, n)


# --- the checker ---------------------------------------------------------------------------------------


class Checked:
    """The checker's result: ``types`` and ``overloads`` by expression id,
    ``errors`` as ``(offset, message)``; ``output`` the expression's type."""

    __slots__ = ("expr", "types", "overloads", "errors", "output")

    def __init__(self, expr, types, overloads, errors, output):
        self.expr, self.types, self.overloads, self.errors, self.output = expr, types, overloads, errors, output


class Checker:
    """checker.checker over a :class:`kubelint.celparse.Expr` tree.

    ``variables``: the declared variables (name -> :class:`T`); ``strict_idents``:
    whether an undeclared identifier is certainly an error (False where the
    environment has declarations kubelint does not list)."""

    def __init__(self, variables: Dict[str, T], strict_idents: bool = True):
        self.variables = variables
        self.strict_idents = strict_idents
        self.scopes: List[Dict[str, T]] = []
        self.types: Dict[int, T] = {}
        self.overloads: Dict[int, List[str]] = {}
        self.errors: List[Tuple[int, str]] = []
        self.mapping = Mapping()
        self.fresh = 0
        self.env = env()
        self.functions = self.env.functions
        self.syntax: List[Tuple[int, str]] = []  # optional syntax the server's parser refuses (reported alone)

    def run(self, e: Expr) -> Checked:
        self.check(e)
        if self.syntax:
            return Checked(e, {}, {}, sorted(self.syntax), ERROR)
        out = substitute(self.mapping, self.types[e.id], True)
        types = {k: substitute(self.mapping, v, True) for k, v in self.types.items()}
        return Checked(e, types, self.overloads, sorted(self.errors), out)

    def error(self, e: Expr, msg: str) -> None:
        self.errors.append((e.offset, msg))

    def set(self, e: Expr, t: T) -> T:
        self.types[e.id] = t
        return t

    def new_var(self) -> T:
        self.fresh += 1
        return T("tparam", name=f"_var{self.fresh - 1}")

    def is_assignable(self, t1: T, t2: T) -> bool:
        m = self.mapping.copy()
        if assignable(m, t1, t2):
            self.mapping = m
            return True
        return False

    def check(self, e: Expr) -> T:
        return getattr(self, "check_" + e.kind)(e)

    def check_lit(self, e: Expr) -> T:
        return self.set(e, _TYPE_WORDS[e.ltype])

    def lookup(self, name: str) -> Optional[T]:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.variables:
            return self.variables[name]
        if name in TYPE_IDENTS:
            return T("type", (TYPE_IDENTS[name],))
        return None

    def check_ident(self, e: Expr) -> T:
        t = self.lookup(e.name.lstrip("."))
        if t is None:
            if not self.strict_idents or e.name.lstrip(".") in _MAYBE_DECLARED:
                raise Uncertain(e.name)
            self.error(e, f"undeclared reference to '{e.name}' (in container '')")
            return self.set(e, ERROR)
        return self.set(e, t)

    def check_select(self, e: Expr) -> T:
        qualified = _qualified(e)
        if qualified and "." in qualified and qualified in self.variables and not self.scopes:
            return self.set(e, self.variables[qualified])  # a qualified variable (authorizer.requestResource)
        if qualified and qualified in TYPE_IDENTS and not self.lookup(qualified.split(".")[0]):
            return self.set(e, T("type", (TYPE_IDENTS[qualified],)))
        if qualified and "." in qualified and qualified.split(".")[0] in _NAMESPACES:
            raise Uncertain(qualified)  # a qualified name kubelint does not declare
        t = self.select_field(e, e.operand, e.field, False)
        return self.set(e, BOOL if e.test_only else substitute(self.mapping, t, False))

    def select_field(self, e: Expr, operand: Expr, field: str, optional: bool) -> T:
        target = substitute(self.mapping, self.check(operand), False)
        is_opt = is_optional(target)
        if is_opt:
            target = target.params[0]
        if target.kind == "map":
            result = target.params[1]
        elif target.kind == "struct":
            if target.decl is None:
                raise Uncertain(fmt(target))  # a library struct type: fields not modelled
            fd = target.decl.fields.get(field)
            if fd is None and field in _RESERVED and self.env.keyword_fields:
                fd = target.decl.fields.get(f"__{field}__")  # DeclTypeProvider.FindStructFieldType
            if fd is None:
                self.error(e, f"undefined field '{field}'")
                result = ERROR
            else:
                result = fd.t
        elif target.kind == "tparam":
            self.is_assignable(DYN, target)
            result = DYN
        else:
            if not _dyn_or_error(target):
                self.error(e, f"type '{fmt(target)}' does not support field selection")
            result = DYN
        return optional_of(result) if (is_opt or optional) else result

    def check_call(self, e: Expr) -> T:
        if e.fn == "_?._":
            return self.check_opt_select(e)
        if e.fn == "_[?_]":
            self.unsupported(e.offset, "[?")
        if e.fn.startswith("@macro:"):
            raise Uncertain(e.fn)  # optMap, optFlatMap, sortBy: macros kubelint does not expand
        for a in e.args:
            self.check(a)
        if e.target is None:
            return self.global_call(e, e.fn)
        q = _qualified(e.target)
        if q is not None and self.lookup(q.split(".")[0]) is None and f"{q}.{e.fn}" in self.functions:
            e.fn, e.target = f"{q}.{e.fn}", None  # the checker rewrites it as a global call
            return self.global_call(e, e.fn)
        ns = q.split(".")[0] if q is not None else None
        if ns in _NAMESPACES and self.lookup(ns) is None and not self._namespace_absent(ns):
            raise Uncertain(f"{q}.{e.fn}")  # a namespaced function kubelint does not declare
        self.check(e.target)
        if e.fn not in self.functions:
            return self.undeclared_function(e, e.fn)
        return self.resolve(e, e.fn, e.target)

    def _namespace_absent(self, ns: str) -> bool:
        """A library name space of a newer server (format., lists.): this server has no such
        functions, so ``ns`` is an identifier and undeclared (cel-go's error names it)."""
        return ns in env(LATEST).namespaces and ns not in self.env.namespaces

    def global_call(self, e: Expr, name: str) -> T:
        if name not in self.functions:
            return self.undeclared_function(e, name)
        return self.resolve(e, name, None)

    def undeclared_function(self, e: Expr, name: str) -> T:
        """checkCall: a function the environment does not declare (the declarations are the server's own)."""
        if not self.strict_idents:
            raise Uncertain(name)
        self.error(e, f"undeclared reference to '{name}' (in container '')")
        return self.set(e, ERROR)

    def unsupported(self, offset: int, syntax: str) -> None:
        """parser.go: optional syntax without cel.OptionalTypes (servers before 1.29)."""
        if not self.env.optional_syntax:
            self.syntax.append((offset, f"unsupported syntax '{syntax}'"))

    def check_opt_select(self, e: Expr) -> T:
        self.unsupported(e.offset, ".?")
        operand, field = e.args
        t = self.select_field(e, operand, field.value, True)
        self.overloads[e.id] = ["select_optional_field"]
        return self.set(e, substitute(self.mapping, t, False))

    def resolve(self, e: Expr, name: str, target: Optional[Expr]) -> T:
        """resolveOverload."""
        arg_types = ([self.types[target.id]] if target is not None else []) + [self.types[a.id] for a in e.args]
        if name in ("_&&_", "_||_"):
            return self.logic(e, name, arg_types)
        result: Optional[T] = None
        ids: List[str] = []
        for ov in self.functions[name]:
            if ov.member != (target is not None) or len(ov.args) != len(arg_types):
                continue
            subs = Mapping({p: self.new_var() for p in ov.params})
            cand = [substitute(subs, a, False) for a in ov.args]
            m = self.mapping.copy()
            if not all(assignable(m, a, b) for a, b in zip(arg_types, cand)):
                continue
            self.mapping = m
            ids.append(ov.id)
            rt = substitute(self.mapping, substitute(subs, ov.result, False), False)
            if result is None:
                result = rt
            elif result.kind != "dyn" and not _exact(rt, result):
                result = DYN
        if result is None:
            if len({id(d) for t in arg_types for d in _structs(t)}) > 1:
                raise Uncertain(name)  # overloads kubelint may not list all of; schema object types
            self.no_overload(e, name, arg_types, target is not None)
            return self.set(e, ERROR)
        self.overloads[e.id] = ids
        return self.set(e, result)

    def no_overload(self, e: Expr, name: str, arg_types: List[T], member: bool) -> None:
        names = [fmt(substitute(self.mapping, t, True)) for t in arg_types]
        if member:
            sig = f"{names[0]}.({', '.join(names[1:])})"
        else:
            sig = f"({', '.join(names)})"
        self.error(e, f"found no matching overload for '{name}' applied to '{sig}'")

    def logic(self, e: Expr, name: str, arg_types: List[T]) -> T:
        bad = False
        for a, t in zip(e.args, arg_types):
            if not self.is_assignable(t, BOOL):
                self.error(a, f"expected type '{fmt(BOOL)}' but found '{fmt(t)}'")
                bad = True
        self.overloads[e.id] = ["logical_and" if name == "_&&_" else "logical_or"]
        return self.set(e, ERROR if bad else BOOL)

    def join(self, prev: Optional[T], cur: T) -> T:
        if prev is None:
            return cur
        if self.is_assignable(prev, cur):
            return prev if less_specific(prev, cur) else cur
        return DYN  # dynAggregateLiteralElementTypes: the homogeneous-literal validator decides (homogeneous_errors)

    def check_list(self, e: Expr) -> T:
        elem: Optional[T] = None
        for i, x in enumerate(e.elems):
            t = self.check(x)
            if i in e.optional and not self.env.optional_syntax:
                self.unsupported(x.offset, "?")
            elif i in e.optional:
                if is_optional(t):
                    t = t.params[0]
                elif t.kind != "dyn":
                    raise Uncertain("optional list element")
            elem = self.join(elem, t)
        return self.set(e, list_of(elem if elem is not None else self.new_var()))

    def check_map(self, e: Expr) -> T:
        kt: Optional[T] = None
        vt: Optional[T] = None
        for key, val, opt, _col, _eid in e.entries:
            kt = self.join(kt, self.check(key))
            t = self.check(val)
            if opt and not self.env.optional_syntax:
                self.unsupported(key.offset, "?")
            elif opt:
                if is_optional(t):
                    t = t.params[0]
                elif t.kind != "dyn":
                    raise Uncertain("optional map entry")
            vt = self.join(vt, t)
        if kt is None:
            return self.set(e, map_of(self.new_var(), self.new_var()))
        return self.set(e, map_of(kt, vt))

    def check_struct(self, e: Expr) -> T:
        raise Uncertain("message construction")

    def check_comp(self, e: Expr) -> T:
        self.check(e.iter_range)
        self.check(e.accu_init)
        rng = substitute(self.mapping, self.types[e.iter_range.id], False)
        accu = self.types[e.accu_init.id]
        self.scopes.append({e.accu_var: accu})
        two = e.iter_var2 is not None
        if rng.kind == "list":
            v1, v2 = (INT, rng.params[0]) if two else (rng.params[0], None)
        elif rng.kind == "map":
            v1, v2 = rng.params[0], rng.params[1] if two else None
        elif rng.kind in ("dyn", "error", "tparam"):
            self.is_assignable(DYN, rng)
            v1, v2 = DYN, DYN if two else None
        else:
            self.error(
                e.iter_range,
                f"expression of type '{fmt(rng)}' cannot be range of a comprehension (must be list, map, or dynamic)",
            )
            v1, v2 = ERROR, ERROR if two else None
        scope = {e.iter_var: v1}
        if two:
            scope[e.iter_var2] = v2
        self.scopes.append(scope)
        self.check(e.cond)
        self.assert_type(e.cond, BOOL)
        self.check(e.step)
        self.assert_type(e.step, accu)
        self.scopes.pop()
        self.check(e.result)
        self.scopes.pop()
        return self.set(e, substitute(self.mapping, self.types[e.result.id], False))

    def assert_type(self, e: Expr, t: T) -> None:
        if not self.is_assignable(t, self.types[e.id]):
            self.error(e, f"expected type '{fmt(t)}' but found '{fmt(self.types[e.id])}'")


def _structs(t: T) -> List[Decl]:
    """The schema object types in ``t`` (two different ones: cel-go's generated names decide equality)."""
    own = [t.decl] if t.kind == "struct" and t.decl is not None else []
    return own + [d for p in t.params for d in _structs(p)]


def _qualified(e: Expr) -> Optional[str]:
    """containers.ToQualifiedName: ``a.b.c`` of idents and plain selects, else None."""
    if e.kind == "ident":
        return e.name
    if e.kind == "select" and not e.test_only:
        base = _qualified(e.operand)
        return None if base is None else f"{base}.{e.field}"
    return None


def check(expr: Expr, variables: Dict[str, T], strict_idents: bool = True) -> Checked:
    """Type-check ``expr`` against ``variables``; raises :class:`Uncertain`."""
    return Checker(variables, strict_idents).run(expr)


def homogeneous_errors(checked: Checked, exempt=("format",)) -> List[Tuple[int, str]]:
    """cel.ValidateHomogeneousAggregateLiterals (environment/base.go): the
    elements of a list literal, the keys and the values of a map literal, all
    of one type (IsEquivalentType), outside calls of the exempt functions
    (the strings extension exempts ``format``)."""
    out: List[Tuple[int, str]] = []
    _homogeneous(checked.expr, checked.types, exempt, False, out)
    return sorted(out)


def _homogeneous(e: Expr, types, exempt, exempted: bool, out) -> None:
    if e.kind == "call" and e.fn in exempt:
        exempted = True
    if e.kind == "list" and not exempted:
        _same_types([(x, i in e.optional) for i, x in enumerate(e.elems)], types, out)
    if e.kind == "map" and not exempted:
        _same_types([(k, False) for k, *_ in e.entries], types, out)
        _same_types([(v, opt) for _k, v, opt, *_ in e.entries], types, out)
    for child in _children(e):
        _homogeneous(child, types, exempt, exempted, out)


def _same_types(items, types, out) -> None:
    first: Optional[T] = None
    for x, opt in items:
        t = types.get(x.id, DYN)
        if opt and is_optional(t):
            t = t.params[0]
        if first is None:
            first = t
        elif t != first:
            out.append((x.offset, f"expected type '{fmt(first)}' but found '{fmt(t)}'"))
            return


def _children(e: Expr) -> List[Expr]:
    k = e.kind
    if k == "select":
        return [e.operand]
    if k == "call":
        return ([e.target] if e.target is not None else []) + list(e.args)
    if k == "list":
        return list(e.elems)
    if k == "map":
        return [x for key, val, *_ in e.entries for x in (key, val)]
    if k == "comp":
        return [e.iter_range, e.accu_init, e.cond, e.step, e.result]
    if k == "struct":
        return [f[1] for f in e.fields]
    return []
