"""Go (RE2) regular expressions on Python's ``re``: OpenAPI ``pattern`` in CRD
schemas and CEL's ``matches()`` (:mod:`kubelint.cel`) both use RE2 semantics."""
from __future__ import annotations

import re
from typing import Dict

_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7F", "blank": "\\t ",
    "cntrl": "\\x00-\\x1F\\x7F", "digit": "0-9", "graph": "!-~", "lower": "a-z",
    "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z",
    "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}


class PatternUnsupported(Exception):
    pass


def go_regexp(pattern: str):
    """Compile a Go (RE2) regular expression with Python's ``re`` so that it
    matches what ``regexp.MatchString`` matches:

    * ``\\d \\w \\s \\b`` are ASCII-only in RE2 (``re.ASCII``);
    * ``$`` without ``(?m)`` matches only at the very end (Python's also
      before a final newline): rewritten to ``\\Z``; ``\\z`` -> ``\\Z``;
    * ``[[:alpha:]]`` POSIX classes, ``\\Q...\\E`` quoting, ``(?<name>``;
    * RE2 rejects backreferences and lookaround (the CRD would not be
      accepted); ``\\pL`` / ``\\p{Greek}`` have no ``re`` equivalent: those
      raise :class:`PatternUnsupported` and the pattern is not checked.
    """
    out = []
    i, n = 0, len(pattern)
    in_class = False
    multiline = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            d = pattern[i + 1]
            if d == "Q":
                end = pattern.find("\\E", i + 2)
                lit = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
                out.append(re.escape(lit))
                i = n if end < 0 else end + 2
                continue
            if d in "pP" or d.isdigit() and d != "0":
                raise PatternUnsupported(pattern)
            if d == "z":
                out.append("\\Z")
            elif d == "Z":
                raise PatternUnsupported(pattern)
            else:
                out.append(c + d)
            i += 2
            continue
        if in_class:
            if c == "[" and pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                name = pattern[i + 2:end] if end > 0 else ""
                neg = name.startswith("^")
                cls = _POSIX.get(name.lstrip("^"))
                if cls is None:
                    raise PatternUnsupported(pattern)
                if neg:
                    raise PatternUnsupported(pattern)
                out.append(cls)
                i = end + 2
                continue
            if c == "]" and not (out and out[-1] in ("[", "[^")):
                in_class = False
            elif c == "[":
                out.append("\\[")
                i += 1
                continue
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            if pattern.startswith("[^", i):
                out.append("[^")
                i += 2
            else:
                out.append("[")
                i += 1
            if i < n and pattern[i] == "]":
                out.append("\\]")
                i += 1
            continue
        if c == "(" and pattern.startswith("(?", i):
            if pattern.startswith("(?=", i) or pattern.startswith("(?!", i) or pattern.startswith("(?<=", i) or pattern.startswith("(?<!", i):
                raise PatternUnsupported(pattern)
            if pattern.startswith("(?<", i):
                out.append("(?P<")
                i += 3
                continue
            m = re.match(r"\(\?([imsU]*)(?:-[imsU]*)?[:)]", pattern[i:])
            if m and "m" in m.group(1):
                multiline = True
            if m and "U" in m.group(0):
                raise PatternUnsupported(pattern)
        if c == "$":
            out.append("$" if multiline else "\\Z")
            i += 1
            continue
        if c == "{" and pattern.startswith("{,", i):
            out.append("\\{")  # RE2: "{,n}" is a literal
            i += 1
            continue
        out.append(c)
        i += 1
    try:
        return re.compile("".join(out), re.ASCII)
    except re.error as exc:
        raise PatternUnsupported(f"{pattern}: {exc}") from exc


_PATTERNS: Dict[str, object] = {}


def cached_go_regexp(p: str):
    """Patterns repeat across schemas (names, durations): compile each once."""
    hit = _PATTERNS.get(p)
    if hit is None:
        try:
            hit = go_regexp(p)
        except PatternUnsupported:
            # Cache a marker, never the exception: its traceback would keep
            # the caller's frames (and the whole run's data) alive.
            hit = False
        _PATTERNS[p] = hit
    if hit is False:
        raise PatternUnsupported(p)
    return hit
