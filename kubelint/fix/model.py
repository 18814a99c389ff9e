"""The fix data model, independent of the command line (the editor
integration reuses it for quick fixes).

* :class:`Edit` replaces the characters ``text[start:end]`` of a file's
  decoded text with ``new``.  Offsets are Python string indices (code
  points), so an edit never splits a character; :meth:`Edit.range` gives
  1-based line/column positions for reporters and editors.
* :class:`Fix` is what a finding carries: its rule, a one-line title
  ("rename `resoures` to `resources`"), whether it is *safe* (keeps the
  behaviour the author evidently meant) or *unsafe* (changes behaviour: opt
  in with ``--unsafe-fixes``), and its edits, which never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, NamedTuple, Tuple


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    new: str

    def range(self, text: str) -> Tuple[Tuple[int, int], Tuple[int, int]]:
        """((start line, start column), (end line, end column)), 1-based,
        the end exclusive (the SARIF / LSP convention)."""
        return position(text, self.start), position(text, self.end)


@dataclass(frozen=True)
class Fix:
    rule: str
    title: str
    safe: bool
    edits: Tuple[Edit, ...]

    def apply(self, text: str) -> str:
        return apply_edits(text, self.edits)

    def to_json(self, text: str) -> dict:
        return {
            "title": self.title,
            "applicability": "safe" if self.safe else "unsafe",
            "edits": [_edit_json(e, text) for e in self.edits],
        }


class FindingFix(NamedTuple):
    """A fix as a finding carries it to the reporters: positions resolved
    against the file's text, replacement texts masked (never a secret)."""

    title: str
    applicability: str  # "safe" | "unsafe"
    edits: Tuple[Tuple[int, int, int, int, str], ...]  # (start line, start col, end line, end col, new text), 1-based

    @classmethod
    def of(cls, fix: "Fix", text: str, mask=None) -> "FindingFix":
        edits = []
        for e in fix.edits:
            (sl, sc), (el, ec) = e.range(text)
            edits.append((sl, sc, el, ec, mask(e.new) if mask else e.new))
        return cls(fix.title, "safe" if fix.safe else "unsafe", tuple(edits))

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "applicability": self.applicability,
            "edits": [
                {"start": {"line": a, "column": b}, "end": {"line": c, "column": d}, "text": t}
                for a, b, c, d, t in self.edits
            ],
        }


def _edit_json(edit: Edit, text: str) -> dict:
    (sl, sc), (el, ec) = edit.range(text)
    return {"start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec}, "text": edit.new}


def position(text: str, offset: int) -> Tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (any order); ValueError if two overlap."""
    out = []
    last = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < last or e.end < e.start or e.end > len(text):
            raise ValueError(f"overlapping or out-of-range edit {e!r}")
        out.append(text[last : e.start])
        out.append(e.new)
        last = e.end
    out.append(text[last:])
    return "".join(out)
