"""Kustomize roots: ``kustomize build`` (or ``kubectl kustomize``) with
origin annotations, and the way back from built objects to source files.

:func:`build` builds a root through a temporary wrapper kustomization
(``resources: [<root>]``, ``buildMetadata: [originAnnotations]``) so every
object carries ``config.kubernetes.io/origin`` naming the file it came
from.  :func:`strip_origin` removes that annotation from each object (data
and positions) before any check sees it, so it never leaks into findings.

:class:`KustomizeMap` maps a position of the built stream back: it finds
the field at that position in the built object, the object's document in
its origin file (same kind, the name kustomize prefixed or suffixed), and
the same field there.  When the source holds the same value the finding
points at it (exact).  A value a patch set points at the patch that holds
it (exact).  Anything else (a value a transformer wrote, a generated
object) points at the object's first line in its source file, or at the
kustomization that generated it, with the built line shown (not exact).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from ..findings import ERROR, Finding
from ..settings import KustomizeSettings
from . import tools

ORIGIN = "config.kubernetes.io/origin"
_WRAPPED = re.compile(
    r"^accumulating resources: accumulation err='accumulating resources from '[^']*': "
    r"'[^']*' must resolve to a file': (recursed accumulation of path '[^']*': )?"
)


def command(tool: str, wrapper: str, settings: KustomizeSettings, helm: Optional[str] = None) -> List[str]:
    if os.path.basename(tool).startswith("kubectl"):
        argv = [tool, "kustomize", wrapper]
    else:
        argv = [tool, "build", wrapper]
    if settings.enable_helm:
        argv.append("--enable-helm")
        if helm:
            argv += ["--helm-command", helm]
    if settings.load_restrictor == "none":
        argv += ["--load-restrictor", "LoadRestrictionsNone"]
    return argv


def build(
    tool: str,
    root: str,
    root_file: str,
    settings: KustomizeSettings,
    max_bytes: int,
    helm: Optional[str] = None,
    timeout: float = tools.DEFAULT_TIMEOUT,
):
    """(built text or None, [failure findings], wrapper directory used for origin paths)."""
    wrapper = os.path.realpath(tempfile.mkdtemp(prefix="kubelint-kustomize-"))
    try:
        rel = os.path.relpath(os.path.realpath(root), wrapper)
        with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as fh:
            fh.write(
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                f"resources:\n- {rel}\nbuildMetadata: [originAnnotations]\n"
            )
        argv = command(tool, wrapper, settings, helm)
        result = tools.run(argv, cwd=wrapper, timeout=timeout, max_bytes=max_bytes)
    finally:
        shutil.rmtree(wrapper, ignore_errors=True)
    if result.problem or result.returncode != 0:
        message = result.problem or result.stderr or f"exit status {result.returncode}"
        message = " ".join(line.strip() for line in message.strip().splitlines() if line.strip())
        message = message[len("Error: ") :] if message.startswith("Error: ") else message
        message = _WRAPPED.sub("", message, count=1)  # what kustomize says about kubelint's wrapper
        real = os.path.realpath(root)
        message = message.replace(real + os.sep, _display(real) + os.sep).replace(real, _display(real))
        name = os.path.basename(argv[0])
        return (
            None,
            [Finding("kustomize-build-failed", ERROR, f"{name} {argv[1]} failed: {message}", root_file, 1, 1)],
            wrapper,
        )
    return result.stdout.decode("utf-8", "replace"), [], wrapper


def _parse_origin(text: str) -> Dict[str, str]:
    out = {}
    for line in text.split("\n"):
        if line[:1].isspace() or ":" not in line:
            continue
        k, _, v = line.partition(":")
        out[k.strip()] = v.strip()
    return out


def strip_origin(obj) -> Dict[str, str]:
    """Remove the origin annotation from ``obj`` (data and shadow) and
    return it parsed (``path``, ``configuredIn``, ``repo``...)."""
    meta = obj.data.get("metadata")
    if not isinstance(meta, dict):
        return {}
    ann = meta.get("annotations")
    if not isinstance(ann, dict) or ORIGIN not in ann:
        return {}
    value = ann.pop(ORIGIN)
    shadow = obj.shadow
    try:
        mshadow = shadow[2]["metadata"][2]
        ashadow = mshadow[2]["annotations"][2]
        ashadow[2].pop(ORIGIN, None)
        if not ann:
            del meta["annotations"]
            mshadow[2].pop("annotations", None)
    except (KeyError, TypeError, IndexError):
        pass
    return _parse_origin(value) if isinstance(value, str) else {}


# ---------------------------------------------------------------------------
# Built position -> source position


def _find(shadow, line: int, col: int, path=()) -> Optional[Tuple[tuple, str]]:
    """(path, "key"|"value") of the node at (line, col) in a shadow tree."""
    if shadow[0] == line and shadow[1] == col:
        return path, "value"
    children = shadow[2]
    if isinstance(children, dict):
        for k, (kl, kc, child) in children.items():
            if kl == line and kc == col:
                return path + (k,), "key"
            if child[0] <= line:
                hit = _find(child, line, col, path + (k,))
                if hit:
                    return hit
    elif isinstance(children, list):
        for i, child in enumerate(children):
            if child[0] <= line:
                hit = _find(child, line, col, path + (i,))
                if hit:
                    return hit
    return None


def _follow(built, data, shadow, path):
    """The source position of ``path`` (list items matched by ``name`` when
    they have one), and the source value; None when the path is absent."""
    b = built
    key_pos = None
    for elem in path:
        children = shadow[2]
        if isinstance(elem, int):
            if not isinstance(data, list) or not isinstance(b, list) or elem >= len(b):
                return None
            want = b[elem]
            idx = elem
            if isinstance(want, dict) and "name" in want:
                idx = next(
                    (i for i, x in enumerate(data) if isinstance(x, dict) and x.get("name") == want["name"]), None
                )
            if idx is None or idx >= len(data) or not isinstance(children, list):
                return None
            data, shadow, b = data[idx], children[idx], want
        else:
            if not isinstance(data, dict) or elem not in data or not isinstance(children, dict):
                return None
            kl, kc, child = children[elem]
            key_pos = (kl, kc)
            data, shadow, b = data[elem], child, (b.get(elem) if isinstance(b, dict) else None)
    return data, shadow, key_pos


@dataclass
class _Obj:
    start: int
    end: int
    kind: str
    name: Optional[str]
    data: dict
    shadow: tuple
    origin: Dict[str, str]
    line: int


@dataclass
class KustomizeMap:
    """Built-stream positions -> source positions (see the module doc)."""

    root: str
    root_file: str
    wrapper: str
    patches: List[str] = field(default_factory=list)  # patch files of the root and what it uses
    objects: List[_Obj] = field(default_factory=list)
    tool = "kustomize"
    _docs: Dict[str, list] = field(default_factory=dict)

    def _documents(self, path: str) -> list:
        docs = self._docs.get(path)
        if docs is None:
            from ..loader import load_file

            docs = self._docs[path] = [d for d in load_file(path).documents if isinstance(d.data, dict)]
        return docs

    def add(self, obj, origin: Dict[str, str], end: int) -> None:
        self.objects.append(_Obj(obj.line, end, obj.kind, obj.name, obj.data, obj.shadow, origin, obj.line))

    def origin_file(self, o: _Obj) -> Optional[str]:
        rel = o.origin.get("path") or o.origin.get("configuredIn")
        if not rel or o.origin.get("repo"):
            return None
        full = os.path.normpath(os.path.join(self.wrapper, rel))
        return _display(full) if os.path.isfile(full) else None

    def locate(self, line: int, column: int) -> Tuple[str, int, int, bool]:
        o = next((o for o in self.objects if o.start <= line <= o.end), None)
        if o is None:
            return self.root_file, 1, 1, False
        source = self.origin_file(o)
        if source is None:
            return self.root_file, 1, 1, False
        if "path" not in o.origin:  # generated (configMapGenerator...): the kustomization that configures it
            return source, 1, 1, False
        hit = _find(o.shadow, line, column)
        doc = _source_document(self._documents(source), o.kind, o.name)
        if doc is None:
            return source, 1, 1, False
        if hit is None:
            return source, doc.line, doc.column, False
        path, at = hit
        built_value = _value(o.data, path)
        for candidate in [(source, doc)] + [
            (p, d) for p in self.patches for d in self._documents(p) if d.data.get("kind") in (o.kind, None)
        ]:
            file, d = candidate
            found = _follow(o.data, d.data, d.shadow, path)
            if found is None:
                continue
            value, shadow, key_pos = found
            if at == "key" and key_pos:
                return file, key_pos[0], key_pos[1], True
            if at == "value" and _same(value, built_value):
                return file, shadow[0], shadow[1], True
        return source, doc.line, doc.column, False


def _display(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith(os.pardir + os.sep) else rel


def _value(data, path):
    for elem in path:
        try:
            data = data[elem]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _same(a, b) -> bool:
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return type(a) is type(b)
    return a == b


def _source_document(docs: list, kind: str, name: Optional[str]):
    cands = [d for d in docs if d.data.get("kind") == kind]
    if len(cands) <= 1:
        return cands[0] if cands else None
    named = []
    for d in cands:
        meta = d.data.get("metadata")
        n = meta.get("name") if isinstance(meta, dict) else None
        if isinstance(n, str) and name and n in name:
            named.append((len(n), d))
    return max(named, key=lambda x: x[0])[1] if named else cands[0]
