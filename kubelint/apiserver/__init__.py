"""API-server checks: what the Kubernetes Go validation enforces beyond the
schema (``pkg/apis/*/validation/validation.go`` and apimachinery's
``util/validation``), plus the defaulting (``pkg/apis/*/v1/defaults.go``)
that changes a verdict.

Validators live in the modules of this package, one per API family, and
register themselves with :func:`validates`::

    @validates(("apps", "Deployment"))
    def deployment(obj, ctx):          # ctx: ApiContext
        yield Problem(("spec", "replicas"), "Invalid value: -1: must be ...", "invalid-value")

Each yields :class:`~kubelint.findings.Problem` with its ``rule`` set (an id
with an entry in ``rules/apiserver.yaml``); severity defaults to ``error``
(the API server rejects the object).  Validators never raise on odd shapes:
a value of the wrong type is the schema layer's business, skip it.
"""

from .registry import validates  # noqa: F401
from .stage import ApiContext, ApiServerStage  # noqa: F401
