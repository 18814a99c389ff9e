"""Schema layer: every kind of structural error, at the right line, with
the API server's verdict (strict field validation, Go JSON decoding)."""

import pytest

from kubelint.runner import run
from kubelint.settings import Settings
from kubelint import schema


def check(tmp_path, text, version=None, **kw):
    p = tmp_path / "m.yaml"
    p.write_text(text)
    return run([str(p)], Settings(kubernetes_version=version, **kw)).findings


def errors(findings):
    return [(f.rule, f.line, f.column) for f in findings if f.severity == "error"]


DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          {extra}
"""


def deploy(replicas="2", extra=""):
    return DEPLOY.format(replicas=replicas, extra=extra)


def test_valid_deployment_has_no_errors(tmp_path):
    assert errors(check(tmp_path, deploy())) == []


def test_unknown_field_with_did_you_mean(tmp_path):
    fs = check(tmp_path, deploy(extra="imagePullPolicyy: Always"))
    (f,) = [f for f in fs if f.rule == "unknown-field"]
    assert (f.line, f.column) == (16, 11)
    # the server's words in the message, the suggestion in the hint
    assert f.message == 'unknown field "spec.template.spec.containers[0].imagePullPolicyy"'
    assert 'did you mean "imagePullPolicy"' in f.hint


def test_unknown_field_case_mismatch_suggests_the_right_case(tmp_path):
    fs = check(tmp_path, deploy(extra="ImagePullPolicy: Always"))
    assert any('did you mean "imagePullPolicy"' in f.hint for f in fs)


@pytest.mark.parametrize(
    "value,ok",
    [
        ("3", True),
        ("3.0", True),
        ("1e1", True),
        ('"3"', False),
        ("3.5", False),
        ("true", False),
        ("2147483648", False),
        ("-1", True),
    ],
)
def test_integer_fields_decode_like_go(tmp_path, value, ok):
    # replicas is int32: kubectl sends 3.0 as 3 (Go json.Marshal of float64)
    errs = [e for e in errors(check(tmp_path, deploy(replicas=value))) if e[0] == "invalid-type"]
    assert (errs == []) == ok, errs
    if not ok:
        assert errs[0][1:] == (6, 13)


@pytest.mark.parametrize("value,ok", [('"yes"', True), ("yes", False), ("on", False), ("1.10", False), ("8080", False)])
def test_string_fields_reject_yaml11_booleans_and_numbers(tmp_path, value, ok):
    text = deploy(extra=f"env: [{{name: A, value: {value}}}]")
    errs = [e for e in errors(check(tmp_path, text)) if e[0] == "invalid-type"]
    assert (errs == []) == ok


@pytest.mark.parametrize(
    "value,ok", [("8080", True), ("http", True), ('"8080"', True), ("80.5", False), ("true", False)]
)
def test_int_or_string(tmp_path, value, ok):
    text = f"""apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {{app: web}}
  ports:
    - port: 80
      targetPort: {value}
"""
    errs = [e for e in errors(check(tmp_path, text)) if e[0] == "invalid-type"]
    assert (errs == []) == ok


@pytest.mark.parametrize(
    "value,ok",
    [
        ("500m", True),
        ("1.5", True),
        ("2", True),
        ("1Gi", True),
        ("1e3", True),
        ("512MB", False),
        ("1 Gi", False),
        ("1K", False),
        ("yes", False),
        ("", False),
    ],
)
def test_quantities_parse_like_resource_ParseQuantity(tmp_path, value, ok):
    v = f'"{value}"' if value in ("", "yes") or " " in value else value
    if value == "yes":
        v = "yes"
    fs = check(tmp_path, deploy(extra=f"resources: {{requests: {{cpu: {v}}}}}"))
    errs = [e for e in errors(fs) if e[0] in ("invalid-quantity", "invalid-type")]
    assert (errs == []) == ok, fs


def test_secret_data_must_be_base64_and_value_is_never_printed(tmp_path):
    text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: hunter2-not-base64!\n"
    fs = check(tmp_path, text)
    (f,) = [f for f in fs if f.rule == "invalid-type"]
    assert f.line == 6 and "base64" in f.message and "hunter2" not in f.message


def test_timestamp_fields_need_rfc3339(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  creationTimestamp: yesterday\n"
    assert [e[0] for e in errors(check(tmp_path, text))] == ["invalid-type"]
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  creationTimestamp: null\n"
    assert errors(check(tmp_path, text)) == []


def test_list_and_mapping_shapes(tmp_path):
    fs = check(tmp_path, deploy(extra="args: --verbose"))
    assert [e[0] for e in errors(fs)] == ["invalid-type"]


def test_missing_required_field_points_at_parent(tmp_path):
    text = (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n  - apiGroups: "
        "['']\n    resources: [pods]\n"
    )
    fs = [f for f in check(tmp_path, text) if f.rule == "missing-required-field"]
    assert fs and fs[0].line == 6 and fs[0].message == "rules[0].verbs: Required value"
    assert fs[0].path == "rules[0].verbs" and '"verbs"' in fs[0].hint


def test_null_is_accepted_for_optional_fields(tmp_path):
    assert errors(check(tmp_path, deploy(extra="command: null"))) == []


@pytest.mark.parametrize(
    "api,kind,removed,repl",
    [
        ("extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
        ("extensions/v1beta1", "Deployment", "1.16", "apps/v1"),
        ("apps/v1beta2", "StatefulSet", "1.16", "apps/v1"),
        ("batch/v1beta1", "CronJob", "1.25", "batch/v1"),
        ("policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "autoscaling/v2"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32", "flowcontrol.apiserver.k8s.io/v1"),
    ],
)
def test_removed_apis_name_release_and_replacement(tmp_path, api, kind, removed, repl):
    fs = check(tmp_path, f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: x\n")
    (f,) = [f for f in fs if f.rule == "removed-api"]
    assert f"removed in Kubernetes {removed}" in f.message and repl in f.message
    assert (f.line, f.column) == (1, 13)


def test_removed_api_is_served_by_an_older_version_with_a_warning(tmp_path):
    text = (
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: x\n"
        "spec:\n  scaleTargetRef: {kind: Deployment, name: x}\n  minReplicas: 1\n  maxReplicas: 2\n"
    )
    fs = check(tmp_path, text, version="1.25")
    assert [f.rule for f in fs if f.rule.endswith("-api")] == ["deprecated-api"]
    assert not [f for f in fs if f.rule == "removed-api"]


def test_api_added_later_than_the_chosen_version(tmp_path):
    text = "apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: x\n"
    fs = check(tmp_path, text, version="1.25")
    assert any(f.rule == "unknown-api" and "added in" in f.message for f in fs)


def test_misspelt_kind_did_you_mean(tmp_path):
    fs = check(tmp_path, "apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: x\n")
    (f,) = [f for f in fs if f.severity == "error"]
    assert f.rule == "unknown-kind" and 'did you mean "Deployment"' in f.message


def test_kind_under_the_wrong_group(tmp_path):
    fs = check(tmp_path, "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: x\n")
    (f,) = [f for f in fs if f.severity == "error"]
    assert f.rule == "unknown-api" and "apps/v1" in f.message


def test_misspelt_group_did_you_mean(tmp_path):
    fs = check(tmp_path, "apiVersion: app/v1\nkind: Deployment\nmetadata:\n  name: x\n")
    (f,) = [f for f in fs if f.severity == "error"]
    assert "apps/v1" in f.message


def test_custom_resource_without_schema_is_one_info_per_kind(tmp_path):
    text = "".join(f"---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w{i}\n" for i in range(3))
    fs = check(tmp_path, text)
    assert [(f.rule, f.severity) for f in fs] == [("no-schema", "info")]
    assert [f.rule for f in check(tmp_path, text, no_schema_severity="off")] == []
    assert [f.severity for f in check(tmp_path, text, no_schema_severity="error")] == ["error"]


def test_placeholder_is_info_not_error(tmp_path):
    fs = check(tmp_path, deploy(replicas="${REPLICAS}"))
    assert [(f.rule, f.severity) for f in fs if f.path == "spec.replicas"] == [("unrendered-placeholder", "info")]


def test_every_bundled_version_loads_and_serves_core_kinds():
    versions = schema.available_versions()
    assert versions[0] == "1.25" and versions[-1] == "1.37"
    for v in versions:
        s = schema.Schemas(v)
        assert s.root("apps/v1", "Deployment") and s.root("v1", "Pod")
        s.definition(s.root("v1", "Pod"))


def test_one_file_check_loads_only_the_shards_it_needs():
    s = schema.Schemas("1.37")
    s.definition(s.root("v1", "ConfigMap"))
    loaded = {k.rsplit(".", 1)[0] for k in s._defs}
    assert loaded == {"io.k8s.api.core.v1"}


def test_dropped_required_markers_are_reviewed():
    """Every required marker an older release's schema has and the newest one dropped (the
    field still there) is either known not to be enforced by the server (skipped) or known to be
    enforced by that release's Go validation (kept): a new release's schema gets reviewed."""
    from kubelint import schema

    def required(version):
        s = schema.Schemas(version)
        out = {}
        for rel in set(s._shards.values()):
            for name, d in schema._shard(rel).items():
                out[name] = (set(d.get("r", ())), set(d["p"]))
        return out

    newest = required(schema.newest_version())
    unreviewed = set()
    for version in schema.available_versions():
        for name, (req, _props) in required(version).items():
            if name not in newest:
                continue
            new_req, new_props = newest[name]
            for f in req - new_req:
                reviewed = schema.NOT_ENFORCED_REQUIRED.get(name, ()), schema.ENFORCED_REQUIRED_DROPPED.get(name, ())
                if f in new_props and not any(f in r for r in reviewed):
                    unreviewed.add((version, name, f))
    assert not unreviewed, sorted(unreviewed)


@pytest.mark.parametrize(
    "api, kind, version, served",
    [
        # a default v1.33.13 server: "no matches for kind" for storage.k8s.io/v1beta1 and
        # resource.k8s.io/v1beta1 (betaAPIGroupVersionsDisabledByDefault), also v1.37.2 for the latter
        ("storage.k8s.io/v1beta1", "VolumeAttributesClass", "1.33", False),
        ("resource.k8s.io/v1beta1", "DeviceClass", "1.33", False),
        ("resource.k8s.io/v1beta1", "DeviceClass", "1.37", False),
        ("admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicy", "1.33", False),
        # CSIStorageCapacity v1beta1 stayed on (legacyBetaEnabledByDefaultResources) until its removal in 1.27
        ("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.26", True),
    ],
)
def test_betas_off_by_default_per_kind(tmp_path, api, kind, version, served):
    """Beta APIs a default server does not serve are a warning (a cluster may enable them),
    decided per kind where the server enables single resources (oracle-confirmed on v1.33.13
    and v1.37.2 for the first four)."""
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: x\n"
    found = {f.rule for f in check(tmp_path, text, version)}
    assert ("api-not-enabled-by-default" in found) is not served, found
