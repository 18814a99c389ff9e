"""Helm charts: ``helm template``, and the way back from rendered lines to
template lines.

:func:`render` runs the real ``helm template`` (Helm 3 or 4) on a chart
directory with the release name, namespace, values files, ``--set``
values and API versions of the ``helm:`` configuration, and
``--kube-version`` from ``--kubernetes-version``.  Failures become one
finding carrying Helm's own message, at the template position Helm names
when it names one.

:class:`HelmMap` maps a position of the rendered stream back to the
template file named by the document's ``# Source:`` comment.  A rendered
line is matched to the template line that produced it: a line without
template actions must be equal; a line with actions must match it with
each ``{{ ... }}`` standing for any text (and at least one literal
character besides indentation).  Among several candidates, the nearest
after the previous match wins (loops go back).  A rendered line no
template line matches came from an action that writes several lines
(``include``, ``toYaml``...): when exactly one such action line lies
between the neighbouring matches, the finding points at it (not exact);
otherwise at the document's first line (not exact).  Findings that are
not exact show the rendered line too.

Helm hooks (``helm.sh/hook``) are run-once tasks Helm starts itself (test
Pods, migration Jobs), not workloads: :mod:`kubelint.suppress` keeps the
workload rules off them, for rendered charts and piped output alike.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from ..findings import ERROR, INFO, Finding
from ..settings import HelmSettings
from . import tools


def chart_name(chart_dir: str) -> str:
    """``name:`` of Chart.yaml (Helm's ``# Source:`` paths start with it)."""
    try:
        with open(os.path.join(chart_dir, "Chart.yaml"), encoding="utf-8", errors="replace") as fh:
            for line in fh:
                m = re.match(r"""^name:\s*["']?([^"'#\s]+)""", line)
                if m:
                    return m.group(1)
    except OSError:
        pass
    return os.path.basename(os.path.abspath(chart_dir))


def command(helm: str, chart_dir: str, settings: HelmSettings, namespace: str, kube_version: str) -> List[str]:
    release = settings.release or chart_name(chart_dir)
    argv = [helm, "template", release, chart_dir, "--namespace", namespace, "--kube-version", f"v{kube_version}.0"]
    if settings.include_crds:
        argv.append("--include-crds")
    if settings.skip_tests:
        argv.append("--skip-tests")
    for v in settings.values:
        argv += ["--values", v]
    for s in settings.set:
        argv += ["--set", s]
    for s in settings.set_string:
        argv += ["--set-string", s]
    for a in settings.api_versions:
        argv += ["--api-versions", a]
    return argv


_TEMPLATE_POS = re.compile(r"(?:template: |Error: )([^\s:]+\.(?:ya?ml|tpl|txt|json)):(\d+):(\d+)")
_PARSE_ERROR = re.compile(r"(?:YAML parse error on|error on) ([^\s:]+\.(?:ya?ml|tpl|json))")


def failure(chart_dir: str, chart_file: str, message: str, argv: List[str]) -> Finding:
    """A render failure as a finding with Helm's own message, at the
    template position Helm names (else at Chart.yaml)."""
    text = " ".join(
        line.strip()
        for line in message.strip().splitlines()
        if line.strip() and not line.startswith("Use --debug flag")
    )
    text = text[len("Error: ") :] if text.startswith("Error: ") else text
    if "library charts are not installable" in text:
        return Finding(
            "helm-library-chart",
            INFO,
            f'library chart: helm says "{text}"; kubelint checks its templates through the charts that depend on it',
            chart_file,
            1,
            1,
        )
    file, line, col = chart_file, 1, 1
    m = _TEMPLATE_POS.search(message)
    if m:
        file, line, col = _chart_path(chart_dir, m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _PARSE_ERROR.search(message)
        if m:
            file = _chart_path(chart_dir, m.group(1))
    if not os.path.isfile(file):
        file, line, col = chart_file, 1, 1
    hint = ""
    if "helm dependency build" in text or "missing in charts/" in text:
        hint = f"; run `helm dependency build {chart_dir}` to fetch the dependencies into charts/"
    elif "YAML parse error" in text:
        hint = f"; `{' '.join(argv[:4])} --debug` shows the rendered YAML"
    return Finding("helm-render-failed", ERROR, f"helm template failed: {text}{hint}", file, line, col)


def _chart_path(chart_dir: str, source: str) -> str:
    """``podinfo/templates/x.yaml`` (chart name first) -> a path under ``chart_dir``."""
    rest = source.split("/", 1)[1] if "/" in source else source
    return os.path.join(chart_dir, rest)


def render(
    helm: str,
    chart_dir: str,
    chart_file: str,
    settings: HelmSettings,
    namespace: str,
    kube_version: str,
    max_bytes: int,
    timeout: float = tools.DEFAULT_TIMEOUT,
):
    """(rendered text or None, [failure findings], argv)."""
    argv = command(helm, chart_dir, settings, namespace, kube_version)
    result = tools.run(argv, timeout=timeout, max_bytes=max_bytes)
    if result.problem:
        return (
            None,
            [Finding("helm-render-failed", ERROR, f"helm template failed: {result.problem}", chart_file, 1, 1)],
            argv,
        )
    if result.returncode != 0:
        return None, [failure(chart_dir, chart_file, result.stderr or f"exit status {result.returncode}", argv)], argv
    return result.stdout.decode("utf-8", "replace"), [], argv


# ---------------------------------------------------------------------------
# Rendered line -> template line

_ACTION = re.compile(r"\{\{-?.*?-?\}\}")
_CONTROL = re.compile(r"^\{\{-?\s*(/\*|if\b|else\b|end\b|range\b|with\b|define\b|break\b|continue\b|\$[\w.]*\s*:?=)")


class _Line:
    """How one template line can appear in the output."""

    __slots__ = ("regex", "loose", "literal", "generator", "first_action", "segments", "actions")

    def __init__(self, text: str):
        self.literal: Optional[str] = None
        self.regex = None
        self.loose = None
        self.generator = False
        self.first_action = 0
        self.segments: List[Tuple[int, int]] = []  # template start column (0-based) of each literal segment
        actions = list(_ACTION.finditer(text))
        self.actions = [a.start() for a in actions]
        if not actions:
            self.literal = text.rstrip()
            return
        self.first_action = actions[0].start()
        rest = _ACTION.sub("", text).strip()
        if not rest:
            self.generator = any(not _CONTROL.match(a.group()) for a in actions)
            return
        parts, pos = [], 0
        for a in actions:
            lit = text[pos : a.start()]
            if a.group().startswith("{{-"):
                lit = lit.rstrip()
            parts.append((pos, lit))
            pos = a.end()
        parts.append((pos, text[pos:].rstrip()))
        pattern = "".join(
            f"({re.escape(lit)})" + ("(.*?)" if i < len(parts) - 1 else "") for i, (_, lit) in enumerate(parts)
        )
        trailing = actions[-1].group().endswith("-}}") and not parts[-1][1].strip()
        end = (".*" if trailing else "") + r"\s*$"
        self.regex = re.compile(pattern + end)
        if len(parts) > 2:
            # Literals between actions may be inside an if/with that rendered nothing
            # (`{{ .repo }}{{ with .tag }}:{{ . }}{{ end }}`): optional, but the first and
            # last literal (indentation, key, quotes) must still be there.
            inner = "".join(
                f"({re.escape(lit)})"
                + ("?" if 0 < i < len(parts) - 1 else "")
                + ("(.*?)" if i < len(parts) - 1 else "")
                for i, (_, lit) in enumerate(parts)
            )
            self.loose = re.compile(inner + end)
        self.segments = [start for start, _ in parts]

    def match(self, rendered: str):
        if self.literal is not None:
            return rendered.rstrip() == self.literal
        if self.regex is not None:
            return self.regex.match(rendered) or (self.loose.match(rendered) if self.loose is not None else None)
        return None

    def column(self, m, rendered_col: int) -> int:
        """The template column (1-based) of a rendered column on a matched line."""
        if m is True:
            return rendered_col
        c = rendered_col - 1
        for i, start in enumerate(self.segments):
            g = m.span(2 * i + 1)
            if g[0] < 0:  # an optional literal that did not take part
                continue
            if g[0] <= c < g[1] or (g[0] == g[1] == c):
                return start + (c - g[0]) + 1
            if i + 1 < len(self.segments):
                a = m.span(2 * i + 2)
                if a[0] <= c < a[1]:
                    return self.actions[i] + 1
        return self.first_action + 1


@dataclass
class _Doc:
    start: int  # first rendered line (1-based) of the document
    end: int  # last rendered line
    file: str  # template file (or Chart.yaml when unknown)
    exists: bool
    lines: Dict[int, Tuple[int, int, bool]] = field(
        default_factory=dict
    )  # rendered line -> (template line, kind, exact)
    first: int = 1  # template line of the document's first matched line


class HelmMap:
    """Rendered-stream positions -> template positions (see the module doc)."""

    tool = "helm"

    def __init__(self, text: str, chart_dir: str, chart_file: str):
        self.chart_dir = chart_dir
        self.chart_file = chart_file
        self.rendered = text.split("\n")
        self.docs: List[_Doc] = []
        self._templates: Dict[str, Tuple[List[str], List[_Line]]] = {}
        self._last: Dict[str, int] = {}
        self._split()

    def _split(self):
        lines = self.rendered
        starts = [i for i, l in enumerate(lines) if l.startswith("# Source: ")]
        for n, i in enumerate(starts):
            end = (starts[n + 1] - 1) if n + 1 < len(starts) else len(lines)
            source = lines[i][len("# Source: ") :].strip()
            path = _chart_path(self.chart_dir, source)
            exists = os.path.isfile(path)
            self.docs.append(_Doc(i + 1, end, path if exists else self.chart_file, exists))

    def _template(self, path: str):
        t = self._templates.get(path)
        if t is None:
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    src = fh.read().split("\n")
            except OSError:
                src = []
            t = self._templates[path] = (src, [_Line(s) for s in src])
        return t

    def _align(self, doc: _Doc):
        if doc.lines or not doc.exists:
            return
        src, matchers = self._template(doc.file)
        literal: Dict[str, List[int]] = {}
        for j, m in enumerate(matchers):
            if m.literal is not None and m.literal.strip():
                literal.setdefault(m.literal, []).append(j)
        patterns = [j for j, m in enumerate(matchers) if m.regex is not None]
        p = self._last.get(doc.file, -1)
        anchors: List[Tuple[int, int]] = []  # (rendered line, template index)
        for r in range(doc.start + 1, doc.end + 1):
            text = self.rendered[r - 1]
            if not text.strip() or text.strip() == "---":
                continue
            cands = sorted(literal.get(text.rstrip(), []) + [j for j in patterns if matchers[j].match(text)])
            if not cands:
                continue
            fwd = [j for j in cands if j > p]
            j = fwd[0] if fwd else max(j for j in cands if j <= p)
            doc.lines[r] = (j, 0, True)
            anchors.append((r, j))
            p = j
        self._last[doc.file] = p
        doc.first = anchors[0][1] + 1 if anchors else 1
        # Lines written by a multi-line action: the one generator between the neighbouring anchors.
        bounds = [(doc.start, -1)] + anchors + [(doc.end + 1, len(matchers))]
        for (r0, j0), (r1, j1) in zip(bounds, bounds[1:]):
            if r1 - r0 <= 1:
                continue
            gens = [j for j in range(j0 + 1, j1) if matchers[j].generator] if j1 > j0 else []
            for r in range(r0 + 1, r1):
                if gens and len(gens) == 1:
                    doc.lines[r] = (gens[0], 1, False)

    def locate(self, line: int, column: int) -> Tuple[str, int, int, bool]:
        """(template file, line, column, exact) of a rendered position."""
        doc = self._doc(line)
        if doc is None:
            return self.chart_file, 1, 1, False
        if not doc.exists:
            return doc.file, 1, 1, False
        self._align(doc)
        hit = doc.lines.get(line)
        if hit is None:
            return doc.file, doc.first, 1, False
        j, kind, exact = hit
        src, matchers = self._template(doc.file)
        if kind == 1:
            return doc.file, j + 1, matchers[j].first_action + 1, False
        m = matchers[j].match(self.rendered[line - 1])
        return doc.file, j + 1, matchers[j].column(m, column) if m else 1, True

    def _doc(self, line: int) -> Optional[_Doc]:
        lo, hi = 0, len(self.docs) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            d = self.docs[mid]
            if line < d.start:
                hi = mid - 1
            elif line > d.end:
                lo = mid + 1
            else:
                return d
        return None
