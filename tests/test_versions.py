"""Each version-dependent API-server rule changes at the release kubelint/apiserver/gates.py names:
the minor before it judges one way, the minor itself the other.  The boundaries on 1.31, 1.32 and
1.34-1.36 are modelled from each release's source (no server of those minors was built here);
tests/conformance confirms the behaviour on real 1.30.14, 1.33.13 and 1.37.2 servers."""

import pytest

from kubelint.apiserver import gates
from kubelint.runner import run
from kubelint.settings import Settings

POD = """apiVersion: v1
kind: Pod
metadata: {{name: web}}
spec:
{spec}
"""
CONTAINER = "  containers:\n    - name: app\n      image: nginx:1.27\n"
SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  ports: [{{port: 80}}]\n{spec}\n"

# gate -> (manifest, True when the manifest is rejected once the gate is on, False when accepted)
CASES = {
    "StrictIPCIDRValidation": (SERVICE.format(name="web", spec="  externalIPs: [010.1.2.3]"), True),
    "RelaxedServiceNameValidation": (SERVICE.format(name="1web", spec=""), False),
    "VolumeAttributesClass": (
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteOnce]\n"
        "  volumeAttributesClassName: Gold_Class\n  resources: {requests: {storage: 1Gi}}\n",
        True,
    ),
    "ServiceTrafficDistribution": (SERVICE.format(name="web", spec="  trafficDistribution: Closest"), True),
    "PreferSameTrafficDistribution": (SERVICE.format(name="web", spec="  trafficDistribution: PreferSameZone"), False),
    "UserNamespacesSupport": (POD.format(spec="  hostUsers: false\n  hostNetwork: true\n" + CONTAINER), True),
    "RecursiveReadOnlyMounts": (
        POD.format(
            spec="  volumes: [{name: d, emptyDir: {}}]\n" + CONTAINER + "      volumeMounts:\n"
            "        - {name: d, mountPath: /d, recursiveReadOnly: Enabled}"
        ),
        True,
    ),
    "InPlacePodVerticalScaling": (
        POD.format(
            spec="  restartPolicy: Never\n" + CONTAINER + "      resizePolicy: [{resourceName: cpu, restartPolicy: "
            "RestartContainer}]"
        ),
        True,
    ),
    "ProcMountType": (POD.format(spec=CONTAINER + "      securityContext: {procMount: Masked}"), True),
    "SupplementalGroupsPolicy": (
        POD.format(spec="  securityContext: {supplementalGroupsPolicy: Exact}\n" + CONTAINER),
        True,
    ),
    "SELinuxChangePolicy": (POD.format(spec="  securityContext: {seLinuxChangePolicy: Never}\n" + CONTAINER), True),
    "MatchLabelKeysInPodTopologySpreadSelectorMerge": (
        POD.format(
            spec="  topologySpreadConstraints:\n    - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule,"
            " labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [app]}\n" + CONTAINER
        ),
        False,
    ),
    "ImageVolume": (
        POD.format(
            spec="  volumes: [{name: m, image: {reference: r.example.com/m:v1, pullPolicy: Sometimes}}]\n" + CONTAINER
        ),
        True,
    ),
    "DynamicResourceAllocation": (POD.format(spec=CONTAINER + "  resourceClaims: [{name: gpu}]"), True),
    "ClusterTrustBundleProjection": (
        POD.format(
            spec="  volumes:\n    - name: t\n      projected:\n        sources:\n          - clusterTrustBundle: "
            "{name: b, signerName: example.com/s, path: ca.pem}\n" + CONTAINER
        ),
        True,
    ),
    "EnvFiles": (
        POD.format(
            spec="  volumes: [{name: c, emptyDir: {}}]\n" + CONTAINER + "      env:\n        - name: T\n"
            "          valueFrom: {fileKeyRef: {volumeName: c, path: e.txt, key: T}}"
        ),
        False,
    ),
    "MaxUnavailableStatefulSet": (
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n"
        "  selector: {matchLabels: {app: db}}\n  updateStrategy: {type: RollingUpdate, rollingUpdate: "
        "{maxUnavailable: 0}}\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers:\n"
        "        - {name: db, image: postgres:17}\n",
        True,
    ),
    "StatefulSetTemplateValidation": (
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n"
        "  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n"
        "      containers:\n        - {name: DB_Main, image: postgres:17}\n",
        True,
    ),
    "HPAScaleToZero": (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: w}\nspec:\n"
        "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: w}\n  minReplicas: 0\n  maxReplicas: 5\n"
        "  metrics:\n    - type: External\n      external: {metric: {name: q}, target: {type: AverageValue, "
        "averageValue: '30'}}\n",
        False,
    ),
    "JobManagedBy": (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: t}\nspec:\n  managedBy: kueue\n  template:\n    spec:\n"
        "      restartPolicy: Never\n      containers:\n        - {name: t, image: busybox:1.36}\n",
        True,
    ),
}


def _errors(tmp_path, text, minor):
    path = tmp_path / "m.yaml"
    path.write_text(text)
    found = run([str(path)], Settings(kubernetes_version=f"1.{minor}")).findings
    return [f"{f.rule}: {f.message}" for f in found if f.severity == "error"]


def test_every_gate_has_a_boundary_case():
    """Every gate the validators consult (gates.py) but those with other tests (the env var, DNS
    search, sleep and container restart rules: tests/conformance on 1.30/1.33/1.37)."""
    covered = set(CASES) | {
        "RelaxedEnvironmentVariableValidation",
        "RelaxedDNSSearchValidation",
        "PodLifecycleSleepActionAllowZero",
        "ContainerRestartRules",
    }
    assert set(gates.ON_BY_DEFAULT_FROM) == covered


@pytest.mark.parametrize("gate", sorted(CASES))
def test_rule_changes_at_the_gates_release(tmp_path, gate):
    text, rejected_when_on = CASES[gate]
    minor = gates.ON_BY_DEFAULT_FROM[gate]
    before, at = _errors(tmp_path, text, minor - 1), _errors(tmp_path, text, minor)
    if rejected_when_on:
        assert not before and at, (gate, minor, before, at)
    else:
        assert before and not at, (gate, minor, before, at)
