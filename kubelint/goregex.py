"""Go regular expressions: RE2 syntax and semantics, in linear time.

The API server matches CRD ``pattern``s, CEL ``matches``/``find`` and its own
name and label checks with Go's ``regexp`` package (RE2: no backtracking,
time linear in the input).  Python's ``re`` backtracks: ``^(a+)+$`` against
40 characters does not finish, and it rejects RE2 syntax it does not know
(``^(?i)(abort|warn)?$`` in the prometheus-operator CRDs).  Every pattern that
comes from input and every built-in check that mirrors a Go regexp is
compiled here, with google-re2 (the C++ RE2 library Go's engine was ported
from), so kubelint accepts, rejects and matches what ``regexp.Compile`` and
``MatchString`` do:

* Perl syntax as Go's ``regexp.Compile`` (``syntax.Perl``): ``$`` matches
  only at the end of the text (not before a final newline) unless ``(?m)``;
  ``\\d \\s \\w \\b`` are ASCII; ``\\pL``, ``\\p{Greek}``, ``[[:alpha:]]``,
  ``\\Q...\\E``, ``(?i)`` anywhere, ``(?P<n>``/``(?<n>``, ``\\z``;
* what Go rejects and C++ RE2 accepts is rejected too: ``\\C`` (any byte);
* errors carry Go's wording: ``error parsing regexp: invalid escape
  sequence: `\\Z``` (C++ RE2 says ``invalid escape sequence: \\Z``);
* text that is not valid UTF-8 (a lone surrogate from a ``"\\ud800"``
  escape) is matched as Go sees it after JSON decoding: U+FFFD.

Compiled patterns and compile errors are cached (``compile``); a pattern is
never compiled twice in a run.
"""

from __future__ import annotations

import functools

import re2

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Optional, Union

__all__ = ["GoRegexpError", "Regexp", "compile", "match_string"]

# C++ RE2 error code text -> Go regexp/syntax ErrorCode text
# (re2/regexp.cc kErrorStrings; go/src/regexp/syntax/parse.go ErrorCode).
_GO_ERRORS = {
    "invalid escape sequence": "invalid escape sequence",
    "invalid character class": "invalid character class",
    "invalid character class range": "invalid character class range",
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid UTF-8": "invalid UTF-8",
    "invalid named capture group": "invalid named capture",
    "pattern too large - compile failed": "expression too large",
}

# Go's own program-size limit is far above RE2's default 8 MiB budget: a
# pattern RE2 finds too large is retried once with this budget, so a CRD
# Go accepts is not rejected here (memory stays bounded: at most this much
# per pattern, and patterns come from a bounded number of CRDs).
_DEFAULT_MEM = 8 << 20
_LARGE_MEM = 128 << 20
CACHE_SIZE = 4096


class GoRegexpError(ValueError):
    """``regexp.Compile``'s error: ``str(e)`` is Go's text,
    ``error parsing regexp: <code>: `<expr>```."""

    def __init__(self, code: str, expr: str):
        self.code = code
        self.expr = expr
        super().__init__(f"error parsing regexp: {code}: `{expr}`")


class Regexp:
    """A compiled Go regexp.  ``search`` is Go's ``MatchString`` (unanchored);
    ``fullmatch`` anchors both ends; match objects are google-re2's."""

    __slots__ = ("pattern", "_re")

    def __init__(self, pattern: str, compiled):
        self.pattern = pattern
        self._re = compiled

    def search(self, text: str):
        return self._re.search(_text(text))

    def match(self, text: str):
        """Anchored at the start only (like ``re.match``)."""
        return self._re.match(_text(text))

    def fullmatch(self, text: str):
        return self._re.fullmatch(_text(text))

    def matched(self, text: str) -> bool:
        """``match(text) is not None``, without the match object: google-re2's Python wrapper builds one by
        decoding every span in Python, most of the cost of a name or label check."""
        native = getattr(self._re, "_regexp", None)
        if native is None or _ANCHOR_START is None:  # another google-re2 layout: its public API
            return self._re.match(_text(text)) is not None
        data = _text(text).encode("utf-8")
        return native.Match(_ANCHOR_START, data, 0, len(data))[0] != (-1, -1)

    def found(self, text: str) -> bool:
        """``search(text) is not None`` (Go's ``MatchString``), without the match object (:meth:`matched`)."""
        native = getattr(self._re, "_regexp", None)
        if native is None or _UNANCHORED is None:
            return self._re.search(_text(text)) is not None
        data = _text(text).encode("utf-8")
        return native.Match(_UNANCHORED, data, 0, len(data))[0] != (-1, -1)

    def finditer(self, text: str):
        return self._re.finditer(_text(text))

    def __repr__(self) -> str:
        return f"goregex.Regexp({self.pattern!r})"


try:  # google-re2's native matcher (what its wrapper calls; Regexp.matched)
    _ANCHOR_START = re2._re2.RE2.Anchor.ANCHOR_START
    _UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED
except AttributeError:  # pragma: no cover - another layout
    _ANCHOR_START = _UNANCHORED = None


def _text(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _fffd(text)
    return text


def _fffd(text: str) -> str:
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


def _options(max_mem: int):
    o = re2.Options()
    o.log_errors = False  # RE2 would print every bad pattern on stderr
    o.max_mem = max_mem
    return o


def _go_only_errors(pattern: str) -> Optional[GoRegexpError]:
    """Syntax C++ RE2 accepts and Go rejects: ``\\C`` (match any byte)."""
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            d = pattern[i + 1]
            if d == "Q":
                end = pattern.find("\\E", i + 2)
                if end < 0:
                    return None
                i = end + 2
                continue
            if d == "C":
                return GoRegexpError("invalid escape sequence", "\\C")
            i += 2
            continue
        i += 1
    return None


def _go_error(message: str, pattern: str) -> GoRegexpError:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    code, sep, expr = text.partition(": ")
    if code in _GO_ERRORS:
        if code == "pattern too large - compile failed":
            return GoRegexpError("expression too large", pattern)
        return GoRegexpError(_GO_ERRORS[code], "" if code == "trailing \\" else expr if sep else pattern)
    return GoRegexpError(text or "invalid regular expression", pattern)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _compile(pattern: str) -> Union[Regexp, GoRegexpError]:
    # Errors are cached as values, never raised from the cache: a cached
    # exception's traceback would keep the first caller's frames alive.
    err = _go_only_errors(pattern)
    if err is not None:
        return err
    try:
        pattern.encode("utf-8")
    except UnicodeEncodeError:
        return GoRegexpError("invalid UTF-8", _fffd(pattern))
    try:
        return Regexp(pattern, re2.compile(pattern, _options(_DEFAULT_MEM)))
    except re2.error as exc:
        msg = exc.args[0] if exc.args else ""
        text = msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
        if not text.startswith("pattern too large"):
            return _go_error(text, pattern)
    try:
        return Regexp(pattern, re2.compile(pattern, _options(_LARGE_MEM)))
    except re2.error as exc:
        return _go_error(exc.args[0] if exc.args else "", pattern)


def compile(pattern: str) -> Regexp:  # noqa: A001 - the module is used as goregex.compile
    """Go's ``regexp.Compile``: the compiled pattern, or :class:`GoRegexpError`."""
    hit = _compile(pattern)
    if isinstance(hit, GoRegexpError):
        raise GoRegexpError(hit.code, hit.expr)
    return hit


def error(pattern: str) -> Optional[GoRegexpError]:
    """Go's compile error for ``pattern``, or ``None`` if Go accepts it."""
    hit = _compile(pattern)
    return hit if isinstance(hit, GoRegexpError) else None


def match_string(pattern: str, text: str) -> bool:
    """Go's ``regexp.MatchString`` (unanchored search)."""
    return compile(pattern).search(text) is not None
