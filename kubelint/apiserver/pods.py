"""Pod specs: Pod and every pod template.

Ported from ``pkg/apis/core/validation/validation.go`` (function names in
the docstrings): ``ValidatePodSpec``, ``validateContainers``,
``validateInitContainers``, ``validateEphemeralContainers``,
``validateContainerCommon``, ``validateContainerPorts``, ``ValidateEnv``,
``ValidateEnvFrom``, ``ValidateVolumeMounts``, ``ValidateVolumes`` /
``validateVolumeSource``, ``validateProbe`` and friends, ``validateLifecycle``,
``validateResourceRequirements``, ``ValidateSecurityContext``,
``validatePodSpecSecurityContext``, ``ValidateTolerations``,
``validateAffinity``, ``validateTopologySpreadConstraints``,
``validatePodDNSConfig``, ``validatePodHostNetworkDeps``,
``ValidatePodTemplateSpec``.

The server defaults the object before validating it
(``pkg/apis/core/v1/defaults.go``), so empty values that the defaulting
fills in (``imagePullPolicy``, ``terminationMessagePolicy``, port
``protocol``, probe thresholds of 0, ``httpGet.path`` / ``scheme``,
``restartPolicy``, ``dnsPolicy``) are never reported as missing.

Every function takes the (already shape-checked by the schema layer) data
and the path it lives at, and returns Problems; values of the wrong type
are skipped (the schema layer reports them).
"""

from __future__ import annotations

import re
from fractions import Fraction

from .. import goregex
from ..findings import Key, Problem
from ..kinds import pod_spec_path
from ..quantity import QuantityError, parse_quantity
from . import meta as m
from . import validation as v
from .common import (
    go_json_error,
    DUPLICATE_VALUE,
    FORBIDDEN_FIELD,
    INVALID_VALUE,
    NEGATIVE_ERR,
    REQUIRED_VALUE,
    TOO_LONG,
    UNSUPPORTED_VALUE,
    dict_at,
    fmt_quantity,
    int_value,
    ip_strict_errors,
    is_int,
    list_at,
    nonnegative,
    str_at,
)
from .registry import validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Dict, List, Optional, Set, Tuple

if TYPE_CHECKING:
    Path = Tuple

MAX_INT32 = 2**31 - 1
FILE_MODE_ERR = "must be a number between 0 and 0777 (octal), both inclusive"


class PodOpts:
    """PodValidationOptions as the server sets them for a create."""

    def __init__(self, ctx, is_pod: bool):
        self.is_pod = is_pod
        # The gates' first on-by-default minors, cited from kube_features.go, are in .gates.
        self.relaxed_env = ctx.gate("RelaxedEnvironmentVariableValidation")
        self.relaxed_dns_search = ctx.gate("RelaxedDNSSearchValidation")
        self.sleep_zero = ctx.gate("PodLifecycleSleepActionAllowZero")
        # a container-level restartPolicy on regular and init containers (Always, OnFailure, Never)
        self.container_restart_rules = ctx.gate("ContainerRestartRules")
        # While a gate is off, dropDisabledFields (pkg/api/pod/util.go) clears its field before
        # validation, so nothing about it is checked: securityContext.procMount (ProcMountType),
        # spec.hostUsers (UserNamespacesSupport), volumeMounts[].recursiveReadOnly
        # (RecursiveReadOnlyMounts), containers[].resizePolicy (InPlacePodVerticalScaling).
        self.proc_mount = ctx.gate("ProcMountType")
        self.user_namespaces = ctx.gate("UserNamespacesSupport")
        self.recursive_read_only = ctx.gate("RecursiveReadOnlyMounts")
        self.resize_policy = ctx.gate("InPlacePodVerticalScaling")
        self.supplemental_groups_policy = ctx.gate("SupplementalGroupsPolicy")
        self.selinux_change_policy = ctx.gate("SELinuxChangePolicy")
        self.image_volume = ctx.gate("ImageVolume")
        self.resource_claims = ctx.gate("DynamicResourceAllocation")
        self.cluster_trust_bundles = ctx.gate("ClusterTrustBundleProjection")
        self.env_files = ctx.gate("EnvFiles")
        # validateMatchLabelKeysInTopologySpread: before the selector merge, a matchLabelKeys key
        # may not also be a key of the labelSelector.
        self.match_label_keys_merge = ctx.gate("MatchLabelKeysInPodTopologySpreadSelectorMerge")
        # IsValidIPForLegacyField (dnsConfig.nameservers, hostAliases[].ip): strict from v1.36
        self.strict_ip = ctx.gate("StrictIPCIDRValidation")
        self.host_users = True  # spec.hostUsers, set per pod spec by validate_pod_spec
        # Message wording only (not a verdict): v1.37 says "when `hostUsers` is false", "pod `restartPolicy`"
        # and lists `fileKeyRef`; v1.33 and v1.30 the older words (both confirmed on the servers); the
        # release in between that changed them is not confirmed: the newer words from 1.34 (EnvFiles' alpha).
        self.new_words = ctx.at_least(34)


# --- names ----------------------------------------------------------------------


def _placeholder(value, path, out):
    """An unrendered template variable where the server wants a name: info,
    as the schema layer reports placeholders in typed fields."""
    out.append(
        Problem(
            path,
            f"{path[-1]} is an unrendered placeholder ({value}): this file is a template (envsubst, kustomize, CI "
            "variables); render it before applying, the API server rejects the raw value",
            "unrendered-placeholder",
            "info",
        )
    )


def _dns_label(value, path, out, hint=""):
    if m.is_placeholder(value):
        _placeholder(value, path, out)
        return
    for msg in v.is_dns1123_label(value):
        out.append(m.invalid(path, value, msg, INVALID_VALUE, hint))


def _dns_subdomain(value, path, out, hint=""):
    if m.is_placeholder(value):
        _placeholder(value, path, out)
        return
    for msg in v.is_dns1123_subdomain(value):
        out.append(m.invalid(path, value, msg, INVALID_VALUE, hint))


def _qualified(value, path, out, hint=""):
    for msg in v.is_qualified_name(value):
        out.append(m.invalid(path, value, msg, INVALID_VALUE, hint))


# --- volumes ---------------------------------------------------------------------

HOST_PATH_TYPES = ("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket")
VOLUME_DOWNWARD_FIELDS = (
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
)
ENV_DOWNWARD_FIELDS = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
RESOURCE_FIELDS = (
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
)


def _path_no_backsteps(value: str, path, out):
    """validatePathNoBacksteps."""
    if ".." in value.replace("\\", "/").split("/"):
        out.append(m.invalid(path, value, "must not contain '..'", INVALID_VALUE))


def _local_descending_path(value: str, path, out):
    """validateLocalDescendingPath."""
    if value.startswith("/"):
        out.append(m.invalid(path, value, "must be a relative path", INVALID_VALUE))
    _path_no_backsteps(value, path, out)


def _local_non_reserved_path(value: str, path, out):
    """ValidateLocalNonReservedPath."""
    _local_descending_path(value, path, out)
    if value.startswith(".."):
        out.append(m.invalid(path, value, "must not start with '..'", INVALID_VALUE))


def _file_mode(value, path, out):
    """ValidateVolumes' file-mode check (validateProjectionSources, validateSecretVolumeSource, ...):
    0 <= mode <= 0777.  A leading zero is octal only with octal digits: go-yaml v2 reads ``0999``
    and ``0800`` as decimal (a float, sent as 999 / 800), which is out of range."""
    was_float, value = isinstance(value, float), int_value(value)
    if value is not None and (value < 0 or value > 0o777):
        hint = "file modes are octal: write 0644 or 420, not 644"
        if was_float:
            hint = (
                "a leading 0 makes an octal number only when every digit is 0-7 (go-yaml reads 0800 and 0999"
                " as decimal 800 and 999): write 0644-style octal or its decimal value, e.g. 420"
            )
        out.append(m.invalid(path, value, FILE_MODE_ERR, INVALID_VALUE, hint))


def _key_to_path(kp: dict, path, out):
    """validateKeyToPath."""
    if not str_at(kp.get("key")):
        out.append(m.required(path + ("key",), "", REQUIRED_VALUE))
    p = str_at(kp.get("path"))
    if not p:
        out.append(m.required(path + ("path",), "", REQUIRED_VALUE))
    else:
        _local_non_reserved_path(p, path + ("path",), out)
    _file_mode(kp.get("mode"), path + ("mode",), out)


def _object_field_selector(fs: dict, allowed, path, out, msg_path=None):
    """validateObjectFieldSelector (apiVersion defaults to v1).  ``msg_path``:
    the path the server names when it differs (downwardAPI volume items are
    reported at the volume source: ``downwardAPI.fieldRef.fieldPath``)."""
    fp = fs.get("fieldPath")
    if not isinstance(fp, str) or not fp:
        out.append(m.required(path + ("fieldPath",), "", REQUIRED_VALUE))
        return
    mt = re.match(r"^(metadata\.(?:labels|annotations))\['(.*)'\]$", fp)
    if mt:
        sub = mt.group(2)
        for msg in v.is_qualified_name(sub.lower() if mt.group(1).endswith("annotations") else sub):
            out.append(m.invalid(path, sub, msg, INVALID_VALUE))
        return
    if "[" in fp:
        base = fp.split("[", 1)[0]
        out.append(m.invalid(path, base, "does not support subscript", INVALID_VALUE))
        return
    api = fs.get("apiVersion")
    if isinstance(api, str) and api not in ("", "v1"):
        out.append(
            m.invalid(
                path + ("fieldPath",), fp, f"error converting fieldPath: unsupported pod version: {api}", INVALID_VALUE
            )
        )
        return
    if fp not in allowed:
        out.append(
            m.unsupported(
                (msg_path or path) + ("fieldPath",),
                fp,
                sorted(allowed),
                UNSUPPORTED_VALUE,
                anchor=path + ("fieldPath",),
            )
        )


def _resource_field_selector(fs: dict, path, out, volume: bool):
    """validateContainerResourceFieldSelector."""
    res = fs.get("resource")
    if volume and not str_at(fs.get("containerName")):
        out.append(m.required(path + ("containerName",), "", REQUIRED_VALUE))
    elif not isinstance(res, str) or not res:
        out.append(m.required(path + ("resource",), "", REQUIRED_VALUE))
    elif res not in RESOURCE_FIELDS and not res.startswith(("requests.hugepages-", "limits.hugepages-")):
        out.append(m.unsupported(path + ("resource",), res, RESOURCE_FIELDS, UNSUPPORTED_VALUE))


_DUPLICATE_PATH_HINT = 'the file path "{}" is already written by an earlier source of this projected volume'


def _projected(proj: dict, path, out, opts: PodOpts):
    """validateProjectedVolumeSource / validateProjectionSources."""
    _file_mode(proj.get("defaultMode"), path + ("defaultMode",), out)
    all_paths: Set[str] = set()
    for i, src in enumerate(list_at(proj.get("sources"))):
        if not isinstance(src, dict):
            continue
        sp = path + ("sources", i)
        kinds = [
            k
            for k in (
                "secret",
                "configMap",
                "downwardAPI",
                "serviceAccountToken",
                "clusterTrustBundle",
                "podCertificate",
            )
            if k in src
        ]
        for k in ("secret", "configMap"):
            if k in src:
                s = dict_at(src[k])
                if not str_at(s.get("name")):
                    out.append(m.required(sp + (k, "name"), "", REQUIRED_VALUE))
                for j, kp in enumerate(list_at(s.get("items"))):
                    if isinstance(kp, dict):
                        _key_to_path(kp, sp + (k, "items", j), out)
                        p = str_at(kp.get("path"))
                        if p:
                            if p in all_paths:
                                # field.Invalid(fldPath, source.<kind>.Name, ...): the server names the projected
                                # volume and the source's name; reported at the path written twice
                                out.append(
                                    m.invalid(
                                        sp + (k, "items", j, "path"),
                                        s.get("name") if isinstance(s.get("name"), str) else "",
                                        "conflicting duplicate paths",
                                        INVALID_VALUE,
                                        hint=_DUPLICATE_PATH_HINT.format(p),
                                        where=m.format_path(path),
                                    )
                                )
                            all_paths.add(p)
        if "downwardAPI" in src:
            for j, f in enumerate(list_at(dict_at(src["downwardAPI"]).get("items"))):
                if isinstance(f, dict):
                    _downward_file(f, sp + ("downwardAPI", "items", j), out)
                    p = str_at(f.get("path"))
                    if p:
                        if p in all_paths:
                            out.append(
                                m.invalid(
                                    sp + ("downwardAPI", "items", j, "path"),
                                    p,
                                    "conflicting duplicate paths",
                                    hint=_DUPLICATE_PATH_HINT.format(p),
                                    where=m.format_path(path),
                                    rule=INVALID_VALUE,
                                )
                            )
                        all_paths.add(p)
        if "serviceAccountToken" in src:
            t = dict_at(src["serviceAccountToken"])
            tp = sp + ("serviceAccountToken",)
            exp = t.get("expirationSeconds")
            if is_int(exp):
                if exp < 10 * 60:
                    out.append(
                        m.invalid(
                            tp + ("expirationSeconds",),
                            exp,
                            "may not specify a duration less than 10 minutes",
                            INVALID_VALUE,
                        )
                    )
                elif exp > 1 << 32:
                    out.append(
                        m.invalid(
                            tp + ("expirationSeconds",),
                            exp,
                            "may not specify a duration larger than 2^32 seconds",
                            INVALID_VALUE,
                        )
                    )
            p = t.get("path")
            # the server names the projected volume's path (fldPath.Child("path")), not the token's
            token_path = m.format_path(path + ("path",))
            if not isinstance(p, str) or not p:
                out.append(m.required(tp + ("path",), "", REQUIRED_VALUE, where=token_path))
            else:
                found: List[Problem] = []
                _local_non_reserved_path(p, tp + ("path",), found)
                out.extend(m.renamed(q, token_path) for q in found)
                # no duplicate check: a token path may overlap another source's (the server only
                # warns, "overlapping paths"; oracle-confirmed on v1.30, v1.33 and v1.37)
        if isinstance(src.get("clusterTrustBundle"), dict):
            _cluster_trust_bundle(src["clusterTrustBundle"], sp + ("clusterTrustBundle",), out)
        if len(kinds) > 1:
            out.append(
                m.forbidden(sp + (kinds[1],), "may not specify more than 1 volume type per source", FORBIDDEN_FIELD)
            )
        elif not kinds and src:
            pass


def _cluster_trust_bundle(ctb: dict, tp, out):
    """validateProjectionSources for a clusterTrustBundle source (checked from v1.37, when
    ClusterTrustBundleProjection is on): name xor signerName, labelSelector only with signerName,
    a path (the name and signer-name syntax rules are not ported)."""
    name, signer = ctb.get("name"), ctb.get("signerName")
    if name is not None and signer is not None:
        out.append(m.invalid(tp, "", "only one of name and signerName may be used", INVALID_VALUE)._replace(at="key"))
    elif name is not None:
        if name == "":
            out.append(m.required(tp + ("name",), "must be a valid object name", REQUIRED_VALUE))
        if ctb.get("labelSelector") is not None:
            out.append(
                m.invalid(
                    tp + ("labelSelector",), "", "labelSelector must be unset if name is specified", INVALID_VALUE
                )
            )
    elif signer is not None:
        if signer == "":
            out.append(m.required(tp + ("signerName",), "must be a valid signer name", REQUIRED_VALUE))
        sel = ctb.get("labelSelector")
        if isinstance(sel, dict):
            out.extend(m.validate_label_selector(sel, tp + ("labelSelector",), INVALID_VALUE))
    else:
        out.append(m.required(tp, "either name or signerName must be specified", REQUIRED_VALUE, at="key"))
    p = ctb.get("path")
    if not isinstance(p, str) or not p:
        out.append(m.required(tp + ("path",), "", REQUIRED_VALUE, anchor=tp, at="key"))
    else:
        _local_non_reserved_path(p, tp + ("path",), out)


def _downward_file(f: dict, path, out, src_path=None):
    """validateDownwardAPIVolumeFile (the server names ``src_path``, the
    volume source, for a downwardAPI volume's items)."""
    p = f.get("path")
    if not isinstance(p, str) or not p:
        out.append(m.required(path + ("path",), "", REQUIRED_VALUE))
    else:
        _local_non_reserved_path(p, path + ("path",), out)
    fr, rr = f.get("fieldRef"), f.get("resourceFieldRef")
    if isinstance(fr, dict):
        _object_field_selector(
            fr,
            VOLUME_DOWNWARD_FIELDS,
            path + ("fieldRef",),
            out,
            msg_path=src_path + ("fieldRef",) if src_path else None,
        )
        if rr is not None:
            out.append(
                m.invalid(
                    path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously", INVALID_VALUE
                )
            )
    elif isinstance(rr, dict):
        _resource_field_selector(rr, path + ("resourceFieldRef",), out, volume=True)
    elif fr is None and rr is None:
        out.append(m.required(path, "one of fieldRef and resourceFieldRef is required", REQUIRED_VALUE))
    _file_mode(f.get("mode"), path + ("mode",), out)


CSI_DRIVER_RE = goregex.compile(r"^([a-zA-Z0-9][-a-zA-Z0-9]*)?(\.[a-zA-Z0-9][-a-zA-Z0-9]*)*$")

VOLUME_SOURCES = (
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
    "image",
)


def _volume_source(vol: dict, path, out, opts: PodOpts):
    """validateVolumeSource: exactly one source, per-source required fields."""
    present = [k for k in VOLUME_SOURCES if vol.get(k) is not None]
    if not present:
        return  # SetDefaults_Volume: a volume without a source is an emptyDir
    for extra in present[1:]:
        out.append(
            m.forbidden(
                path + (extra,),
                "may not specify more than 1 volume type",
                FORBIDDEN_FIELD,
                at="key",
                hint="each volume has exactly one source; split it into two volumes",
            )
        )
    k = present[0]
    src = dict_at(vol.get(k))
    sp = path + (k,)
    for field_name in _VOLUME_REQUIRED_STRINGS.get(k, ()):
        if not str_at(src.get(field_name)):
            out.append(m.required(sp + (field_name,), "", REQUIRED_VALUE))
    check = _VOLUME_SOURCE_CHECKS.get(k)
    if check is not None:
        check(src, sp, out, opts)


# Sources whose only checks are non-empty string fields (validateXVolumeSource).
_VOLUME_REQUIRED_STRINGS = {
    "persistentVolumeClaim": ("claimName",),
    "gcePersistentDisk": ("pdName",),
    "awsElasticBlockStore": ("volumeID",),
    "iscsi": ("targetPortal", "iqn"),
    "azureFile": ("secretName", "shareName"),
}


def _empty_dir_source(src: dict, sp, out, opts):
    sl = src.get("sizeLimit")
    if sl is not None:
        try:
            if parse_quantity(sl) < 0:
                out.append(
                    m.forbidden(
                        sp + ("sizeLimit",), "SizeLimit field must be a valid resource quantity", FORBIDDEN_FIELD
                    )
                )
        except QuantityError:
            pass


def _host_path_source(src: dict, sp, out, opts):
    p = src.get("path")
    if not isinstance(p, str) or not p:
        out.append(m.required(sp + ("path",), "", REQUIRED_VALUE))
        return
    _path_no_backsteps(p, sp + ("path",), out)
    t = src.get("type")
    if isinstance(t, str) and t not in HOST_PATH_TYPES:
        out.append(m.unsupported(sp + ("type",), t, HOST_PATH_TYPES, UNSUPPORTED_VALUE))


def _secret_source(src: dict, sp, out, opts):
    if not str_at(src.get("secretName")):
        out.append(
            m.required(
                sp + ("secretName",),
                "",
                REQUIRED_VALUE,
                hint="a secret volume names its Secret with secretName, not name",
            )
        )
    _key_to_path_items(src, sp, out)


def _config_map_source(src: dict, sp, out, opts):
    if not str_at(src.get("name")):
        out.append(m.required(sp + ("name",), "", REQUIRED_VALUE))
    _key_to_path_items(src, sp, out)


def _key_to_path_items(src: dict, sp, out):
    """defaultMode and items of a Secret or ConfigMap volume."""
    _file_mode(src.get("defaultMode"), sp + ("defaultMode",), out)
    for i, kp in enumerate(list_at(src.get("items"))):
        if isinstance(kp, dict):
            _key_to_path(kp, sp + ("items", i), out)


def _nfs_source(src: dict, sp, out, opts):
    if not str_at(src.get("server")):
        out.append(m.required(sp + ("server",), "", REQUIRED_VALUE))
    p = str_at(src.get("path"))
    if not p:
        out.append(m.required(sp + ("path",), "", REQUIRED_VALUE))
    if not p.startswith("/"):
        out.append(m.invalid(sp + ("path",), p, "must be an absolute path", INVALID_VALUE))


def _downward_api_source(src: dict, sp, out, opts):
    _file_mode(src.get("defaultMode"), sp + ("defaultMode",), out)
    for i, f in enumerate(list_at(src.get("items"))):
        if isinstance(f, dict):
            _downward_file(f, sp + ("items", i), out, src_path=sp)


def _git_repo_source(src: dict, sp, out, opts):
    if not str_at(src.get("repository")):
        out.append(m.required(sp + ("repository",), "", REQUIRED_VALUE))
    d = src.get("directory")
    if isinstance(d, str) and d:
        _local_descending_path(d, sp + ("directory",), out)


def _csi_source(src: dict, sp, out, opts):
    drv = src.get("driver")
    if not isinstance(drv, str) or not drv:
        out.append(m.required(sp + ("driver",), "", REQUIRED_VALUE))
        return
    if len(drv) > 63:
        out.append(m.too_long(sp + ("driver",), 63, TOO_LONG))
    if not CSI_DRIVER_RE.match(drv.lower()):
        out.append(
            m.invalid(
                sp + ("driver",),
                drv,
                "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                "alphanumeric character",
                INVALID_VALUE,
            )
        )


def _ephemeral_source(src: dict, sp, out, opts):
    vct = src.get("volumeClaimTemplate")
    if not isinstance(vct, dict):
        out.append(m.required(sp + ("volumeClaimTemplate",), "", REQUIRED_VALUE, anchor=sp, at="key"))
    elif isinstance(vct.get("spec"), dict):
        claim_template_spec(vct["spec"], sp + ("volumeClaimTemplate", "spec"), out)


def _image_source(src: dict, sp, out, opts):
    if opts.is_pod and not str_at(src.get("reference")):
        out.append(m.required(sp + ("reference",), "", REQUIRED_VALUE))
    pp = src.get("pullPolicy")
    if isinstance(pp, str) and pp and pp not in PULL_POLICIES:
        out.append(m.unsupported(sp + ("pullPolicy",), pp, PULL_POLICIES, UNSUPPORTED_VALUE))


def _fc_source(src: dict, sp, out, opts):
    wwns, wwids = list_at(src.get("targetWWNs")), list_at(src.get("wwids"))
    if not wwns and not wwids:
        out.append(
            m.required(
                sp + ("targetWWNs",),
                "must specify either targetWWNs or wwids, but not both",
                REQUIRED_VALUE,
                anchor=sp,
                at="key",
            )
        )
    if wwns and wwids:
        out.append(
            m.invalid(
                sp + ("targetWWNs",), wwns, "targetWWNs and wwids can not be specified simultaneously", INVALID_VALUE
            )
        )
    if wwns:
        lun = src.get("lun")
        if lun is None:
            out.append(
                m.required(
                    sp + ("lun",), "lun is required if targetWWNs is specified", REQUIRED_VALUE, anchor=sp, at="key"
                )
            )
        elif is_int(lun) and not 0 <= lun <= 255:
            out.append(m.invalid(sp + ("lun",), lun, v.inclusive_range_error(0, 255), INVALID_VALUE))


def _ceph_source(src: dict, sp, out, opts):
    """cephfs and rbd: monitors; rbd also an image."""
    if not list_at(src.get("monitors")):
        out.append(m.required(sp + ("monitors",), "", REQUIRED_VALUE))
    if sp[-1] == "rbd" and not str_at(src.get("image")):
        out.append(m.required(sp + ("image",), "", REQUIRED_VALUE))


def _scale_io_source(src: dict, sp, out, opts):
    """validateScaleIOVolumeSource: gateway, system and volumeName required (the published
    schema requires gateway and system, not volumeName; an empty string fails all three)."""
    for f in ("gateway", "system", "volumeName"):
        if (f in src or f == "volumeName") and not str_at(src.get(f)):
            out.append(
                m.required(
                    sp + (f,), "", REQUIRED_VALUE, anchor=None if f in src else sp, at="value" if f in src else "key"
                )
            )


_VOLUME_SOURCE_CHECKS = {
    "emptyDir": _empty_dir_source,
    "hostPath": _host_path_source,
    "secret": _secret_source,
    "configMap": _config_map_source,
    "nfs": _nfs_source,
    "downwardAPI": _downward_api_source,
    "projected": _projected,
    "gitRepo": _git_repo_source,
    "csi": _csi_source,
    "ephemeral": _ephemeral_source,
    "image": _image_source,
    "fc": _fc_source,
    "cephfs": _ceph_source,
    "rbd": _ceph_source,
    "scaleIO": _scale_io_source,
}


ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")


def claim_template_spec(spec: dict, path, out):
    """ValidatePersistentVolumeClaimSpec for claim templates (StatefulSet
    volumeClaimTemplates, ephemeral volumes): the basics, oracle-confirmed."""
    modes = spec.get("accessModes")
    if not list_at(modes):
        out.append(
            m.required(
                path + ("accessModes",),
                "at least 1 access mode is required",
                REQUIRED_VALUE,
                anchor=None if "accessModes" in spec else path,
                at="value" if "accessModes" in spec else "key",
                hint="e.g. accessModes: [ReadWriteOnce]",
            )
        )
    for mode in list_at(modes):
        if isinstance(mode, str) and mode not in ACCESS_MODES:
            out.append(m.unsupported(path + ("accessModes",), mode, ACCESS_MODES, UNSUPPORTED_VALUE))
    req = dict_at(dict_at(spec.get("resources")).get("requests"))
    if "storage" not in req:
        anchor = path + ("resources", "requests") if req else path
        out.append(
            m.problem(
                path + ("resources[storage]",),
                "Required value",
                REQUIRED_VALUE,
                "e.g. resources: {requests: {storage: 1Gi}}",
                at="key",
                anchor=anchor,
            )
        )
    vm = spec.get("volumeMode")
    if isinstance(vm, str) and vm not in ("Block", "Filesystem"):
        out.append(m.unsupported(path + ("volumeMode",), vm, ("Block", "Filesystem"), UNSUPPORTED_VALUE))


def validate_volumes(volumes, path, out, opts: PodOpts, extra: Optional[Dict[str, dict]] = None) -> Dict[str, dict]:
    """ValidateVolumes: names unique DNS-1123 labels, one source each.
    Returns the valid volumes by name (the server leaves invalid ones out);
    ``extra`` are volumes the controller adds (StatefulSet claim templates)."""
    vols: Dict[str, dict] = dict(extra or {})
    seen: Dict[str, Path] = {}
    for i, vol in enumerate(list_at(volumes)):
        if not isinstance(vol, dict):
            continue
        ip = path + (i,)
        el: List[Problem] = []
        _volume_source(vol, ip, el, opts)
        name = vol.get("name")
        if not isinstance(name, str) or not name:
            el.append(m.required(ip + ("name",), "", REQUIRED_VALUE))
        else:
            _dns_label(name, ip + ("name",), el, "volume names are DNS-1123 labels: lowercase letters, digits and '-'")
            if name in seen:
                el.append(m.duplicate(ip + ("name",), name, DUPLICATE_VALUE, seen[name]))
        if not el and isinstance(name, str):
            vols[name] = vol
            seen[name] = ip + ("name",)
        elif isinstance(name, str) and name not in seen:
            seen.setdefault(name, ip + ("name",))
        out.extend(el)
    return vols


# --- containers ------------------------------------------------------------------

PULL_POLICIES = ("Always", "IfNotPresent", "Never")
CONTAINER_RESTART_POLICIES = ("Always", "Never", "OnFailure")
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
PROTOCOLS = ("SCTP", "TCP", "UDP")
MOUNT_PROPAGATION = ("Bidirectional", "HostToContainer", "None")
RECURSIVE_READ_ONLY = ("Disabled", "Enabled", "IfPossible")


def _ports(ports, path, out):
    """validateContainerPorts (protocol defaults to TCP)."""
    names: Dict[str, Path] = {}
    for i, port in enumerate(list_at(ports)):
        if not isinstance(port, dict):
            continue
        ip = path + (i,)
        name = port.get("name")
        if isinstance(name, str) and name:
            msgs = v.is_valid_port_name(name)
            for msg in msgs:
                out.append(
                    m.invalid(
                        ip + ("name",),
                        name,
                        msg,
                        INVALID_VALUE,
                        "port names are IANA service names: at most 15 lowercase letters, digits and '-', with at "
                        "least one letter",
                    )
                )
            if not msgs:
                if name in names:
                    out.append(m.duplicate(ip + ("name",), name, DUPLICATE_VALUE, names[name]))
                else:
                    names[name] = ip + ("name",)
        cp = port.get("containerPort")
        if is_int(cp):
            if cp == 0:
                out.append(m.required(ip + ("containerPort",), "", REQUIRED_VALUE))
            else:
                for msg in v.is_valid_port_num(cp):
                    out.append(m.invalid(ip + ("containerPort",), cp, msg, INVALID_VALUE))
        hp = port.get("hostPort")
        if is_int(hp) and hp != 0:
            for msg in v.is_valid_port_num(hp):
                out.append(m.invalid(ip + ("hostPort",), hp, msg, INVALID_VALUE))
        proto = port.get("protocol")
        if isinstance(proto, str) and proto and proto not in PROTOCOLS:
            out.append(m.unsupported(ip + ("protocol",), proto, PROTOCOLS, UNSUPPORTED_VALUE))


def _env_name(name: str, path, out, opts: PodOpts, what="environment variable name"):
    if opts.relaxed_env:
        # IsRelaxedEnvVarName
        if any(ord(c) > 126 or ord(c) < 32 or c == "=" for c in name):
            out.append(
                m.invalid(
                    path,
                    name,
                    "a valid environment variable name must consist only of printable ASCII characters other than '='",
                    INVALID_VALUE,
                )
            )
    else:
        for msg in v.is_env_var_name(name):
            out.append(m.invalid(path, name, msg, INVALID_VALUE))


def _key_selector(sel: dict, path, out):
    """validateConfigMapKeySelector / validateSecretKeySelector."""
    name = sel.get("name")
    if isinstance(name, str) or name is None:
        for msg in v.is_dns1123_subdomain(name or ""):
            out.append(m.invalid(path + ("name",), name or "", msg, INVALID_VALUE))
    key = sel.get("key")
    if not isinstance(key, str) or not key:
        out.append(m.required(path + ("key",), "", REQUIRED_VALUE))
    else:
        for msg in v.is_config_map_key(key):
            out.append(m.invalid(path + ("key",), key, msg, INVALID_VALUE))


def _env(env, path, out, opts: PodOpts):
    """ValidateEnv + validateEnvVarValueFrom."""
    for i, ev in enumerate(list_at(env)):
        if not isinstance(ev, dict):
            continue
        ip = path + (i,)
        name = ev.get("name")
        if not isinstance(name, str) or not name:
            out.append(m.required(ip + ("name",), "", REQUIRED_VALUE))
        else:
            _env_name(name, ip + ("name",), out, opts)
        vf = ev.get("valueFrom")
        if not isinstance(vf, dict):
            continue
        vp = ip + ("valueFrom",)
        n = 0
        for k in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"):
            if k not in vf:
                continue
            n += 1
            sub = dict_at(vf.get(k))
            if k == "fieldRef":
                _object_field_selector(sub, ENV_DOWNWARD_FIELDS, vp + (k,), out)
            elif k == "resourceFieldRef":
                _resource_field_selector(sub, vp + (k,), out, volume=False)
            elif k in ("configMapKeyRef", "secretKeyRef"):
                _key_selector(sub, vp + (k,), out)
        value = ev.get("value")
        if n == 0:
            out.append(
                m.invalid(
                    vp,
                    "",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`"
                    + (", `secretKeyRef` or `fileKeyRef`" if opts.new_words else " or `secretKeyRef`"),
                    INVALID_VALUE,
                    at="key",
                )
            )
        elif isinstance(value, str) and value:
            out.append(
                m.invalid(
                    vp,
                    "",
                    "may not be specified when `value` is not empty",
                    INVALID_VALUE,
                    "use either value or valueFrom",
                    at="key",
                )
            )
        elif n > 1:
            out.append(
                m.invalid(vp, "", "may not have more than one field specified at a time", INVALID_VALUE, at="key")
            )


def _env_from(env_from, path, out, opts: PodOpts):
    """ValidateEnvFrom."""
    for i, ev in enumerate(list_at(env_from)):
        if not isinstance(ev, dict):
            continue
        ip = path + (i,)
        prefix = ev.get("prefix")
        if isinstance(prefix, str) and prefix:
            _env_name(prefix, ip + ("prefix",), out, opts)
        n = 0
        for k in ("configMapRef", "secretRef"):
            if k in ev:
                n += 1
                name = dict_at(ev.get(k)).get("name")
                if not isinstance(name, str) or not name:
                    out.append(m.required(ip + (k, "name"), "", REQUIRED_VALUE))
                else:
                    for msg in m.name_is_dns_subdomain(name, True):
                        out.append(m.invalid(ip + (k, "name"), name, msg, INVALID_VALUE))
        if n == 0:
            out.append(
                m.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`", INVALID_VALUE, at="key")
            )
        elif n > 1:
            out.append(
                m.invalid(path, "", "may not have more than one field specified at a time", INVALID_VALUE, at="key")
            )


def _volume_mounts(mounts, path, out, volumes: Dict[str, dict], ctr: dict, devices: dict):
    """ValidateVolumeMounts."""
    seen: Set[str] = set()
    for i, mnt in enumerate(list_at(mounts)):
        if not isinstance(mnt, dict):
            continue
        ip = path + (i,)
        # ValidateVolumeMounts names subPath, subPathExpr, mountPropagation and
        # recursiveReadOnly under fldPath.Child(...), without the mount's index:
        # ``spec.containers[0].volumeMounts.subPath`` (the position stays at the mount's field)
        unindexed: List[Problem] = []
        name = mnt.get("name")
        name = name if isinstance(name, str) else ""
        if not name:
            out.append(m.required(ip + ("name",), "", REQUIRED_VALUE))
        if name not in volumes:
            hint = "volumeMounts must name a volume of spec.volumes"
            dym = m.suggest(name, list(volumes)) if volumes else ""
            out.append(m.not_found(ip + ("name",), name, INVALID_VALUE, hint + (dym and "; " + dym)))
        mp = mnt.get("mountPath")
        mp = mp if isinstance(mp, str) else ""
        if not mp:
            out.append(m.required(ip + ("mountPath",), "", REQUIRED_VALUE))
        if mp in seen:
            out.append(
                m.invalid(
                    ip + ("mountPath",),
                    mp,
                    "must be unique",
                    INVALID_VALUE,
                    "two mounts of one container cannot share a mountPath",
                )
            )
        seen.add(mp)
        if name and name in devices:
            out.append(m.invalid(ip + ("name",), name, "must not already exist in volumeDevices", INVALID_VALUE))
        if mp and mp in devices.values():
            out.append(
                m.invalid(ip + ("mountPath",), mp, "must not already exist as a path in volumeDevices", INVALID_VALUE)
            )
        sub, subx = mnt.get("subPath"), mnt.get("subPathExpr")
        # subPath on image volumes: rejected by older releases, accepted by
        # v1.37 (oracle-confirmed); not checked.
        if isinstance(sub, str) and sub:
            _local_descending_path(sub, ip + ("subPath",), unindexed)
        if isinstance(subx, str) and subx:
            if isinstance(sub, str) and sub:  # this one with the index (idxPath)
                out.append(
                    m.invalid(
                        ip + ("subPathExpr",), subx, "subPathExpr and subPath are mutually exclusive", INVALID_VALUE
                    )
                )
            _local_descending_path(subx, ip + ("subPathExpr",), unindexed)
        prop = mnt.get("mountPropagation")
        if isinstance(prop, str):
            if prop not in MOUNT_PROPAGATION:
                unindexed.append(m.unsupported(ip + ("mountPropagation",), prop, MOUNT_PROPAGATION, UNSUPPORTED_VALUE))
            elif prop == "Bidirectional" and dict_at(ctr.get("securityContext")).get("privileged") is not True:
                unindexed.append(
                    m.forbidden(
                        ip + ("mountPropagation",),
                        "Bidirectional mount propagation is available only to privileged containers",
                        FORBIDDEN_FIELD,
                    )
                )
        rro = mnt.get("recursiveReadOnly")
        if isinstance(rro, str):
            if rro not in RECURSIVE_READ_ONLY:
                unindexed.append(
                    m.unsupported(ip + ("recursiveReadOnly",), rro, RECURSIVE_READ_ONLY, UNSUPPORTED_VALUE)
                )
            elif rro != "Disabled":
                if mnt.get("readOnly") is not True:
                    unindexed.append(
                        m.forbidden(
                            ip + ("recursiveReadOnly",), "may only be specified when readOnly is true", FORBIDDEN_FIELD
                        )
                    )
                if rro == "Enabled" and isinstance(prop, str) and prop != "None":
                    unindexed.append(
                        m.forbidden(
                            ip + ("recursiveReadOnly",),
                            "may only be specified when mountPropagation is None or not specified",
                            FORBIDDEN_FIELD,
                        )
                    )
        out.extend(m.renamed(p, m.format_path(path + (p.path[-1],))) for p in unindexed)


def _volume_devices(devs, path, out, volumes: Dict[str, dict], mounts: dict):
    """ValidateVolumeDevices."""
    names: Set[str] = set()
    paths: Set[str] = set()
    for i, dev in enumerate(list_at(devs)):
        if not isinstance(dev, dict):
            continue
        ip = path + (i,)
        name, dp = str_at(dev.get("name")), str_at(dev.get("devicePath"))
        if not name:
            out.append(m.required(ip + ("name",), "", REQUIRED_VALUE))
        if name in names:
            out.append(m.invalid(ip + ("name",), name, "must be unique", INVALID_VALUE))
        vol = volumes.get(name)
        if vol is not None and "persistentVolumeClaim" not in vol and "ephemeral" not in vol:
            out.append(
                m.invalid(
                    ip + ("name",),
                    name,
                    "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
                    INVALID_VALUE,
                )
            )
        if vol is None:
            out.append(m.not_found(ip + ("name",), name, INVALID_VALUE))
        if not dp:
            out.append(m.required(ip + ("devicePath",), "", REQUIRED_VALUE))
        if dp in paths:
            out.append(m.invalid(ip + ("devicePath",), dp, "must be unique", INVALID_VALUE))
        if dp and ".." in dp.split("/"):
            out.append(m.invalid(ip + ("devicePath",), dp, "can not contain backsteps ('..')", INVALID_VALUE))
        else:
            paths.add(dp)
        if name and name in mounts:
            out.append(m.invalid(ip + ("name",), name, "must not already exist in volumeMounts", INVALID_VALUE))
        if dp and dp in mounts.values():
            out.append(
                m.invalid(ip + ("devicePath",), dp, "must not already exist as a path in volumeMounts", INVALID_VALUE)
            )
        if name:
            names.add(name)


def _port_num_or_name(port, path, out):
    """ValidatePortNumOrName."""
    if is_int(port):
        for msg in v.is_valid_port_num(port):
            out.append(m.invalid(path, port, msg, INVALID_VALUE))
    elif isinstance(port, str):
        hint = (
            "write the port as a number (port: " + port + "), not a quoted string"
            if port.isdigit()
            else "a named port must match a name in the container's ports"
        )
        for msg in v.is_valid_port_name(port):
            out.append(m.invalid(path, port, msg, INVALID_VALUE, hint))


HANDLER_KINDS_PROBE = ("exec", "httpGet", "tcpSocket", "grpc")
HANDLER_KINDS_LIFECYCLE = ("exec", "httpGet", "tcpSocket", "sleep")


def _handler(h: dict, kinds, path, out, grace, opts: PodOpts):
    """validateHandler: exactly one handler type."""
    n = 0
    for k in kinds:
        if k not in h:
            continue
        if n > 0:
            out.append(m.forbidden(path + (k,), "may not specify more than 1 handler type", FORBIDDEN_FIELD, at="key"))
            continue
        n += 1
        sub = dict_at(h.get(k))
        sp = path + (k,)
        if k == "exec":
            if not list_at(sub.get("command")):
                out.append(m.required(sp + ("command",), "", REQUIRED_VALUE))
        elif k == "httpGet":
            _port_num_or_name(sub.get("port"), sp + ("port",), out)
            scheme = sub.get("scheme")
            if isinstance(scheme, str) and scheme and scheme not in ("HTTP", "HTTPS"):
                out.append(m.unsupported(sp + ("scheme",), scheme, ("HTTP", "HTTPS"), UNSUPPORTED_VALUE))
            for j, hdr in enumerate(list_at(sub.get("httpHeaders"))):
                hn = dict_at(hdr).get("name")
                if isinstance(hn, str):
                    for msg in v.is_http_header_name(hn):
                        # validateHTTPHeaders names fldPath (httpHeaders), without index or "name"
                        out.append(
                            m.invalid(
                                sp + ("httpHeaders",),
                                hn,
                                msg,
                                INVALID_VALUE,
                                anchor=sp + ("httpHeaders", j, "name"),
                            )
                        )
        elif k == "tcpSocket":
            _port_num_or_name(sub.get("port"), sp + ("port",), out)
        elif k == "grpc":
            port = sub.get("port")
            if is_int(port):
                for msg in v.is_valid_port_num(port):
                    out.append(m.invalid(sp + ("port",), port, msg, INVALID_VALUE))
        elif k == "sleep":
            sec = sub.get("seconds")
            if is_int(sec) and is_int(grace):
                lo_bad = sec < 0 if opts.sleep_zero else sec <= 0
                if lo_bad or sec > grace:
                    detail = (
                        f"must be non-negative and less than terminationGracePeriodSeconds ({grace})"
                        if opts.sleep_zero
                        else f"must be greater than 0 and less than terminationGracePeriodSeconds ({grace})"
                    )
                    out.append(m.invalid(sp, sec, detail, INVALID_VALUE, anchor=sp + ("seconds",)))
    if n == 0:
        out.append(
            m.required(
                path,
                "must specify a handler type",
                REQUIRED_VALUE,
                at="key",
                hint="set exactly one of " + ", ".join(kinds),
            )
        )


def _probe(probe, path, out, grace, opts: PodOpts, kind: str):
    """validateProbe + validateLivenessProbe / validateReadinessProbe / validateStartupProbe."""
    if not isinstance(probe, dict):
        return
    _handler(probe, HANDLER_KINDS_PROBE, path, out, grace, opts)
    for f in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        out.extend(nonnegative(path + (f,), probe.get(f)))
    tg = probe.get("terminationGracePeriodSeconds")
    if is_int(tg) and tg <= 0:
        out.append(m.invalid(path + ("terminationGracePeriodSeconds",), tg, "must be greater than 0", INVALID_VALUE))
    st = probe.get("successThreshold")
    if kind in ("livenessProbe", "startupProbe") and is_int(st) and st not in (0, 1):
        # SetDefaults_Probe turns 0 into 1.
        out.append(
            m.invalid(
                path + ("successThreshold",),
                st,
                "must be 1",
                INVALID_VALUE,
                f"a {kind} succeeds on its first success; successThreshold only applies to readinessProbe",
            )
        )
    if kind == "readinessProbe" and tg is not None and is_int(tg):
        out.append(
            m.invalid(
                path + ("terminationGracePeriodSeconds",), tg, "must not be set for readinessProbes", INVALID_VALUE
            )
        )


def _lifecycle(lc, path, out, grace, opts):
    """validateLifecycle."""
    if not isinstance(lc, dict):
        return
    for k in ("postStart", "preStop"):
        h = lc.get(k)
        if isinstance(h, dict):
            _handler(h, HANDLER_KINDS_LIFECYCLE, path + (k,), out, grace, opts)
    sig = lc.get("stopSignal")
    if sig is not None and isinstance(sig, str):
        pass  # validated against spec.os (ContainerStopSignals); not modelled


# --- resources -------------------------------------------------------------------

STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_native(name: str) -> bool:
    """IsNativeResource: no domain, or a kubernetes.io domain."""
    return "/" not in name or "kubernetes.io/" in name


def _is_extended(name: str) -> bool:
    """IsExtendedResourceName."""
    if _is_native(name) or name.startswith("requests."):
        return False
    return not v.is_qualified_name("requests." + name)


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not _is_hugepages(name)


def _container_resource_name(name: str, path, out) -> bool:
    """validateContainerResourceName (+ validateResourceName)."""
    msgs = v.is_qualified_name(name)
    for msg in msgs:
        out.append(m.invalid(path, m.stringer(name), msg, INVALID_VALUE, at="key"))  # a core.ResourceName
    if msgs:
        return False
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
            dym = m.suggest(name, STANDARD_CONTAINER_RESOURCES) if name.lower() != "gpu" else ""
            out.append(
                m.invalid(
                    path,
                    m.stringer(name),
                    "must be a standard resource for containers",
                    INVALID_VALUE,
                    "use cpu, memory, ephemeral-storage, hugepages-<size> or a domain-prefixed extended resource "
                    "such as nvidia.com/gpu" + (dym and "; " + dym),
                    at="key",
                )
            )
            return False
    elif not _is_native(name) and not _is_extended(name):
        out.append(m.invalid(path, name, "doesn't follow extended resource name standard", INVALID_VALUE, at="key"))
        return False
    return True


def _quantity(value) -> Optional[Fraction]:
    if value is None:
        return None
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


def _resources(res, path, out, claim_names: Set[str]):
    """validateResourceRequirements (containers)."""
    if not isinstance(res, dict):
        return
    limits, requests = dict_at(res.get("limits")), dict_at(res.get("requests"))
    lim_cpu_mem = req_cpu_mem = lim_huge = req_huge = False
    lp, rp = path + ("limits",), path + ("requests",)
    lim_q: Dict[str, Fraction] = {}
    for name, q in limits.items():
        if not isinstance(name, str):
            continue
        ok = _container_resource_name(name, lp + (Key(name),), out)
        qv = _quantity(q)
        if qv is None:
            continue
        lim_q[name] = qv
        _quantity_value(name, qv, q, lp + (Key(name),), out)
        if _is_hugepages(name):
            lim_huge = True
            _hugepage_multiple(name, qv, q, lp + (Key(name),), out)
        if name in ("cpu", "memory"):
            lim_cpu_mem = True
        del ok
    for name, q in requests.items():
        if not isinstance(name, str):
            continue
        _container_resource_name(name, rp + (Key(name),), out)
        qv = _quantity(q)
        if qv is None:
            continue
        _quantity_value(name, qv, q, rp + (Key(name),), out)
        if name in limits and name in lim_q:
            lq = lim_q[name]
            if qv != lq and not _overcommit_allowed(name):
                out.append(
                    m.invalid(
                        rp,
                        fmt_quantity(q),
                        f"must be equal to {name} limit of {fmt_quantity(limits[name])}",
                        INVALID_VALUE,
                        "extended resources and hugepages cannot be overcommitted: request and limit must be the same",
                        anchor=rp + (Key(name),),
                    )
                )
            elif qv > lq:
                out.append(
                    m.invalid(
                        rp,
                        fmt_quantity(q),
                        f"must be less than or equal to {name} limit of {fmt_quantity(limits[name])}",
                        INVALID_VALUE,
                        "a container's request cannot exceed its limit; raise the limit or lower the request",
                        anchor=rp + (Key(name),),
                    )
                )
        elif name not in limits and not _overcommit_allowed(name):
            out.append(
                m.required(
                    lp,
                    "Limit must be set for non overcommitable resources",
                    REQUIRED_VALUE,
                    hint=f"add limits.{name} equal to the request",
                )
            )
        if _is_hugepages(name):
            req_huge = True
            _hugepage_multiple(name, qv, q, rp + (Key(name),), out)
        if name in ("cpu", "memory"):
            req_cpu_mem = True
    if not lim_cpu_mem and not req_cpu_mem and (lim_huge or req_huge):
        out.append(m.forbidden(path, "HugePages require cpu or memory", FORBIDDEN_FIELD, at="key"))
    for i, c in enumerate(list_at(res.get("claims"))):
        cn = dict_at(c).get("name")
        if isinstance(cn, str):
            if not cn:
                out.append(m.required(path + ("claims", i, "name"), "", REQUIRED_VALUE))
            elif cn not in claim_names:
                out.append(
                    m.not_found(
                        path + ("claims", i, "name"), cn, INVALID_VALUE, "must name an entry of spec.resourceClaims"
                    )
                )


def _hugepage_multiple(name: str, qv: Fraction, raw, path, out):
    """validateResourceQuantityHugePageValue: a whole number of pages."""
    size = _quantity(name[len("hugepages-") :])
    if size and size > 0 and qv >= 0 and qv % size != 0:
        out.append(
            m.invalid(
                path,
                fmt_quantity(raw),
                f"{fmt_quantity(raw)} is not positive integer multiple of {name}",
                INVALID_VALUE,
                f"use a multiple of the page size ({name[len('hugepages-') :]})",
            )
        )


def _quantity_value(name: str, qv: Fraction, raw, path, out):
    """ValidateResourceQuantityValue: not negative; integer for integer resources."""
    if qv < 0:
        out.append(m.invalid(path, fmt_quantity(raw), NEGATIVE_ERR, INVALID_VALUE))
    if _is_extended(name) and (qv * 1000) % 1000 != 0:
        out.append(m.invalid(path, fmt_quantity(raw), "must be an integer", INVALID_VALUE))


# --- security contexts -------------------------------------------------------------

SECCOMP_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")
APPARMOR_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")
PROC_MOUNT = ("Default", "Unmasked")
FS_GROUP_CHANGE = ("Always", "OnRootMismatch")
SUPPLEMENTAL_GROUPS_POLICY = ("Merge", "Strict")
SELINUX_CHANGE = ("MountOption", "Recursive")


def _profile(p, path, out, types, what: str):
    """validateSeccompProfileField / validateAppArmorProfileField."""
    if not isinstance(p, dict):
        return
    t = p.get("type")
    lp = p.get("localhostProfile")
    if not isinstance(t, str) or not t:
        return  # the schema reports the missing required type
    if t not in types:
        out.append(m.unsupported(path + ("type",), t, types, UNSUPPORTED_VALUE))
        return
    if t == "Localhost":
        if not isinstance(lp, str) or not lp:
            out.append(
                m.required(
                    path + ("localhostProfile",),
                    f"must be set when {what} type is Localhost",
                    REQUIRED_VALUE,
                    anchor=None if "localhostProfile" in p else path + ("type",),
                )
            )
    elif lp is not None:
        out.append(
            m.invalid(
                path + ("localhostProfile",),
                m.go_struct(("Type", t), ("LocalhostProfile", lp)),  # the internal SeccompProfile/AppArmorProfile
                f"can only be set when {what} type is Localhost",
                INVALID_VALUE,
            )
        )


def _id_range(value, path, out):
    if is_int(value) and (value < 0 or value > MAX_INT32):
        out.append(m.invalid(path, value, v.inclusive_range_error(0, MAX_INT32), INVALID_VALUE))


def _container_security_context(sc, path, out, opts: Optional[PodOpts] = None):
    """ValidateSecurityContext(sc, fldPath, hostUsers)."""
    if not isinstance(sc, dict):
        return
    _id_range(sc.get("runAsUser"), path + ("runAsUser",), out)
    _id_range(sc.get("runAsGroup"), path + ("runAsGroup",), out)
    pm = sc.get("procMount")
    if isinstance(pm, str) and pm not in PROC_MOUNT:
        out.append(m.unsupported(path + ("procMount",), pm, PROC_MOUNT, UNSUPPORTED_VALUE))
    elif pm == "Unmasked" and opts is not None and opts.proc_mount and opts.host_users:
        out.append(
            m.invalid(
                path + ("procMount",),
                pm,
                "`hostUsers` must be false to use `Unmasked`",
                INVALID_VALUE,
                "an unmasked /proc is only allowed in a user namespace: set spec.hostUsers: false or remove procMount",
            )
        )
    _profile(sc.get("seccompProfile"), path + ("seccompProfile",), out, SECCOMP_TYPES, "seccomp")
    _profile(sc.get("appArmorProfile"), path + ("appArmorProfile",), out, APPARMOR_TYPES, "AppArmor")
    if sc.get("allowPrivilegeEscalation") is False:
        if sc.get("privileged") is True:
            out.append(
                m.invalid(
                    path,
                    sc,
                    "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                    INVALID_VALUE,
                    at="key",
                )
            )
        caps = list_at(dict_at(sc.get("capabilities")).get("add"))
        if "CAP_SYS_ADMIN" in caps:
            out.append(
                m.invalid(
                    path,
                    sc,
                    "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                    INVALID_VALUE,
                    at="key",
                )
            )


SYSCTL_RE = goregex.compile(r"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$")


def _pod_security_context(sc, spec, path, out):
    """validatePodSpecSecurityContext."""
    if not isinstance(sc, dict):
        return
    for f in ("runAsUser", "runAsGroup", "fsGroup"):
        _id_range(sc.get(f), path + (f,), out)
    for i, g in enumerate(list_at(sc.get("supplementalGroups"))):
        _id_range(g, path + ("supplementalGroups", i), out)
    fcp = sc.get("fsGroupChangePolicy")
    if isinstance(fcp, str) and fcp not in FS_GROUP_CHANGE:
        out.append(m.unsupported(path + ("fsGroupChangePolicy",), fcp, FS_GROUP_CHANGE, UNSUPPORTED_VALUE))
    sgp = sc.get("supplementalGroupsPolicy")
    if isinstance(sgp, str) and sgp not in SUPPLEMENTAL_GROUPS_POLICY:
        out.append(
            m.unsupported(path + ("supplementalGroupsPolicy",), sgp, SUPPLEMENTAL_GROUPS_POLICY, UNSUPPORTED_VALUE)
        )
    scp = sc.get("seLinuxChangePolicy")
    if isinstance(scp, str) and scp not in SELINUX_CHANGE:
        out.append(m.unsupported(path + ("seLinuxChangePolicy",), scp, SELINUX_CHANGE, UNSUPPORTED_VALUE))
    _profile(sc.get("seccompProfile"), path + ("seccompProfile",), out, SECCOMP_TYPES, "seccomp")
    _profile(sc.get("appArmorProfile"), path + ("appArmorProfile",), out, APPARMOR_TYPES, "AppArmor")
    names: Set[str] = set()
    for i, s in enumerate(list_at(sc.get("sysctls"))):
        name = dict_at(s).get("name")
        if not isinstance(name, str):
            continue
        sp = path + ("sysctls", i, "name")
        if not name:
            out.append(m.required(sp, "", REQUIRED_VALUE))
        elif len(name) > 253 or not SYSCTL_RE.match(name):
            out.append(
                m.invalid(
                    sp,
                    name,
                    # validateSysctls prints the pattern as the Go source spells it (SysctlContainSlashPatternFmt)
                    "must have at most 253 characters and match regex " + SYSCTL_RE.pattern.replace("[./]", "[\\./]"),
                    INVALID_VALUE,
                )
            )
        elif name in names:
            out.append(m.duplicate(sp, name, DUPLICATE_VALUE))
        names.add(name)


# --- scheduling ------------------------------------------------------------------

TOLERATION_OPERATORS = ("Equal", "Exists")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
NODE_SELECTOR_OPERATORS = ("DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn")


def _tolerations(tols, path, out):
    """ValidateTolerations."""
    for i, t in enumerate(list_at(tols)):
        if not isinstance(t, dict):
            continue
        ip = path + (i,)
        key = str_at(t.get("key"))
        op = t.get("operator") if isinstance(t.get("operator"), str) else ""
        if key:
            for p in m.validate_label_name(key, ip + ("key",), INVALID_VALUE):
                out.append(p)
        if not key and op != "Exists":
            out.append(
                m.invalid(
                    ip + ("operator",),
                    op,
                    'operator must be Exists when `key` is empty, which means "match all values and all keys"',
                    INVALID_VALUE,
                )
            )
        effect = t.get("effect") if isinstance(t.get("effect"), str) else ""
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            out.append(
                m.invalid(
                    ip + ("effect",),
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                    INVALID_VALUE,
                )
            )
        value = t.get("value")
        if op in ("Equal", ""):
            if isinstance(value, str):
                errs = v.is_valid_label_value(value)
                if errs:
                    out.append(m.invalid(ip + ("operator",), value, ";".join(errs), INVALID_VALUE))
        elif op == "Exists":
            if isinstance(value, str) and value:
                out.append(
                    m.invalid(
                        ip + ("operator",),
                        value,
                        "value must be empty when `operator` is 'Exists'",
                        INVALID_VALUE,
                        "drop value, or use operator: Equal",
                    )
                )
        else:
            out.append(m.unsupported(ip + ("operator",), op, TOLERATION_OPERATORS, UNSUPPORTED_VALUE))
        if effect and effect not in TAINT_EFFECTS:
            out.append(m.unsupported(ip + ("effect",), effect, TAINT_EFFECTS, UNSUPPORTED_VALUE))


def _node_selector_requirement(rq: dict, path, out):
    """ValidateNodeSelectorRequirement."""
    op = rq.get("operator")
    vals = rq.get("values")
    n = len(vals) if isinstance(vals, list) else 0
    if op in ("In", "NotIn"):
        if n == 0:
            out.append(
                m.required(path + ("values",), "must be specified when `operator` is 'In' or 'NotIn'", REQUIRED_VALUE)
            )
    elif op in ("Exists", "DoesNotExist"):
        if n > 0:
            out.append(
                m.forbidden(
                    path + ("values",),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    FORBIDDEN_FIELD,
                )
            )
    elif op in ("Gt", "Lt"):
        if n != 1:
            out.append(
                m.required(
                    path + ("values",), "must be specified single value when `operator` is 'Lt' or 'Gt'", REQUIRED_VALUE
                )
            )
        elif isinstance(vals[0], str):
            if not goregex.compile(r"^[+-]?\d+$").match(vals[0]):
                out.append(m.invalid(path + ("values", 0), vals[0], "must be an integer", INVALID_VALUE))
    elif isinstance(op, str):
        out.append(m.unsupported(path + ("operator",), op, NODE_SELECTOR_OPERATORS, UNSUPPORTED_VALUE))
    key = rq.get("key")
    if isinstance(key, str):
        out.extend(m.validate_label_name(key, path + ("key",), INVALID_VALUE))
    if op in ("In", "NotIn") and isinstance(vals, list):
        for j, val in enumerate(vals):
            if isinstance(val, str):
                for msg in v.is_valid_label_value(val):
                    out.append(m.invalid(path + ("values", j), val, msg, INVALID_VALUE))
                    break


def _node_selector_term(term: dict, path, out):
    for j, rq in enumerate(list_at(term.get("matchExpressions"))):
        if isinstance(rq, dict):
            _node_selector_requirement(rq, path + ("matchExpressions", j), out)
    for j, rq in enumerate(list_at(term.get("matchFields"))):
        if not isinstance(rq, dict):
            continue
        fp = path + ("matchFields", j)
        if rq.get("key") != "metadata.name":
            out.append(m.invalid(fp + ("key",), rq.get("key"), "not a valid field selector key", INVALID_VALUE))
        op = rq.get("operator")
        vals = list_at(rq.get("values"))
        if op in ("In", "NotIn"):
            if len(vals) != 1:
                out.append(
                    m.required(
                        fp + ("values",),
                        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                        REQUIRED_VALUE,
                    )
                )
        elif isinstance(op, str):
            out.append(m.invalid(fp + ("operator",), op, "not a valid selector operator", INVALID_VALUE))


def _pod_affinity_term(term: dict, path, out):
    """validatePodAffinityTerm."""
    sel = term.get("labelSelector")
    if isinstance(sel, dict):
        out.extend(m.validate_label_selector(sel, path + ("labelSelector",), INVALID_VALUE))
    ns = term.get("namespaceSelector")
    if isinstance(ns, dict):
        out.extend(m.validate_label_selector(ns, path + ("namespaceSelector",), INVALID_VALUE))
    for i, n in enumerate(list_at(term.get("namespaces"))):
        if isinstance(n, str):
            for msg in v.is_dns1123_label(n):
                out.append(m.invalid(path + ("namespace",), n, msg, INVALID_VALUE, anchor=path + ("namespaces", i)))
    tk = term.get("topologyKey")
    if not isinstance(tk, str) or not tk:
        out.append(
            m.required(
                path + ("topologyKey",),
                "can not be empty",
                REQUIRED_VALUE,
                hint="e.g. kubernetes.io/hostname or topology.kubernetes.io/zone",
            )
        )
    else:
        out.extend(m.validate_label_name(tk, path + ("topologyKey",), INVALID_VALUE))


def _affinity(aff, path, out):
    """validateAffinity."""
    if not isinstance(aff, dict):
        return
    na = aff.get("nodeAffinity")
    if isinstance(na, dict):
        np_ = path + ("nodeAffinity",)
        req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(req, dict):
            terms = req.get("nodeSelectorTerms")
            rp = np_ + ("requiredDuringSchedulingIgnoredDuringExecution",)
            if not list_at(terms):
                out.append(
                    m.required(rp + ("nodeSelectorTerms",), "must have at least one node selector term", REQUIRED_VALUE)
                )
            for i, term in enumerate(list_at(terms)):
                if isinstance(term, dict):
                    _node_selector_term(term, rp + ("nodeSelectorTerms", i), out)
        for i, pref in enumerate(list_at(na.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            if not isinstance(pref, dict):
                continue
            pp = np_ + ("preferredDuringSchedulingIgnoredDuringExecution", i)
            w = pref.get("weight")
            if is_int(w) and (w < 1 or w > 100):
                out.append(m.invalid(pp + ("weight",), w, "must be in the range 1-100", INVALID_VALUE))
            if isinstance(pref.get("preference"), dict):
                _node_selector_term(pref["preference"], pp + ("preference",), out)
    for kind in ("podAffinity", "podAntiAffinity"):
        pa = aff.get(kind)
        if not isinstance(pa, dict):
            continue
        kp = path + (kind,)
        for i, term in enumerate(list_at(pa.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            if isinstance(term, dict):
                _pod_affinity_term(term, kp + ("requiredDuringSchedulingIgnoredDuringExecution", i), out)
        for i, wt in enumerate(list_at(pa.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            if not isinstance(wt, dict):
                continue
            wp = kp + ("preferredDuringSchedulingIgnoredDuringExecution", i)
            w = wt.get("weight")
            if is_int(w) and (w < 1 or w > 100):
                out.append(m.invalid(wp + ("weight",), w, "must be in the range 1-100", INVALID_VALUE))
            if isinstance(wt.get("podAffinityTerm"), dict):
                _pod_affinity_term(wt["podAffinityTerm"], wp + ("podAffinityTerm",), out)


WHEN_UNSATISFIABLE = ("DoNotSchedule", "ScheduleAnyway")
NODE_INCLUSION_POLICIES = ("Honor", "Ignore")


def _topology_spread(constraints, path, out, opts: PodOpts):
    """validateTopologySpreadConstraints."""
    seen: Dict[Tuple[str, str], Path] = {}
    for i, c in enumerate(list_at(constraints)):
        if not isinstance(c, dict):
            continue
        ip = path + (i,)
        skew = c.get("maxSkew")
        if is_int(skew) and skew <= 0:
            out.append(m.invalid(ip + ("maxSkew",), skew, "must be greater than zero", INVALID_VALUE))
        tk = c.get("topologyKey")
        if not isinstance(tk, str) or not tk:
            out.append(m.required(ip + ("topologyKey",), "can not be empty", REQUIRED_VALUE))
        else:
            out.extend(m.validate_label_name(tk, ip + ("topologyKey",), INVALID_VALUE))
        wu = c.get("whenUnsatisfiable")
        if isinstance(wu, str) and wu not in WHEN_UNSATISFIABLE:
            out.append(m.unsupported(ip + ("whenUnsatisfiable",), wu, WHEN_UNSATISFIABLE, UNSUPPORTED_VALUE))
        md = c.get("minDomains")
        if is_int(md):
            if md <= 0:
                out.append(m.invalid(ip + ("minDomains",), md, "must be greater than 0", INVALID_VALUE))
            elif wu != "DoNotSchedule":
                out.append(
                    m.invalid(
                        ip + ("minDomains",),
                        md,
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
                        INVALID_VALUE,
                    )
                )
        for f in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            pv = c.get(f)
            if isinstance(pv, str) and pv not in NODE_INCLUSION_POLICIES:
                out.append(m.unsupported(ip + (f,), pv, NODE_INCLUSION_POLICIES, UNSUPPORTED_VALUE))
        if isinstance(tk, str) and isinstance(wu, str) and tk and wu in WHEN_UNSATISFIABLE:
            pair = (tk, wu)
            if pair in seen:
                # ValidateSpreadConstraintNotRepeat names the first constraint of the pair:
                # constraints[i].{topologyKey, whenUnsatisfiable}; reported at the repeat
                out.append(
                    m.problem(
                        seen[pair],
                        f"Duplicate value: {m._show(f'{{{tk}, {wu}}}')}",
                        DUPLICATE_VALUE,
                        f"repeated at {m.format_path(ip)}",
                        anchor=ip,
                        where=m.format_path(seen[pair]) + ".{topologyKey, whenUnsatisfiable}",
                    )
                )
            else:
                seen[pair] = ip
        sel = c.get("labelSelector")
        if isinstance(sel, dict):
            out.extend(m.validate_label_selector(sel, ip + ("labelSelector",), INVALID_VALUE))
        mlk = list_at(c.get("matchLabelKeys"))
        sel_keys = set()
        if isinstance(sel, dict):
            sel_keys.update(k for k in dict_at(sel.get("matchLabels")))
            sel_keys.update(e.get("key") for e in list_at(sel.get("matchExpressions")) if isinstance(e, dict))
        for j, k in enumerate(mlk):
            if isinstance(k, str):
                # a key also in labelSelector: accepted once the selector is merged
                # (MatchLabelKeysInPodTopologySpreadSelectorMerge, v1.37 oracle-confirmed); before,
                # validateMatchLabelKeysInTopologySpread rejects it (v1.30/v1.33 oracle-confirmed)
                out.extend(m.validate_label_name(k, ip + ("matchLabelKeys", j), INVALID_VALUE))
                if not opts.match_label_keys_merge and k in sel_keys:
                    out.append(
                        m.invalid(
                            ip + ("matchLabelKeys", j),
                            k,
                            "exists in both matchLabelKeys and labelSelector",
                            INVALID_VALUE,
                        )
                    )


def _dns(spec: dict, path, out, opts: PodOpts):
    """validateDNSPolicy + validatePodDNSConfig."""
    policy = spec.get("dnsPolicy")
    policies = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
    if isinstance(policy, str) and policy and policy not in policies:
        out.append(m.unsupported(path + ("dnsPolicy",), policy, policies, UNSUPPORTED_VALUE))
    cfg = spec.get("dnsConfig")
    if policy == "None":
        if not isinstance(cfg, dict):
            out.append(
                m.required(
                    path + ("dnsConfig",),
                    "must provide `dnsConfig` when `dnsPolicy` is None",
                    REQUIRED_VALUE,
                    anchor=None if "dnsConfig" in spec else path + ("dnsPolicy",),
                )
            )
            return
        if not list_at(cfg.get("nameservers")):
            out.append(
                m.required(
                    path + ("dnsConfig", "nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                    REQUIRED_VALUE,
                )
            )
            return
    if not isinstance(cfg, dict):
        return
    cp = path + ("dnsConfig",)
    ns = list_at(cfg.get("nameservers"))
    if len(ns) > 3:
        out.append(
            m.invalid(
                cp + ("nameservers",), m.as_json(ns, "[]string"), "must not have more than 3 nameservers", INVALID_VALUE
            )
        )
    for i, n in enumerate(ns):
        if isinstance(n, str):
            for msg in ip_strict_errors(n, opts.strict_ip)[:1]:
                out.append(m.invalid(cp + ("nameservers", i), n, msg, INVALID_VALUE))
    searches = [s for s in list_at(cfg.get("searches")) if isinstance(s, str)]
    if len(searches) > 32:
        out.append(m.invalid(cp + ("searches",), searches, "must not have more than 32 search paths", INVALID_VALUE))
    if len(" ".join(searches)) > 2048:
        out.append(
            m.invalid(
                cp + ("searches",),
                searches,
                "must not have more than 2048 characters (including spaces) in the search list",
                INVALID_VALUE,
            )
        )
    for i, s in enumerate(list_at(cfg.get("searches"))):
        if not isinstance(s, str):
            continue
        if opts.relaxed_dns_search:
            if s == ".":
                continue
            s2 = s[:-1] if s.endswith(".") else s
            if (
                not goregex.compile(r"^[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?(\.[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?)*$").match(
                    s2
                )
                or len(s2) > 253
            ):
                out.append(
                    m.invalid(
                        cp + ("searches", i),
                        s2,
                        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-', "
                        "'_' or '.', and must start and end with an alphanumeric character",
                        INVALID_VALUE,
                    )
                )
        else:
            _dns_subdomain(s[:-1] if s.endswith(".") else s, cp + ("searches", i), out)
    for i, o in enumerate(list_at(cfg.get("options"))):
        if isinstance(o, dict) and not str_at(o.get("name")):
            out.append(m.required(cp + ("options", i), "must not be empty", REQUIRED_VALUE))


# --- the pod spec ---------------------------------------------------------------------


def _container_common(c: dict, cp, out, volumes, claim_names, opts: PodOpts, pod_restart: str):
    """validateContainerCommon."""
    name = c.get("name")
    if not isinstance(name, str) or not name:
        out.append(m.required(cp + ("name",), "", REQUIRED_VALUE))
    else:
        _dns_label(
            name,
            cp + ("name",),
            out,
            "container names are DNS-1123 labels: lowercase letters, digits and '-', at most 63 characters",
        )
    image = c.get("image")
    if image is None or image == "":
        out.append(
            m.required(
                cp + ("image",), "", REQUIRED_VALUE, hint="every container needs an image, e.g. image: nginx:1.27"
            )
        )
    elif isinstance(image, str) and opts.is_pod and image != image.strip():
        # validateContainerOnlyForPod
        out.append(m.invalid(cp + ("image",), image, "must not have leading or trailing whitespace", INVALID_VALUE))
    tmp = c.get("terminationMessagePolicy")
    if isinstance(tmp, str) and tmp and tmp not in TERMINATION_MESSAGE_POLICIES:
        out.append(
            m.unsupported(cp + ("terminationMessagePolicy",), tmp, TERMINATION_MESSAGE_POLICIES, UNSUPPORTED_VALUE)
        )
    mounts = {
        x.get("name"): x.get("mountPath")
        for x in list_at(c.get("volumeMounts"))
        if isinstance(x, dict) and isinstance(x.get("name"), str)
    }
    devices = {
        x.get("name"): x.get("devicePath")
        for x in list_at(c.get("volumeDevices"))
        if isinstance(x, dict) and isinstance(x.get("name"), str)
    }
    _ports(c.get("ports"), cp + ("ports",), out)
    _env(c.get("env"), cp + ("env",), out, opts)
    _env_from(c.get("envFrom"), cp + ("envFrom",), out, opts)
    _volume_mounts(c.get("volumeMounts"), cp + ("volumeMounts",), out, volumes, c, devices)
    _volume_devices(c.get("volumeDevices"), cp + ("volumeDevices",), out, volumes, mounts)
    ipp = c.get("imagePullPolicy")
    if isinstance(ipp, str) and ipp and ipp not in PULL_POLICIES:
        out.append(m.unsupported(cp + ("imagePullPolicy",), ipp, PULL_POLICIES, UNSUPPORTED_VALUE))
    _resources(c.get("resources"), cp + ("resources",), out, claim_names)
    for rp in list_at(c.get("resizePolicy")):
        if not isinstance(rp, dict):
            continue
        rn, pol = rp.get("resourceName"), rp.get("restartPolicy")
        if isinstance(rn, str) and rn not in ("cpu", "memory"):
            out.append(m.unsupported(cp + ("resizePolicy",), rn, ("cpu", "memory"), UNSUPPORTED_VALUE))
        if isinstance(pol, str) and pol not in ("NotRequired", "RestartContainer"):
            out.append(
                m.unsupported(cp + ("resizePolicy",), pol, ("NotRequired", "RestartContainer"), UNSUPPORTED_VALUE)
            )
        elif pod_restart == "Never" and pol == "RestartContainer":
            out.append(
                m.invalid(
                    cp + ("resizePolicy",),
                    pol,
                    f"must be 'NotRequired' when {'pod ' if opts.new_words else ''}`restartPolicy` is 'Never'",
                    INVALID_VALUE,
                )
            )
    _container_security_context(c.get("securityContext"), cp + ("securityContext",), out, opts)


def _drop_disabled_fields(spec: dict, opts: PodOpts) -> dict:
    """dropDisabledFields (pkg/api/pod/util.go) for a create: the fields of a gate that is off in
    this release are cleared before validation, so the spec validated is a copy without them."""
    dropped = dict(spec)
    if not opts.user_namespaces:
        dropped.pop("hostUsers", None)
    if not opts.resource_claims:
        dropped.pop("resourceClaims", None)
    psc = dropped.get("securityContext")
    if isinstance(psc, dict):
        gone = {"supplementalGroupsPolicy"} if not opts.supplemental_groups_policy else set()
        gone |= {"seLinuxChangePolicy"} if not opts.selinux_change_policy else set()
        if gone & psc.keys():
            dropped["securityContext"] = {k: v for k, v in psc.items() if k not in gone}
    images = set()
    if not opts.image_volume and isinstance(dropped.get("volumes"), list):
        # dropImageVolumes: image volumes go, and so do the mounts that name them (each left as a
        # None that the checks skip, so the remaining items keep their index: their YAML position)
        images = {
            vol.get("name") for vol in dropped["volumes"] if isinstance(vol, dict) and vol.get("image") is not None
        }
        if images:
            dropped["volumes"] = [
                None if isinstance(vol, dict) and vol.get("image") is not None else vol for vol in dropped["volumes"]
            ]
    if not opts.cluster_trust_bundles and isinstance(dropped.get("volumes"), list):
        dropped["volumes"] = [_drop_trust_bundles(vol) for vol in dropped["volumes"]]
    drop_ctr = images or not (
        opts.proc_mount and opts.recursive_read_only and opts.resize_policy and opts.resource_claims and opts.env_files
    )
    if not drop_ctr:
        return dropped
    for key in ("containers", "initContainers", "ephemeralContainers"):
        ctrs = dropped.get(key)
        if not isinstance(ctrs, list):
            continue
        copies = []
        for c in ctrs:
            if isinstance(c, dict):
                c = dict(c)
                if not opts.resize_policy:
                    c.pop("resizePolicy", None)
                env = c.get("env")
                if not opts.env_files and isinstance(env, list):
                    c["env"] = [_drop_file_key_ref(ev) for ev in env]
                res = c.get("resources")
                if not opts.resource_claims and isinstance(res, dict) and "claims" in res:
                    c["resources"] = {k: v for k, v in res.items() if k != "claims"}
                sc = c.get("securityContext")
                if not opts.proc_mount and isinstance(sc, dict) and "procMount" in sc:
                    c["securityContext"] = {k: v for k, v in sc.items() if k != "procMount"}
                mounts = c.get("volumeMounts")
                if images and isinstance(mounts, list):
                    c["volumeMounts"] = mounts = [
                        None if isinstance(vm, dict) and vm.get("name") in images else vm for vm in mounts
                    ]
                if not opts.recursive_read_only and isinstance(mounts, list):
                    c["volumeMounts"] = [
                        {k: v for k, v in vm.items() if k != "recursiveReadOnly"} if isinstance(vm, dict) else vm
                        for vm in mounts
                    ]
            copies.append(c)
        dropped[key] = copies
    return dropped


def _drop_file_key_ref(ev):
    """dropFileKeyRefInUse: valueFrom.fileKeyRef is cleared (valueFrom itself stays)."""
    vf = ev.get("valueFrom") if isinstance(ev, dict) else None
    if not isinstance(vf, dict) or "fileKeyRef" not in vf:
        return ev
    return dict(ev, valueFrom={k: x for k, x in vf.items() if k != "fileKeyRef"})


def _drop_trust_bundles(vol):
    """dropDisabledClusterTrustBundleProjection: a projected source's clusterTrustBundle is cleared."""
    proj = vol.get("projected") if isinstance(vol, dict) else None
    if not isinstance(proj, dict) or not isinstance(proj.get("sources"), list):
        return vol
    sources = [
        {k: x for k, x in src.items() if k != "clusterTrustBundle"} if isinstance(src, dict) else src
        for src in proj["sources"]
    ]
    return dict(vol, projected=dict(proj, sources=sources))


def validate_pod_spec(
    spec: dict,
    path: Path,
    ctx,
    is_pod: bool,
    meta: Optional[dict] = None,
    extra_volumes: Optional[Dict[str, dict]] = None,
) -> List[Problem]:
    """ValidatePodSpec (+ validatePodMetadataAndSpec's pod-only checks)."""
    out: List[Problem] = []
    opts = PodOpts(ctx, is_pod)
    spec = _drop_disabled_fields(spec, opts)
    opts.host_users = spec.get("hostUsers") is not False
    grace = spec.get("terminationGracePeriodSeconds", 30)
    volumes = validate_volumes(spec.get("volumes"), path + ("volumes",), out, opts, extra_volumes)
    claim_names = {
        c.get("name")
        for c in list_at(spec.get("resourceClaims"))
        if isinstance(c, dict) and isinstance(c.get("name"), str)
    }
    _resource_claims(spec.get("resourceClaims"), path + ("resourceClaims",), out)
    restart = spec.get("restartPolicy") if isinstance(spec.get("restartPolicy"), str) else "Always"
    env = (volumes, claim_names, opts, restart, grace)
    names: Dict[str, Path] = {}  # container name -> where it was first used
    _containers(spec.get("containers"), path, out, env, names)
    _init_containers(spec.get("initContainers"), path, out, env, names)
    _ephemeral_containers(spec.get("ephemeralContainers"), path, out, is_pod)
    _host_network_ports(spec, path, out)
    rpol = spec.get("restartPolicy")
    if isinstance(rpol, str) and rpol and rpol not in ("Always", "OnFailure", "Never"):
        out.append(m.unsupported(path + ("restartPolicy",), rpol, ("Always", "OnFailure", "Never"), UNSUPPORTED_VALUE))
    _dns(spec, path, out, opts)
    out.extend(m.validate_labels(spec.get("nodeSelector"), path + ("nodeSelector",), INVALID_VALUE))
    _pod_security_context(spec.get("securityContext"), spec, path + ("securityContext",), out)
    if spec.get("hostUsers") is False:
        for f in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(f) is True:
                said = "`hostUsers`" if opts.new_words else "`pod.Spec.HostUsers`"
                out.append(m.forbidden(path + (f,), f"when {said} is false", FORBIDDEN_FIELD))
    _affinity(spec.get("affinity"), path + ("affinity",), out)
    _pod_gates(spec, path, out)
    _topology_spread(spec.get("topologySpreadConstraints"), path + ("topologySpreadConstraints",), out, opts)
    _pod_names(spec, path, out)
    _tolerations(spec.get("tolerations"), path + ("tolerations",), out)
    _host_aliases(spec.get("hostAliases"), path, out, opts)
    _priority(spec, path, out, is_pod)
    _pod_os(spec, path, out)
    if is_pod:
        _pod_admission(spec, path, out)
    return out


def _containers(containers, path: Path, out, env, names: Dict[str, Path]):
    """validateContainers: each container, unique names, host ports."""
    volumes, claim_names, opts, restart, grace = env
    if isinstance(containers, list) and not containers:
        out.append(m.required(path + ("containers",), "", REQUIRED_VALUE, hint="a pod needs at least one container"))
    for i, c in enumerate(list_at(containers)):
        if not isinstance(c, dict):
            continue
        cp = path + ("containers", i)
        _container_common(c, cp, out, volumes, claim_names, opts, restart)
        name = c.get("name")
        if isinstance(name, str):
            if name in names:
                out.append(m.duplicate(cp + ("name",), name, DUPLICATE_VALUE, names[name]))
            else:
                names[name] = cp + ("name",)
        _lifecycle(c.get("lifecycle"), cp + ("lifecycle",), out, grace, opts)
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            _probe(c.get(probe), cp + (probe,), out, grace, opts, probe)
        crp = c.get("restartPolicy")
        if crp is not None:
            if not opts.container_restart_rules:
                out.append(
                    m.forbidden(
                        cp + ("restartPolicy",),
                        "may not be set for non-init containers",
                        FORBIDDEN_FIELD,
                        at="key",
                        hint="only initContainers take restartPolicy: Always (sidecars)",
                    )
                )
            elif isinstance(crp, str) and crp not in CONTAINER_RESTART_POLICIES:
                out.append(m.unsupported(cp + ("restartPolicy",), crp, CONTAINER_RESTART_POLICIES, UNSUPPORTED_VALUE))
    out.extend(_host_port_conflicts(list_at(containers), path + ("containers",)))


def _init_containers(containers, path: Path, out, env, names: Dict[str, Path]):
    """validateInitContainers: sidecars (restartPolicy: Always) take lifecycle
    and probes, other init containers do not."""
    volumes, claim_names, opts, restart, grace = env
    for i, c in enumerate(list_at(containers)):
        if not isinstance(c, dict):
            continue
        cp = path + ("initContainers", i)
        _container_common(c, cp, out, volumes, claim_names, opts, restart)
        rp = c.get("restartPolicy")
        sidecar = rp == "Always"
        allowed = CONTAINER_RESTART_POLICIES if opts.container_restart_rules else ("Always",)
        if isinstance(rp, str) and rp not in allowed:
            out.append(
                m.unsupported(
                    cp + ("restartPolicy",),
                    rp,
                    allowed,
                    UNSUPPORTED_VALUE,
                    "restartPolicy: Always makes an init container a sidecar",
                )
            )
        name = c.get("name")
        if isinstance(name, str):
            if name in names:
                out.append(m.duplicate(cp + ("name",), name, DUPLICATE_VALUE, names[name]))
            elif name:
                names[name] = cp + ("name",)
        out.extend(_host_port_conflicts([c], path + ("initContainers",), offset=i))
        if sidecar:
            _lifecycle(c.get("lifecycle"), cp + ("lifecycle",), out, grace, opts)
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                _probe(c.get(probe), cp + (probe,), out, grace, opts, probe)
        else:
            for f in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(f) is not None:
                    out.append(
                        m.forbidden(
                            cp + (f,),
                            "may not be set for init containers without restartPolicy=Always",
                            FORBIDDEN_FIELD,
                            at="key",
                            hint="add restartPolicy: Always to make it a sidecar, or drop the field",
                        )
                    )


def _ephemeral_containers(eph, path: Path, out, is_pod: bool):
    """Ephemeral containers are added by kubectl debug, never on create or in a template."""
    if isinstance(eph, list) and eph:
        if is_pod:
            out.append(
                m.forbidden(
                    path + ("ephemeralContainers",),
                    "cannot be set on create",
                    FORBIDDEN_FIELD,
                    at="key",
                    hint="ephemeral containers are added with kubectl debug",
                )
            )
        else:
            out.append(
                m.forbidden(
                    path + ("ephemeralContainers",),
                    "ephemeral containers not allowed in pod template",
                    FORBIDDEN_FIELD,
                    at="key",
                )
            )


def _host_network_ports(spec: dict, path: Path, out):
    """validatePodHostNetworkDeps: with hostNetwork, hostPort = containerPort."""
    if spec.get("hostNetwork") is not True:
        return
    for i, c in enumerate(list_at(spec.get("containers"))):
        for j, port in enumerate(list_at(dict_at(c).get("ports"))):
            if not isinstance(port, dict):
                continue
            hp, cpn = port.get("hostPort"), port.get("containerPort")
            if is_int(hp) and is_int(cpn) and hp != 0 and hp != cpn:
                out.append(
                    m.invalid(
                        path + ("containers", i, "ports", j, "hostPort"),
                        hp,
                        "must match `containerPort` when `hostNetwork` is true",
                        INVALID_VALUE,
                    )
                )


def _pod_gates(spec: dict, path: Path, out):
    """readinessGates' condition types and schedulingGates' names: qualified names, gates unique."""
    for i, g in enumerate(list_at(spec.get("readinessGates"))):
        ct = dict_at(g).get("conditionType")
        if isinstance(ct, str):
            _qualified(ct, path + ("readinessGates", i, "conditionType"), out)
    gates: Set[str] = set()
    for i, g in enumerate(list_at(spec.get("schedulingGates"))):
        gn = dict_at(g).get("name")
        if isinstance(gn, str):
            _qualified(gn, path + ("schedulingGates", i), out)
            if gn in gates:
                out.append(m.duplicate(path + ("schedulingGates", i), gn, DUPLICATE_VALUE))
            gates.add(gn)


def _pod_names(spec: dict, path: Path, out):
    """The names a pod spec refers to or takes: service account, node, priority
    class, runtime class (DNS subdomains), hostname and subdomain (DNS labels),
    and activeDeadlineSeconds between them as the server orders its errors."""
    for f in ("serviceAccountName", "nodeName", "priorityClassName"):
        val = spec.get(f)
        if isinstance(val, str) and val:
            _dns_subdomain(val, path + (f,), out)
    sa_old = spec.get("serviceAccount")
    if (
        isinstance(sa_old, str)
        and sa_old
        and not str_at(spec.get("serviceAccountName"))
        and not m.is_placeholder(sa_old)
    ):
        # v1 conversion copies the deprecated serviceAccount into serviceAccountName.
        for msg in v.is_dns1123_subdomain(sa_old):
            out.append(
                m.invalid(
                    path + ("serviceAccountName",),
                    sa_old,
                    msg,
                    INVALID_VALUE,
                    anchor=path + ("serviceAccount",),
                    hint="serviceAccount is the deprecated spelling of serviceAccountName",
                )
            )
    rc = spec.get("runtimeClassName")
    if isinstance(rc, str):
        _dns_subdomain(rc, path + ("runtimeClassName",), out)
    ads = spec.get("activeDeadlineSeconds")
    if is_int(ads) and (ads < 1 or ads > MAX_INT32):
        out.append(
            m.invalid(path + ("activeDeadlineSeconds",), ads, v.inclusive_range_error(1, MAX_INT32), INVALID_VALUE)
        )
    for f in ("hostname", "subdomain"):
        val = spec.get(f)
        if isinstance(val, str) and val:
            _dns_label(val, path + (f,), out)


def _host_aliases(aliases, path: Path, out, opts: PodOpts):
    """hostAliases: an IP and DNS-subdomain host names."""
    for i, ha in enumerate(list_at(aliases)):
        if not isinstance(ha, dict):
            continue
        ip = ha.get("ip")
        if isinstance(ip, str):
            for msg in ip_strict_errors(ip, opts.strict_ip)[:1]:
                out.append(m.invalid(path + ("hostAliases", i, "ip"), ip, msg, INVALID_VALUE))
        for j, hn in enumerate(list_at(ha.get("hostnames"))):
            if isinstance(hn, str):
                _dns_subdomain(hn, path + ("hostAliases", i, "hostnames", j), out)


def _priority(spec: dict, path: Path, out, is_pod: bool):
    """preemptionPolicy and priority: on a Pod without priorityClassName the
    Priority admission plugin (plugin/pkg/admission/priority) runs before
    validation, computes both from the PriorityClass (none: 0 and
    PreemptLowerPriority on a fresh cluster) and refuses any other value."""
    pp = spec.get("preemptionPolicy")
    if is_pod and not str_at(spec.get("priorityClassName")):
        if isinstance(pp, str) and pp != "PreemptLowerPriority":
            out.append(
                m.forbidden(
                    path + ("preemptionPolicy",),
                    f"the string value of PreemptionPolicy ({pp}) must not be provided in pod spec; "
                    "priority admission controller computed PreemptLowerPriority from the given PriorityClass name",
                    FORBIDDEN_FIELD,
                    hint="set priorityClassName to a PriorityClass with preemptionPolicy: Never instead",
                )
            )
        prio = spec.get("priority")
        if is_int(prio) and prio != 0:
            out.append(
                m.forbidden(
                    path + ("priority",),
                    f"the integer value of priority ({prio}) must not be provided in pod spec; "
                    "priority admission controller computed 0 from the given PriorityClass name",
                    FORBIDDEN_FIELD,
                    hint="set priorityClassName instead; priority is filled in from the class",
                )
            )
    elif isinstance(pp, str) and pp not in ("PreemptLowerPriority", "Never"):
        out.append(
            m.unsupported(path + ("preemptionPolicy",), pp, ("PreemptLowerPriority", "Never"), UNSUPPORTED_VALUE)
        )


def _pod_os(spec: dict, path: Path, out):
    """os.name, and the fields that name forbids (validateLinux / validateWindows)."""
    os_ = spec.get("os")
    if not isinstance(os_, dict):
        return
    osn = os_.get("name")
    if isinstance(osn, str) and osn not in ("linux", "windows"):
        out.append(
            m.unsupported(path + ("os",), osn, ("linux", "windows"), UNSUPPORTED_VALUE, anchor=path + ("os", "name"))
        )
    elif osn == "linux":
        _validate_linux(spec, path, out)
    elif osn == "windows":
        _validate_windows(spec, path, out)


def _pod_admission(spec: dict, path: Path, out):
    """What admission plugins that run before validation refuse in a Pod."""
    if spec.get("overhead") is not None and not str_at(spec.get("runtimeClassName")):
        # RuntimeClass admission (plugin/pkg/admission/runtimeclass): overhead comes from the class.
        out.append(
            m.forbidden(
                path + ("overhead",),
                "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead",
                FORBIDDEN_FIELD,
                at="key",
                hint="drop spec.overhead; it is filled in from the RuntimeClass",
            )
        )
    if not str_at(spec.get("serviceAccountName")) and not str_at(spec.get("serviceAccount")):
        # validatePodMetadataAndSpec (pods only): the ServiceAccount admission
        # plugin fills serviceAccountName in later, validation sees it empty.
        for i, vol in enumerate(list_at(spec.get("volumes"))):
            for j, src in enumerate(list_at(dict_at(dict_at(vol).get("projected")).get("sources"))):
                if isinstance(src, dict) and src.get("serviceAccountToken") is not None:
                    out.append(
                        m.forbidden(
                            path + ("volumes", i, "projected", "sources", j, "serviceAccountToken"),
                            "must not be specified when serviceAccountName is not set",
                            FORBIDDEN_FIELD,
                            at="key",
                            hint="set spec.serviceAccountName (e.g. default)",
                        )
                    )


WINDOWS_POD_FORBIDDEN = (
    "appArmorProfile",
    "seLinuxOptions",
    "seccompProfile",
    "fsGroup",
    "fsGroupChangePolicy",
    "sysctls",
    "runAsUser",
    "runAsGroup",
    "supplementalGroups",
    "supplementalGroupsPolicy",
    "seLinuxChangePolicy",
)
WINDOWS_CONTAINER_FORBIDDEN = (
    "appArmorProfile",
    "seLinuxOptions",
    "seccompProfile",
    "capabilities",
    "readOnlyRootFilesystem",
    "privileged",
    "allowPrivilegeEscalation",
    "procMount",
    "runAsUser",
    "runAsGroup",
)


def _all_containers(spec: dict, path):
    for lst in ("initContainers", "containers", "ephemeralContainers"):
        for i, c in enumerate(list_at(spec.get(lst))):
            if isinstance(c, dict):
                yield c, path + (lst, i)


def _validate_linux(spec: dict, path, out):
    """validateLinux: no Windows options in a linux pod."""
    if dict_at(spec.get("securityContext")).get("windowsOptions") is not None:
        out.append(
            m.forbidden(
                path + ("securityContext", "windowsOptions"),
                "windows options cannot be set for a linux pod",
                FORBIDDEN_FIELD,
                at="key",
            )
        )
    for c, cp in _all_containers(spec, path):
        if dict_at(c.get("securityContext")).get("windowsOptions") is not None:
            out.append(
                m.forbidden(
                    cp + ("securityContext", "windowsOptions"),
                    "windows options cannot be set for a linux pod",
                    FORBIDDEN_FIELD,
                    at="key",
                )
            )


def _validate_windows(spec: dict, path, out):
    """validateWindows: no Linux-only security fields in a windows pod."""
    sc = dict_at(spec.get("securityContext"))
    for f in WINDOWS_POD_FORBIDDEN:
        if sc.get(f) is not None and not (f in ("sysctls", "supplementalGroups") and not sc.get(f)):
            out.append(
                m.forbidden(path + ("securityContext", f), "cannot be set for a windows pod", FORBIDDEN_FIELD, at="key")
            )
    for f in ("hostUsers", "shareProcessNamespace"):
        if spec.get(f) is not None:
            out.append(m.forbidden(path + (f,), "cannot be set for a windows pod", FORBIDDEN_FIELD, at="key"))
    for f in ("hostPID", "hostIPC"):
        if spec.get(f) is True:
            out.append(m.forbidden(path + (f,), "cannot be set for a windows pod", FORBIDDEN_FIELD, at="key"))
    for c, cp in _all_containers(spec, path):
        csc = dict_at(c.get("securityContext"))
        for f in WINDOWS_CONTAINER_FORBIDDEN:
            if csc.get(f) is not None:
                out.append(
                    m.forbidden(
                        cp + ("securityContext", f), "cannot be set for a windows pod", FORBIDDEN_FIELD, at="key"
                    )
                )


def _resource_claims(claims, path, out):
    """validatePodResourceClaims."""
    seen: Set[str] = set()
    for i, c in enumerate(list_at(claims)):
        if not isinstance(c, dict):
            continue
        ip = path + (i,)
        name = c.get("name")
        if not isinstance(name, str) or not name:
            out.append(m.required(ip + ("name",), "", REQUIRED_VALUE))
        elif name in seen:
            out.append(m.duplicate(ip + ("name",), name, DUPLICATE_VALUE))
        else:
            _dns_label(name, ip + ("name",), out)
            seen.add(name)
        a, b = c.get("resourceClaimName"), c.get("resourceClaimTemplateName")
        if a is not None and b is not None:
            out.append(
                m.invalid(
                    ip,
                    "",
                    "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified",
                    INVALID_VALUE,
                    at="key",
                )
            )
        if a is None and b is None:
            out.append(
                m.invalid(
                    ip,
                    "",
                    "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`",
                    INVALID_VALUE,
                    at="key",
                )
            )


def _host_port_conflicts(containers: list, path, offset: int = 0) -> List[Problem]:
    """checkHostPortConflicts: protocol/hostIP/hostPort unique (protocol defaults to TCP)."""
    out: List[Problem] = []
    seen: Set[str] = set()
    for ci, c in enumerate(containers):
        for pi, port in enumerate(list_at(dict_at(c).get("ports"))):
            if not isinstance(port, dict):
                continue
            hp = port.get("hostPort")
            if not is_int(hp) or hp == 0:
                continue
            key = f"{port.get('protocol') or 'TCP'}/{port.get('hostIP') or ''}/{hp}"
            if key in seen:
                out.append(m.duplicate(path + (ci + offset, "ports", pi, "hostPort"), key, DUPLICATE_VALUE))
            seen.add(key)
    return out


# --- pod-specific annotations ---------------------------------------------------------

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
TOLERATIONS_ANNOTATION = "scheduler.alpha.kubernetes.io/tolerations"
DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"
SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def _ann_invalid(ann_path, key, value, detail, hint=""):
    """``metadata.annotations[key]: Invalid value: ...`` located at the value."""
    where = m.format_path(ann_path) + f"[{key}]"
    return m.problem(
        ann_path,
        f"Invalid value: {m._show(value)}: {detail}",
        INVALID_VALUE,
        hint,
        where=where,
        anchor=ann_path + (key,),
    )


def _seccomp_annotation(value: str) -> bool:
    """ValidateSeccompProfile (annotation form)."""
    if value in ("runtime/default", "docker/default", "unconfined"):
        return True
    if value.startswith("localhost/"):
        rest = value[len("localhost/") :]
        return not rest.startswith("/") and ".." not in rest.split("/")
    return False


def validate_pod_annotations(ann, spec: dict, ann_path, out):
    """ValidatePodSpecificAnnotations (+ ValidateSeccompPodAnnotations,
    ValidateAppArmorPodAnnotations)."""
    if not isinstance(ann, dict):
        return
    if isinstance(ann.get(MIRROR_ANNOTATION), str) and not str_at(spec.get("nodeName")):
        out.append(
            _ann_invalid(
                ann_path,
                MIRROR_ANNOTATION,
                ann[MIRROR_ANNOTATION],
                "must set spec.nodeName if mirror pod annotation is set",
            )
        )
    tol = ann.get(TOLERATIONS_ANNOTATION)
    if isinstance(tol, str) and tol:
        import json

        try:
            parsed = json.loads(tol)
        except ValueError:
            out.append(
                m.invalid(
                    ann_path,
                    TOLERATIONS_ANNOTATION,
                    go_json_error(tol),
                    INVALID_VALUE,
                    "the value must be a JSON list of tolerations",
                    anchor=ann_path + (TOLERATIONS_ANNOTATION,),
                )
            )
        else:
            if isinstance(parsed, list):
                _tolerations(parsed, ann_path + (TOLERATIONS_ANNOTATION,), out)
    cost = ann.get(DELETION_COST_ANNOTATION)
    if isinstance(cost, str) and not (goregex.compile(r"^[+-]?[0-9]+$").match(cost) and -(2**31) <= int(cost) < 2**31):
        out.append(_ann_invalid(ann_path, DELETION_COST_ANNOTATION, cost, "must be a 32bit integer"))
    names = {
        c.get("name")
        for lst in ("initContainers", "containers", "ephemeralContainers")
        for c in list_at(spec.get(lst))
        if isinstance(c, dict) and isinstance(c.get("name"), str)
    }
    for key, value in ann.items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue
        if key == SECCOMP_POD_ANNOTATION or key.startswith(SECCOMP_CONTAINER_PREFIX):
            if not _seccomp_annotation(value):
                out.append(
                    m.invalid(
                        ann_path + (key,),
                        value,
                        "must be a valid seccomp profile",
                        INVALID_VALUE,
                        "runtime/default, unconfined or localhost/<path>; better: securityContext.seccompProfile",
                    )
                )
        elif key.startswith(APPARMOR_PREFIX):
            cname = key[len(APPARMOR_PREFIX) :]
            if cname not in names:
                out.append(_ann_invalid(ann_path, key, cname, "container not found"))
            elif not (value in ("runtime/default", "unconfined") or value.startswith("localhost/")):
                out.append(
                    _ann_invalid(
                        ann_path,
                        key,
                        value,
                        f"invalid AppArmor profile name: {m._show(value)}",
                        "runtime/default, unconfined or localhost/<profile>; better: securityContext.appArmorProfile",
                    )
                )


# --- registration --------------------------------------------------------------------


def validate_pod_template(tmpl, path: Path, ctx, extra_volumes: Optional[Dict[str, dict]] = None) -> List[Problem]:
    """ValidatePodTemplateSpec: template labels/annotations and the pod spec."""
    out: List[Problem] = []
    if not isinstance(tmpl, dict):
        return out
    meta = dict_at(tmpl.get("metadata"))
    # ValidatePodTemplateSpec names the template's labels and annotations
    # fldPath.Child("labels"): spec.template.labels, spec.template.annotations[...]
    named: List[Problem] = []
    named.extend(m.validate_labels(meta.get("labels"), path + ("metadata", "labels")))
    named.extend(m.validate_annotations(meta.get("annotations"), path + ("metadata", "annotations")))
    spec = tmpl.get("spec")
    if isinstance(spec, dict):
        validate_pod_annotations(meta.get("annotations"), spec, path + ("metadata", "annotations"), named)
    old, new = m.format_path(path + ("metadata",)) + ".", m.format_path(path) + "."
    for p in named:
        where = p.field if p.field is not None else m.format_path(p.path)
        out.append(m.renamed(p, new + where[len(old) :]) if where.startswith(old) else p)
    if isinstance(spec, dict):
        out.extend(validate_pod_spec(spec, path + ("spec",), ctx, is_pod=False, meta=meta, extra_volumes=extra_volumes))
    return out


def _statefulset_template_meta(tmpl, path: Path) -> List[Problem]:
    """ValidatePodTemplateSpecForStatefulSet through v1.33: the template's labels, annotations and
    pod-specific annotations, not its pod spec."""
    out: List[Problem] = []
    if not isinstance(tmpl, dict):
        return out
    meta = dict_at(tmpl.get("metadata"))
    out.extend(m.validate_labels(meta.get("labels"), path + ("metadata", "labels")))
    out.extend(m.validate_annotations(meta.get("annotations"), path + ("metadata", "annotations")))
    spec = tmpl.get("spec")
    validate_pod_annotations(
        meta.get("annotations"), spec if isinstance(spec, dict) else {}, path + ("metadata", "annotations"), out
    )
    return out


@validates(("", "Pod"))
@m.at_block_keys
def pod(obj, ctx):
    """ValidatePodCreate."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return []
    meta = obj.metadata if isinstance(obj.metadata, dict) else {}
    out = validate_pod_spec(spec, ("spec",), ctx, is_pod=True, meta=meta)
    validate_pod_annotations(meta.get("annotations"), spec, ("metadata", "annotations"), out)
    return out


@validates(
    ("", "PodTemplate"),
    ("", "ReplicationController"),
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("apps", "ReplicaSet"),
    ("batch", "Job"),
    ("batch", "CronJob"),
)
@m.at_block_keys
def pod_template(obj, ctx):
    """Every pod template: ValidatePodTemplateSpec."""
    path = pod_spec_path(obj.group, obj.kind)
    if path is None:
        return []
    tmpl_path = path[:-1]
    from ..kinds import get_path

    extra = None
    if obj.kind == "StatefulSet":
        # Through v1.33 ValidatePodTemplateSpecForStatefulSet left the pod spec unchecked (a TODO:
        # only the template's labels and annotations; oracle-confirmed on v1.30 and v1.33); from
        # v1.34 it calls ValidatePodTemplateSpec, counting each volumeClaimTemplate as a volume the
        # mounts may name (oracle-confirmed on v1.37). See .gates.
        if not ctx.gate("StatefulSetTemplateValidation"):
            return _statefulset_template_meta(get_path(obj.data, tmpl_path), tmpl_path)
        extra = {}
        for c in list_at(dict_at(obj.data.get("spec")).get("volumeClaimTemplates")):
            n = dict_at(dict_at(c).get("metadata")).get("name")
            if isinstance(n, str):
                extra[n] = {"name": n, "persistentVolumeClaim": {"claimName": n}}
    return validate_pod_template(get_path(obj.data, tmpl_path), tmpl_path, ctx, extra)
