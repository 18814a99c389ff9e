"""Custom rules: a team's own checks, written in CEL in .kubelint.yaml.

::

    custom-rules:
      - id: team-label                       # kebab-case, not a built-in id
        severity: warning                    # error, warning or info
        summary: Workloads carry a team label
        match:
          kinds: [Deployment, apps/StatefulSet]   # Kind or group/Kind (core: Pod or /Pod)
          namespaces: [payments, "shop-*"]        # optional; fnmatch patterns
        variables:                           # optional, as in a ValidatingAdmissionPolicy
          - {name: labels, expression: "has(object.metadata.labels) ? object.metadata.labels : {}"}
        expression: "'team' in variables.labels"  # true = the object passes
        message: every workload needs a team label
        messageExpression: "'set metadata.labels.team on ' + object.metadata.name"
        fieldPath: metadata.labels           # optional: where the finding points
        rationale: ...                       # optional, shown by `kubelint explain`
        remediation: ...
        examples:                            # run by `kubelint rules --test`
          - bad: |
              ...
            good: |
              ...

The expressions run in the admission CEL environment (:mod:`.celenv`):
``object`` (defaulted as the server would store it), ``namespaceObject``,
``request`` (a CREATE), ``oldObject`` (null), ``variables``.  A rule that
evaluates to false is a finding with the rule's id and severity; one whose
evaluation fails is reported once as not evaluated (info), never as a
violation.  Custom rules are catalogue entries (``source: custom``): they
appear in ``kubelint rules`` and ``explain``, take ``rules:`` settings and
inline suppressions, and every reporter renders them.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Callable, List

from ..findings import INFO, SEVERITIES, Problem
from . import celenv

KEYS = (
    "id",
    "severity",
    "summary",
    "match",
    "variables",
    "expression",
    "message",
    "messageExpression",
    "fieldPath",
    "rationale",
    "remediation",
    "examples",
)
_ID = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_FP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\['([^']*)'\]")


def parse(value, where: Callable[[tuple], str], builtin_ids) -> List[dict]:
    """Validate ``custom-rules:``; raise ValueError("path: message") naming
    the offending entry (the caller adds file and line)."""
    if not isinstance(value, list):
        raise _err(where, (), "custom-rules must be a list of rules (id, severity, expression, message...)")
    out = []
    seen = set()
    for i, r in enumerate(value):
        p = (i,)
        if not isinstance(r, dict):
            raise _err(where, p, "each custom rule must be a mapping")
        for k in r:
            if k not in KEYS:
                from ..suggest import did_you_mean

                raise _err(
                    where,
                    p + (k,),
                    f'unknown custom-rule setting "{k}"{did_you_mean(str(k), KEYS)}; valid: {", ".join(KEYS)}',
                )
        rid = r.get("id")
        if not isinstance(rid, str) or not _ID.match(rid):
            raise _err(
                where, p + ("id",), f"custom rule id must be a kebab-case name such as team-label, found {rid!r}"
            )
        if rid in builtin_ids:
            raise _err(where, p + ("id",), f'custom rule id "{rid}" is a built-in rule id; choose another')
        if rid in seen:
            raise _err(where, p + ("id",), f'duplicate custom rule id "{rid}"')
        seen.add(rid)
        sev = r.get("severity", "warning")
        if sev not in SEVERITIES:
            raise _err(
                where, p + ("severity",), f"{rid}: severity must be one of {', '.join(SEVERITIES)}, found {sev!r}"
            )
        expr = r.get("expression")
        if not isinstance(expr, str) or not expr.strip():
            raise _err(where, p + ("expression",), f"{rid}: expression is required (CEL, true when the object passes)")
        for k in ("summary", "message", "messageExpression", "fieldPath", "rationale", "remediation"):
            if k in r and not isinstance(r[k], str):
                raise _err(where, p + (k,), f"{rid}: {k} must be a string")
        if isinstance(r.get("message"), str) and "\n" in r["message"].strip():
            raise _err(where, p + ("message",), f"{rid}: message must not contain line breaks")
        match = r.get("match", {})
        if not isinstance(match, dict) or any(k not in ("kinds", "namespaces") for k in match):
            raise _err(where, p + ("match",), f"{rid}: match takes kinds and namespaces (lists of names)")
        for k in ("kinds", "namespaces"):
            v = match.get(k)
            if v is not None and (not isinstance(v, list) or not all(isinstance(x, str) for x in v)):
                raise _err(where, p + ("match", k), f"{rid}: match.{k} must be a list of strings")
        names: List[str] = []
        for j, v in enumerate(r.get("variables") or []):
            if (
                not isinstance(v, dict)
                or not isinstance(v.get("name"), str)
                or not isinstance(v.get("expression"), str)
            ):
                raise _err(where, p + ("variables", j), f"{rid}: each variable needs a name and an expression")
            c = celenv.compile_expression(v["expression"], False, tuple(names))
            if c.error:
                raise _err(where, p + ("variables", j, "expression"), f"{rid}: variable {v['name']}: {c.error}")
            names.append(v["name"])
        for k, ret in (("expression", "bool"), ("messageExpression", "string")):
            if isinstance(r.get(k), str) and r[k].strip():
                c = celenv.compile_expression(r[k], False, tuple(names), returns=ret)
                if c.error:
                    raise _err(where, p + (k,), f"{rid}: {k}: {c.error}")
        ex = r.get("examples", [])
        if not isinstance(ex, list) or not all(
            isinstance(e, dict) and set(e) <= {"bad", "good"} and all(isinstance(x, str) for x in e.values())
            for e in ex
        ):
            raise _err(
                where, p + ("examples",), f"{rid}: examples must be a list of {{bad: YAML text, good: YAML text}}"
            )
        out.append(dict(r, severity=sev))
    return out


def _err(where, path, msg) -> ValueError:
    return ValueError(where(path), msg)


def register(specs: List[dict]) -> None:
    """Custom rules become catalogue entries (``source: custom``), so every
    command and reporter knows them; entries of an earlier configuration
    loaded in this process are replaced."""
    from ..engine import RuleEntry, catalogue

    cat = catalogue()
    for rid in [rid for rid, e in cat.items() if e.source == "custom"]:
        del cat[rid]
    for r in specs:
        match = r.get("match") or {}
        cat[r["id"]] = RuleEntry(
            id=r["id"],
            severity=r["severity"],
            summary=r.get("summary") or r.get("message") or f"custom rule {r['id']}",
            category="custom",
            rationale=r.get("rationale") or f"Custom rule from the configuration: {r['expression']}",
            remediation=r.get("remediation") or (r.get("message") or ""),
            kinds=tuple(match.get("kinds") or ()),
            params={},
            examples=list(r.get("examples") or []),
            source="custom",
            family="custom",
        )


class CustomRule:
    """One compiled custom rule."""

    def __init__(self, spec: dict):
        self.id = spec["id"]
        self.severity = spec["severity"]
        match = spec.get("match") or {}
        self.kinds = list(match.get("kinds") or [])
        self.namespaces = list(match.get("namespaces") or [])
        self.variables = []
        names: List[str] = []
        for v in spec.get("variables") or []:
            self.variables.append((v["name"], celenv.compile_expression(v["expression"], False, tuple(names))))
            names.append(v["name"])
        self.variable_names = tuple(names)
        self.expr = celenv.compile_expression(spec["expression"], False, self.variable_names, returns="bool")
        me = spec.get("messageExpression")
        self.message_expr = celenv.compile_expression(me, False, self.variable_names, returns="string") if me else None
        self.message = (spec.get("message") or "").strip()
        self.field_path = _field_path(spec.get("fieldPath") or "")

    def matches(self, obj, namespace: str) -> bool:
        if self.kinds:
            ok = False
            for k in self.kinds:
                group, _, kind = k.rpartition("/")
                if kind == obj.kind and ("/" not in k or group == obj.group):
                    ok = True
                    break
            if not ok:
                return False
        if self.namespaces:
            if not namespace or not any(fnmatch.fnmatchcase(namespace, pat) for pat in self.namespaces):
                return False
        return True


def _field_path(fp: str) -> tuple:
    out = []
    for m in _FP.finditer(fp.strip()):
        if m.group(1) is not None:
            out.append(m.group(1))
        elif m.group(2) is not None:
            out.append(int(m.group(2)))
        else:
            out.append(m.group(3))
    return tuple(out)


def evaluate_custom(stage, obj, req) -> List[Problem]:
    from .activation import Env, NotEvaluable

    out: List[Problem] = []
    rules = [r for r in stage.custom if r.matches(obj, req.namespace if req.namespaced else "")]
    if not rules or not celenv.available():
        return out
    known_ns, ns_obj = stage.namespace_object(req)
    ctx = stage._context()
    stage.bind(stage.object_value(obj, req), req, known_ns, ns_obj, None)
    for rule in rules:
        env = Env(stage, rule, None, ctx, known_ns)
        try:
            result, err = env.run(rule.expr)
        except NotEvaluable as exc:
            out.append(
                Problem(
                    (),
                    f"custom rule {rule.id} not evaluated: the expression {exc}",
                    "admission-policy-not-evaluated",
                    INFO,
                )
            )
            continue
        if err is not None or result not in (True, False):
            why = err or f"it returned {type(result).__name__}, not a bool"
            out.append(
                Problem(
                    (),
                    f"custom rule {rule.id} not evaluated on this kind of object: {why}; guard the expression "
                    "with has() or match fewer kinds",
                    "admission-policy-not-evaluated",
                    INFO,
                )
            )
            continue
        if result is True:
            continue
        message = ""
        if rule.message_expr is not None:
            try:
                m, merr = env.run(rule.message_expr)
            except NotEvaluable:
                m, merr = None, "not evaluable"
            if merr is None and isinstance(m, str) and m.strip() and "\n" not in m.strip():
                message = m.strip()
        message = message or rule.message or f"failed expression: {rule.expr.expression.strip()}"
        out.append(Problem(rule.field_path, message, rule.id, rule.severity))
    return out
