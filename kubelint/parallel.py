"""Parallel runs (``--jobs N``): the same result as a serial run, faster.

The runner's phases stay in the same order, so rules that need every
object still see every object:

1. **load** (parallel): forked workers read, decode and parse files and
   build their objects; each file comes back as one compact ``marshal``
   blob (plain data and position shadows, shared aliases kept shared) plus
   the loader's findings.  The parent rebuilds the :class:`KubeObject`
   views in input order.  No worker keeps a file's text once it is parsed.
2. **prepare** (parent): stages that must see every object first (CRDs).
3. **per-object checks** (parallel): a second set of workers is forked
   *after* prepare, so each inherits the whole object index and whatever
   prepare built; they check slices of the files and return only findings.
4. **cross-object rules, suppressions, sorting** (parent), as serially.

Results are consumed in input order (``imap``), so findings, counts and
output are identical to ``--jobs 1`` (tests/test_parallel.py compares
them over the corpus).  Small inputs run serially: forking costs more than
it saves below :data:`MIN_PARALLEL_BYTES` of input (phase 1) or
:data:`MIN_PARALLEL_OBJECTS` objects (phase 3), measured in bench/.
Platforms without ``fork`` (Windows) always run serially.

No run state lives in this module's globals: phase 1 sends each worker its
paths, limits and ``--debug`` in the task; phase 3 hands the object index
and the run context to the workers through the pool initializer (inherited
by ``fork``, never pickled), which keeps them in :data:`_WORKER`, set only
inside worker processes.
"""

from __future__ import annotations

import functools
import marshal
import os
import re
from typing import Callable, List, Optional

from .findings import Finding
from .loader import STDIN, Limits, LoadedFile, discover, load_file
from .model import KubeObject
from .phases import FileResult, RunContext, check_objects, objects_of

# Break-even points, from CPU time measured on 2 cores (bench/README.md,
# `bench/bench.py --threshold`): forked loading costs ~35% more CPU than
# serial plus ~40 ms to start, so it pays from ~1-2 MB of manifests;
# forked checks cost ~40% more CPU (copy-on-write of the object index) and
# pay from ~3,000 objects.  On a busy machine parallel runs pay later.
MIN_PARALLEL_BYTES = 2 << 20
MIN_PARALLEL_OBJECTS = 3000

# Stages that report a rule only once per run keep the "already reported"
# set on the stage; workers each have a copy of it, so the parent keeps the
# first in input order.  A stage declares such rules with two attributes:
# ``once_per_kind`` (once per apiVersion and kind, e.g. schema.py's
# ``no-schema``) and ``once_per_message`` (once per kind and message with
# list indices blanked, e.g. a CEL rule skipped once per rule: crd/stage.py).
_INDEX = re.compile(r"\[\d+\]")


def useful_jobs(jobs: int) -> int:
    """``--jobs`` capped at the CPUs this process may use: the work is
    CPU-bound, and ``--jobs 1000`` forking 1,000 workers made the corpus
    take 114 s instead of 6.5 s."""
    from .settings import default_jobs

    return max(1, min(jobs, default_jobs()))


def _worker_init(initializer, initargs) -> None:
    # Ctrl-C goes to the whole process group: the parent handles it (exit
    # 130, kubelint.cli); workers must not print a traceback each.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def _fork_context():
    # multiprocessing and concurrent.futures are imported only by runs that
    # go parallel: they cost a one-file run ~25 ms of start-up.
    import multiprocessing

    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork (Windows)
        return None


def _ordered_map(fn, chunks, jobs, mp, initializer=None, initargs=()):
    """Yield ``(chunk, fn(chunk))`` in order, computed by ``jobs`` forked
    workers (each first runs ``initializer(*initargs)``).  A worker that dies
    (killed, out of memory, a crash in C code) raises
    :class:`BrokenProcessPool` here instead of hanging the run."""
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)) or 1,
        mp_context=mp,
        initializer=_worker_init,
        initargs=(initializer, initargs),
    )
    try:
        yield from zip(chunks, executor.map(fn, chunks))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------------------
# Phase 1: load


def _load_chunk(limits: Limits, debug: bool, chunk):
    """A worker's task: ``chunk`` is ``[(index, path), ...]``."""
    return [_load_one(path, limits, debug) for _, path in chunk]


def _load_one(path: str, limits: Limits, debug: bool):
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


def _input_bytes(entries) -> int:
    total = 0
    for path, error in entries:
        if error is None and path != STDIN:
            try:
                total += os.stat(path).st_size
            except OSError:
                pass
    return total


def load_all(
    paths,
    limits: Limits,
    jobs: int,
    stdin=None,
    context_only: bool = False,
    progress: Optional[Callable] = None,
    debug: bool = False,
    entries: Optional[list] = None,
) -> list:
    """Phase 1 for ``paths``: a :class:`~kubelint.phases.FileResult` per
    input file, in input order (as ``iter_load`` + ``objects_of``).
    ``entries``: the ``(path, error)`` inputs already sorted out by
    :func:`kubelint.discover.plan`, instead of walking ``paths``."""
    if entries is None:
        entries = list(discover(paths))
    total = len(entries)
    jobs = useful_jobs(jobs)
    if jobs > 1 and total > 1 and _input_bytes(entries) >= MIN_PARALLEL_BYTES:
        ctx = _fork_context()
        if ctx is not None:
            return _load_parallel(entries, limits, jobs, stdin, context_only, progress, ctx, debug)
    out = []
    # The files discovered above, not a second walk: a file deleted in
    # between is reported (unreadable-file), as the parallel path does.
    for n, (path, error) in enumerate(entries, 1):
        loaded = _error_file(path, error) if error is not None else load_file(path, limits, stdin, debug=debug)
        out.append(objects_of(loaded, context_only))
        if progress is not None:
            progress(n, total, "loading")
    return out


def _load_parallel(entries, limits, jobs, stdin, context_only, progress, ctx, debug) -> list:
    from concurrent.futures.process import BrokenProcessPool

    work = [i for i, (path, error) in enumerate(entries) if error is None and path != STDIN]
    results: list = [None] * len(entries)
    for i, (path, error) in enumerate(entries):
        if error is not None:
            results[i] = objects_of(_error_file(path, error), context_only)
        elif path == STDIN:
            results[i] = objects_of(load_file(path, limits, stdin, debug=debug), context_only)
    chunk = max(1, min(16, len(work) // (jobs * 8) or 1))
    chunks = [[(i, entries[i][0]) for i in work[n : n + chunk]] for n in range(0, len(work), chunk)]
    done = len(entries) - len(work)
    task = functools.partial(_load_chunk, limits, debug)
    try:
        for pairs, packed in _ordered_map(task, chunks, jobs, ctx):
            for (i, _), p in zip(pairs, packed):
                results[i] = _rebuild(p, context_only)
            done += len(pairs)
            if progress is not None:
                progress(done, len(entries), "loading")
    except BrokenProcessPool:
        # A worker died: finish here, in this process, what is missing
        # (a file that crashes the parser then fails as it would serially).
        for i in work:
            if results[i] is None:
                results[i] = objects_of(load_file(entries[i][0], limits, debug=debug), context_only)
    return results


# ---------------------------------------------------------------------------
# Phase 3: per-object checks

# (inputs, run context): set by the pool initializer, only in worker processes.
_WORKER: Optional[tuple] = None


def _start_worker(inputs: list, ctx: RunContext) -> None:
    global _WORKER
    _WORKER = (inputs, ctx)


def _check_chunk(indices):
    inputs, ctx = _WORKER
    out = []
    for i in indices:
        fr = inputs[i]
        before, known = len(fr.findings), len(fr.secrets)
        check_objects(fr, ctx)
        out.append((fr.findings[before:], fr.fatal, fr.secrets[known:]))
    return out


def check_all_files(inputs: list, ctx: RunContext, jobs: int, progress: Optional[Callable] = None) -> None:
    """Run every per-object stage over ``inputs`` (in place), in parallel
    when it pays."""
    total = len(inputs)
    objects = sum(len(fr.objects) for fr in inputs)
    fork = None
    jobs = useful_jobs(jobs)
    if jobs > 1 and objects >= MIN_PARALLEL_OBJECTS and total >= 2 and not ctx.settings.debug:
        fork = _fork_context()
    if fork is None:
        for n, fr in enumerate(inputs, 1):
            check_objects(fr, ctx)
            if progress is not None:
                progress(n, total, "checking")
        return
    _check_parallel(inputs, ctx, jobs, progress, fork, objects)


def _check_parallel(inputs: list, ctx: RunContext, jobs: int, progress, fork, objects: int) -> None:
    from concurrent.futures.process import BrokenProcessPool

    work = [i for i, fr in enumerate(inputs) if fr.objects]
    chunks = _slices(inputs, work, max(1, objects // (jobs * 8)))
    done = len(inputs) - len(work)
    once = _Once(ctx.stages)
    checked = set()
    try:
        for indices, results in _ordered_map(_check_chunk, chunks, jobs, fork, _start_worker, (inputs, ctx)):
            for i, (findings, fatal, secrets) in zip(indices, results):
                if secrets:  # values credential rules flagged in the worker
                    inputs[i].secrets.extend(secrets)
                    ctx.masker.add(inputs[i].path, secrets)
                inputs[i].findings.extend(once.first(findings))
                inputs[i].fatal = inputs[i].fatal or fatal
                checked.add(i)
            done += len(indices)
            if progress is not None:
                progress(done, len(inputs), "checking")
    except BrokenProcessPool:
        # A worker died: check the rest here, in input order.
        for i in work:
            if i not in checked:
                fr = inputs[i]
                before = len(fr.findings)
                check_objects(fr, ctx)
                fr.findings[before:] = once.first(fr.findings[before:])


def _slices(inputs: list, work: List[int], target: int) -> List[List[int]]:
    """Indices of ``work`` in slices of about ``target`` objects, in order."""
    chunks, current, size = [], [], 0
    for i in work:
        current.append(i)
        size += len(inputs[i].objects)
        if size >= target:
            chunks.append(current)
            current, size = [], 0
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
