"""Pod Security Standards: one rule per control (profiles ``pss-baseline`` and
``pss-restricted``), and what the PodSecurity admission plugin does in a
Namespace of the set that carries ``pod-security.kubernetes.io/*`` labels.

The policy itself is :mod:`kubelint.podsecurity` (a port of
k8s.io/pod-security-admission); this module only turns its results into
findings.  The policy version is the run's ``--kubernetes-version``.
"""

from __future__ import annotations

from functools import lru_cache

from .. import podsecurity as psa
from ..engine import check, check_all
from ..findings import Problem
from ..kinds import WORKLOAD_KINDS, derived


# rule id -> (why it matters, how to fix): the second half of every message.
_WHY_FIX = {
    "pss-host-namespaces": (
        "the Pod shares the node's network, processes or IPC",
        "remove hostNetwork/hostPID/hostIPC",
    ),
    "pss-privileged": ("a privileged container has every capability and all host devices", "drop privileged: true"),
    "pss-capabilities-baseline": (
        "capabilities beyond the container runtime's default set reach into the node",
        "add only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, "
        "NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID or SYS_CHROOT",
    ),
    "pss-host-path-volumes": (
        "a hostPath volume reads or writes the node's files",
        "use a PVC, ConfigMap, Secret or emptyDir",
    ),
    "pss-host-ports": (
        "a hostPort binds the node's port and limits scheduling",
        "remove hostPort and expose it with a Service",
    ),
    "pss-host-probes-lifecycle": (
        "a probe or hook host makes the kubelet connect to any address from the node",
        "remove host so the kubelet connects to the Pod's own IP",
    ),
    "pss-apparmor-profile": (
        "it overrides or disables the runtime's default AppArmor profile",
        "use RuntimeDefault or Localhost (or drop the setting)",
    ),
    "pss-selinux-options": (
        "a custom SELinux type, user or role can lift the container's confinement",
        "use type container_t, container_init_t, container_kvm_t or container_engine_t and no user/role",
    ),
    "pss-proc-mount": (
        "an unmasked /proc exposes kernel interfaces to the container",
        "remove procMount (or run the Pod in a user namespace: hostUsers: false)",
    ),
    "pss-seccomp-baseline": ("Unconfined turns the runtime's seccomp filter off", "use RuntimeDefault or Localhost"),
    "pss-sysctls": (
        "only the namespaced, isolated sysctls are safe; others change the node",
        "remove it or use one of the safe sysctls",
    ),
    "pss-windows-host-process": (
        "a Windows HostProcess container runs with the node's privileges",
        "remove hostProcess: true",
    ),
    "pss-restricted-volumes": (
        "the restricted level allows only configMap, csi, downwardAPI, emptyDir, ephemeral, image, "
        "persistentVolumeClaim, projected and secret volumes",
        "mount it through a PersistentVolumeClaim",
    ),
    "pss-allow-privilege-escalation": (
        "setuid binaries can gain more privileges than the process has",
        "set securityContext.allowPrivilegeEscalation: false",
    ),
    "pss-capabilities-restricted": (
        "the restricted level requires dropping every capability",
        'set securityContext.capabilities.drop: ["ALL"] and add at most NET_BIND_SERVICE',
    ),
    "pss-proc-mount-restricted": ("an unmasked /proc exposes kernel interfaces to the container", "remove procMount"),
    "pss-run-as-non-root": (
        "without runAsNonRoot: true the image's user, often root, applies",
        "set securityContext.runAsNonRoot: true on the Pod or every container",
    ),
    "pss-run-as-user": ("UID 0 is root", "run as a non-zero UID"),
    "pss-seccomp-restricted": (
        "without a seccomp profile every system call is allowed",
        "set securityContext.seccompProfile.type: RuntimeDefault on the Pod",
    ),
}


def policy_version(ctx) -> psa.Version:
    """The Kubernetes minor the run validates against (``--kubernetes-version``)."""
    return _policy_version(ctx.settings.kubernetes_version)


@lru_cache(maxsize=None)
def _policy_version(v) -> psa.Version:
    if not v:
        from ..schema import newest_version

        v = newest_version()
    major, minor = str(v).lstrip("v").split(".")[:2]
    return int(major), int(minor)


_AT: dict = {}


def _control_at(control: psa.Control, version: psa.Version):
    """(the control's function at ``version``, the restricted control that replaces it there)."""
    key = (control.id, control.rule, version)
    at = _AT.get(key)
    if at is None:
        at = _AT[key] = (control.at(version), psa.overridden_at(control, version))
    return at


def _pod(obj):
    """The pod the plugin sees, once per object for every control (kinds.derived)."""
    return derived(obj, "psa.pod_of", psa.pod_of)


def _control_rule(control: psa.Control):
    def run(obj, ctx):
        version = policy_version(ctx)
        fn, over = _control_at(control, version)
        if fn is None:
            return
        if over is not None and over.rule in ctx.enabled:
            return  # restricted replaces this baseline control, and its rule is on: report once
        pod = _pod(obj)
        if pod is None:
            return
        result = fn(pod)
        if result is None:
            return
        why, fix = _WHY_FIX[control.rule]
        where = f"Pod Security Standards {control.level} control {control.id}, policy v{version[0]}.{version[1]}"
        for v in result.violations:
            yield Problem(v.path, f"{v.text} [{where}]: {why}; {fix}")

    run.__name__ = control.rule.replace("-", "_")
    run.__doc__ = f"{control.id}: {', '.join(f.__doc__ or f.__name__ for _, f in control.versions)}"
    return run


for _control in psa.CONTROLS:
    check(_control.rule)(_control_rule(_control))  # kinds: the entry's in rules/pss.yaml


# ---------------------------------------------------------------------------
# Namespaces with pod-security.kubernetes.io labels


@check("pod-security-label-invalid")
def pod_security_label_invalid(obj, ctx):
    """admission.go ValidateNamespace: invalid level/version labels reject the Namespace (PolicyToEvaluate errors)."""
    if obj.group != "":
        return
    labels = obj.metadata.get("labels")
    for e in psa.policy_to_evaluate(labels).errors:
        if not isinstance(labels.get(e.label), str):
            continue  # not a string: the schema's error (the Namespace never reaches admission)
        yield Problem(
            ("metadata", "labels", e.label),
            f'metadata.labels[{e.label}]: Invalid value: "{e.value}": {e.message}',
            hint="the API server (PodSecurity admission) rejects the Namespace; use "
            + ("privileged, baseline or restricted" if not e.label.endswith("-version") else '"latest" or "v1.NN"'),
            field=f"metadata.labels[{e.label}]",
        )


def _admission_config(ctx) -> psa.AdmissionConfig:
    """The cluster's PodSecurity configuration (--pod-security-config), else the plugin's default."""
    return ctx.settings.pod_security or psa.DEFAULT_CONFIG


def _policy_for(namespace, labelled, config):
    """(Policy, origin per mode) that PodSecurity applies in ``namespace``, or None when nothing is checked
    there: an exempt namespace, a Namespace the server rejects, or every mode privileged."""
    if namespace is None or namespace in config.exempt_namespaces:
        return None
    labels = labelled.get(namespace)
    policy = psa.policy_to_evaluate(labels, config)
    if policy.errors:
        return None  # the Namespace itself is rejected (pod-security-label-invalid)
    if all(getattr(policy, m).level == "privileged" for m in psa.MODES):
        return None
    origin = {}
    for mode in psa.MODES:
        own = labels and any(k in labels for k in (psa.LABEL_PREFIX + mode, psa.LABEL_PREFIX + mode + "-version"))
        if (
            mode == "warn"
            and labels
            and not own
            and psa.LABEL_PREFIX + "enforce" in labels
            and policy.warn.level == policy.enforce.level
        ):
            own = True  # warn defaults to the labelled enforce level
        origin[mode] = (
            f'namespace "{namespace}"'
            if own
            else f'the cluster\'s PodSecurity configuration ({config.source}) for namespace "{namespace}"'
        )
    return policy, origin


def _evaluations(index, ctx):
    """(object, origin, {mode: (LevelVersion, results)}) for every Pod and workload PodSecurity evaluates."""
    cache = getattr(index, "_pod_security", None)  # shared by the four rules of one run
    if cache is not None:
        return cache
    config = _admission_config(ctx)
    labelled = {}
    for ns in index.of_kind("", "Namespace"):
        labels = ns.metadata.get("labels")
        if ns.name and isinstance(labels, dict) and any(psa.is_policy_label(k) for k in labels):
            labelled[ns.name] = labels
    out = []
    if labelled or config is not psa.DEFAULT_CONFIG:
        server = policy_version(ctx)
        policies = {}
        for obj in index.targets:
            if obj.kind not in WORKLOAD_KINDS:
                continue
            namespace = index.namespace_of(obj)
            if namespace not in policies:
                policies[namespace] = _policy_for(namespace, labelled, config)
            if policies[namespace] is None:
                continue
            policy, origin = policies[namespace]
            pod = psa.pod_of(obj)
            if pod is None or pod.spec.get("runtimeClassName") in config.exempt_runtime_classes:
                continue  # EvaluatePod: exempt runtime class
            modes = {}
            for mode in psa.MODES:
                lv = getattr(policy, mode)
                modes[mode] = (lv, psa.evaluate(lv.level, lv.effective(server), pod))
            out.append((obj, origin, modes))
    index._pod_security = out
    return out


def _first_path(results):
    for r in results:
        for v in r.violations:
            return v.path
    return ("spec",)


@check_all("pod-security-enforce")
def pod_security_enforce(index, ctx):
    """admission.go ValidatePod -> EvaluatePod(enforce=true): forbiddenResponse 'violates PodSecurity ...'."""
    for obj, origin, modes in _evaluations(index, ctx):
        if obj.kind != "Pod":
            continue
        lv, results = modes["enforce"]
        if results:
            yield (
                obj,
                Problem(
                    _first_path(results),
                    f'pods "{obj.name or ""}" is forbidden: violates PodSecurity "{lv}": {psa.detail(results)} '
                    f"({origin['enforce']} enforces the {lv.level} level); fix these fields "
                    "or run the Pod in a namespace with a lower pod-security.kubernetes.io/enforce level",
                ),
            )


@check_all("pod-security-enforce-workload")
def pod_security_enforce_workload(index, ctx):
    """admission.go ValidatePodController -> EvaluatePod(enforce=false): warn and audit only; the Pods the
    controller creates later go through ValidatePod and are rejected."""
    for obj, origin, modes in _evaluations(index, ctx):
        if obj.kind == "Pod":
            continue
        lv, results = modes["enforce"]
        if not results:
            continue
        wlv, wresults = modes["warn"]
        where = origin["enforce"]
        rejected = f'violates PodSecurity "{lv}": {psa.detail(results)}'
        if wresults and str(wlv) == str(lv):
            text = (
                f'the API server admits this {obj.kind} with the warning "would violate PodSecurity "{wlv}": '
                f'{psa.detail(wresults)}" and then rejects every Pod created from its template for the same reasons '
                f'("violates PodSecurity "{lv}"": {where} enforces the {lv.level} level)'
            )
        else:
            admitted = (
                f'with the warning "would violate PodSecurity "{wlv}": {psa.detail(wresults)}"'
                if wresults
                else f"without a warning (warn level {wlv})"
            )
            text = (
                f"the API server admits this {obj.kind} {admitted} and then rejects every Pod created from its "
                f"template: {rejected} ({where} enforces the {lv.level} level)"
            )
        yield obj, Problem(_first_path(results), text + "; fix the pod template")


@check_all("pod-security-warn")
def pod_security_warn(index, ctx):
    """admission.go EvaluatePod: a warning when the warn level is violated and the request is allowed."""
    yield from _exempt_namespace_warnings(index, ctx)
    for obj, origin, modes in _evaluations(index, ctx):
        if modes["enforce"][1]:
            continue  # a rejected Pod gets no warning; a workload's warning is part of pod-security-enforce-workload
        lv, results = modes["warn"]
        if results:
            yield (
                obj,
                Problem(
                    _first_path(results),
                    f'the API server accepts it with the warning "would violate PodSecurity "{lv}": '
                    f'{psa.detail(results)}" ({origin["warn"]} warns at the {lv.level} '
                    "level); fix these fields before the namespace enforces that level",
                ),
            )


def _exempt_namespace_warnings(index, ctx):
    """admission.go ValidateNamespace -> exemptNamespaceWarning: a labelled Namespace that the cluster's
    configuration exempts is admitted with a warning that its policy is ignored."""
    config = _admission_config(ctx)
    if not config.exempt_namespaces:
        return
    default = config.default_policy()
    for ns in index.targets_of_kind("", "Namespace"):
        labels = ns.metadata.get("labels")
        if ns.name not in config.exempt_namespaces or not isinstance(labels, dict):
            continue
        policy = psa.policy_to_evaluate(labels, config)
        if (
            policy.errors
            or all(getattr(policy, m).level == "privileged" for m in psa.MODES)
            or all(
                str(getattr(policy, m)) == str(getattr(default, m))
                or getattr(policy, m).level == getattr(default, m).level == "privileged"
                for m in psa.MODES
            )
        ):
            continue
        parts = [
            f"{m}={getattr(policy, m)}"
            for m in psa.MODES
            if getattr(policy, m).level != "privileged"
            and (psa.LABEL_PREFIX + m in labels or psa.LABEL_PREFIX + m + "-version" in labels)
        ]
        yield (
            ns,
            Problem(
                ("metadata", "labels"),
                f'the API server accepts it with the warning "namespace "{ns.name}" is exempt from Pod '
                f'Security, and the policy ({", ".join(parts)}) will be ignored" (exempt in '
                f"{config.source}); remove the pod-security labels or the exemption",
                at="key",
            ),
        )


@check_all("pod-security-audit")
def pod_security_audit(index, ctx):
    """admission.go EvaluatePod: audit annotation pod-security.kubernetes.io/audit-violations.  Left out
    when pod-security-enforce(-workload) or pod-security-warn already quotes the same level and version."""
    for obj, origin, modes in _evaluations(index, ctx):
        lv, results = modes["audit"]
        elv, eresults = modes["enforce"]
        wlv, wresults = modes["warn"]
        warned = wresults and (obj.kind != "Pod" or not eresults)  # a rejected Pod gets no warning
        if eresults and str(elv) == str(lv) or warned and str(wlv) == str(lv):
            continue  # the same violations at the same level are already an error or a warning
        if results:
            yield (
                obj,
                Problem(
                    _first_path(results),
                    f"the API server records pod-security.kubernetes.io/audit-violations in the audit log: "
                    f'would violate PodSecurity "{lv}": {psa.detail(results)} ({origin["audit"]} audits '
                    f"at the {lv.level} level)",
                ),
            )
