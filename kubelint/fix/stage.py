"""The fix stage: after the rules, before the reporters.

Interface::

    stage = FixStage(settings)                      # kubelint.settings.Settings
    fixes = stage.plan(path, text)                 # {finding key: Fix}, each verified alone
    outcome = stage.fix_text(path, text, unsafe)   # FileFix: fixed text + the fixes applied

A fix is *verified* before it is offered or applied: the edited text is
parsed and checked again (every per-object stage, and the cross-object
rules over the file's objects, inline suppressions and the configuration
applied), and the fix is kept only if

* the finding it fixes is gone, and
* no error or warning appears that was not there before, object by object
  (a renamed key exposes its subtree to validation for the first time:
  findings inside it are about text the fix did not touch and do not count)
  (new `info` advice does not block a fix: it may start to apply once a value
  means what its author meant).  For an
  API migration "before" is the object read at the replacement apiVersion
  (only the apiVersion swapped): the old version was never validated, and
  findings the migration cannot touch (a typo in a container) are not the
  migration's doing.

``fix_text`` applies verified fixes one at a time, re-analysing after each,
until none is left (a fix can expose another: after a migration the body is
validated for the first time).  A file that does not load cleanly (a YAML
syntax error, a Helm template, over a size limit, bad encoding) is never
edited.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from ..findings import ERROR, INFO, Finding, format_path
from ..loader import parse_text
from .fixers import FIXERS, Target, to_fix
from .model import Fix
from .yamltext import CannotEdit, compose_documents

_HELM = re.compile(r"\{\{-?\s|\{\{[-/.a-zA-Z(\"]")


def is_helm_template(path: str, text: str) -> bool:
    """A Helm chart template (``templates/`` beside a ``Chart.yaml``) or any
    text with Go-template actions: never edited."""
    if _HELM.search(text):
        return True
    if path and path != "<stdin>":
        d = os.path.dirname(os.path.abspath(path))
        while True:
            if os.path.basename(d) == "templates" and os.path.exists(os.path.join(os.path.dirname(d), "Chart.yaml")):
                return True
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
    return False


@dataclass
class Item:
    obj: object
    problem: object  # Problem (per-object stages and cross rules alike)
    finding: Finding

    def key(self):
        return (self.finding.rule, _okey(self.obj), self.finding.path, self.finding.message)


def _okey(obj) -> tuple:
    return (obj.doc_index, obj.item_index)


@dataclass
class Analysis:
    text: str
    objects: list
    items: List[Item]  # visible findings (after suppressions and configuration)
    doc_pos: Dict[int, tuple] = field(default_factory=dict)  # document index -> (line, column) of its root
    _docs: Optional[dict] = None

    def docs(self):
        if self._docs is None:
            self._docs = compose_documents(self.text)
        return self._docs

    def doc_of(self, obj):
        return self.docs().get(self.doc_pos.get(obj.doc_index))

    def by_object(self, blocking_info: bool = False, exempt=None) -> Dict[tuple, Counter]:
        out: Dict[tuple, Counter] = {}
        for it in self.items:
            if it.finding.severity == INFO and not blocking_info:
                continue
            if exempt is not None and exempt(it):
                continue
            out.setdefault(_okey(it.obj), Counter())[it.finding.rule] += 1
        for o in self.objects:
            out.setdefault(_okey(o), Counter())
        return out


@dataclass
class FileFix:
    path: str
    original: str
    text: str
    applied: List[Fix] = field(default_factory=list)
    skipped: Optional[str] = None  # why the file was not edited at all

    @property
    def changed(self) -> bool:
        return self.text != self.original


class FixStage:
    name = "fix"

    def __init__(self, settings, ctx=None):
        from ..runner import build_context

        self.settings = settings
        self.ctx = ctx or build_context(settings)
        self.schemas = next(st.schemas for st in self.ctx.stages if getattr(st, "name", "") == "schema")
        self.version = self.ctx.kubernetes_version

    # -- analysis ------------------------------------------------------------
    def analyse(self, path: str, text: str) -> Optional[Analysis]:
        """Findings of ``text`` with their objects and problems, or None if
        the text does not load cleanly."""
        from ..phases import objects_of
        from ..runner import _suppress

        loaded = parse_text(text, path, self.settings.limits)
        if any(p.severity == ERROR for p in loaded.problems):
            return None
        if "kubelint:" in text:
            from ..suppress import scan

            loaded.directives = scan(text)
        fr = objects_of(loaded)
        if any(f.severity == ERROR for f in fr.findings):
            return None
        doc_pos = {doc.index: (doc.line, doc.column) for doc in loaded.documents}
        items: List[Item] = []
        try:
            for obj in fr.objects:
                for stage in self.ctx.stages:
                    for p in stage.check_object(obj, self.ctx):
                        items.append(Item(obj, p, obj.finding(p, p.rule, p.severity)))
            items.extend(self._cross(fr.objects))
        except Exception:  # a stage's internal error: the check reports it; the file is not edited
            if self.settings.debug:
                raise
            return None
        visible = _suppress(
            [it.finding for it in items], {path: loaded.directives} if loaded.directives else {}, [fr], self.ctx
        )
        left = Counter(visible)
        kept = []
        for it in items:
            if left[it.finding] > 0:
                left[it.finding] -= 1
                kept.append(it)
        return Analysis(text, fr.objects, kept, doc_pos)

    def _cross(self, objects) -> List[Item]:
        from ..engine import ObjectIndex

        rs = self.ctx.ruleset
        if rs is None or not rs.cross:
            return []
        index = ObjectIndex(objects, rs.default_namespace)
        out = []
        for c in rs.cross:
            rctx = rs.context(c.rule, index)
            for obj, p in c.fn(index, rctx) or ():
                p = p._replace(rule=c.rule, severity=rs.severity[c.rule])
                out.append(Item(obj, p, obj.finding(p, c.rule, rs.severity[c.rule])))
        return out

    # -- planning ------------------------------------------------------------
    def candidate(self, a: Analysis, it: Item) -> Optional[Tuple[Fix, list]]:
        fx = FIXERS.get(it.finding.rule)
        if fx is None:
            return None
        doc = a.doc_of(it.obj)
        if doc is None:
            return None
        try:
            planned = fx.plan(Target(it.obj, it.problem, self.version, self.schemas, doc))
        except (KeyError, CannotEdit, IndexError, TypeError, ValueError):
            return None
        if not planned:
            return None
        title, ops = planned
        fix = to_fix(fx.rule, fx.safe, title, ops, it.obj, doc)
        if fix is None or not fix.edits:
            return None
        return fix, ops

    def verify(self, path: str, a: Analysis, it: Item, fix: Fix, ops) -> Optional[Analysis]:
        """The analysis of the fixed text when the fix is good, else None."""
        try:
            new_text = fix.apply(a.text)
        except ValueError:
            return None
        after = self.analyse(path, new_text)
        if after is None:
            return None
        # `info` findings are advice that may start to apply once a value
        # means what its author meant (replicas: "3" -> 3 makes
        # no-pod-disruption-budget relevant): they never block a fix.
        target_info = it.finding.severity == INFO
        target = _okey(it.obj)
        # A renamed key exposes its subtree to validation for the first
        # time: findings inside it are about text the fix did not touch
        # (they are reported, and fixed in turn when they have a fix).
        # Likewise a safe fix that makes a value mean what its author wrote
        # (replicas: "2" -> 2) exposes that value: findings about it
        # (single-replica at spec.replicas) are the author's, not the fix's.
        revealed = [format_path(tuple(op[1][:-1]) + (op[2],)) for op in ops if op[0] == "rename"]
        # ... and the mapping it belongs to, whose meaning the key completes
        # (a selector's matchLabels: pdb-selects-no-pods at spec.selector)
        parents = {format_path(tuple(op[1][:-1])) for op in ops if op[0] == "rename" and len(op[1]) > 1}
        if fix.safe and it.finding.rule != "removed-api":
            revealed += [format_path(tuple(op[1])) for op in ops if op[0] in ("raw", "set")]

        def exempt(i):
            p = i.finding.path
            return _okey(i.obj) == target and (
                p in parents or any(p == r or p.startswith((r + ".", r + "[")) for r in revealed)
            )

        before = a.by_object(target_info)
        now = after.by_object(target_info, exempt if revealed or parents else None)
        if set(before) != set(now):
            return None
        if it.finding.rule == "removed-api":
            swap = [op for op in ops if op[0] == "set" and op[1] == ("apiVersion",)]
            swapped_fix = to_fix(fix.rule, fix.safe, fix.title, swap, it.obj, a.doc_of(it.obj)) if swap else None
            base = self.analyse(path, swapped_fix.apply(a.text)) if swapped_fix else None
            if base is None:
                return None
            before = dict(before)
            before[target] = base.by_object(target_info).get(target, Counter())
        gone = not any(
            i.finding.rule == it.finding.rule and i.finding.path == it.finding.path
            for i in after.items
            if _okey(i.obj) == target
        )
        if not gone:
            return None
        # per object, no rule has more findings than before (a finding that
        # only moved, e.g. to the renamed key, is not new), and the fixed
        # rule has at least one fewer.
        before[target] = before[target].copy()
        before[target][it.finding.rule] -= 1
        for k, counts in now.items():
            if any(n > before[k][rule] for rule, n in counts.items()):
                return None
        return after

    def plan(self, path: str, text: str, unsafe: bool = True) -> Dict[tuple, Fix]:
        """Verified fixes for the findings of ``text``, each alone against
        the original text: ``{(rule, line, column, path): Fix}``."""
        if is_helm_template(path, text):
            return {}
        a = self.analyse(path, text)
        if a is None:
            return {}
        out = {}
        for it in a.items:
            fx = FIXERS.get(it.finding.rule)
            if fx is None or (not fx.safe and not unsafe):
                continue
            c = self.candidate(a, it)
            if c is None:
                continue
            if self.verify(path, a, it, *c) is not None:
                f = it.finding
                out[(f.rule, f.line, f.column, f.path)] = c[0]
        return out

    # -- applying ------------------------------------------------------------
    def fix_text(self, path: str, text: str, unsafe: bool = False, max_fixes: int = 10_000) -> FileFix:
        out = FileFix(path, text, text)
        if is_helm_template(path, text):
            out.skipped = "a Helm template (render it and fix the chart's sources by hand)"
            return out
        a = self.analyse(path, text)
        if a is None:
            out.skipped = "it does not load cleanly (YAML syntax error or a loader error)"
            return out
        tried = set()
        while len(out.applied) < max_fixes:
            for it in a.items:
                fx = FIXERS.get(it.finding.rule)
                if fx is None or (not fx.safe and not unsafe):
                    continue
                k = it.key()
                if k in tried:
                    continue
                tried.add(k)
                c = self.candidate(a, it)
                if c is None:
                    continue
                after = self.verify(path, a, it, *c)
                if after is None:
                    continue
                out.applied.append(c[0])
                a = after
                break
            else:
                break
        out.text = a.text
        return out

    def unsafe_available(self, a: Analysis) -> int:
        return sum(1 for it in a.items if it.finding.rule in FIXERS and not FIXERS[it.finding.rule].safe)


def finding_key(f: Finding) -> tuple:
    return (f.rule, f.line, f.column, f.path)


__all__ = ["FixStage", "FileFix", "Analysis", "is_helm_template", "finding_key", "format_path"]
