"""Findings -> LSP diagnostics.

* The range runs from the finding's position to the end of the offending
  node: a scalar (key or value) to its last character, a flow or block
  collection to the end of its first line (a squiggle over a 40-line mapping
  helps nobody); a position that starts no node (a syntax error, a file-level
  finding) to the end of its token on the line.
* Columns: kubelint counts code points from 1; LSP counts UTF-16 code units
  from 0 (or code points when the client negotiated ``utf-32``).
* ``code`` is the rule id and ``codeDescription`` links to its section of
  docs/rules.md; the rule's remediation from the catalogue is related
  information (the "how to fix" beside the message).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Optional, Tuple

from lsprotocol import types

from ..findings import ERROR, INFO, WARNING, Finding

SOURCE = "kubelint"
SEVERITY = {
    ERROR: types.DiagnosticSeverity.Error,
    WARNING: types.DiagnosticSeverity.Warning,
    INFO: types.DiagnosticSeverity.Information,
}


def rule_url(rule: str) -> str:
    from ..report.sarif import RULES_DOC_URL

    return f"{RULES_DOC_URL}#{rule}"


class Spans:
    """End positions of the YAML nodes of a text, from the node's start
    (1-based line and code-point column, as kubelint reports them).

    The end is found by scanning the token at the start position, as YAML
    scans it: a quoted scalar to its closing quote, a plain scalar to ``: ``,
    `` #``, the end of the line (and ``,``/``]``/``}`` inside a flow
    collection), a block scalar's indicator or a collection to the end of
    its first line.  No second parse: cost is per finding, not per text
    (a keystroke on a 300-line manifest must stay well under 100 ms)."""

    def __init__(self, text: str):
        self.lines = text.split("\n")

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def end_of(self, line: int, column: int) -> Tuple[int, int]:
        """The end (exclusive) of the node starting at (line, column)."""
        text = self.line_text(line).rstrip("\r")
        i = column - 1
        if i < 0 or i >= len(text):
            return line, column + 1
        limit = max(i + 1, _content_end(text))
        ch = text[i]
        if ch in "\"'":
            j = i + 1
            while j < len(text):
                if text[j] == ch:
                    if ch == "'" and j + 1 < len(text) and text[j + 1] == "'":
                        j += 2
                        continue
                    return line, j + 2
                if ch == '"' and text[j] == "\\":
                    j += 2
                    continue
                j += 1
            return line, len(text.rstrip()) + 1  # continues on the next line
        if ch in "{[|>" or (ch == "-" and text[i + 1 : i + 2] in ("", " ")):
            return line, limit + 1
        in_flow = "[" in text[:i] or "{" in text[:i]
        j = i
        while j < limit:
            c = text[j]
            if c == ":" and (j + 1 >= len(text) or text[j + 1] in " \t" or (in_flow and text[j + 1] in ",]}")):
                break
            if in_flow and c in ",]}":
                break
            if c == "#" and j > 0 and text[j - 1] in " \t":
                break
            j += 1
        while j > i + 1 and text[j - 1] in " \t":
            j -= 1
        return line, j + 1


def _content_end(text: str) -> int:
    """Length of the line without a trailing comment and blanks."""
    stripped = text.rstrip()
    m = re.search(r"\s+#.*$", stripped)
    if m and '"' not in stripped[m.start() :] and "'" not in stripped[m.start() :]:
        stripped = stripped[: m.start()].rstrip()
    return len(stripped)


def lsp_column(line_text: str, column: int, encoding: str = "utf-16") -> int:
    """kubelint's 1-based code-point column -> LSP's 0-based character offset."""
    prefix = line_text[: max(0, column - 1)]
    if column - 1 > len(line_text):  # past the end (an end position): keep the excess
        extra = column - 1 - len(line_text)
    else:
        extra = 0
    if encoding == "utf-32":
        return len(prefix) + extra
    if encoding == "utf-8":
        return len(prefix.encode("utf-8", "surrogatepass")) + extra
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2 + extra


def kubelint_column(line_text: str, character: int, encoding: str = "utf-16") -> int:
    """LSP's 0-based character offset -> kubelint's 1-based code-point column."""
    if encoding == "utf-32":
        return character + 1
    units = 0
    for i, ch in enumerate(line_text):
        if units >= character:
            return i + 1
        units += len(ch.encode("utf-8")) if encoding == "utf-8" else (2 if ord(ch) > 0xFFFF else 1)
    return len(line_text) + 1 + max(0, character - units)


def position(spans: Spans, line: int, column: int, encoding: str) -> types.Position:
    line = max(1, line)
    return types.Position(line=line - 1, character=lsp_column(spans.line_text(line), max(1, column), encoding))


def finding_range(spans: Spans, f: Finding, encoding: str = "utf-16") -> types.Range:
    end_line, end_col = spans.end_of(f.line, f.column)
    return types.Range(
        start=position(spans, f.line, f.column, encoding), end=position(spans, end_line, end_col, encoding)
    )


@lru_cache(maxsize=None)
def remediation(rule: str) -> Optional[str]:
    from ..engine import catalogue

    entry = catalogue().get(rule)
    text = entry.remediation if entry is not None else None
    return " ".join(text.split()) if text else None


def diagnostic(f: Finding, spans: Spans, uri: str, encoding: str = "utf-16") -> types.Diagnostic:
    rng = finding_range(spans, f, encoding)
    related = None
    fix = remediation(f.rule)
    if fix:
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri, range=rng), message=f"how to fix: {fix}"
            )
        ]
    return types.Diagnostic(
        range=rng,
        message=f.text(),
        severity=SEVERITY.get(f.severity, types.DiagnosticSeverity.Information),
        code=f.rule,
        code_description=types.CodeDescription(href=rule_url(f.rule)),
        source=SOURCE,
        related_information=related,
        data={"rule": f.rule, "line": f.line, "column": f.column, "path": f.path, "hint": f.hint},
    )


def diagnostics(findings: List[Finding], text: str, uri: str, encoding: str = "utf-16") -> List[types.Diagnostic]:
    spans = Spans(text)
    return [diagnostic(f, spans, uri, encoding) for f in findings]
