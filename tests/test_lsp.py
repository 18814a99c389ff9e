"""`kubelint lsp` end to end: a real LSP client (pytest-lsp) drives the
server over stdio, as an editor does."""

from __future__ import annotations

import ast
import asyncio
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "lsp"

pytestmark = pytest.mark.asyncio(loop_scope="function")

CAPABILITIES = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]),
        code_action=types.CodeActionClientCapabilities(
            code_action_literal_support=types.ClientCodeActionLiteralOptions(
                code_action_kind=types.ClientCodeActionKindOptions(
                    value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.Empty]
                )
            )
        ),
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
            related_information=True, code_description_support=True, version_support=True, data_support=True
        ),
    ),
    workspace=types.WorkspaceClientCapabilities(
        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=False),
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=False),
        configuration=False,
    ),
    window=types.WindowClientCapabilities(work_done_progress=True),
)


@pytest.fixture
def workspace(tmp_path):
    for name in ("deployment.yaml", "service.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "kubelint", "lsp"], server_env={"PYTHONPATH": str(ROOT)}
    )
)
async def client(lsp_client: LanguageClient, workspace):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=CAPABILITIES,
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
            initialization_options={"kubelint": {"debounceMs": 10}},
        )
    )
    lsp_client.workspace_root = workspace
    yield
    await lsp_client.shutdown_session()


async def open_doc(client: LanguageClient, path: Path, text: str = None, language: str = "yaml"):
    uri = path.as_uri()
    text = path.read_text() if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        )
    )
    await wait_diagnostics(client, uri)
    return uri


async def wait_diagnostics(client: LanguageClient, uri: str, timeout: float = 30):
    async def loop():
        while True:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if uri in client.diagnostics:
                return client.diagnostics[uri]

    client.diagnostics.pop(uri, None)
    return await asyncio.wait_for(loop(), timeout)


async def wait_until(client: LanguageClient, uri: str, predicate, timeout: float = 30):
    """The first publication for ``uri`` that satisfies ``predicate``: a publication computed before a
    configuration change (say when the workspace index finishes) may still arrive after it."""

    async def loop():
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and predicate(params.diagnostics):
                return params.diagnostics

    return await asyncio.wait_for(loop(), timeout)


async def change(client: LanguageClient, uri: str, text: str, version: int):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )

    async def loop():  # this version's: a publication of the previous text may still be on its way
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and params.version == version:
                return params.diagnostics

    return await asyncio.wait_for(loop(), 30)


def cli_findings(path: Path, cwd: Path):
    out = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", ".", "-f", "json", "--no-progress"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    report = json.loads(out.stdout)
    return sorted(
        # the diagnostic's message is the finding's message and its hint, as text output shows them
        (f["rule"], f["line"], f["column"], f"{f['message']} ({f['hint']})" if f["hint"] else f["message"])
        for f in report["findings"]
        if Path(cwd, f["file"]).resolve() == path.resolve()
    )


def as_findings(diags):
    return sorted((d.code, d.range.start.line + 1, d.range.start.character + 1, d.message) for d in diags)


async def settle(client: LanguageClient, uri: str):
    """Wait until the workspace index is in (diagnostics are republished)."""
    for _ in range(40):
        diags = await wait_diagnostics(client, uri)
        if not any(d.code == "service-selects-no-pods" for d in diags):
            return diags
    return diags


async def test_diagnostics_match_kubelint_check(client: LanguageClient):
    path = client.workspace_root / "deployment.yaml"
    uri = await open_doc(client, path)
    diags = client.diagnostics[uri]
    assert as_findings(diags) == cli_findings(path, client.workspace_root)
    unknown = next(d for d in diags if d.code == "unknown-field")
    assert unknown.severity == types.DiagnosticSeverity.Error
    assert unknown.source == "kubelint"
    # from the key's first character to its end: "resoures" on line 18
    assert (unknown.range.start.line, unknown.range.start.character) == (17, 10)
    assert (unknown.range.end.line, unknown.range.end.character) == (17, 18)
    assert unknown.code_description.href.endswith("docs/rules.md#unknown-field")
    assert unknown.related_information and "how to fix" in unknown.related_information[0].message
    sev = {d.code: d.severity for d in diags}
    assert sev["no-readiness-probe"] == types.DiagnosticSeverity.Warning
    assert sev["no-pod-disruption-budget"] == types.DiagnosticSeverity.Information


async def test_cross_object_rules_see_the_workspace(client: LanguageClient):
    path = client.workspace_root / "service.yaml"
    uri = client.workspace_root.joinpath("service.yaml").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=path.read_text())
        )
    )
    diags = await settle(client, uri)
    # deployment.yaml (not open) has the Pods the selector matches
    assert not any(d.code == "service-selects-no-pods" for d in diags)
    assert as_findings(diags) == cli_findings(path, client.workspace_root)
    # the workspace file changes on disk: its Pods no longer match
    dep = client.workspace_root / "deployment.yaml"
    dep.write_text(dep.read_text().replace("app: web", "app: other"))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=dep.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    for _ in range(20):
        diags = await wait_diagnostics(client, uri)
        if any(d.code == "service-selects-no-pods" for d in diags):
            break
    assert any(d.code == "service-selects-no-pods" for d in diags)


async def test_save_of_another_file_updates_cross_object_findings(client: LanguageClient):
    root = client.workspace_root
    svc_uri = root.joinpath("service.yaml").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=svc_uri, language_id="yaml", version=1, text=(root / "service.yaml").read_text()
            )
        )
    )
    diags = await settle(client, svc_uri)
    assert not any(d.code == "service-selects-no-pods" for d in diags)
    dep = root / "deployment.yaml"
    dep_uri = await open_doc(client, dep)
    edited = dep.read_text().replace("app: web", "app: api")
    await change(client, dep_uri, edited, 2)
    dep.write_text(edited)  # the editor saves
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=dep_uri))
    )
    for _ in range(20):
        diags = await wait_diagnostics(client, svc_uri)
        if any(d.code == "service-selects-no-pods" for d in diags):
            break
    assert any(d.code == "service-selects-no-pods" for d in diags)


async def test_change_updates_diagnostics(client: LanguageClient):
    path = client.workspace_root / "deployment.yaml"
    uri = await open_doc(client, path)
    fixed = path.read_text().replace("resoures:", "resources:")
    diags = await change(client, uri, fixed, 2)
    assert not any(d.code == "unknown-field" for d in diags)
    broken = fixed.replace("replicas: 2", "replicas: two")
    diags = await change(client, uri, broken, 3)
    assert any(d.code == "invalid-type" and d.range.start.line == 5 for d in diags)


async def test_suppression_comment_and_code_actions_apply(client: LanguageClient):
    path = client.workspace_root / "deployment.yaml"
    uri = await open_doc(client, path)
    text = path.read_text()
    diags = client.diagnostics[uri]
    probe = next(d for d in diags if d.code == "no-readiness-probe")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=probe.range,
            context=types.CodeActionContext(diagnostics=[probe]),
        )
    )
    titles = [a.title for a in actions]
    assert "Disable no-readiness-probe for this line" in titles
    assert "Disable no-readiness-probe for this object" in titles
    assert "Explain no-readiness-probe" in titles
    for scope in ("line", "object"):
        action = next(a for a in actions if a.title == f"Disable no-readiness-probe for this {scope}")
        new = apply_edit(text, action.edit.changes[uri])
        diags2 = await change(client, uri, new, 10 if scope == "line" else 11)
        assert not any(d.code == "no-readiness-probe" for d in diags2), scope
        # the other findings are untouched, as `kubelint check` sees the edited file
        path.write_text(new)
        assert as_findings(diags2) == cli_findings(path, client.workspace_root)
        path.write_text(text)
    explain = next(a for a in actions if a.title == "Explain no-readiness-probe")
    # lsprotocol's client side reads a CodeAction that has a command and no
    # edit back as a Command whose `command` is the nested object's repr
    cmd = explain.command if isinstance(explain, types.CodeAction) else explain
    if isinstance(cmd, types.Command) and cmd.command.startswith("{"):
        inner = ast.literal_eval(cmd.command)
        cmd = types.Command(title=inner["title"], command=inner["command"], arguments=inner.get("arguments"))
    out = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=cmd.command, arguments=cmd.arguments)
    )
    assert out.startswith("no-readiness-probe (warning")


async def test_quick_fix_applied(client: LanguageClient):
    pytest.importorskip("kubelint.fix", reason="kubelint.fix lands with the fix branch")
    path = client.workspace_root / "deployment.yaml"
    uri = await open_doc(client, path)
    diag = next(d for d in client.diagnostics[uri] if d.code == "unknown-field")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    fix = next(a for a in actions if a.is_preferred)
    assert "resources" in fix.title
    new = apply_edit(path.read_text(), fix.edit.changes[uri])
    assert "resources:" in new and "resoures" not in new
    diags = await change(client, uri, new, 2)
    assert not any(d.code == "unknown-field" for d in diags)
    # a removed API version: the migration kubelint fix makes
    old = new.replace("apps/v1", "extensions/v1beta1")
    diags = await change(client, uri, old, 3)
    diag = next(d for d in diags if d.code == "removed-api")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    fix = next(a for a in actions if a.is_preferred)
    assert "apps/v1" in fix.title
    migrated = apply_edit(old, fix.edit.changes[uri])
    diags = await change(client, uri, migrated, 4)
    assert not any(d.code == "removed-api" for d in diags)
    path.write_text(migrated)
    assert as_findings(diags) == cli_findings(path, client.workspace_root)


def apply_edit(text: str, edits) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    out = text
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        a = offsets[e.range.start.line] + e.range.start.character
        b = offsets[e.range.end.line] + e.range.end.character
        out = out[:a] + e.new_text + out[b:]
    return out


async def test_hover_field_and_finding(client: LanguageClient):
    path = client.workspace_root / "deployment.yaml"
    uri = await open_doc(client, path)
    # "replicas" (line 6)
    h = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=5, character=4)
        )
    )
    assert "**spec.replicas**" in h.contents.value and "integer (int32)" in h.contents.value
    assert "Number of desired pods" in h.contents.value
    # on a finding: the rule explained
    h = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=17, character=12)
        )
    )
    assert "**unknown-field**" in h.contents.value


async def test_hover_custom_resource_from_workspace_crd(client: LanguageClient):
    root = client.workspace_root
    shutil.copy(DATA / "crd.yaml", root / "crd.yaml")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(root / "crd.yaml").as_uri(), type=types.FileChangeType.Created)]
        )
    )
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n"
    uri = await open_doc(client, root / "widget.yaml", text)
    for _ in range(20):
        h = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=5, character=3)
            )
        )
        if h is not None:
            break
        await asyncio.sleep(0.2)
        await change(client, uri, text + "\n" * (_ + 1), 2 + _)
    assert h is not None and "How many widgets" in h.contents.value and "integer" in h.contents.value


async def test_configuration_changes(client: LanguageClient):
    path = client.workspace_root / "deployment.yaml"
    uri = await open_doc(client, path)
    assert any(d.code == "no-readiness-probe" for d in client.diagnostics[uri])
    # .kubelint.yaml disables a rule: as on the command line
    cfg = client.workspace_root / ".kubelint.yaml"
    cfg.write_text("disable: [no-readiness-probe]\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=cfg.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    diags = await wait_until(client, uri, lambda ds: not any(d.code == "no-readiness-probe" for d in ds))
    assert as_findings(diags) == cli_findings(path, client.workspace_root)
    # the client's settings: the Kubernetes version in force
    old = path.read_text().replace("apps/v1", "extensions/v1beta1")
    diags = await change(client, uri, old, 2)
    assert any(d.code == "removed-api" for d in diags)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"kubelint": {"kubernetesVersion": "1.15", "debounceMs": 10}})
    )
    diags = await wait_diagnostics(client, uri)
    # 1.15 is not bundled: the server says so and keeps the configuration file's settings
    assert any(d.code == "removed-api" for d in diags)
    diags = await change(client, uri, path.read_text(), 3)
    assert not any(d.code == "no-liveness-probe" for d in diags)  # opt-in
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"kubelint": {"profiles": ["all"], "debounceMs": 10}})
    )
    diags = await wait_until(client, uri, lambda ds: any(d.code == "no-liveness-probe" for d in ds))
    assert any(d.code == "no-liveness-probe" for d in diags)


HPA = (
    "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n"
    "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 4\n"
)


async def test_kubernetes_version_setting(client: LanguageClient):
    uri = await open_doc(client, client.workspace_root / "hpa.yaml", HPA)
    assert [d.code for d in client.diagnostics[uri]] == ["removed-api"]  # newest bundled release
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"kubelint": {"kubernetesVersion": "1.25", "debounceMs": 10}})
    )
    diags = await wait_diagnostics(client, uri)
    assert [d.code for d in diags] == ["deprecated-api"]
    assert "removed in 1.26" in diags[0].message
    # hover follows the version in force
    h = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=6, character=4)
        )
    )
    assert "Kubernetes 1.25 API" in h.contents.value and "minReplicas" in h.contents.value


HOSTILE = [
    "a: &a [" + "*a, " * 10 + "]\n" + "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n" * 1,
    "[" * 5000 + "]" * 5000,
    "x: 1\n\x00\x1b[31m\n",
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "\ud83d\ude00"}\ndata:\n  k: "\U0001f600 \u202e"\n',
    "<<<<<<< HEAD\na: 1\n=======\na: 2\n>>>>>>> x\n",
    "{{ .Values.x }}\n",
    "---\n" * 20000,
]


async def test_hostile_input_never_kills_the_server(client: LanguageClient):
    uri = (client.workspace_root / "hostile.yaml").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text="a: 1\n")
        )
    )
    await wait_diagnostics(client, uri)
    laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)
    )
    for version, text in enumerate(HOSTILE + [laughs], 2):
        diags = await change(client, uri, text, version)
        for d in diags:
            assert d.range.start.line >= 0 and d.range.end.line >= d.range.start.line
            assert "\x1b" not in d.message and "\x00" not in d.message
    # still answering
    diags = await change(client, uri, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n", 100)
    assert list(diags) == []


# -- kustomize roots in the workspace index (real kustomize, never mocked) -------------------------------------------

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
TOOLS_PATH = os.pathsep.join(
    [
        os.environ.get("PATH", ""),
        os.environ.get("KUBELINT_TOOLS_DIR", ""),
        str(Path.home() / "go" / "bin"),
        str(CACHE / "kubelint-tools" / "bin"),
    ]
)
KUSTOMIZE_BASE = {
    "kustomization.yaml": "resources:\n- deployment.yaml\n",
    "deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
""",
}
OVERLAY = "resources:\n- ../base\nnamespace: shop\nnamePrefix: prod-\ncommonLabels:\n  tier: {tier}\n"
KSERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
    tier: {tier}
  ports:
  - port: 80
    targetPort: 8080
"""


@pytest.fixture
def kworkspace(tmp_path):
    for name, text in KUSTOMIZE_BASE.items():
        (tmp_path / "k" / "base").mkdir(parents=True, exist_ok=True)
        (tmp_path / "k" / "base" / name).write_text(text)
    (tmp_path / "k" / "overlay").mkdir()
    (tmp_path / "k" / "overlay" / "kustomization.yaml").write_text(OVERLAY.format(tier="frontend"))
    (tmp_path / "frontend.yaml").write_text(KSERVICE.format(tier="frontend"))
    (tmp_path / "backend.yaml").write_text(KSERVICE.format(tier="backend").replace("name: web", "name: api"))
    return tmp_path


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "kubelint", "lsp"],
        server_env={"PYTHONPATH": str(ROOT), "PATH": TOOLS_PATH},
    )
)
async def kclient(lsp_client: LanguageClient, kworkspace):
    assert shutil.which("kustomize", path=TOOLS_PATH), "kustomize not installed: run .ci/run (it installs it)"
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=CAPABILITIES,
            root_uri=kworkspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=kworkspace.as_uri(), name="ws")],
            initialization_options={"kubelint": {"debounceMs": 10}},
        )
    )
    lsp_client.workspace_root = kworkspace
    yield
    await lsp_client.shutdown_session()


STATUS = "kubelint.status"
VERSIONS = itertools.count(2)


async def indexed(client: LanguageClient, uri: str, timeout: float = 60):
    """Diagnostics of ``uri`` once the workspace index (and its kustomize builds) is in."""

    async def loop():
        while True:
            status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command=STATUS))
            if status["indexed"]:
                return
            await asyncio.sleep(0.1)

    await asyncio.wait_for(loop(), timeout)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=next(VERSIONS)),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=Path(uri[7:]).read_text())],
        )
    )
    return await wait_diagnostics(client, uri)


async def test_kustomize_builds_are_cross_object_context(kclient: LanguageClient):
    client, root = kclient, kclient.workspace_root
    front, back = root / "frontend.yaml", root / "backend.yaml"
    front_uri, back_uri = front.as_uri(), back.as_uri()
    for path in (front, back):
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=path.as_uri(), language_id="yaml", version=1, text=path.read_text()
                )
            )
        )
    # The Pods carry tier: frontend only as kustomize builds the overlay (commonLabels).
    diags = await indexed(client, front_uri)
    assert not any(d.code == "service-selects-no-pods" for d in diags), as_findings(diags)
    diags = await indexed(client, back_uri)
    assert any(d.code == "service-selects-no-pods" for d in diags), as_findings(diags)
    # The same verdicts as `kubelint check .` (which builds the root with the same kustomize).
    for path, diags in ((front, await indexed(client, front_uri)), (back, await indexed(client, back_uri))):
        cli = subprocess.run(
            [sys.executable, "-m", "kubelint", "check", ".", "-f", "json", "--no-progress"],
            cwd=root,
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(ROOT), "PATH": TOOLS_PATH},
        )
        rules = {f["rule"] for f in json.loads(cli.stdout)["findings"] if Path(root, f["file"]).resolve() == path}
        assert ("service-selects-no-pods" in rules) == any(d.code == "service-selects-no-pods" for d in diags)
    # The overlay changes on disk: the root is rebuilt, the verdicts swap.
    overlay = root / "k" / "overlay" / "kustomization.yaml"
    overlay.write_text(OVERLAY.format(tier="backend"))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=overlay.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    for _ in range(40):
        diags = await wait_diagnostics(client, back_uri)
        if not any(d.code == "service-selects-no-pods" for d in diags):
            break
    assert not any(d.code == "service-selects-no-pods" for d in diags), as_findings(diags)
    diags = client.diagnostics.get(front_uri) or await wait_diagnostics(client, front_uri)
    for _ in range(40):
        if any(d.code == "service-selects-no-pods" for d in diags):
            break
        diags = await wait_diagnostics(client, front_uri)
    assert any(d.code == "service-selects-no-pods" for d in diags), as_findings(diags)


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "kubelint", "lsp"],
        server_env={"PYTHONPATH": str(ROOT), "PATH": "/nonexistent"},
    )
)
async def nokclient(lsp_client: LanguageClient, kworkspace):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=CAPABILITIES,
            root_uri=kworkspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=kworkspace.as_uri(), name="ws")],
            initialization_options={"kubelint": {"debounceMs": 10}},
        )
    )
    lsp_client.workspace_root = kworkspace
    yield
    await lsp_client.shutdown_session()


async def test_missing_kustomize_is_shown_once_and_never_blocks(nokclient: LanguageClient):
    client, root = nokclient, nokclient.workspace_root
    uri = root.joinpath("backend.yaml").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="yaml", version=1, text=(root / "backend.yaml").read_text()
            )
        )
    )
    diags = await indexed(client, uri)
    assert not any(d.code == "service-selects-no-pods" for d in diags)  # no build: no workload known
    overlay = root / "k" / "overlay" / "kustomization.yaml"
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=overlay.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await indexed(client, uri)
    await asyncio.sleep(0.5)
    shown = [m.message for m in client.log_messages if "kustomize-not-found" in m.message]
    assert len(shown) == 1, [m.message for m in client.log_messages]
    assert shown[0].startswith(f"kubelint: {overlay}:1:1: error kustomize-not-found: ")
