"""Record the verdicts of a real kube-apiserver on tests/cel-oracle/versions.json (not in CI).

Each case is one CEL expression of one library: ``rule`` as the one x-kubernetes-validations
entry of a CRD with the file's schema, ``expression`` as the one validation of a
ValidatingAdmissionPolicy.  Each is sent with ``kubectl apply --dry-run=server``: the server
compiles it as it creates the object (its NewExpressions environment) and answers
``accept`` or ``reject`` with its message.

    eval "$(ORACLE_DIR=... scripts/apiserver-oracle.sh env)"   # or KUBECONFIG=$ORACLE_DIR/kubeconfig
    python3 scripts/cel_versions_oracle.py --record 1.30 [--kubectl PATH]

(the server's version must be the one given; tests/test_cel_versions.py compares kubelint with
the recorded verdicts of every version).
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys

DATA = pathlib.Path(__file__).resolve().parent.parent / "tests" / "cel-oracle" / "versions.json"


def document(case: dict, schema: dict, i: int) -> dict:
    if case["kind"] == "rule":
        name = f"celv{i}"
        s = dict(schema, **{"x-kubernetes-validations": [{"rule": case["expression"]}]})
        return {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{name}s.example.com"},
            "spec": {
                "group": "example.com",
                "scope": "Namespaced",
                "names": {"plural": f"{name}s", "singular": name, "kind": f"Celv{i}"},
                "versions": [
                    {
                        "name": "v1",
                        "served": True,
                        "storage": True,
                        "schema": {
                            "openAPIV3Schema": {"type": "object", "properties": {"spec": s}},
                        },
                    }
                ],
            },
        }
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": f"celv{i}"},
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
            "validations": [{"expression": case["expression"]}],
        },
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", required=True, help="the server's minor version, e.g. 1.30")
    ap.add_argument("--kubectl", default=os.environ.get("KUBECTL", "kubectl"))
    args = ap.parse_args()
    data = json.loads(DATA.read_text())
    for i, case in enumerate(data["cases"]):
        doc = json.dumps(document(case, data["schema"], i))
        p = subprocess.run(
            [args.kubectl, "apply", "--dry-run=server", "-f", "-"], input=doc, capture_output=True, text=True
        )
        if p.returncode == 0:
            case["results"][args.record] = {"verdict": "accept"}
        else:
            case["results"][args.record] = {"verdict": "reject", "server": p.stderr.strip()}
        print(args.record, case["kind"], case["results"][args.record]["verdict"], case["expression"], file=sys.stderr)
    DATA.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
