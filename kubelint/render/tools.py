"""The external renderers: finding ``helm`` / ``kustomize`` and running them
with a time limit and an output limit (a chart must not hang or exhaust
kubelint), never through a shell, never reading kubelint's stdin."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from typing import List, NamedTuple, Optional

DEFAULT_TIMEOUT = 300  # seconds per render


class ToolResult(NamedTuple):
    returncode: int
    stdout: bytes
    stderr: str
    problem: Optional[str] = None  # timed out, too much output, could not start


def find(name: str, override: Optional[str] = None) -> Optional[str]:
    """The executable for ``name``: ``override`` (a path or a command
    name) if given, else ``name`` on PATH; None when there is none."""
    if override:
        if os.sep in override or (os.altsep and os.altsep in override):
            return override if os.path.isfile(override) and os.access(override, os.X_OK) else None
        return shutil.which(override)
    return shutil.which(name)


def run(
    argv: List[str],
    cwd: Optional[str] = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = 32 << 20,
    env: Optional[dict] = None,
) -> ToolResult:
    """Run ``argv``; stdout is kept up to ``max_bytes`` (the process is
    killed beyond), stderr up to 64 KiB."""
    try:
        proc = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
    except OSError as exc:
        return ToolResult(127, b"", "", f"cannot run {argv[0]}: {exc.strerror or exc}")
    out: List[bytes] = []
    err: List[bytes] = []
    state = {"size": 0, "overflow": False}

    def pump_out():
        while True:
            chunk = proc.stdout.read(65536)
            if not chunk:
                return
            state["size"] += len(chunk)
            if state["size"] > max_bytes:
                state["overflow"] = True
                proc.kill()
                return
            out.append(chunk)

    def pump_err():
        size = 0
        while True:
            chunk = proc.stderr.read(65536)
            if not chunk:
                return
            if size < 65536:
                err.append(chunk[: 65536 - size])
            size += len(chunk)

    threads = [threading.Thread(target=pump_out, daemon=True), threading.Thread(target=pump_err, daemon=True)]
    for t in threads:
        t.start()
    problem = None
    # Wait on the pipes, not by polling the process (Popen.wait(timeout) sleeps in steps).
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    if any(t.is_alive() for t in threads):
        proc.kill()
        problem = f"{os.path.basename(argv[0])} did not finish within {timeout:g} seconds"
    proc.wait()
    for t in threads:
        t.join(5)
    proc.stdout.close()
    proc.stderr.close()
    if state["overflow"]:
        problem = (
            f"{os.path.basename(argv[0])} wrote more than {max_bytes:,} bytes "
            "(limit --max-file-size); no chart or kustomization renders this much"
        )
    return ToolResult(proc.returncode, b"".join(out), b"".join(err).decode("utf-8", "replace"), problem)
