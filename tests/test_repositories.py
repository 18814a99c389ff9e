"""Repositories as they are (issue 12): discovery, Helm charts, kustomize
roots, missing tools, with the real helm and kustomize.

Test data: tests/data/repos/mixed (written for these tests: an application
chart with a library dependency and a subchart in charts/, a Helm test
hook, a library chart, a chart that fails to render, a chart with missing
dependencies, a kustomize base with a patched overlay and a broken
overlay, and the usual non-manifest YAML) and four real repositories'
charts and overlays vendored with their licences (see each SOURCES.md).

helm and kustomize must be installed (.ci/run installs pinned versions):
these tests fail, never skip, without them.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

DATA = ROOT / "tests" / "data" / "repos"
MIXED = DATA / "mixed"
REAL = ("podinfo", "metrics-server", "postgres-operator", "aks-store-demo")


def _tool_dirs():
    dirs = [
        os.environ.get("KUBELINT_TOOLS_DIR"),
        str(pathlib.Path.home() / "go" / "bin"),
        str(pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache")) / "kubelint-tools" / "bin"),
    ]
    return [d for d in dirs if d]


@pytest.fixture(scope="session")
def tools_path():
    """A PATH with helm and kustomize on it (fails, never skips, without them)."""
    path = os.environ.get("PATH", "")
    for d in _tool_dirs():
        path = path + os.pathsep + d
    missing = [t for t in ("helm", "kustomize") if shutil.which(t, path=path) is None]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not installed: run .ci/run (it installs pinned versions) or "
            "`go install helm.sh/helm/v4/cmd/helm@v4.3.2 sigs.k8s.io/kustomize/kustomize/v5@v5.7.1`"
        )
    return path


def kubelint(*args, cwd, path, env=None):
    e = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    e.update({"PATH": path, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"})
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--no-progress", *args],
        cwd=cwd,
        env=e,
        capture_output=True,
        text=True,
        timeout=600,
    )


def check_json(cwd, path, *args):
    r = kubelint("-f", "json", *args, cwd=cwd, path=path)
    assert r.returncode in (0, 1), r.stdout + r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def mixed(tools_path):
    return check_json(MIXED, tools_path, ".")


def _by(doc, rule=None, file=None):
    return [f for f in doc["findings"] if (rule is None or f["rule"] == rule) and (file is None or f["file"] == file)]


def _norm(path):
    return os.path.normpath(path)


# --- discovery ------------------------------------------------------------------------------------


def test_plan_sorts_the_repository():
    from kubelint.discover import plan

    cwd = os.getcwd()
    os.chdir(MIXED)
    try:
        p = plan(["."])
    finally:
        os.chdir(cwd)
    assert [_norm(f) for f, _ in p.files] == ["manifests/configmap.yaml"]
    assert sorted(_norm(s.root) for s in p.charts) == [
        "charts/app",
        "charts/broken",
        "charts/library-only",
        "charts/needs-deps",
    ]
    assert sorted(_norm(s.root) for s in p.kustomizations) == ["k8s/overlays/broken", "k8s/overlays/prod"]
    skipped = {_norm(s.path): s.reason for s in p.skipped}
    assert skipped == {
        "azure-pipelines.yml": "Azure Pipelines configuration",
        "docker-compose.yml": "Docker Compose file",
        "mkdocs.yml": "MkDocs configuration",
        "package.json": "npm package manifest",
        "renovate.json": "Renovate configuration",
        "values-staging.yaml": "Helm values",
        "docs/openapi.yaml": "OpenAPI specification",
    }


@pytest.mark.parametrize(
    "name,text,reason",
    [
        ("a.yaml", "apiVersion: v1\nkind: ConfigMap\n", None),
        ("a.yaml", "foo: 1\n---\nkind: Pod\n", None),
        ("a.yaml", "foo: 1\nbar: [1]\n", "not a Kubernetes manifest (no document has apiVersion or kind)"),
        ("a.json", '{"openapi": "3.0.0", "paths": {"/x": {"kind": 1}}}', "OpenAPI specification"),
        ("a.json", '{"apiVersion": "v1", "kind": "Service"}', None),
        ("cluster.yaml", "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\n", "kind cluster configuration"),
        ("kubeconfig.yaml", "apiVersion: v1\nkind: Config\nclusters: []\n", "kubeconfig"),
        (
            "datasources.yaml",
            "apiVersion: 1\ndatasources: []\n",
            "not a Kubernetes manifest (no document has apiVersion or kind)",
        ),
        ("values-prod.yaml", "kind: Deployment\nreplicas: 2\n", "Helm values"),
        ("values-prod.yaml", "apiVersion: v1\nkind: ConfigMap\n", None),  # a manifest after all
        ("Chart.yaml", "apiVersion: v2\nname: x\n", "Helm chart metadata"),
        ("broken.yaml", "apiVersion: v1\nkind: ConfigMap\ndata: [\n", None),  # a manifest that does not parse: reported
        ("flow.yaml", '---\n{\n  apiVersion: "v1",\n  kind: "Pod"\n}\n', None),  # flow style: parsed to be sure
        ("indented.yaml", "  apiVersion: v1\n  kind: Pod\n", None),
        ("azure.yaml", "apiVersion: v1\nkind: Pod\n", None),
        ("azure.yaml", "name: app\nservices: {}\n", "Azure Developer CLI project"),
    ],
)
def test_classify(name, text, reason):
    from kubelint.discover import classify

    assert classify(name, text) == reason


def test_walk_in_a_ci_directory_is_tool_configuration():
    from kubelint.discover import classify

    assert classify(".github/workflows/release.yml", "on: push\njobs: {}\n") == "GitHub configuration"


# --- the whole repository: `kubelint check .` -----------------------------------------------------


def test_no_error_on_files_that_are_not_manifests(mixed):
    skipped = {_norm(s["file"]) for s in mixed["summary"]["skipped"]}
    errors = {(f["rule"], _norm(f["file"])) for f in mixed["findings"] if f["severity"] == "error"}
    # Exactly the render failures the fixture holds, nothing on non-manifest files.
    assert errors == {
        ("helm-render-failed", "charts/broken/templates/configmap.yaml"),
        ("helm-render-failed", "charts/needs-deps/Chart.yaml"),
        ("kustomize-build-failed", "k8s/overlays/broken/kustomization.yaml"),
    }
    reported = {_norm(f["file"]) for f in mixed["findings"]}
    assert not reported & skipped
    for f in mixed["findings"]:  # nothing in a chart or kustomization was parsed as plain YAML
        assert f["rule"] not in ("helm-template", "missing-type", "yaml-syntax"), f


def test_chart_findings_are_at_template_lines_with_the_helm_namespace(mixed):
    single = _by(mixed, "single-replica", "./charts/app/templates/deployment.yaml")
    assert len(single) == 1
    f = single[0]
    # `replicas: {{ .Values.replicaCount }}` is line 8; the value starts at column 13.
    assert (f["line"], f["column"]) == (8, 13)
    assert f["object"] == {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "store", "name": "web-app"}
    assert f["render"]["tool"] == "helm" and _norm(f["render"]["root"]) == "charts/app"
    assert f["render"]["namespace"] == "store" and f["render"]["exact"] is True
    # The subchart in charts/ is rendered with its parent and reported at its own template.
    cache = _by(mixed, "stateful-without-persistent-storage")
    assert [_norm(x["file"]) for x in cache] == ["charts/app/charts/cache/templates/statefulset.yaml"]
    assert cache[0]["object"]["namespace"] == "store"


def test_helm_test_hooks_are_not_workloads(mixed):
    hook = [f for f in mixed["findings"] if f["object"] and f["object"]["name"] == "web-app-test-connection"]
    assert hook, "the test Pod is checked"
    rules = {f["rule"] for f in hook}
    assert not rules & {"bare-pod", "no-liveness-probe", "no-readiness-probe", "single-replica"}
    assert "no-resource-limits" in rules  # still a Pod that runs: resource and security rules apply


def test_library_chart_and_render_failures_carry_helms_message(mixed):
    lib = _by(mixed, "helm-library-chart")
    assert [(_norm(f["file"]), f["severity"]) for f in lib] == [("charts/library-only/Chart.yaml", "info")]
    assert "library charts are not installable" in lib[0]["message"]
    broken = _by(mixed, "helm-render-failed", "./charts/broken/templates/configmap.yaml")[0]
    assert (broken["line"], broken["column"]) == (6, 19)
    assert "nil pointer evaluating interface {}.level" in broken["message"]
    deps = _by(mixed, "helm-render-failed", "./charts/needs-deps/Chart.yaml")[0]
    assert "missing in charts/ directory: postgresql" in deps["message"] and "helm dependency build" in deps["message"]
    k = _by(mixed, "kustomize-build-failed")[0]
    assert "missing.yaml" in k["message"] and "kubelint wrapper" not in k["message"]


def test_kustomize_findings_point_at_the_source_and_the_patch(mixed):
    replica = [f for f in _by(mixed, "single-replica") if f["object"]["name"] == "prod-web"]
    assert len(replica) == 1
    f = replica[0]
    # The overlay's patch set replicas: 1 -> the finding is at the patch, not the base (replicas: 3).
    assert (_norm(f["file"]), f["line"], f["column"]) == ("k8s/overlays/prod/replicas.yaml", 6, 13)
    assert f["object"]["namespace"] == "shop" and f["render"]["tool"] == "kustomize" and f["render"]["exact"]
    limits = [x for x in _by(mixed, "no-resource-limits") if x["object"]["name"] == "prod-web"]
    assert [(_norm(x["file"]), x["line"]) for x in limits] == [("k8s/base/deployment.yaml", 16)]
    text = json.dumps(mixed)
    assert "config.kubernetes.io/origin" not in text  # the origin annotations never leak


def test_text_report_shows_the_rendered_line_when_the_template_differs(tools_path):
    r = kubelint("charts/app", cwd=MIXED, path=tools_path)
    out = r.stdout
    assert "charts/app/templates/deployment.yaml:8:13: warning [single-replica] Deployment store/web-app" in out
    assert "rendered by helm template charts/app" in out and "replicas: 1" in out
    assert "skipped" not in out.splitlines()[-1]  # nothing skipped inside a chart


def test_show_skipped_and_json_summary(tools_path, mixed):
    r = kubelint("--show-skipped", "-q", ".", cwd=MIXED, path=tools_path)
    assert "skipped ./docker-compose.yml: Docker Compose file" in r.stdout
    assert "skipped 7 files that are not Kubernetes manifests" in r.stdout
    r = kubelint("-q", ".", cwd=MIXED, path=tools_path)
    assert "skipped 7 files that are not Kubernetes manifests (--show-skipped lists them)" in r.stdout
    rendered = {(s["tool"], _norm(s["root"])) for s in mixed["summary"]["rendered"]}
    assert ("helm", "charts/app") in rendered and ("kustomize", "k8s/overlays/prod") in rendered


def test_a_named_file_is_checked_strictly(tools_path):
    r = kubelint("charts/app/values.yaml", cwd=MIXED, path=tools_path)
    assert r.returncode == 1 and "[missing-type]" in r.stdout


def test_discover_checks_a_named_template_through_its_chart(tools_path):
    r = kubelint(
        "--discover",
        "-f",
        "json",
        "charts/app/templates/service.yaml",
        "mkdocs.yml",
        "k8s/overlays/prod/replicas.yaml",
        cwd=MIXED,
        path=tools_path,
    )
    doc = json.loads(r.stdout)
    assert {(s["tool"], _norm(s["root"])) for s in doc["summary"]["rendered"]} == {
        ("helm", "charts/app"),
        ("kustomize", "k8s/overlays/prod"),
    }
    assert [_norm(s["file"]) for s in doc["summary"]["skipped"]] == ["mkdocs.yml"]
    assert not any(f["severity"] == "error" for f in doc["findings"])


# --- the same findings as `helm template | kubelint check -` ---------------------------------------

_RANDOM = re.compile(r"-[a-z0-9]{5}$")  # randAlphaNum 5 in test-hook names (podinfo)


def _keys(doc, namespace):
    return sorted(
        {
            (
                f["rule"],
                f["object"]["kind"],
                f["object"]["namespace"] or namespace,
                _RANDOM.sub("-?", f["object"]["name"] or ""),
            )
            for f in doc["findings"]
            if f["object"]
        }
    )


@pytest.mark.parametrize(
    "repo,chart,release,namespace",
    [
        ("mixed", "charts/app", "web", "store"),
        ("podinfo", "charts/podinfo", "podinfo", "default"),
        ("metrics-server", "charts/metrics-server", "metrics-server", "default"),
        ("postgres-operator", "charts/postgres-operator", "postgres-operator", "default"),
        ("aks-store-demo", "charts/aks-store-demo", "aks-store-demo", "default"),
    ],
)
def test_same_findings_as_helm_template_output(tools_path, repo, chart, release, namespace):
    cwd = DATA / repo
    doc = check_json(cwd, tools_path, chart)
    helm = shutil.which("helm", path=tools_path)
    rendered = subprocess.run(
        [helm, "template", release, chart, "--namespace", namespace, "--kube-version", "v1.37.0", "--include-crds"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    e = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    e.update({"PATH": tools_path, "PYTHONPATH": str(ROOT)})
    piped = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--no-progress", "-f", "json", "-n", namespace, "-"],
        input=rendered,
        cwd=cwd,
        env=e,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert _keys(doc, namespace) == _keys(json.loads(piped.stdout), namespace)
    assert doc["findings"], "the chart has findings to compare"
    for f in doc["findings"]:  # every finding is at a file of the chart, none at the rendered stream
        assert _norm(f["file"]).startswith(chart + "/"), f["file"]
        assert os.path.isfile(cwd / f["file"])


# --- real repositories ------------------------------------------------------------------------------

# Errors the real repositories really have (everything else would be a false error).
KNOWN_ERRORS = {
    # The high-availability component ships a policy/v1beta1 PodDisruptionBudget (removed in 1.25).
    "metrics-server": {("removed-api", "manifests/components/high-availability/pdb.yaml")},
    # The azd overlays read .env files that `azd` generates; a checkout has none.
    "aks-store-demo": {
        ("kustomize-build-failed", f"kustomize/overlays/azd/{s}/kustomization.yaml")
        for s in ("ai-service", "makeline-service", "order-service")
    },
}


@pytest.mark.parametrize("repo", REAL)
def test_real_repository_checks_without_false_errors(tools_path, repo):
    doc = check_json(DATA / repo, tools_path, ".")
    errors = {(f["rule"], _norm(f["file"])) for f in doc["findings"] if f["severity"] == "error"}
    assert errors == KNOWN_ERRORS.get(repo, set())
    assert doc["summary"]["rendered"], "its chart and overlays are rendered"
    assert not any(f["rule"] in ("helm-template", "missing-type") for f in doc["findings"])


def test_vendored_data_carries_licences():
    for repo in REAL:
        assert (DATA / repo / "SOURCES.md").is_file()
        assert any((DATA / repo / name).is_file() for name in ("LICENSE", "LICENSE.md"))


# --- missing tools ------------------------------------------------------------------------------------


def test_missing_tools_give_one_finding_per_chart_and_root(tmp_path):
    # A PATH without helm, kustomize or kubectl: only python's own directory.
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python3").symlink_to(sys.executable)
    r = kubelint("-f", "json", ".", cwd=MIXED, path=str(bare))
    doc = json.loads(r.stdout)
    assert r.returncode == 1
    by_rule = {}
    for f in doc["findings"]:
        by_rule.setdefault(f["rule"], []).append(_norm(f["file"]))
    assert sorted(by_rule.pop("helm-not-found")) == [
        f"charts/{c}/Chart.yaml" for c in ("app", "broken", "library-only", "needs-deps")
    ]
    assert sorted(by_rule.pop("kustomize-not-found")) == [
        "k8s/overlays/broken/kustomization.yaml",
        "k8s/overlays/prod/kustomization.yaml",
    ]
    assert by_rule == {}  # nothing in a chart or overlay was parsed as plain YAML
    helm = [f for f in doc["findings"] if f["rule"] == "helm-not-found"][0]
    assert "helm template RELEASE" in helm["message"] and "| kubelint check -" in helm["message"]


def test_helm_option_names_the_executable(tools_path, tmp_path):
    r = kubelint("--helm", str(tmp_path / "no-helm"), "-f", "json", "charts/app", cwd=MIXED, path=tools_path)
    doc = json.loads(r.stdout)
    assert [f["rule"] for f in doc["findings"]] == ["helm-not-found"]
    assert "is not an executable" in doc["findings"][0]["message"]


# --- configuration and parallel runs ------------------------------------------------------------------


def test_helm_configuration_values_and_set(tools_path, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(MIXED / "charts" / "app", repo / "charts" / "app")
    (repo / "prod.yaml").write_text("replicaCount: 3\n")
    (repo / ".kubelint.yaml").write_text(
        'helm:\n  namespace: prod\n  values: [prod.yaml]\n  set: {image.tag: "2.0.0"}\n'
    )
    doc = check_json(repo, tools_path, ".")
    rules = {f["rule"] for f in doc["findings"]}
    assert "single-replica" not in {f["rule"] for f in doc["findings"] if f["object"]["name"] == "app-app"}
    assert "image-latest-tag" not in rules
    assert {f["object"]["namespace"] for f in doc["findings"]} == {"prod"}
    (repo / ".kubelint.yaml").write_text("helm:\n  valuez: [prod.yaml]\n")
    r = kubelint(".", cwd=repo, path=tools_path)
    assert r.returncode == 2 and '.kubelint.yaml:2: unknown helm setting "valuez" (did you mean "values"?)' in r.stderr
    (repo / ".kubelint.yaml").write_text("helm:\n  values: [nope.yaml]\n")
    r = kubelint(".", cwd=repo, path=tools_path)
    assert r.returncode == 2 and "helm values file 'nope.yaml' not found" in r.stderr


def test_parallel_rendering_gives_the_same_report(tools_path):
    one = check_json(MIXED, tools_path, "--jobs", "1", ".")
    two = check_json(MIXED, tools_path, "--jobs", "2", ".")

    def strip(d):
        return [
            {k: v for k, v in f.items() if k != "object" or not v or "test" not in (v["name"] or "")}
            for f in d["findings"]
        ]

    assert strip(one) == strip(two)


def test_secrets_stay_masked_in_source_excerpts(tools_path, tmp_path):
    k = tmp_path / "k"
    k.mkdir()
    (k / "kustomization.yaml").write_text("resources: [pod.yaml]\nnamePrefix: x-\n")
    (k / "pod.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n  selector:\n    matchLabels: {app: db}\n"
        "  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n        - name: db\n"
        "          image: postgres:16\n          env:\n            - name: DB_PASSWORD\n              value: letmein\n"
    )
    r = kubelint("k", cwd=tmp_path, path=tools_path)
    assert "[secret-in-env-literal]" in r.stdout and "k/pod.yaml:17:" in r.stdout
    assert "letmein" not in r.stdout + r.stderr


def test_templated_line_with_optional_parts_maps_exactly(mixed):
    f = _by(mixed, "image-latest-tag", "./charts/app/templates/deployment.yaml")[0]
    # image: "{{ .repository }}{{ with .tag }}:{{ . }}{{ end }}" rendered without the tag.
    assert (f["line"], f["column"], f["render"]["exact"]) == (19, 18, True)


def test_sarif_and_junit_of_a_repository_validate(tools_path):
    import xml.etree.ElementTree as ET

    import xmlschema
    from jsonschema import Draft4Validator

    r = kubelint("-f", "sarif", ".", cwd=MIXED, path=tools_path)
    doc = json.loads(r.stdout)
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    assert list(Draft4Validator(schema).iter_errors(doc)) == []
    results = doc["runs"][0]["results"]
    chart = [
        x
        for x in results
        if x["ruleId"] == "single-replica" and x["properties"]["object"] == "Deployment store/web-app"
    ]
    uri = chart[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("tests/data/repos/mixed/charts/app/templates/deployment.yaml")
    assert (
        chart[0]["properties"]["render"]["tool"] == "helm"
        and chart[0]["properties"]["render"]["root"] == "./charts/app"
    )
    r = kubelint("-f", "junit", ".", cwd=MIXED, path=tools_path)
    xmlschema.XMLSchema(str(ROOT / "tests" / "data" / "junit-10.xsd")).validate(r.stdout.encode())
    suites = {s.get("name") for s in ET.fromstring(r.stdout).iter("testsuite")}
    assert any(n.endswith("charts/app/templates/deployment.yaml") for n in suites)
    assert not any("(helm template)" in n or "(kustomize build)" in n for n in suites)


def test_a_chart_as_context_for_cross_object_rules(tools_path, tmp_path):
    ing = tmp_path / "ingress.yaml"
    ing.write_text(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: front\n  namespace: store\nspec:\n"
        "  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n"
        "            backend:\n              service:\n                name: web-app\n"
        "                port:\n                  number: 8080\n"
    )
    alone = check_json(MIXED, tools_path, str(ing))
    assert "ingress-service-missing" in {f["rule"] for f in alone["findings"]}
    with_chart = check_json(MIXED, tools_path, "--context", "charts/app", str(ing))
    assert {f["file"] for f in with_chart["findings"]} <= {str(ing)}  # the chart is never reported
    assert "ingress-service-missing" not in {f["rule"] for f in with_chart["findings"]}


def test_corpus_files_are_all_manifests():
    """No real manifest is skipped: the shared corpus (flow-style documents, JSON, azure.yaml Pods...) has none."""
    from conftest import CORPUS, CORPUS_LEGACY
    from kubelint.discover import plan

    for corpus in (CORPUS, CORPUS_LEGACY):
        if not corpus.is_dir():
            pytest.fail(f"shared corpus not found at {corpus}")
        assert plan([str(corpus)]).skipped == []


def test_json_report_of_a_repository_matches_the_published_schema(mixed):
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "kubelint" / "data" / "report.schema.json").read_text())
    assert [e.message for e in Draft202012Validator(schema).iter_errors(mixed)] == []
    assert any(f["render"] for f in mixed["findings"]) and mixed["summary"]["skipped"]


def test_a_directory_inside_a_chart_renders_the_chart(tools_path):
    doc = check_json(MIXED, tools_path, "charts/app/templates")
    assert [(s["tool"], _norm(s["root"])) for s in doc["summary"]["rendered"]] == [("helm", "charts/app")]
    assert not any(f["rule"] == "helm-template" for f in doc["findings"])
    assert any(_norm(f["file"]) == "charts/app/templates/deployment.yaml" for f in doc["findings"])


def test_discover_builds_the_overlays_that_use_a_named_base_file(tools_path):
    doc = check_json(MIXED, tools_path, "--discover", "k8s/base/kustomization.yaml", "k8s/base/deployment.yaml")
    # The base is used by both overlays: they are built, the base alone is not a root.
    assert sorted(_norm(s["root"]) for s in doc["summary"]["rendered"]) == ["k8s/overlays/broken", "k8s/overlays/prod"]


def test_a_named_pipe_in_a_chart_never_hangs_the_run(tools_path, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(MIXED / "charts" / "app", repo / "charts" / "app")
    os.mkfifo(repo / "charts" / "app" / "templates" / "notes.txt")
    doc = check_json(repo, tools_path, ".")
    failed = _by(doc, "helm-render-failed")
    assert len(failed) == 1 and "notes.txt is not a regular file" in failed[0]["message"]
