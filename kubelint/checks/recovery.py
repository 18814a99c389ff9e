"""Disaster recovery: database volumes that are deleted with their workload
or their claim, and databases with no backup in sight."""

from __future__ import annotations

from ..engine import check, check_all
from ..findings import Problem
from ..kinds import get_path, pod_spec
from ._common import as_list, cname, is_workload, who
from .workloads import _keeps_no_data, database_container


def _database(obj, params):
    """database_container, except nodes of a data store that keep no data."""
    hit = database_container(obj, params)
    return None if hit is None or _keeps_no_data(obj, hit[0]) else hit


_DEFAULT_CLASS = ("storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class")


@check("database-volumes-deleted")
def database_volumes_deleted(obj, ctx):
    if obj.kind not in ("StatefulSet",):
        return  # (the catalogue entry's kinds)
    if obj.group != "apps":
        return
    hit = _database(obj, ctx.params)
    policy = get_path(obj.data, ("spec", "persistentVolumeClaimRetentionPolicy"))
    if hit is None or not isinstance(policy, dict):
        return
    for key, when in (
        ("whenDeleted", "the StatefulSet is deleted (a helm uninstall, a renamed release, a mistaken kubectl delete)"),
        ("whenScaled", "it is scaled down, even for a moment"),
    ):
        if policy.get(key) == "Delete":
            yield Problem(
                ("spec", "persistentVolumeClaimRetentionPolicy", key),
                f"{hit[2]} keeps its data in the claims of this StatefulSet, and {key}: Delete removes them "
                f"when {when}; with a Delete reclaim policy the data is gone; use Retain (the default) "
                "and delete claims by hand when the data is no longer wanted",
            )


def _db_claims(index, params):
    """(namespace, storageClassName or None, claim name, workload, database) for
    every claim a database workload of the set uses."""
    out = []
    for obj in index.objects:
        if not is_workload(obj):
            continue
        hit = _database(obj, params)
        if hit is None:
            continue
        ns = index.namespace_of(obj)
        if obj.kind == "StatefulSet":
            for t in as_list(get_path(obj.data, ("spec", "volumeClaimTemplates"))):
                if isinstance(t, dict):
                    out.append((ns, get_path(t, ("spec", "storageClassName")), None, obj, hit[2]))
        spec, _ = pod_spec(obj)
        for v in as_list(spec.get("volumes") if spec else None):
            claim = get_path(v, ("persistentVolumeClaim", "claimName"))
            if isinstance(claim, str):
                for pvc in index.get("", "PersistentVolumeClaim", ns, claim):
                    out.append((ns, get_path(pvc.data, ("spec", "storageClassName")), claim, obj, hit[2]))
    return out


@check_all("database-reclaim-delete")
def database_reclaim_delete(index, ctx):
    if not index.targets_of_kind("storage.k8s.io", "StorageClass") and not index.targets_of_kind(
        "", "PersistentVolume"
    ):
        return  # it reports on StorageClasses and PersistentVolumes only
    classes = {sc.name: sc for sc in index.of_kind("storage.k8s.io", "StorageClass") if sc.name}
    default = [
        sc
        for sc in classes.values()
        if any(
            str(sc.metadata.get("annotations", {}).get(a)).lower() == "true"
            for a in _DEFAULT_CLASS
            if isinstance(sc.metadata.get("annotations"), dict)
        )
    ]
    reported = set()
    for _ns, cls, _claim, obj, db in _db_claims(index, ctx.params):
        if cls == "":
            continue  # "" = no class: a pre-provisioned volume (checked below)
        scs = [classes[cls]] if isinstance(cls, str) and cls in classes else default if cls is None else []
        for sc in scs:
            rp = sc.data.get("reclaimPolicy", "Delete")
            if rp != "Delete" or id(sc) in reported or not index.is_target(sc):
                continue
            reported.add(id(sc))
            path = ("reclaimPolicy",) if "reclaimPolicy" in sc.data else ("provisioner",)
            unset = "" if "reclaimPolicy" in sc.data else " (reclaimPolicy unset means Delete)"
            yield (
                sc,
                Problem(
                    path,
                    f"StorageClass {sc.name} deletes volumes when their claim is deleted{unset}, and "
                    f"{who(obj, index)} keeps {db} data on it: one deleted claim (an uninstall, a namespace "
                    "cleanup) destroys the disk with the data; set reclaimPolicy: Retain for database "
                    "classes (or give the database a class of its own that retains)",
                    at="value" if "reclaimPolicy" in sc.data else "key",
                ),
            )
    # Pre-provisioned PersistentVolumes bound to a database's claims.
    claims = {(ns, c): (obj, db) for ns, _, c, obj, db in _db_claims(index, ctx.params) if c}
    for pv in index.targets_of_kind("", "PersistentVolume"):
        ref = get_path(pv.data, ("spec", "claimRef"))
        if not isinstance(ref, dict):
            continue
        owner = claims.get((ref.get("namespace"), ref.get("name")))
        if owner is None or get_path(pv.data, ("spec", "persistentVolumeReclaimPolicy")) != "Delete":
            continue
        yield (
            pv,
            Problem(
                ("spec", "persistentVolumeReclaimPolicy"),
                f"persistentVolumeReclaimPolicy Delete: deleting claim {ref.get('name')} of "
                f"{who(owner[0], index)} ({owner[1]}) deletes this volume and its data; set Retain",
            ),
        )


# Kinds that show a backup or snapshot schedule (Velero, k8up, CloudNativePG,
# Stash/KubeStash, snapscheduler, Kasten, Percona and Zalando operators, ...).
_BACKUP_KINDS = {
    "VolumeSnapshot",
    "Schedule",
    "Backup",
    "ScheduledBackup",
    "BackupConfiguration",
    "BackupSchedule",
    "SnapshotSchedule",
    "BackupPolicy",
    "BackupSession",
    "Policy",
    "VolumeSnapshotSchedule",
    "PerconaServerMySQLBackup",
    "PerconaXtraDBClusterBackup",
    "PerconaServerMongoDBBackup",
    "PerconaPGBackup",
    "MariaDBBackup",
    "PostgresBackup",
    "ClusterBackup",
    "EtcdBackup",
}


def _backup_group(group: str) -> bool:
    """Backup kinds come from snapshot.storage.k8s.io or a vendor's group (an
    audit.k8s.io Policy is no Kasten Policy)."""
    return group == "snapshot.storage.k8s.io" or (bool(group) and not group.endswith("k8s.io") and "." in group)


@check_all("database-without-backup")
def database_without_backup(index, ctx):
    kinds = _BACKUP_KINDS | {str(k) for k in ctx.params["backup_kinds"]}
    if any(o.kind in kinds and _backup_group(o.group) for o in index.objects):
        return  # backup or snapshot machinery is in the set (it usually lives in a namespace of its own)
    cron_ns = {index.namespace_of(o) for o in index.of_kind("batch", "CronJob")}
    for g, k in (("apps", "StatefulSet"), ("apps", "Deployment")):
        for obj in index.targets_of_kind(g, k):
            hit = _database(obj, ctx.params)
            if hit is None or index.namespace_of(obj) in cron_ns:
                continue  # a CronJob of the namespace may dump it (not matched further)
            c, path, db = hit
            yield (
                obj,
                Problem(
                    path + ("image",),
                    f'container "{cname(c)}" runs {db}, and the checked manifests hold no backup: no '
                    "CronJob, VolumeSnapshot or backup schedule (Velero, k8up, CloudNativePG, ...); a "
                    "deleted volume, a corrupted disk or a bad migration is unrecoverable; add a scheduled "
                    "dump or snapshot (or ignore this if backups are configured outside these manifests)",
                ),
            )
