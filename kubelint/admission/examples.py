"""``kubelint rules --test``: run the examples of the custom rules of the
configuration through the whole pipeline."""

from __future__ import annotations


def run_examples(config, echo) -> int:
    """``kubelint rules --test``: every custom rule's bad examples raise it,
    its good examples do not.  Returns the number of failures."""
    import io

    from ..engine import catalogue
    from ..runner import run
    from ..settings import build

    failures = 0
    total = 0
    for rid, e in sorted(catalogue().items()):
        if e.source != "custom":
            continue
        if not e.examples:
            echo(f"SKIP {rid}: no examples")
            continue
        for i, ex in enumerate(e.examples):
            for label in ("bad", "good"):
                if label not in ex:
                    continue
                total += 1
                settings = build(config, jobs=1, color=False, progress=False)
                result = run(["-"], settings, stdin=io.BytesIO(ex[label].encode("utf-8")))
                hits = [f for f in result.findings if f.rule == rid]
                ok = bool(hits) if label == "bad" else not hits
                if ok:
                    echo(f"PASS {rid} {label} example {i + 1}")
                else:
                    failures += 1
                    got = "; ".join(f"{f.rule}: {f.message}" for f in result.findings if f.severity != "info")[:300]
                    echo(
                        f"FAIL {rid} {label} example {i + 1}: "
                        + ("the rule did not fire" if label == "bad" else f"the rule fired: {hits[0].message}")
                        + (f" (findings: {got})" if got and label == "bad" else "")
                    )
    echo(f"{total - failures} passed, {failures} failed")
    return failures
