"""Typed objects: one :class:`KubeObject` per Kubernetes object in the input.

A document is one object, except ``kind: List`` and other ``*List`` kinds
with an ``items`` array, which kubectl's resource builder flattens into their
items (cli-runtime FlattenListVisitor).  A document that is not a mapping, or
lacks ``apiVersion``/``kind``, becomes a finding instead of an object.
"""

from __future__ import annotations


from .findings import ERROR, Finding, ObjectRef, Path, Problem, format_path
from .loader import Document
from .positions import locate

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List, Optional, Tuple


class KubeObject:
    __slots__ = (
        "data",
        "shadow",
        "file",
        "doc_index",
        "item_index",
        "api_version",
        "group",
        "version",
        "kind",
        "name",
        "namespace",
        "labels",
        "line",
        "column",
        "_ref",
        "context_only",
    )

    def __init__(self, data: dict, shadow: tuple, file: str, doc_index: int, item_index: Optional[int] = None):
        self.data = data
        self.shadow = shadow
        self.file = file
        self.doc_index = doc_index
        self.item_index = item_index
        self.api_version = data.get("apiVersion") if isinstance(data.get("apiVersion"), str) else ""
        self.kind = data.get("kind") if isinstance(data.get("kind"), str) else ""
        group, _, version = self.api_version.rpartition("/")
        self.group = group
        self.version = version
        meta = data.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        name = meta.get("name")
        self.name = name if isinstance(name, str) else None
        ns = meta.get("namespace")
        self.namespace = ns if isinstance(ns, str) and ns else None
        labels = meta.get("labels")
        self.labels = {k: v for k, v in labels.items() if isinstance(v, str)} if isinstance(labels, dict) else {}
        self.line, self.column = shadow[0], shadow[1]
        self._ref = None
        self.context_only = False  # loaded with --context/--crd: seen by rules, never reported

    @property
    def metadata(self) -> dict:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def ref(self) -> ObjectRef:
        if self._ref is None:
            name = self.name
            if name is None:
                gen = self.metadata.get("generateName")
                name = f"{gen}*" if isinstance(gen, str) else None
            self._ref = ObjectRef(self.api_version, self.kind, self.namespace, name)
        return self._ref

    def locate(self, path: Path, at: str = "value") -> Tuple[int, int]:
        return locate(self.shadow, path, at)

    def finding(self, problem: Problem, rule: str, severity: str) -> Finding:
        line, col = self.locate(problem.path, problem.at)
        return Finding(
            rule,
            severity,
            problem.message,
            self.file,
            line,
            col,
            format_path(problem.path) if problem.field is None else problem.field,
            self.ref,
            hint=problem.hint,
        )

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<KubeObject {self.ref.display()} {self.file}:{self.line}>"


def objects_from_document(doc: Document) -> Tuple[List[KubeObject], List[Finding]]:
    data = doc.data
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a scalar"
        return [], [
            Finding(
                "not-an-object",
                ERROR,
                f"document is {kind}, not a Kubernetes object (a mapping with apiVersion and kind); kubectl cannot "
                "decode it",
                doc.file,
                doc.line,
                doc.column,
            )
        ]
    problems = _type_problems(data, doc.shadow, doc.file)
    if problems:
        return [], problems
    kind = data["kind"]
    items = data.get("items")
    if kind.endswith("List") and isinstance(items, list):
        objects, findings = [], []
        entry = doc.shadow[2].get("items") if isinstance(doc.shadow[2], dict) else None
        shadows = entry[2][2] if entry else None
        for i, item in enumerate(items):
            shadow = shadows[i] if isinstance(shadows, list) and i < len(shadows) else doc.shadow
            if not isinstance(item, dict):
                findings.append(
                    Finding(
                        "not-an-object",
                        ERROR,
                        f"{kind} item {i} is not a Kubernetes object (a mapping with apiVersion and kind)",
                        doc.file,
                        shadow[0],
                        shadow[1],
                    )
                )
                continue
            item_problems = _type_problems(item, shadow, doc.file)
            if item_problems:
                findings.extend(item_problems)
                continue
            objects.append(KubeObject(item, shadow, doc.file, doc.index, i))
        return objects, findings
    return [KubeObject(data, doc.shadow, doc.file, doc.index)], []


def _type_problems(data: dict, shadow: tuple, file: str) -> List[Finding]:
    out = []
    for field in ("apiVersion", "kind"):
        value = data.get(field)
        if value is None or value == "":
            line, col = shadow[0], shadow[1]
            out.append(
                Finding(
                    "missing-type",
                    ERROR,
                    f"object has no {field}: kubectl cannot tell what it is (Object "
                    f"'{'Kind' if field == 'kind' else 'apiVersion'}' is missing); add {field}",
                    file,
                    line,
                    col,
                )
            )
        elif not isinstance(value, str):
            line, col = locate(shadow, (field,))
            out.append(
                Finding(
                    "missing-type", ERROR, f"{field} must be a string, found {type_name(value)}", file, line, col, field
                )
            )
    return out


def type_name(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
