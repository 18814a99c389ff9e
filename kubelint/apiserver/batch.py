"""Job and CronJob (``pkg/apis/batch/validation/validation.go``).

Ported: ``validateJobSpec``, ``ValidateGeneratedSelector``,
``validatePodFailurePolicy``, ``ValidateCronJobSpec``,
``validateScheduleFormat``, ``validateTimeZone``, and the schedule parser
the server uses, robfig/cron v3 ``ParseStandard`` (``parser.go``:
``Parse``, ``normalizeFields``, ``getField``, ``getRange``,
``parseDescriptor``), with its error messages.
"""

from __future__ import annotations

import re

from ..lazyre import lazy
from ..findings import Problem
from ..labels import label_selector
from . import meta as m
from . import validation as v
from .common import (
    go_duration_error,
    FORBIDDEN_FIELD,
    INVALID_NAME,
    INVALID_SELECTOR,
    INVALID_VALUE,
    REQUIRED_VALUE,
    TOO_LONG,
    UNSUPPORTED_VALUE,
    dict_at,
    is_int,
    list_at,
    nonnegative,
)
from .registry import validates
from .workloads import MISMATCH

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List, Optional

SCHEDULE = "invalid-schedule"


# --- robfig/cron v3 ParseStandard ------------------------------------------------


class CronError(ValueError):
    pass


_MONTHS = {
    n: i + 1 for i, n in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}
_DOW = {n: i for i, n in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
# (min, max, names)
_BOUNDS = ((0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 6, _DOW))
_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_GO_DURATION = lazy(r"^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$")


def _go_fields(s: str) -> List[str]:
    """strings.Fields (Unicode white space)."""
    return s.split()


def _must_parse_int(expr: str) -> int:
    """mustParseInt: strconv.Atoi, not negative."""
    if not re.match(r"^[+-]?[0-9]+$", expr):
        raise CronError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    num = int(expr)
    if num >= 2**63 or num < -(2**63):
        raise CronError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": value out of range')
    if num < 0:
        raise CronError(f"negative number ({num}) not allowed: {expr}")
    return num


def _parse_int_or_name(expr: str, names) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _must_parse_int(expr)


def _get_range(expr: str, lo: int, hi: int, names) -> None:
    """getRange."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    if low_and_high[0] in ("*", "?"):
        start, end = lo, hi
    else:
        start = _parse_int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _parse_int_or_name(low_and_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _must_parse_int(range_and_step[1])
        if single:
            end = hi
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < lo:
        raise CronError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise CronError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")


def parse_standard(spec: str) -> None:
    """cron.ParseStandard: raises CronError with robfig's message."""
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith("TZ=") or spec.startswith("CRON_TZ="):
        i = spec.find(" ")
        eq = spec.find("=")
        loc = spec[eq + 1 : i] if i >= 0 else spec[eq + 1 :]
        if i < 0 or not _load_location(loc)[0]:
            raise CronError(f"provided bad location {loc}: unknown time zone {loc}")
        spec = spec[i:].strip()
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return
        if spec.startswith("@every "):
            dur = spec[len("@every ") :]
            err = go_duration_error(dur) or ("" if _GO_DURATION.match(dur) else f"time: invalid duration {dur!r}")
            if err:
                raise CronError(f"failed to parse duration {spec}: {err}")
            return
        raise CronError(f"unrecognized descriptor: {spec}")
    fields = _go_fields(spec)
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    for f, (lo, hi, names) in zip(fields, _BOUNDS):
        for expr in f.split(","):
            _get_range(expr, lo, hi, names)


# --- time zones ------------------------------------------------------------------

_TZ_PART = lazy(r"^[A-Za-z.\-_0-9+]{1,14}$")


def _load_location(name: str):
    """time.LoadLocation against the tz database (the API server embeds one)."""
    if name in ("", "UTC"):
        return True, ""
    if name == "Local":
        return True, ""
    try:
        import zoneinfo

        zoneinfo.ZoneInfo(name)
        return True, ""
    except Exception:
        return False, f"unknown time zone {name}"


def validate_time_zone(tz, path, out):
    """validateTimeZone."""
    if not isinstance(tz, str):
        return
    if not tz:
        out.append(m.invalid(path, tz, "timeZone must be nil or non-empty string", SCHEDULE))
        return
    for part in tz.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_PART.match(part):
            out.append(
                m.invalid(
                    path,
                    tz,
                    f"unknown time zone {tz}",
                    SCHEDULE,
                    "use an IANA zone name such as Europe/Berlin or America/New_York",
                )
            )
            return
    if tz.lower() == "local":
        out.append(
            m.invalid(
                path,
                tz,
                "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
                SCHEDULE,
            )
        )
    ok, err = _load_location(tz)
    if not ok:
        try:
            import zoneinfo

            zones = sorted(zoneinfo.available_timezones())
        except Exception:  # pragma: no cover
            zones = []
        out.append(
            m.invalid(
                path,
                tz,
                err,
                SCHEDULE,
                "use an IANA zone name" + (("; " + m.suggest(tz, zones)) if m.suggest(tz, zones) else ""),
            )
        )


def validate_schedule(schedule, path, out, has_time_zone: bool):
    """validateScheduleFormat (on create, TZ in the schedule is rejected)."""
    if not isinstance(schedule, str):
        return
    if not schedule:
        out.append(m.required(path, "", REQUIRED_VALUE, hint='e.g. schedule: "*/5 * * * *"'))
        return
    if m.is_placeholder(schedule):
        return
    try:
        parse_standard(schedule)
    except CronError as exc:
        msg = str(exc)
        if "above maximum (6)" in msg:
            hint = "day-of-week runs 0-6 (sun-sat): write 0 or sun for Sunday, 7 is not accepted"
        elif msg.startswith("expected exactly 5 fields"):
            hint = 'five fields: minute hour day-of-month month day-of-week (no seconds field), e.g. "*/15 * * * *"'
        else:
            hint = (
                "five fields: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or jan-dec) day-of-week "
                "(0-6 or sun-sat), "
                "or @hourly/@daily/@weekly/@monthly/@yearly"
            )
        out.append(m.invalid(path, schedule, msg, SCHEDULE, hint))
    if "TZ" in schedule:
        out.append(
            m.invalid(
                path,
                schedule,
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                SCHEDULE,
                "move the zone to spec.timeZone",
            )
        )


# --- Job -------------------------------------------------------------------------------

COMPLETION_MODES = ("NonIndexed", "Indexed")  # the server's order in "supported values"
POD_FAILURE_ACTIONS = ("Count", "FailIndex", "FailJob", "Ignore")
EXIT_CODE_OPERATORS = ("In", "NotIn")
POD_REPLACEMENT = ("Failed", "TerminatingOrFailed")


def validate_job_spec(spec: dict, path, out: List[Problem], template_only: bool, obj_name: Optional[str] = None):
    """validateJobSpec (template_only: a CronJob's jobTemplate, whose selector
    the server does not generate)."""
    for f in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
    ):
        out.extend(nonnegative(path + (f,), spec.get(f)))
    indexed = _completion_mode(spec, path, out)
    _job_selector(spec, path, out, template_only, obj_name)
    tspec = dict_at(spec.get("template")).get("spec")
    if isinstance(tspec, dict):
        rp = _job_restart_policy(tspec, path, out)
        pfp = spec.get("podFailurePolicy")
        if isinstance(pfp, dict):
            _pod_failure_policy(pfp, path + ("podFailurePolicy",), out, rp, indexed, spec)
    prp = spec.get("podReplacementPolicy")
    if isinstance(prp, str) and prp not in POD_REPLACEMENT:
        out.append(m.unsupported(path + ("podReplacementPolicy",), prp, POD_REPLACEMENT, UNSUPPORTED_VALUE))
    elif prp == "TerminatingOrFailed" and isinstance(spec.get("podFailurePolicy"), dict):
        out.append(
            m.invalid(
                path + ("podReplacementPolicy",), prp, "must be 'Failed' when podFailurePolicy is used", INVALID_VALUE
            )
        )


def _completion_mode(spec: dict, path, out: List[Problem]) -> bool:
    """completionMode and the per-index fields it governs; True when Indexed."""
    mode = spec.get("completionMode")
    if isinstance(mode, str) and mode not in COMPLETION_MODES:
        out.append(m.unsupported(path + ("completionMode",), mode, COMPLETION_MODES, UNSUPPORTED_VALUE))
    indexed = mode == "Indexed"
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    if indexed:
        # SetDefaults_Job: completions and parallelism both unset -> both 1.
        if completions is None and parallelism is not None:
            out.append(
                m.required(path + ("completions",), "when completion mode is Indexed", REQUIRED_VALUE, at="value")
                if "completions" in spec
                else m.problem(
                    path + ("completions",),
                    "Required value: when completion mode is Indexed",
                    REQUIRED_VALUE,
                    anchor=path + ("completionMode",),
                )
            )
        # (the old 100000 cap on Indexed completions/parallelism is gone in v1.37: oracle-confirmed)
    blpi = spec.get("backoffLimitPerIndex")
    if blpi is not None and not indexed:
        out.append(m.invalid(path + ("backoffLimitPerIndex",), blpi, "requires indexed completion mode", INVALID_VALUE))
    mfi = spec.get("maxFailedIndexes")
    if mfi is not None:
        if spec.get("backoffLimitPerIndex") is None:
            out.append(
                m.required(
                    path + ("backoffLimitPerIndex",),
                    "when maxFailedIndexes is specified",
                    REQUIRED_VALUE,
                    anchor=path + ("maxFailedIndexes",),
                )
            )
        if is_int(mfi) and is_int(completions) and mfi > completions:
            out.append(
                m.invalid(path + ("maxFailedIndexes",), mfi, "must be less than or equal to completions", INVALID_VALUE)
            )
    return indexed


def _job_selector(spec: dict, path, out: List[Problem], template_only: bool, obj_name: Optional[str]):
    """The selector: generated unless manualSelector is true (ValidateGeneratedSelector);
    a manual one valid and matching the template's labels."""
    sel = spec.get("selector")
    tmpl = dict_at(spec.get("template"))
    labels = dict_at(dict_at(tmpl.get("metadata")).get("labels"))
    if template_only:
        # ValidateJobTemplateSpec: the Job's selector is generated when it is created.
        if isinstance(sel, dict) and spec.get("manualSelector") is not True:
            out.append(
                m.invalid(
                    path + ("selector",),
                    m.selector_json(sel),
                    "`selector` will be auto-generated",
                    INVALID_SELECTOR,
                    "drop jobTemplate.spec.selector, or set manualSelector: true",
                )
            )
            sel = None
    else:
        if spec.get("manualSelector") is True:
            if sel is None:
                out.append(
                    m.problem(
                        path + ("selector",),
                        "Required value",
                        INVALID_SELECTOR,
                        "manualSelector: true needs spec.selector",
                        anchor=path + ("manualSelector",),
                    )
                )
        elif isinstance(sel, dict):
            sel_keys = set(dict_at(sel.get("matchLabels"))) | {
                dict_at(e).get("key") for e in list_at(sel.get("matchExpressions"))
            }
            name = obj_name or ""
            expected = {"job-name": name, "batch.kubernetes.io/job-name": name}
            pred = label_selector(sel)  # ValidateGeneratedSelector: only a selector that converts
            if (
                not sel_keys & {"controller-uid", "batch.kubernetes.io/controller-uid"}
                and pred is not None
                and not pred(expected)
            ):
                out.append(
                    m.invalid(
                        path + ("selector",),
                        m.selector_json(sel),  # the server's adds the controller-uid it generated
                        "`selector` not auto-generated",
                        INVALID_SELECTOR,
                        "the Job controller generates the selector; drop spec.selector, or set manualSelector: true",
                    )
                )
            sel = None
    if isinstance(sel, dict):
        errs = m.validate_label_selector(sel, path + ("selector",), INVALID_SELECTOR)
        out.extend(errs)
        pred = label_selector(sel)
        if not errs and tmpl and pred is not None and not pred(labels):
            lp = path + ("template", "metadata", "labels")
            out.append(
                m.problem(
                    lp,
                    f"Invalid value: {m.label_map(labels)}: `selector` does not match template `labels`",
                    MISMATCH,
                    at="value" if labels else "key",
                    anchor=lp if labels else path + ("template",),
                )
            )


def _job_restart_policy(tspec: dict, path, out: List[Problem]):
    """The template's restartPolicy: OnFailure or Never, not defaulted; returns it."""
    rp = tspec.get("restartPolicy")
    rpp = path + ("template", "spec", "restartPolicy")
    if rp is None or rp == "":
        # Not defaulted in a Job template (oracle: "Required value: valid values: ...").
        where = rpp if "restartPolicy" in tspec else path + ("template", "spec")
        out.append(
            m.problem(
                rpp,
                'Required value: valid values: "OnFailure", "Never"',
                REQUIRED_VALUE,
                "Jobs run to completion: add restartPolicy: OnFailure or Never to the pod template",
                at="value" if "restartPolicy" in tspec else "key",
                anchor=where,
            )
        )
    elif isinstance(rp, str) and rp not in ("OnFailure", "Never"):
        # validateJobSpec reports any other value as Required too (oracle-confirmed).
        out.append(
            m.required(
                rpp,
                'valid values: "OnFailure", "Never"',
                REQUIRED_VALUE,
                hint=f"Jobs run to completion; {rp} is not allowed"
                + (", Always is for Deployments" if rp == "Always" else ""),
            )
        )
    return rp


def _pod_failure_policy(pfp: dict, path, out, restart, indexed: bool, spec: dict):
    """validatePodFailurePolicy (the basics)."""
    if restart != "Never" and isinstance(restart, str) and restart:
        out.append(
            m.invalid(
                path[:-1] + ("template", "spec", "restartPolicy"),
                restart,
                'only "Never" is supported when podFailurePolicy is specified',
                INVALID_VALUE,
            )
        )
    for i, rule in enumerate(list_at(pfp.get("rules"))):
        if not isinstance(rule, dict):
            continue
        rp = path + ("rules", i)
        action = rule.get("action")
        if isinstance(action, str):
            if action not in POD_FAILURE_ACTIONS:
                out.append(m.unsupported(rp + ("action",), action, POD_FAILURE_ACTIONS, UNSUPPORTED_VALUE))
            elif action == "FailIndex" and spec.get("backoffLimitPerIndex") is None:
                out.append(
                    m.forbidden(rp + ("action",), "requires the backoffLimitPerIndex to be set", FORBIDDEN_FIELD)
                )
        ec, conds = rule.get("onExitCodes"), rule.get("onPodConditions")
        if ec is not None and conds is not None:
            out.append(
                m.invalid(
                    rp, "", "specifying both OnExitCodes and OnPodConditions is not supported", INVALID_VALUE, at="key"
                )
            )
        elif ec is None and conds is None:
            out.append(
                m.invalid(
                    rp, "", "specifying one of OnExitCodes and OnPodConditions is required", INVALID_VALUE, at="key"
                )
            )
        if isinstance(ec, dict):
            op = ec.get("operator")
            if isinstance(op, str) and op not in EXIT_CODE_OPERATORS:
                out.append(m.unsupported(rp + ("onExitCodes", "operator"), op, EXIT_CODE_OPERATORS, UNSUPPORTED_VALUE))
            vals = list_at(ec.get("values"))
            if not vals:
                out.append(
                    m.invalid(rp + ("onExitCodes", "values"), "", "at least one value is required", INVALID_VALUE)
                )
            prev = None
            for j, val in enumerate(vals):
                if not is_int(val):
                    continue
                if op == "In" and val == 0:
                    out.append(
                        m.invalid(
                            rp + ("onExitCodes", "values", j), val, "must not be 0 for the In operator", INVALID_VALUE
                        )
                    )
                if prev is not None and val == prev:
                    out.append(m.duplicate(rp + ("onExitCodes", "values", j), val, "duplicate-value"))
                elif prev is not None and val < prev:
                    out.append(
                        m.invalid(
                            rp + ("onExitCodes", "values"),
                            m.as_json(vals, "[]int32"),
                            "must be ordered",
                            INVALID_VALUE,
                            anchor=rp + ("onExitCodes", "values", j),
                        )
                    )
                prev = val


@validates(("batch", "Job"))
@m.at_block_keys
def job(obj, ctx):
    """ValidateJob: validateJobSpec + ValidateGeneratedSelector."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return []
    out: List[Problem] = []
    validate_job_spec(spec, ("spec",), out, template_only=False, obj_name=obj.name)
    _generated_labels(obj.name, spec, out)
    if ctx.gate("JobManagedBy"):  # dropped by the Job strategy before v1.32 (see .gates)
        _managed_by(spec.get("managedBy"), out)
    return out


MAX_MANAGED_BY = 63


def _managed_by(value, out: List[Problem]):
    """validateJobSpec: managedBy is a domain-prefixed path (IsDomainPrefixedPath) of at most 63
    characters."""
    if not isinstance(value, str):
        return
    path = ("spec", "managedBy")
    for msg in v.is_domain_prefixed_path(value)[:1]:
        out.append(m.invalid(path, value, msg, INVALID_VALUE, "e.g. kueue.x-k8s.io/multikueue"))
    if len(value) > MAX_MANAGED_BY:
        out.append(m.too_long(path, MAX_MANAGED_BY, TOO_LONG))


def _generated_labels(name, spec: dict, out: List[Problem]):
    """The Job strategy's PrepareForCreate (generateSelector, pkg/registry/batch/job/strategy.go)
    copies the name into the template labels job-name and batch.kubernetes.io/job-name unless
    manualSelector is true; ValidatePodTemplateSpec then checks them as label values, so a
    name over 63 characters fails as ``spec.template.labels``."""
    if spec.get("manualSelector") is True or not isinstance(name, str):
        return
    errs = v.is_valid_label_value(name)
    if errs:
        out.append(
            m.invalid(
                ("spec", "template", "labels"),
                name,
                "; ".join(errs),
                INVALID_NAME,
                "the Job controller copies the name into the pod labels job-name and "
                "batch.kubernetes.io/job-name, whose values are at most 63 characters: shorten the name",
                anchor=("metadata", "name"),
            )
        )


CONCURRENCY = ("Allow", "Forbid", "Replace")


@validates(("batch", "CronJob"))
@m.at_block_keys
def cronjob(obj, ctx):
    """ValidateCronJobCreate: ValidateCronJobSpec."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return []
    out: List[Problem] = []
    validate_schedule(spec.get("schedule"), ("spec", "schedule"), out, spec.get("timeZone") is not None)
    validate_time_zone(spec.get("timeZone"), ("spec", "timeZone"), out)
    cp = spec.get("concurrencyPolicy")
    if isinstance(cp, str) and cp and cp not in CONCURRENCY:
        out.append(m.unsupported(("spec", "concurrencyPolicy"), cp, CONCURRENCY, UNSUPPORTED_VALUE))
    for f in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        out.extend(nonnegative(("spec", f), spec.get(f)))
    jt = spec.get("jobTemplate")
    if isinstance(jt, dict):
        jmeta = dict_at(jt.get("metadata"))
        out.extend(m.validate_labels(jmeta.get("labels"), ("spec", "jobTemplate", "metadata", "labels")))
        out.extend(m.validate_annotations(jmeta.get("annotations"), ("spec", "jobTemplate", "metadata", "annotations")))
        jspec = jt.get("spec")
        if isinstance(jspec, dict):
            validate_job_spec(jspec, ("spec", "jobTemplate", "spec"), out, template_only=True)
    return out
