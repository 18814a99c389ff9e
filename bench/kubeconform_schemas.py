#!/usr/bin/env python3
"""Local JSON schemas for kubeconform, in its file layout, from the same
Kubernetes API definitions kubelint's bundled schemas are generated from.

    python3 bench/kubeconform_schemas.py --version 1.37 --out DIR

kubeconform downloads its schemas from the network by default; the bench
runs without it, so this writes one self-contained schema per built-in kind
to ``DIR/{kind}{kindSuffix}.json`` (kubeconform's own naming: the kind in
lower case, then ``-{first label of the group}-{version}``, e.g.
``deployment-apps-v1.json``, ``service-v1.json``,
``ingress-networking-v1.json``), to be used as

    kubeconform -schema-location 'DIR/{{ .ResourceKind }}{{ .KindSuffix }}.json' ...

Each file is the kind's definition with the definitions it reaches copied
under ``$defs`` (JSON Schema draft 2020-12, ``$ref: "#/$defs/..."``), so
kubeconform loads nothing else and recursive types (a CRD's
``JSONSchemaProps``) stay exact instead of being cut at some depth.  The
definitions are already strict (``additionalProperties: false`` on every
object, as yannh/kubernetes-json-schema's ``-standalone-strict`` variant
that kubeconform uses by default) and keep their descriptions, as that
variant does: kubeconform parses and compiles as much as it would with its
usual schemas.  Custom resources get no schema: kubeconform is run with
``-ignore-missing-schemas`` and skips them (kubelint checks them against the
CRDs among its inputs).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFINITIONS = [
    os.path.join(ROOT, "..", "shared", "k8s", "definitions"),
    "/work/shared/k8s/definitions",
]


def _refs(node, out: set) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out.add(ref[len("#/$defs/") :])
        for value in node.values():
            _refs(value, out)
    elif isinstance(node, list):
        for value in node:
            _refs(value, out)


def reachable(defs: dict, name: str) -> list:
    """The definitions ``name`` reaches through ``$ref`` (itself excluded), sorted."""
    seen, todo = set(), [name]
    while todo:
        found: set = set()
        _refs(defs[todo.pop()], found)
        for ref in found - seen:
            if ref != name:
                seen.add(ref)
                todo.append(ref)
    return sorted(seen)


def file_name(group: str, version: str, kind: str) -> str:
    """kubeconform's ``{{ .ResourceKind }}{{ .KindSuffix }}.json`` for a kind."""
    suffix = "-" + (group.split(".")[0].lower() + "-" if group else "") + version.lower()
    return f"{kind.lower()}{suffix}.json"


def generate(definitions: str, out: str) -> int:
    with open(definitions, encoding="utf-8") as fh:
        doc = json.load(fh)
    defs = doc["$defs"]
    os.makedirs(out, exist_ok=True)
    written = 0
    for name, schema in sorted(defs.items()):
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            target = os.path.join(out, file_name(gvk.get("group", ""), gvk["version"], gvk["kind"]))
            standalone = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
            deps = reachable(defs, name)
            if deps:
                standalone["$defs"] = {dep: defs[dep] for dep in deps}
            tmp = target + ".tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(standalone, fh, separators=(",", ":"))
            os.replace(tmp, target)
            written += 1
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--version", default="1.37", help="Kubernetes minor release (default 1.37)")
    ap.add_argument("--definitions", help="the API definitions file (default: ../shared/k8s/definitions/vMINOR.json)")
    ap.add_argument("--out", required=True, help="directory to write the schemas to")
    args = ap.parse_args()
    path = args.definitions
    if path is None:
        for base in DEFINITIONS:
            candidate = os.path.join(base, f"v{args.version}.json")
            if os.path.exists(candidate):
                path = candidate
                break
        else:
            sys.exit(f"no API definitions for {args.version} under {' or '.join(DEFINITIONS)} (give --definitions)")
    n = generate(path, args.out)
    print(f"kubeconform schemas: {n} kinds from {path} in {args.out}")


if __name__ == "__main__":
    main()
