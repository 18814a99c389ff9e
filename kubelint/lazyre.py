"""Regular expressions compiled when first used, for module-level patterns.

Python keeps no compiled pattern across processes: every ``re.compile`` at import time is paid by every
run, most of them by runs that never use the pattern (a one-file check imported about 140; issue 18,
"start fast"). ``lazy(pattern, flags)`` stands where ``re.compile(pattern, flags)`` stood: the first
method used compiles it, and from then on its methods are the compiled pattern's own bound methods (kept
on the instance), so a hot loop pays nothing more than with a module-level ``re.compile``.
"""

from __future__ import annotations

import re

_METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split", "scanner")


class LazyPattern:
    """A ``re.Pattern`` compiled on first use (``pattern`` and ``flags`` are readable before that)."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags

    def compiled(self) -> re.Pattern:
        rx = re.compile(self.pattern, self.flags)
        for name in _METHODS:
            setattr(self, name, getattr(rx, name))
        self.flags, self.groups, self.groupindex = rx.flags, rx.groups, rx.groupindex
        self.compiled = lambda: rx
        return rx

    def __getattr__(self, name):  # only for what the instance does not hold yet: before the first use
        if name in _METHODS or name in ("groups", "groupindex"):
            return getattr(self.compiled(), name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
