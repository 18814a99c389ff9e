"""Values in messages, printed one way everywhere: :func:`show` as the API
server prints a ``field.Invalid`` value (custom resources, API-server checks,
CEL rule failures, the schema layer's "the string ..." descriptions),
:func:`show_map` for a label map, :func:`json_type` for a type name."""

from __future__ import annotations

import math

from .model import type_name

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Optional


def json_type(value) -> str:
    """The JSON type name kube-openapi prints (``Invalid value: "string"``):
    :func:`kubelint.model.type_name`, except that an integral float is an
    integer in JSON."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return "integer"
    return type_name(value)


def quote(s: str) -> str:
    """A string as Go's ``%q`` (strconv.Quote) prints it: double quotes,
    backslash escapes for quotes, backslashes and unprintable characters;
    printable Unicode is kept as it is."""
    out = ['"']
    for c in s:
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        elif c in _ESCAPES:
            out.append(_ESCAPES[c])
        else:
            n = ord(c)
            out.append(f"\\x{n:02x}" if n < 0x80 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}")
    out.append('"')
    return "".join(out)


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def show(value, width: Optional[int] = None) -> str:
    """A value as ``field.Invalid`` prints it: strings quoted as Go's ``%q``
    (whole, as the server prints them: a reporter for people shortens long
    ones for display, :func:`kubelint.mask.display`; ``width`` clips one
    for kubelint's own words), numbers as ``%v`` (an integral float is an
    integer), ``true``/``false``/``null``; a mapping or list by its JSON type
    (never its content: it may hold secrets)."""
    if isinstance(value, str):
        return quote(value if width is None or len(value) <= width else value[: width - 3] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and math.isfinite(value) and value == int(value) and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return quote(json_type(value))


def show_map(d: dict) -> str:
    """A label map as the v1.37 API server prints a ``map[string]string``
    value: compact JSON, keys sorted: ``{"app":"web","tier":"db"}``."""
    import json

    return json.dumps(
        {str(k): v for k, v in sorted(d.items(), key=lambda kv: str(kv[0]))}, separators=(",", ":"), ensure_ascii=False
    )
