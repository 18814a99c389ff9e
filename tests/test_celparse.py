"""The CEL parser, type checker and cost estimator (kubelint/celparse.py,
celtypes.py, celcost.py): literals, precedence, macros, the checker's
verdicts, robustness on mutated input, and the corpus's real rules."""

import functools
import random

import pytest
import yaml

from kubelint import celcheck, celcost, celparse, celtypes
from conftest import CORPUS


def lit(text):
    e = celparse.parse(text)
    assert e.kind == "lit", e
    return e.ltype, e.value


@pytest.mark.parametrize(
    "text,ltype,value",
    [
        ("1", "int", 1),
        ("-1", "int", -1),
        ("0x1F", "int", 31),
        ("1u", "uint", 1),
        ("0xFFu", "uint", 255),
        ("1.5", "double", 1.5),
        ("1e3", "double", 1000.0),
        (".5", "double", 0.5),
        ("'a\\nb'", "string", "a\nb"),
        ('"\\u00e9"', "string", "é"),
        ("'\\x41\\101'", "string", "AA"),
        ("r'\\d+'", "string", "\\d+"),
        ("'''a\nb'''", "string", "a\nb"),
        ('"""x"y"""', "string", 'x"y'),
        ("b'\\xff'", "bytes", b"\xff"),
        ("b'é'", "bytes", "é".encode()),
        ("true", "bool", True),
        ("null", "null", None),
    ],
)
def test_literals(text, ltype, value):
    assert lit(text) == (ltype, value)


@pytest.mark.parametrize(
    "text", ["'unterminated", "1 +", "a.(b)", "9223372036854775808", "'\\q'", "-1u", "if", "x.all(1, true)", "a ? b"]
)
def test_syntax_errors(text):
    with pytest.raises(celparse.CelSyntaxError):
        celparse.parse(text)


def test_precedence_and_shapes():
    e = celparse.parse("a || b && c == d + e * f")
    assert (e.fn, e.args[1].fn, e.args[1].args[1].fn) == ("_||_", "_&&_", "_==_")
    assert e.args[1].args[1].args[1].fn == "_+_" and e.args[1].args[1].args[1].args[1].fn == "_*_"
    t = celparse.parse("a ? b : c ? d : e")
    assert t.fn == "_?_:_" and t.args[2].fn == "_?_:_"
    assert celparse.parse("x in [1, 2]").fn == "@in"
    assert celparse.parse("!!x").kind == "ident"
    sel = celparse.parse("a.?b")
    assert sel.fn == "_?._" and sel.args[1].value == "b"
    assert celparse.parse("a[?0]").fn == "_[?_]"
    has = celparse.parse("has(a.b)")
    assert has.kind == "select" and has.test_only
    m = celparse.parse("l.map(x, x > 1, x * 2)")
    assert m.kind == "comp" and m.step.fn == "_?_:_" and m.accu_var == "@result"
    assert celparse.parse("m.all(k, v, v > k)").iter_var2 == "v"
    assert celparse.parse("{'a': 1, ?'b': x}").kind == "map"


def test_error_display_is_cel_gos():
    text = "self.x == 1"
    assert celparse.display_error(text, 4, "undefined field 'x'") == (
        "ERROR: <input>:1:5: undefined field 'x'\n | self.x == 1\n | ....^"
    )


SCHEMA = {
    "type": "object",
    "properties": {
        "n": {"type": "integer"},
        "s": {"type": "string", "maxLength": 10},
        "l": {"type": "array", "maxItems": 5, "items": {"type": "string", "maxLength": 3}},
        "m": {"type": "object", "maxProperties": 2, "additionalProperties": {"type": "integer"}},
        "t": {"type": "string", "format": "date-time"},
        "d": {"type": "string", "format": "duration"},
        "q": {"x-kubernetes-int-or-string": True},
    },
}


def check(text):
    decl = celtypes.schema_decl(SCHEMA, False, "selfType")
    c = celtypes.check(celparse.parse(text), {"self": decl.t, "oldSelf": decl.t})
    return celtypes.fmt(c.output), [m for _o, m in c.errors]


@pytest.mark.parametrize(
    "text,out",
    [
        ("self.n + 1", "int"),
        ("self.s.size()", "int"),
        ("self.l.map(x, x.size())", "list(int)"),
        ("self.m['a']", "int"),
        ("self.t + self.d", "google.protobuf.Timestamp"),
        ("self.t - self.t", "google.protobuf.Duration"),
        ("self.q", "dyn"),
        ("self.l.filter(x, x != '')", "list(string)"),
        ("self.s.split(',')", "list(string)"),
        ("quantity('1Gi').isLessThan(quantity('2Gi'))", "bool"),
        ("url('https://x').getHost()", "string"),
        ("cidr('10.0.0.0/8').containsIP('10.1.1.1')", "bool"),
        ("optional.of(1).orValue(2)", "int"),
        ("self.l.exists_one(x, x == 'a')", "bool"),
        ("[1, 2].all(i, v, v > i)", "bool"),
        ("self.n < 2.5 && self.n > 1u", "bool"),
        ("self.s.matches('^a') ? 1 : 2", "int"),
        ("type(self.n) == int", "bool"),
    ],
)
def test_checker_types(text, out):
    assert check(text) == (out, [])


@pytest.mark.parametrize(
    "text,message",
    [
        ("self.n + 's'", "found no matching overload for '_+_' applied to '(int, string)'"),
        ("self.nope", "undefined field 'nope'"),
        ("self.s.x", "type 'string' does not support field selection"),
        ("self.n.all(x, true)", "expression of type 'int' cannot be range of a comprehension"),
        ("self.l.exists(x, x)", "expected type 'bool' but found 'string'"),
        ("self.t < 1", "found no matching overload for '_<_' applied to '(google.protobuf.Timestamp, int)'"),
        ("self.s.startsWith(1)", "found no matching overload for 'startsWith' applied to 'string.(int)'"),
        ("nope == 1", "undeclared reference to 'nope' (in container '')"),
    ],
)
def test_checker_errors(text, message):
    _out, errors = check(text)
    assert errors and errors[0].startswith(message)


@pytest.mark.parametrize(
    "text", ["optional.of(1).optMap(x, x + 1)", "Foo{a: 1}", "self.l.sortBy(x, x)", "format.foo()"]
)
def test_checker_abstains_where_it_is_not_certain(text):
    with pytest.raises(celtypes.Uncertain):
        check(text)


def test_cost_of_a_bounded_comprehension():
    decl = celtypes.schema_decl(SCHEMA, False, "selfType")
    c = celtypes.check(celparse.parse("self.l.all(x, x == 'abc')"), {"self": decl.t})
    # range 2 + result 1 + 5 items x (condition 2 + step 1 + (ident 1 + equals ceil(3 * 0.1) = 1))
    assert celcost.estimate(c, decl) == 2 + 1 + 5 * (2 + 1 + 2)


def _mutations(seed_rules, n):
    rnd = random.Random(1337)
    alphabet = list("()[]{}.,?:!<>=&|+-*/%'\"\\ abcxyz019_") + ["self.", "has(", ".all(", ".?", "[?", "'''", "0x", "1u"]
    for _ in range(n):
        r = list(rnd.choice(seed_rules))
        for _k in range(rnd.randint(1, 4)):
            op = rnd.random()
            pos = rnd.randint(0, len(r))
            if op < 0.4 and r:
                del r[min(pos, len(r) - 1)]
            elif op < 0.8:
                r.insert(pos, rnd.choice(alphabet))
            else:
                r[pos:pos] = r[: rnd.randint(0, len(r))]
        yield "".join(r)


@functools.lru_cache(maxsize=1)
def _corpus_rules():
    out = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "x-kubernetes-validations" not in text:
            continue
        for doc in yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                for v in (doc.get("spec") or {}).get("versions") or []:
                    _rules_of(((v.get("schema") or {}).get("openAPIV3Schema")), 1, True, out)
    return tuple(out)


def _rules_of(s, card, root, out):
    if not isinstance(s, dict):
        return
    for r in s.get("x-kubernetes-validations") or []:
        if isinstance(r, dict) and isinstance(r.get("rule"), str):
            out.append((r, s, card, root))
    for child in (s.get("properties") or {}).values():
        _rules_of(child, card, False, out)
    for key in ("items", "additionalProperties"):
        if isinstance(s.get(key), dict):
            _rules_of(s[key], celcheck.node_cardinality(card, s, key, s[key]), False, out)


def test_mutated_rules_never_crash():
    """A fuzz target: 1,500 mutations of real rules parse or raise CelSyntaxError; the checker
    and the estimator raise nothing (Uncertain is caught by celcheck)."""
    seeds = [r["rule"] for r, *_ in _corpus_rules()[:200]] or ["self.a.all(x, x.b == 'c') && has(self.d)"]
    decl = celtypes.schema_decl(SCHEMA, True, "selfType")
    for text in _mutations(seeds, 1500):
        try:
            e = celparse.parse(text)
        except celparse.CelSyntaxError:
            continue
        try:
            c = celtypes.check(e, {"self": decl.t, "oldSelf": decl.t})
        except celtypes.Uncertain:
            continue
        celcost.estimate(c, decl)


def test_every_corpus_rule_type_checks_clean():
    """No false error on real CRDs: every rule of ../shared/corpus is decided (no abstention) and clean."""
    rules = _corpus_rules()
    if not rules:
        pytest.skip("no corpus")
    decided = 0
    for r, s, card, root in rules:
        assert [m for _k, m, _c, _e in celcheck.rule_errors(r, s, card, root) if m] == [], r["rule"]
        decided += celcheck.analyse(r["rule"], s, root) is not None
    assert len(rules) > 900 and decided == len(rules)


def test_hostile_rules_finish_quickly_without_exceptions():
    """Deep and long expressions (issue 13: every hostile input under 5 s): the checker abstains
    or decides, nothing escapes, and a deeply nested schema is declared lazily."""
    import time

    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "l": {"type": "array", "items": {"type": "string"}}},
    }
    rules = [
        " + ".join(["self.a"] * 5000) + " > 0",
        "(" * 240 + "true" + ")" * 240,
        "[" * 200 + "1" + "]" * 200 + " != []",
        "".join(f"self.l.all(x{i}, " for i in range(60)) + "true" + ")" * 60,
        "'" + "a" * 90000 + "' == ''",
    ]
    deep = {"type": "string"}
    for _ in range(3000):
        deep = {"type": "object", "properties": {"a": deep}}
    t = time.perf_counter()
    for r in rules:
        celcheck.rule_errors({"rule": r}, schema, 1)
    assert celcheck.rule_errors({"rule": "has(self.a.a.b)"}, deep, 1, True)[0][1].startswith(
        "compilation failed: ERROR: <input>:1:4: undefined field 'b'"
    )
    assert time.perf_counter() - t < 5


@pytest.mark.parametrize(
    "rule,message",
    [
        ("has(1 + self.a)", "ERROR: <input>:1:7: invalid argument to has() macro\n | has(1 + self.a)\n | ......^"),
        (
            "self.l.all(1, true)",
            "ERROR: <input>:1:12: argument must be a simple name\n | self.l.all(1, true)\n | ...........^",
        ),
        ("self.l.map(1, 2).size() > 0", "ERROR: <input>:1:12: argument is not an identifier"),
    ],
)
def test_macro_errors_have_cel_gos_text(rule, message):
    """kube-apiserver v1.37.2's text for macro misuse (the engine's own wording differs)."""
    from kubelint import cel

    if not cel.available():
        pytest.skip("common-expression-language not installed")
    assert celcheck.compile_error(rule).startswith(message)
