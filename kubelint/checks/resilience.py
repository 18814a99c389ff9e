"""High availability beyond replica counts: spreading replicas, autoscaler
ranges and ownership of spec.replicas, probes that can work, graceful
shutdown behind Services."""

from __future__ import annotations

from ..engine import check, check_all
from ..findings import Problem
from ..kinds import get_path, pod_spec
from ._common import as_list, cname, containers, is_long_running, replicas, target_template_namespaces
from .availability import effective_replicas
from .networking import selected_workloads

_HA = (("apps", "Deployment"), ("apps", "StatefulSet"))


def _hpas(index):
    """[(hpa, target kind, target name, spec)] of every autoscaling/* HPA."""
    out = []
    for hpa in index.of_kind("autoscaling", "HorizontalPodAutoscaler"):
        spec = hpa.data.get("spec")
        ref = spec.get("scaleTargetRef") if isinstance(spec, dict) else None
        if isinstance(ref, dict) and isinstance(ref.get("kind"), str) and isinstance(ref.get("name"), str):
            out.append((hpa, ref["kind"], ref["name"], spec))
    return out


def _spread(spec) -> bool:
    aff = get_path(spec, ("affinity", "podAntiAffinity"))
    if isinstance(aff, dict) and (
        aff.get("requiredDuringSchedulingIgnoredDuringExecution")
        or aff.get("preferredDuringSchedulingIgnoredDuringExecution")
    ):
        return True
    return bool(as_list(spec.get("topologySpreadConstraints")))


@check_all("no-pod-spread")
def no_pod_spread(index, ctx):
    wanted = int(ctx.params["min_replicas"])
    for g, k in _HA:
        for obj in index.targets_of_kind(g, k):
            n, _ = effective_replicas(obj, index)
            if n is None or n < wanted:
                continue
            spec, base = pod_spec(obj)
            if spec is None or _spread(spec):
                continue
            yield (
                obj,
                Problem(
                    base,
                    f"{obj.kind} runs {n} replicas with no podAntiAffinity and no topologySpreadConstraints: "
                    "the scheduler only prefers to spread them, and under pressure may put all of them on "
                    "one node or zone, which then takes the service down; add topologySpreadConstraints on "
                    "kubernetes.io/hostname (and topology.kubernetes.io/zone) with this workload's labels, "
                    "or a preferred podAntiAffinity",
                    at="key",
                ),
            )


@check_all("hpa-replica-range")
def hpa_replica_range(index, ctx):
    for hpa, kind, name, spec in _hpas(index):
        if not index.is_target(hpa):
            continue
        lo, hi = spec.get("minReplicas", 1), spec.get("maxReplicas")
        if isinstance(lo, bool) or not isinstance(lo, int) or isinstance(hi, bool) or not isinstance(hi, int):
            continue
        if hi <= lo:
            yield (
                hpa,
                Problem(
                    ("spec", "maxReplicas"),
                    f"maxReplicas {hi} is not above minReplicas {lo}: the autoscaler can never scale up, so "
                    "it only pins the replica count; raise maxReplicas to what a load peak needs (or remove "
                    "the autoscaler and set spec.replicas)",
                ),
            )
            continue
        if lo >= 2 or lo == 0:
            continue  # 0: scale-to-zero (HPAScaleToZero), deliberate
        ns = index.namespace_of(hpa)
        if any(
            index.namespace_of(o) == ns and o.name == name for g, k in _HA if k == kind for o in index.of_kind(g, k)
        ):
            continue  # single-replica reports it on the workload
        where = ("spec", "minReplicas") if "minReplicas" in spec else ("spec",)
        yield (
            hpa,
            Problem(
                where,
                f"minReplicas {lo}{'' if 'minReplicas' in spec else ' (unset means 1)'}: at low load the "
                f"autoscaler shrinks {kind} {name} to one Pod, and one node drain or crash takes it down; set "
                "minReplicas to 2 or more",
                at="value" if "minReplicas" in spec else "key",
            ),
        )


@check_all("hpa-with-replicas")
def hpa_with_replicas(index, ctx):
    seen = set()
    for hpa, kind, name, _ in _hpas(index):
        ns = index.namespace_of(hpa)
        for g in ("apps", ""):
            for obj in index.get(g, kind, ns, name):
                spec = obj.data.get("spec")
                if id(obj) in seen or not isinstance(spec, dict) or "replicas" not in spec:
                    continue
                seen.add(id(obj))
                if not index.is_target(obj):
                    continue
                yield (
                    obj,
                    Problem(
                        ("spec", "replicas"),
                        f"HorizontalPodAutoscaler {hpa.name} manages this {obj.kind}'s scale, but the "
                        f"manifest also sets spec.replicas ({spec['replicas']}): every apply resets the scale "
                        "to that number, killing the Pods the autoscaler added under load; remove "
                        "spec.replicas from the manifest (after the first apply)",
                    ),
                )


_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def _probe_port(probe):
    for handler in ("httpGet", "tcpSocket", "grpc"):
        h = probe.get(handler)
        if isinstance(h, dict) and "port" in h:
            return handler, h["port"]
    return None, None


@check("probe-port-not-declared")
def probe_port_not_declared(obj, ctx):
    if obj.kind not in (
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
    ):
        return  # (the catalogue entry's kinds)
    for c, path, _ in containers(obj):
        ports = [p for p in as_list(c.get("ports")) if isinstance(p, dict)]
        names = {p.get("name") for p in ports if isinstance(p.get("name"), str)}
        for probe_name in _PROBES:
            probe = c.get(probe_name)
            if not isinstance(probe, dict):
                continue
            handler, port = _probe_port(probe)
            if handler is None:
                continue
            ppath = path + (probe_name, handler, "port")
            # A number needs no declaration (declaring ports is informational,
            # health ports often are not): only names must resolve.
            if isinstance(port, str) and not port.isdigit():
                if port in names or "{{" in port or "$" in port:
                    continue
                known = ", ".join(sorted(names)) or "none"
                yield Problem(
                    ppath,
                    f'container "{cname(c)}" {probe_name} uses port "{port}", which is not the name of any of '
                    f"its ports (it names {known}): the kubelet cannot resolve it, the probe fails on every "
                    "attempt and the container "
                    + ("is restarted in a loop" if probe_name != "readinessProbe" else "never becomes ready")
                    + "; use a declared port name or the number",
                )


def _probe_key(probe):
    """The parts that decide what a probe tests (handler), not its timing."""
    return repr({k: v for k, v in sorted(probe.items()) if k in ("httpGet", "tcpSocket", "exec", "grpc")}) + repr(
        {k: probe.get(k) for k in ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold")}
    )


@check("identical-probes")
def identical_probes(obj, ctx):
    if obj.kind not in ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"):
        return  # (the catalogue entry's kinds)
    for c, path, _ in containers(obj):
        live, ready = c.get("livenessProbe"), c.get("readinessProbe")
        if not isinstance(live, dict) or not isinstance(ready, dict) or not live:
            continue
        if _probe_key(live) != _probe_key(ready):
            continue
        yield Problem(
            path + ("livenessProbe",),
            f'container "{cname(c)}" has identical liveness and readiness probes: when the check fails '
            "(overload, a slow dependency) the Pod is taken out of the Service and restarted at the same "
            "moment, so a brief overload becomes a restart storm; make the liveness probe more tolerant "
            "(higher failureThreshold, or a cheaper endpoint that only proves the process is alive)",
            at="key",
        )


@check_all("no-graceful-shutdown")
def no_graceful_shutdown(index, ctx):
    seen = set()
    wanted = target_template_namespaces(index)  # the namespaces where a Service can select a target
    for svc in index.of_kind("", "Service"):
        if index.targets_only and index.namespace_of(svc) not in wanted:
            continue
        for obj in selected_workloads(svc, index) or ():
            if id(obj) in seen or not is_long_running(obj) or obj.kind == "DaemonSet":
                continue
            seen.add(id(obj))
            if not index.is_target(obj):
                continue
            n = replicas(obj)
            spec, base = pod_spec(obj)
            if spec is None:
                continue
            grace = spec.get("terminationGracePeriodSeconds")
            if isinstance(grace, int) and not isinstance(grace, bool) and grace <= 1:
                yield (
                    obj,
                    Problem(
                        base + ("terminationGracePeriodSeconds",),
                        f"terminationGracePeriodSeconds {grace}: Pods behind Service {svc.name} are killed "
                        "before they can finish in-flight requests or leave the endpoints, so every rollout "
                        "drops connections; allow the default 30 seconds or what a request takes",
                    ),
                )
                continue
            cs = [c for c, _, _ in containers(obj)]
            if not cs or any(isinstance(get_path(c, ("lifecycle", "preStop")), dict) for c in cs):
                continue
            if n == 0:
                continue
            yield (
                obj,
                Problem(
                    base + ("containers",),
                    f"no container has a preStop hook, and the Pods are behind Service {svc.name}: a "
                    "terminating Pod gets SIGTERM while load balancers and kube-proxy still send it new "
                    "connections for a few seconds, so each rollout or scale-down drops some requests; add "
                    "lifecycle.preStop (e.g. sleep: {seconds: 5}) to the serving container, or make the "
                    "program keep serving for a few seconds after SIGTERM",
                    at="key",
                ),
            )
