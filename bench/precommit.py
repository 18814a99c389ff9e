#!/usr/bin/env python3
"""The pre-commit case of issue 18, with the results cache in each state: CPU of checking 5 changed files
with ``--context`` over a 505-file tree, against checking all 505.

    nice -n 19 python3 bench/precommit.py [--rounds 5] [TREE ...]

The tree is bench.py's (``precommit_tree``: the first 505 corpus files, 5 of them spread through it
given as the changed files).  Each TREE is a kubelint checkout (default: this one; give an exported
``main`` beside it for before/after in the same run).  Cases, each ``kubelint check --format json
--fail-on never`` (``--jobs auto``, as bench.py and a hook run it):

* ``all 505``: the whole tree, cache warm;
* ``5 --context, warm``: the context's pack (kubelint/contextfiles.py) and every other entry on disk;
* ``5 --context, cold context``: the pack removed before each run, the other entries (rule catalogue) kept:
  the first commit after the tree or kubelint changed;
* ``5 --context, empty cache`` / ``all 505, empty cache``: a new, empty cache directory for each run;
* ``5 --context, --no-cache`` / ``all 505, --no-cache``.

CPU is user + system of the process and every child it waited for (``wait4`` rusage: forked workers
included), medians of interleaved rounds (the order rotated each round).  Every case's report is
compared with the others of its tree: the five ``--context`` reports must be identical.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench import corpus_files, precommit_tree  # noqa: E402

CORPUS = os.path.join(HERE, "..", "..", "shared", "corpus")
if not os.path.isdir(CORPUS) and os.path.isdir("/work/shared/corpus"):
    CORPUS = "/work/shared/corpus"


def run(tree: str, args, env) -> tuple:
    """(CPU seconds, md5 of the report)."""
    argv = [sys.executable, "-m", "kubelint", "check", "--format", "json", "--fail-on", "never", *args]
    proc = subprocess.Popen(argv, cwd=tree, env=dict(env, PYTHONPATH=tree), stdout=subprocess.PIPE)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kubelint failed in {tree}: {' '.join(args[:4])} ...")
    return usage.ru_utime + usage.ru_stime, hashlib.md5(out).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("trees", nargs="*", default=[os.path.dirname(HERE)])
    args = ap.parse_args()
    trees = [os.path.abspath(t) for t in args.trees]
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as an installed package has it
    tmp = tempfile.mkdtemp(prefix="kubelint-precommit-")
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
    try:
        repo, changed = precommit_tree(corpus_files(CORPUS), tmp)
        cases = {}
        for t in trees:
            warm = os.path.join(tmp, f"cache-{len(cases)}")
            ctx = ["--context", repo] + changed
            cases[(t, "all 505")] = (["--cache-dir", warm, repo], None)
            cases[(t, "5 --context, warm")] = (["--cache-dir", warm] + ctx, None)
            cases[(t, "5 --context, cold context")] = (["--cache-dir", warm] + ctx, warm)
            cases[(t, "5 --context, empty cache")] = (["--cache-dir", "EMPTY"] + ctx, None)
            cases[(t, "all 505, empty cache")] = (["--cache-dir", "EMPTY", repo], None)
            cases[(t, "5 --context, --no-cache")] = (["--no-cache"] + ctx, None)
            cases[(t, "all 505, --no-cache")] = (["--no-cache", repo], None)
            for flags in (["--cache-dir", warm, repo], ["--cache-dir", warm] + ctx):  # warm-up: bytecode, cache
                run(t, flags, env)
        cpu = {k: [] for k in cases}
        md5 = {k: set() for k in cases}
        keys = list(cases)
        for r in range(args.rounds):
            for k in keys[r % len(keys) :] + keys[: r % len(keys)]:
                flags, cold = cases[k]
                if cold is not None:
                    for d in glob.glob(os.path.join(cold, "*", "context")):
                        shutil.rmtree(d)
                if "EMPTY" in flags:
                    flags = [tempfile.mkdtemp(dir=tmp) if f == "EMPTY" else f for f in flags]
                c, h = run(k[0], flags, env)
                cpu[k].append(c)
                md5[k].add(h)
            print(f"round {r + 1}/{args.rounds}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load = open("/proc/loadavg").read().split()[:3]
    print(f"pre-commit case: 5 of 505 files; {args.rounds} interleaved rounds, CPU medians; load average {load}")
    for t in trees:
        print(f"\n{t}")
        med = {name: statistics.median(cpu[(tt, name)]) for (tt, name) in cases if tt == t}
        for name, v in med.items():
            print(f"  {name:32} {v:6.3f} s  (min {min(cpu[(t, name)]):.3f})")
        print("  ratios:")
        for num, den in (
            ("5 --context, warm", "all 505"),
            ("5 --context, cold context", "all 505"),
            ("5 --context, empty cache", "all 505, empty cache"),
            ("5 --context, --no-cache", "all 505, --no-cache"),
        ):
            print(f"    {num:28} / {den:22} {med[num] / med[den]:.2f}")
        reports = {frozenset(md5[(t, n)]) for n in med if n.startswith("5 --context")}
        same = len(reports) == 1 and all(len(md5[(t, n)]) == 1 for n in med)
        print(f"  reports: {'identical in every run' if same else 'DIFFER: ' + repr(md5)}")


if __name__ == "__main__":
    main()
