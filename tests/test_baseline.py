"""Baselines: --write-baseline records, --baseline reports only new findings;
matching survives line shifts and counts duplicates."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from kubelint import baseline
from kubelint.findings import ERROR, Finding, ObjectRef

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 80, protocl: TCP}]
"""
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndatta: {}\n"


def kubelint(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--no-color", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=120,
    )


@pytest.fixture
def repo(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(DEPLOY + "---\n" + CM)
    return tmp_path


def _all_findings(r):
    return [l for l in r.stdout.splitlines() if "] " in l and l.startswith(("k8s/", "app.yaml", "/"))]


def _findings(r):
    """The errors (the concept rules' warnings about the sample are beside the point)."""
    return [l for l in _all_findings(r) if " error [" in l]


def test_write_then_check_reports_nothing(repo):
    r = kubelint("k8s", cwd=repo)
    assert r.returncode == 1 and len(_findings(r)) == 2, r.stdout
    w = kubelint("k8s", "--write-baseline", "kubelint-baseline.json", cwd=repo)
    total = len(_all_findings(r))
    assert w.returncode == 0 and f"recorded {total} findings" in w.stderr, w.stderr
    doc = json.loads((repo / "kubelint-baseline.json").read_text())
    assert doc["kubelint-baseline"] == 1
    assert sorted(
        (e["rule"], e["file"], e["object"], e["path"]) for e in doc["findings"] if e["rule"] == "unknown-field"
    ) == [
        ("unknown-field", "k8s/app.yaml", "/ConfigMap//cm", "datta"),
        ("unknown-field", "k8s/app.yaml", "apps/Deployment//web", "spec.template.spec.containers[0].ports[0].protocl"),
    ]
    assert all("line" not in e for e in doc["findings"])
    assert [p.name for p in repo.iterdir() if p.name.startswith(".kubelint-")] == []  # atomic: no temp left
    r = kubelint("k8s", "--baseline", "kubelint-baseline.json", cwd=repo)
    assert r.returncode == 0 and _all_findings(r) == [], r.stdout


def test_line_shifts_survive_and_new_findings_show(repo):
    kubelint("k8s", "--write-baseline", "base.json", cwd=repo)
    app = repo / "k8s" / "app.yaml"
    # Unrelated edits: comments and a new label push everything down.
    shifted = "# owned by team web\n# see runbook\n" + DEPLOY.replace(
        "  name: web\n", "  name: web\n  labels: {team: web}\n"
    )
    app.write_text(shifted + "---\n" + CM)
    r = kubelint("k8s", "--baseline", "base.json", cwd=repo)
    assert r.returncode == 0 and _findings(r) == [], r.stdout
    # A new problem in the same file is reported, the old ones stay quiet.
    app.write_text(
        shifted.replace("image: nginx:1.27", "image: nginx:1.27\n          imagePullPolicy2: Always") + "---\n" + CM
    )
    r = kubelint("k8s", "--baseline", "base.json", cwd=repo)
    assert r.returncode == 1
    assert len(_findings(r)) == 1 and "imagePullPolicy2" in _findings(r)[0], r.stdout


def test_baseline_is_relative_to_the_repository_root(repo):
    sub = repo / "k8s"
    kubelint("app.yaml", "--write-baseline", str(repo / "base.json"), cwd=sub)
    r = kubelint("k8s", "--baseline", "base.json", cwd=repo)
    assert r.returncode == 0 and _findings(r) == [], r.stdout


def test_duplicates_are_counted():
    ref = ObjectRef("v1", "ConfigMap", "default", "cm")
    f = Finding("yaml-duplicate-key", ERROR, "duplicate key 'a' (first at line 3)", "x.yaml", 4, 1, "data.a", ref)
    text, n = baseline.dumps([f, f._replace(line=9, message="duplicate key 'a' (first at line 8)")], "/")
    assert n == 2
    doc = json.loads(text)
    assert len(doc["findings"]) == 1 and doc["findings"][0]["count"] == 2
    known = baseline.Baseline(doc["findings"], "/")
    three = [f._replace(line=i) for i in (4, 9, 14)]
    assert known.filter(three) == [three[2]]
    assert known.filter(three[:2]) == []


def test_reworded_message_still_matches_but_other_paths_do_not():
    ref = ObjectRef("v1", "ConfigMap", "default", "cm")
    f = Finding("r", ERROR, "old wording", "x.yaml", 4, 1, "data.a", ref)
    text, _ = baseline.dumps([f], "/")
    known = baseline.Baseline(json.loads(text)["findings"], "/")
    assert known.filter([f._replace(message="new wording")]) == []
    other = f._replace(path="data.b")
    assert known.filter([other]) == [other]


def test_baselines_from_before_the_hint_field_still_match():
    """A baseline written when the hint was part of the message and map keys
    were dotted (``metadata.labels.app``) matches the same finding now: message
    and hint apart, the server's path (``metadata.labels`` or
    ``metadata.labels[app]``); an unrelated path still does not."""
    ref = ObjectRef("v1", "ConfigMap", "default", "cm")
    old = Finding(
        "invalid-label",
        ERROR,
        'metadata.labels: Invalid value: "-x": bad (fix it)',
        "x.yaml",
        4,
        1,
        "metadata.labels.app",
        ref,
    )
    text, _ = baseline.dumps([old], "/")
    entries = json.loads(text)["findings"]
    exact = old._replace(message='metadata.labels: Invalid value: "-x": bad', hint="fix it")
    for new in (exact._replace(path="metadata.labels[app]"), exact._replace(path="metadata.labels")):
        assert baseline.Baseline(entries, "/").filter([new]) == []
    # the exact pass: same identity (message + hint hashed as one text, map keys in one notation)
    from kubelint.report import location

    assert location.identity(exact._replace(path="metadata.labels[app]"), "/") == location.identity(old, "/")
    other = exact._replace(path="metadata.annotations")
    assert baseline.Baseline(entries, "/").filter([other]) == [other]
    # the hint is written beside the message for reviewers, outside the hash
    (entry,) = json.loads(baseline.dumps([exact], "/")[0])["findings"]
    assert entry["hint"] == "fix it" and entry["message"] == exact.message


@pytest.mark.parametrize(
    "content, words",
    [
        (None, "does not exist"),
        ("{not json", "not valid JSON"),
        ('{"findings": []}', "not a kubelint baseline"),
        ('{"kubelint-baseline": 99, "findings": []}', "format version"),
        ('{"kubelint-baseline": 1, "findings": [{"rule": 1}]}', "malformed"),
    ],
)
def test_bad_baseline_files_exit_2_cleanly(repo, content, words):
    if content is not None:
        (repo / "b.json").write_text(content)
    r = kubelint("k8s", "--baseline", "b.json", cwd=repo)
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr, r.stderr
