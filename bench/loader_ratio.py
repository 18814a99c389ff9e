"""Loader speed as ratios to PyYAML's C loader over the same files, all
measured in this run: CPU time (user + system) of this process, rounds
interleaved, medians.

    nice -n 19 python3 bench/loader_ratio.py [DIR] [--rounds N] [--parts]

Lines:

* ``csafe-load``: ``yaml.load_all(text, CSafeLoader)`` (the baseline: PyYAML's
  C loader with its own YAML 1.1 constructor);
* ``c-compose``: ``yaml.compose_all(text, CSafeLoader)``, PyYAML's C composer
  alone (node objects, no data): the "libyaml floor" of issue 18;
* ``events``: libyaml's parser events alone (``CParser.get_event``), what
  kubelint's one-pass path starts from;
* ``kubelint``: ``kubelint.loader.load_file`` (read, decode, pre-scans,
  data, positions and findings), with the C extension ``_kubelint_yaml`` when
  it is installed (``loader.ONE_PASS``, printed first, says which);
* ``python-one-pass``: the same without the extension (the Python one-pass
  path and pre-scans, as ``KUBELINT_LOADER=python``);
* ``compose-path``: the same with the one-pass path turned off (every file
  composed, then built, as before issue 18, but with today's pre-scans).

Each file is read and decoded once per round inside every line (as
``load_file`` does). ``--parts`` adds the pre-scans on their own.
"""

import argparse
import gc
import os
import resource
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import yaml  # noqa: E402
from yaml._yaml import CParser  # noqa: E402

from kubelint import loader  # noqa: E402
from kubelint.loader import Limits, discover, load_file  # noqa: E402


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def read(p: str) -> str:
    with open(p, "rb") as fh:
        return fh.read().decode("utf-8-sig", errors="replace")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus"))
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--parts", action="store_true", help="also time each pre-scan over the texts")
    args = ap.parse_args()
    if not os.path.isdir(args.dir):
        args.dir = "/work/shared/corpus"
    paths = [p for p, err in discover([args.dir]) if err is None]
    limits = Limits()

    def csafe_load():
        for p in paths:
            try:
                for _ in yaml.load_all(read(p), Loader=yaml.CSafeLoader):
                    pass
            except yaml.YAMLError:
                pass

    def c_compose():
        for p in paths:
            try:
                for _ in yaml.compose_all(read(p), Loader=yaml.CSafeLoader):
                    pass
            except yaml.YAMLError:
                pass

    def events():
        for p in paths:
            parser = CParser(read(p))
            try:
                while parser.get_event() is not None:
                    pass
            except yaml.YAMLError:
                pass

    def kubelint():
        for p in paths:
            load_file(p, limits)

    def python_one_pass():
        saved = loader._cext, loader._fast_documents
        loader._cext, loader._fast_documents = None, loader._py_fast_documents
        try:
            for p in paths:
                load_file(p, limits)
        finally:
            loader._cext, loader._fast_documents = saved

    def compose_path():
        fast = loader._fast_documents
        loader._fast_documents = lambda *a: None
        try:
            for p in paths:
                load_file(p, limits)
        finally:
            loader._fast_documents = fast

    lines = {
        "csafe-load": csafe_load,
        "c-compose": c_compose,
        "events": events,
        "kubelint": kubelint,
        "python-one-pass": python_one_pass,
        "compose-path": compose_path,
    }
    if args.parts:
        texts = [loader.decode_text(open(p, "rb").read()) for p in paths]

        def part(fn):
            return lambda: [fn(t) for t in texts]

        lines.update(
            {
                "  _scan (C)": part(loader._scan),
                "  _stream_error": part(lambda t: loader._stream_error(t, "x")),
                "  _prescan": part(lambda t: loader._prescan(t, limits)),
                "  _count_nodes": part(lambda t: loader._count_nodes(t, limits)),
                "  _check_sizes": part(lambda t: loader._check_sizes(t, limits)),
            }
        )
    kubelint()  # warm the resolution caches, as any run after its first files
    times = {name: [] for name in lines}
    gc.disable()
    for _ in range(args.rounds):
        for name, fn in lines.items():
            t = cpu()
            fn()
            times[name].append(cpu() - t)
            gc.collect()
    base = statistics.median(times["csafe-load"])
    print(f"one-pass path: {loader.ONE_PASS}")
    print(f"{len(paths)} files; CPU seconds, median of {args.rounds} interleaved rounds; ratio to csafe-load")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:16s} {med:7.3f} s  {med / base:6.3f}")


if __name__ == "__main__":
    main()
