"""Run the pipeline: load -> objects -> schema -> apiserver -> admission -> rules.

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
import os
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

from . import mask
from .findings import ERROR, RANK, Finding, ObjectRef
from .loader import LoadedFile, Limits, iter_load
from .model import KubeObject, objects_from_document


@dataclass
class Options:
    kubernetes_version: Optional[str] = None  # "1.37"; None = newest bundled
    default_namespace: str = "default"
    limits: Limits = field(default_factory=Limits)
    no_schema_severity: str = "info"  # "error", "info" or "off"
    config: object = None  # kubelint.config.Config, when loaded
    context_paths: List[str] = field(default_factory=list)  # --context: loaded for cross-object rules, not reported
    crd_paths: List[str] = field(default_factory=list)  # --crd: CRDs used as schema sources, not reported
    schema_dirs: List[str] = field(default_factory=list)  # --schema-dir: JSON-schema catalogues for custom resources
    # --policy: ValidatingAdmissionPolicies/bindings/params loaded as context (kubelint.admission), not reported
    policy_paths: List[str] = field(default_factory=list)
    namespace_labels: Dict[str, Dict[str, str]] = field(default_factory=dict)  # --namespace-labels NS=k=v,...
    jobs: int = 1  # --jobs: worker processes for loading and per-object checks
    debug: bool = False  # --debug: re-raise internal errors
    progress: object = None  # callable(done, total) or None


@dataclass
class RunContext:
    options: Options
    kubernetes_version: str
    stages: list = field(default_factory=list)
    cross_stages: list = field(default_factory=list)
    # Stages that must see every object before any is checked
    # (``prepare(objects, ctx)``), e.g. CRDs anywhere in the input.
    prepare: list = field(default_factory=list)
    ruleset: object = None


@dataclass
class FileResult:
    path: str
    findings: List[Finding] = field(default_factory=list)
    objects: List[KubeObject] = field(default_factory=list)
    documents: int = 0
    fatal: bool = False
    text: Optional[str] = None
    directives: object = None
    secrets: list = field(default_factory=list)  # kubelint.mask.Secret tuples (picklable)


@dataclass
class RunResult:
    findings: List[Finding]
    files: int
    documents: int
    fatal: bool  # some input could not be read at all (exit status 2)
    kubernetes_version: str
    texts: Dict[str, str] = field(default_factory=dict)  # stdin text, for excerpts
    # Every reported input file, in input order, with the identities of its
    # objects (JUnit: one testcase per object, passing ones included).
    objects: Dict[str, List[ObjectRef]] = field(default_factory=dict)
    masker: object = None  # kubelint.mask.Masker: reporters mask excerpts with masker.line

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def max_rank(self) -> int:
        return max((RANK[f.severity] for f in self.findings), default=0)


def build_context(options: Options) -> RunContext:
    """The stages of a run, in data-flow order: schema (structure), custom
    resources (CRD schemas), API-server checks, single-object rules; then
    the cross-object rules over the object index."""
    from . import engine, schema
    from .apiserver import ApiServerStage

    version = options.kubernetes_version or schema.newest_version()
    ctx = RunContext(options, version)
    schema_stage = schema.SchemaStage(version, options)
    ctx.stages.append(schema_stage)
    try:
        from .crd import CrdStage
    except ImportError:  # pragma: no cover - optional stage
        CrdStage = None
    if CrdStage is not None:
        crd_stage = CrdStage(version, options, schema_stage)
        ctx.stages.append(crd_stage)
        ctx.prepare.append(crd_stage)
    ctx.stages.append(ApiServerStage(version, options, schema_stage.schemas))
    from .admission import AdmissionStage  # ValidatingAdmissionPolicies and custom CEL rules

    admission_stage = AdmissionStage(version, options, schema_stage)
    ctx.stages.append(admission_stage)
    ctx.prepare.append(admission_stage)
    ruleset = engine.RuleSet(options)
    ctx.stages.append(engine.RulesStage(ruleset))
    ctx.cross_stages.append(engine.CrossStage(ruleset))
    ctx.ruleset = ruleset
    return ctx


def objects_of(loaded: LoadedFile, context_only: bool = False) -> FileResult:
    """Phase 1 of a file: its objects (List kinds expanded) and the
    loader's findings."""
    result = FileResult(loaded.path, list(loaded.problems), fatal=loaded.fatal, text=loaded.text)
    result.documents = len(loaded.documents)
    for doc in loaded.documents:
        objects, problems = objects_from_document(doc)
        result.findings.extend(problems)
        for obj in objects:
            obj.context_only = context_only
            result.objects.append(obj)
            result.secrets.extend(mask.collect(obj))
    result.directives = loaded.directives
    return result


def check_objects(result: FileResult, ctx: RunContext) -> FileResult:
    """Phase 2 of a file: every per-object stage over its objects."""
    for obj in result.objects:
        for stage in ctx.stages:
            try:
                for problem in stage.check_object(obj, ctx):
                    if mask.is_credential_rule(problem.rule):
                        found = mask.secrets_at(obj, problem.path)
                        result.secrets.extend(found)
                        mask.active().add(obj.file, found)
                    result.findings.append(obj.finding(problem, problem.rule, problem.severity))
            except Exception as exc:
                if ctx.options.debug:
                    raise
                result.fatal = True
                result.findings.append(Finding(
                    "internal-error", ERROR,
                    f"kubelint internal error in the {getattr(stage, 'name', 'check')} stage: {type(exc).__name__}: {exc} "
                    "(please report it; run with --debug for a traceback)",
                    obj.file, obj.line, obj.column, "", obj.ref))
    return result


def check_loaded(loaded: LoadedFile, ctx: RunContext) -> FileResult:
    return check_objects(objects_of(loaded), ctx)


def run(paths: Iterable[str], options: Options, stdin=None) -> RunResult:
    # The run builds millions of small acyclic objects and keeps them for the
    # cross-object rules; Python's cyclic GC would rescan them over and over
    # (measured: 12.5 s -> 5.9 s over ../shared/corpus with it paused).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(paths, options, stdin)
    finally:
        if was_enabled:
            gc.enable()


def _run(paths: Iterable[str], options: Options, stdin=None) -> RunResult:
    from . import loader

    loader.DEBUG = bool(options.debug)
    ctx = build_context(options)
    # Phase 1: load everything (inputs, then --context and --crd sources,
    # which are seen by cross-object rules and CRD schemas but never reported).
    # With --jobs N the loading and the per-object checks run in forked
    # workers (kubelint/parallel.py); the result is the same as serially.
    from .parallel import check_all_files, load_all

    jobs = max(1, int(options.jobs or 1))
    progress = options.progress
    inputs = load_all(paths, options.limits, jobs, stdin, progress=progress)
    # A file both checked and in a --context directory is loaded once (as
    # spelt differently: ``k8s/a.yaml`` vs ``./k8s/`` + ``a.yaml``).
    seen = {os.path.realpath(r.path) for r in inputs}
    extra_paths = [p for p in list(options.context_paths) + list(options.crd_paths) + list(options.policy_paths)]
    extras = []
    for fr in load_all(extra_paths, options.limits, jobs, context_only=True) if extra_paths else ():
        real = os.path.realpath(fr.path)
        if real not in seen:
            seen.add(real)
            extras.append(fr)
    all_objects = [o for r in inputs + extras for o in r.objects]
    # Secrets are known from here on: --debug tracebacks and every output
    # are masked with them (kubelint.mask).
    masker = mask.Masker()
    for fr in inputs + extras:
        masker.add(fr.path, fr.secrets)
    mask.activate(masker)
    for stage in ctx.prepare:
        try:
            stage.prepare(all_objects, ctx)
        except Exception as exc:
            if options.debug:
                raise
            inputs.append(_internal_error_result(stage, exc, inputs))
    config = options.config
    if config is not None and (config.exclude or config.path):  # `exclude:` paths of .kubelint.yaml
        inputs = [r for r in inputs if not config.excluded(r.path)]
        all_objects = [o for r in inputs + extras for o in r.objects]
    # Phase 2: per-object stages, file by file.
    findings: List[Finding] = []
    files = documents = 0
    fatal = False
    texts = {}
    directives = {}
    inventory: Dict[str, List[ObjectRef]] = {}
    check_all_files(inputs, ctx, jobs, progress)
    for fr in inputs:
        inventory[fr.path] = [o.ref for o in fr.objects]
        files += 1
        documents += fr.documents
        fatal = fatal or fr.fatal
        findings.extend(fr.findings)
        if fr.text is not None:
            texts[fr.path] = fr.text
        if fr.directives:
            directives[fr.path] = fr.directives
    for fr in extras:
        fatal = fatal or fr.fatal
    # Values credential rules flagged in phase 2 (in worker processes too:
    # they come back in FileResult.secrets).
    for fr in inputs:
        masker.add(fr.path, fr.secrets)
    # Phase 3: cross-object rules over the whole index.
    for stage in ctx.cross_stages:
        try:
            findings.extend(stage.check_all(all_objects, ctx))
        except Exception as exc:  # one broken cross-object rule must not lose the whole report
            if options.debug:
                raise
            fr = _internal_error_result(stage, exc, inputs)
            findings.extend(fr.findings)
            fatal = True
    findings = _suppress(findings, directives, inputs, ctx)
    findings = masker.findings(findings)
    findings.sort(key=Finding.sort_key)
    return RunResult(findings, files, documents, fatal, ctx.kubernetes_version, texts, inventory, masker)


def _internal_error_result(stage, exc, inputs) -> "FileResult":
    """An internal error of a whole-run stage, reported on the first input."""
    where = inputs[0].path if inputs else "-"
    fr = FileResult(where, fatal=True)
    fr.findings.append(Finding(
        "internal-error", ERROR,
        f"kubelint internal error in the {getattr(stage, 'name', type(stage).__name__)} stage: {type(exc).__name__}: {exc} "
        "(please report it; run with --debug for a traceback)", where, 1, 1))
    return fr


def _suppress(findings: List[Finding], directives: dict, inputs, ctx) -> List[Finding]:
    """Inline suppressions (``# kubelint: disable=...``) and the
    ``kubelint.io/ignore`` annotation; see :mod:`kubelint.suppress`."""
    try:
        from .suppress import apply
    except ImportError:  # pragma: no cover - optional module
        return findings
    findings = apply(findings, directives, [o for fr in inputs for o in fr.objects], ctx)
    config = getattr(ctx.options, "config", None)
    if config is not None:  # .kubelint.yaml: disabled ids of every stage, per-rule excludes, severities
        findings = config.filter(findings)
    return findings
