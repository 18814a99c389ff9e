"""The admission stage's fast paths give what the slow ones give.

* The object a policy sees is bound reduced to the fields its expressions
  read (kubelint/admission/celenv.py ``selected_paths`` and ``prune``): every
  expression gives the same result or the same error on the reduced object as
  on the whole one.
* ``resource_rules_match`` remembers its verdict per rules and request
  resource (kubelint/admission/matching.py): the same verdicts as computed
  afresh."""

import itertools

import pytest

from kubelint.admission import celenv, matching

needs_cel = pytest.mark.skipif(not celenv.available(), reason="the CEL engine is part of kubelint's install")

OBJECTS = [
    {},
    {"metadata": {}},
    {"metadata": {"name": "a", "namespace": "ns", "annotations": {"k": "v", "x": "y"}, "labels": {"app": "web"}}},
    {"metadata": {"name": "b", "annotations": {}}, "spec": {"group": "g.io", "replicas": 3, "list": [1, 2, 3]}},
    {"metadata": "not a map", "spec": ["a", "list"]},
    {"spec": {"group": 5, "nested": {"deep": {"er": [{"k": 1}, {"k": 2}]}}, "tolerations": [{"key": "k"}]}},
    {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}, "status": {"x": 1}},
]

EXPRESSIONS = [
    "object.spec.group == 'g.io'",
    "has(object.spec.group)",
    "has(object.metadata.annotations) && object.metadata.annotations.exists(k, k == 'k')",
    "object.metadata.annotations['k'] == 'v'",
    "object.metadata.name + '/' + object.metadata.namespace",
    "size(object.spec.list) > 2",
    "object.spec.nested.deep.er.all(e, e.k > 0)",
    "object.spec.tolerations.exists(t, has(t.key) && t.key == 'k')",
    "object.spec.template.spec.containers.map(c, c.image)",
    "object . spec . replicas >= 1",
    "object.metadata.labels.app",
    "size(object.spec)",
    "string(object.metadata)",
    "has(object.status)",
    "object.missing.field",
    "'object.status' == 'x' || object.spec.replicas == 3",
]


def test_selected_paths():
    sp = celenv.selected_paths
    assert sp(["object.spec.group == 'x' || has(object.metadata.annotations)"]) == {
        ("spec", "group"),
        ("metadata", "annotations"),
    }
    assert sp(["object.metadata.annotations.exists(k, k == 'a')"]) == {("metadata", "annotations")}
    assert sp(["object . spec\n . replicas > 1"]) == {("spec", "replicas")}
    assert sp(["object.metadata.labels['app']", "object.spec.?x"]) == {("metadata", "labels"), ("spec",)}
    assert sp(["oldObject.spec.x", "myobject.y", "params.object.z"]) == {("z",)}  # params.object: kept, harmless
    # all of it: a bare object, a method on it, a comment that could hide a call
    assert sp(["size(object) > 0"]) is None
    assert sp(["object.exists(k, k == 'spec')"]) is None
    assert sp(["object.spec // a comment\n.x"]) is None
    assert sp(["object.spec.x", "object"]) is None
    assert sp([]) == frozenset()


def test_prune_keeps_subtrees_and_order():
    obj = {"spec": {"b": 1, "a": {"deep": [1]}}, "metadata": {"name": "n", "labels": {"x": "1"}}, "status": {}}
    pruned = celenv.prune(obj, frozenset({("metadata", "name"), ("spec", "a"), ("spec", "a", "deep")}))
    assert pruned == {"spec": {"a": {"deep": [1]}}, "metadata": {"name": "n"}}
    assert list(pruned) == ["spec", "metadata"]
    assert pruned["spec"]["a"] is obj["spec"]["a"]
    assert celenv.prune(obj, None) is obj
    assert celenv.prune(obj, frozenset({("metadata",), ("metadata", "name")}))["metadata"] is obj["metadata"]
    assert celenv.prune({"spec": [1]}, frozenset({("spec", "x")})) == {"spec": [1]}  # not a map: kept whole


def _run(compiled, value):
    ctx = celenv.new_context()
    ctx.add_variable("object", value)
    res, exc = celenv.evaluate(compiled, ctx)
    return res, None if exc is None else celenv.runtime_error_text(exc)


# The evaluation engine does not run the optional-field syntax: kubelint reports it as not evaluated.
NOT_RUNNABLE = ["object.spec.?group.orValue('none')"]


@needs_cel
@pytest.mark.parametrize("expr", NOT_RUNNABLE)
def test_expressions_the_engine_does_not_run(expr):
    assert celenv.compile_expression(expr, False).program is None
    assert celenv.selected_paths([expr]) is None or all(p[0] == "spec" for p in celenv.selected_paths([expr]))


@needs_cel
@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_pruned_object_evaluates_the_same(expr):
    c = celenv.compile_expression(expr, False)
    assert c.program is not None, c.error or c.unsupported
    paths = celenv.selected_paths([expr])
    for obj in OBJECTS:
        value = celenv.to_value(obj)
        assert _run(c, celenv.prune(value, paths)) == _run(c, value), (expr, obj)


CRD = {
    "spec": {
        "group": "stable.example.com",
        "names": {"kind": "CronTab", "plural": "crontabs"},
        "scope": "Namespaced",
        "versions": [{"name": "v1"}, {"name": "v2"}],
    }
}

RULE_SETS = [
    [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["deployments"]}],
    [{"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["*"], "resources": ["*/*"], "scope": "Namespaced"}],
    [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["configmaps"]}],
    [
        {
            "apiGroups": [""],
            "apiVersions": ["v1"],
            "operations": ["CREATE"],
            "resources": ["configmaps"],
            "resourceNames": ["a"],
        }
    ],
    [{"apiGroups": ["stable.example.com"], "apiVersions": ["v2"], "operations": ["CREATE"], "resources": ["crontabs"]}],
    [{"apiGroups": ["extensions", "apps"], "apiVersions": ["*"], "operations": ["*"], "resources": ["*"]}],
    [{"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["*"], "resources": ["namespaces"], "scope": "Cluster"}],
]

REQUESTS = [
    ("apps", "v1", "Deployment", "deployments", "ns"),
    ("apps", "v1", "Deployment", "deployments", ""),
    ("", "v1", "ConfigMap", "configmaps", "ns"),
    ("", "v1", "Namespace", "namespaces", "x"),
    ("stable.example.com", "v1", "CronTab", "crontabs", "ns"),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", ""),
]


def test_remembered_rule_verdicts_are_the_computed_ones():
    resources = matching.Resources()
    resources.add_crd(CRD)
    for rules, (g, v, k, r, ns), name, policy in itertools.product(
        RULE_SETS, REQUESTS, ["a", "b"], ["Equivalent", "Exact"]
    ):
        req = matching.Request(g, v, k, r, ns, name, bool(ns))
        fresh = matching._resource_rules_match(rules, req, policy, resources)
        assert matching.resource_rules_match(rules, req, policy, resources) == fresh
        assert matching.resource_rules_match(rules, req, policy, resources) == fresh  # from the memo
    assert resources.rules_memo
    resources.add_crd(CRD)
    assert not resources.rules_memo  # a new CRD changes the equivalent resources
