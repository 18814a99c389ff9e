"""JSON report: a stable contract (documented in README, "JSON output")."""

from __future__ import annotations

import json

from .. import __version__
from ..findings import ERROR, INFO, WARNING


def document(result) -> dict:
    return {
        "version": __version__,
        "kubernetesVersion": result.kubernetes_version,
        "findings": [f.to_json() for f in result.findings],
        "summary": {
            "files": result.files,
            "documents": result.documents,
            "errors": result.count(ERROR),
            "warnings": result.count(WARNING),
            "infos": result.count(INFO),
            # Files that are not manifests, and the charts and kustomize roots rendered (kubelint/discover.py).
            "skipped": [s.to_json() for s in result.skipped],
            "rendered": [{"tool": s.tool, "root": s.root} for s in result.rendered if not s.context_only],
        },
    }


def render(result, options=None) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
