"""Which requests a policy or binding applies to.

Ported from ``k8s.io/apiserver/pkg/admission/plugin/policy/matching``
(``Matcher.Matches``, ``matchesResourceRules``) and the webhook predicates it
uses (``predicates/rules.Matcher``: operations, groups, versions, resources
with subresources, scope; ``predicates/namespace.Matcher``;
``predicates/object.Matcher``), with ``matchPolicy: Equivalent`` through
the equivalent resources of :mod:`.conversion`.  A request here is always a
CREATE of the object as written (``kubectl apply`` of a new object).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

from ..kinds import is_cluster_scoped

# Kinds whose resource name is not the lower-cased kind + "s"/"es"/"ies"
# (the REST mapper of a 1.37 server; kubectl api-resources).
_IRREGULAR = {("", "Endpoints"): "endpoints"}

NOT_EVALUABLE = object()  # a selector that cannot be decided offline


def guess_resource(kind: str) -> str:
    """``meta.UnsafeGuessKindToResource``: the plural the built-in kinds use."""
    k = kind.lower()
    if not k:
        return k
    if k.endswith("s"):
        return k + "es"
    if k.endswith("y") and len(k) > 1 and k[-2] not in "aeiou":
        return k[:-1] + "ies"
    return k + "s"


@dataclass
class Request:
    """The admission attributes of a create (``admission.Attributes``)."""

    group: str
    version: str
    kind: str
    resource: str
    namespace: str  # "" for cluster-scoped; a Namespace's own name for a Namespace
    name: str
    namespaced: bool
    labels: Dict[str, str] = field(default_factory=dict)
    operation: str = "CREATE"
    subresource: str = ""
    # (group, version, kind, resource) of the request as sent, when this
    # request names the equivalent kind a policy matched (requestKind, requestResource)
    requested: Optional[Tuple[str, str, str, str]] = None


class Resources:
    """Kind -> (resource, namespaced) for built-in kinds and the CRDs of the run."""

    def __init__(self):
        self.crds: Dict[Tuple[str, str], Tuple[str, bool]] = {}
        self.crd_versions: Dict[Tuple[str, str], Tuple[str, ...]] = {}
        self.crd_kinds: Dict[Tuple[str, str], str] = {}  # (group, plural) -> kind
        self.crd_strategy: Dict[Tuple[str, str], str] = {}  # (group, kind) -> conversion strategy
        self.rules_memo: Dict[int, tuple] = {}  # resource_rules_match's verdicts (they depend on the CRDs)

    def add_crd(self, data: dict) -> None:
        self.rules_memo.clear()
        spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
        names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
        group, kind, plural = spec.get("group"), names.get("kind"), names.get("plural")
        if isinstance(group, str) and isinstance(kind, str) and isinstance(plural, str):
            self.crds[(group, kind)] = (plural, spec.get("scope") != "Cluster")
            vs = [
                v.get("name")
                for v in spec.get("versions") or []
                if isinstance(v, dict) and isinstance(v.get("name"), str)
            ]
            self.crd_versions[(group, plural)] = tuple(vs)
            self.crd_kinds[(group, plural)] = kind
            conv = spec.get("conversion") if isinstance(spec.get("conversion"), dict) else {}
            strategy = conv.get("strategy")
            self.crd_strategy[(group, kind)] = strategy if isinstance(strategy, str) and strategy else "None"

    def lookup(self, group: str, kind: str) -> Tuple[str, bool]:
        if (group, kind) in self.crds:
            return self.crds[(group, kind)]
        return _IRREGULAR.get((group, kind)) or guess_resource(kind), not is_cluster_scoped(group, kind)


def rule_matches(rule: dict, req: Request) -> bool:
    """``rules.Matcher.Matches``: operation, group, version, resource, scope."""
    if not isinstance(rule, dict):
        return False
    return (
        _any(rule.get("operations"), req.operation)
        and _any(rule.get("apiGroups"), req.group)
        and _any(rule.get("apiVersions"), req.version)
        and _resource(rule.get("resources"), req)
        and _scope(rule.get("scope"), req)
    )


def _any(values, value: str) -> bool:
    if not isinstance(values, list):
        return False
    return any(v == "*" or v == value for v in values)


def _resource(values, req: Request) -> bool:
    if not isinstance(values, list):
        return False
    for v in values:
        if not isinstance(v, str):
            continue
        res, _, sub = v.partition("/")
        if (res == "*" or res == req.resource) and (sub == "*" or sub == req.subresource):
            return True
    return False


def _scope(scope, req: Request) -> bool:
    if scope in (None, "*"):
        return True
    is_ns_object = req.group == "" and req.resource == "namespaces"
    if scope == "Namespaced":
        return not is_ns_object and req.namespace != ""
    if scope == "Cluster":
        return is_ns_object or req.namespace == ""
    return False


def resource_rules_match(rules, req: Request, match_policy, resources=None) -> Tuple[bool, Optional[tuple]]:
    """``matchesResourceRules``: (matches, equivalent).

    ``equivalent`` is None when a rule names the request's own resource, or
    ``(group, version, resource, kind)`` when, with ``matchPolicy:
    Equivalent``, a rule names only an equivalent resource
    (:func:`kubelint.admission.conversion.equivalents`): the server converts
    the object to that kind before evaluating it."""
    if not isinstance(rules, list) or not rules:  # no rule (an absent excludeResourceRules): nothing to look up
        return False, None
    if resources is None or not isinstance(match_policy, str):
        return _resource_rules_match(rules, req, match_policy, resources)
    # The verdict depends on the request's resource, operation and scope (and its
    # name only when a rule lists resourceNames): once per policy and kind, not per object.
    entry = resources.rules_memo.get(id(rules))
    if entry is None or entry[0] is not rules:  # (the rules are held: their id is not reused)
        named = any(isinstance(r, dict) and r.get("resourceNames") for r in rules)
        entry = resources.rules_memo[id(rules)] = (rules, named, {})
    key = (
        match_policy,
        req.group,
        req.version,
        req.resource,
        req.subresource,
        req.operation,
        req.namespace == "",
        req.name if entry[1] else None,
    )
    hit = entry[2].get(key)
    if hit is None:
        hit = entry[2][key] = _resource_rules_match(rules, req, match_policy, resources)
    return hit


def _resource_rules_match(rules, req: Request, match_policy, resources) -> Tuple[bool, Optional[tuple]]:
    for r in rules:
        if not isinstance(r, dict) or not rule_matches(r, req):
            continue
        if _name_matches(r, req):
            return True, None
    if match_policy != "Equivalent" or resources is None:
        return False, None
    from .conversion import equivalents

    others = [
        e
        for e in equivalents(req.group, req.resource, resources.crd_versions, resources.crd_kinds)
        if (e[0], e[1], e[2]) != (req.group, req.version, req.resource)
    ]
    for r in rules if isinstance(rules, list) else []:
        if not isinstance(r, dict):
            continue
        for g, v, res, kind in others:
            alt = Request(g, v, kind, res, req.namespace, req.name, req.namespaced, req.labels, req.operation)
            if rule_matches(r, alt) and _name_matches(r, req):
                return True, (g, v, res, kind)
    return False, None


def _name_matches(rule: dict, req: Request) -> bool:
    names = rule.get("resourceNames")
    return not names or (isinstance(names, list) and req.name in names)


def selector_matches(selector, labels: Dict[str, str]):
    """``metav1.LabelSelectorAsSelector(selector).Matches(labels)``; an
    empty or absent selector matches everything."""
    if not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        return True
    from ..labels import selector_matches as _matches  # the one label-selector matcher

    return _matches(selector, labels or {})


def selector_empty(selector) -> bool:
    return not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions"))


def matches(criteria: dict, req: Request, namespace_labels, resources=None) -> Tuple[object, Optional[tuple]]:
    """``Matcher.Matches`` for a policy's matchConstraints or a binding's
    matchResources: (True/False/NOT_EVALUABLE, the equivalent resource
    matched or None; see :func:`resource_rules_match`).

    ``namespace_labels``: the labels of the request's namespace, or ``None``
    when the namespace is unknown (not in the input, not configured)."""
    if not isinstance(criteria, dict):
        criteria = {}
    ns_result = True
    ns_sel = criteria.get("namespaceSelector")
    if req.namespace and not selector_empty(ns_sel):
        if req.group == "" and req.resource == "namespaces":
            ns_result = selector_matches(ns_sel, req.labels)
        elif namespace_labels is None:
            ns_result = NOT_EVALUABLE
        else:
            ns_result = selector_matches(ns_sel, namespace_labels)
    if ns_result is False:
        return False, None
    if not selector_matches(criteria.get("objectSelector"), req.labels):
        return False, None
    policy = criteria.get("matchPolicy") or "Equivalent"
    excluded, _ = resource_rules_match(criteria.get("excludeResourceRules"), req, policy, resources)
    if excluded:
        return False, None
    rules = criteria.get("resourceRules")
    if not rules:
        ok, equivalent = True, None
    else:
        ok, equivalent = resource_rules_match(rules, req, policy, resources)
    if not ok:
        return False, None
    return ns_result, equivalent


def request_for(obj, resources: Resources, default_namespace: str) -> Optional[Request]:
    """The CREATE request ``kubectl apply`` sends for a new object."""
    if not obj.kind or not obj.version:
        return None
    resource, namespaced = resources.lookup(obj.group, obj.kind)
    if obj.group == "" and obj.kind == "Namespace":
        ns = obj.name or ""
    elif namespaced:
        ns = obj.namespace or default_namespace
    else:
        ns = ""
    return Request(obj.group, obj.version, obj.kind, resource, ns, obj.name or "", namespaced, dict(obj.labels))
