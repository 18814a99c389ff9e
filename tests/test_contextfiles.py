"""kubelint/contextfiles.py: --context files loaded once per content (a pack per set of context arguments
in the results cache), with the same report as loading them every run."""

import glob
import io
import os

import pytest

from kubelint import cache, contextfiles
from kubelint.runner import run
from kubelint.settings import Settings

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: example/web:1.0
          env:
            - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
            - {name: COPY, value: "s3cr3t-Value-42"}
          envFrom: [{configMapRef: {name: settings}}]
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop}
spec: {size: "large"}
"""

CONTEXT = {
    "sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n",
    "secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\n"
    'stringData: {password: "s3cr3t-Value-42"}\n',
    "crd.yaml": """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
""",
    "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
    "spec: {selector: {app: nothing}, ports: [{port: 80}]}\n",
}


def _tree(tmp_path):
    repo = tmp_path / "repo"
    (repo / "ctx").mkdir(parents=True)
    for name, text in CONTEXT.items():
        (repo / "ctx" / name).write_text(text)
    target = repo / "app.yaml"
    target.write_text(DEPLOY)
    return repo, target


def _check(repo, target, cache_dir):
    settings = Settings(jobs=1, profiles=("all",), context_paths=(str(repo),), cache_dir=cache_dir)
    result = run([str(target)], settings)
    return [(f.file, f.line, f.column, f.rule, f.message) for f in result.findings], result.fatal


def _pack(cache_dir):
    return glob.glob(os.path.join(str(cache_dir), "*", contextfiles.NAMESPACE, "*"))


def test_cold_warm_and_off_report_the_same(tmp_path):
    repo, target = _tree(tmp_path)
    off = _check(repo, target, None)
    cold = _check(repo, target, str(tmp_path / "cache"))
    assert len(_pack(tmp_path / "cache")) == 1
    warm = _check(repo, target, str(tmp_path / "cache"))
    assert cold == off == warm
    findings = off[0]
    rules = {f[3] for f in findings}
    # context objects resolve references (no missing-*-ref), the context CRD types the custom resource,
    # the context Service is not reported, the context Secret's value is masked in the target's findings
    assert not rules & {"missing-secret-ref", "missing-serviceaccount-ref"}
    assert "missing-configmap-ref" in rules
    assert any(f[3] == "invalid-type" and "spec.size" in f[4] for f in findings), findings
    assert all(f[0] == str(target) for f in findings)
    assert not any("s3cr3t-Value-42" in f[4] for f in findings)


def test_a_context_file_is_used_only_while_its_bytes_hash_to_its_entry(tmp_path):
    repo, target = _tree(tmp_path)
    cache_dir = str(tmp_path / "cache")
    first = _check(repo, target, cache_dir)
    cm = repo / "ctx" / "sa.yaml"
    st = os.stat(cm)
    # same size, same modification time: only the content says it changed
    cm.write_text(CONTEXT["sa.yaml"].replace("name: web", "name: wex"))
    os.utime(cm, ns=(st.st_atime_ns, st.st_mtime_ns))
    second = _check(repo, target, cache_dir)
    assert second != first
    assert "missing-serviceaccount-ref" in {f[3] for f in second[0]}
    assert second == _check(repo, target, None)


def test_a_corrupted_pack_is_ignored_and_rewritten(tmp_path):
    repo, target = _tree(tmp_path)
    cache_dir = str(tmp_path / "cache")
    expected = _check(repo, target, cache_dir)
    (pack,) = _pack(cache_dir)
    with open(pack, "r+b") as fh:
        fh.seek(-3, os.SEEK_END)
        fh.write(b"\xff\xff\xff")
    assert _check(repo, target, cache_dir) == expected
    store = cache.Store(cache_dir)
    assert store.load(contextfiles.NAMESPACE, os.path.basename(pack)) is not None  # rewritten, verifies


def test_the_pack_holds_the_files_of_the_last_run_only(tmp_path):
    repo, target = _tree(tmp_path)
    cache_dir = str(tmp_path / "cache")
    _check(repo, target, cache_dir)
    (pack,) = _pack(cache_dir)
    store = cache.Store(cache_dir)
    paths = set(store.load(contextfiles.NAMESPACE, os.path.basename(pack)))
    assert paths == {str(repo / "ctx" / n) for n in CONTEXT}  # the target is an input: not loaded as context
    os.remove(repo / "ctx" / "svc.yaml")
    _check(repo, target, cache_dir)
    assert set(store.load(contextfiles.NAMESPACE, os.path.basename(pack))) == paths - {str(repo / "ctx" / "svc.yaml")}


def test_inputs_inside_the_context_are_not_loaded_twice(tmp_path, monkeypatch):
    repo, target = _tree(tmp_path)
    loaded = []
    real = contextfiles.load

    def spy(entries, settings, jobs, skip=lambda p: False, reads=None):
        out = real(entries, settings, jobs, skip, reads)
        loaded.extend(fr.path for fr in out)
        return out

    monkeypatch.setattr(contextfiles, "load", spy)
    for cache_dir in (None, str(tmp_path / "cache"), str(tmp_path / "cache")):  # off, cold, warm
        loaded.clear()
        _check(repo, target, cache_dir)
        assert str(target) not in loaded and len(loaded) == len(CONTEXT)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_in_the_context_is_not_read_for_its_key(tmp_path):
    repo, target = _tree(tmp_path)
    os.mkfifo(repo / "ctx" / "pipe.yaml")
    assert contextfiles._key(str(repo / "ctx" / "pipe.yaml"), Settings().limits) is None


def test_no_cache_writes_no_pack(tmp_path):
    repo, target = _tree(tmp_path)
    _check(repo, target, None)
    assert not os.path.exists(tmp_path / "cache")


def test_stdin_target_with_a_cached_context(tmp_path):
    repo, _ = _tree(tmp_path)
    cache_dir = str(tmp_path / "cache")
    settings = Settings(jobs=1, context_paths=(str(repo / "ctx"),), cache_dir=cache_dir)
    first = run(["-"], settings, stdin=io.BytesIO(DEPLOY.encode())).findings
    again = run(["-"], settings, stdin=io.BytesIO(DEPLOY.encode())).findings
    assert first == again and len(_pack(cache_dir)) == 1


def test_warm_results_carry_the_objects_and_secrets_of_a_cold_load(tmp_path):
    from kubelint.discover import plan

    repo, _ = _tree(tmp_path)
    settings = Settings(jobs=1, context_paths=(str(repo / "ctx"),), cache_dir=str(tmp_path / "cache"))
    entries = plan([str(repo / "ctx")], settings.limits, context_only=True).files
    cold = contextfiles.load(entries, settings, 1)
    warm = contextfiles.load(entries, settings, 1)

    def view(results):
        return [
            (
                fr.path,
                fr.fatal,
                [tuple(s) for s in fr.secrets],
                [(o.data, o.line, o.column, o.context_only) for o in fr.objects],
            )
            for fr in results
        ]

    assert view(cold) == view(warm)
    assert any(s[0] == "s3cr3t-Value-42" for fr in warm for s in fr.secrets)


BROKEN_POLICY = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
    - expression: "object.spec.replicas >"
"""


def test_refusals_of_context_policies_keep_their_positions_warm(tmp_path):
    """The one finding a context file can get (the server refuses a policy there): at the same line and
    column from the pack as from a fresh load."""
    repo, target = _tree(tmp_path)
    (repo / "ctx" / "policy.yaml").write_text(BROKEN_POLICY)
    cache_dir = str(tmp_path / "cache")
    cold = _check(repo, target, cache_dir)
    warm = _check(repo, target, cache_dir)
    assert cold == warm == _check(repo, target, None)
    refusals = [f for f in warm[0] if f[0].endswith("policy.yaml")]
    assert refusals and all(f[1] > 1 for f in refusals), warm[0]


def test_a_large_context_is_split_in_packs_by_directory_and_a_change_rewrites_one(tmp_path, monkeypatch):
    monkeypatch.setattr(contextfiles, "SHARD_BYTES", 300)
    repo, target = _tree(tmp_path)
    for d in ("a", "b", "c", "d"):
        (repo / d).mkdir()
        for i in range(3):
            (repo / d / f"cm{i}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {d}{i}}}\n")
    cache_dir = str(tmp_path / "cache")
    expected = _check(repo, target, None)
    assert _check(repo, target, cache_dir) == expected
    packs = {p: os.stat(p).st_mtime_ns for p in _pack(cache_dir)}
    assert len(packs) > 1
    (repo / "a" / "cm0.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n"
    )
    changed = _check(repo, target, cache_dir)
    assert changed == _check(repo, target, None) and changed != expected  # the ConfigMap is found now
    rewritten = [p for p, t in packs.items() if os.stat(p).st_mtime_ns != t]
    assert len(rewritten) == 1, rewritten
    assert _check(repo, target, cache_dir) == changed
