"""Pod Security Standards, as the PodSecurity admission plugin evaluates them.

A port of k8s.io/pod-security-admission v0.37.2 (the plugin compiled into
kube-apiserver v1.37): every check of ``policy/check_*.go`` with its
versions, its allowed values and its exemptions, the check registry
(``policy/registry.go``: which checks make up ``baseline`` and
``restricted`` at each version, restricted checks overriding baseline ones),
the namespace labels (``api/helpers.go``: ``PolicyToEvaluate``,
``ParseLevel``, ``ParseVersion``) and the texts the server prints
(``policy/checks.go``: ``AggregateCheckResult.ForbiddenDetail``;
``admission/admission.go``: ``EvaluatePod``).

Pure functions over plain data; nothing here raises on odd shapes (a value
of the wrong type is the schema's business and is skipped, as the server
would have rejected it at decoding).

    results = evaluate("restricted", (1, 37), meta, meta_path, spec, spec_path)
    detail(results)   # 'allowPrivilegeEscalation != false (container "app" must set ...), ...'
"""

from __future__ import annotations


from . import record
from .lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Callable, Dict, List, Optional, Tuple

Version = tuple[int, int]  # (1, 37); a builtin generic: no typing at run time
Path = tuple

LEVELS = ("privileged", "baseline", "restricted")  # api/constants.go validLevels, in its order
LABEL_PREFIX = "pod-security.kubernetes.io/"
MODES = ("enforce", "audit", "warn")
# The newest policy version this port knows (the last MinimumVersion of any check: sysctls v1.37).
MAX_VERSION: Version = (1, 37)
LATEST = None  # a LevelVersion's version None = "latest"


class Violation(record.Record):
    path: Path  # the offending field, relative to the object root
    text: str  # what is wrong there, in the server's words for that one field

    _FIELDS = ("path", "text")

    def __init__(self, path, text):
        self.path = path
        self.text = text


class Result(record.Record):
    """A failed check (policy.CheckResult with Allowed=false)."""

    check: str  # the plugin's check ID, e.g. "allowPrivilegeEscalation"
    reason: str  # ForbiddenReason
    detail: str  # ForbiddenDetail
    violations: List[Violation]

    _FIELDS = ("check", "reason", "detail", "violations")

    def __init__(self, check, reason, detail, violations=record.FACTORY):
        self.check = check
        self.reason = reason
        self.detail = detail
        self.violations = list() if violations is record.FACTORY else violations


# ---------------------------------------------------------------------------
# Helpers (policy/helpers.go, policy/visitor.go)


def _join_quote(items) -> str:
    """joinQuote"""
    items = list(items)
    return '"' + '", "'.join(items) + '"' if items else ""


def _plural(singular: str, plural: str, n: int) -> str:
    """pluralize"""
    return singular if n == 1 else plural


def _d(value) -> dict:
    return value if isinstance(value, dict) else {}


def _l(value) -> list:
    return value if isinstance(value, list) else []


def _s(value) -> str:
    """A Go string field: "" when unset (or of the wrong type)."""
    return value if isinstance(value, str) else ""


class Pod:
    """The pod metadata and spec a check sees, with their paths in the object."""

    def __init__(self, meta, meta_path: Path, spec, spec_path: Path):
        self.meta = _d(meta)
        self.meta_path = meta_path
        self.spec = _d(spec)
        self.spec_path = spec_path
        self._containers = None

    def containers(self):
        """visitContainers: init containers, containers, ephemeral containers (listed once per Pod: every
        control visits them)."""
        if self._containers is None:
            self._containers = [
                (c, self.spec_path + (list_name, i))
                for list_name in ("initContainers", "containers", "ephemeralContainers")
                for i, c in enumerate(_l(self.spec.get(list_name)))
                if isinstance(c, dict)
            ]
        return iter(self._containers)

    def sc(self):
        return _d(self.spec.get("securityContext")), self.spec_path + ("securityContext",)

    def windows(self) -> bool:
        """podSpec.OS != nil && podSpec.OS.Name == corev1.Windows"""
        return _d(self.spec.get("os")).get("name") == "windows"

    def user_namespace(self) -> bool:
        """relaxPolicyForUserNamespacePod: hostUsers explicitly false."""
        return self.spec.get("hostUsers") is False


def _name(c) -> str:
    return _s(c.get("name"))


def _csc(c):
    return _d(c.get("securityContext"))


# ---------------------------------------------------------------------------
# Baseline checks


def host_namespaces_1_0(pod: Pod) -> Optional[Result]:
    """check_hostNamespaces.go hostNamespaces_1_0"""
    bad = [k for k in ("hostNetwork", "hostPID", "hostIPC") if pod.spec.get(k) is True]
    if not bad:
        return None
    return Result(
        "hostNamespaces",
        "host namespaces",
        ", ".join(f"{k}=true" for k in bad),
        [Violation(pod.spec_path + (k,), f"{k}=true") for k in bad],
    )


def privileged_1_0(pod: Pod) -> Optional[Result]:
    """check_privileged.go privileged_1_0"""
    bad = [(c, p) for c, p in pod.containers() if _csc(c).get("privileged") is True]
    if not bad:
        return None
    names = [_name(c) for c, _ in bad]
    return Result(
        "privileged",
        "privileged",
        f"{_plural('container', 'containers', len(names))} {_join_quote(names)} must not set "
        "securityContext.privileged=true",
        [
            Violation(
                p + ("securityContext", "privileged"),
                f'container "{_name(c)}" must not set securityContext.privileged=true',
            )
            for c, p in bad
        ],
    )


CAPABILITIES_BASELINE = frozenset(
    (
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    )
)


def capabilities_baseline_1_0(pod: Pod) -> Optional[Result]:
    """check_capabilities_baseline.go capabilitiesBaseline_1_0 (capabilities_allowed_1_0)"""
    names, caps, violations = [], set(), []
    for c, p in pod.containers():
        added = _l(_d(_csc(c).get("capabilities")).get("add"))
        bad = [(i, cap) for i, cap in enumerate(added) if isinstance(cap, str) and cap not in CAPABILITIES_BASELINE]
        if bad:
            names.append(_name(c))
            for i, cap in bad:
                caps.add(cap)
                violations.append(
                    Violation(
                        p + ("securityContext", "capabilities", "add", i),
                        f'container "{_name(c)}" must not include "{cap}" in securityContext.capabilities.add',
                    )
                )
    if not names:
        return None
    return Result(
        "capabilities_baseline",
        "non-default capabilities",
        f"{_plural('container', 'containers', len(names))} {_join_quote(names)} must not include "
        f"{_join_quote(sorted(caps))} in securityContext.capabilities.add",
        violations,
    )


def host_path_volumes_1_0(pod: Pod) -> Optional[Result]:
    """check_hostPathVolumes.go hostPathVolumes_1_0"""
    bad = [
        (i, v)
        for i, v in enumerate(_l(pod.spec.get("volumes")))
        if isinstance(v, dict) and v.get("hostPath") is not None
    ]
    if not bad:
        return None
    names = [_s(v.get("name")) for _, v in bad]
    return Result(
        "hostPathVolumes",
        "hostPath volumes",
        f"{_plural('volume', 'volumes', len(names))} {_join_quote(names)}",
        [
            Violation(pod.spec_path + ("volumes", i, "hostPath"), f'volume "{_s(v.get("name"))}" is a hostPath volume')
            for i, v in bad
        ],
    )


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def host_ports_1_0(pod: Pod) -> Optional[Result]:
    """check_hostPorts.go hostPorts_1_0"""
    names, ports, violations = [], set(), []
    for c, p in pod.containers():
        bad = False
        for i, port in enumerate(_l(c.get("ports"))):
            hp = _int(_d(port).get("hostPort"))
            if hp != 0:
                bad = True
                ports.add(str(hp))
                how = " (hostNetwork: true defaults hostPort to containerPort)" if _d(port).get(_DEFAULTED) else ""
                violations.append(
                    Violation(p + ("ports", i, "hostPort"), f'container "{_name(c)}" uses hostPort {hp}{how}')
                )
        if bad:
            names.append(_name(c))
    if not names:
        return None
    return Result(
        "hostPorts",
        "hostPort",
        f"{_plural('container', 'containers', len(names))} {_join_quote(names)} "
        f"{_plural('uses', 'use', len(names))} {_plural('hostPort', 'hostPorts', len(ports))} "
        f"{', '.join(sorted(ports))}",
        violations,
    )


def _forbidden_hosts(handler, path):
    out = []
    for kind in ("httpGet", "tcpSocket"):
        host = _s(_d(_d(handler).get(kind)).get("host"))
        if host:
            out.append((host, path + (kind, "host")))
    return out


def host_probes_lifecycle_1_34(pod: Pod) -> Optional[Result]:
    """check_hostProbesAndhostLifecycle.go hostProbesAndHostLifecycleV1Dot34"""
    names, hosts, violations = [], set(), []
    for c, p in pod.containers():
        found = []
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            found += _forbidden_hosts(c.get(probe), p + (probe,))
        lifecycle = _d(c.get("lifecycle"))
        for hook in ("postStart", "preStop"):
            found += _forbidden_hosts(lifecycle.get(hook), p + ("lifecycle", hook))
        if found:
            names.append(_name(c))
            for host, hp in found:
                hosts.add(host)
                violations.append(Violation(hp, f'container "{_name(c)}" uses probe or lifecycle host "{host}"'))
    if not names:
        return None
    return Result(
        "hostProbesAndHostLifecycle",
        "probe or lifecycle host",
        f"{_plural('container', 'containers', len(names))} {_join_quote(sorted(set(names)))} "
        f"{_plural('uses', 'use', len(set(names)))} "
        f"{_plural('probe or lifecycle host', 'probe or lifecycle hosts', len(hosts))} {_join_quote(sorted(hosts))}",
        violations,
    )


APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def _apparmor_annotation_ok(value: str) -> bool:
    """allowedAnnotationValue: empty, runtime/default or localhost/*"""
    return value == "" or value == "runtime/default" or value.startswith("localhost/")


def apparmor_profile_1_0(pod: Pod) -> Optional[Result]:
    """check_appArmorProfile.go appArmorProfile_1_0 (allowedProfileType: RuntimeDefault, Localhost)"""
    setters, values, violations = [], set(), []
    psc, psc_path = pod.sc()
    prof = psc.get("appArmorProfile")
    if isinstance(prof, dict) and _s(prof.get("type")) not in ("RuntimeDefault", "Localhost"):
        setters.append("pod")
        values.add(_s(prof.get("type")))
        violations.append(
            Violation(
                psc_path + ("appArmorProfile", "type"),
                f'pod must not set AppArmor profile type to "{_s(prof.get("type"))}"',
            )
        )
    names = []
    for c, p in pod.containers():
        prof = _csc(c).get("appArmorProfile")
        if isinstance(prof, dict) and _s(prof.get("type")) not in ("RuntimeDefault", "Localhost"):
            names.append(_name(c))
            values.add(_s(prof.get("type")))
            synced = prof.get(_DEFAULTED)  # from the annotation (applyAppArmorVersionSkew)
            violations.append(
                Violation(
                    pod.meta_path + ("annotations", synced)
                    if synced
                    else p + ("securityContext", "appArmorProfile", "type"),
                    f'container "{_name(c)}" must not set AppArmor profile type to '
                    f'"{_s(prof.get("type"))}"' + (f" (from annotation {synced})" if synced else ""),
                )
            )
    if names:
        setters.append(f"{_plural('container', 'containers', len(names))} {_join_quote(names)}")
    annotations = []
    for k, v in _d(pod.meta.get("annotations")).items():
        if isinstance(k, str) and k.startswith(APPARMOR_ANNOTATION_PREFIX) and not _apparmor_annotation_ok(_s(v)):
            annotations.append(f'{k}="{_s(v)}"')
            violations.append(Violation(pod.meta_path + ("annotations", k), f'annotation {k}="{_s(v)}" is forbidden'))
    value_list = sorted(values)
    if annotations:
        value_list += sorted(annotations)
        setters.append(_plural("annotation", "annotations", len(annotations)))
    if not setters:
        return None
    return Result(
        "appArmorProfile",
        _plural("forbidden AppArmor profile", "forbidden AppArmor profiles", len(value_list)),
        f"{' and '.join(setters)} must not set AppArmor profile type to {_join_quote(value_list)}",
        violations,
    )


SELINUX_TYPES_1_0 = frozenset(("", "container_t", "container_init_t", "container_kvm_t"))
SELINUX_TYPES_1_31 = SELINUX_TYPES_1_0 | {"container_engine_t"}


def _selinux(allowed):
    def check(pod: Pod) -> Optional[Result]:
        setters, types, flags, violations = [], set(), {"user": False, "role": False}, []

        def valid(opts, path, who):
            ok = True
            t = _s(opts.get("type"))
            if t not in allowed:
                ok = False
                types.add(t)
                violations.append(Violation(path + ("type",), f'{who} sets forbidden seLinuxOptions type "{t}"'))
            for key in ("user", "role"):
                if _s(opts.get(key)):
                    ok = False
                    flags[key] = True
                    violations.append(
                        Violation(path + (key,), f"{who} sets seLinuxOptions {key}, which may not be set")
                    )
            return ok

        psc, psc_path = pod.sc()
        if isinstance(psc.get("seLinuxOptions"), dict):
            if not valid(psc["seLinuxOptions"], psc_path + ("seLinuxOptions",), "pod"):
                setters.append("pod")
        names = []
        for c, p in pod.containers():
            opts = _csc(c).get("seLinuxOptions")
            if isinstance(opts, dict) and not valid(
                opts, p + ("securityContext", "seLinuxOptions"), f'container "{_name(c)}"'
            ):
                names.append(_name(c))
        if names:
            setters.append(f"{_plural('container', 'containers', len(names))} {_join_quote(names)}")
        if not setters:
            return None
        data = []
        if types:
            data.append(f"{_plural('type', 'types', len(types))} {_join_quote(sorted(types))}")
        if flags["user"]:
            data.append("user may not be set")
        if flags["role"]:
            data.append("role may not be set")
        return Result(
            "seLinuxOptions",
            "seLinuxOptions",
            f"{' and '.join(setters)} set forbidden securityContext.seLinuxOptions: {'; '.join(data)}",
            violations,
        )

    return check


selinux_options_1_0 = _selinux(SELINUX_TYPES_1_0)
selinux_options_1_0.__doc__ = "check_seLinuxOptions.go seLinuxOptions1_0 (selinuxAllowedTypes1_0)"
selinux_options_1_31 = _selinux(SELINUX_TYPES_1_31)
selinux_options_1_31.__doc__ = (
    "check_seLinuxOptions.go seLinuxOptions1_31 (selinuxAllowedTypes1_31: + container_engine_t)"
)


def proc_mount_1_0(pod: Pod) -> Optional[Result]:
    """check_procMount_baseline.go procMount_1_0 (also the restricted check procMount_restricted)"""
    names, kinds, violations = [], set(), []
    for c, p in pod.containers():
        pm = _csc(c).get("procMount")
        if isinstance(pm, str) and pm != "Default":
            names.append(_name(c))
            kinds.add(pm)
            violations.append(
                Violation(
                    p + ("securityContext", "procMount"),
                    f'container "{_name(c)}" must not set securityContext.procMount to "{pm}"',
                )
            )
    if not names:
        return None
    return Result(
        "procMount",
        "procMount",
        f"{_plural('container', 'containers', len(names))} {_join_quote(names)} must not set "
        f"securityContext.procMount to {_join_quote(sorted(kinds))}",
        violations,
    )


def proc_mount_1_35_baseline(pod: Pod) -> Optional[Result]:
    """check_procMount_baseline.go procMount1_35baseline: any value when hostUsers is false"""
    return None if pod.user_namespace() else proc_mount_1_0(pod)


SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"


def seccomp_baseline_1_0(pod: Pod) -> Optional[Result]:
    """check_seccompProfile_baseline.go seccompProfileBaseline_1_0 (annotations; policy versions before v1.19)"""
    ann = _d(pod.meta.get("annotations"))
    bad, violations = set(), []

    def ok(v):
        return v in ("runtime/default", "docker/default") or v.startswith("localhost/")

    keys = [SECCOMP_POD_ANNOTATION] + [SECCOMP_CONTAINER_PREFIX + _name(c) for c, _ in pod.containers()]
    for k in keys:
        if k in ann and not ok(_s(ann[k])):
            bad.add(f'{k}="{_s(ann[k])}"')
            violations.append(
                Violation(pod.meta_path + ("annotations", k), f'annotation {k}="{_s(ann[k])}" is forbidden')
            )
    if not bad:
        return None
    return Result(
        "seccompProfile_baseline",
        "seccompProfile",
        f"forbidden {_plural('annotation', 'annotations', len(bad))} {', '.join(sorted(bad))}",
        violations,
    )


def _seccomp_valid(t: str) -> bool:
    """validSeccomp"""
    return t in ("Localhost", "RuntimeDefault")


def seccomp_baseline_1_19(pod: Pod) -> Optional[Result]:
    """check_seccompProfile_baseline.go seccompProfileBaseline_1_19"""
    setters, values, violations = [], set(), []
    psc, psc_path = pod.sc()
    prof = psc.get("seccompProfile")
    if isinstance(prof, dict) and not _seccomp_valid(_s(prof.get("type"))):
        setters.append("pod")
        values.add(_s(prof.get("type")))
        violations.append(
            Violation(
                psc_path + ("seccompProfile", "type"),
                f'pod must not set securityContext.seccompProfile.type to "{_s(prof.get("type"))}"',
            )
        )
    names = []
    for c, p in pod.containers():
        prof = _csc(c).get("seccompProfile")
        if isinstance(prof, dict) and not _seccomp_valid(_s(prof.get("type"))):
            names.append(_name(c))
            values.add(_s(prof.get("type")))
            violations.append(
                Violation(
                    p + ("securityContext", "seccompProfile", "type"),
                    f'container "{_name(c)}" must not set securityContext.seccompProfile.type to '
                    f'"{_s(prof.get("type"))}"',
                )
            )
    if names:
        setters.append(f"{_plural('container', 'containers', len(names))} {_join_quote(names)}")
    if not setters:
        return None
    return Result(
        "seccompProfile_baseline",
        "seccompProfile",
        f"{' and '.join(setters)} must not set securityContext.seccompProfile.type to {_join_quote(sorted(values))}",
        violations,
    )


SYSCTLS = {
    (1, 0): (
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    ),
    (1, 27): ("net.ipv4.ip_local_reserved_ports",),
    (1, 29): (
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    ),
    (1, 32): ("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"),
    (1, 37): ("net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"),
}


def allowed_sysctls(version: Version) -> frozenset:
    """sysctlsAllowedV1Dot0 ... sysctlsAllowedV1Dot37: the safe set of a policy version."""
    return frozenset(s for v, names in SYSCTLS.items() if v <= version for s in names)


def _sysctls(since: Version):
    allowed = allowed_sysctls(since)

    def check(pod: Pod) -> Optional[Result]:
        psc, psc_path = pod.sc()
        bad = [
            (i, _s(_d(s).get("name")))
            for i, s in enumerate(_l(psc.get("sysctls")))
            if _s(_d(s).get("name")) not in allowed
        ]
        if not bad:
            return None
        return Result(
            "sysctls",
            "forbidden sysctls",
            ", ".join(n for _, n in bad),
            [Violation(psc_path + ("sysctls", i, "name"), f'sysctl "{n}" is not in the safe set') for i, n in bad],
        )

    check.__doc__ = f"check_sysctls.go sysctlsV1Dot{since[1]} (sysctlsAllowedV1Dot{since[1]})"
    return check


def windows_host_process_1_0(pod: Pod) -> Optional[Result]:
    """check_windowsHostProcess.go windowsHostProcess_1_0"""
    violations, setters = [], []
    psc, psc_path = pod.sc()
    if _d(psc.get("windowsOptions")).get("hostProcess") is True:
        setters.append("pod")
        violations.append(
            Violation(
                psc_path + ("windowsOptions", "hostProcess"),
                "pod must not set securityContext.windowsOptions.hostProcess=true",
            )
        )
    names = []
    for c, p in pod.containers():
        if _d(_csc(c).get("windowsOptions")).get("hostProcess") is True:
            names.append(_name(c))
            violations.append(
                Violation(
                    p + ("securityContext", "windowsOptions", "hostProcess"),
                    f'container "{_name(c)}" must not set securityContext.windowsOptions.hostProcess=true',
                )
            )
    if names:
        setters.append(f"{_plural('container', 'containers', len(names))} {_join_quote(names)}")
    if not setters:
        return None
    return Result(
        "windowsHostProcess",
        "hostProcess",
        f"{' and '.join(setters)} must not set securityContext.windowsOptions.hostProcess=true",
        violations,
    )


# ---------------------------------------------------------------------------
# Restricted checks

ALLOWED_VOLUME_SOURCES = (
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
)
RESTRICTED_VOLUME_SOURCES = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
)


def restricted_volumes_1_0(pod: Pod) -> Optional[Result]:
    """check_restrictedVolumes.go restrictedVolumes_1_0"""
    names, types, violations = [], set(), []
    for i, v in enumerate(_l(pod.spec.get("volumes"))):
        if not isinstance(v, dict):
            continue
        if any(v.get(k) is not None for k in ALLOWED_VOLUME_SOURCES):
            continue
        if all(v.get(k) is None for k in v if k != "name"):
            continue  # no source at all: decoding defaults it to emptyDir (SetDefaults_Volume)
        names.append(_s(v.get("name")))
        t = next((k for k in RESTRICTED_VOLUME_SOURCES if v.get(k) is not None), "unknown")
        types.add(t)
        violations.append(
            Violation(
                pod.spec_path + ("volumes", i) + ((t,) if t != "unknown" else ()),
                f'volume "{_s(v.get("name"))}" uses restricted volume type "{t}"',
            )
        )
    if not names:
        return None
    return Result(
        "restrictedVolumes",
        "restricted volume types",
        f"{_plural('volume', 'volumes', len(names))} {_join_quote(names)} {_plural('uses', 'use', len(names))} "
        f"{_plural('restricted volume type', 'restricted volume types', len(types))} {_join_quote(sorted(types))}",
        violations,
    )


def allow_privilege_escalation_1_8(pod: Pod) -> Optional[Result]:
    """check_allowPrivilegeEscalation.go allowPrivilegeEscalation_1_8"""
    bad = [(c, p) for c, p in pod.containers() if _csc(c).get("allowPrivilegeEscalation") is not False]
    if not bad:
        return None
    names = [_name(c) for c, _ in bad]

    def where(c, p):
        return (
            p + ("securityContext", "allowPrivilegeEscalation")
            if "allowPrivilegeEscalation" in _csc(c)
            else p + ("name",)
        )

    return Result(
        "allowPrivilegeEscalation",
        "allowPrivilegeEscalation != false",
        f"{_plural('container', 'containers', len(names))} {_join_quote(names)} must set "
        "securityContext.allowPrivilegeEscalation=false",
        [
            Violation(where(c, p), f'container "{_name(c)}" must set securityContext.allowPrivilegeEscalation=false')
            for c, p in bad
        ],
    )


def _not_windows(fn, doc):
    def check(pod: Pod) -> Optional[Result]:
        return None if pod.windows() else fn(pod)

    check.__doc__ = doc
    return check


allow_privilege_escalation_1_25 = _not_windows(
    allow_privilege_escalation_1_8,
    "check_allowPrivilegeEscalation.go allowPrivilegeEscalation_1_25: Windows pods exempt",
)


def run_as_non_root_1_0(pod: Pod) -> Optional[Result]:
    """check_runAsNonRoot.go runAsNonRoot1_0"""
    setters, violations = [], []
    psc, psc_path = pod.sc()
    pod_ok = False
    if isinstance(psc.get("runAsNonRoot"), bool):
        if psc["runAsNonRoot"] is False:
            setters.append("pod")
            violations.append(
                Violation(psc_path + ("runAsNonRoot",), "pod must not set securityContext.runAsNonRoot=false")
            )
        else:
            pod_ok = True
    explicit, implicit, implicit_v = [], [], []
    for c, p in pod.containers():
        v = _csc(c).get("runAsNonRoot")
        if isinstance(v, bool):
            if v is False:
                explicit.append(_name(c))
                violations.append(
                    Violation(
                        p + ("securityContext", "runAsNonRoot"),
                        f'container "{_name(c)}" must not set securityContext.runAsNonRoot=false',
                    )
                )
        elif not pod_ok:
            implicit.append(_name(c))
            implicit_v.append(
                Violation(p + ("name",), f'pod or container "{_name(c)}" must set securityContext.runAsNonRoot=true')
            )
    if explicit:
        setters.append(f"{_plural('container', 'containers', len(explicit))} {_join_quote(explicit)}")
    if setters:
        return Result(
            "runAsNonRoot",
            "runAsNonRoot != true",
            f"{' and '.join(setters)} must not set securityContext.runAsNonRoot=false",
            violations,
        )
    if implicit:
        return Result(
            "runAsNonRoot",
            "runAsNonRoot != true",
            f"pod or {_plural('container', 'containers', len(implicit))} {_join_quote(implicit)} must set "
            "securityContext.runAsNonRoot=true",
            implicit_v,
        )
    return None


def run_as_non_root_1_35(pod: Pod) -> Optional[Result]:
    """check_runAsNonRoot.go runAsNonRoot1_35: any value when hostUsers is false"""
    return None if pod.user_namespace() else run_as_non_root_1_0(pod)


def _uid0(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v == 0


def run_as_user_1_23(pod: Pod) -> Optional[Result]:
    """check_runAsUser.go runAsUser1_23"""
    setters, violations = [], []
    psc, psc_path = pod.sc()
    if _uid0(psc.get("runAsUser")):
        setters.append("pod")
        violations.append(Violation(psc_path + ("runAsUser",), "pod must not set runAsUser=0"))
    names = []
    for c, p in pod.containers():
        if _uid0(_csc(c).get("runAsUser")):
            names.append(_name(c))
            violations.append(
                Violation(p + ("securityContext", "runAsUser"), f'container "{_name(c)}" must not set runAsUser=0')
            )
    if names:
        setters.append(f"{_plural('container', 'containers', len(names))} {_join_quote(names)}")
    if not setters:
        return None
    return Result("runAsUser", "runAsUser=0", f"{' and '.join(setters)} must not set runAsUser=0", violations)


def run_as_user_1_35(pod: Pod) -> Optional[Result]:
    """check_runAsUser.go runAsUser1_35: any value when hostUsers is false"""
    return None if pod.user_namespace() else run_as_user_1_23(pod)


def seccomp_restricted_1_19(pod: Pod) -> Optional[Result]:
    """check_seccompProfile_restricted.go seccompProfileRestricted_1_19"""
    setters, values, violations = [], set(), []
    psc, psc_path = pod.sc()
    pod_set = False
    prof = psc.get("seccompProfile")
    if isinstance(prof, dict):
        if not _seccomp_valid(_s(prof.get("type"))):
            setters.append("pod")
            values.add(_s(prof.get("type")))
            violations.append(
                Violation(
                    psc_path + ("seccompProfile", "type"),
                    f'pod must not set securityContext.seccompProfile.type to "{_s(prof.get("type"))}"',
                )
            )
        else:
            pod_set = True
    explicit, implicit, implicit_v = [], [], []
    for c, p in pod.containers():
        prof = _csc(c).get("seccompProfile")
        if isinstance(prof, dict):
            if not _seccomp_valid(_s(prof.get("type"))):
                explicit.append(_name(c))
                values.add(_s(prof.get("type")))
                violations.append(
                    Violation(
                        p + ("securityContext", "seccompProfile", "type"),
                        f'container "{_name(c)}" must not set securityContext.seccompProfile.type to '
                        f'"{_s(prof.get("type"))}"',
                    )
                )
        elif not pod_set:
            implicit.append(_name(c))
            implicit_v.append(
                Violation(
                    p + ("name",),
                    f'pod or container "{_name(c)}" must set '
                    'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
                )
            )
    if explicit:
        setters.append(f"{_plural('container', 'containers', len(explicit))} {_join_quote(explicit)}")
    if setters:
        return Result(
            "seccompProfile_restricted",
            "seccompProfile",
            f"{' and '.join(setters)} must not set securityContext.seccompProfile.type to "
            f"{_join_quote(sorted(values))}",
            violations,
        )
    if implicit:
        return Result(
            "seccompProfile_restricted",
            "seccompProfile",
            f"pod or {_plural('container', 'containers', len(implicit))} {_join_quote(implicit)} must set "
            'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
            implicit_v,
        )
    return None


seccomp_restricted_1_25 = _not_windows(
    seccomp_restricted_1_19, "check_seccompProfile_restricted.go seccompProfileRestricted_1_25: Windows pods exempt"
)


def capabilities_restricted_1_22(pod: Pod) -> Optional[Result]:
    """check_capabilities_restricted.go capabilitiesRestricted_1_22"""
    missing, adding, caps, violations = [], [], set(), []
    for c, p in pod.containers():
        caps_obj = _csc(c).get("capabilities")
        if not isinstance(caps_obj, dict):
            missing.append(_name(c))
            violations.append(
                Violation(p + ("name",), f'container "{_name(c)}" must set securityContext.capabilities.drop=["ALL"]')
            )
            continue
        if "ALL" not in _l(caps_obj.get("drop")):
            missing.append(_name(c))
            at = p + ("securityContext", "capabilities") + (("drop",) if "drop" in caps_obj else ())
            violations.append(
                Violation(at, f'container "{_name(c)}" must set securityContext.capabilities.drop=["ALL"]')
            )
        bad = False
        for i, cap in enumerate(_l(caps_obj.get("add"))):
            if cap != "NET_BIND_SERVICE":
                bad = True
                caps.add(_s(cap))
                violations.append(
                    Violation(
                        p + ("securityContext", "capabilities", "add", i),
                        f'container "{_name(c)}" must not include "{_s(cap)}" in securityContext.capabilities.add',
                    )
                )
        if bad:
            adding.append(_name(c))
    details = []
    if missing:
        details.append(
            f"{_plural('container', 'containers', len(missing))} {_join_quote(missing)} must set "
            'securityContext.capabilities.drop=["ALL"]'
        )
    if adding:
        details.append(
            f"{_plural('container', 'containers', len(adding))} {_join_quote(adding)} must not include "
            f"{_join_quote(sorted(caps))} in securityContext.capabilities.add"
        )
    if not details:
        return None
    return Result("capabilities_restricted", "unrestricted capabilities", "; ".join(details), violations)


capabilities_restricted_1_25 = _not_windows(
    capabilities_restricted_1_22, "check_capabilities_restricted.go capabilitiesRestricted_1_25: Windows pods exempt"
)


# ---------------------------------------------------------------------------
# The registry (policy/registry.go)


class Control(record.Record):
    """One check of the plugin: its ID, level, versioned functions, the
    baseline checks it overrides in restricted, and the kubelint rule id."""

    id: str
    level: str
    rule: str
    versions: List[Tuple[Version, Callable]]
    overrides: Tuple[str, ...] = ()
    overrides_since: Version = (1, 0)

    _FIELDS = ("id", "level", "rule", "versions", "overrides", "overrides_since")

    def __init__(self, id, level, rule, versions, overrides=overrides, overrides_since=overrides_since):
        self.id = id
        self.level = level
        self.rule = rule
        self.versions = versions
        self.overrides = overrides
        self.overrides_since = overrides_since

    def at(self, version: Version) -> Optional[Callable]:
        """The function in effect at a policy version (None: the check does not exist yet)."""
        fn = None
        for since, f in self.versions:
            if since <= version:
                fn = f
        return fn


CONTROLS: List[Control] = [
    # baseline (policy IDs sorted as registry.go populate() orders them)
    Control("appArmorProfile", "baseline", "pss-apparmor-profile", [((1, 0), apparmor_profile_1_0)]),
    Control("capabilities_baseline", "baseline", "pss-capabilities-baseline", [((1, 0), capabilities_baseline_1_0)]),
    Control("hostNamespaces", "baseline", "pss-host-namespaces", [((1, 0), host_namespaces_1_0)]),
    Control("hostPathVolumes", "baseline", "pss-host-path-volumes", [((1, 0), host_path_volumes_1_0)]),
    Control("hostPorts", "baseline", "pss-host-ports", [((1, 0), host_ports_1_0)]),
    Control(
        "hostProbesAndHostLifecycle", "baseline", "pss-host-probes-lifecycle", [((1, 34), host_probes_lifecycle_1_34)]
    ),
    Control("privileged", "baseline", "pss-privileged", [((1, 0), privileged_1_0)]),
    Control("procMount", "baseline", "pss-proc-mount", [((1, 0), proc_mount_1_0), ((1, 35), proc_mount_1_35_baseline)]),
    Control(
        "seLinuxOptions",
        "baseline",
        "pss-selinux-options",
        [((1, 0), selinux_options_1_0), ((1, 31), selinux_options_1_31)],
    ),
    Control(
        "seccompProfile_baseline",
        "baseline",
        "pss-seccomp-baseline",
        [((1, 0), seccomp_baseline_1_0), ((1, 19), seccomp_baseline_1_19)],
    ),
    Control("sysctls", "baseline", "pss-sysctls", [(v, _sysctls(v)) for v in sorted(SYSCTLS)]),
    Control("windowsHostProcess", "baseline", "pss-windows-host-process", [((1, 0), windows_host_process_1_0)]),
    # restricted
    Control(
        "allowPrivilegeEscalation",
        "restricted",
        "pss-allow-privilege-escalation",
        [((1, 8), allow_privilege_escalation_1_8), ((1, 25), allow_privilege_escalation_1_25)],
    ),
    Control(
        "capabilities_restricted",
        "restricted",
        "pss-capabilities-restricted",
        [((1, 22), capabilities_restricted_1_22), ((1, 25), capabilities_restricted_1_25)],
        ("capabilities_baseline",),
        (1, 22),
    ),
    Control(
        "procMount_restricted",
        "restricted",
        "pss-proc-mount-restricted",
        [((1, 35), proc_mount_1_0)],
        ("procMount",),
        (1, 35),
    ),
    Control(
        "restrictedVolumes",
        "restricted",
        "pss-restricted-volumes",
        [((1, 0), restricted_volumes_1_0)],
        ("hostPathVolumes",),
        (1, 0),
    ),
    Control(
        "runAsNonRoot",
        "restricted",
        "pss-run-as-non-root",
        [((1, 0), run_as_non_root_1_0), ((1, 35), run_as_non_root_1_35)],
    ),
    Control("runAsUser", "restricted", "pss-run-as-user", [((1, 23), run_as_user_1_23), ((1, 35), run_as_user_1_35)]),
    Control(
        "seccompProfile_restricted",
        "restricted",
        "pss-seccomp-restricted",
        [((1, 19), seccomp_restricted_1_19), ((1, 25), seccomp_restricted_1_25)],
        ("seccompProfile_baseline",),
        (1, 19),
    ),
]
BY_ID: Dict[str, Control] = {c.id: c for c in CONTROLS}
BY_RULE: Dict[str, Control] = {c.rule: c for c in CONTROLS}


def checks_for(level: str, version: Version) -> List[Control]:
    """The controls the plugin evaluates for ``level`` at ``version``
    (checkRegistry.EvaluatePod after populate()): baseline checks, then
    restricted ones, each group in ID order; in restricted, baseline checks
    overridden by a restricted check of that version are left out."""
    if level == "privileged":
        return []
    version = min(version, MAX_VERSION)
    base = [c for c in CONTROLS if c.level == "baseline" and c.at(version)]
    if level == "baseline":
        return base
    restricted = [c for c in CONTROLS if c.level == "restricted" and c.at(version)]
    overridden = {o for c in restricted if c.overrides_since <= version for o in c.overrides}
    return [c for c in base if c.id not in overridden] + restricted


def overridden_at(control: Control, version: Version) -> Optional[Control]:
    """The restricted control that replaces this baseline control in
    ``restricted`` at ``version``, if any."""
    for c in CONTROLS:
        if control.id in c.overrides and c.at(version) and c.overrides_since <= version:
            return c
    return None


def pod_of(obj) -> Optional[Pod]:
    """The pod metadata and spec the plugin extracts (DefaultPodSpecExtractor.ExtractPodSpec).

    A Pod is seen after defaulting: with hostNetwork, each container port's
    hostPort defaults to its containerPort (SetDefaults_Pod ->
    defaultHostNetworkPorts), so the hostPorts check sees them; pod templates
    are not defaulted that way."""
    from .kinds import get_path, pod_spec_path

    spec_path = pod_spec_path(obj.group, obj.kind)
    if spec_path is None:
        return None
    meta_path = ("metadata",) if obj.kind == "Pod" else spec_path[:-1] + ("metadata",)
    spec = get_path(obj.data, spec_path)
    if not isinstance(spec, dict):
        return None
    meta = get_path(obj.data, meta_path)
    if obj.kind == "Pod":
        if spec.get("hostNetwork") is True:
            spec = _default_host_network_ports(spec)
        spec = _sync_apparmor_annotations(_d(meta), spec)
    return Pod(meta, meta_path, spec, spec_path)


def _apparmor_field(annotation: str) -> Optional[dict]:
    """pkg/api/pod/util.go ApparmorFieldForAnnotation, less what ValidateAppArmorProfileField rejects."""
    if annotation == "unconfined":
        return {"type": "Unconfined"}
    if annotation == "runtime/default":
        return {"type": "RuntimeDefault"}
    if annotation.startswith("localhost/"):
        name = annotation[len("localhost/") :]
        if name and name.strip() == name and len(name) <= 4095:
            return {"type": "Localhost", "localhostProfile": name}
    return None


def _sync_apparmor_annotations(meta: dict, spec: dict) -> dict:
    """pkg/registry/core/pod/strategy.go applyAppArmorVersionSkew (PrepareForCreate, before validating
    admission): a container's AppArmor annotation becomes its securityContext.appArmorProfile when the
    container sets none and the value differs from the Pod's profile; Windows Pods are left alone."""
    annotations = _d(meta.get("annotations"))
    if _d(spec.get("os")).get("name") == "windows" or not any(
        isinstance(k, str) and k.startswith(APPARMOR_ANNOTATION_PREFIX) for k in annotations
    ):
        return spec
    pod_profile = _d(spec.get("securityContext")).get("appArmorProfile")
    spec = dict(spec)
    for list_name in ("initContainers", "containers", "ephemeralContainers"):
        if not isinstance(spec.get(list_name), list):
            continue
        out = []
        for c in spec[list_name]:
            if isinstance(c, dict):
                key = APPARMOR_ANNOTATION_PREFIX + _name(c)
                if key in annotations and _csc(c).get("appArmorProfile") is None:
                    new = _apparmor_field(_s(annotations[key]))
                    if new is not None and new != pod_profile:
                        new[_DEFAULTED] = key
                        c = dict(c, securityContext=dict(_csc(c), appArmorProfile=new))
            out.append(c)
        spec[list_name] = out
    return spec


_DEFAULTED = "\x00defaulted"  # marks a hostPort set by defaulting (never a key of real data: NUL)


def _default_host_network_ports(spec: dict) -> dict:
    spec = dict(spec)
    for list_name in ("containers", "initContainers"):
        out = []
        for c in _l(spec.get(list_name)):
            if isinstance(c, dict) and isinstance(c.get("ports"), list):
                c = dict(c)
                c["ports"] = [
                    dict(p, hostPort=p.get("containerPort"), **{_DEFAULTED: True})
                    if isinstance(p, dict) and not _int(p.get("hostPort")) and _int(p.get("containerPort"))
                    else p
                    for p in c["ports"]
                ]
            out.append(c)
        if isinstance(spec.get(list_name), list):
            spec[list_name] = out
    return spec


def evaluate(level: str, version: Version, pod: Pod) -> List[Result]:
    """Failed checks of ``level`` at ``version``, in the server's order."""
    out = []
    version = min(version, MAX_VERSION)
    for c in checks_for(level, version):
        r = c.at(version)(pod)
        if r is not None:
            r.check = c.id  # procMount_restricted shares procMount_1_0
            out.append(r)
    return out


def detail(results: List[Result]) -> str:
    """AggregateCheckResult.ForbiddenDetail"""
    return ", ".join(f"{r.reason} ({r.detail})" if r.detail else r.reason for r in results)


# ---------------------------------------------------------------------------
# Namespace labels (api/helpers.go)

_VERSION = lazy(r"^v1\.([0-9]|[1-9][0-9]*)$")


class LevelVersion(record.Record):
    level: str
    version: Optional[Version]  # None = latest

    _FIELDS = ("level", "version")

    def __init__(self, level, version):
        self.level = level
        self.version = version

    def __str__(self):
        return f"{self.level}:{'latest' if self.version is None else f'v{self.version[0]}.{self.version[1]}'}"

    def effective(self, server: Version) -> Version:
        """The version evaluated: latest and versions newer than the server are the server's own."""
        return server if self.version is None or self.version > server else self.version


class LabelError(record.Record):
    label: str
    value: str
    message: str  # the field.Invalid detail

    _FIELDS = ("label", "value", "message")

    def __init__(self, label, value, message):
        self.label = label
        self.value = value
        self.message = message


class Policy(record.Record):
    enforce: LevelVersion
    audit: LevelVersion
    warn: LevelVersion
    errors: List[LabelError]

    _FIELDS = ("enforce", "audit", "warn", "errors")

    def __init__(self, enforce, audit, warn, errors=record.FACTORY):
        self.enforce = enforce
        self.audit = audit
        self.warn = warn
        self.errors = list() if errors is record.FACTORY else errors


def parse_level(value) -> Tuple[str, Optional[str]]:
    """ParseLevel: (level, error); an invalid value reads as restricted."""
    if value in LEVELS:
        return value, None
    return "restricted", "must be one of " + ", ".join(LEVELS)


def parse_version(value) -> Tuple[Optional[Version], Optional[str]]:
    """ParseVersion: (version or None for latest, error); an invalid value reads as latest."""
    if value == "latest":
        return None, None
    m = _VERSION.match(value) if isinstance(value, str) else None
    if not m:
        return None, 'must be "latest" or "v1.x"'
    return (1, int(m.group(1))), None


def policy_to_evaluate(labels, config: Optional["AdmissionConfig"] = None) -> Policy:
    """PolicyToEvaluate: the namespace's labels over the configuration's defaults (without one, the
    plugin's default configuration: every mode privileged:latest)."""
    p = (config or DEFAULT_CONFIG).default_policy()
    labels = labels if isinstance(labels, dict) else {}
    if not labels:
        return p
    has_enforce = has_warn_level = has_warn_version = False

    def err(label, value, e):
        if e:
            p.errors.append(LabelError(label, value if isinstance(value, str) else str(value), e))

    for mode in ("enforce", "audit", "warn"):
        lv = getattr(p, mode)
        key = LABEL_PREFIX + mode
        if key in labels:
            level, e = parse_level(labels[key])
            if mode == "enforce":
                has_enforce = e is None
            elif e is not None:
                level = "privileged"  # fail open for audit and warn
            if mode == "warn":
                has_warn_level = True
            lv.level = level
            err(key, labels[key], e)
        vkey = key + "-version"
        if vkey in labels:
            lv.version, e = parse_version(labels[vkey])
            if mode == "warn":
                has_warn_version = True
            err(vkey, labels[vkey], e)
    if not has_warn_level and has_enforce and LEVELS.index(p.enforce.level) > LEVELS.index(p.warn.level):
        p.warn.level = p.enforce.level
        if not has_warn_version:
            p.warn.version = p.enforce.version
    return p


def is_policy_label(key) -> bool:
    return (
        isinstance(key, str)
        and key.startswith(LABEL_PREFIX)
        and key[len(LABEL_PREFIX) :] in ("enforce", "enforce-version", "audit", "audit-version", "warn", "warn-version")
    )


# ---------------------------------------------------------------------------
# The plugin's configuration (admission/api: PodSecurityConfiguration)

CONFIG_GROUP = "pod-security.admission.config.k8s.io"
CONFIG_VERSIONS = ("v1", "v1beta1", "v1alpha1")
_DNS_LABEL = lazy(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = lazy(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


class AdmissionConfig(record.FrozenRecord):
    """A cluster's PodSecurityConfiguration: the defaults for namespaces without labels and the
    exemptions (admission/api/v1/types.go; defaults from SetDefaults_PodSecurityDefaults)."""

    defaults: Tuple[Tuple[str, str], ...] = (
        ("enforce", "privileged"),
        ("enforce-version", "latest"),
        ("audit", "privileged"),
        ("audit-version", "latest"),
        ("warn", "privileged"),
        ("warn-version", "latest"),
    )
    exempt_namespaces: frozenset = frozenset()
    exempt_runtime_classes: frozenset = frozenset()
    exempt_usernames: frozenset = frozenset()
    source: str = ""  # the file it came from ("" = the plugin's built-in default)

    _FIELDS = ("defaults", "exempt_namespaces", "exempt_runtime_classes", "exempt_usernames", "source")

    def __init__(
        self,
        defaults=defaults,
        exempt_namespaces=exempt_namespaces,
        exempt_runtime_classes=exempt_runtime_classes,
        exempt_usernames=exempt_usernames,
        source=source,
    ):
        object.__setattr__(self, "defaults", defaults)
        object.__setattr__(self, "exempt_namespaces", exempt_namespaces)
        object.__setattr__(self, "exempt_runtime_classes", exempt_runtime_classes)
        object.__setattr__(self, "exempt_usernames", exempt_usernames)
        object.__setattr__(self, "source", source)

    def default_policy(self) -> Policy:
        d = dict(self.defaults)
        modes = {}
        for mode in MODES:
            modes[mode] = LevelVersion(parse_level(d[mode])[0], parse_version(d[mode + "-version"])[0])
        return Policy(modes["enforce"], modes["audit"], modes["warn"])


DEFAULT_CONFIG = AdmissionConfig()


def load_admission_config(path: str) -> AdmissionConfig:
    """A PodSecurityConfiguration file, or an AdmissionConfiguration (apiserver.config.k8s.io) whose
    PodSecurity plugin entry holds one inline or names one by ``path``.  Raises ValueError with a message
    naming the file and the field, like the API server's ValidatePodSecurityConfiguration."""
    import os

    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the PodSecurity configuration: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: the PodSecurity configuration is not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a PodSecurityConfiguration or an AdmissionConfiguration")
    if doc.get("kind") == "AdmissionConfiguration":
        plugin = next(
            (pl for pl in _l(doc.get("plugins")) if isinstance(pl, dict) and pl.get("name") == "PodSecurity"), None
        )
        if plugin is None:
            raise ValueError(f"{path}: the AdmissionConfiguration has no plugins entry named PodSecurity")
        if isinstance(plugin.get("configuration"), dict):
            doc = plugin["configuration"]
        elif isinstance(plugin.get("path"), str):
            inner = (
                plugin["path"] if os.path.isabs(plugin["path"]) else os.path.join(os.path.dirname(path), plugin["path"])
            )
            return load_admission_config(inner)
        else:
            raise ValueError(f"{path}: the PodSecurity plugin entry has neither configuration nor path")
    api_version = doc.get("apiVersion")
    if doc.get("kind") != "PodSecurityConfiguration" or api_version not in [
        f"{CONFIG_GROUP}/{v}" for v in CONFIG_VERSIONS
    ]:
        raise ValueError(
            f"{path}: expected kind PodSecurityConfiguration, apiVersion {CONFIG_GROUP}/v1 "
            f"(or v1beta1, v1alpha1); found {doc.get('kind')!r}, {api_version!r}"
        )
    errors = []
    defaults = dict(AdmissionConfig().defaults)
    given = doc.get("defaults") if doc.get("defaults") is not None else {}
    if not isinstance(given, dict):
        raise ValueError(f"{path}: defaults must be a mapping")
    for key, value in given.items():
        if key not in defaults:
            errors.append(f'defaults: unknown field "{key}"')
            continue
        if not isinstance(value, str):
            errors.append(f"defaults.{key}: must be a string")
            continue
        if value:  # SetDefaults_PodSecurityDefaults: empty = privileged / latest
            err = (parse_version(value) if key.endswith("-version") else parse_level(value))[1]
            if err:
                errors.append(f'defaults.{key}: Invalid value: "{value}": {err}')  # validateLevel / validateVersion
            defaults[key] = value
    exemptions = doc.get("exemptions") if doc.get("exemptions") is not None else {}
    if not isinstance(exemptions, dict):
        raise ValueError(f"{path}: exemptions must be a mapping")
    lists = {}
    for key, pattern in (("namespaces", _DNS_LABEL), ("runtimeClasses", _DNS_SUBDOMAIN), ("usernames", None)):
        values = exemptions.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            errors.append(f"exemptions.{key}: must be a list of strings")
            values = []
        for i, v in enumerate(values):
            if pattern is not None and not (pattern.match(v) and len(v) <= (63 if key == "namespaces" else 253)):
                errors.append(f'exemptions.{key}[{i}]: Invalid value: "{v}"')
            elif values.index(v) != i:
                errors.append(f'exemptions.{key}[{i}]: Duplicate value: "{v}"')
        lists[key] = frozenset(values)
    for key in exemptions:
        if key not in ("namespaces", "runtimeClasses", "usernames"):
            errors.append(f'exemptions: unknown field "{key}"')
    if errors:
        raise ValueError(f"{path}: invalid PodSecurity configuration: " + "; ".join(errors))
    return AdmissionConfig(
        tuple(defaults.items()), lists["namespaces"], lists["runtimeClasses"], lists["usernames"], path
    )
