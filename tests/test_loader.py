"""The loader decodes exactly as kubectl does (sigs.k8s.io/yaml on go-yaml v2,
YAML 1.1) and keeps every node's position.  One test per decoding rule;
the Go source each follows is named in the test (go-yaml v2 resolve.go /
decode.go, sigs.k8s.io/yaml yaml.go)."""

import os

import pytest

from kubelint.loader import Limits, decode_text, LoadError, load_file, parse_text
from kubelint.model import objects_from_document
from kubelint.positions import locate


def data(text, limits=Limits()):
    lf = parse_text(text, "t.yaml", limits)
    assert not [p for p in lf.problems if p.severity == "error"], lf.problems
    return [d.data for d in lf.documents]


def one(text):
    docs = data(text)
    assert len(docs) == 1
    return docs[0]


def rules(text, limits=Limits()):
    return [p.rule for p in parse_text(text, "t.yaml", limits).problems]


# --- go-yaml v2 resolve.go: plain scalars --------------------------------------


@pytest.mark.parametrize("word", ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"])
def test_resolve_yaml11_true_words_are_booleans(word):
    assert one(f"v: {word}") == {"v": True}


@pytest.mark.parametrize("word", ["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"])
def test_resolve_yaml11_false_words_are_booleans(word):
    assert one(f"v: {word}") == {"v": False}


@pytest.mark.parametrize("word", ["yEs", "oN", "tRUE", "nO"])
def test_resolve_mixed_case_words_stay_strings(word):
    # resolve.go lists exact spellings only
    assert one(f"v: {word}") == {"v": word}


def test_resolve_float_1_10_is_1_1():
    assert one("v: 1.10") == {"v": 1.1}


def test_resolve_leading_zero_is_octal():
    assert one("v: 0777") == {"v": 511}


def test_resolve_hex_and_underscores():
    assert one("a: 0x1F\nb: 1_000") == {"a": 31, "b": 1000}


def test_resolve_tilde_and_null_are_null():
    assert one("a: ~\nb: null\nc:") == {"a": None, "b": None, "c": None}


def test_resolve_quoted_scalars_stay_strings():
    assert one("a: 'yes'\nb: \"1.10\"\nc: '0777'") == {"a": "yes", "b": "1.10", "c": "0777"}


def test_resolve_timestamps_stay_strings():
    # decode.go: a timestamp decoded into interface{} keeps its text
    assert one("t: 2024-01-31") == {"t": "2024-01-31"}


def test_resolve_exponent_float():
    assert one("v: 1e3") == {"v": 1000.0}


def test_inf_and_nan_cannot_become_json():
    assert rules("v: .inf") == ["yaml-syntax"]


# --- sigs.k8s.io/yaml: map keys become strings --------------------------------------


def test_non_string_keys_become_strings():
    assert one("1: a\ntrue: b\n1.5: c") == {"1": "a", "true": "b", "1.5": "c"}


def test_null_key_is_rejected():
    assert rules("~: a") == ["yaml-syntax"]


# --- duplicate keys: kubectl keeps the last (kubernetes#89303) -------------------------


def test_duplicate_key_keeps_last_and_warns():
    lf = parse_text("a: 1\nb: 2\na: 3\n", "t.yaml")
    assert lf.documents[0].data == {"a": 3, "b": 2}
    (p,) = lf.problems
    assert (p.rule, p.severity, p.line, p.column) == ("yaml-duplicate-key", "warning", 3, 1)
    assert "line 1" in p.message


# --- anchors, aliases, merge keys (decode.go merge) --------------------------------------


def test_aliases_and_merge_keys():
    doc = one("base: &b {x: 1, z: 2}\nuse:\n  <<: *b\n  z: 3\nref: *b")
    assert doc["use"] == {"x": 1, "z": 3}
    assert doc["ref"] == {"x": 1, "z": 2}


def test_key_y_is_the_boolean_true():
    # resolve.go: a plain `y` key is a bool; sigs.k8s.io/yaml turns it into "true"
    assert one("y: 1") == {"true": 1}


def test_merge_sequence_earlier_maps_win():
    doc = one("a: &a {k: 1}\nb: &b {k: 2, j: 2}\nc:\n  <<: [*a, *b]")
    assert doc["c"] == {"k": 1, "j": 2}


def test_merge_key_override_is_not_a_duplicate():
    assert rules("a: &a {k: 1}\nc:\n  <<: *a\n  k: 2") == []


# --- documents -------------------------------------------------------------------------


def test_documents_separated_and_empty_ones_skipped():
    docs = data("---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n")
    assert docs == [{"a": 1}, {"b": 2}]


def test_separator_with_content_is_an_error():
    assert rules("a: 1\n--- b: 2\n") == ["yaml-syntax"]


def test_json_file_with_tabs():
    assert one('{\n\t"apiVersion": "v1",\n\t"kind": "ConfigMap"\n}') == {"apiVersion": "v1", "kind": "ConfigMap"}


def test_list_kinds_are_expanded():
    lf = parse_text(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n"
        "- apiVersion: v1\n  kind: Secret\n  metadata: {name: b}\n",
        "t.yaml",
    )
    objs, problems = objects_from_document(lf.documents[0])
    assert [o.kind for o in objs] == ["ConfigMap", "Secret"] and not problems
    assert objs[1].line == 7


def test_typed_list_kind_is_expanded():
    lf = parse_text(
        "apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n",
        "t.yaml",
    )
    objs, _ = objects_from_document(lf.documents[0])
    assert [o.name for o in objs] == ["a"]


def test_document_without_kind_is_an_error_at_the_document():
    lf = parse_text("---\napiVersion: v1\nmetadata: {name: x}\n", "t.yaml")
    objs, problems = objects_from_document(lf.documents[0])
    assert not objs and problems[0].rule == "missing-type" and problems[0].line == 2


def test_document_that_is_a_list_is_not_an_object():
    lf = parse_text("- a\n- b\n", "t.yaml")
    _, problems = objects_from_document(lf.documents[0])
    assert problems[0].rule == "not-an-object"


# --- positions --------------------------------------------------------------------------


def test_positions_point_at_values_and_missing_fields_at_parents():
    text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n    image: y\n"
    shadow = parse_text(text, "t.yaml").documents[0].shadow
    assert locate(shadow, ("spec", "containers", 1, "image")) == (8, 12)
    assert locate(shadow, ("spec", "containers", 1, "image"), "key") == (8, 5)
    assert locate(shadow, ("spec", "containers", 1, "ports", 0)) == (
        7,
        5,
    )  # the item's deepest existing key... the item
    assert locate(shadow, ("spec", "nope")) == (3, 1)


# --- hostile input ------------------------------------------------------------------------


def test_billion_laughs_is_excessive_aliasing():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
        prev = name
    assert rules("\n".join(lines)) == ["excessive-aliasing"]


def test_recursive_alias_is_rejected():
    assert rules("a: &a [*a]") == ["yaml-syntax"]


def test_deep_flow_nesting_is_bounded():
    assert rules("[" * 100_000 + "]" * 100_000) == ["nesting-too-deep"]


def test_deep_block_nesting_is_bounded():
    text = "".join(" " * i + "k:\n" for i in range(0, 6000, 1))
    assert rules(text) == ["nesting-too-deep"]


def test_tabs_in_indentation_get_a_hint():
    lf = parse_text("a:\n\tb: 1\n", "t.yaml")
    assert lf.problems[0].rule == "yaml-syntax" and "tab" in lf.problems[0].message


def test_python_tags_are_never_constructed(tmp_path):
    sentinel = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system ['touch {sentinel}']\n"
    lf = parse_text(text, "t.yaml")
    assert not sentinel.exists()
    assert [p.rule for p in lf.problems] == ["yaml-unknown-tag"]


def test_helm_template_gets_a_hint():
    lf = parse_text('metadata:\n  name: {{ .Release.Name }}\n  {{- include "x" . }}\n', "t.yaml")
    assert lf.problems[0].rule == "helm-template" and "helm template" in lf.problems[0].message


def test_merge_conflict_markers():
    lf = parse_text("a: 1\n<<<<<<< HEAD\nb: 1\n=======\nb: 2\n>>>>>>> x\n", "t.yaml")
    assert [(p.rule, p.line) for p in lf.problems] == [("merge-conflict", 2)]


def test_limits_documents_and_nodes():
    assert rules("a: 1\n---\na: 2\n---\na: 3\n", Limits(max_documents=2)) == ["too-many-documents"]
    assert rules("[1,2,3,4,5,6,7,8,9,10,11,12]", Limits(max_nodes=10)) == ["too-many-nodes"]


# --- encodings (kubectl: UTF-8 with or without BOM, UTF-16 with BOM) -------------------


def test_utf8_bom_and_utf16_bom_are_decoded():
    assert decode_text("\ufeffa: 1".encode("utf-8")) == "a: 1"
    assert decode_text("a: é".encode("utf-16")) == "a: é"


@pytest.mark.parametrize("raw", [b"a: \xff\xfe\xfd", b"a: 1\x00\x00", "a: 1".encode("utf-32")])
def test_other_encodings_are_errors(raw):
    with pytest.raises(LoadError) as exc:
        decode_text(raw)
    assert exc.value.rule == "invalid-encoding"


def test_file_too_large(tmp_path):
    p = tmp_path / "big.yaml"
    p.write_text("a: " + "x" * 200)
    lf = load_file(str(p), Limits(max_file_bytes=100))
    assert [x.rule for x in lf.problems] == ["file-too-large"]


def test_binary_file(tmp_path):
    p = tmp_path / "blob.yaml"
    p.write_bytes(os.urandom(64) + b"\x00\x00")
    lf = load_file(str(p))
    assert [x.rule for x in lf.problems] == ["invalid-encoding"]


# --- `=` and tabs: what kubectl v1.37.2 decodes ----------------------------------
# PyYAML's own constructor rejects a bare `=` (its resolver tags it
# tag:yaml.org,2002:value), but kubelint resolves plain scalars itself, as
# go-yaml v2 does ("=" has no resolve hint: a string).  Each expected value
# below is kubectl's: `kubectl create --dry-run=client --validate=false -o json
# -f case.yaml` (v1.37.2) on a ConfigMap whose data is the case; an error is
# kubectl's "error converting YAML to JSON: yaml: line N: found a tab character
# that violates indentation".

KUBECTL_DECODES = [
    ("  a: =\n", {"a": "="}),
    ("  =: a\n", {"=": "a"}),
    ("  a: {b: =}\n", {"a": {"b": "="}}),
    ("  a: a=b\n", {"a": "a=b"}),
    ("  '=': =\n", {"=": "="}),
    ("  a: b\t\n", {"a": "b"}),
    ("  a: b\t# c\n", {"a": "b"}),
    ("  a: 'b'\t\n", {"a": "b"}),
    ("  a:\tb\n", {"a": "b"}),
    ("  a: [b]\t\n", {"a": ["b"]}),
    ("  a: b\tc\n", {"a": "b\tc"}),
    ("  a: |\t\n    x\n", {"a": "x\n"}),
    ("  a: b\n   \tc\n", {"a": "b c"}),
    ("  a: b \t \n", {"a": "b"}),
    ("  a:\t\n    b\n", {"a": "b"}),
]
KUBECTL_REJECTS = ["  a: b\n\t\n", "  a:\n\t b\n", "  a:\n  -\tb\n"]
_CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"


@pytest.mark.parametrize("body,expected", KUBECTL_DECODES)
def test_equals_sign_and_tabs_decode_as_kubectl_does(body, expected):
    assert one(_CM + body)["data"] == expected


@pytest.mark.parametrize("body", KUBECTL_REJECTS)
def test_tabs_that_kubectl_rejects_are_syntax_errors(body):
    lf = parse_text(_CM + body, "t.yaml")
    assert [p.rule for p in lf.problems] == ["yaml-syntax"]
    assert "tab" in lf.problems[0].message


def test_read_at_most_reads_what_read_reads(tmp_path):
    import os

    from kubelint.loader import read_at_most

    f = tmp_path / "f.yaml"
    f.write_bytes(b"a: 1\n" * 100)
    for limit in (1, 499, 500, 501, 10_000):
        with open(f, "rb") as fh:
            assert read_at_most(fh, limit) == (b"a: 1\n" * 100)[:limit]
    # a file that grew after its fstat: the rest is read too, up to the limit
    with open(f, "rb") as fh:
        st = os.fstat(fh.fileno())
        shrunk = os.stat_result((st.st_mode, 0, 0, 0, 0, 0, 7, 0, 0, 0))
        assert read_at_most(fh, 10_000, shrunk) == b"a: 1\n" * 100
    with open(f, "rb") as fh:
        assert read_at_most(fh, 300, shrunk) == (b"a: 1\n" * 100)[:300]
    r, w = os.pipe()  # not a regular file: read as before
    os.write(w, b"x: y\n")
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        assert read_at_most(fh, 100) == b"x: y\n"


def test_a_regular_file_is_read_as_open_and_read_read_it(tmp_path):
    """read_bytes reads a regular file with os.open/os.read (3 system calls, not 9): the same bytes
    as open(path, "rb").read(limit); a size from a stat the file no longer has (it grew or shrank
    since) still gives all of it, up to the limit; the limit's error is the same."""
    import os

    from kubelint.loader import Limits, LoadError, _read_regular, read_bytes, read_fd_at_most

    body = b"a: 1\n" * 1000
    f = tmp_path / "f.yaml"
    f.write_bytes(body)
    limits = Limits(max_file_bytes=4000)
    assert read_bytes(str(f), Limits()) == body
    for size in (0, 7, len(body) - 1, len(body), len(body) + 1, 10_000):  # stale sizes
        assert _read_regular(str(f), size, Limits()) == body
        if size <= 4000:
            assert _read_regular(str(f), size, limits) == body[:4001]  # read_bytes then says too large
    with pytest.raises(LoadError, match="larger than 4,000 bytes"):
        read_bytes(str(f), limits)
    (tmp_path / "empty.yaml").write_bytes(b"")
    assert read_bytes(str(tmp_path / "empty.yaml"), Limits()) == b""
    fd = os.open(str(f), os.O_RDONLY)
    try:
        assert read_fd_at_most(fd, 6) == body[:6] and read_fd_at_most(fd, 10**9) == body[6:]
    finally:
        os.close(fd)
    os.chmod(f, 0)
    if os.geteuid() != 0:  # root reads anything
        with pytest.raises(LoadError, match="cannot read"):
            read_bytes(str(f), Limits())
