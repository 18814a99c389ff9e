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
from typing import Dict, List, Optional, Tuple

import yaml
from lsprotocol import types

from ..findings import ERROR, INFO, WARNING, Finding

SOURCE = "kubelint"
SEVERITY = {
    ERROR: types.DiagnosticSeverity.Error,
    WARNING: types.DiagnosticSeverity.Warning,
    INFO: types.DiagnosticSeverity.Information,
}
# Ranges are computed from a YAML parse of at most this many characters;
# beyond it (or on a syntax error) from the line alone.
MAX_SPAN_TEXT = 4 * 1024 * 1024

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def rule_url(rule: str) -> str:
    from ..report.sarif import RULES_DOC_URL

    return f"{RULES_DOC_URL}#{rule}"


class Spans:
    """End positions of the YAML nodes of a text, by start position (both
    1-based line and code-point column, as kubelint reports them)."""

    def __init__(self, text: str, parse: bool = True):
        self.lines = text.split("\n")
        self._ends: Dict[Tuple[int, int], Tuple[int, int]] = {}
        if parse and len(text) <= MAX_SPAN_TEXT:
            try:
                for node in yaml.compose_all(text, Loader=_Loader):
                    self._collect(node)
            except (yaml.YAMLError, RecursionError, MemoryError, ValueError):
                pass  # what was composed before the error is kept

    def _collect(self, node) -> None:
        stack = [node]
        seen = set()
        while stack:
            n = stack.pop()
            if n is None or id(n) in seen:
                continue
            seen.add(id(n))
            start = (n.start_mark.line + 1, n.start_mark.column + 1)
            end = (n.end_mark.line + 1, n.end_mark.column + 1)
            if isinstance(n, yaml.ScalarNode):
                self._ends[start] = end  # a scalar wins over a collection starting at the same place
            else:
                self._ends.setdefault(start, end)
                if isinstance(n, yaml.MappingNode):
                    for k, v in n.value:
                        stack.append(v)
                        stack.append(k)
                else:
                    stack.extend(n.value)

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def end_of(self, line: int, column: int) -> Tuple[int, int]:
        """The end (exclusive) of the node starting at (line, column)."""
        text = self.line_text(line)
        end = self._ends.get((line, column))
        if end is not None:
            if end[0] == line and end[1] > column:
                return end
            # multi-line node: to the end of its first line, comment excluded
            return line, max(column + 1, _content_end(text) + 1)
        # no node starts here: the token at the position
        rest = text[column - 1:] if column >= 1 else text
        m = re.match(r"\S+", rest)
        if m is None:
            return line, max(column + 1, _content_end(text) + 1) if column <= len(text) else column
        return line, column + len(m.group())


def _content_end(text: str) -> int:
    """Length of the line without a trailing comment and blanks."""
    stripped = text.rstrip()
    m = re.search(r"\s+#.*$", stripped)
    if m and '"' not in stripped[m.start():] and "'" not in stripped[m.start():]:
        stripped = stripped[:m.start()].rstrip()
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
        units += (len(ch.encode("utf-8")) if encoding == "utf-8" else (2 if ord(ch) > 0xFFFF else 1))
    return len(line_text) + 1 + max(0, character - units)


def position(spans: Spans, line: int, column: int, encoding: str) -> types.Position:
    line = max(1, line)
    return types.Position(line=line - 1, character=lsp_column(spans.line_text(line), max(1, column), encoding))


def finding_range(spans: Spans, f: Finding, encoding: str = "utf-16") -> types.Range:
    end_line, end_col = spans.end_of(f.line, f.column)
    return types.Range(start=position(spans, f.line, f.column, encoding),
                       end=position(spans, end_line, end_col, encoding))


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
        related = [types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=rng), message=f"how to fix: {fix}")]
    return types.Diagnostic(
        range=rng,
        message=f.message,
        severity=SEVERITY.get(f.severity, types.DiagnosticSeverity.Information),
        code=f.rule,
        code_description=types.CodeDescription(href=rule_url(f.rule)),
        source=SOURCE,
        related_information=related,
        data={"rule": f.rule, "line": f.line, "column": f.column, "path": f.path},
    )


def diagnostics(findings: List[Finding], text: str, uri: str, encoding: str = "utf-16",
                parse: bool = True) -> List[types.Diagnostic]:
    """``parse``: the text passed kubelint's loader limits (DocumentResult.parse_safe)."""
    spans = Spans(text, parse)
    return [diagnostic(f, spans, uri, encoding) for f in findings]
