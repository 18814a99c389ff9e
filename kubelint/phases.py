"""The per-file phases of a run, shared by the serial runner
(:mod:`kubelint.runner`) and the forked workers (:mod:`kubelint.parallel`):

* :func:`objects_of` (phase 1): a loaded file's objects, List kinds
  expanded, with the loader's findings and the secrets to mask;
* :func:`check_objects` (phase 2): every per-object stage of the
  :class:`RunContext` over a file's objects.

Both work on a :class:`FileResult`.  This module imports neither the runner
nor ``parallel``: the flow is runner -> parallel -> phases.
"""

from __future__ import annotations


from . import record
from . import mask
from .findings import ERROR, Finding
from .loader import LoadedFile
from .model import KubeObject, objects_from_document
from .settings import Settings

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List, Optional


class RunContext(record.Record):
    """The stages of a run (built once by :func:`kubelint.runner.build_context`)
    and its state: the settings, and the masker that learns every secret."""

    settings: Settings
    kubernetes_version: str
    stages: list
    cross_stages: list
    # Stages that must see every object before any is checked
    # (``prepare(objects, ctx)``), e.g. CRDs anywhere in the input.
    prepare: list
    ruleset: object = None
    masker: mask.Masker

    _FIELDS = ("settings", "kubernetes_version", "stages", "cross_stages", "prepare", "ruleset", "masker")

    def __init__(
        self,
        settings,
        kubernetes_version,
        stages=record.FACTORY,
        cross_stages=record.FACTORY,
        prepare=record.FACTORY,
        ruleset=ruleset,
        masker=record.FACTORY,
    ):
        self.settings = settings
        self.kubernetes_version = kubernetes_version
        self.stages = list() if stages is record.FACTORY else stages
        self.cross_stages = list() if cross_stages is record.FACTORY else cross_stages
        self.prepare = list() if prepare is record.FACTORY else prepare
        self.ruleset = ruleset
        self.masker = mask.Masker() if masker is record.FACTORY else masker


class FileResult(record.Record):
    path: str
    findings: List[Finding]
    objects: List[KubeObject]
    documents: int = 0
    fatal: bool = False
    text: Optional[str] = None
    directives: object = None
    secrets: list  # kubelint.mask.Secret tuples (picklable)
    origin: object = None  # kubelint.render.Rendered: the stream of a rendered chart or kustomization

    _FIELDS = ("path", "findings", "objects", "documents", "fatal", "text", "directives", "secrets", "origin")

    def __init__(
        self,
        path,
        findings=record.FACTORY,
        objects=record.FACTORY,
        documents=documents,
        fatal=fatal,
        text=text,
        directives=directives,
        secrets=record.FACTORY,
        origin=origin,
    ):
        self.path = path
        self.findings = list() if findings is record.FACTORY else findings
        self.objects = list() if objects is record.FACTORY else objects
        self.documents = documents
        self.fatal = fatal
        self.text = text
        self.directives = directives
        self.secrets = list() if secrets is record.FACTORY else secrets
        self.origin = origin


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
                        ctx.masker.add(obj.file, found)
                    result.findings.append(obj.finding(problem, problem.rule, problem.severity))
            except Exception as exc:
                if ctx.settings.debug:
                    raise
                result.fatal = True
                result.findings.append(
                    Finding(
                        "internal-error",
                        ERROR,
                        f"kubelint internal error in the {getattr(stage, 'name', 'check')} "
                        f"stage: {type(exc).__name__}: {exc} "
                        "(please report it; run with --debug for a traceback)",
                        obj.file,
                        obj.line,
                        obj.column,
                        "",
                        obj.ref,
                    )
                )
    return result
