#!/usr/bin/env python3
"""Measure how exactly kubelint says what the API server says (docs/apiserver.md).

For every reject case of tests/conformance whose recorded server output
(oracle-results*.json) is a field error list, run kubelint with that
release's --kubernetes-version and count

* verbatim: one of kubelint's errors has a message equal to one of the
  server's causes (``<path>: <reason>: <detail>``), character for character;
* path: the path kubelint reports names the field the server names
  (exact), the same field in another notation (``metadata.labels.app`` /
  ``metadata.labels[app]``), its parent or child, or another field.

    python3 scripts/message_agreement.py            # every recorded release
    python3 scripts/message_agreement.py --list     # also the cases that differ
"""

import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from kubelint.runner import run  # noqa: E402
from kubelint.settings import Settings  # noqa: E402
from test_conformance import says_a_cause, server_causes  # noqa: E402

CASES = ROOT / "tests" / "conformance"


def _canon(path: str) -> str:
    return re.sub(r"\[([^\]]*)\]", r".\1", path)


def measure(record: pathlib.Path, version, listing: bool):
    cases = json.loads(record.read_text(encoding="utf-8"))["cases"]
    n = verbatim = 0
    paths = {"exact": 0, "notation": 0, "parent or child": 0, "other": 0}
    for rel, rec in sorted(cases.items()):
        causes = server_causes(rec["output"]) if rec["server"] == "reject" else None
        if causes is None:
            continue
        n += 1
        errors = [f for f in run([str(CASES / rel)], Settings(kubernetes_version=version)).findings]
        errors = [f for f in errors if f.severity == "error"]
        said = says_a_cause([f.message for f in errors], rec["output"])  # a line break shown as \\n
        verbatim += said
        if listing and not said:
            print(f"  {rel}\n    server:   {causes[0]}\n    kubelint: {errors[0].message if errors else '-'}")
        named = [c.split(": ", 1)[0] for c in causes]
        mine = [f.path for f in errors]
        if any(p in named for p in mine):
            paths["exact"] += 1
        elif any(_canon(p) == _canon(s) for p in mine for s in named):
            paths["notation"] += 1
        elif any(
            _canon(p).startswith(_canon(s) + ".") or _canon(s).startswith(_canon(p) + ".") for p in mine for s in named
        ):
            paths["parent or child"] += 1
        else:
            paths["other"] += 1
    return n, verbatim, paths


def main(argv):
    listing = "--list" in argv
    for record in sorted(CASES.glob("oracle-results*.json")):
        m = re.search(r"-(1\.\d+)\.json$", record.name)
        version = m.group(1) if m else None
        n, verbatim, paths = measure(record, version, listing)
        label = version or "1.37 (newest)"
        share = ", ".join(f"{k} {v} ({100 * v / n:.1f}%)" for k, v in paths.items())
        print(f"{label}: {n} field-error rejections; verbatim {verbatim} ({100 * verbatim / n:.1f}%); path: {share}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
