"""Custom resources: validate them against their CustomResourceDefinitions,
offline, as the API server does.

The package, in the order data flows through it:

* :mod:`.ids` - the rule ids this package emits and the CRD kind constants;
* :mod:`.formats` - the string formats apiextensions validates (kube-openapi strfmt);
* :mod:`.compiler` - openAPIV3Schema -> a lazily compiled tree of :class:`~.compiler.Node`;
* :mod:`.walker` - a custom resource checked against a compiled schema (Problems);
* :mod:`.catalogue` - ``--schema-dir`` JSON-schema catalogues indexed by file name;
* :mod:`.structural` - the CRD object's own checks (``crd-invalid``);
* :mod:`.stage` - the pipeline stage (:class:`~.stage.CrdStage`) that ties them together.

Shared with the rest of kubelint: value printing (:mod:`kubelint.values`), Go RE2
patterns on RE2 (:mod:`kubelint.goregex`, also used by CEL's ``find()``),
CEL (:mod:`kubelint.cel`) and "did you mean" (:mod:`kubelint.suggest`).

Where schemas come from (all optional, combinable, order-independent):

* ``apiextensions.k8s.io/v1`` CustomResourceDefinitions anywhere in the run's
  input (wherever the CR appears relative to the CRD);
* ``--crd PATH`` (and ``crd:`` in ``.kubelint.yaml``): CRDs used as schema
  sources without being reported on (the runner loads them as
  ``context_only`` objects and hands every object to :meth:`CrdStage.prepare`);
* ``--schema-dir DIR``: JSON-schema catalogues — ``GROUP/KIND_VERSION.json``
  (the CRDs-catalog layout), kubeconform's ``KIND-GROUP-VERSION.json`` (full
  group or its first label), ``KIND_VERSION.json`` and ``KIND.json``; kind
  names lowercase as those catalogues write them.

Each version's ``openAPIV3Schema`` is compiled once per run into a tree of
:class:`Node` (a small walker in the style of :class:`kubelint.schema.Walker`,
not jsonschema per object: see bench/cel_compare.py and the docs for the
figures).  Validation follows the server's order for a create
(``customresource_handler.go`` / ``apiserver/validation``):

1. strict decoding: fields the structural schema does not declare are
   pruned by the server and rejected by strict field validation
   (``unknown-field``), unless ``x-kubernetes-preserve-unknown-fields``,
   ``additionalProperties`` or ``x-kubernetes-embedded-resource`` allows them;
2. ``PruneNonNullableNullsWithoutDefaults``: a ``null`` for a field that is
   not ``nullable`` is dropped (as if absent), then defaulting fills missing
   fields that have a ``default`` (``structuraldefaulting.Default``);
3. OpenAPI value validation (kube-openapi ``validate``): types, ``nullable``,
   ``required``, ``enum``, ``pattern`` (Go RE2 semantics), the formats
   apiextensions checks, min/max*, ``multipleOf``, ``allOf``/``anyOf``/
   ``oneOf``/``not``, ``x-kubernetes-int-or-string``;
4. ``validateListSetsAndMaps``: ``x-kubernetes-list-type: set|map`` items
   unique (``Duplicate value``), embedded resources need apiVersion/kind;
5. ``x-kubernetes-validations`` (CEL, :mod:`kubelint.cel`); transition rules
   (``oldSelf``) are skipped with an info, a rule that cannot be evaluated
   is an info naming the rule, never an error;
6. ``metadata`` like any object's (``ValidateObjectMetaAccessor`` with
   ``NameIsDNSSubdomain``), plus the schema's constraints on
   ``metadata.name``.

The CRD object itself is checked against the rules of
``apiextensions/validation/validation.go`` that matter before a CR is ever
created (``crd-invalid``).
"""

from __future__ import annotations

import sys

# The public names, imported on first use (PEP 562): ``from kubelint.crd import CrdStage``
# loads the stage alone, and the stage loads the compiler, walker and CRD checks when a run
# has custom resources.
_HOMES = {
    "CRD_GROUP": "ids",
    "CRD_KIND": "ids",
    "FORMATS": "formats",
    "Catalogue": "catalogue",
    "Crd": "stage",
    "CrdStage": "stage",
    "CrdVersion": "stage",
    "Node": "compiler",
    "Walker": "walker",
    "check_crd": "structural",
    "compile_schema": "compiler",
}
__all__ = sorted(_HOMES)


def __getattr__(name):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = f"{__name__}.{home}"
    __import__(module)  # importlib.import_module without importing importlib (and warnings): ~0.25 ms of a check
    return getattr(sys.modules[module], name)
