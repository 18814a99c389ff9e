"""kubelint.cache: results once per content, in memory and on disk, safe against
concurrent runs, corruption, links and failing disks; and the command line's
--no-cache / --cache-dir / ``cache:`` (docs/configuration.md#cache)."""

import json
import multiprocessing
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from kubelint import cache

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: "self.size >"
              properties:
                size: {type: integer, default: "big"}
                name: {type: string, pattern: "a(b"}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: default}
spec: {size: 3, name: x}
"""


def kubelint(*args, cwd=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "kubelint", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )


def entries(directory):
    out = []
    for root, _, files in os.walk(directory):
        out += [os.path.join(root, f) for f in files]
    return sorted(out)


# -- the store ------------------------------------------------------------------------


def test_memory_only_store_computes_once_and_writes_nothing(tmp_path):
    s = cache.Store(None)
    calls = []
    for _ in range(3):
        assert s.get_or_compute("ns", "k", lambda: calls.append(1) or [1, ("a", 2)]) == [1, ("a", 2)]
    assert calls == [1]
    assert s.entry_dir("ns") is None


def test_disk_store_round_trip_across_processes(tmp_path):
    value = {"a": [1, 2.5, None, True, ("t", b"b")], "é": "ü"}
    first = cache.Store(str(tmp_path))
    assert first.get_or_compute("ns", "k1", lambda: value) == value
    assert first.stats["write"] == 1
    second = cache.Store(str(tmp_path))  # a later run
    assert second.get_or_compute("ns", "k1", lambda: pytest.fail("recomputed")) == value
    assert second.stats["hit"] == 1
    (path,) = entries(tmp_path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(os.path.dirname(path)).st_mode & 0o777 == 0o700


def test_entries_live_under_the_version_key(tmp_path, monkeypatch):
    s = cache.Store(str(tmp_path))
    s.get_or_compute("ns", "k", lambda: 1)
    monkeypatch.setattr(cache, "version_key", lambda: "another-kubelint")
    other = cache.Store(str(tmp_path))
    assert other.get_or_compute("ns", "k", lambda: 2) == 2  # another version never reads this one's entries
    assert sorted(os.listdir(tmp_path)) == sorted([s._version, "another-kubelint"])


def test_the_version_key_follows_the_package_files_and_python(tmp_path, monkeypatch):
    key = cache.version_key()
    assert key == cache.version_key()  # stable
    monkeypatch.setattr(cache, "__version__", "9.9.9")
    assert cache.version_key() != key
    monkeypatch.undo()
    monkeypatch.setattr(cache.sys, "version", "3.99.0 (other)")
    assert cache.version_key() != key
    monkeypatch.undo()
    st = os.stat(cache.__file__)  # an edited module (a source checkout)
    try:
        os.utime(cache.__file__, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
        assert cache.version_key() != key
    finally:
        os.utime(cache.__file__, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_the_version_key_covers_the_loaders_c_extension():
    """--context files' loaded objects are cached: a rebuilt loader extension (a top-level module beside the
    package) must not reuse them."""
    import importlib.util

    spec = importlib.util.find_spec("_kubelint_yaml")
    assert spec is not None, "_kubelint_yaml is not installed (pip install . builds it; it needs a C compiler)"
    assert spec.origin in list(cache._package_files())


def test_the_version_key_finds_the_engines_where_importlib_does():
    """kubelint.cache._find_spec stands in for importlib.util.find_spec (not imported by a one-file check)."""
    import importlib.util

    for name in cache._ENGINES:
        try:
            expected = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            expected = None
        got = cache._find_spec(name)
        assert (got is None) == (expected is None), name
        if got is not None:
            assert got.origin == expected.origin, name
            assert list(got.submodule_search_locations or ()) == list(expected.submodule_search_locations or ())


def test_a_new_version_directory_prunes_all_but_the_most_recent_others(tmp_path):
    old = []
    for i in range(cache.KEEP_VERSIONS + 3):
        d = tmp_path / f"{i:024x}"
        (d / "ns").mkdir(parents=True)
        (d / "ns" / "k").write_bytes(b"x")
        os.utime(d, ns=(10**18 + i * 10**9, 10**18 + i * 10**9))
        old.append(d.name)
    (tmp_path / "not-a-version").mkdir()  # never ours: kept
    outside = tmp_path.parent / (tmp_path.name + "-outside")
    outside.mkdir()
    (outside / "precious").write_text("keep")
    os.symlink(outside, tmp_path / ("f" * 24))  # a link named like a version: kept, never followed
    s = cache.Store(str(tmp_path))
    s.get_or_compute("ns", "k", lambda: 1)
    kept = sorted(os.listdir(tmp_path))
    assert kept == sorted(old[-cache.KEEP_VERSIONS :] + [s._version, "not-a-version", "f" * 24])
    assert (outside / "precious").read_text() == "keep"
    s.get_or_compute("ns", "k2", lambda: 2)  # an existing version directory prunes nothing
    assert sorted(os.listdir(tmp_path)) == kept


CORRUPTIONS = {
    "truncated": lambda b: b[: len(b) // 2],
    "flipped payload byte": lambda b: b[:-1] + bytes([b[-1] ^ 1]),
    "flipped digest byte": lambda b: b[:6] + bytes([b[6] ^ 1]) + b[7:],
    "empty": lambda b: b"",
    "garbage": lambda b: os.urandom(300),
    "other magic": lambda b: b"XXXX" + b[4:],
}


@pytest.mark.parametrize("how", sorted(CORRUPTIONS))
def test_a_corrupted_entry_is_ignored_and_rewritten(tmp_path, how):
    cache.Store(str(tmp_path)).get_or_compute("ns", "k", lambda: ["right", 1])
    (path,) = entries(tmp_path)
    with open(path, "rb") as fh:
        blob = fh.read()
    with open(path, "wb") as fh:
        fh.write(CORRUPTIONS[how](blob))
    s = cache.Store(str(tmp_path))
    assert s.get_or_compute("ns", "k", lambda: ["right", 1]) == ["right", 1]
    assert s.stats["hit"] == 0 and s.stats["write"] == 1
    with open(path, "rb") as fh:
        assert fh.read() == blob  # rewritten whole


def test_an_entry_moved_to_another_key_does_not_verify(tmp_path):
    s = cache.Store(str(tmp_path))
    s.get_or_compute("ns", "a", lambda: "value of a")
    d = s.entry_dir("ns")
    os.replace(os.path.join(d, "a"), os.path.join(d, "b"))
    assert cache.Store(str(tmp_path)).get_or_compute("ns", "b", lambda: "value of b") == "value of b"


def test_links_and_special_files_are_never_followed(tmp_path):
    s = cache.Store(str(tmp_path / "c"))
    s.get_or_compute("ns", "real", lambda: "real")
    d = s.entry_dir("ns")
    target = tmp_path / "target"
    with open(os.path.join(d, "real"), "rb") as fh:
        target.write_bytes(fh.read())
    os.symlink(target, os.path.join(d, "linked"))
    os.mkfifo(os.path.join(d, "fifo"))  # would block a reader that opened it blindly
    s2 = cache.Store(str(tmp_path / "c"))
    # a valid entry behind a link is not read; the write replaces the link, not its target
    assert s2.get_or_compute("ns", "linked", lambda: "computed") == "computed"
    assert not os.path.islink(os.path.join(d, "linked"))
    assert target.read_bytes().endswith(b"real")
    assert s2.get_or_compute("ns", "fifo", lambda: "computed") == "computed"


def test_a_link_below_the_cache_directory_is_refused(tmp_path):
    top = tmp_path / "c"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    top.mkdir()
    os.symlink(elsewhere, top / cache.version_key())
    s = cache.Store(str(top))
    assert s.get_or_compute("ns", "k", lambda: 1) == 1
    assert os.listdir(elsewhere) == []  # nothing written through the link
    assert s._disk_ok is False


def test_a_failing_disk_turns_the_disk_cache_off(tmp_path):
    top = tmp_path / "ro"
    top.mkdir()
    os.chmod(top, 0o500)
    try:
        if os.access(top, os.W_OK):  # root ignores the mode
            top.chmod(0o700)
            (top / cache.version_key()).write_text("a file where a directory belongs")
        s = cache.Store(str(top))
        assert s.get_or_compute("ns", "k", lambda: [1]) == [1]
        assert s.get_or_compute("ns", "k2", lambda: [2]) == [2]
        assert s._disk_ok is False
    finally:
        os.chmod(top, 0o700)


def test_values_that_are_not_plain_data_stay_in_memory(tmp_path):
    s = cache.Store(str(tmp_path))
    obj = object()
    assert s.get_or_compute("ns", "k", lambda: obj) is obj
    assert entries(tmp_path) == []


def _hammer(args):
    directory, worker = args
    s = cache.Store(directory)
    seen = []
    for i in range(200):
        key = f"k{i % 10}"
        seen.append(s.get_or_compute("ns", key, lambda: {"key": key, "data": list(range(i % 10 * 100))}))
        s.memory.clear()  # read from disk every time
    return all(v == {"key": f"k{i % 10}", "data": list(range(i % 10 * 100))} for i, v in enumerate(seen))


def test_concurrent_runs_write_and_read_whole_entries(tmp_path):
    with multiprocessing.get_context("fork").Pool(4) as pool:
        assert all(pool.map(_hammer, [(str(tmp_path), w) for w in range(8)]))
    files = entries(tmp_path)
    assert len(files) == 10  # no temporary file left behind
    for path in files:
        key = os.path.basename(path)
        assert cache.Store(str(tmp_path)).get_or_compute("ns", key, lambda: pytest.fail("bad entry"))["key"] == key


def test_compiled_cel_programs_are_remembered_per_text():
    from kubelint import cel

    if not cel.available():
        pytest.skip("no CEL engine")
    calls = []

    def compile(text):
        calls.append(text)
        if text == "bad":
            raise ValueError("no")
        return ("program", text)

    assert cache.compiled(compile, "cache-test-a") is cache.compiled(compile, "cache-test-a")
    for _ in range(2):
        with pytest.raises(ValueError, match="no"):
            cache.compiled(compile, "bad")
    assert calls == ["cache-test-a", "bad"]
    assert cel.compile_error("self.x >") is not None and cel.compile_error("self.x > 1") is None


# -- the command line -----------------------------------------------------------------


def _report(r):
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def test_check_reports_the_same_with_the_cache_cold_warm_corrupted_and_off(tmp_path):
    (tmp_path / "crd.yaml").write_text(CRD)
    c = tmp_path / "cache"
    args = ("check", "--format", "json", "--jobs", "1", str(tmp_path / "crd.yaml"))
    off = _report(kubelint(*args, "--no-cache", cwd=tmp_path))
    rules = sorted({f["rule"] for f in off["findings"]})
    assert "crd-invalid" in rules
    messages = [f["message"] for f in off["findings"] if f["rule"] == "crd-invalid"]
    assert any("compilation failed" in m for m in messages) and any("regular expression" in m for m in messages)
    assert _report(kubelint(*args, "--cache-dir", str(c), cwd=tmp_path)) == off  # cold
    written = entries(c)
    assert {os.path.basename(os.path.dirname(p)) for p in written} == {"catalogue", "crd-check"}
    assert _report(kubelint(*args, "--cache-dir", str(c), cwd=tmp_path)) == off  # warm
    for path in written:  # every entry corrupted
        with open(path, "r+b") as fh:
            fh.seek(-1, os.SEEK_END)
            last = fh.read(1)
            fh.seek(-1, os.SEEK_END)
            fh.write(bytes([last[0] ^ 0xFF]))
    assert _report(kubelint(*args, "--cache-dir", str(c), cwd=tmp_path)) == off
    assert _report(kubelint(*args, "--cache-dir", str(c), cwd=tmp_path)) == off  # rewritten


def test_the_default_cache_directory_and_turning_it_off(tmp_path):
    (tmp_path / "crd.yaml").write_text(CRD)
    xdg = tmp_path / "xdg"
    env = {"XDG_CACHE_HOME": str(xdg)}
    kubelint("check", "crd.yaml", cwd=tmp_path, env=env)
    assert entries(xdg / "kubelint")  # $XDG_CACHE_HOME/kubelint
    home = tmp_path / "home"
    home.mkdir()
    kubelint("check", "crd.yaml", cwd=tmp_path, env={"XDG_CACHE_HOME": "", "HOME": str(home)})
    assert entries(home / ".cache" / "kubelint")
    other = tmp_path / "other"
    kubelint("check", "--no-cache", "crd.yaml", cwd=tmp_path, env={"XDG_CACHE_HOME": str(other)})
    assert not other.exists()


def test_cache_false_in_the_configuration_writes_nothing(tmp_path):
    (tmp_path / "crd.yaml").write_text(CRD)
    (tmp_path / ".kubelint.yaml").write_text("cache: false\nrules:\n  single-replica: off\n")
    xdg = tmp_path / "xdg"
    r = kubelint("check", "crd.yaml", cwd=tmp_path, env={"XDG_CACHE_HOME": str(xdg)})
    assert r.returncode == 1 and "crd-invalid" in r.stdout
    assert not xdg.exists()  # not even the rule catalogue, read while the configuration is


def test_cache_directory_in_the_configuration_is_relative_to_it(tmp_path):
    (tmp_path / "crd.yaml").write_text(CRD)
    (tmp_path / ".kubelint.yaml").write_text("cache: .kubelint-cache\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    kubelint("check", "../crd.yaml", cwd=sub, env={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert entries(tmp_path / ".kubelint-cache") and not (tmp_path / "xdg").exists()


def test_an_unusable_cache_directory_is_not_an_error(tmp_path):
    (tmp_path / "crd.yaml").write_text(CRD)
    (tmp_path / "file").write_text("not a directory")
    r = kubelint("check", "--format", "json", "--cache-dir", str(tmp_path / "file" / "c"), "crd.yaml", cwd=tmp_path)
    off = kubelint("check", "--format", "json", "--no-cache", "crd.yaml", cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (off.returncode, off.stdout, off.stderr)


def test_the_crd_checks_run_once_per_content(tmp_path, monkeypatch):
    from kubelint.crd import stage as crd_stage
    from kubelint.runner import run
    from kubelint.settings import Settings

    for i in range(3):  # the same CRD in three files
        (tmp_path / f"crd{i}.yaml").write_text(CRD)
    calls = []
    real = crd_stage.check_crd
    monkeypatch.setattr(crd_stage, "check_crd", lambda obj, st=None: calls.append(obj.file) or real(obj, st))
    settings = Settings(cache_dir=str(tmp_path / "c"))
    first = run([str(tmp_path)], settings)
    assert len(calls) == 1
    again = run([str(tmp_path)], Settings(cache_dir=str(tmp_path / "c")))
    assert len(calls) == 1  # the run's store (memory) and the disk
    cache._stores.clear()
    third = run([str(tmp_path)], Settings(cache_dir=str(tmp_path / "c")))
    assert len(calls) == 1  # from disk
    assert first.findings == again.findings == third.findings
    assert sum(f.rule == "crd-invalid" for f in first.findings) == 3 * 3


def test_the_crd_checks_are_kept_per_kubernetes_version(tmp_path):
    """The server words a rule's error per release (JSON of the rule from 1.34, Go's %#v before)."""
    (tmp_path / "crd.yaml").write_text(CRD)
    c = str(tmp_path / "cache")
    out = {}
    for version in ("1.33", "1.37", "1.33"):
        args = ("check", "--format", "json", "-k", version, "crd.yaml")
        cached = _report(kubelint(*args, "--cache-dir", c, cwd=tmp_path))
        assert cached == _report(kubelint(*args, "--no-cache", cwd=tmp_path))
        out[version] = sorted(f["message"] for f in cached["findings"] if f["rule"] == "crd-invalid")
    assert out["1.33"] != out["1.37"]


def test_an_entry_too_large_to_be_read_is_not_written(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 1000)
    store = cache.Store(str(tmp_path))
    store.save("big", "k" * 40, "x" * 5000)
    store.save("small", "k" * 40, "x" * 10)
    assert store.load("big", "k" * 40) is None and store.load("small", "k" * 40) == "x" * 10


def test_the_parsed_catalogue_is_one_entry_that_follows_its_files(tmp_path, monkeypatch):
    """The catalogue is parsed once per set of files, known by their names, sizes and times: an edited, added
    or removed rule file is parsed again, never served from the entry of the files before."""
    from kubelint import engine

    d = tmp_path / "rules"
    d.mkdir()
    (d / "a.yaml").write_text("- {id: a, severity: warning, summary: one}\n")
    (d / "notes.txt").write_text("not a catalogue file")

    def parsed():
        store = cache.Store(str(tmp_path / "cache"))  # a new process's store: only the disk is shared
        monkeypatch.setattr(cache, "_process", store)
        return engine._catalogue_files(str(d)), store.stats

    assert parsed() == (
        [("a.yaml", [{"id": "a", "severity": "warning", "summary": "one"}])],
        dict(STATS, miss=1, write=1),
    )
    assert parsed()[1] == dict(STATS, hit=1)  # one entry read
    (d / "a.yaml").write_text("- {id: a, severity: warning, summary: two}\n")  # same size, a later time
    assert parsed()[0] == [("a.yaml", [{"id": "a", "severity": "warning", "summary": "two"}])]
    st = os.stat(d / "a.yaml")
    (d / "a.yaml").write_text("- {id: a, severity: warning, summary: three}\n")
    os.utime(d / "a.yaml", ns=(st.st_atime_ns, st.st_mtime_ns))  # the same time, another size
    assert parsed()[0] == [("a.yaml", [{"id": "a", "severity": "warning", "summary": "three"}])]
    (d / "b.yaml").write_text("- {id: b, severity: info, summary: more}\n")
    assert [name for name, _ in parsed()[0]] == ["a.yaml", "b.yaml"]
    (d / "a.yaml").unlink()
    assert [name for name, _ in parsed()[0]] == ["b.yaml"]


STATS = {"hit": 0, "miss": 0, "bad": 0, "write": 0}
