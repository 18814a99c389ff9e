"""Admission conformance: ValidatingAdmissionPolicy cases labelled by a real
kube-apiserver v1.37.2 (scripts/apiserver-oracle.sh run-policies --record).

Each case under tests/conformance/admission/ is a multi-document file: the
set-up (Namespaces, params, policies, bindings) then the object under test
(the last document).  The oracle created the set-up for real, then ran
``kubectl apply --dry-run=server`` on the object as user ``admin`` (groups
``system:masters``, ``system:authenticated``).  Header labels::

    # verdict: reject | accept
    # message: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: ...   (reject)
    # warning: Validation failed for ValidatingAdmissionPolicy 'p' ...            (Warn, 0 or more)
    # setup-error: The ValidatingAdmissionPolicy "p" is invalid: ...             (the server refused the set-up)
    # setup-cause: spec.matchConstraints: Required value                         (one per cause of a refused
                                                                                 policy or binding, 0 or more)

A case passes when kubelint, run on the whole file, reports on the object
exactly the server's verdict: for a reject, an error whose message is the
server's message; for an accept, no error; the warnings equal the server's
warnings; and when the server refused a policy, kubelint reports an error on
that policy, with the server's text for each recorded cause.
"""

import pathlib
import re

import pytest

from kubelint.config import Config
from kubelint.runner import run
from kubelint.settings import Settings

ROOT = pathlib.Path(__file__).parent / "conformance" / "admission"
LABEL = re.compile(r"^#\s*(verdict|message|warning|setup-error|setup-cause|source|oracle):\s*(.*?)\s*$", re.M)
ORACLE_USER = {"username": "admin", "uid": "admin", "groups": ["system:masters", "system:authenticated"]}
CASES = sorted(p for p in ROOT.glob("*.yaml"))


def labels(path):
    out = {"warning": [], "setup-cause": []}
    text = path.read_text(encoding="utf-8")
    header = "".join(ln for ln in text.splitlines(keepends=True)[:200] if ln.startswith("#"))
    for k, v in LABEL.findall(header):
        if k in ("warning", "setup-cause"):
            out[k].append(v)
        else:
            out[k] = v
    return out


def last_document_line(text: str) -> int:
    lines = text.splitlines()
    start = 1
    for i, ln in enumerate(lines, 1):
        if ln.strip() == "---":
            start = i + 1
    return start


def check(path):
    lab = labels(path)
    text = path.read_text(encoding="utf-8")
    obj_line = last_document_line(text)
    config = Config(request_user=dict(ORACLE_USER), disable={"all"})
    result = run([str(path)], Settings(config=config, jobs=1))
    on_obj = [f for f in result.findings if f.line >= obj_line]
    on_setup = [f for f in result.findings if f.line < obj_line]
    errors = [f for f in on_obj if f.severity == "error"]
    warnings = sorted(f.message for f in on_obj if f.rule == "admission-policy-warning")
    return lab, errors, warnings, on_obj, on_setup


def test_enough_cases_all_labelled():
    assert len(CASES) >= 60
    for path in CASES:
        lab = labels(path)
        assert lab.get("verdict") in ("accept", "reject"), path
        assert lab.get("oracle", "").startswith("confirmed v1.37.2"), path
        assert lab.get("source"), path
        if lab["verdict"] == "reject":
            assert lab.get("message", "").startswith("ValidatingAdmissionPolicy '"), path


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case(path):
    lab, errors, warnings, on_obj, on_setup = check(path)
    shown = "\n".join(f"  {f.line}:{f.column} {f.severity} [{f.rule}] {f.message}" for f in on_obj + on_setup)
    if lab["verdict"] == "reject":
        assert lab["message"] in [f.message for f in errors], f"server: {lab['message']}\nkubelint:\n{shown}"
    else:
        assert not errors, f"server accepts; kubelint:\n{shown}"
    assert warnings == sorted(lab["warning"]), f"server warnings: {lab['warning']}\nkubelint:\n{shown}"
    if lab.get("setup-error"):
        assert any(f.severity == "error" for f in on_setup), f"server refused the set-up: {lab['setup-error']}\n{shown}"
    setup_errors = [f.message for f in on_setup if f.severity == "error"]
    for cause in lab["setup-cause"]:  # the server's text, kubelint's hint (if any) in parentheses after it
        assert any(m == cause or m.startswith(cause + " (") for m in setup_errors), f"server: {cause}\n{shown}"
