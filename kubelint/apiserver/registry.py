"""Registry and pipeline stage for the API-server checks."""
from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Dict, List, Tuple

from ..findings import ERROR, Problem

ANY = ("*", "*")  # every object of a built-in (schema-served) kind
_VALIDATORS: Dict[Tuple[str, str], List[Callable]] = defaultdict(list)


def validates(*kinds: Tuple[str, str]):
    """Register a validator for (group, kind) pairs; ``ANY`` for every
    built-in object (metadata checks)."""
    def deco(fn):
        for k in kinds:
            _VALIDATORS[tuple(k)].append(fn)
        return fn
    return deco


@lru_cache(maxsize=None)
def _load_modules() -> None:
    from .. import apiserver as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in ("registry",):
            importlib.import_module(f"{pkg.__name__}.{info.name}")


@dataclass
class ApiContext:
    """What a validator may consult besides the object."""

    kubernetes_version: Tuple[int, int]  # (1, 37)
    options: object = None

    def at_least(self, minor: int) -> bool:
        return self.kubernetes_version >= (1, minor)


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
        for fn in _VALIDATORS.get((obj.group, obj.kind), []) + _VALIDATORS.get(ANY, []):
            for p in fn(obj, self.ctx) or ():
                if p.severity is None:
                    p = p._replace(severity=ERROR)
                out.append(p)
        return out
