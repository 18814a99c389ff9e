#!/usr/bin/env python3
"""Compare kubelint's Pod Security verdicts with a real API server, workload by workload.

    KUBECONFIG=$ORACLE_DIR/kubeconfig scripts/psa_compare.py restricted /work/shared/corpus

Every distinct Pod and workload (Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, Job, CronJob, PodTemplate) found under the paths is put in a
Namespace labelled ``pod-security.kubernetes.io/warn: LEVEL`` (created for real) and
applied with ``kubectl apply --dry-run=server``; the server's ``Warning: would violate
PodSecurity ...`` is compared with the text of kubelint's ``pod-security-warn`` finding
for the same object.  Objects the server rejects for another reason are counted apart.
Needs a running server (scripts/apiserver-oracle.sh start) and its kubectl on PATH.
Prints the differences and a summary; exit status 1 if any differ.
"""

import io
import json
import subprocess
import sys

import yaml

sys.path.insert(0, __file__.rsplit("/scripts/", 1)[0])

from kubelint.kinds import POD_SPEC_PATHS  # noqa: E402
from kubelint.loader import iter_load  # noqa: E402
from kubelint.model import objects_from_document  # noqa: E402
from kubelint.runner import run  # noqa: E402
from kubelint.settings import Settings  # noqa: E402


def workloads(paths):
    """(file, data) of every distinct workload object under ``paths``."""
    seen = set()
    for loaded in iter_load(paths):
        for doc in loaded.documents:
            for obj in objects_from_document(doc)[0]:
                if (obj.group, obj.kind) in POD_SPEC_PATHS and isinstance(obj.data, dict):
                    data = json.loads(json.dumps(obj.data, default=str))
                    key = json.dumps(data, sort_keys=True)
                    if key not in seen:
                        seen.add(key)
                        yield loaded.path, data


def main(level, paths):
    namespace = f"psa-compare-{level}"
    ns = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": namespace, "labels": {"pod-security.kubernetes.io/warn": level}},
    }
    subprocess.run(["kubectl", "apply", "-f", "-"], input=yaml.safe_dump(ns), text=True, capture_output=True)
    stats = {"same": 0, "differ": 0, "both silent": 0, "rejected for another reason": 0}
    for path, data in workloads(paths):
        data.setdefault("metadata", {})["namespace"] = namespace
        text = yaml.safe_dump(data)
        proc = subprocess.run(
            ["kubectl", "apply", "--dry-run=server", "-f", "-"], input=text, text=True, capture_output=True
        )
        if proc.returncode != 0:
            stats["rejected for another reason"] += 1
            continue
        server = [
            line[len("Warning: ") :]
            for line in proc.stderr.splitlines()
            if line.startswith("Warning: would violate PodSecurity")
        ]
        manifest = yaml.safe_dump(ns) + "---\n" + text
        findings = run(["-"], Settings(jobs=1), stdin=io.BytesIO(manifest.encode())).findings
        ours = [f.message for f in findings if f.rule == "pod-security-warn"]
        if not server and not ours:
            stats["both silent"] += 1
        elif len(server) == 1 and len(ours) == 1 and f'"{server[0]}"' in ours[0]:
            stats["same"] += 1
        else:
            stats["differ"] += 1
            print(
                f"DIFFER {path} ({data.get('kind')} {data['metadata'].get('name')}):\n  server:   {server}\n"
                f"  kubelint: {ours}"
            )
    print(f"{level}: " + ", ".join(f"{n} {k}" for k, n in stats.items()))
    return 1 if stats["differ"] else 0


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("baseline", "restricted"):
        sys.exit("usage: psa_compare.py baseline|restricted PATH...")
    sys.exit(main(sys.argv[1], sys.argv[2:]))
