"""--schema-dir schemas with JSON-Schema features the structural walker
does not implement ($ref, patternProperties, const, ...): validated with
jsonschema (kubelint/catalogue_schema.py), same rule ids as the walker."""

import os

import pytest

from conftest import ROOT
from kubelint import catalogue_schema
from kubelint.runner import run
from kubelint.settings import Settings

DATA = ROOT / "tests" / "data" / "crd"
CATALOGUE = str(DATA / "catalog-refs")
CRS = str(DATA / "catalog-refs-crs.yaml")


@pytest.mark.parametrize("jobs", [1, 2])
def test_refs_and_pattern_properties_are_validated(jobs, monkeypatch):
    from kubelint import parallel

    monkeypatch.setattr(parallel, "MIN_PARALLEL_OBJECTS", 0)
    result = run([CRS], Settings(schema_dirs=(CATALOGUE,), jobs=jobs))
    got = [(f.line, f.column, f.rule, f.severity) for f in result.findings]
    assert got == [
        (15, 9, "cr-invalid-value", "error"),  # enum, inside a local $ref
        (16, 13, "cr-invalid-value", "error"),  # minimum, in a $ref to another catalogue file
        (17, 11, "missing-required-field", "error"),  # required, in a $ref'd array item
        (18, 12, "unknown-field", "error"),  # a key no patternProperties allows
        (19, 9, "cr-invalid-value", "error"),  # const
        (20, 3, "unknown-field", "error"),  # additionalProperties: false
        (22, 1, "missing-required-field", "error"),  # required at the root
        (31, 13, "invalid-type", "error"),  # type
        (34, 7, "no-schema", "info"),  # a $ref out of the catalogue is never followed
    ], got
    # The good object (labels allowed by patternProperties) has no finding.
    assert not [f for f in result.findings if f.object and f.object.name == "good"]
    messages = {f.rule: f.message for f in result.findings}
    assert "sarif-schema-2.1.0.json" in messages["no-schema"] and "inside the catalogue" in messages["no-schema"]


def test_no_schema_severity_applies_to_unusable_references():
    result = run([CRS], Settings(schema_dirs=(CATALOGUE,), no_schema_severity="error"))
    assert [f.severity for f in result.findings if f.rule == "no-schema"] == ["error"]
    result = run([CRS], Settings(schema_dirs=(CATALOGUE,), no_schema_severity="off"))
    assert not [f for f in result.findings if f.rule == "no-schema"]


def test_structural_schemas_stay_with_the_walker():
    assert (
        catalogue_schema.full_schema(
            {"type": "object", "properties": {"const": {"type": "string"}, "$ref": {"type": "string"}}}, "x", "/"
        )
        is None
    )
    assert catalogue_schema.needs_jsonschema({"properties": {"a": {"items": {"$ref": "#/x"}}}})
    assert catalogue_schema.needs_jsonschema({"patternProperties": {"^a": {}}})
    assert not catalogue_schema.needs_jsonschema({"enum": [{"$ref": "data, not a keyword"}]})


def test_a_reference_to_a_non_regular_file_is_not_followed(tmp_path):
    cat = tmp_path / "cat"
    (cat / "example.com").mkdir(parents=True)
    os.mkfifo(cat / "fifo.json")
    (cat / "example.com" / "gizmo_v1.json").write_text('{"properties": {"spec": {"$ref": "../fifo.json"}}}')
    cr = tmp_path / "cr.yaml"
    cr.write_text("apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: g}\nspec: {}\n")
    result = run([str(cr)], Settings(schema_dirs=(str(cat),)))
    assert [f.rule for f in result.findings] == ["no-schema"]  # and no hang on the FIFO


def test_kubeconform_style_definitions_file():
    """A kubeconform non-standalone layout: refs into _definitions.json at the catalogue root."""
    fs = catalogue_schema.full_schema(
        {"properties": {"spec": {"$ref": "_definitions.json#/definitions/Port"}}},
        os.path.join(CATALOGUE, "thing.json"),
        CATALOGUE,
    )

    class Obj:  # what FullSchema.problems reads of a KubeObject
        kind, api_version = "Thing", "example.com/v1"
        data = {"apiVersion": "example.com/v1", "kind": "Thing", "spec": {"port": "http"}}

    problems = fs.problems(Obj())
    assert [(p.path, p.rule) for p in problems] == [(("spec", "port"), "invalid-type")]
