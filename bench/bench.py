#!/usr/bin/env python3
"""kubelint benchmark: ratios against baselines and peers measured in the same run.

    python3 bench/bench.py --peers                             # the whole comparison (runs bench/peers.sh first)
    python3 bench/bench.py                                     # kubelint and its baselines only
    python3 bench/bench.py --quick                             # one round, for development
    python3 bench/bench.py --threshold                         # where parallel loading/checking starts to pay

Every case is a separate process tree, measured by bench/proctree.py: wall
time, CPU time (user + system) of the process and every descendant it waited
for (``RUSAGE_CHILDREN``), and peak memory of the whole tree (the largest
sum of PSS over the process and its descendants, sampled every 20 ms; the
summed RSS and the top process's ``ru_maxrss`` beside it).  The cases run in
``--rounds`` interleaved rounds (the order rotated each round) and each
figure is the median over the rounds.  Times and memory come from separate
runs: the rounds are timed without sampling memory (reading a process
tree's ``smaps_rollup`` every 20 ms slowed kubelint ~12% and kubeconform ~7%
on two cores), and then ``--memory-rounds`` more interleaved rounds
(default 3) sample memory, untimed.

Cases, over ../shared/corpus (``--copies N``: the corpus N times, as N
symlinks given as N arguments):

* ``C loader``: PyYAML's C loader, ``yaml.load_all(..., CSafeLoader)``
  over every *.yaml/*.yml/*.json file, in a Python process (the floor);
* ``kubelint``: ``kubelint check --format json`` with every stage and rule,
  ``--jobs auto`` (the default), ``--jobs 1`` and ``--jobs 2``;
* with ``--peers`` (installed by bench/peers.sh): ``kubeconform -n 2``
  (strict, local schemas, custom resources skipped), ``kube-linter`` (its
  default checks, and all built-in checks but ``schema-validation``) and
  ``kube-score`` (every file it can parse); see bench/README.md for what
  each one checks and skips;
* ``one file``: ``kubelint check`` of one small manifest as users run it,
  the ``kubelint`` console script of a virtual environment this checkout is
  installed into (bench/installed.py), beside that environment's ``python -c
  pass``; the same with this machine's interpreter (``python -m kubelint``
  from the checkout), labelled ``system python``; with ``--peers``
  kubeconform and kube-score on the same file;
* ``pre-commit``: 5 changed files checked with ``--context`` over a
  505-file tree, against checking all 505 (the results cache warm, as a
  hook finds it from its second commit on: the context's objects are read
  from it; bench/precommit.py measures the cold cases too), with this
  machine's interpreter and, labelled ``venv``, as pre-commit runs a hook:
  the console script of the virtual environment above (pre-commit installs
  each hook into an environment of its own; this machine's interpreter
  pays ~20 ms more per process for a sandbox ``.pth``, bench/installed.py).

Absolute times move with the machine's load; compare ratios within a run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import installed  # noqa: E402
from proctree import Measure, measure, mib  # noqa: E402

BENCH_DIR = os.environ.get("KUBELINT_BENCH_DIR") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kubelint-bench"
)
ONE_FILE = os.path.join(ROOT, "examples", "app", "web.yaml")
PRECOMMIT_FILES = 505
PRECOMMIT_CHANGED = 5

C_LOADER = """
import sys, yaml
n = 0
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        for _ in yaml.load_all(data, Loader=yaml.CSafeLoader):
            n += 1
    except yaml.YAMLError:
        pass
print(n)
"""


def corpus_files(root: str) -> List[str]:
    out = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith((".yaml", ".yml", ".json")) and not name.startswith("."):
                out.append(os.path.join(dirpath, name))
    return out


class Case:
    def __init__(self, name: str, cmd: List[str], group: str, note: str = "", env: Optional[dict] = None):
        self.name, self.cmd, self.group, self.note, self.env = name, cmd, group, note, env
        self.runs: List[Measure] = []  # timed, memory not sampled
        self.memory: List[Measure] = []  # memory sampled, not timed

    def median(self, attr: str) -> float:
        runs = self.memory if attr in ("pss", "rss", "processes") and self.memory else self.runs
        return statistics.median(getattr(m, attr) for m in runs)


def peer(name: str) -> Optional[str]:
    path = os.path.join(BENCH_DIR, "bin", name)
    return path if os.access(path, os.X_OK) else None


def kube_score_inputs(kube_score: str, files: List[str]) -> List[str]:
    """The files kube-score can score: it stops at the first it cannot parse
    (a quantity it rejects, a document without apiVersion), so each file is
    tried alone once and the list is kept in the bench directory."""
    import hashlib

    digest = hashlib.sha256("\n".join(files).encode()).hexdigest()[:16]
    key = os.path.join(BENCH_DIR, f"kube-score-skip-{len(files)}-{digest}.json")
    try:
        with open(key, encoding="utf-8") as fh:
            skip = set(json.load(fh))
    except (OSError, ValueError):
        print(f"kube-score: finding the files it cannot parse ({len(files)} runs, once) ...", flush=True)
        skip = set()
        for path in files:
            proc = subprocess.run([kube_score, "score", "-o", "json", path], capture_output=True)
            if proc.returncode not in (0, 1) or not proc.stdout:
                skip.add(path)
        with open(key, "w", encoding="utf-8") as fh:
            json.dump(sorted(skip), fh)
    return [f for f in files if f not in skip], sorted(skip)


def precommit_tree(files: List[str], tmp: str):
    """A 505-file tree (the first 505 corpus files, copied) and the 5 files
    spread through it that a pre-commit hook would be given."""
    tree = os.path.join(tmp, "repo")
    chosen = files[:PRECOMMIT_FILES]
    common = os.path.commonpath(chosen)
    copied = []
    for path in chosen:
        target = os.path.join(tree, os.path.relpath(path, common))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(target)
    step = len(copied) // PRECOMMIT_CHANGED
    changed = [copied[i * step + step // 2] for i in range(PRECOMMIT_CHANGED)]
    return tree, changed


def make_copies(corpus: str, files: List[str], n: int, tmp: str) -> List[str]:
    """The inputs of the corpus cases: the corpus itself, or ``n`` trees of
    symlinks to its files (the Go tools do not walk into symlinked
    directories, they do open symlinked files)."""
    if n == 1:
        return [corpus]
    out = []
    for i in range(1, n + 1):
        root = os.path.join(tmp, f"copy{i}")
        for path in files:
            link = os.path.join(root, os.path.relpath(path, corpus))
            os.makedirs(os.path.dirname(link), exist_ok=True)
            os.symlink(path, link)
        out.append(root)
    return out


def build_cases(args, files: List[str], copies: List[str], tmp: str) -> List[Case]:
    kubelint = [sys.executable, "-m", "kubelint", "check", "--format", "json", "--fail-on", "never"]
    listing = os.path.join(tmp, "files.txt")
    with open(listing, "w", encoding="utf-8") as fh:
        fh.write("\n".join(f for _ in copies for f in files))
    cases = [
        Case("C loader (PyYAML CSafeLoader load_all)", [sys.executable, "-c", C_LOADER, listing], "corpus"),
        Case("kubelint --jobs auto", kubelint + copies, "corpus"),
        Case("kubelint --jobs 1", kubelint + ["--jobs", "1"] + copies, "corpus"),
        Case("kubelint --jobs 2", kubelint + ["--jobs", "2"] + copies, "corpus"),
    ]
    one = [
        Case("python -c pass (system python)", [sys.executable, "-c", "pass"], "one"),
        Case(
            "kubelint check FILE (system python)",
            [sys.executable, "-m", "kubelint", "check", "--fail-on", "never", ONE_FILE],
            "one",
        ),
    ]
    if not args.no_venv:
        python, script = installed.ensure()
        env = installed.clean_env("venv")  # its own results cache: the checkout's runs keep theirs
        one[:0] = [
            Case("python -c pass (venv)", [python, "-c", "pass"], "one", env=env),
            Case("kubelint check FILE (venv)", [script, "check", "--fail-on", "never", ONE_FILE], "one", env=env),
        ]
    if args.peers:
        kubeconform, kube_linter, kube_score = peer("kubeconform"), peer("kube-linter"), peer("kube-score")
        schemas = os.path.join(BENCH_DIR, "kubeconform-schemas", "v1.37")
        if kubeconform and os.path.isdir(schemas):
            base = [
                kubeconform,
                "-strict",
                "-ignore-missing-schemas",
                "-summary",
                "-schema-location",
                os.path.join(schemas, "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
            ]
            cases.append(Case("kubeconform -n 2", base + ["-n", "2"] + copies, "corpus"))
            one.append(Case("kubeconform FILE", base + [ONE_FILE], "one"))
        else:
            print("kubeconform or its schemas missing: run bash bench/peers.sh", file=sys.stderr)
        if kube_linter:
            lint = [kube_linter, "lint", "--format", "json"]
            cases.append(Case("kube-linter (default checks)", lint + copies, "corpus"))
            if not args.quick:
                cases.append(
                    Case(
                        "kube-linter (all built-in checks)",
                        lint + ["--add-all-built-in", "--exclude", "schema-validation"] + copies,
                        "corpus",
                    )
                )
        else:
            print("kube-linter missing: see bench/peers.sh (not served by the Go module proxy)", file=sys.stderr)
        if kube_score:
            scored, skipped = kube_score_inputs(kube_score, files)
            note = f"{len(scored)} of {len(files)} files per copy ({len(skipped)} it cannot parse left out)"
            cases.append(Case("kube-score", [kube_score, "score", "-o", "json"] + scored * len(copies), "corpus", note))
            one.append(Case("kube-score FILE", [kube_score, "score", "-o", "json", ONE_FILE], "one"))
        else:
            print("kube-score missing: run bash bench/peers.sh", file=sys.stderr)
    cases.extend(one)
    if not args.no_precommit and len(files) < PRECOMMIT_FILES:
        print(f"pre-commit case left out: it needs {PRECOMMIT_FILES} files, the corpus has {len(files)}")
    elif not args.no_precommit:
        tree, changed = precommit_tree(files, tmp)
        cases.append(Case(f"pre-commit: all {PRECOMMIT_FILES} files", kubelint + [tree], "precommit"))
        cases.append(
            Case(
                f"pre-commit: {PRECOMMIT_CHANGED} files --context the {PRECOMMIT_FILES}",
                kubelint + ["--context", tree] + changed,
                "precommit",
            )
        )
        if not args.no_venv:
            # As a hook runs it: pre-commit installs the hook into a virtual environment of its own.
            python, script = installed.ensure()
            env = installed.clean_env("venv")
            hook = [script, "check", "--format", "json", "--fail-on", "never"]
            cases.append(Case(f"pre-commit (venv): all {PRECOMMIT_FILES} files", hook + [tree], "precommit", env=env))
            cases.append(
                Case(
                    f"pre-commit (venv): {PRECOMMIT_CHANGED} files --context the {PRECOMMIT_FILES}",
                    hook + ["--context", tree] + changed,
                    "precommit",
                    env=env,
                )
            )
    return cases


def _spin(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def machine_scaling(jobs: int, repeat: int, n: int = 8_000_000):
    """How much faster ``jobs`` forked processes of pure-Python arithmetic
    finish ``jobs`` units of work than one process finishes one, scaled
    (``jobs * t1 / tN``): 2.0 on two idle cores; on a shared machine,
    whatever the neighbours leave."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")

    def spawn(k):
        procs = [ctx.Process(target=_spin, args=(n,)) for _ in range(k)]
        t = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        return time.perf_counter() - t

    ratios = [jobs * spawn(1) / spawn(jobs) for _ in range(repeat)]
    return statistics.median(ratios), ratios


def report(cases: List[Case], args, files, size) -> Dict[str, float]:
    by = {c.name: c for c in cases}
    print()
    print(
        f"corpus: {len(files)} files, {size / 1048576:.1f} MB, x{args.copies}; "
        f"{args.rounds} interleaved round(s), medians; load average {open('/proc/loadavg').read().split()[:3]}"
    )
    print(f"{'case':58} {'wall':>8} {'CPU':>8} {'peak PSS':>9} {'peak RSS':>9} {'maxrss':>8} {'procs':>5}")
    for c in cases:
        print(
            f"{c.name:58} {c.median('wall'):7.2f}s {c.median('cpu'):7.2f}s {mib(c.median('pss')):>9} "
            f"{mib(c.median('rss')):>9} {mib(c.median('maxrss')):>8} {max(m.processes for m in c.memory or c.runs):5d}"
        )
        if c.note:
            print(f"    ({c.note})")
    figures: Dict[str, float] = {}

    def ratio(label, num, den, attr, target=None):
        if num in by and den in by and by[den].median(attr):
            r = by[num].median(attr) / by[den].median(attr)
            figures[label] = r
            verdict = "" if target is None else ("  target <= %.2f: %s" % (target, "met" if r <= target else "MISSED"))
            print(f"  {label:70} {r:6.2f}x{verdict}")

    print("ratios (same run):")
    base = "C loader (PyYAML CSafeLoader load_all)"
    ratio("kubelint auto / C loader, wall", "kubelint --jobs auto", base, "wall")
    ratio("kubelint --jobs 1 / C loader, CPU", "kubelint --jobs 1", base, "cpu")
    ratio(
        "kubelint --jobs 2 / --jobs 1, wall (parallel speed-up is the inverse)",
        "kubelint --jobs 2",
        "kubelint --jobs 1",
        "wall",
    )
    ratio("kubelint --jobs 2 / --jobs 1, CPU (cost of going parallel)", "kubelint --jobs 2", "kubelint --jobs 1", "cpu")
    ratio("kubelint --jobs 2 / --jobs 1, peak PSS", "kubelint --jobs 2", "kubelint --jobs 1", "pss")
    ratio("kubelint auto / --jobs 1, CPU", "kubelint --jobs auto", "kubelint --jobs 1", "cpu")
    ratio("kubelint auto / kubeconform -n 2, wall", "kubelint --jobs auto", "kubeconform -n 2", "wall", 1.0)
    ratio("kubelint --jobs 2 / kubeconform -n 2, wall", "kubelint --jobs 2", "kubeconform -n 2", "wall", 1.0)
    ratio(
        "kubelint auto / kube-linter (default checks), CPU",
        "kubelint --jobs auto",
        "kube-linter (default checks)",
        "cpu",
        1.0,
    )
    ratio(
        "kubelint --jobs 1 / kube-linter (default checks), CPU",
        "kubelint --jobs 1",
        "kube-linter (default checks)",
        "cpu",
        1.0,
    )
    ratio(
        "kubelint auto / kube-linter (all built-in checks), CPU",
        "kubelint --jobs auto",
        "kube-linter (all built-in checks)",
        "cpu",
        1.0,
    )
    ratio("kubelint auto / kube-score, CPU", "kubelint --jobs auto", "kube-score", "cpu")
    ratio("kubelint auto / kubeconform -n 2, peak PSS", "kubelint --jobs auto", "kubeconform -n 2", "pss")
    ratio(
        f"pre-commit {PRECOMMIT_CHANGED} files --context / all {PRECOMMIT_FILES}, CPU",
        f"pre-commit: {PRECOMMIT_CHANGED} files --context the {PRECOMMIT_FILES}",
        f"pre-commit: all {PRECOMMIT_FILES} files",
        "cpu",
        0.40,
    )
    ratio(
        f"pre-commit (venv) {PRECOMMIT_CHANGED} files --context / all {PRECOMMIT_FILES}, CPU",
        f"pre-commit (venv): {PRECOMMIT_CHANGED} files --context the {PRECOMMIT_FILES}",
        f"pre-commit (venv): all {PRECOMMIT_FILES} files",
        "cpu",
        0.40,
    )
    ratio(
        f"pre-commit {PRECOMMIT_CHANGED} files --context / all {PRECOMMIT_FILES}, wall",
        f"pre-commit: {PRECOMMIT_CHANGED} files --context the {PRECOMMIT_FILES}",
        f"pre-commit: all {PRECOMMIT_FILES} files",
        "wall",
        0.40,
    )
    for where in ("venv", "system python"):
        name = f"kubelint check FILE ({where})"
        if name in by:
            cpu = by[name].median("cpu")
            figures[f"one file CPU, {where} (s)"] = cpu
            target = f"  target <= 50 ms: {'met' if cpu <= 0.05 else 'MISSED'}" if where == "venv" else ""
            print(f"  {'kubelint check FILE, CPU, ' + where:70} {cpu * 1000:5.0f} ms{target}")
    return figures


def threshold(files: List[str], repeat: int) -> None:
    """In-process, serial vs ``--jobs 2``, on growing prefixes of the corpus:
    phase 1 (load: the C extension's prefetch thread, or forked workers
    without it) and phase 3 (per-object checks, 2 forked workers).  Where does
    going parallel start to pay?  (Sets parallel.MIN_PREFETCH_BYTES and the
    MIN_PARALLEL_* thresholds.)"""
    sys.path.insert(0, ROOT)
    import gc

    from kubelint import parallel
    from kubelint.runner import build_context
    from kubelint.settings import Settings

    def time_it(fn):
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    parallel.MIN_PARALLEL_BYTES = 0
    parallel.MIN_PREFETCH_BYTES = 0
    parallel.MIN_PARALLEL_OBJECTS = 0
    gc.disable()
    options = Settings()
    ctx = build_context(options)
    print("input       files objects | load serial  parallel  ratio | check serial  parallel  ratio")
    size, chosen, target = 0, [], 128 * 1024
    for path in files:
        chosen.append(path)
        size += os.path.getsize(path)
        if size >= target:
            ser = time_it(lambda: parallel.load_all(chosen, options.limits, 1))
            par = time_it(lambda: parallel.load_all(chosen, options.limits, 2))
            inputs = parallel.load_all(chosen, options.limits, 1)
            objects = sum(len(fr.objects) for fr in inputs)

            def check(jobs):
                for fr in inputs:
                    fr.findings.clear()
                parallel.check_all_files(inputs, ctx, jobs)

            cser = time_it(lambda: check(1))
            cpar = time_it(lambda: check(2))
            print(
                f"{size / 1048576:6.2f} MB {len(chosen):6d} {objects:7d} | {ser:9.3f} s {par:7.3f} "
                f"s {ser / par:5.2f}x | {cser:10.3f} s {cpar:7.3f} s {cser / cpar:5.2f}x"
            )
            target *= 2
            if target > 32 * 1048576:
                break


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--rounds", "--repeat", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--copies", type=int, default=1, help="the corpus this many times per run (default 1)")
    ap.add_argument(
        "--memory-rounds", type=int, default=3, help="untimed rounds that sample peak memory (default 3; 0: none)"
    )
    ap.add_argument("--peers", action="store_true", help="also kubeconform, kube-linter, kube-score (bench/peers.sh)")
    ap.add_argument("--quick", action="store_true", help="one round, no machine-scaling baseline (development)")
    ap.add_argument("--no-precommit", action="store_true", help="leave out the pre-commit case")
    ap.add_argument("--json", metavar="FILE", help="also write every measurement to FILE")
    ap.add_argument("--no-venv", action="store_true", help="leave out the installed (venv) one-file case")
    ap.add_argument("--threshold", action="store_true", help="measure where parallel loading starts to pay, and stop")
    args = ap.parse_args()
    if args.quick:
        args.rounds = 1
        args.memory_rounds = min(args.memory_rounds, 1)
    corpus = os.path.abspath(args.corpus)
    if not os.path.isdir(corpus) and os.path.isdir("/work/shared/corpus"):
        corpus = "/work/shared/corpus"
    files = corpus_files(corpus)
    if not files:
        raise SystemExit(f"no corpus files under {corpus} (give --corpus)")
    if args.threshold:
        threshold(files, args.rounds)
        return
    if args.peers:  # install what is missing (idempotent: seconds when everything is there)
        subprocess.run(["bash", os.path.join(HERE, "peers.sh")], check=True)
    # kubelint from this checkout, with its bytecode cached as an installed
    # package has it (outside the source tree), whatever PYTHONDONTWRITEBYTECODE says.
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(BENCH_DIR, "pycache")
    size = sum(os.path.getsize(f) for f in files)
    tmp = tempfile.mkdtemp(prefix="kubelint-bench-")
    try:
        copies = make_copies(corpus, files, args.copies, tmp)
        cases = build_cases(args, files, copies, tmp)
        # Warm-up: page cache, compiled bytecode, kubelint's caches.
        warm = [
            c
            for c in cases
            if c.name == "kubelint --jobs 1" or c.name.startswith("kubelint check FILE") or c.group == "precommit"
        ]
        for case in warm:
            measure(case.cmd, env=case.env or env, cwd=ROOT, interval=1.0)
        for r in range(args.rounds):
            order = cases[r % len(cases) :] + cases[: r % len(cases)]
            for case in order:
                case.runs.append(measure(case.cmd, env=case.env or env, cwd=ROOT, interval=None))
            print(f"round {r + 1}/{args.rounds} done ({time.strftime('%H:%M:%S')})", flush=True)
        for r in range(args.memory_rounds):
            order = cases[r % len(cases) :] + cases[: r % len(cases)]
            for case in order:
                case.memory.append(measure(case.cmd, env=case.env or env, cwd=ROOT))
            print(f"memory round {r + 1}/{args.memory_rounds} done ({time.strftime('%H:%M:%S')})", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    figures = report(cases, args, files, size)
    if not args.quick:
        scale, scales = machine_scaling(2, 3)
        figures["machine scaling, 2 processes"] = scale
        print(f"  {'machine scaling: 2 pure-Python processes (2.00 = two idle cores)':70} {scale:6.2f}x")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(
                {
                    "figures": figures,
                    "cases": {c.name: [m.__dict__ for m in c.runs] for c in cases},
                    "memory": {c.name: [m.__dict__ for m in c.memory] for c in cases},
                    "corpus": {"files": len(files), "bytes": size, "copies": args.copies},
                },
                fh,
                indent=1,
            )


if __name__ == "__main__":
    main()
