"""Load: files, directories and stdin -> positioned documents.

Decoding follows what ``kubectl apply`` does with a file: it splits the
stream into documents (k8s.io/apimachinery/pkg/util/yaml YAMLReader), decodes
each with sigs.k8s.io/yaml on go-yaml v2 (YAML 1.1 scalar resolution,
``resolve.go``), converts it to JSON (``yaml.go`` convertToJSONableObject:
non-string keys become strings) and sends that JSON to the API server.

libyaml parses; this module builds plain Python data with go-yaml v2's
resolution rules (not PyYAML's), and a position shadow beside it
(:mod:`kubelint.positions`), on one of two paths:

* the one-pass path (``_fast_documents``) builds data and shadow straight
  from libyaml's parser events: no node objects, no composer callbacks, no
  second walk.  It takes every document without anchors, aliases, tags,
  merge keys, duplicate or null keys, ``.inf``/``.nan`` or a syntax error,
  within every limit: 99.5% of the corpus's files.  It runs in C when the
  optional extension ``_kubelint_yaml`` (csrc/, libyaml 0.2.5 compiled in)
  is installed, else in Python over PyYAML's ``CParser`` events; both give
  the same documents (``ONE_PASS`` says which one runs; ``KUBELINT_LOADER=
  python`` forces the Python one).
* the compose path (``_ComposeLoader`` then ``_Builder``) takes a whole file
  as soon as the one-pass path meets anything else, and words every finding
  (duplicate keys, alias bombs, tags, limits, syntax errors).  The one-pass
  path reports nothing itself, so both give the same documents and findings
  (tests/test_loader_onepass.py compares them on tricky inputs, tight limits
  and every corpus file).

A native parser with positions (rapidyaml) was measured and not adopted: it
rejects corpus files kubectl reads, reads tabs unlike kubectl, gives no node
positions to Python, and its tree costs more to convert than this whole path;
docs/architecture.md ("The loader") gives the figures.

Interface::

    for loaded in iter_load(paths, limits):      # one LoadedFile per file
        loaded.documents  # [Document(file, index, data, shadow)]
        loaded.problems   # [Finding] (syntax errors, duplicate keys, ...)
        loaded.fatal      # True when the file could not be read at all
"""

from __future__ import annotations

import base64
import binascii
import collections
import functools
import math
import json
import os
import re
import stat
import struct
import sys

from . import record
from .lazyre import lazy  # patterns compiled on first use (issue 18: a run uses few)
from .findings import ERROR, WARNING, Finding
from .settings import Limits

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Iterable, Iterator, List, Optional, Tuple

# PyYAML is imported on first use (_pyyaml()): the C one-pass path
# (_kubelint_yaml) needs none of it, so a run whose files all take that path
# never imports it here.
yaml = None

YAML_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
STDIN_NAME = "<stdin>"


_SIZE = lazy(r"\s*(\d+)\s*([kKmMgG]?)(i?[bB]?)\s*")


def parse_size(text) -> int:
    """``32MiB``, ``500k``, ``1G``, ``1048576`` -> bytes (``--max-file-size``
    and ``limits: {max-file-size: ...}``); ValueError for anything else."""
    m = _SIZE.fullmatch(str(text))
    if not m:
        raise ValueError(f"{text!r} is not a size (e.g. 32MiB, 500k, 1048576)")
    return int(m.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]


class Document(record.Record):
    """One non-empty YAML document of a file: its data and position shadow (a record class: the methods
    @dataclass would generate come from kubelint.record, without compiling them at import)."""

    file: str
    index: int  # 0-based among the non-empty documents of the file
    data: dict
    shadow: tuple
    line: int
    column: int

    _FIELDS = ("file", "index", "data", "shadow", "line", "column")
    __slots__ = _FIELDS

    def __init__(self, file, index, data, shadow, line, column):
        self.file = file
        self.index = index
        self.data = data
        self.shadow = shadow
        self.line = line
        self.column = column


class LoadedFile(record.Record):
    """What loading one file gave: its documents, the loader's findings, and whether it failed outright."""

    path: str
    documents: List[Document]
    problems: List[Finding]
    fatal: bool  # could not be read/decoded at all (exit status 2)
    text: Optional[str]  # kept only for stdin (for source excerpts)
    directives: object  # kubelint.suppress.Directives of the file, if any

    _FIELDS = ("path", "documents", "problems", "fatal", "text", "directives")

    def __init__(
        self, path, documents=record.FACTORY, problems=record.FACTORY, fatal=False, text=None, directives=None
    ):
        self.path = path
        self.documents = [] if documents is record.FACTORY else documents
        self.problems = [] if problems is record.FACTORY else problems
        self.fatal = fatal
        self.text = text
        self.directives = directives


class LoadError(Exception):
    """A problem that stops reading the current file or document."""

    def __init__(self, rule: str, message: str, line: int = 1, column: int = 1, fatal: bool = False):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column
        self.fatal = fatal


# ---------------------------------------------------------------------------
# Input discovery


def discover(paths: Iterable[str]) -> Iterator[Tuple[str, Optional[LoadError]]]:
    """Yield (path, error) for every input file, in a stable order.

    Directories are walked recursively for ``*.yaml``, ``*.yml`` and
    ``*.json``, skipping hidden directories and files; symlinked directories
    are followed once (a loop is never entered twice).  A file named
    explicitly is read whatever its extension.
    """
    for arg in paths:
        if arg == STDIN:
            yield STDIN, None
            continue
        try:
            st = os.stat(arg)
        except OSError as exc:
            yield arg, _os_error(arg, exc)
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(arg, set())
        else:
            yield arg, None


def _walk(directory: str, seen: set) -> Iterator[Tuple[str, Optional[LoadError]]]:
    try:
        st = os.stat(directory)
    except OSError as exc:
        yield directory, _os_error(directory, exc)
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return  # symlink loop or second route to the same directory
    seen.add(key)
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield directory, _os_error(directory, exc)
        return
    subdirs = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(directory, entry.name)
        try:
            is_dir = entry.is_dir()  # follows symlinks
        except OSError:
            is_dir = False
        if is_dir and entry.is_symlink() and _leads_up(path, directory):
            continue  # /proc/self/root -> /: a link to an ancestor would walk the whole file system
        if is_dir:
            subdirs.append(path)
        elif entry.name.lower().endswith(YAML_SUFFIXES):
            try:
                if entry.is_file() and not entry.is_symlink():
                    # a regular file, from the directory listing's type (no stat: most files)
                    yield path, None
                    continue
                st = os.stat(path)
            except OSError as exc:
                yield path, _os_error(path, exc)
                continue
            if not stat.S_ISREG(st.st_mode):
                # A FIFO would block the run forever, a device never ends.
                yield (
                    path,
                    LoadError(
                        "unreadable-file",
                        f"cannot read {path}: not a regular file ({_file_type(st.st_mode)}); "
                        "kubelint reads only regular files found in directories",
                        fatal=True,
                    ),
                )
                continue
            yield path, None
    for sub in subdirs:
        yield from _walk(sub, seen)


def _leads_up(link: str, directory: str) -> bool:
    """The symlinked directory ``link`` is ``directory`` or one of its
    ancestors (``crd: [/proc/self]`` walked ``root -> /``, i.e. everything)."""
    try:
        target = os.path.realpath(link)
        here = os.path.realpath(directory)
    except (OSError, ValueError):
        return True
    return here == target or here.startswith(target.rstrip(os.sep) + os.sep)


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _os_error(path: str, exc: OSError) -> LoadError:
    import errno

    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            msg = "broken symbolic link (its target does not exist)"
        else:
            msg = "no such file or directory"
    elif exc.errno == errno.ELOOP:
        msg = "symbolic link loop"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        msg = "permission denied"
    elif exc.errno == errno.EISDIR:
        msg = "is a directory"
    else:
        msg = exc.strerror or str(exc)
    return LoadError("unreadable-file", f"cannot read {path}: {msg}", fatal=True)


# ---------------------------------------------------------------------------
# Bytes -> text (kubectl reads UTF-8, and UTF-16 with a byte-order mark)


def read_bytes(path: str, limits: Limits, stdin=None) -> bytes:
    if path == STDIN:
        stream = stdin if stdin is not None else (sys.stdin.buffer if sys.stdin is not None else None)
        if stream is None:
            raise LoadError("unreadable-file", "cannot read standard input: it is closed", fatal=True)
        try:
            data = stream.read(limits.max_file_bytes + 1)
        except (OSError, ValueError) as exc:
            raise LoadError(
                "unreadable-file", f"cannot read standard input: {getattr(exc, 'strerror', None) or exc}", fatal=True
            ) from None
    else:
        try:
            try:
                st = os.stat(path)
            except OSError:
                st = None  # open() below meets the error and words it
            if st is not None and stat.S_ISREG(st.st_mode):  # most inputs: one open, one read, no file object
                return _read_regular(path, st.st_size, limits)
            if st is not None and _is_named_pipe(path, st):
                data = _read_named_pipe(path, limits)
                if len(data) > limits.max_file_bytes:
                    raise LoadError("file-too-large", _too_large(len(data), limits), fatal=True)
                return data
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                if stat.S_ISREG(st.st_mode) and st.st_size > limits.max_file_bytes:
                    raise LoadError("file-too-large", _too_large(st.st_size, limits), fatal=True)
                if stat.S_ISDIR(st.st_mode):
                    raise IsADirectoryError(path)
                data = read_at_most(fh, limits.max_file_bytes + 1, st)
        except FileNotFoundError:
            raise LoadError(
                "unreadable-file", f"cannot read {path}: the file disappeared while kubelint was running", fatal=True
            )
        except IsADirectoryError:
            raise LoadError("unreadable-file", f"cannot read {path}: is a directory", fatal=True)
        except OSError as exc:
            raise _os_error(path, exc)
    if len(data) > limits.max_file_bytes:
        raise LoadError("file-too-large", _too_large(len(data), limits), fatal=True)
    return data


def read_at_most(fh, limit: int, st=None) -> bytes:
    """``fh.read(limit)``, without its cost: read(n) allocates n bytes first,
    so a regular file is read with its size (``st``: its fstat) and, should
    it have grown since, the rest up to ``limit`` after (reading the corpus's
    2,577 files with the 32 MiB limit as the hint: 0.08 s of CPU; this way
    0.025 s)."""
    if st is None:
        st = os.fstat(fh.fileno())
    if not stat.S_ISREG(st.st_mode) or st.st_size >= limit:
        return fh.read(limit)
    data = fh.read(st.st_size + 1)
    if len(data) > st.st_size:
        data += fh.read(limit - len(data))
    return data


_O_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _read_regular(path: str, size: int, limits: Limits) -> bytes:
    """A regular file's bytes (``size``: its stat), as ``open(path, "rb")`` and :func:`read_at_most` give
    them, in three system calls instead of nine (no file object: it costs a fstat, an ioctl and a seek,
    and a last read to see the end): open, read ``size + 1`` bytes, close.  A read that returns exactly
    ``size`` bytes is the end of the file; one that returns fewer or more (the file changed since its
    stat) is followed by reads to the end, up to the limit."""
    fd = os.open(path, _O_READ)
    try:
        if size > limits.max_file_bytes:
            raise LoadError("file-too-large", _too_large(size, limits), fatal=True)
        limit = limits.max_file_bytes + 1
        data = os.read(fd, size + 1)
        if len(data) != size:
            data += read_fd_at_most(fd, limit - len(data))
        return data
    finally:
        os.close(fd)


def read_fd_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``fd``, to its end."""
    parts = []
    while limit > 0:
        chunk = os.read(fd, min(limit, 1 << 24))
        if not chunk:
            break
        parts.append(chunk)
        limit -= len(chunk)
    return b"".join(parts)


# A named pipe (mkfifo) given on the command line is read only if a process
# writes to it: without a writer, open() would block forever and the other
# files would never be reported.  An anonymous pipe (`<(helm template ...)`,
# /dev/fd/N) always has its writer: it is read as it comes.
FIFO_WAIT = 2.0  # seconds for the first bytes (or end of file) from a named pipe's writer


def _is_named_pipe(path: str, st) -> bool:
    if not stat.S_ISFIFO(st.st_mode):
        return False
    try:
        return not os.readlink(path).startswith("pipe:")  # /dev/fd/63 -> pipe:[1234]
    except OSError:
        return True


def _read_named_pipe(path: str, limits: Limits) -> bytes:
    import select

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP)
        if not poller.poll(int(FIFO_WAIT * 1000)):
            raise LoadError(
                "unreadable-file",
                f"cannot read {path}: a named pipe that no process writes to (nothing arrived within {FIFO_WAIT:g} s)",
                fatal=True,
            )
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limits.max_file_bytes:
            chunk = os.read(fd, min(1 << 20, limits.max_file_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_source(path: str, max_bytes: int = 64 * 1024 * 1024) -> Optional[str]:
    """A file's text for source excerpts, or None: never blocks (FIFOs,
    devices and anything but a regular file are not read), never raises,
    decodes as :func:`decode_text` but replaces what it cannot decode."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(max_bytes)
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("utf-8-sig", errors="replace")


def _too_large(size: int, limits: Limits) -> str:
    return (
        f"file is larger than {limits.max_file_bytes:,} bytes (limit --max-file-size); "
        "no real manifest is this large: raise the limit with --max-file-size if it is intended"
    )


def decode_text(data: bytes) -> str:
    """Decode as kubectl does: UTF-8 (optional BOM) or UTF-16 with BOM."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if data.startswith((b"\xff\xfe\x00\x00",)):
            raise LoadError(
                "invalid-encoding",
                "file is UTF-32 encoded; kubectl reads only UTF-8 or UTF-16 with a byte-order mark; re-save it as "
                "UTF-8",
                fatal=True,
            )
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(
                "invalid-encoding", f"invalid UTF-16 data at byte {exc.start}: re-save the file as UTF-8", fatal=True
            )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        if b"\x00" in data[:8192]:
            if data[:2].count(b"\x00") == 1 or data[1:8:2].count(b"\x00") >= 3 or data[0:8:2].count(b"\x00") >= 3:
                msg = "file looks like UTF-16 without a byte-order mark; kubectl cannot read it: re-save it as UTF-8"
            else:
                msg = "binary file (contains NUL bytes), not YAML or JSON"
        else:
            msg = (
                f"invalid UTF-8 byte 0x{data[exc.start]:02x}; kubectl reads only UTF-8 (or UTF-16 with a "
                "byte-order mark): re-save the file as UTF-8"
            )
        raise LoadError("invalid-encoding", msg, line, col, fatal=True)
    if "\x00" in text:
        idx = text.index("\x00")
        line = text.count("\n", 0, idx) + 1
        col = idx - (text.rfind("\n", 0, idx) + 1) + 1
        raise LoadError("invalid-encoding", "binary file (contains NUL bytes), not YAML or JSON", line, col, fatal=True)
    return text


# ---------------------------------------------------------------------------
# go-yaml v2 scalar resolution (gopkg.in/yaml.v2 resolve.go, resolve())

_MAP_VALUES = {}
for _v, _words in (
    (True, ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")),
    (False, ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")),
    (None, ("", "~", "null", "Null", "NULL")),
    (math.nan, (".nan", ".NaN", ".NAN")),
    (math.inf, (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")),
    (-math.inf, ("-.inf", "-.Inf", "-.INF")),
):
    for _w in _words:
        _MAP_VALUES[_w] = _v
_MERGE = object()
_MAP_VALUES["<<"] = _MERGE

_HINT = {}
for _c in "+-":
    _HINT[_c] = "S"
for _c in "0123456789":
    _HINT[_c] = "D"
for _c in "yYnNtTfFoO~":
    _HINT[_c] = "M"
_HINT["."] = "."

# yamlStyleFloat in resolve.go
_YAML_FLOAT = lazy(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
# strconv.ParseFloat on a string that starts with "." (decimal only here)
_DOT_FLOAT = lazy(r"^\.[0-9]+([eE][-+]?[0-9]+)?$")
# strconv.ParseInt(s, 0, 64) syntax, underscores already removed
_GO_INT = lazy(r"^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")
_GO_UINT = lazy(r"^(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")
_TIMESTAMP_START = lazy(r"^[0-9]{4}-")
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1


_TOO_BIG = object()  # an integer literal far beyond 64 bits


def _go_parse_int(s: str):
    """strconv.ParseInt/ParseUint(s, 0, 64) syntax: the value, None (not an
    integer literal) or ``_TOO_BIG`` (out of range; never converted, so a
    100,000-digit scalar costs nothing and cannot hit Python's int()
    digit limit)."""
    if not _GO_INT.match(s):
        return None
    neg = s[0] == "-"
    body = s.lstrip("+-")
    if body[:2] in ("0x", "0X"):
        digits, base, room = body[2:], 16, 16
    elif body[:2] in ("0o", "0O"):
        digits, base, room = body[2:], 8, 22
    elif body[:2] in ("0b", "0B"):
        digits, base, room = body[2:], 2, 64
    elif len(body) > 1 and body[0] == "0":
        digits, base, room = body[1:], 8, 22
    else:
        digits, base, room = body, 10, 20
    digits = digits.lstrip("0") or "0"
    if len(digits) > room:
        return _TOO_BIG
    v = int(digits, base)
    return -v if neg else v


def resolve_plain(s: str):
    """Value of an untagged plain scalar as go-yaml v2 decodes it into interface{}."""
    if not s:
        return None
    hint = _HINT.get(s[0])
    if hint is None:
        return s
    if s in _MAP_VALUES:
        return _MAP_VALUES[s]
    if hint == ".":
        if _DOT_FLOAT.match(s):
            return float(s)
        return s
    if hint == "M":
        return s
    # 'D' or 'S': timestamps stay strings when decoded into interface{}
    # (decode.go keeps a timestamp-looking scalar as its text).
    if _TIMESTAMP_START.match(s) and _looks_like_timestamp(s):
        return s
    plain = s.replace("_", "")
    v = _go_parse_int(plain)
    if v is not None and v is not _TOO_BIG:
        if _INT64_MIN <= v <= _INT64_MAX:
            return v
        if v > 0 and v <= _UINT64_MAX and _GO_UINT.match(plain):
            return v
    if _YAML_FLOAT.match(plain):
        f = float(plain)
        # strconv.ParseFloat fails with ErrRange past float64: go-yaml then
        # keeps the text (resolve.go returns strTag)
        if f in _INFINITIES:
            return s
        return f
    # out of 64-bit range and not a float: go-yaml v2 resolve.go keeps the
    # text (ParseInt and ParseUint fail, no big.Int fallback)
    return s


_TS_FORMATS = (
    lazy(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"),
    lazy(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"),
    lazy(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?$"),
)


def _looks_like_timestamp(s: str) -> bool:
    return any(p.match(s) for p in _TS_FORMATS)


def _go_key_string(key) -> Optional[str]:
    """sigs.k8s.io/yaml convertToJSONableObject: map keys become strings."""
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return _format_float32_g(key)
    return None


def _format_float32_g(v: float) -> str:
    """strconv.FormatFloat(v, 'g', -1, 32) with go-yaml's inf/nan spelling."""
    if math.isnan(v):
        return ".nan"
    if math.isinf(v):
        return ".inf" if v > 0 else "-.inf"
    try:
        f32 = struct.unpack("f", struct.pack("f", v))[0]
    except OverflowError:
        return ".inf" if v > 0 else "-.inf"
    if math.isinf(f32):  # rounds past float32's range: FormatFloat says "+Inf"
        return ".inf" if v > 0 else "-.inf"
    if f32 == 0:
        return "0"
    for prec in range(1, 10):
        s = "%.*e" % (prec - 1, f32)
        if struct.unpack("f", struct.pack("f", float(s)))[0] == f32:
            break
    mant, exp_s = s.split("e")
    exp = int(exp_s)
    digits = mant.replace(".", "").replace("-", "")
    sign = "-" if f32 < 0 else ""
    if exp < -4 or exp >= 6:  # ftoa.go: shortest %g switches to %e at exponent 6
        frac = digits[1:]
        m = digits[0] + ("." + frac if frac else "")
        return f"{sign}{m}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp >= 0:
        if len(digits) <= exp + 1:
            return sign + digits + "0" * (exp + 1 - len(digits))
        return sign + digits[: exp + 1] + "." + digits[exp + 1 :]
    return sign + "0." + "0" * (-exp - 1) + digits


# ---------------------------------------------------------------------------
# Node -> data + shadow

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_BINARY = "tag:yaml.org,2002:binary"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAPTAG = "tag:yaml.org,2002:map"
_SEQTAG = "tag:yaml.org,2002:seq"
_MERGETAG = "tag:yaml.org,2002:merge"
_IMPLICIT = "?"
_STANDARD_TAGS = {
    _STR,
    _INT,
    _FLOAT,
    _BOOL,
    _NULL,
    _BINARY,
    _TIMESTAMP,
    _MAPTAG,
    _SEQTAG,
    _MERGETAG,
    "tag:yaml.org,2002:omap",
    "tag:yaml.org,2002:set",
    "tag:yaml.org,2002:pairs",
    "!",
}


def _pyyaml():
    """PyYAML, imported on first use, and the names of it this module uses
    as globals (set here): the compose path (``_ComposeLoader``, ``_Builder``),
    the Python one-pass path (``_CParser`` and the event classes),
    ``_count_document`` and the syntax findings."""
    global yaml, _BaseLoader, _ComposeLoader, _ScalarNode, _MappingNode, _SequenceNode, _CParser
    global _ScalarEvent, _MappingStartEvent, _MappingEndEvent, _SequenceStartEvent, _SequenceEndEvent
    global _DocumentStartEvent, _StreamEndEvent
    if yaml is not None:
        return yaml
    import yaml as module

    try:  # pragma: no cover - exercised implicitly
        _BaseLoader = module.CSafeLoader
    except AttributeError:  # pragma: no cover - PyYAML built without libyaml
        _BaseLoader = module.SafeLoader

    class _ComposeLoader(_BaseLoader):
        """PyYAML's C composer with resolution turned off: we resolve ourselves."""

        def resolve(self, kind, value, implicit):  # noqa: D401 - PyYAML hook
            return _IMPLICIT

    _ScalarNode, _MappingNode, _SequenceNode = module.ScalarNode, module.MappingNode, module.SequenceNode
    try:
        from yaml._yaml import CParser as _CParser  # libyaml's parser alone
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        _CParser = None
    _ScalarEvent = module.ScalarEvent
    _MappingStartEvent = module.MappingStartEvent
    _MappingEndEvent = module.MappingEndEvent
    _SequenceStartEvent = module.SequenceStartEvent
    _SequenceEndEvent = module.SequenceEndEvent
    _DocumentStartEvent = module.DocumentStartEvent
    _StreamEndEvent = module.StreamEndEvent
    yaml = module
    return module


# go-yaml v2 decode.go, allowedAliasRatio()
def _allowed_alias_ratio(decode_count: int) -> float:
    if decode_count <= 400_000:
        return 0.99
    if decode_count >= 4_000_000:
        return 0.10
    return 0.99 - 0.89 * ((decode_count - 400_000) / 3_600_000)


class _DocError(Exception):
    def __init__(self, rule, message, mark_line, mark_col):
        super().__init__(message)
        self.rule, self.message, self.line, self.column = rule, message, mark_line, mark_col


_INFINITIES = (math.inf, -math.inf)
_BUSY = object()  # memo marker: the node is being built (a recursive alias)
_RESOLVE_CACHE: dict = {}  # plain scalar text -> resolved value (pure function)
_KEY_CACHE: dict = {}  # plain key text -> JSON key string (or _NULL_KEY)
_NULL_KEY = object()
_CACHE_MAX = 100_000


def _resolve_cached(text: str):
    try:
        return _RESOLVE_CACHE[text]
    except KeyError:
        value = resolve_plain(text)
        if len(text) <= 64:
            if len(_RESOLVE_CACHE) >= _CACHE_MAX:
                _RESOLVE_CACHE.clear()
            _RESOLVE_CACHE[text] = value
        return value


class _Builder:
    __slots__ = (
        "file",
        "problems",
        "limits",
        "decodes",
        "aliases",
        "memo",
        "sizes",
        "warned_tags",
        "max_nodes",
        "max_depth",
        "nbytes",
        "byte_sizes",
        "long_scalars",
    )

    def __init__(self, file: str, problems: list, limits: Limits):
        self.file = file
        self.problems = problems
        self.limits = limits
        self.max_nodes = limits.max_nodes
        self.max_depth = limits.max_depth
        self.decodes = 0
        self.aliases = 0
        self.memo = {}  # id(collection node) -> (value, shadow) or _BUSY
        self.sizes = {}
        self.warned_tags = set()
        # Characters of the scalars decoded so far, aliases expanded: a lower
        # bound of the document's JSON size (a 1 MB anchored string aliased
        # 2,000 times is 2 GB of JSON, while --max-aliases counts 2,000 nodes).
        self.nbytes = 0
        self.byte_sizes = {}
        self.long_scalars = set()  # ids of long scalar nodes: a second visit is an alias

    def build(self, node, depth: int):
        cls = node.__class__
        m = node.start_mark
        if cls is _ScalarNode:
            # Scalars are never memoised: an alias to a scalar re-decodes it,
            # one node, as go-yaml does.
            self.decodes += 1
            if self.decodes > self.max_nodes:
                raise _DocError(
                    "too-many-nodes",
                    f"document expands to more than {self.max_nodes:,} nodes (limit --max-nodes)",
                    m.line + 1,
                    m.column + 1,
                )
            if node.tag == _IMPLICIT:
                value = node.value if node.style else _resolve_cached(node.value)
            else:
                value = self._scalar(node)
            if value.__class__ is str:
                self.nbytes += len(value)
                if len(value) > 1024:
                    if id(node) in self.long_scalars:
                        self.aliases += 1
                    else:
                        self.long_scalars.add(id(node))
                if self.nbytes > self.limits.max_request_bytes:
                    self._too_large(node)
            if value.__class__ is float and (value != value or value in _INFINITIES):
                raise _DocError(
                    "yaml-syntax",
                    "document contains .inf or .nan: kubectl cannot convert it to JSON (unsupported value); quote "
                    "the value",
                    m.line + 1,
                    m.column + 1,
                )
            return value, (m.line + 1, m.column + 1, None)
        nid = id(node)
        hit = self.memo.get(nid)
        if hit is not None:
            if hit is _BUSY:
                raise _DocError(
                    "yaml-syntax",
                    "anchor value contains itself (recursive alias); kubectl rejects this document",
                    m.line + 1,
                    m.column + 1,
                )
            # An alias: go-yaml re-decodes the anchored node every time.
            size = self.sizes[nid]
            self.decodes += size
            self.aliases += size
            self.nbytes += self.byte_sizes[nid]
            self._check_alias(node)
            return hit
        if depth > self.max_depth:
            raise _DocError(
                "nesting-too-deep",
                f"nesting deeper than {self.max_depth} levels (limit --max-depth); no manifest needs this",
                m.line + 1,
                m.column + 1,
            )
        start = self.decodes
        start_bytes = self.nbytes
        self.decodes += 1
        if self.decodes > self.max_nodes:
            raise _DocError(
                "too-many-nodes",
                f"document expands to more than {self.max_nodes:,} nodes (limit --max-nodes)",
                m.line + 1,
                m.column + 1,
            )
        line, col = m.line + 1, m.column + 1
        self.memo[nid] = _BUSY
        if cls is _MappingNode:
            result = self._mapping(node, depth, line, col)
        else:
            self._tag_check(node, _SEQTAG)
            items, shadows = [], []
            build = self.build
            for child in node.value:
                v, sh = build(child, depth + 1)
                items.append(v)
                shadows.append(sh)
            result = (items, (line, col, shadows))
        self.memo[nid] = result
        self.sizes[nid] = self.decodes - start
        self.byte_sizes[nid] = self.nbytes - start_bytes
        return result

    def _check_alias(self, node):
        if (
            self.aliases > 100
            and self.decodes > 1000
            and self.aliases / self.decodes > _allowed_alias_ratio(self.decodes)
        ):
            m = node.start_mark
            raise _DocError(
                "excessive-aliasing",
                "document contains excessive aliasing (a YAML alias bomb); kubectl rejects it",
                m.line + 1,
                m.column + 1,
            )
        if self.aliases > self.limits.max_aliases:
            m = node.start_mark
            raise _DocError(
                "excessive-aliasing",
                f"aliases expand to more than {self.limits.max_aliases:,} nodes (limit --max-aliases; a YAML alias "
                "bomb?)",
                m.line + 1,
                m.column + 1,
            )
        if self.decodes > self.limits.max_nodes:
            m = node.start_mark
            raise _DocError(
                "too-many-nodes",
                f"document expands to more than {self.limits.max_nodes:,} nodes through aliases (limit --max-nodes)",
                m.line + 1,
                m.column + 1,
            )
        if self.nbytes > self.limits.max_request_bytes:
            self._too_large(node)

    def _too_large(self, node):
        m = node.start_mark
        limit = self.limits.max_request_bytes
        if self.aliases:
            raise _DocError(
                "excessive-aliasing",
                f"aliases expand the document to more than {limit:,} bytes of JSON, over the API "
                f"server's request limit (kube-apiserver: 'Request entity too large: limit is {limit}'); a YAML alias "
                "bomb? write the values out",
                m.line + 1,
                m.column + 1,
            )
        raise _DocError("request-too-large", _request_too_large(limit), m.line + 1, m.column + 1)

    def _tag_check(self, node, expected):
        tag = node.tag
        if tag == _IMPLICIT or tag == expected or tag in _STANDARD_TAGS:
            return
        if tag not in self.warned_tags:
            self.warned_tags.add(tag)
            m = node.start_mark
            self.problems.append(
                Finding(
                    "yaml-unknown-tag",
                    WARNING,
                    f"YAML tag {_short_tag(tag)} is ignored by kubectl (the value is decoded as if untagged; "
                    "kubelint never constructs tagged objects); remove the tag",
                    self.file,
                    m.line + 1,
                    m.column + 1,
                )
            )

    def _scalar(self, node):
        value = node.value
        tag = node.tag
        if tag == _IMPLICIT:
            if not node.style:
                return resolve_plain(value)
            return value
        if tag == _STR or tag == "!":
            return value
        if tag in (_INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP):
            resolved = resolve_plain(value)
            ok = {
                _INT: isinstance(resolved, int) and not isinstance(resolved, bool),
                _FLOAT: isinstance(resolved, (int, float)) and not isinstance(resolved, bool),
                _BOOL: isinstance(resolved, bool),
                _NULL: resolved is None,
                _TIMESTAMP: isinstance(resolved, str) and _looks_like_timestamp(resolved),
            }[tag]
            if not ok:
                m = node.start_mark
                raise _DocError(
                    "yaml-syntax", f"cannot decode `{_clip(value)}` as a {_short_tag(tag)}", m.line + 1, m.column + 1
                )
            if tag == _FLOAT and isinstance(resolved, int):
                return float(resolved)
            return resolved
        if tag == _BINARY:
            try:
                raw = base64.b64decode("".join(value.split()), validate=True)
            except (binascii.Error, ValueError):
                m = node.start_mark
                raise _DocError("yaml-syntax", "!!binary value is not valid base64", m.line + 1, m.column + 1)
            # Go json.Marshal([]byte) writes standard base64.
            return base64.b64encode(raw).decode("ascii")
        self._tag_check(node, _STR)
        return value  # go-yaml: a scalar with an unknown tag stays its text

    def _mapping(self, node, depth, line, col):
        if node.tag != _IMPLICIT:
            self._tag_check(node, _MAPTAG)
        out = {}
        shadow = {}
        merged = None  # keys that came from merge keys (overriding them is fine)
        build = self.build
        for key_node, value_node in node.value:
            if key_node.__class__ is not _ScalarNode:
                km = key_node.start_mark
                raise _DocError(
                    "yaml-syntax",
                    "a mapping or sequence cannot be a mapping key (go-yaml: invalid map key)",
                    km.line + 1,
                    km.column + 1,
                )
            text = key_node.value
            if key_node.tag == _IMPLICIT:
                if key_node.style:
                    skey = text
                elif text == "<<":
                    before = set(out)
                    self._merge(value_node, out, shadow, depth)
                    merged = (merged or set()) | (set(out) - before)
                    continue
                else:
                    skey = _KEY_CACHE.get(text)
                    if skey is None:
                        skey = _go_key_string(resolve_plain(text))
                        if skey is None:
                            skey = _NULL_KEY
                        if len(_KEY_CACHE) >= _CACHE_MAX:
                            _KEY_CACHE.clear()
                        _KEY_CACHE[text] = skey
            else:
                if key_node.tag == _MERGETAG and not key_node.style and text == "<<":
                    before = set(out)
                    self._merge(value_node, out, shadow, depth)
                    merged = (merged or set()) | (set(out) - before)
                    continue
                skey = _go_key_string(self._scalar(key_node))
                if skey is None:
                    skey = _NULL_KEY
            km = key_node.start_mark
            if skey is _NULL_KEY:
                raise _DocError(
                    "yaml-syntax",
                    "null mapping key: kubectl cannot convert it to JSON (unsupported map key of type <nil>)",
                    km.line + 1,
                    km.column + 1,
                )
            self.decodes += 1
            value, vshadow = build(value_node, depth + 1)
            if skey in shadow and (merged is None or skey not in merged):
                fl = shadow[skey][0]
                shown = f"'{skey}'" if text == skey else f"'{text}' (read by kubectl as '{skey}')"
                self.problems.append(
                    Finding(
                        "yaml-duplicate-key",
                        WARNING,
                        f"duplicate key {shown} (first at line {fl}); kubectl silently keeps only the last value, "
                        "so the earlier one is lost: remove one of them",
                        self.file,
                        km.line + 1,
                        km.column + 1,
                    )
                )
            elif merged is not None:
                merged.discard(skey)
            out[skey] = value
            shadow[skey] = (km.line + 1, km.column + 1, vshadow)
        return out, (line, col, shadow)

    def _merge(self, value_node, out, shadow, depth):
        """go-yaml v2 decode.go merge(): merged maps are decoded into ``out`` in order."""

        def merge_one(n):
            v, s = self.build(n, depth + 1)
            if not isinstance(v, dict):
                m = n.start_mark
                raise _DocError(
                    "yaml-syntax", "map merge requires map or sequence of maps as the value", m.line + 1, m.column + 1
                )
            out.update(v)
            shadow.update(s[2])

        if value_node.__class__ is _SequenceNode and id(value_node) not in self.memo:
            for child in reversed(value_node.value):  # earlier maps take precedence
                merge_one(child)
        else:
            merge_one(value_node)


# ---------------------------------------------------------------------------
# The fast path: one pass over the parser's events
#
# For the common document (no anchors or aliases, no tags, no merge keys, no
# duplicate or null keys, within every limit) the data and its position
# shadow are built straight from libyaml's events, with no node objects and no
# composer callbacks.  Whatever the fast path does not handle exactly as
# _Builder does makes it give up on the whole file (``_Bail``), and the
# file is read again by the compose-then-build path above, which then reports
# every finding.  The fast path never reports anything itself, so both paths
# give the same documents and findings by construction; tests/test_loader.py
# checks them against each other.

_MISS = object()


class _Bail(Exception):
    """The fast path cannot build this file exactly as _Builder would."""


# The first characters of plain scalars that may resolve to something other
# than their text (resolve_plain's hints; "" is the empty scalar, null): any
# other plain scalar is its own text, with no lookup at all.
_RESOLVED_FIRST = frozenset(_HINT) | {""}


def _fast_value(text: str):
    """Resolved value of a plain scalar whose first character is in
    _RESOLVED_FIRST, as _Builder gets it, or _Bail for what _Builder would
    reject (.inf and .nan)."""
    value = _RESOLVE_CACHE.get(text, _MISS)
    if value is _MISS:
        value = _resolve_cached(text)
    if value.__class__ is float and (value != value or value in _INFINITIES):
        raise _Bail
    return value


def _fast_key(text: str) -> str:
    if text == "<<":
        raise _Bail  # a merge key
    skey = _KEY_CACHE.get(text)
    if skey is None:
        skey = _go_key_string(resolve_plain(text))
        if skey is None:
            skey = _NULL_KEY
        if len(_KEY_CACHE) >= _CACHE_MAX:
            _KEY_CACHE.clear()
        _KEY_CACHE[text] = skey
    if skey is _NULL_KEY:
        raise _Bail
    return skey


def _fast_mapping(next_event, start, depth: int, max_depth: int, count: list):
    if start.tag is not None or start.anchor is not None or depth > max_depth:
        raise _Bail
    out = {}
    shadow = {}
    depth += 1
    while True:
        key = next_event()
        if key.__class__ is not _ScalarEvent:
            if key.__class__ is _MappingEndEvent:
                break
            raise _Bail  # a collection or an alias as a key
        if key.tag is not None or key.anchor is not None:
            raise _Bail
        if key.style:
            skey = key.value
        else:
            skey = _KEY_CACHE.get(key.value)
            if skey is None or skey is _NULL_KEY:
                skey = _fast_key(key.value)
        if skey in out:
            raise _Bail  # a duplicate key: _Builder words the warning
        event = next_event()
        cls = event.__class__
        if cls is _ScalarEvent:
            if event.tag is not None or event.anchor is not None:
                raise _Bail
            m = event.start_mark
            value = event.value
            if not event.style and value[:1] in _RESOLVED_FIRST:
                value = _fast_value(value)
            out[skey] = value
            vshadow = (m.line + 1, m.column + 1, None)
        elif cls is _MappingStartEvent:
            out[skey], vshadow = _fast_mapping(next_event, event, depth, max_depth, count)
        elif cls is _SequenceStartEvent:
            out[skey], vshadow = _fast_sequence(next_event, event, depth, max_depth, count)
        else:
            raise _Bail  # an alias
        m = key.start_mark
        shadow[skey] = (m.line + 1, m.column + 1, vshadow)
    count[0] -= 2 * len(out)  # _Builder's decodes: a key and its value each count a node
    if count[0] < 0:
        raise _Bail
    m = start.start_mark
    return out, (m.line + 1, m.column + 1, shadow)


def _fast_sequence(next_event, start, depth: int, max_depth: int, count: list):
    if start.tag is not None or start.anchor is not None or depth > max_depth:
        raise _Bail
    items = []
    shadows = []
    depth += 1
    while True:
        event = next_event()
        cls = event.__class__
        if cls is _ScalarEvent:
            if event.tag is not None or event.anchor is not None:
                raise _Bail
            m = event.start_mark
            value = event.value
            if not event.style and value[:1] in _RESOLVED_FIRST:
                value = _fast_value(value)
            items.append(value)
            shadows.append((m.line + 1, m.column + 1, None))
        elif cls is _MappingStartEvent:
            v, s = _fast_mapping(next_event, event, depth, max_depth, count)
            items.append(v)
            shadows.append(s)
        elif cls is _SequenceStartEvent:
            v, s = _fast_sequence(next_event, event, depth, max_depth, count)
            items.append(v)
            shadows.append(s)
        elif cls is _SequenceEndEvent:
            break
        else:
            raise _Bail  # an alias
    count[0] -= len(items)
    if count[0] < 0:
        raise _Bail
    m = start.start_mark
    return items, (m.line + 1, m.column + 1, shadows)


def _py_fast_documents(text: str, path: str, limits: Limits) -> Optional[List[Document]]:
    """The documents of ``text`` built from parser events in one pass, or
    None when the file needs the compose-then-build path (see above)."""
    _pyyaml()
    if _CParser is None or len(text) > limits.max_request_bytes:
        # The size bound makes the byte limit unreachable here: a decoded
        # string is never longer than its source text.
        return None
    try:
        parser = _CParser(text)
    except UnicodeEncodeError:  # lone surrogates: the other path words it
        return None
    documents: List[Document] = []
    seen = 0
    empty_budget = 10 * limits.max_documents
    max_depth = limits.max_depth
    next_event = parser.get_event
    try:
        next_event()  # StreamStartEvent
        while True:
            event = next_event()
            if event.__class__ is not _DocumentStartEvent:
                if event.__class__ is _StreamEndEvent:
                    break
                raise _Bail
            event = next_event()
            cls = event.__class__
            count = [limits.max_nodes - 1]  # nodes left in this document (_Builder's decodes, the root counted)
            if cls is _MappingStartEvent:
                data, shadow = _fast_mapping(next_event, event, 1, max_depth, count)
            elif cls is _SequenceStartEvent:
                data, shadow = _fast_sequence(next_event, event, 1, max_depth, count)
            elif cls is _ScalarEvent:
                if event.tag is not None or event.anchor is not None:
                    raise _Bail
                data = event.value if event.style else _fast_value(event.value)
                m = event.start_mark
                shadow = (m.line + 1, m.column + 1, None)
            else:
                raise _Bail
            if count[0] < 0:
                raise _Bail
            next_event()  # DocumentEndEvent
            seen += 1
            if seen > empty_budget:
                raise _Bail
            if data is None and cls is _ScalarEvent and not event.style:
                continue  # an empty document ("---" alone, or only comments)
            if len(documents) >= limits.max_documents:
                raise _Bail
            documents.append(Document(path, len(documents), data, shadow, shadow[0], shadow[1]))
    except (_Bail, yaml.YAMLError, RecursionError):
        return None  # the other path reports the error
    finally:
        parser.dispose()
    return documents


# ---------------------------------------------------------------------------
# The one-pass path in C
#
# The optional extension module ``_kubelint_yaml`` (csrc/_kubelint_yaml.c,
# built by setup.py with libyaml 0.2.5 compiled in) does what
# _py_fast_documents does, over libyaml's event API, without a Python object
# per event: the same documents, and None exactly where the Python path gives
# up.  Plain scalars are still resolved here, in one place: it looks up
# _KEY_CACHE and _RESOLVE_CACHE itself and calls _fast_key and _fast_value on
# a miss.  Without the extension (no C compiler at install time, a build for
# another interface version) or with KUBELINT_LOADER=python in the
# environment, the Python one-pass path is used; ONE_PASS says which.

_CEXT_API = 2  # the extension's API_VERSION this module speaks
_SSIZE_MAX = sys.maxsize // 16  # limits are clamped to what C's Py_ssize_t holds (10 x documents too)


def _load_c_extension():
    """The extension module if it is installed and speaks this module's API version, else None."""
    try:
        import _kubelint_yaml as module
    except ImportError:
        return None
    if getattr(module, "API_VERSION", None) != _CEXT_API:
        return None  # a stale build: ignored
    return module


_cext = None if os.environ.get("KUBELINT_LOADER", "").lower() == "python" else _load_c_extension()


def native(name: str):
    """The C extension's function ``name`` (``json_len``, ``to_value``: other stages' hot paths, each
    with a Python twin it must equal), or None without the extension."""
    return getattr(_cext, name, None)


def _c_fast_documents(text: str, path: str, limits: Limits, module=None, job=None) -> Optional[List[Document]]:
    """_py_fast_documents in C (``_kubelint_yaml.parse``; ``module``: another build of it, for tests;
    ``job``: the events :class:`Prefetch` parsed ahead for this ``text``, if any)."""
    pairs = (module or _cext).parse(
        text,
        min(limits.max_request_bytes, _SSIZE_MAX),
        min(limits.max_documents, _SSIZE_MAX),
        min(limits.max_depth, _SSIZE_MAX),
        min(limits.max_nodes, _SSIZE_MAX),
        (_KEY_CACHE, _RESOLVE_CACHE, _fast_key, _fast_value, _Bail, _NULL_KEY, _RESOLVED_FIRST),
        job,
    )
    if pairs is None:
        return None
    return [Document(path, index, data, shadow, shadow[0], shadow[1]) for index, (data, shadow) in enumerate(pairs)]


if _cext is not None:
    _fast_documents = _c_fast_documents
    ONE_PASS = f"C extension _kubelint_yaml (libyaml {_cext.LIBYAML_VERSION})"
else:
    _fast_documents = _py_fast_documents
    ONE_PASS = "Python (PyYAML's libyaml parser events)"


def _short_tag(tag: str) -> str:
    if tag.startswith("tag:yaml.org,2002:"):
        return "!!" + tag[len("tag:yaml.org,2002:") :]
    return tag


def _clip(s: str, n: int = 40) -> str:
    """A value quoted in a message: at most ``n`` characters, one line."""
    s = s if len(s) <= n else s[: n - 3] + "..."
    if not s.isprintable():
        s = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in s)
    return s


# ---------------------------------------------------------------------------
# Text -> documents


class _LineStart:
    r"""A pattern anchored at line starts (``re.compile("^" + body, re.M)``),
    searched fast: its ``\n``-prefixed twin lets the regex engine jump from
    newline to newline, where a multi-line ``^`` is tried at every character
    (5 to 8 times slower over the corpus).  ``body`` spells end of line
    ``(?=\n|\Z)``, never ``$``."""

    __slots__ = ("first", "rest")

    def __init__(self, body: str):
        self.first = lazy(body)
        self.rest = lazy("\n(?:" + body + ")")

    def finditer(self, text: str) -> Iterator[Tuple[int, "re.Match"]]:
        """(offset of the line, match) for every line that starts with the
        pattern; the match's groups index ``text`` itself."""
        m = self.first.match(text)
        if m:
            yield 0, m
        for m in self.rest.finditer(text):
            yield m.start() + 1, m

    def search(self, text: str) -> Optional[Tuple[int, "re.Match"]]:
        return next(self.finditer(text), None)


_SEPARATOR_WITH_CONTENT = _LineStart(r"---[ \t]*([^ \t#\r\n][^\n]*)")
_CONFLICT = _LineStart(r"(?:<<<<<<<|>>>>>>>)(?=[ \n]|\Z)|=======(?=\n|\Z)")
_HELM = lazy(r"\{\{-?\s*[-.$\w(\"]")
_FLOW_CHARS = lazy(r"[\[\]{}]")


def _prescan(text: str, limits: Limits, scan=None) -> None:
    """Reject nesting that would overflow libyaml's recursive composer.

    This is a cheap upper bound computed before parsing; the builder enforces
    the exact ``max_depth`` afterwards.  ``scan``: _scan(text).
    """
    budget = limits.max_depth
    if (scan[1] if scan is not None else text.count("[") + text.count("{")) > budget:
        depth = 0
        for m in _FLOW_CHARS.finditer(text):
            if m.group() in "[{":
                depth += 1
                if depth > budget:
                    line = text.count("\n", 0, m.start()) + 1
                    raise LoadError(
                        "nesting-too-deep",
                        f"nesting deeper than {budget} levels (limit --max-depth); no manifest needs this",
                        line,
                        m.start() - text.rfind("\n", 0, m.start()),
                    )
            elif depth:
                depth -= 1
    columns = 4 * budget + 8
    block = (
        _deep_indent(columns).search(text) if len(text) >= columns and (scan is None or scan[2] >= columns) else None
    )
    if block:
        line = text.count("\n", 0, block[0]) + 1
        raise LoadError(
            "nesting-too-deep",
            f"indentation deeper than {4 * budget + 8} columns (limit --max-depth); no manifest needs this",
            line,
            1,
        )


@functools.lru_cache(maxsize=4)
def _deep_indent(columns: int) -> _LineStart:
    return _LineStart(r"[ \t?:-]{%d}" % columns)


_DOC_START = _LineStart(r"---(?=[ \t\r\n]|\Z)")


def _node_estimate(text: str, start: int, end: int) -> int:
    """An upper bound of the nodes between ``start`` and ``end``, cheaply."""
    return (
        text.count("\n", start, end)
        + text.count(",", start, end)
        + text.count("- ", start, end)
        + text.count("? ", start, end)
    )


def _count_nodes(text: str, limits: Limits, scan=None) -> None:
    """Reject a document with more than ``max_nodes`` nodes before PyYAML
    composes it (a 10 MB flow sequence is 5 million nodes, 2 GB of node
    objects).  Counting parser events costs a pass over the document, so it
    runs only on documents long enough (every node takes at least a
    character) whose cheap upper bound exceeds the limit: never for real
    manifests, never for a file of a million tiny documents."""
    budget = limits.max_nodes
    # the estimate counts non-overlapping substrings: never above len(text)
    if len(text) <= budget or (scan[3] if scan is not None else _node_estimate(text, 0, len(text))) <= budget:
        return
    start = 0
    for line_start, _ in _DOC_START.finditer(text):
        _count_document(text, start, line_start, budget)
        start = line_start
    _count_document(text, start, len(text), budget)


def _count_document(text: str, start: int, end: int, budget: int) -> None:
    if end - start <= budget or _node_estimate(text, start, end) <= budget:
        return
    _pyyaml()
    parser = _BaseLoader(text[start:end])
    first_line = text.count("\n", 0, start)
    count = 0
    counted = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
    try:
        while True:
            event = parser.get_event()
            if event is None or event.__class__ is yaml.StreamEndEvent:
                return
            if event.__class__ is yaml.DocumentStartEvent:
                count = 0
            elif event.__class__ in counted:
                count += 1
                if count > budget:
                    m = event.start_mark
                    raise LoadError(
                        "too-many-nodes",
                        f"document has more than {budget:,} nodes (limit --max-nodes); "
                        "the API server stores no object this large",
                        first_line + m.line + 1,
                        m.column + 1,
                    )
    except yaml.YAMLError:
        return  # the parse proper reports it
    finally:
        parser.dispose()


def _request_too_large(limit: int, size: Optional[int] = None) -> str:
    what = f"at least {size:,} bytes as JSON" if size else f"more than {limit:,} bytes as JSON"
    return (
        f"document is {what}, over the API server's request limit of {limit:,} bytes (kube-apiserver: "
        f"'Request entity too large: limit is {limit}'; etcd stores at most 1.5 MiB per object): split it into "
        "smaller objects"
    )


# Cheap pre-compose bounds for big files (item 10 of issue 13): a 500,000-key
# ConfigMap took 6 s and 509 MB to compose before it was found too large.
_SIZE_CHECK_FROM = 512 * 1024  # smaller files are never scanned
_INDENT_OR_COMMENT = lazy(r"^[ \t]+|[ \t]+#[^\n]*|^#[^\n]*", re.M)
_LIST_KIND = _LineStart(r"kind:[ \t]*[\"']?[A-Za-z0-9]*List[\"']?[ \t]*(?:#[^\n]*)?(?=\n|\Z)")
_LIST_ITEM = _LineStart(r"[ \t]*- [ \t]*\{?[ \t]*[\"']?(?:apiVersion|kind)[\"']?[ \t]*:")


def _check_sizes(text: str, limits: Limits) -> None:
    """Before composing: a document whose text without indentation and
    comments (a lower bound of its JSON) exceeds the API server's request
    limit is rejected; a List (kubectl sends each item on its own, so its
    size does not matter) may not hold more than --max-documents items."""
    if len(text) <= _SIZE_CHECK_FROM:
        return
    start = 0
    for end in [line_start for line_start, _ in _DOC_START.finditer(text)] + [len(text)]:
        if end - start > _SIZE_CHECK_FROM:
            _check_document_size(text, start, end, limits)
        start = end


def _check_document_size(text: str, start: int, end: int, limits: Limits) -> None:
    doc = text[start:end]
    if _LIST_KIND.search(doc):
        for n, (item_start, _) in enumerate(_LIST_ITEM.finditer(doc), 1):
            if n > limits.max_documents:
                line = text.count("\n", 0, start + item_start) + 1
                raise LoadError(
                    "too-many-documents",
                    f"List with more than {limits.max_documents:,} items (limit --max-documents; "
                    "kubectl sends every item as an object of its own); the rest of the file was not read",
                    line,
                    1,
                )
        return
    if end - start <= limits.max_request_bytes:
        return
    content = len(_INDENT_OR_COMMENT.sub("", doc))
    if content > limits.max_request_bytes:
        line = text.count("\n", 0, start) + 1 + (1 if doc.startswith("---") else 0)
        raise LoadError("request-too-large", _request_too_large(limits.max_request_bytes, content), line, 1)


# _scan(text): what the pre-scans need to know, from one pass in C
# (_kubelint_yaml.scan, which documents them): (line_starts, brackets, run,
# nodes) or None, and then they look for themselves.  Each fact is necessary
# for a pattern to match, never sufficient: the patterns decide.
_DASHES, _MARKER, _PERCENT = 1, 2, 4  # a line starts with "--- content", a conflict marker, %


def _scan(text: str, job=None):
    return _cext.scan(text, job) if _cext is not None else None


def parse_text(text: str, path: str, limits: Limits = Limits(), job=None) -> LoadedFile:
    """Parse one file's text into documents; never raises for bad content.  ``job``: what
    :class:`Prefetch` scanned and parsed ahead for this very ``text`` (the same events, parsed on
    another thread), or None."""
    loaded = LoadedFile(path)
    problems = loaded.problems
    scan = _scan(text, job)
    unsplittable = _stream_error(text, path, scan)  # kubectl cannot even split the stream into documents
    if unsplittable is not None:
        problems.append(unsplittable)
        return loaded
    if "\ufeff" in text:
        # go-yaml decodes each document kubectl's YAMLReader splits off on its
        # own and skips a byte-order mark at its start (oracle: accepted).
        text = _BOM_AFTER_SEPARATOR.sub(r"\1", text)
        scan = _scan(text)
    if (scan[0] & _PERCENT) if scan is not None else ("\n%" in text or text[:1] == "%"):  # a directive starts a line
        problems.extend(_directive_findings(text, path))
    is_json = text.lstrip()[:1] == "{"
    if is_json and "\t" in text:
        # JSON allows tabs as whitespace, YAML does not; inside JSON strings
        # a raw tab is invalid anyway, so this keeps offsets and meaning
        # (and every fact of ``scan``: a tab and a space are alike there).
        text = text.replace("\t", " ")
    try:
        _prescan(text, limits, scan)
        _count_nodes(text, limits, scan)
    except LoadError as exc:
        problems.append(Finding(exc.rule, ERROR, exc.message, path, exc.line, exc.column))
        return loaded
    if is_json:
        stream = _json_stream(text)
        if stream is not None:
            return _parse_json_stream(text, stream, path, limits, loaded)
    try:
        _check_sizes(text, limits)
    except LoadError as exc:
        problems.append(Finding(exc.rule, ERROR, exc.message, path, exc.line, exc.column))
        return loaded
    need = limits.max_depth * 2 + 500
    if sys.getrecursionlimit() < need:
        sys.setrecursionlimit(need)
    if job is not None:  # libyaml's events for this text, from the prefetch thread (only with the C extension)
        documents = _c_fast_documents(text, path, limits, job=job)
    else:
        documents = _fast_documents(text, path, limits)
    if documents is not None:
        loaded.documents = documents
        return loaded
    _pyyaml()
    try:
        loader = _ComposeLoader(text)
    except UnicodeEncodeError as exc:  # lone surrogates (only via the API: decode_text never yields them)
        line = text.count("\n", 0, exc.start) + 1
        problems.append(
            Finding(
                "invalid-encoding",
                ERROR,
                "text contains a lone UTF-16 surrogate, which no UTF encoding can carry; re-save the file as UTF-8",
                path,
                line,
                exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1,
            )
        )
        return loaded
    try:
        _read_documents(loader, text, path, limits, loaded)
    finally:
        loader.dispose()
    return loaded


def _stream_error(text: str, path: str, scan=None) -> Optional[Finding]:
    """A merge-conflict marker, or a document separator followed by content: the whole file is unreadable.
    ``scan``: _scan(text), which tells where the patterns cannot match."""
    conflict = _CONFLICT.search(text) if scan is None or scan[0] & _MARKER else None
    if conflict:
        line = text.count("\n", 0, conflict[0]) + 1
        return Finding(
            "merge-conflict",
            ERROR,
            "unresolved merge-conflict marker: resolve the conflict (keep one side, delete the <<<<<<< ======= "
            ">>>>>>> lines) before applying",
            path,
            line,
            1,
        )
    if scan is not None and not scan[0] & _DASHES:
        return None
    for line_start, m in _SEPARATOR_WITH_CONTENT.finditer(text):
        content = m.group(1)
        line = text.count("\n", 0, line_start) + 1
        return Finding(
            "yaml-syntax",
            ERROR,
            f"invalid document separator: kubectl allows only a comment after '---', found '{_clip(content)}'; "
            "put the content on the next line",
            path,
            line,
            m.start(1) - line_start + 1,
        )
    return None


def _directive_findings(text: str, path: str) -> List[Finding]:
    findings = []
    for line_start, m in _DIRECTIVE.finditer(text):
        line = text.count("\n", 0, line_start) + 1
        findings.append(
            Finding(
                "yaml-syntax",
                ERROR,
                f"YAML directive '{_clip(m.group(1))}': kubectl rejects it (it splits the stream at '---', "
                "so the directive is a document of its own: did not find expected <document start>); "
                "delete the line",
                path,
                line,
                1,
            )
        )
    return findings


def _read_documents(loader, text: str, path: str, limits: Limits, loaded: LoadedFile) -> None:
    """Compose and build the documents of ``loader`` into ``loaded`` (its problems too), within the limits."""
    problems = loaded.problems
    index = 0
    seen = 0  # documents, empty ones included
    empty_budget = 10 * limits.max_documents
    while True:
        try:
            if not loader.check_node():
                break
            node = loader.get_node()
        except yaml.MarkedYAMLError as exc:
            problems.append(_syntax_finding(exc, text, path))
            break
        except yaml.YAMLError as exc:
            problems.append(_unmarked_finding(exc, text, path))
            break
        if node is None:
            continue
        seen += 1
        if (
            node.__class__ is _ScalarNode
            and node.tag == _IMPLICIT
            and not node.style
            and resolve_plain(node.value) is None
        ):
            if seen <= empty_budget:
                continue  # an empty document ("---" alone, or only comments)
            # a million "---" lines: bounded like real documents
        if index >= limits.max_documents or seen > empty_budget:
            problems.append(_too_many_documents(node, index, limits, empty_budget, path))
            break
        document = _build_document(node, index, path, limits, problems)
        if document is not None:
            loaded.documents.append(document)
        index += 1


def _too_many_documents(node, index: int, limits: Limits, empty_budget: int, path: str) -> Finding:
    m = node.start_mark
    what = (
        f"more than {limits.max_documents:,} documents in one file (limit --max-documents)"
        if index >= limits.max_documents
        else f"more than {empty_budget:,} documents, empty ones included, in one file (limit 10 x --max-documents)"
    )
    return Finding(
        "too-many-documents",
        ERROR,
        f"{what}; the rest of the file was not read",
        path,
        m.line + 1,
        m.column + 1,
    )


def _build_document(node, index: int, path: str, limits: Limits, problems: List[Finding]) -> Optional[Document]:
    """The document of one composed node, or None (with a finding in ``problems``) if it cannot be decoded."""
    builder = _Builder(path, problems, limits)
    try:
        data, shadow = builder.build(node, 1)
    except _DocError as exc:
        problems.append(Finding(exc.rule, ERROR, exc.message, path, exc.line, exc.column))
        return None
    except RecursionError:
        m = node.start_mark
        problems.append(
            Finding("nesting-too-deep", ERROR, "nesting too deep to decode", path, m.line + 1, m.column + 1)
        )
        return None
    line, col = shadow[0], shadow[1]
    return Document(path, index, data, shadow, line, col)


_BOM_AFTER_SEPARATOR = lazy(r"^(---(?:[ \t][^\n]*)?\r?\n)\ufeff", re.M)
# A directive line (%YAML 1.1, %TAG ...): a plain scalar cannot start with '%'.
_DIRECTIVE = _LineStart(r"(%[A-Za-z][^\n]*)")
_JSON_SPACE = lazy(r"[ \t\n\r]*")


def _json_stream(text: str):
    """kubectl's YAMLOrJSONDecoder on a stream that starts with '{': JSON
    values one after another (`jq -c '.items[]'` output, or with nothing
    between them), and from the first one that is not valid JSON on, YAML.
    ``(spans, tail_start)``; ``None`` for a single JSON value (or none),
    which the ordinary path reads."""
    decoder = json.JSONDecoder()
    spans = []
    pos = _JSON_SPACE.match(text, 0).end()
    n = len(text)
    while pos < n:
        try:
            _, end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        spans.append((pos, end))
        pos = _JSON_SPACE.match(text, end).end()
    tail = pos if pos < n else None
    if not spans or (len(spans) == 1 and tail is None):
        return None
    return spans, tail


def _parse_json_stream(text: str, stream, path: str, limits: Limits, loaded: LoadedFile) -> LoadedFile:
    """Each JSON value (and the YAML tail) parsed on its own, its positions
    moved to where it sits in the file."""
    spans, tail = stream
    pieces = spans + ([(tail, len(text))] if tail is not None else [])
    index = 0
    line_base, counted = 0, 0  # newlines before ``counted``
    for start, end in pieces:
        line_base += text.count("\n", counted, start)
        counted = start
        col_base = start - (text.rfind("\n", 0, start) + 1)
        sub = parse_text(text[start:end], path, limits)
        for f in sub.problems:
            loaded.problems.append(
                f._replace(line=f.line + line_base, column=f.column + (col_base if f.line == 1 else 0))
            )
        for d in sub.documents:
            if index >= limits.max_documents:
                loaded.problems.append(
                    Finding(
                        "too-many-documents",
                        ERROR,
                        f"more than {limits.max_documents:,} documents in one file (limit --max-documents); "
                        "the rest of the file was not read",
                        path,
                        d.line + line_base,
                        d.column,
                    )
                )
                return loaded
            shadow = _shift(d.shadow, line_base, col_base)
            loaded.documents.append(Document(path, index, d.data, shadow, shadow[0], shadow[1]))
            index += 1
    return loaded


def _shift(shadow, dl: int, dc: int):
    """A shadow (line, column, children) moved ``dl`` lines down, and ``dc``
    columns right on its first line."""
    line, col, children = shadow
    if isinstance(children, list):
        children = [_shift(c, dl, dc) for c in children]
    elif isinstance(children, dict):
        children = {k: (kl + dl, kc + (dc if kl == 1 else 0), _shift(v, dl, dc)) for k, (kl, kc, v) in children.items()}
    return (line + dl, col + (dc if line == 1 else 0), children)


def _unmarked_finding(exc: yaml.YAMLError, text: str, path: str) -> Finding:
    """A YAML error without a mark: the reader's "unacceptable character"
    (go-yaml: "control characters are not allowed"), or anything else."""
    pos = getattr(exc, "position", None)
    char = getattr(exc, "character", None)
    if isinstance(pos, int) and 0 <= pos <= len(text):
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    else:
        line = col = 1
    if isinstance(char, str) and len(char) == 1:
        what = f"control character U+{ord(char):04X}"
    elif isinstance(char, int):
        what = f"control character U+{char:04X}"
    else:
        what = None
    if what:
        msg = (
            f"{what} is not allowed in YAML (kubectl: control characters are not allowed); remove it or write "
            "it as an escape in a double-quoted string"
        )
    else:
        msg = "YAML syntax error: " + " ".join(str(exc).split())
    return Finding("yaml-syntax", ERROR, msg, path, line, col)


def _syntax_finding(exc: yaml.MarkedYAMLError, text: str, path: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    col = mark.column + 1 if mark else 1
    problem = exc.problem or str(exc)
    hint = ""
    at_tab = False
    if mark is not None:
        lines = text.split("\n", mark.line + 1)
        if mark.line < len(lines):
            src = lines[mark.line]
            at_tab = mark.column < len(src) and src[mark.column] == "\t"
    if at_tab or "'\\t'" in problem or "\\t" in problem or "tab" in problem.lower():
        problem = "tab character where YAML expects indentation or a token"
        hint = "YAML indentation must use spaces, never tabs: replace the tab with spaces"
    elif "mapping values are not allowed here" in problem:
        hint = "a plain value contains ': ' or the indentation is off; quote the value or fix the indentation"
    elif (
        "could not find expected ':'" in problem
        or "did not find expected ',' or" in problem
        or "mapping values are not allowed" in problem
    ) and _long_key(text, mark):
        problem = "a key longer than 1024 characters"
        hint = (
            "YAML (go-yaml and libyaml alike) limits implicit keys to 1024 characters and no Kubernetes field "
            "or data key is longer than 253: shorten the key"
        )
    elif "could not find expected ':'" in problem:
        hint = "a key is missing its ':' or a line is indented inconsistently"
    elif "found undefined alias" in problem:
        hint = "an alias (*name) refers to an anchor (&name) that is not defined earlier in the same document"
    elif "expected <block end>" in problem:
        hint = "the indentation of this line does not match its siblings"
    elif "found duplicate anchor" in problem:
        hint = "the same anchor (&name) is defined twice; rename one"
    if "{{" in text and _HELM.search(text):
        hint = (
            "this looks like an unrendered Helm/Go template: render it first, e.g. `helm template RELEASE "
            "CHART | kubelint check -`"
        )
        rule = "helm-template"
    else:
        rule = "yaml-syntax"
    msg = f"YAML syntax error: {problem}"
    if hint:
        msg += f" ({hint})"
    return Finding(rule, ERROR, msg, path, line, col)


def _long_key(text: str, mark) -> bool:
    """The error is libyaml's "simple key" limit: more than 1024 characters
    since the start of the key (line start or flow delimiter) before the mark."""
    if mark is None or mark.column < 1024 or getattr(mark, "index", None) is None:
        return False
    idx = mark.index
    start = max(text.rfind(c, 0, idx) for c in "\n{[,")
    return idx - start > 1024 and text.find(": ", start, idx) == -1


def load_file(path: str, limits: Limits = Limits(), stdin=None, debug: bool = False, ahead=None) -> LoadedFile:
    """Read, decode and parse one input (``-`` is stdin).  With ``debug``
    (``--debug``, the fuzz targets) a loader bug raises instead of becoming
    an internal-error finding on the file.  ``ahead``: a :class:`Prefetch`
    that read this ``path`` (and is parsing it) ahead."""
    display = STDIN_NAME if path == STDIN else path
    job = None
    try:
        if ahead is not None:
            text, job = ahead.take(path)
        else:
            text = decode_text(read_bytes(path, limits, stdin))
    except LoadError as exc:
        lf = LoadedFile(display, fatal=exc.fatal)
        lf.problems.append(Finding(exc.rule, ERROR, exc.message, display, exc.line, exc.column))
        return lf
    try:
        loaded = parse_text(text, display, limits, job)
        if "kubelint:" in text:
            from .suppress import scan

            loaded.directives = scan(text)
    except (MemoryError, RecursionError) as exc:
        loaded = LoadedFile(display, fatal=True)
        loaded.problems.append(
            Finding(
                "too-many-nodes" if isinstance(exc, MemoryError) else "nesting-too-deep",
                ERROR,
                "file too large or too deeply nested to decode in the memory available; "
                "lower --max-file-size / --max-nodes / --max-depth",
                display,
                1,
                1,
            )
        )
    except Exception as exc:  # a loader bug must not end the run: the other files are still checked
        if debug:
            raise
        loaded = LoadedFile(display, fatal=True)
        loaded.problems.append(
            Finding(
                "internal-error",
                ERROR,
                f"kubelint internal error while reading the file: {type(exc).__name__}: {_clip(str(exc), 200)} "
                "(please report it; run with --debug for a traceback)",
                display,
                1,
                1,
            )
        )
    if path == STDIN:
        loaded.text = text
    return loaded


class Prefetch:
    """Files read ahead, in the order they will be loaded, whose text the C extension's own
    thread scans and parses (libyaml's events, kept) while this thread builds the data of the
    files before them: :func:`load_file` then takes the events instead of parsing again.  The
    same events in the same order give the same documents, so the result is identical; only
    the libyaml part of a file's parse moves off this thread (on the corpus about 40% of the
    extension's time).  Files are read (and their errors met) in the same order as without it.

    :meth:`start` gives None where there is nothing to gain: no C extension, a build without
    threads, or fewer than two files.  :meth:`close` (always, ``finally``) stops the thread;
    it must be stopped before the process forks.  At most :data:`AHEAD` files (and :data:`AHEAD_CHARS`
    of text) wait, read."""

    AHEAD = 16  # files
    AHEAD_CHARS = 4 << 20  # and characters of their text (a file over it is read ahead alone)

    def __init__(self, paths: List[str], limits: Limits, prefetcher):
        self._paths = paths
        self._limits = limits
        self._next = 0  # the next index of ``paths`` to read
        self._queue: collections.deque = collections.deque()  # (path, text or the exception, job)
        self._prefetcher = prefetcher

    @staticmethod
    def available() -> bool:
        return getattr(_cext, "Prefetcher", None) is not None

    @classmethod
    def start(cls, paths: List[str], limits: Limits) -> Optional["Prefetch"]:
        if not cls.available() or len(paths) < 2:
            return None
        return cls(paths, limits, _cext.Prefetcher())

    def take(self, path: str):
        """``(text, job)`` for ``path``, the next file in order (raises its LoadError); a path out of
        that order is read here, without a job."""
        self._fill()
        if not self._queue or self._queue[0][0] != path:
            return decode_text(read_bytes(path, self._limits)), None
        _, text, job = self._queue.popleft()
        self._fill()
        if isinstance(text, Exception):
            raise text
        return text, job

    def _fill(self) -> None:
        # In bursts: once half the files read ahead are taken, as many as fit (at most AHEAD files and
        # AHEAD_CHARS of text, at least one).  The thread, idle between bursts, is woken once per burst
        # instead of once per file (a wake-up is two context switches, costly on a virtual machine).
        if len(self._queue) > self.AHEAD // 2 or self._next >= len(self._paths):
            return
        queued = sum(len(t) for _, t, _ in self._queue if isinstance(t, str))
        while len(self._queue) < self.AHEAD and self._next < len(self._paths):
            if self._queue and queued >= self.AHEAD_CHARS:
                break
            path = self._paths[self._next]
            self._next += 1
            try:
                text = decode_text(read_bytes(path, self._limits))
            except Exception as exc:  # raised when the file's turn comes, as without reading ahead
                self._queue.append((path, exc, None))
                continue
            queued += len(text)
            self._queue.append((path, text, self._prefetcher.submit(text)))

    def close(self) -> None:
        self._queue.clear()
        self._prefetcher.close()


def iter_load(paths: Iterable[str], limits: Limits = Limits(), stdin=None, debug: bool = False) -> Iterator[LoadedFile]:
    for path, error in discover(paths):
        if error is not None:
            lf = LoadedFile(path, fatal=True)
            lf.problems.append(Finding(error.rule, ERROR, error.message, path, 1, 1))
            yield lf
            continue
        yield load_file(path, limits, stdin, debug)
