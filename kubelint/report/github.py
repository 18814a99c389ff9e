"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=k8s/app.yaml,line=12,col=7,title=unknown-field::unknown field "replicsa" ...

Escaping follows actions/toolkit (packages/core/src/command.ts):
the message (``escapeData``) has ``%`` -> ``%25``, CR -> ``%0D``,
LF -> ``%0A``; property values (``escapeProperty``) additionally
``:`` -> ``%3A`` and ``,`` -> ``%2C``.  ``%`` goes first so an escape
is never escaped twice.  ``info`` findings become ``::notice``.
"""

from __future__ import annotations

from ..findings import ERROR, INFO, WARNING
from . import location

COMMANDS = {ERROR: "error", WARNING: "warning", INFO: "notice"}


def escape_data(s) -> str:
    return str(s).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict, message: str) -> str:
    props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items() if v not in (None, ""))
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def render(result, options=None) -> str:
    root = location.repo_root()
    out = []
    for f in result.findings:
        message = f.text()
        if f.object is not None:
            message = f"{message} ({f.object.display()})"
        props = {"file": location.display(f.file, root), "line": f.line, "col": f.column, "title": f.rule}
        out.append(command(COMMANDS.get(f.severity, "warning"), props, message))
    errors, warnings, infos = result.count(ERROR), result.count(WARNING), result.count(INFO)
    out.append(
        f"kubelint: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}, "
        f"{infos} info{'s' if infos != 1 else ''} in {result.files} file{'s' if result.files != 1 else ''}"
    )
    return "\n".join(out) + "\n"
