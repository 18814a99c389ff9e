"""Workload lifecycle rules: controllers, images, probes, resources, state."""
from __future__ import annotations

import re

from ..engine import check
from ..findings import Problem
from ..kinds import pod_spec
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


def database_container(obj, params):
    """(container, path, image basename) of the first container whose image is a database."""
    names = {str(n).lower() for n in params["images"]}
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


_DATA_PATH = re.compile(r"data|/var/lib/|storage|/db\b|persist|/bitnami", re.I)


def _data_mounts(spec):
    """Names of volumes mounted at a path that looks like a data directory."""
    out = set()
    for c in as_list(spec.get("containers")):
        if not isinstance(c, dict):
            continue
        for m in as_list(c.get("volumeMounts")):
            if isinstance(m, dict) and isinstance(m.get("mountPath"), str) and isinstance(m.get("name"), str) \
                    and _DATA_PATH.search(m["mountPath"]):
                out.add(m["name"])
    return out


def _name(v) -> str:
    n = v.get("name")
    return n if isinstance(n, str) else ""


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
        if "emptyDir" in sources and (first_empty is None or (_name(v) in data_mounts and
                                                               _name(volumes[first_empty]) not in data_mounts)):
            first_empty = i
    if db is None:
        # A StatefulSet that is not a known database: only when it mounts an
        # emptyDir at a data directory.
        if obj.kind != "StatefulSet" or first_empty is None or _name(volumes[first_empty]) not in data_mounts:
            return
        what = "StatefulSet"
    else:
        what = f"{db[2]} {obj.kind}"
    fix = ("add volumeClaimTemplates (one PersistentVolumeClaim per replica) and mount it at the data directory"
           if obj.kind == "StatefulSet" else
           "run it as a StatefulSet with volumeClaimTemplates, or mount a persistentVolumeClaim at the data directory")
    if first_empty is not None:
        vname = volumes[first_empty].get("name")
        yield Problem(base + ("volumes", first_empty, "emptyDir"),
                      f'{what} keeps its data on emptyDir volume "{vname}", which is deleted with the Pod; {fix}', at="key")
    else:
        yield Problem(db[1] + ("image",),
                      f"{what} has no persistent volume: its data lives in the container's filesystem and is lost "
                      f"when the Pod is recreated; {fix}")


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
        yield Problem(path + ("image",),
                      f"{why}: every node may pull a different build, rollbacks cannot go back to the old one and "
                      f"imagePullPolicy defaults to Always; pin a version tag (e.g. {repo}:1.2.3) or a digest (@sha256:...)")


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
        yield Problem(path + ("resources",) if "resources" in c else path + ("name",),
                      f'container "{cname(c)}" has no {" and ".join(missing)} request: the scheduler places it as if it '
                      f"needed nothing (overcommitted nodes, first to be evicted as BestEffort); "
                      f"set resources.requests.{missing[0]} to what it normally uses",
                      at="key" if "resources" in c else "value")


@check("no-resource-limits")
def no_resource_limits(obj, ctx):
    wanted = [str(r) for r in ctx.params["resources"]]
    for c, path, _ in containers(obj):
        _, lim = _resources(c)
        missing = [r for r in wanted if r not in lim]
        if not missing:
            continue
        yield Problem(path + ("resources",) if "resources" in c else path + ("name",),
                      f'container "{cname(c)}" has no {" and ".join(missing)} limit: a leak or a spike can take the '
                      f"whole node's memory and get other Pods killed; set resources.limits.{missing[0]} "
                      f"(for memory, usually equal to the request)",
                      at="key" if "resources" in c else "value")


def _probe_check(obj, probe, consequence, fix):
    if not is_long_running(obj):
        return
    for c, path, _ in containers(obj):
        if isinstance(c.get(probe), dict):
            continue
        yield Problem(path + ("name",), f'container "{cname(c)}" has no {probe}: {consequence}; {fix}')


@check("no-readiness-probe")
def no_readiness_probe(obj, ctx):
    yield from _probe_check(
        obj, "readinessProbe",
        "it receives traffic as soon as it starts, before it can serve, and a rollout replaces old Pods "
        "with new ones that are not ready yet (downtime)",
        "add a readinessProbe (httpGet on a health endpoint, tcpSocket or exec) that succeeds only when it can serve")


@check("no-liveness-probe")
def no_liveness_probe(obj, ctx):
    yield from _probe_check(
        obj, "livenessProbe",
        "if it hangs (deadlock, stuck event loop) the kubelet never restarts it",
        "add a livenessProbe that fails only when the process is stuck (not when a dependency is down)")
