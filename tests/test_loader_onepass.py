"""The loader's one-pass path (documents built straight from libyaml's
events) gives exactly what the compose-then-build path gives: the same data,
the same positions, the same findings, on tricky inputs, under tight limits
and on every corpus file.  Where it cannot be exact (anchors and aliases,
tags, merge keys, duplicate or null keys, .inf/.nan, a limit reached, a
syntax error) it must hand the file to the other path."""

import pytest

from conftest import CORPUS
from kubelint import loader
from kubelint.loader import Limits, discover, decode_text, parse_text


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
