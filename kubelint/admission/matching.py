"""Which requests a policy or binding applies to.

Ported from ``k8s.io/apiserver/pkg/admission/plugin/policy/matching``
(``Matcher.Matches``, ``matchesResourceRules``) and the webhook predicates it
uses (``predicates/rules.Matcher``: operations, groups, versions, resources
with subresources, scope; ``predicates/namespace.Matcher``;
``predicates/object.Matcher``).  A request here is always a CREATE of the
object as written (``kubectl apply`` of a new object).
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


class Resources:
    """Kind -> (resource, namespaced) for built-in kinds and the CRDs of the run."""

    def __init__(self):
        self.crds: Dict[Tuple[str, str], Tuple[str, bool]] = {}
        self.crd_versions: Dict[Tuple[str, str], Tuple[str, ...]] = {}

    def add_crd(self, data: dict) -> None:
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


def resource_rules_match(rules, req: Request, match_policy, names_ok=True) -> Tuple[bool, bool]:
    """``matchesResourceRules``: (matches, needs_conversion).

    With ``matchPolicy: Equivalent`` a rule naming another version of the
    same group and resource matches too; the server converts the object to
    that version first, which kubelint cannot do for every kind
    (``needs_conversion``: the caller reports the policy as not evaluated)."""
    for r in rules if isinstance(rules, list) else []:
        if not isinstance(r, dict) or not rule_matches(r, req):
            continue
        names = r.get("resourceNames")
        if not names or (isinstance(names, list) and req.name in names):
            return True, False
    if match_policy == "Exact":
        return False, False
    for r in rules if isinstance(rules, list) else []:
        if not isinstance(r, dict):
            continue
        versions = r.get("apiVersions")
        if not isinstance(versions, list) or "*" in versions or not versions:
            continue
        for other in versions:
            if other == req.version:
                continue
            alt = Request(req.group, other, req.kind, req.resource, req.namespace, req.name, req.namespaced, req.labels)
            if rule_matches(r, alt) and _served_elsewhere(req, other):
                names = r.get("resourceNames")
                if not names or (isinstance(names, list) and req.name in names):
                    return True, True
    return False, False


# Group/resources a 1.37 server serves in more than one version (the
# equivalent-resource mapper): autoscaling v1/v2 HPAs, events in core and
# events.k8s.io share storage too but are different groups.
_MULTI_VERSION = {("autoscaling", "horizontalpodautoscalers"): ("v1", "v2")}


def _served_elsewhere(req: Request, other: str) -> bool:
    return other in _MULTI_VERSION.get((req.group, req.resource), ())


def selector_matches(selector, labels: Dict[str, str]):
    """``metav1.LabelSelectorAsSelector(selector).Matches(labels)``; an
    empty or absent selector matches everything."""
    try:  # the one label-selector matcher (kubelint/labels.py, after the restructuring)
        from ..labels import selector_matches as _matches
    except ImportError:  # pragma: no cover - before it
        from ..apiserver.meta import selector_matches as _matches

    if not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        return True
    return _matches(selector, labels or {})


def selector_empty(selector) -> bool:
    return not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions"))


def matches(criteria: dict, req: Request, namespace_labels) -> Tuple[object, bool]:
    """``Matcher.Matches`` for a policy's matchConstraints or a binding's
    matchResources: (True/False/NOT_EVALUABLE, needs_conversion).

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
        return False, False
    if not selector_matches(criteria.get("objectSelector"), req.labels):
        return False, False
    policy = criteria.get("matchPolicy") or "Equivalent"
    excluded, _ = resource_rules_match(criteria.get("excludeResourceRules"), req, policy)
    if excluded:
        return False, False
    rules = criteria.get("resourceRules")
    if not rules:
        ok, conv = True, False
    else:
        ok, conv = resource_rules_match(rules, req, policy)
    if not ok:
        return False, False
    return ns_result, conv


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
