"""CPU per stage of a serial `kubelint check --format json --jobs 1` (issue 18).

    nice -n 19 python3 bench/stages.py [--rounds 5] [--process] [TREE ...] [-- PATH ...]

Each round runs, for every TREE (a kubelint checkout; default: this one),
one child process that checks PATH (default ../shared/corpus) in-process
with every stage timed by ``time.process_time`` (CPU, not wall: the
machine is shared); rounds interleave the trees and the table shows the
medians; one warm-up run per TREE comes first (page cache, kubelint's
caches).  As in bench.py, bytecode is cached outside the trees
(``PYTHONPYCACHEPREFIX``, whatever ``PYTHONDONTWRITEBYTECODE`` says), as an
installed package has it: otherwise the modules a run imports lazily (CRD,
CEL, admission) are compiled inside the timed stages.  The check runs as
the ``kubelint`` command runs it (``cli.entry``: the run's objects are kept
until the process exits, where the tree has that).  Stages are timed by
wrapping their classes' methods (wrapping bound methods on the instances
would make reference cycles that keep the run's objects alive until the
next garbage collection and distort the figures).  The stages' rows
overlap: ``phase2`` contains the ``obj:`` rows, ``load`` the discovery.
``--process`` adds the CPU of a whole ``python -m kubelint check`` process
per round (interpreter start, imports and exit included).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "shared", "corpus")  # ../shared/corpus from the checkout
if not os.path.isdir(CORPUS) and os.path.isdir("/work/shared/corpus"):  # a worktree under /work/wt
    CORPUS = "/work/shared/corpus"

BENCH_DIR = os.environ.get("KUBELINT_BENCH_DIR") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kubelint-bench"
)

CHILD = r"""
import collections, contextlib, io, sys, time
from kubelint import cli, mask, parallel, runner
T = collections.Counter()
pt = time.process_time
def timed(name, f):
    def w(*a, **k):
        t = pt()
        try:
            return f(*a, **k)
        finally:
            T[name] += pt() - t
    return w
done = set()
def wrap(cls, attr, name):
    if (cls, attr) not in done:
        done.add((cls, attr))
        setattr(cls, attr, timed(name, getattr(cls, attr)))
build = runner.build_context
def build_context(settings):
    ctx = build(settings)
    for s in ctx.stages:
        wrap(type(s), "check_object", "obj:" + getattr(s, "name", type(s).__name__))
    for s in ctx.cross_stages:
        wrap(type(s), "check_all", "cross:" + getattr(s, "name", type(s).__name__))
    for s in ctx.prepare:
        wrap(type(s), "prepare", "prepare:" + getattr(s, "name", type(s).__name__))
    return ctx
runner.build_context = timed("build_context", build_context)
runner._load_inputs = timed("load", runner._load_inputs)
runner._plan = timed("load: discover (in load)", runner._plan)
mark = []
RunResult = runner.RunResult
def run_result(*a, **k):
    mark.append(pt())
    return RunResult(*a, **k)
runner.RunResult = run_result
run = runner.run
def run_freed(*a, **k):
    result = run(*a, **k)
    T["free the run's objects (end of run)"] += pt() - mark[-1]
    return result
runner.run = run_freed
runner._load_extras = timed("extras", runner._load_extras)
runner._suppress = timed("suppress", runner._suppress)
parallel.check_all_files = timed("phase2", parallel.check_all_files)
mask.Masker.findings = timed("mask", mask.Masker.findings)
try:  # where the check command's work is (kubelint/checkcmd.py, else cli.py in older trees)
    from kubelint import checkcmd as command
except ImportError:
    command = cli
command._report = timed("report", command._report)
if hasattr(command, "_Process"):  # as the kubelint command runs it: the run's objects kept until exit
    command._Process.held = []
sys.argv = ["kubelint", "check", "--format", "json", "--jobs", "1"] + sys.argv[1:]
t0 = pt()
with contextlib.redirect_stdout(io.StringIO()):
    try:
        cli.main()
    except SystemExit:
        pass
T["total (after imports)"] = pt() - t0
for k, v in T.items():
    print(f"{v:.4f} {k}")
"""


def main() -> None:
    argv = sys.argv[1:]
    paths = []
    if "--" in argv:
        i = argv.index("--")
        argv, paths = argv[:i], argv[i + 1 :]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--process",
        action="store_true",
        help="also the CPU of a whole `python -m kubelint check` process (getrusage of the child: start-up, "
        "imports and exit included)",
    )
    ap.add_argument("trees", nargs="*", default=[os.path.dirname(HERE)])
    args = ap.parse_args(argv)
    paths = paths or [CORPUS]
    trees = [os.path.abspath(t) for t in args.trees]
    figures = {t: defaultdict(list) for t in trees}

    def env_of(tree: str) -> dict:
        env = dict(os.environ, PYTHONPATH=tree, PYTHONPYCACHEPREFIX=os.path.join(BENCH_DIR, "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def child(tree: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", CHILD, *paths],
            cwd=tree,
            env=env_of(tree),
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def process(tree: str) -> float:
        argv = [sys.executable, "-m", "kubelint", "check", "--format", "json", "--jobs", "1", "--fail-on", "never"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv + paths, cwd=tree, env=env_of(tree), stdout=subprocess.DEVNULL, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime

    for tree in trees:  # warm-up
        child(tree)
    for _ in range(args.rounds):
        for tree in trees:
            out = child(tree)
            for line in out.splitlines():
                value, _, name = line.partition(" ")
                figures[tree][name].append(float(value))
            if args.process:
                figures[tree]["whole process (python -m kubelint check)"].append(process(tree))
    names = sorted(
        {n for t in trees for n in figures[t]},
        key=lambda n: -max(statistics.median(figures[t][n]) for t in trees if figures[t][n]),
    )
    print("| stage (CPU s, median of %d) | %s |" % (args.rounds, " | ".join(trees)))
    print("| --- |" + " --- |" * len(trees))
    for n in names:
        cells = [f"{statistics.median(figures[t][n]):.3f}" if figures[t][n] else "-" for t in trees]
        print(f"| {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
