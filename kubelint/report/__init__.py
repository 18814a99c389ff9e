"""Reporters: one module per output format.

Each exposes ``render(result, options) -> str``.  ``FORMATS`` maps the
``--format`` name to the module.
"""

from __future__ import annotations

import sys

from .. import record

FORMATS = ("text", "json", "sarif", "junit", "github")


class RenderOptions(record.FrozenRecord):
    """How a report is rendered (derived from :class:`kubelint.settings.Settings`)."""

    color: bool = False
    quiet: bool = False
    excerpts: bool = True
    show_skipped: bool = False  # --show-skipped: list the files that are not manifests

    _FIELDS = ("color", "quiet", "excerpts", "show_skipped")

    def __init__(self, color=color, quiet=quiet, excerpts=excerpts, show_skipped=show_skipped):
        object.__setattr__(self, "color", color)
        object.__setattr__(self, "quiet", quiet)
        object.__setattr__(self, "excerpts", excerpts)
        object.__setattr__(self, "show_skipped", show_skipped)

    __dataclass_fields__ = record.DataclassFields(frozen=True)


def get(name: str):
    if name not in FORMATS:
        raise KeyError(name)
    module = f"{__name__}.{name}"
    __import__(module)  # importlib.import_module without importing importlib (and warnings): ~0.25 ms of a check
    return sys.modules[module]
