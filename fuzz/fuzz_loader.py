"""Coverage-guided fuzz target for the loader (atheris; not run in CI).

Any byte sequence must give a LoadedFile (documents and/or findings), never
an exception, whatever the input.  Run through fuzz/run.sh.
"""

import io
import sys

import atheris

with atheris.instrument_imports(include=["kubelint"]):
    from kubelint.loader import Limits, load_file

# Small limits keep each execution short and still exercise every limit path.
LIMITS = Limits(max_file_bytes=256 * 1024, max_documents=50, max_depth=60, max_nodes=20_000)


def TestOneInput(data: bytes) -> None:
    # debug: loader bugs raise (a crash) instead of an internal-error finding
    loaded = load_file("-", LIMITS, stdin=io.BytesIO(data), debug=True)
    for p in loaded.problems:
        assert p.rule != "internal-error", p
        assert p.line >= 1 and p.column >= 1, p
        assert "\n" not in p.message, p
    for doc in loaded.documents:
        assert isinstance(doc.data, (dict, list, str, int, float, bool)), type(doc.data)


def main() -> None:
    sys.setrecursionlimit(10_000)
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
