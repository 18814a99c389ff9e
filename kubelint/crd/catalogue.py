"""``--schema-dir``: JSON-schema catalogues of custom resources, found by file name."""

from __future__ import annotations

import os
from typing import Dict, List, Optional


class Catalogue:
    """A ``--schema-dir``: JSON schemas by file name, indexed once."""

    def __init__(self, root: str):
        self.root = root
        self.index: Dict[str, str] = {}
        self.error = None
        try:
            for dirpath, _dirs, files in os.walk(root):
                for f in files:
                    if f.endswith(".json"):
                        full = os.path.join(dirpath, f)
                        rel = os.path.relpath(full, root).replace(os.sep, "/").lower()
                        self.index.setdefault(rel, full)
        except OSError as exc:  # pragma: no cover - os.walk swallows most
            self.error = str(exc)
        if not os.path.isdir(root):
            self.error = "not a directory"

    def candidates(self, group: str, version: str, kind: str) -> List[str]:
        k = kind.lower()
        g = group.lower()
        v = version.lower()
        first = g.split(".")[0]
        names = [f"{g}/{k}_{v}.json", f"{k}-{g}-{v}.json", f"{k}-{first}-{v}.json", f"{k}_{v}.json"]
        if not g:
            names.insert(1, f"{k}-{v}.json")
        names.append(f"{k}.json")
        return names

    def find(self, group: str, version: str, kind: str) -> Optional[str]:
        for name in self.candidates(group, version, kind):
            hit = self.index.get(name)
            if hit:
                return hit
        return None
