"""Admission: the cluster's ValidatingAdmissionPolicies and the team's own
CEL rules, evaluated offline on every object of the run.

Between the API-server checks and the rule engine (docs/architecture.md).
Interface, as every per-object stage::

    stage = AdmissionStage(version, settings, schema_stage)
    stage.prepare(all_objects, ctx)         # policies, bindings, params, namespaces, CRDs of the run
    stage.check_object(obj, ctx) -> [Problem]

What it ports (k8s.io/apiserver/pkg/admission/plugin/policy/...):

* ``validating/dispatcher.go`` ``dispatcher.Dispatch``: policies x bindings,
  ``addConfigError`` with the failure policy, the Deny/Warn/Audit actions and
  the message texts (``ValidatingAdmissionPolicy 'p' with binding 'b' denied
  request: ...``, ``Validation failed for ValidatingAdmissionPolicy 'p' with
  binding 'b': ...``);
* ``validating/validator.go`` ``validator.Validate``: matchConditions, then
  the validations with message / messageExpression / reason and the failure
  policy for run-time errors;
* ``generic/policy_dispatcher.go`` ``CollectParams``: paramRef name,
  namespace, selector, parameterNotFoundAction and their error texts;
* ``matching/matching.go`` (see :mod:`.matching`) with ``matchPolicy:
  Equivalent`` and the object converted to the matched version
  (:mod:`.conversion`); the creation checks of
  ``pkg/apis/admissionregistration/validation/validation.go`` (see
  :mod:`.creation`); the CEL variables of
  ``plugin/cel/activation.go`` and ``condition.go`` (see :mod:`.celenv`).

Never a false error: what cannot be decided offline (the ``authorizer``, a
namespace whose labels are unknown, a library function or syntax the engine
lacks, a conversion kubelint does not implement) is one ``info`` finding
(``admission-policy-not-evaluated``) saying why, never a denial.

Modules: :mod:`.stage` (the stage and the dispatcher), :mod:`.creation`
(the server's creation checks), :mod:`.conversion` (equivalent resources),
:mod:`.activation`
(CEL variables, lazy policy variables), :mod:`.celenv` (the CEL environment),
:mod:`.matching`, :mod:`.policy` (compiled policies and bindings, creation
checks, type checking), :mod:`.defaults` (the object as the server stores
it), :mod:`.custom` and :mod:`.examples` (custom rules and ``rules --test``),
:mod:`.config` and :mod:`.nslabels` (configuration keys and flags).  This
file imports nothing, so importing any of them stays cheap and acyclic.
"""
