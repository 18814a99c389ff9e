"""Security-context hardening beyond the baseline of security.py: seccomp,
capabilities, host ports, groups and UIDs, Windows host processes and the
host paths that hand over the node."""

from __future__ import annotations

import posixpath

from ..engine import check
from ..findings import Problem
from ..kinds import WORKLOAD_KINDS, pod_spec
from ._common import as_list, cname, containers

_KINDS = tuple(WORKLOAD_KINDS)


def _dict(v) -> dict:
    return v if isinstance(v, dict) else {}


def _int(v):
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _windows(spec) -> bool:
    sel = spec.get("nodeSelector")
    os_name = _dict(spec.get("os")).get("name")
    return os_name == "windows" or (isinstance(sel, dict) and sel.get("kubernetes.io/os") == "windows")


def _pod_template_annotations(obj, base) -> dict:
    """Annotations of the Pods (the template's, or the Pod's own)."""
    if obj.kind == "Pod":
        return _dict(obj.metadata.get("annotations"))
    node = obj.data
    for elem in base[:-1]:
        node = _dict(node).get(elem)
    return _dict(_dict(_dict(node).get("metadata")).get("annotations"))


_SECCOMP_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
_CONTAINER_SECCOMP_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def _seccomp(obj, spec, base, c, path):
    """(type, path) of the seccomp profile in force for container ``c``:
    the container's own, else the Pod's (fields win over the legacy
    annotations, which kubelets before 1.27 honoured)."""
    t = _dict(_dict(c.get("securityContext")).get("seccompProfile")).get("type")
    if isinstance(t, str):
        return t, path + ("securityContext", "seccompProfile", "type")
    t = _dict(_dict(spec.get("securityContext")).get("seccompProfile")).get("type")
    if isinstance(t, str):
        return t, base + ("securityContext", "seccompProfile", "type")
    ann = _pod_template_annotations(obj, base)
    v = ann.get(_CONTAINER_SECCOMP_ANNOTATION + cname(c), ann.get(_SECCOMP_ANNOTATION))
    if isinstance(v, str):
        if v in ("runtime/default", "docker/default"):
            return "RuntimeDefault", None
        if v.startswith("localhost/"):
            return "Localhost", None
        if v == "unconfined":
            return "Unconfined", None
    return None, None


@check("seccomp-unconfined")
def seccomp_unconfined(obj, ctx):
    if obj.kind not in _KINDS:
        return  # (the catalogue entry's kinds)
    spec, base = pod_spec(obj)
    if spec is None or _windows(spec):
        return
    for c, path, _ in containers(obj, init=True, ephemeral=True):
        t, tpath = _seccomp(obj, spec, base, c, path)
        if t == "Unconfined":
            yield Problem(
                tpath or path + ("name",),
                f'container "{cname(c)}" runs with seccomp Unconfined: every system call of the kernel is '
                "open to it, including the ones container escapes use; use seccompProfile type RuntimeDefault "
                "(or a Localhost profile that allows what the program needs)",
            )


@check("seccomp-profile-missing")
def seccomp_profile_missing(obj, ctx):
    if obj.kind not in _KINDS:
        return  # (the catalogue entry's kinds)
    spec, base = pod_spec(obj)
    if spec is None or _windows(spec):
        return
    for c, path, _ in containers(obj, init=True):
        t, _ = _seccomp(obj, spec, base, c, path)
        if t is None:
            yield Problem(
                path + ("name",),
                f'container "{cname(c)}" sets no seccomp profile, so unless the kubelet runs with '
                "--seccomp-default it is Unconfined (every system call open); set "
                "securityContext.seccompProfile.type: RuntimeDefault on the Pod",
            )


def _caps(c) -> tuple:
    caps = _dict(_dict(c.get("securityContext")).get("capabilities"))
    drop = {str(x).upper().removeprefix("CAP_") for x in as_list(caps.get("drop")) if isinstance(x, str)}
    return caps, drop


@check("capabilities-not-dropped")
def capabilities_not_dropped(obj, ctx):
    if obj.kind not in _KINDS:
        return  # (the catalogue entry's kinds)
    spec, _ = pod_spec(obj)
    if spec is None or _windows(spec):
        return
    required = [str(x).upper().removeprefix("CAP_") for x in ctx.params["must_drop"]]
    for c, path, _ in containers(obj, init=True):
        if _dict(c.get("securityContext")).get("privileged") is True:
            continue  # privileged-container says more
        caps, drop = _caps(c)
        if "ALL" in drop:
            continue
        missing = [r for r in required if r not in drop]
        if not missing:
            continue
        where = path + ("securityContext", "capabilities", "drop") if "drop" in caps else path + ("name",)
        yield Problem(
            where,
            f'container "{cname(c)}" does not drop {", ".join(missing)}: the runtime grants a default set of '
            "capabilities (NET_RAW lets it forge packets and spoof addresses on the node network); add "
            'securityContext.capabilities.drop: ["ALL"] and add back only what it needs (e.g. NET_BIND_SERVICE)',
            at="key" if "drop" in caps else "value",
        )


@check("host-port")
def host_port(obj, ctx):
    if obj.kind not in _KINDS:
        return  # (the catalogue entry's kinds)
    spec, _ = pod_spec(obj)
    if spec is None or spec.get("hostNetwork") is True:
        return  # with hostNetwork every port is a host port (host-namespaces reports it)
    for c, path, _ in containers(obj, init=True):
        for i, p in enumerate(as_list(c.get("ports"))):
            hp = _int(_dict(p).get("hostPort"))
            if hp:
                yield Problem(
                    path + ("ports", i, "hostPort"),
                    f'container "{cname(c)}" binds hostPort {hp}: the Pod listens on that port of its node\'s '
                    "address, outside Services and NetworkPolicies, and two replicas can no longer share a node "
                    "(the second stays Pending); expose it through a Service (NodePort or LoadBalancer if it "
                    "must be reachable from outside)",
                )


def _effective(c, psc, key, path, base):
    sc = _dict(c.get("securityContext"))
    if key in sc:
        return sc[key], path + ("securityContext", key)
    if key in psc:
        return psc[key], base + ("securityContext", key)
    return None, None


@check("run-as-group-root")
def run_as_group_root(obj, ctx):
    if obj.kind not in _KINDS:
        return  # (the catalogue entry's kinds)
    spec, base = pod_spec(obj)
    if spec is None or _windows(spec):
        return
    psc = _dict(spec.get("securityContext"))
    seen = set()
    for c, path, _ in containers(obj, init=True):
        g, gpath = _effective(c, psc, "runAsGroup", path, base)
        if _int(g) == 0 and gpath not in seen:
            seen.add(gpath)
            yield Problem(
                gpath,
                f'container "{cname(c)}" runs with group 0 (root): files the node and images give the root '
                "group become writable or readable to it; set runAsGroup to a non-zero GID",
            )
    if _int(psc.get("fsGroup")) == 0:
        yield Problem(
            base + ("securityContext", "fsGroup"),
            "fsGroup 0 makes every volume of the Pod owned by the root group and adds group 0 to every "
            "container; set fsGroup to a non-zero GID",
        )


@check("low-user-id")
def low_user_id(obj, ctx):
    if obj.kind not in _KINDS:
        return  # (the catalogue entry's kinds)
    spec, base = pod_spec(obj)
    if spec is None or _windows(spec):
        return
    floor = int(ctx.params["min_id"])
    psc = _dict(spec.get("securityContext"))
    seen = set()
    for c, path, _ in containers(obj, init=True):
        for key, what in (("runAsUser", "UID"), ("runAsGroup", "GID")):
            v, vpath = _effective(c, psc, key, path, base)
            v = _int(v)
            if v is None or v == 0 or v >= floor or vpath in seen:
                continue  # 0 is run-as-root / run-as-group-root
            seen.add(vpath)
            yield Problem(
                vpath,
                f'container "{cname(c)}" runs with {key} {v}, below {floor}: low {what}s collide with '
                "accounts of the node (a process escaping the container owns their files); use a "
                f"{what} of {floor} or more",
            )


@check("no-security-context")
def no_security_context(obj, ctx):
    if obj.kind not in _KINDS:
        return  # (the catalogue entry's kinds)
    spec, _ = pod_spec(obj)
    if spec is None or _dict(spec.get("securityContext")):
        return
    for c, path, _ in containers(obj, init=True):
        if _dict(c.get("securityContext")):
            continue
        yield Problem(
            path + ("name",),
            f'container "{cname(c)}" has no securityContext, and neither has its Pod: it runs with the '
            "image's user, the runtime's default capabilities and no seccomp profile; set at least "
            "runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL] and "
            "seccompProfile.type: RuntimeDefault",
        )


@check("windows-host-process")
def windows_host_process(obj, ctx):
    if obj.kind not in _KINDS:
        return  # (the catalogue entry's kinds)
    spec, base = pod_spec(obj)
    if spec is None:
        return
    msg = (
        "a Windows HostProcess container runs as a process on the node itself, with the node's network and "
        "file system and an account of the node: it is not isolated at all; remove hostProcess unless this is a "
        "node agent, and then restrict who may deploy it"
    )
    wo = _dict(_dict(spec.get("securityContext")).get("windowsOptions"))
    if wo.get("hostProcess") is True:
        yield Problem(base + ("securityContext", "windowsOptions", "hostProcess"), "the Pod: " + msg)
        return
    for c, path, _ in containers(obj, init=True, ephemeral=True):
        if _dict(_dict(c.get("securityContext")).get("windowsOptions")).get("hostProcess") is True:
            yield Problem(path + ("securityContext", "windowsOptions", "hostProcess"), f'container "{cname(c)}": {msg}')


_SOCKETS = ("docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "podman.sock", "dockershim.sock")
_SOCKET_WHY = "the container runtime's socket: whoever talks to it starts privileged containers on the node"


def _sensitive(path: str, dirs, prefixes):
    p = posixpath.normpath(path) if path else path
    if p.startswith("//"):
        p = "/" + p.lstrip("/")
    base = posixpath.basename(p)
    if base in _SOCKETS or p in ("/run/containerd", "/var/run/containerd", "/run/crio", "/var/run/crio"):
        return _SOCKET_WHY
    if p in dirs:
        return dirs[p]
    for pre, why in prefixes.items():
        if p.startswith(pre.rstrip("/") + "/"):
            return why
    return None


_DIRS = {
    "/": "the node's whole file system",
    "/etc": "the node's configuration (passwords, kubelet and kubeadm credentials)",
    "/proc": "the node's processes and kernel settings",
    "/sys": "the node's kernel and devices",
    "/dev": "the node's devices",
    "/boot": "the node's kernel and boot loader",
    "/root": "the home of the node's root user",
    "/var/run": "the node's runtime sockets (container runtime, kubelet)",
    "/run": "the node's runtime sockets (container runtime, kubelet)",
    "/var/lib/kubelet": "the kubelet's state: every Pod's volumes and service-account tokens",
    "/var/lib/docker": "every container's file system",
    "/var/lib/containerd": "every container's file system",
    "/etc/kubernetes": "the node's Kubernetes credentials and static Pod manifests",
    "/usr": "the node's programs and libraries",
    "/lib": "the node's libraries",
    "/bin": "the node's programs",
    "/sbin": "the node's programs",
}
_PREFIXES = {
    "/etc/kubernetes": _DIRS["/etc/kubernetes"],
    "/var/lib/kubelet": _DIRS["/var/lib/kubelet"],
    "/var/lib/docker": _DIRS["/var/lib/docker"],
    "/var/lib/containerd": _DIRS["/var/lib/containerd"],
    "/proc": _DIRS["/proc"],
}


# Paths whose read-only mount gives away no credential or control.
_HARMLESS_READ_ONLY = {"/sys", "/boot", "/usr", "/lib", "/bin", "/sbin"}


@check("sensitive-host-path")
def sensitive_host_path(obj, ctx):
    if obj.kind not in _KINDS:
        return  # (the catalogue entry's kinds)
    spec, base = pod_spec(obj)
    if spec is None:
        return
    extra = {str(p).rstrip("/") or "/": "a path configured as sensitive" for p in ctx.params["paths"]}
    dirs = {**_DIRS, **extra}
    for i, v in enumerate(as_list(spec.get("volumes"))):
        hp = _dict(_dict(v).get("hostPath"))
        p = hp.get("path")
        if not isinstance(p, str) or not p.startswith("/"):
            continue
        why = _sensitive(p, dirs, _PREFIXES)
        if why is None:
            continue
        ro = _read_only_everywhere(spec, v.get("name"))
        if ro and posixpath.normpath(p) in _HARMLESS_READ_ONLY:
            continue  # node-exporter and friends read /sys, /boot, /usr read-only
        tail = " (read-only, but what can be read there is enough)" if ro else ""
        yield Problem(
            base + ("volumes", i, "hostPath", "path"),
            f'volume "{v.get("name")}" mounts {p} from the node, {why}{tail}: a compromise of this Pod is a '
            "compromise of the node; mount only the narrow path it needs, read-only, or use a CSI driver or "
            "the Kubernetes API instead",
        )


def _read_only_everywhere(spec, name) -> bool:
    mounts = []
    for key in ("containers", "initContainers"):
        for c in as_list(spec.get(key)):
            for m in as_list(_dict(c).get("volumeMounts")):
                if isinstance(m, dict) and m.get("name") == name:
                    mounts.append(m)
    return bool(mounts) and all(m.get("readOnly") is True for m in mounts)
