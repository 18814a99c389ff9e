"""The editor-independent core of ``kubelint lsp``: one document's findings,
with the workspace's other manifests as context.

Interface::

    ws = Workspace(root, settings)           # stages, schemas and rules built once
    ws.index(should_pause=None)              # the workspace's manifests (a background thread may call it)
    ws.update_file(path) / ws.remove_file(path)   # a file changed on disk
    result = ws.analyse(path, text)          # DocumentResult: findings exactly as `kubelint check` reports them

A document is checked like one input of ``kubelint check .`` run in the
workspace root: the loader, every per-object stage, the cross-object rules
over the document's objects *and* the workspace's other manifests (loaded as
``--context`` sources: never reported), inline suppressions, the
configuration file's policy (disabled rules, severities, ``exclude:``) and
secret masking.  CRDs anywhere in the workspace validate custom resources.
Helm chart templates are not part of the workspace index (they are not
manifests until rendered), as with ``kubelint check .``.  Kustomize roots
(found by :func:`kubelint.discover.plan`) are built as ``kubelint check .``
builds them (:mod:`kubelint.render`), in the indexing process; their objects
are context mapped to their source files (a document never sees its own
file's built objects twice), and a root is rebuilt in a background thread
when a file its build uses changes.  A missing tool or a failed build is
reported once (``on_problem``) with the CLI's finding, never raised.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from .. import mask
from ..findings import Finding
from ..discover import plan
from ..loader import discover, load_file, parse_text
from ..phases import check_objects, objects_of
from ..settings import Settings

CHART_FILE = "Chart.yaml"
# Loader findings that mean the text must not be parsed again by anything
# without kubelint's limits.
INDEX_BATCH = 8  # files parsed per round trip to the indexing process (small: the objects are unpickled here)
YAML_SUFFIXES = (".yaml", ".yml", ".json")
ADMISSION_GROUP = "admissionregistration.k8s.io"
HOSTILE = frozenset(
    {
        "excessive-aliasing",
        "nesting-too-deep",
        "too-many-nodes",
        "too-many-documents",
        "file-too-large",
        "invalid-encoding",
        "merge-conflict",
        "internal-error",
    }
)


@dataclass
class DocumentResult:
    path: str
    text: str
    findings: List[Finding]
    objects: list = field(default_factory=list)  # the document's KubeObjects (hover, code actions)
    excluded: bool = False  # the configuration's exclude: covers this file
    # No loader limit was hit (depth, nodes, aliases, size, encoding): the
    # text may be parsed again (e.g. for diagnostic ranges).
    parse_safe: bool = True
    seconds: float = 0.0


@dataclass
class IndexStats:
    files: int = 0
    objects: int = 0
    skipped_templates: int = 0
    kustomize_roots: int = 0  # kustomize roots built into the index
    seconds: float = 0.0


def in_helm_chart(path: str, root: Optional[str]) -> bool:
    """A file inside a Helm chart's ``templates/`` (a ``Chart.yaml`` above it):
    a template, not a manifest, until rendered."""
    d = os.path.dirname(os.path.abspath(path))
    stop = os.path.abspath(root) if root else None
    while True:
        if os.path.basename(d) == "templates" and os.path.isfile(os.path.join(os.path.dirname(d), CHART_FILE)):
            return True
        if d == stop:
            return False
        parent = os.path.dirname(d)
        if parent == d:
            return False
        d = parent


class Workspace:
    """One workspace folder (or none) with its settings and object index."""

    def __init__(self, root: Optional[str], settings: Settings):
        from ..runner import build_context

        self.root = os.path.abspath(root) if root else None
        self.settings = settings
        self.ctx = build_context(settings)
        self._secrets: Dict[str, list] = {}  # path -> secrets of the file on disk (kubelint.mask)
        self._ws_masker = None
        self.cross_stages = list(self.ctx.cross_stages)
        # path (absolute) -> objects of the file on disk (context only)
        self._files: Dict[str, list] = {}
        self._crd_files: set = set()
        self._crds_new: list = []  # CRDs of files indexed since the CRD stage was last prepared
        self._generation = 0  # bumped on every change of the index
        self._param_kinds: set = set()  # paramKind kinds of the workspace's admission policies
        self._prepared: dict = {}  # (prepare stage index, generation, path) -> stage prepared over the workspace
        self._lock = threading.RLock()
        self._crds_dirty = True
        self._ws_masker = None
        self.indexed = threading.Event()
        self.stats = IndexStats()
        # Kustomize roots (discover.Source) and what their builds put in the index
        self._roots: list = []
        self._built_sources: Dict[str, list] = {}  # stream key -> source file (absolute) of each built object
        self._root_dirs: Dict[str, list] = {}  # stream key -> real kustomization directories its build uses
        self._root_files: Dict[str, set] = {}  # stream key -> real paths of the files its build uses
        self._reported: set = set()  # build failures already shown (once each)
        self.on_problem: Optional[Callable[[Finding], None]] = None  # a build failure, as `kubelint check` says it
        self.on_rebuilt: Optional[Callable[[], None]] = None  # a root was rebuilt after a change
        self._dirty_roots: set = set()
        self._rebuilder: Optional[threading.Thread] = None

    # -- the workspace index -------------------------------------------------
    def workspace_paths(self) -> List[str]:
        """Manifests of the workspace: the plain manifests ``kubelint check .``
        finds (kubelint.discover when present: non-manifest YAML such as
        ``values.yaml`` or CI files skipped, files a kustomization uses left to
        its build: the kustomize roots found are kept in ``self._roots`` for
        :meth:`index`), never Helm chart templates, never the configuration's
        ``exclude:`` paths; hidden directories are not walked."""
        if not self.root:
            return self.extra_paths()
        config = self.settings.config

        def excluded(path: str) -> bool:
            return bool(config is not None and config.exclude and config.excluded(path))

        result = plan([self.root], self.settings.limits, excluded=excluded)
        found = result.files
        self._roots = list(result.kustomizations)
        out = []
        for path, error in found:
            if error is not None or path == "-":
                continue
            if in_helm_chart(path, self.root):
                self.stats.skipped_templates += 1
                continue
            if excluded(path):
                continue
            out.append(os.path.abspath(path))
        return out + self.extra_paths(set(out))

    def extra_paths(self, seen=frozenset()) -> List[str]:
        """``--context``, ``--crd`` and ``--policy`` sources (settings and
        configuration file), loaded as ``kubelint check`` loads them: context
        for every document, never reported."""
        extras = list(self.settings.context_paths) + list(self.settings.crd_paths) + list(self.settings.policy_paths)
        out = []
        for path, error in discover(extras) if extras else ():
            path = os.path.abspath(path)
            if error is None and path not in seen:
                seen = seen | {path}
                out.append(path)
        return out

    def index(
        self,
        should_pause: Optional[Callable[[], None]] = None,
        cancelled: Optional[Callable[[], bool]] = None,
        processes: bool = True,
    ) -> IndexStats:
        """Load every workspace manifest as context.

        With ``processes`` the files are parsed in a separate low-priority
        process (``spawn``: nothing of the server is inherited), in batches,
        and only the resulting objects cross over: parsing a large workspace
        never holds this process's interpreter lock while a keystroke is
        being analysed.  ``should_pause()`` is called before each batch (the
        server blocks there while a document is being analysed)."""
        import gc

        start = time.perf_counter()
        self.stats = IndexStats()
        # The index builds millions of small acyclic objects: the cyclic GC
        # would rescan the growing heap again and again (pauses of seconds in
        # the middle of a keystroke's analysis); paused as in runner.run.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        paths = self.workspace_paths()
        batches = [paths[i : i + INDEX_BATCH] for i in range(0, len(paths), INDEX_BATCH)]
        pool = None
        if processes and (len(paths) > INDEX_BATCH or self._roots):
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_index_worker_init
            )
        try:
            pending = None
            for batch in batches:
                if cancelled is not None and cancelled():
                    break
                if pool is not None:
                    future = pool.submit(load_batch, batch, self.settings.limits)  # parsed while the last is stored
                    if pending is not None:
                        self._store(pending.result(), should_pause)
                    pending = future
                else:
                    if should_pause is not None:
                        should_pause()
                    self._store(load_batch(batch, self.settings.limits), None)
            if pending is not None and not (cancelled is not None and cancelled()):
                self._store(pending.result(), should_pause)
            if self._roots and not (cancelled is not None and cancelled()):
                args = (
                    self._roots,
                    self.settings.render,
                    self.settings.default_namespace,
                    self.ctx.kubernetes_version,
                    self.settings.limits,
                )
                built = pool.submit(build_roots, *args).result() if pool is not None else build_roots(*args)
                self._store_built(built, should_pause)
        finally:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            # The index lives as long as the server: out of the GC's sight
            # (no collection first: one pass over it is the pause avoided).
            gc.freeze()
            if gc_was_enabled:
                gc.enable()
        self.stats.files = len(self._files)
        self.stats.objects = sum(len(v) for v in self._files.values())
        self.stats.kustomize_roots = len(self._built_sources)
        self.stats.seconds = time.perf_counter() - start
        self._ws_masker = None
        self.indexed.set()
        return self.stats

    def _store(self, loaded: list, should_pause) -> None:
        if should_pause is not None:
            should_pause()
        for path, objects, secrets in loaded:
            self._put(path, objects, secrets)

    def _put(self, path: str, objects: list, secrets: list) -> None:
        crds = [o for o in objects if o.kind == "CustomResourceDefinition"]
        for o in objects:  # kinds admission policies take parameters from
            if o.group == ADMISSION_GROUP:
                pk = (o.data.get("spec") or {}).get("paramKind") if isinstance(o.data.get("spec"), dict) else None
                if isinstance(pk, dict) and isinstance(pk.get("kind"), str):
                    self._param_kinds.add(pk["kind"])
        with self._lock:
            self._generation += 1
            self._files[path] = objects
            if secrets or self._secrets.get(path):
                self._ws_masker = None
            self._secrets[path] = secrets
            if path in self._crd_files:
                self._crds_dirty = True  # changed: the CRD schemas are rebuilt
            elif crds:
                self._crds_new.extend(crds)  # a new file: its CRDs are added
            if crds:
                self._crd_files.add(path)
            else:
                self._crd_files.discard(path)

    def _store_built(self, built: list, should_pause) -> None:
        """Objects of kustomize builds (:func:`build_roots`): context under
        the stream's name, each with the source file it came from; a
        failure is reported once (:attr:`on_problem`) and leaves no object."""
        if should_pause is not None:
            should_pause()
        for key, objects, secrets, sources, failures, dirs, files in built:
            with self._lock:
                self._built_sources[key] = sources
                self._root_dirs[key] = dirs
                self._root_files[key] = files
            self._put(key, objects, secrets)
            for f in failures:
                seen = (f.file, f.rule, f.message)
                if seen not in self._reported:
                    self._reported.add(seen)
                    if self.on_problem is not None:
                        self.on_problem(f)

    def roots_using(self, path: str) -> list:
        """Kustomize roots (discover.Source) whose build uses ``path``: a
        file it names, or any file under a kustomization directory it uses."""
        real = os.path.realpath(path)
        out = []
        with self._lock:
            for source in self._roots:
                key = _stream_key(source)
                dirs = self._root_dirs.get(key) or [os.path.realpath(source.root)]
                if real in self._root_files.get(key, ()) or any(
                    real == d or real.startswith(d.rstrip(os.sep) + os.sep) for d in dirs
                ):
                    out.append(source)
        return out

    def rebuild_roots_using(self, path: str) -> bool:
        """Rebuild, in a background thread, the roots whose build uses
        ``path`` (never blocking the caller); True when there are any."""
        roots = self.roots_using(path)
        if not roots:
            return False
        with self._lock:
            self._dirty_roots.update(_stream_key(r) for r in roots)
            if self._rebuilder is not None and self._rebuilder.is_alive():
                return True  # it picks the new ones up
            self._rebuilder = threading.Thread(target=self._rebuild, name="kubelint-kustomize", daemon=True)
            self._rebuilder.start()
        return True

    def _rebuild(self) -> None:
        while True:
            with self._lock:
                keys, self._dirty_roots = self._dirty_roots, set()
                sources = [s for s in self._roots if _stream_key(s) in keys]
            if not sources:
                return
            try:
                built = build_roots(
                    sources,
                    self.settings.render,
                    self.settings.default_namespace,
                    self.ctx.kubernetes_version,
                    self.settings.limits,
                )
                self._store_built(built, None)
            except Exception:  # never let a build take the server down
                import logging

                logging.getLogger("kubelint.lsp").exception("kustomize rebuild failed")
                continue
            self._ws_masker = None
            if self.on_rebuilt is not None:
                self.on_rebuilt()

    def update_file(self, path: str) -> None:
        """(Re)load one file of the workspace from disk; a file a kustomize
        root's build uses rebuilds that root instead (in the background)."""
        path = os.path.abspath(path)
        if self.rebuild_roots_using(path):
            return
        if in_helm_chart(path, self.root) or not path.lower().endswith(YAML_SUFFIXES):
            return
        for p, objects, secrets in load_batch([path], self.settings.limits):
            self._put(p, objects, secrets)

    def remove_file(self, path: str) -> None:
        path = os.path.abspath(path)
        self.rebuild_roots_using(path)
        with self._lock:
            self._generation += 1
            self._files.pop(path, None)
            if self._secrets.pop(path, None):
                self._ws_masker = None
            self._crds_new = [o for o in self._crds_new if o.file != path]
            if path in self._crd_files:
                self._crd_files.discard(path)
                self._crds_dirty = True

    def context_objects(self, path: str, doc_objects: list) -> list:
        """The objects the cross-object rules see with the document's: the
        workspace's, in discovery order with the document's objects in its
        file's place, limited to what can relate to the document (its
        namespaces, every namespace its objects name, cluster-scoped
        objects): the findings on the document are the same as over the
        whole workspace, at a fraction of the cost."""
        from ..kinds import is_cluster_scoped

        default = self.settings.default_namespace
        wanted = set()
        for o in doc_objects:
            wanted.add(None if is_cluster_scoped(o.group, o.kind) else (o.namespace or default))
            _named_namespaces(o.data, wanted, 0)
        out = []
        placed = False
        with self._lock:
            for p, objs in self._files.items():
                if p == path:
                    out.extend(doc_objects)
                    placed = True
                    continue
                sources = self._built_sources.get(p)
                for i, o in enumerate(objs):
                    if sources is not None and i < len(sources) and sources[i] == path:
                        continue  # built from the document's file: the document's text stands for it
                    ns = None if is_cluster_scoped(o.group, o.kind) else (o.namespace or default)
                    if ns is None or ns in wanted:
                        out.append(o)
        if not placed:
            out.extend(doc_objects)
        return out

    def _workspace_masker(self):
        """A masker with the secrets of the workspace's files, rebuilt only
        when they changed."""
        with self._lock:
            if self._ws_masker is None:
                m = mask.Masker()
                for p, secrets in self._secrets.items():
                    if secrets:
                        m.add(p, secrets)
                self._ws_masker = m
            return self._ws_masker

    def adopt(self, other: "Workspace") -> None:
        """Take over another workspace's index (same root and limits: the
        files loaded do not depend on the other settings)."""
        with other._lock:
            self._files = dict(other._files)
            self._secrets = dict(other._secrets)
            self._crd_files = set(other._crd_files)
            self._crds_new = []
            self._param_kinds = set(other._param_kinds)
            self._roots = list(other._roots)
            self._built_sources = dict(other._built_sources)
            self._root_dirs = dict(other._root_dirs)
            self._root_files = dict(other._root_files)
            self._reported = set(other._reported)
            self.stats = other.stats
        self._crds_dirty = True
        self.indexed.set()

    @property
    def schemas(self):
        """The bundled schemas of the Kubernetes version in force (kubelint.schema.Schemas)."""
        for stage in self.ctx.stages:
            if hasattr(stage, "schemas") and hasattr(stage.schemas, "root"):
                return stage.schemas
        return None

    def crd_objects(self, doc_objects: list = ()) -> list:
        """CustomResourceDefinitions of the document and of the workspace."""
        with self._lock:
            ws = [o for p in self._crd_files for o in self._files.get(p, ())]
        return [o for o in list(doc_objects) + ws if o.kind == "CustomResourceDefinition"]

    # -- one document ----------------------------------------------------------
    def _reset_run_state(self) -> None:
        """Stages that report a rule once per run (``no-schema`` once per
        kind, an unreadable catalogue once) keep what they reported; every
        analysis is a run of its own."""
        for stage in self.ctx.stages:
            for attr in ("_reported_no_schema", "_reported_unreadable"):
                seen = getattr(stage, attr, None)
                if isinstance(seen, set):
                    seen.clear()

    def _prepare_crds(self, path: str, doc_objects: list, doc_has_crd: bool) -> None:
        """CRD schemas from the workspace and the document (kubelint.crd),
        brought up to date only when the document has a custom resource or a
        CRD (built-in kinds never consult them): new CRDs are added, a
        changed or removed CRD file rebuilds them."""
        from ..schema import builtin_groups

        builtin = builtin_groups()
        if not doc_has_crd and all(o.group in builtin for o in doc_objects):
            return
        with self._lock:
            full = self._crds_dirty or doc_has_crd or self._doc_crds
            new = self._crds_new
            self._crds_new = []
            crd_objects = [o for p in self._crd_files if p != path for o in self._files.get(p, ())] if full else new
        if not full and not crd_objects:
            return
        for stage in self.ctx.prepare:
            if not hasattr(stage, "crds"):
                continue  # other prepare stages: _prepare_others
            if full:
                stage.crds.clear()
            stage.prepare(crd_objects + (doc_objects if doc_has_crd else []), self.ctx)
        self._crds_dirty = False
        self._doc_crds = doc_has_crd

    def _prepare_others(self, path: str, doc_objects: list) -> None:
        """The other ``prepare`` stages (admission policies: policies,
        bindings, parameters and namespaces anywhere in the run) see every
        object of the workspace and the document, as ``runner.run`` shows
        them all of its objects.  Their ``prepare`` only adds, so they are
        built afresh (construction is lazy) when the document itself holds
        such objects; otherwise one prepared over the workspace serves every
        keystroke until the index changes."""
        schema_stage = self.ctx.stages[0] if self.ctx.stages else None
        # Policies or bindings in the document: a fresh stage every time (it
        # reports on those very objects).  Namespaces, CRDs and parameter
        # objects in it only inform the stage: keyed by their content, so
        # typing elsewhere in the document reuses the prepared stage.
        fresh = any(o.group == ADMISSION_GROUP for o in doc_objects)
        informing = [
            o for o in doc_objects if o.kind in ("Namespace", "CustomResourceDefinition") or o.kind in self._param_kinds
        ]
        fingerprint = json.dumps([o.data for o in informing], sort_keys=True, default=str) if informing else ""
        for i, stage in enumerate(self.ctx.prepare):
            if hasattr(stage, "crds"):
                continue  # the CRD stage: kept, brought up to date by _prepare_crds
            key = (i, self._generation, path, fingerprint)
            prepared = None if fresh else self._prepared.get(key)
            if prepared is None:
                prepared = type(stage)(self.ctx.kubernetes_version, self.settings, schema_stage)
                with self._lock:
                    objects = [o for p, objs in self._files.items() if p != path for o in objs]
                prepared.prepare((doc_objects if fresh else informing) + objects, self.ctx)
                if not fresh:
                    stale = [k for k in self._prepared if k[1] != self._generation or k[2] != path]
                    for k in stale + list(self._prepared)[:-7]:
                        self._prepared.pop(k, None)
                    self._prepared[key] = prepared
            self.ctx.prepare[i] = prepared
            self.ctx.stages = [prepared if s is stage else s for s in self.ctx.stages]

    def analyse(self, path: str, text: str) -> DocumentResult:
        """The findings of one document's text, as ``kubelint check`` reports
        them (sorted by line and column).  Never raises for bad content."""
        start = time.perf_counter()
        path = os.path.abspath(path) if path else "<untitled>"
        config = self.settings.config
        if config is not None and config.exclude and config.excluded(path):
            return DocumentResult(path, text, [], excluded=True)
        self._reset_run_state()
        limits = self.settings.limits
        # The editor's text never went through read_bytes: the same size limit here.
        if len(text) > limits.max_file_bytes or len(text.encode("utf-8", "surrogatepass")) > limits.max_file_bytes:
            from ..loader import _too_large

            size = len(text.encode("utf-8", "surrogatepass"))
            return DocumentResult(
                path,
                text,
                [Finding("file-too-large", "error", _too_large(size, limits), path, 1, 1)],
                parse_safe=False,
                seconds=time.perf_counter() - start,
            )
        loaded = parse_text(text, path, limits)
        if "kubelint:" in text:
            from ..suppress import scan

            loaded.directives = scan(text)
        fr = objects_of(loaded)
        # A masker per analysis: the secrets of the text as it is now (never
        # a prefix typed on the way); the workspace's are masked after.
        masker = self.ctx.masker = mask.Masker()
        masker.add(path, fr.secrets)
        doc_has_crd = any(o.kind == "CustomResourceDefinition" for o in fr.objects)
        self._prepare_crds(path, fr.objects, doc_has_crd)
        self._prepare_others(path, fr.objects)
        check_objects(fr, self.ctx)
        findings = list(fr.findings)
        if self.cross_stages and fr.objects:
            objects = self.context_objects(path, fr.objects)
            for stage in self.cross_stages:
                try:
                    findings.extend(f for f in stage.check_all(objects, self.ctx) if f.file == path)
                except Exception as exc:  # as the runner: one broken rule must not lose the rest
                    findings.append(
                        Finding(
                            "internal-error",
                            "error",
                            f"kubelint internal error in the {getattr(stage, 'name', 'cross-object')} stage: "
                            f"{type(exc).__name__}: {exc} (please report it)",
                            path,
                            1,
                            1,
                        )
                    )
        from ..suppress import apply

        findings = apply(findings, {path: loaded.directives} if loaded.directives else {}, fr.objects, self.ctx)
        if config is not None:
            findings = config.filter(findings)
        masker.add(path, fr.secrets)
        findings = self._workspace_masker().findings(masker.findings(findings))
        findings.sort(key=Finding.sort_key)
        safe = not any(f.rule in HOSTILE for f in loaded.problems)
        return DocumentResult(path, text, findings, fr.objects, parse_safe=safe, seconds=time.perf_counter() - start)


def load_batch(paths: List[str], limits) -> list:
    """``[(path, objects, secrets)]`` of workspace files (context only);
    a file that cannot be read or parsed contributes no objects."""
    out = []
    for path in paths:
        try:
            fr = objects_of(load_file(path, limits), context_only=True)
        except Exception:  # never let one odd file stop the index
            continue
        out.append((path, fr.objects, fr.secrets))
    return out


def _stream_key(source) -> str:
    return f"{os.path.abspath(source.root)} (kustomize build)"


def build_roots(sources: list, render_settings, namespace: str, kube_version: str, limits) -> list:
    """``[(stream key, objects, secrets, source file of each object,
    failures, real kustomization dirs used, real files used)]``: each
    kustomize root built as ``kubelint check .`` builds it
    (:func:`kubelint.render.stage.load`), its objects mapped back to their source
    files as the CLI maps findings.  A missing tool or a failed build gives
    the CLI's finding and no object; never raises."""
    from ..render import stage as render
    from ..discover import closure

    out = []
    for source in sources:
        key = _stream_key(source)
        try:
            used = closure(source.root)
            dirs = sorted({k.dir for k in used})
            files = {f for k in used for f in k.files} | {os.path.realpath(k.file) for k in used}
        except Exception:
            dirs, files = [os.path.realpath(source.root)], set()
        try:
            (fr,) = render.load([source], render_settings, namespace, kube_version, limits)
        except Exception as exc:  # as one odd file: the build adds nothing
            out.append(
                (
                    key,
                    [],
                    [],
                    [],
                    [
                        Finding(
                            "kustomize-build-failed",
                            "error",
                            f"kustomize build failed: {type(exc).__name__}: {exc}",
                            source.file,
                            1,
                            1,
                        )
                    ],
                    dirs,
                    files,
                )
            )
            continue
        if fr.origin is None:  # not built: the finding `kubelint check .` reports at kustomization.yaml
            out.append((key, [], [], [], list(fr.findings), dirs, files))
            continue
        mapped = []
        for o in fr.objects:
            try:
                mapped.append(os.path.abspath(fr.origin.smap.locate(o.line, o.column)[0]))
            except Exception:
                mapped.append(os.path.abspath(source.file))
        out.append((key, fr.objects, fr.secrets, mapped, [], dirs, files))
    return out


def _index_worker_init() -> None:
    """The indexing process: low priority, and never a byte on the
    server's stdout (the protocol channel)."""
    import sys

    try:
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        os.nice(10)
    except OSError:  # pragma: no cover
        pass


def _named_namespaces(value, out: set, depth: int) -> None:
    """Every string under a ``namespace`` key (RoleBinding subjects, webhook
    services, ...): objects there may be what the document refers to."""
    if depth > 64:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "namespace" and isinstance(v, str):
                out.add(v)
            elif isinstance(v, (dict, list)):
                _named_namespaces(v, out, depth + 1)
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, (dict, list)):
                _named_namespaces(v, out, depth + 1)
