"""`kubelint fix` (issue 14): the fixtures, the guarantees, the command line.

Fixtures: tests/fixes/NAME.before.yaml -> NAME.after.yaml, one pair per fix
(and per API migration).  A first line ``# args: --unsafe-fixes`` turns on
the unsafe fixes.  Every "after" was accepted by kube-apiserver v1.37.2
(scripts/oracle_fix.py records tests/fixes/oracle-results.json).
"""

import hashlib
import json
import os
import pathlib
import re
import stat
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT
from kubelint.fix import Edit, apply_edits
from kubelint.fix.fixers import fix_status
from kubelint.fix.fixers import FIXERS
from kubelint.fix.files import fix_paths
from kubelint.fix.migrate import MIGRATIONS
from kubelint.fix.stage import FixStage
from kubelint.settings import Settings

FIXES = ROOT / "tests" / "fixes"
BEFORE = sorted(FIXES.glob("*.before.yaml"))


def kubelint(*args, stdin=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "kubelint", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def stage():
    return FixStage(Settings())


def _unsafe(text):
    return "--unsafe-fixes" in text.split("\n", 1)[0]


def _stage_for(text, default):
    """`# args: ... --profile NAME` in the first line (`all`: the opt-in rules too; `pss-baseline`: the
    baseline controls, which restricted replaces when both are on)."""
    m = re.search(r"--profile (\S+)", text.split("\n", 1)[0])
    return FixStage(Settings(profiles=(m.group(1),))) if m else default


def _name(p):
    return p.name.replace(".before.yaml", "")


_COMMENT = re.compile(r"(^|\s)#")


def assert_only_nodes_changed(before: str, fixes):
    """Each fix's edits replace node text only: nothing they delete holds a
    comment, a document separator, an anchor or an alias, and insertions
    into block mappings start at a line start."""
    text = before
    for fix in fixes:
        for e in fix.edits:
            old = text[e.start : e.end]
            assert not _COMMENT.search(old), (fix.title, old)
            assert "\n---" not in old and not old.startswith("---"), (fix.title, old)
            assert not re.search(r"(^|[\s\[{,])[&*][A-Za-z0-9]", old), (fix.title, old)
        text = fix.apply(text)


@pytest.mark.parametrize("before", BEFORE, ids=_name)
def test_fixture(stage, before):
    text = before.read_text()
    after = before.with_name(before.name.replace(".before.", ".after."))
    unsafe = _unsafe(text)
    stage = _stage_for(text, stage)
    r = stage.fix_text(str(before), text, unsafe)
    assert r.applied, f"{before.name}: no fix applied"
    assert r.text == after.read_text(), f"{before.name}: the fixed text differs from {after.name}"
    assert_only_nodes_changed(text, r.applied)
    # idempotent: a second run changes nothing
    again = stage.fix_text(str(before), r.text, unsafe)
    assert again.text == r.text and not again.applied
    # the fixed kinds of finding are gone
    fixed_rules = {f.rule for f in r.applied}
    left = stage.analyse(str(before), r.text)
    assert left is not None
    assert not [i.finding for i in left.items if i.finding.rule in fixed_rules and FIXERS[i.finding.rule].safe]
    if not unsafe:
        assert all(f.safe for f in r.applied)


def test_every_fixer_has_a_fixture():
    rules = set()
    for before in BEFORE:
        text = before.read_text()
        r = _stage_for(text, FixStage(Settings())).fix_text(str(before), text, _unsafe(text))
        rules |= {f.rule for f in r.applied}
    assert rules == set(FIXERS), set(FIXERS) - rules


def test_every_migration_has_a_fixture():
    covered = set()
    for before in BEFORE:
        for m in re.finditer(r"^apiVersion: (\S+).*\nkind: (\S+)", before.read_text(), re.M):
            covered.add((m.group(1), m.group(2)))
    # kinds whose migration only changes apiVersion may share a fixture with a sibling of the same group
    missing = {k for k in MIGRATIONS if k not in covered and MIGRATIONS[k][1].__name__ != "_same"}
    assert not missing, missing


def test_oracle_accepted_every_after():
    """scripts/oracle_fix.py on kube-apiserver v1.37.2: every fixed file is
    accepted; every migrated 'before' was rejected (the version is gone)."""
    results = json.loads((FIXES / "oracle-results.json").read_text())
    assert results["server"].startswith("v1.37")
    for before in BEFORE:
        case = results["cases"].get(_name(before))
        assert case, f"{before.name}: not confirmed on the API server (run scripts/oracle_fix.py)"
        after = before.with_name(before.name.replace(".before.", ".after."))
        assert case["after"] == "accept", (before.name, case["after_output"])
        assert case["after_sha256"] == hashlib.sha256(after.read_bytes()).hexdigest(), (
            f"{after.name} changed since the oracle saw it: run scripts/oracle_fix.py again"
        )
        if before.name.startswith("removed-api"):
            assert case["before"] == "reject"


# ---------------------------------------------------------------------------
# What is never fixed


@pytest.mark.parametrize(
    "text, why",
    [
        (
            "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n"
            "spec:\n  minAvailable: 1\n  selector: {}\n",
            "empty PDB selector: none in v1beta1, all pods in v1",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    tarPort: 8080\n",
            "no confident candidate",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n"
            "spec:\n  ports:\n  - port: 80\n    targetport: 8080\n    targetPort: 8080\n",
            "the candidate is already set",
        ),
        (
            "apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\n"
            "metadata:\n  name: as.example.com\n"
            "spec:\n  group: example.com\n  names: {kind: A, plural: as}\n  scope: Namespaced\n  version: v1\n",
            "CRD v1beta1 -> v1 is not mechanical",
        ),
        (
            "base: &b\n  protocol: tcp\n---\n"
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector: {a: b}\n"
            "  ports:\n  - port: 80\n    <<: {protocol: tcp}\n",
            "a value from a merge key",
        ),
    ],
)
def test_not_fixed(stage, text, why):
    r = stage.fix_text("x.yaml", text, unsafe=False)
    assert r.text == text, why


def test_alias_is_not_edited(stage):
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l\n    on: yes\ndata: {}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  labels: *l\ndata: {}\n"
    )
    r = stage.fix_text("x.yaml", text)
    # the anchored node is edited once, where it is written; the alias keeps pointing at it
    assert r.text == text.replace("on: yes", "on: 'yes'").replace("on: 'yes'", 'on: "yes"') or r.text == text


def test_json_file_stays_json(stage):
    text = json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "s"},
            "spec": {"type": "nodeport", "selector": {"a": "b"}, "ports": [{"port": 80, "protocol": "tcp"}]},
        },
        indent=2,
    )
    r = stage.fix_text("x.json", text)
    assert json.loads(r.text)["spec"]["type"] == "NodePort"
    assert json.loads(r.text)["spec"]["ports"][0]["protocol"] == "TCP"


def test_crlf_and_bom_kept(tmp_path):
    p = tmp_path / "svc.yaml"
    text = (
        "\ufeffapiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: s\r\n"
        "spec:\r\n  type: clusterip\r\n  selector: {a: b}\r\n  ports: [{port: 80}]\r\n"
    )
    p.write_bytes(text.encode("utf-8"))
    fix_paths([str(p)], Settings())
    assert p.read_bytes() == text.replace("clusterip", "ClusterIP").encode("utf-8")


def test_edits_api():
    assert apply_edits("abcdef", [Edit(4, 4, "X"), Edit(0, 1, "")]) == "bcdXef"
    with pytest.raises(ValueError):
        apply_edits("abcdef", [Edit(0, 3, ""), Edit(2, 4, "")])
    assert Edit(4, 6, "").range("ab\ncdef") == ((2, 2), (2, 4))


def test_catalogue_says_whether_a_rule_has_a_fix():
    from kubelint.engine import catalogue

    cat = catalogue()
    assert set(FIXERS) <= set(cat)
    for rule in cat:
        status = fix_status(rule)
        assert status is None or status[0] in ("safe", "unsafe")
    out = kubelint("explain", "removed-api").stdout
    assert "Automatic fix (safe" in out
    assert "Automatic fix (unsafe" in kubelint("explain", "privilege-escalation").stdout
    assert "Automatic fix: none" in kubelint("explain", "bare-pod").stdout
    rules = json.loads(kubelint("rules", "--all", "-f", "json").stdout)
    assert {r["id"]: r["fix"] for r in rules}["unknown-field"] == "safe"


# ---------------------------------------------------------------------------
# The corpus: nothing to fix but the two files the server rejects for `tcp`


def test_corpus_unchanged_by_fix():
    if not CORPUS.is_dir():
        pytest.skip("no corpus")
    outs = fix_paths([str(CORPUS)], Settings(), write_files=False)
    changed = {os.path.relpath(o.path, CORPUS): [f.title for f in o.applied] for o in outs if o.changed}
    assert changed == {
        "kubernetes__examples/_archived/volumes/aws_ebs/aws-ebs-web.yaml": ["set tcp to TCP"],
        "kubernetes__examples/_archived/volumes/cinder/cinder-web.yaml": ["set tcp to TCP"],
    }
    assert len(outs) > 2000 and not [o for o in outs if o.skipped]


# ---------------------------------------------------------------------------
# Command line

SVC = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web   # front\n"
    "spec:\n  type: clusterip\n  selector: {app: web}\n  ports:\n  - port: 80\n"
)
POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  automountServiceAccountToken: false\n  containers:\n"
    "  - name: c\n    image: busybox:1.36\n    securityContext:\n      allowPrivilegeEscalation: true\n"
)


def test_fix_in_place_and_report(tmp_path):
    p = tmp_path / "svc.yaml"
    p.write_text(SVC)
    os.chmod(p, 0o640)
    r = kubelint("fix", str(p), "--fail-on", "error")
    assert r.returncode == 0, r.stdout + r.stderr
    assert p.read_text() == SVC.replace("clusterip", "ClusterIP")
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o640
    assert "fixed 1 finding in 1 file" in r.stderr
    assert "unsupported-value" not in r.stdout  # the report is of what is left
    r = kubelint("fix", str(p), "--fail-on", "error")
    assert "fixed 0 findings" in r.stderr and p.read_text() == SVC.replace("clusterip", "ClusterIP")


def test_check_fix_is_fix(tmp_path):
    p = tmp_path / "svc.yaml"
    p.write_text(SVC)
    kubelint("check", "--fix", str(p))
    assert "ClusterIP" in p.read_text()


def test_diff_and_check_write_nothing(tmp_path):
    p = tmp_path / "svc.yaml"
    p.write_text(SVC)
    r = kubelint("fix", "--diff", str(p))
    assert r.returncode == 1 and p.read_text() == SVC
    assert "-  type: clusterip\n+  type: ClusterIP\n" in r.stdout
    r = kubelint("check", "--check", str(p))
    assert r.returncode == 1 and p.read_text() == SVC and "1 fix available" in r.stdout
    p.write_text(SVC.replace("clusterip", "ClusterIP"))
    assert kubelint("fix", "--check", str(p)).returncode == 0
    assert kubelint("fix", "--diff", str(p)).stdout == ""


def test_unsafe_fixes_are_opt_in(tmp_path):
    p = tmp_path / "pod.yaml"
    p.write_text(POD)
    kubelint("fix", str(p))
    assert p.read_text() == POD
    kubelint("fix", "--unsafe-fixes", str(p))
    assert "allowPrivilegeEscalation: false" in p.read_text()


def test_stdin_gives_fixed_text_on_stdout():
    r = kubelint("fix", "-", "--fail-on", "error", stdin=SVC)
    assert r.stdout == SVC.replace("clusterip", "ClusterIP")
    assert "fixed 1 finding" in r.stderr


def test_never_edited(tmp_path):
    target = tmp_path / "real.yaml"
    target.write_text(SVC)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    r = kubelint("fix", str(link))
    assert target.read_text() == SVC and link.is_symlink()
    assert "not a regular file" in r.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text(SVC + "  bad: [\n")
    kubelint("fix", str(broken))
    assert broken.read_text() == SVC + "  bad: [\n"
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    tpl = chart / "templates" / "svc.yaml"
    tpl.write_text(SVC)
    kubelint("fix", str(tpl))
    assert tpl.read_text() == SVC
    helm = tmp_path / "helm.yaml"
    helm.write_text(SVC.replace("name: web", "name: {{ .Release.Name }}"))
    kubelint("fix", str(helm))
    assert "clusterip" in helm.read_text()
    big = tmp_path / "big.yaml"
    big.write_text(SVC + "#" * 5000 + "\n")
    r = kubelint("fix", "--max-file-size", "1k", str(big))
    assert "clusterip" in big.read_text() and "larger than --max-file-size" in r.stderr


def test_outputs_mark_fixable(tmp_path):
    p = tmp_path / "svc.yaml"
    p.write_text(SVC)
    text = kubelint("check", str(p), "--no-color").stdout
    assert "error [unsupported-value] [*] Service web" in text and "[*] 1 fixable with `kubelint fix`" in text
    doc = json.loads(kubelint("check", str(p), "-f", "json").stdout)
    fix = [f for f in doc["findings"] if f["rule"] == "unsupported-value"][0]["fix"]
    assert fix == {
        "title": "set clusterip to ClusterIP",
        "applicability": "safe",
        "edits": [{"start": {"line": 6, "column": 9}, "end": {"line": 6, "column": 18}, "text": "ClusterIP"}],
    }
    sarif = json.loads(kubelint("check", str(p), "-f", "sarif").stdout)
    res = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "unsupported-value"][0]
    rep = res["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert rep == {
        "deletedRegion": {"startLine": 6, "startColumn": 9, "endLine": 6, "endColumn": 18},
        "insertedContent": {"text": "ClusterIP"},
    }


def test_no_secret_in_fixes_or_diffs(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\nstringData:\n  password: 48151623421\n"
    )
    r = kubelint("fix", "--diff", str(p))
    assert "48151623421" not in r.stdout + r.stderr
    r = kubelint("check", str(p), "-f", "sarif")
    assert "48151623421" not in r.stdout


def test_json_report_with_fixes_matches_the_published_schema(tmp_path):
    import jsonschema

    p = tmp_path / "svc.yaml"
    p.write_text(SVC)
    doc = json.loads(kubelint("check", str(p), "-f", "json").stdout)
    assert any(f["fix"] for f in doc["findings"])
    schema = json.loads((ROOT / "kubelint" / "data" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)


def test_target_is_the_kubernetes_version_in_force():
    """autoscaling/v2beta2 is served by 1.25 (deprecated, a warning): nothing
    to fix there; removed by 1.26: migrated to autoscaling/v2."""
    hpa = (
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: x\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: x}\n  maxReplicas: 2\n"
    )
    assert FixStage(Settings(kubernetes_version="1.25")).fix_text("h.yaml", hpa).text == hpa
    fixed = FixStage(Settings(kubernetes_version="1.26")).fix_text("h.yaml", hpa).text
    assert fixed == hpa.replace("autoscaling/v2beta2", "autoscaling/v2")
    r = kubelint("fix", "--diff", "-k", "1.25", "-", stdin=hpa)
    assert r.returncode == 0 and r.stdout == ""


def test_conformance_rejects_fixed_are_accepted():
    """The mechanical corrections among the oracle-labelled conformance
    cases: every case `kubelint fix` changes is accepted by kube-apiserver
    v1.37.2 once fixed (scripts/oracle_fix.py, tests/fixes/oracle-conformance.json)."""
    base = ROOT / "tests" / "conformance"
    recorded = json.loads((FIXES / "oracle-conformance.json").read_text())["cases"]
    outs = {
        str(pathlib.Path(o.path).relative_to(base)): o
        for o in fix_paths([str(base)], Settings(), write_files=False)
        if o.changed
    }
    assert set(outs) == set(recorded)
    assert len(outs) >= 20
    for rel, o in outs.items():
        case = recorded[rel]
        assert case["after"] == "accept", (rel, case["after_output"])
        assert case["after_sha256"] == hashlib.sha256(o.text.encode("utf-8")).hexdigest(), rel
        assert [f.title for f in o.applied] == case["fixes"]
