"""``--schema-dir`` schemas that use JSON-Schema features the structural
walker (kubelint/crd.py) does not implement, validated with jsonschema.

CRD schemas are structural: no ``$ref``, no ``patternProperties``, no
``if``/``then``/``else``.  A hand-written or generated catalogue schema may
use them (kubeconform's non-standalone schemas point at
``_definitions.json`` with ``$ref``); the walker would silently skip what it
does not understand, or report fields a ``patternProperties`` allows as
unknown.  Such a schema (:func:`needs_jsonschema`) is compiled to a
:class:`FullSchema` instead, which validates a custom resource with
jsonschema and reports the same rule ids as the walker (``unknown-field``,
``invalid-type``, ``missing-required-field``, ``cr-invalid-value``).

``$ref`` is resolved inside the catalogue directory only: a reference to a
file outside it, to a non-regular file or to the network does not resolve,
and the schema is reported as unusable (``no-schema``, as an unreadable
catalogue file).  ``format`` is not checked (Kubernetes' formats are not
JSON Schema's); the schema's own ``$schema`` picks the draft, else draft 7
(draft 4 when it writes ``exclusiveMinimum: true`` the OpenAPI v3 way).

The interface crd.py uses: :func:`full_schema` (a :class:`FullSchema` or None)
and :meth:`FullSchema.problems`.
"""

from __future__ import annotations

import json
import os
import stat
from typing import List, Optional

from .findings import ERROR, INFO, Problem, format_path
from .model import type_name
from .suggest import did_you_mean

# Keywords the structural walker does not implement.
UNSUPPORTED = frozenset(
    {
        "$ref",
        "$dynamicRef",
        "patternProperties",
        "if",
        "then",
        "else",
        "const",
        "contains",
        "prefixItems",
        "additionalItems",
        "dependencies",
        "dependentRequired",
        "dependentSchemas",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "minContains",
        "maxContains",
        "uniqueItems",
    }
)
# Keywords whose value is a schema, a list of schemas, or a map of name -> schema.
_SCHEMA = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
)
_SCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
_SCHEMA_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
MAX_REF_BYTES = 64 * 1024 * 1024  # a referenced file larger than this does not resolve
UNKNOWN_FIELD = "unknown-field"
INVALID_TYPE = "invalid-type"
MISSING_REQUIRED = "missing-required-field"
INVALID_VALUE = "cr-invalid-value"


def _features(schema, out: set, depth: int = 0) -> set:
    """The keywords of ``schema`` (recursively, names of properties excluded)."""
    if not isinstance(schema, dict) or depth > 200:
        return out
    for key, value in schema.items():
        out.add(key)
        if key == "exclusiveMinimum" or key == "exclusiveMaximum":
            if isinstance(value, bool):
                out.add("boolean-exclusive")
        if key in _SCHEMA:
            _features(value, out, depth + 1)
        if key in _SCHEMA_LIST and isinstance(value, list):
            for v in value:
                _features(v, out, depth + 1)
        if key in _SCHEMA_MAP and isinstance(value, dict):
            for v in value.values():
                _features(v, out, depth + 1)
    return out


def needs_jsonschema(schema) -> bool:
    return bool(_features(schema, set()) & UNSUPPORTED)


def full_schema(schema, path: str, root: str) -> Optional["FullSchema"]:
    """A :class:`FullSchema` for a catalogue file's ``schema`` that needs
    jsonschema; None for a schema the walker handles."""
    features = _features(schema, set())
    if not features & UNSUPPORTED:
        return None
    return FullSchema(schema, path, root, draft4="boolean-exclusive" in features)


class FullSchema:
    """A catalogue schema validated by jsonschema, ``$ref`` resolved in ``root``."""

    def __init__(self, schema: dict, path: str, root: str, draft4: bool = False):
        self.schema = schema
        self.path = path
        self.root = os.path.realpath(root)
        self.draft4 = draft4
        self._validator = None
        self.unusable: Optional[str] = None  # why a $ref does not resolve
        self._reported = False

    def validator(self):
        if self._validator is None:
            import jsonschema
            from referencing import Registry, Resource
            from referencing.exceptions import NoSuchResource

            default = jsonschema.Draft4Validator if self.draft4 else jsonschema.Draft7Validator
            cls = jsonschema.validators.validator_for(self.schema, default=default)
            spec = cls.META_SCHEMA.get("$schema", "")

            def retrieve(uri: str):
                try:
                    return Resource.from_contents(self._read(uri), default_specification=_specification(spec))
                except (OSError, ValueError) as exc:
                    raise NoSuchResource(ref=uri) from exc

            base = "file://" + os.path.realpath(self.path)
            registry = Registry(retrieve=retrieve).with_resource(
                base, Resource.from_contents(self.schema, default_specification=_specification(spec))
            )
            self._validator = cls({"$ref": base}, registry=registry)
        return self._validator

    def _read(self, uri: str):
        """A referenced file: a regular file inside the catalogue, not too large."""
        if not uri.startswith("file://"):
            raise ValueError(f"{uri} is not a file in the catalogue (kubelint never fetches schemas)")
        target = os.path.realpath(uri[len("file://") :])
        if os.path.commonpath([target, self.root]) != self.root:
            raise ValueError(f"{target} is outside the catalogue {self.root}")
        st = os.stat(target)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_REF_BYTES:
            raise ValueError(f"{target} is not a regular file of at most {MAX_REF_BYTES} bytes")
        with open(target, encoding="utf-8") as fh:
            return json.load(fh)

    def problems(self, obj, no_schema: str = "info") -> List[Problem]:
        """The object's findings.  Of metadata, only what the schema says of
        name and generateName: crd.py checks the rest as ObjectMeta."""
        from referencing.exceptions import Unresolvable

        if self.unusable is not None:
            return []
        try:
            errors = list(self.validator().iter_errors(obj.data))
        except Unresolvable as exc:
            self.unusable = f"$ref {getattr(exc, 'ref', '')!r} does not resolve to a file inside the catalogue"
        except RecursionError:
            self.unusable = "its $ref chain is too deep"
        if self.unusable is not None:
            if no_schema == "off":
                return []
            return [
                Problem(
                    ("kind",),
                    f"no schema for {obj.kind} ({obj.api_version}): the catalogue file {self.path} "
                    f"cannot be used ({self.unusable}); not validated. Fix the reference or the file",
                    "no-schema",
                    ERROR if no_schema == "error" else INFO,
                )
            ]
        out = []
        for error in errors:
            for leaf in _leaves(error):
                p = _problem(leaf, obj.kind)
                if p is not None and (p.path[:1] != ("metadata",) or p.path[1:2] in (("name",), ("generateName",))):
                    out.append(p)
        return out


def _specification(uri: str):
    from referencing.jsonschema import DRAFT7, specification_with

    return specification_with(uri, default=DRAFT7)


def _leaves(error):
    """The most specific errors: inside anyOf/oneOf, the branch's own errors
    when one branch is clearly meant (jsonschema's best_match), else the error."""
    if error.context:
        import jsonschema

        best = jsonschema.exceptions.best_match(error.context)
        if best is not None and best.context is not error.context:
            return [best]
    return [error]


def _problem(error, kind: str) -> Optional[Problem]:
    path = tuple(error.absolute_path)
    where = format_path(path) or "<root>"
    instance = error.instance
    if error.validator == "required":
        missing = next((r for r in error.validator_value if isinstance(instance, dict) and r not in instance), None)
        if missing is None:
            return None
        child = path + (missing,)
        return Problem(
            child,
            f"{format_path(child)}: Required value (the {kind} schema requires it); add {missing}",
            MISSING_REQUIRED,
            ERROR,
            "key",
        )
    if error.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        declared = list((error.schema.get("properties") or {}))
        extra = next((k for k in instance if k not in declared), None)
        if extra is not None:
            child = path + (extra,)
            return Problem(
                child,
                f'unknown field "{format_path(child)}"{did_you_mean(str(extra), declared)}: the {kind} '
                f"schema declares no such field {'in ' + where if path else 'at the top level'}; "
                "fix the spelling or move it to the right level",
                UNKNOWN_FIELD,
                ERROR,
                "key",
            )
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else ",".join(error.validator_value)
        return Problem(
            path,
            f'{where}: Invalid value: "{type_name(instance)}": {where} in body must be of type '
            f"{expected}; write a value of type {expected}",
            INVALID_TYPE,
            ERROR,
        )
    if isinstance(instance, (dict, list)):
        said = f"the {type_name(instance)} {_tail(error)}"
    else:
        said = error.message if error.message.startswith(repr(instance)) else f"{instance!r}: {error.message}"
    return Problem(
        path,
        f"{where}: Invalid value: {said} (the {kind} schema's {error.validator}); "
        "change the value to one the schema allows",
        INVALID_VALUE,
        ERROR,
    )


def _tail(error) -> str:
    """jsonschema's message without the repr of a large instance in front."""
    text = error.message
    r = repr(error.instance)
    return text[len(r) :].strip() if text.startswith(r) else f"does not satisfy {error.validator}"
