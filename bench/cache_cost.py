"""What the results cache saves (issue 18, item 3): CPU of a serial corpus run
with the disk cache off, cold (an empty directory) and warm, in one run.

    python3 bench/cache_cost.py [--repeat 3] [PATH ...]

Each figure is the median CPU time (user + system, from ``wait4``) of
``kubelint check --format json --jobs 1 PATH`` (default: ../shared/corpus,
whose 154 CRDs carry 939 CEL rules); the rounds interleave the three modes.
Every run's output is compared: the three must be byte-identical, and a
run after corrupting every entry too.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
if not os.path.isdir(CORPUS):
    CORPUS = "/work/shared/corpus"


def run(paths, *flags):
    """(CPU seconds, md5 of the JSON report) of one run."""
    argv = [sys.executable, "-m", "kubelint", "check", "--format", "json", "--jobs", "1", *flags, *paths]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, hashlib.md5(out).hexdigest()


def corrupt(directory) -> int:
    n = 0
    for root, _, files in os.walk(directory):
        for f in files:
            with open(os.path.join(root, f), "r+b") as fh:
                fh.seek(-1, os.SEEK_END)
                last = fh.read(1)
                fh.seek(-1, os.SEEK_END)
                fh.write(bytes([last[0] ^ 0xFF]))
            n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("paths", nargs="*", default=[CORPUS])
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')}  load average {os.getloadavg()[0]:.2f}  {args.paths}")
    times = {"off": [], "cold": [], "warm": []}
    digests = set()
    work = tempfile.mkdtemp(prefix="kubelint-cache-bench-")
    try:
        for i in range(args.repeat):
            d = os.path.join(work, f"c{i}")
            for mode, flags in (("off", ("--no-cache",)), ("cold", ("--cache-dir", d)), ("warm", ("--cache-dir", d))):
                cpu, digest = run(args.paths, *flags)
                times[mode].append(cpu)
                digests.add(digest)
        n = corrupt(os.path.join(work, "c0"))
        _, digest = run(args.paths, "--cache-dir", os.path.join(work, "c0"))
        digests.add(digest)
        size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(work, "c0")) for f in fs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for mode, samples in times.items():
        print(
            f"cache {mode:<5} CPU median {statistics.median(samples):6.2f} s  "
            f"({', '.join(f'{s:.2f}' for s in samples)})"
        )
    off, warm = statistics.median(times["off"]), statistics.median(times["warm"])
    print(f"warm / off: {warm / off:.3f}  (saves {off - warm:.2f} s CPU)")
    print(f"{n} entries, {size / 1024:.0f} KiB; after corrupting every entry: same report")
    print(f"reports identical (off, cold, warm, corrupted): {len(digests) == 1}  md5 {sorted(digests)}")
    return 0 if len(digests) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
