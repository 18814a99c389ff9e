"""apiextensions.k8s.io/v1 CustomResourceDefinition: the CRD's own names,
versions and scope (not the custom resources, not the structural schema
details: :mod:`kubelint.crd` does those).

Ported from
``staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go``
(``ValidateCustomResourceDefinition``, ``ValidateCustomResourceDefinitionSpec``,
``ValidateCustomResourceDefinitionNames``, ``ValidateCustomResourceDefinitionVersion``)
after ``apiextensions/v1/defaults.go`` (singular = lower-case kind,
listKind = kind + "List").
"""

from __future__ import annotations


from ..findings import Problem, format_path
from . import validation as v
from .common import (
    FORBIDDEN_FIELD,
    INVALID_NAME,
    INVALID_VALUE,
    REQUIRED_VALUE,
    UNSUPPORTED_VALUE,
    dict_at,
    invalid_msgs,
    is_str,
    list_at,
)
from .meta import Shown, crd_internal_path, forbidden, invalid, renamed, required, unsupported
from .registry import validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List

SCOPES = ("Cluster", "Namespaced")


def _dns1035(p, value, mixed_case: bool = False) -> List[Problem]:
    if not is_str(value) or not value:
        return []
    msgs = v.is_dns1035_label(value.lower() if mixed_case else value)
    if not msgs:
        return []
    detail = ",".join(msgs)
    if mixed_case:
        detail = "may have mixed case, but should otherwise match: " + detail
    return [invalid(p, value, detail, INVALID_VALUE)]


@validates(("apiextensions.k8s.io", "CustomResourceDefinition"))
def custom_resource_definition(obj, ctx):
    """ValidateCustomResourceDefinition: metadata.name, then
    ValidateCustomResourceDefinitionSpec (group, scope, versions) and
    ValidateCustomResourceDefinitionNames."""
    out: List[Problem] = []
    spec = dict_at(obj.data, "spec")
    out.extend(_crd_name(obj.name, spec))
    out.extend(_crd_group_and_scope(spec))
    out.extend(_crd_versions(spec))
    out.extend(_crd_names(dict_at(spec, "names")))
    return [_internal(spec, p) for p in out]


def _internal(spec: dict, p: Problem) -> Problem:
    """A problem named as the server names it after the v1 -> internal conversion."""
    where = p.field if p.field is not None else format_path(p.path)
    said = crd_internal_path(spec, where)
    return renamed(p, said) if said != where else p


def _crd_name(name, spec: dict) -> List[Problem]:
    """metadata.name: a DNS subdomain equal to <plural>.<group>."""
    out: List[Problem] = []
    if not (is_str(name) and name):
        return out
    group, plural = spec.get("group"), dict_at(spec, "names").get("plural")
    out.extend(invalid_msgs(("metadata", "name"), name, v.is_dns1123_subdomain(name), INVALID_NAME))
    if is_str(plural) and is_str(group) and name != f"{plural}.{group}":
        out.append(
            invalid(
                ("metadata", "name"),
                name,
                'must be spec.names.plural+"."+spec.group',
                INVALID_NAME,
                f'here: "{plural}.{group}"',
            )
        )
    return out


def _crd_group_and_scope(spec: dict) -> List[Problem]:
    """spec.group: a DNS subdomain with a dot; spec.scope: Namespaced or Cluster."""
    sp = ("spec",)
    out: List[Problem] = []
    group = spec.get("group")
    if not group and "group" in spec:  # absent: the schema's missing-required-field
        out.append(required(sp + ("group",), "", REQUIRED_VALUE, at="key" if "group" in spec else "value"))
    elif is_str(group):
        msgs = v.is_dns1123_subdomain(group)
        if msgs:
            out.append(invalid(sp + ("group",), group, ",".join(msgs), INVALID_VALUE))
        elif len(group.split(".")) < 2:
            out.append(
                invalid(
                    sp + ("group",),
                    group,
                    "should be a domain with at least one dot",
                    INVALID_VALUE,
                    "use a domain you own, e.g. stable.example.com",
                )
            )
    scope = spec.get("scope")
    if not scope and "scope" in spec:
        out.append(
            required(sp + ("scope",), "Namespaced or Cluster", REQUIRED_VALUE, at="key" if "scope" in spec else "value")
        )
    elif is_str(scope) and scope not in SCOPES:
        out.append(unsupported(sp + ("scope",), scope, SCOPES, UNSUPPORTED_VALUE))
    return out


def _crd_versions(spec: dict) -> List[Problem]:
    """spec.versions: DNS-1035 names, unique, a schema each, exactly one storage version."""
    sp = ("spec",)
    out: List[Problem] = []
    versions = list_at(spec, "versions")
    storage = 0
    seen = set()
    dup = None
    for i, ver in enumerate(versions):
        if not isinstance(ver, dict):
            continue
        vp = sp + ("versions", i)
        if ver.get("storage") is True:
            storage += 1
        name = ver.get("name")
        if is_str(name):
            if name in seen and dup is None:
                dup = i
            seen.add(name)
            out.extend(_dns1035(vp + ("name",), name))
        schema = dict_at(ver, "schema")
        if ver.get("schema") is None or schema.get("openAPIV3Schema") is None:
            top = dict_at(spec, "validation").get("openAPIV3Schema")
            if top is None:
                out.append(
                    required(
                        vp + ("schema", "openAPIV3Schema"),
                        "",
                        REQUIRED_VALUE,
                        at="key",
                        hint="schemas are required: apiextensions.k8s.io/v1 needs a structural openAPIV3Schema for "
                        "every version",
                    )
                )
    if dup is not None:
        out.append(
            invalid(
                sp + ("versions", dup, "name"),
                versions[dup].get("name"),
                "must contain unique version names",
                INVALID_VALUE,
            )
        )
    if not versions and "versions" in spec:
        out.append(
            invalid(
                sp + ("versions",),
                Shown("[]"),  # field.Invalid(fldPath.Child("versions"), spec.Versions, ...): an empty list
                "must have exactly one version marked as storage version",
                INVALID_VALUE,
                "add a version with served: true and storage: true",
                at="key" if "versions" in spec else "value",
            )
        )
    elif versions and storage != 1:
        out.append(
            invalid(
                sp + ("versions",),
                f"{storage} storage versions",
                "must have exactly one version marked as storage version",
                INVALID_VALUE,
                "set storage: true on exactly one version",
            )._replace(at="key")
        )
    return out


def _crd_names(names: dict) -> List[Problem]:
    """ValidateCustomResourceDefinitionNames (required ones first; singular and listKind are defaulted)."""
    np_ = ("spec", "names")
    out: List[Problem] = []
    plural = names.get("plural")
    if not plural and "plural" in names:
        out.append(required(np_ + ("plural",), "", REQUIRED_VALUE, at="key" if "plural" in names else "value"))
    kind = names.get("kind")
    if not kind and "kind" in names:
        out.append(required(np_ + ("kind",), "", REQUIRED_VALUE, at="key" if "kind" in names else "value"))
    out.extend(_dns1035(np_ + ("plural",), plural))
    out.extend(_dns1035(np_ + ("singular",), names.get("singular")))
    out.extend(_dns1035(np_ + ("kind",), kind, True))
    list_kind = names.get("listKind")
    out.extend(_dns1035(np_ + ("listKind",), list_kind, True))
    for i, s in enumerate(list_at(names, "shortNames")):
        out.extend(_dns1035(np_ + ("shortNames", i), s))
    if is_str(kind) and kind and kind == list_kind:
        out.append(invalid(np_ + ("listKind",), list_kind, "kind and listKind may not be the same", INVALID_VALUE))
    for i, c in enumerate(list_at(names, "categories")):
        out.extend(_dns1035(np_ + ("categories", i), c))
    return out


PRINTER_COLUMN_TYPES = ("boolean", "date", "integer", "number", "string")
PRINTER_COLUMN_FORMATS = ("int32", "int64", "float", "double", "byte", "date", "date-time", "password")
CONVERSION_STRATEGIES = ("None", "Webhook")
MAX_DEPRECATION_WARNING = 256


@validates(("apiextensions.k8s.io", "CustomResourceDefinition"))
def custom_resource_definition_extras(obj, ctx):
    """Spec-level rules beyond names/versions: conversion
    (validateCustomResourceConversion), preserveUnknownFields,
    additionalPrinterColumns (ValidateCustomResourceColumnDefinition),
    subresources.scale paths (ValidateCustomResourceDefinitionSubresources),
    deprecationWarning (ValidateCustomResourceDefinitionVersion)."""
    out: List[Problem] = []
    spec = dict_at(obj.data, "spec")
    sp = ("spec",)
    if spec.get("preserveUnknownFields") is True:
        out.append(
            invalid(
                sp + ("preserveUnknownFields",),
                True,
                "cannot set to true, set x-kubernetes-preserve-unknown-fields to true "
                "in spec.versions[*].schema instead",
                INVALID_VALUE,
            )
        )
    conv = spec.get("conversion")
    if isinstance(conv, dict):
        out.extend(_crd_conversion(conv, sp + ("conversion",)))
    for i, ver in enumerate(list_at(spec, "versions")):
        if not isinstance(ver, dict):
            continue
        vp = sp + ("versions", i)
        dw = ver.get("deprecationWarning")
        if is_str(dw) and len(dw) > MAX_DEPRECATION_WARNING:
            out.append(
                invalid(
                    vp + ("deprecationWarning",),
                    dw,
                    f"must be <= {MAX_DEPRECATION_WARNING} characters long",
                    INVALID_VALUE,
                )
            )
        for j, col in enumerate(list_at(ver, "additionalPrinterColumns")):
            if isinstance(col, dict):
                out.extend(_printer_column(col, vp + ("additionalPrinterColumns", j)))
        out.extend(_scale_paths(dict_at(ver, "subresources", "scale"), vp + ("subresources", "scale")))
    return [_internal(spec, p) for p in out]


def _crd_conversion(conv: dict, cp) -> List[Problem]:
    """validateCustomResourceConversion: a strategy, and a webhook exactly when it is Webhook."""
    out: List[Problem] = []
    strat = conv.get("strategy")
    if is_str(strat) and strat not in CONVERSION_STRATEGIES:
        out.append(unsupported(cp + ("strategy",), strat, CONVERSION_STRATEGIES, UNSUPPORTED_VALUE))
    elif strat == "Webhook":
        wh = conv.get("webhook")
        wh = wh if isinstance(wh, dict) else {}
        if not isinstance(wh.get("clientConfig"), dict):
            out.append(
                required(
                    cp + ("webhook", "clientConfig"),
                    "required when strategy is set to Webhook",
                    REQUIRED_VALUE,
                    at="key",
                    hint="the conversion webhook's service or url",
                    where="spec.conversion.webhookClientConfig",  # the internal type's field
                )
            )
        crv = wh.get("conversionReviewVersions")
        if not isinstance(crv, list) or not crv:
            out.append(
                required(
                    cp + ("webhook", "conversionReviewVersions"),
                    "",
                    REQUIRED_VALUE,
                    at="key",
                    hint="must include at least one of v1, v1beta1",
                    where="spec.conversion.conversionReviewVersions",  # the internal type's field
                )
            )
        elif not {"v1", "v1beta1"} & {x for x in crv if is_str(x)}:
            out.append(
                invalid(
                    cp + ("webhook", "conversionReviewVersions"),
                    ", ".join(map(str, crv)),
                    "must include at least one of v1, v1beta1",
                    INVALID_VALUE,
                )
            )
    elif strat == "None" and conv.get("webhook") is not None:
        out.append(
            forbidden(
                cp + ("webhook",), "should not be set when strategy is not set to Webhook", FORBIDDEN_FIELD, at="key"
            )
        )
    return out


def _printer_column(col: dict, cp) -> List[Problem]:
    """ValidateCustomResourceColumnDefinition: type, format, a JSON path starting with '.'."""
    out: List[Problem] = []
    t = col.get("type")
    if is_str(t) and t not in PRINTER_COLUMN_TYPES:
        out.append(invalid(cp + ("type",), t, "must be one of " + ",".join(PRINTER_COLUMN_TYPES), INVALID_VALUE))
    f = col.get("format")
    if is_str(f) and f and f not in PRINTER_COLUMN_FORMATS:
        out.append(invalid(cp + ("format",), f, "must be one of " + ",".join(PRINTER_COLUMN_FORMATS), INVALID_VALUE))
    jp = col.get("jsonPath")
    if is_str(jp) and jp and not jp.startswith("."):
        out.append(
            invalid(
                cp + ("jsonPath",), jp, "must be a simple json path starting with .", INVALID_VALUE, f'write ".{jp}"'
            )
        )
    return out


def _scale_paths(scale: dict, sc) -> List[Problem]:
    """The scale subresource's paths: under .spec, .status, or either for the label selector."""
    out: List[Problem] = []
    for key, under in (("specReplicasPath", ".spec."), ("statusReplicasPath", ".status."), ("labelSelectorPath", None)):
        pth = scale.get(key)
        if not is_str(pth) or not pth:
            continue
        if not pth.startswith("."):
            out.append(invalid(sc + (key,), pth, "must be a simple json path starting with .", INVALID_VALUE))
        elif under and not pth.startswith(under):
            out.append(invalid(sc + (key,), pth, f"should be a json path under {under[:-1]}", INVALID_VALUE))
        elif under is None and not (pth.startswith(".spec.") or pth.startswith(".status.")):
            out.append(invalid(sc + (key,), pth, "should be a json path under either .spec or .status", INVALID_VALUE))
    return out
