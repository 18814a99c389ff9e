"""Loader speed as a ratio to PyYAML's CSafeLoader over the same files,
both measured in this run (best of N rounds each, interleaved).

    nice -n 19 python3 bench/loader_ratio.py [DIR] [--rounds N]

The ratio (kubelint.loader.load_file / yaml.load_all(CSafeLoader)) is the
figure to compare across changes; absolute times depend on the machine's load.
"""

import argparse
import gc
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import yaml  # noqa: E402

from kubelint.loader import Limits, discover, load_file  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus"))
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if not os.path.isdir(args.dir):
        args.dir = "/work/shared/corpus"
    paths = [p for p, err in discover([args.dir]) if err is None]
    limits = Limits()

    def pyyaml():
        for p in paths:
            with open(p, "rb") as fh:
                text = fh.read().decode("utf-8-sig", errors="replace")
            try:
                for _ in yaml.load_all(text, Loader=yaml.CSafeLoader):
                    pass
            except yaml.YAMLError:
                pass

    def kubelint():
        for p in paths:
            load_file(p, limits)

    best = {"pyyaml": float("inf"), "kubelint": float("inf")}
    gc.disable()
    for _ in range(args.rounds):
        for name, fn in (("pyyaml", pyyaml), ("kubelint", kubelint)):
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    print(
        f"{len(paths)} files; best of {args.rounds}: CSafeLoader {best['pyyaml']:.3f} s, "
        f"kubelint loader {best['kubelint']:.3f} s, ratio {best['kubelint'] / best['pyyaml']:.3f}"
    )


if __name__ == "__main__":
    main()
