"""Workload lifecycle rules."""
from __future__ import annotations

from ..engine import check
from ..findings import Problem


@check("bare-pod", kinds=("Pod",))
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
