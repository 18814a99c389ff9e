"""What the API server checks when a ValidatingAdmissionPolicy or a
ValidatingAdmissionPolicyBinding is created: a policy or binding that fails
here is refused (``kubectl apply`` prints ``The ValidatingAdmissionPolicy
"p" is invalid: ...``), so it never enforces anything.

Ported from ``pkg/apis/admissionregistration/validation/validation.go``
(k8s.io/kubernetes v1.37.2), in the server's order:

* ``validateValidatingAdmissionPolicySpec``: ``failurePolicy``,
  ``validateParamKind`` (with ``parseGroupVersion``), ``matchConstraints``
  (``validateMatchResources``, at least one resourceRule),
  ``validateMatchConditions`` / ``validateMatchCondition``,
  ``validateVariable``, ``validateValidation``, ``validateAuditAnnotation``
  (and the 20-annotation limit);
* ``validateMatchResources``: ``matchPolicy``, both selectors
  (``ValidateLabelSelector``, strict), ``validateNamedRuleWithOperations``
  -> ``validateRuleWithOperations`` -> ``validateRule`` ->
  ``validateResources`` (subresource wildcards);
* ``validateValidatingAdmissionPolicyBindingSpec``: ``policyName``,
  ``validateParamRef``, ``validateMatchResources``,
  ``validateValidationActions``; the declarative ``+required`` checks of
  ``zz_generated.validations.go`` (``policyName``, ``validationActions``:
  ``Required value``, after the hand-written ones);
* the registry strategies' ``ValidateStaticSuffix`` (names ending in
  ``.static.k8s.io``, feature ManifestBasedAdmissionControlConfig, on by
  default in 1.37).

Values are the defaulted ones (``pkg/apis/admissionregistration/v1/
defaults.go``): an absent or null ``failurePolicy``, ``matchPolicy``,
``namespaceSelector`` or ``objectSelector`` is defaulted, never refused.

Not here: compiling and type-checking the CEL expressions (the caller
passes ``compile_problems``, :func:`kubelint.admission.policy._compile_problem`),
``ValidateObjectMeta`` (the API-server stage reports it for every kind; the
caller uses it to decide whether the object is live), and the authorization
checks of ``authz.go`` (a user without ``get`` on the paramKind is refused;
offline the user's RBAC is unknown).
"""

from __future__ import annotations

import json
import re
from typing import Callable, List

from ..apiserver import validation as v
from ..apiserver.meta import (
    duplicate,
    forbidden,
    invalid,
    is_valid_path_segment_name,
    message,
    name_is_dns_subdomain,
    required,
    unsupported,
    validate_label_selector,
)
from ..celcheck import CEL_RESERVED
from ..findings import Problem

RULE_POLICY = "admission-policy-invalid"
RULE_BINDING = "admission-binding-invalid"

FAILURE_POLICIES = ["Fail", "Ignore"]  # supportedFailurePolicies.List() (sorted)
MATCH_POLICIES = ["Equivalent", "Exact"]
OPERATIONS = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"]
SCOPES = ["*", "Cluster", "Namespaced"]
REASONS = ["Forbidden", "Invalid", "RequestEntityTooLarge"]
ACTIONS = ["Audit", "Deny", "Warn"]
NOT_FOUND_ACTIONS = ["Deny", "Allow"]  # validateParamRef lists them in this order
MAX_AUDIT_ANNOTATIONS = 20
MAX_VALUE_EXPRESSION = 5 * 1024
MAX_MATCH_CONDITIONS = 64
STATIC_SUFFIX = ".static.k8s.io"

_CEL_IDENT = re.compile(r"^[_a-zA-Z][_a-zA-Z0-9]*$")
_NEWLINES = re.compile(r"[\n\r]+")


def _s(x) -> str:
    return x if isinstance(x, str) else ""


def _l(x) -> list:
    return x if isinstance(x, list) else []


def _d(x) -> dict:
    return x if isinstance(x, dict) else {}


def go_json(value) -> str:
    """``json.Marshal``: compact, ``<``, ``>`` and ``&`` escaped as Go does."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def invalid_json(path, value, detail: str, rule: str) -> Problem:
    """``field.Invalid`` of a list or struct: the server prints its JSON."""
    return Problem(path, message(path, f"Invalid value: {go_json(value)}: {detail}"), rule)


def too_many(path, n: int, limit: int, rule: str) -> Problem:
    return Problem(path, message(path, f"Too many: {n}: must have at most {limit} items"), rule)


def static_suffix(name, rule: str) -> List[Problem]:
    """``ValidateStaticSuffix`` (registry strategies, 1.37)."""
    if isinstance(name, str) and name.endswith(STATIC_SUFFIX):
        return [
            invalid(
                ("metadata", "name"),
                name,
                f'names ending with "{STATIC_SUFFIX}" are reserved for static manifest-based configurations and '
                "cannot be managed via the API",
                rule,
            )
        ]
    return []


# --- the policy ---------------------------------------------------------------


def validate_policy(policy, compile_problems: Callable) -> List[Problem]:
    """``validateValidatingAdmissionPolicySpec`` (+ ``ValidateStaticSuffix``).

    ``policy`` is a :class:`kubelint.admission.policy.Policy` (its spec and
    compiled expressions); ``compile_problems(path, compiled)`` gives the
    problems of one compiled expression."""
    rule = RULE_POLICY
    spec = policy.spec
    sp = ("spec",)
    out: List[Problem] = []
    fp = spec.get("failurePolicy")
    if fp is not None and fp not in FAILURE_POLICIES:
        out.append(unsupported(sp + ("failurePolicy",), fp, FAILURE_POLICIES, rule))
    if spec.get("paramKind") is not None:
        out.extend(validate_param_kind(_d(spec.get("paramKind")), sp + ("paramKind",), rule))
    mc = spec.get("matchConstraints")
    if mc is None or not isinstance(mc, dict):
        out.append(required(sp + ("matchConstraints",), "", rule, anchor=sp))
    else:
        out.extend(validate_match_resources(mc, sp + ("matchConstraints",), rule))
        if not _l(mc.get("resourceRules")):
            out.append(
                required(sp + ("matchConstraints", "resourceRules"), "", rule, anchor=sp + ("matchConstraints",))
            )
    out.extend(_match_conditions(policy, compile_problems, rule))
    for i, (_name, c) in enumerate(policy.variables):
        out.extend(_variable(_d(_l(spec.get("variables"))[i]), c, sp + ("variables", i), compile_problems, rule))
    raw_validations = _l(spec.get("validations"))
    raw_audit = _l(spec.get("auditAnnotations"))
    if not raw_validations and not raw_audit:
        msg = "validations or auditAnnotations must contain at least one item"
        out.append(required(sp + ("validations",), msg, rule, anchor=sp))
        out.append(required(sp + ("auditAnnotations",), msg, rule, anchor=sp))
    else:
        for val in policy.validations:
            out.extend(
                _validation(
                    _d(raw_validations[val.index]), val, sp + ("validations", val.index), compile_problems, rule
                )
            )
        if len(raw_audit) > MAX_AUDIT_ANNOTATIONS:
            shown = [
                {"Key": _s(_d(a).get("key")), "ValueExpression": _s(_d(a).get("valueExpression"))} for a in raw_audit
            ]
            out.append(
                invalid_json(
                    sp + ("auditAnnotations",),
                    shown,
                    f"must not have more than {MAX_AUDIT_ANNOTATIONS} auditAnnotations",
                    rule,
                )
            )
        keys = set()
        for i, (key, c) in enumerate(policy.audit):
            p = sp + ("auditAnnotations", i)
            out.extend(_audit_annotation(policy.name, _d(raw_audit[i]), c, p, compile_problems, rule))
            if key in keys:
                out.append(duplicate(p + ("key",), key, rule))
            keys.add(key)
    out.extend(static_suffix(policy.name, rule))
    return out


def validate_param_kind(pk: dict, path, rule: str) -> List[Problem]:
    """``validateParamKind``: apiVersion (``parseGroupVersion``; the group a
    DNS-1123 subdomain, the version a DNS-1035 label) and kind (a DNS-1035
    label once lower-cased)."""
    out: List[Problem] = []
    api_version = _s(pk.get("apiVersion"))
    ap = path + ("apiVersion",)
    if not api_version:
        out.append(required(ap, "", rule, anchor=path))
    elif api_version.count("/") > 1:
        out.append(invalid(ap, api_version, f"unexpected GroupVersion string: {api_version}", rule))
    else:
        if api_version == "/":
            group, version = "", ""
        elif "/" in api_version:
            group, _, version = api_version.partition("/")
        else:
            group, version = "", api_version
        if group:
            errs = v.is_dns1123_subdomain(group)
            if errs:
                out.append(invalid(ap, group, ",".join(errs), rule))
        if not version:
            out.append(invalid(ap, api_version, "version must be specified", rule))
        else:
            errs = v.is_dns1035_label(version)
            if errs:
                out.append(invalid(ap, version, ",".join(errs), rule))
    kind = _s(pk.get("kind"))
    if not kind:
        out.append(required(path + ("kind",), "", rule, anchor=path))
    else:
        errs = v.is_dns1035_label(kind.lower())
        if errs:
            out.append(
                invalid(
                    path + ("kind",), kind, "may have mixed case, but should otherwise match: " + ",".join(errs), rule
                )
            )
    return out


def _match_conditions(policy, compile_problems, rule: str) -> List[Problem]:
    """``validateMatchConditions``: at most 64, each ``validateMatchCondition``
    (expression, a qualified name), names unique."""
    sp = ("spec", "matchConditions")
    raw = _l(policy.spec.get("matchConditions"))
    out: List[Problem] = []
    if len(raw) > MAX_MATCH_CONDITIONS:
        out.append(too_many(sp, len(raw), MAX_MATCH_CONDITIONS, rule))
    names = set()
    for i, (name, c) in enumerate(policy.match_conditions):
        p = sp + (i,)
        if c is None:
            out.append(required(p + ("expression",), "", rule, anchor=p))
        else:
            out.extend(compile_problems(p + ("expression",), c, rule))
        raw_name = _d(raw[i]).get("name")
        if raw_name is not None and not isinstance(raw_name, str):
            continue  # a wrong type: the schema stage reports it (the server cannot decode the policy)
        if not name:
            out.append(required(p + ("name",), "", rule, anchor=p))
            continue
        for msg in v.is_qualified_name(name):
            out.append(invalid(p + ("name",), name, msg, rule))
        if name in names:
            out.append(duplicate(p + ("name",), name, rule))
        names.add(name)
    return out


def _variable(raw: dict, c, p, compile_problems, rule: str) -> List[Problem]:
    """``validateVariable``: a CEL identifier and an expression."""
    out: List[Problem] = []
    name = _s(raw.get("name"))
    if not name.strip():
        out.append(required(p + ("name",), "name is not specified", rule, anchor=p))
    elif not _CEL_IDENT.match(name) or name in CEL_RESERVED:
        out.append(invalid(p + ("name",), name, "must be a valid CEL identifier", rule))
    if c is None:
        out.append(required(p + ("expression",), "expression is not specified", rule, anchor=p))
    else:
        out.extend(compile_problems(p + ("expression",), c, rule))
    return out


def _validation(raw: dict, val, p, compile_problems, rule: str) -> List[Problem]:
    """``validateValidation``: expression, messageExpression, message, reason."""
    out: List[Problem] = []
    if val.expr is None:
        out.append(required(p + ("expression",), "expression is not specified", rule, anchor=p))
    else:
        out.extend(compile_problems(p + ("expression",), val.expr, rule))
    me = _s(raw.get("messageExpression"))
    if me and not me.strip():
        out.append(invalid(p + ("messageExpression",), me, "must be non-empty if specified", rule))
    elif val.message_expr is not None:
        out.extend(compile_problems(p + ("messageExpression",), val.message_expr, rule))
    msg = _s(raw.get("message"))
    if msg and not msg.strip():
        out.append(invalid(p + ("message",), msg, "must be non-empty if specified", rule))
    elif _NEWLINES.search(msg.strip()):
        out.append(invalid(p + ("message",), msg, "must not contain line breaks", rule))
    reason = raw.get("reason")
    if reason is not None and reason not in REASONS:
        out.append(unsupported(p + ("reason",), reason, REASONS, rule))
    return out


def _audit_annotation(policy_name: str, raw: dict, c, p, compile_problems, rule: str) -> List[Problem]:
    """``validateAuditAnnotation``: ``<policy name>/<key>`` a qualified name,
    a valueExpression of at most 5 KiB."""
    out: List[Problem] = []
    key = _s(raw.get("key"))
    if policy_name:
        for msg in v.is_qualified_name(policy_name + "/" + key):
            out.append(invalid(p + ("key",), policy_name + "/" + key, msg, rule))
    else:
        out.append(invalid(p + ("key",), key, "requires metadata.name be non-empty", rule))
    ve = _s(raw.get("valueExpression")).strip()
    if not ve:
        out.append(required(p + ("valueExpression",), "valueExpression is not specified", rule, anchor=p))
    elif len(ve.encode()) > MAX_VALUE_EXPRESSION:
        out.append(required(p + ("valueExpression",), f"must not exceed {MAX_VALUE_EXPRESSION} bytes in length", rule))
    elif c is not None:
        out.extend(compile_problems(p + ("valueExpression",), c, rule))
    return out


# --- matchConstraints / matchResources ------------------------------------------


def validate_match_resources(mr: dict, path, rule: str) -> List[Problem]:
    """``validateMatchResources`` (after defaulting: a null matchPolicy or
    selector is the default, not an error)."""
    out: List[Problem] = []
    mp = mr.get("matchPolicy")
    if mp is not None and mp not in MATCH_POLICIES:
        out.append(unsupported(path + ("matchPolicy",), mp, MATCH_POLICIES, rule))
    for sel in ("namespaceSelector", "objectSelector"):
        if isinstance(mr.get(sel), dict):
            out.extend(validate_label_selector(mr[sel], path + (sel,), rule))
    for key in ("resourceRules", "excludeResourceRules"):
        for i, r in enumerate(_l(mr.get(key))):
            out.extend(_named_rule(_d(r), path + (key, i), rule))
    return out


def _named_rule(r: dict, rp, rule: str) -> List[Problem]:
    """``validateNamedRuleWithOperations``: resourceNames (path segment
    names, unique), then ``validateRuleWithOperations``."""
    out: List[Problem] = []
    seen = set()
    for j, n in enumerate(_l(r.get("resourceNames"))):
        if not isinstance(n, str):
            continue
        for msg in is_valid_path_segment_name(n):
            out.append(invalid(rp + ("resourceNames", j), n, msg, rule))
        if n in seen:
            out.append(duplicate(rp + ("resourceNames", j), n, rule))
        else:
            seen.add(n)
    ops = _l(r.get("operations"))
    if not ops:
        out.append(required(rp + ("operations",), "", rule, anchor=rp))
    if len(ops) > 1 and "*" in ops:
        out.append(
            invalid_json(rp + ("operations",), ops, "if '*' is present, must not specify other operations", rule)
        )
    for j, op in enumerate(ops):
        if op not in OPERATIONS:
            out.append(unsupported(rp + ("operations", j), op, OPERATIONS, rule))
    out.extend(_rule(r, rp, rule))
    return out


def _rule(r: dict, rp, rule: str) -> List[Problem]:
    """``validateRule`` with subresources allowed."""
    out: List[Problem] = []
    groups = _l(r.get("apiGroups"))
    if not groups:
        out.append(required(rp + ("apiGroups",), "", rule, anchor=rp))
    if len(groups) > 1 and "*" in groups:
        out.append(
            invalid_json(rp + ("apiGroups",), groups, "if '*' is present, must not specify other API groups", rule)
        )
    versions = _l(r.get("apiVersions"))
    if not versions:
        out.append(required(rp + ("apiVersions",), "", rule, anchor=rp))
    if len(versions) > 1 and "*" in versions:
        out.append(
            invalid_json(
                rp + ("apiVersions",), versions, "if '*' is present, must not specify other API versions", rule
            )
        )
    for j, ver in enumerate(versions):
        if ver == "":
            out.append(required(rp + ("apiVersions", j), "", rule))
    out.extend(_resources(_l(r.get("resources")), rp + ("resources",), rp, rule))
    scope = r.get("scope")
    if scope is not None and scope not in SCOPES:
        out.append(unsupported(rp + ("scope",), scope, SCOPES, rule))
    return out


def _resources(resources: list, path, parent, rule: str) -> List[Problem]:
    """``validateResources``: ``x/*`` and ``*/x`` exclude the subresources
    they cover, ``*/*`` excludes everything else, ``*`` excludes resources
    without a subresource (the server's flag keeps the last entry's verdict:
    ``[pods, "*"]`` is accepted, oracle-confirmed)."""
    out: List[Problem] = []
    if not resources:
        out.append(required(path, "", rule, anchor=parent))
    res_wild_sub = set()  # x/*
    sub_wild_res = set()  # */x
    double = single = without_sub = False
    for i, rs in enumerate(resources):
        if not isinstance(rs, str):
            continue
        if rs == "":
            out.append(required(path + (i,), "", rule))
            continue
        if rs == "*/*":
            double = True
        if rs == "*":
            single = True
        if "/" not in rs:
            without_sub = rs != "*"
            continue
        res, _, sub = rs.partition("/")
        if res in res_wild_sub:
            out.append(invalid(path + (i,), rs, f"if '{res}/*' is present, must not specify {rs}", rule))
        if sub in sub_wild_res:
            out.append(invalid(path + (i,), rs, f"if '*/{sub}' is present, must not specify {rs}", rule))
        if sub == "*":
            res_wild_sub.add(res)
        if res == "*":
            sub_wild_res.add(sub)
    if len(resources) > 1 and double:
        out.append(invalid_json(path, resources, "if '*/*' is present, must not specify other resources", rule))
    if single and without_sub:
        out.append(
            invalid_json(
                path, resources, "if '*' is present, must not specify other resources without subresources", rule
            )
        )
    return out


# --- the binding ----------------------------------------------------------------


def validate_binding(spec: dict, name, rule: str = RULE_BINDING) -> List[Problem]:
    """``validateValidatingAdmissionPolicyBindingSpec``, then the declarative
    ``Required value`` of policyName and validationActions, then
    ``ValidateStaticSuffix``."""
    sp = ("spec",)
    out: List[Problem] = []
    policy_name = _s(spec.get("policyName"))
    if policy_name:
        for msg in name_is_dns_subdomain(policy_name, False):
            out.append(invalid(sp + ("policyName",), policy_name, msg, rule))
    if spec.get("paramRef") is not None:
        out.extend(validate_param_ref(_d(spec.get("paramRef")), sp + ("paramRef",), rule))
    if isinstance(spec.get("matchResources"), dict):
        out.extend(validate_match_resources(spec["matchResources"], sp + ("matchResources",), rule))
    actions = _l(spec.get("validationActions"))
    ap = sp + ("validationActions",)
    seen = set()
    for i, a in enumerate(actions):
        if a not in ACTIONS:
            out.append(unsupported(ap + (i,), a, ACTIONS, rule))
        if a in seen:
            out.append(duplicate(ap + (i,), a, rule))
        seen.add(a)
    if "Deny" in seen and "Warn" in seen:
        out.append(
            invalid_json(
                ap,
                actions,
                "must not contain both Deny and Warn (repeating the same validation failure information in the API "
                "response and headers serves no purpose)",
                rule,
            )
        )
    # declarative validation (+k8s:required), reported after the hand-written checks
    if not policy_name:
        out.append(required(sp + ("policyName",), "", rule, anchor=sp))
    if not actions:
        out.append(required(ap, "", rule, anchor=sp))
    out.extend(static_suffix(name, rule))
    return out


def validate_param_ref(pr: dict, path, rule: str) -> List[Problem]:
    """``validateParamRef``: name (a path segment name) xor selector (a valid
    label selector), and parameterNotFoundAction Deny or Allow."""
    out: List[Problem] = []
    name = _s(pr.get("name"))
    selector = pr.get("selector")
    if name:
        for msg in is_valid_path_segment_name(name):
            out.append(invalid(path + ("name",), name, msg, rule))
        if selector is not None:
            out.append(forbidden(path + ("name",), "name and selector are mutually exclusive", rule))
    if selector is not None:
        out.extend(validate_label_selector(_d(selector), path + ("selector",), rule))
        if name:
            out.append(forbidden(path + ("selector",), "name and selector are mutually exclusive", rule))
    if not name and selector is None:
        out.append(required(path, "one of name or selector must be specified", rule))
    pna = pr.get("parameterNotFoundAction")
    if not pna:
        out.append(required(path + ("parameterNotFoundAction",), "", rule, anchor=path))
    elif pna not in NOT_FOUND_ACTIONS:
        out.append(unsupported(path + ("parameterNotFoundAction",), pna, NOT_FOUND_ACTIONS, rule))
    return out
