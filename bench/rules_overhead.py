#!/usr/bin/env python3
"""Cost of the concept rules: the same corpus run with every concept rule
enabled vs with all of them disabled (``disable: [all]``), alternated in one
process so both see the same machine state.  Prints the ratio.

    nice -n 19 python3 bench/rules_overhead.py [CORPUS] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from kubelint.config import Config  # noqa: E402
from kubelint.runner import run  # noqa: E402
from kubelint.settings import Settings  # noqa: E402


def once(paths, config):
    t = time.perf_counter()
    result = run(paths, Settings(config=config, jobs=1))
    return time.perf_counter() - t, len(result.findings)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
    if not os.path.isdir(default):
        default = "/work/shared/corpus"
    ap.add_argument("corpus", nargs="?", default=default)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    once([args.corpus], None)  # warm the file cache and the schema caches
    on, off = [], []
    n_on = n_off = 0
    for _ in range(args.rounds):
        t, n_off = once([args.corpus], Config(disable={"all"}))
        off.append(t)
        t, n_on = once([args.corpus], None)
        on.append(t)
    best_on, best_off = min(on), min(off)
    print(f"corpus: {args.corpus}")
    print(f"rules disabled: best {best_off:.2f}s of {args.rounds} ({n_off} findings)")
    print(f"all rules:      best {best_on:.2f}s of {args.rounds} ({n_on} findings)")
    print(f"ratio all/disabled: {best_on / best_off:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
