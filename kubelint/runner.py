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
import os
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional

from . import mask
from .findings import ERROR, RANK, Finding, ObjectRef
from .phases import FileResult, RunContext
from .settings import Settings


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
    ruleset = engine.RuleSet(settings)
    ctx.stages.append(engine.RulesStage(ruleset))
    ctx.cross_stages.append(engine.CrossStage(ruleset))
    ctx.ruleset = ruleset
    return ctx


def run(paths: Iterable[str], settings: Settings, stdin=None, *,
        progress: Optional[Callable] = None, masker: Optional[mask.Masker] = None) -> RunResult:
    """Check ``paths`` (``-`` is ``stdin``) with ``settings``.

    Run state is passed, never kept in globals: ``progress(done, total,
    phase)`` is told how far the run is; ``masker`` (a new one if not given)
    learns every secret value of the run as it is found, so a caller that
    reports an internal error or a ``--debug`` traceback can mask it
    (``masker.text``); it is also ``RunResult.masker``."""
    # The run builds millions of small acyclic objects and keeps them for the
    # cross-object rules; Python's cyclic GC would rescan them over and over
    # (measured: 12.5 s -> 5.9 s over ../shared/corpus with it paused).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(paths, settings, stdin, progress, mask.Masker() if masker is None else masker)
    finally:
        if was_enabled:
            gc.enable()


def _run(paths: Iterable[str], settings: Settings, stdin, progress, masker: mask.Masker) -> RunResult:
    from .parallel import check_all_files

    ctx = build_context(settings)
    ctx.masker = masker
    inputs, extras = _load(paths, settings, stdin, progress)
    for fr in inputs + extras:  # secrets known from here on: --debug tracebacks and every output are masked
        masker.add(fr.path, fr.secrets)
    inputs.extend(_prepare(ctx, _objects(inputs + extras), inputs))
    inputs = _not_excluded(inputs, settings.config)
    check_all_files(inputs, ctx, max(1, settings.jobs), progress)
    for fr in inputs:  # values credential rules flagged in phase 2 (in worker processes too)
        masker.add(fr.path, fr.secrets)
    result = _collect(inputs, extras, ctx.kubernetes_version, masker)
    cross, cross_failed = _cross(ctx, _objects(inputs + extras), inputs)
    directives = {fr.path: fr.directives for fr in inputs if fr.directives}
    findings = _suppress(result.findings + cross, directives, inputs, ctx)
    result.findings = sorted(masker.findings(findings), key=Finding.sort_key)
    result.fatal = result.fatal or cross_failed
    return result


def _load(paths, settings: Settings, stdin, progress):
    """Phase 1: the inputs, and the ``--context``/``--crd`` sources (seen by
    cross-object rules and CRD schemas, never reported), in forked workers
    with ``--jobs N`` (kubelint/parallel.py; the same result as serially)."""
    from .parallel import load_all

    jobs, limits, debug = max(1, settings.jobs), settings.limits, settings.debug
    inputs = load_all(paths, limits, jobs, stdin, progress=progress, debug=debug)
    extra_paths = list(settings.context_paths) + list(settings.crd_paths)
    if not extra_paths:
        return inputs, []
    # A file both checked and in a --context directory is loaded once (as
    # spelt differently: ``k8s/a.yaml`` vs ``./k8s/`` + ``a.yaml``).
    seen = {os.path.realpath(r.path) for r in inputs}
    extras = []
    for fr in load_all(extra_paths, limits, jobs, context_only=True, debug=debug):
        real = os.path.realpath(fr.path)
        if real not in seen:
            seen.add(real)
            extras.append(fr)
    return inputs, extras


def _objects(files) -> list:
    return [o for fr in files for o in fr.objects]


def _prepare(ctx: RunContext, all_objects, inputs) -> List[FileResult]:
    """Stages that see every object before any is checked (CRDs); an
    internal error of one is a result of its own."""
    failed = []
    for stage in ctx.prepare:
        try:
            stage.prepare(all_objects, ctx)
        except Exception as exc:
            if ctx.settings.debug:
                raise
            failed.append(_internal_error_result(stage, exc, inputs))
    return failed


def _not_excluded(inputs, config) -> list:
    """Without the ``exclude:`` paths of .kubelint.yaml (and the file itself)."""
    if config is None or not (config.exclude or config.path):
        return inputs
    return [r for r in inputs if not config.excluded(r.path)]


def _collect(inputs, extras, kubernetes_version: str, masker) -> RunResult:
    """The per-file findings, counts, stdin texts and object inventory."""
    result = RunResult([], 0, 0, False, kubernetes_version, {}, {}, masker)
    for fr in inputs:
        result.objects[fr.path] = [o.ref for o in fr.objects]
        result.files += 1
        result.documents += fr.documents
        result.fatal = result.fatal or fr.fatal
        result.findings.extend(fr.findings)
        if fr.text is not None:
            result.texts[fr.path] = fr.text
    result.fatal = result.fatal or any(fr.fatal for fr in extras)
    return result


def _cross(ctx: RunContext, all_objects, inputs):
    """Phase 3: cross-object rules over the whole index -> (findings, an internal error happened)."""
    findings: List[Finding] = []
    failed = False
    for stage in ctx.cross_stages:
        try:
            findings.extend(stage.check_all(all_objects, ctx))
        except Exception as exc:  # one broken cross-object rule must not lose the whole report
            if ctx.settings.debug:
                raise
            findings.extend(_internal_error_result(stage, exc, inputs).findings)
            failed = True
    return findings, failed


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
    from .suppress import apply

    findings = apply(findings, directives, [o for fr in inputs for o in fr.objects], ctx)
    config = ctx.settings.config
    if config is not None:  # .kubelint.yaml: disabled ids of every stage, per-rule excludes, severities
        findings = config.filter(findings)
    return findings
