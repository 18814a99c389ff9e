"""CRD rules against the verdicts and messages of kube-apiserver v1.37.2.

tests/cel-oracle/crd-rules.json holds, for one schema (the ``spec`` of a
CRD) and one x-kubernetes-validations entry per case, what ``kubectl apply
--dry-run=server`` of that CRD answered on the oracle
(scripts/apiserver-oracle.sh): ``accept``, or ``reject`` with the server's
message.  kubelint's creation checks (kubelint.celcheck: the parser, the type
checker and the cost estimator) must never reject what the server accepts,
and must reject with the server's text, except the cases listed in
``NOT_DECIDED`` where the checker abstains (kubelint reports nothing: never a
false error) or ``TEXT_DIFFERS`` (the verdict agrees; the server names a type
it generates per CRD, ``selfType<nanoseconds>``).
"""

import json
import pathlib

import pytest

from kubelint import cel, celcheck

DATA = json.loads((pathlib.Path(__file__).parent / "cel-oracle" / "crd-rules.json").read_text())
NOT_DECIDED = {
    "cel.bind(x, self.name, x.size() > 1)": "cel.bind is not enabled on the server; a name space kubelint abstains on",
    "self.items.sortBy(x, x.size()).size() > 0": "sortBy: a macro kubelint does not expand",
}
CASES = [(i, c) for i, s in enumerate(DATA["sets"]) for c in s["cases"]]
TEXT_DIFFERS = {"size(self) > 0"}


def _verdict(entry: dict, i: int = 0):
    node = DATA["sets"][i]["schema"]
    msgs = [m for _k, m, _c, _e in celcheck.rule_errors(entry, node, 1) if m]
    err = celcheck.compile_error(entry["rule"])
    if err:
        msgs.append("compilation failed: " + err)
    return msgs


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
@pytest.mark.parametrize("i,case", CASES, ids=[f"{i}:{c['entry']['rule']}" for i, c in CASES])
def test_crd_rule_as_the_server_decides(i, case):
    msgs = _verdict(case["entry"], i)
    rule = case["entry"]["rule"]
    if case["verdict"] == "accept":
        assert msgs == []
    elif rule in NOT_DECIDED:
        assert msgs == []
    elif rule in TEXT_DIFFERS:
        assert msgs and msgs[0].split("applied to")[0] in case["server"]
    else:
        # the server may list further syntax errors after the first (kubelint gives the first)
        want = case["server"].removeprefix("Forbidden: ")
        assert any(m.removeprefix("Forbidden: ") == want or want.startswith(m + "\n") for m in msgs), (msgs, want)


def test_agreement_figure():
    """Every case but the abstentions gets the server's verdict (the figure in docs/custom-resources.md)."""
    agree = sum((c["verdict"] == "accept") == (not _verdict(c["entry"], i)) for i, c in CASES if cel.available())
    assert agree >= len(CASES) - len(NOT_DECIDED)


VAP = json.loads((pathlib.Path(__file__).parent / "cel-oracle" / "vap-expressions.json").read_text())


def _policy(kind: str, expr: str) -> dict:
    v = {"expression": "true"}
    spec = {
        "matchConstraints": {
            "resourceRules": [
                {"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["deployments"]}
            ]
        },
        "validations": [v],
    }
    if kind == "expression":
        v["expression"] = expr
    elif kind == "messageExpression":
        v["messageExpression"] = expr
    elif kind == "matchCondition":
        spec["matchConditions"] = [{"name": "m", "expression": expr}]
    elif kind == "variable":
        spec["variables"] = [{"name": "v", "expression": expr}]
    else:
        spec["auditAnnotations"] = [{"key": "k", "valueExpression": expr}]
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": "p"},
        "spec": spec,
    }


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
@pytest.mark.parametrize("case", VAP["cases"], ids=[f"{c['kind']}:{c['expression']}" for c in VAP["cases"]])
def test_policy_expression_as_the_server_decides(case):
    """A policy is refused with the server's exact text, or accepted (object is dyn: no static cost check)."""
    from kubelint.admission.policy import Policy
    from kubelint.model import KubeObject

    p = Policy(KubeObject(_policy(case["kind"], case["expression"]), (1, 1, {}), "p.yaml", 0))
    if case["verdict"] == "accept":
        assert not p.invalid
    else:
        assert case["server"] in [pr.message for pr in p.problems]


def test_policy_variables_are_typed_and_not_declared_in_match_conditions():
    """kube-apiserver v1.37.2 on this policy: a matchCondition does not see `variables`; a validation
    sees each variable with the type of its expression (bool here)."""
    from kubelint.admission.policy import Policy
    from kubelint.model import KubeObject

    pol = _policy("expression", "variables.nm.size() < 10")
    pol["spec"]["variables"] = [
        {"name": "big", "expression": "object.spec.replicas > 3"},
        {"name": "nm", "expression": "object.metadata.name"},
    ]
    pol["spec"]["matchConditions"] = [{"name": "m", "expression": "variables.big"}]
    pol["spec"]["validations"].append({"expression": "variables.big == 1"})
    msgs = [pr.message for pr in Policy(KubeObject(pol, (1, 1, {}), "p.yaml", 0)).problems]
    assert msgs == [
        'spec.matchConditions[0].expression: Invalid value: "variables.big": compilation failed: ERROR: <input>:1:1: '
        "undeclared reference to 'variables' (in container '')\n | variables.big\n | ^",
        'spec.validations[1].expression: Invalid value: "variables.big == 1": compilation failed: ERROR: <input>:1:15: '
        "found no matching overload for '_==_' applied to '(bool, int)'\n | variables.big == 1\n | ..............^",
    ]
