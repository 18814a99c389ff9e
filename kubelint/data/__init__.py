"""Package data: the wheel maps schemas/ and rules/ here (see pyproject.toml).

Where the bundled schemas are and which Kubernetes versions they cover (a
leaf: :mod:`kubelint.settings` checks ``--kubernetes-version`` with it,
:mod:`kubelint.schema` reads the schemas)."""

from __future__ import annotations

import json
import os
from functools import lru_cache

# Installed wheel: kubelint/data/schemas (setuptools maps the repository's
# schemas/ there); a source checkout has no kubelint/data/schemas.
_PKG_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")


def schema_dir() -> str:
    """Where the bundled schemas are: the installed package data, else the
    source tree's ``schemas/``."""
    env = os.environ.get("KUBELINT_SCHEMA_DIR")
    if env:
        return env
    if _PKG_DIR and os.path.isfile(os.path.join(_PKG_DIR, "versions.json")):
        return _PKG_DIR
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "schemas")


def version_key(v: str):
    return tuple(int(x) for x in v.split("."))


@lru_cache(maxsize=None)
def available_versions() -> tuple:
    with open(os.path.join(schema_dir(), "versions.json"), encoding="utf-8") as fh:
        return tuple(sorted(json.load(fh)["versions"], key=version_key))


def newest_version() -> str:
    return available_versions()[-1]
