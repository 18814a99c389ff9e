"""What the API server checks about a CRD's CEL rules when the CRD is created,
and the bounds kubelint puts on evaluating them.

The CEL engine kubelint evaluates with (``common-expression-language``,
Rust bindings) compiles and evaluates; it exposes no type checker, no
syntax tree and no cost: a ``Program`` tells only which variables and
functions an expression references.  So this module checks the rules'
text against the schema for what can be decided without a full CEL type
checker, and reports only what the server certainly reports (never a false
error), with the server's messages (kube-apiserver v1.37.2):

* a field selected from ``self`` (or a chain below it) that the schema does
  not declare: ``compilation failed: ERROR: <input>:1:5: undefined field
  'nofield'`` (cel-go's checker; reported by apiextensions
  ``ValidateCustomResourceDefinitionOpenAPISchema``);
* a rule that is a bare field or literal of a type other than bool:
  ``cel expression must evaluate to a bool``; a messageExpression of a type
  other than string: ``messageExpression must evaluate to a string``; a
  messageExpression that does not compile: ``messageExpression compilation
  failed: ...``;
* a constant expression whose operand types match no overload (``1 + 'a'``):
  ``compilation failed: found no matching overload ...``;
* the static cost estimate (``getCostErrorMessage`` with
  ``StaticEstimatedCostLimit`` = 10,000,000 per rule and
  ``StaticEstimatedCRDCostLimit`` = 100,000,000 per schema): kubelint computes
  a lower bound (the product of the sizes of nested comprehensions, a list's
  size being its ``maxItems`` or, unbounded, what fits in the 3 MiB request;
  times the node's cardinality) and reports only a bound over 100 times the
  limit, where the server's message is certain ("more than 100x").

At evaluation time (``kubelint.cel.runtime_guard``) a rule is evaluated only if its
iterations on the value at hand (elements of the value to the power of its
comprehension count) stay within the server's ``PerCallLimit`` (1,000,000,
``k8s.io/apiserver/pkg/apis/cel/config.go``); the process also keeps a budget
of estimated iterations and of wall-clock time for all CEL evaluations, so
that no input can hang a run (a native call cannot be interrupted: its input
is bounded before it starts).
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

STATIC_RULE_LIMIT = 10_000_000  # apiextensions validation StaticEstimatedCostLimit
STATIC_CRD_LIMIT = 100_000_000  # StaticEstimatedCRDCostLimit
MAX_REQUEST_BYTES = 3 * 1024 * 1024  # what an unbounded list can hold at most

_MACRO = re.compile(r"\.(all|exists_one|exists|map|filter)\(\s*([A-Za-z_]\w*)\s*,")
_CHAIN_BEFORE = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)$")
_SELF_CHAIN = re.compile(r"(?<![\w.])self((?:\.[A-Za-z_]\w*)+)")
_BARE_CHAIN = re.compile(r"\s*self((?:\.[A-Za-z_]\w*)*)\s*")
_LITERAL_TYPES = (
    (re.compile(r"\s*(?:[rR]?'[^'\n]*'|[rR]?\"[^\"\n]*\")\s*"), "string"),
    (re.compile(r"\s*-?\d+\s*"), "integer"),
    (re.compile(r"\s*-?\d+\.\d*(?:[eE][-+]?\d+)?\s*"), "number"),
    (re.compile(r"\s*null\s*"), "null"),
    (re.compile(r"\s*(?:true|false)\s*"), "boolean"),
)


def _strip(rule: str) -> str:
    """The rule with every string literal blanked, offsets kept (a regex in
    a literal is not CEL syntax)."""
    from .cel import _LITERAL

    return _LITERAL.sub(lambda m: m.group()[0] + " " * (len(m.group()) - 2) + m.group()[-1], rule)


_MATCHES = re.compile(r"\.matches\(\s*(?=['\"])")
_CEL_TYPES = {"string": "string", "integer": "int", "number": "double", "boolean": "bool", "null": "null_type"}
_BINARY = re.compile(r"\s*(\S+?)\s*([-+*/%])\s*(\S+?)\s*(?:(?:==|!=|<=|>=|<|>).*)?")


# --- schema navigation (raw schema dicts, as the CRD carries them) -------------------------------


def _type(s) -> Optional[str]:
    if not isinstance(s, dict):
        return None
    if s.get("x-kubernetes-int-or-string") is True or s.get("x-kubernetes-preserve-unknown-fields") is True:
        return None  # dyn
    t = s.get("type")
    return t if isinstance(t, str) else None


def _field(s, name: str) -> Tuple[Optional[dict], bool]:
    """(child schema, known): ``known`` False when the field is certainly undefined."""
    if not isinstance(s, dict) or _type(s) != "object" or s.get("x-kubernetes-embedded-resource") is True:
        return None, True
    props = s.get("properties")
    add = s.get("additionalProperties")
    if isinstance(add, dict) or add is True:
        return (add if isinstance(add, dict) else None), True
    if not isinstance(props, dict) or not props:
        return None, True  # free-form object: dyn
    if name in props:
        return props[name] if isinstance(props[name], dict) else None, True
    return None, False


def _min_size(s) -> int:
    """At least the JSON size of the smallest value of schema ``s`` (a
    larger figure than the server's makes the size estimate a lower bound)."""
    t = _type(s)
    if t == "string":
        n = s.get("minLength")
        return 2 + (n if isinstance(n, int) and n > 0 else 0)
    if t == "boolean":
        return 4
    return 4 if t not in ("integer", "number") else 1


def _max_elements(s) -> Optional[int]:
    """Largest number of elements a list (maxItems) or map (maxProperties)
    can hold; unbounded: what fits in one 3 MiB request.  None: not iterable."""
    t = _type(s)
    if t == "array":
        n = s.get("maxItems")
        if isinstance(n, int) and not isinstance(n, bool) and n >= 0:
            return n
        return MAX_REQUEST_BYTES // (_min_size(s.get("items")) + 1)
    if t == "object" and (isinstance(s.get("additionalProperties"), dict) or s.get("additionalProperties") is True):
        n = s.get("maxProperties")
        if isinstance(n, int) and not isinstance(n, bool) and n >= 0:
            return n
        return MAX_REQUEST_BYTES // (2 + 2 + 1)  # "":x
    return None


def _element(s) -> Optional[dict]:
    t = _type(s)
    if t == "array":
        return s.get("items") if isinstance(s.get("items"), dict) else None
    if t == "object":
        return {"type": "string"}  # a comprehension over a map ranges over its keys
    return None


def node_cardinality(parent_card: Optional[int], parent: dict, key: str, child: dict) -> Optional[int]:
    """How many times a rule on ``child`` runs per object, as a lower bound
    (apiextensions CELSchemaContext MaxCardinality): the product of the
    bounded sizes of the enclosing lists and maps; ``None`` once one is
    unbounded (the server then estimates from the node's own size)."""
    if parent_card is None:
        return None
    if key == "items":
        n = parent.get("maxItems")
    elif key == "additionalProperties":
        n = parent.get("maxProperties")
    else:
        return parent_card
    if isinstance(n, int) and not isinstance(n, bool) and n >= 0:
        return parent_card * max(n, 1)
    return None


def _cardinality(card: Optional[int], s) -> int:
    if card is not None:
        return card
    return MAX_REQUEST_BYTES // (_min_size(s) + 1)


# --- checks on the CRD ------------------------------------------------------------------------------


def _position(text: str, offset: int) -> Tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_ESCAPES = {"__dash__": "-", "__dot__": ".", "__slash__": "/", "__underscores__": "__"}
# CEL's reserved words (cel-go parser): not usable as identifiers; also used by admission/policy.py
CEL_RESERVED = {
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
}


def _unescape(name: str) -> Optional[str]:
    """A property name as CEL escapes it (apiserver/schema/cel/model
    Escape): ``__dash__`` -> ``-``, ``__dot__`` -> ``.``, ``__slash__`` ->
    ``/``, ``__underscores__`` -> ``__``, ``__if__`` -> ``if``."""
    if name.startswith("__") and name.endswith("__") and name[2:-2] in CEL_RESERVED:
        return name[2:-2]
    out = re.sub(r"__(dash|dot|slash|underscores)__", lambda m: _ESCAPES[m.group()], name)
    return None if out == name else out


def _undefined_field(expr: str, schema: dict, root: bool = False) -> Optional[str]:
    stripped = _strip(expr)
    for m in _SELF_CHAIN.finditer(stripped):
        node = schema
        pos = m.start(1)
        names = m.group(1)[1:].split(".")
        after = stripped[m.end() :].lstrip()
        if after.startswith("("):
            names = names[:-1]  # the last one is a method (self.x.size())
        if root and names and names[0] in ("apiVersion", "kind", "metadata"):
            continue  # implicit at the root of every custom resource
        for name in names:
            child, known = _field(node, name)
            if not known and "__" in name:
                plain = _unescape(name)
                if plain is None:
                    break  # an escape kubelint does not read: no verdict
                child, known = _field(node, plain)
            if not known:
                at = pos
                has = re.search(r"\bhas\(\s*$", stripped[: m.start()])
                if has and name == names[-1]:
                    at = has.start() + 3  # has(x.f) is one macro node, at its '(' (kube-apiserver v1.37.2)
                line, col = _position(expr, at)
                return f"ERROR: <input>:{line}:{col}: undefined field '{name}'"
            if child is None:
                break
            node = child
            pos += len(name) + 1
    return None


def _result_type(expr: str, schema: dict) -> Optional[str]:
    """The type of a rule that is a bare ``self...`` chain or a literal; None if unknown."""
    stripped = _strip(expr)
    m = _BARE_CHAIN.fullmatch(stripped)
    if m and m.group(1).split(".")[1:2] in (["apiVersion"], ["kind"], ["metadata"]):
        return None
    if m:
        node = schema
        for name in m.group(1)[1:].split(".") if m.group(1) else ():
            node, known = _field(node, name)
            if node is None:
                return None
        return _type(node)
    for rx, t in _LITERAL_TYPES:
        if rx.fullmatch(expr):
            return t
    return None


def _bad_matches(expr: str) -> Optional[str]:
    """``x.matches('<constant>')`` with a pattern RE2 rejects: cel-go's
    checker validates constant regexes (``invalid matches argument``)."""
    from . import goregex
    from .cel import _LITERAL

    for m in _MATCHES.finditer(_strip(expr)):
        lit = _LITERAL.match(expr, m.end())
        if lit is None:
            continue
        body = lit.group()[1:-1] if lit.group()[0] in "'\"" else None
        if body is None or "\\" in body:
            continue  # escapes: leave it to the engine
        if goregex.error(body) is not None:
            line, col = _position(expr, m.end())
            return f"ERROR: <input>:{line}:{col}: invalid matches argument"
    return None


def _literal_type(text: str) -> Optional[str]:
    for rx, t in _LITERAL_TYPES:
        if rx.fullmatch(text):
            return t
    return None


def _constant_overload(expr: str) -> Optional[str]:
    """An expression without variables whose evaluation finds no overload."""
    from .cel import _cel

    if _cel is None:
        return None
    try:
        program = _cel.compile(expr)
        if program.variables():
            return None
        program.execute(_cel.Context())
    except Exception as exc:  # noqa: BLE001 - the engine's error types are not exported
        text = str(exc)
        if text.startswith("No such overload"):
            m = _BINARY.fullmatch(expr)
            if m:
                a, b = _literal_type(m.group(1)), _literal_type(m.group(3))
                if a and b:
                    line, col = _position(expr, m.start(2))
                    return (
                        f"ERROR: <input>:{line}:{col}: found no matching overload for '_{m.group(2)}_' applied to "
                        f"'({_CEL_TYPES[a]}, {_CEL_TYPES[b]})'"
                    )
            return "found no matching overload (the operand types do not match: CEL never converts between types)"
    return None


def _nesting_cost(expr: str, schema: dict) -> int:
    """A lower bound of the rule's iterations: for each comprehension, the
    product of the sizes of the comprehensions around it and its own."""
    stripped = _strip(expr)
    macros = []  # (start of '(', end, variable, element schema, size)
    best = 1
    for m in _MACRO.finditer(stripped):
        open_at = m.end(1)
        close = _matching_paren(stripped, open_at)
        chain = _CHAIN_BEFORE.search(stripped[: m.start()])
        range_schema = None
        outer = 1
        if chain:
            names = chain.group(1).split(".")
            root = names[0]
            if root == "self":
                range_schema = schema
            else:
                for o, c, var, elem, _size in macros:
                    if o < m.start() < c and var == root:
                        range_schema = elem
            for name in names[1:]:
                range_schema, _ = _field(range_schema, name)
                if range_schema is None:
                    break
        for o, c, _var, _elem, size in macros:
            if o < m.start() < c:
                outer *= size
        size = _max_elements(range_schema) if range_schema is not None else None
        size = 1 if size is None else max(size, 1)
        macros.append((open_at, close, m.group(2), _element(range_schema) if range_schema is not None else None, size))
        best = max(best, outer * size)
    return best


def _matching_paren(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def cost_message(name: str, cost: int, limit: int) -> str:
    """apiextensions getCostErrorMessage: the factor by which ``cost`` exceeds ``limit``."""
    f = cost / limit
    if f > 100.0:
        shown = "more than 100x"
    elif f < 1.5:
        shown = f"{f:f}x"
    else:
        shown = f"{_go_fixed1(f)}x"
    return (
        f"{name} exceeds budget by factor of {shown} (try simplifying the rule, or adding maxItems, "
        "maxProperties, and maxLength where arrays, maps, and strings are declared)"
    )


def _go_fixed1(f: float) -> str:
    """Go's %.1f (round half to even on the exact binary value, as Python's format)."""
    return f"{f:.1f}"


# --- the type checker and the cost estimator (kubelint.celtypes, kubelint.celcost) ----------------


class Analysis:
    """One expression checked against one schema node: ``errors`` (cel-go's
    display strings), ``output`` (the type, formatted), ``cost`` (the
    worst-case estimate, before cardinality; None where an estimator is not
    ported), ``old_self`` (an identifier oldSelf is referenced)."""

    __slots__ = ("errors", "output", "cost", "decl", "old_self")

    def __init__(self, errors, output, cost, decl, old_self=False):
        self.errors, self.output, self.cost, self.decl, self.old_self = errors, output, cost, decl, old_self


_MEMO: "dict" = {}  # (text, id(schema), root, optional old, server minor) -> (schema, Analysis or None)
_DECLS: "dict" = {}  # (id(schema), root) -> (schema, Decl)
_MEMO_MAX = 20000


def node_decl(schema: dict, root: bool):
    """The declared type of ``self`` for rules on ``schema`` (memoized per schema object)."""
    from . import celtypes

    key = (id(schema), root)
    hit = _DECLS.get(key)
    if hit is not None and hit[0] is schema:
        return hit[1]
    try:
        decl = celtypes.schema_decl(schema, root or schema.get("x-kubernetes-embedded-resource") is True, "selfType")
    except RecursionError:  # a schema nested deeper than Python's stack: no verdict
        decl = None
    if len(_DECLS) > _MEMO_MAX:
        _DECLS.clear()
    _DECLS[key] = (schema, decl)
    return decl


def analyse(text: str, schema: dict, root: bool, optional_old: bool = False) -> Optional[Analysis]:
    """Type-check and cost one CRD rule or messageExpression (memoized per
    text, schema object and server minor); None when kubelint is not certain."""
    from . import celtypes

    key = (text, id(schema), root, optional_old, celtypes.current_minor())
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is schema:
        return hit[1]
    result = _analyse(text, node_decl(schema, root), optional_old)
    if len(_MEMO) > _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = (schema, result)
    return result


def compile_error(text: str) -> Optional[str]:
    """A parse error the server reports: the engine's verdict (kubelint.cel.compile_error), with
    cel-go's own text where kubelint's parser knows it (the macro errors: ``ERROR: <input>:1:7:
    invalid argument to has() macro`` and the snippet)."""
    from . import celparse
    from .cel import compile_error as engine_error

    err = engine_error(text)
    if err is None:
        return None
    try:
        celparse.parse(text)
    except celparse.CelSyntaxError as exc:
        if exc.exact:
            return celparse.display_error(text, exc.offset, str(exc))
    except RecursionError:
        pass
    return _antlr_error(text) or err


_ENGINE_PARSE = re.compile(r"Failed to parse expression '[\s\S]*': ERROR: <input>:(\d+):(\d+): (.*)")


def _antlr_error(text: str) -> Optional[str]:
    """The engine parses with the same ANTLR grammar as cel-go and words its first syntax error
    alike (``Syntax error: mismatched input '<EOF>' expecting ...``): that error in cel-go's
    display, with the snippet (the server may list further errors after it)."""
    from . import celparse
    from .cel import _cel

    try:
        _cel.compile(text)
        return None
    except Exception as exc:  # noqa: BLE001 - the engine's error types are not exported
        m = _ENGINE_PARSE.match(str(exc))
    if m is None:
        return None
    line, col = int(m.group(1)), int(m.group(2))
    lines = text.split("\n")
    if line > len(lines) or col - 1 > len(lines[line - 1]):
        return None
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
    return celparse.display_error(text, offset, m.group(3))


def _analyse(text: str, decl, optional_old: bool) -> Optional[Analysis]:
    from . import celcost, celparse, celtypes

    if decl is None:
        return None
    try:
        expr = celparse.parse(text)
        old = celtypes.optional_of(decl.t) if optional_old else decl.t
        checked = celtypes.check(expr, {"self": decl.t, "oldSelf": old})
    except (celparse.CelSyntaxError, celtypes.Uncertain, RecursionError):
        return None
    try:
        found = checked.errors or celtypes.homogeneous_errors(checked) or _literal_errors(expr, checked)
        cost = None if found else celcost.estimate(checked, decl)
    except RecursionError:
        return None
    errors = [celparse.display_error(text, off, msg) for off, msg in found]
    old_self = any(e.kind == "ident" and e.name == "oldSelf" for e in _walk(expr))
    return Analysis(errors, celtypes.fmt(checked.output), cost, decl, old_self)


def _walk(expr):
    from . import celtypes

    stack = [expr]
    while stack:
        e = stack.pop()
        yield e
        stack.extend(celtypes._children(e))


def uses_old_self(spec: dict, schema: dict, root: bool) -> Optional[bool]:
    """compileRule's UsesOldSelf (an identifier oldSelf in the checked rule), or None when the
    rule does not compile to a bool or kubelint's checker is not certain."""
    rule = spec.get("rule")
    if not isinstance(rule, str) or not rule.strip():
        return None
    a = analyse(rule, schema, root, spec.get("optionalOldSelf") is True)
    if a is None or a.errors or a.output != "bool":
        return None
    return a.old_self


def _literal_errors(expr, checked) -> List[Tuple[int, str]]:
    """cel.ValidateRegexLiterals (environment/base.go, from 1.29): a constant
    ``matches`` pattern RE2 rejects is ``invalid matches argument`` at the literal."""
    from . import celtypes, goregex

    out: List[Tuple[int, str]] = []
    stack = [expr]
    while stack:
        e = stack.pop()
        ids = checked.overloads.get(e.id, ()) if e.kind == "call" else ()
        if "matches" in ids or "matches_string" in ids:
            pat = e.args[-1]
            if pat.kind == "lit" and pat.ltype == "string" and goregex.error(pat.value) is not None:
                out.append((pat.offset, "invalid matches argument"))
        stack.extend(celtypes._children(e))
    return sorted(out)


def _cardinality_of(card: Optional[int], decl) -> int:
    """getExpressionCost: the context's bounded cardinality, else
    maxCardinality(MinSerializedSize) = 3 MiB / (min size + 1)."""
    if card is not None:
        return card
    return MAX_REQUEST_BYTES // (decl.min_size + 1)


def _typed_errors(spec: dict, schema: dict, card: Optional[int], root: bool):
    """rule_errors with the checker: None when it is not certain about the rule."""
    rule = spec["rule"]
    a = analyse(rule, schema, root, spec.get("optionalOldSelf") is True)
    if a is None:
        return None
    out: List[Tuple[str, str, int, bool]] = []
    if a.errors:
        out.append(("rule", "compilation failed: " + "\n".join(a.errors), 0, True))
        return out
    if a.output != "bool":
        return [("rule", "cel expression must evaluate to a bool", 0, True)]
    if a.cost is None:  # an estimator kubelint does not port: the lower bound, certain over 100x
        cost, exact = _nesting_cost(rule, schema) * _cardinality(card, schema), False
    else:
        cost, exact = min(a.cost * _cardinality_of(card, a.decl), (1 << 64) - 1), True
    if cost > (STATIC_RULE_LIMIT if exact else 100 * STATIC_RULE_LIMIT):
        out.append(("rule", "Forbidden: " + cost_message("estimated rule cost", cost, STATIC_RULE_LIMIT), 0, True))
    out.append(("rule", "", cost, exact))
    msg = spec.get("messageExpression")
    if isinstance(msg, str) and msg.strip():
        out.extend(_message_errors(msg, schema, root, spec.get("optionalOldSelf") is True))
    return out


def _message_errors(msg: str, schema: dict, root: bool, optional_old: bool):
    err = compile_error(msg)
    if err:
        return [("messageExpression", f"messageExpression compilation failed: {err}", 0, True)]
    m = analyse(msg, schema, root, optional_old)
    if m is None:
        return [("messageExpression", "", 0, False)]
    if m.errors:
        return [("messageExpression", "messageExpression compilation failed: " + "\n".join(m.errors), 0, True)]
    if m.output != "string":
        return [("messageExpression", "messageExpression must evaluate to a string", 0, True)]
    if m.cost is None:
        return [("messageExpression", "", 0, False)]
    out = []
    if m.cost > STATIC_RULE_LIMIT:
        text = cost_message("estimated messageExpression cost", m.cost, STATIC_RULE_LIMIT)
        out.append(("messageExpression", "Forbidden: " + text, 0, True))
    out.append(("messageExpression", "", m.cost, True))
    return out


def rule_errors(spec: dict, schema: dict, card: Optional[int], root: bool = False) -> List[Tuple[str, str, int, bool]]:
    """The API server's errors for one x-kubernetes-validations entry:
    ``(key, message, cost, exact)`` with key ``rule`` or ``messageExpression``;
    an empty message carries only the cost the entry adds to the schema's
    total (``exact`` False: a lower bound, the checker was not certain)."""
    rule = spec.get("rule")
    if not isinstance(rule, str) or not rule.strip():
        return []
    typed = _typed_errors(spec, schema, card, root)
    if typed is not None:
        return typed
    return _fallback_errors(spec, schema, card, root)


def _fallback_errors(spec: dict, schema: dict, card: Optional[int], root: bool) -> List[Tuple[str, str, int, bool]]:
    """The certain checks without the type checker (a rule that uses what
    kubelint does not model): undefined fields of ``self`` chains, literal
    results, constant overloads, a lower bound of the cost (reported over 100x)."""
    out: List[Tuple[str, str, int, bool]] = []
    rule = spec["rule"]
    from .cel import compile_error

    if compile_error(rule) is None:
        undefined = _undefined_field(rule, schema, root)
        if undefined:
            out.append(("rule", f"compilation failed: {undefined}", 0, True))
        else:
            t = _result_type(rule, schema)
            if t is not None and t != "boolean":
                out.append(("rule", "cel expression must evaluate to a bool", 0, True))
            else:
                overload = _constant_overload(rule) or _bad_matches(rule)
                if overload:
                    out.append(("rule", f"compilation failed: {overload}", 0, True))
        cost = _nesting_cost(rule, schema) * _cardinality(card, schema)
        if cost > 100 * STATIC_RULE_LIMIT:
            out.append(("rule", "Forbidden: " + cost_message("estimated rule cost", cost, STATIC_RULE_LIMIT), 0, True))
        out.append(("rule", "", cost, False))
    msg = spec.get("messageExpression")
    if (
        isinstance(msg, str)
        and msg.strip()
        and not any(k == "rule" and m and not m.startswith("Forbidden") for k, m, _, _ in out)
    ):
        out.extend(_fallback_message(msg, schema, root))
    return out


def _fallback_message(msg: str, schema: dict, root: bool) -> List[Tuple[str, str, int, bool]]:
    err = compile_error(msg)
    if err:
        return [("messageExpression", f"messageExpression compilation failed: {err}", 0, True)]
    undefined = _undefined_field(msg, schema, root)
    if undefined:
        return [("messageExpression", f"messageExpression compilation failed: {undefined}", 0, True)]
    t = _result_type(msg, schema)
    if t is not None and t != "string":
        return [("messageExpression", "messageExpression must evaluate to a string", 0, True)]
    return [("messageExpression", "", 0, False)]
