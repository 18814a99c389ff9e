"""Code actions for the diagnostics under the cursor.

* **Quick fixes**: the fixes ``kubelint fix`` would make (kubelint.fix), each
  verified by re-checking the edited text; safe ones are preferred, unsafe
  ones (which change behaviour: ``kubelint fix --unsafe-fixes``) say so.
* **Disable RULE for this line / for this object**: the suppression comment
  of :mod:`kubelint.suppress` (``# kubelint: disable=RULE`` at the end of the
  finding's line, or of the object's ``kind:`` line), added to an existing
  directive when there is one.  An edit is offered only if the text parses to
  the same data afterwards and the finding is suppressed by it; JSON files
  have no comments and get none.
* **Explain RULE**: runs the ``kubelint.explain`` command (``kubelint explain``).
"""

from __future__ import annotations

import re
from typing import List, Optional

from lsprotocol import types

from ..findings import Finding
from . import convert

_DIRECTIVE = re.compile(r"(#\s*kubelint:\s*disable\s*=\s*)([A-Za-z0-9_,\s-]+?)(\s*(?:--.*)?)$")


def explain_text(rule: str) -> Optional[str]:
    """``kubelint explain RULE``'s output, or None for an unknown rule (the
    command itself, run as a process: the server never imports the CLI)."""
    import subprocess
    import sys

    from ..engine import catalogue

    if rule not in catalogue():
        return None
    try:
        out = subprocess.run(
            [sys.executable, "-m", "kubelint", "explain", rule],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.rstrip("\n") if out.returncode == 0 else None


def _findings_for(result, params: types.CodeActionParams) -> List[Finding]:
    """The findings of the diagnostics in the request's context (or, when
    the client sends none, of the requested lines)."""
    wanted = []
    for d in params.context.diagnostics or ():
        data = d.data if isinstance(d.data, dict) else None
        if d.source != convert.SOURCE or data is None:
            continue
        wanted.append((data.get("rule"), data.get("line"), data.get("column"), data.get("path")))
    out = []
    if wanted:
        for f in result.findings:
            if (f.rule, f.line, f.column, f.path) in wanted:
                out.append(f)
        return out
    first, last = params.range.start.line + 1, params.range.end.line + 1
    return [f for f in result.findings if first <= f.line <= last]


def code_actions(ls, ws, uri: str, result, params: types.CodeActionParams, encoding: str) -> List[types.CodeAction]:
    findings = _findings_for(result, params)
    if not findings:
        return []
    spans = convert.Spans(result.text)
    out: List[types.CodeAction] = []
    plans = _fix_plans(ls, ws, uri, result)
    for f in findings:
        diag = convert.diagnostic(f, spans, uri, encoding)
        fix = plans.get((f.rule, f.line, f.column, f.path))
        if fix is not None:
            out.append(
                types.CodeAction(
                    title=fix.title + ("" if fix.safe else " (unsafe: changes behaviour)"),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    is_preferred=bool(fix.safe),
                    edit=_workspace_edit(
                        uri, result.text, [(e.start, e.end, e.new) for e in fix.edits], spans, encoding
                    ),
                )
            )
    for f in findings:
        diag = convert.diagnostic(f, spans, uri, encoding)
        if not result.path.lower().endswith(".json"):
            for scope in ("line", "object"):
                edit = suppression_edit(result, f, scope)
                if edit is not None:
                    out.append(
                        types.CodeAction(
                            title=f"Disable {f.rule} for this {scope}",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diag],
                            edit=_workspace_edit(uri, result.text, [edit], spans, encoding),
                        )
                    )
        out.append(
            types.CodeAction(
                title=f"Explain {f.rule}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diag],
                command=types.Command(title=f"Explain {f.rule}", command="kubelint.explain", arguments=[f.rule]),
            )
        )
    return out


def _fix_plans(ls, ws, uri: str, result) -> dict:
    """Verified fixes of the document (kubelint.fix), planned once per text."""
    cached = ls.fix_plans.get(uri) if ls is not None else None
    if cached is not None and cached[0] == result.text:
        return cached[1]
    plans = plan_fixes(ws, result.path, result.text)
    if ls is not None:
        ls.fix_plans[uri] = (result.text, plans)
    return plans


def plan_fixes(ws, path: str, text: str) -> dict:
    """``{(rule, line, column, path): kubelint.fix.Fix}``."""
    try:
        from ..fix.stage import FixStage
    except ImportError:  # kubelint.fix not in this build
        return {}
    stage = getattr(ws, "_fix_stage", None)
    if stage is None:
        # the workspace's stages (schemas, CRDs of the workspace, rules): loaded once
        stage = ws._fix_stage = FixStage(ws.settings, ws.ctx)
    try:
        return stage.plan(path, text, unsafe=True)
    except Exception:  # a fixer bug must not lose the other actions
        return {}


def _workspace_edit(uri: str, text: str, edits, spans, encoding: str) -> types.WorkspaceEdit:
    out = []
    for start, end, new in edits:
        (sl, sc), (el, ec) = _position(text, start), _position(text, end)
        out.append(
            types.TextEdit(
                range=types.Range(
                    start=convert.position(spans, sl, sc, encoding), end=convert.position(spans, el, ec, encoding)
                ),
                new_text=new,
            )
        )
    return types.WorkspaceEdit(changes={uri: out})


def _position(text: str, offset: int):
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _line_offsets(text: str, line: int):
    """(start, end) offsets of a 1-based line, without its newline."""
    start = 0
    for _ in range(line - 1):
        nl = text.find("\n", start)
        if nl < 0:
            return None
        start = nl + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def _object_of(result, f: Finding):
    best = None
    for o in result.objects:
        if o.line <= f.line and (best is None or o.line >= best.line) and (f.object is None or o.ref == f.object):
            best = o
    return best


def suppression_edit(result, f: Finding, scope: str):
    """``(start, end, new)`` adding ``f.rule`` to the directive of the
    finding's line (``scope="line"``) or of its object's ``kind:`` line, or
    None when no comment can go there without changing the data."""
    text = result.text
    if scope == "line":
        line = f.line
    else:
        obj = _object_of(result, f)
        if obj is None:
            return None
        line = obj.locate(("kind",), "key")[0]
        if line == f.line:
            return None  # the line action does the same
    span = _line_offsets(text, line)
    if span is None:
        return None
    start, end = span
    content = text[start:end]
    m = _DIRECTIVE.search(content)
    if m and "disable-file" not in content[m.start() : m.end()]:
        rules = [r.strip() for r in m.group(2).split(",") if r.strip()]
        if f.rule in rules:
            return None
        at = start + m.end(2)
        edit = (at, at, "," + f.rule)
    else:
        stripped = content.rstrip()
        at = start + len(stripped)
        edit = (at, at, f" # kubelint: disable={f.rule}")
    return edit if _keeps_data(result, f, edit, scope) else None


def _keeps_data(result, f: Finding, edit, scope: str) -> bool:
    """The edited text loads to the same documents, and the new directive
    covers the finding."""
    from ..loader import parse_text
    from ..suppress import scan

    text = result.text
    start, end, new = edit
    after = text[:start] + new + text[end:]
    try:
        a = parse_text(text, result.path)
        b = parse_text(after, result.path)
    except Exception:
        return False
    if [d.data for d in a.documents] != [d.data for d in b.documents] or len(b.problems) > len(a.problems):
        return False
    directives = scan(after)
    line = text.count("\n", 0, start) + 1
    return bool(directives) and any(d.line == line and f.rule in d.rules and not d.standalone for d in directives.items)
