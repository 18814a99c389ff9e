"""``--context`` runs: cross-object rules compute findings for the targets only, with the same findings as
visiting every object and dropping those on context objects afterwards (what kubelint did before; the
cross-object stage keeps that mode as ``CrossStage(targets_only=False)`` for this comparison).

The sample: corpus files chosen for the cross-object rules they exercise (Services beside workloads,
Ingresses, PodDisruptionBudgets, autoscalers, NetworkPolicies, StatefulSets, RBAC bindings, storage,
Namespaces, workloads referring to ConfigMaps and Secrets), each checked with the rest of its directory as
``--context``, every rule on (``--profile all``) and a PodSecurity configuration so that the Pod Security
rules evaluate every namespace.

Checking target + context together and keeping the targets' findings is *not* the same as a ``--context``
run, so it is not the reference: rules reported once per run (``no-schema`` once per kind) land on the
first object of the run, and ``duplicate-object`` reports the later of two objects, whose order differs.
"""

import os
import re

import pytest

from conftest import CORPUS, ROOT
from kubelint import engine
from kubelint.runner import run
from kubelint.settings import Settings

# kind -> how many target files to pick for it
KINDS = {
    "Service": 5,
    "Ingress": 4,
    "PodDisruptionBudget": 3,
    "HorizontalPodAutoscaler": 3,
    "NetworkPolicy": 4,
    "StatefulSet": 3,
    "RoleBinding": 2,
    "ClusterRoleBinding": 2,
    "StorageClass": 2,
    "PersistentVolume": 1,
    "Namespace": 2,
    "secretKeyRef": 2,
    "configMapKeyRef": 2,
}
PSA = ROOT / "tests" / "data" / "pod-security-admission" / "cluster" / "admission.yaml"


def _sample():
    """{directory: [target files]}: for each entry of KINDS, the first files (in path order) that mention
    it, at most one per directory per kind, 30 or so targets in all."""
    files = []
    for dirpath, dirs, names in os.walk(CORPUS):
        dirs.sort()
        files += [os.path.join(dirpath, n) for n in sorted(names) if n.endswith((".yaml", ".yml"))]
    picked = {}
    for word, count in KINDS.items():
        rx = re.compile(rf"^\s*(- )?(kind: {word}\s*$|{word}:)", re.M)
        dirs_used = set()
        for path in files:
            if count == 0:
                break
            d = os.path.dirname(path)
            if d in dirs_used or path in picked.get(d, ()) or len(os.listdir(d)) < 3:
                continue
            try:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError):
                continue
            if rx.search(text):
                picked.setdefault(d, []).append(path)
                dirs_used.add(d)
                count -= 1
    return picked


CROSS_STAGE = engine.CrossStage


def _findings(targets, directory, targets_only, monkeypatch):
    monkeypatch.setattr(engine, "CrossStage", lambda ruleset: CROSS_STAGE(ruleset, targets_only=targets_only))
    settings = Settings(jobs=1, profiles=("all",), context_paths=(directory,), pod_security=_psa())
    result = run(targets, settings)
    return [(f.file, f.line, f.column, f.rule, f.severity, f.message, f.path, f.hint) for f in result.findings]


def _context(directory: str) -> str:
    """The target's directory's parent (its siblings' manifests too), unless that is a large tree."""
    parent = os.path.dirname(directory)
    n = sum(len(names) for _, _, names in os.walk(parent))
    return parent if parent != str(CORPUS) and n <= 150 else directory


def _psa():
    from kubelint.podsecurity import load_admission_config

    return load_admission_config(str(PSA))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not found")
def test_targets_only_gives_the_same_findings_as_visiting_every_object(monkeypatch):
    sample = _sample()
    targets = [t for ts in sample.values() for t in ts]
    assert len(targets) >= 25, sample
    cross_rules = {c.rule for c in engine.RuleSet(Settings(profiles=("all",))).cross}
    seen_rules = set()
    for directory, files in sorted(sample.items()):
        context = _context(directory)
        new = _findings(files, context, True, monkeypatch)
        old = _findings(files, context, False, monkeypatch)
        assert new == old, directory
        # findings never point into context files (admission refusals of context policies aside)
        assert {f[0] for f in new} <= set(files)
        seen_rules |= {f[3] for f in new if f[3] in cross_rules}
    # the sample exercises the cross-object rules, not only the per-object ones
    assert len(seen_rules) >= 12, sorted(seen_rules)


def _obj(kind, name, context, group="", ns="shop", **data):
    from kubelint.model import KubeObject

    body = {"apiVersion": f"{group}/v1" if group else "v1", "kind": kind, "metadata": {"name": name, "namespace": ns}}
    body.update(data)
    o = KubeObject(body, (1, 1, None), f"{'ctx' if context else 'in'}/{name}.yaml", 0)
    o.context_only = context
    return o


def test_index_targets():
    a, b = _obj("Service", "a", False), _obj("Service", "b", True)
    index = engine.ObjectIndex([a, b], targets_only=True)
    assert index.targets == [a] and index.targets_of_kind("", "Service") == [a]
    assert index.of_kind("", "Service") == [a, b] and not index.is_target(b)
    every = engine.ObjectIndex([a, b])
    assert every.targets == [a, b] and every.is_target(b)
    alone = engine.ObjectIndex([a], targets_only=True)  # no context: the index has nothing to leave out
    assert not alone.targets_only and alone.targets is alone.objects


def test_order_sensitive_rules_keep_the_first_match(monkeypatch):
    """hpa-with-replicas names the first autoscaler of a workload and duplicate-object reports the later
    object: a context object before a target still counts."""
    dep = {"spec": {"replicas": 2, "template": {"metadata": {"labels": {"app": "w"}}, "spec": {"containers": []}}}}
    hpa_ctx = _obj(
        "HorizontalPodAutoscaler",
        "first",
        True,
        "autoscaling",
        spec={"scaleTargetRef": {"kind": "Deployment", "name": "w"}, "maxReplicas": 4},
    )
    hpa_in = _obj(
        "HorizontalPodAutoscaler",
        "second",
        False,
        "autoscaling",
        spec={"scaleTargetRef": {"kind": "Deployment", "name": "w"}, "maxReplicas": 4},
    )
    work = _obj("Deployment", "w", False, "apps", **dep)
    dup_ctx, dup_in = _obj("ConfigMap", "c", True), _obj("ConfigMap", "c", False)
    objects = [hpa_ctx, hpa_in, work, dup_ctx, dup_in]
    cfg_params = {"duplicate-object": {"scope": "run"}}
    from kubelint.config import Config

    settings = Settings(config=Config(params=cfg_params), profiles=("all",))
    rs = engine.RuleSet(settings)
    rs.cross = [c for c in rs.cross if c.rule in ("hpa-with-replicas", "duplicate-object")]
    new = [(f.rule, f.message, f.file) for f in CROSS_STAGE(rs).check_all(objects)]
    old = [(f.rule, f.message, f.file) for f in CROSS_STAGE(rs, targets_only=False).check_all(objects)]
    assert new == old
    assert {r for r, _, _ in new} == {"hpa-with-replicas", "duplicate-object"}
    assert any("HorizontalPodAutoscaler first manages" in m for _, m, _ in new)
    assert all(f.startswith("in/") for _, _, f in new)
