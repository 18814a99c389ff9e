"""The rule catalogue (rules/*.yaml): every entry complete, every example
behaves (each `bad` raises exactly its rule, each `good` does not), and
docs/rules.md is the generated view of it."""

import io
import os
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT
from kubelint.config import Config
from kubelint.engine import catalogue, catalogue_dir, registered_checks
from kubelint.findings import SEVERITIES
from kubelint.loader import Limits
from kubelint.runner import run
from kubelint.settings import Settings

CATALOGUE = catalogue()


def _raw():
    """The entries as written, with the keys only tests read:
    ``untestable: reason`` (examples skipped), ``example_limits`` (loader
    Limits for the examples), ``example_options`` (kubelint.settings.Settings fields)."""
    out = {}
    d = catalogue_dir()
    for name in sorted(os.listdir(d)):
        if name.endswith(".yaml"):
            with open(os.path.join(d, name), encoding="utf-8") as fh:
                for e in yaml.safe_load(fh) or []:
                    out[e["id"]] = e
    return out


RAW = _raw()
REQUIRED = ("id", "severity", "category", "summary", "rationale", "remediation")


def lint(text, entry):
    """Run the whole pipeline on ``text`` with, among the concept rules, only
    ``entry`` enabled (validation stages always run)."""
    raw = RAW[entry.id]
    limits = Limits(**(raw.get("example_limits") or {}))
    extra = raw.get("example_options") or {}
    config = Config(disable={"all"}, enable={entry.id} if entry.source == "rules" else set())
    options = Settings(config=config, limits=limits, jobs=1, **extra)
    result = run(["-"], options, stdin=io.BytesIO(text.encode("utf-8")))
    return result.findings


def _examples():
    for entry in CATALOGUE.values():
        if RAW[entry.id].get("untestable"):
            continue
        for i, ex in enumerate(entry.examples):
            for label in ("bad", "good"):
                if label in ex:
                    yield pytest.param(entry.id, label, ex[label], id=f"{entry.id}-{label}-{i}")


def test_entries_are_complete():
    checks = registered_checks()
    problems = []
    for rid, e in CATALOGUE.items():
        for f in REQUIRED:
            if not getattr(e, f, None):
                problems.append(f"{rid}: missing {f}")
        if e.severity not in SEVERITIES:
            problems.append(f"{rid}: bad severity {e.severity}")
        if rid != rid.lower() or " " in rid or "_" in rid:
            problems.append(f"{rid}: ids are kebab-case")
        untestable = RAW[rid].get("untestable")
        labels = {k for ex in e.examples for k in ex}
        if not untestable and not {"bad", "good"} <= labels:
            problems.append(f"{rid}: needs at least one bad and one good example (or `untestable: reason`)")
        if e.source == "rules" and rid not in checks:
            problems.append(f"{rid}: concept rule without a registered check function")
        if e.source == "rules" and not e.kinds and rid != "duplicate-object":
            problems.append(f"{rid}: concept rule without kinds")
    for rid in checks:
        if rid not in CATALOGUE:
            problems.append(f"{rid}: check registered without a catalogue entry")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rid,label,text", list(_examples()))
def test_example(rid, label, text):
    entry = CATALOGUE[rid]
    findings = lint(text, entry)
    ids = [f.rule for f in findings]
    if label == "bad":
        assert rid in ids, f"bad example of {rid} does not raise it; got {ids}"
        # Concept-rule examples must be otherwise valid manifests; loader and
        # schema examples may need broken input that trips other checks too.
        others = {f.rule for f in findings if f.rule != rid and f.severity != "info"} if entry.source == "rules" else ()
        assert not others, f"bad example of {rid} also raises {sorted(others)}: {[f.message for f in findings]}"
    else:
        assert rid not in ids, f"good example of {rid} raises it: {[f.message for f in findings if f.rule == rid]}"
        noisy = {f.rule for f in findings if f.severity != "info"} if entry.source == "rules" else ()
        assert not noisy, f"good example of {rid} is not clean: {[(f.rule, f.message) for f in findings]}"


def test_rules_doc_in_sync():
    r = subprocess.run(
        [sys.executable, "scripts/gen_rules_doc.py", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, (
        r.stdout + r.stderr + "\ndocs/rules.md is out of date: regenerate it with `python3 scripts/gen_rules_doc.py`"
    )


def test_rules_and_explain_commands():
    from click.testing import CliRunner

    from kubelint.cli import main

    runner = CliRunner()
    out = runner.invoke(main, ["rules"]).output
    concept = [rid for rid, e in CATALOGUE.items() if e.source == "rules"]
    assert all(rid in out for rid in concept)
    for rid in concept:
        r = runner.invoke(main, ["explain", rid])
        assert r.exit_code == 0 and "Bad example:" in r.output and "Good example:" in r.output, rid
    r = runner.invoke(main, ["explain", "bare-pods"])
    assert r.exit_code == 2 and 'did you mean "bare-pod"' in r.output
