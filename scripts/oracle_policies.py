#!/usr/bin/env python3
"""Label the admission conformance cases with a real API server's verdict
(scripts/apiserver-oracle.sh run-policies; not in CI).

A case (tests/conformance/admission/*.yaml) is a multi-document file: every
document but the last is set-up (Namespaces, CRDs, params,
ValidatingAdmissionPolicies and bindings), the last is the object under
test.  For each case, in file-name order:

1. with `# restart: before` in the header, restart the API server (after a
   ConfigMap-param policy is deleted, paramRef.selector finds nothing until
   a restart);
2. create the set-up for real (`kubectl apply`);
   (each ValidatingAdmissionPolicy and binding is first POSTed with
   dryRun=All: the causes of a refusal are recorded as `# setup-cause:`);
3. create a probe policy and binding that deny one ConfigMap name, and poll
   until that ConfigMap is denied: the policy informer delivers events in
   order, so the case's policies and bindings are active too;
4. `kubectl apply --dry-run=server` the object: record accept/reject, the
   message after "is forbidden: " and every `Warning:` line;
5. delete the set-up (Namespaces stay: they never finish terminating without
   a controller-manager) and the probe, and poll until the probe is gone.

With --record the verdict, message and warnings are written into the case
headers (`# verdict:`, `# message:`, `# warning:`, `# oracle:`); the results
go to tests/conformance/admission/oracle-results.json either way.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "conformance", "admission")
KUBECTL = os.environ.get("KUBECTL") or "kubectl"
HEADER = re.compile(r"^#\s*(verdict|message|warning|setup-error|setup-cause|oracle|restart):.*\n", re.M)
PLURALS = {
    "ValidatingAdmissionPolicy": "validatingadmissionpolicies",
    "ValidatingAdmissionPolicyBinding": "validatingadmissionpolicybindings",
}

PROBE = """apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: zz-kubelint-probe}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]
  validations: [{expression: "object.metadata.name != 'kubelint-probe-%(n)d'", message: probe}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: zz-kubelint-probe}
spec: {policyName: zz-kubelint-probe, validationActions: [Deny]}
"""


def kubectl(*args, stdin=None):
    return subprocess.run([KUBECTL, *args], input=stdin, capture_output=True, text=True)


def creation_causes(doc):
    """The causes the server gives when it refuses to create a policy or
    binding (a dry-run POST: ``field: message`` per cause, in the server's
    order), [] when it accepts it."""
    import ssl
    import urllib.error
    import urllib.request

    with open(os.environ["KUBECONFIG"], encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    server = cfg["clusters"][0]["cluster"]["server"]
    token = cfg["users"][0]["user"]["token"]
    url = f"{server}/apis/admissionregistration.k8s.io/v1/{PLURALS[doc['kind']]}?dryRun=All&fieldValidation=Strict"
    req = urllib.request.Request(
        url,
        data=json.dumps(doc).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, context=ssl._create_unverified_context()):
            return []
    except urllib.error.HTTPError as e:
        body = json.load(e)
    causes = (body.get("details") or {}).get("causes") or []
    return [f"{c['field']}: {c['message']}" if c.get("field") else c.get("message", "") for c in causes] or [
        body.get("message", "")
    ]


def probe_denied(n):
    cm = f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: kubelint-probe-{n}, namespace: default}}\n"
    p = kubectl("apply", "--dry-run=server", "-f", "-", stdin=cm)
    return p.returncode != 0 and "probe" in p.stderr


def wait(cond, timeout=60.0):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.5)
    return False


def split(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    docs = [d for d in re.split(r"^---\s*$", text, flags=re.M) if yaml.safe_load(d) is not None]
    return text, docs[:-1], docs[-1]


def run_case(path, n):
    text, setup, obj = split(path)
    if re.search(r"^#\s*restart:\s*before", text, re.M):
        subprocess.run(
            [os.path.join(os.path.dirname(os.path.abspath(__file__)), "apiserver-oracle.sh"), "restart"], check=False
        )
    namespaces = [d for d in setup if (yaml.safe_load(d) or {}).get("kind") == "Namespace"]
    rest = [d for d in setup if d not in namespaces]
    for d in namespaces:
        kubectl("apply", "-f", "-", stdin=d)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as fh:
        fh.write("\n---\n".join(rest))
        setup_file = fh.name
    causes = []
    for d in rest:
        doc = yaml.safe_load(d) or {}
        if doc.get("kind") in PLURALS and doc.get("apiVersion") == "admissionregistration.k8s.io/v1":
            causes.extend(creation_causes(doc))
    created = kubectl("apply", "-f", setup_file) if rest else None
    kubectl("apply", "-f", "-", stdin=PROBE % {"n": n})
    active = wait(lambda: probe_denied(n))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as fh:
        fh.write(obj)
        obj_file = fh.name
    time.sleep(1.0)  # param informers of a new paramKind sync within CollectParams' 1 s wait
    p = kubectl("apply", "--dry-run=server", "-f", obj_file)
    warnings = [ln[len("Warning: ") :] for ln in p.stderr.splitlines() if ln.startswith("Warning: ")]
    errors = [ln for ln in p.stderr.splitlines() if not ln.startswith("Warning: ") and ln.strip()]
    message = ""
    for ln in errors:
        # Status reason Forbidden: `... is forbidden: <message>`; Invalid (the
        # default reason): kubectl prints the cause, `The x "y" is invalid: : <message>`
        i = ln.find("ValidatingAdmissionPolicy '")
        if i >= 0:
            message = ln[i:]
            break
    if not message and errors:
        message = errors[0]
    result = {
        "verdict": "accept" if p.returncode == 0 else "reject",
        "message": message,
        "warnings": warnings,
        "setup": (created.stderr.strip()[:300] if created is not None and created.returncode else ""),
        "active": active,
        "setup_causes": causes,
    }
    if rest:
        kubectl("delete", "--wait=false", "-f", setup_file)
    kubectl("delete", "validatingadmissionpolicybinding,validatingadmissionpolicy", "zz-kubelint-probe", "--wait=false")
    wait(lambda: not probe_denied(n), 30)
    os.unlink(setup_file)
    os.unlink(obj_file)
    return result


def record(path, res):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    keep_restart = re.search(r"^#\s*restart:.*\n", text, re.M)
    body = HEADER.sub("", text)
    head = [f"# verdict: {res['verdict']}\n"]
    message = res["message"]
    i = message.find("ValidatingAdmissionPolicy '")
    if i > 0:  # kubectl's "The x "y" is invalid: : " prefix (reason Invalid)
        message = message[i:]
    if message:
        head.append(f"# message: {message}\n")
    if res.get("setup"):
        head.append("# setup-error: " + res["setup"].splitlines()[0] + "\n")
    for c in res.get("setup_causes") or []:
        head.append(f"# setup-cause: {c}\n")
    for w in res["warnings"]:
        head.append(f"# warning: {w}\n")
    head.append("# oracle: confirmed v1.37.2 (kubectl apply --dry-run=server after creating the set-up)\n")
    if keep_restart:
        head.append(keep_restart.group(0))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("".join(head) + body)


def main(argv):
    rec = "--record" in argv
    if "--from-json" in argv:  # re-write the headers from the last run's results
        with open(os.path.join(ROOT, "oracle-results.json")) as fh:
            for name, res in json.load(fh)["cases"].items():
                record(os.path.join(ROOT, name), res)
        return 0
    only = [a for a in argv if not a.startswith("--")]
    names = sorted(f for f in os.listdir(ROOT) if f.endswith(".yaml"))
    if only:
        names = [f for f in names if any(o in f for o in only)]
    results = {}
    out = os.path.join(ROOT, "oracle-results.json")
    if os.path.exists(out) and only:
        with open(out) as fh:
            results = json.load(fh).get("cases", {})
    n0 = int(time.time()) % 100000
    for i, name in enumerate(names):
        res = run_case(os.path.join(ROOT, name), n0 + i)
        results[name] = res
        print(
            f"{name}: {res['verdict']} {res['message'][:150]} {res['warnings']}"
            + ("" if res["active"] else " (PROBE NEVER ACTIVE)")
            + (f" SETUP: {res['setup']}" if res["setup"] else ""),
            flush=True,
        )
        if rec and res["active"]:  # never label a case from a server that did not answer the probe
            record(os.path.join(ROOT, name), res)
    with open(out, "w") as fh:
        json.dump({"server": "kube-apiserver v1.37.2", "cases": results}, fh, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
