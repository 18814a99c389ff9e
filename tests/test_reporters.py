"""CI reporters: SARIF (validated against the OASIS SARIF 2.1.0 schema),
JUnit XML (validated against the Jenkins/Surefire JUnit XSD), GitHub
workflow commands (escaping as actions/toolkit's command.ts)."""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from conftest import ROOT
from kubelint.findings import ERROR, INFO, WARNING, Finding, ObjectRef
from kubelint.report import github, junit, location, sarif
from kubelint.runner import RunResult

DATA = ROOT / "tests" / "data"

BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndatta:\n  a: b\n"
WARN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w\ndata:\n  a: b\n  a: c\n"
GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: b\n"
BROKEN = "kind: ConfigMap\ndata: [\n"  # a manifest (kind) that does not parse


def kubelint(*args, cwd, env=None):
    full_env = dict(os.environ, PYTHONPATH=str(ROOT))
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kubelint", "check", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )


@pytest.fixture
def repo(tmp_path):
    """A git repository with manifests in a sub-directory."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    k8s = tmp_path / "deploy" / "k8s"
    k8s.mkdir(parents=True)
    for name, text in (("bad.yaml", BAD), ("warn.yaml", WARN), ("good.yaml", GOOD), ("broken.yaml", BROKEN)):
        (k8s / name).write_text(text)
    return tmp_path


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _errors(validator, doc):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


# ---------------------------------------------------------------------------
# SARIF


def test_sarif_validates_and_has_what_code_scanning_needs(repo, sarif_validator):
    # Run from a sub-directory: URIs are still relative to the repository root.
    r = kubelint("k8s", "--format", "sarif", cwd=repo / "deploy")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert _errors(sarif_validator, doc) == []
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kubelint" and driver["version"] and driver["informationUri"].startswith("https://")
    fired = {res["ruleId"] for res in run["results"]}
    assert {r["id"] for r in driver["rules"]} == fired  # exactly the rules that fired
    assert {"unknown-field", "yaml-duplicate-key", "yaml-syntax"} <= fired
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["helpUri"].endswith("docs/rules.md#" + rule["id"])
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    by_rule = {res["ruleId"]: res for res in run["results"]}
    res = by_rule["unknown-field"]
    assert res["level"] == "error" and "datta" in res["message"]["text"]
    assert driver["rules"][res["ruleIndex"]]["id"] == "unknown-field"
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "deploy/k8s/bad.yaml", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 5, "startColumn": 1}
    assert by_rule["yaml-duplicate-key"]["level"] == "warning"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file://" + os.path.realpath(repo) + "/"
    fps = [res["partialFingerprints"][sarif.FINGERPRINT_KEY] for res in run["results"]]
    assert len(set(fps)) == len(fps)


def test_sarif_fingerprints_survive_line_shifts(repo):
    k8s = repo / "deploy" / "k8s"
    before = json.loads(kubelint("k8s/bad.yaml", "--format", "sarif", cwd=repo / "deploy").stdout)
    (k8s / "bad.yaml").write_text("# a comment\n# another\n" + BAD)
    after = json.loads(kubelint("k8s/bad.yaml", "--format", "sarif", cwd=repo / "deploy").stdout)
    b, a = before["runs"][0]["results"][0], after["runs"][0]["results"][0]
    assert a["locations"][0]["physicalLocation"]["region"]["startLine"] == 7
    assert a["partialFingerprints"] == b["partialFingerprints"]


def test_sarif_clean_run_and_odd_paths_validate(sarif_validator, tmp_path):
    clean = RunResult([], 1, 1, False, "1.33")
    doc = sarif.document(clean)
    assert _errors(sarif_validator, doc) == [] and doc["runs"][0]["results"] == []
    ref = ObjectRef("apps/v1", "Deployment", "ns", "web")
    findings = [
        Finding("unknown-field", ERROR, "a\nb %", str(tmp_path / "dir with space" / "a#b.yaml"), 3, 2, "spec.x", ref),
        Finding("yaml-syntax", ERROR, "bad", "<stdin>", 1, 1),
        Finding("not-a-real-rule", INFO, "odd", "/elsewhere/x.yaml", 0, 0),
    ]
    doc = sarif.document(RunResult(findings, 3, 3, False, "1.33"))
    assert _errors(sarif_validator, doc) == []
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]]
    assert "dir%20with%20space/a%23b.yaml" in uris[0]
    assert uris[1] == "stdin" and uris[2] == "file:///elsewhere/x.yaml"


def test_identity_ignores_lines_but_not_objects():
    ref = ObjectRef("apps/v1", "Deployment", "ns", "web")
    a = Finding("r", ERROR, "first defined at line 3", "x.yaml", 10, 1, "spec", ref)
    b = a._replace(line=20, message="first defined at line 13")
    assert location.identity(a) == location.identity(b)
    assert location.identity(a) == location.identity(a._replace(object=ref._replace(api_version="apps/v1beta2")))
    assert location.identity(a) != location.identity(a._replace(object=ref._replace(name="api")))
    assert location.identity(a) != location.identity(a._replace(path="metadata"))


# ---------------------------------------------------------------------------
# JUnit


def test_junit_validates_against_the_xsd(repo):
    xmlschema = pytest.importorskip("xmlschema")
    r = kubelint("k8s", "--format", "junit", cwd=repo / "deploy")
    assert r.returncode == 1, r.stderr
    schema = xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))
    schema.validate(r.stdout.encode())
    root = ET.fromstring(r.stdout.encode())
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {f"deploy/k8s/{n}.yaml" for n in ("bad", "broken", "good", "warn")}
    bad = suites["deploy/k8s/bad.yaml"]
    assert bad.get("tests") == "1" and bad.get("failures") == "1"
    case = bad.find("testcase")
    assert case.get("name") == "ConfigMap bad" and case.get("classname") == "deploy/k8s/bad.yaml"
    failure = case.find("failure")
    assert (
        "unknown-field" in failure.get("message") and "deploy/k8s/bad.yaml:5:1: error [unknown-field]" in failure.text
    )
    good = suites["deploy/k8s/good.yaml"]
    assert good.get("failures") == "0" and good.find("testcase").get("name") == "ConfigMap ok"
    assert good.find("testcase").find("failure") is None
    # Loader findings (duplicate keys, syntax) belong to no object: the file's own testcase.
    warn = [(c.get("name"), c.find("failure")) for c in suites["deploy/k8s/warn.yaml"].findall("testcase")]
    assert [(n, f is not None and f.get("type")) for n, f in warn] == [
        ("ConfigMap w", False),
        (junit.FILE_CASE, "warning"),
    ]
    assert suites["deploy/k8s/broken.yaml"].find("testcase").get("name") == junit.FILE_CASE
    assert root.get("tests") == "5" and root.get("failures") == "3"


def test_junit_escapes_and_groups(tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    ref = ObjectRef("v1", "Pod", None, 'p<&>"')
    findings = [
        Finding("a", ERROR, 'x < y & "z" \x01 ]]>', "f.yaml", 1, 1, "", ref),
        Finding("b", WARNING, "second", "f.yaml", 2, 1, "", ref),
        Finding("c", INFO, "advice", "f.yaml", 3, 1, "", ObjectRef("v1", "Pod", None, "q")),
    ]
    result = RunResult(findings, 1, 2, False, "1.33", objects={"f.yaml": [ref, ObjectRef("v1", "Pod", None, "q")]})
    out = junit.render(result)
    xmlschema.XMLSchema(str(DATA / "junit-10.xsd")).validate(out.encode())
    suite = ET.fromstring(out.encode()).find("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ['Pod p<&>"', "Pod q"]
    assert cases[0].find("failure").text.count("\n") == 1  # both findings in one failure
    assert cases[1].find("failure") is None and "advice" in cases[1].find("system-out").text
    assert suite.get("failures") == "1"


# ---------------------------------------------------------------------------
# GitHub workflow commands


def test_github_escaping_matches_actions_toolkit():
    # actions/toolkit packages/core/src/command.ts: escapeData, escapeProperty
    assert github.escape_data("100%\r\nnext: a,b") == "100%25%0D%0Anext: a,b"
    assert github.escape_property("100%\r\nnext: a,b") == "100%25%0D%0Anext%3A a%2Cb"
    assert github.escape_data("%0A") == "%250A"  # % first: never double-escaped wrongly


def test_github_annotations(repo):
    r = kubelint("k8s", "--format", "github", cwd=repo / "deploy")
    lines = r.stdout.splitlines()
    err = [l for l in lines if l.startswith("::error ") and "title=unknown-field" in l]
    assert err == [next(l for l in lines if "bad.yaml" in l)]
    assert err[0].startswith("::error file=deploy/k8s/bad.yaml,line=5,col=1,title=unknown-field::unknown field")
    assert any(l.startswith("::warning file=deploy/k8s/warn.yaml,line=7,") for l in lines)
    ref = ObjectRef("v1", "ConfigMap", "ns", "a,b")
    f = Finding("x-y", INFO, "multi\nline: 50%", "dir:x/a,b.yaml", 3, 4, "", ref)
    out = github.render(RunResult([f], 1, 1, False, "1.33")).splitlines()[0]
    assert out == "::notice file=dir%3Ax/a%2Cb.yaml,line=3,col=4,title=x-y::multi%0Aline: 50%25 (ConfigMap ns/a,b)"


def test_output_file_keeps_text_on_terminal(repo):
    out = repo / "report.sarif"
    r = kubelint("k8s", "--format", "sarif", "--output", str(out), "--no-color", cwd=repo / "deploy")
    assert r.returncode == 1
    assert "error [unknown-field]" in r.stdout  # text on the terminal
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_every_format_shows_the_hint_after_the_message():
    """The server's words (``message``) and kubelint's explanation (``hint``)
    are kept apart; every format shows the hint after the message, and the
    structured ones also carry it alone."""
    from kubelint.lsp.convert import diagnostic, Spans
    from kubelint.report import get, RenderOptions

    ref = ObjectRef("v1", "ConfigMap", "default", "cm")
    f = Finding(
        "invalid-label", ERROR, 'metadata.labels: Invalid value: "-x": bad', "f.yaml", 4, 3, "metadata.labels", ref
    )
    f = f._replace(hint="start with a letter")
    result = RunResult([f], 1, 1, False, "1.37", texts={"f.yaml": "a\nb\nc\n  labels: {a: -x}\n"})
    both = 'metadata.labels: Invalid value: "-x": bad (start with a letter)'
    assert both in get("text").render(result, RenderOptions(color=False))
    assert both in github.render(result) and both in junit.render(result)
    doc = json.loads(get("json").render(result))
    assert doc["findings"][0]["message"] == f.message and doc["findings"][0]["hint"] == "start with a letter"
    res = json.loads(sarif.render(result))["runs"][0]["results"][0]
    assert res["message"]["text"] == both and res["properties"]["hint"] == "start with a letter"
    d = diagnostic(f, Spans(result.texts["f.yaml"]), "file:///f.yaml")
    assert d.message == both and d.data["hint"] == "start with a letter"
    # no hint: the message alone, and null in JSON
    plain = f._replace(hint="")
    assert json.loads(get("json").render(RunResult([plain], 1, 1, False, "1.37")))["findings"][0]["hint"] is None
