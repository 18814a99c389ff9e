"""rbac.authorization.k8s.io: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

Ported from ``pkg/apis/rbac/validation/validation.go`` (``ValidateRole``,
``ValidateClusterRole``, ``ValidatePolicyRule``, ``ValidateRoleBinding``,
``ValidateClusterRoleBinding``, ``ValidateRoleBindingSubject``) after
``pkg/apis/rbac/v1/defaults.go`` (roleRef.apiGroup and User/Group subject
apiGroup default to rbac.authorization.k8s.io).
"""

from __future__ import annotations


from ..findings import Problem
from .common import INVALID_SELECTOR, INVALID_VALUE, REQUIRED_VALUE, UNSUPPORTED_VALUE, invalid_msgs, is_str, list_at
from .meta import (
    as_json,
    invalid,
    is_valid_path_segment_name,
    name_is_dns_subdomain,
    required,
    unsupported,
    validate_label_selector,
)
from .registry import validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List

RBAC = "rbac.authorization.k8s.io"
SUBJECT_KINDS = ("ServiceAccount", "User", "Group")


def _rules(obj, namespaced: bool) -> List[Problem]:
    """ValidatePolicyRule for every rule."""
    out: List[Problem] = []
    for i, rule in enumerate(list_at(obj.data, "rules")):
        if not isinstance(rule, dict):
            continue
        p = ("rules", i)
        if not rule.get("verbs") and "verbs" in rule:  # absent: the schema's missing-required-field
            out.append(
                required(
                    p + ("verbs",),
                    "",
                    REQUIRED_VALUE,
                    at="key" if "verbs" in rule else "value",
                    hint="verbs must contain at least one value, e.g. get, list, watch",
                )
            )
        urls = rule.get("nonResourceURLs")
        if isinstance(urls, list) and urls:
            if namespaced:
                out.append(
                    invalid(
                        p + ("nonResourceURLs",),
                        as_json(urls, "[]string"),
                        "namespaced rules cannot apply to non-resource URLs",
                        INVALID_VALUE,
                        "nonResourceURLs belong in a ClusterRole",
                    )
                )
            if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
                out.append(
                    invalid(
                        p + ("nonResourceURLs",),
                        as_json(urls, "[]string"),
                        "rules cannot apply to both regular resources and non-resource URLs",
                        INVALID_VALUE,
                        "split them into two rules",
                    )
                )
            continue
        if not rule.get("apiGroups"):
            out.append(
                required(
                    p + ("apiGroups",),
                    "resource rules must supply at least one api group",
                    REQUIRED_VALUE,
                    at="key" if "apiGroups" in rule else "value",
                    hint='"" is the core group',
                )
            )
        if not rule.get("resources"):
            out.append(
                required(
                    p + ("resources",),
                    "resource rules must supply at least one resource",
                    REQUIRED_VALUE,
                    at="key" if "resources" in rule else "value",
                )
            )
    return out


@validates((RBAC, "Role"))
def role(obj, ctx):
    """ValidateRole."""
    return _rules(obj, True)


@validates((RBAC, "ClusterRole"))
def cluster_role(obj, ctx):
    """ValidateClusterRole (+ aggregationRule)."""
    out = _rules(obj, False)
    agg = obj.data.get("aggregationRule")
    if isinstance(agg, dict):
        sels = agg.get("clusterRoleSelectors")
        if not isinstance(sels, list) or not sels:
            out.append(
                required(
                    ("aggregationRule", "clusterRoleSelectors"),
                    "at least one clusterRoleSelector required if aggregationRule is non-nil",
                    REQUIRED_VALUE,
                    at="key",
                )
            )
        else:
            for i, s in enumerate(sels):
                if isinstance(s, dict):
                    out.extend(
                        validate_label_selector(s, ("aggregationRule", "clusterRoleSelectors", i), INVALID_SELECTOR)
                    )
    return out


def _binding(obj, namespaced: bool) -> List[Problem]:
    out: List[Problem] = []
    ref = obj.data.get("roleRef")
    ref = ref if isinstance(ref, dict) else {}
    rp = ("roleRef",)
    group = ref.get("apiGroup") or RBAC  # SetDefaults_RoleBinding / SetDefaults_ClusterRoleBinding
    if is_str(group) and group != RBAC:
        out.append(unsupported(rp + ("apiGroup",), group, (RBAC,), UNSUPPORTED_VALUE))
    kind = ref.get("kind")
    kinds = ("Role", "ClusterRole") if namespaced else ("ClusterRole",)
    if is_str(kind) and kind not in kinds:
        hint = (
            "a ClusterRoleBinding can only grant a ClusterRole; use a RoleBinding for a Role" if kind == "Role" else ""
        )
        out.append(unsupported(rp + ("kind",), kind, kinds, UNSUPPORTED_VALUE, hint))
    elif kind == "":
        out.append(unsupported(rp + ("kind",), "", kinds, UNSUPPORTED_VALUE))
    name = ref.get("name")
    if not name and "name" in ref:
        out.append(
            required(
                rp + ("name",),
                "the name of the Role/ClusterRole to bind",
                REQUIRED_VALUE,
                at="key" if "name" in ref else "value",
            )
        )
    elif is_str(name):
        out.extend(invalid_msgs(rp + ("name",), name, is_valid_path_segment_name(name), INVALID_VALUE))
    for i, s in enumerate(list_at(obj.data, "subjects")):
        if isinstance(s, dict):
            out.extend(_subject(s, ("subjects", i), namespaced))
    return out


def _subject(s: dict, p, namespaced: bool) -> List[Problem]:
    """ValidateRoleBindingSubject (after SetDefaults_Subject)."""
    out: List[Problem] = []
    name = s.get("name")
    if not name and "name" in s:
        out.append(required(p + ("name",), "", REQUIRED_VALUE, at="key" if "name" in s else "value"))
    kind = s.get("kind")
    group = s.get("apiGroup")
    if kind == "ServiceAccount":
        if is_str(name) and name:
            out.extend(invalid_msgs(p + ("name",), name, name_is_dns_subdomain(name, False), INVALID_VALUE))
        if is_str(group) and group != "":
            out.append(unsupported(p + ("apiGroup",), group, ("",), UNSUPPORTED_VALUE))
        if not namespaced and not s.get("namespace"):
            out.append(
                required(
                    p + ("namespace",),
                    "",
                    REQUIRED_VALUE,
                    at="key" if "namespace" in s else "value",
                    hint="a ServiceAccount subject of a ClusterRoleBinding must name its namespace",
                )
            )
    elif kind in ("User", "Group"):
        g = group if is_str(group) and group else RBAC  # SetDefaults_Subject
        if g != RBAC:
            out.append(unsupported(p + ("apiGroup",), g, (RBAC,), UNSUPPORTED_VALUE))
    elif is_str(kind):
        out.append(unsupported(p + ("kind",), kind, SUBJECT_KINDS, UNSUPPORTED_VALUE))
    return out


@validates((RBAC, "RoleBinding"))
def role_binding(obj, ctx):
    """ValidateRoleBinding."""
    return _binding(obj, True)


@validates((RBAC, "ClusterRoleBinding"))
def cluster_role_binding(obj, ctx):
    """ValidateClusterRoleBinding."""
    return _binding(obj, False)
