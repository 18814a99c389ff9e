#!/usr/bin/env python3
"""Generate kubelint's bundled schemas (``schemas/``) from the Kubernetes API
definitions (``shared/k8s/definitions/v1.NN.json``).

Usage: ``python3 scripts/gen_schemas.py [DEFINITIONS_DIR] [OUT_DIR]``
(defaults: ``../shared/k8s/definitions`` and ``schemas``).

The output is the *compiled* form kubelint validates with, so a run never
compiles anything: it ``json.load``s the few small shards the kinds it sees
need (see ``kubelint/schema.py``).

* ``schemas/v1.NN.json`` — the index of one minor release:
  ``{"kinds": {"apps/v1": {"Deployment": "io.k8s.api.apps.v1.Deployment"}},
  "shards": {"io.k8s.api.apps.v1": "shards/io.k8s.api.apps.v1-<hash>.json"}}``.
* ``schemas/shards/<package>-<hash>.json`` — every definition of one Go
  package (``io.k8s.api.core.v1``) in compact form, named by content hash so
  a package that did not change between releases is stored once.

Compact definition: ``{"p": {field: TYPE}, "r": [required fields]}`` — every
definition is a strict object (unknown fields are errors, as with the API
server's strict field validation).  TYPE is one of:

* ``"string"``, ``"string:byte"`` (base64, as Go decodes ``[]byte``),
  ``"string:date-time"`` (RFC 3339, as ``metav1.Time`` decodes),
  ``"integer:int32"``, ``"integer:int64"``, ``"number"``, ``"boolean"``,
  ``"quantity"``, ``"int-or-string"``, ``"any"`` (free-form JSON:
  RawExtension, FieldsV1, apiextensions JSON);
* ``"#<definition>"`` — a reference;
* ``["array", TYPE, LIST_TYPE, [MAP_KEYS]]`` — ``x-kubernetes-list-type``
  and ``x-kubernetes-list-map-keys`` when present (else ``null``);
* ``{"map": TYPE}`` — a string-keyed map.

Descriptions, patch strategies and the like are dropped: they are not
validation.  ``null`` is accepted everywhere by the validator (the API
server's decoder leaves a null field at its zero value), so the generator
does not record nullability.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Definitions that are free-form JSON on the wire.
ANY = {
    "io.k8s.apimachinery.pkg.runtime.RawExtension",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
}
SCALARS = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "int-or-string",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "string:date-time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "string:date-time",
}
# Packages whose group-version-kinds are not objects a user applies.
NOT_APPLIED = ("io.k8s.apimachinery.pkg.apis.meta.v1.", "io.k8s.apimachinery.pkg.version.")


def _types(schema):
    t = schema.get("type")
    if t is None:
        return []
    return [x for x in (t if isinstance(t, list) else [t]) if x != "null"]


def compact_type(schema, defs):
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in SCALARS:
            return SCALARS[name]
        if name in ANY or name not in defs:
            return "any"
        return "#" + name
    types = _types(schema)
    if not types:
        return "any"
    t = types[0]
    if t == "string":
        fmt = schema.get("format")
        return "string:" + fmt if fmt in ("byte", "date-time") else "string"
    if t == "integer":
        fmt = schema.get("format")
        return "integer:int32" if fmt == "int32" else "integer:int64"
    if t in ("number", "boolean"):
        return t
    if t == "array":
        item = compact_type(schema.get("items") or {}, defs)
        return ["array", item, schema.get("x-kubernetes-list-type"), schema.get("x-kubernetes-list-map-keys")]
    if t == "object":
        ap = schema.get("additionalProperties")
        if "properties" in schema:  # an inline struct (rare in definitions)
            return "any"
        if isinstance(ap, dict):
            return {"map": compact_type(ap, defs)}
        return "any"
    return "any"


def compact_def(schema, defs):
    props = schema.get("properties") or {}
    out = {"p": {k: compact_type(v, defs) for k, v in sorted(props.items())}}
    req = [r for r in schema.get("required") or [] if r in props]
    if req:
        out["r"] = sorted(req)
    return out


def package(name):
    return name.rsplit(".", 1)[0]


def dump(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def generate(defs_dir, out_dir):
    versions = sorted(
        (f[1:-5] for f in os.listdir(defs_dir) if f.startswith("v1.") and f.endswith(".json")),
        key=lambda v: tuple(int(x) for x in v.split(".")),
    )
    shard_dir = os.path.join(out_dir, "shards")
    os.makedirs(shard_dir, exist_ok=True)
    written = set()
    for v in versions:
        with open(os.path.join(defs_dir, f"v{v}.json"), encoding="utf-8") as fh:
            defs = json.load(fh)["$defs"]
        kinds = defaultdict(dict)
        packages = defaultdict(dict)
        for name, schema in defs.items():
            if name in ANY or name in SCALARS:
                continue
            packages[package(name)][name] = compact_def(schema, defs)
            if name.startswith(NOT_APPLIED):
                continue
            for gvk in schema.get("x-kubernetes-group-version-kind") or []:
                kind = gvk["kind"]
                if kind.endswith("List"):
                    continue
                gv = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
                kinds[gv][kind] = name
        shards = {}
        for pkg, content in sorted(packages.items()):
            text = dump(content)
            digest = hashlib.sha256(text.encode()).hexdigest()[:12]
            rel = f"shards/{pkg}-{digest}.json"
            shards[pkg] = rel
            if rel not in written:
                with open(os.path.join(out_dir, rel), "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
                written.add(rel)
        index = {
            "version": v,
            "kinds": {gv: dict(sorted(k.items())) for gv, k in sorted(kinds.items())},
            "shards": shards,
        }
        with open(os.path.join(out_dir, f"v{v}.json"), "w", encoding="utf-8") as fh:
            fh.write(json.dumps(index, sort_keys=True, indent=0, separators=(",", ":")) + "\n")
    # Remove shards no index refers to any more.
    for f in os.listdir(shard_dir):
        if f"shards/{f}" not in written:
            os.remove(os.path.join(shard_dir, f))
    with open(os.path.join(out_dir, "versions.json"), "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"versions": versions}) + "\n")
    return versions, len(written)


def main(argv):
    defs_dir = argv[1] if len(argv) > 1 else os.path.join(ROOT, "..", "shared", "k8s", "definitions")
    out_dir = argv[2] if len(argv) > 2 else os.path.join(ROOT, "schemas")
    versions, shards = generate(defs_dir, out_dir)
    print(f"generated {len(versions)} versions ({versions[0]}..{versions[-1]}), {shards} shards in {out_dir}")


if __name__ == "__main__":
    main(sys.argv)
