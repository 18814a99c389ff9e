"""The language server's editor-independent parts: ranges, columns,
suppression edits, hover lookups, the workspace index."""

from __future__ import annotations

import shutil
from pathlib import Path

from kubelint import settings as settings_mod
from kubelint.lsp import actions, convert, hover
from kubelint.lsp.analysis import Workspace, in_helm_chart

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "lsp"


def _ws(root=None):
    return Workspace(str(root) if root else None, settings_mod.build(None, jobs=1, color=False, progress=False))


def test_ranges_end_at_the_end_of_the_node():
    text = "a: b\nkey: \"quoted: x\" # c\n  - item\nx: plain value # comment\nf: {a: 1, bb: 2}\nk: |\np: 'it''s'\n"
    s = convert.Spans(text)

    def token(line, col):
        end_line, end = s.end_of(line, col)
        assert end_line == line
        return s.line_text(line)[col - 1 : end - 1]

    assert token(1, 1) == "a"
    assert token(2, 6) == '"quoted: x"'
    assert token(3, 3) == "- item"
    assert token(4, 4) == "plain value"
    assert token(5, 5) == "a" and token(5, 8) == "1" and token(5, 11) == "bb"
    assert token(6, 4) == "|"
    assert token(7, 4) == "'it''s'"
    assert s.end_of(99, 1) == (99, 2)  # past the end: never raises


def test_columns_are_utf16_code_units():
    line = 'name: "\U0001f600x"'
    # the "x" is code point 9 (1-based) but UTF-16 unit 9 (0-based): the emoji takes two units
    assert convert.lsp_column(line, 9) == 9
    assert convert.lsp_column(line, 9, "utf-32") == 8
    assert convert.kubelint_column(line, 9) == 9
    assert convert.kubelint_column(line, 8, "utf-32") == 9


def test_diagnostics_same_findings_as_check():
    ws = _ws(DATA)
    ws.index(processes=False)
    text = (DATA / "deployment.yaml").read_text()
    result = ws.analyse(str(DATA / "deployment.yaml"), text)
    diags = convert.diagnostics(result.findings, text, "file:///x.yaml")
    assert [d.code for d in diags] == [f.rule for f in result.findings]
    d = next(d for d in diags if d.code == "unknown-field")
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (17, 10, 18)


def test_cross_object_rules_use_the_index(tmp_path):
    shutil.copy(DATA / "service.yaml", tmp_path / "service.yaml")
    (tmp_path / "deployment.yaml").write_text((DATA / "deployment.yaml").read_text().replace("app: web", "app: api"))
    ws = _ws(tmp_path)
    svc = (tmp_path / "service.yaml").read_text()
    alone = ws.analyse(str(tmp_path / "service.yaml"), svc)
    assert not any(f.rule == "service-selects-no-pods" for f in alone.findings)  # no workload to compare with
    ws.index(processes=False)
    assert ws.stats.files == 2
    indexed = ws.analyse(str(tmp_path / "service.yaml"), svc)
    assert any(f.rule == "service-selects-no-pods" for f in indexed.findings)  # the workspace's Deployment: app=api
    ws.update_file(str(DATA / "deployment.yaml"))  # a matching workload appears
    assert not any(
        f.rule == "service-selects-no-pods" for f in ws.analyse(str(tmp_path / "service.yaml"), svc).findings
    )


def test_index_in_a_process_equals_in_thread(tmp_path):
    for name in ("deployment.yaml", "service.yaml", "crd.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    for i in range(20):  # more than one batch
        shutil.copy(DATA / "service.yaml", tmp_path / f"svc{i}.yaml")
    a, b = _ws(tmp_path), _ws(tmp_path)
    a.index(processes=True)
    b.index(processes=False)
    assert a.stats.files == b.stats.files == 23
    assert a.stats.objects == b.stats.objects


def test_helm_templates_are_not_indexed(tmp_path):
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.x }}\n")
    shutil.copy(DATA / "service.yaml", tmp_path / "service.yaml")
    assert in_helm_chart(str(chart / "templates" / "svc.yaml"), str(tmp_path))
    ws = _ws(tmp_path)
    ws.index(processes=False)
    names = sorted(Path(p).name for p in ws._files)
    assert (
        "service.yaml" in names and "svc.yaml" not in names
    )  # (Chart.yaml: indexed by the loader's walk, skipped by discovery)


def _suppress(text, rule, line, scope, path="/w/a.yaml"):
    ws = _ws()
    result = ws.analyse(path, text)
    f = next(f for f in result.findings if f.rule == rule and f.line == line)
    edit = actions.suppression_edit(result, f, scope)
    if edit is None:
        return None
    start, end, new = edit
    after = text[:start] + new + text[end:]
    assert not any(g.rule == rule and g.line == line for g in ws.analyse(path, after).findings)
    return after


DEPLOY = (DATA / "deployment.yaml").read_text()


def test_disable_for_line_and_object():
    after = _suppress(DEPLOY, "no-readiness-probe", 16, "line")
    assert "        - name: web # kubelint: disable=no-readiness-probe\n" in after
    after = _suppress(DEPLOY, "no-readiness-probe", 16, "object")
    assert after.startswith("apiVersion: apps/v1\nkind: Deployment # kubelint: disable=no-readiness-probe\n")
    # an existing directive is extended
    twice = _suppress(after, "no-resource-limits", 16, "object")
    assert "kind: Deployment # kubelint: disable=no-readiness-probe,no-resource-limits\n" in twice


def test_no_suppression_comment_inside_a_multiline_string():
    text = (
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    app: "a very long\n      label value"\n'
    )
    ws = _ws()
    result = ws.analyse("/w/c.yaml", text)
    for f in result.findings:
        if f.line == 6:
            assert actions.suppression_edit(result, f, "line") is None


def test_hover_builtin_and_crd():
    ws = _ws()
    info = hover.describe_builtin(ws.schemas, "apps/v1", "Deployment", ("spec", "replicas"))
    assert info["type"] == "integer (int32)" and "Number of desired pods" in info["description"]
    info = hover.describe_builtin(
        ws.schemas, "apps/v1", "Deployment", ("spec", "template", "spec", "containers", 0, "image")
    )
    assert info["type"] == "string" and "Container image name" in info["description"]
    info = hover.describe_builtin(ws.schemas, "apps/v1", "Deployment", ("spec", "template", "spec", "containers"))
    assert info["type"].startswith("list of Container")
    assert hover.describe_builtin(ws.schemas, "apps/v1", "Deployment", ("spec", "nope")) is None
    crd = ws.analyse(str(DATA / "crd.yaml"), (DATA / "crd.yaml").read_text()).objects
    info = hover.describe_custom(crd, "example.com/v1", "Widget", ("spec", "size"))
    assert info["type"] == "integer" and info["description"] == "How many widgets to run."


def test_field_at_finds_key_and_value():
    ws = _ws()
    result = ws.analyse("/w/d.yaml", DEPLOY)
    assert hover.field_at(result.objects, 6, 5)[1] == ("spec", "replicas")
    assert hover.field_at(result.objects, 6, 14)[1] == ("spec", "replicas")
    assert hover.field_at(result.objects, 17, 20)[1] == ("spec", "template", "spec", "containers", 0, "image")


def test_explain_text_is_kubelint_explain():
    assert actions.explain_text("unknown-field").startswith("unknown-field (error")
    assert actions.explain_text("no-such-rule") is None
    assert "**unknown-field**" in hover.explain("unknown-field")


CORPUS = Path("/work/shared/corpus")


def test_same_findings_as_check_on_real_projects():
    """Every file of real projects, analysed as an editor's document with the
    project as workspace, gets exactly the findings of `kubelint check DIR`
    (cross-object rules included) at the same places.  Findings a run reports
    once (``no-schema``: on the first object of a kind in the whole run) are
    reported for each document, as `kubelint check FILE` does."""
    from kubelint.runner import run

    for project in (
        "GoogleCloudPlatform__microservices-demo",
        "kubernetes__dashboard",
        "prometheus-operator__kube-prometheus",
        "kubernetes__examples",
        "dockersamples__example-voting-app",
    ):
        root = CORPUS / project
        settings = settings_mod.build(None, jobs=1, color=False, progress=False)
        expected = {}
        for f in run([str(root)], settings).findings:
            expected.setdefault(str(Path(f.file).resolve()), []).append((f.rule, f.line, f.column, f.message))
        ws = Workspace(str(root), settings)
        ws.index(processes=False)
        assert ws.stats.files > 5
        compared = 0
        once = {"no-schema"}
        for path in ws._files:
            got = [(f.rule, f.line, f.column, f.message) for f in ws.analyse(path, Path(path).read_text()).findings]
            want = expected.get(str(Path(path).resolve()), [])
            assert sorted(g for g in got if g[0] not in once) == sorted(w for w in want if w[0] not in once), path
            assert {w for w in want if w[0] in once} <= set(got), path
            compared += 1
        assert compared == ws.stats.files


def test_admission_policies_of_the_workspace_apply_to_a_document(tmp_path):
    """A ValidatingAdmissionPolicy elsewhere in the workspace (or given as
    `policy:`) judges the document, as `kubelint check .` does."""
    from test_admission import POLICY, deployment

    from kubelint.runner import run

    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "replica-limit.yaml").write_text(POLICY)
    (tmp_path / "ns.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {env: prod}\n"
    )
    web = tmp_path / "web.yaml"
    web.write_text(deployment())
    settings = settings_mod.build(None, jobs=1, color=False, progress=False)
    expected = sorted(
        (f.rule, f.line, f.column, f.message)
        for f in run([str(tmp_path)], settings).findings
        if Path(f.file).resolve() == web.resolve()
    )
    assert any(e[0] == "admission-policy-denied" for e in expected)
    ws = Workspace(str(tmp_path), settings)
    ws.index(processes=False)
    got = sorted((f.rule, f.line, f.column, f.message) for f in ws.analyse(str(web), web.read_text()).findings)
    assert got == expected
    # fewer replicas: allowed, keystroke by keystroke
    assert not any(f.rule.startswith("admission") for f in ws.analyse(str(web), deployment(replicas=3)).findings)
    # the same policy given as `policy:` (outside the workspace folder), as with --policy
    (tmp_path / "policies" / "replica-limit.yaml").unlink()
    outside = tmp_path.parent / (tmp_path.name + "-policies")
    outside.mkdir()
    (outside / "p.yaml").write_text(POLICY)
    ws = Workspace(
        str(tmp_path), settings_mod.build(None, jobs=1, color=False, progress=False, policy_paths=[str(outside)])
    )
    ws.index(processes=False)
    assert any(f.rule == "admission-policy-denied" for f in ws.analyse(str(web), web.read_text()).findings)


def test_size_limit_applies_to_editor_text():
    ws = Workspace(None, settings_mod.build(None, jobs=1, color=False, progress=False, limits={"max_file_bytes": 1000}))
    result = ws.analyse("/w/big.yaml", "a: " + "x" * 2000 + "\n")
    assert [f.rule for f in result.findings] == ["file-too-large"]
