"""Concept rules beyond their catalogue examples: masking, namespaces,
cross-object lookups, heuristics that keep the corpus free of false alarms."""

import io

import pytest

from kubelint.config import Config
from kubelint.checks._common import credential_name, split_image
from kubelint.runner import run
from kubelint.settings import Settings


def lint(text, only=None, namespace="default", context=(), **params):
    cfg = Config(disable={"all"}, enable=set(only)) if only else Config()
    if params:
        cfg.params.update(params)
    opts = Settings(config=cfg, jobs=1, default_namespace=namespace, context_paths=tuple(context))
    return run(["-"], opts, stdin=io.BytesIO(text.encode())).findings


def ids(findings, rule=None):
    """Ids of the concept rules found (validation findings left out: these
    tests are about the rules, and placeholders like $NAME are invalid)."""
    from kubelint.engine import catalogue

    cat = catalogue()
    return [
        f.rule
        for f in findings
        if (rule is None or f.rule == rule) and (f.rule not in cat or cat[f.rule].source == "rules")
    ]


def deploy(name="web", labels="{app: web}", ns="", replicas=2, extra_spec="", container_extra=""):
    nsline = f"\n  namespace: {ns}" if ns else ""
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}{nsline}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {labels}
  template:
    metadata:
      labels: {labels}
    spec:{extra_spec}
      containers:
        - name: {name}
          image: example/{name}:1.0{container_extra}
"""


def service(name="web", selector="{app: web}", ns="", ports="[{port: 80}]", extra=""):
    nsline = f"\n  namespace: {ns}" if ns else ""
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}{nsline}
spec:{extra}
  selector: {selector}
  ports: {ports}
"""


# -- credentials ---------------------------------------------------------------

SECRETS = [
    "s3cr3t-Pa55",
    "hunter2hunter2",
    "AKIAIOSFODNN7EXAMPLE",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
]


@pytest.mark.parametrize("value", SECRETS)
def test_credential_values_are_never_printed(value):
    cm = (
        f'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  API_TOKEN: "{value}"\n  other: '
        f'"x {value} y"\n'
    )
    f = lint(cm, only=["configmap-credentials"])
    assert ids(f) and all(value not in x.message for x in f)
    env = deploy(container_extra=f'\n          env:\n            - name: DB_PASSWORD\n              value: "{value}"')
    f = lint(env, only=["secret-in-env-literal"])
    assert ids(f) == ["secret-in-env-literal"] and value not in f[0].message


def test_uri_password_masked_and_pointed_at_value():
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  DSN: mysql://app:Tr0ub4dor@db:3306/app\n"
    f = lint(cm, only=["configmap-credentials"])
    assert len(f) == 1 and "Tr0ub4dor" not in f[0].message and "mysql://" in f[0].message
    assert (f[0].line, f[0].column) == (6, 8)


@pytest.mark.parametrize(
    "name,hit",
    [
        ("DB_PASSWORD", True),
        ("dbPassword", True),
        ("x-api-key", True),
        ("APIKEY", True),
        ("client_secret", True),
        ("JWT_SECRET", True),
        ("PASSWORD_FILE", False),
        ("secretName", False),
        ("token_ttl", False),
        ("tokenizer", False),
        ("SECRETARY", False),
        ("AWS_ACCESS_KEY_ID", False),
        ("passwordMinLength", False),
    ],
)
def test_credential_names(name, hit):
    from kubelint.engine import catalogue

    p = catalogue()["configmap-credentials"].params
    assert bool(credential_name(name, p["key_patterns"], frozenset(p["exempt_suffixes"]))) is hit


def test_not_credentials():
    cm = """apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  PASSWORD_MIN_LENGTH: "12"
  TOKEN_ENABLED: "true"
  credentialsSecret: jaeger-creds
  SECRET_PATH: /etc/secret
  API_KEY: ""
  API_TOKEN: "${API_TOKEN}"
  nsswitch.conf: |
    passwd: files systemd
    group: files
  DATABASE_URL: postgres://app@db:5432/app
  DATABASE_URL2: postgres://app:${DB_PASSWORD}@db:5432/app
"""
    assert ids(lint(cm, only=["configmap-credentials"])) == []


# -- namespaces and cross-object lookups --------------------------------------------


def test_service_matches_only_its_namespace():
    text = deploy(ns="a") + "---\n" + service(ns="b")
    f = lint(text, only=["service-selects-no-pods"])
    assert ids(f) == ["service-selects-no-pods"] and "namespace b" in f[0].message
    assert ids(lint(deploy(ns="a") + "---\n" + service(ns="a"), only=["service-selects-no-pods"])) == []


def test_objects_without_namespace_use_the_default_namespace():
    text = deploy() + "---\n" + service(ns="shop")
    assert ids(lint(text, only=["service-selects-no-pods"])) == ["service-selects-no-pods"]
    assert ids(lint(text, only=["service-selects-no-pods"], namespace="shop")) == []


def test_service_without_selector_or_externalname_is_fine():
    svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n  ports: [{port: 80}]\n"
    assert ids(lint(svc, only=["service-selects-no-pods"])) == []
    ext = service(extra="\n  type: ExternalName\n  externalName: example.com")
    assert ids(lint(ext, only=["service-selects-no-pods"])) == []


def test_statefulset_pod_name_label_and_operator_resources():
    sts = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  serviceName: redis
  selector:
    matchLabels: {app: redis}
  template:
    metadata:
      labels: {app: redis}
    spec:
      containers:
        - name: redis
          image: example/redis:1.0
"""
    text = sts + "---\n" + service("redis-0", "{app: redis, statefulset.kubernetes.io/pod-name: redis-0}")
    assert ids(lint(text, only=["service-selects-no-pods"])) == []
    cr = "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: main\nspec: {}\n"
    text = cr + "---\n" + service("prom", "{prometheus: main}")
    assert ids(lint(text, only=["service-selects-no-pods"])) == []


def test_context_objects_resolve_refs_but_are_not_reported(tmp_path):
    ctx = tmp_path / "cluster.yaml"
    ctx.write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: stray\nspec:\n  containers: [{name: a, image: a:1}]\n"
    )
    text = deploy("api", "{app: api}", extra_spec="\n      serviceAccountName: api")
    assert ids(lint(text, only=["missing-serviceaccount-ref"])) == ["missing-serviceaccount-ref"]
    f = lint(text, only=["missing-serviceaccount-ref", "bare-pod"], context=[str(ctx)])
    assert ids(f) == []


def test_optional_refs_and_placeholders_are_skipped():
    extra = """
          envFrom:
            - configMapRef: {name: maybe, optional: true}
            - secretRef: {name: "$SECRET_NAME"}
          env:
            - name: A
              valueFrom:
                secretKeyRef: {name: creds, key: a, optional: true}"""
    assert ids(lint(deploy(container_extra=extra), only=["missing-configmap-ref", "missing-secret-ref"])) == []


def test_secret_from_custom_resource_provider():
    extra = "\n          envFrom:\n            - secretRef: {name: web-tls}"
    cert = (
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\nspec:\n  secretName: web-tls\n"
        "  dnsNames: [a.example.com]\n  issuerRef: {name: x}\n"
    )
    assert ids(lint(deploy(container_extra=extra), only=["missing-secret-ref"])) == ["missing-secret-ref"]
    assert ids(lint(deploy(container_extra=extra) + "---\n" + cert, only=["missing-secret-ref"])) == []


# -- duplicates -------------------------------------------------------------------


def test_duplicate_object_scope(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
    a.write_text(cm)
    b.write_text(cm)
    opts = Settings(config=Config(disable={"all"}, enable={"duplicate-object"}), jobs=1)
    assert ids(run([str(tmp_path)], opts).findings) == []  # default scope: per file
    cfg = Config(disable={"all"}, enable={"duplicate-object"}, params={"duplicate-object": {"scope": "run"}})
    f = run([str(tmp_path)], Settings(config=cfg, jobs=1)).findings
    assert ids(f) == ["duplicate-object"] and f[0].severity == "error" and "a.yaml:1" in f[0].message


def test_duplicate_cluster_scoped_ignores_namespace_and_api_version():
    text = (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n  namespace: a\nrules: []\n"
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules: []\n"
    )
    f = lint(text, only=["duplicate-object"])
    assert ids(f) == ["duplicate-object"] and f[0].line == 11


# -- availability -------------------------------------------------------------------


def test_hpa_min_replicas():
    hpa = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: MIN
  maxReplicas: 5
"""
    text = deploy(replicas=1) + "---\n" + hpa
    assert ids(lint(text.replace("MIN", "3"), only=["single-replica"])) == []
    f = lint(text.replace("MIN", "1"), only=["single-replica"])
    assert ids(f) == ["single-replica"] and "HorizontalPodAutoscaler" in f[0].message
    assert ids(lint(deploy(replicas=0), only=["single-replica"])) == []


def test_pdb_percentages():
    pdb = (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: {v}\n"
        "  selector:\n    matchLabels: {{app: web}}\n"
    )
    assert ids(lint(deploy(replicas=3) + "---\n" + pdb.format(v='"100%"'), only=["pdb-blocks-eviction"])) == [
        "pdb-blocks-eviction"
    ]
    assert ids(lint(deploy(replicas=3) + "---\n" + pdb.format(v='"60%"'), only=["pdb-blocks-eviction"])) == []
    assert ids(lint(deploy(replicas=3) + "---\n" + pdb.format(v='"67%"'), only=["pdb-blocks-eviction"])) == [
        "pdb-blocks-eviction"
    ]


def test_pdb_blocks_eviction_judges_each_budget_on_its_own():
    """A workload whose replica count is not a number (an unrendered template) leaves its budget
    unjudged, and only that one: the budgets after it are still checked."""
    pdb = (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {n}\nspec:\n  minAvailable: 3\n"
        "  selector:\n    matchLabels: {{app: {n}}}\n"
    )
    text = "---\n".join(
        [
            deploy("tpl", "{app: tpl}", replicas='"{{ .Values.replicas }}"'),
            pdb.format(n="tpl"),
            deploy("web", "{app: web}", replicas=3),
            pdb.format(n="web"),
        ]
    )
    f = [x for x in lint(text, only=["pdb-blocks-eviction"]) if x.rule == "pdb-blocks-eviction"]
    assert [x.message.split(" of ")[1].split(":")[0] for x in f] == ["Deployment default/web"]


def test_rolling_update_percent_rounds_down():
    strat = "\n  strategy:\n    rollingUpdate: {maxUnavailable: 50%}"
    text = deploy(replicas=3).replace("\n  selector:", strat + "\n  selector:", 1)
    assert ids(lint(text, only=["rolling-update-downtime"])) == []
    text = deploy(replicas=1).replace("\n  selector:", strat.replace("50%", "100%") + "\n  selector:", 1)
    assert ids(lint(text, only=["rolling-update-downtime"])) == ["rolling-update-downtime"]


# -- workloads ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "image,expect",
    [
        ("nginx", ("nginx", None, None)),
        ("nginx:1.27", ("nginx", "1.27", None)),
        ("reg.io:5000/a/b", ("reg.io:5000/a/b", None, None)),
        ("reg.io:5000/a/b:2", ("reg.io:5000/a/b", "2", None)),
        ("a/b@sha256:abc", ("a/b", None, "sha256:abc")),
        ("a/b:latest@sha256:abc", ("a/b", "latest", "sha256:abc")),
    ],
)
def test_split_image(image, expect):
    assert split_image(image) == expect


def test_digest_is_pinned_even_with_latest():
    text = deploy().replace("example/web:1.0", "example/web:latest@sha256:" + "a" * 64)
    assert ids(lint(text, only=["image-latest-tag"])) == []


def test_database_matched_on_image_name_not_tag_or_path():
    assert ids(lint(deploy().replace("example/web:1.0", "bitnami/postgresql:16"), only=["database-in-deployment"])) == [
        "database-in-deployment"
    ]
    for image in ("prometheuscommunity/postgres-exporter:0.15", "example/web:redis", "oliver006/redis_exporter:v1"):
        assert ids(lint(deploy().replace("example/web:1.0", image), only=["database-in-deployment"])) == [], image


def test_probes_exempt_jobs_and_run_to_completion_pods():
    job = (
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      "
        "restartPolicy: Never\n"
        "      containers: [{name: j, image: j:1}]\n"
    )
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicy: OnFailure\n  containers: "
        "[{name: p, image: p:1}]\n"
    )
    assert ids(lint(job + "---\n" + pod, only=["no-readiness-probe", "no-liveness-probe"])) == []


def test_run_as_root_container_overrides_pod():
    text = deploy(
        extra_spec="\n      securityContext: {runAsNonRoot: true}",
        container_extra="\n          securityContext: {runAsUser: 0}",
    )
    f = lint(text, only=["run-as-root"])
    assert ids(f) == ["run-as-root"] and "runAsUser 0" in f[0].message
    text = deploy(
        extra_spec="\n      securityContext: {runAsUser: 0}",
        container_extra="\n          securityContext: {runAsUser: 1000}",
    )
    assert ids(lint(text, only=["run-as-root"])) == []


def test_hardcoded_pod_ip_not_for_cidrs_or_other_networks():
    cm = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  cidr: 10.244.0.0/16\n  range: "
        "10.244.1.1-10.244.1.9\n"
        "  lan: 192.168.1.10\n  dns: 10.96.0.10\n"
    )
    assert ids(lint(cm, only=["hardcoded-pod-ip"])) == []
    env = deploy(
        container_extra="\n          env:\n            - name: PEER\n              value: http://10.42.3.7:8080"
    )
    f = lint(env, only=["hardcoded-pod-ip"])
    assert ids(f) == ["hardcoded-pod-ip"] and "10.42.3.7" in f[0].message


def test_named_target_port_did_you_mean():
    text = (
        deploy(container_extra="\n          ports: [{name: http, containerPort: 8080}]")
        + "---\n"
        + service(ports="[{port: 80, targetPort: htpp}]")
    )
    f = lint(text, only=["service-target-port-missing"])
    assert ids(f) == ["service-target-port-missing"] and 'did you mean "http"' in f[0].message


# -- examples -----------------------------------------------------------------------


def test_examples_broken_fires_every_concept_rule_and_app_is_silent():
    from conftest import ROOT
    from kubelint.engine import catalogue

    # every rule: --profile all (opt-in rules included), plus pss-baseline for the baseline controls that
    # restricted replaces (in `all` the restricted control reports instead)
    broken = [
        f
        for profile in ("all", "pss-baseline")
        for f in run([str(ROOT / "examples" / "broken")], Settings(jobs=1, profiles=(profile,))).findings
    ]
    concept = {rid for rid, e in catalogue().items() if e.source == "rules"}
    assert concept - {f.rule for f in broken} == set()
    readme = (ROOT / "examples" / "broken" / "README.md").read_text()
    assert all(f"`{rid}`" in readme for rid in concept), "examples/broken/README.md lists every rule that fires"
    app = run([str(ROOT / "examples" / "app")], Settings(jobs=1, profiles=("all",))).findings
    assert [(f.rule, f.file, f.line) for f in app] == []  # silent under every rule, opt-in ones included


# -- odd shapes never crash a rule ----------------------------------------------------


def _mutations(data, path=()):
    """Every node of a manifest replaced in turn by values of the wrong type."""
    import copy

    yield_paths = []

    def walk(node, p):
        yield_paths.append(p)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, p + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, p + (i,))

    walk(data, ())
    for p in yield_paths[1:]:
        for bad in (None, 7, "x", [], {}, [1]):
            d = copy.deepcopy(data)
            node = d
            for e in p[:-1]:
                node = node[e]
            node[p[-1]] = bad
            yield d


def test_rules_survive_wrong_types():
    import json

    import yaml
    from kubelint.engine import catalogue

    seen = 0
    for rid, e in catalogue().items():
        if e.source != "rules":
            continue
        for ex in e.examples:
            for text in ex.values():
                docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
                for i, doc in enumerate(docs):
                    for mutated in _mutations(doc):
                        all_docs = docs[:i] + [mutated] + docs[i + 1 :]
                        # JSON is YAML: one document per line keeps it fast to load.
                        stream = "\n---\n".join(json.dumps(d) for d in all_docs)
                        # Cross-object rules raise out of run(); single-object
                        # ones become internal-error findings naming their stage.
                        f = run(["-"], Settings(jobs=1), stdin=io.BytesIO(stream.encode())).findings
                        crashed = [x.message for x in f if x.rule == "internal-error" and "rules stage" in x.message]
                        assert not crashed, (rid, mutated, crashed)
                        seen += 1
    assert seen > 1000


def test_missing_ref_suggests_the_close_name():
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata: {a: b}\n"
    extra = "\n          envFrom:\n            - configMapRef: {name: web-confg}"
    f = lint(deploy(container_extra=extra) + "---\n" + cm, only=["missing-configmap-ref"])
    assert ids(f) == ["missing-configmap-ref"] and 'did you mean "web-config"' in f[0].message
    assert f[0].path == "spec.template.spec.containers[0].envFrom[0].configMapRef.name"
