"""Reporters: one module per output format.

Each exposes ``render(result, options) -> str``.  ``FORMATS`` maps the
``--format`` name to the module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

FORMATS = ("text", "json", "sarif", "junit", "github")


@dataclass(frozen=True)
class RenderOptions:
    """How a report is rendered (derived from :class:`kubelint.settings.Settings`)."""

    color: bool = False
    quiet: bool = False
    excerpts: bool = True
    show_skipped: bool = False  # --show-skipped: list the files that are not manifests


def get(name: str):
    if name not in FORMATS:
        raise KeyError(name)
    return importlib.import_module(f"{__name__}.{name}")
