"""CRD rules at the API server's runtime cost limits (kubelint.celruntime).

tests/cel-oracle/crd-runtime.json holds one CRD and custom resources whose
rules cost, on kube-apiserver v1.37.2, just under and just over the per-call
limit (PerCallLimit, 1,000,000) and the per-object budget
(RuntimeCELCostBudget, 10,000,000), with the server's verdicts and messages
(recorded by scripts/oracle_cel_runtime.py).  The ``a``, ``e`` and ``f``
pairs differ by one unit of cost: 1,000,000 is accepted, 1,000,001 rejected.
"""

import json
import pathlib
import sys

import pytest

from kubelint import cel, celruntime
from kubelint.runner import run
from kubelint.settings import Settings

HERE = pathlib.Path(__file__).parent
DATA = json.loads((HERE / "cel-oracle" / "crd-runtime.json").read_text())
sys.path.insert(0, str(HERE.parent / "scripts"))
from oracle_cel_runtime import build, custom_resource  # noqa: E402

PREFIX = 'The Cost "case" is invalid: '
RULES = {
    name: p["x-kubernetes-validations"]
    for name, p in DATA["crd"]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"][
        "properties"
    ].items()
    if "x-kubernetes-validations" in p
}


def _kubelint(tmp_path, case):
    p = tmp_path / "case.yaml"
    p.write_text(json.dumps(DATA["crd"]) + "\n---\n" + json.dumps(custom_resource(DATA, case["spec"])) + "\n")
    return run([str(p)], Settings())


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
@pytest.mark.parametrize("case", DATA["cases"], ids=[c["name"] for c in DATA["cases"]])
def test_runtime_cost_as_the_server_decides(tmp_path, case, monkeypatch):
    if case["name"].startswith("c-"):
        # eleven rules of about 1,000,000 each: the walk takes longer than kubelint's
        # per-run time budget allows (see test_budget_case_abstains_within_the_time_budget)
        monkeypatch.setattr(cel, "RUN_SECONDS_BUDGET", 120.0)
    result = _kubelint(tmp_path, case)
    errors = [f.message for f in result.findings if f.severity == "error"]
    if case["verdict"] == "accept":
        assert errors == []
        return
    server = case["server"][len(PREFIX) :]
    assert len(errors) == 1, errors
    got = errors[0].split(" (x-kubernetes-validations rule")[0]
    if "out of cost budget" in server:
        # the server walks an object's properties in Go's map order: which rule runs out varies
        assert got.split(": ", 1)[1] == server.split(": ", 1)[1]
        assert got.startswith("spec.c.l")
    else:
        assert got == server


def test_the_walk_counts_as_cel_go():
    nested = "self.all(x, self.all(y, x != y || x == y))"
    # 6n^2 + 8n + 2: per inner step the accumulator twice, the loop condition, x, y and !=;
    # x == y too where x != y is false (n times); per outer step the loop condition, the
    # accumulator, the inner range (self) and result
    assert celruntime.actual_cost(nested, list(range(10))) == 682
    assert celruntime.actual_cost(nested, list(range(408))) == celruntime.OVER
    assert celruntime.actual_cost("has(self.a) && self.a == 'x'", {"a": "x"}) == 1 + 1 + 1 + 1
    assert celruntime.actual_cost("self.a.contains('bc')", {"a": "a" * 25}) == 2 + 3 * 1
    assert celruntime.actual_cost("'b' in self.l", {"l": ["a", "b", "c"]}) == 2 + 3
    # short-circuits: the expensive right side is never evaluated
    assert (
        celruntime.actual_cost("self.s != self.s && " + nested.replace("self", "self.l"), {"s": "", "l": []}) == 4
    )  # != of empty strings: ceil(0) = 0


@pytest.mark.parametrize(
    "rule,value",
    [
        ("self.missing == 1", {}),  # no such key: an error the walk does not model
        ("self.d > 1", {"d": 1.5}),  # doubles
        ("self.s.matches('a+')", {"s": "aa"}),  # a function it does not price
        ("self.a ? self.b : self.c", {"a": True, "b": True, "c": False}),  # a qualifier inside ?:
        ("self.x", {"x": 1}),  # not a boolean
        ("self.t == self.t", {"t": __import__("datetime").datetime(2024, 1, 1)}),  # a typed format (timestamp)
        ("(", {}),
    ],
)
def test_uncertain_walks_fall_back(rule, value):
    assert celruntime.actual_cost(rule, value) is None


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_budget_case_abstains_within_the_time_budget(tmp_path):
    case = next(c for c in DATA["cases"] if c["name"] == "c-11x407")
    result = _kubelint(tmp_path, case)
    assert [f for f in result.findings if f.severity == "error"] == []
    assert any(f.rule == "cr-validation-rule-skipped" for f in result.findings)


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_a_cheap_failure_is_reported_even_when_the_value_is_large(tmp_path):
    case = next(c for c in DATA["cases"] if c["name"] == "d-1000-ints")
    result = _kubelint(tmp_path, case)
    assert [f.rule for f in result.findings if f.severity == "error"] == ["cr-validation-rule"]


def test_build_recipes():
    assert build({"x": {"ints": 3}, "y": {"chars": 2}}) == {"x": [0, 1, 2], "y": "aa"}
