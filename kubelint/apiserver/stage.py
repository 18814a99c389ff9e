"""The API-server pipeline stage: every registered validator (:mod:`.registry`)
of an object's kind, plus those for every built-in kind."""

from __future__ import annotations

import os
from functools import lru_cache

from .. import record
from ..findings import ERROR, Problem
from .gates import enabled as gate_enabled
from .validation import words_of
from .registry import _VALIDATORS, ANY

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List, Tuple


@lru_cache(maxsize=None)
def _load_modules() -> None:
    """Import every validator module of this package (they register themselves)."""
    package = __name__.rpartition(".")[0]
    # pkgutil.iter_modules without importing pkgutil (2 ms of a one-file check): sources, or bytecode
    names = {f.rpartition(".")[0] for f in os.listdir(os.path.dirname(__file__)) if f.endswith((".py", ".pyc"))}
    for name in sorted(names - {"__init__", "registry", "stage", "gates"}):
        __import__(f"{package}.{name}")  # importlib.import_module, without importing importlib


class ApiContext(record.Record):
    """What a validator may consult besides the object."""

    kubernetes_version: Tuple[int, int]  # (1, 37)
    options: object = None

    _FIELDS = ("kubernetes_version", "options")

    def __init__(self, kubernetes_version, options=options):
        self.kubernetes_version = kubernetes_version
        self.options = options

    def at_least(self, minor: int) -> bool:
        return self.kubernetes_version >= (1, minor)

    def gate(self, name: str) -> bool:
        """Whether this release's API server has the feature gate on by default (:mod:`.gates`)."""
        return gate_enabled(name, self.kubernetes_version[1])


class ApiServerStage:
    """``check_object(obj, ctx) -> [Problem]`` for built-in kinds."""

    name = "apiserver"

    def __init__(self, version: str, options=None, schemas=None):
        _load_modules()
        major, minor = version.split(".")
        self.ctx = ApiContext((int(major), int(minor)), options)
        self.schemas = schemas

    def check_object(self, obj, ctx=None) -> List[Problem]:
        if self.schemas is not None and self.schemas.root(obj.api_version, obj.kind) is None:
            return []  # not a served built-in kind: the schema layer has said so
        out: List[Problem] = []
        with words_of(self.ctx.kubernetes_version[1]):  # the messages of that release
            for fn in _VALIDATORS.get((obj.group, obj.kind), []) + _VALIDATORS.get(ANY, []):
                for p in fn(obj, self.ctx) or ():
                    if p.severity is None:
                        p = p._replace(severity=ERROR)
                    out.append(p)
        return out
