#!/usr/bin/env python3
"""Evidence for the design of kubelint.fix: can a ruamel.yaml round trip
(load + dump, no edit) keep files byte-identical?  If it cannot, editing
through it cannot promise "every byte outside the edited nodes unchanged".

For every file of ../shared/corpus: ruamel.yaml 0.19 round-trip load/dump
(preserve_quotes, width unlimited, the indentation measured in the file),
counting files whose text changes, with the first differing line of a few.
kubelint.fix instead edits node spans located with PyYAML's marks
(kubelint/fix/yamltext.py): no byte outside an edit can change.

    python3 bench/fix_roundtrip.py [--limit N]
"""

import argparse
import io
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main():
    from ruamel.yaml import YAML

    from kubelint.fix.yamltext import compose_documents

    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(ROOT), "shared", "corpus"))
    args = ap.parse_args()
    corpus = args.corpus if os.path.isdir(args.corpus) else "/work/shared/corpus"
    files = sorted(os.path.join(d, n) for d, _, ns in os.walk(corpus) for n in ns if n.endswith((".yaml", ".yml")))
    if args.limit:
        files = files[: args.limit]
    same = changed = failed = 0
    examples = []
    for path in files:
        text = open(path, encoding="utf-8").read()
        try:
            docs = list(compose_documents(text).values())
            step, dash = (docs[0].step, docs[0].dash) if docs else (2, 0)
            y = YAML(typ="rt")
            y.preserve_quotes = True
            y.width = 1 << 20
            y.indent(mapping=step, sequence=dash + 2, offset=dash)
            data = list(y.load_all(text))
            buf = io.StringIO()
            y.dump_all(data, buf)
            out = buf.getvalue()
        except Exception:
            failed += 1
            continue
        if out == text:
            same += 1
        else:
            changed += 1
            if len(examples) < 8:
                a, b = text.splitlines(), out.splitlines()
                i = next((i for i, (x, y2) in enumerate(zip(a, b)) if x != y2), min(len(a), len(b)))
                examples.append(
                    (
                        os.path.relpath(path, corpus),
                        i + 1,
                        a[i] if i < len(a) else "<eof>",
                        b[i] if i < len(b) else "<eof>",
                    )
                )
    total = same + changed
    print(
        f"ruamel.yaml round trip over {total} corpus files ({failed} not loadable by ruamel): "
        f"{same} byte-identical, {changed} changed ({100 * changed / max(total, 1):.1f}%)"
    )
    for rel, line, a, b in examples:
        print(f"  {rel}:{line}\n    - {a!r}\n    + {b!r}")


if __name__ == "__main__":
    main()
