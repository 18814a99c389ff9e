#!/usr/bin/env python3
"""How much of what `kubelint fix` is for does it fix?  (issue 14's acceptance)

Two inputs, both real manifests:

* ../shared/corpus (accepted by real clusters): the mistakes the issue lists
  are *seeded* into a deterministic sample of files, as text edits that
  touch nothing else:
    - typo      a field name misspelt (two letters swapped, one dropped or
                doubled, or the case lost: ``containerport``);
    - enum      an enumerated value in lower case (``protocol: tcp``);
    - yaml11    a quoted string that YAML 1.1 reads as a boolean or number
                unquoted (``value: "true"`` -> ``value: true``);
    - int       an integer field quoted (``containerPort: "8080"``).
  The *seeded errors* are the errors of the mutated file that the original
  did not have.  A seeded error is resolved when `kubelint fix` (safe fixes)
  leaves the file without it.  Byte identity: the fixed file is compared with
  the original; every line that differs must be a line a mutation touched
  (and most files come back byte-identical to the original).
* ../shared/corpus-legacy (removed API versions, unmodified upstream files):
  the fixable errors are the removed-api errors of the API pairs the issue
  lists (kubelint.fix.migrate.MIGRATIONS); CRDs v1beta1, webhook
  configurations, PodSecurityPolicy and the like are counted and shown
  apart (no mechanical migration exists).  Byte identity: every comment,
  blank line and document separator of the input is in the output, in
  order, and no line outside the fixed objects changes.

    python3 bench/fix_rate.py [--sample 400] [--seed 14] [--json]
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import random
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from kubelint.findings import ERROR  # noqa: E402
from kubelint.fix.fixers import _doc_path, _props_at, field_type  # noqa: E402
from kubelint.fix.migrate import MIGRATIONS  # noqa: E402
from kubelint.fix.model import apply_edits  # noqa: E402
from kubelint.fix.stage import FixStage  # noqa: E402
from kubelint.fix.yamltext import CannotEdit  # noqa: E402
from kubelint.loader import resolve_plain  # noqa: E402
from kubelint.settings import Settings  # noqa: E402

SHARED = os.environ.get("KUBELINT_SHARED") or next(
    (p for p in (os.path.join(os.path.dirname(ROOT), "shared"), "/work/shared") if os.path.isdir(p)), "/work/shared"
)

ENUM_KEYS = {
    "protocol",
    "imagePullPolicy",
    "restartPolicy",
    "type",
    "pathType",
    "dnsPolicy",
    "policyTypes",
    "externalTrafficPolicy",
    "sessionAffinity",
    "concurrencyPolicy",
    "podManagementPolicy",
    "operator",
    "effect",
}
FIXABLE_RULES = {"unknown-field", "unsupported-value", "invalid-type", "invalid-value", "removed-api"}


def _files(directory):
    out = []
    for dirpath, dirs, names in os.walk(directory):
        dirs.sort()
        for n in sorted(names):
            if n.endswith((".yaml", ".yml", ".json")):
                out.append(os.path.join(dirpath, n))
    return out


def _errors(analysis):
    return collections.Counter(
        (_okey(i.obj), i.finding.rule, i.finding.path) for i in analysis.items if i.finding.severity == ERROR
    )


def _okey(obj):
    return (obj.doc_index, obj.item_index)


def _walk(value, path):
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, path + (i,))


def _typo(key: str, rng: random.Random) -> str:
    kinds = ["swap", "drop", "double"] + (["case"] if key != key.lower() else [])
    kind = rng.choice(kinds)
    i = rng.randrange(1, len(key) - 2)
    if kind == "swap":
        return key[:i] + key[i + 1] + key[i] + key[i + 2 :]
    if kind == "drop":
        return key[:i] + key[i + 1 :]
    if kind == "double":
        return key[:i] + key[i] + key[i:]
    return key.lower()


def sites(stage, analysis, rng):
    """Candidate mutations of one file: (kind, edit-maker) pairs."""
    out = []
    for obj in analysis.objects:
        doc = analysis.doc_of(obj)
        if doc is None or stage.schemas.root(obj.api_version, obj.kind) is None:
            continue
        for path, value in _walk(obj.data, ()):
            if not path or path[0] in ("apiVersion", "kind", "status"):
                continue
            key = path[-1]
            ftype = field_type(stage.schemas, obj.api_version, obj.kind, path)
            try:
                loc = doc.locate(_doc_path(obj, path))
            except (KeyError, CannotEdit):
                continue
            node = loc.node
            style = getattr(node, "style", None)
            if isinstance(key, str) and len(key) >= 6 and loc.key is not None and not loc.key.style:
                props = _props_at(stage.schemas, obj.api_version, obj.kind, path[:-1])
                if props and key in props:
                    new = _typo(key, rng)
                    if new not in props and new != key:
                        out.append(("typo", doc, loc.key.start_mark.index, loc.key.end_mark.index, new))
            if not isinstance(ftype, str) or not hasattr(node, "style"):
                continue
            if key in ENUM_KEYS and isinstance(value, str) and value != value.lower() and value.isalpha() and not style:
                out.append(("enum", doc, node.start_mark.index, node.end_mark.index, value.lower()))
            if ftype == "string" and isinstance(value, str) and style in ('"', "'") and value and "\n" not in value:
                if not isinstance(resolve_plain(value), str) and value.strip() == value:
                    out.append(("yaml11", doc, node.start_mark.index, node.end_mark.index, value))
            if (
                ftype.startswith("integer")
                and isinstance(value, int)
                and not isinstance(value, bool)
                and not style
                and node.value == str(value)
            ):  # decimal as written (not 0644, which is octal)
                out.append(("int", doc, node.start_mark.index, node.end_mark.index, f'"{node.value}"'))
    return out


def seeded_corpus(stage, files, rng, per_file=1):
    stats = collections.Counter()
    by_kind = collections.defaultdict(lambda: [0, 0])
    exact = identical_rest = mutated_files = 0
    other_lines = []  # files where a line no mutation touched differs (a pre-existing fixable mistake)
    unresolved = []
    for path in files:
        text = open(path, encoding="utf-8", errors="strict").read()
        a = stage.analyse(path, text)
        if a is None or "{{" in text:
            continue
        cands = sites(stage, a, rng)
        if not cands:
            continue
        rng.shuffle(cands)
        chosen, used = [], []
        for c in cands:
            if any(not (c[3] <= s or c[2] >= e) for s, e in used):
                continue
            chosen.append(c)
            used.append((c[2], c[3]))
            if len(chosen) == per_file:
                break
        from kubelint.fix.model import Edit

        edits = [Edit(c[2], c[3], c[4]) for c in chosen]
        mutated = apply_edits(text, edits)
        m = stage.analyse(path, mutated)
        if m is None:
            continue
        seeded = _errors(m) - _errors(a)
        if not seeded:
            continue
        mutated_files += 1
        fixed = stage.fix_text(path, mutated, unsafe=False).text
        f = stage.analyse(path, fixed)
        left = _errors(f) if f is not None else seeded
        n = sum(seeded.values())
        gone = sum((seeded - left).values())
        stats["seeded"] += n
        stats["resolved"] += gone
        kinds = sorted({c[0] for c in chosen})
        for k in kinds:
            by_kind[k][0] += n
            by_kind[k][1] += gone
        if gone < n:
            unresolved.append(
                (os.path.relpath(path, SHARED), [(c[0], c[4]) for c in chosen], sorted(str(x) for x in (seeded & left)))
            )
        # byte identity
        if fixed == text:
            exact += 1
        mutated_lines = {text.count("\n", 0, c[2]) for c in chosen}
        orig_lines, fixed_lines = text.splitlines(True), fixed.splitlines(True)
        ok = len(orig_lines) == len(fixed_lines) and all(
            i in mutated_lines for i, (x, y) in enumerate(zip(orig_lines, fixed_lines)) if x != y
        )
        identical_rest += ok
        if not ok:
            other_lines.append(os.path.relpath(path, SHARED))
    return {
        "files": mutated_files,
        "seeded_errors": stats["seeded"],
        "resolved": stats["resolved"],
        "rate": stats["resolved"] / stats["seeded"] if stats["seeded"] else None,
        "by_mistake": {k: {"seeded": v[0], "resolved": v[1]} for k, v in sorted(by_kind.items())},
        "byte_identical_to_original": exact,
        "rest_of_file_identical": identical_rest,
        "unresolved": unresolved,
        "other_lines_changed": other_lines,
    }


def _kept_in_order(needles, hay):
    it = iter(hay)
    return all(any(n == h for h in it) for n in needles)


def legacy(stage, files):
    fixable = resolved = other = files_changed = rest_ok = lines_replaced = lines_total = 0
    other_kinds = collections.Counter()
    unresolved = []
    for path in files:
        text = open(path, encoding="utf-8").read()
        a = stage.analyse(path, text)
        if a is None:
            continue
        r = stage.fix_text(path, text, unsafe=False)
        b = stage.analyse(path, r.text)
        still = {_okey(i.obj) for i in b.items if i.finding.rule == "removed-api"} if b else None
        for i in a.items:
            if i.finding.rule != "removed-api":
                continue
            if (i.obj.api_version, i.obj.kind) in MIGRATIONS:
                fixable += 1
                if still is not None and _okey(i.obj) not in still:
                    resolved += 1
                else:
                    unresolved.append((os.path.relpath(path, SHARED), i.obj.api_version, i.obj.kind))
            else:
                other += 1
                other_kinds[f"{i.obj.api_version} {i.obj.kind}"] += 1
        if r.text != text:
            files_changed += 1
            keep = [
                ln for ln in text.splitlines() if not ln.strip() or ln.lstrip().startswith("#") or ln.startswith("---")
            ]
            out = r.text.splitlines()
            rest_ok += _kept_in_order(keep, out)
            sm = difflib.SequenceMatcher(a=text.splitlines(), b=out, autojunk=False)
            lines_replaced += sum(i2 - i1 for tag, i1, i2, _, _ in sm.get_opcodes() if tag in ("replace", "delete"))
            lines_total += len(text.splitlines())
    return {
        "fixable_errors": fixable,
        "resolved": resolved,
        "rate": resolved / fixable if fixable else None,
        "files_changed": files_changed,
        "comments_blank_separators_kept": rest_ok,
        "lines_replaced": lines_replaced,
        "lines_in_changed_files": lines_total,
        "not_mechanical": other,
        "not_mechanical_kinds": dict(other_kinds.most_common()),
        "unresolved": unresolved,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=int, default=400, help="corpus files to seed mistakes into (0 = all)")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--per-file", type=int, default=1, help="mistakes seeded into each file (1: exact tally per kind)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    result = measure(args.sample, args.seed, args.per_file)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        report(result)
    return 0


def measure(sample=400, seed=14, per_file=1):
    rng = random.Random(seed)
    stage = FixStage(Settings())
    corpus = _files(os.path.join(SHARED, "corpus"))
    if sample:
        corpus = sorted(rng.sample(corpus, min(sample, len(corpus))))
    t0 = time.perf_counter()
    seeded = seeded_corpus(stage, corpus, rng, per_file)
    t1 = time.perf_counter()
    leg = legacy(stage, _files(os.path.join(SHARED, "corpus-legacy")))
    t2 = time.perf_counter()
    total = seeded["seeded_errors"] + leg["fixable_errors"]
    done = seeded["resolved"] + leg["resolved"]
    return {
        "seed": seed,
        "sample": sample,
        "per_file": per_file,
        "seeded": seeded,
        "legacy": leg,
        "fixable_errors": total,
        "resolved": done,
        "rate": done / total if total else None,
        "seconds": {"seeded": round(t1 - t0, 1), "legacy": round(t2 - t1, 1)},
    }


def report(r):
    s, lg = r["seeded"], r["legacy"]
    print(
        f"seeded {r['per_file']} mistake(s) per file in {s['files']} corpus files: "
        f"{s['resolved']}/{s['seeded_errors']} errors resolved "
        f"({100 * (s['rate'] or 0):.1f}%)"
    )
    for k, v in s["by_mistake"].items():
        print(f"  {k:7} {v['resolved']}/{v['seeded']}")
    print(
        f"  fixed file byte-identical to the original: {s['byte_identical_to_original']}/{s['files']}; "
        f"only mutated lines differ: {s['rest_of_file_identical']}/{s['files']}"
    )
    for p in s["other_lines_changed"]:
        print(f"    other lines changed in {p}")
    print(
        f"corpus-legacy: {lg['resolved']}/{lg['fixable_errors']} removed-API errors of the listed pairs resolved "
        f"({100 * (lg['rate'] or 0):.1f}%); {lg['files_changed']} files changed, comments/blank lines/separators kept "
        f"in {lg['comments_blank_separators_kept']}; "
        f"{lg['lines_replaced']} of their {lg['lines_in_changed_files']} lines "
        "replaced (apiVersion lines and migrated blocks)"
    )
    print(f"  not mechanical (not counted): {lg['not_mechanical']} {lg['not_mechanical_kinds']}")
    print(f"overall: {r['resolved']}/{r['fixable_errors']} fixable errors resolved ({100 * (r['rate'] or 0):.1f}%)")
    for u in s["unresolved"][:20] + lg["unresolved"][:20]:
        print("  unresolved:", u)


if __name__ == "__main__":
    sys.exit(main())
