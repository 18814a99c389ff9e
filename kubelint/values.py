"""Values as the API server prints them in messages (``field.Invalid``)."""
from __future__ import annotations

import json
import math

from .model import type_name


def json_type(value) -> str:
    """The JSON type name kube-openapi prints (``Invalid value: "string"``):
    :func:`kubelint.model.type_name`, except that an integral float is an
    integer in JSON."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return "integer"
    return type_name(value)


def show(value) -> str:
    """A value as ``field.Invalid`` prints it (short)."""
    if isinstance(value, str):
        s = value if len(value) <= 60 else value[:57] + "..."
        return json.dumps(s)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value == int(value) and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(json_type(value))
