"""The JSON report's published contract (kubelint/data/report.schema.json),
checked against real reports: the shared corpus, the examples, stdin, files
that cannot be parsed or read."""

import io
import json

import jsonschema
import pytest

from conftest import ROOT
from kubelint.report import json as json_report
from kubelint.runner import run
from kubelint.settings import Settings

SCHEMA = json.loads((ROOT / "kubelint" / "data" / "report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def check(doc):
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]]


def test_the_schema_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_corpus_report_matches_the_contract(corpus_result):
    doc = json.loads(json_report.render(corpus_result))
    assert len(doc["findings"]) > 1000
    check(doc)


@pytest.mark.parametrize("example", ["broken", "app"])
def test_the_examples_reports_match_the_contract(example):
    check(json.loads(json_report.render(run([str(ROOT / "examples" / example)], Settings()))))


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
        "a: b: c\n",  # a syntax error: no object
        "apiVersion: v1\nkind: Pod\nmetadata: {generateName: p-}\nspec: {containers: [{name: c}]}\n",  # no name
        "- 1\n- 2\n",  # not an object
        "",
    ],
)
def test_stdin_reports_match_the_contract(text):
    check(json.loads(json_report.render(run(["-"], Settings(), stdin=io.BytesIO(text.encode())))))


def test_unreadable_inputs_match_the_contract(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(b"\xff\xfe\x00bad")
    result = run([str(tmp_path / "bad.yaml"), str(tmp_path / "missing.yaml")], Settings())
    assert result.fatal
    check(json.loads(json_report.render(result)))


def test_every_field_the_report_writes_is_in_the_contract(corpus_result):
    doc = json_report.document(corpus_result)
    assert set(doc) == set(SCHEMA["properties"])
    assert set(doc["summary"]) == set(SCHEMA["properties"]["summary"]["properties"])
    finding = SCHEMA["$defs"]["finding"]
    with_object = next(f for f in doc["findings"] if f["object"] is not None)
    assert set(with_object) == set(finding["properties"])
    assert set(with_object["object"]) == set(finding["properties"]["object"]["oneOf"][1]["properties"])


def test_the_hint_is_its_own_field():
    """The server's words in ``message``, kubelint's explanation in ``hint``
    (null when there is none): a misspelt field's suggestion is a hint."""
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {app: -web}\n"
    doc = json.loads(json_report.render(run(["-"], Settings(), stdin=io.BytesIO(text.encode()))))
    check(doc)
    (finding,) = [f for f in doc["findings"] if f["rule"] == "invalid-label"]
    assert finding["message"].startswith('metadata.labels: Invalid value: "-web": a valid label must be')
    assert finding["hint"] is None or "(" not in finding["message"][-2:]
    check({**doc, "findings": [{**finding, "hint": "a hint"}]})
    bad = {**doc, "findings": [{**finding, "hint": "two\nlines"}]}
    assert list(VALIDATOR.iter_errors(bad))
