"""CEL per Kubernetes version, against the verdicts of real kube-apiservers.

tests/cel-oracle/versions.json holds one CEL expression per library or language
feature (as a CRD rule, or as a ValidatingAdmissionPolicy validation) and what
``kubectl apply --dry-run=server`` answered on kube-apiserver v1.30.14, v1.33.13
and v1.37.2 (scripts/cel_versions_oracle.py).  kubelint, checking for that
``--kubernetes-version`` (kubelint.celtypes.for_version), must give the same
verdict, and a refusal with the server's text.
"""

import json
import pathlib

import pytest

from kubelint import cel, celcheck, celtypes

DATA = json.loads((pathlib.Path(__file__).parent / "cel-oracle" / "versions.json").read_text())
CASES = [(v, c) for c in DATA["cases"] for v in sorted(c["results"])]


def _rule_messages(expression: str, version: str):
    with celtypes.for_version(version):
        msgs = [m for _k, m, _c, _e in celcheck.rule_errors({"rule": expression}, DATA["schema"], 1) if m]
    err = celcheck.compile_error(expression)
    if err:
        msgs.append("compilation failed: " + err)
    return msgs


def _policy_messages(expression: str, version: str):
    from kubelint.admission.policy import Policy
    from kubelint.model import KubeObject

    doc = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": "p"},
        "spec": {
            "matchConstraints": {
                "resourceRules": [
                    {
                        "apiGroups": ["apps"],
                        "apiVersions": ["v1"],
                        "operations": ["CREATE"],
                        "resources": ["deployments"],
                    }
                ]
            },
            "validations": [{"expression": expression}],
        },
    }
    with celtypes.for_version(version):
        p = Policy(KubeObject(doc, (1, 1, {}), "p.yaml", 0))
    return [pr.message for pr in p.problems]


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
@pytest.mark.parametrize("version,case", CASES, ids=[f"{v}:{c['kind']}:{c['expression']}" for v, c in CASES])
def test_cel_library_per_version(version, case):
    want = case["results"][version]
    if case["kind"] == "rule":
        msgs = _rule_messages(case["expression"], version)
    else:
        msgs = _policy_messages(case["expression"], version)
    if want["verdict"] == "accept":
        assert msgs == [], f"v{version} accepts it"
    else:
        assert msgs, f"v{version} rejects it: {want['server']}"
        # the server's text: the CRD case prints the whole ValidationRule where kubelint quotes the rule
        server = want["server"].split(": compilation failed: ", 1)[-1]
        assert any(m.split("compilation failed: ", 1)[-1] == server for m in msgs), (msgs, server)


CORPUS = pathlib.Path("/work/shared/corpus")
# Corpus files whose CEL an older server refuses (confirmed: kubectl apply --dry-run=server on
# kube-apiserver v1.30.14 refuses both with the text kubelint gives; v1.33.13 and v1.37.2 accept both).
REFUSED_BY_OLDER = {
    "kubernetes-sigs__gateway-api/config/crd/standard/gateway.networking.k8s.io_tlsroutes.yaml": (
        "1.30",
        "crd-invalid",
        "undeclared reference to 'isIP'",
    ),
    "kubernetes__website/content/en/examples/policy/service-cluster-cidr-address-range.yaml": (
        "1.30",
        "admission-policy-invalid",
        "undeclared reference to 'cidr'",
    ),
}


@pytest.mark.skipif(not CORPUS.is_dir() or not cel.available(), reason="corpus or CEL engine not available")
@pytest.mark.parametrize("rel", sorted(REFUSED_BY_OLDER))
def test_corpus_cel_refused_by_older_server(rel):
    from kubelint.runner import run
    from kubelint.settings import Settings

    version, rule, text = REFUSED_BY_OLDER[rel]
    old = run([str(CORPUS / rel)], Settings(kubernetes_version=version))
    assert any(f.rule == rule and text in f.message for f in old.findings if f.severity == "error"), old.findings
    for newer in ("1.33", "1.37"):
        res = run([str(CORPUS / rel)], Settings(kubernetes_version=newer))
        assert not [f for f in res.findings if f.severity == "error"], (newer, res.findings)


# Modelled from the source, no server of these releases here: cel-go's parser without
# cel.OptionalTypes (compatibility version 1.28, so servers before 1.29) refuses the optional
# syntax; its checker without cel.CrossTypeNumericComparisons disables int/double comparisons.
MODELLED = [
    ("1.28", "self.?name.orValue('') != 'x'", "ERROR: <input>:1:5: unsupported syntax '.?'"),
    ("1.29", "self.?name.orValue('') != 'x'", None),
    ("1.28", "self.replicas < 2.5", "found no matching overload for '_<_' applied to '(int, double)'"),
    ("1.29", "self.replicas < 2.5", None),
    ("1.31", "format.dns1123Label().validate(self.name).hasValue()", "undeclared reference to 'format'"),
    ("1.32", "format.dns1123Label().validate(self.name).hasValue()", None),
    ("1.31", "self.namespace == 'a'", "undefined field 'namespace'"),
    ("1.32", "self.namespace == 'a'", None),
    ("1.34", "self.items.distinct().size() < 5", "undeclared reference to 'distinct'"),
    ("1.35", "self.items.distinct().size() < 5", None),
    ("1.36", "duration(self.replicas) < duration('1s')", None),
]


@pytest.mark.parametrize("version,rule,error", MODELLED, ids=[f"{v}:{r}" for v, r, _e in MODELLED])
def test_cel_modelled_releases(version, rule, error):
    msgs = _rule_messages(rule, version)
    if error is None:
        assert msgs == []
    else:
        assert msgs and error in msgs[0], msgs
