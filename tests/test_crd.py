"""Custom resources validated against their CRDs (kubelint/crd/, kubelint/cel.py).

Expected verdicts follow the API server's create path for custom resources
(apiextensions-apiserver customresource_handler.go: prune + strict field
validation, PruneNonNullableNullsWithoutDefaults, structural defaulting,
kube-openapi schema validation, validateListSetsAndMaps, CEL) and the CRD's
own validation (apiextensions/validation/validation.go).
"""

from __future__ import annotations

import json
import os
import textwrap

import pytest
import yaml

from kubelint import cel, crd, goregex, suggest
from kubelint.runner import run
from kubelint.settings import Settings
from test_corpus import KNOWN_REJECTED

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data", "crd")
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
if not os.path.isdir(CORPUS):
    CORPUS = "/work/shared/corpus"

# The one custom resource of the corpus the real API server rejects: the
# external-snapshotter example is deliberately invalid (its CRD's CEL rule
# "exactly one of volumeSnapshotContentName and persistentVolumeClaimName
# must be set"; the example sets both).  test_corpus.py keeps the list.
KNOWN_INVALID = {(path, rule) for path, (rule, _said) in KNOWN_REJECTED.items() if rule.startswith(("cr-", "crd-"))}


def check(*paths, **opts):
    return run(list(paths), Settings(**opts))


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return str(p)


def found(result, rule=None, severity=None):
    return [
        (f.line, f.column, f.rule, f.message)
        for f in result.findings
        if (rule is None or f.rule == rule) and (severity is None or f.severity == severity)
    ]


def by_line(result):
    out = {}
    for f in result.findings:
        out.setdefault(f.line, set()).add(f.rule)
    return out


# --- corpus -----------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="shared corpus not present")
def test_corpus_custom_resources_have_no_errors_but_the_known_invalid_example(corpus_result):
    result = corpus_result
    errors = {
        (os.path.relpath(f.file, CORPUS), f.rule)
        for f in result.findings
        if f.severity == "error" and f.rule.startswith(("cr-", "crd-"))
    }
    assert errors == KNOWN_INVALID
    # The CRD stage did validate custom resources there (fewer no-schema infos).
    assert any(f.rule == "cr-validation-rule-skipped" for f in result.findings)


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="shared corpus not present")
def test_corpus_crds_themselves_are_valid():
    crds = []
    for dirpath, _d, files in os.walk(CORPUS):
        for f in files:
            if f.endswith((".yaml", ".yml")):
                p = os.path.join(dirpath, f)
                with open(p, "rb") as fh:
                    if b"kind: CustomResourceDefinition" in fh.read():
                        crds.append(p)
    assert len(crds) > 50
    result = check(*crds)
    assert [f for f in result.findings if f.rule == "crd-invalid"] == []


# --- the sample CRD: every constraint at the right line ------------------------------------


def test_good_widget_has_no_errors():
    result = check(os.path.join(DATA, "widget-crd.yaml"), os.path.join(DATA, "widget-good.yaml"))
    assert [f for f in result.findings if f.severity != "info"] == []
    # the transition rule (oldSelf) is skipped, once
    skipped = found(result, "cr-validation-rule-skipped")
    assert len(skipped) == 1 and "oldSelf" in skipped[0][3]


EXPECTED_BAD = [
    # messages as kube-apiserver 1.37 prints them (oracle-confirmed)
    (
        6,
        13,
        "invalid-type",
        'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    ),
    (8, 9, "cr-invalid-value", 'spec.size: Unsupported value: "huge": supported values: "small", "medium", "large"'),
    (
        9,
        10,
        "cr-invalid-value",
        "spec.color: Invalid value: \"#A0B1C2\": spec.color in body should match '^#[0-9a-f]{6}$'",
    ),
    (10, 10, "cr-invalid-value", "must be of type email"),
    (11, 12, "cr-invalid-value", "must be of type ipv4"),
    (
        12,
        9,
        "invalid-type",
        'spec.port: Invalid value: "number": spec.port in body must be of type integer,string: "number"',
    ),
    (14, 10, "cr-invalid-value", "should be a multiple of 0.5"),
    (15, 13, "cr-invalid-value", "spec.nickname: Too long: may not be more than 8 bytes"),
    (16, 9, "cr-invalid-value", "Too many: 4: must have at most 3 items"),
    (16, 13, "cr-duplicate-list-item", 'spec.tags[1]: Duplicate value: "a"'),
    (20, 7, "cr-duplicate-list-item", 'spec.ports[1]: Duplicate value: {"name":"web","protocol":"TCP"}'),
    (23, 18, "invalid-type", "spec.labels.tier"),
    (24, 3, "unknown-field", 'unknown field "spec.replcias" (did you mean "replicas"?)'),
    (25, 3, "missing-required-field", "spec.template.apiVersion: Required value"),
    (25, 3, "missing-required-field", "spec.template.kind: Required value"),
]


def test_bad_widget_every_error_at_its_line():
    result = check(os.path.join(DATA, "widget-crd.yaml"), os.path.join(DATA, "widget-bad.yaml"))
    got = [(f.line, f.column, f.rule, f.message) for f in result.findings if f.file.endswith("widget-bad.yaml")]
    for line, col, rule, fragment in EXPECTED_BAD:
        assert any(g[0] == line and g[1] == col and g[2] == rule and fragment in g[3] for g in got), (
            line,
            rule,
            fragment,
            got,
        )
    assert len([g for g in got if g[2] != "cr-validation-rule-skipped"]) == len(EXPECTED_BAD)
    # blocking schema errors (type, enum, required, too long/many, format): the
    # server then skips the CEL rules (hosts[0] breaks one) and says so
    skipped = [g for g in got if g[2] == "cr-validation-rule-skipped"]
    assert any("some validation rules were not checked because the object was invalid" in g[3] for g in skipped)
    assert not any(g[2] == "cr-validation-rule" for g in got)


def test_cel_runs_when_errors_are_not_blocking(tmp_path):
    text = open(os.path.join(DATA, "widget-good.yaml")).read()
    text = text.replace("hosts: [a.example.com]", "hosts: [a.example.org]").replace("replicas: 3", "replicas: 11")
    p = tmp_path / "cr.yaml"
    p.write_text(text)
    result = check(os.path.join(DATA, "widget-crd.yaml"), str(p))
    msgs = sorted(f.message for f in result.findings if f.severity == "error")
    # maximum is field.Invalid (not blocking): CEL still runs, as on the server
    assert msgs[0].startswith('spec.hosts[0]: Invalid value: "a.example.org": hosts must be in example.com')
    assert msgs[1].startswith(
        "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10"
    )


def test_cr_before_its_crd_and_in_another_file(tmp_path):
    cr = open(os.path.join(DATA, "widget-bad.yaml")).read()
    crd_text = open(os.path.join(DATA, "widget-crd.yaml")).read()
    p = tmp_path / "both.yaml"
    p.write_text(cr + "---\n" + crd_text)
    result = check(str(p))
    assert "unknown-field" in {f.rule for f in result.findings}
    assert not found(result, "no-schema")


def test_crd_option_is_a_schema_source_not_reported(tmp_path):
    broken_crd = (
        open(os.path.join(DATA, "widget-crd.yaml"))
        .read()
        .replace("name: widgets.example.com", "name: wrong.example.com")
    )
    crd_file = write(tmp_path, "crd.yaml", broken_crd)
    result = check(os.path.join(DATA, "widget-bad.yaml"), crd_paths=[crd_file])
    rules = {f.rule for f in result.findings}
    assert "unknown-field" in rules and "crd-invalid" not in rules
    assert all(f.file.endswith("widget-bad.yaml") for f in result.findings)


def test_no_crd_no_schema_info():
    result = check(os.path.join(DATA, "widget-good.yaml"))
    assert [(f.rule, f.severity) for f in result.findings] == [("no-schema", "info")]
    assert "--crd" in result.findings[0].message and "--schema-dir" in result.findings[0].message


# --- versions --------------------------------------------------------------------------------

CR = """\
apiVersion: example.com/{version}
kind: Widget
metadata:
  name: w
spec:
  size: small
"""


def test_deprecated_version_warns_with_the_crd_warning(tmp_path):
    cr = write(tmp_path, "cr.yaml", CR.format(version="v1beta1"))
    result = check(os.path.join(DATA, "widget-crd.yaml"), cr)
    (f,) = [f for f in result.findings if f.rule == "cr-deprecated-version"]
    assert f.severity == "warning" and "example.com/v1beta1 Widget is deprecated; use example.com/v1" in f.message
    assert f.line == 1


@pytest.mark.parametrize("version,why", [("v1alpha1", "served: false"), ("v3", "does not define it")])
def test_unserved_version(tmp_path, version, why):
    cr = write(tmp_path, "cr.yaml", CR.format(version=version))
    # CRD elsewhere in the input: another release may be installed -> warning
    result = check(os.path.join(DATA, "widget-crd.yaml"), cr)
    (f,) = [f for f in result.findings if f.rule == "cr-version-not-served"]
    assert f.severity == "warning" and why in f.message and "example.com/v1" in f.message
    # CRD given with --crd: the user says this is the cluster's CRD -> error
    result = check(cr, crd_paths=[os.path.join(DATA, "widget-crd.yaml")])
    (f,) = [f for f in result.findings if f.rule == "cr-version-not-served"]
    assert f.severity == "error"
    assert not found(result, "no-schema")


# --- semantics -----------------------------------------------------------------------------

SMALL_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {{plural: things, singular: thing, kind: Thing, listKind: ThingList}}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
{schema}
"""


def run_small(tmp_path, schema: str, cr_spec: str, metadata: str = "  name: t\n"):
    schema = textwrap.indent(textwrap.dedent(schema), " " * 10)
    text = (
        SMALL_CRD.format(schema=schema)
        + "---\napiVersion: example.com/v1\nkind: Thing\nmetadata:\n"
        + metadata
        + textwrap.dedent(cr_spec)
    )
    p = tmp_path / "t.yaml"
    p.write_text(text)
    return check(str(p))


OBJ = """\
type: object
properties:
  spec:
    type: object
    properties:
      a: {type: string}
      n: {type: integer, default: 3, minimum: 1}
      req: {type: string}
      d: {type: string, default: x}
    required: [req, d]
"""


def test_required_satisfied_by_default_and_null_pruned(tmp_path):
    r = run_small(tmp_path, OBJ, "spec:\n  req: v\n  a: null\n")
    assert [f for f in r.findings if f.severity == "error"] == []
    r = run_small(tmp_path, OBJ, "spec:\n  req: null\n")  # null pruned -> Required
    assert [(f.rule, f.path) for f in r.findings] == [("missing-required-field", "spec.req")]
    r = run_small(tmp_path, OBJ, "spec:\n  req: v\n  n: null\n")  # null -> default 3
    assert [f for f in r.findings if f.severity == "error"] == []


def test_nullable_and_integral_floats(tmp_path):
    schema = """\
    type: object
    properties:
      spec:
        type: object
        properties:
          x: {type: integer, nullable: true}
          items: {type: array, items: {type: string}}
    """
    r = run_small(tmp_path, schema, "spec:\n  x: null\n")
    assert r.findings == []
    r = run_small(tmp_path, schema, "spec:\n  x: 3.0\n")  # kubectl sends 3
    assert r.findings == []
    r = run_small(tmp_path, schema, "spec:\n  x: 3.5\n")
    assert [f.rule for f in r.findings] == ["invalid-type"]
    r = run_small(tmp_path, schema, "spec:\n  items: [a, null]\n")  # list items are not pruned
    assert [f.path for f in r.findings] == ["spec.items[1]"]


def test_preserve_unknown_fields_at_any_level_and_additional_properties(tmp_path):
    schema = """\
    type: object
    properties:
      spec:
        type: object
        properties:
          free:
            type: object
            x-kubernetes-preserve-unknown-fields: true
            properties:
              known: {type: integer}
          strict:
            type: object
            properties:
              known: {type: integer}
          anymap:
            type: object
            additionalProperties: true
          intmap:
            type: object
            additionalProperties: {type: integer}
    """
    r = run_small(tmp_path, schema, "spec:\n  free: {other: 1, known: 2}\n  anymap: {x: [1]}\n  intmap: {a: 1}\n")
    assert r.findings == []
    r = run_small(tmp_path, schema, "spec:\n  free: {known: x}\n  strict: {other: 1}\n  intmap: {a: b}\n")
    assert sorted((f.rule, f.path) for f in r.findings) == [
        ("invalid-type", "spec.free.known"),
        ("invalid-type", "spec.intmap.a"),
        ("unknown-field", "spec.strict.other"),
    ]
    # top level: unknown field, with did-you-mean
    r = run_small(tmp_path, schema, "spek: {}\n")
    assert [(f.rule, f.line) for f in r.findings] == [("unknown-field", r.findings[0].line)]
    assert 'did you mean "spec"' in r.findings[0].message


def test_one_of_any_of(tmp_path):
    schema = """\
    type: object
    properties:
      spec:
        type: object
        oneOf:
          - required: [a]
          - required: [b]
        properties:
          a: {type: string}
          b: {type: string}
    """
    assert run_small(tmp_path, schema, "spec: {a: x}\n").findings == []
    r = run_small(tmp_path, schema, "spec: {a: x, b: z}\n")
    assert [f.rule for f in r.findings] == ["cr-invalid-value"] and "oneOf" in r.findings[0].message


def test_metadata_validated_like_any_object(tmp_path):
    r = run_small(tmp_path, "type: object\n", "", metadata="  name: Bad_Name\n  labelz: {}\n")
    rules = sorted(f.rule for f in r.findings)
    assert rules == ["invalid-name", "unknown-field"]
    # finalizers of custom resources only need to be qualified names
    r = run_small(
        tmp_path, "type: object\n", "", metadata="  name: ok\n  finalizers: [resources-finalizer.argocd.argoproj.io]\n"
    )
    assert r.findings == []


def test_schema_constraints_on_metadata_name(tmp_path):
    schema = """\
    type: object
    properties:
      metadata:
        type: object
        properties:
          name: {type: string, maxLength: 5}
    """
    r = run_small(tmp_path, schema, "", metadata="  name: toolong\n")
    assert [(f.rule, f.path) for f in r.findings] == [("cr-invalid-value", "metadata.name")]


def test_closest_crd_wins_when_several_define_a_kind(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir()
    b.mkdir()
    base = SMALL_CRD.format(
        schema=textwrap.indent(
            "type: object\nproperties:\n  spec:\n    type: object\n    properties:\n      FIELD: {type: string}\n",
            " " * 10,
        )
    )
    (a / "crd.yaml").write_text(base.replace("FIELD", "alpha"))
    (b / "crd.yaml").write_text(base.replace("FIELD", "beta"))
    (b / "cr.yaml").write_text("apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec: {beta: x}\n")
    r = check(str(a), str(b))
    assert [f for f in r.findings if f.severity == "error"] == []


# --- CEL ------------------------------------------------------------------------------------

CEL_SCHEMA = """\
type: object
properties:
  spec:
    type: object
    x-kubernetes-validations:
      - rule: "self.min <= self.max"
        message: "min must not exceed max"
        fieldPath: ".min"
      - rule: "self.mode != 'off' || !has(self.window)"
        messageExpression: "'window is set while mode is ' + self.mode"
        reason: FieldValueForbidden
      - rule: "!has(self.limit) || quantity(self.limit).isLessThan(quantity('2Gi'))"
        message: "limit must be below 2Gi"
      - rule: "!has(self.endpoint) || isURL(self.endpoint) && url(self.endpoint).getScheme() == 'https'"
        message: "endpoint must be an https URL"
      - rule: "!has(self.cidr) || cidr(self.cidr).containsIP(ip('10.0.0.1'))"
        message: "cidr must contain 10.0.0.1"
      - rule: "!has(self.name) || self.name.lowerAscii() == self.name && self.name.split('-').size() <= 3"
        message: "name must be lowercase with at most 3 parts"
      - rule: "self.ratio >= 0.5"
        message: "ratio too small"
    properties:
      min: {type: integer}
      max: {type: integer}
      mode: {type: string}
      window: {type: string}
      limit: {type: string}
      endpoint: {type: string}
      cidr: {type: string}
      name: {type: string}
      ratio: {type: number}
"""


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_cel_rules(tmp_path):
    good = (
        "spec:\n  min: 1\n  max: 2\n  mode: on\n  window: 1h\n  limit: 1Gi\n  endpoint: "
        "https://x.example.com\n  cidr: 10.0.0.0/8\n  name: a-b\n  ratio: 1\n"
    )
    good = good.replace("mode: on", "mode: 'on'")
    r = run_small(tmp_path, CEL_SCHEMA, good)
    assert r.findings == []
    bad = (
        "spec:\n  min: 3\n  max: 2\n  mode: 'off'\n  window: 1h\n  limit: 3Gi\n  endpoint: http://x\n  cidr: "
        "192.168.0.0/16\n  name: A-b-c-d\n  ratio: 0.25\n"
    )
    r = run_small(tmp_path, CEL_SCHEMA, bad)
    msgs = {f.path: f.message for f in r.findings if f.rule == "cr-validation-rule"}
    assert msgs["spec.min"].startswith("spec.min: Invalid value: min must not exceed max")
    assert "spec: Forbidden: window is set while mode is off" in [m for p, m in msgs.items() if p == "spec"][0] or any(
        "Forbidden: window is set while mode is off" in f.message for f in r.findings
    )
    text = " | ".join(f.message for f in r.findings)
    for m in (
        "limit must be below 2Gi",
        "endpoint must be an https URL",
        "cidr must contain 10.0.0.1",
        "name must be lowercase with at most 3 parts",
        "ratio too small",
    ):
        assert m in text
    assert all(f.severity == "error" for f in r.findings)
    # fieldPath: the finding points at spec.min's line
    (fmin,) = [f for f in r.findings if f.path == "spec.min"]
    lines = (tmp_path / "t.yaml").read_text().splitlines()
    assert lines[fmin.line - 1].strip() == "min: 3"


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_cel_rule_that_cannot_be_evaluated_is_info_once(tmp_path):
    schema = """\
    type: object
    properties:
      spec:
        type: object
        x-kubernetes-validations:
          - rule: "self.?x.hasValue()"
          - rule: "'%s'.format(['a']) == 'a'"
          - rule: "optional.of(1).hasValue()"
        properties:
          x: {type: object, x-kubernetes-preserve-unknown-fields: true}
    """
    r = run_small(tmp_path, schema, "spec:\n  x: {}\n")
    assert {f.rule for f in r.findings} == {"cr-validation-rule-skipped"}
    assert all(f.severity == "info" for f in r.findings) and len(r.findings) == 3
    assert any("format(['a'])" in f.message for f in r.findings)


def test_without_cel_engine_rules_are_skipped(monkeypatch, tmp_path):
    monkeypatch.setattr(cel, "_cel", None)
    r = run_small(tmp_path, CEL_SCHEMA, "spec:\n  min: 3\n  max: 2\n  ratio: 1\n")
    assert r.findings and {f.rule for f in r.findings} == {"cr-validation-rule-skipped"}
    assert "not installed" in r.findings[0].message


def test_cel_field_path_parser():
    assert cel._field_path(".spec.foo['a.b'][0].bar") == ("spec", "foo", "a.b", 0, "bar")


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
@pytest.mark.parametrize(
    "rule,value,want",
    [
        ("self.indexOf('b') == 1", "abc", True),
        ("self.lastIndexOf('a') == 2", "aba", True),
        ("self.substring(1, 2) == 'b'", "abc", True),
        ("self.replace('a', 'x') == 'xbc'", "abc", True),
        ("self.trim() == 'x'", " x ", True),
        ("self.find('[0-9]+') == '12'", "ab12c", True),
        ("self.findAll('[0-9]').size() == 2", "a1b2", True),
        ("isQuantity(self) && quantity(self).isGreaterThan(quantity('100m'))", "1", True),
        ("quantity(self).asInteger() == 2048", "2Ki", True),
        ("isIP(self) && ip(self).family() == 6", "2001:db8::1", True),
        ("isCIDR(self) && cidr(self).prefixLength() == 24", "10.0.0.0/24", True),
        ("url(self).getHost() == 'example.com:8443'", "https://example.com:8443/x", True),
        ("self.matches('^[a-z]+$')", "abc\n", False),
    ],
)
def test_kubernetes_cel_library(rule, value, want):
    compiled = cel.compile_rule({"rule": rule})
    assert compiled.skip is None, compiled.skip
    problems = cel.evaluate(compiled, value, crd.compile_schema({"type": "string"}), ("spec",))
    assert (problems == []) == want, problems


# --- Go RE2 patterns -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern,value,want",
    [
        ("^[a-z]+$", "abc", True),
        ("^[a-z]+$", "abc\n", False),  # Go's $ is end of text (Python's also before a final \n)
        (r"^\d+$", "١٢٣", False),  # \d is ASCII in RE2
        ("^[[:alpha:]]+$", "abc", True),  # POSIX classes
        (r"^\Qa.b\E$", "a.b", True),
        (r"^\Qa.b\E$", "axb", False),
        ("(?i)^abc$", "ABC", True),
        ("^x{,2}$", "x{,2}", True),  # RE2: {,n} is literal
        ("^(?P<n>a)b$", "ab", True),
        ("^(?<n>a)b$", "ab", True),
        ("^a", "ba", False),
        ("a", "ba", True),  # unanchored search
    ],
)
def test_go_regexp(pattern, value, want):
    assert bool(goregex.compile(pattern).search(value)) == want


@pytest.mark.parametrize(
    "pattern,error",
    [
        # Go's regexp.Compile messages (regexp/syntax ErrorCode), not C++ RE2's; the CRD messages for
        # \C, ^(a, x**, a{1001}, a\ and \p{Foo} confirmed with kube-apiserver v1.37.2 (`pattern:` of a CRD)
        (r"(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
        (r"(a)\1", "error parsing regexp: invalid escape sequence: `\\1`"),
        (r"a\C", "error parsing regexp: invalid escape sequence: `\\C`"),  # C++ RE2 accepts \C, Go does not
        (r"\Z", "error parsing regexp: invalid escape sequence: `\\Z`"),
        (r"^(a", "error parsing regexp: missing closing ): `^(a`"),
        (r"x**", "error parsing regexp: invalid nested repetition operator: `**`"),
        (r"a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"),
        (r"\p{Foo}", "error parsing regexp: invalid character class range: `\\p{Foo}`"),
        ("a\\", "error parsing regexp: trailing backslash at end of expression: ``"),
    ],
)
def test_go_regexp_errors(pattern, error):
    assert str(goregex.error(pattern)) == error
    with pytest.raises(goregex.GoRegexpError):
        goregex.compile(pattern)


@pytest.mark.parametrize(
    "pattern,value,want",
    [
        (r"^\p{Greek}+$", "αβγ", True),  # Unicode classes (Python's re has none)
        (r"^\pL+$", "été", True),
        (r"^\QC\E$", "C", True),  # \C inside \Q...\E is a literal
        (r"^[[:^digit:]]+$", "ab", True),
        (r"\z", "a", True),
        (r"(?U)a+", "aaa", True),
        ("^a$", "a\ud800", False),  # a lone surrogate is U+FFFD, no crash
    ],
)
def test_go_regexp_re2_syntax(pattern, value, want):
    assert bool(goregex.compile(pattern).search(value)) == want


def test_prometheus_operator_pattern():
    """prometheus-operator's `^(?i)(abort|warn)?$` (Python's re rejects a
    global flag not at the start): compiled and checked.  kube-apiserver
    v1.37.2 accepts the CRD, accepts `WARN` and rejects `ignore` with
    `spec.p in body should match '^(?i)(abort|warn)?$'`."""
    schema = crd.compile_schema({"type": "string", "pattern": "^(?i)(abort|warn)?$"})
    assert schema.pattern is not None
    assert goregex.compile("^(?i)(abort|warn)?$").search("WARN")
    assert not goregex.compile("^(?i)(abort|warn)?$").search("ignore")


@pytest.mark.parametrize(
    "pattern,value",
    [
        ("^(a+)+$", "a" * 40 + "!"),
        ("^(a|a)*$", "a" * 5000 + "!"),
        ("^(\\w+\\s?)*$", "word " * 5000 + "!"),
    ],
)
def test_patterns_run_in_linear_time(pattern, value):
    import time

    t = time.perf_counter()
    assert not goregex.compile(pattern).search(value)
    assert time.perf_counter() - t < 0.5


# --- schema catalogues (--schema-dir) ----------------------------------------------------------


def test_schema_dir_layouts():
    result = check(
        os.path.join(DATA, "catalog-crs.yaml"),
        schema_dirs=[os.path.join(DATA, "catalog-crds-catalog"), os.path.join(DATA, "catalog-kubeconform")],
    )
    got = {(f.line, f.rule) for f in result.findings}
    assert got == {
        (15, "cr-invalid-value"),  # GROUP/KIND_VERSION.json (CRDs-catalog): enum
        (16, "cr-invalid-value"),  # minimum
        (17, "unknown-field"),  # additionalProperties: false
        (23, "missing-required-field"),  # KIND-GROUP-VERSION.json (kubeconform): required
        (32, "invalid-type"),  # KIND.json
        (35, "no-schema"),  # no schema anywhere
    }


def test_catalogue_file_names(tmp_path):
    cat = crd.Catalogue(str(tmp_path))
    names = cat.candidates("monitoring.coreos.com", "v1", "ServiceMonitor")
    assert names[:4] == [
        "monitoring.coreos.com/servicemonitor_v1.json",
        "servicemonitor-monitoring.coreos.com-v1.json",
        "servicemonitor-monitoring-v1.json",
        "servicemonitor_v1.json",
    ]
    assert names[-1] == "servicemonitor.json"
    (tmp_path / "ServiceMonitor-Monitoring-V1.json").write_text(json.dumps({"type": "object"}))
    cat = crd.Catalogue(str(tmp_path))
    assert cat.find("monitoring.coreos.com", "v1", "ServiceMonitor")


def test_unreadable_catalogue_schema_is_not_a_crash(tmp_path):
    d = tmp_path / "cat" / "example.com"
    d.mkdir(parents=True)
    (d / "gadget_v1.json").write_text("{not json")
    cr = write(tmp_path, "cr.yaml", "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {}\n")
    result = check(cr, schema_dirs=[str(tmp_path / "cat")])
    assert not result.fatal
    assert [f.rule for f in result.findings] == ["no-schema"]
    assert "gadget_v1.json cannot be read" in result.findings[0].message


# --- the CRD itself (apiextensions validation.go) -------------------------------------------------


def crd_doc(**changes):
    doc = yaml.safe_load(open(os.path.join(DATA, "widget-crd.yaml")))
    for path, value in changes.items():
        node = doc
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        last = keys[-1]
        if value is KeyError:
            del node[last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value
    return doc


@pytest.mark.parametrize(
    "changes,fragment",
    [
        (
            {"metadata__name": "widget.example.com"},
            'must be spec.names.plural+"."+spec.group',
        ),  # ValidateCustomResourceDefinition
        (
            {"spec__versions__0__storage": True},
            "exactly one version marked as storage version",
        ),  # ValidateCustomResourceDefinitionSpec
        ({"spec__versions__2__storage": False}, "exactly one version marked as storage version"),
        ({"spec__versions__0__schema": KeyError}, "schemas are required"),
        ({"spec__group": "example"}, "should be a domain with at least one dot"),
        ({"spec__scope": "Global"}, "Unsupported value"),
        ({"spec__preserveUnknownFields": True}, "x-kubernetes-preserve-unknown-fields"),
        ({"spec__names__plural": "Widgets"}, "DNS-1035"),  # ValidateCustomResourceDefinitionNames
        ({"spec__versions__2__schema__openAPIV3Schema__type": "string"}, "must be object at the root"),
        (
            {
                "spec__versions__2__schema__openAPIV3Schema__properties__spec__properties__name": {
                    "description": "no type"
                }
            },
            "must not be empty for specified object fields",
        ),  # structural: type everywhere
        (
            {
                "spec__versions__2__schema__openAPIV3Schema__properties__metadata": {
                    "type": "object",
                    "properties": {"labels": {"type": "object"}},
                }
            },
            "must not specify anything other than name and generateName",
        ),
        (
            {"spec__versions__2__schema__openAPIV3Schema__properties__spec__properties__color__pattern": "^(?!x)"},
            "valid regular expression",
        ),
        (
            {"spec__versions__2__schema__openAPIV3Schema__properties__spec__properties__name__$ref": "#/x"},
            "$ref is not supported",
        ),
        ({"spec__versions__2__schema__openAPIV3Schema__nullable": True}, "nullable cannot be true at the root"),
        (
            {
                "spec__versions__2__schema__openAPIV3Schema__properties__spec__properties__labels__properties": {
                    "a": {"type": "string"}
                }
            },
            "additionalProperties and properties are mutual exclusive",
        ),
        (
            {
                "spec__versions__2__schema__openAPIV3Schema__properties__spec__properties__ports__x-kubernetes-list"
                "-map-keys": KeyError
            },
            "x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map",
        ),
        (
            {
                "spec__versions__2__schema__openAPIV3Schema__properties__spec__properties__tags__x-kubernetes-list-"
                "map-keys": ["a"]
            },
            'x-kubernetes-list-type: Invalid value: "set": must be map if x-kubernetes-list-map-keys is non-empty',
        ),
    ],
)
def test_crd_checks(tmp_path, changes, fragment):
    # The schema-structure messages were compared with kube-apiserver 1.37
    # (kubectl apply --dry-run=server of each variant): same verdicts, same text.
    p = tmp_path / "crd.yaml"
    p.write_text(yaml.safe_dump(crd_doc(**changes)))
    result = check(str(p))
    # crd-invalid (schema structure, kubelint/crd/structural.py) or the API-server stage's
    # ids (names, group, scope, versions: kubelint/apiserver/crd_spec.py)
    msgs = [f.text() for f in result.findings if f.severity == "error"]  # the message and its hint
    assert any(fragment in m for m in msgs), [(f.rule, f.message) for f in result.findings]
    assert all(f.severity == "error" for f in result.findings if f.rule == "crd-invalid")


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_crd_cel_rule_must_compile(tmp_path):
    doc = crd_doc()
    doc["spec"]["versions"][2]["schema"]["openAPIV3Schema"]["properties"]["spec"]["x-kubernetes-validations"].append(
        {"rule": "self.min <="}
    )
    p = tmp_path / "crd.yaml"
    p.write_text(yaml.safe_dump(doc))
    result = check(str(p))
    assert any(f.rule == "crd-invalid" and "compilation failed" in f.message for f in result.findings)


def test_sample_crd_is_valid():
    result = check(os.path.join(DATA, "widget-crd.yaml"))
    assert result.findings == []


# --- the catalogue entries' examples --------------------------------------------------------------


def _examples():
    with open(os.path.join(ROOT, "rules", "crd.yaml"), encoding="utf-8") as fh:
        for entry in yaml.safe_load(fh):
            for ex in entry["examples"]:
                ((kind, text),) = ex.items()
                yield pytest.param(entry["id"], kind, text, id=f"{entry['id']}-{kind}")


@pytest.mark.parametrize("rule,kind,text", list(_examples()))
def test_catalogue_examples(tmp_path, rule, kind, text):
    p = tmp_path / "example.yaml"
    p.write_text(text)
    ids = {f.rule for f in check(str(p)).findings}
    if kind == "bad":
        assert ids == {rule}
    else:
        assert ids == set()


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_root_rules_see_only_name_and_generate_name_of_metadata(tmp_path):
    schema = """\
    type: object
    x-kubernetes-validations:
      - rule: "self.metadata.name.startsWith('t')"
        message: root rule
    properties:
      spec: {type: object}
    """
    r = run_small(tmp_path, schema, "spec: {}\n", metadata="  name: t\n  labels: {a: b}\n")
    assert r.findings == []


# Verdicts of kube-apiserver 1.37 for `format` (kubectl apply --dry-run=server
# on a CRD with one field per format): kubelint must never reject what the
# server accepts, and rejects these as the server does.
@pytest.mark.parametrize(
    "fmt,value,valid",
    [
        ("uri", "foo", False),
        ("uri", "/x", True),
        ("uri", "http://x y", False),
        ("email", "a@", False),
        ("email", "A <a@b.c>", True),
        ("hostname", "a_b", False),
        ("hostname", "münchen.de", True),
        ("hostname", "1.2.3.4", False),
        ("hostname", "example.com", True),
        ("hostname", "localhost", True),
        ("hostname", "a.b-c.io", True),
        ("hostname", "example.com.", False),
        ("hostname", "x.y1", False),
        ("date", "2020-1-1", False),
        ("date", "2020-13-45", False),
        ("date", "2020-02-29", True),
        ("date-time", "2020-01-01", False),
        ("date-time", "2020-01-01T00:00:00", False),
        ("date-time", "2020-01-01 00:00:00Z", False),
        ("date-time", "2020-01-01T00:00:00.5+01:00", True),
        ("date-time", "2020-01-01T00:00Z", False),
        ("date-time", "2020-01-01t00:00:00z", True),
        ("duration", "abc", False),
        ("duration", "1 day", True),
        ("duration", "0", True),
        ("duration", "1h30m", True),
        ("uuid", "xyz", False),
        ("mac", "zz", False),
        ("cidr", "10.0.0.1", False),
        ("cidr", "10.0.0.0/33", False),
        ("ipv6", "1.2.3.4", False),
        ("byte", "!!!", False),
        ("byte", "YWJj", True),
        ("hexcolor", "#abcd", False),
    ],
)
def test_formats_as_the_server_checks_them(fmt, value, valid):
    assert bool(crd.FORMATS[fmt](value)) == valid


# The Kubernetes CEL library against kube-apiserver 1.37: each (field, value)
# was applied with kubectl apply --dry-run=server to tests/data/crd/
# cel-library-crd.yaml (group renamed); 40/40 verdicts agree.
ORACLE_CEL = [
    ("q1", "'1'", True),
    ("q1", "50m", False),
    ("q2", "2Ki", True),
    ("q2", "2k", False),
    ("q3", "'1'", True),
    ("q3", "'2'", False),
    ("u1", "https://example.com:8443/x", True),
    ("u1", "https://example.com/x", False),
    ("u2", "https://example.com/x", True),
    ("u2", "https://user@example.com:1/x", True),
    ("u3", "https://example.com:8443/x", True),
    ("u3", "https://example.com/x", False),
    ("i1", "'2001:db8::1'", True),
    ("i1", "10.0.0.1", False),
    ("i2", "10.0.0.0/8", True),
    ("i2", "192.168.0.0/16", False),
    ("i3", "10.0.0.0/24", True),
    ("s1", "AbC", True),
    ("s2", "a,b,c", True),
    ("s2", "a,b", False),
    ("s3", "abc", True),
    ("s4", "a-b-c", True),
    ("s5", "abcd", True),
    ("s6", "' x '", True),
    ("s7", "ab12c", True),
    ("s8", "a1b2", True),
    ("s9", "abc", True),
    ("s9", "ab1", False),
    ("s10", "abc", True),
    ("s11", "aba", True),
    ("s12", "abc", True),
    ("l1", "[1, 2, 3]", True),
    ("l1", "[3, 2, 1]", False),
    ("l2", "[a, b]", True),
    ("l3", "[a, b]", True),
    ("l3", "[a, c]", False),
    ("n1", "1", True),
    ("n1", "0.25", False),
    ("n2", "3", True),
    ("n2", "4", False),
]


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
@pytest.mark.parametrize("field,value,valid", ORACLE_CEL)
def test_cel_library_matches_the_api_server(tmp_path, field, value, valid):
    cr = write(
        tmp_path,
        "cr.yaml",
        f"apiVersion: example.com/v1\nkind: Cel\nmetadata: {{name: c}}\nspec:\n  {field}: {value}\n",
    )
    rules = {f.rule for f in check(os.path.join(DATA, "cel-library-crd.yaml"), cr).findings}
    assert rules == (set() if valid else {"cr-validation-rule"})


def test_config_crd_and_schema_dir(tmp_path):
    """`crd:` and `schema-dir:` in .kubelint.yaml, relative to the file, like --crd/--schema-dir."""
    from click.testing import CliRunner

    from kubelint.cli import main

    import shutil

    shutil.copy(os.path.join(DATA, "widget-crd.yaml"), tmp_path / "crd.yaml")
    shutil.copytree(os.path.join(DATA, "catalog-crds-catalog"), tmp_path / "catalog")
    (tmp_path / ".kubelint.yaml").write_text("crd: [crd.yaml]\nschema-dir: catalog\n")
    (tmp_path / "k8s").mkdir()
    shutil.copy(os.path.join(DATA, "widget-bad.yaml"), tmp_path / "k8s" / "w.yaml")
    (tmp_path / "k8s" / "g.yaml").write_text(
        "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {mode: turbo}\n"
    )
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        res = CliRunner().invoke(main, ["check", "k8s", "--format", "json"])
    finally:
        os.chdir(old)
    data = json.loads(res.output)
    rules = {(os.path.basename(f["file"]), f["rule"]) for f in data["findings"]}
    assert ("w.yaml", "unknown-field") in rules and ("g.yaml", "cr-invalid-value") in rules
    assert not any(r == "no-schema" for _, r in rules)
    assert not any(f.startswith("crd") for f, _ in rules)  # the --crd source is not reported


def test_misspelt_kind_of_a_crd_group(tmp_path):
    cr = write(tmp_path, "cr.yaml", CR.format(version="v1").replace("kind: Widget", "kind: Widgte"))
    result = check(os.path.join(DATA, "widget-crd.yaml"), cr)
    assert [(f.rule, f.severity) for f in result.findings] == [("cr-unknown-kind", "warning")]
    assert 'did you mean "Widget"' in result.findings[0].message
    for other in ("Sprocket", "WidgetConfig", "CronWidget"):  # distinct kinds, CRD elsewhere
        cr = write(tmp_path, "cr2.yaml", CR.format(version="v1").replace("kind: Widget", f"kind: {other}"))
        assert [f.rule for f in check(os.path.join(DATA, "widget-crd.yaml"), cr).findings] == ["no-schema"]
    assert suggest.edit_distance("widgte", "widget") == 1


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_cel_typed_formats(tmp_path):
    schema = """\
    type: object
    properties:
      spec:
        type: object
        x-kubernetes-validations:
          - rule: "self.start < timestamp('2030-01-01T00:00:00Z') && self.timeout <= duration('1h')"
            message: too late or too long
        properties:
          start: {type: string, format: date-time}
          timeout: {type: string, format: duration}
    """
    assert run_small(tmp_path, schema, "spec: {start: '2024-05-01T10:00:00Z', timeout: 30m}\n").findings == []
    # verdicts and text confirmed with kube-apiserver 1.37 (same CRD, dry-run)
    r = run_small(tmp_path, schema, "spec: {start: '2024-05-01T10:00:00Z', timeout: 2h}\n")
    assert [f.message.split(" (x-kubernetes")[0] for f in r.findings] == ["spec: Invalid value: too late or too long"]
    r = run_small(tmp_path, schema, "spec: {start: '2031-05-01T10:00:00Z', timeout: 30m}\n")
    assert [f.rule for f in r.findings] == ["cr-validation-rule"]


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_plain_import_of_the_cel_package_after_kubelint_loaded_it():
    import subprocess
    import sys

    code = "import kubelint.cel as k; assert k.available(); import cel; print(cel.compile('1 + 1').execute({}))"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "2", r.stderr[-2000:]


def test_unrendered_placeholder_in_a_number_field_is_info(tmp_path):
    schema = """\
    type: object
    properties:
      spec:
        type: object
        properties:
          replicas: {type: integer}
    """
    r = run_small(tmp_path, schema, "spec:\n  replicas: ${REPLICAS}\n")
    assert [(f.rule, f.severity) for f in r.findings] == [("unrendered-placeholder", "info")]


# --- issue 13, item 1: linear-time regexes (kubelint.goregex) ------------------------------------


def test_redos_pattern_and_duration_format_finish_fast(tmp_path):
    """`^(a+)+$` against 40 characters did not finish in 180 s on Python's
    re, and a 26-character value under `format: duration` took 27 s."""
    import time

    schema = """\
    type: object
    properties:
      spec:
        type: object
        properties:
          p: {type: string, pattern: '^(a+)+$'}
          d: {type: string, format: duration}
    """
    t = time.perf_counter()
    r = run_small(tmp_path, schema, f"spec:\n  p: {'a' * 40}!\n  d: '1{' a' * 5000}!'\n")
    assert time.perf_counter() - t < 5
    msgs = [f.message for f in r.findings if f.severity == "error"]
    assert any("spec.p in body should match '^(a+)+$'" in m for m in msgs), msgs


def test_invalid_crd_pattern_has_gos_message(tmp_path):
    p = tmp_path / "crd.yaml"
    doc = crd_doc(
        **{"spec__versions__2__schema__openAPIV3Schema__properties__spec__properties__color__pattern": "^a\\C$"}
    )
    p.write_text(yaml.safe_dump(doc))
    msgs = [f.message for f in check(str(p)).findings if f.rule == "crd-invalid"]
    assert any(
        "must be a valid regular expression, but isn't: error parsing regexp: invalid escape sequence: `\\C`" in m
        for m in msgs
    ), msgs


# --- issue 13, items 2 and 11: what the API server checks about CEL rules (kubelint.celcheck) -----
# Messages confirmed with kube-apiserver v1.37.2 (`kubectl apply --dry-run=server` of a CRD with
# these rules); the cost message is apiextensions getCostErrorMessage.


def _cel_crd(tmp_path, rules, spec_props=None):
    doc = crd_doc()
    spec = doc["spec"]["versions"][2]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    spec["properties"].update(spec_props or {})
    spec["x-kubernetes-validations"] = rules
    p = tmp_path / "crd.yaml"
    p.write_text(yaml.safe_dump(doc))
    return [f.message for f in check(str(p)).findings if f.rule == "crd-invalid"]


def _rule_value(rule: str, message_expression: str = "") -> str:
    """The rule as the server prints it in ``Invalid value`` (the internal ValidationRule as JSON, v1.37)."""
    rule = rule.replace(">", "\\u003e")  # Go's json.Marshal escapes <, > and &
    return (
        f'{{"Rule":"{rule}","Message":"","MessageExpression":"{message_expression}","Reason":null,'
        '"FieldPath":"","OptionalOldSelf":null}'
    )


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
@pytest.mark.parametrize(
    "rule,fragment",
    [
        (
            {"rule": "self.nofield == 1"},
            "x-kubernetes-validations[0].rule: Invalid value: " + _rule_value("self.nofield == 1") + ": "
            "compilation failed: ERROR: <input>:1:5: undefined field 'nofield'",
        ),
        (
            {"rule": "1 + 'a' == 2"},
            "compilation failed: ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, string)'",
        ),
        (
            {"rule": "self.s"},
            "x-kubernetes-validations[0].rule: Invalid value: "
            + _rule_value("self.s")
            + ": cel expression must evaluate to a bool",
        ),
        (
            {"rule": "self.num > 0", "messageExpression": "self.num"},
            "x-kubernetes-validations[0].messageExpression: Invalid value: "
            + _rule_value("self.num > 0", "self.num")
            + ": messageExpression must "
            "evaluate to a string",
        ),
        (
            {"rule": "self.num > 0", "messageExpression": "self.nope + 'x'"},
            "messageExpression compilation failed: ERROR: <input>:1:5: undefined field 'nope'",
        ),
        ({"rule": "self.s.matches('^(')"}, "compilation failed: ERROR: <input>:1:16: invalid matches argument"),
        ({"rule": "has(self.nope) || true"}, "compilation failed: ERROR: <input>:1:4: undefined field 'nope'"),
        (
            {"rule": "self.l.all(a, a.all(b, b == self.s))"},
            "x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more "
            "than 100x "
            "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and "
            "strings are declared)",
        ),
    ],
)
def test_crd_cel_type_and_cost_errors(tmp_path, rule, fragment):
    props = {
        "s": {"type": "string"},
        "num": {"type": "integer"},
        "l": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
    }
    msgs = _cel_crd(tmp_path, [rule], props)
    assert any(fragment in m for m in msgs), msgs


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_crd_cel_rules_the_server_accepts_are_not_errors(tmp_path):
    props = {
        "s": {"type": "string", "maxLength": 64},
        "num": {"type": "integer"},
        "m": {"type": "object", "maxProperties": 10, "additionalProperties": {"type": "string", "maxLength": 8}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        "l": {
            "type": "array",
            "maxItems": 10,
            "items": {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 5}},
        },
        "u": {"type": "array", "maxItems": 100, "items": {"type": "integer"}},
    }
    rules = [
        {"rule": "self.num > 0", "messageExpression": "'num is ' + self.s"},
        {"rule": "self.m.all(k, self.m[k] != '')"},
        {"rule": "has(self.free) || true"},
        {"rule": "self.l.all(a, a.all(b, b == self.s))"},
        {"rule": "self.u.all(x, x > 0)"},
        {"rule": "self.s.matches('^[a-z]+$') && self.s.size() < 10"},
        {"rule": "self.s == 'x.y.z'"},
    ]
    assert _cel_crd(tmp_path, rules, props) == []


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_crd_cel_costs_as_the_server_estimates_them(tmp_path):
    """Every message kube-apiserver v1.37.2 gives for this CRD (kubectl apply
    --dry-run=server): an unbounded string makes a messageExpression and a
    comparison under two bounded lists too expensive, and the total too."""
    props = {
        "s": {"type": "string"},
        "num": {"type": "integer"},
        "m": {"type": "object", "additionalProperties": {"type": "string"}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        "l": {"type": "array", "maxItems": 10, "items": {"type": "array", "maxItems": 10, "items": {"type": "string"}}},
        "u": {"type": "array", "items": {"type": "integer"}},
    }
    rules = [
        {"rule": "self.num > 0", "messageExpression": "'num is ' + string(self.num)"},
        {"rule": "self.m.all(k, self.m[k] != '')"},
        {"rule": "has(self.free) || true"},
        {"rule": "self.l.all(a, a.all(b, b == self.s))"},
        {"rule": "self.u.all(x, x > 0)"},
        {"rule": "self.s.matches('^[a-z]+$') && self.s.size() < 10"},
        {"rule": "self.s == 'x.y.z'"},
    ]
    hint = (
        " (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and "
        "strings are declared)"
    )
    base = "spec.versions[2].schema.openAPIV3Schema"
    sp = base + ".properties[spec].x-kubernetes-validations"
    contributed = (
        ": Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema"
    )
    assert set(_cel_crd(tmp_path, rules, props)) == {
        f"{sp}[0].messageExpression: Forbidden: estimated messageExpression cost exceeds budget by factor of more "
        "than 100x" + hint,
        f"{sp}[3].rule: Forbidden: estimated rule cost exceeds budget by factor of 3.1x" + hint,
        f"{sp}[0].messageExpression" + contributed,
        f"{sp}[3].rule" + contributed,
        f"{sp}[4].rule" + contributed,
        f"{base}.properties[spec].properties[hosts].items.x-kubernetes-validations[0].rule" + contributed,
        f"{base}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds "
        "budget by factor of more than 100x" + hint,
    }


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_cel_runtime_guard_bounds_a_nested_comprehension(tmp_path):
    """A rule iterating over nested lists did not finish in 180 s: a rule whose
    iterations on the value could pass the server's per-call limit
    (1,000,000) is not evaluated (info), and the run ends in seconds."""
    import time

    schema = """\
    type: object
    properties:
      spec:
        type: object
        properties:
          l: {type: array, maxItems: 5000, items: {type: string, maxLength: 5}}
        x-kubernetes-validations:
        - rule: "self.l.all(a, self.l.all(b, self.l.all(c, a == b || b != c || true)))"
    """
    t = time.perf_counter()
    r = run_small(tmp_path, schema, "spec:\n  l: [" + ", ".join(f"a{i}" for i in range(3000)) + "]\n")
    assert time.perf_counter() - t < 5
    skipped = [f.message for f in r.findings if f.rule == "cr-validation-rule-skipped"]
    assert any("over the API server's per-call cost limit (1,000,000" in m for m in skipped), [
        f.message for f in r.findings
    ]


@pytest.mark.skipif(not cel.available(), reason="common-expression-language not installed")
def test_crd_cel_escaped_property_names_are_not_undefined(tmp_path):
    props = {"foo-bar": {"type": "string"}, "a.b": {"type": "string"}, "if": {"type": "string"}}
    rules = [{"rule": "self.foo__dash__bar != ''"}, {"rule": "self.a__dot__b != ''"}, {"rule": "self.__if__ != ''"}]
    assert _cel_crd(tmp_path, rules, props) == []


def test_rule_value_as_each_release_prints_it():
    """field.Invalid's value for a CRD rule: the internal ValidationRule as JSON from 1.34 (json.Marshal,
    HTML-safe escapes), as Go's %#v before (recorded from kube-apiserver v1.37.2 and v1.33.13)."""
    from kubelint.crd.structural import rule_value

    rule = {"rule": "self.a > 1 && self.b < 2", "reason": "FieldValueForbidden", "optionalOldSelf": True}
    assert rule_value(rule, 37) == (
        '{"Rule":"self.a \\u003e 1 \\u0026\\u0026 self.b \\u003c 2","Message":"","MessageExpression":"",'
        '"Reason":"FieldValueForbidden","FieldPath":"","OptionalOldSelf":true}'
    )
    assert rule_value({"rule": "self.ios"}, 33) == (
        'apiextensions.ValidationRule{Rule:"self.ios", Message:"", MessageExpression:"", '
        'Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}'
    )
