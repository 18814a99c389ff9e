"""False alarms found on real charts (issue 19, item 3): each file of
tests/data/precision/ is a reduced real case that once raised the rule named
in its first comment line, and must not any more."""

import io
import os
import re

import pytest
from conftest import ROOT

from kubelint.config import Config
from kubelint.runner import run
from kubelint.settings import Settings

DATA = os.path.join(ROOT, "tests", "data", "precision")
CASES = sorted(f for f in os.listdir(DATA) if f.endswith(".yaml"))


def _rule(path):
    with open(path, encoding="utf-8") as fh:
        return re.match(r"# ([a-z-]+):", fh.readline()).group(1)


def lint(path, rules):
    cfg = Config(disable={"all"}, enable=set(rules))
    return run([path], Settings(config=cfg, jobs=1)).findings


@pytest.mark.parametrize("name", CASES)
def test_no_false_alarm(name):
    path = os.path.join(DATA, name)
    rule = _rule(path)
    if rule == "no-readiness-probe":
        pytest.skip("checked by its message below")
    got = [f.message for f in lint(path, [rule]) if f.rule == rule]
    assert not got, f"{name}: {rule} still fires: {got}"


def test_readiness_message_without_service_says_no_traffic():
    f = lint(os.path.join(DATA, "readiness-no-service.yaml"), ["no-readiness-probe"])
    assert [x.rule for x in f] == ["no-readiness-probe"]
    assert "receives traffic" not in f[0].message and "no Service of the checked manifests" in f[0].message
    with open(os.path.join(DATA, "readiness-no-service.yaml"), encoding="utf-8") as fh:
        base = fh.read()
    with_svc = base + (
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: q\nspec:\n  selector: {app: queue-worker}\n"
        "  ports: [{port: 80}]\n"
    )
    g = run(
        ["-"],
        Settings(config=Config(disable={"all"}, enable={"no-readiness-probe"}), jobs=1),
        stdin=io.BytesIO(with_svc.encode()),
    ).findings
    assert "Service q sends it traffic" in g[0].message


def test_real_leaks_next_to_the_false_alarms_still_fire():
    """The exemptions are narrow: the same names with literal credentials are reported."""
    text = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: example/c:1.0
      env:
        - name: SECRET_KEY
          value: Zx9Qw8Er7Ty6
        - name: DB_PASSWORD
          value: "hunter2-Secure"
        - name: OAUTH2_PROXY_COOKIE_SECRET
          value: "rmXYk59eajf5Mm2y19gjwA=="
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: m
data:
  STRIPE_KEY: sk-not-a-real-format-but-a-literal
  app.ini: |
    [auth]
    token = Zx9Qw8Er7Ty6Ui5Op4
"""
    cfg = Config(disable={"all"}, enable={"secret-in-env-literal", "configmap-credentials"})
    f = run(["-"], Settings(config=cfg, jobs=1), stdin=io.BytesIO(text.encode())).findings
    assert (
        sorted(x.rule for x in f) == ["configmap-credentials", "configmap-credentials"] + ["secret-in-env-literal"] * 3
    )


def test_missing_refs_mention_run_time_creation():
    text = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: example/c:1.0
      envFrom:
        - secretRef: {name: not-created-by-anything}
"""
    cfg = Config(disable={"all"}, enable={"missing-secret-ref"})
    f = run(["-"], Settings(config=cfg, jobs=1), stdin=io.BytesIO(text.encode())).findings
    assert len(f) == 1 and "created at run time" in f[0].message


def test_service_in_the_wrong_namespace_is_still_reported():
    text = """apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  containers:
    - name: web
      image: example/web:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""
    cfg = Config(disable={"all"}, enable={"service-selects-no-pods"})
    f = run(["-"], Settings(config=cfg, jobs=1), stdin=io.BytesIO(text.encode())).findings
    assert len(f) == 1 and "Pod shop/web" in f[0].message and "its own namespace" in f[0].message


def test_every_concept_rule_names_its_peers():
    """docs/rules.md shows for each rule which peer checks it covers: every concept rule has a `peers:` key
    (possibly empty), and every name in it is a check of that tool (scripts/peer_checks.yaml)."""
    import sys

    import yaml

    from kubelint.engine import catalogue, catalogue_dir

    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    import gen_rules_doc

    mapping = gen_rules_doc.peers()
    known = gen_rules_doc.peer_checks()
    concept = [rid for rid, e in catalogue().items() if e.source == "rules"]
    assert not [rid for rid in concept if rid not in mapping]
    bad = [
        (rid, tool, c)
        for rid, p in mapping.items()
        for tool, checks in p.items()
        for c in checks
        if tool not in known or c not in known[tool]["checks"]
    ]
    assert not bad
    assert catalogue_dir() and yaml  # the mapping is read from the catalogue itself


CHARTS = os.path.join(ROOT, "tests", "data", "charts")


@pytest.mark.parametrize("name", sorted(f for f in os.listdir(CHARTS) if f.endswith(".yaml")))
def test_rendered_bitnami_charts_raise_none_of_the_fixed_false_alarms(name):
    """Before issue 19 these five charts raised 19 such findings: secret-in-env-literal on Airflow's *_CMD
    variables (10) and etcd's auth-token options and initial-cluster-token (2), configmap-credentials on
    FAB_PASSWORD_HASH_METHOD (1), stateful-without-persistent-storage on Elasticsearch coordinating and ingest
    nodes (2), Keycloak (1), Spark (2) and the Airflow worker (1)."""
    rules = [
        "secret-in-env-literal",
        "configmap-credentials",
        "stateful-without-persistent-storage",
        "service-selects-no-pods",
        "missing-secret-ref",
        "missing-configmap-ref",
    ]
    got = [(f.rule, f.line, f.message) for f in lint(os.path.join(CHARTS, name), rules)]
    assert not got
