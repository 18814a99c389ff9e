#!/usr/bin/env python3
"""Generate the field descriptions the language server shows on hover
(``schemas/docs/``) from the Kubernetes API definitions
(``shared/k8s/definitions/v1.NN.json``).

Usage: ``python3 scripts/gen_schema_docs.py [DEFINITIONS_DIR] [OUT_DIR]``
(defaults: ``../shared/k8s/definitions`` and ``schemas/docs``).

The validator's compiled schemas (``scripts/gen_schemas.py``) drop
descriptions; hover needs them, validation never does, so they live apart
and are read only by ``kubelint lsp`` (:mod:`kubelint.lsp.hover`):

* ``schemas/docs/v1.NN.json`` — ``{"io.k8s.api.apps.v1": "io.k8s.api.apps.v1-<hash>.json", ...}``;
* ``schemas/docs/<package>-<hash>.json`` — ``{definition: {"d": TEXT,
  "f": {field: TEXT}}}`` for one Go package, named by content hash so a
  package whose documentation did not change between releases is stored once;
* ``schemas/docs/texts.json`` — ``{TEXT: description}``: every description
  once (TEXT is a 12-hex-digit content hash), since most descriptions stay
  the same across releases (13 releases: 3,700 texts, 0.9 MB).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys


def main(argv) -> int:
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    src = argv[1] if len(argv) > 1 else "/work/shared/k8s/definitions"
    out = argv[2] if len(argv) > 2 else os.path.join(here, "schemas", "docs")
    os.makedirs(out, exist_ok=True)
    wanted = {"texts.json"}
    texts = {}

    def text(description: str) -> str:
        key = hashlib.sha256(description.encode()).hexdigest()[:12]
        texts[key] = description
        return key

    for name in sorted(os.listdir(src)):
        if not (name.startswith("v1.") and name.endswith(".json")):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            defs = json.load(f).get("$defs", {})
        packages = {}
        for defname, d in defs.items():
            entry = {}
            if d.get("description"):
                entry["d"] = text(d["description"])
            fields = {
                k: text(v["description"])
                for k, v in (d.get("properties") or {}).items()
                if isinstance(v, dict) and v.get("description")
            }
            if fields:
                entry["f"] = fields
            if entry:
                packages.setdefault(defname.rsplit(".", 1)[0], {})[defname] = entry
        index = {}
        for pkg, content in sorted(packages.items()):
            blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            fname = f"{pkg}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}.json"
            wanted.add(fname)
            path = os.path.join(out, fname)
            if not os.path.exists(path):
                with open(path, "w", encoding="utf-8") as f:
                    f.write(blob)
            index[pkg] = fname
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(index, f, sort_keys=True, indent=0)
            f.write("\n")
        wanted.add(name)
    with open(os.path.join(out, "texts.json"), "w", encoding="utf-8") as f:
        json.dump(texts, f, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for name in os.listdir(out):  # shards no release uses any more
        if name.endswith(".json") and name not in wanted:
            os.remove(os.path.join(out, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
