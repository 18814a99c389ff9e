"""The render stage: charts and kustomize roots -> one FileResult each (see the package doc)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ..findings import ERROR, Finding, RenderOrigin
from ..settings import RenderSettings
from . import tools


@dataclass
class Rendered:
    """A rendered chart or root: where its stream came from, and the way back."""

    tool: str
    root: str
    stream: str  # the stream's name (FileResult.path of its objects)
    namespace: Optional[str]
    smap: object  # HelmMap | KustomizeMap: locate(line, column) -> (file, line, column, exact)
    command: List[str] = field(default_factory=list)

    def origin(self, line: int, column: int, exact: bool) -> RenderOrigin:
        return RenderOrigin(self.tool, self.root, self.namespace, line, column, exact, self.stream)


def _missing(source, settings: RenderSettings) -> Finding:
    if source.tool == "helm":
        given = f" (--helm {settings.helm} is not an executable)" if settings.helm else ""
        return Finding(
            "helm-not-found",
            ERROR,
            f"Helm chart not checked: helm is not on PATH{given}; install Helm 3 or 4 "
            "(https://helm.sh/docs/intro/install/, or `go install helm.sh/helm/v4/cmd/helm@v4.3.2`), "
            f"pass --helm PATH, or pipe the rendered chart: "
            f"`helm template RELEASE {source.root} | kubelint check -`",
            source.file,
            1,
            1,
        )
    given = f" (--kustomize {settings.kustomize} is not an executable)" if settings.kustomize else ""
    return Finding(
        "kustomize-not-found",
        ERROR,
        f"kustomization not checked: neither kustomize nor kubectl is on PATH{given}; install kustomize "
        "(`go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1`) or kubectl, pass --kustomize PATH, "
        f"or pipe the build: `kustomize build {source.root} | kubelint check -`",
        source.file,
        1,
        1,
    )


def _tool(source, settings: RenderSettings) -> Optional[str]:
    if source.tool == "helm":
        return tools.find("helm", settings.helm)
    if settings.kustomize:
        return tools.find("kustomize", settings.kustomize)
    return tools.find("kustomize") or tools.find("kubectl")


def _special_file(source) -> Optional[str]:
    """A named pipe, socket or device the tool would read (and block on
    forever): any in a chart's tree, any file a kustomization uses."""
    import stat

    if source.tool == "helm":
        candidates = []
        for d, _dirs, files in os.walk(source.root):
            candidates.extend(os.path.join(d, f) for f in files)
    else:
        from ..discover import closure

        candidates = sorted({f for k in closure(source.root) for f in k.files})
    for path in candidates:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            return path
    return None


def _render_one(source, settings: RenderSettings, namespace: str, kube_version: str, max_bytes: int):
    """(text or None, [findings], Rendered or None) for one source; runs in a thread."""
    from . import helm as helm_mod
    from . import kustomize as kustomize_mod

    exe = _tool(source, settings)
    if exe is None:
        return None, [_missing(source, settings)], None
    special = _special_file(source)
    if special is not None:
        rule = "helm-render-failed" if source.tool == "helm" else "kustomize-build-failed"
        what = "the chart" if source.tool == "helm" else "the kustomization"
        return (
            None,
            [
                Finding(
                    rule,
                    ERROR,
                    f"{what} is not rendered: {special} is not a regular file (a named pipe, "
                    "socket or device) and the tool would block reading it; remove it",
                    source.file,
                    1,
                    1,
                )
            ],
            None,
        )
    if source.tool == "helm":
        hs = settings.for_chart(source.root)
        ns = hs.namespace or namespace
        text, failures, argv = helm_mod.render(
            exe, source.root, source.file, hs, ns, kube_version, max_bytes, settings.timeout
        )
        if text is None:
            return None, failures, None
        smap = helm_mod.HelmMap(text, source.root, source.file)
        return text, [], Rendered("helm", source.root, f"{source.root} (helm template)", ns, smap, argv)
    helm_exe = tools.find("helm", settings.helm) if settings.kustomize_settings.enable_helm else None
    text, failures, wrapper = kustomize_mod.build(
        exe, source.root, source.file, settings.kustomize_settings, max_bytes, helm_exe, settings.timeout
    )
    if text is None:
        return None, failures, None
    from ..discover import closure

    patches = sorted({p for k in closure(source.root) for p in k.patches})
    smap = kustomize_mod.KustomizeMap(source.root, source.file, wrapper, [kustomize_mod._display(p) for p in patches])
    return (
        text,
        [],
        Rendered(
            "kustomize",
            source.root,
            f"{source.root} (kustomize build)",
            None,
            smap,
            [os.path.basename(exe), "build", source.root],
        ),
    )


def load(
    sources, settings: RenderSettings, namespace: str, kube_version: str, limits, jobs: int = 1, progress=None
) -> list:
    """A :class:`kubelint.phases.FileResult` per source, in order."""
    from ..phases import FileResult

    if not sources:
        return []
    work = lambda s: _render_one(s, settings, namespace, kube_version, limits.max_file_bytes)  # noqa: E731
    if jobs > 1 and len(sources) > 1:
        with ThreadPoolExecutor(max_workers=min(jobs, len(sources))) as pool:
            outcomes = list(pool.map(work, sources))
    else:
        outcomes = [work(s) for s in sources]
    out = []
    for source, (text, findings, rendered) in zip(sources, outcomes):
        if rendered is None:
            fr = FileResult(source.file, list(findings))
            out.append(fr)
            continue
        out.append(_objects(text, rendered, source, limits))
    return out


def _objects(text: str, rendered: Rendered, source, limits):
    from ..kinds import is_cluster_scoped
    from ..loader import parse_text
    from ..phases import objects_of
    from ..suppress import scan
    from .kustomize import strip_origin

    loaded = parse_text(text, rendered.stream, limits)
    loaded.directives = scan(text) if "kubelint:" in text else None
    fr = objects_of(loaded, source.context_only)
    fr.text = text
    fr.origin = rendered
    if rendered.tool == "helm":
        for obj in fr.objects:
            if obj.namespace is None and not is_cluster_scoped(obj.group, obj.kind):
                obj.namespace = rendered.namespace
                obj._ref = None
    else:
        starts = sorted({o.line for o in fr.objects})
        ends = {s: (starts[i + 1] - 1 if i + 1 < len(starts) else 10**9) for i, s in enumerate(starts)}
        for obj in fr.objects:
            rendered.smap.add(obj, strip_origin(obj), ends[obj.line])
    return fr


def map_findings(findings: List[Finding], inputs, masker=None) -> List[Finding]:
    """Every finding of a rendered stream, at its source file and position.
    ``masker`` (kubelint.mask.Masker) also learns where each secret of a
    stream sits in its source file, so excerpts of that file mask it too."""
    streams: Dict[str, Rendered] = {fr.path: fr.origin for fr in inputs if fr.origin is not None}
    if not streams:
        return findings
    if masker is not None:
        for fr in inputs:
            if fr.origin is None:
                continue
            for s in fr.secrets:
                if not s.line:
                    continue
                file, line, column, exact = fr.origin.smap.locate(s.line, s.column)
                if exact:
                    masker.add(
                        file,
                        [s._replace(line=line, column=column, key_column=max(1, s.key_column - s.column + column))],
                    )
    out = []
    for f in findings:
        r = streams.get(f.file)
        if r is None:
            out.append(f)
            continue
        file, line, column, exact = r.smap.locate(f.line, f.column)
        out.append(f._replace(file=file, line=line, column=column, origin=r.origin(f.line, f.column, exact)))
    return out


def inventory(fr) -> Dict[str, list]:
    """Source file -> identities of the objects a rendered stream put there (JUnit)."""
    out: Dict[str, list] = {}
    for obj in fr.objects:
        file = fr.origin.smap.locate(obj.line, obj.column)[0]
        out.setdefault(file, []).append(obj.ref)
    return out
