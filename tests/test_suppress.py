"""Inline suppressions and the kubelint.io/ignore annotation, end to end
(comment scanning in the loader, matching in kubelint/suppress.py)."""

import io

from kubelint.runner import run
from kubelint.settings import Settings

POD = """apiVersion: v1
kind: Pod{kind_comment}
metadata:
  name: worker
  annotations: {annotations}
spec:
  automountServiceAccountToken: false
  securityContext: {{runAsNonRoot: true, runAsUser: 1000}}
  containers:
    - name: worker
      image: example/worker:latest{image_comment}
      resources: {{requests: {{cpu: 100m, memory: 64Mi}}, limits: {{memory: 64Mi}}}}
      securityContext: {{readOnlyRootFilesystem: true}}
      readinessProbe: {{tcpSocket: {{port: 80}}}}
      livenessProbe: {{tcpSocket: {{port: 80}}, failureThreshold: 6}}
"""


def lint(text, path="-"):
    result = run([path], Settings(jobs=1), stdin=io.BytesIO(text.encode()))
    return result.findings


def rules(findings):
    return sorted(f.rule for f in findings)


def pod(kind_comment="", image_comment="", annotations="{}", before=""):
    return before + POD.format(kind_comment=kind_comment, image_comment=image_comment, annotations=annotations)


def test_unsuppressed_baseline():
    assert rules(lint(pod())) == ["bare-pod", "image-latest-tag"]


def test_line_comment_silences_that_line_only():
    f = lint(pod(image_comment="  # kubelint: disable=image-latest-tag -- pinned by the release job"))
    assert rules(f) == ["bare-pod"]


def test_line_comment_for_another_rule_silences_nothing():
    f = lint(pod(image_comment="  # kubelint: disable=bare-pod"))
    assert rules(f) == ["bare-pod", "image-latest-tag"]


def test_comment_on_kind_line_silences_whole_object():
    f = lint(pod(kind_comment="  # kubelint: disable=image-latest-tag,bare-pod -- test fixture"))
    assert rules(f) == []


def test_comment_before_first_key_silences_whole_object():
    f = lint(pod(before="# kubelint: disable=bare-pod,image-latest-tag -- debugging pod\n"))
    assert rules(f) == []


def test_object_comment_applies_to_its_object_only():
    text = (
        pod(kind_comment="  # kubelint: disable=bare-pod")
        + "---\n"
        + pod().replace("name: worker\n", "name: other\n", 1)
    )
    f = lint(text)
    assert rules(f) == ["bare-pod", "image-latest-tag", "image-latest-tag"]


def test_disable_file():
    text = (
        "# kubelint: disable-file=image-latest-tag\n"
        + pod()
        + "---\n"
        + pod().replace("name: worker\n", "name: other\n", 1)
    )
    assert rules(lint(text)) == ["bare-pod", "bare-pod"]


def test_disable_all():
    assert rules(lint(pod(kind_comment="  # kubelint: disable=all"))) == []


def test_annotation_silences_object():
    f = lint(pod(annotations='{kubelint.io/ignore: "bare-pod, image-latest-tag"}'))
    assert rules(f) == []


def test_unknown_id_in_comment_is_a_warning_at_the_comment():
    f = lint(pod(image_comment="  # kubelint: disable=image-latest-tagg"))
    assert rules(f) == ["bare-pod", "image-latest-tag", "unknown-suppression"]
    u = [x for x in f if x.rule == "unknown-suppression"][0]
    assert u.severity == "warning" and u.line == 11 and "image-latest-tagg" in u.message


def test_unknown_id_in_annotation_is_a_warning_at_the_annotation():
    f = lint(pod(annotations='{kubelint.io/ignore: "bare-pods"}'))
    u = [x for x in f if x.rule == "unknown-suppression"]
    assert len(u) == 1 and u[0].line == 5 and "bare-pods" in u[0].message
    assert "bare-pod" in rules(f)  # the misspelt id silenced nothing


def test_cross_object_findings_are_suppressed_too():
    # (a workload of the namespace in the set: with none, the Service's Pods are outside the set and not reported)
    svc = (
        "apiVersion: v1\nkind: Service  # kubelint: disable=service-selects-no-pods -- pods come from a Helm chart\n"
        "metadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n---\n"
        "apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: api\nspec:\n  replicas: 0\n"
        "  selector: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n"
        "      containers: [{name: api, image: example/api:1.0}]\n"
    )
    assert "service-selects-no-pods" not in rules(lint(svc))
    assert "service-selects-no-pods" in rules(
        lint(svc.replace("  # kubelint: disable=service-selects-no-pods -- pods come from a Helm chart", ""))
    )


def test_reason_is_optional_and_spaces_are_tolerated():
    f = lint(pod(image_comment="  #kubelint:disable = image-latest-tag"))
    assert rules(f) == ["bare-pod"]


def test_comment_on_first_line_silences_whole_object():
    text = pod().replace("apiVersion: v1\n", "apiVersion: v1  # kubelint: disable=bare-pod,image-latest-tag\n", 1)
    assert rules(lint(text)) == []


def test_list_items_each_are_objects():
    text = """apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod  # kubelint: disable=bare-pod
    metadata: {name: a}
    spec:
      containers: [{name: a, image: "a:1"}]
  - apiVersion: v1
    kind: Pod
    metadata: {name: b}
    spec:
      containers: [{name: b, image: "b:1"}]
"""
    f = [x for x in lint(text) if x.rule == "bare-pod"]
    assert len(f) == 1 and f[0].object.name == "b"
