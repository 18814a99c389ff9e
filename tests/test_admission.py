"""The admission stage end to end: --policy, --namespace-labels and the
configuration keys, what is never a false error, custom CEL rules in every
command and format.  (Verdicts and messages against a real API server:
tests/test_admission_conformance.py.)"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from kubelint.runner import run
from kubelint.settings import Settings, build

POLICY = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replica-limit
spec:
  failurePolicy: Fail
  matchConstraints:
    namespaceSelector: {matchLabels: {env: prod}}
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
    - expression: object.spec.replicas <= 5
      messageExpression: "'at most 5 replicas, found ' + string(object.spec.replicas)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replica-limit
spec:
  policyName: replica-limit
  validationActions: [Deny]
"""


def deployment(ns="shop", replicas=10, labels=""):
    return textwrap.dedent(f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {ns}
        {labels}spec:
          replicas: {replicas}
          selector: {{matchLabels: {{app: web}}}}
          template:
            metadata: {{labels: {{app: web}}}}
            spec:
              containers: [{{name: web, image: "nginx:1.27"}}]
        """)


def kubelint(*args, cwd=None, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "kubelint", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        input=stdin,
        timeout=120,
    )


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "replica-limit.yaml").write_text(POLICY)
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "web.yaml").write_text(deployment())
    return tmp_path


def admission(findings, prefix="admission-"):
    return [f for f in findings if f.rule.startswith(prefix)]


def test_policy_flag_is_context_and_namespace_labels_decide(repo):
    # shop is not in the input: the namespaceSelector cannot be decided -> info, never an error
    r = kubelint("check", "-f", "json", "--policy", "policies", "k8s", cwd=repo)
    found = json.loads(r.stdout)["findings"]
    adm = [f for f in found if f["rule"].startswith("admission")]
    assert [f["rule"] for f in adm] == ["admission-policy-not-evaluated"], adm
    assert "namespace 'shop'" in adm[0]["message"] and adm[0]["severity"] == "info"
    assert not any(f["file"].startswith("policies") for f in found)  # --policy files are not reported on
    # with the namespace's labels: the server's denial, at the object
    r = kubelint(
        "check", "-f", "json", "--policy", "policies", "--namespace-labels", "shop=env=prod,team=shop", "k8s", cwd=repo
    )
    denied = [f for f in json.loads(r.stdout)["findings"] if f["rule"] == "admission-policy-denied"]
    assert r.returncode == 1 and len(denied) == 1
    assert denied[0]["message"] == (
        "ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit' denied request: "
        "at most 5 replicas, found 10"
    )
    assert (denied[0]["file"], denied[0]["line"], denied[0]["column"]) == ("k8s/web.yaml", 1, 1)
    r = kubelint("check", "-f", "json", "--policy", "policies", "--namespace-labels", "shop=env=dev", "k8s", cwd=repo)
    assert not [f for f in json.loads(r.stdout)["findings"] if f["rule"].startswith("admission")]
    r = kubelint("check", "--namespace-labels", "shop", "k8s", cwd=repo)
    assert r.returncode == 2 and "NAMESPACE=key=value" in r.stderr


def test_configuration_keys(repo):
    (repo / ".kubelint.yaml").write_text(
        textwrap.dedent("""\
        policy: [policies/]
        namespace-labels:
          shop: {env: prod}
        request-user: {username: ci, groups: [deployers]}
        """)
    )
    r = kubelint("check", "-q", "k8s", cwd=repo)
    assert r.returncode == 1 and "[admission-policy-denied]" in r.stdout, r.stdout + r.stderr
    (repo / ".kubelint.yaml").write_text("namespace-labels:\n  shop: {env: true}\n")
    r = kubelint("check", "k8s", cwd=repo)
    assert r.returncode == 2 and ".kubelint.yaml:2:" in r.stderr and "quote" in r.stderr


def test_namespace_in_the_input_and_its_default_label(tmp_path):
    ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {env: prod}\n---\n"
    f = tmp_path / "all.yaml"
    f.write_text(POLICY + "---\n" + ns + deployment())
    res = run([str(f)], Settings(jobs=1))
    assert [x.rule for x in admission(res.findings)] == ["admission-policy-denied"]
    # kubernetes.io/metadata.name is set on every namespace by the server
    f.write_text(POLICY.replace("{env: prod}", "{kubernetes.io/metadata.name: shop}") + "---\n" + ns + deployment())
    assert [x.rule for x in admission(run([str(f)], Settings(jobs=1)).findings)] == ["admission-policy-denied"]


def test_authorizer_and_unsupported_syntax_are_never_errors(tmp_path):
    f = tmp_path / "p.yaml"
    body = POLICY.replace("    namespaceSelector: {matchLabels: {env: prod}}\n", "")
    for expr in (
        "authorizer.group('apps').resource('deployments').check('create').allowed()",
        "object.spec.?paused.orValue(false) == false",
        "format.dns1123Label().validate(object.metadata.name).hasValue() == false",
    ):
        text = body.replace("object.spec.replicas <= 5", expr)
        f.write_text(text + "---\n" + deployment(ns="default"))
        res = run([str(f)], Settings(jobs=1))
        adm = admission(res.findings)
        assert [x.rule for x in adm] == ["admission-policy-not-evaluated"], (expr, [(x.rule, x.message) for x in adm])
        assert adm[0].severity == "info"


def test_policy_checks_and_missing_policy(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(
        POLICY.replace("object.spec.replicas <= 5", "object.spec.replicas <= params.max").replace(
            "policyName: replica-limit", "policyName: replica-limits"
        )
    )
    res = run([str(f)], Settings(jobs=1))
    got = {(x.rule, x.severity) for x in admission(res.findings)}
    assert got == {("admission-policy-invalid", "error"), ("admission-binding-missing-policy", "warning")}
    inv = [x for x in res.findings if x.rule == "admission-policy-invalid"][0]
    assert "undeclared reference to 'params'" in inv.message and inv.path == "spec.validations[0].expression"


def test_parallel_equals_serial(tmp_path):
    for i in range(6):
        (tmp_path / f"d{i}.yaml").write_text(deployment(ns="default", replicas=3 + i))
    (tmp_path / "p.yaml").write_text(POLICY.replace("    namespaceSelector: {matchLabels: {env: prod}}\n", ""))
    serial = run([str(tmp_path)], Settings(jobs=1))
    parallel = run([str(tmp_path)], Settings(jobs=2))
    key = lambda fs: sorted((f.file, f.line, f.rule, f.message) for f in fs)  # noqa: E731
    assert key(serial.findings) == key(parallel.findings)
    assert len([f for f in serial.findings if f.rule == "admission-policy-denied"]) == 3


CUSTOM = """\
custom-rules:
  - id: team-label
    severity: warning
    summary: Workloads carry a team label
    match: {kinds: [Deployment, apps/StatefulSet], namespaces: ["sh*"]}
    variables:
      - {name: labels, expression: "has(object.metadata.labels) ? object.metadata.labels : {}"}
    expression: "'team' in variables.labels"
    messageExpression: "object.kind + ' ' + object.metadata.name + ' has no team label'"
    fieldPath: metadata
    remediation: Add metadata.labels.team.
    examples:
      - bad: |
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: shop}
          spec:
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec: {containers: [{name: web, image: "nginx:1.27"}]}
        good: |
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: shop, labels: {team: a}}
          spec:
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec: {containers: [{name: web, image: "nginx:1.27"}]}
"""


def test_custom_rules_everywhere(repo):
    (repo / ".kubelint.yaml").write_text(CUSTOM)
    r = kubelint("check", "-q", "k8s", cwd=repo)
    assert "k8s/web.yaml:4:3: warning [team-label] Deployment shop/web: Deployment web has no team label" in r.stdout, (
        r.stdout
    )
    r = kubelint("rules", cwd=repo)
    assert "team-label" in r.stdout and "Workloads carry a team label" in r.stdout
    r = kubelint("explain", "team-label", cwd=repo)
    assert r.returncode == 0 and "Add metadata.labels.team." in r.stdout and "Bad example:" in r.stdout
    r = kubelint("rules", "--test", cwd=repo)
    assert r.returncode == 0 and "2 passed, 0 failed" in r.stdout, r.stdout
    sarif = json.loads(kubelint("check", "-f", "sarif", "k8s", cwd=repo).stdout)
    ids = {rule["id"] for run_ in sarif["runs"] for rule in run_["tool"]["driver"]["rules"]}
    assert "team-label" in ids
    for fmt in ("json", "junit", "github"):
        assert "team-label" in kubelint("check", "-f", fmt, "k8s", cwd=repo).stdout, fmt
    # severity override, inline suppression, disable
    (repo / ".kubelint.yaml").write_text(CUSTOM + "rules:\n  team-label: error\n")
    assert "error [team-label]" in kubelint("check", "-q", "k8s", cwd=repo).stdout
    (repo / "k8s" / "web.yaml").write_text("# kubelint: disable=team-label\n" + deployment())
    assert "team-label" not in kubelint("check", "-q", "k8s", cwd=repo).stdout
    (repo / ".kubelint.yaml").write_text(CUSTOM + "disable: [team-label]\n")
    (repo / "k8s" / "web.yaml").write_text(deployment())
    assert "team-label" not in kubelint("check", "-q", "k8s", cwd=repo).stdout


def test_custom_rule_examples_that_fail(repo):
    (repo / ".kubelint.yaml").write_text(CUSTOM.replace("labels: {team: a}", "labels: {owner: a}"))
    r = kubelint("rules", "--test", cwd=repo)
    assert r.returncode == 1 and "FAIL team-label good example 1" in r.stdout


@pytest.fixture
def forget_custom_rules():
    """Loading a configuration in this process registers its custom rules in
    the catalogue (as the command line does once per process): drop them after."""
    yield
    from kubelint.admission.custom import register

    register([])


def test_custom_rule_that_errors_is_not_a_violation(tmp_path, forget_custom_rules):
    cfg = tmp_path / ".kubelint.yaml"
    cfg.write_text(CUSTOM.replace("\"'team' in variables.labels\"", "object.metadata.labels.team != ''"))
    from kubelint.config import load

    config = load(str(cfg), str(tmp_path))
    f = tmp_path / "d.yaml"
    f.write_text(deployment())
    res = run([str(f)], build(config, jobs=1, color=False, progress=False))
    got = [(x.rule, x.severity) for x in res.findings if x.rule in ("team-label", "admission-policy-not-evaluated")]
    assert got == [("admission-policy-not-evaluated", "info")]


@pytest.mark.parametrize(
    "bad,needle",
    [
        ("custom-rules:\n  - id: Team\n    expression: 'true'\n", "kebab-case"),
        ("custom-rules:\n  - id: x\n    expression: 'object.metadata.name =='\n", "compilation failed"),
        ("custom-rules:\n  - id: x\n    expression: 'objekt.kind == \"a\"'\n", "undeclared reference to 'objekt'"),
        ("custom-rules:\n  - id: image-latest-tag\n    expression: 'true'\n", "built-in rule id"),
        ("custom-rules:\n  - id: x\n    expresion: 'true'\n", 'did you mean "expression"'),
        ("custom-rules:\n  - id: x\n    expression: object.metadata.name\n", "must evaluate to bool but got dyn"),
    ],
)
def test_custom_rule_configuration_errors_exit_2(tmp_path, bad, needle):
    (tmp_path / ".kubelint.yaml").write_text(bad)
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    r = kubelint("check", "a.yaml", cwd=tmp_path)
    assert r.returncode == 2 and ".kubelint.yaml:" in r.stderr and needle in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_nested_comprehensions_beyond_the_budget_do_not_run(tmp_path):
    """A hostile policy (three nested loops over a 400-item list: 64 M
    iterations) is not run: the server would stop it on its cost budget."""
    items = "\n".join(f"  k{i}: v" for i in range(400))
    policy = (
        POLICY.replace("    namespaceSelector: {matchLabels: {env: prod}}\n", "")
        .replace("[deployments]", "[configmaps]")
        .replace("apiGroups: [apps]", 'apiGroups: [""]')
        .replace("object.spec.replicas <= 5", "object.data.all(a, object.data.all(b, object.data.all(c, a != 'x')))")
        .replace("'at most 5 replicas, found ' + string(object.spec.replicas)", "'no'")
    )
    f = tmp_path / "p.yaml"
    f.write_text(policy + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n" + items + "\n")
    import time

    t = time.perf_counter()
    res = run([str(f)], Settings(jobs=1))
    assert time.perf_counter() - t < 20
    adm = admission(res.findings)
    assert [x.rule for x in adm] == ["admission-policy-not-evaluated"] and "400^3" in adm[0].message, adm


def test_missing_policy_path_is_a_usage_error(repo):
    r = kubelint("check", "--policy", "nope/", "k8s", cwd=repo)
    assert r.returncode == 2 and "--policy nope/: no such file or directory" in r.stderr


def test_creation_limits_with_the_servers_text(tmp_path):
    """ValidateValidatingAdmissionPolicy's limits (texts from a v1.37.2 dry-run create):
    21 auditAnnotations, 65 matchConditions, an unparsable paramKind; a refused
    policy is never evaluated."""
    body = POLICY.replace("    namespaceSelector: {matchLabels: {env: prod}}\n", "")
    many = "  auditAnnotations:\n" + "".join(f"    - {{key: k{i}, valueExpression: \"'x'\"}}\n" for i in range(21))
    conds = "  matchConditions:\n" + "".join(f"    - {{name: m{i}, expression: 'true'}}\n" for i in range(65))
    pk = "  paramKind: {apiVersion: a/b/c, kind: ''}\n"
    f = tmp_path / "p.yaml"
    for extra, want in (
        (many, ['spec.auditAnnotations: Invalid value: [{"Key":"k0","ValueExpression":"\'x\'"},']),
        (conds, ["spec.matchConditions: Too many: 65: must have at most 64 items"]),
        (
            pk,
            [
                'spec.paramKind.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
                "spec.paramKind.kind: Required value",
            ],
        ),
    ):
        f.write_text(body.replace("  validations:\n", extra + "  validations:\n") + "---\n" + deployment(ns="default"))
        res = run([str(f)], Settings(jobs=1))
        got = sorted(x.message for x in res.findings if x.rule == "admission-policy-invalid")
        assert len(got) == len(want) and all(g.startswith(w) for g, w in zip(sorted(got), sorted(want))), got
        assert not admission(res.findings, "admission-policy-denied")  # refused: not evaluated


def test_refused_policy_files_are_reported_and_not_evaluated(repo):
    """A --policy (or policy:) file's policy that the server would refuse: an
    error at its line with the server's text, and no verdict from it."""
    broken = POLICY.replace(
        "  matchConstraints:\n    namespaceSelector: {matchLabels: {env: prod}}\n    resourceRules:\n"
        "      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}\n",
        "",
    ).replace("validationActions: [Deny]", "validationActions: [Deny, Warn]")
    (repo / "policies" / "replica-limit.yaml").write_text(broken)
    for args, config in ((["--policy", "policies"], None), ([], "policy: [policies/]\n")):
        if config:
            (repo / ".kubelint.yaml").write_text(config)
        r = kubelint("check", "-f", "json", *args, "k8s", cwd=repo)
        found = [f for f in json.loads(r.stdout)["findings"] if f["rule"].startswith("admission")]
        rel = [os.path.relpath(os.path.join(repo, f["file"]), repo) for f in found]  # policy: paths are absolute
        got = sorted(
            (p, f["line"], f["rule"], f["message"].split(" (a --policy/--context file")[0]) for p, f in zip(rel, found)
        )
        assert got == [
            ("policies/replica-limit.yaml", 6, "admission-policy-invalid", "spec.matchConstraints: Required value"),
            (
                "policies/replica-limit.yaml",
                17,
                "admission-binding-invalid",
                'spec.validationActions: Invalid value: ["Deny","Warn"]: must not contain both Deny and Warn '
                "(repeating the same validation failure information in the API response and headers serves no "
                "purpose)",
            ),
        ], got
        assert all("kubelint does not evaluate it" in f["message"] and f["severity"] == "error" for f in found)
        assert r.returncode == 1


EVENTS_POLICY = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: events-note}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [events.k8s.io], apiVersions: [v1], operations: [CREATE], resources: [events]}
  validations:
    - {expression: "has(object.note)", message: "events need a note"}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: events-note}
spec: {policyName: events-note, validationActions: [Deny]}
---
"""
CORE_EVENT = """\
apiVersion: v1
kind: Event
metadata: {name: e1, namespace: default}
involvedObject: {kind: Pod, name: web, namespace: default}
reason: Started
"""


def test_equivalent_resources_events_convert_and_webhooks_are_info(tmp_path):
    """matchPolicy Equivalent: a core v1 Event is converted to events.k8s.io/v1
    (message -> note) for a policy on the latter; through a conversion kubelint
    cannot run (a CRD's conversion webhook): one info naming why, never a verdict."""
    f = tmp_path / "e.yaml"
    f.write_text(EVENTS_POLICY + CORE_EVENT)
    adm = admission(run([str(f)], Settings(jobs=1)).findings)
    assert [(x.rule, x.message) for x in adm] == [
        (
            "admission-policy-denied",
            "ValidatingAdmissionPolicy 'events-note' with binding 'events-note' denied request: events need a note",
        )
    ], adm
    f.write_text(EVENTS_POLICY + CORE_EVENT + "message: Started container web\n")
    assert not admission(run([str(f)], Settings(jobs=1)).findings)
    # matchPolicy Exact: the rule does not match a core Event at all
    f.write_text(EVENTS_POLICY.replace("    resourceRules:", "    matchPolicy: Exact\n    resourceRules:") + CORE_EVENT)
    assert not admission(run([str(f)], Settings(jobs=1)).findings)
    crd = (ROOT / "tests/conformance/admission/equivalent-crd-v1-object-v2-policy.yaml").read_text()
    webhook = crd.replace(
        "  scope: Namespaced\n",
        "  scope: Namespaced\n  conversion:\n    strategy: Webhook\n    webhook:\n"
        "      conversionReviewVersions: [v1]\n      clientConfig: {url: 'https://convert.example.com/'}\n",
        1,
    )
    f.write_text(webhook)
    adm = admission(run([str(f)], Settings(jobs=1)).findings)
    assert [(x.rule, x.severity) for x in adm] == [("admission-policy-not-evaluated", "info")], adm
    assert "Webhook conversion" in adm[0].message


@pytest.mark.parametrize(
    "given,printed",
    [
        ("100Mi", "100Mi"),
        ("1k", "1k"),
        ("0.5", "500m"),
        ("1500m", "1500m"),
        ("1000m", "1"),
        ("1024Mi", "1Gi"),
        ("1536Mi", "1536Mi"),
        ("1000", "1k"),
        ("1500", "1500"),
        ("0", "0"),
        (3, "3"),
        ("1e3", None),
    ],
)
def test_quantities_as_the_server_prints_them(given, printed):
    from kubelint.admission.conversion import canonical_quantity

    assert canonical_quantity(given) == printed


def test_v1_hpa_with_round_trip_annotations_is_not_converted(tmp_path):
    """The server decodes autoscaling.alpha.kubernetes.io/metrics of a v1 HPA
    into v2 metrics; kubelint does not: a v2 policy on it is an info."""
    case = (ROOT / "tests/conformance/admission/equivalent-hpa-v1-default-cpu-v2-policy.yaml").read_text()
    annotated = case.replace(
        "  name: web\n  namespace: default\n",
        "  name: web\n  namespace: default\n  annotations:\n"
        '    autoscaling.alpha.kubernetes.io/metrics: \'[{"type":"Pods","pods":{"metricName":"rps",'
        '"targetAverageValue":"1k"}}]\'\n',
    )
    assert annotated != case
    f = tmp_path / "hpa.yaml"
    f.write_text(annotated)
    adm = admission(run([str(f)], Settings(jobs=1)).findings)
    assert [(x.rule, x.severity) for x in adm] == [("admission-policy-not-evaluated", "info")], adm
    assert "round-trip annotation autoscaling.alpha.kubernetes.io/metrics" in adm[0].message


def test_spaces_around_a_selection_dot_compile_as_on_the_server(tmp_path):
    """cel-go's grammar skips whitespace between tokens: `object . spec . replicas` is a selection. The
    checker's verdict (kubelint.celtypes) prevails over the text heuristics used where it abstains, which
    read `spec` as an undeclared reference (a false admission-policy-invalid before)."""
    from kubelint.admission import celenv

    c = celenv.compile_expression("object . spec . replicas >= 1", False)
    assert c.error is None
