"""Text report: ``path:line:col: severity [rule] Kind namespace/name: message`` + source excerpt."""

from __future__ import annotations


from ..findings import ERROR, INFO, WARNING
from ..loader import read_source
from ..mask import display, one_line, visible
from . import RenderOptions

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Dict, List, Optional

_COLORS = {ERROR: "\033[1;31m", WARNING: "\033[1;33m", INFO: "\033[1;36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


class SourceLines:
    """Reads a file's lines lazily, only for files that have findings."""

    def __init__(self, texts: Optional[Dict[str, str]] = None, redact=None):
        self.texts = texts or {}
        self.cache: Dict[str, List[str]] = {}
        # kubelint.mask.Masker.line(path, lineno, text): secrets never
        # reach an excerpt, whichever reporter asks for it.
        self.redact = redact

    def line(self, path: str, lineno: int) -> Optional[str]:
        lines = self.cache.get(path)
        if lines is None:
            text = self.texts.get(path)
            if text is None:
                # Never blocks on a FIFO or reads a device (kubelint.loader.read_source).
                text = read_source(path) or ""
            lines = text.split("\n") if text else []
            self.cache[path] = lines
        if 1 <= lineno <= len(lines):
            text = lines[lineno - 1].rstrip("\r")
            if self.redact is not None:
                text = self.redact(path, lineno, text, lines)
            return text
        return None


def render(result, options: Optional[RenderOptions] = None) -> str:
    options = options or RenderOptions()
    color, quiet, excerpts = options.color, options.quiet, options.excerpts
    masker = result.masker
    src = SourceLines(result.texts, masker.line if masker is not None else None)
    out = []
    for f in result.findings:
        sev = f.severity
        # The object the finding is about ("Deployment shop/web: ..."), as
        # compilers name the function; findings outside any object have none.
        # Names are data: escaped and clipped like messages (kubelint.mask.one_line).
        message = f"{one_line(f.object.display())}: {display(f.text())}" if f.object is not None else display(f.text())
        if f.fix is not None:  # a verified fix exists (kubelint.fix): ruff's marker
            message = "[*] " + message
        if color:
            head = f"{_BOLD}{f.file}:{f.line}:{f.column}:{_RESET} {_COLORS[sev]}{sev}{_RESET} [{f.rule}] {message}"
        else:
            head = f"{f.file}:{f.line}:{f.column}: {sev} [{f.rule}] {message}"
        out.append(head)
        if excerpts and not quiet:
            text = src.line(f.file, f.line)
            if text is not None and len(text) <= 500:
                gutter = f"{f.line:>5} | "
                # control characters of the source shown escaped, never sent to the terminal
                out.append(f"{gutter}{visible(text)}")
                caret_pad = "".join(c if c == "\t" else " " for c in visible(text[: max(f.column - 1, 0)]))
                caret = f"{' ' * (len(gutter) - 2)}| {caret_pad}^"
                out.append(f"{_COLORS[sev]}{caret}{_RESET}" if color else caret)
            if f.origin is not None:
                out.extend(_rendered_excerpt(f, text, src, color))
    errors, warnings, infos = result.count(ERROR), result.count(WARNING), result.count(INFO)
    summary = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    if infos:
        summary += f", {infos} info{'s' if infos != 1 else ''}"
    summary += (
        f" in {result.files} file{'s' if result.files != 1 else ''} ({result.documents} "
        f"document{'s' if result.documents != 1 else ''})"
    )
    fixable = sum(1 for f in result.findings if f.fix is not None)
    if fixable and not quiet:
        out.append(f"[*] {fixable} fixable with `kubelint fix` (`--diff` to preview)")
    if not quiet or result.findings:
        out.append(summary)
        out.extend(_skipped(result, options))
    return "\n".join(out) + ("\n" if out else "")


def _rendered_excerpt(f, template_line, src, color) -> list:
    """The rendered line of a finding on a chart or kustomization, when the
    source line does not show what was checked (not exact, or templated)."""
    o = f.origin
    if o.exact and template_line is not None and "{{" not in template_line:
        return []
    text = src.line(o.stream, o.line)
    if text is None or len(text) > 500:
        return []
    how = "helm template" if o.tool == "helm" else "kustomize build"
    gutter = f"{o.line:>5} | "
    caret_pad = "".join(c if c == "\t" else " " for c in text[: max(o.column - 1, 0)])
    caret = f"{' ' * (len(gutter) - 2)}| {caret_pad}^"
    return [
        f"{' ' * (len(gutter) - 2)}| rendered by {how} {o.root}, line {o.line}:",
        f"{gutter}{text}",
        f"{_COLORS[f.severity]}{caret}{_RESET}" if color else caret,
    ]


def _skipped(result, options) -> list:
    skipped = result.skipped
    if not skipped:
        return []
    n = len(skipped)
    out = []
    if options is not None and options.show_skipped:
        out.extend(f"skipped {one_line(s.path)}: {s.reason}" for s in skipped)
        out.append(f"skipped {n} file{'s' if n != 1 else ''} that {'are' if n != 1 else 'is'} not Kubernetes manifests")
    else:
        out.append(
            f"skipped {n} file{'s' if n != 1 else ''} that {'are' if n != 1 else 'is'} not Kubernetes "
            "manifests (--show-skipped lists them)"
        )
    return out
