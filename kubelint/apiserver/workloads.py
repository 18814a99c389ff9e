"""Controllers with a pod template: Deployment, ReplicaSet, StatefulSet,
DaemonSet (``pkg/apis/apps/validation/validation.go``) and
ReplicationController (``pkg/apis/core/validation/validation.go``).

Ported: ``ValidateDeploymentSpec``, ``ValidateDeploymentStrategy``,
``ValidateRollingUpdateDeployment``, ``ValidateReplicaSetSpec``,
``ValidatePodTemplateSpecForReplicaSet``, ``ValidateStatefulSetSpec``,
``ValidateDaemonSetSpec``, ``ValidateDaemonSetUpdateStrategy``,
``ValidateReplicationControllerSpec``, ``ValidatePositiveIntOrPercent``,
``IsNotMoreThan100Percent``.  The pod spec itself is checked by
:mod:`kubelint.apiserver.pods`.

Defaulting that changes a verdict (``pkg/apis/apps/v1/defaults.go``):
Deployment ``strategy.type`` RollingUpdate with maxSurge/maxUnavailable
25%, ``progressDeadlineSeconds`` 600; DaemonSet maxUnavailable 1 and
maxSurge 0; StatefulSet podManagementPolicy OrderedReady and updateStrategy
RollingUpdate; ReplicationController selector = template labels.
"""

from __future__ import annotations

import re

from ..findings import Problem
from ..labels import label_selector, selector_is_empty
from . import meta as m
from . import validation as v
from .common import (
    DUPLICATE_VALUE,
    FORBIDDEN_FIELD,
    INVALID_SELECTOR,
    INVALID_VALUE,
    REQUIRED_VALUE,
    UNSUPPORTED_VALUE,
    dict_at,
    is_int,
    list_at,
    nonnegative,
)
from .pods import claim_template_spec
from .registry import validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List, Optional

MISMATCH = "selector-mismatch"


def int_or_percent(value, path, out: List[Problem]) -> None:
    """ValidatePositiveIntOrPercent."""
    if isinstance(value, str):
        for msg in v.is_valid_percent(value):
            out.append(
                m.invalid(
                    path,
                    m.int_or_string(value),
                    msg,
                    INVALID_VALUE,
                    'use a whole number (2) or a percentage in quotes ("25%")',
                )
            )
    elif is_int(value):
        out.extend(nonnegative(path, value))


def percent_or_int_value(value) -> Optional[int]:
    """getIntOrPercentValue (percent -> its number)."""
    if is_int(value):
        return value
    if isinstance(value, str) and re.match(r"^[0-9]+%$", value):
        return int(value[:-1])
    return None


def not_more_than_100_percent(value, path, out):
    """IsNotMoreThan100Percent."""
    if isinstance(value, str) and re.match(r"^[0-9]+%$", value) and int(value[:-1]) > 100:
        out.append(m.invalid(path, m.int_or_string(value), "must not be greater than 100%", INVALID_VALUE))


def _selector_and_template(obj, spec: dict, out: List[Problem], kind_word: str, restart_ok=("Always",)):
    """Selector required, non-empty, valid, matching the template labels;
    template restartPolicy and activeDeadlineSeconds
    (ValidatePodTemplateSpecForReplicaSet and friends)."""
    sel = spec.get("selector")
    tmpl = dict_at(spec.get("template"))
    labels = dict_at(dict_at(tmpl.get("metadata")).get("labels"))
    if sel is None:
        pass  # required by the published schema: the schema layer reports it
    elif isinstance(sel, dict):
        errs = m.validate_label_selector(sel, ("spec", "selector"), INVALID_SELECTOR)
        out.extend(errs)
        if selector_is_empty(sel):
            out.append(
                m.invalid(
                    ("spec", "selector"),
                    m.selector_json(sel),
                    f"empty selector is invalid for {kind_word}",
                    INVALID_SELECTOR,
                    "an empty selector would select every pod of the namespace",
                )
            )
        elif not errs and tmpl:
            pred = label_selector(sel)  # ValidatePodTemplateSpecForReplicaSet: only a selector that converts
            if pred is not None and not pred(labels):
                lp = ("spec", "template", "metadata", "labels")
                at_path = (
                    lp
                    if labels
                    else ("spec", "template", "metadata")
                    if isinstance(tmpl.get("metadata"), dict)
                    else ("spec", "template")
                )
                out.append(
                    m.problem(
                        lp,
                        f"Invalid value: {m.label_map(labels)}: `selector` does not match template `labels`",
                        MISMATCH,
                        "every pod the template creates must carry the labels spec.selector asks for",
                        at="value" if labels else "key",
                        anchor=at_path,
                    )
                )
    _template_restart(obj, spec, out, restart_ok)


def _template_restart(obj, spec, out, restart_ok):
    tspec = dict_at(dict_at(spec.get("template")).get("spec"))
    rp = tspec.get("restartPolicy")
    if isinstance(rp, str) and rp and rp not in restart_ok:
        out.append(
            m.unsupported(
                ("spec", "template", "spec", "restartPolicy"),
                rp,
                restart_ok,
                UNSUPPORTED_VALUE,
                f"a {obj.kind} restarts its pods' containers forever; use a Job for run-to-completion work",
            )
        )
    if tspec.get("activeDeadlineSeconds") is not None and "Always" in restart_ok:
        what = {"Deployment": "ReplicaSet"}.get(obj.kind, obj.kind)
        out.append(
            m.forbidden(
                ("spec", "template", "spec", "activeDeadlineSeconds"),
                f"activeDeadlineSeconds in {what} is not Supported",
                FORBIDDEN_FIELD,
                at="key",
                hint="a controller's pods run forever; use a Job for a deadline",
            )
        )


@validates(("apps", "Deployment"))
@m.at_block_keys
def deployment(obj, ctx):
    """ValidateDeploymentSpec."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return []
    out: List[Problem] = []
    for f in ("replicas", "minReadySeconds", "revisionHistoryLimit"):
        out.extend(nonnegative(("spec", f), spec.get(f)))
    _selector_and_template(obj, spec, out, "deployment")
    strategy = spec.get("strategy")
    if isinstance(strategy, dict):
        sp = ("spec", "strategy")
        t = strategy.get("type") or "RollingUpdate"
        ru = strategy.get("rollingUpdate")
        if t == "Recreate":
            if ru is not None:
                out.append(
                    m.forbidden(
                        sp + ("rollingUpdate",),
                        "may not be specified when strategy `type` is 'Recreate'",
                        FORBIDDEN_FIELD,
                        at="key",
                        hint="drop rollingUpdate, or use type: RollingUpdate",
                    )
                )
        elif t == "RollingUpdate":
            if isinstance(ru, dict):
                _rolling_update(ru, sp + ("rollingUpdate",), out, default_unavailable="25%", default_surge="25%")
        elif isinstance(t, str):
            # the server prints the internal DeploymentStrategy (no defaults for an unknown type)
            shown = m.go_struct(
                ("Type", t, "string"),
                ("RollingUpdate", _rolling_update_struct(ru), "*apps.RollingUpdateDeployment"),
                go_type="apps.DeploymentStrategy",
            )
            out.append(
                m.unsupported(
                    sp,
                    shown,
                    ("Recreate", "RollingUpdate"),
                    UNSUPPORTED_VALUE,
                    m.suggest(t, ("Recreate", "RollingUpdate")),
                    anchor=sp + ("type",),
                )
            )
    pds = spec.get("progressDeadlineSeconds", 600)
    mrs = spec.get("minReadySeconds", 0)
    if is_int(pds):
        out.extend(nonnegative(("spec", "progressDeadlineSeconds"), pds))
        if is_int(mrs) and pds <= mrs:
            where = (
                ("spec", "progressDeadlineSeconds")
                if "progressDeadlineSeconds" in spec
                else ("spec", "minReadySeconds")
            )
            out.append(
                m.problem(
                    ("spec", "progressDeadlineSeconds"),
                    f"Invalid value: {pds}: must be greater than minReadySeconds",
                    INVALID_VALUE,
                    "progressDeadlineSeconds defaults to 600" if "progressDeadlineSeconds" not in spec else "",
                    anchor=where,
                )
            )
    return out


def _rolling_update(ru: dict, path, out, default_unavailable, default_surge):
    """ValidateRollingUpdateDeployment / DaemonSet: int-or-percent, not both 0."""
    mu = ru.get("maxUnavailable", default_unavailable)
    ms = ru.get("maxSurge", default_surge)
    if "maxUnavailable" in ru:
        int_or_percent(mu, path + ("maxUnavailable",), out)
    if "maxSurge" in ru:
        int_or_percent(ms, path + ("maxSurge",), out)
    if percent_or_int_value(mu) == 0 and percent_or_int_value(ms) == 0:
        where = path + ("maxUnavailable",) if "maxUnavailable" in ru else path + ("maxSurge",)
        out.append(
            m.problem(
                path + ("maxUnavailable",),
                f"Invalid value: {m._show(m.int_or_string(mu))}: may not be 0 when `maxSurge` is 0",
                INVALID_VALUE,
                "a rollout must be allowed to either add or remove a pod",
                anchor=where,
            )
        )
    not_more_than_100_percent(mu, path + ("maxUnavailable",), out)


@validates(("apps", "ReplicaSet"))
@m.at_block_keys
def replicaset(obj, ctx):
    """ValidateReplicaSetSpec."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return []
    out: List[Problem] = []
    for f in ("replicas", "minReadySeconds"):
        out.extend(nonnegative(("spec", f), spec.get(f)))
    _selector_and_template(obj, spec, out, "deployment")
    return out


@validates(("apps", "DaemonSet"))
@m.at_block_keys
def daemonset(obj, ctx):
    """ValidateDaemonSetSpec."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return []
    out: List[Problem] = []
    for f in ("minReadySeconds", "revisionHistoryLimit"):
        out.extend(nonnegative(("spec", f), spec.get(f)))
    _selector_and_template(obj, spec, out, "daemonset")
    us = spec.get("updateStrategy")
    if isinstance(us, dict):
        up = ("spec", "updateStrategy")
        t = us.get("type") or "RollingUpdate"
        if t == "RollingUpdate":
            ru = us.get("rollingUpdate")
            if isinstance(ru, dict):
                _rolling_update_daemonset(ru, up + ("rollingUpdate",), out)
        elif t != "OnDelete" and isinstance(t, str):
            shown = m.go_struct(
                ("Type", t, "string"),
                ("RollingUpdate", _rolling_update_struct(us.get("rollingUpdate")), "*apps.RollingUpdateDaemonSet"),
                go_type="apps.DaemonSetUpdateStrategy",
            )
            out.append(
                m.unsupported(
                    up,
                    shown,
                    ("RollingUpdate", "OnDelete"),
                    UNSUPPORTED_VALUE,
                    m.suggest(t, ("RollingUpdate", "OnDelete")),
                    anchor=up + ("type",),
                )
            )
    return out


def _rolling_update_daemonset(ru: dict, path, out):
    """ValidateRollingUpdateDaemonSet (maxUnavailable defaults to 1, maxSurge to 0):
    exactly one of them non-zero."""
    mu = ru.get("maxUnavailable", 1)
    ms = ru.get("maxSurge", 0)
    if "maxUnavailable" in ru:
        int_or_percent(mu, path + ("maxUnavailable",), out)
    if "maxSurge" in ru:
        int_or_percent(ms, path + ("maxSurge",), out)
    not_more_than_100_percent(mu, path + ("maxUnavailable",), out)
    not_more_than_100_percent(ms, path + ("maxSurge",), out)
    has_u, has_s = percent_or_int_value(mu), percent_or_int_value(ms)
    if has_u is None or has_s is None:
        return
    if has_u != 0 and has_s != 0:
        where = path + ("maxSurge",) if "maxSurge" in ru else path
        out.append(
            m.problem(
                path + ("maxSurge",),
                f"Invalid value: {m._show(m.int_or_string(ms))}: may not be set when maxUnavailable is non-zero",
                INVALID_VALUE,
                "maxUnavailable defaults to 1 for a DaemonSet; set maxUnavailable: 0 to surge instead"
                if "maxUnavailable" not in ru
                else "a DaemonSet rollout either surges or makes pods unavailable, not both",
                at="value" if "maxSurge" in ru else "key",
                anchor=where,
            )
        )
    elif has_u == 0 and has_s == 0:
        where = path + ("maxUnavailable",) if "maxUnavailable" in ru else path
        out.append(
            m.problem(
                path + ("maxUnavailable",),
                "Required value: cannot be 0 when maxSurge is 0",
                REQUIRED_VALUE,
                "a rollout must be allowed to either add or remove a pod",
                at="value" if "maxUnavailable" in ru else "key",
                anchor=where,
            )
        )


def _statefulset_max_unavailable(mu, path, out: List[Problem]):
    """ValidateStatefulSetUpdateStrategy: ValidatePositiveIntOrPercent, "cannot be 0",
    IsNotMoreThan100Percent."""
    int_or_percent(mu, path, out)
    value = percent_or_int_value(mu)
    if value is None and isinstance(mu, str):  # getIntOrPercentValue: IntOrString.IntValue() = Atoi, 0 on failure
        value = int(mu) if re.fullmatch(r"[+-]?[0-9]{1,18}", mu) else 0
    if value == 0:
        out.append(
            m.invalid(
                path,
                mu,
                "cannot be 0",
                INVALID_VALUE,
                "a rolling update that may take no pod down cannot progress: use 1 or more (or remove it)",
            )
        )
    not_more_than_100_percent(mu, path, out)


@validates(("apps", "StatefulSet"))
@m.at_block_keys
def statefulset(obj, ctx):
    """ValidateStatefulSetSpec."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return []
    out: List[Problem] = []
    for f in ("replicas", "minReadySeconds", "revisionHistoryLimit"):
        out.extend(nonnegative(("spec", f), spec.get(f)))
    pmp = spec.get("podManagementPolicy")
    if isinstance(pmp, str) and pmp and pmp not in ("OrderedReady", "Parallel"):
        out.append(
            m.invalid(("spec", "podManagementPolicy"), pmp, "must be 'OrderedReady' or 'Parallel'", INVALID_VALUE)
        )
    us = spec.get("updateStrategy")
    if isinstance(us, dict):
        up = ("spec", "updateStrategy")
        t = us.get("type") or "RollingUpdate"
        ru = us.get("rollingUpdate")
        if t == "OnDelete":
            if ru is not None:
                out.append(
                    m.invalid(
                        up + ("rollingUpdate",),
                        _statefulset_rolling_struct(ru),
                        "only allowed for updateStrategy 'RollingUpdate'",
                        INVALID_VALUE,
                        at="key",
                    )
                )
        elif t == "RollingUpdate":
            if isinstance(ru, dict):
                out.extend(nonnegative(up + ("rollingUpdate", "partition"), ru.get("partition")))
                # maxUnavailable: MaxUnavailableStatefulSet is alpha (off) from 1.24, beta but off in
                # 1.35 and 1.36, on by default from 1.37 (see .gates); while off the strategy drops
                # the field (dropStatefulSetDisabledFields) and nothing checks it.
                if "maxUnavailable" in ru and ctx.gate("MaxUnavailableStatefulSet"):
                    _statefulset_max_unavailable(
                        ru.get("maxUnavailable"), up + ("rollingUpdate", "maxUnavailable"), out
                    )
        elif isinstance(t, str):
            out.append(
                m.invalid(
                    up,
                    m.go_struct(
                        ("Type", t, "string"),
                        ("RollingUpdate", _statefulset_rolling_struct(ru), "*apps.RollingUpdateStatefulSetStrategy"),
                        go_type="apps.StatefulSetUpdateStrategy",
                    ),
                    "must be 'RollingUpdate' or 'OnDelete'",
                    INVALID_VALUE,
                    anchor=up + ("type",),
                )
            )
    policy = spec.get("persistentVolumeClaimRetentionPolicy")
    if isinstance(policy, dict):
        for f in ("whenDeleted", "whenScaled"):
            val = policy.get(f)
            if isinstance(val, str) and val not in ("Retain", "Delete"):
                out.append(
                    m.unsupported(
                        ("spec", "persistentVolumeClaimRetentionPolicy", f),
                        val,
                        ("Retain", "Delete"),
                        UNSUPPORTED_VALUE,
                    )
                )
    ords = spec.get("ordinals")
    if isinstance(ords, dict):
        out.extend(nonnegative(("spec", "ordinals", "start"), ords.get("start")))
    _selector_and_template(obj, spec, out, "statefulset")
    if not ctx.gate("StatefulSetTemplateValidation"):
        return out  # through v1.33 nothing validates volumeClaimTemplates (see .gates)
    seen = {}
    for i, claim in enumerate(list_at(spec.get("volumeClaimTemplates"))):
        if not isinstance(claim, dict):
            continue
        cp = ("spec", "volumeClaimTemplates", i)
        name = dict_at(claim.get("metadata")).get("name")
        if isinstance(name, str):
            if name in seen:
                out.append(m.duplicate(cp + ("metadata", "name"), name, DUPLICATE_VALUE, seen[name]))
            seen[name] = cp + ("metadata", "name")
        cspec = claim.get("spec")
        if isinstance(cspec, dict):
            claim_template_spec(cspec, cp + ("spec",), out)
    return out


@validates(("", "ReplicationController"))
@m.at_block_keys
def replication_controller(obj, ctx):
    """ValidateReplicationControllerSpec (selector defaults to the template labels)."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return []
    out: List[Problem] = []
    for f in ("replicas", "minReadySeconds"):
        out.extend(nonnegative(("spec", f), spec.get(f)))
    sel = spec.get("selector")
    tmpl = dict_at(spec.get("template"))
    labels = dict_at(dict_at(tmpl.get("metadata")).get("labels"))
    if isinstance(sel, dict) and sel:
        out.extend(m.validate_labels(sel, ("spec", "selector"), INVALID_SELECTOR))
        if tmpl and any(labels.get(k) != val for k, val in sel.items()):
            lp = ("spec", "template", "metadata", "labels")
            out.append(
                m.problem(
                    lp,
                    f"Invalid value: {m.label_map(labels)}: `selector` does not match template `labels`",
                    MISMATCH,
                    at="value" if labels else "key",
                    anchor=lp if labels else ("spec", "template"),
                )
            )
    elif not labels and tmpl:
        out.append(m.required(("spec", "selector"), "", INVALID_SELECTOR, hint="set spec.selector or template labels"))
    _template_restart(obj, spec, out, ("Always",))
    return out


def _rolling_update_struct(ru):
    """RollingUpdateDeployment / RollingUpdateDaemonSet as the server prints it (None: null)."""
    if not isinstance(ru, dict):
        return None
    return m.go_struct(
        ("MaxUnavailable", m.intstr(ru.get("maxUnavailable"))), ("MaxSurge", m.intstr(ru.get("maxSurge")))
    )


def _statefulset_rolling_struct(ru):
    """RollingUpdateStatefulSetStrategy as the server prints it (None: null)."""
    if not isinstance(ru, dict):
        return m.Shown("null")
    part = ru.get("partition")
    return m.go_struct(
        ("Partition", part if isinstance(part, int) and not isinstance(part, bool) else 0, "int32"),
        ("MaxUnavailable", m.intstr(ru.get("maxUnavailable")), "*intstr.IntOrString"),
        go_type="apps.RollingUpdateStatefulSetStrategy",
    )
