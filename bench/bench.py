#!/usr/bin/env python3
"""kubelint benchmark: ratios against baselines measured in the same run.

    python3 bench/bench.py [--corpus ../shared/corpus] [--repeat 3] [--jobs N]

Measures (median of --repeat runs, wall clock):
  A. baseline: PyYAML's C loader, yaml.load_all(..., Loader=yaml.CSafeLoader),
     over every *.yaml/*.yml/*.json file of the corpus (in-process, reading
     included);
  B. `kubelint check --format json --fail-on never CORPUS` as a subprocess
     (serial: --jobs 1, and default parallel), all stages and rules enabled;
  C. baseline: `python -c pass`;
  D. `kubelint check` of one small manifest (examples/app/web.yaml).
Prints the ratios B/A and the absolute D (target: B/A <= 3, D < 0.3 s).
Machines here are noisy: compare ratios, not absolute seconds.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def corpus_files(root):
    out = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith((".yaml", ".yml", ".json")) and not name.startswith("."):
                out.append(os.path.join(dirpath, name))
    return out


def time_it(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def load_all_c(files):
    n = 0
    for path in files:
        with open(path, "rb") as fh:
            data = fh.read()
        try:
            for _doc in yaml.load_all(data, Loader=yaml.CSafeLoader):
                n += 1
        except yaml.YAMLError:
            pass
    return n


def kubelint_cmd():
    return [sys.executable, "-m", "kubelint"]


def run(cmd, env=None):
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--one-file", default=os.path.join(ROOT, "examples", "app", "web.yaml"))
    args = ap.parse_args()
    corpus = os.path.abspath(args.corpus)
    files = corpus_files(corpus)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))

    base, _ = time_it(lambda: load_all_c(files), args.repeat)
    print(f"A  PyYAML CSafeLoader load_all over {len(files)} files: {base:.2f} s (median of {args.repeat})")

    # warm-up (schema caches, page cache)
    run(kubelint_cmd() + ["check", "--format", "json", "--fail-on", "never", args.one_file], env)
    results = {}
    for label, extra in (("serial (--jobs 1)", ["--jobs", "1"]), ("parallel (default jobs)", [])):
        cmd = kubelint_cmd() + ["check", "--format", "json", "--fail-on", "never"] + extra + [corpus]
        try:
            t, _ = time_it(lambda: run(cmd, env), args.repeat)
        except SystemExit as exc:
            if extra:  # --jobs not available in this build
                print(f"B  kubelint {label}: skipped ({exc})")
                continue
            raise
        results[label] = t
        print(f"B  kubelint check corpus, {label}: {t:.2f} s = {t / base:.2f}x the C loader")

    py, _ = time_it(lambda: run([sys.executable, "-c", "pass"]), max(args.repeat, 5))
    one, _ = time_it(lambda: run(kubelint_cmd() + ["check", "--fail-on", "never", args.one_file], env), max(args.repeat, 5))
    print(f"C  python -c pass: {py:.3f} s")
    print(f"D  kubelint check {os.path.relpath(args.one_file, ROOT)}: {one:.3f} s ({one / py:.1f}x python -c pass; {one - py:.3f} s above interpreter start)")
    worst = max(results.values()) if results else float("nan")
    best = min(results.values()) if results else float("nan")
    print(f"targets: corpus <= 3x C loader: {'met' if best / base <= 3 else 'MISSED'} (best {best / base:.2f}x, serial {results.get('serial (--jobs 1)', worst) / base:.2f}x); "
          f"one file < 0.3 s: {'met' if one < 0.3 else 'MISSED'} ({one:.3f} s)")


if __name__ == "__main__":
    main()
