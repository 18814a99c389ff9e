"""The published JSON Schema of the configuration (kubelint/data/config.schema.json):
a valid schema, enforced on every configuration with errors at file:line,
and in agreement with kubelint's own checks (what one accepts the other
accepts; structural mistakes are rejected by both)."""

import json
import re
import subprocess
import sys

import jsonschema
import pytest
import yaml

from conftest import ROOT
from kubelint import config as cfgmod
from test_config import COMPLETE

SCHEMA = json.loads((ROOT / "kubelint" / "data" / "config.schema.json").read_text(encoding="utf-8"))


def schema_errors(data):
    return list(cfgmod.schema_validator().iter_errors(data))


def test_the_schema_is_a_valid_draft_2020_12_schema_shipped_in_the_package():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert cfgmod.SCHEMA_FILE == str(ROOT / "kubelint" / "data" / "config.schema.json")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"kubelint.data" = ["*.json"]' in pyproject  # in the wheel


def test_every_top_level_key_is_in_the_schema():
    """A new key of config.py (TOP_KEYS) needs its entry in config.schema.json, for editors."""
    assert sorted(SCHEMA["properties"]) == sorted(cfgmod.TOP_KEYS)
    assert sorted(SCHEMA["properties"]["limits"]["properties"]) == sorted(cfgmod.LIMIT_KEYS)
    rule = SCHEMA["properties"]["rules"]["additionalProperties"]["oneOf"][2]
    assert sorted(rule["properties"]) == sorted(cfgmod.RULE_KEYS)


def _doc_examples():
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    return [m.group(1) for m in re.finditer(r"```yaml\n(# \.kubelint\.yaml\n.*?)```", text, re.S)]


VALID = [
    COMPLETE,
    *_doc_examples(),
    "fail-on: off\n",  # YAML 1.1: false, i.e. never
    "kubernetes-version: v1.33.2\nexclude: charts/\ncrd: crds/\nschema-dir: [a, b]\n",
    "disable: all\nenable: [bare-pod]\n",
    "limits: {max-file-size: 64MiB, max-documents: 5, max-depth: 100000, max-aliases: 0, max-nodes: 9}\n",
    "rules:\n  bare-pod: on\n  single-replica: {enabled: false, exclude: dev/}\n  nodeport-service: {severity: off}\n",
    "",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_configurations_pass_both(text):
    cfgmod.parse(text, "/repo/.kubelint.yaml")
    assert schema_errors(yaml.safe_load(text) or {}) == []


# Structural mistakes: kubelint's own message (with did-you-mean) comes
# first, and the published schema rejects them too, so an editor flags them.
INVALID = [
    "namespace: shop\nfail_on: error\n",
    "rules:\n  single-replica:\n    severty: info\n",
    "rules:\n  single-replica: loud\n",
    "rules:\n  all: off\n",
    "kubernetes-version: 1.30\n",
    "fail-on: warnings\n",
    "namespace: Shop\n",
    "missing-refs: maybe\n",
    "rules: [a]\n",
    "exclude: {a: b}\n",
    "disable: [1]\n",
    "limits:\n  max-documnets: 5\n",
    "limits:\n  max-depth: 0\n",
    "limits:\n  max-depth: 100001\n",
    "limits:\n  max-aliases: -1\n",
    "limits:\n  max-file-size: lots\n",
    "rules:\n  single-replica:\n    params: [3]\n",
    "rules:\n  single-replica:\n    enabled: sometimes\n",
    "- a list\n",
]


@pytest.mark.parametrize("text", INVALID)
def test_structural_mistakes_fail_both(text):
    with pytest.raises(cfgmod.ConfigError):
        cfgmod.parse(text, "/repo/.kubelint.yaml")
    assert schema_errors(yaml.safe_load(text)), text


# What only kubelint can know: the catalogue's rule ids and parameters.
@pytest.mark.parametrize(
    "text",
    [
        "disable: [no-such-rule]\n",
        "rules:\n  single-replica:\n    params:\n      min_replica: 3\n",
        "rules:\n  single-replica:\n    params:\n      min_replicas: three\n",
    ],
)
def test_catalogue_mistakes_are_kubelints_own(text):
    with pytest.raises(cfgmod.ConfigError):
        cfgmod.parse(text, "/repo/.kubelint.yaml")
    assert schema_errors(yaml.safe_load(text)) == []


def test_a_key_the_schema_does_not_describe_yet_is_left_to_kubelints_checks(monkeypatch):
    cfgmod.schema_validator.cache_clear()
    monkeypatch.setattr(cfgmod, "TOP_KEYS", cfgmod.TOP_KEYS + ("future-key",))
    try:
        assert schema_errors({"future-key": {"any": "shape"}}) == []
    finally:
        cfgmod.schema_validator.cache_clear()


def test_a_schema_error_names_file_line_and_key():
    lines = {(): 1, ("limits",): 3, ("limits", "max-nodes"): 4}
    with pytest.raises(cfgmod.ConfigError) as e:
        cfgmod._check_schema({"limits": {"max-nodes": "many"}}, lines, "conf/.kubelint.yaml")
    msg = str(e.value)
    assert msg.startswith("conf/.kubelint.yaml:4: limits.max-nodes: 'many' is not of type 'integer'"), msg
    assert "config.schema.json" in msg


def test_toml_tables_are_checked_against_the_same_schema(tmp_path):
    text = '[tool.kubelint]\nnamespace = "shop"\n\n[tool.kubelint.rules.single-replica]\nseverity = "info"\n'
    c = cfgmod.parse(text, str(tmp_path / "pyproject.toml"), "toml")
    assert c.namespace == "shop" and c.severity == {"single-replica": "info"}


def test_the_editor_schema_line_is_a_comment(tmp_path):
    """docs/configuration.md's first line for editors (yaml-language-server)."""
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    line = re.search(r"^# yaml-language-server: \$schema=(\S+)$", text, re.M)
    assert line and line.group(1) == SCHEMA["$id"]
    (tmp_path / ".kubelint.yaml").write_text(line.group(0) + "\nnamespace: shop\n")
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    r = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "a.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
