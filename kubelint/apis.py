"""Which API versions served which kinds, and what replaced them.

Two sources, merged by :func:`removal`:

* the bundled schemas (1.25 and later): a group/version/kind served by one
  bundled release and not by a later one was removed in that later release;
* :data:`REMOVED_BEFORE_1_25`, a curated table of removals the bundled
  schemas cannot show.  Source: the Kubernetes "Deprecated API Migration
  Guide" (https://kubernetes.io/docs/reference/using-api/deprecation-guide/),
  sections v1.16, v1.22 and v1.25, checked against the release notes of
  those releases.  (1.25 removals are listed here because the 1.25 schemas
  no longer contain them.)
"""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Dict, Optional, Tuple


class Removal(namedtuple("Removal", ("removed_in", "replacement", "note"), defaults=("",))):
    """``removed_in``: the release ("1.22"); ``replacement``: the group/version
    to use ("networking.k8s.io/v1"), None if there is none; ``note``: what
    else changes.  (collections.namedtuple: a run does not import typing.)"""

    __slots__ = ()


_V116_APPS = "apps/v1"
REMOVED_BEFORE_1_25: Dict[Tuple[str, str], Removal] = {
    # v1.16
    ("extensions/v1beta1", "Deployment"): Removal("1.16", _V116_APPS),
    ("extensions/v1beta1", "DaemonSet"): Removal("1.16", _V116_APPS),
    ("extensions/v1beta1", "ReplicaSet"): Removal("1.16", _V116_APPS),
    ("extensions/v1beta1", "NetworkPolicy"): Removal("1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy"): Removal(
        "1.16", "policy/v1beta1", "PodSecurityPolicy itself was removed in 1.25; use Pod Security Admission"
    ),
    ("apps/v1beta1", "Deployment"): Removal("1.16", _V116_APPS),
    ("apps/v1beta1", "StatefulSet"): Removal("1.16", _V116_APPS),
    ("apps/v1beta1", "ControllerRevision"): Removal("1.16", _V116_APPS),
    ("apps/v1beta2", "Deployment"): Removal("1.16", _V116_APPS),
    ("apps/v1beta2", "StatefulSet"): Removal("1.16", _V116_APPS),
    ("apps/v1beta2", "DaemonSet"): Removal("1.16", _V116_APPS),
    ("apps/v1beta2", "ReplicaSet"): Removal("1.16", _V116_APPS),
    ("apps/v1beta2", "ControllerRevision"): Removal("1.16", _V116_APPS),
    # v1.22
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"): Removal(
        "1.22", "admissionregistration.k8s.io/v1"
    ),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"): Removal(
        "1.22", "admissionregistration.k8s.io/v1"
    ),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): Removal(
        "1.22", "apiextensions.k8s.io/v1", "v1 requires a structural openAPIV3Schema per version"
    ),
    ("apiregistration.k8s.io/v1beta1", "APIService"): Removal("1.22", "apiregistration.k8s.io/v1"),
    ("authentication.k8s.io/v1beta1", "TokenReview"): Removal("1.22", "authentication.k8s.io/v1"),
    ("authorization.k8s.io/v1beta1", "SubjectAccessReview"): Removal("1.22", "authorization.k8s.io/v1"),
    ("authorization.k8s.io/v1beta1", "LocalSubjectAccessReview"): Removal("1.22", "authorization.k8s.io/v1"),
    ("authorization.k8s.io/v1beta1", "SelfSubjectAccessReview"): Removal("1.22", "authorization.k8s.io/v1"),
    ("authorization.k8s.io/v1beta1", "SelfSubjectRulesReview"): Removal("1.22", "authorization.k8s.io/v1"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"): Removal(
        "1.22", "certificates.k8s.io/v1", "v1 requires spec.signerName"
    ),
    ("coordination.k8s.io/v1beta1", "Lease"): Removal("1.22", "coordination.k8s.io/v1"),
    ("extensions/v1beta1", "Ingress"): Removal(
        "1.22", "networking.k8s.io/v1", "v1 needs pathType on every path and backend.service.name/port"
    ),
    ("networking.k8s.io/v1beta1", "Ingress"): Removal(
        "1.22", "networking.k8s.io/v1", "v1 needs pathType on every path and backend.service.name/port"
    ),
    ("networking.k8s.io/v1beta1", "IngressClass"): Removal("1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"): Removal("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"): Removal("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "Role"): Removal("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"): Removal("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1alpha1", "ClusterRole"): Removal("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1alpha1", "ClusterRoleBinding"): Removal("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1alpha1", "Role"): Removal("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1alpha1", "RoleBinding"): Removal("1.22", "rbac.authorization.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): Removal("1.22", "scheduling.k8s.io/v1"),
    ("scheduling.k8s.io/v1alpha1", "PriorityClass"): Removal("1.22", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIDriver"): Removal("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSINode"): Removal("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass"): Removal("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"): Removal("1.22", "storage.k8s.io/v1"),
    # v1.25
    ("batch/v1beta1", "CronJob"): Removal("1.25", "batch/v1"),
    ("batch/v2alpha1", "CronJob"): Removal("1.21", "batch/v1"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice"): Removal("1.25", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", "Event"): Removal("1.25", "events.k8s.io/v1"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): Removal("1.25", "autoscaling/v2"),
    ("policy/v1beta1", "PodDisruptionBudget"): Removal(
        "1.25", "policy/v1", "in policy/v1 an empty selector selects every pod in the namespace"
    ),
    ("policy/v1beta1", "PodSecurityPolicy"): Removal(
        "1.25",
        None,
        "PodSecurityPolicy has no replacement API; use Pod Security Admission (namespace labels "
        "pod-security.kubernetes.io/*)",
    ),
    ("node.k8s.io/v1beta1", "RuntimeClass"): Removal("1.25", "node.k8s.io/v1"),
    # v1.14: the alpha Initializers feature was removed (1.14 release notes,
    # "Initializers ... have been removed"); mutating webhooks replace it.
    ("admissionregistration.k8s.io/v1alpha1", "InitializerConfiguration"): Removal(
        "1.14", "admissionregistration.k8s.io/v1", "use a MutatingWebhookConfiguration instead"
    ),
}

# Groups that only ever existed built in (not creatable by CRDs) and are
# gone: a kind in them is an error, not a custom resource.
REMOVED_GROUPS = {"extensions"}


@lru_cache(maxsize=None)
def _key(version: str) -> Tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def removal(
    api_version: str, kind: str, target: str, history: Dict[str, Dict[str, Dict[str, str]]]
) -> Optional[Removal]:
    """How ``api_version``/``kind`` stopped being served at or before the
    ``target`` release, or ``None`` if it did not (or never existed).

    ``history`` maps each bundled release ("1.25") to its index
    ``{group/version: {kind: definition}}``.
    """
    versions = sorted(history, key=_key)
    served = [v for v in versions if kind in history[v].get(api_version, {})]
    if served:
        last = served[-1]
        after = [v for v in versions if _key(v) > _key(last)]
        if after and _key(after[0]) <= _key(target):
            return Removal(after[0], replacement(api_version, kind, history[target]))
        return None
    entry = REMOVED_BEFORE_1_25.get((api_version, kind))
    if entry and _key(entry.removed_in) <= _key(target):
        return entry
    return None


def removed_kind(kind: str, target: str) -> Optional[Tuple[str, Removal]]:
    """A curated removal of ``kind`` under any apiVersion (for manifests that
    pair a removed kind with a version that never served it, such as
    ``policy/v1 PodSecurityPolicy``)."""
    hits = [(gv, r) for (gv, k), r in REMOVED_BEFORE_1_25.items() if k == kind and _key(r.removed_in) <= _key(target)]
    if not hits:
        return None
    return sorted(hits, key=lambda h: _key(h[1].removed_in))[-1]


def replacement(api_version: str, kind: str, index: Dict[str, Dict[str, str]]) -> Optional[str]:
    """The group/version serving ``kind`` in ``index``: same group first
    (GA before beta before alpha), else any group."""
    group = api_version.rpartition("/")[0]
    candidates = [gv for gv, kinds in index.items() if kind in kinds]
    if not candidates:
        return None

    def rank(gv):
        g, _, v = gv.rpartition("/")
        maturity = 0 if "alpha" not in v and "beta" not in v else (1 if "beta" in v else 2)
        digits = "".join(c for c in v[1:].split("alpha")[0].split("beta")[0] if c.isdigit())
        return (g != group, maturity, -int(digits or 0), gv)

    return sorted(candidates, key=rank)[0]


def future(api_version: str, kind: str, target: str, history) -> Optional[str]:
    """The first bundled release after ``target`` that serves it, if any."""
    for v in sorted(history, key=_key):
        if _key(v) > _key(target) and kind in history[v].get(api_version, {}):
            return v
    return None


def later_removal(api_version: str, kind: str, target: str, history) -> Optional[Removal]:
    """Served by ``target`` but removed by a newer bundled release."""
    versions = sorted(history, key=_key)
    newest = versions[-1]
    if _key(target) >= _key(newest):
        return None
    served = [v for v in versions if kind in history[v].get(api_version, {})]
    if not served or served[-1] == newest:
        return None
    removed_in = versions[versions.index(served[-1]) + 1]
    return Removal(removed_in, replacement(api_version, kind, history[newest]))


# Non-GA group/versions a default kube-apiserver serves.  Since 1.24 new beta
# APIs are off by default (KEP-3136, "Beta APIs Off by Default"); the betas
# below predate that policy (they are the betas of the 1.25 schemas) or were
# exempted (flowcontrol v1beta3, which API Priority and Fairness needs).
# Alpha APIs are never on by default.  Checked against a default v1.37
# kube-apiserver (`kubectl api-versions` lists GA versions only).
BETA_ON_BY_DEFAULT = {
    "autoscaling/v2beta2",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "storage.k8s.io/v1beta1",
}
# Betas on by default for some kinds only (legacyBetaEnabledByDefaultResources): storage.k8s.io/v1beta1
# is in betaAPIGroupVersionsDisabledByDefault, with csistoragecapacities re-enabled until its removal in
# 1.27; its VolumeAttributesClass (1.31 to 1.36) is off (pkg/controlplane/instance.go at v1.30.14 ...
# v1.33.13; a default v1.33.13 server answers "no matches for kind").
BETA_ON_BY_DEFAULT_KINDS = {"storage.k8s.io/v1beta1": frozenset({"CSIStorageCapacity"})}


def is_ga(api_version: str) -> bool:
    v = api_version.rpartition("/")[2]
    return "alpha" not in v and "beta" not in v


def enabled_by_default(api_version: str, target: str, kind: Optional[str] = None) -> bool:
    if is_ga(api_version):
        return True
    kinds = BETA_ON_BY_DEFAULT_KINDS.get(api_version)
    if kinds is not None and kind is not None:
        return kind in kinds
    return api_version in BETA_ON_BY_DEFAULT
