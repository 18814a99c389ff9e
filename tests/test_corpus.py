"""Real manifests: ../shared/corpus is accepted by real clusters (kubelint
must report no errors); every file of ../shared/corpus-legacy uses a removed
API and must get an error naming its replacement."""

import collections
import os

import pytest

from conftest import CORPUS, CORPUS_LEGACY
from kubelint.runner import run
from kubelint.settings import Settings

# Files of the corpus that a real API server rejects too (kubectl apply
# --dry-run=server against kube-apiserver v1.37.2, scripts/apiserver-oracle.sh):
# the corpus's "accepted" claim does not hold for them, and kubelint's error
# is the server's own verdict.  Each: (rule, what the server said).
KNOWN_REJECTED = {
    "istio__istio/samples/mtls-echo/mtls-echo.yaml": (
        "invalid-value",
        'spec.template.spec.containers[0].volumeMounts[1].name: Not found: "ca-certs"',
    ),
    "kubernetes-csi__external-snapshotter/examples/kubernetes/invalid-snapshot-v1.yaml": (
        "cr-validation-rule",
        "spec.source: Invalid value: exactly one of volumeSnapshotContentName and persistentVolumeClaimName must "
        "be set",
    ),
    "kubernetes__examples/_archived/sysdig-cloud/sysdig-rc.yaml": ("invalid-selector", "spec.selector: Required value"),
    "kubernetes__examples/_archived/volumes/aws_ebs/aws-ebs-web.yaml": (
        "unsupported-value",
        'spec.containers[0].ports[0].protocol: Unsupported value: "tcp"',
    ),
    "kubernetes__examples/_archived/volumes/cinder/cinder-web.yaml": (
        "unsupported-value",
        'spec.containers[0].ports[0].protocol: Unsupported value: "tcp"',
    ),
}

# The corpus is checked as one set, so the ValidatingAdmissionPolicies it
# contains apply to all of it (kubelint/admission).  Gateway API's own
# safe-upgrades policy denies its development-tree CRDs (bundle-version
# v0.0.0-dev); confirmed: with that policy and binding created on kube-apiserver
# v1.37.2, `kubectl apply --dry-run=server` of each CRD fails with this message.
GATEWAY = "kubernetes-sigs__gateway-api/config/crd/standard/gateway.networking.k8s.io_{}.yaml"
POLICY_REJECTED = {
    GATEWAY.format(name): (
        "admission-policy-denied",
        "ValidatingAdmissionPolicy 'safe-upgrades.gateway.networking.k8s.io' "
        "with binding 'safe-upgrades.gateway.networking.k8s.io' denied request: Installing CRDs with "
        "version before v1.5.0 is prohibited by default. Uninstall ValidatingAdmissionPolicy "
        "safe-upgrades.gateway.networking.k8s.io to install older versions.",
    )
    for name in (
        "backendtlspolicies",
        "gatewayclasses",
        "gateways",
        "grpcroutes",
        "httproutes",
        "listenersets",
        "referencegrants",
        "tcproutes",
        "tlsroutes",
        "udproutes",
    )
}
KNOWN_REJECTED.update(POLICY_REJECTED)

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")


def test_corpus_has_no_errors(corpus_result):
    errors = [
        f
        for f in corpus_result.findings
        if f.severity == "error" and KNOWN_REJECTED.get(os.path.relpath(f.file, CORPUS), ("",))[0] != f.rule
    ]
    shown = "\n".join(f"{f.file}:{f.line}:{f.column} [{f.rule}] {f.message}" for f in errors[:20])
    assert not errors, f"{len(errors)} errors on accepted manifests:\n{shown}"
    assert corpus_result.files > 2000 and corpus_result.documents > 4000
    assert not corpus_result.fatal


def test_known_rejected_files_get_the_servers_error(corpus_result):
    """The API server rejects these corpus files; kubelint must say so too."""
    for rel, (rule, server_said) in KNOWN_REJECTED.items():
        path = str(CORPUS / rel)
        got = [f for f in corpus_result.findings if f.file == path and f.severity == "error"]
        assert got and {f.rule for f in got} == {rule}, (rel, got)
        if rel in POLICY_REJECTED:
            assert {f.message for f in got} == {server_said}, (rel, got)


def test_corpus_no_internal_errors(corpus_result):
    assert not [f for f in corpus_result.findings if f.rule == "internal-error"]


@pytest.mark.skipif(not CORPUS_LEGACY.is_dir(), reason="legacy corpus not found")
def test_every_legacy_file_gets_a_removed_api_error():
    result = run([str(CORPUS_LEGACY)], Settings())
    removed = collections.defaultdict(list)
    for f in result.findings:
        if f.rule == "removed-api":
            removed[f.file].append(f)
    files = [
        os.path.join(d, n) for d, _, ns in os.walk(CORPUS_LEGACY) for n in ns if n.endswith((".yaml", ".yml", ".json"))
    ]
    missing = [p for p in files if p not in removed]
    assert not missing, missing
    for fs in removed.values():
        for f in fs:
            assert "removed in Kubernetes" in f.message and (
                "apiVersion:" in f.message or "Pod Security Admission" in f.message
            )


def test_default_set_findings_per_document(corpus_result):
    """The default rule set (profile recommended) stays at or below one finding per document on real
    manifests (issue 19: a set a team can adopt on day one; docs/rules.md, "Rule sets")."""
    per_doc = len(corpus_result.findings) / corpus_result.documents
    assert per_doc <= 1.0, (
        f"{len(corpus_result.findings)} findings on {corpus_result.documents} documents ({per_doc:.3f})"
    )
