#!/usr/bin/env python3
"""Cost of admission policies: the corpus run alone vs with the four
platform policies of bench/policies/ (--policy; one matches every namespaced
object, one walks containers with variables, one has params, one matches
Pods), alternated in one process so both see the same machine state.
Prints the ratio and how many policy findings the run produced.

    nice -n 19 python3 bench/admission_overhead.py [CORPUS] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from kubelint.runner import run  # noqa: E402
from kubelint.settings import Settings  # noqa: E402

POLICIES = os.path.join(ROOT, "bench", "policies")


def once(paths, policies):
    t = time.perf_counter()
    result = run(paths, Settings(jobs=1, policy_paths=tuple(policies)))
    n = sum(1 for f in result.findings if f.rule.startswith("admission-"))
    return time.perf_counter() - t, n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
    if not os.path.isdir(default):
        default = "/work/shared/corpus"
    ap.add_argument("corpus", nargs="?", default=default)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    once([args.corpus], ())  # warm the file cache and the schema caches
    base, pol = [], []
    n_base = n_pol = 0
    for _ in range(args.rounds):
        t, n_base = once([args.corpus], ())
        base.append(t)
        t, n_pol = once([args.corpus], (POLICIES,))
        pol.append(t)
    b, p = min(base), min(pol)
    print(
        f"corpus alone: {b:.2f} s ({n_base} admission findings); with 4 policies: {p:.2f} s "
        f"({n_pol} admission findings); ratio {p / b:.3f} (best of {args.rounds})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
