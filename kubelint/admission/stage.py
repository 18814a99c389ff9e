"""The admission stage: ValidatingAdmissionPolicies and custom CEL rules
evaluated on every object of the run (see the package docstring and
docs/policies.md).

    stage = AdmissionStage(version, settings, schema_stage)
    stage.prepare(all_objects, ctx)
    stage.check_object(obj, ctx) -> [Problem]
"""

from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Tuple

from ..celtypes import for_version
from ..findings import ERROR, INFO, WARNING, Finding, Problem
from . import celenv
from .conversion import NotConvertible, convert
from .activation import Env, NotEvaluable
from .defaults import defaulted
from .matching import NOT_EVALUABLE, Request, Resources, matches, request_for, selector_matches
from .policy import (
    BINDING_KIND,
    GROUP,
    POLICY_KIND,
    RULE_BINDING_INVALID,
    RULE_INVALID,
    Binding,
    Policy,
    cross_checks,
    type_check,
    types_to_check,
)

RULE_DENIED = "admission-policy-denied"
RULE_WARNED = "admission-policy-warning"
RULE_AUDIT = "admission-policy-audit"
RULE_NOT_EVALUATED = "admission-policy-not-evaluated"

ACTION_RULES = {"Deny": (RULE_DENIED, ERROR), "Warn": (RULE_WARNED, WARNING), "Audit": (RULE_AUDIT, INFO)}

# The admission plugin never applies policies to its own configuration
# (rules.IsExemptAdmissionConfigurationResource).
_EXEMPT = {
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
}
# Namespaces every cluster has, with the one label the server gives every namespace.
WELL_KNOWN_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
DEFAULT_USER = {"username": "kubelint", "groups": ["system:authenticated"]}


class AdmissionStage:
    name = "admission"
    # RULE_NOT_EVALUATED is reported on every object it concerns ("not evaluated on this
    # object"), by the serial and the parallel run alike: no once-per-run state here.

    def __init__(self, version: str, settings, schema_stage=None):
        self.version = version
        self.settings = settings
        self.schemas = schema_stage.schemas if schema_stage is not None else None
        self.policies: Dict[str, Policy] = {}
        self.policy_order: List[str] = []
        self.bindings: List[Binding] = []
        self.by_policy: Dict[str, List[Binding]] = {}
        self.resources = Resources()
        self.namespaces: Dict[str, dict] = {}
        self.objects_by_kind: Dict[Tuple[str, str], list] = {}
        self.cross: Dict[int, List[Problem]] = {}
        self.default_namespace = settings.default_namespace or "default"
        config = settings.config
        # The configuration's namespace-labels (settings.build merges them too; Settings()
        # built directly may carry only a Config), then the flags': ((ns, ((k, v), ...)), ...)
        self.namespace_labels: Dict[str, Dict[str, str]] = dict(config.namespace_labels) if config is not None else {}
        for ns, labels in settings.namespace_labels:
            self.namespace_labels[ns] = dict(labels)
        user = (config.request_user if config is not None else None) or DEFAULT_USER
        self.user = {"username": user.get("username", ""), "groups": list(user.get("groups") or [])}
        if user.get("uid"):
            self.user["uid"] = user["uid"]
        self.custom = []
        for spec in config.custom_rules if config is not None else ():
            from .custom import CustomRule

            self.custom.append(CustomRule(spec))
        self._ctx = None
        self._object = (None, None)
        self._conversions: Dict[tuple, object] = {}
        self._bound: Dict[str, object] = {}
        self._bound_paths = None
        self._paths: Dict[object, object] = {}  # Policy -> celenv.selected_paths of its expressions
        self._params_cache: Dict[int, dict] = {}
        self._sizes = (None, 0)
        self._typed: Dict[str, List[Problem]] = {}
        self._active = None  # [(policy, its bindings the server accepts)]: set by _policies, reset by prepare

    # -- prepare -----------------------------------------------------------
    def prepare(self, objects, ctx=None) -> None:
        with for_version(self.version):  # the CEL environment of --kubernetes-version
            return self._prepare(objects, ctx)

    def _prepare(self, objects, ctx=None) -> None:
        self._active = None
        for obj in objects:
            if obj.group == "apiextensions.k8s.io" and obj.kind == "CustomResourceDefinition":
                self.resources.add_crd(obj.data)
        for obj in objects:
            self.objects_by_kind.setdefault((obj.api_version, obj.kind), []).append(obj)
            if obj.group == GROUP and obj.version == "v1" and obj.kind == POLICY_KIND and obj.name:
                if obj.name not in self.policies:
                    self.policy_order.append(obj.name)
                self.policies[obj.name] = Policy(obj)
            elif obj.group == GROUP and obj.version == "v1" and obj.kind == BINDING_KIND and obj.name:
                self.bindings.append(Binding(obj))
            elif obj.group == "" and obj.kind == "Namespace" and obj.name:
                self.namespaces[obj.name] = defaulted(obj.data, "", "Namespace", "")
        # The informer lists by name: bindings and policies in name order.
        self.policy_order.sort()
        self.bindings.sort(key=lambda b: b.name)
        for b in self.bindings:
            self.by_policy.setdefault(b.policy_name, []).append(b)
        for obj, problem in cross_checks(self.policies, self.bindings):
            self.cross.setdefault(id(obj), []).append(problem)
        if self.policies and self.schemas is not None:
            for name, p in self.policies.items():
                if p.invalid or p.obj.context_only:
                    continue
                kinds = types_to_check(p.match, self.schemas, self.resources)
                self._typed[name] = type_check(p, self.schemas, kinds) if kinds else []

    # -- per object ----------------------------------------------------------
    def check_object(self, obj, ctx=None) -> List[Problem]:
        with for_version(self.version):  # the CEL environment of --kubernetes-version
            return self._check_object(obj, ctx)

    def _check_object(self, obj, ctx=None) -> List[Problem]:
        out: List[Problem] = []
        if obj.group == GROUP and obj.version == "v1" and obj.kind == POLICY_KIND:
            p = self.policies.get(obj.name or "")
            if p is not None and p.obj is obj:
                out.extend(_with_severity(p.problems, ERROR))
                out.extend(self._typed.get(p.name, ()))
            elif p is None:
                out.extend(_with_severity(Policy(obj).problems, ERROR))
        elif obj.group == GROUP and obj.version == "v1" and obj.kind == BINDING_KIND:
            for b in self.bindings:
                if b.obj is obj:
                    out.extend(_with_severity(b.problems, ERROR))
        out.extend(self.cross.get(id(obj), ()))
        if obj.kind in _EXEMPT and obj.group == GROUP or not obj.kind or not obj.version:
            return out
        if not self.policies and not self.custom:
            return out
        req = request_for(obj, self.resources, self.default_namespace)
        if req is None:
            return out
        if self.policies and self.bindings:
            out.extend(self._policies(obj, req))
        if self.custom:
            from .custom import evaluate_custom

            out.extend(evaluate_custom(self, obj, req))
        return out

    # -- --policy files --------------------------------------------------------
    def check_all(self, objects, ctx=None) -> List[Finding]:
        with for_version(self.version):  # the CEL environment of --kubernetes-version
            return self._check_all(objects, ctx)

    def _check_all(self, objects, ctx=None) -> List[Finding]:
        """The refusals of policies and bindings in ``--policy`` / ``policy:``
        files.  Those files are context, never reported on, except for this:
        a policy or binding there that the server would refuse to create
        enforces nothing, and kubelint does not evaluate it, so the user is
        told why, with the server's text, at its line (inputs are reported
        by :meth:`check_object`)."""
        out: List[Finding] = []
        for obj in objects:
            if not obj.context_only or obj.group != GROUP or obj.version != "v1":
                continue
            if obj.kind == POLICY_KIND:
                p = self.policies.get(obj.name or "")
                compiled = p if p is not None and p.obj is obj else Policy(obj)
                what = "ValidatingAdmissionPolicy"
            elif obj.kind == BINDING_KIND:
                compiled = next((b for b in self.bindings if b.obj is obj), None) or Binding(obj)
                what = "ValidatingAdmissionPolicyBinding"
            else:
                continue
            hint = (
                f" (a --policy/--context file: the server refuses to create this {what}, so kubelint does not "
                "evaluate it)"
            )
            for problem in list(compiled.meta_problems) + list(compiled.problems):
                if problem.severity not in (None, ERROR) or problem.rule not in (RULE_INVALID, RULE_BINDING_INVALID):
                    continue
                out.append(obj.finding(problem._replace(message=problem.message + hint), problem.rule, ERROR))
        return out

    # -- the dispatcher ------------------------------------------------------
    def namespace_object(self, req: Request):
        """(known, value): the request's Namespace as CEL sees it."""
        if not req.namespace or (req.group == "" and req.resource == "namespaces"):
            return True, None
        ns = self.namespaces.get(req.namespace)
        if ns is not None:
            return True, _namespace_view(ns)
        if req.namespace in self.namespace_labels or req.namespace in WELL_KNOWN_NAMESPACES:
            labels = dict(self.namespace_labels.get(req.namespace) or {})
            labels["kubernetes.io/metadata.name"] = req.namespace
            return True, {
                "metadata": {"name": req.namespace, "labels": labels},
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"},
            }
        return False, None

    def _policies(self, obj, req: Request) -> List[Problem]:
        out: List[Problem] = []
        known_ns, ns_obj = self.namespace_object(req)
        ns_labels = (ns_obj or {}).get("metadata", {}).get("labels", {}) if known_ns else None
        if req.group == "" and req.resource == "namespaces":
            ns_labels = dict(req.labels, **{"kubernetes.io/metadata.name": req.name}) if req.name else req.labels
            req = Request(
                req.group, req.version, req.kind, req.resource, req.namespace, req.name, req.namespaced, ns_labels
            )
        obj_value = None
        if self._active is None:  # the policies and bindings the server accepts: fixed once prepared
            self._active = []
            for pname in self.policy_order:
                policy = self.policies[pname]
                if policy.invalid:
                    continue
                bindings = [b for b in self.by_policy.get(pname, ()) if not b.invalid]
                if bindings:
                    self._active.append((policy, bindings))
        for policy, bindings in self._active:
            m, equivalent = matches(policy.match, req, ns_labels, self.resources)
            if m is False:
                continue
            if m is NOT_EVALUABLE:
                out.append(
                    self._not_evaluated(
                        policy,
                        None,
                        f"its namespaceSelector needs the labels of namespace "
                        f"'{req.namespace}', which is not in the input; give them with "
                        "--namespace-labels or namespace-labels: in .kubelint.yaml",
                    )
                )
                continue
            # matchPolicy Equivalent: the object converted to the kind the policy matched
            preq, pvalue = req, None
            if equivalent is not None:
                try:
                    preq, pvalue = self._converted(obj, req, equivalent)
                except NotConvertible as exc:
                    out.append(
                        self._not_evaluated(policy, None, f"it matches through matchPolicy: Equivalent and {exc}")
                    )
                    continue
            elif obj_value is None:
                obj_value = self.object_value(obj, req)
            for binding in bindings:
                if binding.match is not None:
                    # a binding narrows by match only (the dispatcher evaluates at the policy's matched kind)
                    bm, _equivalent = matches(binding.match, req, ns_labels, self.resources)
                    if bm is False:
                        continue
                    if bm is NOT_EVALUABLE:
                        out.append(
                            self._not_evaluated(
                                policy,
                                binding,
                                "its binding's matchResources needs the labels "
                                f"of namespace '{req.namespace}' (give them with "
                                "--namespace-labels)",
                            )
                        )
                        continue
                params, err = self._collect_params(policy, binding, req)
                if isinstance(err, _NotKnown):
                    out.append(self._not_evaluated(policy, binding, str(err)))
                    continue
                if err is not None:
                    if policy.failure_policy == "Fail":
                        out.append(
                            Problem(
                                (),
                                f"ValidatingAdmissionPolicy '{policy.name}' with binding "
                                f"'{binding.name}' denied request: failed to configure binding: {err}",
                                RULE_DENIED,
                                ERROR,
                            )
                        )
                    continue
                value = obj_value if pvalue is None else pvalue
                for param in params:
                    out.extend(self._validate(policy, binding, preq, value, param, known_ns, ns_obj))
        return out

    def _collect_params(self, policy: Policy, binding: Binding, req: Request):
        """``generic.CollectParams``: ([param or None, ...], error text or None)."""
        pk = policy.param_kind
        ref = binding.param_ref
        if pk is None or ref is None:
            return [None], None
        api_version, kind = pk
        group = api_version.rpartition("/")[0]
        known = (group, kind) in self.resources.crds or (
            self.schemas is not None and self.schemas.root(api_version, kind)
        )
        if not known:
            return [], _NotKnown(
                f"its paramKind {kind} ({api_version}) is neither a built-in kind nor a CRD of the input"
            )
        _res, namespaced = self.resources.lookup(group, kind)
        ref_ns = ref.get("namespace") if isinstance(ref.get("namespace"), str) else ""
        ns = None
        if namespaced:
            ns = ref_ns or req.namespace
            if not ns:
                return [], "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources"
        elif ref_ns:
            return [], "paramRef.namespace must not be provided for a cluster-scoped `paramKind`"
        candidates = [
            o
            for o in self.objects_by_kind.get((api_version, kind), ())
            if not namespaced or (o.namespace or self.default_namespace) == ns
        ]
        name = ref.get("name") if isinstance(ref.get("name"), str) else ""
        if name:
            params = [o for o in candidates if o.name == name][-1:]
        elif isinstance(ref.get("selector"), dict):
            params = sorted(
                (o for o in candidates if selector_matches(ref["selector"], o.labels)), key=lambda o: o.name or ""
            )
        else:
            return [], "one of name or selector must be provided"
        if not params and ref.get("parameterNotFoundAction") == "Deny":
            return [], "no params found for policy binding with `Deny` parameterNotFoundAction"
        return params, None

    def _not_evaluated(self, policy: Policy, binding: Optional[Binding], why: str) -> Problem:
        who = f"ValidatingAdmissionPolicy '{policy.name}'" + (f" with binding '{binding.name}'" if binding else "")
        return Problem(
            (), f"{who} not evaluated on this object: {why}; the cluster may still deny it", RULE_NOT_EVALUATED, INFO
        )

    def _converted(self, obj, req: Request, equivalent):
        """(the request naming the matched kind, the object converted to it),
        once per object and kind (``VersionedAttributes``)."""
        key = (id(obj), equivalent)
        hit = self._conversions.get(key)
        if hit is None:
            if self._conversions and next(iter(self._conversions))[0] != id(obj):
                self._conversions.clear()
            g, v, res, kind = equivalent
            strategy = self.resources.crd_strategy.get((g, kind)) if (g, res) in self.resources.crd_versions else None
            try:
                value = convert(self.object_value(obj, req), (req.group, req.version, req.kind), (g, v, kind), strategy)
                creq = dataclasses.replace(
                    req,
                    group=g,
                    version=v,
                    kind=kind,
                    resource=res,
                    requested=(req.group, req.version, req.kind, req.resource),
                )
                hit = (creq, value)
            except NotConvertible as exc:
                hit = exc
            self._conversions[key] = hit
        if isinstance(hit, NotConvertible):
            raise hit
        return hit

    def object_value(self, obj, req):
        """The object as CEL sees it (defaulted), once per object."""
        if self._object[0] is not obj:
            self._object = (obj, defaulted(obj.data, obj.group, obj.kind, req.namespace))
        return self._object[1]

    def largest_collection(self, strings: bool) -> int:
        """The largest list or map (or string, for split()) among the bound
        object, params and namespace: bounds the cost of comprehensions."""
        values = [self._bound.get(k) for k in ("object", "params", "namespaceObject")]
        key = (tuple(id(v) for v in values), strings)
        if self._sizes[0] != key:
            self._sizes = (key, max(celenv.largest_collection(v, strings) for v in values))
        return self._sizes[1]

    def bind(self, obj_value, req, known_ns, ns_obj, params_value, paths=None) -> None:
        """Bind the activation's variables, converting a value into the engine
        only when it changed (the object once for all policies, not per
        policy and binding).  ``paths``: the fields of the object the
        policy's expressions read (:func:`celenv.selected_paths`; None: all);
        only those are converted."""
        ctx = self._context()
        want = {
            "object": obj_value,
            "oldObject": None,
            "params": params_value,
            "request": req,
            "namespaceObject": ns_obj if known_ns else None,
        }
        for name, value in want.items():
            held = self._bound.get(name, _UNBOUND)
            if held is value and (name != "object" or self._bound_paths == paths):
                continue
            self._bound[name] = value  # whole, for largest_collection
            if name == "request":
                value = self._request(req)
            elif name == "object":
                self._bound_paths = paths
                value = celenv.prune(value, paths)
            ctx.add_variable(name, value)

    def _context(self):
        if self._ctx is None:
            self._ctx = celenv.new_context()
        return self._ctx

    def _validate(self, policy, binding, req, obj_value, param, known_ns, ns_obj) -> List[Problem]:
        """``validator.Validate`` for one policy, binding and param."""
        if not celenv.available():
            return [
                self._not_evaluated(policy, binding, "the CEL engine (common-expression-language) is not installed")
            ]
        ctx = self._context()
        params_value = self._params_value(param)
        self.bind(obj_value, req, known_ns, ns_obj, params_value, self._object_paths(policy))
        env = Env(self, policy, binding, ctx, known_ns)
        env.nulls = {"params": params_value is None, "oldObject": True, "namespaceObject": not ns_obj}
        fail = policy.failure_policy != "Ignore"
        # matchConditions (matchconditions.Matcher.Match)
        errors = []
        for name, c in policy.match_conditions:
            try:
                result, err = env.run(c)
            except NotEvaluable as exc:
                return [self._not_evaluated(policy, binding, f"matchConditions '{name}' {exc}")]
            if err is not None:
                errors.append(err)
            elif result is False:
                return []
            elif result is not True:  # cel-go's checker makes this a bool: an engine difference
                return [
                    self._not_evaluated(
                        policy,
                        binding,
                        f"matchConditions '{name}' returned "
                        f"{type(result).__name__}, not a bool, in kubelint's CEL engine",
                    )
                ]
        decisions: List[Tuple[str, Optional[str]]] = []  # (message, reason)
        if errors:
            if not fail:
                return []
            decisions.append((errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]", None))
        else:
            decisions.extend(self._validation_decisions(policy, env, fail))
        if not errors:
            decisions.extend(self._audit_annotations(policy, env, fail))
        return self._decision_problems(policy, binding, decisions)

    def _object_paths(self, policy):
        """The fields of ``object`` the policy's expressions read (once per policy)."""
        paths = self._paths.get(policy, _UNBOUND)
        if paths is _UNBOUND:
            compiled = [c for _n, c in policy.match_conditions] + [c for _n, c in policy.variables]
            for v in policy.validations:
                compiled += [v.expr, v.message_expr]
            compiled += [c for _k, c in policy.audit]
            paths = celenv.selected_paths([c.expression for c in compiled if c is not None])
            self._paths[policy] = paths
        return paths

    def _params_value(self, param):
        """The defaulted CEL value of a param object (cached per object), or None without one."""
        if param is None:
            return None
        params_value = self._params_cache.get(id(param))
        if params_value is None:
            params_value = defaulted(
                param.data,
                param.group,
                param.kind,
                param.namespace
                or (self.default_namespace if self.resources.lookup(param.group, param.kind)[1] else ""),
            )
            self._params_cache[id(param)] = params_value
        return params_value

    def _validation_decisions(self, policy, env, fail) -> List[Tuple[Optional[str], Optional[str]]]:
        """(message, reason) of each failed validation; (None, why) for one kubelint could not evaluate."""
        decisions: List[Tuple[Optional[str], Optional[str]]] = []
        for v in policy.validations:
            try:
                result, err = env.run(v.expr)
            except NotEvaluable as exc:
                decisions.append((None, f"validations[{v.index}] {exc}"))
                continue
            if err is not None:
                if fail:
                    decisions.append((err, None))
                continue
            if result is True:
                continue
            if result is not False:  # cel-go's checker makes this a bool: an engine difference
                decisions.append(
                    (
                        None,
                        f"validations[{v.index}] returned {type(result).__name__}, not a bool, "
                        "in kubelint's CEL engine",
                    )
                )
                continue
            decisions.append((self._message(v, env), v.reason or "Invalid"))
        return decisions

    def _decision_problems(self, policy, binding, decisions) -> List[Problem]:
        """The findings of the decisions, one per validation action of the binding."""
        out = []
        for message, reason in decisions:
            if message is None:
                out.append(self._not_evaluated(policy, binding, reason))
                continue
            if reason == "!deny":  # an audit annotation error: denied whatever the validationActions
                who = f"ValidatingAdmissionPolicy '{policy.name}' with binding '{binding.name}'"
                out.append(Problem((), f"{who} denied request: {message}", RULE_DENIED, ERROR))
                continue
            for action in binding.actions:
                rule, sev = ACTION_RULES.get(action, (None, None))
                if rule is None:
                    continue
                who = f"ValidatingAdmissionPolicy '{policy.name}' with binding '{binding.name}'"
                if action == "Deny":
                    text = f"{who} denied request: {message}"
                elif action == "Warn":
                    text = f"Validation failed for {who}: {message}"
                else:
                    text = (
                        f"ValidatingAdmissionPolicy '{policy.name}' with binding '{binding.name}' (Audit): {message} "
                        "(recorded in the audit log, the request is allowed)"
                    )
                out.append(Problem((), text, rule, sev))
        return out

    def _audit_annotations(self, policy, env, fail) -> List[Tuple[Optional[str], Optional[str]]]:
        """``validator.Validate``'s audit annotations: a valueExpression that
        fails denies under failurePolicy Fail; one that is neither a string
        nor null denies whatever the failure policy.  The denial is not
        subject to validationActions (``Dispatch`` adds it to the denied
        decisions directly): reason ``"!deny"`` marks it."""
        out: List[Tuple[Optional[str], Optional[str]]] = []
        for key, c in policy.audit:
            if c is None or c.error:
                continue
            try:
                res, err = env.run(c)
            except NotEvaluable as exc:
                out.append((None, f"auditAnnotations '{key}' {exc}"))
                continue
            if err is not None:
                if fail:
                    out.append((err, "!deny"))
            elif res is not None and not isinstance(res, str):
                t = {bool: "bool", int: "int", float: "double", list: "list", dict: "map"}.get(type(res), "dyn")
                out.append(
                    (
                        f"valueExpression '{c.expression}' resulted in unsupported return type: {t}. "
                        "Return type must be either string or null.",
                        "!deny",
                    )
                )
        return out

    def _message(self, v, env) -> str:
        """The failure message: messageExpression (a non-empty one-line string
        of at most 5 KiB), else message, else ``failed expression: ...``."""
        message = ""
        if v.message_expr is not None and v.message_expr.error is None:
            try:
                res, err = env.run(v.message_expr)
            except NotEvaluable:
                res, err = None, "not evaluable"
            if err is None and isinstance(res, str):
                res = res.strip()
                if len(res.encode()) <= 5 * 1024 and "\n" not in res:
                    message = res
        if not message and v.message:
            message = v.message.strip()
        if not message:
            message = f"failed expression: {v.expr.expression.strip()}"
        return message

    def _request(self, req: Request) -> dict:
        kind = {"group": req.group, "version": req.version, "kind": req.kind}
        res = {"group": req.group, "version": req.version, "resource": req.resource}
        if req.requested is not None:  # matched through an equivalent kind: requestKind is the one sent
            g, v, k, r = req.requested
            requested_kind, requested_res = (
                {"group": g, "version": v, "kind": k},
                {"group": g, "version": v, "resource": r},
            )
        else:
            requested_kind, requested_res = dict(kind), dict(res)
        out = {
            "uid": "",
            "kind": kind,
            "resource": res,
            "requestKind": requested_kind,
            "requestResource": requested_res,
            "operation": req.operation,
            "userInfo": dict(self.user),
            "dryRun": False,
            "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"},
        }
        if req.name:
            out["name"] = req.name
        if req.namespace:
            out["namespace"] = req.namespace
        return out


_UNBOUND = object()


class _NotKnown(str):
    pass


def _with_severity(problems, severity):
    return [p if p.severity else p._replace(severity=severity) for p in problems]


def _rules_match(match: dict, req: Request) -> bool:
    from .matching import resource_rules_match

    ok, _ = resource_rules_match(match.get("resourceRules"), req, "Exact")
    return ok


def _namespace_view(ns: dict) -> dict:
    """``cel.CreateNamespaceObject``: metadata reduced to its public fields."""
    meta = ns.get("metadata") if isinstance(ns.get("metadata"), dict) else {}
    keep = (
        "name",
        "generateName",
        "namespace",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "labels",
        "annotations",
        "finalizers",
    )
    out = {"metadata": {k: meta[k] for k in keep if k in meta}}
    for k in ("spec", "status"):
        if isinstance(ns.get(k), dict):
            out[k] = ns[k]
    return celenv.to_value(out)
