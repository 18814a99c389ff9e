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


_PACKAGE = __name__.rpartition(".")[0]

# Validator modules for kinds no other module validates, imported when a run first meets one of their kinds
# (a check of workloads does not load them). The validators of such a kind are then the same, in the same
# order, whenever the module is imported; tests/test_startup.py holds the table to what the modules register.
ONLY_FOR = {
    "autoscaling": (("autoscaling", "HorizontalPodAutoscaler"),),
    "crd_spec": (("apiextensions.k8s.io", "CustomResourceDefinition"),),
    "rbac": tuple(
        ("rbac.authorization.k8s.io", k) for k in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
    ),
    "scheduling": (("scheduling.k8s.io", "PriorityClass"),),
    "storage": (("storage.k8s.io", "StorageClass"),),
}
_HOME = {kind: name for name, kinds in ONLY_FOR.items() for kind in kinds}


@lru_cache(maxsize=None)
def _load_modules() -> None:
    """Import every validator module of this package (they register themselves) but those of ``ONLY_FOR``."""
    # pkgutil.iter_modules without importing pkgutil (2 ms of a one-file check): sources, or bytecode
    names = {f.rpartition(".")[0] for f in os.listdir(os.path.dirname(__file__)) if f.endswith((".py", ".pyc"))}
    for name in sorted(names - {"__init__", "registry", "stage", "gates"} - ONLY_FOR.keys()):
        __import__(f"{_PACKAGE}.{name}")  # importlib.import_module, without importing importlib


def validators(group: str, kind: str) -> list:
    """The validators of an object of ``group``/``kind``, in the order they run: its kind's, then those of
    every built-in kind (``ANY``)."""
    home = _HOME.get((group, kind))
    if home is not None:
        __import__(f"{_PACKAGE}.{home}")  # once: then found in sys.modules
    return _VALIDATORS.get((group, kind), []) + _VALIDATORS.get(ANY, [])


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
            for fn in validators(obj.group, obj.kind):
                for p in fn(obj, self.ctx) or ():
                    if p.severity is None:
                        p = p._replace(severity=ERROR)
                    out.append(p)
        return out
