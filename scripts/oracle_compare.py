#!/usr/bin/env python3
"""Compare conformance labels with a real API server (see apiserver-oracle.sh).

For every case under the given directory: create the namespaces it names,
run `kubectl apply --dry-run=server --validate=strict -f CASE`, and compare
accept/reject with the case's `# verdict:` label.  A case may also say
`# server-says: TEXT`: the server's output (error or warning) must contain
TEXT (`none`: no warning at all).  With ORACLE_MINOR=1.NN (a server of that
release), a case's `# verdict-1.NN:` and `# server-says-1.NN:` labels, where
present, are the expected verdict and text, and the record is
oracle-results-1.NN.json.  A Namespace in a case that carries pod-security.kubernetes.io labels
is created for real first (the PodSecurity admission plugin reads the
stored Namespace, not the dry-run one).  Prints one line per
disagreement and a summary; writes a JSON record next to the cases
(`oracle-results.json`) so the confirmation count can be quoted.
"""

import json
import os
import re
import subprocess
import sys

import yaml


def cases(root):
    for dirpath, _dirs, files in os.walk(root):
        _dirs[:] = [d for d in _dirs if d != "admission"]  # policy cases: scripts/oracle_policies.py
        for name in sorted(files):
            if name.endswith((".yaml", ".yml", ".json")) and not name.startswith("oracle-results"):
                yield os.path.join(dirpath, name)


MINOR = os.environ.get("ORACLE_MINOR", "")


def label(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        head = fh.read(2000)
    m = MINOR and re.search(rf"^#\s*verdict-{re.escape(MINOR)}:\s*(accept|reject)", head, re.M)
    m = m or re.search(r"^#\s*verdict:\s*(accept|reject)", head, re.M)
    return m.group(1) if m else None


def has_version_label(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        return re.search(rf"^#\s*verdict-{re.escape(MINOR)}:", fh.read(2000), re.M) is not None


def server_says(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        head = fh.read(4000)
    m = MINOR and re.search(rf"^#\s*server-says-{re.escape(MINOR)}:\s*(.*?)\s*$", head, re.M)
    m = m or re.search(r"^#\s*server-says:\s*(.*?)\s*$", head, re.M)
    return m.group(1) if m else None


def has_version_says(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        return re.search(rf"^#\s*server-says-{re.escape(MINOR)}:", fh.read(4000), re.M) is not None


def labelled_namespaces(path):
    """Namespace documents of a case with pod-security.kubernetes.io labels (YAML text)."""
    out = []
    try:
        with open(path, encoding="utf-8") as fh:
            for doc in yaml.safe_load_all(fh):
                if isinstance(doc, dict) and doc.get("kind") == "Namespace" and isinstance(doc.get("metadata"), dict):
                    labels = doc["metadata"].get("labels") or {}
                    if any(str(k).startswith("pod-security.kubernetes.io/") for k in labels):
                        out.append(doc)
    except Exception:
        pass
    return out


def namespaces(path):
    out = set()
    try:
        with open(path, encoding="utf-8") as fh:
            for doc in yaml.safe_load_all(fh):
                if isinstance(doc, dict):
                    ns = (doc.get("metadata") or {}).get("namespace") if isinstance(doc.get("metadata"), dict) else None
                    if isinstance(ns, str) and ns:
                        out.add(ns)
    except Exception:
        pass
    return out


def main(root):
    results = {}
    created = set()
    agree = disagree = 0
    for path in cases(root):
        verdict = label(path)
        if verdict is None:
            continue
        for doc in labelled_namespaces(path):
            subprocess.run(["kubectl", "apply", "-f", "-"], input=yaml.safe_dump(doc), capture_output=True, text=True)
            created.add(doc["metadata"].get("name"))
        for ns in namespaces(path) - created:
            subprocess.run(["kubectl", "create", "namespace", ns], capture_output=True)
            created.add(ns)
        proc = subprocess.run(
            ["kubectl", "apply", "--dry-run=server", "--validate=strict", "-f", path], capture_output=True, text=True
        )
        actual = "accept" if proc.returncode == 0 else "reject"
        rel = os.path.relpath(path, root)
        output = (proc.stderr + proc.stdout).strip()
        results[rel] = {"label": verdict, "server": actual, "output": (proc.stderr or proc.stdout).strip()}
        says = server_says(path)
        if MINOR and has_version_label(path) and not has_version_says(path):
            says = None  # the text is the newest server's; an older one is judged by its verdict only
        if says == "none":  # `server-says[-1.NN]: none`: the server gives no warning
            results[rel]["server_says"] = "Warning:" not in output
            if "Warning:" in output:
                actual = f"{actual} with a warning"
                results[rel]["output"] = output[:1500]
        elif says is not None:
            results[rel]["server_says"] = says in output
            if says not in output:
                actual = f"{actual} without the text {says!r}"
                results[rel]["output"] = output
        if actual == verdict:
            agree += 1
        else:
            disagree += 1
            print(f"DISAGREE {rel}: label={verdict} server={actual}: {results[rel]['output'][:200]}")
    record = f"oracle-results-{MINOR}.json" if MINOR else "oracle-results.json"
    with open(os.path.join(root, record), "w") as fh:
        json.dump({"agree": agree, "disagree": disagree, "cases": results}, fh, indent=1, sort_keys=True)
    print(f"{agree} labels confirmed, {disagree} disagree")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "tests/conformance"))
