"""The command line: exit statuses, formats, stdin, versions."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT

GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: b\n"
BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndatta:\n  a: b\n"
WARN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w\ndata:\n  a: b\n  a: c\n"


def kubelint(*args, stdin=None, cwd=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "kubelint", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=120,
    )


@pytest.fixture
def files(tmp_path):
    for name, text in (("good.yaml", GOOD), ("bad.yaml", BAD), ("warn.yaml", WARN)):
        (tmp_path / name).write_text(text)
    return tmp_path


def test_version():
    r = kubelint("--version")
    assert r.returncode == 0 and r.stdout.startswith("kubelint ")


def test_exit_0_when_clean(files):
    r = kubelint("check", str(files / "good.yaml"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 errors, 0 warnings in 1 file (1 document)" in r.stdout


def test_exit_1_on_error_with_text_format(files):
    r = kubelint("check", str(files / "bad.yaml"), "--no-color")
    assert r.returncode == 1
    first = r.stdout.splitlines()[0]
    assert first.startswith(f"{files / 'bad.yaml'}:5:1: error [unknown-field] ")
    assert "    5 | datta:" in r.stdout and "      | ^" in r.stdout
    assert r.stdout.rstrip().endswith("1 error, 0 warnings in 1 file (1 document)")


def test_fail_on_levels(files):
    w = str(files / "warn.yaml")
    assert kubelint("check", w).returncode == 1  # default: warning
    assert kubelint("check", w, "--fail-on", "error").returncode == 0
    assert kubelint("check", str(files / "bad.yaml"), "--fail-on", "never").returncode == 0


def test_exit_2_usage_and_unreadable(files):
    assert kubelint("check").returncode == 2
    r = kubelint("check", str(files / "missing.yaml"))
    assert r.returncode == 2 and "Traceback" not in r.stderr + r.stdout
    r = kubelint("check", str(files), "--kubernetes-version", "1.12")
    assert r.returncode == 2 and "bundled" in r.stderr
    r = kubelint("check", str(files), "--format", "xml")
    assert r.returncode == 2 and "unknown --format" in r.stderr


def test_stdin(files):
    r = kubelint("check", "-", stdin=BAD)
    assert r.returncode == 1 and r.stdout.startswith("<stdin>:5:1: error [unknown-field]")
    assert "    5 | datta:" in r.stdout


def test_json_contract(files):
    r = kubelint("check", str(files), "-f", "json")
    doc = json.loads(r.stdout)
    assert set(doc) == {"version", "kubernetesVersion", "findings", "summary"}
    assert doc["kubernetesVersion"] == "1.37"
    assert doc["summary"] == {
        "files": 3,
        "documents": 3,
        "errors": 1,
        "warnings": 1,
        "infos": 0,
        "skipped": [],
        "rendered": [],
    }
    f = doc["findings"][0]
    assert set(f) == {
        "rule",
        "severity",
        "message",
        "hint",
        "file",
        "line",
        "column",
        "path",
        "object",
        "render",
        "fix",
    }
    assert f["object"] == {"apiVersion": "v1", "kind": "ConfigMap", "namespace": None, "name": "bad"}
    keys = [(x["file"], x["line"], x["column"]) for x in doc["findings"]]
    assert keys == sorted(keys)


def test_json_object_is_null_outside_objects():
    r = kubelint("check", "-", "-f", "json", stdin="a: [\n")
    doc = json.loads(r.stdout)
    assert doc["findings"][0]["object"] is None and doc["findings"][0]["rule"] == "yaml-syntax"


def test_kubernetes_version_flag(files):
    text = (
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: x\n"
        "spec:\n  scaleTargetRef: {kind: Deployment, name: x}\n  minReplicas: 2\n  maxReplicas: 3\n"
    )
    assert kubelint("check", "-", "-k", "1.25", "-f", "json", stdin=text).returncode == 1  # deprecated-api warning
    doc = json.loads(kubelint("check", "-", "-k", "v1.25.3", "-f", "json", stdin=text).stdout)
    assert doc["kubernetesVersion"] == "1.25"
    assert {f["rule"] for f in doc["findings"]} == {"deprecated-api"}
    doc = json.loads(kubelint("check", "-", "-f", "json", stdin=text).stdout)
    assert {f["rule"] for f in doc["findings"]} == {"removed-api"}


def test_quiet_and_no_color(files, monkeypatch):
    r = kubelint("check", str(files / "good.yaml"), "-q")
    assert r.returncode == 0 and r.stdout == ""
    r = kubelint("check", str(files / "bad.yaml"), "-q")
    assert len(r.stdout.splitlines()) == 2 and "\033[" not in r.stdout


def test_directory_discovery_skips_hidden_and_other_extensions(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.yaml").write_text(BAD)
    (tmp_path / "notes.txt").write_text(BAD)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yml").write_text(GOOD)
    (tmp_path / "sub" / "b.json").write_text(
        json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}})
    )
    (tmp_path / "loop").symlink_to(tmp_path)
    doc = json.loads(kubelint("check", str(tmp_path), "-f", "json").stdout)
    assert doc["summary"]["files"] == 2 and doc["summary"]["errors"] == 0


def test_named_file_is_read_whatever_its_extension(tmp_path):
    p = tmp_path / "manifest.txt"
    p.write_text(BAD)
    assert kubelint("check", str(p)).returncode == 1


def test_examples_clean_app_and_broken():
    r = kubelint("check", "examples/app")
    assert r.returncode == 0, r.stdout
    r = kubelint("check", "examples/broken", "-f", "json")
    doc = json.loads(r.stdout)
    rules = {f["rule"] for f in doc["findings"]}
    assert {"unknown-field", "invalid-type", "invalid-quantity", "removed-api", "bare-pod"} <= rules
