"""Work once per content: results keyed by a hash of what they are computed from.

A :class:`Store` remembers values in memory for the life of a process and,
when it has a directory, on disk across runs (``--cache-dir``, ``cache:`` in
.kubelint.yaml; by default ``$XDG_CACHE_HOME/kubelint``, else
``~/.cache/kubelint``; ``--no-cache`` turns the disk off).  What is cached is
plain data only (``marshal``: tuples, lists, dicts, strings, numbers; never
code and never pickles), computed by a pure function of its key:

* ``crd-check``: the CRD's own checks (``crd-invalid``: structural schema,
  CEL compile verdicts, CEL type and cost checks; kubelint/crd/structural.py),
  keyed by the CRD's ``spec.versions``;
* ``catalogue``: the parsed rule catalogue (``rules/*.yaml``), one entry
  keyed by the files' names, sizes and modification times (as the version
  key knows kubelint's own files);
* ``config-schema``: whether a configuration file's data is valid against the
  published JSON Schema (kubelint/data/config.schema.json), keyed by the data;
* ``context``: the objects of ``--context`` files, one pack per set of context
  arguments, each file's entry checked against the hash of its bytes
  (kubelint/contextfiles.py).

Compiled CEL programs (objects of the Rust engine) cannot be stored; they are
remembered per process (:func:`kubelint.cel.compile_rule` compiles a rule
once per text).

Safety:

* every entry lives under a *version key*: kubelint's version, the size and
  modification time of every file of the installed package (its modules and
  the bundled schemas), the CEL, RE2 and YAML engines and the Python
  version.  Another kubelint, an edited checkout or an upgraded engine uses
  another directory, so no entry outlives the code that made it;
* an entry is ``MAGIC + blake2b(key + payload) + payload``; one that does
  not verify (truncated, corrupted, written by something else) is ignored
  and rewritten, never trusted, never a crash;
* writes go to a temporary file in the entry's directory, then
  ``os.replace``: concurrent runs each write a whole entry, and a reader
  sees an old one, a new one or none;
* nothing is followed or replaced that is not a regular file or a real
  directory: entries are opened with ``O_NOFOLLOW`` and checked with
  ``fstat``, directories below the cache directory are created ``0700`` and
  refused when they are symbolic links;
* a disk that fails (read-only, full, permission denied) turns the disk
  cache off for the rest of the run: the results are computed as without it;
* a kubelint that starts a new version directory removes all but the
  :data:`KEEP_VERSIONS` most recently used others (:func:`prune`).
"""

from __future__ import annotations

import marshal
import os
import stat
import sys

from . import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Callable, Dict, Optional

try:  # hashlib's import loads OpenSSL (2 ms) for a hash the interpreter has built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the module
    from hashlib import blake2b

MAGIC = b"KLC1"
DIGEST = 16  # bytes of blake2b
MAX_ENTRY_BYTES = 64 << 20  # a larger file is not an entry of ours
_FLAGS_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FLAGS_NONBLOCK = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_MISS = object()


def default_dir() -> str:
    """``$XDG_CACHE_HOME/kubelint``, else ``~/.cache/kubelint`` (the XDG base directory default)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):  # the spec: a relative value is invalid and ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kubelint")


def content_key(*parts) -> str:
    """A hex digest of ``parts`` (strings, bytes, or plain data: hashed in its marshal form)."""
    h = blake2b(digest_size=20)
    for p in parts:
        if isinstance(p, str):
            p = p.encode("utf-8", "surrogatepass")
        elif not isinstance(p, bytes):
            p = marshal.dumps(p)
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.hexdigest()


_SOURCE_SUFFIXES = (".py", ".json", ".yaml", ".so", ".pyd")  # extension modules (a native loader) too
_ENGINE_SUFFIXES = (".so", ".pyd", ".py")
# Engines whose verdicts are cached (found, not imported); _kubelint_yaml, the loader's C extension, is a
# top-level module beside the package, and the --context objects it loaded are cached.
_ENGINES = ("cel", "re2", "_re2", "yaml", "_kubelint_yaml")


def _package_stats():
    """(path, os.stat_result or None) of every file whose change may change a cached result: the installed
    package's modules and data, the bundled schemas' release indexes, the engines' modules."""
    from . import data

    out = []
    _tree(os.path.dirname(os.path.abspath(__file__)), out)
    sdir = data.schema_dir()  # v1.NN.json name their content-addressed shards: their times suffice
    try:
        with os.scandir(sdir) as it:
            entries = sorted((e for e in it if e.name.endswith(".json")), key=_name)
    except OSError:
        entries = ()
    for e in entries:
        out.append((e.path, _stat(e)))
    for name in _ENGINES:
        spec = _find_spec(name)
        if spec is not None:
            for loc in list(spec.submodule_search_locations or ()) or [spec.origin or ""]:
                try:
                    out.append((loc, os.stat(loc)))
                except OSError:
                    out.append((loc, None))
                if os.path.isdir(loc):
                    with os.scandir(loc) as it:
                        found = sorted((e for e in it if e.name.endswith(_ENGINE_SUFFIXES)), key=_name)
                    out.extend((e.path, _stat(e)) for e in found)
    return out


def _name(entry) -> str:
    return entry.name


def _stat(entry):
    try:
        return entry.stat()  # follows a symbolic link, as os.stat
    except OSError:
        return None


def _tree(top: str, out: list) -> None:
    """The package's files (``_SOURCE_SUFFIXES``) under ``top``, depth first, names in order; bytecode
    caches and the bundled schemas' shards left out."""
    try:
        with os.scandir(top) as it:
            entries = sorted(it, key=_name)
    except OSError:
        return
    subdirs = []
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:  # (a link to a directory is not walked, as os.walk does not)
            if e.name != "__pycache__" and e.name != "schemas" and not e.is_symlink():
                subdirs.append(e.path)
        elif e.name.endswith(_SOURCE_SUFFIXES):
            out.append((e.path, _stat(e)))
    for d in subdirs:
        _tree(d, out)


def _find_spec(name: str):
    """``importlib.util.find_spec(name)`` for a top-level module, without importing importlib.util (and
    contextlib: ~1 ms of a one-file check): the loaded module's spec, else the first import finder's."""
    module = sys.modules.get(name)
    if module is not None:
        return getattr(module, "__spec__", None)
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        if find is None:
            continue
        try:
            spec = find(name, None)
        except (ImportError, ValueError):
            spec = None
        if spec is not None:
            return spec
    return None


def _package_files():
    """Every file of the installed package whose change may change a cached result (``version_key``)."""
    return [path for path, _ in _package_stats()]


def version_key() -> str:
    """The key of this kubelint: its version, its files' sizes and times, the engines, Python."""
    parts = [__version__, sys.version, sys.implementation.cache_tag or "", str(marshal.version)]
    for path, st in _package_stats():
        parts.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}" if st is not None else f"{path}\0-")
    return content_key("\n".join(parts))[:24]


class Store:
    """Values by (namespace, key): in memory, and on disk under ``directory`` (``None``: memory only).

    ``get_or_compute(namespace, key, compute)`` is the one entry point; the
    value must be plain data (what ``marshal`` writes)."""

    def __init__(self, directory: Optional[str] = None, read_only: bool = False):
        self.directory = directory
        self.read_only = read_only  # read entries, write none (the location may still change)
        self.memory: Dict[tuple, object] = {}
        self.computed: set = set()  # (namespace, key) computed here, not read
        self._version: Optional[str] = None
        self._disk_ok = directory is not None
        self.stats = {"hit": 0, "miss": 0, "bad": 0, "write": 0}

    # -- the entry point --------------------------------------------------------
    def get_or_compute(self, namespace: str, key: str, compute: Callable[[], object]):
        mk = (namespace, key)
        value = self.memory.get(mk, _MISS)
        if value is not _MISS:
            return value
        value = self._read(namespace, key)
        if value is _MISS:
            self.stats["miss"] += 1
            value = compute()
            self.computed.add(mk)
            self._write(namespace, key, value)
        else:
            self.stats["hit"] += 1
        self.memory[mk] = value
        return value

    def load(self, namespace: str, key: str):
        """The value stored on disk under (namespace, key), or None.  For large values that are updated
        and stored again (kubelint/contextfiles.py), where ``get_or_compute`` does not fit: neither
        keeps them in memory (a run's objects would outlive the run, and every garbage collection of
        the rest of the process would walk them)."""
        value = self._read(namespace, key)
        if value is _MISS:
            self.stats["miss"] += 1
            return None
        self.stats["hit"] += 1
        return value

    def save(self, namespace: str, key: str, value) -> None:
        """Store ``value`` (plain data) on disk under (namespace, key), replacing what was there."""
        self._write(namespace, key, value)

    # -- disk ---------------------------------------------------------------------
    def entry_dir(self, namespace: str) -> Optional[str]:
        if not self._disk_ok:
            return None
        if self._version is None:
            self._version = version_key()
        return os.path.join(self.directory, self._version, namespace)

    def _read(self, namespace: str, key: str):
        d = self.entry_dir(namespace)
        if d is None:
            return _MISS
        try:
            # O_NONBLOCK: a FIFO planted here must not block the run (a regular file ignores it)
            fd = os.open(os.path.join(d, key), os.O_RDONLY | _FLAGS_NOFOLLOW | _FLAGS_NONBLOCK)
        except OSError:
            return _MISS  # absent (the usual miss), a symbolic link, unreadable
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENTRY_BYTES:
                self.stats["bad"] += 1
                return _MISS
            blob = b""
            while len(blob) < st.st_size:
                chunk = os.read(fd, st.st_size - len(blob))
                if not chunk:
                    break
                blob += chunk
        except OSError:
            return _MISS
        finally:
            os.close(fd)
        value = _decode(blob, key)
        if value is _MISS:
            self.stats["bad"] += 1  # rewritten by the caller's compute + _write
        return value

    def _write(self, namespace: str, key: str, value) -> None:
        d = None if self.read_only else self.entry_dir(namespace)
        if d is None:
            return
        try:
            blob = _encode(value, key)
        except ValueError:  # not plain data: kept in memory only
            return
        if len(blob) > MAX_ENTRY_BYTES:  # _read would refuse it: writing it would only cost time and disk
            return
        try:
            version_dir = os.path.dirname(d)
            new_version = not os.path.isdir(version_dir)
            _make_dirs(self.directory, d)
            if new_version:
                prune(self.directory, keep=os.path.basename(version_dir))
            tmp = os.path.join(d, f".{key}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _FLAGS_NOFOLLOW, 0o600)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(blob)
                os.replace(tmp, os.path.join(d, key))  # replaces a directory entry, never writes through a link
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
            self.stats["write"] += 1
        except OSError:
            self._disk_ok = False  # read-only, full, forbidden: compute as without a cache


def _encode(value, key: str) -> bytes:
    payload = marshal.dumps(value)
    return MAGIC + blake2b(key.encode() + payload, digest_size=DIGEST).digest() + payload


def _decode(blob: bytes, key: str):
    head = len(MAGIC) + DIGEST
    if len(blob) < head or blob[: len(MAGIC)] != MAGIC:
        return _MISS
    payload = blob[head:]
    if blake2b(key.encode() + payload, digest_size=DIGEST).digest() != blob[len(MAGIC) : head]:
        return _MISS
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):  # pragma: no cover - the digest matched: only a forged entry
        return _MISS


KEEP_VERSIONS = 4  # version directories kept beside the newest (other kubelints, Pythons, checkouts)


def prune(top: str, keep: str, versions: int = KEEP_VERSIONS) -> int:
    """Remove the version directories of ``top`` beyond the ``versions`` most recently modified, besides
    ``keep``; returns how many.  Called when a kubelint starts a new version directory, so an upgraded or
    edited kubelint does not leave old entries forever.  Only real directories named like a version key
    are removed (rmtree never follows a link); a directory another run is still writing to costs that
    run its disk cache, never its result."""
    import shutil

    try:
        entries = list(os.scandir(top))
    except OSError:
        return 0
    olds = []
    for e in entries:
        if e.name == keep or len(e.name) != 24 or not all(c in "0123456789abcdef" for c in e.name):
            continue
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            olds.append((st.st_mtime_ns, e.path))
    olds.sort(reverse=True)
    removed = 0
    for _, path in olds[versions:]:
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _make_dirs(top: str, d: str) -> None:
    """``d`` and its parents up to ``top`` (included), as real directories (mode 0700)."""
    missing = []
    p = d
    while True:
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            missing.append(p)
            if os.path.normpath(p) == os.path.normpath(top):
                break
            parent = os.path.dirname(p)
            if parent == p:
                break
            p = parent
            continue
        # The cache directory itself may be a link the user made (``~/.cache`` -> elsewhere);
        # nothing below it may be.
        if os.path.normpath(p) != os.path.normpath(top) and not stat.S_ISDIR(st.st_mode):
            raise NotADirectoryError(p)
        break
    for m in reversed(missing):
        try:
            os.makedirs(m, mode=0o700, exist_ok=True) if m == missing[-1] else os.mkdir(m, 0o700)
        except FileExistsError:
            pass
        if not stat.S_ISDIR(os.lstat(m).st_mode):
            raise NotADirectoryError(m)


# -- the process's store ------------------------------------------------------------
#
# Most cached work belongs to a run and uses the run's store (RunContext.cache,
# from Settings.cache_dir).  The rule catalogue belongs to the process: it is
# needed while the configuration file is read, before the run's settings exist.
# The command line first opens the store read-only where the flags (or the
# default) put it, then configure()s it with the run's settings: only then is
# anything written, what was computed in between included.

_process = Store(None)


def configure(directory: Optional[str], read_only: bool = False) -> Store:
    """Use ``directory`` (``None``: no disk) for the process's store; values already in memory are kept,
    and those computed (not read) are written there unless ``read_only``."""
    global _process
    old = _process
    store = Store(directory, read_only)
    store.memory = old.memory
    store.computed = old.computed
    for mk in list(old.computed):
        store._write(mk[0], mk[1], old.memory[mk])
    _process = store
    return store


def process_store() -> Store:
    return _process


_stores: Dict[Optional[str], Store] = {}


def store_for(directory: Optional[str]) -> Store:
    """The store of a run whose settings say ``directory`` (``Settings.cache_dir``): the process's
    store when it is there, else one per directory, for the life of the process (an editor's
    analyses share it)."""
    if _process.directory == directory and not _process.read_only:
        return _process
    store = _stores.get(directory)
    if store is None:
        store = _stores[directory] = Store(directory)
    return store


# -- compiled CEL programs ---------------------------------------------------------------
#
# Objects of the Rust engine: neither marshal nor pickle can store them, so they are
# remembered per process, by expression text (the corpus compiles 204 distinct
# expressions 3,026 times without this). A failed compilation is remembered too.

_PROGRAMS_MAX = 20_000
_programs: Dict[str, tuple] = {}


def compiled(compile: Callable[[str], object], text: str):
    """``compile(text)``, once per text per process; a compilation error is raised again each time."""
    hit = _programs.get(text)
    if hit is None:
        try:
            hit = (compile(text), None)
        except Exception as exc:  # noqa: BLE001 - the engine raises ValueError and others
            hit = (None, exc)
        if len(_programs) >= _PROGRAMS_MAX:
            _programs.clear()
        _programs[text] = hit
    if hit[1] is not None:
        raise hit[1].with_traceback(None)
    return hit[0]
