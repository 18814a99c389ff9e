"""RBAC escalation paths: permissions that let a subject become more than it
is (run Pods as any ServiceAccount, exec into Pods, read Secrets, bind or
escalate roles, impersonate), roles equal to cluster-admin and bindings to
the default ServiceAccount.  Objects named like the ones the API server
bootstraps (``system:*``, and the aggregated ``admin``, ``edit``, ``view``,
``cluster-admin``) are not reported themselves; a binding of another name is
checked against the role it names whatever that role is called (as Polaris
does)."""

from __future__ import annotations

from ..engine import check, check_all
from ..findings import Problem
from ..kinds import pod_spec
from ._common import as_list

RBAC = "rbac.authorization.k8s.io"
_BUILTIN_ROLES = {"cluster-admin", "admin", "edit", "view"}
# Verbs a full administrator has on every resource.
_ALL_VERBS = {"get", "list", "watch", "create", "update", "patch", "delete"}


def _strs(v):
    return [x for x in as_list(v) if isinstance(x, str)]


def _skip(obj) -> bool:
    name = obj.name or ""
    return obj.group != RBAC or name.startswith("system:") or name in _BUILTIN_ROLES


def _rules(obj, specific=False):
    """(index, rule) of a role; ``specific``: without the rules that grant
    everything (rbac-wildcard reports those once, not once per escalation)."""
    for i, r in enumerate(as_list(obj.data.get("rules"))):
        if isinstance(r, dict) and not (specific and _is_full_wildcard(r)):
            yield i, r


def grants(rule: dict, verbs, group: str, resources) -> tuple:
    """(verb, resource) of the first of ``verbs`` on one of ``resources`` (in API
    ``group``) the rule grants, wildcards included, or None.  Rules limited to
    resourceNames still count: they grant the permission on those objects."""
    rv, rr, rg = _strs(rule.get("verbs")), _strs(rule.get("resources")), _strs(rule.get("apiGroups"))
    if "*" not in rg and group not in rg:
        return None
    verb = next((v for v in verbs if v in rv or "*" in rv), None)
    if verb is None:
        return None
    for res in resources:
        if res in rr or "*" in rr:
            return verb, res
        top, _, sub = res.partition("/")
        if sub and (f"{top}/*" in rr or f"*/{sub}" in rr):
            return verb, res
    return None


def _report(obj, verbs, group, resources, msg):
    if _skip(obj):
        return
    for i, rule in _rules(obj, specific=True):
        hit = grants(rule, verbs, group, resources)
        if hit:
            yield Problem(("rules", i), msg(*hit), at="key")
            return


_ROLE_KINDS = ("Role", "ClusterRole")


def _scope(obj) -> str:
    return "in every namespace" if obj.kind == "ClusterRole" else "in its namespace"


@check("rbac-create-pods")
def rbac_create_pods(obj, ctx):
    if obj.kind not in _ROLE_KINDS:
        return  # (the catalogue entry's kinds)
    workloads = [str(r) for r in ctx.params["resources"]]
    by_group = {}
    for r in workloads:
        g = (
            "apps"
            if r in ("deployments", "statefulsets", "daemonsets", "replicasets")
            else "batch"
            if r in ("jobs", "cronjobs")
            else ""
        )
        by_group.setdefault(g, []).append(r)
    for group, resources in by_group.items():
        found = list(
            _report(
                obj,
                ("create", "*"),
                group,
                resources,
                lambda v, r: (
                    f'{obj.kind} grants "{v}" on {r} {_scope(obj)}: a subject that may create Pods can run one '
                    "with any ServiceAccount of the namespace, mount its Secrets and use the node's access "
                    "(CIS 5.1.4), so it holds every permission of the namespace; grant create only to controllers "
                    "that need it, and limit what their Pods may do with Pod Security admission"
                ),
            )
        )
        if found:
            yield found[0]
            return


@check("rbac-pod-exec")
def rbac_pod_exec(obj, ctx):
    if obj.kind not in _ROLE_KINDS:
        return  # (the catalogue entry's kinds)
    yield from _report(
        obj,
        ("create", "get", "*"),
        "",
        ("pods/exec", "pods/attach"),
        lambda v, r: (
            f'{obj.kind} grants "{v}" on {r} {_scope(obj)}: its subjects can open a shell in any Pod there and '
            "use that Pod's ServiceAccount token, Secrets and network access; remove it, or grant it to people "
            "through a short-lived, audited role rather than to workloads"
        ),
    )


@check("rbac-read-secrets")
def rbac_read_secrets(obj, ctx):
    if obj.kind not in _ROLE_KINDS:
        return  # (the catalogue entry's kinds)
    if _skip(obj):
        return
    for i, rule in _rules(obj, specific=True):
        hit = grants(rule, ("get", "list", "watch", "*"), "", ("secrets",))
        if not hit:
            continue
        names = _strs(rule.get("resourceNames"))
        if names and hit[0] == "get":
            continue  # get on named Secrets: the least privilege form
        yield Problem(
            ("rules", i),
            f'{obj.kind} grants "{hit[0]}" on secrets {_scope(obj)}: its subjects read every '
            "Secret there, including ServiceAccount tokens and other applications' credentials "
            "(CIS 5.1.2); grant get on the named Secrets it needs (resourceNames)",
            at="key",
        )
        return


@check("rbac-escalation-verbs")
def rbac_escalation_verbs(obj, ctx):
    if obj.kind not in _ROLE_KINDS:
        return  # (the catalogue entry's kinds)
    if _skip(obj):
        return
    checks = (
        (
            ("bind", "escalate"),
            RBAC,
            ("roles", "clusterroles"),
            "its subjects can grant themselves (or anyone) permissions they do not have",
        ),
        (
            ("impersonate",),
            "",
            ("users", "groups", "serviceaccounts"),
            "its subjects can act as any user, group or ServiceAccount, cluster-admin included",
        ),
        (("impersonate",), "authentication.k8s.io", ("userextras/*", "uids"), "its subjects can act as any user"),
    )
    for i, rule in _rules(obj, specific=True):
        for verbs, group, resources, why in checks:
            hit = grants(rule, verbs, group, resources)
            if hit:
                yield Problem(
                    ("rules", i),
                    f'{obj.kind} grants "{hit[0]}" on {hit[1]}: {why} (CIS 5.1.8); remove it, '
                    "and give the exact Roles through RoleBindings made by an administrator",
                    at="key",
                )
                return


def _is_full_wildcard(rule) -> bool:
    """verbs, resources and apiGroups all "*": cluster-admin-equivalent reports it on the binding."""
    return all("*" in _strs(rule.get(k)) for k in ("verbs", "resources", "apiGroups"))


def admin_equivalent(role) -> bool:
    """Every standard verb on every resource of every API group (in any mix of
    wildcards and listed verbs, over one or several rules)."""
    verbs = set()
    for _, rule in _rules(role):
        if (
            "*" in _strs(rule.get("apiGroups"))
            and "*" in _strs(rule.get("resources"))
            and not _strs(rule.get("resourceNames"))
        ):
            rv = set(_strs(rule.get("verbs")))
            if "*" in rv:
                return True
            verbs |= rv
    return _ALL_VERBS <= verbs


@check_all("rbac-cluster-admin-equivalent")
def rbac_cluster_admin_equivalent(index, ctx):
    for kind in ("RoleBinding", "ClusterRoleBinding"):
        for b in index.targets_of_kind(RBAC, kind):
            ref = b.data.get("roleRef")
            if not isinstance(ref, dict) or not isinstance(ref.get("name"), str) or _skip(b):
                continue
            rkind, rname = ref.get("kind"), ref["name"]
            if rname in _BUILTIN_ROLES:
                continue  # cluster-admin-binding reports cluster-admin itself
            if rkind == "ClusterRole":
                roles = index.get(RBAC, "ClusterRole", None, rname)
            elif rkind == "Role":
                roles = index.get(RBAC, "Role", index.namespace_of(b), rname)
            else:
                continue
            if not any(admin_equivalent(r) for r in roles):
                continue
            scope = "the whole cluster" if kind == "ClusterRoleBinding" else f"namespace {index.namespace_of(b)}"
            yield (
                b,
                Problem(
                    ("roleRef", "name"),
                    f'binds {rkind} "{rname}", which grants every verb on every resource of every API group: '
                    f"its subjects are administrators of {scope} (cluster-admin in all but name), able to read "
                    "every Secret and grant themselves anything; bind a role that lists only what they need",
                ),
            )


@check("rbac-default-service-account")
def rbac_default_service_account(obj, ctx):
    if obj.kind not in ("RoleBinding", "ClusterRoleBinding"):
        return  # (the catalogue entry's kinds)
    if _skip(obj):
        return
    for i, s in enumerate(as_list(obj.data.get("subjects"))):
        if isinstance(s, dict) and s.get("kind") == "ServiceAccount" and s.get("name") == "default":
            ref = obj.data.get("roleRef") if isinstance(obj.data.get("roleRef"), dict) else {}
            yield Problem(
                ("subjects", i, "name"),
                f'grants {ref.get("kind", "a role")} "{ref.get("name", "?")}" to the default ServiceAccount: '
                "every Pod of the namespace that names no ServiceAccount gets these permissions (CIS 5.1.5); "
                "create a dedicated ServiceAccount for the workload that needs them and bind that one",
            )


@check("rbac-system-masters")
def rbac_system_masters(obj, ctx):
    if obj.kind not in ("RoleBinding", "ClusterRoleBinding"):
        return  # (the catalogue entry's kinds)
    if obj.group != RBAC:
        return
    for i, s in enumerate(as_list(obj.data.get("subjects"))):
        if isinstance(s, dict) and s.get("kind") == "Group" and s.get("name") == "system:masters":
            yield Problem(
                ("subjects", i, "name"),
                "binds the group system:masters: it already bypasses all authorization, and a credential "
                "in it cannot be revoked through RBAC (CIS 5.1.7); remove the subject and bind the users or "
                "groups that need the role instead",
            )


@check("default-service-account-used")
def default_service_account_used(obj, ctx):
    if obj.kind not in _POD_KINDS:
        return  # (the catalogue entry's kinds)
    spec, base = pod_spec(obj)
    if spec is None:
        return
    for key in ("serviceAccountName", "serviceAccount"):
        if key in spec:
            if spec[key] in ("default", ""):
                yield Problem(
                    base + (key,),
                    f'{obj.kind} runs as the namespace\'s "default" ServiceAccount: every Pod that names none shares '
                    "its identity and whatever RoleBindings grant it, so permissions cannot be given to this workload "
                    "alone; create a ServiceAccount for it and set serviceAccountName",
                )
            return
    yield Problem(
        base,
        f'{obj.kind} names no ServiceAccount, so it runs as the namespace\'s "default" one and shares that identity '
        "(and anything bound to it) with every other such Pod; create a ServiceAccount for it and set "
        "serviceAccountName",
        at="key",
    )


_POD_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob")
