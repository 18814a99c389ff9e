"""Issue 19's new rules beyond their catalogue examples: opt-in behaviour,
parameters from the configuration, value formats, edge cases."""

import io
import os

import pytest

import sys

from kubelint.config import Config, parse
from kubelint.engine import catalogue, registered_checks
from kubelint.runner import run
from kubelint.settings import Settings


def _module_of(rule):
    """The module that implements ``rule`` (kubelint/checks/<family>.py)."""
    return sys.modules[registered_checks()[rule].fn.__module__]


value_credential = _module_of("configmap-credentials").value_credential


def lint(text, only=None, config=None, **kw):
    cfg = config or (Config(disable={"all"}, enable=set(only)) if only else Config())
    return run(["-"], Settings(config=cfg, jobs=1, **kw), stdin=io.BytesIO(text.encode())).findings


def rules(findings, rule=None):
    return [f.rule for f in findings if rule is None or f.rule == rule]


POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: default
spec:
  containers:
    - name: c
      image: example/c:1.0
"""


def test_opt_in_rules_are_off_by_default_and_on_by_id():
    opt_in = {rid for rid, e in catalogue().items() if e.profiles == ()}
    assert {"default-namespace", "required-labels", "image-not-pinned", "no-priority-class"} <= opt_in
    assert not set(rules(lint(POD))) & opt_in
    got = rules(lint(POD, config=Config(enable={"default-namespace", "image-not-pinned"})))
    assert "default-namespace" in got and "image-not-pinned" in got and "no-priority-class" not in got


def test_required_labels_from_the_configuration_file(tmp_path):
    (tmp_path / ".kubelint.yaml").write_text(
        "enable: [required-labels]\nrules:\n  required-labels:\n    params:\n"
        '      labels: [team, "tier=(web|db)"]\n      kinds: []\n'
    )
    cfg = parse((tmp_path / ".kubelint.yaml").read_text(), str(tmp_path / ".kubelint.yaml"))
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n  labels: {tier: cache}\ndata: {}\n"
    f = [x for x in lint(text, config=cfg) if x.rule == "required-labels"]
    assert len(f) == 2
    assert any('no label "team"' in x.message for x in f) and any("(web|db)" in x.message for x in f)


@pytest.mark.parametrize(
    "value,what",
    [
        ("glpat-" + "Ab3dEf6hIj9kLm2nOp5q", "GitLab"),
        ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "Stripe"),
        ("npm_" + "a" * 18 + "B" * 18, "npm"),
        ("hvs." + "CAESIJ" + "x" * 24, "Vault"),
        ("SG." + "a" * 22 + "." + "b" * 43, "SendGrid"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----", "private key"),
        ("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nx\n---- END SSH2 ENCRYPTED PRIVATE KEY ----", "private key"),
        ("hf_" + "a" * 34, "Hugging Face"),
        ("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=" + "A" * 86 + "==", "Azure"),
        ("https://hooks.slack.com/services/T0A1B2C3D/B0A1B2C3D/" + "Zx9" * 8, "Slack webhook"),
    ],
)
def test_value_formats(value, what):
    assert what.lower() in (value_credential(value) or "").lower()


@pytest.mark.parametrize("value", ["AKIAIOSFODNN7EXAMPLE", "sk_test_abc", "glpat-short", "hf_short", "npm_install"])
def test_value_formats_stay_quiet_on_lookalikes(value):
    assert value_credential(value) is None


def test_secret_in_args_flag_and_separate_value():
    text = POD.replace(
        "image: example/c:1.0", "image: example/c:1.0\n      args: [--token, Zx9Qw8Er7Ty6, --token-file, /t]"
    )
    f = lint(text, only=["secret-in-args"])
    assert rules(f) == ["secret-in-args"] and "--token" in f[0].message


def test_rbac_wildcards_reported_once_not_per_escalation():
    role = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: everything
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
"""
    esc = ["rbac-create-pods", "rbac-pod-exec", "rbac-read-secrets", "rbac-escalation-verbs"]
    assert rules(lint(role, only=esc + ["rbac-wildcard"])) == ["rbac-wildcard"]


def test_rbac_bootstrap_names_are_not_reported_but_bindings_to_them_are_checked():
    role = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: edit
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [list]
"""
    assert rules(lint(role, only=["rbac-read-secrets"])) == []
    assert rules(lint(role.replace("name: edit", "name: system:test"), only=["rbac-read-secrets"])) == []
    admin = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: system:test
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: NAME
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: system:test}
subjects: [{kind: User, name: someone, apiGroup: rbac.authorization.k8s.io}]
"""
    only = ["rbac-cluster-admin-equivalent"]
    assert rules(lint(admin.replace("NAME", "grant-test"), only=only)) == only
    assert rules(lint(admin.replace("NAME", "system:test"), only=only)) == []


def test_removed_config_api_follows_the_kubernetes_version():
    text = "apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n  - level: Metadata\n"
    assert rules(lint(text, only=["removed-config-api"], kubernetes_version="1.25"), "removed-config-api")
    # Before the removal (older than the bundled schemas, so the rule function directly).
    from types import SimpleNamespace

    removed_config_api = registered_checks()["removed-config-api"].fn

    obj = SimpleNamespace(api_version="audit.k8s.io/v1beta1", kind="Policy")
    assert not list(removed_config_api(obj, SimpleNamespace(settings=SimpleNamespace(kubernetes_version="1.23"))))
    assert list(removed_config_api(obj, SimpleNamespace(settings=SimpleNamespace(kubernetes_version="1.24"))))


def test_sensitive_host_path_read_only_sys_is_fine_but_etc_is_not():
    text = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
spec:
  selector:
    matchLabels: {app: ne}
  template:
    metadata:
      labels: {app: ne}
    spec:
      containers:
        - name: ne
          image: example/ne:1.0
          volumeMounts:
            - {name: sys, mountPath: /host/sys, readOnly: true}
            - {name: etc, mountPath: /host/etc, readOnly: true}
      volumes:
        - {name: sys, hostPath: {path: /sys}}
        - {name: etc, hostPath: {path: /etc/}}
"""
    f = lint(text, only=["sensitive-host-path"])
    assert len(f) == 1 and "/etc/" in f[0].message and "read-only" in f[0].message


def test_hpa_with_replicas_and_range_together():
    hpa = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
"""
    # target not in the set: the HPA itself is reported for minReplicas unset (1)
    f = lint(hpa, only=["hpa-replica-range"])
    assert rules(f) == ["hpa-replica-range"] and "unset means 1" in f[0].message


def test_probe_on_a_number_is_not_reported():
    text = POD.replace(
        "image: example/c:1.0",
        "image: example/c:1.0\n      ports: [{containerPort: 80}]\n      livenessProbe: {tcpSocket: {port: 10254}}",
    )
    assert rules(lint(text, only=["probe-port-not-declared"])) == []


def test_database_without_backup_sees_a_cronjob_of_its_namespace():
    sts = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: data
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: mysql
          image: mysql:8.4
"""
    cron = """---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: dump
  namespace: data
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: dump
              image: mysql:8.4
"""
    assert rules(lint(sts, only=["database-without-backup"])) == ["database-without-backup"]
    assert rules(lint(sts + cron, only=["database-without-backup"])) == []
    assert rules(lint(sts + cron.replace("namespace: data", "namespace: other"), only=["database-without-backup"]))


def test_examples_dir_exists():
    assert os.path.isdir(os.path.join(os.path.dirname(__file__), "data", "precision"))


def test_pod_not_isolated_scope_parameters():
    np = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny
  namespace: a
spec:
  podSelector: {}
---
"""
    pod_b = POD.replace("namespace: default", "namespace: b")
    only = ["pod-not-isolated"]
    assert rules(lint(np + pod_b, only=only)) == []
    for key, text, want in (("whole_set", np + pod_b, 1), ("whole_set", pod_b, 0), ("always", pod_b, 1)):
        cfg = Config(disable={"all"}, enable=set(only))
        cfg.params["pod-not-isolated"] = {key: True}
        assert len(rules(lint(text, config=cfg))) == want, key
