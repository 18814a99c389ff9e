"""--jobs N: identical output to a serial run; prepare and cross-object
stages still see every object; progress only on a terminal."""

import io
import os
import pty
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT
from kubelint import loader, parallel, runner
from kubelint.findings import Problem
from kubelint.loader import discover
from kubelint.progress import Progress
from kubelint.report import get as reporter
from kubelint.runner import run
from kubelint.settings import Settings, default_jobs


def _parallel_whatever_the_size(monkeypatch, forked_loading):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_OBJECTS", 0)
    monkeypatch.setattr(parallel, "MIN_PREFETCH_BYTES", 0)
    if forked_loading:  # as without the C extension's prefetch thread (the Python loader)
        monkeypatch.setattr(loader.Prefetch, "available", staticmethod(lambda: False))


@pytest.fixture(params=["prefetch", "forked-loading"])
def always_parallel(request, monkeypatch):
    """Parallel whatever the input size (the thresholds are for speed only):
    loading with the C extension's prefetch thread where it has one, and
    with forked workers as the Python loader does."""
    if request.param == "prefetch" and not loader.Prefetch.available():
        pytest.skip("no prefetch thread without the C extension (test_loader_onepass fails the run for it)")
    _parallel_whatever_the_size(monkeypatch, request.param == "forked-loading")


@pytest.fixture
def forked_loading(monkeypatch):
    """Forked workers for loading and checking, whatever the input size."""
    _parallel_whatever_the_size(monkeypatch, True)


def _outputs(result):
    return {fmt: reporter(fmt).render(result) for fmt in ("json", "text", "sarif", "junit", "github")}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
def test_parallel_output_identical_to_serial_on_the_corpus(always_parallel):
    # Every third corpus file: a big, varied sample that keeps the test fast.
    files = [p for p, _ in discover([str(CORPUS)])][::3]
    assert len(files) > 800
    serial = run(files, Settings(jobs=1))
    par = run(files, Settings(jobs=2))
    assert par.findings == serial.findings
    assert (par.files, par.documents, par.fatal) == (serial.files, serial.documents, serial.fatal)
    assert list(par.objects.items()) == list(serial.objects.items())
    assert _outputs(par) == _outputs(serial)
    assert any(f.rule == "no-schema" for f in serial.findings)  # the once-per-kind rule is exercised


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
def test_admission_not_evaluated_is_reported_on_every_object_serial_and_parallel(always_parallel):
    """A policy whose namespaceSelector needs the labels of a namespace outside
    the set is "not evaluated on this object" for each object there: --jobs 1
    reported it on both Pods and --jobs 2 only on the first (found on the corpus)."""
    gke = CORPUS / "GoogleCloudPlatform__kubernetes-engine-samples"
    files = [
        str(gke / "autoscaling/custom-compute-classes/vap/restrict-wildcard-toleration.yaml"),
        str(gke / "security/wi-secrets/manifests/readonly-pod.yaml"),
        str(gke / "security/wi-secrets/manifests/secret-app.yaml"),
    ]
    serial = run(files, Settings(jobs=1))
    par = run(files, Settings(jobs=2))
    assert par.findings == serial.findings
    hit = {
        f.object.name
        for f in serial.findings
        if f.rule == "admission-policy-not-evaluated" and "readonly-ns" in f.message
    }
    assert hit == {"readonly-test", "readonly-secret-test"}


def test_parallel_identical_with_errors_stdin_and_missing_files(always_parallel, tmp_path):
    d = tmp_path / "k8s"
    d.mkdir()
    for i in range(12):
        (d / f"cm{i:02}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndatta: {{}}\n")
    (d / "broken.yaml").write_text("a: [\n")
    (d / "list.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems:\n- &a {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n- *a\n- 3\n"
    )
    (d / "crd.yaml").write_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\napiVersion: example.com/v1\nkind: "
        "Widget\nmetadata: {name: v}\n"
    )
    stdin_text = b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData: {a: b}\nbogus: 1\n"
    paths = [str(d), "-", str(tmp_path / "missing.yaml")]
    serial = run(paths, Settings(jobs=1), stdin=io.BytesIO(stdin_text))
    par = run(paths, Settings(jobs=3), stdin=io.BytesIO(stdin_text))
    assert par.findings == serial.findings and par.fatal and serial.fatal
    assert par.texts == serial.texts and "<stdin>" in par.texts
    assert _outputs(par) == _outputs(serial)
    assert sum(f.rule == "no-schema" for f in par.findings) == 1


class _Recorder:
    """A prepare stage + per-object stage + cross stage that records what
    it sees: per-object checks (run in workers) must see what prepare saw
    across *all* files."""

    name = "recorder"

    def __init__(self):
        self.prepared = None

    def prepare(self, objects, ctx):
        self.prepared = {o.name for o in objects if o.kind == "ConfigMap"}

    def check_object(self, obj, ctx):
        if obj.kind == "Pod":
            ref = obj.data.get("spec", {}).get("configMap")
            if ref not in self.prepared:
                yield Problem(
                    ("spec", "configMap"), f"no ConfigMap {ref} among {len(self.prepared)}", "internal-error", "error"
                )

    def check_all(self, objects, ctx):
        seen = sorted(o.name for o in objects)
        from kubelint.findings import Finding

        return [Finding("internal-error", "info", f"cross stage saw {len(seen)}: {','.join(seen)}", "zz", 1, 1)]


def test_prepare_and_cross_stages_see_every_object(always_parallel, monkeypatch, tmp_path):
    rec = _Recorder()
    orig = runner.build_context

    def build(options):
        ctx = orig(options)
        ctx.prepare.append(rec)
        ctx.stages.append(rec)
        ctx.cross_stages.append(rec)
        return ctx

    monkeypatch.setattr(runner, "build_context", build)
    d = tmp_path / "in"
    d.mkdir()
    ctxdir = tmp_path / "ctx"
    ctxdir.mkdir()
    for i in range(20):
        # Each pod refers to the ConfigMap of the *next* file: found only if
        # the worker checking it sees prepare's view of every file.
        (d / f"f{i:02}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm{i}}}\n---\n"
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec: {{configMap: cm{i + 1}}}\n"
        )
    (ctxdir / "extra.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm20}\n")
    results = []
    for jobs in (1, 2):
        # The checked directory is also given as context, spelt differently:
        # its files are loaded once, so the cross stage sees 41 objects, not 81.
        options = Settings(jobs=jobs, context_paths=[str(ctxdir), str(d) + "/./", str(ctxdir / "extra.yaml")])
        results.append(run([str(d)], options))
    for res in results:
        mine = [f for f in res.findings if "among" in f.message or "cross stage" in f.message]
        # cm20 comes from --context: no pod lacks its ConfigMap.
        assert [f.message.split(":")[0] for f in mine] == ["cross stage saw 41"], mine
        assert not any(f.file.endswith("extra.yaml") for f in res.findings)  # context is never reported
    assert results[0].findings == results[1].findings


def test_small_inputs_stay_serial(monkeypatch, tmp_path):
    def boom(*a, **k):
        raise AssertionError("forked for a tiny input")

    monkeypatch.setattr(parallel, "_load_parallel", boom)
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")
    assert run([str(tmp_path)], Settings(jobs=4)).files == 2


# ---------------------------------------------------------------------------
# Progress


class _Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_progress_waits_a_second_throttles_and_erases():
    out, clock = io.StringIO(), _Clock()
    p = Progress(out, clock=clock)
    p(1, 10, "loading")
    assert out.getvalue() == ""  # first second: nothing
    clock.t = 1.5
    p(2, 10)
    assert out.getvalue() == "\rkubelint: loading 2/10 files (20%)\033[K"
    clock.t = 1.52
    p(3, 10)
    assert out.getvalue().count("\r") == 1  # throttled
    p(10, 10, "checking")
    assert out.getvalue().endswith("\rkubelint: checking 10/10 files (100%)\033[K")
    p.close()
    assert out.getvalue().endswith("\r\033[K")
    quiet = io.StringIO()
    Progress(quiet, clock=clock).close()
    assert quiet.getvalue() == ""


def _run_with_tty_stderr(args, tmp_path):
    """Run kubelint with stderr on a pseudo-terminal; return (stdout, stderr)."""
    try:
        master, slave = pty.openpty()
    except OSError as exc:  # pragma: no cover - no pseudo-terminals in this sandbox
        pytest.skip(f"no pseudo-terminal: {exc}")
    env = dict(os.environ, PYTHONPATH=str(ROOT), KUBELINT_PROGRESS_DELAY="0")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kubelint", "check", *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    stdout = proc.stdout.read()
    proc.wait(timeout=120)
    os.close(master)
    return stdout.decode(), b"".join(chunks).decode(errors="replace")


def test_progress_only_on_a_terminal_and_only_for_text(tmp_path):
    for i in range(3):
        (tmp_path / f"c{i}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n")
    out, err = _run_with_tty_stderr(["."], tmp_path)
    assert "kubelint: loading" in err and err.endswith("\r\x1b[K") and "kubelint:" not in out
    out, err = _run_with_tty_stderr([".", "--format", "json"], tmp_path)
    assert err == "" and out.startswith("{")
    out, err = _run_with_tty_stderr([".", "--no-progress"], tmp_path)
    assert err == ""
    # Not a terminal: never.
    r = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "."],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT), KUBELINT_PROGRESS_DELAY="0"),
        timeout=120,
    )
    assert r.stderr == ""


# ---------------------------------------------------------------------------
# A worker that dies must not hang or change the result.


def _die_in_worker(parent):
    if os.getpid() != parent:
        os._exit(3)


def test_a_dying_worker_falls_back_to_serial(forked_loading, monkeypatch, tmp_path):
    """A worker that dies loses the chunks it took: this process computes
    them (after the workers are gone) and the result is the serial one."""
    import time

    for i in range(10):
        (tmp_path / f"c{i}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndatta: {{}}\n"
        )
    expected = run([str(tmp_path)], Settings(jobs=1))
    parent = os.getpid()
    real_load = parallel.load_file

    def load_file(path, *a, **k):
        _die_in_worker(parent)  # every worker dies on its first file
        if path.endswith("c0.yaml"):
            time.sleep(0.5)  # this process is slow on its first file: a worker surely takes one
        return real_load(path, *a, **k)

    monkeypatch.setattr(parallel, "load_file", load_file)
    recovered = []
    monkeypatch.setattr(parallel, "_recovered", recovered.append)
    assert run([str(tmp_path)], Settings(jobs=2)).findings == expected.findings
    assert recovered  # a worker did die, and the run recovered
    monkeypatch.setattr(parallel, "load_file", real_load)

    recovered.clear()
    rec = _Recorder()
    rec.prepared = set()

    def check_object(obj, ctx):
        _die_in_worker(parent)
        if obj.name == "c0":
            time.sleep(0.5)
        return []

    rec.check_object = check_object
    orig = runner.build_context

    def build(options):
        ctx = orig(options)
        ctx.stages.append(rec)
        return ctx

    monkeypatch.setattr(runner, "build_context", build)
    assert run([str(tmp_path)], Settings(jobs=2)).findings == expected.findings
    assert recovered


def test_a_worker_exception_is_raised_as_serially(forked_loading, monkeypatch, tmp_path):
    """An exception in a worker is not lost: the chunk is redone here, where
    it raises as in a serial run."""
    for i in range(6):
        (tmp_path / f"c{i}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n")
    real_load = parallel.load_file

    def load_file(path, *a, **k):
        if path.endswith("c4.yaml"):
            raise RuntimeError("boom in c4")
        return real_load(path, *a, **k)

    monkeypatch.setattr(parallel, "load_file", load_file)
    with pytest.raises(RuntimeError, match="boom in c4"):
        run([str(tmp_path)], Settings(jobs=2))


def test_jobs_option(tmp_path):
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--jobs", "0", "."],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert r.returncode == 2 and "--jobs must be at least 1" in r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "-j", "2", "."],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    for value, status in (("auto", 0), ("many", 2)):
        r = subprocess.run(
            [sys.executable, "-m", "kubelint", "check", "--jobs", value, "."],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        assert r.returncode == status, r.stdout + r.stderr
    assert "--jobs must be a number of worker processes or 'auto'" in r.stderr
    assert default_jobs() >= 1


# ---------------------------------------------------------------------------
# How many workers: a pure function of the work, the CPUs, the quota and the load.

MB = 1 << 20


def _cores(cpus=2, quota=None, busy=0.0):
    return parallel.Cores(cpus, quota, busy)


def test_small_work_is_serial_whatever_jobs_says():
    minimum = parallel.MIN_PARALLEL_BYTES
    for requested in (None, 2, 64):
        assert parallel.choose_workers(requested, minimum - 1, minimum, _cores(8)) == 1
        assert parallel.choose_workers(requested, 0, minimum, _cores(8)) == 1
    assert parallel.choose_workers(1, 100 * MB, minimum, _cores(8)) == 1


def test_auto_uses_the_free_cores():
    work, minimum = 100 * MB, 2 * MB
    assert parallel.choose_workers(None, work, minimum, _cores(2, busy=0.0)) == 2
    assert parallel.choose_workers(None, work, minimum, _cores(2, busy=0.4)) == 2  # 1.6 free: 2
    assert parallel.choose_workers(None, work, minimum, _cores(2, busy=0.6)) == 1  # 1.4 free: 1
    assert parallel.choose_workers(None, work, minimum, _cores(2, busy=1.0)) == 1  # the other core is busy
    assert parallel.choose_workers(None, work, minimum, _cores(2, busy=7.5)) == 1  # overloaded: never 0
    assert parallel.choose_workers(None, work, minimum, _cores(16, busy=3.0)) == 13


def test_explicit_jobs_are_honoured_up_to_the_usable_cpus_whatever_the_load():
    work, minimum = 100 * MB, 2 * MB
    assert parallel.choose_workers(2, work, minimum, _cores(2, busy=1.5)) == 2
    assert parallel.choose_workers(3, work, minimum, _cores(16, busy=15)) == 3
    assert parallel.choose_workers(1000, work, minimum, _cores(4)) == 4
    assert parallel.choose_workers(8, work, minimum, _cores(16, quota=2.0)) == 2


def test_a_cgroup_quota_caps_the_workers():
    work, minimum = 100 * MB, 2 * MB
    assert parallel.choose_workers(None, work, minimum, _cores(8, quota=1.0)) == 1
    assert parallel.choose_workers(None, work, minimum, _cores(8, quota=1.5)) == 2
    assert parallel.choose_workers(None, work, minimum, _cores(8, quota=0.2)) == 1
    assert parallel.choose_workers(None, work, minimum, _cores(8, quota=4.0, busy=1.0)) == 3
    assert _cores(2, quota=64.0).usable == 2


def test_each_further_worker_needs_half_the_threshold_more_work():
    minimum = 2 * MB
    assert parallel.choose_workers(None, 2 * MB, minimum, _cores(16)) == 2
    assert parallel.choose_workers(None, 3 * MB - 1, minimum, _cores(16)) == 2
    assert parallel.choose_workers(None, 3 * MB, minimum, _cores(16)) == 3
    assert parallel.choose_workers(64, 5 * MB, minimum, _cores(16)) == 5
    objects = parallel.MIN_PARALLEL_OBJECTS
    assert parallel.choose_workers(None, objects * 3 // 2, objects, _cores(16)) == 3


def test_cgroup_quota_is_read_from_v1_and_v2_files(tmp_path):
    v2 = tmp_path / "v2"
    v2.mkdir()
    (v2 / "cpu.max").write_text("150000 100000\n")
    assert parallel._quota_at(str(v2), ("cpu.max",)) == 1.5
    (v2 / "cpu.max").write_text("max 100000\n")
    assert parallel._quota_at(str(v2), ("cpu.max",)) is None
    v1 = tmp_path / "v1"
    v1.mkdir()
    (v1 / "cpu.cfs_quota_us").write_text("-1\n")
    (v1 / "cpu.cfs_period_us").write_text("100000\n")
    assert parallel._quota_at(str(v1), ("cpu.cfs_quota_us", "cpu.cfs_period_us")) is None
    (v1 / "cpu.cfs_quota_us").write_text("200000\n")
    assert parallel._quota_at(str(v1), ("cpu.cfs_quota_us", "cpu.cfs_period_us")) == 2.0
    assert parallel._quota_at(str(tmp_path / "missing"), ("cpu.max",)) is None


def test_read_cores_describes_this_machine():
    cores = parallel.read_cores()
    assert cores.cpus == default_jobs() and cores.busy >= 0
    assert parallel.read_cores(load=False).busy == 0.0


def test_jobs_auto_is_the_default_and_parsed(tmp_path):
    from kubelint.settings import SettingsError, build

    assert build().jobs is None
    assert build(jobs="auto").jobs is None and build(jobs="AUTO").jobs is None
    assert build(jobs="3").jobs == 3 and build(jobs=2).jobs == 2
    with pytest.raises(SettingsError, match="at least 1"):
        build(jobs="0")
    with pytest.raises(SettingsError, match="or 'auto'"):
        build(jobs="many")


def test_a_result_that_cannot_be_sent_is_computed_here(forked_loading, monkeypatch, tmp_path):
    """A worker whose result cannot be pickled sends nothing of it (no
    traceback from the worker): this process computes that chunk."""
    for i in range(8):
        (tmp_path / f"c{i}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndatta: 1\n")
    expected = run([str(tmp_path)], Settings(jobs=1))
    parent = os.getpid()
    import time

    real = parallel._load_one
    monkeypatch.setattr(parallel, "_load_one", lambda *a: (lambda: None) if os.getpid() != parent else real(*a))
    real_load = parallel.load_file

    def load_file(path, *a, **k):
        if os.getpid() == parent and path.endswith("c0.yaml"):
            time.sleep(0.5)  # this process is slow on its first file: a worker surely takes one
        return real_load(path, *a, **k)

    monkeypatch.setattr(parallel, "load_file", load_file)
    recovered = []
    monkeypatch.setattr(parallel, "_recovered", recovered.append)
    result = run([str(tmp_path)], Settings(jobs=2))
    assert result.findings == expected.findings
    assert recovered
