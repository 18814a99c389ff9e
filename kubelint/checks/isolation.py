"""Network isolation: Pods no NetworkPolicy selects, NetworkPolicies that
select nothing, and policy peers that match no Pod of the set."""

from __future__ import annotations

import os

from ..engine import check_all
from ..findings import Problem
from ..kinds import pod_spec
from ._common import as_list, is_workload, pod_templates

from ..labels import label_selector, selector_is_empty, selector_matches

_NP = ("networking.k8s.io", "NetworkPolicy")
_NS_NAME_LABEL = "kubernetes.io/metadata.name"


def _policies(index):
    """namespace -> [(policy, podSelector)]."""
    cached = getattr(index, "_netpols", None)
    if cached is None:
        cached = {}
        for np in index.of_kind(*_NP):
            spec = np.data.get("spec")
            sel = spec.get("podSelector") if isinstance(spec, dict) else None
            cached.setdefault(index.namespace_of(np), []).append((np, sel if isinstance(sel, dict) else None))
        index._netpols = cached
    return cached


@check_all("pod-not-isolated")
def pod_not_isolated(index, ctx):
    policies = _policies(index)
    always, whole_set = bool(ctx.params["always"]), bool(ctx.params["whole_set"])
    if whole_set and not always and not policies:
        return  # the set uses no NetworkPolicies at all
    templates = pod_templates(index)
    for ns, items in templates.by_ns.items():
        pols = policies.get(ns, ())
        if not pols and not (always or whole_set):
            continue  # no policy for this namespace in the set: nothing says it isolates Pods
        # each podSelector converted once per namespace, not once per Pod (selector_matches does both)
        # and each asks only the workloads carrying its matchLabels (PodTemplates.matching's label index)
        selected = {}  # id(workload) -> the policies of the namespace that select its Pods
        for np, sel in pols:
            pred = label_selector(sel) if sel is not None else None
            if pred is None:
                continue
            ml = sel.get("matchLabels") if isinstance(sel.get("matchLabels"), dict) else None
            for obj in templates.matching(ns, pred, required=ml):
                selected.setdefault(id(obj), []).append(np)
        for obj, _labels in items:
            if not is_workload(obj) or not index.is_target(obj):
                continue
            spec, _ = pod_spec(obj)
            if spec is None or spec.get("hostNetwork") is True:
                continue  # NetworkPolicies do not apply to host-network Pods
            selecting = selected.get(id(obj), ())
            ingress = any("Ingress" in _policy_types(np) for np in selecting)
            egress = any("Egress" in _policy_types(np) for np in selecting)
            if ingress and (egress or not ctx.params["require_egress"]):
                continue
            if not selecting:
                where = (
                    f"no NetworkPolicy of namespace {ns} selects its Pods"
                    if pols
                    else f"namespace {ns} has no NetworkPolicy"
                )
                what = "any Pod of the cluster can connect to them and they can connect anywhere"
            elif not ingress:
                where = "the NetworkPolicies that select its Pods restrict only their egress"
                what = "any Pod of the cluster can connect to them"
            else:
                where = "the NetworkPolicies that select its Pods restrict only incoming traffic"
                what = "they can connect anywhere (the cluster's API, other namespaces, the internet)"
            yield (
                obj,
                Problem(
                    ("kind",),
                    f"{obj.kind}'s Pods are not isolated: {where}, so {what}; add a NetworkPolicy whose "
                    "podSelector matches their labels and allows only the traffic they need (or a default-deny "
                    "policy with podSelector: {} in the namespace)",
                ),
            )


def _policy_types(np) -> tuple:
    """The directions a NetworkPolicy isolates: policyTypes, or as the API server defaults it
    (Ingress always, Egress when the policy has egress rules)."""
    spec = np.data.get("spec") if isinstance(np.data.get("spec"), dict) else {}
    types = spec.get("policyTypes")
    if isinstance(types, list) and types:
        return tuple(t for t in types if isinstance(t, str))
    return ("Ingress", "Egress") if "egress" in spec else ("Ingress",)


def _matcher(sel):
    """A predicate on pod labels for one selector."""
    return lambda labels: selector_matches(sel, labels)


def _local_workloads(templates, ns, obj) -> bool:
    """The set holds workloads of namespace ``ns`` that belong with ``obj``:
    any, when ``obj`` names its namespace; else one from its directory (a
    namespace-less file is not compared with unrelated files that also
    default to ``default``)."""
    items = templates.by_ns.get(ns, ())
    if not items:
        return False
    if obj.namespace and obj.namespace == ns:
        return True
    dirs = getattr(templates, "_dirs", None)
    if dirs is None:
        dirs = templates._dirs = {}  # namespace -> directories of its workloads' files, once per run
    in_ns = dirs.get(ns)
    if in_ns is None:
        in_ns = dirs[ns] = {os.path.dirname(w.file) for w, _ in items}
    return os.path.dirname(obj.file) in in_ns


@check_all("networkpolicy-selects-no-pods")
def networkpolicy_selects_no_pods(index, ctx):
    templates = pod_templates(index)
    for ns, items in _policies(index).items():
        for np, sel in items:
            if sel is None or selector_is_empty(sel) or not index.is_target(np):
                continue
            if not _local_workloads(templates, ns, np):
                continue  # (the namespace's Pods are not in the checked manifests)
            ml = sel.get("matchLabels") if isinstance(sel.get("matchLabels"), dict) else None
            pred = _matcher(sel)
            if templates.matching(ns, pred, required=ml):
                continue
            if templates.operator_may_create(ns, list((ml or {}).values()), pred):
                continue
            yield (
                np,
                Problem(
                    ("spec", "podSelector"),
                    f"podSelector matches the pod labels of no workload in namespace {ns}: the policy "
                    "isolates nothing and its rules allow nothing (a typo here leaves the intended Pods "
                    "open); copy the labels from the workload's spec.template.metadata.labels",
                    at="key",
                ),
            )


def _peer_namespace(peer, own_ns):
    """The namespace a peer's podSelector applies to: the policy's own when
    there is no namespaceSelector, the one named by the well-known
    kubernetes.io/metadata.name label, else None (unknowable here)."""
    nsel = peer.get("namespaceSelector")
    if nsel is None:
        return own_ns
    if not isinstance(nsel, dict):
        return None
    ml = nsel.get("matchLabels")
    if (
        isinstance(ml, dict)
        and set(ml) == {_NS_NAME_LABEL}
        and not nsel.get("matchExpressions")
        and isinstance(ml[_NS_NAME_LABEL], str)
    ):
        return ml[_NS_NAME_LABEL]
    return None


@check_all("networkpolicy-peer-matches-nothing")
def networkpolicy_peer_matches_nothing(index, ctx):
    templates = pod_templates(index)
    for np in index.targets_of_kind(*_NP):
        spec = np.data.get("spec")
        if not isinstance(spec, dict):
            continue
        own = index.namespace_of(np)
        for direction, key in (("ingress", "from"), ("egress", "to")):
            for i, rule in enumerate(as_list(spec.get(direction))):
                if not isinstance(rule, dict):
                    continue
                for j, peer in enumerate(as_list(rule.get(key))):
                    if not isinstance(peer, dict) or not isinstance(peer.get("podSelector"), dict):
                        continue
                    sel = peer["podSelector"]
                    if selector_is_empty(sel):
                        continue
                    ns = _peer_namespace(peer, own)
                    if ns is None or not _local_workloads(templates, ns, np):
                        continue  # that namespace's Pods are not in the checked manifests
                    ml = sel.get("matchLabels") if isinstance(sel.get("matchLabels"), dict) else None
                    pred = _matcher(sel)
                    if templates.matching(ns, pred, required=ml):
                        continue
                    if templates.operator_may_create(ns, list((ml or {}).values()), pred):
                        continue
                    verb = "allows traffic from" if direction == "ingress" else "allows traffic to"
                    yield (
                        np,
                        Problem(
                            ("spec", direction, i, key, j, "podSelector"),
                            f"{direction} peer {j} {verb} Pods labelled so that no workload of namespace {ns} "
                            "matches: the rule allows nothing, and the traffic it was meant for is dropped; "
                            "fix the labels to those of the intended workload's pod template",
                            at="key",
                        ),
                    )
