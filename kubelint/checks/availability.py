"""Availability rules: replicas, rollouts and disruption budgets."""

from __future__ import annotations

import math

from ..engine import check, check_all
from ..kinds import pod_template_labels
from ..labels import label_selector, selector_is_empty
from ._common import pod_templates, replicas, who

_HA_KINDS = (("apps", "Deployment"), ("apps", "StatefulSet"))


def hpa_min_replicas(index):
    """(namespace, kind, name) -> the highest minReplicas of HPAs targeting it."""
    cached = getattr(index, "_hpa_min", None)
    if cached is not None:
        return cached
    out = {}
    for obj in index.objects:
        if obj.group != "autoscaling" or obj.kind != "HorizontalPodAutoscaler":
            continue
        spec = obj.data.get("spec")
        if not isinstance(spec, dict):
            continue
        ref = spec.get("scaleTargetRef")
        if not isinstance(ref, dict):
            continue
        m = spec.get("minReplicas", 1)
        m = m if isinstance(m, int) and not isinstance(m, bool) else 1
        if not isinstance(ref.get("kind"), str) or not isinstance(ref.get("name"), str):
            continue
        key = (index.namespace_of(obj), ref.get("kind"), ref.get("name"))
        out[key] = max(out.get(key, 0), m)
    index._hpa_min = out
    return out


def effective_replicas(obj, index):
    """Replicas the workload runs with at least: spec.replicas, or the HPA's minReplicas."""
    n = replicas(obj)
    hpa = hpa_min_replicas(index).get((index.namespace_of(obj), obj.kind, obj.name))
    if hpa is not None:
        return hpa, True
    return n, False


@check_all("single-replica")
def single_replica(index, ctx):
    wanted = int(ctx.params["min_replicas"])
    for g, k in _HA_KINDS:
        for obj in index.targets_of_kind(g, k):
            n, by_hpa = effective_replicas(obj, index)
            if n is None or n == 0 or n >= wanted:
                continue  # 0: deliberately scaled down
            if by_hpa:
                msg = (
                    f"the HorizontalPodAutoscaler of this {obj.kind} allows {n} replica{'s' if n != 1 else ''}: "
                    f"one node drain, eviction or crash takes the service down; set minReplicas to {wanted} or more"
                )
                spec = obj.data.get("spec")
                yield (
                    obj,
                    _problem(("spec", "replicas") if isinstance(spec, dict) and "replicas" in spec else ("kind",), msg),
                )
                continue
            spec = obj.data.get("spec")
            has = isinstance(spec, dict) and "replicas" in spec
            msg = (
                f"{obj.kind} runs {n} replica{'' if n == 1 else 's'}{'' if has else ' (replicas unset means 1)'}: "
                f"one node drain, eviction or crash takes it down until a new Pod is ready; "
                f"set spec.replicas to {wanted} or more (or scale it with a HorizontalPodAutoscaler with "
                f"minReplicas >= {wanted})"
            )
            yield obj, _problem(("spec", "replicas") if has else ("spec",), msg, at="value" if has else "key")


def _problem(path, msg, at="value"):
    from ..findings import Problem

    return Problem(path, msg, at=at)


def _scaled(value, total, round_up):
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.endswith("%"):
        try:
            p = int(value[:-1])
        except ValueError:
            return None
        v = p * total / 100
        return math.ceil(v) if round_up else math.floor(v)
    return None


@check("rolling-update-downtime")
def rolling_update_downtime(obj, ctx):
    from ..findings import Problem

    if obj.group != "apps":
        return
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return
    key = "strategy" if obj.kind == "Deployment" else "updateStrategy"
    strategy = spec.get(key)
    if not isinstance(strategy, dict):
        return
    if obj.kind == "Deployment" and strategy.get("type") == "Recreate":
        yield Problem(
            ("spec", key, "type"),
            "strategy Recreate stops every old Pod before starting new ones: each rollout is an outage; "
            "use RollingUpdate (if a ReadWriteOnce volume forces Recreate, the workload wants to be a StatefulSet)",
        )
        return
    ru = strategy.get("rollingUpdate")
    if not isinstance(ru, dict) or "maxUnavailable" not in ru:
        return
    mu = ru.get("maxUnavailable")
    if obj.kind == "Deployment":
        n = replicas(obj)
        if n is None or n == 0:
            return
        v = _scaled(mu, n, False)
        if v is None or v < n:
            return
        detail = f"maxUnavailable {mu!s} allows all {n} replica{'s' if n != 1 else ''} down at once"
    else:
        if not (isinstance(mu, str) and mu.endswith("%") and _scaled(mu, 100, False) >= 100):
            return
        detail = f"maxUnavailable {mu} lets every node's Pod go down at once"
    yield Problem(
        ("spec", key, "rollingUpdate", "maxUnavailable"),
        f"{detail}: a rollout can be a full outage; lower maxUnavailable (e.g. 25% or 1) "
        f"and let maxSurge add new Pods first",
    )


def pdbs(index):
    cached = getattr(index, "_pdbs", None)
    if cached is None:
        cached = {}
        for obj in index.of_kind("policy", "PodDisruptionBudget"):
            sel = obj.data.get("spec", {}).get("selector") if isinstance(obj.data.get("spec"), dict) else None
            cached.setdefault(index.namespace_of(obj), []).append((obj, sel))
        index._pdbs = cached
    return cached


@check_all("no-pod-disruption-budget")
def no_pod_disruption_budget(index, ctx):
    wanted = int(ctx.params["min_replicas"])
    # A selector that does not convert selects nothing (the disruption controller's view).
    budgets = {
        ns: [p for _, sel in items if isinstance(sel, dict) for p in (label_selector(sel),) if p is not None]
        for ns, items in pdbs(index).items()
    }
    for g, k in _HA_KINDS:
        for obj in index.targets_of_kind(g, k):
            n, _ = effective_replicas(obj, index)
            if n is None or n < wanted:
                continue
            labels, _ = pod_template_labels(obj)
            if not isinstance(labels, dict) or not labels:
                continue
            ns = index.namespace_of(obj)
            if any(pred(labels) for pred in budgets.get(ns, ())):
                continue
            yield (
                obj,
                _problem(
                    ("kind",),
                    f"{obj.kind} runs {n} replicas but no PodDisruptionBudget in namespace {ns} selects its Pods: "
                    "a node drain or cluster upgrade may evict all of them at once; add a PodDisruptionBudget "
                    "with maxUnavailable: 1 and this workload's pod labels as selector",
                ),
            )


@check_all("pdb-selects-no-pods")
def pdb_selects_no_pods(index, ctx):
    templates = pod_templates(index)
    for ns, items in pdbs(index).items():
        for obj, sel in items:
            if not isinstance(sel, dict) or selector_is_empty(sel) or not index.is_target(obj):
                continue
            pred = label_selector(sel)
            if pred is None:
                continue  # the API server rejects the selector (invalid-selector)
            ml = sel.get("matchLabels") if isinstance(sel.get("matchLabels"), dict) else None
            if templates.matching(ns, pred, required=ml):
                continue
            values = list((sel.get("matchLabels") or {}).values()) if isinstance(sel.get("matchLabels"), dict) else []
            if templates.operator_may_create(ns, values, pred):
                continue
            yield (
                obj,
                _problem(
                    ("spec", "selector"),
                    f"selector matches the pod labels of no workload in namespace {ns}: the budget protects "
                    "nothing; copy the selector from the workload's spec.template.metadata.labels",
                    at="key",
                ),
            )


@check_all("pdb-blocks-eviction")
def pdb_blocks_eviction(index, ctx):
    templates = pod_templates(index)
    for ns, items in pdbs(index).items():
        for obj, sel in items:
            spec = obj.data.get("spec")
            if not isinstance(spec, dict) or not index.is_target(obj):
                continue
            if "maxUnavailable" in spec:
                mu = spec["maxUnavailable"]
                if mu == 0 or mu == "0%" or mu == "0":
                    yield (
                        obj,
                        _problem(
                            ("spec", "maxUnavailable"),
                            "maxUnavailable 0 never allows an eviction: node drains and cluster upgrades hang "
                            "on these Pods; allow at least 1 (and run 2 or more replicas)",
                        ),
                    )
                continue
            if "minAvailable" not in spec or not isinstance(sel, dict) or selector_is_empty(sel):
                continue
            pred = label_selector(sel)
            if pred is None:
                continue  # the API server rejects the selector (invalid-selector)
            matched = [
                o
                for o in templates.matching(ns, pred)
                if (o.group, o.kind) in _HA_KINDS
                or (o.group, o.kind) in (("apps", "ReplicaSet"), ("", "ReplicationController"))
            ]
            if not matched:
                continue
            counts = [effective_replicas(o, index)[0] for o in matched]
            if None in counts:
                continue  # a replica count that is not a number (a template): this budget cannot be judged
            total = sum(counts)
            ma = spec["minAvailable"]
            v = _scaled(ma, total, True)
            if v is None or total == 0 or v < total:
                continue
            names = ", ".join(who(o, index) for o in matched[:3])
            yield (
                obj,
                _problem(
                    ("spec", "minAvailable"),
                    f"minAvailable {ma} equals or exceeds the {total} replica{'s' if total != 1 else ''} of {names}: "
                    "no Pod may ever be evicted, so node drains and upgrades hang; use maxUnavailable: 1 "
                    "or a minAvailable below the replica count",
                ),
            )
