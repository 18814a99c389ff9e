"""API-server conformance suite: every case under tests/conformance/ is a
small manifest labelled with the verdict `kubectl apply --dry-run=server
--validate=strict` gives on a fresh cluster (where the namespaces it names
exist).  Header comments, before the first document::

    # verdict: reject            (or accept)
    # field: spec.replicas       (the field path the server names; reject only)
    # line: 7                    (the line kubelint must report; reject only)
    # source: ValidateDeploymentSpec (pkg/apis/apps/validation/validation.go)
    # oracle: confirmed v1.37.2  (set by scripts/oracle_compare.py --record)
    # verdict-1.33: accept      (the verdict of an older release's server where it differs)
    # warning: TEXT              (accept only: the server's warning, which kubelint must
                                  report verbatim as apiserver-warning; `none`: no such warning)
    # warning-1.33: TEXT         (the same for an older release's server)

Every case also runs with ``--kubernetes-version`` of each older release whose
server confirmed the suite (an ``oracle-results-1.NN.json`` beside the cases, written by
``ORACLE_MINOR=1.NN scripts/oracle_compare.py``): the expected verdict is its
``verdict-1.NN`` label, else ``verdict``.

A reject case passes when kubelint reports at least one `error` at `line`
(whose path contains `field`); an accept case when it reports no error.

The server's words: for every reject case whose recorded v1.37 output is a
field error list (``The Kind "name" is invalid: <path>: <reason>: <detail>``,
one or many causes), one of kubelint's errors must say one cause verbatim
(its ``message``; kubelint's explanation is the separate ``hint``), unless the
case is listed in tests/conformance_text_gaps.py with the reason.  The same holds
for every older release whose server output is recorded (oracle-results-1.NN.json),
with ``--kubernetes-version 1.NN`` and that release's own gaps list
(KNOWN_TEXT_DIFFERENCES_BY_VERSION): the server's words changed between releases.
"""

import os
import pathlib
import re

import pytest

from kubelint.runner import run
from kubelint.settings import Settings

ROOT = pathlib.Path(__file__).parent / "conformance"
HEADER = re.compile(r"^#\s*(verdict(?:-1\.\d+)?|field|line|source|oracle|warning(?:-1\.\d+)?):\s*(.*?)\s*$", re.M)
# Measured disagreements with an older release's server (strict xfail: fixing one makes the
# test fail until it is removed here); the figures are in docs/apiserver.md.  Every version-dependent
# rule of the API-server stage is modelled (kubelint/apiserver/gates.py, schema.py); the CEL
# declarations are v1.37's (kubelint/data/cel-declarations.json).
KNOWN_GAPS: dict = {}
# the older releases whose API server confirmed the suite
VERSIONS = sorted(p.stem.rpartition("-")[2] for p in ROOT.glob("oracle-results-1.*.json"))


def load_cases():
    cases = []
    for dirpath, _dirs, files in os.walk(ROOT):
        _dirs[:] = [d for d in _dirs if d != "admission"]  # policy cases: tests/test_admission_conformance.py
        for name in sorted(files):
            if name.endswith((".yaml", ".yml", ".json")) and not name.startswith("oracle-results"):
                path = pathlib.Path(dirpath, name)
                head = path.read_text(encoding="utf-8", errors="replace")[:4000]
                labels = dict(HEADER.findall(head))
                cases.append((path, labels))
    return sorted(cases)


CASES = load_cases()


def _id(case):
    return str(case[0].relative_to(ROOT))


def test_suite_is_labelled():
    """Every case has a verdict and a source; every reject names a field and line."""
    for path, labels in CASES:
        assert labels.get("verdict") in ("accept", "reject"), path
        assert labels.get("source"), f"{path}: no '# source:' label"
        if labels["verdict"] == "reject":
            assert labels.get("field") and labels.get("line", "").isdigit(), path


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_case(case):
    _check(case, None)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", CASES, ids=_id)
def test_case_on_older_release(case, version):
    """The verdict of the given release's server (verdict-1.NN, else verdict)."""
    path, labels = case
    verdict = labels.get(f"verdict-{version}", labels["verdict"]).split()[0]
    gap = KNOWN_GAPS.get((path.relative_to(ROOT).as_posix(), version))
    try:
        if verdict == "reject" and (labels["verdict"] == "accept" or f"verdict-{version}" in labels):
            # rejected by the older server only, or for another reason (say an unknown field where the
            # newest server judges the value): the line/field labels are the newest's; any error will do
            result = run([str(path)], Settings(kubernetes_version=version))
            assert any(f.severity == "error" for f in result.findings), (
                f"{path.name}: the v{version} API server rejects it; kubelint --kubernetes-version {version} "
                "reported none"
            )
        else:
            # the warning the older server gives (warning-1.NN), if the case says
            _check((path, dict(labels, verdict=verdict, warning=labels.get(f"warning-{version}", ""))), version)
    except AssertionError:
        if gap:
            pytest.xfail(gap)
        raise
    assert not gap, f"{path.name}: listed in KNOWN_GAPS for {version} but now agrees: remove it there"


def _check(case, version):
    path, labels = case
    result = run([str(path)], Settings(kubernetes_version=version))
    errors = [f for f in result.findings if f.severity == "error"]
    shown = "\n".join(f"  {f.line}:{f.column} [{f.rule}] {f.path}: {f.message}" for f in result.findings)
    if labels.get("verdict") == "accept":
        assert not errors, f"{path.name}: the API server accepts it, kubelint reported:\n{shown}"
        warning = labels.get("warning")
        if warning:
            said = [f.message for f in result.findings if f.rule == "apiserver-warning"]
            if warning == "none":
                assert not said, f"{path.name}: the API server gives no warning, kubelint reported:\n{shown}"
            else:
                assert warning in said, f"{path.name}: the API server warns {warning!r}; kubelint reported:\n{shown}"
        return
    line = int(labels.get("line", "0") or 0)
    at_line = [f for f in errors if f.line == line]
    assert at_line, (
        f"{path.name}: the API server rejects {labels.get('field')} (line {line}); kubelint "
        f"reported:\n{shown or '  nothing'}"
    )
    field = labels.get("field", "")
    if field:
        leaf = re.split(r"[.\[]", field.rstrip("]"))[-1]
        assert any(leaf in (f.path + " " + f.message) for f in at_line), (
            f"{path.name}: error at line {line} does not name {field!r}:\n{shown}"
        )


def server_causes(output: str):
    """The causes of the server's field error list as kubectl prints it
    (``The Deployment "web" is invalid: <path>: <reason>: <detail>`` or, for
    several, one ``* <cause>`` per line), or None for other rejections
    (admission, decoding, a missing namespace)."""
    text = "\n".join(line for line in output.split("\n") if not line.startswith("Warning: "))
    m = re.search(r'^The \S+ "[^"]*" is invalid: ?(.*)\Z', text, re.M | re.S)
    if not m:
        return None
    body = m.group(1)
    return body[3:].split("\n* ") if body.startswith("\n* ") else [body]


def says_a_cause(messages, output: str) -> bool:
    """One message is one of the server's causes verbatim (the records hold
    the server's full output: scripts/oracle_compare.py)."""
    from kubelint.mask import visible

    # a message is one line: the server's line breaks (a CEL error's snippet) are shown as \\n
    causes = [visible(c) for c in server_causes(output) or []]
    return any(msg in causes for msg in messages)


def _record(minor=""):
    import json

    name = f"oracle-results-{minor}.json" if minor else "oracle-results.json"
    return json.loads((ROOT / name).read_text(encoding="utf-8"))["cases"]


RECORD = _record()
TEXT_CASES = [c for c in CASES if server_causes(RECORD.get(_id(c), {}).get("output", "")) is not None]


@pytest.mark.parametrize("case", TEXT_CASES, ids=_id)
def test_server_text(case):
    """kubelint's message is the v1.37 server's cause verbatim (docs/apiserver.md)."""
    from conformance_text_gaps import KNOWN_TEXT_DIFFERENCES

    _server_text(case, RECORD[_id(case)]["output"], None, KNOWN_TEXT_DIFFERENCES)


OLDER_RECORDS = {version: _record(version) for version in VERSIONS}
OLDER_TEXT_CASES = [
    (c, version)
    for version, record in OLDER_RECORDS.items()
    for c in CASES
    if record.get(_id(c), {}).get("server") == "reject" and server_causes(record[_id(c)]["output"]) is not None
]


@pytest.mark.parametrize("case,version", OLDER_TEXT_CASES, ids=lambda x: x if isinstance(x, str) else _id(x))
def test_server_text_of_older_release(case, version):
    """With --kubernetes-version 1.NN, kubelint's message is that release's server's
    cause verbatim (its recorded output, oracle-results-1.NN.json)."""
    from conformance_text_gaps import KNOWN_TEXT_DIFFERENCES_BY_VERSION

    output = OLDER_RECORDS[version][_id(case)]["output"]
    _server_text(case, output, version, KNOWN_TEXT_DIFFERENCES_BY_VERSION.get(version, {}))


def _server_text(case, output, version, gaps):
    path, _labels = case
    errors = [f for f in run([str(path)], Settings(kubernetes_version=version)).findings if f.severity == "error"]
    agrees = says_a_cause([f.message for f in errors], output)
    gap = gaps.get(_id(case))
    if gap:
        release = version or "1.37"
        assert not agrees, (
            f"{_id(case)} now says the v{release} server's text: remove it from tests/conformance_text_gaps.py"
        )
        pytest.xfail(gap)
    shown = "\n".join(f"  {f.message}" + (f"  (hint: {f.hint})" if f.hint else "") for f in errors)
    assert agrees, f"{path.name}: the server says\n  " + "\n  ".join(server_causes(output)) + f"\nkubelint:\n{shown}"


def test_server_causes_parse_kubectl_output():
    one = 'The ConfigMap "a" is invalid: metadata.labels: Invalid value: "-x": bad'
    assert server_causes(one) == ['metadata.labels: Invalid value: "-x": bad']
    many = 'Warning: w\nThe Pod "p" is invalid: \n* spec.a: Required value\n* spec.b: Forbidden: no'
    assert server_causes(many) == ["spec.a: Required value", "spec.b: Forbidden: no"]
    assert server_causes('Error from server (Forbidden): pods "p" is forbidden: x') is None


def test_suite_size_and_balance():
    """At least 200 cases; every directory (rule family) has a reject case
    and a near-miss accept case."""
    assert len(CASES) >= 200, len(CASES)
    families = {}
    for path, labels in CASES:
        families.setdefault(path.parent, set()).add(labels.get("verdict"))
    lopsided = sorted(str(d.relative_to(ROOT)) for d, verdicts in families.items() if verdicts != {"accept", "reject"})
    assert not lopsided, f"families without both an accept and a reject case: {lopsided}"
