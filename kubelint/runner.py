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
    skipped: list = field(default_factory=list)  # kubelint.discover.Skipped: files that are not manifests
    rendered: list = field(default_factory=list)  # kubelint.discover.Source: charts and kustomize roots

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
    from .admission.stage import AdmissionStage  # ValidatingAdmissionPolicies and custom CEL rules

    admission_stage = AdmissionStage(version, settings, schema_stage)
    ctx.stages.append(admission_stage)
    ctx.prepare.append(admission_stage)
    ruleset = engine.RuleSet(settings)
    ctx.stages.append(engine.RulesStage(ruleset))
    ctx.cross_stages.append(engine.CrossStage(ruleset))
    ctx.ruleset = ruleset
    return ctx


def run(
    paths: Iterable[str],
    settings: Settings,
    stdin=None,
    *,
    progress: Optional[Callable] = None,
    masker: Optional[mask.Masker] = None,
) -> RunResult:
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
    ctx = build_context(settings)
    ctx.masker = masker
    # Phase 1: load everything (inputs, then --context and --crd sources,
    # which are seen by cross-object rules and CRD schemas but never reported).
    # With --jobs N the loading and the per-object checks run in forked
    # workers (kubelint/parallel.py); the result is the same as serially.
    from .parallel import check_all_files, load_all

    jobs = max(1, settings.jobs)
    debug = settings.debug
    plan = _plan(paths, settings)  # charts, kustomize roots, manifests, skipped files (kubelint/discover.py)
    inputs = load_all(paths, settings.limits, jobs, stdin, progress=progress, debug=debug, entries=plan.files)
    inputs.extend(_render(plan.sources, settings, ctx, jobs))
    # A file both checked and in a --context directory is loaded once (as
    # spelt differently: ``k8s/a.yaml`` vs ``./k8s/`` + ``a.yaml``).
    seen = {os.path.realpath(r.path) for r in inputs}
    extra_paths = list(settings.context_paths) + list(settings.crd_paths) + list(settings.policy_paths)
    extras = []
    extra_plan = _plan(extra_paths, settings, context_only=True) if extra_paths else None
    for fr in (
        (
            load_all(extra_paths, settings.limits, jobs, context_only=True, debug=debug, entries=extra_plan.files)
            + _render(extra_plan.sources, settings, ctx, jobs)
        )
        if extra_plan
        else ()
    ):
        real = os.path.realpath(fr.path)
        if real not in seen:
            seen.add(real)
            extras.append(fr)
    all_objects = [o for r in inputs + extras for o in r.objects]
    # Secrets are known from here on: --debug tracebacks and every output
    # are masked with them (kubelint.mask).
    for fr in inputs + extras:
        masker.add(fr.path, fr.secrets)
    for stage in ctx.prepare:
        try:
            stage.prepare(all_objects, ctx)
        except Exception as exc:
            if debug:
                raise
            inputs.append(_internal_error_result(stage, exc, inputs))
    config = settings.config
    if config is not None and (config.exclude or config.path):  # `exclude:` paths of .kubelint.yaml
        inputs = [r for r in inputs if r.origin is not None or not config.excluded(r.path)]
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
        if fr.origin is not None:  # a rendered chart or kustomization: counted and listed by source file
            from .render import inventory as rendered_inventory

            for path, refs in rendered_inventory(fr).items():
                inventory.setdefault(path, []).extend(refs)
                files += 1
        else:
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
            if debug:
                raise
            fr = _internal_error_result(stage, exc, inputs)
            findings.extend(fr.findings)
            fatal = True
    findings = _suppress(findings, directives, inputs, ctx)
    findings = masker.findings(findings)
    findings.sort(key=Finding.sort_key)
    return RunResult(
        findings,
        files,
        documents,
        fatal,
        ctx.kubernetes_version,
        texts,
        inventory,
        masker,
        plan.skipped,
        [s for s in plan.sources],
    )


def _plan(paths, settings: Settings, context_only: bool = False):
    """What each input is: manifests, charts, kustomize roots, skipped files (kubelint/discover.py)."""
    from .discover import plan

    config = settings.config
    excluded = config.excluded if config is not None and (config.exclude or config.path) else None
    return plan(
        paths, settings.limits, walked_files=settings.walked_files, excluded=excluded, context_only=context_only
    )


def _render(sources, settings: Settings, ctx, jobs: int) -> list:
    """Charts and kustomize roots rendered by helm and kustomize: a FileResult each (kubelint/render/)."""
    if not sources:
        return []
    from . import render

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
    from .render import map_findings  # rendered streams -> template and source files (after inline suppressions)

    findings = map_findings(findings, inputs, ctx.masker)
    config = ctx.settings.config
    if config is not None:  # .kubelint.yaml: disabled ids of every stage, per-rule excludes, severities
        findings = config.filter(findings)
    return findings
