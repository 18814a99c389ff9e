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
        },
    }


def render(result, options=None) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
