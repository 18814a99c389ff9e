"""Run a command and measure its whole process tree: wall time, CPU time of
the process and every descendant it waited for, and peak memory.

CPU is ``resource.getrusage(RUSAGE_CHILDREN)`` before and after (user +
system): a process's rusage includes the children it waited for, so a
kubelint run's forked workers (joined by their pool) are counted, as are a
Go tool's threads.

Peak memory is sampled: a thread reads ``/proc/<pid>/smaps_rollup`` of the
process and of every descendant (found through ``/proc/<pid>/task/*/children``)
every ``interval`` seconds and keeps the largest sum of PSS (proportional set
size: a page shared by n processes counts 1/n in each, so the sum is what the
tree really holds) and of RSS (shared pages counted in every process, what
``ps`` and ``ru_maxrss`` add up to).  A short peak between two samples can be
missed; ``maxrss`` (``wait4``'s ``ru_maxrss`` of the top process alone, exact
but per process) is reported beside it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import List, Optional


@dataclass
class Measure:
    wall: float  # seconds
    cpu: float  # seconds, user + system, the whole tree
    pss: int  # peak of the tree's summed PSS, bytes
    rss: int  # peak of the tree's summed RSS, bytes
    maxrss: int  # ru_maxrss of the top process (wait4), bytes
    processes: int  # most processes seen at once
    returncode: int


def _descendants(pid: int) -> List[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
            except OSError:
                pass
    return out


def _rollup(pid: int):
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return pss, rss


class _Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.pss = self.rss = self.processes = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids = _descendants(self.pid)
            pss = rss = 0
            for p in pids:
                a, b = _rollup(p)
                pss += a
                rss += b
            self.pss, self.rss = max(self.pss, pss), max(self.rss, rss)
            self.processes = max(self.processes, len(pids))
            self.stop.wait(self.interval)


def measure(cmd: List[str], *, env=None, cwd=None, stdout=None, interval: Optional[float] = 0.02, ok=(0, 1)) -> Measure:
    """Run ``cmd`` (output discarded unless ``stdout`` is a file object) and measure it.  ``interval``:
    seconds between memory samples; None: no sampling (pss, rss and processes 0).  Sampling is not
    free: reading ``smaps_rollup`` walks the page tables of every process of the tree, which on two
    cores slowed a 330 MiB kubelint run by ~12% and kubeconform by ~7% (every 20 ms), so timings
    are best taken without it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=cwd
    )
    sampler = _Sampler(proc.pid, interval if interval is not None else 0.0)
    if interval is not None:
        sampler.start()
    # stderr is read to the end before waiting: a tool that writes a lot
    # there must not block on a full pipe.
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    sampler.stop.set()
    if interval is not None:
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise RuntimeError(
            f"command failed ({proc.returncode}): {' '.join(cmd[:6])} ...\n{err.decode(errors='replace')[-2000:]}"
        )
    return Measure(
        wall=wall,
        cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        pss=sampler.pss,
        rss=sampler.rss,
        maxrss=usage.ru_maxrss * 1024,
        processes=sampler.processes,
        returncode=proc.returncode,
    )


def mib(n: Optional[int]) -> str:
    return "-" if not n else f"{n / 1048576:.0f} MiB"
