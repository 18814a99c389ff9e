#!/usr/bin/env python3
"""Confirm the fix fixtures on a real kube-apiserver (not in CI).

For every tests/fixes/NAME.before.yaml / NAME.after.yaml pair, runs
``kubectl apply --dry-run=server --validate=strict`` on both and records the
verdicts in tests/fixes/oracle-results.json: every "after" must be accepted
(the fix produced what the server takes); a "before" of an API migration
must be rejected (the removed version is not served).

    scripts/apiserver-oracle.sh start      # (ORACLE_DIR, ports: see the script)
    KUBECONFIG=$ORACLE_DIR/kubeconfig scripts/oracle_fix.py [--kubectl PATH]
"""

import argparse
import hashlib
import json
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXES = ROOT / "tests" / "fixes"
NAMESPACES = ("monitoring", "apps")


def verdict(kubectl: str, path: pathlib.Path):
    p = subprocess.run(
        [kubectl, "apply", "--dry-run=server", "--validate=strict", "-f", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = (p.stdout + p.stderr).strip()
    return ("accept" if p.returncode == 0 else "reject"), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kubectl", default="kubectl")
    args = ap.parse_args()
    for ns in NAMESPACES:
        subprocess.run([args.kubectl, "create", "namespace", ns], capture_output=True)
    # a kube-apiserver built from Go modules reports major/minor but no release tag
    v = json.loads(subprocess.run([args.kubectl, "get", "--raw", "/version"], capture_output=True, text=True).stdout)
    server = (
        f"v{v['major']}.{v['minor']} (gitVersion {v.get('gitVersion')}"
        "; built from k8s.io/kubernetes v1.37.2 by scripts/apiserver-oracle.sh)"
    )
    results = {"server": server, "cases": {}}
    for before in sorted(FIXES.glob("*.before.yaml")):
        after = before.with_name(before.name.replace(".before.", ".after."))
        b, bout = verdict(args.kubectl, before)
        a, aout = verdict(args.kubectl, after)
        results["cases"][before.name.replace(".before.yaml", "")] = {
            "before": b,
            "after": a,
            "after_output": aout,
            "after_sha256": hashlib.sha256(after.read_bytes()).hexdigest(),
        }
        print(f"{before.name:55} before={b:7} after={a}")
    (FIXES / "oracle-results.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    conformance(args.kubectl, server)


def conformance(kubectl: str, server: str) -> None:
    """`kubelint fix` over tests/conformance: every case it changes (a
    reject case with a mechanical correction) must be accepted once fixed.
    Recorded in tests/fixes/oracle-conformance.json."""
    import sys
    import tempfile

    sys.path.insert(0, str(ROOT))
    from kubelint.fix.files import fix_paths
    from kubelint.settings import Settings

    base = ROOT / "tests" / "conformance"
    cases = {}
    with tempfile.TemporaryDirectory() as tmp:
        for o in fix_paths([str(base)], Settings(), write_files=False):
            if not o.changed:
                continue
            rel = str(pathlib.Path(o.path).relative_to(base))
            fixed = pathlib.Path(tmp, rel.replace("/", "__"))
            fixed.write_text(o.text, encoding="utf-8")
            v, out = verdict(kubectl, fixed)
            cases[rel] = {
                "fixes": [f.title for f in o.applied],
                "after": v,
                "after_output": out,
                "after_sha256": hashlib.sha256(o.text.encode("utf-8")).hexdigest(),
            }
            print(f"{rel:60} {v}")
    (FIXES / "oracle-conformance.json").write_text(
        json.dumps({"server": server, "cases": cases}, indent=1, sort_keys=True) + "\n"
    )


if __name__ == "__main__":
    main()
