"""The registry of API-server validators: :func:`validates` records a function
for (group, kind) pairs; :mod:`.stage` runs them.  A leaf: validator modules
import it, it imports none of them."""

from __future__ import annotations

from collections import defaultdict

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Callable, Dict, List, Tuple

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
