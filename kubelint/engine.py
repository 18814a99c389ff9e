"""Rule engine: the catalogue (``rules/*.yaml``) plus the check functions
(``kubelint/checks/*.py``) registered under the same ids.

Adding a rule touches two places, each fact in one of them: the catalogue
entry (id, severity, texts, ``kinds``, ``params`` with their defaults,
examples) and one function registered under the id (the logic):

    from kubelint.engine import check, check_all

    @check("bare-pod")               # kinds: [Pod] in rules/workloads.yaml
    def bare_pod(obj, ctx):          # ctx: RuleContext (params, index, settings)
        if not obj.metadata.get("ownerReferences"):
            yield Problem(("kind",), "Pod ... ; use a Deployment")

    @check_all("service-selects-no-pods")
    def service_selects_no_pods(index, ctx):
        for svc in index.of_kind("", "Service"):
            ...
            yield svc, Problem(("spec", "selector"), "...")

Single-object checks get every object whose kind is in the entry's ``kinds``
(all objects when it has none); for cross-object checks ``kinds`` documents
what the rule looks at.  ``ctx.params`` holds every parameter the entry
declares (its default, or the configuration's value): checks read
``ctx.params["name"]`` and never repeat a default.  Cross-object checks get the
:class:`ObjectIndex` of the whole run and yield ``(object, Problem)``: they
may read any object but report on one.  The engine stamps rule id and
severity (from the catalogue or the configuration); checks never do.

The catalogue is YAML, one file per family, a list of entries::

    - id: bare-pod
      severity: warning
      category: reliability
      summary: one line
      rationale: the concept it protects
      remediation: how to fix it
      kinds: [Pod]
      params: {}
      profiles: [recommended]     # optional; omitted = [recommended]; [] = opt-in
      examples:
        - bad: |
            apiVersion: v1 ...
        - good: |
            ...

Entries without a Python check (``source`` other than ``rules``) document
ids emitted by the loader, the schema layer or the API-server checks.
"""

from __future__ import annotations

import os
from collections import defaultdict
from functools import lru_cache

from . import record
from .findings import SEVERITIES, Finding, Problem
from .kinds import forget, namespace_of, remember
from .settings import PROFILES, RECOMMENDED, Settings  # noqa: F401  (engine.PROFILES: the rule sets)

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Callable, Dict, Iterable, Iterator, List, Optional, Tuple


# ---------------------------------------------------------------------------
# Registry


class CheckFn(record.Record):
    rule: str
    fn: Callable
    cross: bool = False

    _FIELDS = ("rule", "fn", "cross")

    def __init__(self, rule, fn, cross=cross):
        self.rule = rule
        self.fn = fn
        self.cross = cross


_CHECKS: Dict[str, CheckFn] = {}


def check(rule: str, **legacy):
    """Register a single-object check for catalogue entry ``rule``; the kinds
    it applies to are the entry's ``kinds``."""
    if legacy:
        raise TypeError(
            f"@check({rule!r}, {', '.join(legacy)}=...): a rule's kinds and parameters are declared once, "
            "in its catalogue entry (rules/*.yaml); remove the argument"
        )

    def deco(fn):
        _CHECKS[rule] = CheckFn(rule, fn)
        return fn

    return deco


def check_all(rule: str):
    """Register a cross-object check for catalogue entry ``rule``."""

    def deco(fn):
        _CHECKS[rule] = CheckFn(rule, fn, True)
        return fn

    return deco


def registered_checks() -> Dict[str, CheckFn]:
    _import_rule_modules()
    return dict(_CHECKS)


@lru_cache(maxsize=None)
def _import_rule_modules() -> None:
    from . import checks as pkg

    for name in _module_names(pkg.__path__[0]):
        __import__(f"{pkg.__name__}.{name}")  # importlib.import_module, without importing importlib


def _module_names(directory: str) -> List[str]:
    """The modules of a package directory, sources or a sourceless install's bytecode (``pkgutil.iter_modules``
    without importing pkgutil: 2 ms of a one-file check)."""
    names = {f.rpartition(".")[0] for f in os.listdir(directory) if f.endswith((".py", ".pyc"))}
    return sorted(names - {"__init__"})


# ---------------------------------------------------------------------------
# Rule sets (profiles)
#
# A catalogue entry may say ``profiles: [recommended, pss-baseline, ...]``;
# without the key it is in ``recommended``; ``profiles: []`` makes it opt-in
# (only in ``all``, or when enabled by id).  ``all`` is every rule.  Rules
# whose severity is ``error`` (the server rejects the object) and the ids of
# the other stages are on whatever the profile.

# RECOMMENDED and PROFILES (the names --profile / profile: accept) live in
# kubelint.settings beside the other option values.


def profile_rules(profiles: Iterable[str]) -> set:
    """Ids of the concept rules in the union of ``profiles``."""
    cat = catalogue()
    wanted = set(profiles)
    return {rid for rid, e in cat.items() if e.source == "rules" and ("all" in wanted or wanted & set(e.profiles))}


# ---------------------------------------------------------------------------
# Catalogue


class RuleEntry(record.Record):
    id: str
    severity: str
    summary: str
    category: str = ""
    rationale: str = ""
    remediation: str = ""
    kinds: Tuple[str, ...] = ()
    params: dict
    examples: List[dict]
    source: str = "rules"  # rules | loader | schema | apiserver | crd
    family: str = ""  # the catalogue file it came from
    profiles: Tuple[str, ...] = (RECOMMENDED,)  # rule sets it belongs to; () = opt-in (see PROFILES)

    _FIELDS = (
        "id",
        "severity",
        "summary",
        "category",
        "rationale",
        "remediation",
        "kinds",
        "params",
        "examples",
        "source",
        "family",
        "profiles",
    )

    def __init__(
        self,
        id,
        severity,
        summary,
        category=category,
        rationale=rationale,
        remediation=remediation,
        kinds=kinds,
        params=record.FACTORY,
        examples=record.FACTORY,
        source=source,
        family=family,
        profiles=profiles,
    ):
        self.id = id
        self.severity = severity
        self.summary = summary
        self.category = category
        self.rationale = rationale
        self.remediation = remediation
        self.kinds = kinds
        self.params = dict() if params is record.FACTORY else params
        self.examples = list() if examples is record.FACTORY else examples
        self.source = source
        self.family = family
        self.profiles = profiles


def catalogue_dir() -> str:
    env = os.environ.get("KUBELINT_RULES_DIR")
    if env:
        return env
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "rules")  # installed wheel
    if os.path.isdir(d) and any(f.endswith(".yaml") for f in os.listdir(d)):
        return d
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rules")


class CatalogueError(Exception):
    pass


@lru_cache(maxsize=None)
def catalogue() -> Dict[str, RuleEntry]:
    """Every rule id kubelint can emit, from ``rules/*.yaml``."""
    out: Dict[str, RuleEntry] = {}
    for name, entries in _catalogue_files(catalogue_dir()):
        for e in entries or ():
            try:
                entry = RuleEntry(
                    id=e["id"],
                    severity=e["severity"],
                    summary=e["summary"],
                    category=e.get("category", ""),
                    rationale=e.get("rationale", ""),
                    remediation=e.get("remediation", ""),
                    kinds=tuple(e.get("kinds") or ()),
                    params=dict(e.get("params") or {}),
                    examples=list(e.get("examples") or []),
                    source=e.get("source", "rules"),
                    family=name[:-5],
                    profiles=tuple(e["profiles"]) if "profiles" in e else (RECOMMENDED,),
                )
            except (KeyError, TypeError) as exc:
                raise CatalogueError(f"{name}: bad catalogue entry {e!r}: {exc}") from exc
            if entry.severity not in SEVERITIES:
                raise CatalogueError(f"{name}: {entry.id}: severity must be one of {SEVERITIES}")
            bad = [p for p in entry.profiles if p not in PROFILES or p == "all"]
            if bad:
                raise CatalogueError(
                    f"{name}: {entry.id}: unknown profile {bad[0]!r} (one of "
                    f"{', '.join(p for p in PROFILES if p != 'all')}; every rule is in all)"
                )
            if entry.id in out:
                raise CatalogueError(f"{name}: duplicate rule id {entry.id}")
            out[entry.id] = entry
    return out


def _catalogue_files(d: str):
    """``[(file name, its parsed YAML)]`` for the ``*.yaml`` files of the catalogue directory ``d``, in name
    order: parsed once per set of files (kubelint/cache.py: parsing the catalogue is most of a one-file
    check's own work), which is known, as the cache's version key knows kubelint's own files, by the files'
    names, sizes and modification times: one entry, not a read and a hash of every file (~0.5 ms)."""
    from .cache import content_key, process_store

    names = sorted(n for n in os.listdir(d) if n.endswith(".yaml"))
    stats = []
    for name in names:
        st = os.stat(os.path.join(d, name))
        stats.append(f"{name}\0{st.st_size}\0{st.st_mtime_ns}")

    def parse():
        out = []
        for name in names:
            with open(os.path.join(d, name), "rb") as fh:
                out.append((name, _parse_catalogue(fh.read())))
        return out

    return process_store().get_or_compute("catalogue", content_key(os.path.abspath(d), *stats), parse)


def _parse_catalogue(raw: bytes):
    import yaml  # only when the parsed catalogue is not in the cache

    return yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# ---------------------------------------------------------------------------
# Object index (built once per run, for cross-object rules)


class ObjectIndex:
    """Every object of the run, namespace-aware.

    An object without ``metadata.namespace`` is in ``default_namespace``
    (the config or ``--namespace``; ``default``), except cluster-scoped
    kinds, whose namespace is ``None``.

    **Targets** are the objects findings may be reported on: with
    ``targets_only`` (the cross-object stage), every object but the
    ``context_only`` ones (``--context``, ``--crd``, ``--policy`` files),
    which cross-object checks read through the lookups (``objects``,
    ``of_kind``, ``get``) and never report on; otherwise every object.
    Checks take their subjects from ``targets`` / ``targets_of_kind`` and
    ask ``is_target`` of an object they found by a lookup, so a pre-commit
    run of 5 files with 500 context files does the work of 5 files, not
    505, with the same findings on the 5.
    """

    def __init__(self, objects, default_namespace: str = "default", targets_only: bool = False):
        from .kinds import is_cluster_scoped

        self.objects = list(objects)
        self.default_namespace = default_namespace
        self.targets_only = targets_only and any(getattr(o, "context_only", False) for o in self.objects)
        self.targets = [o for o in self.objects if not o.context_only] if self.targets_only else self.objects
        self._targets_by_kind: Dict[Tuple[str, str], list] = {}
        self._by_kind: Dict[Tuple[str, str], list] = defaultdict(list)
        self._by_name: Dict[Tuple[str, str, Optional[str], str], list] = defaultdict(list)
        self._ns: Dict[int, Optional[str]] = {}  # id(obj) -> its namespace (the index keeps the objects alive)
        for obj in self.objects:
            self._by_kind[(obj.group, obj.kind)].append(obj)
            ns = self._ns[id(obj)] = namespace_of(obj, default_namespace)
            if obj.name is not None:
                self._by_name[(obj.group, obj.kind, ns, obj.name)].append(obj)
        self._cluster_scoped = is_cluster_scoped

    def namespace_of(self, obj) -> Optional[str]:
        ns = self._ns.get(id(obj), self)
        return namespace_of(obj, self.default_namespace) if ns is self else ns

    def of_kind(self, group: str, kind: str) -> list:
        return self._by_kind.get((group, kind), [])

    def targets_of_kind(self, group: str, kind: str) -> list:
        """``of_kind`` less the objects no finding may be reported on."""
        if not self.targets_only:
            return self.of_kind(group, kind)
        out = self._targets_by_kind.get((group, kind))
        if out is None:
            out = self._targets_by_kind[(group, kind)] = [o for o in self.of_kind(group, kind) if not o.context_only]
        return out

    def is_target(self, obj) -> bool:
        """Whether a finding may be reported on ``obj`` (see the class docstring)."""
        return not (self.targets_only and obj.context_only)

    def get(self, group: str, kind: str, namespace: Optional[str], name: str) -> list:
        return self._by_name.get((group, kind, namespace, name), [])

    def has(self, group: str, kind: str, namespace: Optional[str], name: str) -> bool:
        return bool(self._by_name.get((group, kind, namespace, name)))

    def in_namespace(self, namespace: Optional[str]) -> Iterator:
        for obj in self.objects:
            if self.namespace_of(obj) == namespace:
                yield obj


# ---------------------------------------------------------------------------
# Stages


class RuleContext(record.Record):
    """What a check sees besides the object: its parameters, the run's
    settings (:class:`kubelint.settings.Settings`) and (for cross-object
    checks) the index."""

    params: dict
    settings: object
    index: Optional[ObjectIndex] = None
    default_namespace: str = "default"
    enabled: frozenset = frozenset()  # ids of every rule enabled in this run

    _FIELDS = ("params", "settings", "index", "default_namespace", "enabled")

    def __init__(self, params, settings, index=index, default_namespace=default_namespace, enabled=enabled):
        self.params = params
        self.settings = settings
        self.index = index
        self.default_namespace = default_namespace
        self.enabled = enabled

    def namespace_of(self, obj) -> Optional[str]:
        return namespace_of(obj, self.default_namespace)


class RuleSet:
    """The enabled rules of a run, with their effective severity and params."""

    def __init__(self, settings: Optional[Settings] = None):
        self.settings = settings = settings or Settings()
        config = settings.config
        cat = catalogue()
        checks = registered_checks()
        self.severity: Dict[str, str] = {rid: e.severity for rid, e in cat.items()}
        self.params: Dict[str, dict] = {rid: dict(e.params) for rid, e in cat.items()}
        # --profile > profile: > recommended (build() resolves the first two; Settings(config=...) made by hand too)
        self.profiles = profiles = settings.profiles or (config.profiles if config else ()) or (RECOMMENDED,)
        members = profile_rules(profiles)
        self.enabled = {rid for rid, e in cat.items() if e.source != "rules" or e.severity == "error" or rid in members}
        if config is not None:
            config.apply(self)
        self.default_namespace = settings.default_namespace
        self.single: Dict[str, List[CheckFn]] = defaultdict(list)  # kind -> checks ("" = any)
        self.cross: List[CheckFn] = []
        for rid, c in sorted(checks.items()):
            if rid not in self.enabled or rid not in cat:
                continue
            if c.cross:
                self.cross.append(c)
            else:
                for k in cat[rid].kinds or ("",):
                    self.single[k].append(c)

    def context(self, rid: str, index=None) -> RuleContext:
        return RuleContext(
            self.params.get(rid, {}), self.settings, index, self.default_namespace, frozenset(self.enabled)
        )


class RulesStage:
    """Single-object rules: ``check_object(obj, ctx) -> [Problem]``."""

    name = "rules"

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self._ctx = {}
        self._plan = {}  # kind -> _plan_for(kind)

    def check_object(self, obj, ctx=None) -> List[Problem]:
        out = []
        plan = self._plan.get(obj.kind)
        if plan is None:
            plan = self._plan[obj.kind] = self._plan_for(obj.kind)
        remember()  # what the rules derive from the object (kinds.derived), computed once for all of them
        try:
            for fn, rctx, rule, severity in plan:
                for p in fn(obj, rctx) or ():
                    out.append(p._replace(rule=rule, severity=severity))
        finally:
            forget()
        return out

    def _plan_for(self, kind: str) -> list:
        """(function, context, rule id, severity) of every rule that checks an object of ``kind``."""
        rs = self.ruleset
        plan = []
        for c in rs.single.get(kind, []) + rs.single.get("", []):
            rctx = self._ctx.get(c.rule)
            if rctx is None:
                rctx = self._ctx[c.rule] = rs.context(c.rule)
            plan.append((c.fn, rctx, c.rule, rs.severity[c.rule]))
        return plan


class CrossStage:
    """Cross-object rules: ``check_all(objects, ctx) -> [Finding]``.

    Context objects are read, never reported on: the checks compute findings
    for the targets only (``ObjectIndex(targets_only=True)``).
    ``targets_only=False`` makes every object a subject and drops the
    findings on context objects afterwards (the same findings, more work:
    tests compare the two)."""

    name = "cross"

    def __init__(self, ruleset: RuleSet, targets_only: bool = True):
        self.ruleset = ruleset
        self.targets_only = targets_only

    def check_all(self, objects, ctx=None) -> List[Finding]:
        rs = self.ruleset
        if not rs.cross:
            return []
        index = ObjectIndex(objects, rs.default_namespace, self.targets_only)
        out = []
        remember()  # what the rules derive from each object (kinds.derived), once for all the rules
        try:
            for c in rs.cross:
                rctx = rs.context(c.rule, index)
                for obj, p in c.fn(index, rctx) or ():
                    if getattr(obj, "context_only", False):  # a check that reported on a context object anyway
                        continue
                    out.append(obj.finding(p, c.rule, rs.severity[c.rule]))
        finally:
            forget()
        return out
