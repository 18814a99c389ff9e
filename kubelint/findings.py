"""Findings: what every stage produces.

Checks never compute positions themselves.  They yield :class:`Problem`
values (a path inside the object and a message); the runner turns them into
:class:`Finding` values by resolving the path against the object's position
shadow (see :mod:`kubelint.positions`) and stamping rule id and severity.
"""

# collections.namedtuple, not typing.NamedTuple: importing typing is ~2.5 ms of a one-file check, and
# typing.NamedTuple compiles a string annotation per field (issue 18; tests/test_startup.py).
from collections import namedtuple

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
RANK = {INFO: 1, WARNING: 2, ERROR: 3}


class Key(str):
    """A map key in a path, printed as the API server prints it:
    ``spec.hard[requests.cpu]``, ``spec.capacity[storage]`` (a plain ``str``
    element is a field name: ``.name``).  It is the key itself, so lookups in
    the data and the position shadow work unchanged."""

    __slots__ = ()

    def __reduce__(self):  # pickled across --jobs workers as a Key
        return (Key, (str(self),))


PathElem = str | int  # builtin generics: no typing at run time
Path = tuple[PathElem, ...]


class ObjectRef(namedtuple("ObjectRef", ("api_version", "kind", "namespace", "name"))):
    """Identity of a Kubernetes object, as printed in findings: ``api_version``
    and ``kind`` (str), ``namespace`` and ``name`` (str or None)."""

    __slots__ = ()

    def display(self) -> str:
        name = self.name or "<unnamed>"
        if self.namespace:
            return f"{self.kind} {self.namespace}/{name}"
        return f"{self.kind} {name}"

    def to_json(self) -> dict:
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
        }


class Problem(
    namedtuple(
        "Problem",
        (
            "path",  # Path
            "message",  # str
            "rule",  # str or None
            "severity",  # str or None
            "at",  # "value" | "key"
            # kubelint's own explanation (why, how to fix, "did you mean"), kept apart
            # from ``message`` (the API server's or kubectl's words where there are any)
            "hint",  # str
            # the field the server names, in its notation, when it is not ``path``
            # (``path`` is then where the finding is positioned: the value or key
            # below or beside that field)
            "field",  # str or None
        ),
        defaults=(None, None, "value", "", None),
    )
):
    """A check's raw result: where (path inside the object) and what.
    ``message`` is what the API server (or kubectl) says where it says
    anything; ``hint`` is kubelint's addition (why, how to fix).

    ``at`` says which position to report for a mapping entry: ``"value"``
    (the offending value, the default) or ``"key"`` (the key itself, used
    for unknown or duplicate fields).  ``rule`` and ``severity`` are
    normally filled in by the engine from the catalogue; a check that backs
    several rules (the schema walker, the API-server checks) sets ``rule``.
    """

    __slots__ = ()


class RenderOrigin(
    namedtuple(
        "RenderOrigin",
        (
            "tool",  # "helm" | "kustomize"
            "root",  # the chart or kustomization directory
            "namespace",  # the namespace Helm rendered into (str or None)
            "line",  # position in the rendered stream
            "column",
            "exact",  # the source position holds exactly what was rendered
            "stream",  # the rendered stream's name (RunResult.texts key)
        ),
    )
):
    """Where a finding on a rendered chart or kustomization came from
    (:mod:`kubelint.render`): the finding's own position is in the source
    file; this is the rendered position, and whether the two match exactly."""

    __slots__ = ()

    def to_json(self) -> dict:
        out = {
            "tool": self.tool,
            "root": self.root,
            "renderedLine": self.line,
            "renderedColumn": self.column,
            "exact": self.exact,
        }
        if self.namespace:
            out["namespace"] = self.namespace
        return out


class Finding(
    namedtuple(
        "Finding",
        (
            "rule",  # str
            "severity",  # str
            "message",  # str
            "file",  # str
            "line",  # int
            "column",  # int
            "path",  # str
            "object",  # ObjectRef or None
            "origin",  # RenderOrigin or None: set on findings of rendered charts and kustomizations
            # kubelint.fix.model.FindingFix when a verified fix exists (set by the
            # fix stage after the run, for reporters): title, applicability, edits.
            "fix",
            # kubelint's explanation beside the message (why, how to fix, "did you
            # mean"); the message itself is the server's or kubectl's text where
            # there is one.  Empty when there is nothing to add.
            "hint",  # str
        ),
        defaults=("", None, None, None, ""),
    )
):
    """One finding, as reporters print it."""

    __slots__ = ()

    def text(self) -> str:
        """The message and the hint, as one line for people: ``message (hint)``."""
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def sort_key(self):
        return (self.file, self.line, self.column, -RANK[self.severity], self.rule, self.message)

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint or None,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "object": self.object.to_json() if self.object else None,
            "render": self.origin.to_json() if self.origin is not None else None,
            "fix": self.fix.to_json() if self.fix is not None else None,
        }


def format_path(path: Path) -> str:
    """``('spec', 'containers', 1, 'image')`` -> ``spec.containers[1].image``;
    a :class:`Key` in brackets: ``('spec', 'hard', Key('pods'))`` -> ``spec.hard[pods]``."""
    out = []
    for elem in path:
        if isinstance(elem, (int, Key)):
            out.append(f"[{elem}]")
        else:
            if out:
                out.append(".")
            out.append(str(elem))
    return "".join(out)
