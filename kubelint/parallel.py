"""Parallel runs (``--jobs``): the same result as a serial run, faster, and
only when that pays.

The runner's phases stay in the same order, so rules that need every
object still see every object:

1. **load**: with the C extension, this process builds every file's
   objects while the extension's prefetch thread runs libyaml over the
   next files on a second core (from :data:`MIN_PREFETCH_BYTES`,
   :class:`kubelint.loader.Prefetch`).  Without it (the Python loader),
   from :data:`MIN_PARALLEL_BYTES`, this process and forked workers read,
   decode and parse files and build their objects; a worker sends each
   file back as one compact ``marshal`` blob (plain data and position
   shadows, shared aliases kept shared) plus the loader's findings, and
   this process rebuilds the :class:`KubeObject` views.  No worker keeps a
   file's text once it is parsed.
2. **prepare** (this process): stages that must see every object first (CRDs).
3. **per-object checks** (parallel): workers forked *after* prepare share
   the whole object index and whatever prepare built with this process
   (copy-on-write pages); they check slices of the files (cut by estimated
   cost, smaller towards the end: :func:`_slices`) and return only findings.
4. **cross-object rules** (this process): they read the objects and none of
   phase 3's findings, so this process runs them *while* the workers check,
   then takes its share of the slices (serially they run after the checks;
   their findings follow phase 3's either way).
5. **suppressions, masking, sorting** (this process), as serially.

**This process works too**: with N workers, N - 1 are forked and this
process takes chunks from the same shared counter (:func:`_shared_map`).
Its own chunks need no round trip through a pipe, and in phase 3 it checks
its share of the index in the pages it already owns: a forked worker copies
every page whose objects it reads (CPython 3.11 writes reference counts
into the objects; ``gc.freeze()`` cannot help, the run keeps the collector
off anyway), so each forked worker costs about its share of the index in
memory.  Results are consumed in input order, so findings, counts and
output are identical to ``--jobs 1`` (tests/test_parallel.py compares them
over the corpus).

**How many workers** (:func:`choose_workers`, a pure function of its
inputs, and :func:`read_cores`, which measures them): ``--jobs auto`` (the
command line's default) uses the free cores: the CPUs this process may run
on (``sched_getaffinity``), capped by a cgroup CPU quota (``cpu.max``, or
``cpu.cfs_quota_us`` under cgroup v1), less what other processes keep busy
(the smaller of the 1-minute load average and the number of runnable
processes right now, both from ``/proc/loadavg``), rounded to whole cores.
On a machine whose other core is busy a parallel run costs more CPU for no
gain in time, so auto stays serial there.  An explicit ``--jobs N`` is
honoured, capped at the usable CPUs (affinity and quota).  Either way small
inputs run serially: below :data:`MIN_PARALLEL_BYTES` of input (phase 1)
or :data:`MIN_PARALLEL_OBJECTS` objects (phase 3) forking costs more than
it saves, and above them each further worker needs another half of that
much work (bench/bench.py ``--threshold`` measures the break-even).
Platforms without ``fork`` (Windows) always run serially.

No run state lives in this module's globals: workers are forked with their
task (the chunks, the function, the object index and run context) as the
arguments of the process, inherited, never pickled.
"""

from __future__ import annotations

import marshal
import os
import sys

from . import loader, record
from .lazyre import lazy
from .findings import Finding
from .loader import STDIN, Limits, LoadedFile, discover, load_file
from .model import KubeObject
from .phases import FileResult, RunContext, check_objects, objects_of

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Callable, List, Optional

# Break-even points, measured on 2 cores (bench/README.md, `bench/bench.py
# --threshold`, and whole corpus runs).  Loading with the C extension: its
# prefetch thread (loader.Prefetch) runs libyaml beside this process; it
# costs a thread start (~0.1 ms) and a copy of each text, and pays from
# about a megabyte.  Forked loading (the Python loader, or a C build without
# threads): it cost ~35% more CPU than serial plus ~40 ms to start and paid
# from ~1-2 MB of manifests with the Python loader; with the C extension the
# marshal round trip to this process ate the gain (0.47-1.01x up to 17 MB,
# and 0.35 s wall for 0.66 s CPU on the corpus, where the prefetch thread
# takes 0.34 s wall for 0.55 s CPU), so the extension loads with its thread.  Checks: forked checks paid from ~800
# objects (1.3x; 3,000 before this process took a share of the work and ran
# the cross-object rules while the workers check).
# The --jobs 1000 that forked 1,000 workers (114 s instead of 6.5 s for the
# corpus) is capped at the usable CPUs by choose_workers.
MIN_PREFETCH_BYTES = 1 << 20
MIN_PARALLEL_BYTES = 2 << 20  # forked loading: the Python loader (a C build without threads has no fork)
MIN_PARALLEL_OBJECTS = 800

# Stages that report a rule only once per run keep the "already reported"
# set on the stage; workers each have a copy of it, so the parent keeps the
# first in input order.  A stage declares such rules with two attributes:
# ``once_per_kind`` (once per apiVersion and kind, e.g. schema.py's
# ``no-schema``) and ``once_per_message`` (once per kind and message with
# list indices blanked, e.g. a CEL rule skipped once per rule: crd/stage.py).
_INDEX = lazy(r"\[\d+\]")


class Cores(record.FrozenRecord):
    """What :func:`choose_workers` needs to know about the machine."""

    cpus: int  # CPUs this process may run on (sched_getaffinity)
    quota: Optional[float] = None  # cgroup CPU quota in cores (cpu.max), None: no limit
    busy: float = 0.0  # cores of those CPUs that other processes keep busy

    _FIELDS = ("cpus", "quota", "busy")

    def __init__(self, cpus, quota=quota, busy=busy):
        object.__setattr__(self, "cpus", cpus)
        object.__setattr__(self, "quota", quota)
        object.__setattr__(self, "busy", busy)

    @property
    def usable(self) -> int:
        """The CPUs, capped by the quota (1.5 cores of quota: 2 workers)."""
        n = self.cpus
        if self.quota is not None:
            n = min(n, int(self.quota + 0.5))
        return max(1, n)


def choose_workers(requested: Optional[int], work: int, minimum: int, cores: Cores) -> int:
    """How many processes (this one included) should do ``work`` units
    (bytes to load, objects to check), of which ``minimum`` is where a
    second worker starts to pay.

    ``requested``: ``--jobs N``, or ``None`` for ``--jobs auto``.  Below
    ``minimum``: 1.  Above it each further worker needs another
    ``minimum / 2`` units.  Never more than the usable CPUs; ``auto`` also
    never more than the free cores (usable less busy, to the nearest
    whole core)."""
    if (requested is not None and requested <= 1) or work < minimum:
        return 1
    n = min(cores.usable, work // max(1, minimum // 2))
    if requested is None:
        n = min(n, int(cores.usable - cores.busy + 0.5))
    else:
        n = min(n, requested)
    return max(1, n)


def read_cores(load: bool = True) -> Cores:
    """This machine's :class:`Cores` now (Linux; elsewhere every CPU, idle).
    ``load``: also measure what other processes keep busy (costs ~0.1 ms)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    busy = _busy(cpus) if load else 0.0
    return Cores(max(1, cpus), _cgroup_quota(), busy)


def _busy(cpus: int) -> float:
    """Cores of this process's CPUs that other processes keep busy: the
    smaller of the 1-minute load average (which lags: it still counts a
    job that just ended, and a benchmark's own previous runs) and the
    runnable processes right now less this one (noisy: the median of three
    reads), scaled to this process's share of the machine's CPUs."""
    samples = []
    load1 = 0.0
    for _ in range(3):
        try:
            with open("/proc/loadavg", "rb") as fh:
                fields = fh.read().split()
            load1 = float(fields[0])
            samples.append(int(fields[3].split(b"/")[0]) - 1)
        except (OSError, ValueError, IndexError):
            return 0.0
    samples.sort()
    others = min(load1, float(max(0, samples[1])))
    return others * cpus / max(cpus, os.cpu_count() or cpus)


def _cgroup_quota() -> Optional[float]:
    """The tightest CPU quota of this process's cgroup and its parents, in
    cores (cgroup v2 ``cpu.max``, v1 ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``)."""
    try:
        with open("/proc/self/cgroup") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    best = None
    for line in lines:
        hierarchy, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if hierarchy == "0" and controllers == "":
            base, files = "/sys/fs/cgroup", ("cpu.max",)
        elif "cpu" in controllers.split(","):
            base, files = "/sys/fs/cgroup/" + controllers, ("cpu.cfs_quota_us", "cpu.cfs_period_us")
        else:
            continue
        parts = [p for p in path.split("/") if p and p not in (".", "..")]
        for depth in range(len(parts), -1, -1):
            quota = _quota_at(os.path.join(base, *parts[:depth]), files)
            if quota is not None and (best is None or quota < best):
                best = quota
    return best


def _quota_at(directory: str, files) -> Optional[float]:
    try:
        texts = []
        for name in files:
            with open(os.path.join(directory, name)) as fh:
                texts.append(fh.read().split())
    except OSError:
        return None
    try:
        if len(files) == 1:  # v2: "max 100000" or "150000 100000"
            quota, period = texts[0][0], texts[0][1]
        else:  # v1: "-1" or "150000", then "100000"
            quota, period = texts[0][0], texts[1][0]
        if quota in ("max", "-1") or int(period) <= 0:
            return None
        return int(quota) / int(period)
    except (ValueError, IndexError):
        return None


def _fork_context():
    # multiprocessing is imported only by runs that go parallel: it costs a
    # one-file run ~25 ms of start-up.
    import multiprocessing

    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork (Windows)
        return None


def _take(counter) -> int:
    with counter.get_lock():
        i = counter.value
        counter.value = i + 1
    return i


def _worker_main(chunks, work, counter, conn) -> None:
    """A forked worker: take the next chunk from ``counter`` until none is
    left, send ``(i, [work(item), ...])`` for each; ``None`` instead of the
    list if ``work`` raised (this process redoes the chunk, and raises
    where a serial run would)."""
    # Ctrl-C goes to the whole process group: the parent handles it (exit
    # 130, kubelint.cli); workers must not print a traceback each.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        i = _take(counter)
        if i >= len(chunks):
            break
        try:
            result = [work(item) for item in chunks[i]]
        except Exception:
            result = None
        try:
            conn.send((i, result))
        except Exception:  # a result that cannot be pickled (nothing was written yet)
            conn.send((i, None))
    conn.close()


def _shared_map(chunks: list, work: Callable, here: Callable, workers: int, mp, first: Optional[Callable] = None):
    """Yield ``(chunk, results)`` for every chunk of ``chunks``, in order.

    ``workers - 1`` forked processes compute ``[work(item) for item in
    chunk]`` and this process ``[here(item) ...]`` (``here`` may return
    its result in another form: it needs no pipe), each taking the next
    chunk from one shared counter, so none waits while work is left.  Between
    two items of its own this process collects what the workers sent.  A
    worker that dies (killed, out of memory, a crash in C code) loses the
    chunks it took: this process computes them at the end (and calls
    :func:`_recovered` for each), instead of hanging the run.  ``first``:
    work of its own this process does once the workers are forked, before
    its first chunk (the cross-object rules: :func:`check_all_files`)."""
    from multiprocessing.connection import wait

    counter = mp.Value("q", 0)
    procs, readers = [], []
    # A forked worker flushes its copy of the standard streams' buffers when
    # it ends: nothing written before the fork may be written twice.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    try:
        for _ in range(min(workers, len(chunks)) - 1):
            reader, writer = mp.Pipe(duplex=False)
            _widen(writer)
            proc = mp.Process(target=_worker_main, args=(chunks, work, counter, writer), daemon=True)
            proc.start()
            writer.close()  # the worker holds the only write end: its exit is EOF here
            procs.append(proc)
            readers.append(reader)
        done: dict = {}
        if first is not None:
            first()

        def collect(timeout):
            for reader in wait(readers, timeout):
                try:
                    i, result = reader.recv()
                except (EOFError, OSError):  # the worker exited (or died mid-message)
                    readers.remove(reader)
                    continue
                if result is not None:
                    done[i] = result

        nxt = 0
        while True:
            i = _take(counter)
            if i >= len(chunks):
                break
            out = []
            for item in chunks[i]:
                out.append(here(item))
                if readers:
                    collect(0)
            done[i] = out
            while nxt in done:
                yield chunks[nxt], done.pop(nxt)
                nxt += 1
        while nxt < len(chunks):
            if nxt in done:
                yield chunks[nxt], done.pop(nxt)
                nxt += 1
            elif readers:
                collect(None)
            else:  # lost with a worker that died, or failed there: computed here
                _recovered(nxt)
                yield chunks[nxt], [here(item) for item in chunks[nxt]]
                nxt += 1
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join()
        for reader in readers:
            reader.close()


def _widen(conn) -> None:
    """Let a worker write up to 1 MiB (Linux's default ``pipe-max-size``)
    before it blocks, instead of 64 KiB: it keeps checking while this process
    is busy with ``first`` (the corpus's findings pickle to 830 KiB in 16
    chunks of up to 111 KiB)."""
    try:
        import fcntl

        fcntl.fcntl(conn.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError, ValueError):
        pass


def _recovered(index: int) -> None:
    """Called for each chunk this process computes because the worker that
    took it died or failed (a hook for tests)."""


# ---------------------------------------------------------------------------
# Phase 1: load


def _load_one(path: str, limits: Limits, debug: bool):
    """A worker's task for one file: its objects packed for the pipe."""
    fr = objects_of(load_file(path, limits, debug=debug))
    blob = marshal.dumps([(o.data, o.shadow, o.doc_index, o.item_index) for o in fr.objects])
    return fr.path, blob, fr.findings, fr.documents, fr.fatal, fr.directives, fr.secrets


def _rebuild(packed, context_only: bool):
    path, blob, findings, documents, fatal, directives, secrets = packed
    fr = FileResult(path, findings, fatal=fatal)
    fr.documents = documents
    fr.directives = directives
    fr.secrets = secrets  # what kubelint.mask must hide in every output
    for data, shadow, doc_index, item_index in marshal.loads(blob):
        obj = KubeObject(data, shadow, path, doc_index, item_index)
        obj.context_only = context_only
        fr.objects.append(obj)
    return fr


def _error_file(path: str, error) -> LoadedFile:
    lf = LoadedFile(path, fatal=True)
    lf.problems.append(Finding(error.rule, "error", error.message, path, 1, 1))
    return lf


def _input_bytes(entries, enough: Optional[int] = None) -> int:
    """The size of the input files; with ``enough``, counted only until it is reached."""
    total = 0
    for path, error in entries:
        if error is None and path != STDIN:
            try:
                total += os.stat(path).st_size
            except OSError:
                pass
            if enough is not None and total >= enough:
                break
    return total


def _workers(jobs: Optional[int], work: int, minimum: int) -> int:
    """:func:`choose_workers` for this machine now (the load is read only
    for ``--jobs auto`` and only when the work is big enough to matter)."""
    if jobs == 1 or work < minimum:
        return 1
    return choose_workers(jobs, work, minimum, read_cores(load=jobs is None))


def load_all(
    paths,
    limits: Limits,
    jobs: Optional[int],
    stdin=None,
    context_only: bool = False,
    progress: Optional[Callable] = None,
    debug: bool = False,
    entries: Optional[list] = None,
) -> list:
    """Phase 1 for ``paths``: a :class:`~kubelint.phases.FileResult` per
    input file, in input order (as ``iter_load`` + ``objects_of``).
    ``jobs``: ``--jobs`` (``None``: auto, see :func:`choose_workers`).
    ``entries``: the ``(path, error)`` inputs already sorted out by
    :func:`kubelint.discover.plan`, instead of walking ``paths``."""
    if entries is None:
        entries = list(discover(paths))
    total = len(entries)
    ahead = None
    if jobs != 1 and total > 1:
        if loader.Prefetch.available():
            # A second core runs libyaml over the next files while this
            # process builds (loader.Prefetch): cheaper in CPU and in time
            # than forked loading, whose results come back through a pipe.
            size = _input_bytes(entries, MIN_PREFETCH_BYTES)  # one thread: enough to know it pays
            if _workers(jobs, size, MIN_PREFETCH_BYTES) > 1:
                ahead = loader.Prefetch.start([p for p, e in entries if e is None and p != STDIN], limits)
        else:
            workers = _workers(jobs, _input_bytes(entries), MIN_PARALLEL_BYTES)
            mp = _fork_context() if workers > 1 else None
            if mp is not None:
                return _load_parallel(entries, limits, workers, stdin, context_only, progress, mp, debug)
    out = []
    # The files discovered above, not a second walk: a file deleted in
    # between is reported (unreadable-file), as the parallel path does.
    # The prefetch thread is stopped before anything forks.
    try:
        for n, (path, error) in enumerate(entries, 1):
            if error is not None:
                loaded = _error_file(path, error)
            else:
                loaded = load_file(path, limits, stdin, debug=debug, ahead=None if path == STDIN else ahead)
            out.append(objects_of(loaded, context_only))
            if progress is not None:
                progress(n, total, "loading")
    finally:
        if ahead is not None:
            ahead.close()
    return out


def _load_parallel(entries, limits, workers, stdin, context_only, progress, mp, debug) -> list:
    work = [i for i, (path, error) in enumerate(entries) if error is None and path != STDIN]
    results: list = [None] * len(entries)
    for i, (path, error) in enumerate(entries):
        if error is not None:
            results[i] = objects_of(_error_file(path, error), context_only)
        elif path == STDIN:
            results[i] = objects_of(load_file(path, limits, stdin, debug=debug), context_only)
    chunk = max(1, min(16, len(work) // (workers * 8) or 1))
    chunks = [work[n : n + chunk] for n in range(0, len(work), chunk)]
    done = len(entries) - len(work)

    def remote(i):  # in a worker
        return _load_one(entries[i][0], limits, debug)

    def here(i):  # in this process: no packing
        return objects_of(load_file(entries[i][0], limits, debug=debug), context_only)

    for indices, loaded in _shared_map(chunks, remote, here, workers, mp):
        for i, fr in zip(indices, loaded):
            results[i] = fr if isinstance(fr, FileResult) else _rebuild(fr, context_only)
        done += len(indices)
        if progress is not None:
            progress(done, len(entries), "loading")
    return results


# ---------------------------------------------------------------------------
# Phase 3: per-object checks


def _check_one(fr: FileResult, ctx: RunContext):
    """Check one file, returning what the check added (findings, the fatal
    flag, secrets to mask) and leaving ``fr`` as it was."""
    before, known = len(fr.findings), len(fr.secrets)
    check_objects(fr, ctx)
    found, secrets = fr.findings[before:], fr.secrets[known:]
    del fr.findings[before:], fr.secrets[known:]
    return found, fr.fatal, secrets


def check_all_files(
    inputs: list,
    ctx: RunContext,
    jobs: Optional[int],
    progress: Optional[Callable] = None,
    meanwhile: Optional[Callable] = None,
) -> None:
    """Run every per-object stage over ``inputs`` (in place), in parallel
    when it pays (``jobs``: ``--jobs``, ``None`` for auto).

    ``meanwhile``: work that needs the objects but none of their findings
    (the cross-object rules), done in this process: after the checks when
    serial, while the workers check when parallel (this process then takes
    fewer chunks from the shared counter)."""
    total = len(inputs)
    objects = sum(len(fr.objects) for fr in inputs)
    mp = None
    if jobs != 1 and total >= 2 and not ctx.settings.debug:
        workers = _workers(jobs, objects, MIN_PARALLEL_OBJECTS)
        mp = _fork_context() if workers > 1 else None
    if mp is None:
        for n, fr in enumerate(inputs, 1):
            check_objects(fr, ctx)
            if progress is not None:
                progress(n, total, "checking")
        if meanwhile is not None:
            meanwhile()
        return
    _check_parallel(inputs, ctx, workers, progress, mp, meanwhile)


def _check_parallel(inputs: list, ctx: RunContext, workers: int, progress, mp, meanwhile=None) -> None:
    work = [i for i, fr in enumerate(inputs) if fr.objects]
    chunks = _slices(work, {i: _cost(inputs[i]) for i in work}, workers)
    done = len(inputs) - len(work)
    once = _Once(ctx.stages)

    def check(i):  # in a worker, forked after prepare: the index and ctx are inherited
        return _check_one(inputs[i], ctx)

    # This process checks its chunks with the same function: the result
    # comes back as from a worker, and is merged in input order below.
    # (After a worker's death, the chunks it lost are checked here last;
    # a once-per-kind rule first met there is then reported where this
    # process met it first.)
    for indices, results in _shared_map(chunks, check, check, workers, mp, meanwhile):
        for i, (findings, fatal, secrets) in zip(indices, results):
            if secrets:  # values credential rules flagged in a worker
                inputs[i].secrets.extend(secrets)
                ctx.masker.add(inputs[i].path, secrets)
            inputs[i].findings.extend(once.first(findings))
            inputs[i].fatal = inputs[i].fatal or fatal
        done += len(indices)
        if progress is not None:
            progress(done, len(inputs), "checking")


# What checking an object costs, relative to a built-in kind's (measured
# serially over ../shared/corpus: 0.20 ms per built-in object, 0.12 ms per
# custom resource, 4.1 ms per CustomResourceDefinition, whose own schema is
# checked structurally and its CEL rules compiled).
CRD_COST = 20


def _cost(fr: FileResult) -> int:
    return sum(CRD_COST if o.kind == "CustomResourceDefinition" else 1 for o in fr.objects)


def _slices(work: List[int], costs: dict, workers: int) -> List[List[int]]:
    """Indices of ``work`` in consecutive slices by cost, each about a
    ``4 * workers``-th of the work still left (at least a 64th of the whole):
    big slices first, small ones last, so that whoever finishes first waits
    little for the others.  Every process takes its slices in input order,
    which keeps the stages' once-per-run rules right (:class:`_Once`)."""
    left = sum(costs.values())
    floor = max(1, left // 64)
    chunks, current, size = [], [], 0
    target = max(floor, left // (4 * workers))
    for i in work:
        current.append(i)
        size += costs[i]
        if size >= target:
            chunks.append(current)
            left -= size
            current, size = [], 0
            target = max(floor, left // (4 * workers))
    if current:
        chunks.append(current)
    return chunks


class _Once:
    """The rules the stages report once per run (``once_per_kind``,
    ``once_per_message``): each worker has its own copy of a stage's
    "already reported" state, so the parent keeps the first in input order."""

    def __init__(self, stages):
        self.per_message = set()
        self.rules = set()
        for stage in stages:
            self.rules.update(getattr(stage, "once_per_kind", ()))
            self.per_message.update(getattr(stage, "once_per_message", ()))
        self.rules |= self.per_message
        self.reported = set()

    def first(self, findings: list) -> list:
        if not self.rules:
            return findings
        return _first_per_kind(findings, self.rules, self.per_message, self.reported)


def _first_per_kind(findings, once, per_message, reported) -> list:
    """Keep only the run's first finding of a once-per-kind rule for each
    (apiVersion, kind), as the serial run's stage state does: each worker
    has its own copy of that state, so each reports its first one."""
    out = []
    for f in findings:
        if f.rule in once and f.object is not None:
            key = (f.rule, f.object.api_version, f.object.kind)
            if f.rule in per_message:
                key += (_INDEX.sub("[]", f.message),)
            if key in reported:
                continue
            reported.add(key)
        out.append(f)
    return out
