"""Schema layer: structure, as the API server's decoder sees it.

What this stage decides (all ``error`` unless said otherwise):

* the apiVersion/kind is served by the chosen Kubernetes release
  (``removed-api`` names the release that removed it and the replacement;
  ``unknown-api`` / ``unknown-kind`` say "did you mean"); a served API that
  a newer release removes is a ``deprecated-api`` warning;
* strict field validation: ``unknown-field`` with the closest field;
* types as the server decodes JSON into Go structs (``invalid-type``):
  integer fields reject strings, booleans and fractional numbers (an
  integral float such as ``3.0`` is sent by kubectl as ``3`` and accepted),
  int32 range, string fields reject numbers and booleans (YAML 1.1 turns
  unquoted ``yes``/``on``/``1.10`` into those), ``[]byte`` fields must be
  base64, ``metav1.Time`` must be RFC 3339, IntOrString, Quantity grammar
  (``resource.ParseQuantity``);
* ``missing-required-field`` for fields the published schema marks required;
* ``duplicate-list-key`` (warning) for repeated keys in lists the schema
  declares ``x-kubernetes-list-type: map``/``set``: the server keeps both
  but later merges lose one (the API-server checks raise an error where the
  Go validation rejects duplicates, e.g. container names);
* ``no-schema`` (info by default, once per kind): a custom resource whose
  CRD is not known; ``--no-schema error|off`` changes it.

Schemas are the compiled shards ``scripts/gen_schemas.py`` generates (see
its docstring for the format); a run loads only the shards of the kinds it
sees, once.  ``null`` is accepted for every field: the decoder leaves the
field at its zero value (the API-server checks judge that value).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from functools import lru_cache

from .lazyre import lazy
from . import apis
from .data import available_versions, newest_version, schema_dir  # noqa: F401  (schema.* is their public name)
from .findings import ERROR, INFO, WARNING, Problem, format_path
from .quantity import QuantityError, parse_quantity
from .settings import Settings
from .suggest import closest, did_you_mean
from .values import show

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Dict, Iterator, List, Optional


@lru_cache(maxsize=None)
def version_index(version: str) -> dict:
    with open(os.path.join(schema_dir(), f"v{version}.json"), encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=None)
def _shard(rel: str) -> dict:
    with open(os.path.join(schema_dir(), rel), encoding="utf-8") as fh:
        return json.load(fh)


def history() -> Dict[str, Dict[str, Dict[str, str]]]:
    return {v: version_index(v)["kinds"] for v in available_versions()}


@lru_cache(maxsize=None)
def builtin_groups() -> frozenset:
    groups = set(apis.REMOVED_GROUPS)
    for v in available_versions():
        for gv in version_index(v)["kinds"]:
            groups.add(gv.rpartition("/")[0])
    for gv, _kind in apis.REMOVED_BEFORE_1_25:
        groups.add(gv.rpartition("/")[0])
    return frozenset(groups)


class Schemas:
    """The compiled definitions of one Kubernetes release, loaded lazily."""

    def __init__(self, version: str):
        self.version = version
        index = version_index(version)
        self.kinds: Dict[str, Dict[str, str]] = index["kinds"]
        self._shards: Dict[str, str] = index["shards"]
        self._defs: Dict[str, dict] = {}

    def root(self, api_version: str, kind: str) -> Optional[str]:
        return self.kinds.get(api_version, {}).get(kind)

    def definition(self, name: str) -> dict:
        d = self._defs.get(name)
        if d is None:
            pkg = name.rsplit(".", 1)[0]
            shard = _shard(self._shards[pkg])
            self._defs.update(shard)
            d = self._defs[name]
        return d


# Fields an older release's published schema marks required but no API server enforces: the
# Go validation never rejects their absence (it defaults them or accepts the zero value), and
# the marker is gone from the v1.37 schema.  A release's schema is otherwise taken as it is.
# Each entry names the Go code that makes the absence acceptable, read at v1.30.14 and v1.33.13;
# the applied kinds' entries are oracle-confirmed on those releases (tests/conformance).
# tests/test_schema.py checks that every required marker a newer release dropped is listed here
# or in ENFORCED_REQUIRED_DROPPED.
NOT_ENFORCED_REQUIRED: Dict[str, frozenset] = {
    # NetworkPolicySpec.podSelector: an absent selector is the empty one, all pods (ValidateNetworkPolicySpec
    # validates it as a LabelSelector only); schema marker up to 1.33
    "io.k8s.api.networking.v1.NetworkPolicySpec": frozenset({"podSelector"}),
    # RoleRef.apiGroup: SetDefaults_RoleBinding / SetDefaults_ClusterRoleBinding fill in
    # rbac.authorization.k8s.io (pkg/apis/rbac/v1/defaults.go); schema marker up to 1.35
    "io.k8s.api.rbac.v1.RoleRef": frozenset({"apiGroup"}),
    # onPodConditions[].status: SetDefaults_Job defaults it to True (pkg/apis/batch/v1/defaults.go)
    "io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern": frozenset({"status"}),
    # a rule needs one of onExitCodes / onPodConditions, not both (validatePodFailurePolicyRule)
    "io.k8s.api.batch.v1.PodFailurePolicyRule": frozenset({"onPodConditions"}),
    # StatefulSetSpec.serviceName: validated only when set (ValidateStatefulSetSpec); marker up to 1.32
    "io.k8s.api.apps.v1.StatefulSetSpec": frozenset({"serviceName"}),
    # PriorityClass.value: the zero value is valid (ValidatePriorityClass); marker up to 1.35
    "io.k8s.api.scheduling.v1.PriorityClass": frozenset({"value"}),
    # LimitRangeItem.type: validateLimitRangeTypeName validates the empty string as a qualified name
    # ("name part must be non-empty", kubelint.apiserver.core.limit_range)
    "io.k8s.api.core.v1.LimitRangeItem": frozenset({"type"}),
    # ControllerRevision.revision: ValidateNonnegativeField only
    "io.k8s.api.apps.v1.ControllerRevision": frozenset({"revision"}),
    # EndpointSlice.endpoints: an empty list is valid (ValidateEndpointSlice)
    "io.k8s.api.discovery.v1.EndpointSlice": frozenset({"endpoints"}),
    # status: reset by PrepareForCreate (the registry strategies), never validated on a create
    "io.k8s.api.apps.v1.DaemonSetCondition": frozenset({"status", "type"}),
    "io.k8s.api.apps.v1.DeploymentCondition": frozenset({"status", "type"}),
    "io.k8s.api.apps.v1.ReplicaSetCondition": frozenset({"status", "type"}),
    "io.k8s.api.apps.v1.StatefulSetCondition": frozenset({"status", "type"}),
    "io.k8s.api.policy.v1.PodDisruptionBudgetStatus": frozenset(
        {"currentHealthy", "desiredHealthy", "disruptionsAllowed", "expectedPods"}
    ),
    "io.k8s.api.authentication.v1.TokenRequestStatus": frozenset({"expirationTimestamp", "token"}),
    # TokenRequest (a subresource, not applied): audiences default to the API server's
    "io.k8s.api.authentication.v1.TokenRequest": frozenset({"spec"}),
    "io.k8s.api.authentication.v1.TokenRequestSpec": frozenset({"audiences"}),
    "io.k8s.api.apiserverinternal.v1alpha1.StorageVersion": frozenset({"spec", "status"}),
    # resource.k8s.io: an absent spec is the empty one, which validates (validateDeviceClassSpec,
    # validateResourceClaimSpec: no requests)
    **{
        f"io.k8s.api.resource.{ver}.{kind}": frozenset({"spec"})
        for ver in ("v1", "v1beta1", "v1beta2")
        for kind in ("DeviceClass", "ResourceClaim", "ResourceClaimTemplate", "ResourceClaimTemplateSpec")
    },
}
# Required markers a newer release dropped that the older releases' Go validation does enforce
# (kept): v1.32 validateDeviceRequest requires deviceClassName (v1.33 made it optional beside
# firstAvailable); v1.35 ValidatePodCertificateRequestCreate rejects an empty public key (not a
# PKIX key) and proof of possession (the signature does not verify).
ENFORCED_REQUIRED_DROPPED: Dict[str, frozenset] = {
    "io.k8s.api.resource.v1beta1.DeviceRequest": frozenset({"deviceClassName"}),
    "io.k8s.api.certificates.v1beta1.PodCertificateRequestSpec": frozenset({"pkixPublicKey", "proofOfPossession"}),
}


_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_RFC3339 = lazy(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_BASE64_CHARS = lazy(r"^[A-Za-z0-9+/]*={0,2}$")


# (every alternative starts with "$": a value without one is not searched, and a run need not compile it)
_PLACEHOLDER = lazy(r"\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-=?+][^}]*)?\}|\$\([A-Za-z_][A-Za-z0-9_]*\)|^\$[A-Z_][A-Z0-9_]*$")


def _clip(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n - 3] + "..."


def _short(defname: str) -> str:
    return defname.rsplit(".", 1)[-1]


def _describe(value) -> str:
    """A value as a message shows it (never long; callers mask secrets)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {show(value)}"
    if isinstance(value, str):
        return f"the string {show(value, 40)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _yaml_hint(value, want: str) -> str:
    """The YAML 1.1 reason a value has the wrong type, as a hint ("" when there is none)."""
    if isinstance(value, bool):
        return f"unquoted true/false/yes/no/on/off/y/n are YAML 1.1 booleans: quote the value to make it a {want}"
    if isinstance(value, (int, float)) and want == "string":
        return "unquoted it is a number (1.10 even becomes 1.1): quote it to keep it a string"
    if isinstance(value, str) and want.startswith("integer"):
        return "remove the quotes to make it a number"
    return ""


# What the server adds to "Required value" for a missing required field, where it
# adds anything (validation.go; oracle-recorded in tests/conformance).
_REQUIRED_DETAIL = {
    ("HTTPIngressPath", "pathType"): "pathType must be specified",
    ("NodeSelector", "nodeSelectorTerms"): "must have at least one node selector term",
}


class Walker:
    """Validates data against compiled definitions, yielding Problems."""

    def __init__(self, schemas: Schemas):
        self.schemas = schemas

    def walk(self, value, t, path, problems: list, ctx_name: str, masked: bool = False):
        if value is None:
            return
        if isinstance(t, str):
            if t[0] == "#":
                self._object(value, t[1:], path, problems, masked)
                return
            self._scalar(value, t, path, problems, ctx_name, masked)
            return
        if isinstance(t, list):  # ["array", item, list_type, map_keys]
            if not isinstance(value, list):
                problems.append(
                    Problem(path, f"{ctx_name} must be a list, not {_describe(value)}", "invalid-type", ERROR)
                )
                return
            item = t[1]
            if not (item == "string" and _STR_OR_NONE.issuperset(map(type, value))):  # else: nothing to report
                for i, v in enumerate(value):
                    self.walk(v, item, path + (i,), problems, ctx_name, masked)
            if t[2] in ("map", "set") and len(value) > 1:
                self._duplicates(value, t, path, problems, ctx_name)
            return
        # {"map": T}
        if not isinstance(value, dict):
            problems.append(
                Problem(
                    path,
                    f"{ctx_name} must be a mapping of names to values, not {_describe(value)}",
                    "invalid-type",
                    ERROR,
                )
            )
            return
        item = t["map"]
        if item == "string" and _STR_OR_NONE.issuperset(map(type, value.values())):
            return  # labels, annotations, data...: nothing to report
        for k, v in value.items():
            self.walk(v, item, path + (k,), problems, f'{ctx_name}["{k}"]', masked)

    def _object(self, value, defname, path, problems, masked):
        short = _short(defname)
        if not isinstance(value, dict):
            problems.append(
                Problem(
                    path,
                    f"{path[-1] if path else 'object'} must be a mapping ({short}), not {_describe(value)}",
                    "invalid-type",
                    ERROR,
                )
            )
            return
        d = self.schemas.definition(defname)
        props = d["p"]
        for k, v in value.items():
            t = props.get(k)
            if t is None:
                # the server's words: strict decoding error: unknown field "spec.replicsa"
                hint = did_you_mean(k, props).strip(" ()")
                problems.append(
                    Problem(
                        path + (k,),
                        f'unknown field "{format_path(path + (k,))}"',
                        "unknown-field",
                        ERROR,
                        "key",
                        hint=f"{hint + ' ' if hint else ''}{short} has no such field; the API server rejects "
                        "unknown fields (strict field validation)",
                    )
                )
                continue
            # The common cases with nothing to report, without a call (walk() and _scalar() say the same): a
            # null, a string in a plain string field, a boolean in a boolean field, anything in an "any" field.
            if v is None or t == "any":
                continue
            tv = type(v)
            if (tv is str and t == "string") or (tv is bool and t == "boolean"):
                continue
            secret = masked or (short == "Secret" and k in ("data", "stringData"))
            self.walk(v, t, path + (k,), problems, k, secret)
        for r in d.get("r", ()):
            if value.get(r) is None and r not in NOT_ENFORCED_REQUIRED.get(defname, ()):
                # the server's words for a missing field (field.Required): "<path>: Required value[: detail]";
                # reported at the object that lacks it
                where = format_path(path + (r,))
                detail = _REQUIRED_DETAIL.get((short, r))
                problems.append(
                    Problem(
                        path,
                        f"{where}: Required value{': ' + detail if detail else ''}",
                        "missing-required-field",
                        ERROR,
                        "key" if path else "value",
                        hint=f'required field "{r}" is missing from {short}',
                        field=where,
                    )
                )

    def _scalar(self, value, t, path, problems, name, masked):
        if t == "any":
            return
        kind = _SCALAR_KINDS.get(t)
        if kind is None:  # (is a string type, its check): once per type, not per value
            base = t.split(":", 1)[0] if t.startswith(("string", "integer")) else t
            kind = _SCALAR_KINDS[t] = (t.startswith("string"), _SCALAR_CHECKS.get(base))
        if isinstance(value, str) and not kind[0] and "$" in value and _PLACEHOLDER.search(value):
            problems.append(
                Problem(
                    path,
                    f"{name} is an unrendered placeholder ({_clip(value)}): this file is a template "
                    "(envsubst, kustomize replacements, CI variables); render it before applying, e.g. `envsubst < "
                    "FILE | kubelint check -`",
                    "unrendered-placeholder",
                    INFO,
                )
            )
            return
        check = kind[1]
        found = check and check(value, t, name, (lambda v: "the value (masked)") if masked else _describe)
        if found:
            message, rule, hint = found if len(found) == 3 else (*found, "")
            problems.append(Problem(path, message, rule, ERROR, hint=hint))

    def _duplicates(self, value, t, path, problems, name):
        list_type, keys = t[2], t[3]
        if (name, list_type) in _DUPLICATES_CHECKED_ELSEWHERE:
            return
        seen = {}
        for i, item in enumerate(value):
            if list_type == "set":
                if isinstance(item, (dict, list)):
                    continue
                k = (type(item).__name__, item)
                label = json.dumps(item)
            else:
                if not isinstance(item, dict) or not keys:
                    continue
                k = tuple(json.dumps(item.get(x), sort_keys=True) for x in keys)
                label = ", ".join(f"{x}={item.get(x)}" for x in keys if item.get(x) is not None)
            if k in seen:
                problems.append(
                    Problem(
                        path + (i,),
                        f"duplicate entry in {name} ({label}, first at index {seen[k]}): {name} is a keyed list; "
                        "the later entry hides the earlier one and merges drop it",
                        "duplicate-list-key",
                        WARNING,
                    )
                )
            else:
                seen[k] = i


# List fields whose duplicates the API server's Go validation rejects: the
# apiserver stage reports those as errors, so the schema layer stays quiet.
_DUPLICATES_CHECKED_ELSEWHERE = {
    ("containers", "map"),
    ("initContainers", "map"),
    ("ephemeralContainers", "map"),
    ("volumes", "map"),
    ("ports", "map"),
    ("volumeMounts", "map"),
    ("volumeDevices", "map"),
    ("resourceClaims", "map"),
    ("schedulingGates", "map"),
    ("topologySpreadConstraints", "map"),
    ("env", "map"),  # reported once, as a warning, by the apiserver stage (server warns "hides previous definition")
}


def _is_base64(s: str) -> bool:
    # Go's base64.StdEncoding (used by encoding/json for []byte) skips \r and \n.
    s = s.replace("\r", "").replace("\n", "")
    if len(s) % 4 or not _BASE64_CHARS.match(s):
        return False
    try:
        base64.b64decode(s, validate=True)
        return True
    except (binascii.Error, ValueError):
        return False


def _removal_text(r):
    if r.replacement:
        return f"use apiVersion: {r.replacement}", (f" ({r.note})" if r.note else "")
    return (r.note or "there is no replacement API"), ""


class SchemaStage:
    """The pipeline stage: ``check_object(obj, ctx) -> [Problem]``."""

    name = "schema"
    once_per_kind = frozenset({"no-schema"})  # reported for the first object of a kind (kubelint.parallel)

    def __init__(self, version: str, settings: Optional[Settings] = None):
        self.version = version
        self.settings = settings = settings or Settings()
        self.schemas = Schemas(version)
        self.walker = Walker(self.schemas)
        self.no_schema = settings.no_schema_severity
        self._reported_no_schema = set()
        self._history = None
        # Set by the CRD stage (issue: custom resources): gv/kind it validates.
        self.custom_kinds = None

    # -- served? ---------------------------------------------------------
    def _hist(self):
        if self._history is None:
            self._history = history()
        return self._history

    def check_object(self, obj, ctx=None) -> List[Problem]:
        problems: List[Problem] = []
        root = self.schemas.root(obj.api_version, obj.kind)
        if root is None:
            problems.extend(self._unserved(obj, ctx))
            return problems
        if not apis.enabled_by_default(obj.api_version, self.version, obj.kind):
            ga = apis.replacement(obj.api_version, obj.kind, self.schemas.kinds)
            alt = (
                f"; {ga} serves {obj.kind} by default: prefer it"
                if ga and ga != obj.api_version and apis.is_ga(ga)
                else ""
            )
            maturity = "alpha" if "alpha" in obj.version else "beta"
            problems.append(
                Problem(
                    ("apiVersion",),
                    f"{obj.api_version} is a {maturity} API that Kubernetes {self.version} serves only when the "
                    "cluster enables it "
                    f"(kube-apiserver --runtime-config={obj.api_version}=true); on a default cluster kubectl fails "
                    f'with "no matches for kind"{alt}',
                    "api-not-enabled-by-default",
                    WARNING,
                )
            )
        later = apis.later_removal(obj.api_version, obj.kind, self.version, self._hist())
        if later:
            repl = f"; migrate to {later.replacement}" if later.replacement else ""
            problems.append(
                Problem(
                    ("apiVersion",),
                    f"{obj.api_version} {obj.kind} is served by Kubernetes {self.version} but removed "
                    f"in {later.removed_in}{repl}",
                    "deprecated-api",
                    WARNING,
                )
            )
        self.walker._object(obj.data, root, (), problems, False)
        return problems

    def _unserved(self, obj, ctx) -> Iterator[Problem]:
        api_version, kind, target = obj.api_version, obj.kind, self.version
        group, _, version = api_version.rpartition("/")
        if api_version.count("/") > 1 or not version:
            yield Problem(
                ("apiVersion",),
                f'apiVersion "{api_version}" is not GROUP/VERSION (or VERSION for the core group, e.g. "v1", '
                '"apps/v1")',
                "unknown-api",
                ERROR,
            )
            return
        hist = self._hist()
        gone = apis.removal(api_version, kind, target, hist)
        if gone:
            fix, note = _removal_text(gone)
            yield Problem(
                ("apiVersion",),
                f"{api_version} {kind} was removed in Kubernetes {gone.removed_in}: {fix}{note}",
                "removed-api",
                ERROR,
            )
            return
        added = apis.future(api_version, kind, target, hist)
        if added:
            yield Problem(
                ("apiVersion",),
                f"{api_version} {kind} is not served by Kubernetes {target}; it was added in {added} (choose "
                f"--kubernetes-version {added} or later)",
                "unknown-api",
                ERROR,
            )
            return
        if self.custom_kinds is not None and (api_version, kind) in self.custom_kinds:
            return
        if group in apis.REMOVED_GROUPS:
            repl = apis.replacement(api_version, kind, self.schemas.kinds)
            fix = f"; {kind} is served by {repl} (use apiVersion: {repl})" if repl else ""
            yield Problem(
                ("apiVersion",),
                f"the {group} API group is no longer served (its last kinds were removed in Kubernetes 1.22){fix}",
                "removed-api",
                ERROR,
            )
            return
        if group in builtin_groups() or (group and "." not in group):
            if apis.replacement(api_version, kind, self.schemas.kinds) is None:
                gone_elsewhere = apis.removed_kind(kind, target)
                if gone_elsewhere:
                    gv, r = gone_elsewhere
                    fix, note = _removal_text(r)
                    yield Problem(
                        ("apiVersion",),
                        f"{kind} is not served by {api_version}; it was last served as {gv}, removed in "
                        f"Kubernetes {r.removed_in}: {fix}{note}",
                        "removed-api",
                        ERROR,
                    )
                    return
            yield from self._unknown_builtin(api_version, group, kind)
            return
        # A custom resource without a known CRD.
        if self.no_schema == "off" or (api_version, kind) in self._reported_no_schema:
            return
        self._reported_no_schema.add((api_version, kind))
        sev = ERROR if self.no_schema == "error" else INFO
        yield Problem(
            ("kind",),
            f"no schema for {kind} ({api_version}); not validated. Supply its CustomResourceDefinition in the "
            "input or with --crd, or a JSON-schema catalogue with --schema-dir",
            "no-schema",
            sev,
        )

    def _unknown_builtin(self, api_version, group, kind):
        kinds = self.schemas.kinds
        here = kinds.get(api_version)
        # The kind exists, under another group/version?
        elsewhere = sorted(gv for gv, ks in kinds.items() if kind in ks)
        if here is not None:
            if elsewhere:
                best = apis.replacement(api_version, kind, {gv: kinds[gv] for gv in elsewhere})
                yield Problem(
                    ("apiVersion",),
                    f"{api_version} has no kind {kind}; {kind} is served by {best} (use apiVersion: {best})",
                    "unknown-api",
                    ERROR,
                )
                return
            yield Problem(
                ("kind",),
                f'{api_version} has no kind "{kind}"{did_you_mean(kind, here)}; kinds it '
                f"serves: {', '.join(sorted(here))}",
                "unknown-kind",
                ERROR,
            )
            return
        if elsewhere:
            best = apis.replacement(api_version, kind, {gv: kinds[gv] for gv in elsewhere})
            yield Problem(
                ("apiVersion",),
                f'Kubernetes {self.version} does not serve apiVersion "{api_version}"; {kind} is served by {best} '
                f"(use apiVersion: {best})",
                "unknown-api",
                ERROR,
            )
            return
        all_kinds = {k for ks in kinds.values() for k in ks}
        near_kind = closest(kind, all_kinds, 0.75)
        same_group = [gv for gv in kinds if gv.rpartition("/")[0] == group]
        near_gv = closest(api_version, same_group or kinds, 0.6)
        hint = ""
        if near_kind and near_gv and near_kind in kinds.get(near_gv, {}):
            hint = f' (did you mean apiVersion "{near_gv}" kind "{near_kind}"?)'
        elif near_kind:
            gvs = sorted(gv for gv, ks in kinds.items() if near_kind in ks)
            hint = (
                f' (did you mean kind "{near_kind}" '
                f"in {apis.replacement(api_version, near_kind, {g: kinds[g] for g in gvs})}?)"
            )
        elif near_gv:
            hint = f' (did you mean apiVersion "{near_gv}"?)'
        yield Problem(
            ("kind",) if same_group else ("apiVersion",),
            f'Kubernetes {self.version} serves no {kind} in "{api_version}"{hint}; kubectl would fail with "no '
            'matches for kind"',
            "unknown-kind" if same_group else "unknown-api",
            ERROR,
        )


# The checks of one scalar type (the schema's "string:byte", "integer:int32", ... by their first part): each
# returns (message, rule) for a value the API server rejects, or None.


def _check_string(value, t, name, show):
    if not isinstance(value, str):
        return f"{name} must be a string, not {show(value)}", "invalid-type", _yaml_hint(value, "string")
    if t == "string:byte":
        if not _is_base64(value):
            return (
                f"{name} must be base64-encoded (illegal base64 data); encode the value, or put plain "
                "text under stringData",
                "invalid-type",
            )
    elif t == "string:date-time":
        if value and not _RFC3339.match(value):
            return (
                f'{name} must be an RFC 3339 timestamp such as "2024-01-31T12:00:00Z", not {show(value)}',
                "invalid-type",
            )
    return None


def _check_integer(value, t, name, show):
    lo, hi = _INT32 if t == "integer:int32" else _INT64
    bits = "int32" if t == "integer:int32" else "int64"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{name} must be an integer, not {show(value)}", "invalid-type", _yaml_hint(value, "integer")
    if isinstance(value, float) and value != int(value):
        return f"{name} must be an integer, not the fraction {value!r}", "invalid-type"
    if not lo <= int(value) <= hi:
        return f"{name} is out of range for {bits} ({value})", "invalid-type"
    return None


def _check_boolean(value, t, name, show):
    if not isinstance(value, bool):
        return f"{name} must be a boolean (true or false), not {show(value)}", "invalid-type"
    return None


def _check_number(value, t, name, show):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{name} must be a number, not {show(value)}", "invalid-type"
    return None


def _check_int_or_string(value, t, name, show):
    if isinstance(value, str):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{name} must be an integer or a string, not {show(value)}", "invalid-type"
    if isinstance(value, float) and value != int(value):
        return (
            f"{name} must be an integer or a string, not the fraction {value!r} (write a percentage as "
            'a string, e.g. "25%")',
            "invalid-type",
        )
    if not _INT32[0] <= int(value) <= _INT32[1]:
        return f"{name} is out of range for int32 ({value})", "invalid-type"
    return None


def _check_quantity(value, t, name, show):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return f"{name} must be a quantity such as 500m, 128Mi or 2, not {show(value)}", "invalid-type"
    try:
        parse_quantity(value)
    except QuantityError as exc:
        return (
            f"{name}: invalid quantity {show(value)}: {exc}; use forms like 250m, 1.5, 512Mi, 2Gi, 1e3 "
            "(suffixes n u m k M G T P E, Ki Mi Gi Ti Pi Ei)",
            "invalid-quantity",
        )
    return None


_STR_OR_NONE = frozenset((str, type(None)))  # values a "string" item type accepts without a word (Walker.walk)
_SCALAR_KINDS: Dict[str, tuple] = {}  # Walker._scalar's memo: type -> (string type, check)
_SCALAR_CHECKS = {
    "string": _check_string,
    "integer": _check_integer,
    "boolean": _check_boolean,
    "number": _check_number,
    "int-or-string": _check_int_or_string,
    "quantity": _check_quantity,
}
