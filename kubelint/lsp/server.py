"""The pygls language server: ``kubelint lsp`` (stdio).

Threads and responsiveness:

* the asyncio loop (pygls) reads requests and never runs a check itself;
* every analysis (diagnostics, fix planning) runs in one worker thread, in
  order; a document's change is analysed ``DEBOUNCE`` seconds after its last
  keystroke, and a result for a version the editor has already replaced is
  dropped;
* the workspace index (every manifest of each workspace folder) is built in
  a background thread that yields to the analysis worker before each file:
  the editor gets diagnostics for open documents at once, and cross-object
  findings are republished when the index is complete.

Settings: ``.kubelint.yaml`` (or ``[tool.kubelint]``) found from the
workspace folder as ``kubelint check`` finds it from the working directory,
overridden by the client's ``kubelint`` settings (initializationOptions or
workspace/didChangeConfiguration): ``kubernetesVersion``, ``profiles``,
``namespace``, ``config`` (a configuration file), ``noSchema``, ``crd``,
``context``, ``schemaDir``, ``podSecurityConfig``, ``debounceMs``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from .. import __version__
from . import actions, convert, hover
from .analysis import DocumentResult, Workspace

log = logging.getLogger("kubelint.lsp")

DEBOUNCE = 0.03  # seconds after the last keystroke
LANGUAGES = ("yaml", "json", "helm")
EXPLAIN_COMMAND = "kubelint.explain"
STATUS_COMMAND = "kubelint.status"
CONFIG_FILES = (".kubelint.yaml", ".kubelint.yml", "pyproject.toml")


def uri_to_path(uri: str) -> Optional[str]:
    p = urlparse(uri)
    if p.scheme != "file":
        return None
    return unquote(p.path)


class KubelintServer(LanguageServer):
    def __init__(self):
        super().__init__("kubelint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.options: dict = {}
        self.roots: List[str] = []
        self.workspaces: Dict[Optional[str], Workspace] = {}
        self.results: Dict[str, DocumentResult] = {}  # uri -> last published analysis
        self.versions: Dict[str, int] = {}
        self.pending: Dict[str, asyncio.TimerHandle] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kubelint-analysis")
        self.busy = 0  # analyses queued or running: the indexer waits while > 0
        self.idle = threading.Event()
        self.idle.set()
        self.generation = 0  # bumped when the settings change: old indexers stop
        self.fix_plans: Dict[str, tuple] = {}  # uri -> (text, plans)
        self.errors: List[str] = []
        self.timings: List[tuple] = []  # (characters, seconds from debounce to publish, seconds checking)
        self.loop: Optional[asyncio.AbstractEventLoop] = None  # set on initialize

    # -- settings and workspaces ---------------------------------------------
    def debounce(self) -> float:
        ms = self.options.get("debounceMs")
        return ms / 1000.0 if isinstance(ms, (int, float)) and 0 <= ms <= 10_000 else DEBOUNCE

    def build_workspace(self, root: Optional[str]) -> Workspace:
        from .config import build_settings

        settings, problem = build_settings(root, self.options)
        if problem:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"kubelint: {problem}"))
        ws = Workspace(root, settings)
        # Kustomize roots are built off this thread: a failure is shown once, a rebuild reanalyses.
        ws.on_problem = lambda f: self.loop.call_soon_threadsafe(self._build_problem, f)
        ws.on_rebuilt = lambda: self.loop.call_soon_threadsafe(self.reanalyse_all)
        return ws

    def _build_problem(self, f) -> None:
        self.window_log_message(
            types.LogMessageParams(
                types.MessageType.Warning, f"kubelint: {f.file}:{f.line}:{f.column}: {f.severity} {f.rule}: {f.message}"
            )
        )

    def reset_workspaces(self) -> None:
        """(Re)build every workspace with the current settings and index them."""
        self.generation += 1
        old = self.workspaces
        self.workspaces = {}
        for root in self.roots or [None]:
            ws = self.build_workspace(root)
            prev = old.get(root)
            if (
                prev is not None
                and prev.indexed.is_set()
                and prev.settings.limits == ws.settings.limits
                and prev.settings.render == ws.settings.render
                and prev.extra_paths() == ws.extra_paths()
            ):
                ws.adopt(prev)  # same files: the index carries over
            self.workspaces[root] = ws
            if not ws.indexed.is_set() and (root is not None or ws.extra_paths()):
                self.start_indexing(ws)
            else:
                ws.indexed.set()
        self.fix_plans.clear()

    def start_indexing(self, ws: Workspace) -> None:
        generation = self.generation

        def run():
            stats = ws.index(should_pause=self.idle.wait, cancelled=lambda: self.generation != generation)
            if self.generation != generation:
                return
            message = (
                f"kubelint: indexed {ws.root}: {stats.files} files, {stats.objects} objects in {stats.seconds:.1f} s"
            )
            self.loop.call_soon_threadsafe(self._indexed, message)

        threading.Thread(target=run, name="kubelint-index", daemon=True).start()

    def _indexed(self, message: str) -> None:
        self.window_log_message(types.LogMessageParams(types.MessageType.Info, message))
        self.reanalyse_all()

    def workspace_for(self, path: Optional[str]) -> Workspace:
        best = None
        if path:
            for root in self.workspaces:
                if root and (path == root or path.startswith(root.rstrip(os.sep) + os.sep)):
                    if best is None or len(root) > len(best):
                        best = root
        ws = self.workspaces.get(best)
        if ws is None:
            ws = self.workspaces.get(None)
            if ws is None:
                ws = self.workspaces[None] = self.build_workspace(None)
                if ws.extra_paths():
                    self.start_indexing(ws)
                else:
                    ws.indexed.set()
        return ws

    # -- analysis ----------------------------------------------------------------
    def schedule(self, uri: str, delay: Optional[float] = None) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        self.pending[uri] = self.loop.call_later(
            self.debounce() if delay is None else delay, lambda: asyncio.ensure_future(self.analyse(uri))
        )

    async def run_in_worker(self, fn, *args):
        self.busy += 1
        self.idle.clear()
        try:
            return await self.loop.run_in_executor(self.worker, fn, *args)
        finally:
            self.busy -= 1
            if self.busy == 0:
                self.idle.set()

    async def analyse(self, uri: str) -> None:
        self.pending.pop(uri, None)
        try:
            doc = self.workspace.get_text_document(uri)
        except Exception:
            return
        if doc.language_id and doc.language_id not in LANGUAGES and not uri.endswith((".yaml", ".yml", ".json")):
            return
        version = doc.version
        text = doc.source
        path = uri_to_path(uri) or uri
        ws = self.workspace_for(path)
        encoding = self.encoding()
        started = time.perf_counter()
        try:
            result, diags = await self.run_in_worker(_analyse, ws, path, text, uri, encoding)
        except Exception as exc:  # never let the server die on one document
            log.exception("analysis failed")
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return
        if self.versions.get(uri) != version or uri not in self.versions:
            return  # stale: the document changed (or closed) meanwhile
        self.results[uri] = result
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diags)
        )
        self.timings.append((len(text), time.perf_counter() - started, result.seconds))
        del self.timings[:-200]

    def reanalyse_all(self) -> None:
        for uri in list(self.versions):
            self.schedule(uri, 0)

    def encoding(self) -> str:
        enc = self.workspace.position_encoding if self.workspace else None
        return str(getattr(enc, "value", enc) or "utf-16")


def _analyse(ws: Workspace, path: str, text: str, uri: str, encoding: str):
    result = ws.analyse(path, text)
    return result, convert.diagnostics(result.findings, text, uri, encoding)


server = None


def create_server() -> KubelintServer:
    ls = KubelintServer()
    _lifecycle_features(ls)
    _document_features(ls)
    _workspace_features(ls)
    _language_features(ls)
    _commands(ls)
    return ls


def _lifecycle_features(ls: KubelintServer) -> None:
    """initialize (workspace roots, options) and initialized (file watchers)."""

    @ls.feature(types.INITIALIZE)
    def initialize(ls: KubelintServer, params: types.InitializeParams):
        ls.loop = asyncio.get_running_loop()
        roots = []
        for folder in params.workspace_folders or ():
            p = uri_to_path(folder.uri)
            if p:
                roots.append(os.path.abspath(p))
        if not roots and params.root_uri:
            p = uri_to_path(params.root_uri)
            if p:
                roots.append(os.path.abspath(p))
        ls.roots = roots
        opts = params.initialization_options
        if isinstance(opts, dict):
            ls.options = dict(opts.get("kubelint", opts))

    @ls.feature(types.INITIALIZED)
    def initialized(ls: KubelintServer, params: types.InitializedParams):
        ls.reset_workspaces()
        caps = ls.client_capabilities.workspace if ls.client_capabilities else None
        watched = caps.did_change_watched_files if caps else None
        if watched is not None and watched.dynamic_registration:
            # manifests, CRDs and the configuration file changing on disk (git checkout, another editor)
            ls.client_register_capability(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="kubelint-watch",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[
                                    types.FileSystemWatcher(glob_pattern=g)
                                    for g in ("**/*.yaml", "**/*.yml", "**/*.json", "**/pyproject.toml")
                                ]
                            ),
                        )
                    ]
                )
            )


def _document_features(ls: KubelintServer) -> None:
    """Open, change, save and close: each schedules an analysis (or clears the diagnostics)."""

    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KubelintServer, params: types.DidOpenTextDocumentParams):
        ls.versions[params.text_document.uri] = params.text_document.version
        ls.schedule(params.text_document.uri, 0)

    @ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KubelintServer, params: types.DidChangeTextDocumentParams):
        ls.versions[params.text_document.uri] = params.text_document.version
        ls.schedule(params.text_document.uri)

    @ls.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: KubelintServer, params: types.DidSaveTextDocumentParams):
        uri = params.text_document.uri
        path = uri_to_path(uri)
        if path and os.path.basename(path) in CONFIG_FILES:
            ls.reset_workspaces()
            ls.reanalyse_all()
            return
        if path:  # the saved text is now what the other documents see
            ws = ls.workspace_for(path)
            if ws.root:
                ls.worker.submit(ws.update_file, path)
            for other in ls.versions:
                ls.schedule(other, 0)
        else:
            ls.schedule(uri, 0)

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KubelintServer, params: types.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        ls.versions.pop(uri, None)
        ls.results.pop(uri, None)
        ls.fix_plans.pop(uri, None)
        handle = ls.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _workspace_features(ls: KubelintServer) -> None:
    """Files changed on disk and configuration changes: the index updated, the open documents re-analysed."""

    @ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: KubelintServer, params: types.DidChangeWatchedFilesParams):
        reset = False
        for change in params.changes:
            path = uri_to_path(change.uri)
            if not path:
                continue
            if os.path.basename(path) in CONFIG_FILES:
                reset = True
                continue
            ws = ls.workspace_for(path)
            if not ws.root:
                continue
            if change.type == types.FileChangeType.Deleted:
                ls.worker.submit(ws.remove_file, path)
            else:
                ls.worker.submit(ws.update_file, path)
        if reset:
            ls.reset_workspaces()
        ls.reanalyse_all()

    @ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: KubelintServer, params: types.DidChangeConfigurationParams):
        settings = params.settings
        if isinstance(settings, dict):
            new = settings.get("kubelint", settings)
            if isinstance(new, dict) and new != ls.options:
                ls.options = dict(new)
                ls.reset_workspaces()
                ls.reanalyse_all()


def _language_features(ls: KubelintServer) -> None:
    """Quick fixes and hovers, computed in the worker from the last analysis."""

    @ls.feature(
        types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])
    )
    async def code_action(ls: KubelintServer, params: types.CodeActionParams):
        uri = params.text_document.uri
        result = ls.results.get(uri)
        if result is None:
            return None
        doc = ls.workspace.get_text_document(uri)
        if doc.source != result.text:
            return None  # the text moved on: actions come with the next analysis
        ws = ls.workspace_for(result.path)
        return await ls.run_in_worker(actions.code_actions, ls, ws, uri, result, params, ls.encoding())

    @ls.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: KubelintServer, params: types.HoverParams):
        uri = params.text_document.uri
        result = ls.results.get(uri)
        if result is None:
            return None
        ws = ls.workspace_for(result.path)
        return await ls.run_in_worker(_hover, ws, result, params.position, ls.encoding())


def _commands(ls: KubelintServer) -> None:
    """kubelint.explain and kubelint.status."""

    @ls.command(EXPLAIN_COMMAND)
    def explain_command(ls: KubelintServer, *args):
        rule = args[0] if args and isinstance(args[0], str) else None
        if rule is None and args and isinstance(args[0], list) and args[0]:
            rule = args[0][0]
        text = actions.explain_text(str(rule)) if rule else None
        if text is None:
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"kubelint: unknown rule {rule!r}"))
            return None
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, text))
        return text

    @ls.command(STATUS_COMMAND)
    def status_command(ls: KubelintServer, *args):
        """The workspace index and settings in force (editors may show it; bench/ polls it)."""
        folders = [ws for root, ws in ls.workspaces.items() if root is not None]
        return {
            "indexed": all(ws.indexed.is_set() for ws in folders),
            "files": sum(ws.stats.files for ws in folders),
            "objects": sum(ws.stats.objects for ws in folders),
            "seconds": max((ws.stats.seconds for ws in folders), default=0.0),
            "debounce_ms": 1000 * ls.debounce(),
            "kubernetes_version": next(iter(ls.workspaces.values())).ctx.kubernetes_version if ls.workspaces else None,
            "errors": ls.errors[-5:],
            # the last analyses: [characters, ms from the debounce to the publication, ms checking]
            "timings": [[n, round(1000 * a, 1), round(1000 * b, 1)] for n, a, b in ls.timings[-100:]],
        }


def _hover(ws: Workspace, result: DocumentResult, pos: types.Position, encoding: str) -> Optional[types.Hover]:
    lines = result.text.split("\n")
    line = pos.line + 1
    line_text = lines[pos.line] if pos.line < len(lines) else ""
    column = convert.kubelint_column(line_text, pos.character, encoding)
    parts = []
    # findings on this position: their rule, as `kubelint explain` gives it
    spans = None
    for f in result.findings:
        if f.line != line:
            continue
        if spans is None:
            spans = convert.Spans(result.text)
        end_line, end_col = spans.end_of(f.line, f.column)
        if f.column <= column < (end_col if end_line == line else 10**9) or (f.column == column):
            text = hover.explain(f.rule)
            if text and text not in parts:
                parts.append(text)
    hit = hover.field_at(result.objects, line, column)
    if hit is not None:
        obj, path = hit
        schemas = ws.schemas
        info = hover.describe_builtin(schemas, obj.api_version, obj.kind, path) if schemas is not None else None
        if info is None:
            info = hover.describe_custom(ws.crd_objects(result.objects), obj.api_version, obj.kind, path)
        if info is not None:
            parts.insert(0, hover.render_field(info))
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    import sys

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Nothing may write to the protocol channel but pygls.
    sys.stdout = sys.stderr
    create_server().start_io(stdin, stdout)
