"""Faster versions of hot functions (issue 18: the CPU after loading) give exactly
what the straightforward versions they replaced give, on every object of
../shared/corpus and on edge cases.  Each reference implementation below is
the replaced code, kept here as the specification."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS


@pytest.fixture(scope="module")
def corpus_data():
    """The data of every document of the corpus (loaded once for this module)."""
    from kubelint.loader import discover, load_file

    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    out = []
    for path, error in discover([str(CORPUS)]):
        if error is None:
            out.extend(doc.data for doc in load_file(path).documents)
    assert len(out) > 4000
    return out


# -- schema.py Walker: the common cases without a call ---------------------------------


def _reference_walker():
    """schema.Walker as it was: every value walked, one call each."""
    from kubelint import schema
    from kubelint.findings import ERROR, Problem, format_path
    from kubelint.suggest import did_you_mean

    class Reference(schema.Walker):
        def walk(self, value, t, path, problems, ctx_name, masked=False):
            if value is None:
                return
            if isinstance(t, str):
                if t[0] == "#":
                    self._object(value, t[1:], path, problems, masked)
                    return
                self._scalar(value, t, path, problems, ctx_name, masked)
                return
            if isinstance(t, list):
                if not isinstance(value, list):
                    problems.append(
                        Problem(
                            path, f"{ctx_name} must be a list, not {schema._describe(value)}", "invalid-type", ERROR
                        )
                    )
                    return
                for i, v in enumerate(value):
                    self.walk(v, t[1], path + (i,), problems, ctx_name, masked)
                if t[2] in ("map", "set") and len(value) > 1:
                    self._duplicates(value, t, path, problems, ctx_name)
                return
            if not isinstance(value, dict):
                problems.append(
                    Problem(
                        path,
                        f"{ctx_name} must be a mapping of names to values, not {schema._describe(value)}",
                        "invalid-type",
                        ERROR,
                    )
                )
                return
            for k, v in value.items():
                self.walk(v, t["map"], path + (k,), problems, f'{ctx_name}["{k}"]', masked)

        def _object(self, value, defname, path, problems, masked):
            short = schema._short(defname)
            if not isinstance(value, dict):
                problems.append(
                    Problem(
                        path,
                        f"{path[-1] if path else 'object'} must be a mapping ({short}), not {schema._describe(value)}",
                        "invalid-type",
                        ERROR,
                    )
                )
                return
            d = self.schemas.definition(defname)
            props = d["p"]
            for k, v in value.items():
                t = props.get(k)
                if t is None:
                    hint = did_you_mean(k, props).strip(" ()")
                    problems.append(
                        Problem(
                            path + (k,),
                            f'unknown field "{format_path(path + (k,))}"',
                            "unknown-field",
                            ERROR,
                            "key",
                            hint=f"{hint + ' ' if hint else ''}{short} has no such field; the API server rejects "
                            "unknown fields (strict field validation)",
                        )
                    )
                    continue
                secret = masked or (short == "Secret" and k in ("data", "stringData"))
                self.walk(v, t, path + (k,), problems, k, secret)
            for r in d.get("r", ()):
                if value.get(r) is None and r not in schema.NOT_ENFORCED_REQUIRED.get(defname, ()):
                    where = format_path(path + (r,))
                    detail = schema._REQUIRED_DETAIL.get((short, r))
                    problems.append(
                        Problem(
                            path,
                            f"{where}: Required value{': ' + detail if detail else ''}",
                            "missing-required-field",
                            ERROR,
                            "key" if path else "value",
                            hint=f'required field "{r}" is missing from {short}',
                            field=where,
                        )
                    )

    return Reference


SCHEMA_EDGE_CASES = [
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"a": None, "b": 1, "c": True}}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "finalizers": ["x", None, 3, "x"]}},
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "not base64!"}, "type": True},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": "80"}]}},
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d", "annotations": {"x": "${VAR}"}},
        "spec": {
            "paused": "yes",
            "selector": {"matchLabels": {"a": "b"}},
            "template": {"spec": {"containers": [{"name": "c", "image": "$IMAGE", "args": ["a", 1, None]}]}},
        },
    },
]


def test_schema_walker_on_the_corpus(corpus_data):
    from kubelint import schema

    version = schema.newest_version()
    schemas = schema.Schemas(version)
    fast, reference = schema.Walker(schemas), _reference_walker()(schemas)
    checked = 0
    for data in corpus_data + SCHEMA_EDGE_CASES:
        if not isinstance(data, dict) or not isinstance(data.get("apiVersion"), str):
            continue
        root = schemas.root(data["apiVersion"], data.get("kind"))
        if root is None:
            continue
        got, want = [], []
        fast._object(data, root, (), got, False)
        reference._object(data, root, (), want, False)
        assert got == want, data.get("kind")
        checked += 1
    assert checked > 3000


# -- mask.py _trie_pattern ----------------------------------------------------------


def trie_pattern_reference(words) -> str:
    import re

    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node) -> str:
        ends = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["abcdef"],
        ["abcdef", "abcdefgh", "abcxyz", "a.b*c+d?", "\\x00(", "ünïcödé", "tab\there", "line\nbreak"],
        [f"secret-{i:05d}-{i * 7919 % 10007}" for i in range(3000)],
    ],
    ids=["none", "one", "special", "many"],
)
def test_trie_pattern(words):
    from kubelint.mask import _trie_pattern

    assert _trie_pattern(words) == trie_pattern_reference(words)


# -- discover.py: classification from the first lines ---------------------------------------


def _all_files(*roots):
    from kubelint.loader import discover

    for root in roots:
        if root.is_dir():
            yield from (p for p, e in discover([str(root)]) if e is None)


HEADS = {
    "deployment.yaml": b"# header\napiVersion: apps/v1\nkind: Deployment\n",
    "core.yaml": b"apiVersion: v1\nkind: ConfigMap\n",
    "kubeconfig.yaml": b"apiVersion: v1\nkind: Config\nclusters: []\n",
    "kubeconfig-late.yaml": b"apiVersion: v1\n" + b"# padding\n" * 600 + b"kind: Config\n",
    "mixed.yaml": b"apiVersion: v1\n" + b"# padding\n" * 600 + b"kind: Config\n---\napiVersion: v1\nkind: Pod\n",
    "kustomize-config.yaml": b"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
    "component-config.yaml": b"apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n",
    "numbered.yaml": b"apiVersion: 1\nproviders: []\n",
    "bom.yaml": b"\xef\xbb\xbfapiVersion: apps/v1\nkind: Deployment\n",
    "utf16.yaml": "apiVersion: apps/v1\nkind: Deployment\n".encode("utf-16"),
    "broken-later.yaml": b"apiVersion: apps/v1\nkind: Deployment\n" + b"x: y\n" * 2000 + b"\xff\xfe\n",
    "nul-later.yaml": b"apiVersion: apps/v1\n" + b"a: b\n" * 2000 + b"\x00",
    "cut-line.yaml": b"# " + b"x" * 4088 + b"\napiVersion: apps/v1\nkind: Deployment\n",
    "quoted.yaml": b"'apiVersion': \"apps/v1\" # comment\r\nkind: Deployment\r\n",
    "values.yaml": b"apiVersion: apps/v1\nkind: Deployment\n",  # a weak name: needs both lines, read in full
    "docker-compose.yml": b"apiVersion: apps/v1\nkind: Deployment\n",
    "flow.yaml": b'{"apiVersion": "v1", "kind": "Config"}\n',
    "empty.yaml": b"",
    "no-newline.yaml": b"apiVersion: apps/v1",
}


def test_classification_from_the_head(tmp_path):
    from conftest import CORPUS_LEGACY, ROOT
    from kubelint import discover
    from kubelint.settings import Limits

    limits = Limits()
    for name, data in HEADS.items():
        (tmp_path / name).write_bytes(data)
    small = Limits(max_file_bytes=100)
    n = 0
    for path in _all_files(tmp_path, CORPUS, CORPUS_LEGACY, ROOT / "examples", ROOT / "tests" / "data"):
        assert discover._classify_file(path, limits) == discover.classify(path, discover._read_text(path, limits)), path
        n += 1
    for path in _all_files(tmp_path):
        assert discover._classify_file(path, small) == discover.classify(path, discover._read_text(path, small)), path
    assert n > 2500
    assert discover._classify_file(str(tmp_path / "missing.yaml"), limits) is None  # unreadable: the loader says why


# -- kubelint.entry: the process ends right after a check's report -----------------------------


def _cli(*args, **kw):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "kubelint", *args], capture_output=True, env=env, timeout=120, **kw)


def test_process_exit_after_a_check(tmp_path):
    """The fast exit keeps what the interpreter's exit gives: the whole report flushed, the exit status
    (1: findings, 0: clean, 2: bad input), --output written; other commands exit as usual."""
    import json

    from click.testing import CliRunner
    from conftest import ROOT

    from kubelint.cli import main

    broken = str(ROOT / "examples" / "broken")
    proc = _cli("check", "--format", "json", broken)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    in_process = CliRunner().invoke(main, ["check", "--format", "json", broken])
    assert in_process.exit_code == 1
    assert report == json.loads(in_process.stdout)
    assert _cli("check", "-q", str(ROOT / "examples" / "app")).returncode == 0
    assert _cli("check", str(tmp_path / "missing.yaml")).returncode == 2
    out = tmp_path / "report.json"
    proc = _cli("check", "--format", "json", "--output", str(out), broken)
    assert proc.returncode == 1 and json.loads(out.read_text()) == report
    assert b"service-selects-no-pods" in _cli("rules").stdout


def test_process_exit_with_a_closed_pipe(tmp_path):
    """A reader that stops early (`kubelint check ... | head -c 1`): a failure status, no traceback, as
    before the fast exit (1 when click sees the closed pipe, 2 when the report's writing does)."""
    import subprocess
    import sys

    from conftest import CORPUS_LEGACY, ROOT

    if not CORPUS_LEGACY.is_dir():
        pytest.skip("no corpus-legacy")
    script = f"'{sys.executable}' -m kubelint check --format text '{CORPUS_LEGACY}' | head -c 1 > /dev/null"
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script], capture_output=True, env={"PYTHONPATH": str(ROOT)}, timeout=120
    )
    assert proc.returncode in (1, 2)
    assert b"Traceback" not in proc.stderr and b"Exception ignored" not in proc.stderr


# -- report/json.py: the indented report without the json module's pure-Python encoder ------------


JSON_EDGE_CASES = [
    {},
    [],
    {"a": [], "b": {}, "c": [[]], "d": [{}], "e": ()},
    {"s": 'ünïcödé \u2028 \x00 \x1b "q" \\ </script>', "n": None, "t": True, "f": False},
    {"i": 0, "neg": -(2**70), "fl": [0.1, -0.0, 1e300, 3.0, float("nan"), float("inf"), float("-inf")]},
    {"nested": {"deeper": [{"x": 1, "y": [1, 2, {"z": None}]}, "s", 2.5, None, True]}},
    ("a", ("b", ["c"])),
    {1: "an int key", "b": 2},  # not plain: json.dumps's own conversion
]


@pytest.mark.parametrize("doc", JSON_EDGE_CASES, ids=range(len(JSON_EDGE_CASES)))
def test_json_report_encoder_edge_cases(doc):
    import json

    from kubelint.report.json import _C_INDENT, _py_dumps, dumps

    if _C_INDENT is None:
        pytest.fail("_kubelint_yaml.json_indent is not built (pip install . builds it)")
    expected = json.dumps(doc, indent=2, ensure_ascii=False)
    assert dumps(doc) == expected and _py_dumps(doc) == expected


def test_json_report_encoder_deeper_than_its_indent_table():
    import json

    from kubelint.report.json import _py_dumps, dumps

    deep = {"leaf": 1}
    for i in range(150):
        deep = {"k": [deep, i, "s"]} if i % 2 else [deep]
    expected = json.dumps(deep, indent=2, ensure_ascii=False)
    assert dumps(deep) == expected and _py_dumps(deep) == expected


def test_json_report_encoder_on_the_corpus_report(corpus_result):
    import json

    from kubelint.report import json as report_json

    doc = report_json.document(corpus_result)
    assert len(doc["findings"]) > 1000
    expected = json.dumps(doc, indent=2, ensure_ascii=False)
    assert report_json.dumps(doc) == expected and report_json._py_dumps(doc) == expected


def test_json_report_encoder_refuses_what_json_refuses():
    import json

    from kubelint.report.json import dumps

    for bad in ({"x": object()}, [b"bytes"], {"s": {1, 2}}):
        with pytest.raises(TypeError):
            json.dumps(bad, indent=2, ensure_ascii=False)
        with pytest.raises(TypeError):
            dumps(bad)


# -- goregex.Regexp.matched: a name or label check without google-re2's match object ----------------


def _strings(value, out, limit=200_000):
    if len(out) >= limit:
        return
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            _strings(v, out, limit)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out, limit)


def test_regexp_matched_is_match(corpus_data):
    from kubelint import goregex
    from kubelint.apiserver import validation

    patterns = [v for k, v in vars(validation).items() if k.endswith("_RE") and isinstance(v, goregex.Regexp)]
    patterns.append(goregex.compile(r"^[\pL\pN]([\pL\pN]|-)*$"))
    patterns.append(goregex.compile("b"))  # a match not at the start: match() is anchored there
    assert len(patterns) >= 12
    values = {"", "a", "A-b_c.d", "-a", "a-", "a\n", "\na", "ab\nc", "x" * 64, "ünï", "a\ud800b", "\ud800", "abc"}
    for data in corpus_data:
        _strings(data, values)
    assert len(values) > 10_000
    for rx in patterns:
        for v in values:
            assert rx.matched(v) == (rx.match(v) is not None), (rx.pattern, v)


def _crd_patterns(value, out):
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "pattern" and isinstance(v, str):
                out.add(v)
            else:
                _crd_patterns(v, out)
    elif isinstance(value, list):
        for v in value:
            _crd_patterns(v, out)


def test_regexp_found_is_search(corpus_data):
    from kubelint import goregex

    sources = set()
    for data in corpus_data:
        if isinstance(data, dict) and data.get("kind") == "CustomResourceDefinition":
            _crd_patterns(data.get("spec"), sources)
    patterns = []
    for src in sorted(sources):
        try:
            patterns.append(goregex.compile(src))
        except goregex.GoRegexpError:
            pass
    assert len(patterns) > 50
    values = {"", "a", "a\n", "\n", "ünï", "a\ud800b", "10.0.0.1", "http://x", "1m", "-1", "Abc_9"}
    for data in corpus_data[:300]:
        _strings(data, values, limit=3000)
    for rx in patterns:
        for v in values:
            assert rx.found(v) == (rx.search(v) is not None), (rx.pattern, v)


# -- mask.py Masker.text: the regex finds the heads of the secrets' prefixes ----------------------


def _reference_masker():
    import re

    from kubelint import mask

    class Reference(mask.Masker):
        """Masker._pattern and .text as they were: a trie of whole prefixes."""

        def _pattern(self):
            if self._dirty or self._regex is None:
                forms = set()
                for v in self.values:
                    if mask.distinctive(v):
                        for f in mask._spellings(v):
                            if len(f) >= mask.MIN_LENGTH:
                                forms.add(f)
                self._exact = None
                if len(forms) > mask.MAX_TRIE_FORMS:
                    self._exact, self._by_prefix, self._regex, self._dirty = forms, {}, False, False
                    return self._regex
                by_prefix = {}
                for f in forms:
                    by_prefix.setdefault(f[: mask._PREFIX], []).append(f)
                for group in by_prefix.values():
                    group.sort(key=len, reverse=True)
                self._by_prefix = by_prefix
                self._regex = re.compile("(?=(" + mask._trie_pattern(by_prefix) + "))") if by_prefix else False
                self._dirty = False
            return self._regex

        def text(self, text):
            regex = self._pattern()
            if not text:
                return text
            if not regex:
                if self._exact:
                    return mask._TOKEN.sub(lambda m: mask.MASK if m.group() in self._exact else m.group(), text)
                return text
            out, last = [], 0
            for m in regex.finditer(text):
                pos = m.start()
                if pos < last:
                    continue
                for form in self._by_prefix.get(m.group(1), ()):
                    if text.startswith(form, pos):
                        out += [text[last:pos], mask.MASK]
                        last = pos + len(form)
                        break
            if not out:
                return text
            out.append(text[last:])
            return "".join(out)

    return Reference


def test_masker_text_on_the_corpus(corpus_result):
    from kubelint import mask

    values = corpus_result.masker.values
    assert len(values) > 100
    new, ref = mask.Masker(), _reference_masker()()
    for m in (new, ref):
        m.add("x", [mask.Secret(v) for v in values])
    distinctive = sorted(v for v in values if mask.distinctive(v))[:300]
    texts = [f.message for f in corpus_result.findings] + [f.path for f in corpus_result.findings]
    for i, v in enumerate(distinctive):  # secrets inside text, side by side, overlapping, cut short
        w = distinctive[(i + 1) % len(distinctive)]
        texts += [f"x{v}y", v + w, v[:-1], v[: len(v) // 2] + v, f"'{v}' and \"{w}\"", v.upper(), repr(v)]
    for path in {f.file for f in corpus_result.findings if f.file in corpus_result.masker.spans}:
        with open(path, encoding="utf-8", errors="replace") as fh:
            texts += fh.read().splitlines()
    masked = 0
    for t in texts:
        got = new.text(t)
        assert got == ref.text(t), t
        masked += got != t
    assert masked > 100


def test_masker_text_overlapping_prefixes():
    from kubelint import mask

    secrets = ["abcdef", "abcdefgh", "abcdefghij-long-secret", "abcdefXYZ123", "zzzzzz9", "a" * 60, "a" * 70 + "b"]
    texts = [
        "abcdefghij-long-secret",
        "abcdefghij-long-secreT",
        "abcdefgh",
        "xxabcdefXYZ123abcdef",
        "a" * 65,
        "a" * 70 + "b",
        "a" * 70 + "c",
        "zzzzzzz9",
        "",
        "no secret here",
    ]
    new, ref = mask.Masker(), _reference_masker()()
    for m in (new, ref):
        m.add("x", [mask.Secret(s) for s in secrets])
    for t in texts:
        assert new.text(t) == ref.text(t), t


# -- apiserver/core.py _LineStarts: line offsets found on demand -----------------------------------


def _offsets_reference(raw: bytes) -> tuple:
    from itertools import accumulate

    return tuple(accumulate(map((1).__add__, map(len, raw.split(b"\n"))), initial=0))


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\n",
        b"a",
        b"a\n",
        b"\n\n\n",
        b"a\nbb\n\nccc",
        b"x" * 100_000 + b"\n" + b"y\n" * 5000 + b"z" * 50_000,  # a poor average: one huge line, many short
        b"".join(b"k%d: %s\n" % (i, b"v" * (i % 97)) for i in range(20_000)),
    ],
    ids=range(8),
)
def test_line_starts(raw):
    import random

    from kubelint.apiserver.core import _LineStarts

    want = _offsets_reference(raw)
    starts = _LineStarts(raw)
    assert len(starts) == len(want)
    assert [starts[i] for i in range(len(want))] == list(want)  # forward, every line
    rng = random.Random(7)
    for i in [rng.randrange(len(want)) for _ in range(300)]:  # any order
        assert starts[i] == want[i]
    for bad in (-1, len(want), len(want) + 5):
        with pytest.raises(IndexError):
            starts[bad]
    assert starts[len(want) - 1] == want[-1]  # after an error, from a fresh cursor too
    assert _LineStarts(raw)[len(want) - 1] == want[-1]


def test_line_starts_of_the_large_corpus_files():
    import os

    from kubelint.apiserver.core import TOTAL_ANNOTATION_SIZE_LIMIT, _LineStarts
    from kubelint.loader import discover

    big = [p for p, e in discover([str(CORPUS)]) if e is None and os.stat(p).st_size * 3 >= TOTAL_ANNOTATION_SIZE_LIMIT]
    if not big:
        pytest.skip("no corpus")
    for path in big:
        with open(path, "rb") as fh:
            raw = fh.read()
        want = _offsets_reference(raw)
        starts = _LineStarts(raw)
        step = max(1, len(want) // 500)
        assert [starts[i] for i in range(0, len(want), step)] == list(want[::step]), path


# -- apiserver/core.py _go_json_len: counted in C (_kubelint_yaml.json_len), no text built ------------


def _json_lens(data):
    from kubelint.apiserver import core

    if core._json_len is None:
        pytest.fail("_kubelint_yaml.json_len is not built (pip install . builds it)")
    try:
        c = core._json_len(data)
    except (TypeError, ValueError) as exc:
        c = type(exc)
    try:
        py = core._py_go_json_len(data)
    except (TypeError, ValueError) as exc:
        py = type(exc)
    return c, py


class _Int(int):
    def __repr__(self):
        return "an int subclass's repr is not what json writes"


class _Float(float):
    def __repr__(self):
        return "nor a float subclass's"


JSON_LEN_CASES = JSON_EDGE_CASES + [
    {"html": "<a href='x'>&amp;</a>", "<key>": "&", "sep": "\u2028\u2029", "astral": "😀𝄞", "latin": "éñ"},
    {"ctrl": "".join(chr(c) for c in range(0x20)) + "\x7f\x80\u07ff\u0800\uffff", "q": '"\\/'},
    {"lone": "\ud800 \udfff", "\ud83d": 1},  # surrogates: 3 bytes each (surrogatepass)
    {2: 1, -7: 2, 2**80: 3, 1.5: 4, 1e300: 5, float("nan"): 6, float("inf"): 7, True: 8, False: 9, None: 10},
    {_Int(5): _Int(7), "f": _Float(2.5), _Float(1.0): [_Float(float("-inf"))]},
    ["", [], {}, [[[[]]]], ({},), 0, -1, 1e-7, 123456789.0, 1e16, 5e-324, -0.0],
]


@pytest.mark.parametrize("doc", JSON_LEN_CASES, ids=range(len(JSON_LEN_CASES)))
def test_json_len_edge_cases(doc):
    c, py = _json_lens(doc)
    assert c == py and isinstance(c, int)


def test_json_len_on_the_corpus(corpus_data):
    for data in corpus_data:
        c, py = _json_lens(data)
        assert c == py, str(data)[:200]


def test_json_len_refuses_what_json_refuses():
    for bad in ({"x": object()}, [b"bytes"], {"s": {1, 2}}, {(1, 2): "tuple key"}, {b"k": 1}, 1j):
        assert _json_lens(bad) == (TypeError, TypeError), bad


def test_json_len_deeper_than_the_recursion_limit_is_measured_as_before():
    import sys

    from kubelint.apiserver import core

    deep = []
    for _ in range(sys.getrecursionlimit() + 100):
        deep = [deep, {"a": "<"}]
    with pytest.raises(RecursionError):
        core._json_len(deep)
    try:
        expected = core._py_go_json_len(deep)
    except RecursionError as exc:
        expected = type(exc)
    try:
        got = core._go_json_len(deep)
    except RecursionError as exc:
        got = type(exc)
    assert got == expected


JSON_TEXT = st.text(st.characters(blacklist_categories=()), max_size=30)  # surrogates included
JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | JSON_TEXT
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.text(st.characters(blacklist_categories=()), max_size=10) | st.integers() | st.booleans() | st.none(),
            inner,
            max_size=5,
        )
    ),
    max_leaves=40,
)


@settings(max_examples=600, derandomize=True, deadline=None, database=None)
@given(JSON_VALUES)
def test_fuzz_json_len(doc):
    c, py = _json_lens(doc)
    assert c == py


# -- admission/celenv.py to_value: plain leaves copied without a call ------------------------------------


def _reference_to_value(value):
    """celenv.to_value as it was: one call per value."""
    if type(value) in (str, int, bool):
        return value
    if isinstance(value, dict):
        return {k: _reference_to_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_reference_to_value(v) for v in value]
    if (
        isinstance(value, float)
        and value == value
        and value not in (float("inf"), float("-inf"))
        and value == int(value)
    ):
        return int(value)
    return value


def test_to_value_on_the_corpus_and_edge_cases(corpus_data):
    from kubelint.admission.celenv import to_value
    from test_loader_onepass import same_types  # equal data of the same types, recursively

    class Sub(dict):
        pass

    edge = [
        {"a": None, "b": [None, 1.0, 2.5, float("nan"), float("inf"), -0.0, True, {"c": None}]},
        {"d": Sub(x=None, y=3.0)},
        [[[]], {}, None, 0, "s"],
        None,
        7.0,
    ]
    from kubelint.admission.celenv import _c_to_value, _py_to_value

    if _c_to_value is None:
        pytest.fail("_kubelint_yaml.to_value is not built (pip install . builds it)")
    for data in corpus_data + edge:
        same_types(to_value(data), _reference_to_value(data))
        same_types(_py_to_value(data), _reference_to_value(data))


@settings(max_examples=600, derandomize=True, deadline=None, database=None)
@given(JSON_VALUES)
def test_fuzz_to_value_in_c_equals_python(doc):
    from kubelint.admission.celenv import _py_to_value, to_value
    from test_loader_onepass import same_types

    class Sub(dict):
        pass

    for value in (doc, [doc, Sub(a=doc, b=None)], {"x": [doc, 1.0, None]}):
        got = to_value(value)
        same_types(got, _py_to_value(value))
        same_types(got, _reference_to_value(value))


@settings(max_examples=600, derandomize=True, deadline=None, database=None)
@given(
    st.recursive(
        JSON_LEAVES,
        lambda inner: (
            st.lists(inner, max_size=5)
            | st.lists(inner, max_size=3).map(tuple)
            | st.dictionaries(st.text(st.characters(blacklist_categories=()), max_size=10), inner, max_size=5)
        ),
        max_leaves=40,
    )
)
def test_fuzz_json_report_encoder(doc):
    import json

    from kubelint.report.json import _py_dumps, dumps

    expected = json.dumps(doc, indent=2, ensure_ascii=False)
    assert dumps(doc) == expected and _py_dumps(doc) == expected


def test_the_c_helpers_leak_no_objects(corpus_data):
    """Reference counting of json_len, to_value and json_indent (and of their error paths): calling
    them again allocates no lasting memory blocks."""
    import gc
    import sys

    from kubelint.admission.celenv import to_value
    from kubelint.apiserver.core import _json_len
    from kubelint.report.json import dumps

    sample = corpus_data[:300]

    class Sub(dict):
        pass

    def round_():
        for data in sample:
            _json_len(data)
            to_value(data)
            dumps(data)
        for bad in ({"x": object()}, [b"b"], {1: "k"}, Sub(a=None)):
            for call in (_json_len, dumps):
                try:
                    call(bad)
                except TypeError:
                    pass
            to_value(bad)
            to_value([bad, {"y": bad}])

    for _ in range(3):
        round_()
    gc.collect()
    before = sys.getallocatedblocks()
    for _ in range(5):
        round_()
    gc.collect()
    assert sys.getallocatedblocks() - before < 200
