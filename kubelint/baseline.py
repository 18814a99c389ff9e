"""Baselines: adopt kubelint in a repository that already has findings.

``kubelint check --write-baseline FILE`` records the current findings;
``kubelint check --baseline FILE`` then reports only findings that are not
in it.  A finding is matched by its identity
(:func:`kubelint.report.location.identity`): rule, repository-relative
file, object (group, kind, namespace, name), path inside the object, and a
hash of the message with line references blanked — never by line number,
so edits elsewhere in a file do not resurrect recorded findings.  The
hash covers the message and kubelint's hint as one text (``message (hint)``,
what kubelint printed as the message before the hint had a field of its
own), and paths are compared with map keys in one notation
(:func:`kubelint.report.location.canonical_path`), so baselines written
before either change still match exactly.

Matching counts: a baseline entry recorded twice absorbs two identical
findings, and a third one is new.  When a kubelint upgrade rewords a
message, an entry still matches a finding with the same rule, file, object
and path (second pass), and then one whose path is the recorded path's
parent or child (third pass: kubelint now names the field the API server
names, sometimes the parent of the value it used to name), so upgrades do
not flood a baselined repository.

The file is JSON, sorted, one entry per distinct identity with a count and
the message for people reviewing it; it is written atomically.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Iterable, List, Tuple

from . import __version__
from .atomic import write_text
from .report import location

FORMAT = "kubelint-baseline"
FORMAT_VERSION = 1


class BaselineError(Exception):
    pass


def _entries(findings: Iterable, root: str) -> List[dict]:
    counts: Counter = Counter()
    messages = {}
    hints = {}
    for f in findings:
        key = location.identity(f, root)
        counts[key] += 1
        messages.setdefault(key, f.message)
        hints.setdefault(key, getattr(f, "hint", ""))
    out = []
    for key in sorted(counts):
        rule, file, obj, path, digest = key
        out.append(
            {
                "rule": rule,
                "file": file,
                "object": obj,
                "path": path,
                "messageHash": digest,
                "count": counts[key],
                "message": messages[key],
                **({"hint": hints[key]} if hints[key] else {}),
            }
        )
    return out


def dumps(findings: Iterable, root: str = None) -> Tuple[str, int]:
    entries = _entries(findings, root or location.repo_root())
    doc = {FORMAT: FORMAT_VERSION, "kubeLintVersion": __version__, "findings": entries}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n", sum(e["count"] for e in entries)


def write(path: str, findings: Iterable) -> int:
    """Record ``findings`` in ``path`` (atomically); returns how many."""
    text, n = dumps(findings)
    write_text(path, text)
    return n


class Baseline:
    def __init__(self, entries: List[dict], root: str = None):
        self.root = root
        self.exact: Counter = Counter()
        for e in entries:
            path = location.canonical_path(e["path"])
            self.exact[(e["rule"], e["file"], e["object"], path, e["messageHash"])] += int(e.get("count", 1))

    def __len__(self) -> int:
        return sum(self.exact.values())

    def filter(self, findings: List) -> List:
        """The findings not recorded in the baseline, in their order."""
        root = self.root or location.repo_root()
        exact = Counter(self.exact)
        keys = [location.identity(f, root) for f in findings]
        matched = [False] * len(findings)
        for i, key in enumerate(keys):
            if exact[key] > 0:
                exact[key] -= 1
                matched[i] = True
        # Second pass: the message changed (a reworded message after an
        # upgrade) but rule, file, object and path are the same.
        loose: Counter = Counter()
        for key, n in exact.items():
            if n > 0:
                loose[key[:4]] += n
        if loose:
            for i, key in enumerate(keys):
                if not matched[i] and loose[key[:4]] > 0:
                    loose[key[:4]] -= 1
                    matched[i] = True
        # Third pass: the same rule, file and object, and the path of one is
        # the other's parent or child (kubelint now names the field the
        # server names: metadata.labels where it named metadata.labels.app).
        near = [(key, n) for key, n in loose.items() if n > 0]
        if near and not all(matched):
            left = dict(near)
            for i, key in enumerate(keys):
                if matched[i]:
                    continue
                for old in left:
                    if left[old] > 0 and old[:3] == key[:3] and _related(old[3], key[3]):
                        left[old] -= 1
                        matched[i] = True
                        break
        return [f for f, m in zip(findings, matched) if not m]


def _related(a: str, b: str) -> bool:
    """One path is the other's parent or child (``a`` == ``a.b`` / ``a[0]``)."""
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return long.startswith(short) and long[len(short) : len(short) + 1] in (".", "[")


def load(path: str, root: str = None) -> Baseline:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {path} does not exist; create it with `kubelint check --write-baseline {path} ...`"
        ) from None
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"baseline {path} is not valid JSON ({exc}); regenerate it with --write-baseline") from None
    if not isinstance(doc, dict) or FORMAT not in doc or not isinstance(doc.get("findings"), list):
        raise BaselineError(
            f"{path} is not a kubelint baseline (no '{FORMAT}' key); regenerate it with --write-baseline"
        )
    if doc[FORMAT] != FORMAT_VERSION:
        raise BaselineError(
            f"baseline {path} has format version {doc[FORMAT]!r}; this kubelint reads version {FORMAT_VERSION}: "
            "regenerate it with --write-baseline"
        )
    entries = []
    for i, e in enumerate(doc["findings"]):
        if (
            not isinstance(e, dict)
            or not all(isinstance(e.get(k), str) for k in ("rule", "file", "object", "path", "messageHash"))
            or not isinstance(e.get("count", 1), int)
            or isinstance(e.get("count", 1), bool)
            or e.get("count", 1) < 1
        ):
            raise BaselineError(
                f"baseline {path}: entry {i + 1} is malformed (needs rule, file, object, path, messageHash strings "
                "and a positive count); regenerate it with --write-baseline"
            )
        entries.append(e)
    return Baseline(entries, root)
