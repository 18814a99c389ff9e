"""Run the pipeline: load -> objects -> schema -> apiserver -> rules.

Stages are plain objects with a small interface, created once per run:

* ``check_object(obj, ctx) -> Iterable[Problem]`` — per-object stages
  (schema, API-server checks, single-object rules).  Problems carry
  ``rule`` and ``severity``; the runner resolves their positions.
* ``check_all(objects, ctx) -> Iterable[Finding]`` — cross-object stages,
  run once over every object of the run (the object index).

:func:`run` returns a :class:`RunResult` with findings sorted by file, line
and column.
"""

from __future__ import annotations

import gc

from . import record
from . import mask
from .findings import ERROR, RANK, Finding, ObjectRef
from .phases import FileResult, RunContext
from .settings import Settings

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Callable, Dict, Iterable, List, Optional


class RunResult(record.Record):
    findings: List[Finding]
    files: int
    documents: int
    fatal: bool  # some input could not be read at all (exit status 2)
    kubernetes_version: str
    texts: Dict[str, str]  # stdin text, for excerpts
    # Every reported input file, in input order, with the identities of its
    # objects (JUnit: one testcase per object, passing ones included).
    objects: Dict[str, List[ObjectRef]]
    masker: object = None  # kubelint.mask.Masker: reporters mask excerpts with masker.line
    skipped: list  # kubelint.discover.Skipped: files that are not manifests
    rendered: list  # kubelint.discover.Source: charts and kustomize roots

    _FIELDS = (
        "findings",
        "files",
        "documents",
        "fatal",
        "kubernetes_version",
        "texts",
        "objects",
        "masker",
        "skipped",
        "rendered",
    )

    def __init__(
        self,
        findings,
        files,
        documents,
        fatal,
        kubernetes_version,
        texts=record.FACTORY,
        objects=record.FACTORY,
        masker=masker,
        skipped=record.FACTORY,
        rendered=record.FACTORY,
    ):
        self.findings = findings
        self.files = files
        self.documents = documents
        self.fatal = fatal
        self.kubernetes_version = kubernetes_version
        self.texts = dict() if texts is record.FACTORY else texts
        self.objects = dict() if objects is record.FACTORY else objects
        self.masker = masker
        self.skipped = list() if skipped is record.FACTORY else skipped
        self.rendered = list() if rendered is record.FACTORY else rendered

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def max_rank(self) -> int:
        return max((RANK[f.severity] for f in self.findings), default=0)


def build_context(settings: Settings) -> RunContext:
    """The stages of a run, in data-flow order: schema (structure), custom
    resources (CRD schemas), API-server checks, single-object rules; then
    the cross-object rules over the object index."""
    from . import engine, schema
    from .apiserver import ApiServerStage
    from .crd import CrdStage

    version = settings.kubernetes_version or schema.newest_version()
    ctx = RunContext(settings, version)
    schema_stage = schema.SchemaStage(version, settings)
    ctx.stages.append(schema_stage)
    crd_stage = CrdStage(version, settings, schema_stage)
    ctx.stages.append(crd_stage)
    ctx.prepare.append(crd_stage)
    ctx.stages.append(ApiServerStage(version, settings, schema_stage.schemas))
    admission_stage = _Admission(version, settings, schema_stage)  # ValidatingAdmissionPolicies, custom CEL rules
    ctx.stages.append(admission_stage)
    ctx.prepare.append(admission_stage)
    ctx.cross_stages.append(admission_stage)  # refusals of --policy files (context, else never reported)
    ruleset = engine.RuleSet(settings)
    ctx.stages.append(engine.RulesStage(ruleset))
    ctx.cross_stages.append(engine.CrossStage(ruleset))
    ctx.ruleset = ruleset
    return ctx


ADMISSION_GROUP = "admissionregistration.k8s.io"


class _Admission:
    """The admission stage (kubelint/admission/stage.py) of a run that has work for it: custom rules in
    the configuration, or admissionregistration.k8s.io objects (policies, bindings) among its objects.
    Without them it reports nothing, so a run without them does not load it (nor CEL with it)."""

    name = "admission"

    def __init__(self, version: str, settings: Settings, schema_stage=None):
        self._args = (version, settings, schema_stage)
        self.stage = None
        config = settings.config
        if config is not None and config.custom_rules:
            self._load()

    def _load(self):
        from .admission.stage import AdmissionStage

        self.stage = AdmissionStage(*self._args)

    def prepare(self, objects, ctx=None) -> None:
        objects = list(objects)
        if self.stage is None and any(o.group == ADMISSION_GROUP for o in objects):
            self._load()
        if self.stage is not None:
            self.stage.prepare(objects, ctx)

    def check_object(self, obj, ctx=None):
        if self.stage is None and obj.group == ADMISSION_GROUP:  # a caller that did not prepare (an editor)
            self._load()
        return self.stage.check_object(obj, ctx) if self.stage is not None else ()

    def check_all(self, objects, ctx=None):
        objects = list(objects)
        if self.stage is None and any(o.group == ADMISSION_GROUP for o in objects):
            self._load()
        return self.stage.check_all(objects, ctx) if self.stage is not None else []


def run(
    paths: Iterable[str],
    settings: Settings,
    stdin=None,
    *,
    progress: Optional[Callable] = None,
    masker: Optional[mask.Masker] = None,
    keep: Optional[list] = None,
) -> RunResult:
    """Check ``paths`` (``-`` is ``stdin``) with ``settings``.

    Run state is passed, never kept in globals: ``progress(done, total,
    phase)`` is told how far the run is; ``masker`` (a new one if not given)
    learns every secret value of the run as it is found, so a caller that
    reports an internal error or a ``--debug`` traceback can mask it
    (``masker.text``); it is also ``RunResult.masker``.  ``keep``: a list
    that receives what the run built (its stages, files and objects), so that
    returning does not free it: a process that exits right after the report
    (the command line) skips that work (0.12 s of CPU over ../shared/corpus)."""
    # The run builds millions of small acyclic objects and keeps them for the
    # cross-object rules; Python's cyclic GC would rescan them over and over
    # (measured: 12.5 s -> 5.9 s over ../shared/corpus with it paused).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(paths, settings, stdin, progress, mask.Masker() if masker is None else masker, keep)
    finally:
        if was_enabled:
            gc.enable()


def _run(paths: Iterable[str], settings: Settings, stdin, progress, masker: mask.Masker, keep=None) -> RunResult:
    ctx = build_context(settings)
    ctx.masker = masker
    jobs = settings.jobs  # None: --jobs auto (kubelint.parallel picks the workers)
    debug = settings.debug
    # Phase 1: load everything (inputs, then --context and --crd sources,
    # which are seen by cross-object rules and CRD schemas but never reported).
    # With --jobs N the loading and the per-object checks run in forked
    # workers (kubelint/parallel.py); the result is the same as serially.
    plan, inputs = _load_inputs(paths, settings, ctx, jobs, stdin, progress)
    extras = _load_extras(settings, ctx, jobs, inputs)
    all_objects = [o for r in inputs + extras for o in r.objects]
    # Secrets are known from here on: --debug tracebacks and every output
    # are masked with them (kubelint.mask).
    for fr in inputs + extras:
        masker.add(fr.path, fr.secrets)
    _prepare(ctx, all_objects, inputs, debug)
    config = settings.config
    if config is not None and (config.exclude or config.path):  # `exclude:` paths of .kubelint.yaml
        inputs = [r for r in inputs if r.origin is not None or not config.excluded(r.path)]
        all_objects = [o for r in inputs + extras for o in r.objects]
    # Phase 2: per-object stages, file by file.
    # Phase 3, the cross-object rules over the whole index, reads the
    # objects and none of phase 2's findings: it runs in this process while
    # forked workers check (serially: after the checks, as before).
    from .parallel import check_all_files

    cross_findings: List[Finding] = []
    cross_fatal = []

    def cross() -> None:
        cross_fatal.append(_check_cross(ctx, all_objects, inputs, debug, cross_findings))

    check_all_files(inputs, ctx, jobs, progress, cross)
    tally = _Tally()
    for fr in inputs:
        tally.add(fr)
    fatal = tally.fatal or any(fr.fatal for fr in extras)
    # Values credential rules flagged in phase 2 (in worker processes too:
    # they come back in FileResult.secrets).
    for fr in inputs:
        masker.add(fr.path, fr.secrets)
    findings = tally.findings
    findings.extend(cross_findings)  # after phase 2's, as a serial run appends them
    findings = _suppress(findings, tally.directives, inputs, ctx)
    findings = masker.findings(findings)
    findings.sort(key=Finding.sort_key)
    if keep is not None:
        keep.append((ctx, plan, inputs, extras, all_objects))
    return RunResult(
        findings,
        tally.files,
        tally.documents,
        fatal or any(cross_fatal),
        ctx.kubernetes_version,
        tally.texts,
        tally.inventory,
        masker,
        plan.skipped,
        [s for s in plan.sources],
    )


def _load_inputs(paths, settings: Settings, ctx: RunContext, jobs: Optional[int], stdin, progress):
    """The plan of the inputs (charts, kustomize roots, manifests, skipped files: kubelint/discover.py) and
    their loaded and rendered files."""
    from .parallel import load_all

    plan = _plan(paths, settings)
    inputs = load_all(paths, settings.limits, jobs, stdin, progress=progress, debug=settings.debug, entries=plan.files)
    inputs.extend(_render(plan.sources, settings, ctx, jobs))
    return plan, inputs


def _load_extras(settings: Settings, ctx: RunContext, jobs: Optional[int], inputs) -> list:
    """The --context, --crd and --policy files, less those already among the inputs."""
    # A file both checked and in a --context directory is loaded once (as
    # spelt differently: ``k8s/a.yaml`` vs ``./k8s/`` + ``a.yaml``).
    extra_paths = list(settings.context_paths) + list(settings.crd_paths) + list(settings.policy_paths)
    if not extra_paths:
        return []
    from .discover import RealPaths

    real_path = RealPaths()
    seen = {real_path(r.path) for r in inputs}
    from . import contextfiles  # loaded once per content (the results cache); inputs are not loaded twice

    reads = contextfiles.Reads() if settings.cache_dir is not None else None  # the bytes discovery reads, kept
    extra_plan = _plan(extra_paths, settings, context_only=True, read=reads)
    loaded = contextfiles.load(extra_plan.files, settings, jobs, skip=lambda p: real_path(p) in seen, reads=reads)
    loaded += _render(extra_plan.sources, settings, ctx, jobs)
    extras = []
    for fr in loaded:
        real = real_path(fr.path)
        if real not in seen:
            seen.add(real)
            extras.append(fr)
    return extras


def _prepare(ctx: RunContext, all_objects, inputs, debug: bool) -> None:
    """Every stage's whole-input preparation (CRD schemas, policies); a broken one is an internal-error result."""
    for stage in ctx.prepare:
        try:
            stage.prepare(all_objects, ctx)
        except Exception as exc:
            if debug:
                raise
            inputs.append(_internal_error_result(stage, exc, inputs))


class _Tally(record.Record):
    """What phase 2 gives the report: findings, counts, texts, suppression directives and the inventory."""

    findings: List[Finding]
    files: int = 0
    documents: int = 0
    fatal: bool = False
    texts: dict
    directives: dict
    inventory: Dict[str, List[ObjectRef]]

    _FIELDS = ("findings", "files", "documents", "fatal", "texts", "directives", "inventory")

    def __init__(
        self,
        findings=record.FACTORY,
        files=files,
        documents=documents,
        fatal=fatal,
        texts=record.FACTORY,
        directives=record.FACTORY,
        inventory=record.FACTORY,
    ):
        self.findings = list() if findings is record.FACTORY else findings
        self.files = files
        self.documents = documents
        self.fatal = fatal
        self.texts = dict() if texts is record.FACTORY else texts
        self.directives = dict() if directives is record.FACTORY else directives
        self.inventory = dict() if inventory is record.FACTORY else inventory

    def add(self, fr: FileResult) -> None:
        if fr.origin is not None:  # a rendered chart or kustomization: counted and listed by source file
            from .render.stage import inventory as rendered_inventory

            for path, refs in rendered_inventory(fr).items():
                self.inventory.setdefault(path, []).extend(refs)
                self.files += 1
        else:
            self.inventory[fr.path] = [o.ref for o in fr.objects]
            self.files += 1
        self.documents += fr.documents
        self.fatal = self.fatal or fr.fatal
        self.findings.extend(fr.findings)
        if fr.text is not None:
            self.texts[fr.path] = fr.text
        if fr.directives:
            self.directives[fr.path] = fr.directives


def _check_cross(ctx: RunContext, all_objects, inputs, debug: bool, findings: List[Finding]) -> bool:
    """Phase 3: the cross-object stages' findings appended to ``findings``; True if one of them broke."""
    fatal = False
    for stage in ctx.cross_stages:
        try:
            findings.extend(stage.check_all(all_objects, ctx))
        except Exception as exc:  # one broken cross-object rule must not lose the whole report
            if debug:
                raise
            fr = _internal_error_result(stage, exc, inputs)
            findings.extend(fr.findings)
            fatal = True
    return fatal


def _plan(paths, settings: Settings, context_only: bool = False, read=None):
    """What each input is: manifests, charts, kustomize roots, skipped files (kubelint/discover.py)."""
    from .discover import plan

    config = settings.config
    excluded = config.excluded if config is not None and (config.exclude or config.path) else None
    return plan(
        paths,
        settings.limits,
        walked_files=settings.walked_files,
        excluded=excluded,
        context_only=context_only,
        read=read,
    )


def _render(sources, settings: Settings, ctx, jobs: Optional[int]) -> list:
    """Charts and kustomize roots rendered by helm and kustomize: a FileResult each (kubelint/render/)."""
    if not sources:
        return []
    from .render import stage as render

    if jobs is None:  # --jobs auto: renders are subprocesses, one thread each waits for its tool
        from .settings import default_jobs

        jobs = default_jobs()
    return render.load(
        sources, settings.render, settings.default_namespace, ctx.kubernetes_version, settings.limits, jobs
    )


def _internal_error_result(stage, exc, inputs) -> "FileResult":
    """An internal error of a whole-run stage, reported on the first input."""
    where = inputs[0].path if inputs else "-"
    fr = FileResult(where, fatal=True)
    fr.findings.append(
        Finding(
            "internal-error",
            ERROR,
            f"kubelint internal error in the {getattr(stage, 'name', type(stage).__name__)} "
            f"stage: {type(exc).__name__}: {exc} "
            "(please report it; run with --debug for a traceback)",
            where,
            1,
            1,
        )
    )
    return fr


def _suppress(findings: List[Finding], directives: dict, inputs, ctx) -> List[Finding]:
    """Inline suppressions (``# kubelint: disable=...``) and the
    ``kubelint.io/ignore`` annotation; see :mod:`kubelint.suppress`."""
    from .suppress import apply

    findings = apply(findings, directives, [o for fr in inputs for o in fr.objects], ctx)
    if any(fr.origin is not None for fr in inputs):
        from .render.stage import map_findings  # rendered streams -> template and source files (after suppressions)

        findings = map_findings(findings, inputs, ctx.masker)
    config = ctx.settings.config
    if config is not None:  # .kubelint.yaml: disabled ids of every stage, per-rule excludes, severities
        findings = config.filter(findings)
    return findings
