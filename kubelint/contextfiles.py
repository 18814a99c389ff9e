"""``--context`` (and ``--crd``, ``--policy``) files: loaded once per content, for what reads them.

Context files are never reported on: their objects are read by the cross-object rules (through the
object index's lookups, :class:`kubelint.engine.ObjectIndex`), the CRD stage (schemas of custom
resources) and the admission stage (policies, bindings and their parameters), and their secret values
are masked in every output.  None of them goes through the per-object stages.  What a run needs of a
context file is therefore its objects (data and position shadows), whether it could be read at all
(``fatal``: exit status 2) and its secrets: nothing else of the loader's work (findings, suppression
comments, the text).

A pre-commit hook runs at every commit over a mostly unchanged repository, so that is kept on disk, as
*packs* per set of context arguments (``Store`` namespace ``context``, keyed by the arguments' absolute
paths and the loader limits; a pack per 4 MB of files, split by directory): ``{path: (content key, fatal,
objects, secrets)}``, like git's index.  A file's entry is used only when the hash of the bytes read now
is the entry's content key; a file whose entry is missing or stale is loaded as before (by
:func:`kubelint.parallel.load_all`, with ``--jobs``) and its bytes read again afterwards: only when they
still hash to the key they were loaded under is the result kept.  The packs hold the files of the last
run only (no growth with the history of the repository), and a pack is rewritten only when something in
it changed; the store's version key, checksums and atomic writes (kubelint/cache.py) apply to them as to
every entry.

Measured on bench/bench.py's pre-commit case (500 context files, 1.1 MB): loading them 0.10 s of CPU,
hashing their bytes, reading the pack and rebuilding the objects 0.01 s (bench/README.md).
"""

from __future__ import annotations

import os
import stat
from typing import Callable, Dict, List, Optional

from .cache import content_key
from .loader import STDIN
from .model import KubeObject
from .phases import FileResult

NAMESPACE = "context"
_NONBLOCK = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class Reads:
    """``read`` for :func:`kubelint.discover.plan`: a file's text as discovery reads it (for ``classify``),
    with the bytes of the regular files kept for their hash, so that a context file is read once."""

    def __init__(self):
        self.data: Dict[str, bytes] = {}

    def __call__(self, path: str, limits) -> Optional[str]:
        from .loader import LoadError, decode_text, read_at_most

        try:
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                data = read_at_most(fh, limits.max_file_bytes + 1, st)
        except OSError:
            return None
        regular = stat.S_ISREG(st.st_mode)
        if len(data) > limits.max_file_bytes:
            return None
        if regular:
            self.data[path] = data
        try:
            return decode_text(data)
        except LoadError:
            return None


def load(
    entries,
    settings,
    jobs: Optional[int],
    skip: Callable[[str], bool] = lambda path: False,
    reads: Optional[Reads] = None,
) -> List[FileResult]:
    """A :class:`FileResult` (objects marked ``context_only``) per entry of ``entries`` (``(path,
    error)`` pairs of :func:`kubelint.discover.plan`), in order, less those ``skip(path)`` says are
    loaded already (the inputs).  ``reads``: the bytes discovery read (the plan's ``read``)."""
    from .parallel import load_all

    wanted = [(path, error) for path, error in entries if not skip(path)]
    limits = settings.limits
    if settings.cache_dir is None:  # --no-cache
        return load_all([], limits, jobs, context_only=True, debug=settings.debug, entries=wanted)
    from .cache import store_for

    store = store_for(settings.cache_dir)
    known = reads.data if reads is not None else {}
    # the size of the context (what discovery read; else about 2 KB a file) sets the number of packs
    size = sum(map(len, known.values())) if reads is not None and known else 2048 * len(entries)
    packs = _Packs(store, settings, size)
    results: List[Optional[FileResult]] = [None] * len(wanted)
    keys: List[Optional[str]] = [None] * len(wanted)
    missing = []
    for i, (path, error) in enumerate(wanted):
        data = known.get(path)
        if data is not None:
            key = content_key(data)
        else:
            key = _key(path, limits) if error is None and path != STDIN else None
        entry = packs.get(path) if key is not None else None
        if entry is not None and entry[0] == key:
            results[i] = _rebuild(path, entry)
        else:
            keys[i] = key
            missing.append(i)
    if missing:
        loaded = load_all(
            [], limits, jobs, context_only=True, debug=settings.debug, entries=[wanted[i] for i in missing]
        )
        for i, fr in zip(missing, loaded):
            results[i] = fr
            path = wanted[i][0]
            if keys[i] is not None and _cacheable(fr) and _key(path, limits) == keys[i]:
                packs.put(path, _entry(keys[i], fr))
    # The packs keep the files of this run's context (those given as inputs too: the next run's
    # context), and nothing else.
    packs.keep_only({path for path, _ in entries})
    packs.save()
    return results


SHARD_BYTES = 4 << 20  # bytes of context files per pack (a pack is about half that): a change rewrites one


class _Packs:
    """The packs of one set of context arguments: ``{path: entry}`` split by directory into
    ``size // SHARD_BYTES`` packs (one up to 8 MB of files), read when first needed and written when
    changed.  (A directory whose pack would exceed the store's entry size is not kept: loaded each run.)"""

    def __init__(self, store, settings, size: int):
        self.store = store
        self.count = max(1, size // SHARD_BYTES)
        self.base = (
            "context-pack",
            [os.path.abspath(p) for p in tuple(settings.context_paths) + tuple(settings.crd_paths)],
            [os.path.abspath(p) for p in settings.policy_paths],
            repr(settings.limits),
            self.count,
        )
        self.packs: Dict[int, Dict[str, tuple]] = {}
        self.changed: set = set()
        self._shards: Dict[str, int] = {}

    def _shard(self, path: str) -> int:
        if self.count == 1:
            return 0
        d = os.path.dirname(path)
        n = self._shards.get(d)
        if n is None:
            n = self._shards[d] = int(content_key(d)[:8], 16) % self.count
        return n

    def _pack(self, n: int) -> Dict[str, tuple]:
        pack = self.packs.get(n)
        if pack is None:
            pack = self.store.load(NAMESPACE, content_key(*self.base, n))
            pack = self.packs[n] = pack if isinstance(pack, dict) else {}
        return pack

    def get(self, path: str) -> Optional[tuple]:
        return self._pack(self._shard(path)).get(path)

    def put(self, path: str, entry: tuple) -> None:
        n = self._shard(path)
        self._pack(n)[path] = entry
        self.changed.add(n)

    def keep_only(self, present: set) -> None:
        for n, pack in self.packs.items():
            gone = [p for p in pack if p not in present]
            for p in gone:
                del pack[p]
            if gone:
                self.changed.add(n)

    def save(self) -> None:
        for n in sorted(self.changed):
            self.store.save(NAMESPACE, content_key(*self.base, n), self.packs[n])


def _key(path: str, limits) -> Optional[str]:
    """The content key of a regular file's bytes now; None for anything else (a pipe, a device, a file
    that cannot be read or is too large): the loader reads those, and says why when it cannot."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK)  # a FIFO is neither blocked on nor read here
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limits.max_file_bytes:
            return None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return content_key(b"".join(chunks))
    except OSError:
        return None
    finally:
        os.close(fd)


def _cacheable(fr: FileResult) -> bool:
    """A result that depends on the bytes alone: not an internal error, nor memory or recursion running out."""
    return not any(f.rule in ("internal-error", "too-many-nodes", "nesting-too-deep") for f in fr.findings)


# Findings never point into context files, except the admission stage's refusals of the policies and
# bindings there (kubelint/admission/stage.py, check_all): only those keep their whole position shadow in
# the pack; the others keep where they start (KubeObject.line and .column: messages cite them), which is
# 40% of the pack's size and 70% of the time to read it.
_POSITIONED_GROUPS = ("admissionregistration.k8s.io",)


def _entry(key: str, fr: FileResult) -> tuple:
    objects = [
        (o.data, o.shadow if o.group in _POSITIONED_GROUPS else o.shadow[:2] + (None,), o.doc_index, o.item_index)
        for o in fr.objects
    ]
    return (key, fr.fatal, objects, [tuple(s) for s in fr.secrets])


def _rebuild(path: str, entry: tuple) -> FileResult:
    _, fatal, objects, secrets = entry
    fr = FileResult(path, fatal=fatal)
    fr.secrets = list(secrets)  # (value, line, column, key_column): kubelint.mask.Masker.add takes tuples
    for data, shadow, doc_index, item_index in objects:
        obj = KubeObject(data, shadow, path, doc_index, item_index)
        obj.context_only = True
        fr.objects.append(obj)
    return fr
