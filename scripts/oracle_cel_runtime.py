#!/usr/bin/env python3
"""Record the API server's verdicts at its CEL runtime cost limits.

Creates the CRD of tests/cel-oracle/crd-runtime.json (``crd``) on a running
oracle (scripts/apiserver-oracle.sh; KUBECONFIG set), then sends each case's
custom resource with ``kubectl create --dry-run=server --validate=strict``
(``create``, not ``apply``: apply's last-applied annotation would exceed the
annotation size limit for the long strings) and writes the verdict and the
server's message back into the file.  A case's object is built from a small
recipe (``make``) so that the file stays small: ``{"ints": N}`` is the list
0..N-1, ``{"chars": N}`` a string of N letters, ``{"cjk": N}`` N distinct
one-character strings.
"""

import json
import pathlib
import subprocess
import sys
import time

PATH = pathlib.Path(__file__).resolve().parent.parent / "tests" / "cel-oracle" / "crd-runtime.json"


def build(recipe):
    if isinstance(recipe, dict) and set(recipe) == {"ints"}:
        return list(range(recipe["ints"]))
    if isinstance(recipe, dict) and set(recipe) == {"cjk"}:
        return [chr(0x4E00 + i) for i in range(recipe["cjk"])]
    if isinstance(recipe, dict) and set(recipe) == {"chars"}:
        return "a" * recipe["chars"]
    if isinstance(recipe, dict):
        return {k: build(v) for k, v in recipe.items()}
    if isinstance(recipe, list):
        return [build(v) for v in recipe]
    return recipe


def custom_resource(data, spec_recipe, name="case"):
    crd = data["crd"]
    return {
        "apiVersion": f"{crd['spec']['group']}/{crd['spec']['versions'][0]['name']}",
        "kind": crd["spec"]["names"]["kind"],
        "metadata": {"name": name, "namespace": "default"},
        "spec": build(spec_recipe),
    }


def main():
    data = json.loads(PATH.read_text())
    r = subprocess.run(["kubectl", "apply", "-f", "-"], input=json.dumps(data["crd"]), capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"CRD not created: {r.stderr}")
    subprocess.run(
        ["kubectl", "wait", "--for=condition=Established", "crd/" + data["crd"]["metadata"]["name"], "--timeout=60s"],
        check=True,
        capture_output=True,
    )
    time.sleep(2)
    for case in data["cases"]:
        obj = custom_resource(data, case["spec"])
        r = subprocess.run(
            ["kubectl", "create", "--dry-run=server", "--validate=strict", "-f", "-"],
            input=json.dumps(obj),
            capture_output=True,
            text=True,
        )
        case["verdict"] = "reject" if r.returncode else "accept"
        case["server"] = r.stderr.strip() if r.returncode else ""
        print(case["name"], case["verdict"], case["server"][:300])
    data["oracle"] = "kube-apiserver v1.37.2 (scripts/apiserver-oracle.sh), kubectl create --dry-run=server"
    PATH.write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
