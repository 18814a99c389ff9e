"""The loader's one-pass path (documents built straight from libyaml's
events) gives exactly what the compose-then-build path gives: the same data,
the same positions, the same findings, on tricky inputs, under tight limits
and on every corpus file.  Where it cannot be exact (anchors and aliases,
tags, merge keys, duplicate or null keys, .inf/.nan, a limit reached, a
syntax error) it must hand the file to the other path.

The one-pass path has two implementations, the C extension _kubelint_yaml
(csrc/) and its Python fallback: the second half of this file checks that
they give the same documents, and None on the same inputs, on every file of
the corpora and the test fixtures, on hostile and on fuzzed text."""

import gc
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, CORPUS_LEGACY, ROOT
from kubelint import loader
from kubelint.loader import Limits, LoadError, discover, decode_text, parse_text


def snapshot(lf):
    return (
        [(d.file, d.index, repr(d.data), d.shadow, d.line, d.column) for d in lf.documents],
        lf.problems,
        lf.fatal,
    )


def both(text, limits=Limits()):
    """(one-pass result, compose-path result, whether the one-pass path built it)"""
    fast = parse_text(text, "t.yaml", limits)
    took = loader._fast_documents(text, "t.yaml", limits) is not None
    saved = loader._fast_documents
    loader._fast_documents = lambda *a: None
    try:
        slow = parse_text(text, "t.yaml", limits)
    finally:
        loader._fast_documents = saved
    return snapshot(fast), snapshot(slow), took


BUILT = [  # the one-pass path builds these itself
    "a: 1\nb: [x, 'y', \"z\"]\nc: {d: yes, e: off, f: ~}\n",
    "v: [0x1F, 0o17, 017, 0b101, 1_000, -0, +12, 9223372036854775807, 18446744073709551615, 18446744073709551616]\n",
    "v: [1.5, .5, 1e3, -1.5e-3, 1e400, 2001-12-14, 2001-12-14t21:59:43.10-05:00, 12:30, 1:2:3]\n",
    "1: a\ntrue: b\n1.5: c\n0x10: d\n'quoted': e\n\"yes\": f\n.5: g\n1e7: h\n",
    "---\n---\n# only a comment\n---\nkind: A\n...\n---\nkind: B\n",
    "- - - x\n  - y\n- {a: [1, {b: c}]}\n- []\n- {}\n",
    'k: |\n  literal\n   text\n\nf: >-\n  folded\n  text\nq: "esc\\t\\u00e9\\x41"\n',
    "plain\n",
    "--- 42\n",
    "[1, 2]\n",
    "{a: 1, b: 2}\n",
    '{"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "1"}}\n',
    "a:\nb: \nc: null\nd: Null\ne: ''\n",
    "? a\n: b\n? [x]\n",  # a sequence as a key: handed over
    "  a: 1\n  b:\n    - c\n",
    "%YAML 1.1\n---\na: 1\n",  # the directive finding comes before either path
]

HANDED_OVER = [  # the one-pass path must give these to the compose path
    "a: &x {b: 1}\nc: *x\n",
    "a: &x 1\n",
    "<<: {a: 1}\nb: 2\n",
    "a: !!str 1\n",
    "a: !custom x\n",
    "!!map {a: 1}\n",
    "a: 1\na: 2\n",
    "yes: 1\ntrue: 2\n",
    "~: 1\n",
    ": 1\n",
    "a: .inf\n",
    "a: [.nan]\n",
    "kind: A\n---\nkind: B\n  bad: indent\n",
    "a: *undefined\n",
    "a: [1, 2\n",
    "a: &x [*x]\n",
    "? [x]\n: y\n",
    "? {a: 1}\n: y\n",
]


@pytest.mark.parametrize("text", BUILT)
def test_one_pass_builds_the_common_documents_as_the_compose_path_does(text):
    fast, slow, took = both(text)
    assert fast == slow
    if "? [x]" not in text:
        assert took, "the one-pass path should have built this itself"


@pytest.mark.parametrize("text", HANDED_OVER)
def test_one_pass_hands_what_it_cannot_match_to_the_compose_path(text):
    fast, slow, took = both(text)
    assert not took
    assert fast == slow


@pytest.mark.parametrize(
    "limits",
    [
        Limits(max_nodes=1),
        Limits(max_nodes=5),
        Limits(max_nodes=6),
        Limits(max_nodes=7),
        Limits(max_depth=1),
        Limits(max_depth=2),
        Limits(max_depth=3),
        Limits(max_documents=1),
        Limits(max_documents=2),
        Limits(max_request_bytes=10),
    ],
)
def test_one_pass_keeps_every_limit_exactly(limits):
    text = "a: {b: [1, 2]}\nc: d\n---\n---\ne: [f]\n---\ng: h\n"
    fast, slow, _ = both(text, limits)
    assert fast == slow


def test_one_pass_node_count_matches_the_builder_at_the_boundary():
    # a: {b: [1, 2]} c: d -> mapping, a, {..}, b, [..], 1, 2, c, d = 9 nodes
    text = "a: {b: [1, 2]}\nc: d\n"
    for n in range(7, 12):
        fast, slow, took = both(text, Limits(max_nodes=n))
        assert fast == slow
        assert took == (n >= 9)


def test_one_pass_equals_compose_path_on_every_corpus_file():
    limits = Limits()
    checked = built = 0
    for path, err in discover([str(CORPUS)]):
        if err is not None:
            continue
        with open(path, "rb") as fh:
            text = decode_text(fh.read())
        fast, slow, took = both(text, limits)
        assert fast == slow, path
        checked += 1
        built += took
    assert checked > 2000
    assert built > 0.98 * checked  # anchors and aliases are rare in real manifests


# --- pre-scans: line-start patterns ------------------------------------------
# Each _LineStart finds exactly the lines its multi-line "^...$" spelling
# (the reference below, the loader's former regex) finds, at the same
# offsets and with the same groups.

PRESCAN_TEXTS = [
    "",
    "---",
    "--- a\n",
    "a: 1\n--- b: 2\n---  # c\n---\t\n--- \r\nx\n---x\n",
    "<<<<<<< HEAD\na: 1\n=======\na: 2\n>>>>>>> branch\n",
    "<<<<<<<\n=======\r\n>>>>>>>",
    "x<<<<<<< \n =======\n=======x\n>>>>>>>x\n",
    "%YAML 1.1\n---\n%TAG ! x\n% no\n%1\n",
    'kind: List\nitems:\n- kind: A\n  - apiVersion: v1\n-  {kind: B}\n- "kind" : C\n',
    "kind: 'FooList'  # c\nkind: List x\nkind:List\n",
    "\n\n---\n\n",
    "---\r\n---\r---",
]

REFERENCES = [
    (loader._SEPARATOR_WITH_CONTENT, r"^---[ \t]*([^ \t#\r\n].*)$"),
    (loader._CONFLICT, r"^(?:<<<<<<<|>>>>>>>)(?= |$)|^=======$"),  # only where it matches is used
    (loader._DOC_START, r"^---(?=[ \t\r\n]|$)"),
    (loader._DIRECTIVE, r"^(%[A-Za-z][^\n]*)"),
    (loader._LIST_KIND, r"^kind:[ \t]*[\"']?[A-Za-z0-9]*List[\"']?[ \t]*(?:#.*)?$"),
    (loader._LIST_ITEM, r"^[ \t]*- [ \t]*\{?[ \t]*[\"']?(?:apiVersion|kind)[\"']?[ \t]*:"),
    (loader._deep_indent(3), r"^[ \t?:-]{3}"),
]


@pytest.mark.parametrize("text", PRESCAN_TEXTS + ["   x\n \t-y\n? : z\n  -\n"])
@pytest.mark.parametrize("pattern,reference", REFERENCES)
def test_line_start_patterns_match_their_multiline_spelling(pattern, reference, text):
    import re

    expected = [(m.start(), m.group(0), m.groups()) for m in re.finditer(reference, text, re.M)]
    got = [(start, m.group(0).lstrip("\n"), m.groups()) for start, m in pattern.finditer(text)]
    assert got == expected
    for _, m in pattern.finditer(text):
        for g in range(1, (m.re.groups or 0) + 1):
            if m.start(g) >= 0:
                assert text[m.start(g) : m.end(g)] == m.group(g)


# --- the one-pass path in C (_kubelint_yaml) against the Python one ----------

FORCED_PYTHON = os.environ.get("KUBELINT_LOADER", "").lower() == "python"
CEXT = loader._load_c_extension()
needs_c = pytest.mark.skipif(
    CEXT is None and FORCED_PYTHON, reason="KUBELINT_LOADER=python and no _kubelint_yaml build to compare"
)


def test_the_c_extension_is_built_and_used():
    """CI has a C compiler: a build that silently fell back to the Python
    path would lose the loader's speed-up without failing anything else."""
    if FORCED_PYTHON:
        assert loader._cext is None and loader._fast_documents is loader._py_fast_documents
        assert loader.ONE_PASS.startswith("Python")
        return
    assert CEXT is not None, "_kubelint_yaml is not installed (pip install . builds it; it needs a C compiler)"
    assert CEXT.LIBYAML_VERSION == "0.2.5"
    assert loader._cext is CEXT and loader._fast_documents is loader._c_fast_documents
    assert loader.ONE_PASS.startswith("C extension")


def _version_and_path(env):
    r = subprocess.run(
        [sys.executable, "-c", "from kubelint import loader; print(loader.ONE_PASS)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_kubelint_loader_python_forces_the_fallback_and_it_gives_the_same_findings(tmp_path):
    env = dict(os.environ, KUBELINT_LOADER="python")
    assert _version_and_path(env).startswith("Python")
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: 1\n  k: 2\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  ports: [{port: 99999}]\n"
    )
    outputs = []
    for value in ("python", ""):
        r = subprocess.run(
            [sys.executable, "-m", "kubelint", "check", "--format", "json", str(manifest)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=dict(os.environ, KUBELINT_LOADER=value),
            timeout=120,
        )
        assert r.returncode == 1, r.stderr
        outputs.append(r.stdout)
    assert outputs[0] == outputs[1]
    r = subprocess.run(
        [sys.executable, "-m", "kubelint", "--version"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert "YAML loader: one-pass path in Python" in r.stdout


def test_a_stale_build_is_ignored(monkeypatch):
    class Stale:
        API_VERSION = loader._CEXT_API + 1

    monkeypatch.setitem(sys.modules, "_kubelint_yaml", Stale)
    assert loader._load_c_extension() is None
    monkeypatch.setitem(sys.modules, "_kubelint_yaml", None)  # not installed: ImportError
    assert loader._load_c_extension() is None


def snap_docs(docs):
    if docs is None:
        return None
    return [(d.file, d.index, repr(d.data), d.shadow, d.line, d.column) for d in docs]


def c_and_python(text, limits=Limits()):
    """(C one-pass result, Python one-pass result): documents or None."""
    c = loader._c_fast_documents(text, "t.yaml", limits, CEXT)
    p = loader._py_fast_documents(text, "t.yaml", limits)
    return snap_docs(c), snap_docs(p)


def same_types(a, b):
    """Equal data of the same types (True == 1 and 1 == 1.0 in Python)."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            same_types(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same_types(x, y)
    else:
        assert a == b or (a != a and b != b)


def assert_same(text, limits=Limits()):
    c = loader._c_fast_documents(text, "t.yaml", limits, CEXT)
    p = loader._py_fast_documents(text, "t.yaml", limits)
    assert (c is None) == (p is None), (text[:200], c is None)
    if c is not None:
        assert snap_docs(c) == snap_docs(p)
        for dc, dp in zip(c, p):
            same_types(dc.data, dp.data)
    return c is not None


def _texts(*roots):
    for root in roots:
        for path, err in discover([str(root)]):
            if err is not None:
                continue
            with open(path, "rb") as fh:
                raw = fh.read()
            try:
                yield path, decode_text(raw)
            except LoadError:
                continue


@needs_c
@pytest.mark.parametrize("corpus", [CORPUS, CORPUS_LEGACY], ids=["corpus", "corpus-legacy"])
def test_c_equals_python_on_every_corpus_file(corpus):
    if not corpus.is_dir():
        pytest.fail(f"shared corpus not found at {corpus}")
    checked = built = 0
    for _path, text in _texts(corpus):
        built += assert_same(text)
        checked += 1
    assert checked > 100 and built > 0.98 * checked


FIXTURE_SUFFIXES = (".yaml", ".yml", ".json")


@needs_c
def test_c_equals_python_on_every_test_fixture_and_catalogue_example():
    roots = [ROOT / "tests", ROOT / "rules", ROOT / "fuzz" / "seeds", ROOT / "examples"]
    checked = 0
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix not in FIXTURE_SUFFIXES or not path.is_file():
                continue
            try:
                text = decode_text(path.read_bytes())
            except LoadError:
                continue
            assert_same(text)
            checked += 1
    assert checked > 1000
    # the rule catalogue's bad and good examples (YAML inside YAML)
    import yaml

    examples = 0
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        for rule in yaml.safe_load(path.read_text()):
            for example in rule.get("examples") or []:
                for text in example.values():
                    if isinstance(text, str):
                        assert_same(text)
                        examples += 1
    assert examples > 300


HOSTILE = [
    "",
    "# only a comment\n",
    "...\n",
    "---\n...\n---\n",
    "\ufeffa: 1\n",
    "a: 1\r\nb: [2, 3]\r\n",
    "é: ü\nb: [ä, ö, {ñ: 😀}]\n  # c\n",
    "a:\tb\n",
    "a: b\t\n",
    "\ta: 1\n",
    "a: \x00\n",
    "a: \x07\n",
    "a: x\x85y\n",
    "a: x\u2028y\n",
    "a: \ud800\n",
    "\udcff: x\n",
    'a: "\\ud800"\n',
    'a: "\\x00\\t\\u00e9\\U0001F600"\n',
    "a: " + "9" * 100_000 + "\n",
    "a: -" + "0" * 5_000 + "1\n",
    "a: [" + ", ".join(["0x" + "f" * 17, "0o" + "7" * 23, "0b" + "1" * 65, "-9223372036854775809"]) + "]\n",
    "k" * 2_000 + ": v\n",
    '"' + "k" * 2_000 + '": v\n',
    "a: " + "x" * 200_000 + "\n",
    "[" * 5_000 + "]" * 5_000,
    "{a: " * 3_000 + "1" + "}" * 3_000,
    "".join(" " * i + "k:\n" for i in range(1_500)) + " " * 1_500 + "v\n",
    "".join(" " * i + "- \n" for i in range(0, 3_000, 2)),
    "[" + "1, " * 200_000 + "]\n",
    "---\n" * 120_000,
    "a: 1\n---\n" * 12_000,
    "a: &x [1, 2]\nb: *x\n",
    "a: &a [*a]\n",
    "x: &a [" + "1, " * 50 + "]\n" + "".join(f"y{i}: *a\n" for i in range(100)),
    "%YAML 1.1\n---\na: 1\n",
    "%TAG ! tag:example.com,2000:\n---\n!a b\n",
    "--- !!map\na: 1\n",
    "--- &a\nb: 1\n",
    "*a\n",
    "? a\n? b\n: c\n",
    "? - x\n: y\n",
    "{? a, b: c, : d}\n",
    "[a: b, c: d]\n",
    "a: |+\n  x\n\n\nb: >2-\n   y\n",
    "a: 'it''s'\nb: \"q\\\"\"\n",
    "<<: *x\n",
    "a: {<<: {b: 1}}\n",
    "a: 1\na: 1\n",
    "1: a\n01: b\n",
    "1.0: a\n1: b\n",
    "true: a\nyes: b\n",
    "null: a\n",
    "~: a\n",
    "a: [.inf, -.Inf, .NaN]\n",
    "a: +.5e3\nb: .5.\nc: 1_0\nd: 0x_1\ne: 1e400\nf: -1e400\n",
    "a: 2001-12-14 21:59:43.10\nb: 2001-12-14t21:59:43.10-05:00\n",
    "a: !!binary aGk=\n",
    "a: ! x\n",
    "a: !<tag:yaml.org,2002:str> x\n",
    "- - - - - -\n",
    "-\n-\n- ~\n",
    "a:\n  - b\n  -\n  - c: d\n    e:\n",
    "a: b: c\n",
    "a: [1, 2\n",
    "a: 'unterminated\n",
    "- a\nb: c\n",
    "key: value\n  bad: indent\n",
    "\x1b[31m: x\n",
    "a: \u200b\u00a0\n",
]


@needs_c
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_c_equals_python_on_hostile_input(text):
    for limits in (Limits(), TIGHT):
        assert_same(text, limits)


TIGHT = Limits(max_documents=50, max_depth=20, max_nodes=2_000, max_request_bytes=50_000)


@needs_c
@pytest.mark.parametrize(
    "limits",
    [Limits(max_nodes=n) for n in (0, 1, 2, 5, 6, 7, 8, 9, 10, 11)]
    + [Limits(max_depth=d) for d in (0, 1, 2, 3)]
    + [Limits(max_documents=d) for d in (0, 1, 2, 3)]
    + [Limits(max_request_bytes=b) for b in (0, 10, 43, 44, 45)]
    + [Limits(max_depth=10**30, max_nodes=10**30, max_documents=10**30, max_request_bytes=10**30)],
)
def test_c_keeps_every_limit_as_python_does(limits):
    for text in (
        "a: {b: [1, 2]}\nc: d\n---\n---\ne: [f]\n---\ng: h\n",
        "--- 1\n--- ~\n---\n--- [[[x]]]\n",
        "- [a, {b: c}]\n- d\n",
    ):
        assert_same(text, limits)


@needs_c
def test_a_callback_failure_propagates_and_bail_gives_none(monkeypatch):
    def boom(text):
        raise ValueError("boom " + text)

    monkeypatch.setattr(loader, "_RESOLVE_CACHE", {})
    monkeypatch.setattr(loader, "_KEY_CACHE", {})
    monkeypatch.setattr(loader, "_fast_value", boom)
    with pytest.raises(ValueError, match="boom 12345"):
        loader._c_fast_documents("a: [x, 12345]\n", "t.yaml", Limits(), CEXT)
    monkeypatch.setattr(loader, "_fast_key", boom)
    with pytest.raises(ValueError, match="boom x"):  # the first plain key not in the (empty) cache
        loader._c_fast_documents("x: {17: a}\n", "t.yaml", Limits(), CEXT)

    def bail(text):
        raise loader._Bail

    monkeypatch.setattr(loader, "_fast_key", bail)
    assert loader._c_fast_documents("x: {17: a}\n", "t.yaml", Limits(), CEXT) is None


@needs_c
def test_c_path_leaks_no_objects():
    """Reference counting: parsing the same texts again (built, bailed out,
    failed in a callback) allocates no lasting memory blocks."""
    texts = [text for _, text in zip(range(150), (t for _, t in _texts(CORPUS)))] + HOSTILE[:40]

    def failing(text):
        raise KeyError(text)

    def round_():
        for text in texts:
            loader._c_fast_documents(text, "t.yaml", Limits(), CEXT)
            loader._c_fast_documents(text, "t.yaml", TIGHT, CEXT)
        for text in ("a: [x, 99999]\n", "a: {b: [c, 7777]}\n", "[[1, 2], {x: 88888}]\n"):
            try:
                CEXT.parse(
                    text,
                    1000,
                    10,
                    10,
                    100,
                    ({}, {}, loader._fast_key, failing, loader._Bail, loader._NULL_KEY, loader._RESOLVED_FIRST),
                )
            except KeyError:
                pass

    for _ in range(3):
        round_()  # the resolution caches fill up
    gc.collect()
    before = sys.getallocatedblocks()
    for _ in range(5):
        round_()
    gc.collect()
    assert sys.getallocatedblocks() - before < 100


YAMLISH = st.lists(
    st.sampled_from(
        list("abkyYnNtTfFoO~.0123456789+-_eExX:, []{}#&*!|>'\"%@`?\n\n\n  \t\r\\<=")
        + ["\ufeff", "é", "😀", "\x00", "\x85", "\u2028", "\ud800", "---\n", "...\n", "- ", ": ", "<<"]
    ),
    max_size=200,
).map("".join)
# parse_text raises the recursion limit to what --max-depth needs; raised
# here already, hypothesis does not see it change during a test.
sys.setrecursionlimit(max(sys.getrecursionlimit(), Limits().max_depth * 2 + 500))
FUZZ = dict(derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@needs_c
@settings(max_examples=1500, **FUZZ)
@given(YAMLISH)
def test_fuzz_c_equals_python_on_yamlish_text(text):
    assert_same(text)
    fast, slow, _ = both(text)  # and the compose path
    assert fast == slow
    assert_same(text, Limits(max_documents=3, max_depth=4, max_nodes=12, max_request_bytes=200))


def _block(depth):
    scalar = st.one_of(
        st.sampled_from(
            ["1", "-2", "0x1F", "1.5", ".inf", "yes", "No", "~", "null", "'q'", '"d"', "2001-12-14", "a b"]
        ),
        st.text(alphabet="abcé019.-+", min_size=0, max_size=8),
    )
    if depth == 0:
        return scalar
    inner = _block(depth - 1)
    key = st.sampled_from(["a", "b", "c", "1", "true", "<<", "~", "'k'", "é"])
    return st.one_of(
        scalar,
        st.lists(st.tuples(key, inner), max_size=4).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
    )


@needs_c
@settings(max_examples=700, **FUZZ)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "1", "x y", "é"]), _block(3)), max_size=6))
def test_fuzz_c_equals_python_on_generated_documents(pairs):
    text = "".join(f"{k}: {v}\n" for k, v in pairs)
    assert_same(text)
    fast, slow, _ = both(text)  # and the compose path
    assert fast == slow
    assert_same("---\n" + text + "---\n- " + text.replace("\n", "\n  "))


@needs_c
@settings(max_examples=700, **FUZZ)
@given(st.binary(max_size=400))
def test_fuzz_c_equals_python_on_random_bytes(data):
    try:
        text = decode_text(data)
    except LoadError:
        return
    assert_same(text)


# --- the pre-scans with _kubelint_yaml.scan's facts, and without ------------


def python_scan(text):
    import re

    flags = (
        (1 if loader._SEPARATOR_WITH_CONTENT.search(text) else 0)
        | (2 if re.search(r"^(?:<<<<<<<|>>>>>>>|=======)", text, re.M) else 0)
        | (4 if re.search(r"^%", text, re.M) else 0)
    )
    run = max(len(m.group()) for m in re.finditer(r"^[ \t?:-]*", text, re.M))
    return flags, text.count("[") + text.count("{"), run, loader._node_estimate(text, 0, len(text))


SCAN_TEXTS = (
    PRESCAN_TEXTS
    + HOSTILE
    + [
        "a\n" + " \t?:-" * 1000 + "x\n",
        "=======\n<<<<<<\n>>>>>>>",
        "x\n---",
        "x\n--",
        "é\n%é\n[é{",
        "\r\n---\r\n",
        "--- \t# c\n---\t\r\n--- é\n",
        "x\n--- \t",
        "a- b? c- - ?  ? \n,,- ",
    ]
)


@needs_c
@pytest.mark.parametrize("text", SCAN_TEXTS, ids=range(len(SCAN_TEXTS)))
def test_scan_facts_are_exact(text):
    got = CEXT.scan(text)
    if "\ud800" in text or "\udcff" in text:
        assert got is None  # lone surrogates: the Python pre-scans run
        return
    assert got == python_scan(text)


def parse_both_ways(text, monkeypatch, limits=Limits()):
    """parse_text with the C extension (scan and one pass) and without it."""
    with_c = snapshot(parse_text(text, "t.yaml", limits))
    monkeypatch.setattr(loader, "_cext", None)
    monkeypatch.setattr(loader, "_fast_documents", loader._py_fast_documents)
    without = snapshot(parse_text(text, "t.yaml", limits))
    monkeypatch.undo()
    return with_c, without


@needs_c
def test_parse_text_gives_the_same_findings_with_and_without_the_extension(monkeypatch):
    if loader._cext is None:
        monkeypatch.setattr(loader, "_cext", CEXT)
        monkeypatch.setattr(loader, "_fast_documents", loader._c_fast_documents)
    tight = Limits(max_documents=5, max_depth=3, max_nodes=50, max_request_bytes=10_000)
    for text in SCAN_TEXTS:
        for limits in (Limits(), tight):
            with_c, without = parse_both_ways(text, monkeypatch, limits)
            assert with_c == without, text[:100]
            if loader._cext is None:
                monkeypatch.setattr(loader, "_cext", CEXT)
                monkeypatch.setattr(loader, "_fast_documents", loader._c_fast_documents)


@needs_c
def test_scan_facts_are_exact_on_the_corpus():
    for _path, text in _texts(CORPUS, CORPUS_LEGACY):
        assert CEXT.scan(text) == python_scan(text), _path


@needs_c
def test_c_api_misuse_raises_instead_of_crashing():
    resolve = (loader._KEY_CACHE, loader._RESOLVE_CACHE, loader._fast_key, loader._fast_value, loader._Bail)
    resolve += (loader._NULL_KEY, loader._RESOLVED_FIRST)
    with pytest.raises(TypeError):
        CEXT.parse(b"a: 1", 10, 10, 10, 10, resolve)
    with pytest.raises(TypeError):
        CEXT.parse("a: 1", 10, 10, 10, 10, resolve[:3])
    with pytest.raises(TypeError):
        CEXT.parse("a: 1", 10, 10, 10, 10, ([],) + resolve[1:])
    with pytest.raises(TypeError):
        CEXT.parse("a: [1]", 100, 10, 10, 10, ({}, {}, None, None) + resolve[4:])
    with pytest.raises(TypeError):
        CEXT.parse("a: 1", 10, 10, 10, 10, resolve[:6] + (5,))
    with pytest.raises(ValueError):
        CEXT.parse("a: 1", 10, 10, 10, 10, resolve[:6] + (["ab"],))
    with pytest.raises(TypeError):
        CEXT.scan(b"a: 1")
    with pytest.raises(OverflowError):
        CEXT.parse("a: 1", 10**30, 10, 10, 10, resolve)
