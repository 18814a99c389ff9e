"""SARIF 2.1.0 report, as GitHub code scanning ingests it
(``github/codeql-action/upload-sarif``).

* ``tool.driver``: name, version, ``informationUri`` and every rule that
  fired, with its catalogue text (short/full description, help with the
  remediation, ``helpUri`` to its section of docs/rules.md) and its default
  level.
* one result per finding: ``ruleId``/``ruleIndex``, ``level`` (error,
  warning, note), the message, a physical location whose artifact URI is
  relative to the repository root (``%SRCROOT%``) with start line and
  column, and ``partialFingerprints`` that do not depend on line numbers
  (see :func:`kubelint.report.location.identity`), so an alert survives
  unrelated edits above it.

The output validates against the OASIS SARIF 2.1.0 schema (tests ship a
copy in tests/data/).
"""

from __future__ import annotations

import json
import os
from typing import Dict, List
from urllib.parse import quote

from .. import __version__
from ..findings import ERROR, INFO, WARNING
from . import location

PROJECT_URL = "https://github.com/kubelint/kubelint"
RULES_DOC_URL = PROJECT_URL + "/blob/main/docs/rules.md"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {ERROR: "error", WARNING: "warning", INFO: "note"}
FINGERPRINT_KEY = "kubelint/v1"
_MAX_TEXT = 1000  # GitHub truncates long rule descriptions; keep them whole sentences


def _clip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1].rstrip() + "…"


def _rule_descriptor(rule_id: str, entry) -> dict:
    if entry is None:
        return {
            "id": rule_id,
            "shortDescription": {"text": rule_id},
            "helpUri": f"{RULES_DOC_URL}#{rule_id}",
            "defaultConfiguration": {"level": "error"},
        }
    summary = _clip(entry.summary or rule_id)
    full = _clip(" ".join(x for x in (entry.summary, entry.rationale) if x) or rule_id)
    help_text = " ".join(
        x for x in (entry.rationale, ("Remediation: " + entry.remediation) if entry.remediation else "") if x
    )
    help_md = f"**{entry.summary}**\n\n" if entry.summary else ""
    if entry.rationale:
        help_md += f"{' '.join(entry.rationale.split())}\n\n"
    if entry.remediation:
        help_md += f"**Remediation:** {' '.join(entry.remediation.split())}\n\n"
    help_md += f"`kubelint explain {rule_id}` shows examples."
    tags = [t for t in (entry.category, entry.source) if t]
    descriptor = {
        "id": rule_id,
        "name": "".join(p.capitalize() for p in rule_id.split("-")),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "help": {"text": " ".join(help_text.split()) or summary, "markdown": help_md},
        "helpUri": f"{RULES_DOC_URL}#{entry.id}",
        "defaultConfiguration": {"level": LEVELS.get(entry.severity, "warning")},
        "properties": {"tags": sorted(set(tags))},
    }
    return descriptor


def _raw_names(result) -> Dict[str, str]:
    """The file names as the run read them, by the visible form findings
    carry: a name that is not UTF-8 holds its undecodable bytes as lone
    surrogates (``os.fsdecode``), which kubelint.mask shows as ``\\xff``."""
    from ..mask import visible

    names = set(getattr(result, "objects", None) or ()) | set(getattr(result, "texts", None) or ())
    return {visible(n): n for n in names if visible(n) != n}


def _uri(path: str, safe: str) -> str:
    """RFC 3986: the name's bytes percent-encoded (UTF-8 for text, the file
    system's own bytes for a name that is not UTF-8)."""
    return quote(os.fsencode(path), safe=safe)


def _artifact(path: str, root: str, raw: Dict[str, str] = None) -> dict:
    path = (raw or {}).get(path, path)
    rel = location.relative(path, root)
    if rel is not None:
        return {"uri": _uri(rel, "/"), "uriBaseId": "%SRCROOT%"}
    if path == location.STDIN_NAME:
        return {"uri": "stdin"}
    absolute = os.path.abspath(path).replace(os.sep, "/")
    return {"uri": "file://" + _uri(absolute if absolute.startswith("/") else "/" + absolute, "/:")}


def _fix(f, root) -> dict:
    """SARIF 2.1.0 fix object (3.55): the replacement of each edit."""
    fix = f.fix
    return {
        "description": {"text": f"{fix.title} ({fix.applicability} fix)"},
        "artifactChanges": [
            {
                "artifactLocation": _artifact(f.file, root),
                "replacements": [
                    {
                        "deletedRegion": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
                        "insertedContent": {"text": text},
                    }
                    for sl, sc, el, ec, text in fix.edits
                ],
            }
        ],
    }


def document(result) -> dict:
    from ..engine import catalogue

    try:
        cat = catalogue()
    except Exception:  # pragma: no cover - a broken catalogue must not lose the report
        cat = {}
    root = location.repo_root()
    rule_index: Dict[str, int] = {}
    rules: List[dict] = []
    results: List[dict] = []
    seen: Dict[tuple, int] = {}
    raw = _raw_names(result)
    for f in result.findings:
        if f.rule not in rule_index:
            rule_index[f.rule] = len(rules)
            rules.append(_rule_descriptor(f.rule, cat.get(f.rule)))
        key = location.identity(f, root)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        region = {"startLine": max(int(f.line), 1), "startColumn": max(int(f.column), 1)}
        res = {
            "ruleId": f.rule,
            "ruleIndex": rule_index[f.rule],
            "level": LEVELS.get(f.severity, "warning"),
            # the server's words and kubelint's hint as one text; the hint alone in properties
            "message": {"text": f.text()},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(f.file, root, raw), "region": region}}],
            "partialFingerprints": {FINGERPRINT_KEY: location.fingerprint(key, occurrence)},
        }
        if f.fix is not None:
            res["fixes"] = [_fix(f, root)]
        if f.object is not None or f.path or f.hint:
            props = {}
            if f.hint:
                props["hint"] = f.hint
            if f.object is not None:
                props["object"] = f.object.display()
            if f.path:
                props["path"] = f.path
            if f.origin is not None:  # a rendered chart or kustomization (kubelint/render/)
                props["render"] = f.origin.to_json()
            res["properties"] = props
        results.append(res)
    root_uri = "file://" + _uri(root.replace(os.sep, "/").rstrip("/") + "/", "/:")
    if not root_uri.startswith("file:///"):
        root_uri = root_uri.replace("file://", "file:///", 1)
    run = {
        "tool": {
            "driver": {
                "name": "kubelint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": PROJECT_URL,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"kubernetesVersion": result.kubernetes_version},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result, options=None) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
