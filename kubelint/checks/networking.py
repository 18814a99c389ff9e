"""Service and Ingress wiring: selectors, ports, backends."""

from __future__ import annotations

import re

from ..lazyre import lazy
from ..engine import check, check_all
from ..findings import Problem
from ..kinds import get_path, iter_containers
from ..labels import map_selector_matches
from ._common import as_list, pod_templates


def _services(index):
    """(namespace, name) -> [Service, ...] (several when files repeat a Service)."""
    cached = getattr(index, "_services", None)
    if cached is None:
        cached = {}
        for svc in index.of_kind("", "Service"):
            if svc.name:
                cached.setdefault((index.namespace_of(svc), svc.name), []).append(svc)
        index._services = cached
    return cached


def _nearest(candidates, obj):
    """The candidates in obj's file first, then its directory, then the rest."""
    import os

    d = os.path.dirname(obj.file)
    return sorted(candidates, key=lambda c: (c.file != obj.file, os.path.dirname(c.file) != d))


def _selector(svc):
    spec = svc.data.get("spec")
    if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
        return None
    sel = spec.get("selector")
    return sel if isinstance(sel, dict) and sel else None


def selected_workloads(svc, index):
    """Workloads whose pods the Service selects (None: no selector). Cached per run."""
    cache = getattr(index, "_selected", None)
    if cache is None:
        cache = index._selected = {}
    key = id(svc)
    if key not in cache:
        sel = _selector(svc)
        cache[key] = (
            None
            if sel is None
            else pod_templates(index).matching(
                index.namespace_of(svc), lambda labels: map_selector_matches(sel, labels), required=sel
            )
        )
    return cache[key]


def _local_workloads(templates, ns, obj) -> list:
    """Workloads of namespace ``ns`` that belong with ``obj``: all of them when
    ``obj`` names its namespace, else those of its directory (a file without a
    namespace is not compared with unrelated files that also default to it)."""
    import os

    items = templates.by_ns.get(ns, ())
    if obj.namespace and obj.namespace == ns:
        return list(items)
    d = os.path.dirname(obj.file)
    return [(w, labels) for w, labels in items if os.path.dirname(w.file) == d]


# Labels that Pods get at run time from the software in them or an operator:
# Patroni/Spilo's spilo-role, CloudNativePG's cnpg.io/instanceRole, Redis
# Sentinel and KubeDB roles, leader-election labels.
_RUN_TIME_KEY = lazy(r"(^|[/.-])(role|instancerole|leader|primary|master)$", re.I)


def _labelled_at_run_time(sel, local) -> bool:
    """The selector matches a workload of the set except for role labels its
    template does not set at all: something labels the Pods at run time."""
    extra_ok = [k for k in sel if _RUN_TIME_KEY.search(k)]
    if not extra_ok:
        return False
    for _, labels in local:
        missing = [k for k in sel if k not in labels]
        if (
            missing
            and all(k in extra_ok for k in missing)
            and all(labels[k] == v for k, v in sel.items() if k in labels)
            and len(missing) < len(sel)
        ):
            return True
    return False


@check_all("service-selects-no-pods")
def service_selects_no_pods(index, ctx):
    templates = pod_templates(index)
    for svc in index.targets_of_kind("", "Service"):
        sel = _selector(svc)
        if sel is None:
            continue
        if selected_workloads(svc, index):
            continue
        ns = index.namespace_of(svc)
        if templates.operator_may_create(ns, sel.values(), lambda labels: map_selector_matches(sel, labels)):
            continue
        local = _local_workloads(templates, ns, svc)
        elsewhere = []
        if not local:
            # The namespace's workloads are not in the checked manifests; only a
            # workload of another namespace that the selector matches says something.
            elsewhere = sorted(
                {
                    f"{o.kind} {index.namespace_of(o)}/{o.name}"
                    for other in templates.by_ns
                    if other != ns
                    for o in templates.matching(other, lambda labels: map_selector_matches(sel, labels), required=sel)
                }
            )
            if not elsewhere:
                continue
        elif _labelled_at_run_time({k: str(v) for k, v in sel.items()}, local):
            continue
        if elsewhere:
            shown = ", ".join(f"{k}={v}" for k, v in sel.items())
            yield (
                svc,
                Problem(
                    ("spec", "selector"),
                    f"selector {shown} matches no workload in namespace {ns}, only {', '.join(elsewhere[:3])} "
                    "in another namespace: a Service selects Pods of its own namespace only, so it has no "
                    "endpoints; put the Service in the workload's namespace",
                    at="key",
                ),
            )
            continue
        shown = ", ".join(f"{k}={v}" for k, v in sel.items())
        yield (
            svc,
            Problem(
                ("spec", "selector"),
                f"selector {shown} matches the pod labels of no workload in namespace {index.namespace_of(svc)}: "
                "the Service has no endpoints and routes nothing; make the selector a subset of the "
                "workload's spec.template.metadata.labels (or remove it and manage Endpoints yourself; if "
                "an operator creates or labels the Pods at run time, pass its resources with --context)",
                at="key",
            ),
        )


def _container_ports(obj):
    """(numbers, names) of the ports declared by the containers of a workload."""
    numbers, names = set(), set()
    for c, _, list_name in iter_containers(obj, include_init=True):
        if list_name == "initContainers" and c.get("restartPolicy") != "Always":
            continue
        for p in as_list(c.get("ports")):
            if not isinstance(p, dict):
                continue
            if isinstance(p.get("containerPort"), int):
                numbers.add(p["containerPort"])
            if isinstance(p.get("name"), str):
                names.add(p["name"])
    return numbers, names


def _declared_ports(obj, index):
    """_container_ports of a workload, once per run (a workload may back many Services)."""
    cache = getattr(index, "_container_ports", None)
    if cache is None:
        cache = index._container_ports = {}
    hit = cache.get(id(obj))
    if hit is None:
        hit = cache[id(obj)] = _container_ports(obj)
    return hit


@check_all("service-target-port-missing")
def service_target_port_missing(index, ctx):
    for svc in index.targets_of_kind("", "Service"):
        workloads = selected_workloads(svc, index)
        if not workloads:
            continue
        ports = get_path(svc.data, ("spec", "ports"))
        if not isinstance(ports, list):
            continue
        declared = [_declared_ports(w, index) for w in workloads]
        if not any(n or m for n, m in declared):
            continue  # nothing declares ports (they are informational): nothing to compare
        wl = ", ".join(sorted({f"{w.kind} {w.name}" for w in workloads})[:3])
        for i, p in enumerate(ports):
            if not isinstance(p, dict):
                continue
            target = p.get("targetPort", p.get("port"))
            path = ("spec", "ports", i, "targetPort" if "targetPort" in p else "port")
            if isinstance(target, str) and not target.isdigit():
                if any(target in names for _, names in declared):
                    continue
                known = sorted({n for _, names in declared for n in names})
                from ..suggest import did_you_mean

                yield (
                    svc,
                    Problem(
                        path,
                        f'targetPort "{target}" is not the name of any container port of {wl}: the Service '
                        f"gets no endpoints for this port and connections fail{did_you_mean(target, known)}; "
                        f"use one of the ports the containers name ({', '.join(known) or 'none'}) or a number",
                    ),
                )
            elif isinstance(target, (int, str)) and not isinstance(target, bool):
                num = int(target)
                # Declaring ports is informational: only a workload that
                # declares ports, none of them this one (nor mentions it in
                # its command, args or env), is suspicious.
                if any(num in numbers or not (numbers or names) for numbers, names in declared):
                    continue
                if any(_mentions(w, num) for w in workloads):
                    continue
                known = sorted({n for numbers, _ in declared for n in numbers})
                yield (
                    svc,
                    Problem(
                        path,
                        f"targetPort {num} is not among the containerPorts of {wl} (they declare "
                        f"{', '.join(map(str, known))}): if nothing listens on {num}, every connection "
                        "fails; point targetPort at the port the container serves (or declare it in ports)",
                    ),
                )


def _mentions(obj, num: int) -> bool:
    """The port number appears in a container's command, args or env values."""
    rx = re.compile(rf"(?<!\d){num}(?!\d)")
    for c, _, _ in iter_containers(obj, include_init=True):
        texts = []
        for key in ("command", "args"):
            if isinstance(c.get(key), list):
                texts += [str(a) for a in c[key]]
        for e in as_list(c.get("env")):
            if isinstance(e, dict) and e.get("value") is not None:
                texts.append(str(e["value"]))
        if any(rx.search(t) for t in texts):
            return True
    return False


def _ingress_backends(ing):
    """(path to the service name, service name, port path, port value, port kind) of every backend."""
    spec = ing.data.get("spec")
    if not isinstance(spec, dict):
        return
    candidates = []
    for key in ("defaultBackend", "backend"):
        if isinstance(spec.get(key), dict):
            candidates.append((("spec", key), spec[key]))
    for i, rule in enumerate(as_list(spec.get("rules"))):
        paths = get_path(rule, ("http", "paths")) if isinstance(rule, dict) else None
        for j, p in enumerate(paths if isinstance(paths, list) else ()):
            if isinstance(p, dict) and isinstance(p.get("backend"), dict):
                candidates.append((("spec", "rules", i, "http", "paths", j, "backend"), p["backend"]))
    for base, b in candidates:
        if isinstance(b.get("service"), dict):  # networking.k8s.io/v1
            s = b["service"]
            port = s.get("port") if isinstance(s.get("port"), dict) else {}
            if "number" in port:
                pv, pp = port["number"], base + ("service", "port", "number")
            elif "name" in port:
                pv, pp = port["name"], base + ("service", "port", "name")
            else:
                pv, pp = None, None
            yield base + ("service", "name"), s.get("name"), pp, pv
        elif "serviceName" in b:  # extensions/v1beta1, networking.k8s.io/v1beta1
            yield base + ("serviceName",), b.get("serviceName"), base + ("servicePort",), b.get("servicePort")


@check_all("ingress-service-missing")
def ingress_service_missing(index, ctx):
    services = _services(index)
    for ing in index.targets_of_kind("networking.k8s.io", "Ingress") + index.targets_of_kind("extensions", "Ingress"):
        ns = index.namespace_of(ing)
        for npath, name, _, _ in _ingress_backends(ing):
            if not isinstance(name, str) or not name or (ns, name) in services:
                continue
            from ..suggest import did_you_mean

            others = [n for (sns, n) in services if sns == ns]
            yield (
                ing,
                Problem(
                    npath,
                    f'backend Service "{name}" is not in namespace {ns} of the checked manifests: '
                    f"the ingress controller answers 503 for this path{did_you_mean(name, others)}; "
                    "fix the name, or add the Service (pass it with --context if it lives elsewhere)",
                ),
            )


@check_all("ingress-service-port-missing")
def ingress_service_port_missing(index, ctx):
    services = _services(index)
    for ing in index.targets_of_kind("networking.k8s.io", "Ingress") + index.targets_of_kind("extensions", "Ingress"):
        ns = index.namespace_of(ing)
        for _, name, ppath, port in _ingress_backends(ing):
            candidates = services.get((ns, name)) if isinstance(name, str) else None
            if not candidates or not isinstance(port, (int, str)) or isinstance(port, bool) or port == "use-annotation":
                continue  # use-annotation: AWS Load Balancer Controller actions
            ok, svc, ports = False, None, None
            for svc in _nearest(candidates, ing):
                ports = get_path(svc.data, ("spec", "ports"))
                if not isinstance(ports, list):
                    ok = True
                    break
                numbers = {p.get("port") for p in ports if isinstance(p, dict) and isinstance(p.get("port"), int)}
                names = {p.get("name") for p in ports if isinstance(p, dict) and isinstance(p.get("name"), str)}
                if (isinstance(port, int) and port in numbers) or (
                    isinstance(port, str) and (port in names or (port.isdigit() and int(port) in numbers))
                ):
                    ok = True
                    break
            if ok:
                continue
            svc = _nearest(candidates, ing)[0]
            ports = get_path(svc.data, ("spec", "ports"))
            have = ", ".join(
                sorted(
                    f"{p.get('name')}:{p.get('port')}" if p.get("name") else str(p.get("port"))
                    for p in ports
                    if isinstance(p, dict)
                )
            )
            yield (
                ing,
                Problem(
                    ppath,
                    f'Service "{name}" has no port {port!r} (it has {have or "no ports"}): the ingress '
                    "controller cannot route this backend; use the Service's port number or port name",
                ),
            )


@check_all("statefulset-service-missing")
def statefulset_service_missing(index, ctx):
    services = _services(index)
    for sts in index.targets_of_kind("apps", "StatefulSet"):
        spec = sts.data.get("spec")
        name = spec.get("serviceName") if isinstance(spec, dict) else None
        if not isinstance(name, str) or not name:
            continue
        ns = index.namespace_of(sts)
        candidates = services.get((ns, name))
        if not candidates:
            from ..suggest import did_you_mean

            others = [n for (sns, n) in services if sns == ns]
            yield (
                sts,
                Problem(
                    ("spec", "serviceName"),
                    f'serviceName "{name}" names no Service in namespace {ns}: the Pods get no stable DNS names '
                    f"(web-0.{name}...){did_you_mean(name, others)}; add a headless Service (clusterIP: None) "
                    "with that name selecting the Pods",
                ),
            )
        elif all(get_path(svc.data, ("spec", "clusterIP")) != "None" for svc in candidates):
            yield (
                sts,
                Problem(
                    ("spec", "serviceName"),
                    f'serviceName "{name}" names a Service that is not headless: Pods get no per-Pod DNS '
                    "records; set clusterIP: None on that Service (add a second, headless one if clients need a "
                    "virtual IP)",
                ),
            )


@check("nodeport-service")
def nodeport_service(obj, ctx):
    if obj.group != "":
        return
    spec = obj.data.get("spec")
    if isinstance(spec, dict) and spec.get("type") == "NodePort":
        yield Problem(
            ("spec", "type"),
            "type NodePort opens the port on every node of the cluster, outside any Ingress or load balancer "
            "policy, from a small shared range; use ClusterIP behind an Ingress, or a LoadBalancer",
        )
