"""Faster versions of hot functions (issue 18: the CPU after loading) give exactly
what the straightforward versions they replaced give, on every object of
../shared/corpus and on edge cases.  Each reference implementation below is
the replaced code, kept here as the specification."""

import math

import pytest

from conftest import CORPUS
from kubelint.admission import celenv


@pytest.fixture(scope="module")
def corpus_data():
    """The data of every document of the corpus (loaded once for this module)."""
    from kubelint.loader import discover, load_file

    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    out = []
    for path, error in discover([str(CORPUS)]):
        if error is None:
            out.extend(doc.data for doc in load_file(path).documents)
    assert len(out) > 4000
    return out


def same(a, b) -> bool:
    """Equal, with equal types all the way down (3 == 3.0 == True would hide a difference)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def no_shared_containers(value, original) -> bool:
    """Every map and list of ``value`` is a new one (callers default it in place)."""
    if isinstance(value, (dict, list)):
        if value is original:
            return False
        pairs = ((value[k], original[k]) for k in value) if isinstance(value, dict) else zip(value, original)
        return all(no_shared_containers(v, o) for v, o in pairs)
    return True


# -- admission/celenv.py to_value ------------------------------------------------

_PLAIN = frozenset((str, int, bool))


def to_value_reference(value):
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dict):
        return {k: to_value_reference(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [to_value_reference(v) for v in value]
    if (
        isinstance(value, float)
        and value == value
        and value not in (float("inf"), float("-inf"))
        and value == int(value)
    ):
        return int(value)
    return value


EDGE_VALUES = [
    {},
    [],
    {"a": None},
    {"a": 1, "b": None, "c": "x"},
    {"a": 3.0, "b": 2.5, "c": float("nan"), "d": float("inf"), "e": -0.0},
    [1, None, 2.0, True, "s"],
    [[], {}, [None], {"k": [None, {"n": None}]}],
    {"labels": {"a": "b", "c": "d"}, "n": [1, 2, 3], "flags": [True, False]},
    {"x": {"y": {"z": [1.0, {"w": 1e20}]}}},
    {"big": 2**70, "neg": -(2**70), "f": 1e300},
]


@pytest.mark.parametrize("value", EDGE_VALUES, ids=range(len(EDGE_VALUES)))
def test_to_value_edge_cases(value):
    got = celenv.to_value(value)
    assert same(got, to_value_reference(value))
    assert no_shared_containers(got, value)


def test_to_value_on_the_corpus(corpus_data):
    for data in corpus_data:
        got = celenv.to_value(data)
        assert same(got, to_value_reference(data))
        assert no_shared_containers(got, data)
