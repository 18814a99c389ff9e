"""Hostile and broken input (issue 8): one regression test per attack shape.

Every shape runs through the real command line in a subprocess, beside a
second, ordinary file.  Each test asserts: the specific message, the exit
status (0, 1 or 2), no Python traceback, the bad file named with its line,
the other file still checked, and a generous time ceiling that only catches
hangs (never a speed measurement; see bench/ for those).
"""
import io
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from kubelint import loader
from kubelint.cli import main
from kubelint.loader import Limits, load_file, parse_text
from kubelint.runner import run
from kubelint.settings import Settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HANG_CEILING = 30.0  # seconds; a loaded CI machine is slow, a hang is forever

OTHER = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  k: a\n  k: b\n"
OTHER_RULE = "[yaml-duplicate-key]"  # the other file's finding: proof it was checked


def cli(*args, stdin=None, cwd=None, timeout=120):
    env = dict(os.environ, PYTHONPATH=ROOT, NO_COLOR="1")
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "kubelint", "check", "--no-progress", *args],
                          input=stdin, capture_output=True, cwd=cwd, env=env, timeout=timeout)
    elapsed = time.monotonic() - start
    out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, out + err
    assert proc.returncode in (0, 1, 2), (proc.returncode, out, err)
    assert elapsed < HANG_CEILING, f"took {elapsed:.1f} s"
    return proc.returncode, out, err


def check_bad(tmp_path, name, content, rule, message, status=1, line=None, extra=()):
    """Write the bad file and an ordinary one; run; assert the contract."""
    bad = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    bad.write_bytes(content)
    (tmp_path / "other.yaml").write_text(OTHER)
    rc, out, err = cli(*extra, str(bad), str(tmp_path / "other.yaml"), "--quiet")
    assert rc == status, (rc, out, err)
    lines = [ln for ln in out.splitlines() if f"[{rule}]" in ln]
    assert lines, out[:2000]
    head = lines[0]
    assert head.startswith(str(bad) + ":"), head
    if line is not None:
        assert head.startswith(f"{bad}:{line}:"), head
    assert message in head, head
    assert OTHER_RULE in out and "other.yaml" in out, out[:2000]
    return out


# --- alias bombs -----------------------------------------------------------------

def test_billion_laughs(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    check_bad(tmp_path, "laughs.yaml", "\n".join(lines) + "\n", "excessive-aliasing", "alias bomb")


def test_alias_expansion_limit_is_configurable(tmp_path):
    text = "a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a]\n"
    check_bad(tmp_path, "aliases.yaml", text, "excessive-aliasing", "more than 10 nodes (limit --max-aliases",
              extra=("--max-aliases", "10"), line=1)  # at the anchor


def test_recursive_alias(tmp_path):
    check_bad(tmp_path, "recursive.yaml", "a: &a\n  b: *a\n", "yaml-syntax", "recursive alias", line=1)  # at the anchor


# --- nesting ----------------------------------------------------------------------

def test_100k_deep_flow_nesting(tmp_path):
    check_bad(tmp_path, "flow.yaml", "[" * 100_000 + "]" * 100_000, "nesting-too-deep", "limit --max-depth", line=1)


def test_100k_deep_block_nesting(tmp_path):
    check_bad(tmp_path, "block.yaml", "- " * 100_000 + "x\n", "nesting-too-deep", "limit --max-depth", line=1)


def test_deep_block_mappings_by_indentation(tmp_path):
    text = "".join(" " * i + "k:\n" for i in range(5000))
    check_bad(tmp_path, "indent.yaml", text, "nesting-too-deep", "limit --max-depth")


def test_max_depth_is_configurable(tmp_path):
    check_bad(tmp_path, "shallow.yaml", "a: {b: {c: {d: 1}}}\n", "nesting-too-deep", "deeper than 3 levels",
              extra=("--max-depth", "3"), line=1)


# --- size ---------------------------------------------------------------------------

def test_100mb_single_line_scalar(tmp_path):
    content = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: " + b"x" * (100 * 1024 * 1024) + b"\n"
    check_bad(tmp_path, "huge.yaml", content, "file-too-large", "limit --max-file-size", status=2, line=1)


def test_100mb_on_stdin_stops_reading_at_the_limit():
    rc, out, err = cli("--quiet", "-", stdin=b"k: " + b"x" * (100 * 1024 * 1024))
    assert rc == 2 and "<stdin>:1:1: error [file-too-large]" in out, out


def test_max_file_size_is_configurable(tmp_path):
    check_bad(tmp_path, "small.yaml", "a: " + "x" * 2000 + "\n", "file-too-large", "larger than 1,024 bytes",
              status=2, extra=("--max-file-size", "1k"))


def test_long_single_line_scalar_below_the_limit_is_checked(tmp_path):
    content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + "a" * (10 * 1024 * 1024) + "\n"
    out = check_bad(tmp_path, "long.yaml", content, "invalid-name", "must be no more than 253 characters", line=4)
    assert max(len(line) for line in out.splitlines()) < 2000  # clipped, not 10 MB of terminal


def test_five_million_item_flow_sequence_is_counted_before_composing(tmp_path):
    # 10 MB of "1," would be 2 GB of PyYAML nodes: counted from parser events first
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nitems: [" + "1," * 5_000_000 + "1]\n"
    check_bad(tmp_path, "wide.yaml", text, "too-many-nodes", "more than 1,000,000 nodes (limit --max-nodes)", line=4)


def test_max_nodes_is_configurable(tmp_path):
    check_bad(tmp_path, "nodes.yaml", "a: [" + ", ".join(["1"] * 100) + "]\n", "too-many-nodes", "more than 50 nodes",
              extra=("--max-nodes", "50"), line=1)


def test_a_million_tiny_documents(tmp_path):
    check_bad(tmp_path, "docs.yaml", "---\na: 1\n" * 1_000_000, "too-many-documents", "limit --max-documents")


def test_max_documents_is_configurable(tmp_path):
    text = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n" for i in range(5))
    check_bad(tmp_path, "few.yaml", text, "too-many-documents", "more than 3 documents", extra=("--max-documents", "3"), line=14)


def test_a_million_empty_documents(tmp_path):
    check_bad(tmp_path, "empty.yaml", "---\n" * 1_000_000, "too-many-documents",
              "more than 100,000 documents, empty ones included, in one file (limit 10 x --max-documents)", line=100_002)


def test_a_few_empty_documents_are_fine(tmp_path):
    (tmp_path / "empty.yaml").write_text("---\n# nothing\n" * 1000)
    (tmp_path / "other.yaml").write_text(OTHER)
    rc, out, _ = cli(str(tmp_path), "--quiet")
    assert rc == 1 and OTHER_RULE in out and "empty.yaml" not in out


def test_numbers_with_100k_digits(tmp_path):
    # Python's int() refuses more than 4,300 digits: the loader crashed on
    # such a scalar, the quantity parser on such a cpu limit.  go-yaml keeps
    # an integer past 64 bits (and past float64) as its text.
    digits = "9" * 100_000
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations: {n: " + digits + "}\nspec:\n  containers:\n"
            "  - name: a\n    image: x\n    resources: {limits: {cpu: " + digits + "m, memory: 0." + "0" * 100_000 + "1}}\n"
            "  priority: " + digits + "\n")
    out = check_bad(tmp_path, "digits.yaml", text, "invalid-type", "must be an integer", line=11)
    assert "internal-error" not in out


def test_resolve_out_of_range_integers_keep_their_text():
    # go-yaml v2 resolve.go: ParseInt, ParseUint, then ParseFloat (ErrRange
    # past float64); otherwise strTag
    from kubelint.loader import resolve_plain

    assert resolve_plain("1" * 5000) == "1" * 5000
    assert resolve_plain("1" * 400) == "1" * 400  # ParseFloat: value out of range
    assert resolve_plain("0x1ffffffffffffffff") == "0x1ffffffffffffffff"
    assert resolve_plain("18446744073709551615") == 2**64 - 1
    assert resolve_plain("18446744073709551616") == float(2**64)
    assert resolve_plain("0" * 5000 + "7") == 7


# --- keys -----------------------------------------------------------------------------

def test_very_long_implicit_key(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  " + "k" * 5_000_000 + ": v\n"
    check_bad(tmp_path, "key.yaml", text, "yaml-syntax", "a key longer than 1024 characters", line=5)


def test_very_long_key_in_json(tmp_path):
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"' + "k" * 100_000 + '": "v"}}'
    check_bad(tmp_path, "key.json", text, "yaml-syntax", "a key longer than 1024 characters", line=1)


def test_very_long_explicit_key_is_an_unknown_field_clipped(tmp_path):
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: a\n    image: x\n    ? "
            + "imagx" * 1_000_000 + "\n    : 1\n")
    out = check_bad(tmp_path, "explicit.yaml", text, "unknown-field", "more characters", line=8)
    assert max(len(line) for line in out.splitlines()) < 2000


# --- bytes and encodings (kubectl: cli-runtime FileVisitor.Visit decodes with
# unicode.BOMOverride(unicode.UTF8.NewDecoder()): UTF-8, BOM dropped, or UTF-16
# LE/BE when a BOM says so) ----------------------------------------------------------------

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: enc\ndata:\n  k: é\n  k: ü\n"


def test_nul_bytes(tmp_path):
    check_bad(tmp_path, "nul.yaml", b"apiVersion: v1\nkind: Pod\x00\x00\n", "invalid-encoding", "contains NUL bytes", status=2, line=2)


def test_binary_junk(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64
    check_bad(tmp_path, "junk.yaml", png, "invalid-encoding", "binary file (contains NUL bytes)", status=2)


@pytest.mark.parametrize("encoding,bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_bom_encodings_are_decoded_as_kubectl_does(tmp_path, encoding, bom):
    # the duplicate key (line 7) proves the file was decoded and parsed
    check_bad(tmp_path, f"bom-{encoding}.yaml", bom + CM.encode(encoding), "yaml-duplicate-key", "duplicate key 'k'", line=7)


def test_utf16_without_bom_is_an_error(tmp_path):
    check_bad(tmp_path, "nobom.yaml", CM.encode("utf-16-le"), "invalid-encoding", "UTF-16 without a byte-order mark", status=2)


def test_utf32_is_an_error(tmp_path):
    check_bad(tmp_path, "utf32.yaml", CM.encode("utf-32"), "invalid-encoding", "UTF-32", status=2)


def test_mixed_encodings_latin1_inside_utf8(tmp_path):
    content = CM.encode("utf-8") + "  j: café\n".encode("latin-1")
    check_bad(tmp_path, "mixed.yaml", content, "invalid-encoding", "invalid UTF-8 byte 0xe9", status=2, line=8)


def test_control_characters(tmp_path):
    check_bad(tmp_path, "ctrl.yaml", "a: 1\nb: x\x1b[31m\n", "yaml-syntax", "control character U+001B", line=2)


def test_terminal_escapes_in_keys_never_reach_the_terminal(tmp_path):
    text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: a\n    image: x\n    "\\e]0;owned\\a\\e[2J\\nfake: line": 1\n'
    out = check_bad(tmp_path, "esc.yaml", text, "unknown-field", "unknown field", line=8)
    assert "\x1b" not in out and "\x07" not in out
    assert not any(line.startswith("fake") for line in out.splitlines())


def test_hostile_file_names_cannot_forge_output_lines(tmp_path):
    d = _tree(tmp_path)
    (d / "evil\n::error file=x::forged\x1b[2J.yaml").write_text("a: 1\na: 2\nkind: ConfigMap\n")
    rc, out = _dir_run(d)
    assert rc == 1 and "\x1b" not in out
    assert not any(line.startswith("::error") for line in out.splitlines())
    assert "evil\\n::error file=x::forged\\x1b[2J.yaml:2:1: warning [yaml-duplicate-key]" in out


# --- text that is not a manifest ---------------------------------------------------------------

def test_merge_conflict_markers_with_a_hint(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\n<<<<<<< HEAD\nmetadata: {name: a}\n=======\nmetadata: {name: b}\n>>>>>>> feature\n"
    check_bad(tmp_path, "conflict.yaml", text, "merge-conflict", "resolve the conflict", line=3)


def test_python_tags_are_never_constructed(tmp_path):
    sentinel = tmp_path / "pwned"
    text = (f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\ndata:\n"
            f"  a: !!python/object/apply:os.system ['touch {sentinel}']\n"
            f"  b: !!python/object/new:subprocess.Popen [['touch', '{sentinel}']]\n")
    check_bad(tmp_path, "tags.yaml", text, "yaml-unknown-tag", "never constructs tagged objects", line=5)
    assert not sentinel.exists()


def test_helm_template(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  {{- include \"x\" . }}\n"
    check_bad(tmp_path, "chart.yaml", text, "helm-template", "helm template")


# --- the file system ------------------------------------------------------------------------------

def _tree(tmp_path):
    d = tmp_path / "k8s"
    d.mkdir()
    (d / "other.yaml").write_text(OTHER)
    return d


def _dir_run(d):
    rc, out, err = cli(str(d), "--quiet")
    assert OTHER_RULE in out, out
    return rc, out


def test_symlink_loop_of_files(tmp_path):
    d = _tree(tmp_path)
    os.symlink("b.yaml", d / "a.yaml")
    os.symlink("a.yaml", d / "b.yaml")
    rc, out = _dir_run(d)
    assert rc == 2 and f"{d / 'a.yaml'}:1:1: error [unreadable-file] cannot read {d / 'a.yaml'}: symbolic link loop" in out


def test_symlink_loop_of_directories(tmp_path):
    d = _tree(tmp_path)
    (d / "sub").mkdir()
    os.symlink("..", d / "sub" / "up")
    os.symlink(str(d), d / "sub" / "again")
    rc, out = _dir_run(d)
    assert rc == 1 and out.count("other.yaml") == 1  # walked once


def test_broken_symlink(tmp_path):
    d = _tree(tmp_path)
    os.symlink("missing.yaml", d / "dangling.yaml")
    rc, out = _dir_run(d)
    assert rc == 2 and "broken symbolic link" in out


def test_fifo_in_a_directory_does_not_hang(tmp_path):
    d = _tree(tmp_path)
    os.mkfifo(d / "pipe.yaml")
    rc, out = _dir_run(d)
    assert rc == 2 and "pipe.yaml:1:1: error [unreadable-file]" in out and "not a regular file (a named pipe)" in out


def test_directory_named_like_a_manifest_is_walked(tmp_path):
    d = _tree(tmp_path)
    (d / "dir.yaml").mkdir()
    (d / "dir.yaml" / "inner.yml").write_text("a: 1\na: 2\nkind: ConfigMap\n")
    rc, out = _dir_run(d)
    assert rc == 1 and "inner.yml:2:1: warning [yaml-duplicate-key]" in out


def test_directory_named_explicitly_as_a_file(tmp_path):
    d = _tree(tmp_path)
    rc, out, _ = cli(str(d / "other.yaml"), str(d), "--quiet")
    assert rc == 1


def test_device_named_explicitly_is_bounded(tmp_path):
    (tmp_path / "other.yaml").write_text(OTHER)
    rc, out, _ = cli("--max-file-size", "1M", "/dev/zero", str(tmp_path / "other.yaml"), "--quiet")
    assert rc == 2 and "/dev/zero:1:1: error [file-too-large]" in out and OTHER_RULE in out


def _permission_denied(real_open, victim):
    def fake_open(path, *args, **kwargs):
        if str(path).endswith(victim):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)
    return fake_open


def test_unreadable_file_in_a_directory(tmp_path, monkeypatch):
    # Tests run as root, for whom chmod 000 changes nothing: simulate EACCES.
    d = _tree(tmp_path)
    (d / "secret.yaml").write_text("kind: Secret\n")
    monkeypatch.setattr(loader, "open", _permission_denied(open, "secret.yaml"), raising=False)
    result = CliRunner().invoke(main, ["check", "--no-progress", "--quiet", str(d)])
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{d / 'secret.yaml'}:1:1: error [unreadable-file] cannot read {d / 'secret.yaml'}: permission denied" in result.output
    assert OTHER_RULE in result.output


def test_unreadable_directory(tmp_path, monkeypatch):
    d = _tree(tmp_path)
    (d / "locked").mkdir()
    real = os.scandir

    def fake_scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(loader.os, "scandir", fake_scandir)
    result = run([str(d)], Settings())
    msgs = [(f.rule, f.message) for f in result.findings]
    assert ("unreadable-file", f"cannot read {d / 'locked'}: permission denied") in msgs
    assert any(f.rule == "yaml-duplicate-key" for f in result.findings) and result.fatal


def test_file_deleted_while_the_run_is_going(tmp_path, monkeypatch):
    d = _tree(tmp_path)
    (d / "gone.yaml").write_text("a: 1\n")
    real = loader.discover

    def discover_then_delete(paths):
        for path, error in real(paths):
            if path.endswith("gone.yaml"):
                os.unlink(path)
            yield path, error

    monkeypatch.setattr(loader, "discover", discover_then_delete)
    result = CliRunner().invoke(main, ["check", "--no-progress", str(d)])
    assert result.exit_code == 2, result.output
    assert f"{d / 'gone.yaml'}:1:1: error [unreadable-file] cannot read {d / 'gone.yaml'}: the file disappeared while kubelint was running" in result.output
    assert OTHER_RULE in result.output


def test_file_deleted_before_its_excerpt_is_shown(tmp_path):
    from kubelint import report

    p = tmp_path / "x.yaml"
    p.write_text(OTHER)
    result = run([str(p)], Settings())
    p.unlink()
    out = report.get("text").render(result, report.RenderOptions())
    assert "[yaml-duplicate-key]" in out and " | " not in out


# --- fuzz crashes (fuzz/run.sh), each fixed ------------------------------------------------

FUZZ_CRASHES = [
    # float key that rounds past float32's range: FormatFloat(v, 'g', -1, 32) is +Inf
    ("float32-overflow-key", b"3e53: x\n1e39: y\n"),
    # scalar with a control character: the reader's error had no mark
    ("control-character", b"base: &b {x: 1}\nuse:\n  z: s\x0elist\n"),
    # a multi-line value quoted in a loader message
    ("multiline-tagged-scalar", b"- !!int kd\n  nvwww\n"),
    # multi-line values quoted in schema and API-server messages
    ("multiline-value-in-message", b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \"a\n\n  b\"\n  labels: \"x\n\n  y\"\n"),
    # Ingress rule with `http: {}` (no paths): apiserver/networking.py iterated None
    ("ingress-http-without-paths", b"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  rules:\n  - host: foo.com\n    http: {}\n"),
    # an IPv4-looking value with a leading zero: ipaddress raised in the hardcoded-pod-ip rule
    ("ip-with-leading-zero", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  CACHE_HOST: 05.244.1.17\n"),
    # lone surrogate (API callers can pass one; decode_text never yields it)
    ("lone-surrogate", None),
]


@pytest.mark.parametrize("name,data", FUZZ_CRASHES, ids=[c[0] for c in FUZZ_CRASHES])
def test_fuzz_crash_regressions(name, data):
    if data is None:
        lf = parse_text('a: "\ud800"\n', "t.yaml")
        assert [p.rule for p in lf.problems] == ["invalid-encoding"]
        return
    lf = load_file("-", Limits(), stdin=io.BytesIO(data))
    for p in lf.problems:
        assert "\n" not in p.message and p.line >= 1 and p.column >= 1
    result = run(["-"], Settings(debug=True), stdin=io.BytesIO(data))
    for f in result.findings:
        assert f.rule != "internal-error" and "\n" not in f.message, f


# --- writes: atomic, and only the file asked for (kubelint/atomic.py) ----------------------------

def _snapshot(d):
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(d.rglob("*")) if p.is_file() or p.is_symlink()}


def test_output_touches_no_other_file(tmp_path):
    d = _tree(tmp_path)
    (d / "notes.txt").write_text("keep me\n")
    target = d / "report.json"
    target.write_text("old report\n")
    before = _snapshot(d)
    rc, out, _ = cli("--format", "json", "--output", str(target), str(d / "other.yaml"), "--quiet")
    assert rc == 1 and OTHER_RULE in out  # the terminal still gets the text report
    after = _snapshot(d)
    assert set(after) == set(before)  # no temporary file left behind, nothing new
    changed = [p for p in after if after[p] != before[p]]
    assert changed == [target] and '"findings"' in target.read_text()


def test_output_through_a_symlink_replaces_the_link_not_its_target(tmp_path):
    d = _tree(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    os.symlink(victim, d / "report.json")
    rc, _, _ = cli("--format", "json", "--output", str(d / "report.json"), str(d / "other.yaml"))
    assert victim.read_text() == "precious\n"
    assert not os.path.islink(d / "report.json") and '"findings"' in (d / "report.json").read_text()


def test_output_is_atomic_when_the_write_fails(tmp_path, monkeypatch):
    from kubelint import atomic

    target = tmp_path / "report.txt"
    target.write_text("old report\n")
    os.chmod(target, 0o640)

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic.write_text(str(target), "new report\n" * 1000)
    assert target.read_text() == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]  # temporary file removed
    monkeypatch.undo()
    atomic.write_text(str(target), "new report\n")
    assert target.read_text() == "new report\n" and (target.stat().st_mode & 0o777) == 0o640


def test_output_write_error_is_one_line_exit_2(tmp_path):
    (tmp_path / "other.yaml").write_text(OTHER)
    rc, out, err = cli("--output", str(tmp_path / "missing-dir" / "report.txt"), str(tmp_path / "other.yaml"))
    assert rc == 2 and "kubelint: error: cannot write" in err and len(err.strip().splitlines()) == 1


def test_output_to_a_directory_is_a_usage_error(tmp_path):
    (tmp_path / "other.yaml").write_text(OTHER)
    rc, out, err = cli("--output", str(tmp_path), str(tmp_path / "other.yaml"))
    assert rc == 2 and "directory" in err


# --- internal errors: reported, and the rest of the run goes on ----------------------------------

def test_a_loader_bug_is_an_internal_error_on_that_file_only(tmp_path, monkeypatch):
    d = _tree(tmp_path)
    (d / "boom.yaml").write_text("kind: ConfigMap\n")
    real = loader.parse_text

    def parse(text, path, limits=Limits()):
        if path.endswith("boom.yaml"):
            raise KeyError("simulated loader bug")
        return real(text, path, limits)

    monkeypatch.setattr(loader, "parse_text", parse)
    result = CliRunner().invoke(main, ["check", "--no-progress", "--quiet", str(d)])
    assert result.exit_code == 2, result.output
    assert f"{d / 'boom.yaml'}:1:1: error [internal-error] kubelint internal error while reading the file: KeyError" in result.output
    assert OTHER_RULE in result.output


def test_a_cross_object_rule_bug_keeps_the_other_findings(tmp_path, monkeypatch):
    from kubelint import runner

    d = _tree(tmp_path)

    class Broken:
        name = "cross-object"

        def check_all(self, objects, ctx):
            raise RuntimeError("simulated rule bug")

    real = runner.build_context

    def build(options):
        ctx = real(options)
        ctx.cross_stages.insert(0, Broken())
        return ctx

    monkeypatch.setattr(runner, "build_context", build)
    result = CliRunner().invoke(main, ["check", "--no-progress", "--quiet", str(d)])
    assert result.exit_code == 2, result.output
    assert "error [internal-error] kubelint internal error in the cross-object stage: RuntimeError: simulated rule bug" in result.output
    assert OTHER_RULE in result.output


def test_write_baseline_touches_no_other_file(tmp_path):
    d = _tree(tmp_path)
    (d / "notes.txt").write_text("keep me\n")
    target = d / "baseline.json"
    before = _snapshot(d)
    rc, _, err = cli("--write-baseline", str(target), str(d / "other.yaml"))
    assert rc == 0, err
    after = _snapshot(d)
    assert set(after) == set(before) | {target}
    assert all(after[p] == before[p] for p in before)
