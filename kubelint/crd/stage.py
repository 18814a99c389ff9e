"""The pipeline stage: CRDs (input, ``--crd``) and catalogues (``--schema-dir``)
-> validation of custom resources, in the server's order (see the package doc)."""

from __future__ import annotations

import json
import os
import sys
from _weakref import proxy  # weakref.proxy, without weakref's import (~0.4 ms of a check)

from ..findings import ERROR, INFO, WARNING, Problem
from ..settings import Settings
from ..suggest import misspelling_of
from .ids import CRD_GROUP, CRD_KIND, DEPRECATED_VERSION, OBJECT_META, RULE_SKIPPED, UNKNOWN_KIND, VERSION_NOT_SERVED

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Dict, Iterable, List, Optional, Tuple

    from .compiler import Node

# The compiler, the walker, the CRD checks, CEL and RE2 are imported when a run has a custom
# resource or a CRD: a run of built-in kinds does not pay for them (bench/startup.py).


def compile_schema(schema):
    from .compiler import compile_schema as compile

    return compile(schema)


def check_crd(obj, stage=None) -> List[Problem]:
    from .structural import check_crd as check

    return check(obj, stage)


class CrdVersion:
    __slots__ = ("name", "served", "storage", "deprecated", "warning", "schema", "_node")

    def __init__(self, crd, v: dict, shared_schema=None):

        self.name = v.get("name")
        self.served = v.get("served") is True
        self.storage = v.get("storage") is True
        self.deprecated = v.get("deprecated") is True
        self.warning = v.get("deprecationWarning") if isinstance(v.get("deprecationWarning"), str) else None
        sch = v.get("schema")
        sch = sch.get("openAPIV3Schema") if isinstance(sch, dict) else None
        self.schema = sch if isinstance(sch, dict) else shared_schema
        self._node = None

    def node(self) -> Optional[Node]:
        if self._node is None and isinstance(self.schema, dict):
            self._node = compile_schema(self.schema)
        return self._node


class Crd:
    """A CRD seen in the run (input, --crd, config)."""

    def __init__(self, obj):
        self.obj = obj
        spec = obj.data.get("spec") if isinstance(obj.data.get("spec"), dict) else {}
        self.group = spec.get("group") if isinstance(spec.get("group"), str) else ""
        names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
        self.kind = names.get("kind") if isinstance(names.get("kind"), str) else ""
        self.scope = spec.get("scope")
        self.file = obj.file
        self.versions: Dict[str, CrdVersion] = {}
        vs = spec.get("versions")
        shared = None
        if isinstance(spec.get("validation"), dict):  # v1beta1 shape
            shared = spec["validation"].get("openAPIV3Schema")
        if isinstance(vs, list):
            for v in vs:
                if isinstance(v, dict) and isinstance(v.get("name"), str):
                    self.versions[v["name"]] = CrdVersion(self, v, shared)


_ANY = []  # [Node()]: a schema without constraints (metadata checks only), made on first use


def _full_schema():
    from ..catalogue_schema import FullSchema  # loaded by catalogue_node already

    return FullSchema


def _any():
    if not _ANY:
        from .compiler import Node

        _ANY.append(Node())
    return _ANY[0]


class _CustomKinds:
    """The ``SchemaStage.custom_kinds`` hook: (apiVersion, kind) pairs the
    CRD stage validates (or reports on, e.g. an unserved version)."""

    def __init__(self, stage: "CrdStage"):
        self.stage = proxy(stage)

    def __contains__(self, key) -> bool:
        api_version, kind = key
        group, _, version = api_version.rpartition("/")
        st = self.stage
        return (
            bool(st.crds.get((group, kind)))
            or st.catalogue_node(group, version, kind) is not None
            or st.near_kind(group, kind) is not None
        )


class CrdStage:
    """The pipeline stage: CRDs and catalogues -> validation of custom resources."""

    name = "crd"
    # A CEL rule that cannot be evaluated is reported once per run (cel.Rule.reported).
    once_per_message = frozenset({RULE_SKIPPED})

    def __init__(self, version: str, settings: Optional[Settings] = None, schema_stage=None):
        cel = sys.modules.get("kubelint.cel")  # imported by an earlier run of this process (tests, editors)
        if cel is not None:
            cel.reset_budget()  # CEL evaluation budgets are per run
        self.version = version
        self.settings = settings = settings or Settings()
        self.schema_stage = schema_stage
        self.crds: Dict[Tuple[str, str], List[Crd]] = {}
        # schema-dir: in .kubelint.yaml, then --schema-dir (kubelint.settings.build)
        self.catalogues = []
        if settings.schema_dirs:
            from .catalogue import Catalogue

            self.catalogues = [Catalogue(d) for d in settings.schema_dirs]
        self._catalogue_nodes: Dict[Tuple[str, str, str], Optional[tuple]] = {}  # (path, Node or None, error)
        self._reported_unreadable = set()
        self._walker = None
        self._meta_walker = getattr(schema_stage, "walker", None)
        if schema_stage is not None:
            schema_stage.custom_kinds = _CustomKinds(self)

    @property
    def walker(self):
        """The custom-resource walker (kubelint/crd/walker.py), made on first use."""
        if self._walker is None:
            from .walker import Walker

            self._walker = Walker(self)
        return self._walker

    # -- sources --------------------------------------------------------------
    def prepare(self, objects: Iterable, ctx=None) -> None:
        for obj in objects:
            if obj.group == CRD_GROUP and obj.kind == CRD_KIND and obj.version == "v1":
                crd = Crd(obj)
                if crd.group and crd.kind:
                    self.crds.setdefault((crd.group, crd.kind), []).append(crd)

    def near_kind(self, group: str, kind: str) -> Optional[str]:
        """A kind the run's CRDs define in ``group`` that ``kind`` misspells."""
        kinds = [k for (g, k) in self.crds if g == group]
        if not kinds or kind in kinds:
            return None
        return misspelling_of(kind, kinds)

    def catalogue_node(self, group, version, kind):
        key = (group, version, kind)
        if key in self._catalogue_nodes:
            hit = self._catalogue_nodes[key]
            return hit
        hit = None
        for cat in self.catalogues:
            path = cat.find(group, version, kind)
            if not path:
                continue
            try:
                with open(path, encoding="utf-8") as fh:
                    data = json.load(fh)
                from .. import catalogue_schema

                # JSON-Schema features the walker lacks ($ref, ...): jsonschema (kubelint/catalogue_schema.py)
                hit = (path, catalogue_schema.full_schema(data, path, cat.root) or compile_schema(data), None)
            except (OSError, ValueError, RecursionError) as exc:
                hit = (path, None, f"{type(exc).__name__}: {exc}")
                continue
            break
        self._catalogue_nodes[key] = hit
        return hit

    def _crd_for(self, obj) -> Optional[Crd]:
        cands = self.crds.get((obj.group, obj.kind))
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]

        # Several CRDs for one kind (e.g. two releases in one tree): the one
        # that lives closest to the CR, then one that has the CR's version.
        def score(c):
            common = (
                os.path.commonpath([os.path.abspath(c.file), os.path.abspath(obj.file)]) if c.file and obj.file else ""
            )
            return (obj.version in c.versions, len(common))

        return max(cands, key=score)

    # -- per object -------------------------------------------------------------
    def check_object(self, obj, ctx=None) -> List[Problem]:
        if obj.group == CRD_GROUP and obj.kind == CRD_KIND:
            if obj.version != "v1":
                return []
            return self._check_crd(obj)
        schemas = getattr(self.schema_stage, "schemas", None)
        if schemas is not None and schemas.root(obj.api_version, obj.kind) is not None:
            return []  # a built-in kind
        crd = self._crd_for(obj)
        problems: List[Problem] = []
        if crd is not None:
            v = crd.versions.get(obj.version)
            if v is None or not v.served:
                served = [n for n, x in crd.versions.items() if x.served]
                why = "does not define it" if v is None else "defines it with served: false"
                fix = f"; use apiVersion: {crd.group}/{served[-1]}" if served else ""
                # Authoritative source (--crd, or the CR's own file): the server's
                # verdict.  A CRD merely found elsewhere in the tree may be another
                # release or channel than the cluster's (e.g. gateway-api standard vs
                # experimental): a warning that says so.
                explicit = crd.obj.context_only or crd.file == obj.file
                where = f" ({crd.file}:{crd.obj.line})" if not explicit else ""
                tail = (
                    ""
                    if explicit
                    else "; if your cluster installs another release or channel of this CRD, pass that one with --crd"
                )
                problems.append(
                    Problem(
                        ("apiVersion",),
                        f'version "{obj.version}" of {crd.kind} is not served: its '
                        f"CustomResourceDefinition{where} {why} "
                        f'(served: {", ".join(served) or "none"}){fix}; kubectl fails with "no matches for kind"{tail}',
                        VERSION_NOT_SERVED,
                        ERROR if explicit else WARNING,
                    )
                )
                return problems
            if v.deprecated:
                msg = v.warning or f"{crd.group}/{obj.version} {crd.kind} is deprecated"
                problems.append(
                    Problem(
                        ("apiVersion",),
                        f'deprecated version: the API server warns "{msg}"; migrate to a newer served version '
                        f"of {crd.kind}",
                        DEPRECATED_VERSION,
                        WARNING,
                    )
                )
            node = v.node()
            if node is None:
                return problems  # no schema: crd-invalid on the CRD says so
            self._validate(obj, node, problems)
            return problems
        hit = self.catalogue_node(obj.group, obj.version, obj.kind)
        if hit is None:
            near = self.near_kind(obj.group, obj.kind)
            if near is not None:
                problems.append(
                    Problem(
                        ("kind",),
                        f'no CustomResourceDefinition in the input defines kind "{obj.kind}" in {obj.group} (did '
                        f'you mean "{near}"?); '
                        f'kubectl fails with "no matches for kind" unless the cluster has another CRD for it',
                        UNKNOWN_KIND,
                        WARNING,
                    )
                )
            return problems
        if hit[1] is None:
            sev = self.settings.no_schema_severity
            if sev != "off" and (obj.group, obj.version, obj.kind) not in self._reported_unreadable:
                self._reported_unreadable.add((obj.group, obj.version, obj.kind))
                problems.append(
                    Problem(
                        ("kind",),
                        f"no schema for {obj.kind} ({obj.api_version}): the catalogue file {hit[0]} cannot be read "
                        f"({hit[2]}); "
                        "not validated. Fix or regenerate the file",
                        "no-schema",
                        ERROR if sev == "error" else INFO,
                    )
                )
        elif isinstance(hit[1], _full_schema()):
            problems.extend(hit[1].problems(obj, self.settings.no_schema_severity))
            self._metadata(obj, _any(), problems)
        else:
            self._validate(obj, hit[1], problems)
        return problems

    def _check_crd(self, obj) -> List[Problem]:
        """The CRD's own checks (crd-invalid), once per content of its ``spec`` and Kubernetes version
        (kubelint/cache.py): the schema walk, the CEL compilations and static checks are the same for
        the same inputs."""
        from .. import cache

        spec = obj.data.get("spec")
        if not isinstance(spec, dict):
            return check_crd(obj, self)
        try:
            key = cache.content_key(self.version, spec)  # check_crd's inputs (the version words the rule)
        except ValueError:  # not plain data (or nested beyond marshal's depth): checked without the cache
            return check_crd(obj, self)
        rows = cache.store_for(self.settings.cache_dir).get_or_compute(
            "crd-check", key, lambda: [tuple(p) for p in check_crd(obj, self)]
        )
        return [Problem(*row) for row in rows]

    def _validate(self, obj, node: Node, problems: list) -> None:
        self.walker.pending = []
        self.walker.root(obj, node, problems, obj.kind)
        self._metadata(obj, node, problems)
        pending, self.walker.pending = self.walker.pending, []
        if not pending:
            return
        from .. import cel
        from .walker import _blocking

        if any(_blocking(p) for p in problems):
            # customResourceStrategy.Validate: CEL runs only without blocking
            # schema errors (type, required, enum, too long/many, format).
            problems.append(
                Problem(
                    (),
                    "some validation rules were not checked because the object was invalid; correct the existing "
                    "errors "
                    "to complete validation (the API server skips x-kubernetes-validations then, and so does kubelint)",
                    RULE_SKIPPED,
                    INFO,
                    "key",
                )
            )
            return
        cel.begin_object()  # the server's RuntimeCELCostBudget is per object
        for rules, value, n, path in pending:
            problems.extend(cel.evaluate_all(rules, value, n, path))

    def _metadata(self, obj, node: Node, problems: list) -> None:
        meta = obj.data.get("metadata")
        if isinstance(meta, dict) and self._meta_walker is not None:
            try:
                self._meta_walker._object(meta, OBJECT_META, ("metadata",), problems, False)
            except KeyError:  # pragma: no cover - schema bundle without ObjectMeta
                pass
        from ..apiserver import meta as m

        for p in m.validate_object_meta(obj, m.name_is_dns_subdomain):
            if "neither a standard finalizer name" in p.message:
                # Custom resources use apimachinery's generic ValidateFinalizerName
                # (IsQualifiedName only); the fully-qualified rule is core's.
                continue
            problems.append(p if p.severity else p._replace(severity=ERROR))
        # The schema may constrain metadata.name / generateName (only those).
        mnode = (node.props or {}).get("metadata")
        if mnode is not None and mnode.props and isinstance(meta, dict):
            for f in ("name", "generateName"):
                sub = mnode.props.get(f)
                if sub is not None and isinstance(meta.get(f), str):
                    self.walker.walk(meta[f], sub, ("metadata", f), problems)

    def check_embedded_meta(self, meta: dict, path: tuple, problems: list) -> None:
        if self._meta_walker is not None:
            try:
                self._meta_walker._object(meta, OBJECT_META, path, problems, False)
            except KeyError:  # pragma: no cover
                pass
