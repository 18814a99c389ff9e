"""Configuration: .kubelint.yaml / [tool.kubelint] / --config, its effects,
and its errors (exit 2 with file:line and did-you-mean)."""

import io
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from kubelint import config as cfgmod
from kubelint.runner import run
from kubelint.settings import Settings

COMPLETE = """\
kubernetes-version: "1.33"
namespace: shop
fail-on: error
missing-refs: false
exclude: [charts/, "*.tmpl.yaml"]
disable: [writable-root-filesystem]
rules:
  nodeport-service: off
  image-latest-tag: error
  single-replica:
    severity: info
    exclude: [dev/]
    params: {min_replicas: 3}
"""

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      serviceAccountName: api
      containers:
        - name: api
          image: example/api:latest
"""


def kubelint(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "kubelint", *args], capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=120
    )


def lint(text, config):
    return run(
        ["-"],
        Settings(config=config, jobs=1, default_namespace=config.namespace or "default"),
        stdin=io.BytesIO(text.encode()),
    ).findings


def test_complete_example_parses():
    c = cfgmod.parse(COMPLETE, "/repo/.kubelint.yaml")
    assert c.kubernetes_version == "1.33" and c.namespace == "shop" and c.fail_on == "error"
    assert not c.missing_refs and c.exclude == ["charts/", "*.tmpl.yaml"]
    off = c.disabled()
    assert {"writable-root-filesystem", "nodeport-service", "missing-secret-ref", "missing-serviceaccount-ref"} <= off
    assert c.severity == {"image-latest-tag": "error", "single-replica": "info"}
    assert c.params == {"single-replica": {"min_replicas": 3}}


def test_effects_on_findings():
    c = cfgmod.parse(COMPLETE, "/repo/.kubelint.yaml")
    f = {x.rule: x for x in lint(DEPLOY, c)}
    assert f["image-latest-tag"].severity == "error"
    assert f["single-replica"].severity == "info" and "3" in f["single-replica"].message  # min_replicas 3 > 2
    assert "missing-serviceaccount-ref" not in f and "writable-root-filesystem" not in f
    default = {x.rule: x for x in lint(DEPLOY, cfgmod.Config())}
    assert default["image-latest-tag"].severity == "warning" and "single-replica" not in default
    assert "missing-serviceaccount-ref" in default


def test_disable_all_then_enable():
    c = cfgmod.parse("disable: [all]\nenable: [image-latest-tag]\n")
    rules = {x.rule for x in lint(DEPLOY, c)}
    assert rules == {"image-latest-tag"}


def test_validation_ids_can_be_disabled_and_reseveritied():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: 1\n  k: 2\n"
    assert {x.rule for x in lint(text, cfgmod.Config())} >= {"yaml-duplicate-key"}
    c = cfgmod.parse("rules:\n  yaml-duplicate-key: off\n")
    assert "yaml-duplicate-key" not in {x.rule for x in lint(text, c)}
    c = cfgmod.parse("rules:\n  yaml-duplicate-key: info\n")
    assert [x.severity for x in lint(text, c) if x.rule == "yaml-duplicate-key"] == ["info"]


def test_path_patterns(tmp_path):
    base = str(tmp_path)
    assert cfgmod._matches(["charts/"], os.path.join(base, "charts", "x", "a.yaml"), base)
    assert cfgmod._matches(["*.tmpl.yaml"], os.path.join(base, "k8s", "a.tmpl.yaml"), base)
    assert cfgmod._matches(["k8s/*/secret*.yaml"], os.path.join(base, "k8s", "prod", "secrets.yaml"), base)
    assert not cfgmod._matches(["charts/"], os.path.join(base, "k8s", "charts.yaml"), base)


@pytest.mark.parametrize(
    "text,line,needle",
    [
        ("namespace: shop\nfail_on: error\n", 2, 'did you mean "fail-on"'),
        ("rules:\n  image-latest-tags: off\n", 2, 'did you mean "image-latest-tag"'),
        ("disable:\n  - bare-pod\n  - barepod\n", 3, 'unknown rule "barepod"'),
        ("rules:\n  single-replica:\n    params:\n      min_replica: 3\n", 4, 'did you mean "min_replicas"'),
        ("rules:\n  single-replica:\n    params:\n      min_replicas: three\n", 4, "must be an integer"),
        ("rules:\n  single-replica:\n    severty: info\n", 3, 'did you mean "severity"'),
        ("rules:\n  single-replica: loud\n", 2, "severity must be one of"),
        ("kubernetes-version: 1.30\n", 1, 'quote it, e.g. "1.30"'),
        ("fail-on: warnings\n", 1, 'did you mean "warning"'),
        ("namespace: Shop\n", 1, "namespace must be"),
        ("missing-refs: maybe\n", 1, "true or false"),
        ("rules: [a]\n", 1, "rules must be a mapping"),
        ("a: b: c\n", 1, "not valid YAML"),
        ("limits:\n  max-documnets: 5\n", 2, 'did you mean "max-documents"'),
        ("limits:\n  max-depth: 0\n", 2, "max-depth must be a whole number from 1 to 100,000"),
        ("limits:\n  max-file-size: lots\n", 2, "must be a size such as 32MiB"),
    ],
)
def test_errors_name_file_and_line(text, line, needle):
    with pytest.raises(cfgmod.ConfigError) as e:
        cfgmod.parse(text, "conf/.kubelint.yaml")
    msg = str(e.value)
    assert msg.startswith(f"conf/.kubelint.yaml:{line}: "), msg
    assert needle in msg, msg


def test_found_walking_up(tmp_path):
    (tmp_path / ".kubelint.yaml").write_text("namespace: shop\n")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    c = cfgmod.load(None, str(sub))
    assert c is not None and c.namespace == "shop" and c.path == str(tmp_path / ".kubelint.yaml")


def test_pyproject_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.kubelint]\nnamespace = "shop"\nfail-on = "error"\n\n'
        '[tool.kubelint.rules]\nbare-pod = "off"\n\n[tool.kubelint.rules.single-replica]\nseverity = "info"\n'
        "params = { min_replicas = 3 }\n"
    )
    c = cfgmod.load(None, str(tmp_path))
    assert c.namespace == "shop" and c.fail_on == "error" and "bare-pod" in c.disabled()
    assert c.severity["single-replica"] == "info" and c.params["single-replica"] == {"min_replicas": 3}


def test_pyproject_error_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.kubelint]\nnamespace = "shop"\nfail_on = "error"\n'
    )
    with pytest.raises(cfgmod.ConfigError) as e:
        cfgmod.load(None, str(tmp_path))
    assert ":6: " in str(e.value) and 'did you mean "fail-on"' in str(e.value)


def test_pyproject_without_table_is_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert cfgmod.find(str(tmp_path)) is None or cfgmod.find(str(tmp_path))[0] != str(tmp_path / "pyproject.toml")


# -- command line --------------------------------------------------------------


def test_cli_bad_config_exits_2_with_location(tmp_path):
    (tmp_path / ".kubelint.yaml").write_text("namespace: shop\nrules:\n  bare-pods: off\n")
    (tmp_path / "a.yaml").write_text(DEPLOY)
    r = kubelint("check", "a.yaml", cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert ".kubelint.yaml:3:" in r.stderr and 'did you mean "bare-pod"' in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_explicit_config_and_effects(tmp_path):
    conf = tmp_path / "lint.yaml"
    conf.write_text("namespace: shop\nfail-on: error\nmissing-refs: false\nexclude: [skip/]\n")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "broken.yaml").write_text("a: [\n")
    (tmp_path / "a.yaml").write_text(DEPLOY)
    r = kubelint("check", "--config", str(conf), ".", "-f", "json", cwd=tmp_path)
    doc = json.loads(r.stdout)
    assert r.returncode == 0, r.stdout  # fail-on: error, only warnings
    assert doc["summary"]["files"] == 1  # skip/ excluded
    rules = {f["rule"] for f in doc["findings"]}
    assert "missing-serviceaccount-ref" not in rules and "image-latest-tag" in rules
    r = kubelint("check", "--config", str(conf), ".", "--fail-on", "warning", cwd=tmp_path)
    assert r.returncode == 1  # the flag wins over the file


def test_cli_namespace_from_config_makes_refs_resolve(tmp_path):
    (tmp_path / ".kubelint.yaml").write_text("namespace: shop\n")
    sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: shop\n"
    (tmp_path / "a.yaml").write_text(DEPLOY + "---\n" + sa)
    doc = json.loads(kubelint("check", ".", "-f", "json", cwd=tmp_path).stdout)
    assert "missing-serviceaccount-ref" not in {f["rule"] for f in doc["findings"]}
    doc = json.loads(kubelint("check", ".", "-f", "json", "-n", "other", cwd=tmp_path).stdout)
    assert "missing-serviceaccount-ref" in {f["rule"] for f in doc["findings"]}


def test_cli_missing_config_file(tmp_path):
    r = kubelint("check", "--config", str(tmp_path / "nope.yaml"), ".", cwd=tmp_path)
    assert r.returncode == 2 and "cannot read configuration" in r.stderr


def test_limits_from_the_configuration_and_the_flag_wins(tmp_path):
    """`limits:` sets the loader limits (docs/robustness.md); a --max-* flag overrides it."""
    (tmp_path / ".kubelint.yaml").write_text("limits:\n  max-documents: 2\n  max-file-size: 1MiB\n")
    docs = "".join(f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns{i}\n" for i in range(3))
    (tmp_path / "ns.yaml").write_text(docs)
    c = cfgmod.load(None, str(tmp_path))
    assert c.limits == {"max_documents": 2, "max_file_bytes": 1024 * 1024}
    r = kubelint("check", "--no-color", "ns.yaml", cwd=tmp_path)
    assert "too-many-documents" in r.stdout, r.stdout
    r = kubelint("check", "--no-color", "--max-documents", "5", "ns.yaml", cwd=tmp_path)
    assert "too-many-documents" not in r.stdout, r.stdout
