"""The object as the admission plugin sees it on a create: decoded, defaulted
and prepared for create, before validating admission runs.

Ported (the defaults policies most often test) from
``pkg/apis/core/v1/defaults.go`` (``SetDefaults_PodSpec``,
``SetDefaults_Container``, ``SetDefaults_Service``, ``SetDefaults_Secret``,
``SetDefaults_Namespace``...), ``pkg/apis/apps/v1/defaults.go``
(``SetDefaults_Deployment``, ``SetDefaults_StatefulSet``,
``SetDefaults_DaemonSet``, ``SetDefaults_ReplicaSet``),
``pkg/apis/batch/v1/defaults.go`` (``SetDefaults_Job``,
``SetDefaults_CronJob``), and the create strategies' ``PrepareForCreate``
(status cleared; a Pod's phase ``Pending``; ``metadata.generation: 1``),
plus ``metadata.namespace`` set from the request.

Not modelled (documented in docs/policies.md): server-generated values
(``metadata.uid``, ``creationTimestamp``, a Service's ``clusterIP``) and
mutating admission plugins (``DefaultTolerationSeconds``, ``Priority``,
``LimitRanger``...).  An expression reading them is evaluated on the object
without them.
"""

from __future__ import annotations

import copy

from ..kinds import pod_spec_path

_WITH_GENERATION = {
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("apps", "ReplicaSet"),
    ("batch", "Job"),
    ("batch", "CronJob"),
    ("", "ReplicationController"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("policy", "PodDisruptionBudget"),
    ("networking.k8s.io", "Ingress"),
    ("autoscaling", "HorizontalPodAutoscaler"),
}


def defaulted(data: dict, group: str, kind: str, namespace: str) -> dict:
    """A defaulted copy of ``data`` as CEL values (celenv.to_value: nulls
    dropped as typed decoding drops them, integral floats as integers)."""
    from .celenv import to_value

    obj = to_value(data)
    meta = obj.setdefault("metadata", {}) if isinstance(obj.get("metadata"), dict) or "metadata" not in obj else {}
    if isinstance(meta, dict):
        if namespace and not (group == "" and kind == "Namespace"):
            meta["namespace"] = namespace
        if (group, kind) in _WITH_GENERATION or not _built_in(group):
            meta.setdefault("generation", 1)
    spec = obj.get("spec")
    if kind == "Namespace" and group == "":
        _namespace(obj, meta)
        return obj
    if _built_in(group):  # PrepareForCreate: status is not set by a create
        obj.pop("status", None)
    if group == "" and kind == "Secret":
        obj.setdefault("type", "Opaque")
    if not isinstance(spec, dict):
        return obj
    key = (group, kind)
    if key == ("apps", "Deployment"):
        _deployment_spec(spec)
    elif key == ("apps", "StatefulSet"):
        _stateful_set_spec(spec)
    elif key == ("apps", "DaemonSet"):
        _daemon_set_spec(spec)
    elif key == ("apps", "ReplicaSet") or key == ("", "ReplicationController"):
        spec.setdefault("replicas", 1)
    elif key == ("batch", "Job"):
        _job_spec(spec)
    elif key == ("batch", "CronJob"):
        _cron_job_spec(spec)
    elif key == ("", "Service"):
        _service_spec(spec)
    elif key == ("autoscaling", "HorizontalPodAutoscaler"):
        return _hpa(obj, spec)
    elif key == ("", "PersistentVolumeClaim"):
        spec.setdefault("volumeMode", "Filesystem")
        obj["status"] = {"phase": "Pending"}
    path = pod_spec_path(group, kind)
    if path is not None:
        pod = obj
        for p in path:
            pod = pod.get(p) if isinstance(pod, dict) else None
        if isinstance(pod, dict):
            pod_spec(pod)
    if key == ("", "Pod"):
        obj["status"] = {"phase": "Pending", "qosClass": _qos(spec)}
        spec.setdefault("enableServiceLinks", True)
        _pod_admission(spec)
    return obj


def _namespace(obj: dict, meta) -> None:
    """The name label, the kubernetes finalizer, phase Active."""
    if isinstance(meta, dict):
        labels = meta.setdefault("labels", {}) if isinstance(meta.get("labels", {}), dict) else {}
        if isinstance(meta.get("name"), str):
            labels["kubernetes.io/metadata.name"] = meta["name"]
    s = obj.setdefault("spec", {}) if isinstance(obj.get("spec", {}), dict) else None
    if s is not None:
        s.setdefault("finalizers", ["kubernetes"])
    obj["status"] = {"phase": "Active"}


def _deployment_spec(spec: dict) -> None:
    """SetDefaults_Deployment."""
    spec.setdefault("replicas", 1)
    st = spec.setdefault("strategy", {})
    if isinstance(st, dict):
        st.setdefault("type", "RollingUpdate")
        if st.get("type") == "RollingUpdate":
            ru = st.setdefault("rollingUpdate", {})
            if isinstance(ru, dict):
                ru.setdefault("maxUnavailable", "25%")
                ru.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)


def _stateful_set_spec(spec: dict) -> None:
    """SetDefaults_StatefulSet, and the claim templates as the server stores them."""
    spec.setdefault("replicas", 1)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    us = spec.setdefault("updateStrategy", {})
    if isinstance(us, dict):
        us.setdefault("type", "RollingUpdate")
        if us.get("type") == "RollingUpdate":
            ru = us.setdefault("rollingUpdate", {})
            if isinstance(ru, dict):
                ru.setdefault("partition", 0)
    spec.setdefault("revisionHistoryLimit", 10)
    pr = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
    if isinstance(pr, dict):
        pr.setdefault("whenDeleted", "Retain")
        pr.setdefault("whenScaled", "Retain")
    for t in spec.get("volumeClaimTemplates") or []:
        if isinstance(t, dict) and isinstance(t.get("spec"), dict):
            t["spec"].setdefault("volumeMode", "Filesystem")
            t.setdefault("apiVersion", "v1")
            t.setdefault("kind", "PersistentVolumeClaim")
            t.setdefault("status", {"phase": "Pending"})


def _daemon_set_spec(spec: dict) -> None:
    """SetDefaults_DaemonSet."""
    us = spec.setdefault("updateStrategy", {})
    if isinstance(us, dict):
        us.setdefault("type", "RollingUpdate")
        if us.get("type") == "RollingUpdate":
            ru = us.setdefault("rollingUpdate", {})
            if isinstance(ru, dict):
                ru.setdefault("maxUnavailable", 1)
                ru.setdefault("maxSurge", 0)
    spec.setdefault("revisionHistoryLimit", 10)


def _cron_job_spec(spec: dict) -> None:
    """SetDefaults_CronJob, and its job template's spec."""
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    jt = spec.get("jobTemplate")
    if isinstance(jt, dict) and isinstance(jt.get("spec"), dict):
        _job_spec(jt["spec"])


_SCALE_UP = {
    "stabilizationWindowSeconds": 0,
    "selectPolicy": "Max",
    "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ],
}
_SCALE_DOWN = {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _hpa(obj: dict, spec: dict) -> dict:
    """``SetDefaults_HorizontalPodAutoscaler`` of v1 (minReplicas) or v2
    (minReplicas, the 80% CPU metric, ``GenerateHPAScaleUpRules`` /
    ``GenerateHPAScaleDownRules``), then the round trip through the internal
    type every stored object makes (v1: ``targetCPUUtilizationPercentage``
    80 when absent; the status each version prints for an empty one)."""
    from .conversion import NotConvertible, hpa_from_internal, hpa_to_internal

    version = str(obj.get("apiVersion", "")).rpartition("/")[2]
    if version not in ("v1", "v2"):
        return obj
    spec.setdefault("minReplicas", 1)
    if version == "v2":
        if not spec.get("metrics"):
            spec["metrics"] = [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
                }
            ]
        if isinstance(spec.get("behavior"), dict):
            b = spec["behavior"]
            for key, rules in (("scaleUp", _SCALE_UP), ("scaleDown", _SCALE_DOWN)):
                given = b.get(key) if isinstance(b.get(key), dict) else {}
                b[key] = {**copy.deepcopy(rules), **given}
    try:
        return hpa_from_internal(hpa_to_internal(obj, version), version)
    except NotConvertible:  # round-trip annotations on a v1 object: kept as written
        return obj


def _built_in(group: str) -> bool:
    return "." not in group or group.endswith(".k8s.io")


def _job_spec(spec: dict) -> None:
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    spec.setdefault("parallelism", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    if spec.get("podFailurePolicy") is None:
        spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
    else:
        spec.setdefault("podReplacementPolicy", "Failed")


def _service_spec(spec: dict) -> None:
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec.get("type") != "ExternalName":
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if spec.get("type") in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if spec.get("type") == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    for p in spec.get("ports") or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")
            if "targetPort" not in p and "port" in p:
                p["targetPort"] = p["port"]


def pod_spec(spec: dict) -> None:
    """``SetDefaults_PodSpec`` and the container defaults."""
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for lst in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(lst) or []:
            if isinstance(c, dict):
                _container(c)
    for v in spec.get("volumes") or []:
        if not isinstance(v, dict):
            continue
        for src in ("secret", "configMap", "downwardAPI", "projected"):
            if isinstance(v.get(src), dict):
                v[src].setdefault("defaultMode", 420)
        if isinstance(v.get("hostPath"), dict):
            v["hostPath"].setdefault("type", "")


def _container(c: dict) -> None:
    image = c.get("image") if isinstance(c.get("image"), str) else ""
    if "imagePullPolicy" not in c:
        name = image.rsplit("/", 1)[-1]
        tag = name.split("@", 1)[0].partition(":")[2]
        c["imagePullPolicy"] = "Always" if ("@" not in image and (not tag or tag == "latest")) else "IfNotPresent"
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    c.setdefault("resources", {})
    for p in c.get("ports") or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        pr = c.get(probe)
        if isinstance(pr, dict):
            pr.setdefault("timeoutSeconds", 1)
            pr.setdefault("periodSeconds", 10)
            pr.setdefault("successThreshold", 1)
            pr.setdefault("failureThreshold", 3)
            if isinstance(pr.get("httpGet"), dict):
                pr["httpGet"].setdefault("path", "/")
                pr["httpGet"].setdefault("scheme", "HTTP")


_NOT_READY = "node.kubernetes.io/not-ready"
_UNREACHABLE = "node.kubernetes.io/unreachable"
_SYSTEM_PRIORITIES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}


def _pod_admission(spec: dict) -> None:
    """The mutating admission plugins a default kube-apiserver runs on every
    Pod create before validating admission: ``DefaultTolerationSeconds``
    (plugin/pkg/admission/defaulttolerationseconds: NoExecute tolerations of
    not-ready and unreachable for 300 s unless the Pod tolerates them) and
    ``Priority`` (plugin/pkg/admission/priority: priority 0 and
    PreemptLowerPriority without a priorityClassName and a default class;
    the system classes' values)."""
    tol = spec.get("tolerations")
    if tol is None:
        tol = []
    if isinstance(tol, list):

        def tolerated(key):
            for t in tol:
                if not isinstance(t, dict):
                    continue
                effect = t.get("effect") or ""
                if effect not in ("", "NoExecute"):
                    continue
                if (t.get("key") or "") == "" and t.get("operator") == "Exists":
                    return True
                if t.get("key") == key:
                    return True
            return False

        added = [
            {"key": k, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            for k in (_NOT_READY, _UNREACHABLE)
            if not tolerated(k)
        ]
        if added:
            spec["tolerations"] = tol + added
    name = spec.get("priorityClassName")
    if not name:
        spec.setdefault("priority", 0)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    elif name in _SYSTEM_PRIORITIES:
        spec.setdefault("priority", _SYSTEM_PRIORITIES[name])
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")


def _qos(spec: dict) -> str:
    """``qos.GetPodQOS`` (simplified: requests == limits for cpu and memory
    everywhere -> Guaranteed; none -> BestEffort; else Burstable)."""
    cs = [c for c in (spec.get("containers") or []) + (spec.get("initContainers") or []) if isinstance(c, dict)]
    any_set = False
    guaranteed = True
    for c in cs:
        r = c.get("resources") if isinstance(c.get("resources"), dict) else {}
        req = r.get("requests") if isinstance(r.get("requests"), dict) else {}
        lim = r.get("limits") if isinstance(r.get("limits"), dict) else {}
        if req or lim:
            any_set = True
        for res in ("cpu", "memory"):
            if res not in lim or (res in req and str(req[res]) != str(lim[res])):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"
