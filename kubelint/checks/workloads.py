"""Workload lifecycle rules: controllers, images, probes, resources, state."""

from __future__ import annotations

import re

from ..lazyre import lazy
from ..engine import check, check_all
from ..findings import Problem
from ..kinds import derived, pod_spec
from ._common import as_list, cname, containers, image_basename, is_long_running, is_template, split_image


@check("bare-pod")
def bare_pod(obj, ctx):
    """A Pod nothing recreates: no ownerReferences (controllers set them)."""
    if obj.group != "":
        return
    if obj.metadata.get("ownerReferences"):
        return
    yield Problem(
        ("kind",),
        "bare Pod: nothing recreates it when it dies, is evicted or its node drains; "
        "run it from a Deployment (long-running), a Job (run to completion) or a StatefulSet (stable identity)",
    )


_IMAGE_NAMES: dict = {}


def _image_names(images) -> set:
    """The lower-cased database image names of the ``images`` parameter, once per distinct value."""
    try:
        key = tuple(images)
        hit = _IMAGE_NAMES.get(key)
    except TypeError:  # an unhashable item: computed every time
        return {str(n).lower() for n in images}
    if hit is None:
        hit = _IMAGE_NAMES[key] = frozenset(str(n).lower() for n in images)
    return hit


def database_container(obj, params):
    """(container, path, image basename) of the first container whose image is a database (once per object
    and ``images`` for the rules that ask: kinds.derived)."""
    names = _image_names(params["images"])
    if not isinstance(names, frozenset):
        return _database_container(obj, names)
    return derived(obj, ("database_container", names), lambda o: _database_container(o, names))


def _database_container(obj, names):
    for c, path, _ in containers(obj):
        image = c.get("image")
        if isinstance(image, str) and not is_template(image):
            base = image_basename(image)
            if base in names:
                return c, path, base
    return None


@check("database-in-deployment")
def database_in_deployment(obj, ctx):
    if obj.group not in ("apps", ""):
        return
    hit = database_container(obj, ctx.params)
    if hit is None:
        return
    c, path, base = hit
    yield Problem(
        path + ("image",),
        f'container "{cname(c)}" runs {base} in a {obj.kind}: its replicas share one identity and one volume '
        "(or lose their data), and a rollout can run two instances on the same data; "
        "run it as a StatefulSet with volumeClaimTemplates (one volume and a stable name per replica)",
    )


# Volume sources whose data dies with the Pod.
EPHEMERAL_SOURCES = {"emptyDir", "configMap", "secret", "downwardAPI", "projected", "ephemeral", "image", "gitRepo"}


_DATA_PATH = lazy(r"data|/var/lib/|storage|/db\b|persist|/bitnami", re.I)
# Scratch directories, even under a data-looking parent (/opt/bitnami/spark/tmp).
_SCRATCH_PATH = lazy(
    r"(^|/)(tmp|temp|cache|caches|logs?|work|work-dir|run|conf|config|plugins|themes|"
    r"providers|scratch|spool)(/|$)",
    re.I,
)


def _data_mounts(spec):
    """Names of volumes mounted at a path that looks like a data directory."""
    out = set()
    for c in as_list(spec.get("containers")):
        if not isinstance(c, dict):
            continue
        for m in as_list(c.get("volumeMounts")):
            if (
                isinstance(m, dict)
                and isinstance(m.get("mountPath"), str)
                and isinstance(m.get("name"), str)
                and _DATA_PATH.search(m["mountPath"])
                and not _SCRATCH_PATH.search(m["mountPath"])
            ):
                out.add(m["name"])
    return out


def _name(v) -> str:
    n = v.get("name")
    return n if isinstance(n, str) else ""


_NON_DATA_NAMES = {"coordinating", "coordinator", "coord", "ingest", "client", "query", "router", "mongos", "proxy"}
_ROLE_ENV = lazy(r"(^|[._])(node[._])?roles?$", re.I)


def _keeps_no_data(obj, c) -> bool:
    """A node of a data store that holds no data: Elasticsearch/OpenSearch
    coordinating or ingest nodes (node.roles without data or master, or
    node.data and node.master false), or a workload named so (…-coordinating,
    …-ingest, mongos, …-router)."""
    from ._common import name_tokens

    if any(t in _NON_DATA_NAMES for t in name_tokens(obj.name or "")):
        return True
    env = {
        e.get("name"): e.get("value")
        for e in as_list(c.get("env"))
        if isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("value"), str)
    }
    for name, value in env.items():
        if _ROLE_ENV.search(name.replace("_", ".").lower()) or name.upper().endswith("NODE_ROLES"):
            roles = {r.strip(" []'\"").lower() for r in re.split(r"[,\s]+", value)} - {""}
            if not any(r.startswith(("data", "master", "cluster_manager")) for r in roles):
                return True
    flags = {k.lower().replace("_", "."): str(v).lower() for k, v in env.items()}
    return flags.get("node.data") == "false" and flags.get("node.master") == "false"


def _stateless_image(obj, params) -> bool:
    """A StatefulSet of software that keeps its state elsewhere (Keycloak in its
    database, Spark and Airflow workers in object storage and the metadata DB)."""
    names = {str(n).lower() for n in params["stateless_images"]}
    for c, _, _ in containers(obj):
        image = c.get("image")
        if isinstance(image, str) and not is_template(image) and image_basename(image) in names:
            return True
    return False


@check("stateful-without-persistent-storage")
def stateful_without_persistent_storage(obj, ctx):
    """A database workload, or a StatefulSet keeping a data directory, on
    emptyDir or the container filesystem.  (StatefulSets without any data
    volume are often used for a stable identity only: not reported.)"""
    if obj.group not in ("apps", ""):
        return
    spec, base = pod_spec(obj)
    if spec is None:
        return
    if obj.kind == "StatefulSet":
        vct = obj.data["spec"].get("volumeClaimTemplates")
        if isinstance(vct, list) and vct:
            return
    db = database_container(obj, ctx.params)
    if db is not None and _keeps_no_data(obj, db[0]):
        return  # a coordinating or ingest-only node of a search cluster
    if db is None and _stateless_image(obj, ctx.params):
        return
    volumes = spec.get("volumes")
    volumes = volumes if isinstance(volumes, list) else []
    data_mounts = _data_mounts(spec)
    first_empty = None
    for i, v in enumerate(volumes):
        if not isinstance(v, dict):
            continue
        sources = [k for k in v if k != "name"]
        if any(s not in EPHEMERAL_SOURCES for s in sources):
            return  # persistentVolumeClaim, hostPath, nfs, csi, cloud disks...
        if "emptyDir" in sources and (
            first_empty is None or (_name(v) in data_mounts and _name(volumes[first_empty]) not in data_mounts)
        ):
            first_empty = i
    if db is None:
        # A StatefulSet that is not a known database: only when it mounts an
        # emptyDir at a data directory.
        if obj.kind != "StatefulSet" or first_empty is None or _name(volumes[first_empty]) not in data_mounts:
            return
        what = "StatefulSet"
    else:
        what = f"{db[2]} {obj.kind}"
    fix = (
        "add volumeClaimTemplates (one PersistentVolumeClaim per replica) and mount it at the data directory"
        if obj.kind == "StatefulSet"
        else "run it as a StatefulSet with volumeClaimTemplates, or mount a persistentVolumeClaim at the data directory"
    )
    if first_empty is not None:
        vname = volumes[first_empty].get("name")
        yield Problem(
            base + ("volumes", first_empty, "emptyDir"),
            f'{what} keeps its data on emptyDir volume "{vname}", which is deleted with the Pod; {fix}',
            at="key",
        )
    else:
        yield Problem(
            db[1] + ("image",),
            f"{what} has no persistent volume: its data lives in the container's filesystem and is lost "
            f"when the Pod is recreated; {fix}",
        )


@check("image-latest-tag")
def image_latest_tag(obj, ctx):
    for c, path, _ in containers(obj, init=True, ephemeral=True):
        image = c.get("image")
        if not isinstance(image, str) or not image or is_template(image):
            continue
        repo, tag, digest = split_image(image)
        if digest:
            continue
        if tag is None:
            why = f'image "{image}" has no tag, so it means :latest'
        elif tag.lower() == "latest":
            why = f'image "{image}" uses the :latest tag'
        else:
            continue
        yield Problem(
            path + ("image",),
            f"{why}: every node may pull a different build, rollbacks cannot go back to the old one and "
            f"imagePullPolicy defaults to Always; pin a version tag (e.g. {repo}:1.2.3) or a digest (@sha256:...)",
        )


def _resources(c):
    r = c.get("resources")
    if not isinstance(r, dict):
        return {}, {}
    req, lim = r.get("requests"), r.get("limits")
    return (req if isinstance(req, dict) else {}), (lim if isinstance(lim, dict) else {})


@check("no-resource-requests")
def no_resource_requests(obj, ctx):
    wanted = [str(r) for r in ctx.params["resources"]]
    for c, path, _ in containers(obj):
        req, lim = _resources(c)
        # A limit without a request makes the request equal to the limit.
        missing = [r for r in wanted if r not in req and r not in lim]
        if not missing:
            continue
        yield Problem(
            path + ("resources",) if "resources" in c else path + ("name",),
            f'container "{cname(c)}" has no {" and ".join(missing)} request: the scheduler places it as if it '
            f"needed nothing (overcommitted nodes, first to be evicted as BestEffort); "
            f"set resources.requests.{missing[0]} to what it normally uses",
            at="key" if "resources" in c else "value",
        )


@check("no-resource-limits")
def no_resource_limits(obj, ctx):
    wanted = [str(r) for r in ctx.params["resources"]]
    for c, path, _ in containers(obj):
        _, lim = _resources(c)
        missing = [r for r in wanted if r not in lim]
        if not missing:
            continue
        yield Problem(
            path + ("resources",) if "resources" in c else path + ("name",),
            f'container "{cname(c)}" has no {" and ".join(missing)} limit: a leak or a spike can take the '
            f"whole node's memory and get other Pods killed; set resources.limits.{missing[0]} "
            f"(for memory, usually equal to the request)",
            at="key" if "resources" in c else "value",
        )


def _probe_check(obj, probe, consequence, fix):
    if not is_long_running(obj):
        return
    for c, path, _ in containers(obj):
        if isinstance(c.get(probe), dict):
            continue
        yield Problem(path + ("name",), f'container "{cname(c)}" has no {probe}: {consequence}; {fix}')


@check_all("no-readiness-probe")
def no_readiness_probe(index, ctx):
    """Cross-object, to say what the missing probe costs: traffic too early
    for Pods a Service selects, only rollout progress for the others."""
    from ._common import target_template_namespaces
    from .networking import selected_workloads

    served = {}
    wanted = target_template_namespaces(index)  # the namespaces where a Service can select a target
    for svc in index.of_kind("", "Service"):
        if index.targets_only and index.namespace_of(svc) not in wanted:
            continue
        for w in selected_workloads(svc, index) or ():
            served.setdefault(id(w), svc.name)
    fix = "add a readinessProbe (httpGet on a health endpoint, tcpSocket or exec) that succeeds only when it can serve"
    for obj in index.targets:
        if obj.kind not in _READINESS_KINDS or obj.group not in ("", "apps"):
            continue
        svc = served.get(id(obj))
        if svc is not None:
            consequence = (
                f"Service {svc} sends it traffic as soon as it starts, before it can serve, and a rollout "
                "replaces old Pods with new ones that are not ready yet (downtime)"
            )
        else:
            consequence = (
                "a rollout counts each new Pod available as soon as it starts, so a version that never "
                "becomes able to serve replaces all the old Pods (no Service of the checked manifests "
                "selects it; if one elsewhere does, it also gets traffic too early)"
            )
        for p in _probe_check(obj, "readinessProbe", consequence, fix):
            yield obj, p


_READINESS_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController")


@check("no-liveness-probe")
def no_liveness_probe(obj, ctx):
    yield from _probe_check(
        obj,
        "livenessProbe",
        "if it hangs (deadlock, stuck event loop) the kubelet never restarts it",
        "add a livenessProbe that fails only when the process is stuck (not when a dependency is down)",
    )
