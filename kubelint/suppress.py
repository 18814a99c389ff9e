"""Suppressions: inline comments and the ``kubelint.io/ignore`` annotation.

* ``# kubelint: disable=rule-a,rule-b -- reason`` at the end of a line
  silences those rules for findings on that line;
* the same comment on the line of ``kind:``, or on its own line(s) just
  before the document's first key, silences them for the whole object;
* ``# kubelint: disable-file=rule-a,rule-b`` anywhere silences them for the
  whole file (``all`` silences every rule);
* ``metadata.annotations["kubelint.io/ignore"]: "rule-a,rule-b"`` silences
  them for the object;
* Helm hooks (``helm.sh/hook``: test Pods, migration Jobs) are run-once
  tasks Helm starts itself, not workloads: the workload rules of
  :data:`HOOK_EXEMPT` (bare Pod, probes, replicas) do not apply to them.

A suppression naming a rule id the catalogue does not know is itself a
``unknown-suppression`` warning (a typo would otherwise silence nothing).
"""

from __future__ import annotations


from . import record
from .lazyre import lazy
from .findings import WARNING, Finding

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Dict, List, Optional, Set, Tuple

ANNOTATION = "kubelint.io/ignore"
HOOK_ANNOTATION = "helm.sh/hook"
# Concept rules about long-running, replicated workloads: not for Helm hooks.
HOOK_EXEMPT = frozenset(
    {
        "bare-pod",
        "no-liveness-probe",
        "no-readiness-probe",
        "single-replica",
        "no-pod-disruption-budget",
        "rolling-update-downtime",
    }
)
_DIRECTIVE = lazy(r"#\s*kubelint:\s*(disable-file|disable)\s*=\s*([A-Za-z0-9_,\s-]+?)\s*(?:--.*)?$")


class Directive(record.Record):
    line: int
    column: int
    scope: str  # "line" | "file"
    rules: Tuple[str, ...]
    standalone: bool  # the comment is alone on its line
    next_line: Optional[int] = None  # first code line after a standalone comment

    _FIELDS = ("line", "column", "scope", "rules", "standalone", "next_line")

    def __init__(self, line, column, scope, rules, standalone, next_line=next_line):
        self.line = line
        self.column = column
        self.scope = scope
        self.rules = rules
        self.standalone = standalone
        self.next_line = next_line


class Directives(record.Record):
    items: List[Directive]

    _FIELDS = ("items",)

    def __init__(self, items=record.FACTORY):
        self.items = list() if items is record.FACTORY else items

    def __bool__(self) -> bool:
        return bool(self.items)


def scan(text: str) -> Optional[Directives]:
    """Find the suppression comments of a file (cheap: only lines that
    mention ``kubelint:`` are examined)."""
    if "kubelint:" not in text:
        return None
    out = Directives()
    lines = text.split("\n")
    pending: List[Directive] = []
    for i, line in enumerate(lines, 1):
        stripped = line.strip()
        if pending and stripped and not stripped.startswith("#") and stripped != "---":
            for d in pending:
                d.next_line = i
            pending = []
        if "kubelint:" not in line:
            continue
        m = _DIRECTIVE.search(line)
        if not m:
            continue
        rules = tuple(r.strip() for r in m.group(2).split(",") if r.strip())
        standalone = stripped.startswith("#")
        d = Directive(i, m.start() + 1, "file" if m.group(1) == "disable-file" else "line", rules, standalone)
        out.items.append(d)
        if standalone and d.scope == "line":
            pending.append(d)
    return out if out.items else None


def is_hook(obj) -> bool:
    """A Helm hook (``helm.sh/hook`` annotation): a test Pod, a migration Job..."""
    ann = obj.metadata.get("annotations")
    return isinstance(ann, dict) and isinstance(ann.get(HOOK_ANNOTATION), str)


def _annotation_rules(obj) -> Set[str]:
    ann = obj.metadata.get("annotations")
    if not isinstance(ann, dict):
        return set()
    v = ann.get(ANNOTATION)
    if not isinstance(v, str):
        return set()
    return {r.strip() for r in v.split(",") if r.strip()}


def apply(findings: List[Finding], directives: Dict[str, Directives], objects, ctx) -> List[Finding]:
    """The findings no suppression covers, plus a warning for every
    suppression that names an unknown rule."""
    from .engine import catalogue

    known = set(catalogue())
    object_rules, ranges, extra = _object_suppressions(objects, directives, known)
    line_rules, file_rules, extra_comments = _comment_suppressions(directives, known)

    def covers(rules: Optional[Set[str]], f: Finding) -> bool:
        return bool(rules) and (f.rule in rules or "all" in rules)

    kept = []
    for f in findings:
        if covers(file_rules.get(f.file), f) or covers(line_rules.get((f.file, f.line)), f):
            continue
        if object_rules and f.object is not None:
            start = _object_start(ranges, f.file, f.line)
            if start is not None and covers(object_rules.get((f.file, start)), f):
                continue
        kept.append(f)
    return kept + extra + extra_comments


def _object_suppressions(objects, directives: Dict[str, Directives], known: Set[str]):
    """Object-wide suppressions (the annotation, a comment on the object's
    first line or its kind line): (file, start line) -> rules, each file's
    object line ranges, and warnings for unknown rules in annotations."""
    extra: List[Finding] = []
    by_file: Dict[str, list] = {}
    for obj in objects:
        by_file.setdefault(obj.file, []).append(obj)
    object_rules: Dict[Tuple[str, int], Set[str]] = {}
    ranges: Dict[str, List[Tuple[int, int]]] = {}
    for file, objs in by_file.items():
        objs.sort(key=lambda o: o.line)
        starts = [o.line for o in objs]
        spans = []
        for k, o in enumerate(objs):
            end = starts[k + 1] - 1 if k + 1 < len(objs) else 10**12
            spans.append((o.line, end))
            rules = _annotation_rules(o)
            if is_hook(o):
                object_rules.setdefault((file, o.line), set()).update(HOOK_EXEMPT)
            if rules:
                for r in rules - known - {"all"}:
                    line, col = o.locate(("metadata", "annotations", ANNOTATION))
                    extra.append(
                        Finding(
                            "unknown-suppression",
                            WARNING,
                            f'{ANNOTATION} names unknown rule "{r}"; it silences nothing (see `kubelint rules`)',
                            file,
                            line,
                            col,
                            f"metadata.annotations.{ANNOTATION}",
                            o.ref,
                        )
                    )
                object_rules.setdefault((file, o.line), set()).update(rules)
            kind_line = o.locate(("kind",), "key")[0]
            for d in directives.get(file).items if directives.get(file) else ():
                if d.scope != "line":
                    continue
                if (
                    d.line == kind_line
                    or (d.standalone and d.next_line == o.line)
                    or (not d.standalone and d.line == o.line)
                ):
                    object_rules.setdefault((file, o.line), set()).update(d.rules)
        ranges[file] = spans
    return object_rules, ranges, extra


def _comment_suppressions(directives: Dict[str, Directives], known: Set[str]):
    """Comment suppressions of a line or a whole file, and warnings for unknown rules in them."""
    extra: List[Finding] = []
    line_rules: Dict[Tuple[str, int], Set[str]] = {}
    file_rules: Dict[str, Set[str]] = {}
    for file, ds in directives.items():
        if not ds:
            continue
        for d in ds.items:
            for r in d.rules:
                if r not in known and r != "all":
                    extra.append(
                        Finding(
                            "unknown-suppression",
                            WARNING,
                            f'suppression names unknown rule "{r}"; it silences nothing (see `kubelint rules`)',
                            file,
                            d.line,
                            d.column,
                        )
                    )
            if d.scope == "file":
                file_rules.setdefault(file, set()).update(d.rules)
            elif not d.standalone:
                line_rules.setdefault((file, d.line), set()).update(d.rules)
    return line_rules, file_rules, extra


def _object_start(ranges: Dict[str, List[Tuple[int, int]]], file: str, line: int) -> Optional[int]:
    """The first line of the object of ``file`` that contains ``line``."""
    for lo, hi in ranges.get(file, ()):
        if lo <= line <= hi:
            return lo
    return None
