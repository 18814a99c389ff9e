"""ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding, compiled
once per run, with the checks the API server makes when they are created.

The creation checks (``pkg/apis/admissionregistration/validation/validation.go``)
are in :mod:`.creation`; a policy or binding that fails them, or whose
metadata fails ``ValidateObjectMeta``, is ``invalid``: the server refuses it,
so it is never evaluated.  Defaults of
``pkg/apis/admissionregistration/v1/defaults.go``: ``failurePolicy: Fail``,
``matchPolicy: Equivalent``, empty selectors, ``scope: "*"``.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from ..apiserver.meta import invalid
from ..findings import WARNING, Problem
from . import celenv, exprtypes

GROUP = "admissionregistration.k8s.io"
POLICY_KIND = "ValidatingAdmissionPolicy"
BINDING_KIND = "ValidatingAdmissionPolicyBinding"

RULE_INVALID = "admission-policy-invalid"
RULE_BINDING_INVALID = "admission-binding-invalid"
RULE_MISSING_POLICY = "admission-binding-missing-policy"
RULE_PARAMS = "admission-policy-params"
RULE_TYPE_CHECK = "admission-policy-type-check"


def _s(v) -> str:
    return v if isinstance(v, str) else ""


def _d(v) -> dict:
    return v if isinstance(v, dict) else {}


def _l(v) -> list:
    return v if isinstance(v, list) else []


class Validation:
    __slots__ = ("expr", "message", "message_expr", "reason", "index")

    def __init__(self, index, expr, message, message_expr, reason):
        self.index = index
        self.expr: celenv.Compiled = expr
        self.message: str = message
        self.message_expr: Optional[celenv.Compiled] = message_expr
        self.reason: Optional[str] = reason


class Policy:
    """One ValidatingAdmissionPolicy, compiled."""

    def __init__(self, obj):
        self.obj = obj
        self.name = obj.name or ""
        data = obj.data
        spec = _d(data.get("spec"))
        self.spec = spec
        self.failure_policy = spec.get("failurePolicy") if isinstance(spec.get("failurePolicy"), str) else "Fail"
        pk = spec.get("paramKind")
        self.param_kind: Optional[Tuple[str, str]] = None
        if isinstance(pk, dict):
            self.param_kind = (_s(pk.get("apiVersion")), _s(pk.get("kind")))
        self.match = _d(spec.get("matchConstraints"))
        self.problems: List[Problem] = []
        has_params = self.param_kind is not None
        self.match_conditions: List[Tuple[str, celenv.Compiled]] = []
        for mc in _l(spec.get("matchConditions")):
            mc = _d(mc)
            expr = _s(mc.get("expression")).strip()
            c = celenv.compile_expression(expr, has_params, returns="bool") if expr else None
            self.match_conditions.append((_s(mc.get("name")), c))
        self.variables: List[Tuple[str, Optional[celenv.Compiled]]] = []
        names: List[str] = []
        self.variable_types: dict = {}  # name -> checked type (celenv.Compiled.output_type), where certain
        for v in _l(spec.get("variables")):
            v = _d(v)
            expr = _s(v.get("expression"))
            vt = dict(self.variable_types)
            c = celenv.compile_expression(expr, has_params, tuple(names), variable_types=vt) if expr.strip() else None
            self.variables.append((_s(v.get("name")), c))
            names.append(_s(v.get("name")))
            if c is not None and c.output_type is not None:
                self.variable_types[names[-1]] = c.output_type
        self.variable_names = tuple(names)
        vt = self.variable_types
        self.validations: List[Validation] = []
        for i, v in enumerate(_l(spec.get("validations"))):
            v = _d(v)
            expr = _s(v.get("expression"))
            c = (
                celenv.compile_expression(expr, has_params, self.variable_names, returns="bool", variable_types=vt)
                if expr.strip()
                else None
            )
            me = _s(v.get("messageExpression"))
            mc = (
                celenv.compile_expression(me, has_params, self.variable_names, returns="string", variable_types=vt)
                if me.strip()
                else None
            )
            if mc is not None and mc.uses_authorizer and mc.error is None:
                mc.error = exprtypes.undeclared(me, "authorizer")  # messageExpressions have no authorizer
            reason = v.get("reason") if isinstance(v.get("reason"), str) else None
            self.validations.append(Validation(i, c, _s(v.get("message")), mc, reason))
        self.audit_annotations = _l(spec.get("auditAnnotations"))
        # auditAnnotations: (key, compiled valueExpression) -- a run-time error denies under Fail
        self.audit: List[Tuple[str, Optional[celenv.Compiled]]] = []
        for a in self.audit_annotations:
            a = _d(a)
            ve = _s(a.get("valueExpression")).strip()
            c = (
                celenv.compile_expression(
                    ve, has_params, self.variable_names, returns="string|null_type", variable_types=vt
                )
                if ve and len(ve) <= 5 * 1024
                else None
            )
            self.audit.append((_s(a.get("key")), c))
        self._creation_checks()

    @property
    def invalid(self) -> bool:
        """The server would refuse to create it (so it never enforces anything)."""
        return bool(self.meta_problems) or any(p.rule == RULE_INVALID for p in self.problems)

    def _creation_checks(self) -> None:
        """``ValidateValidatingAdmissionPolicy`` (kubelint/admission/creation.py); ObjectMeta
        problems (reported by the API-server stage) kept apart: they too make the policy refused."""
        from ..apiserver.meta import validate_object_meta
        from .creation import validate_policy

        self.meta_problems = [p._replace(rule=RULE_INVALID) for p in validate_object_meta(self.obj)]
        self.problems.extend(validate_policy(self, _compile_problem))


def _compile_problem(path, c: celenv.Compiled, rule: str) -> List[Problem]:
    if c.error is None:
        return []
    return [invalid(path, c.expression, c.error, rule)]


class Binding:
    """One ValidatingAdmissionPolicyBinding."""

    def __init__(self, obj):
        self.obj = obj
        self.name = obj.name or ""
        spec = _d(obj.data.get("spec"))
        self.spec = spec
        self.policy_name = _s(spec.get("policyName"))
        self.param_ref = spec.get("paramRef") if isinstance(spec.get("paramRef"), dict) else None
        self.match = spec.get("matchResources") if isinstance(spec.get("matchResources"), dict) else None
        self.actions = [a for a in _l(spec.get("validationActions")) if isinstance(a, str)]
        self.problems: List[Problem] = self._creation_checks()

    @property
    def invalid(self) -> bool:
        return bool(self.meta_problems) or any(p.rule == RULE_BINDING_INVALID for p in self.problems)

    def _creation_checks(self) -> List[Problem]:
        """``ValidateValidatingAdmissionPolicyBinding`` (kubelint/admission/creation.py)."""
        from ..apiserver.meta import validate_object_meta
        from .creation import validate_binding

        self.meta_problems = [p._replace(rule=RULE_BINDING_INVALID) for p in validate_object_meta(self.obj)]
        return validate_binding(self.spec, self.name, RULE_BINDING_INVALID)


def cross_checks(policies: Dict[str, Policy], bindings: List[Binding]) -> List[Tuple[object, Problem]]:
    """Accepted by the server but enforcing nothing, or not what was meant:
    a binding naming a policy that is not in the run; a policy with a
    ``paramKind`` bound without ``paramRef`` (its expressions see
    ``params == null``); a ``paramRef`` on a policy without ``paramKind``
    (ignored)."""
    out = []
    for b in bindings:
        if not b.policy_name:
            continue
        p = policies.get(b.policy_name)
        if p is None:
            known = ", ".join(sorted(policies)[:5])
            out.append(
                (
                    b.obj,
                    Problem(
                        ("spec", "policyName"),
                        f"spec.policyName: ValidatingAdmissionPolicy '{b.policy_name}' is not in the input or the "
                        f"--policy files{' (known: ' + known + ')' if known else ''}: this binding enforces nothing "
                        "until that policy exists; add the policy with --policy (or `policy:` in .kubelint.yaml), "
                        "or fix the name",
                        RULE_MISSING_POLICY,
                        WARNING,
                    ),
                )
            )
            continue
        if p.param_kind is not None and b.param_ref is None:
            out.append(
                (
                    b.obj,
                    Problem(
                        ("spec",),
                        f"spec: ValidatingAdmissionPolicy '{p.name}' has paramKind {p.param_kind[1]} "
                        f"({p.param_kind[0]}) but this binding has no paramRef: its expressions see params == null "
                        "(params.x fails at run time); add spec.paramRef with a name or selector and a "
                        "parameterNotFoundAction",
                        RULE_PARAMS,
                        WARNING,
                    ),
                )
            )
        elif p.param_kind is None and b.param_ref is not None:
            out.append(
                (
                    b.obj,
                    Problem(
                        ("spec", "paramRef"),
                        f"spec.paramRef: ValidatingAdmissionPolicy '{p.name}' has no paramKind, so the server ignores "
                        "this paramRef (params is not declared); add spec.paramKind to the policy or remove paramRef",
                        RULE_PARAMS,
                        WARNING,
                    ),
                )
            )
    return out


_OBJECT_PATH = re.compile(r"(?<![\w.])(?:has\(\s*)?object((?:\s*\.\s*[A-Za-z_]\w*)+)(?!\w|\s*\()")


def types_to_check(match: dict, schemas, resources) -> List[Tuple[str, str]]:
    """``TypeChecker.typesToCheck``: the kinds the resourceRules name
    without wildcards (groups and versions with ``*`` are skipped,
    resources with ``*`` or a subresource too), sorted by group, version,
    kind, at most 10; built-in kinds from the bundled schemas, custom
    resources from the CRDs of the run."""
    out = set()
    for rule in _l(match.get("resourceRules")):
        rule = _d(rule)
        groups, versions = _l(rule.get("apiGroups")), _l(rule.get("apiVersions"))
        if not groups or not versions or any("*" in str(g) for g in groups) or any("*" in str(v) for v in versions):
            continue
        wanted = {r for r in _l(rule.get("resources")) if isinstance(r, str) and "*" not in r and "/" not in r}
        for g in groups:
            for v in versions:
                api_version = f"{g}/{v}" if g else v
                for kind in schemas.kinds.get(api_version) or {}:
                    if resources.lookup(g, kind)[0] in wanted:
                        out.add((g, v, kind))
                for (cg, ck), (plural, _ns) in resources.crds.items():
                    if cg == g and plural in wanted:
                        out.add((g, v, ck))
    ordered = sorted(out)[:10]
    return [(f"{g}/{v}" if g else v, k) for g, v, k in ordered]


def type_check(policy: Policy, schemas, kinds) -> List[Problem]:
    """``TypeChecker.Check``: the validations' expressions and
    messageExpressions type-checked against each kind the policy matches.
    kubelint checks ``object.a.b`` paths against the OpenAPI schema (its
    engine has no type checker); the server reports such an unknown field
    as a warning in ``status.typeChecking`` and the policy still applies
    (on such objects the expression fails with ``no such key``)."""
    out = []
    exprs = []
    for v in policy.validations:
        exprs.append((("spec", "validations", v.index, "expression"), v.expr))
        exprs.append((("spec", "validations", v.index, "messageExpression"), v.message_expr))
    for path, c in exprs:
        if c is None or c.error:
            continue
        stripped = celenv.strip_literals(c.expression)
        missing = []
        for m in _OBJECT_PATH.finditer(stripped):
            fields = [f.strip() for f in m.group(1).split(".") if f.strip()]
            for api_version, kind in kinds:
                root = schemas.root(api_version, kind)
                bad = _missing_field(schemas, root, fields) if root is not None else None
                if bad is not None and (api_version, kind) not in [(a, k) for a, k, _b, _f in missing]:
                    missing.append((api_version, kind, bad, fields))
        if missing:
            shown = "; ".join(
                f"{_gvk(a, k)}: undefined field '{b}' (object.{'.'.join(f)})" for a, k, b, f in missing[:3]
            )
            out.append(
                Problem(
                    path,
                    f"{'.'.join(str(p) for p in path[:2])}[{path[2]}].{path[3]}: type checking: "
                    f"{shown}: on such objects the expression fails at run time with 'no such key' (has() does "
                    "not help: the field is not in the type); fix the path or narrow matchConstraints",
                    RULE_TYPE_CHECK,
                    WARNING,
                )
            )
    return out


def _gvk(api_version: str, kind: str) -> str:
    """``schema.GroupVersionKind.String()``: ``apps/v1, Kind=Deployment``."""
    return f"{api_version}, Kind={kind}" if "/" in api_version else f"/{api_version}, Kind={kind}"


def _missing_field(schemas, defname: str, fields: List[str]) -> Optional[str]:
    """The first of ``fields`` the compiled schema (kubelint.schema: ``{"p":
    {name: type}}`` objects, ``"#def"`` references, ``{"map": T}``) lacks, or
    None (all known, or the path leaves what the schema describes)."""
    t = "#" + defname
    for f in fields:
        if isinstance(t, str) and t.startswith("#"):
            try:
                props = schemas.definition(t[1:]).get("p") or {}
            except KeyError:
                return None
            if f not in props:
                return f
            t = props[f]
        elif isinstance(t, dict) and "map" in t:
            t = t["map"]
        else:
            return None  # a list, a scalar or free-form: not a field path the checker follows
    return None
