#!/usr/bin/env python3
"""Which schema-validation engine? Measure, in one run, over the corpus's
built-in objects (already loaded, so only validation is timed):

  walker      kubelint's own walker over the compiled shards (kubelint/schema.py)
  jsonschema  jsonschema's Draft 2020-12 validator over the original
              definitions (../shared/k8s/definitions/v1.37.json), one
              validator per kind, created once (its compiled form is cached)

    python3 bench/schema_engines.py [--corpus ../shared/corpus] [--definitions ../shared/k8s/definitions/v1.37.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from kubelint.loader import iter_load  # noqa: E402
from kubelint.model import objects_from_document  # noqa: E402
from kubelint.schema import Schemas, Walker  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--definitions", default=os.path.join(ROOT, "..", "shared", "k8s", "definitions", "v1.37.json"))
    args = ap.parse_args()
    import jsonschema

    schemas = Schemas("1.37")
    objects = []
    for lf in iter_load([args.corpus]):
        for doc in lf.documents:
            objs, _ = objects_from_document(doc)
            objects.extend(o for o in objs if schemas.root(o.api_version, o.kind))
    print(f"{len(objects)} built-in objects")

    walker = Walker(schemas)
    t = time.perf_counter()
    n_walker = 0
    for o in objects:
        problems = []
        walker._object(o.data, schemas.root(o.api_version, o.kind), (), problems, False)
        n_walker += len(problems)
    walk_s = time.perf_counter() - t

    with open(args.definitions, encoding="utf-8") as fh:
        defs = json.load(fh)
    t0 = time.perf_counter()
    validators = {}
    n_js = 0
    for o in objects:
        name = schemas.root(o.api_version, o.kind)
        v = validators.get(name)
        if v is None:
            v = validators[name] = jsonschema.Draft202012Validator({"$defs": defs["$defs"], "$ref": f"#/$defs/{name}"})
        n_js += sum(1 for _ in v.iter_errors(o.data))
    js_s = time.perf_counter() - t0

    print(f"walker:     {walk_s:.3f} s  ({n_walker} problems)")
    print(f"jsonschema: {js_s:.3f} s  ({n_js} problems) = {js_s / walk_s:.1f}x the walker")


if __name__ == "__main__":
    main()
