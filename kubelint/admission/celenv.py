"""The admission CEL environment, offline.

The engine is the one the CRD stage uses (:mod:`kubelint.cel`: the
``common-expression-language`` package with the Kubernetes library functions
registered as Python functions).  This module adds what admission
expressions need on top of it:

* the variables of ``k8s.io/apiserver/pkg/admission/plugin/cel``
  (``object``, ``oldObject``, ``request``, ``params``, ``namespaceObject``,
  ``variables``; ``authorizer`` is declared but never evaluable offline);
* the declaration check the server's compiler makes when a policy is created
  (``CompileCELExpression``: an identifier that is not declared is
  ``undeclared reference to 'x' (in container '')``; ``params`` is only
  declared when the policy has a ``paramKind``);
* the run-time error texts of cel-go for the errors both engines raise
  (``no such key: x``, ``division by zero``, ``no such overload``).

What the engine cannot do, said plainly: it does not type-check.  cel-go
compiles admission expressions against declared types (``request`` and
``namespaceObject`` are typed, ``object``/``params`` are ``dyn``), so a
comparison of an ``int`` with a ``double`` literal or a field that
``request`` does not have is a compile error there and not here.  kubelint
checks the declarations it can check syntactically (identifiers, the fields
of ``request`` and ``namespaceObject``, ``object`` paths against the
OpenAPI schema of the matched kinds) and reports every expression the engine
cannot run as not evaluated (``info``), never as a denial.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import Dict, FrozenSet, List, Optional, Set, Tuple  # noqa: F401

from ..loader import native

# Identifiers the admission environment declares (plugin/cel/compile.go createEnvForOpts).
OBJECT_VARS = ("object", "oldObject", "request", "namespaceObject", "variables")
PARAMS_VAR = "params"
AUTHORIZER_VARS = ("authorizer",)
# CEL's own identifiers: functions and type names used as values, macros' helpers.
_BUILTIN_IDENTS = frozenset(
    {
        "true",
        "false",
        "null",
        "in",
        "int",
        "uint",
        "double",
        "string",
        "bytes",
        "bool",
        "list",
        "map",
        "type",
        "null_type",
        "dyn",
        "duration",
        "timestamp",
        "has",
        "size",
        "matches",
        "optional",
        "cel",
        "math",
        "sets",
        "strings",
        "quantity",
        "url",
        "ip",
        "cidr",
        "semver",
        "format",
        "lists",
        "base64",
        "google",
        "protobuf",
    }
)
# Fields of the typed `request` and `namespaceObject` (compile.go BuildRequestType / BuildNamespaceType).
REQUEST_FIELDS = frozenset(
    {
        "kind",
        "resource",
        "subResource",
        "requestKind",
        "requestResource",
        "requestSubResource",
        "name",
        "namespace",
        "operation",
        "userInfo",
        "dryRun",
        "options",
    }
)
NAMESPACE_FIELDS = frozenset({"metadata", "spec", "status"})
NAMESPACE_META_FIELDS = frozenset(
    {
        "name",
        "generateName",
        "namespace",
        "labels",
        "annotations",
        "UID",
        "creationTimestamp",
        "deletionGracePeriodSeconds",
        "deletionTimestamp",
        "generation",
        "resourceVersion",
        "finalizers",
    }
)

# Syntax and library functions the engine does not run (optional types,
# the authorizer, string formatting, semver, field/label selector checks);
# an expression using one is "not evaluated", never a verdict.
_UNSUPPORTED = re.compile(
    r"\.\?|\[\?|\{\?|\boptional\.|\bformat\(|\bauthorizer\b|\bsemver\b|\bisSemver\b|\bvalidator\b|"
    r"\bfieldSelector\b|\blabelSelector\b|\bbase64\.|\blists\.|\bmath\.|\bjsonpatch\b|\bJSONPatch\b|"
    r"\bObject\{|\bstrings\.quote\b|\bipv[46]\b|\.orValue\(|\.hasValue\("
)

_LITERAL = re.compile(r"""[rRbB]?('''[\s\S]*?'''|"{3}[\s\S]*?"{3}|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")""")
_IDENT = re.compile(r"(?<![\w.?])([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()")
_MACRO_VAR = re.compile(
    r"\.\s*(?:all|exists|exists_one|map|filter|transformList|transformMap|transformMapEntry)\s*\(\s*"
    r"([A-Za-z_]\w*)\s*,(?:\s*([A-Za-z_]\w*)\s*,)?"
)
_SELECT = re.compile(r"(?<![\w.])(request|namespaceObject)\s*\.\s*([A-Za-z_]\w*)(?:\s*\.\s*([A-Za-z_]\w*))?")


def strip_literals(expr: str) -> str:
    """The expression with every string literal replaced by ``''``."""
    return _LITERAL.sub("''", expr)


def _engine():
    """The compiled extension module the CRD stage loaded (loaded once per
    process: initialising it twice panics), and the library functions."""
    try:
        from .. import cel as k8s_cel
    except ImportError:  # pragma: no cover - the CRD package is always present
        return None, {}
    mod = sys.modules.get("cel.cel") or getattr(k8s_cel, "_cel", None)
    if mod is None or not k8s_cel.available():
        return None, {}
    return mod, dict(k8s_cel.FUNCTIONS)


@lru_cache(maxsize=None)
def _loaded():
    return _engine()


def engine():
    return _loaded()[0]


def available() -> bool:
    return engine() is not None


@lru_cache(maxsize=None)
def _method_matches():
    return engine().compile("s.matches(p)")


def _matches(s, pattern):
    """The global ``matches(string, regex)`` of the CEL standard library,
    run as the engine's own ``s.matches(p)`` (a linear-time regex engine, as
    RE2: a hostile pattern cannot make kubelint backtrack for ever)."""
    if not isinstance(s, str) or not isinstance(pattern, str):
        raise TypeError("no such overload")
    ctx = engine().Context()
    ctx.add_variable("s", s)
    ctx.add_variable("p", pattern)
    return _method_matches().execute(ctx)


# The server's budget for one policy evaluation (k8s.io/apiserver/pkg/apis/cel
# RuntimeCELCostBudget); cel-go stops an expression that exceeds it with
# "validation failed due to running out of cost budget".
RUNTIME_COST_BUDGET = 10_000_000
_MACRO_CALL = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\($")


def comprehension_depth(stripped: str) -> int:
    """How deeply the expression nests comprehensions (``all``, ``exists``,
    ``exists_one``, ``map``, ``filter``): its worst-case cost grows as the
    collection size to this power."""
    stack: List[bool] = []
    depth = best = 0
    for i, ch in enumerate(stripped):
        if ch == "(":
            macro = bool(_MACRO_CALL.search(stripped[max(0, i - 20) : i + 1]))
            stack.append(macro)
            if macro:
                depth += 1
                best = max(best, depth)
        elif ch == ")" and stack:
            if stack.pop():
                depth -= 1
    return best


def largest_collection(value, strings: bool = False, limit: int = 1 << 20) -> int:
    """The size of the largest list or map in ``value`` (and the length of the
    longest string when ``strings``: split() makes lists of them)."""
    best = 0
    todo = [value]
    seen = 0
    while todo and seen < limit:
        v = todo.pop()
        seen += 1
        if isinstance(v, dict):
            best = max(best, len(v))
            todo.extend(v.values())
        elif isinstance(v, list):
            best = max(best, len(v))
            todo.extend(v)
        elif strings and isinstance(v, str):
            best = max(best, len(v))
    return best


def new_context():
    """A fresh CEL activation with the Kubernetes library registered."""
    mod = engine()
    ctx = mod.Context()
    for name, fn in _loaded()[1].items():
        ctx.add_function(name, fn)
    ctx.add_function("matches", _matches)
    return ctx


class Compiled:
    """One expression: the program, or why it is not runnable.

    ``error`` is a compile error the API server also reports when the policy
    is created (the policy is then rejected); ``unsupported`` is a reason
    this engine cannot evaluate it (the server can)."""

    __slots__ = (
        "expression",
        "program",
        "error",
        "unsupported",
        "uses_authorizer",
        "variables_used",
        "depth",
        "splits",
        "output_type",
    )

    def __init__(self, expression: str):
        self.expression = expression
        self.program = None
        self.error: Optional[str] = None
        self.unsupported: Optional[str] = None
        self.uses_authorizer = False
        self.variables_used: Set[str] = set()
        self.output_type = None  # the checked type (kubelint.celtypes.T) where the checker is certain
        self.depth = 0  # comprehension nesting (comprehension_depth)
        self.splits = False


_DYN_CHAIN = re.compile(r"^\(*\s*(?:object|oldObject|params)(?:\s*\.\s*[A-Za-z_]\w*|\s*\[[^\[\]]*\])*\s*\)*$")
_LITERAL_TYPES = (
    (re.compile(r"^\s*''\s*$"), "string"),
    (re.compile(r"^\s*-?\d+\s*$"), "int"),
    (re.compile(r"^\s*-?\d+\.\d*([eE][-+]?\d+)?\s*$"), "double"),
    (re.compile(r"^\s*(true|false)\s*$"), "bool"),
    (re.compile(r"^\s*null\s*$"), "null_type"),
)


def output_type(stripped: str) -> Optional[str]:
    """The output type cel-go's checker gives, where it is certain without
    a full checker: a bare selection from a ``dyn`` variable is ``dyn``; a
    literal has its own type.  None: not decided here."""
    if _DYN_CHAIN.match(stripped):
        return "dyn"
    for rx, t in _LITERAL_TYPES:
        if rx.match(stripped):
            return t
    return None


def compile_expression(
    expression: str,
    has_params: bool,
    variables: Tuple[str, ...] = (),
    extra_vars: Tuple[str, ...] = (),
    returns: Optional[str] = None,
    variable_types: Optional[dict] = None,
) -> Compiled:
    """Compile as ``CompileCELExpression`` does, as far as this engine can.

    ``variables``: the names of the policy's variables declared before this
    expression (``variables.x``); ``variable_types``: their checked types
    where known (``Compiled.output_type``); ``extra_vars``: further declared
    identifiers (custom rules have none beyond the admission ones)."""
    c = Compiled(expression)
    stripped = strip_literals(expression)
    c.uses_authorizer = bool(re.search(r"(?<![\w.])authorizer\b", stripped))
    c.variables_used = set(re.findall(r"(?<![\w.])variables\s*\.\s*([A-Za-z_]\w*)", stripped))
    c.depth = comprehension_depth(stripped)
    c.splits = ".split(" in stripped.replace(" ", "")
    from .exprtypes import check_expression  # the server's type check (kubelint.celtypes), where it is certain

    typed, c.output_type = check_expression(expression, has_params, variables, extra_vars, returns, variable_types)
    if typed:
        c.error = typed
        return c
    # "": kubelint's port of the server's checker compiled it; its text checks below (the fallback
    # where the checker abstains) are then moot, and a failure of the evaluation engine is its own
    if typed == "":
        return _engine_compile(c, stripped, certain=True)
    undeclared = _undeclared(stripped, has_params, extra_vars)
    if undeclared:
        c.error = f"compilation failed: ERROR: <input>: undeclared reference to '{undeclared}' (in container '')"
        return c
    for var, fld, sub in _SELECT.findall(stripped):
        fields = REQUEST_FIELDS if var == "request" else NAMESPACE_FIELDS
        if fld not in fields:
            c.error = f"compilation failed: ERROR: <input>: undefined field '{fld}'"
            return c
        if var == "namespaceObject" and fld == "metadata" and sub and sub not in NAMESPACE_META_FIELDS:
            c.error = f"compilation failed: ERROR: <input>: undefined field '{sub}'"
            return c
    for name in c.variables_used:
        if name not in variables:
            c.error = f"compilation failed: ERROR: <input>: undefined field '{name}'"
            return c
    if returns is not None:
        # CompileCELExpression: "must evaluate to bool but got dyn" (the policy is refused)
        got = output_type(stripped)
        allowed = returns.split("|")
        if got is not None and got not in allowed:
            want = allowed[0] if len(allowed) == 1 else "one of [" + " ".join(allowed) + "]"
            c.error = f"must evaluate to {want} but got {got}"
            return c
    return _engine_compile(c, stripped, certain=False)


def _engine_compile(c: Compiled, stripped: str, certain: bool) -> Compiled:
    """The evaluation engine's program for ``c`` (or why not). ``certain``: the server's checker
    (kubelint.celtypes) accepts the expression, so an engine error means "not evaluated", never an error."""
    expression = c.expression
    mod = engine()
    if mod is None:
        c.unsupported = "the CEL engine (the common-expression-language package) is not installed"
        return c
    if _UNSUPPORTED.search(stripped):
        c.unsupported = (
            "it calls the authorizer, which needs the cluster's RBAC"
            if c.uses_authorizer
            else "it uses CEL syntax or a Kubernetes library function kubelint does not evaluate"
        )
        return c
    try:
        c.program = mod.compile(expression)
    except Exception as exc:  # noqa: BLE001 - the engine raises ValueError and others
        msg = _first_line(exc)
        if "unsupported syntax" in msg or certain:
            c.unsupported = f"the CEL engine does not support its syntax ({msg})"
        else:
            from ..celcheck import compile_error  # cel-go's text for the syntax errors kubelint can word alike

            c.error = f"compilation failed: {compile_error(expression) or msg}"
    return c


def _undeclared(stripped: str, has_params: bool, extra_vars) -> Optional[str]:
    declared = set(OBJECT_VARS) | set(AUTHORIZER_VARS) | set(extra_vars) | _BUILTIN_IDENTS
    if has_params:
        declared.add(PARAMS_VAR)
    for m in _MACRO_VAR.finditer(stripped):
        declared.update(v for v in m.groups() if v)
    # map literal keys and message fields are after '{' or ',' and before ':'
    body = re.sub(r"(?<=[{,])\s*[A-Za-z_]\w*\s*:", " :", stripped)
    for m in _IDENT.finditer(body):
        name = m.group(1)
        if name in declared or name[0].isdigit():
            continue
        # a number suffix (1u), exponent (1e3) or a keyword-like token after a digit
        start = m.start(1)
        if start > 0 and body[start - 1].isdigit():
            continue
        return name
    return None


def runtime_error_text(exc: BaseException) -> Tuple[str, bool]:
    """(cel-go's text for a run-time error, certain).  ``certain``: both
    engines fail there for the same reason (a missing key, a division by
    zero, an index out of range, a value the Kubernetes library refuses).
    Otherwise (an overload or function this engine lacks) the caller
    reports the expression as not evaluated, never as a denial."""
    if isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else ""
        return f"no such key: {key}", True
    msg = _first_line(exc)
    low = msg.lower()
    if isinstance(exc, ZeroDivisionError) or "division by zero" in low:
        return "division by zero", True
    if "modulus by zero" in low or "modulo by zero" in low:
        return "modulus by zero", True
    if "index out of" in low or isinstance(exc, IndexError):
        return "index out of bounds", True
    if "no such overload" in low:
        return "no such overload", False
    if "undefined variable or function" in low or "unsupported" in low:
        return msg, False
    if isinstance(exc, ValueError):  # the Kubernetes library refusing a value (quantity(), url(), ip()...)
        return msg, True
    return msg, False


def _first_line(exc) -> str:
    s = str(exc).strip().splitlines()
    return s[0][:300] if s else type(exc).__name__


_VAR_OCCURRENCE = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)")
_SELECTION = re.compile(r"\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")
_CALL = re.compile(r"\s*\(")


def selected_paths(expressions, var: str = "object") -> Optional[FrozenSet[Tuple[str, ...]]]:
    """The field paths of ``var`` that ``expressions`` can read: for each
    occurrence of the identifier, the chain of plain field selections after it
    (``object.metadata.annotations.exists(...)`` reads ``("metadata",
    "annotations")``); anything else ends the chain there (an index, ``.?``,
    a method call); None (all of it) for a bare ``object``.  The raw
    text is scanned, string literals included, so an occurrence is never
    missed (one inside a literal only keeps more).  None too when an
    expression has a comment, which could hide a call."""
    paths = set()
    for expr in expressions:
        if "//" in expr:
            return None
        for m in _VAR_OCCURRENCE.finditer(expr):
            if m.group(1) != var:
                continue
            path: Tuple[str, ...] = ()
            pos = m.end()
            while True:
                sel = _SELECTION.match(expr, pos)
                if sel is None or _CALL.match(expr, sel.end()):
                    break
                path += (sel.group(1),)
                pos = sel.end()
            if not path:
                return None
            paths.add(path)
    return frozenset(paths)


def prune(value, paths: Optional[FrozenSet[Tuple[str, ...]]]):
    """``value`` reduced to the field paths ``paths`` (:func:`selected_paths`):
    what an expression reading only those paths sees identically -- each
    kept subtree whole, the maps above it with only the keys on a path, in
    their order.  Binding a whole object (a CRD with its schemas) costs the
    CEL engine far more than the few fields a policy reads."""
    if paths is None or () in paths or not isinstance(value, dict):
        return value
    by_key: Dict[str, set] = {}
    for p in paths:
        by_key.setdefault(p[0], set()).add(p[1:])
    return {k: prune(v, frozenset(by_key[k])) for k, v in value.items() if k in by_key}


_PLAIN = frozenset((str, int, bool))
_c_to_value = native("to_value")


def _py_to_value(value):
    """JSON data as the server's unstructured value: integral floats are
    integers (kubectl sends 3.0 as 3); None in a map is dropped (typed
    decoding drops nulls).  :func:`to_value` runs it in C where it can."""
    t = type(value)
    if t in _PLAIN:  # most values: returned as they are (and without a call, in the containers below)
        return value
    if t is dict or isinstance(value, dict):
        return {k: v if type(v) in _PLAIN else _py_to_value(v) for k, v in value.items() if v is not None}
    if t is list or isinstance(value, list):
        return [v if type(v) in _PLAIN else _py_to_value(v) for v in value]
    if (
        isinstance(value, float)
        and value == value
        and value not in (float("inf"), float("-inf"))
        and value == int(value)
    ):
        return int(value)
    return value


def to_value(value):
    """:func:`_py_to_value`, in the C extension where it is installed (``_kubelint_yaml.to_value``, which
    calls the Python function back for any type it does not handle itself; tests/test_hotpaths.py
    compares them)."""
    if _c_to_value is not None:
        return _c_to_value(value, _py_to_value)
    return _py_to_value(value)


def evaluate(compiled: Compiled, ctx) -> Tuple[object, Optional[BaseException]]:
    """(result, None) or (None, the engine's exception)."""
    try:
        return compiled.program.execute(ctx), None
    except Exception as exc:  # noqa: BLE001 - every engine error is a CEL run-time error
        return None, exc


def declared_names(has_params: bool) -> List[str]:
    return list(OBJECT_VARS) + ([PARAMS_VAR] if has_params else []) + list(AUTHORIZER_VARS)
