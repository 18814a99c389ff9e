"""Security baseline (what kube-linter / kube-score users expect)."""

from __future__ import annotations

from ..engine import check, check_all
from ..findings import Problem
from ..kinds import pod_spec
from ._common import as_list, cname, containers, is_workload


def _sc(c):
    sc = c.get("securityContext")
    return sc if isinstance(sc, dict) else {}


@check("privileged-container")
def privileged_container(obj, ctx):
    for c, path, _ in containers(obj, init=True, ephemeral=True):
        if _sc(c).get("privileged") is True:
            yield Problem(
                path + ("securityContext", "privileged"),
                f'container "{cname(c)}" is privileged: it has every capability and all host devices, so a '
                "compromise of it is a compromise of the node; drop privileged and add only the capabilities "
                "it needs",
            )


@check("privilege-escalation")
def privilege_escalation(obj, ctx):
    flag_unset = bool(ctx.params["flag_unset"])
    for c, path, _ in containers(obj, init=True, ephemeral=True):
        sc = _sc(c)
        v = sc.get("allowPrivilegeEscalation")
        if v is True:
            yield Problem(
                path + ("securityContext", "allowPrivilegeEscalation"),
                f'container "{cname(c)}" allows privilege escalation: setuid binaries in it can gain more '
                "privileges than its process has; set allowPrivilegeEscalation: false",
            )
        elif v is None and flag_unset and sc.get("privileged") is not True:
            yield Problem(
                path + ("name",),
                f'container "{cname(c)}" does not set allowPrivilegeEscalation: false (it defaults to true): '
                "setuid binaries in it can gain privileges; set securityContext.allowPrivilegeEscalation: false",
            )


@check("run-as-root")
def run_as_root(obj, ctx):
    spec, base = pod_spec(obj)
    if spec is None:
        return
    psc = spec.get("securityContext") if isinstance(spec.get("securityContext"), dict) else {}
    if _windows(spec):
        return
    for c, path, _ in containers(obj, init=True):
        sc = _sc(c)
        if "runAsUser" in sc:
            user, upath = sc["runAsUser"], path + ("securityContext", "runAsUser")
        else:
            user, upath = psc.get("runAsUser"), base + ("securityContext", "runAsUser")
        if "runAsNonRoot" in sc:
            nonroot, npath = sc["runAsNonRoot"], path + ("securityContext", "runAsNonRoot")
        else:
            nonroot, npath = psc.get("runAsNonRoot"), base + ("securityContext", "runAsNonRoot")
        if user == 0 and not isinstance(user, bool):
            yield Problem(
                upath,
                f'container "{cname(c)}" runs as root (runAsUser 0): a process escaping the container '
                "is root on the node; run as a non-zero UID and set runAsNonRoot: true",
            )
        elif isinstance(user, int) and not isinstance(user, bool):
            continue
        elif nonroot is True:
            continue
        elif nonroot is False:
            yield Problem(
                npath,
                f'container "{cname(c)}" sets runAsNonRoot: false and no runAsUser, so it runs as '
                "whatever user the image says, often root; set runAsNonRoot: true and a non-zero runAsUser",
            )
        elif ctx.params["flag_unset"]:
            yield Problem(
                path + ("name",),
                f'container "{cname(c)}" may run as root: neither it nor the Pod sets runAsNonRoot: true or a '
                "non-zero runAsUser, so the image's user (often root) applies; set "
                "securityContext.runAsNonRoot: true (and runAsUser if the image has no numeric user)",
            )


def _windows(spec):
    sel = spec.get("nodeSelector")
    return isinstance(sel, dict) and sel.get("kubernetes.io/os") == "windows"


@check("writable-root-filesystem")
def writable_root_filesystem(obj, ctx):
    for c, path, _ in containers(obj, init=True):
        if _sc(c).get("readOnlyRootFilesystem") is True:
            continue
        yield Problem(
            path + ("name",),
            f'container "{cname(c)}" can write to its root filesystem: an intruder can drop tools or modify '
            "the application, and writes vanish on restart anyway; set securityContext.readOnlyRootFilesystem: "
            "true and mount emptyDir volumes where it must write (/tmp, caches)",
        )


@check("host-namespaces")
def host_namespaces(obj, ctx):
    spec, base = pod_spec(obj)
    if spec is None:
        return
    what = {
        "hostNetwork": "the node's network stack (it can sniff and bind node ports)",
        "hostPID": "the node's processes (it can see and signal them)",
        "hostIPC": "the node's shared memory",
    }
    for key, desc in what.items():
        if spec.get(key) is True:
            yield Problem(
                base + (key,),
                f"{key}: true shares {desc} with the Pod: isolation from the node is gone; "
                f"remove {key} unless this is a node agent that needs it",
            )


@check("host-path-volume")
def host_path_volume(obj, ctx):
    spec, base = pod_spec(obj)
    if spec is None:
        return
    for i, v in enumerate(as_list(spec.get("volumes"))):
        if isinstance(v, dict) and isinstance(v.get("hostPath"), dict):
            p = v["hostPath"].get("path")
            yield Problem(
                base + ("volumes", i, "hostPath", "path"),
                f'volume "{v.get("name")}" mounts host path {p}: the Pod reads or writes the node\'s files '
                "(and its data stays behind on one node); use a PersistentVolumeClaim, a ConfigMap or emptyDir "
                "instead, unless this is a node agent",
            )


_CAP_WHY = {
    "ALL": "every capability",
    "SYS_ADMIN": "mounts, namespaces: nearly root",
    "NET_ADMIN": "the node's network configuration",
    "SYS_PTRACE": "tracing and reading other processes",
    "SYS_MODULE": "loading kernel modules",
    "SYS_RAWIO": "raw device and port I/O",
    "SYS_BOOT": "rebooting the node",
    "SYS_TIME": "the node's clock",
    "DAC_READ_SEARCH": "reading any file, bypassing permissions",
    "BPF": "loading BPF programs into the kernel",
    "PERFMON": "kernel performance monitoring",
    "MAC_ADMIN": "the node's mandatory access control policy",
    "MAC_OVERRIDE": "bypassing mandatory access control",
    "NET_RAW": "raw sockets (spoofing)",
}


@check("dangerous-capabilities")
def dangerous_capabilities(obj, ctx):
    bad = {str(c).upper().removeprefix("CAP_") for c in ctx.params["capabilities"]}
    for c, path, _ in containers(obj, init=True, ephemeral=True):
        caps = _sc(c).get("capabilities")
        add = caps.get("add") if isinstance(caps, dict) else None
        if not isinstance(add, list):
            continue
        for i, cap in enumerate(add):
            if isinstance(cap, str) and cap.upper().removeprefix("CAP_") in bad:
                yield Problem(
                    path + ("securityContext", "capabilities", "add", i),
                    f'container "{cname(c)}" adds capability {cap}, which reaches beyond the container into '
                    f"the node ({_CAP_WHY.get(cap.upper().removeprefix('CAP_'), 'a privileged kernel interface')}); "
                    "drop it and add only narrow capabilities such as NET_BIND_SERVICE",
                )


@check_all("service-account-token-automount")
def service_account_token_automount(index, ctx):
    accounts = {}
    bound = set()  # service accounts granted API access by a binding in the set
    for kind in ("RoleBinding", "ClusterRoleBinding"):
        for b in index.of_kind("rbac.authorization.k8s.io", kind):
            for s in as_list(b.data.get("subjects")):
                if isinstance(s, dict) and s.get("kind") == "ServiceAccount" and isinstance(s.get("name"), str):
                    ns = s.get("namespace") if isinstance(s.get("namespace"), str) else index.namespace_of(b)
                    bound.add((ns, s["name"]))
    for sa in index.of_kind("", "ServiceAccount"):
        if sa.name:
            accounts[(index.namespace_of(sa), sa.name)] = sa.data.get("automountServiceAccountToken")
    for obj in index.targets:
        if not is_workload(obj):
            continue
        spec, base = pod_spec(obj)
        if spec is None:
            continue
        v = spec.get("automountServiceAccountToken")
        if v is not None:
            continue  # false, or true on purpose
        sa = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        if not isinstance(sa, str):
            continue
        ns = index.namespace_of(obj)
        if accounts.get((ns, sa)) is not None or (ns, sa) in bound:
            continue  # the ServiceAccount decides, or RBAC in the set shows it uses the API
        yield (
            obj,
            Problem(
                base,
                f'Pods get a token of ServiceAccount "{sa}" mounted: anyone who breaks into a container can '
                "call the Kubernetes API with it; set automountServiceAccountToken: false (on the Pod spec or "
                "the ServiceAccount) unless the workload talks to the API",
                at="key",
            ),
        )


_WILDCARD_WHY = {
    "verbs": "every verb, including delete, escalate, bind and impersonate, and any added later",
    "resources": "every resource of its API groups, including secrets, subresources such as pods/exec and "
    "serviceaccounts/token, and resources added later",
    "apiGroups": "every API group, including those of custom resources installed later",
}


@check("rbac-wildcard")
def rbac_wildcard(obj, ctx):
    if obj.group != "rbac.authorization.k8s.io":
        return
    for i, rule in enumerate(obj.data.get("rules") if isinstance(obj.data.get("rules"), list) else ()):
        if not isinstance(rule, dict):
            continue
        for field in ("verbs", "resources", "apiGroups"):
            values = rule.get(field)
            if isinstance(values, list) and "*" in values:
                yield Problem(
                    ("rules", i, field, values.index("*")),
                    f'rule {i} grants "*" in {field}: it covers {_WILDCARD_WHY[field]}; list the '
                    f"{field} the subject needs",
                )
                break


@check("cluster-admin-binding")
def cluster_admin_binding(obj, ctx):
    if obj.group != "rbac.authorization.k8s.io":
        return
    ref = obj.data.get("roleRef")
    if isinstance(ref, dict) and ref.get("kind") == "ClusterRole" and ref.get("name") == "cluster-admin":
        scope = "the whole cluster" if obj.kind == "ClusterRoleBinding" else "its namespace"
        yield Problem(
            ("roleRef", "name"),
            f"binds the cluster-admin role: its subjects can do anything in {scope}, including reading every "
            "Secret and granting themselves more; bind a Role or ClusterRole with only the permissions needed",
        )
