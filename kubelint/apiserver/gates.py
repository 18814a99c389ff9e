"""The feature gates (and gate-less release changes) that make the API server's
verdict depend on ``--kubernetes-version``: for each, the first minor release
whose kube-apiserver has it on by default.  A leaf: validators ask
``ctx.gate(NAME)`` (:class:`.stage.ApiContext`).

The minors are read from ``pkg/features/kube_features.go`` (1.30, 1.31) and
``pkg/features/versioned_kube_features.go`` / the versioned specs in
``kube_features.go`` (1.32 on) at each release tag, e.g. for
StrictIPCIDRValidation in v1.37.2::

    {Version: version.MustParse("1.33"), Default: false, PreRelease: featuregate.Alpha},
    {Version: version.MustParse("1.36"), Default: true, PreRelease: featuregate.Beta},

A gate that is off makes the server behave in one of two ways, and the
validators model each where it applies: the registry strategy's
``dropDisabledFields`` clears the field before validation (so nothing about it
is checked: pkg/api/pod/util.go, pkg/api/persistentvolumeclaim/util.go,
pkg/registry/core/service/strategy.go), or validation takes the older branch.

Confirmed on a real kube-apiserver 1.30.14, 1.33.13 and 1.37.2
(tests/conformance/oracle-results*.json); for 1.31, 1.32 and 1.34 to 1.36 the
minors are modelled from the source, not oracle-confirmed.
"""

from __future__ import annotations


TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Dict

# gate -> the first minor with the gate on by default (its release history in a comment)
ON_BY_DEFAULT_FROM: Dict[str, int] = {
    # alpha 1.33 (off), beta 1.36 (on): IsValidIPForLegacyField / IsValidCIDRForLegacyField are strict
    # (no leading 0s, no IPv4-mapped IPv6, no bits beyond the prefix); before, the server only warns.
    "StrictIPCIDRValidation": 36,
    # alpha 1.34, beta 1.36 (on), GA 1.37: Service names (and Ingress backend service names) are
    # DNS-1123 labels; before, DNS-1035 labels (no leading digit).
    "RelaxedServiceNameValidation": 36,
    # alpha 1.29, beta 1.31 (off), GA 1.34: before, PVC/PV volumeAttributesClassName is dropped.
    "VolumeAttributesClass": 34,
    # alpha 1.30 (off), beta 1.31 (on), GA 1.33: before, Service trafficDistribution is dropped.
    "ServiceTrafficDistribution": 31,
    # alpha 1.33 (off), beta 1.34 (on), GA 1.35: trafficDistribution PreferSameZone / PreferSameNode.
    "PreferSameTrafficDistribution": 34,
    # beta 1.30 (off), beta 1.33 (on), GA 1.36: before, spec.hostUsers is dropped.
    "UserNamespacesSupport": 33,
    # alpha 1.30 (off), beta 1.31 (on), GA 1.33: before, volumeMounts[].recursiveReadOnly is dropped.
    "RecursiveReadOnlyMounts": 31,
    # alpha 1.27 (off), beta 1.33 (on), GA 1.35: before, containers[].resizePolicy is dropped.
    "InPlacePodVerticalScaling": 33,
    # alpha 1.12, beta 1.31 (off), beta 1.33 (on), GA 1.36: before, securityContext.procMount is dropped.
    "ProcMountType": 33,
    # alpha 1.31, beta 1.33 (on), GA 1.35: before, securityContext.supplementalGroupsPolicy is dropped.
    "SupplementalGroupsPolicy": 33,
    # alpha 1.32, beta 1.33 (on), GA 1.36: before, securityContext.seLinuxChangePolicy is dropped.
    "SELinuxChangePolicy": 33,
    # alpha 1.26, beta 1.32 (off), GA 1.34: before, spec.resourceClaims and containers[].resources.claims
    # are dropped (dropDisabledDynamicResourceAllocationFields).
    "DynamicResourceAllocation": 34,
    # alpha 1.31, beta 1.33 (off), beta 1.35 (on): before, dropImageVolumes removes image volumes and
    # the mounts that name them (pkg/api/pod/util.go).
    "ImageVolume": 35,
    # beta 1.34 (on): matchLabelKeys may repeat a key of the labelSelector (the selector is merged);
    # before, validateMatchLabelKeysInTopologySpread rejects such a key.
    "MatchLabelKeysInPodTopologySpreadSelectorMerge": 34,
    # alpha 1.24, beta 1.35 (off), beta 1.37 (on): before, StatefulSet rollingUpdate.maxUnavailable
    # is dropped (dropStatefulSetDisabledFields).
    "MaxUnavailableStatefulSet": 37,
    # alpha 1.30, beta 1.32 (on), GA 1.34: env var names may be any printable ASCII but '='.
    "RelaxedEnvironmentVariableValidation": 32,
    # alpha 1.32, beta 1.33 (on), GA 1.34: dnsConfig.searches may be '.' and contain '_'.
    "RelaxedDNSSearchValidation": 33,
    # alpha 1.32, beta 1.33 (on), GA 1.34: lifecycle sleep.seconds may be 0.
    "PodLifecycleSleepActionAllowZero": 33,
    # alpha 1.34, beta 1.35 (on): container-level restartPolicy on regular containers, restartPolicyRules.
    "ContainerRestartRules": 35,
    # alpha 1.16, beta 1.37 (on): HPA minReplicas may be 0 (MinReplicasLowerBound 0 in the strategy's
    # validation options, pkg/registry/autoscaling/horizontalpodautoscaler/strategy.go); before, >= 1.
    "HPAScaleToZero": 37,
    # alpha 1.34 (off), beta 1.35 (on): before, env[].valueFrom.fileKeyRef is dropped (dropFileKeyRefInUse),
    # leaving a valueFrom without a source.
    "EnvFiles": 35,
    # alpha 1.30 (off), beta 1.32 (on), GA 1.35: before, the Job strategy drops spec.managedBy.
    "JobManagedBy": 32,
    # alpha 1.29, beta 1.33 (off), on 1.37: before, projected clusterTrustBundle sources are dropped
    # (dropDisabledClusterTrustBundleProjection; the server then warns the volume has no sources).
    "ClusterTrustBundleProjection": 37,
    # Not a gate: v1.34 ValidatePodTemplateSpecForStatefulSet calls ValidatePodTemplateSpec and
    # ValidateStatefulSetSpec validates volumeClaimTemplates (validateVolumeClaimTemplates); through
    # v1.33 a TODO left both unchecked (pkg/apis/apps/validation/validation.go).
    "StatefulSetTemplateValidation": 34,
}


def enabled(name: str, minor: int) -> bool:
    """Whether the API server of 1.``minor`` has the gate on by default."""
    return minor >= ON_BY_DEFAULT_FROM[name]
