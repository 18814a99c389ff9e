"""Differential fuzz target (atheris; not run in CI): the loader's one-pass
path in C (_kubelint_yaml) against its Python twin.

Any byte sequence, once decoded as the loader decodes files, must give the
same documents from both (data, types, key order, positions), or None from
both; the C extension's pre-scan facts must equal their Python spelling; and
nothing may crash.  Run through fuzz/run.sh onepass.
"""

import sys

import atheris

with atheris.instrument_imports(include=["kubelint"]):
    from kubelint import loader
    from kubelint.loader import Limits, LoadError, decode_text

CEXT = loader._load_c_extension()
LIMITS = (Limits(), Limits(max_documents=4, max_depth=6, max_nodes=40, max_request_bytes=2_000))


def _snapshot(docs):
    if docs is None:
        return None
    return [(d.index, repr(d.data), repr(_types(d.data)), d.shadow) for d in docs]


def _types(x):
    if isinstance(x, dict):
        return {k: _types(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_types(v) for v in x]
    return type(x).__name__


def TestOneInput(data: bytes) -> None:
    try:
        text = decode_text(data)
    except LoadError:
        return
    for limits in LIMITS:
        c = _snapshot(loader._c_fast_documents(text, "f.yaml", limits, CEXT))
        p = _snapshot(loader._py_fast_documents(text, "f.yaml", limits))
        assert c == p, (c, p)
    facts = CEXT.scan(text)
    if facts is not None:
        assert facts[1] == text.count("[") + text.count("{")
        assert facts[3] == loader._node_estimate(text, 0, len(text))
        assert bool(facts[0] & 1) == bool(loader._SEPARATOR_WITH_CONTENT.search(text))


def main() -> None:
    if CEXT is None:
        sys.exit("fuzz_onepass: _kubelint_yaml is not installed (pip install .)")
    sys.setrecursionlimit(10_000)
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
