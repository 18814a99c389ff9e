"""Hover: what a field is, and what a finding means.

* :func:`field_at` -- the object and the path of the key or value under the
  cursor, from the position shadow (kubelint.positions);
* :func:`describe_builtin` -- the field's type and description in the bundled
  schemas of the Kubernetes version in force (types from ``schemas/``,
  descriptions from ``schemas/docs/``, see scripts/gen_schema_docs.py);
* :func:`describe_custom` -- the same from a CRD's ``openAPIV3Schema``
  (CRDs of the workspace or the document);
* :func:`explain` -- a rule's catalogue entry as ``kubelint explain`` prints it.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Iterable, List, Optional, Tuple

from ..findings import format_path


# -- where the cursor is -------------------------------------------------------
def field_at(objects: Iterable, line: int, column: int) -> Optional[Tuple[object, tuple]]:
    """``(object, path)`` of the key or scalar value at (line, column)
    (1-based, code points), or None.  The deepest match wins."""
    for obj in objects:
        best = _search(obj.shadow, (), line, column)
        if best is not None:
            return obj, best
    return None


def _search(shadow, path, line, column) -> Optional[tuple]:
    best = None
    best_col = -1
    stack = [(shadow, path)]
    while stack:
        (l, c, children), p = stack.pop()
        if children is None:
            if l == line and c <= column and c > best_col and p:
                best, best_col = p, c
            continue
        if isinstance(children, dict):
            for key, (kl, kc, child) in children.items():
                if kl == line and kc <= column and kc > best_col:
                    best, best_col = p + (key,), kc
                stack.append((child, p + (key,)))
        else:
            for i, child in enumerate(children):
                stack.append((child, p + (i,)))
    return best


# -- built-in kinds ------------------------------------------------------------
def _docs_dir() -> str:
    from ..schema import schema_dir

    return os.path.join(schema_dir(), "docs")


@lru_cache(maxsize=None)
def _docs_index(version: str) -> dict:
    with open(os.path.join(_docs_dir(), f"v{version}.json"), encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=None)
def _docs_shard(name: str) -> dict:
    with open(os.path.join(_docs_dir(), name), encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def _texts() -> dict:
    with open(os.path.join(_docs_dir(), "texts.json"), encoding="utf-8") as f:
        return json.load(f)


def _doc(version: str, defname: str) -> dict:
    try:
        shard = _docs_index(version).get(defname.rsplit(".", 1)[0])
        return _docs_shard(shard).get(defname, {}) if shard else {}
    except (OSError, ValueError):
        return {}


def _text(key: Optional[str]) -> str:
    try:
        return _texts().get(key, "") if key else ""
    except (OSError, ValueError):  # KUBELINT_SCHEMA_DIR without docs/
        return ""


def type_label(t) -> str:
    """A compiled schema type (kubelint.schema) as a reader names it."""
    if isinstance(t, str):
        if t.startswith("#"):
            return t[1:].rsplit(".", 1)[-1]
        return {
            "integer:int32": "integer (int32)",
            "integer:int64": "integer (int64)",
            "string:date-time": "string (RFC 3339 date-time)",
            "string:byte": "string (base64 bytes)",
            "quantity": "quantity (e.g. 500m, 1Gi)",
            "int-or-string": "integer or string",
            "any": "any JSON value",
        }.get(t, t)
    if isinstance(t, list):
        extra = f", x-kubernetes-list-type: {t[2]}" if len(t) > 2 and t[2] else ""
        keys = f" (keys: {', '.join(t[3])})" if len(t) > 3 and t[3] else ""
        return f"list of {type_label(t[1])}{extra}{keys}"
    if isinstance(t, dict):
        return f"map of string to {type_label(t.get('map'))}"
    return "unknown"


def describe_builtin(schemas, api_version: str, kind: str, path: tuple) -> Optional[dict]:
    """``{"field", "type", "description", "definition"}`` of ``path`` in a
    built-in kind, or None when the kind or the path is not in the schema."""
    root = schemas.root(api_version, kind)
    if root is None:
        return None
    version = schemas.version
    t = "#" + root
    owner, field = None, None
    for elem in path:
        if isinstance(t, str) and t.startswith("#"):
            if isinstance(elem, int):
                return None
            d = schemas.definition(t[1:])
            nt = d.get("p", {}).get(elem)
            if nt is None:
                return None
            owner, field, t = t[1:], elem, nt
        elif isinstance(t, list):
            if not isinstance(elem, int):
                return None
            t = t[1]
        elif isinstance(t, dict):
            t = t.get("map")
        else:
            return None
    description = ""
    if owner is not None and field is not None and path and not isinstance(path[-1], int):
        description = _text(_doc(version, owner).get("f", {}).get(field))
    if not description and isinstance(t, str) and t.startswith("#"):
        description = _text(_doc(version, t[1:]).get("d"))
    return {
        "field": format_path(path) or kind,
        "type": type_label(t),
        "description": description,
        "definition": t[1:] if isinstance(t, str) and t.startswith("#") else (owner or root),
        "source": f"Kubernetes {version} API ({api_version} {kind})",
    }


# -- custom resources ----------------------------------------------------------
def _crd_schema(crd_obj, group: str, version: str, kind: str) -> Optional[dict]:
    spec = crd_obj.data.get("spec")
    if not isinstance(spec, dict) or spec.get("group") != group:
        return None
    names = spec.get("names")
    if not isinstance(names, dict) or names.get("kind") != kind:
        return None
    shared = spec.get("validation", {}).get("openAPIV3Schema") if isinstance(spec.get("validation"), dict) else None
    for v in spec.get("versions") or ():
        if isinstance(v, dict) and v.get("name") == version:
            sch = v.get("schema")
            s = sch.get("openAPIV3Schema") if isinstance(sch, dict) else None
            return s if isinstance(s, dict) else shared if isinstance(shared, dict) else None
    return None


def _schema_type(s: dict) -> str:
    t = s.get("type")
    if s.get("x-kubernetes-int-or-string"):
        return "integer or string"
    if s.get("x-kubernetes-preserve-unknown-fields") and not t:
        return "any JSON value"
    if t == "array":
        items = s.get("items") if isinstance(s.get("items"), dict) else {}
        return f"list of {_schema_type(items)}"
    if t == "object" and isinstance(s.get("additionalProperties"), dict) and not s.get("properties"):
        return f"map of string to {_schema_type(s['additionalProperties'])}"
    label = str(t) if t else "any"
    if s.get("format"):
        label += f" ({s['format']})"
    if isinstance(s.get("enum"), list):
        label += ": one of " + ", ".join(json.dumps(e) for e in s["enum"][:20])
    return label


def describe_custom(crd_objects: Iterable, api_version: str, kind: str, path: tuple) -> Optional[dict]:
    """The same as :func:`describe_builtin` for a custom resource, from the
    first CRD of ``crd_objects`` that serves ``api_version`` ``kind``."""
    group, _, version = api_version.rpartition("/")
    for crd in crd_objects:
        s = _crd_schema(crd, group, version, kind)
        if s is None:
            continue
        for elem in path:
            if not isinstance(s, dict):
                return None
            if isinstance(elem, int):
                s = s.get("items")
            elif isinstance(s.get("properties"), dict) and elem in s["properties"]:
                s = s["properties"][elem]
            elif isinstance(s.get("additionalProperties"), dict):
                s = s["additionalProperties"]
            elif elem in ("apiVersion", "kind", "metadata") and len(path) == 1:
                return None  # the built-in ObjectMeta / TypeMeta: not in the CRD
            else:
                return None
        if not isinstance(s, dict):
            return None
        name = crd.name or f"{kind} CRD"
        return {
            "field": format_path(path) or kind,
            "type": _schema_type(s),
            "description": str(s.get("description") or ""),
            "definition": None,
            "source": f"CustomResourceDefinition {name} ({os.path.basename(crd.file)}:{crd.line})",
        }
    return None


def render_field(info: dict) -> str:
    lines = [f"**{info['field']}**: `{info['type']}`", ""]
    if info.get("description"):
        lines += [info["description"], ""]
    lines.append(f"*{info['source']}*")
    return "\n".join(lines)


# -- rules ------------------------------------------------------------------------
def explain(rule: str) -> Optional[str]:
    """A rule's catalogue entry (``kubelint explain RULE``) as Markdown."""
    from ..engine import catalogue
    from .convert import rule_url

    e = catalogue().get(rule)
    if e is None:
        return None
    out: List[str] = [f"**{e.id}** ({e.severity}{', ' + e.category if e.category else ''})", "", e.summary, ""]
    if e.rationale:
        out += ["**Why:** " + " ".join(e.rationale.split()), ""]
    if e.remediation:
        out += ["**Fix:** " + " ".join(e.remediation.split()), ""]
    if e.kinds:
        out += [f"Applies to: {', '.join(e.kinds)}", ""]
    for ex in e.examples[:1]:
        for label in ("bad", "good"):
            if label in ex:
                out += [f"{label.capitalize()} example:", "```yaml", ex[label].rstrip("\n"), "```", ""]
    out.append(f"[{e.id} in the rule reference]({rule_url(e.id)}) · `kubelint explain {e.id}`")
    return "\n".join(out)
