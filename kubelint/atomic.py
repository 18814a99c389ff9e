"""Safe writes: every file kubelint writes (``--output``, baselines).

* A regular file or a missing path: the text goes to a temporary file in the
  same directory, flushed and fsynced, then renamed over the target (mode
  kept), so a reader never sees half a file and an interrupted run leaves the
  old file intact.
* A symbolic link to a regular file (or a dangling one): the link itself is
  replaced the same way; its target is never written (a link planted in a
  repository cannot redirect a report over another file).
* Anything else -- a character device (``/dev/null``), a named pipe, a
  terminal, ``/dev/stdout`` and the other links under ``/dev`` and ``/proc``
  -- is written directly, never replaced by a regular file: a rename over
  ``/dev/null`` as root would break the machine.  A named pipe without a
  reader is an error (``ENXIO``), not a hang.

Nothing else is ever written.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile


def write_text(path: str, text: str) -> None:
    if _writes_in_place(path):
        _write_in_place(path, text.encode("utf-8"))
    else:
        _replace(path, text)


def _writes_in_place(path: str) -> bool:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISREG(st.st_mode):
        return False
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if stat.S_ISLNK(st.st_mode):
        if os.path.abspath(path).startswith(("/dev/", "/proc/")):
            return True  # /dev/stdout, /dev/fd/N, /proc/self/fd/N: the stream they stand for
        try:
            target = os.stat(path)
        except OSError:
            return False  # dangling or a loop: replace the link itself
        if stat.S_ISDIR(target.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        return not stat.S_ISREG(target.st_mode)
    return True


def _write_in_place(path: str, data: bytes) -> None:
    """A device, pipe or terminal: opened without blocking (a pipe without a
    reader fails with ENXIO instead of waiting forever), written in full."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "a named pipe or socket with no process reading it", path) from None
        raise
    try:
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.ftruncate(fd, 0)  # /dev/stdout redirected to a file: like the shell's `>`
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
    finally:
        os.close(fd)


def _replace(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".kubelint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            st = None
        if st is not None and stat.S_ISREG(st.st_mode):
            try:
                os.chmod(tmp, st.st_mode & 0o7777)
            except OSError:
                pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
