"""JSON report: a stable contract (documented in README, "JSON output")."""

from __future__ import annotations

import json

from .. import __version__
from ..loader import native
from ..findings import ERROR, INFO, WARNING


def document(result) -> dict:
    return {
        "version": __version__,
        "kubernetesVersion": result.kubernetes_version,
        "findings": [f.to_json() for f in result.findings],
        "summary": {
            "files": result.files,
            "documents": result.documents,
            "errors": result.count(ERROR),
            "warnings": result.count(WARNING),
            "infos": result.count(INFO),
            # Files that are not manifests, and the charts and kustomize roots rendered (kubelint/discover.py).
            "skipped": [s.to_json() for s in result.skipped],
            "rendered": [{"tool": s.tool, "root": s.root} for s in result.rendered if not s.context_only],
        },
    }


def render(result, options=None) -> str:
    return dumps(document(result)) + "\n"


def dumps(doc) -> str:
    """``json.dumps(doc, indent=2, ensure_ascii=False)``, the same text, faster: with an indent the json
    module encodes in pure Python, a generator per container (50 ms of a corpus report).  In the C
    extension where it is installed (``_kubelint_yaml.json_indent``), else :func:`_encode`.  Plain data
    only (str keys; str, int, float, bool, None, list, tuple, dict values); anything else is left to
    json.dumps."""
    if _C_INDENT is not None:
        try:
            return _C_INDENT(doc, _STRING)
        except TypeError:  # not plain data
            return json.dumps(doc, indent=2, ensure_ascii=False)
    return _py_dumps(doc)


def _py_dumps(doc) -> str:
    out: list = []
    try:
        _encode(doc, "\n", out)
    except _NotPlain:
        return json.dumps(doc, indent=2, ensure_ascii=False)
    return "".join(out)


class _NotPlain(Exception):
    pass


_STRING = json.encoder.encode_basestring  # the json module's own (its C version where there is one)
_C_INDENT = native("json_indent")
_FLOAT = json.encoder.JSONEncoder(allow_nan=True).iterencode  # float text as json writes it (NaN, Infinity)


def _encode(o, newline: str, out: list) -> None:
    t = type(o)
    if t is str:
        out.append(_STRING(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif t is int:
        out.append(int.__repr__(o))
    elif t is float:
        out.append("".join(_FLOAT(o)))
    elif t is dict:
        if not o:
            out.append("{}")
            return
        inner = newline + "  "
        sep = "{" + inner
        for k, v in o.items():
            if type(k) is not str:
                raise _NotPlain
            tv = type(v)
            if tv is str:  # most values of a report: one piece, no call
                out.append(f"{sep}{_STRING(k)}: {_STRING(v)}")
            elif v is None:
                out.append(f"{sep}{_STRING(k)}: null")
            elif tv is int:
                out.append(f"{sep}{_STRING(k)}: {int.__repr__(v)}")
            else:
                out.append(f"{sep}{_STRING(k)}: ")
                _encode(v, inner, out)
            sep = "," + inner
        out.append(newline + "}")
    elif t is list or t is tuple:
        if not o:
            out.append("[]")
            return
        inner = newline + "  "
        sep = "[" + inner
        for v in o:
            out.append(sep)
            _encode(v, inner, out)
            sep = "," + inner
        out.append(newline + "]")
    else:
        raise _NotPlain
