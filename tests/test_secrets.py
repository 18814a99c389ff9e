"""Secrets never leave kubelint (issue 8, kubelint/mask.py).

Known secret strings go in -- Secret data (base64 and decoded) and
stringData, credential-named env values, a value a credential rule flags,
a Secret kubelint cannot even parse -- with findings pointing right at
them, so excerpts and messages would show them.  They must appear in no
output: every --format on stdout and in --output, --debug tracebacks,
--write-baseline files.  Formats not built on this branch are skipped with
a reason (the lead runs the file again after merging the reporters).
"""

import base64
import json
import io

import pytest
from click.testing import CliRunner

from kubelint import mask, report
from kubelint.cli import main
from kubelint.runner import run
from kubelint.settings import Settings

DATA_PLAIN = "Decoded-Data-Passw0rd!"
DATA_B64 = base64.b64encode(DATA_PLAIN.encode()).decode()
BAD_B64 = "Not-Base64-Data-S3cret!"  # invalid base64: the API server rejects it, a finding points at it
STRING_DATA = "StringData-T0ken-9f8e7d"
STRING_NUM = 73519  # a number under stringData: the finding shows it
CERT_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"
ENV_VALUE = "Env-Db-Passw0rd-4242"
SHORT = "pw1"  # too short to mask everywhere: masked where it sits
LAST_APPLIED = "Applied-Config-C0py-Secret"
BROKEN = "Br0ken-File-Secret-77"
BROKEN_OTHER = "Unparsed-Secret-Key-88"
FLAGGED = "Flagged-By-Rule-Value-5"

SECRETS = [
    DATA_PLAIN,
    DATA_B64,
    BAD_B64,
    STRING_DATA,
    str(STRING_NUM),
    CERT_LINE,
    ENV_VALUE,
    LAST_APPLIED,
    BROKEN,
    BROKEN_OTHER,
    FLAGGED,
]

MANIFESTS = {
    "secret.yaml": f"""apiVersion: v1
kind: Secret
metadata:
  name: creds
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{{"stringData":{{"x":"{LAST_APPLIED}"}}}}'
data:
  password: {DATA_B64}
  broken: "{BAD_B64}"
stringData:
  token: {STRING_DATA}
  number: {STRING_NUM}
  short: {SHORT}
  tls.key: |
    -----BEGIN PRIVATE KEY-----
    {CERT_LINE}
    -----END PRIVATE KEY-----
""",
    "pod.yaml": f"""apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: nginx:1.27
    env:
    - name: DB_PASSWORD
      value: {ENV_VALUE}
      valueFrom:
        secretKeyRef: {{name: creds, key: password}}
    - name: SHORT_TOKEN
      value: {SHORT}
""",
    "broken.yaml": f"""apiVersion: v1
kind: Secret
metadata: {{name: broken}}
stringData:
  password: {BROKEN}: extra
  config: {BROKEN_OTHER}
""",
    "flagged.yaml": f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: flagged
data:
  api: {FLAGGED}
  count: 12
""",
}


@pytest.fixture
def tree(tmp_path):
    d = tmp_path / "k8s"
    d.mkdir()
    for name, text in MANIFESTS.items():
        (d / name).write_text(text)
    return d


@pytest.fixture
def flag_configmap_values(monkeypatch):
    """Stand-in for a credential rule: ConfigMap data values become
    credentials (the rules helper's rule ids go into CREDENTIAL_RULES or
    carry the catalogue category `credentials`)."""
    from kubelint import runner

    class Flagger:
        name = "test-credential-rule"

        def check_object(self, obj, ctx):
            from kubelint.findings import Problem

            if obj.kind == "ConfigMap":
                yield Problem(
                    ("data", "api"),
                    "hard-coded credential in a ConfigMap: move it to a Secret",
                    "test-credential",
                    "warning",
                )

    real = runner.build_context

    def build(options):
        ctx = real(options)
        ctx.stages.append(Flagger())
        return ctx

    monkeypatch.setattr(runner, "build_context", build)
    monkeypatch.setattr(mask, "CREDENTIAL_RULES", mask.CREDENTIAL_RULES | {"test-credential"})
    mask._RULE_CACHE.clear()
    yield
    mask._RULE_CACHE.clear()


def _invoke(args):
    result = CliRunner().invoke(main, ["check", "--no-progress", *args])
    out = result.output + (getattr(result, "stderr", "") if _stderr_separate(result) else "")
    assert result.exit_code in (0, 1, 2), (result.exit_code, out, result.exception)
    return result, out


def _stderr_separate(result):
    try:
        return bool(result.stderr_bytes is not None and result.stderr)
    except (ValueError, AttributeError):
        return False


def assert_clean(text, where):
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"{where} shows {leaked}"
    for line in text.splitlines():  # the short secret: never as an excerpt's value
        assert not line.rstrip().endswith(f": {SHORT}"), f"{where}: {line}"


def test_the_input_really_shows_the_secrets_without_masking(tree, flag_configmap_values, monkeypatch):
    """The test is meaningful: findings point at the secret lines, so an
    unmasked report would leak them."""
    monkeypatch.setattr(mask.Masker, "findings", lambda self, findings: findings)
    monkeypatch.setattr(mask.Masker, "line", lambda self, path, lineno, text, lines=None: text)
    monkeypatch.setattr(mask.Masker, "text", lambda self, text: text)
    _, out = _invoke([str(tree)])
    for s in (BAD_B64, str(STRING_NUM), BROKEN, FLAGGED):
        assert s in out, s


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_no_secret_in_any_format(tree, tmp_path, flag_configmap_values, fmt):
    result, out = _invoke(["--format", fmt, str(tree)])
    assert "findings" in out or "error" in out or "warning" in out or "<" in out, out[:500]
    assert_clean(out, f"--format {fmt}")
    target = tmp_path / f"report.{fmt}"
    result, out = _invoke(["--format", fmt, "--output", str(target), str(tree)])
    assert_clean(out, f"terminal beside --output ({fmt})")
    assert_clean(target.read_text(encoding="utf-8"), f"--output file ({fmt})")


def test_no_secret_from_stdin(flag_configmap_values):
    text = MANIFESTS["secret.yaml"] + "---\n" + MANIFESTS["pod.yaml"]
    result = CliRunner().invoke(main, ["check", "--no-progress", "-"], input=text)
    assert result.exit_code in (1, 2) and "[" in result.output
    assert_clean(result.output, "stdin text report")


def test_no_secret_in_debug_tracebacks(tree, monkeypatch):
    """--debug prints a traceback of an internal error; its message quotes
    a secret value (as a naive check could)."""
    from kubelint import runner

    class Crasher:
        name = "crasher"

        def check_object(self, obj, ctx):
            if obj.kind == "Pod":
                value = obj.data["spec"]["containers"][0]["env"][0]["value"]
                raise ValueError(f"cannot parse {value!r} in {ENV_VALUE}")
            return ()

    real = runner.build_context

    def build(options):
        ctx = real(options)
        ctx.stages.insert(0, Crasher())
        return ctx

    monkeypatch.setattr(runner, "build_context", build)
    result, out = _invoke(["--debug", str(tree)])
    assert result.exit_code == 2
    assert "Traceback" in out and "ValueError" in out, out[-2000:]
    assert_clean(out, "--debug traceback")
    result, out = _invoke([str(tree)])  # without --debug: an internal-error finding
    assert "internal-error" in out
    assert_clean(out, "internal-error finding")


def test_no_secret_in_baselines(tree, tmp_path, flag_configmap_values):
    target = tmp_path / "baseline.json"
    result, out = _invoke(["--write-baseline", str(target), str(tree)])
    assert target.exists()
    assert_clean(target.read_text(encoding="utf-8"), "baseline file")


def test_every_output_string_of_the_api_is_masked(tree, flag_configmap_values):
    """In-process: finding messages themselves carry no secret, whatever a
    future reporter does with them."""
    result = run([str(tree)], Settings())
    for f in result.findings:
        assert_clean(f.message, f"message of {f.rule}")
        assert_clean(f.hint, f"hint of {f.rule}")
    assert result.masker is not None and result.masker.values  # the run's masker knows its secrets


def test_the_hint_is_masked_like_the_message(tree, monkeypatch):
    """kubelint's hint beside the server's message never carries a secret
    value either, whatever a check puts there (here: the value itself, in
    quotes and bare), in every format."""
    from kubelint import runner
    from kubelint.findings import Problem

    class Hinter:
        name = "test-hinter"

        def check_object(self, obj, ctx):
            if obj.kind == "Secret" and obj.name == "creds":
                yield Problem(
                    ("stringData", "token"),
                    'stringData[token]: Invalid value: "x": a test message',
                    "test-credential",
                    "error",
                    hint=f'did you mean "{STRING_DATA}"? or {STRING_DATA} or {DATA_PLAIN}',
                )

    real = runner.build_context

    def build(*a, **k):
        ctx = real(*a, **k)
        ctx.stages.append(Hinter())
        return ctx

    monkeypatch.setattr(runner, "build_context", build)
    result = run([str(tree)], Settings())
    (f,) = [f for f in result.findings if f.rule == "test-credential"]
    assert f.hint and "****" in f.hint
    assert_clean(f.hint, "hint")
    for fmt in ("text", "json", "sarif", "junit", "github"):
        assert_clean(report.get(fmt).render(result, report.RenderOptions()), fmt)


def test_excerpt_lines_are_masked_but_keep_their_keys(tree):
    result = run([str(tree)], Settings())
    out = report.get("text").render(result, report.RenderOptions())
    assert "  broken: ****" in out
    assert "  password: ****" in out  # the unparseable Secret: credential-named key


# --- the Masker itself --------------------------------------------------------------------


def test_masker_spellings_json_xml_github():
    m = mask.Masker()
    secret = 'Quote"And<Angle>&Amp%Pct\nNewline-42'
    m.add("f.yaml", [mask.Secret(secret, 3, 5, 3)])
    import html
    import json

    for spelling in (
        secret,
        json.dumps(secret)[1:-1],
        html.escape(secret),
        secret.replace("%", "%25").replace("\n", "%0A"),
    ):
        assert "****" in m.text(f"before {spelling} after") and spelling not in m.text(spelling)


def test_masker_short_and_common_values_only_at_their_position():
    m = mask.Masker()
    m.add("f.yaml", [mask.Secret("postgres", 4, 13, 3)])
    assert m.text("no schema for postgresql.cnpg.io/v1") == "no schema for postgresql.cnpg.io/v1"
    assert m.line("f.yaml", 4, "  password: postgres") == "  password: ****"
    assert m.line("other.yaml", 4, "  user: postgres") == "  user: postgres"


def test_block_scalar_lines_are_masked():
    m = mask.Masker()
    value = "line one of the key\nline two of the key\n"
    m.add("f.yaml", [mask.Secret(value, 5, 12, 3)])
    assert m.line("f.yaml", 5, "  tls.key: |") == "  tls.key: ****"
    assert m.line("f.yaml", 6, "    line one of the key") == "    ****"
    assert m.line("f.yaml", 8, "  next: visible") == "  next: visible"


def test_messages_are_one_line():
    assert mask.one_line("a\nb\x1b[31m") == "a\\nb\\x1b[31m"
    long = mask.one_line("x" * 100_000)
    assert len(long) < 200 and "more characters" in long


# --- the real credential rules (rules/credentials.yaml, category: credentials) ---------------

CREDENTIAL_MANIFEST = """apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  db_url: postgres://admin:Xy7-Very-Secret-Pw@db:5432/app
  settings.ini: |
    user = app
    password = Emb3dded-Secret-Pw9
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers:
      - name: c
        image: nginx:1.27
        env:
        - name: API_TOKEN
          value: Tok3n-Literal-Value-42
        - name: GITHUB
          value: ghp_abcdefghijklmnopqrstuvwxyz0123456789AB
"""
RULE_SECRETS = [
    "Xy7-Very-Secret-Pw",
    "Emb3dded-Secret-Pw9",
    "Tok3n-Literal-Value-42",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB",
]


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_values_flagged_by_credential_rules_are_masked(tmp_path, fmt):
    from kubelint.engine import catalogue

    if not {"configmap-credentials", "secret-in-env-literal"} <= set(catalogue()):
        pytest.skip("the credential rules are not on this branch")
    (tmp_path / "app.yaml").write_text(CREDENTIAL_MANIFEST)
    result, out = _invoke(["--format", fmt, str(tmp_path / "app.yaml")])
    assert "configmap-credentials" in out and "secret-in-env-literal" in out
    leaked = [s for s in RULE_SECRETS if s in out]
    assert not leaked, leaked
    if fmt == "text":  # masked, not garbled: names and keys around the values stay readable
        assert 'sets "password" on its line 2' in out and 'container "c" sets GITHUB' in out
        assert "  db_url: ****" in out


# --- property: any distinctive secret, any format -------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SECRET_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=12, max_size=40
).filter(lambda s: s.strip() == s and len(set(s)) >= 4 and mask.distinctive(s))


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(secret=_SECRET_TEXT, where=st.sampled_from(["data", "stringData", "env", "broken-data"]))
def test_any_secret_is_masked_in_every_format(secret, where):
    result = _run_doc(_secret_doc(secret, where))
    spellings = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    if where == "data":
        spellings.add(base64.b64encode(secret.encode()).decode())
    for fmt_name in report.FORMATS:
        fmt = report.get(fmt_name)
        out = fmt.render(result, report.RenderOptions())  # no safety net: masked before the reporter
        # A "secret" that is a piece of the format's own text (hypothesis once
        # drew 'partialFinge', a prefix of SARIF's partialFingerprints) is
        # there whatever the input: only what the input brings in counts.
        own = _format_text(fmt_name, where)
        for s in spellings:
            assert s not in out or s in own, (fmt_name, where, s)


_OWN_TEXT = {}


def _run_doc(doc):
    import yaml

    text = yaml.safe_dump(doc, width=10**6, allow_unicode=True)
    return run(["-"], Settings(), stdin=io.BytesIO(text.encode("utf-8")))


def _secret_doc(secret, where):
    """A manifest holding ``secret`` where a masker must find it."""
    if where == "env":
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p"},
            "spec": {
                "containers": [
                    {
                        "name": "c",
                        "image": "x",
                        "env": [{"name": "APP_PASSWORD", "value": secret, "valueFrom": {"fieldRef": {}}}],
                    }
                ]
            },
        }
    if where == "data":
        return {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "s"},
            "data": {"k": base64.b64encode(secret.encode()).decode(), "n": 5},
        }
    if where == "broken-data":  # not base64: the finding points at the secret itself
        return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": secret + "!"}}
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"k": secret, "n": 5}}


def _format_text(fmt_name, where):
    """The report of the same document with an unrelated secret."""
    key = (fmt_name, where)
    if key not in _OWN_TEXT:
        result = _run_doc(_secret_doc("Zq9-unrelated-Secret-Xw7", where))
        _OWN_TEXT[key] = report.get(fmt_name).render(result, report.RenderOptions())
    return _OWN_TEXT[key]


def test_a_hundred_thousand_secrets_stay_fast_and_masked():
    import random
    import string
    import time

    rnd = random.Random(7)
    values = ["".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(32)) for _ in range(100_000)]
    m = mask.Masker()
    m.add("f.yaml", [mask.Secret(v, 0) for v in values])
    start = time.monotonic()
    assert m.text(f'bad value "{values[123]}" here') == 'bad value "****" here'
    assert time.monotonic() - start < 20  # a hang ceiling, not a measurement


# --- issue 13, item 6: the leaks a hostile review found (each a test) -----------------------------

LEAKY = {
    "scalar-stringData": (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s1}\nstringData: Sup3rS3cretScalarValue\n",
        "Sup3rS3cretScalarValue",
    ),
    "misspelt-env-value": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n"
        "  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers:\n      - name: app\n"
        "        image: nginx:1.25\n        env:\n        - name: DB_PASSWORD\n          valeu: MisspeltEnvSecretQ2\n",
        "MisspeltEnvSecretQ2",
    ),
    "flow-stringData": (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s2}\nstringData: {password: FlowP4ssw0rdValue9, x: [1]}\n",
        "FlowP4ssw0rdValue9",
    ),
    "flow-metadata": (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s3, password: MetaFlowSecretZ8}\ntype: Opaque\n",
        "MetaFlowSecretZ8",
    ),
    "immutable": (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s5}\ntype: Opaque\nimmutable: ImmutableSecretW3\n",
        "ImmutableSecretW3",
    ),
    "enum-type": (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s6}\ntype: EnumTypeSecret Value7\n",
        "EnumTypeSecret Value7",
    ),
    "key-in-path": (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s7}\nstringData:\n  k: KeyPathSecretR5x\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  KeyPathSecretR5x: {a: b}\n",
        "KeyPathSecretR5x",
    ),
}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "baseline"])
@pytest.mark.parametrize("case", sorted(LEAKY))
def test_hostile_review_leaks(tmp_path, case, fmt):
    text, secret = LEAKY[case]
    p = tmp_path / "leak.yaml"
    p.write_text(text)
    if fmt == "baseline":
        result, out = _invoke(["--write-baseline", str(tmp_path / "b.json"), str(p)])
        out += (tmp_path / "b.json").read_text()
    else:
        result, out = _invoke(["--format", fmt, str(p)])
    assert secret not in out, out
    expected = {
        "scalar-stringData": "invalid-type",
        "misspelt-env-value": "unknown-field",
        "flow-metadata": "unknown-field",
        "immutable": "invalid-type",
        "key-in-path": "invalid-type",
        "flow-stringData": "invalid-type",
    }.get(case)
    if expected:  # the finding is still reported, only the value is masked
        assert expected in out, out


def test_a_short_secret_masks_values_not_letters_of_words(tmp_path):
    """A Secret holding `v` masked the v of every word ('In****alid ****alue');
    an access key equal to a word masked it everywhere."""
    p = tmp_path / "s.yaml"
    p.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata:\n  k: v\n")
    result, out = _invoke([str(p)])
    assert "must be base64-encoded" in out and "In****alid" not in out and "****alue" not in out, out
    assert "  k: ****" in out  # the value itself, in the excerpt
