"""Object metadata, labels, annotations and label selectors.

Ported from ``staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go``
(``ValidateObjectMetaAccessor``, ``ValidateAnnotations``,
``ValidateOwnerReferences``, ``ValidateFinalizers``),
``staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go``
(``ValidateLabels``, ``ValidateLabelName``, ``ValidateLabelSelector``,
``ValidateLabelSelectorRequirement``) and the per-kind name functions
(``ValidateXxxName``) of ``pkg/apis/*/validation``.

Helpers here return lists of :class:`Problem` and take the path of the
thing they validate, so every API family can reuse them.
"""

from __future__ import annotations


from ..findings import Problem, format_path
from ..values import quote, show, show_map
from . import validation as v
from .registry import ANY, validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Callable, Dict, List, Optional, Tuple

    Path = Tuple

# Rule ids of this family (catalogue: rules/apiserver.yaml).
INVALID_NAME = "invalid-name"
INVALID_LABEL = "invalid-label"
INVALID_ANNOTATION = "invalid-annotation"
INVALID_SELECTOR = "invalid-selector"
INVALID_METADATA = "invalid-metadata"

TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024  # TotalAnnotationSizeLimitB
STANDARD_FINALIZERS = {"kubernetes", "orphan", "foregroundDeletion"}  # IsStandardFinalizerName + metav1


def field_path(path: Path) -> str:
    """The server's field path: ``spec.containers[0].ports[1].name``, map keys
    in brackets (``metadata.labels[app]``)... kept as kubelint's dotted form."""
    return format_path(path)


def suggest(word, candidates) -> str:
    """``did you mean "X"?`` (no parentheses, for use inside a hint) or ""."""
    from ..suggest import closest

    hit = closest(word, candidates) if isinstance(word, str) else None
    return f'did you mean "{hit}"?' if hit else ""


def message(path: Path, text: str) -> str:
    """``<field path>: <server message>``: one cause of the server's
    ``field.ErrorList`` as ``kubectl`` prints it."""
    where = format_path(path)
    return f"{where}: {text}" if where else text


def problem(
    path: Path,
    text: str,
    rule: str,
    hint: str = "",
    at: str = "value",
    anchor: Optional[Path] = None,
    where: Optional[str] = None,
    severity: Optional[str] = None,
) -> Problem:
    """The server's cause ``<path>: <text>`` as a Problem: the message is the
    server's words, ``hint`` kubelint's explanation beside it, the reported
    path the field the server names (``where``: its own spelling, e.g.
    ``data[app.conf]``), and the position that of ``anchor`` when given (the
    server names a parent or a field that is absent: report at the value or
    the key that is there)."""
    explicit = anchor is not None or where is not None
    where = format_path(path) if where is None else where
    field = where if explicit else None
    return Problem(anchor or path, f"{where}: {text}" if where else text, rule, severity, at, hint, field)


def renamed(p: Problem, where: str) -> Problem:
    """``p`` with the server's own name for its field (a path the server
    spells differently: ``volumeMounts.subPath`` without the index, ``spec.clusterIPs[0]``
    for ``spec.clusterIP``), its position unchanged."""
    old = p.field if p.field is not None else format_path(p.path)
    if p.message.startswith(old + ": "):
        return p._replace(message=where + p.message[len(old) :], field=where)
    return p


def crd_internal_path(spec: dict, where: str) -> str:
    """The field a v1 CRD's message names, as the server names it: it
    validates the *internal* type, into which the v1 conversion moves
    ``spec.versions[*].schema``/``subresources``/``additionalPrinterColumns``
    to the top (``spec.validation``, ``spec.subresources``,
    ``spec.additionalPrinterColumns[j].JSONPath``) when every version has the
    same one (``hasIdenticalPerVersion*``); a default's list items are
    ``default.[0]``."""
    import re

    m = re.match(r"spec\.versions\[(\d+)\]\.(schema|subresources|additionalPrinterColumns)(.*)\Z", where)
    versions = spec.get("versions") if isinstance(spec, dict) else None
    if not m or not isinstance(versions, list) or not versions:
        return where
    field, rest = m.group(2), m.group(3)
    values = [v.get(field) if isinstance(v, dict) else None for v in versions]
    if values[0] is None or any(x != values[0] for x in values):
        return where
    if field == "schema":
        if not rest.startswith(".openAPIV3Schema"):
            return where
        rest = rest.replace(".default[", ".default.[", 1)
        return "spec.validation" + rest
    if field == "additionalPrinterColumns":
        return "spec.additionalPrinterColumns" + re.sub(r"\.jsonPath\b", ".JSONPath", rest)
    return "spec.subresources" + rest


def invalid(
    path: Path,
    value,
    detail: str,
    rule: str,
    hint: str = "",
    at: str = "value",
    anchor: Optional[Path] = None,
    where: Optional[str] = None,
) -> Problem:
    """``field.Invalid``: ``Invalid value: "x": detail``.  ``anchor``: report
    at this path instead (the server names a parent, the value is below);
    ``where``: the server's own spelling of ``path`` (see :func:`problem`)."""
    return problem(path, f"Invalid value: {_show(value)}: {detail}", rule, hint, at, anchor, where)


def required(
    path: Path,
    detail: str,
    rule: str,
    at: str = "value",
    hint: str = "",
    anchor: Optional[Path] = None,
    where: Optional[str] = None,
) -> Problem:
    """``field.Required``: ``Required value: detail``.  ``anchor``: where to
    report it when ``path`` itself is absent (the field it depends on)."""
    return problem(path, f"Required value: {detail}" if detail else "Required value", rule, hint, at, anchor, where)


def unsupported(
    path: Path,
    value,
    supported,
    rule: str,
    hint: str = "",
    anchor: Optional[Path] = None,
    where: Optional[str] = None,
) -> Problem:
    """``field.NotSupported``: ``Unsupported value: "x": supported values: "a", "b"``
    ("did you mean" goes to the hint)."""
    from ..suggest import did_you_mean

    opts = ", ".join(f'"{s}"' for s in supported)
    dym = did_you_mean(value, supported).strip(" ()") if isinstance(value, str) and not isinstance(value, Shown) else ""
    hint = "; ".join(h for h in (dym, hint) if h)
    return problem(
        path, f"Unsupported value: {_show(value)}: supported values: {opts}", rule, hint, anchor=anchor, where=where
    )


def duplicate(path: Path, value, rule: str, first: Optional[Path] = None, hint: str = "") -> Problem:
    """``field.Duplicate``: ``Duplicate value: "x"``."""
    if first is not None and not hint:
        hint = f"first used at {format_path(first)}"
    return problem(path, f"Duplicate value: {_show(value)}", rule, hint)


def forbidden(
    path: Path,
    detail: str,
    rule: str,
    at: str = "value",
    hint: str = "",
    anchor: Optional[Path] = None,
    where: Optional[str] = None,
) -> Problem:
    """``field.Forbidden``: ``Forbidden: detail``."""
    return problem(path, f"Forbidden: {detail}", rule, hint, at, anchor, where)


def not_found(path: Path, value, rule: str, hint: str = "") -> Problem:
    """``field.NotFound``: ``Not found: "x"``."""
    return problem(path, f"Not found: {_show(value)}", rule, hint)


def too_long(path: Path, limit: int, rule: str, hint: str = "") -> Problem:
    """``field.TooLong``."""
    return problem(path, f"Too long: {v.too_long_error(limit)}", rule, hint)


_PLACEHOLDER_RE = None


def is_placeholder(value) -> bool:
    """An unrendered template variable (``${X}``, ``$X``, ``$(X)``, ``<X>``,
    ``{{ x }}``): the file is a template, not what gets applied; the schema
    layer reports it as ``unrendered-placeholder``."""
    global _PLACEHOLDER_RE
    if not isinstance(value, str):
        return False
    if "$" not in value and "<" not in value and "{{" not in value:  # what each alternative starts with
        return False
    if _PLACEHOLDER_RE is None:
        import re

        from ..schema import _PLACEHOLDER

        _PLACEHOLDER_RE = (_PLACEHOLDER, re.compile(r"<[A-Za-z][^<>]*>|\{\{.*\}\}|\$[A-Z_][A-Z0-9_]*"))
    return bool(_PLACEHOLDER_RE[0].search(value) or _PLACEHOLDER_RE[1].search(value))


class Shown(str):
    """A value already printed as the server prints it (a map or struct as
    JSON): :func:`_show` leaves it as it is.  ``go``: the same value as a
    release before v1.34 prints it (Go's ``%#v``), or None where that text
    cannot be known (a pointer's address)."""

    go: Optional[str] = None


def shown(text: str, go: Optional[str] = None) -> Shown:
    s = Shown(text)
    s.go = go
    return s


def go_value(value, go_type: str = "") -> Optional[str]:
    """A decoded JSON value as Go's ``%#v`` prints it, ``go_type`` the Go type
    of a list (``[]string``) or map (``map[string]string``); None if unknown."""
    if isinstance(value, Shown):
        return value.go
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list) and go_type.startswith("[]"):
        items = [go_value(x, go_type[2:]) for x in value]
        return None if None in items else go_type + "{" + ", ".join(items) + "}"
    if isinstance(value, dict) and go_type.startswith("map["):
        elem = go_type[go_type.index("]") + 1 :]
        items = [(quote(str(k)), go_value(x, elem)) for k, x in sorted(value.items(), key=lambda kv: str(kv[0]))]
        return (
            None if any(x is None for _, x in items) else go_type + "{" + ", ".join(f"{k}:{x}" for k, x in items) + "}"
        )
    if value is None and go_type:
        return f"{go_type}(nil)"
    return None


def int_or_string(value) -> Shown:
    """An IntOrString value: ``"50%"`` / ``1`` (JSON); before v1.34
    ``intstr.IntOrString{Type:1, IntVal:0, StrVal:"50%"}``."""
    if isinstance(value, str):
        return shown(quote(value), f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{quote(value)}}}")
    if isinstance(value, int) and not isinstance(value, bool):
        return shown(str(value), f'intstr.IntOrString{{Type:0, IntVal:{value}, StrVal:""}}')
    return shown(_show(value))


def stringer(value: str) -> Shown:
    """A value of a Go type with a String() method (core.ResourceName): quoted
    JSON from v1.34, bare before (``Invalid value: cpus: ...``)."""
    return shown(quote(value), value)


def as_json(value, go_type: str = "") -> Shown:
    """A list or map value as the v1.37 server prints it in ``Invalid value:``:
    compact JSON with Go's HTML escaping (``["a","b"]``); before v1.34 as Go's
    ``%#v`` of ``go_type`` (``[]string{"a", "b"}``).  Only for values that
    are not secrets (scopes, URLs, nameservers, policy types, exit codes)."""
    import json

    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return shown(text, go_value(value, go_type) if go_type else None)


def label_map(labels: dict) -> str:
    """A label map in a message: :func:`kubelint.values.show_map` (JSON), before
    v1.34 ``map[string]string{"app":"web"}``."""
    return _show(shown(show_map(labels), go_value(labels, "map[string]string")))


def go_struct(*fields, go_type: str = "") -> Shown:
    """An internal Go struct as the v1.37 server prints it in a message
    (``{"Type":"Recreate","RollingUpdate":null}``): its fields in declaration
    order under their Go names, values as JSON.  ``fields``: (name, value)
    pairs, a value already :class:`Shown` inserted as it is; (name, value,
    Go type) for the form before v1.34 (``go_type``: the struct's, e.g.
    ``apps.DeploymentStrategy{Type:"Rolling", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}``;
    a non-nil pointer prints as its address, which kubelint cannot know)."""
    import json

    def one(v):
        return str(v) if isinstance(v, Shown) else json.dumps(v, separators=(",", ":"), ensure_ascii=False)

    text = "{" + ",".join(f'"{f[0]}":{one(f[1])}' for f in fields) + "}"
    go = None
    if go_type and all(len(f) == 3 for f in fields):
        parts = []
        for name, value, typ in fields:
            if typ.startswith("*"):
                part = f"({typ})(nil)" if value is None or value == "null" else None
            else:
                part = go_value(value, typ)
            if part is None:
                break
            parts.append(f"{name}:{part}")
        else:
            go = go_type + "{" + ", ".join(parts) + "}"
    return shown(text, go)


def intstr(value):
    """An int-or-string field's value as Go's IntOrString marshals it (None: null)."""
    if isinstance(value, bool):
        return None
    return value if isinstance(value, (int, str)) else None


def selector_json(sel) -> Shown:
    """A metav1.LabelSelector as the server prints it: JSON, matchLabels (keys
    sorted) then matchExpressions, empty ones left out; ``null`` for none."""
    import json

    if not isinstance(sel, dict):
        return shown("null", None)
    out = {}
    labels = sel.get("matchLabels")
    if isinstance(labels, dict) and labels:
        out["matchLabels"] = dict(sorted(labels.items(), key=lambda kv: str(kv[0])))
    exprs = sel.get("matchExpressions")
    if isinstance(exprs, list) and exprs:
        out["matchExpressions"] = exprs
    return shown(json.dumps(out, separators=(",", ":"), ensure_ascii=False), _go_selector(sel))


def _go_selector(sel: dict) -> Optional[str]:
    """A metav1.LabelSelector as Go's ``%#v`` prints it (before v1.34)."""
    labels = sel.get("matchLabels")
    exprs = sel.get("matchExpressions")
    go_labels = go_value(labels if isinstance(labels, dict) else None, "map[string]string")
    reqs = []
    for e in exprs if isinstance(exprs, list) else ():
        if not isinstance(e, dict):
            return None
        values = go_value(e.get("values"), "[]string")
        key, op = e.get("key", ""), e.get("operator", "")
        if not isinstance(key, str) or not isinstance(op, str) or values is None:
            return None
        reqs.append(f"v1.LabelSelectorRequirement{{Key:{quote(key)}, Operator:{quote(op)}, Values:{values}}}")
    req_type = "[]v1.LabelSelectorRequirement"
    go_exprs = req_type + "{" + ", ".join(reqs) + "}" if isinstance(exprs, list) else f"{req_type}(nil)"
    if go_labels is None:
        return None
    return f"v1.LabelSelector{{MatchLabels:{go_labels}, MatchExpressions:{go_exprs}}}"


def _show(value) -> str:
    """:func:`kubelint.values.show` (the one value printer): strings whole, as
    the server prints them (the text reporter shortens long ones for display);
    a :class:`Shown` value in the words of the release (:func:`validation.release`)."""
    if isinstance(value, Shown):
        if value.go is not None and v.release() < v.JSON_VALUES_FROM:
            return value.go
        return str(value)
    return show(value)


def at_block_keys(fn):
    """Decorator for validators: a problem about a mapping or list written as
    a block is reported at its key (``selector:``), not at its first entry."""
    import functools

    from ..kinds import get_path

    @functools.wraps(fn)
    def wrapper(obj, ctx):
        out = []
        for p in fn(obj, ctx) or ():
            if p.at == "value" and p.path and isinstance(p.path[-1], str):
                val = get_path(obj.data, p.path)
                if isinstance(val, (dict, list)) and val:
                    p = p._replace(at="key")
            out.append(p)
        return out

    return wrapper


# --- names -------------------------------------------------------------------


def is_valid_path_segment_name(name: str) -> List[str]:
    """path.IsValidPathSegmentName (apimachinery/pkg/api/validation/path)."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    errs = []
    for ch in ("/", "%"):
        if ch in name:
            errs.append(f"may not contain '{ch}'")
    return errs


def name_is_dns_subdomain(name: str, prefix: bool) -> List[str]:
    """NameIsDNSSubdomain (a generateName prefix gets a 5-char suffix; ``maskTrailingDash``)."""
    if prefix:
        name = _mask_trailing_dash(name)
    return v.is_dns1123_subdomain(name)


def name_is_dns_label(name: str, prefix: bool) -> List[str]:
    """NameIsDNSLabel."""
    if prefix:
        name = _mask_trailing_dash(name)
    return v.is_dns1123_label(name)


def name_is_dns1035_label(name: str, prefix: bool) -> List[str]:
    """NameIsDNS1035Label."""
    if prefix:
        name = _mask_trailing_dash(name)
    return v.is_dns1035_label(name)


def validate_path_segment_name(name: str, prefix: bool) -> List[str]:
    """ValidatePathSegmentName (RBAC names)."""
    if prefix:
        return is_valid_path_segment_name(name)
    return is_valid_path_segment_name(name)


def _mask_trailing_dash(name: str) -> str:
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


if TYPE_CHECKING:
    NameFn = Callable[[str, bool], List[str]]

# Name validation per (group, kind): the ValidateXxxName function each
# kind's Validate* passes to ValidateObjectMeta.  Default: NameIsDNSSubdomain.
NAME_FUNCS: Dict[Tuple[str, str], NameFn] = {
    ("", "Namespace"): name_is_dns_label,  # ValidateNamespaceName
    ("", "Service"): name_is_dns1035_label,  # ValidateServiceName
    ("", "ReplicationController"): name_is_dns_subdomain,
    ("apps", "StatefulSet"): name_is_dns_label,  # ValidateStatefulSetName (pod names are <name>-<ordinal> hostnames)
    ("rbac.authorization.k8s.io", "Role"): validate_path_segment_name,  # ValidateRBACName
    ("rbac.authorization.k8s.io", "ClusterRole"): validate_path_segment_name,
    ("rbac.authorization.k8s.io", "RoleBinding"): validate_path_segment_name,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): validate_path_segment_name,
    # Kinds whose Validate* never calls ValidateObjectMeta: only rest.BeforeCreate's
    # ValidateObjectMetaAccessor(..., path.ValidatePathSegmentName, ...) checks the name.
    ("policy", "PodDisruptionBudget"): validate_path_segment_name,  # ValidatePodDisruptionBudget: spec only
    ("", "Event"): validate_path_segment_name,  # ValidateEventCreate: ObjectMeta only for events.k8s.io/v1
}

# Extra per-kind name rules beyond the name function.
CRONJOB_NAME_MAX = 52  # validateCronJobName: job names get an 11-char suffix


def name_function(group: str, kind: str) -> NameFn:
    return NAME_FUNCS.get((group, kind), name_is_dns_subdomain)


def _describe_name_rule(fn: NameFn) -> str:
    return {
        name_is_dns_label: "a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters",
        name_is_dns1035_label: "a DNS-1035 label: lowercase letters, digits and '-', starting with a letter, at "
        "most 63 characters",
        name_is_dns_subdomain: "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters",
        validate_path_segment_name: "a path segment: anything but '/', '%', '.' and '..'",
    }.get(fn, "")


# --- labels, annotations, selectors ---------------------------------------------


def validate_label_name(key, path: Path, rule: str = INVALID_LABEL) -> List[Problem]:
    """ValidateLabelName: IsQualifiedName."""
    if not isinstance(key, str):
        return []
    return [
        invalid(
            path,
            key,
            msg,
            rule,
            "label keys are [prefix/]name: name at most 63 characters of [A-Za-z0-9_.-], prefix a DNS subdomain",
        )
        for msg in v.is_label_key(key)
    ]


def validate_labels(labels, path: Path, rule: str = INVALID_LABEL) -> List[Problem]:
    """ValidateLabels: keys are qualified names, values valid label values.
    Key errors point at the key, value errors at the value."""
    out: List[Problem] = []
    if not isinstance(labels, dict):
        return out
    for k, val in labels.items():
        # The server names the map (``metadata.labels: Invalid value: "k"``);
        # kubelint points at the key or value itself.
        for msg in v.is_label_key(k):
            out.append(invalid(path, k, msg, rule, at="key", anchor=path + (k,)))
            break
        if isinstance(val, str):
            for msg in v.is_valid_label_value(val):
                out.append(invalid(path, val, msg, rule, anchor=path + (k,)))
                break
    return out


def validate_annotations(annotations, path: Path, rule: str = INVALID_ANNOTATION) -> List[Problem]:
    """ValidateAnnotations: keys are qualified names (lower-cased first),
    total size of keys and values at most 256 KiB."""
    out: List[Problem] = []
    if not isinstance(annotations, dict):
        return out
    total = 0
    for k, val in annotations.items():
        if not isinstance(k, str):
            continue
        for msg in v.is_qualified_name(k.lower()):
            out.append(invalid(path, k, msg, rule, at="key", anchor=path + (k,)))
            break
        total += len(k.encode()) + (len(val.encode()) if isinstance(val, str) else 0)
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B:
        out.append(
            too_long(
                path,
                TOTAL_ANNOTATION_SIZE_LIMIT_B,
                rule,
                f"annotations total {total} bytes; move large data (e.g. a last-applied configuration) out of "
                "annotations, e.g. use server-side apply",
            )._replace(at="key")
        )
    return out


SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_label_selector(selector, path: Path, rule: str = INVALID_SELECTOR) -> List[Problem]:
    """metav1validation.ValidateLabelSelector (+ ValidateLabelSelectorRequirement)."""
    out: List[Problem] = []
    if not isinstance(selector, dict):
        return out
    out.extend(validate_labels(selector.get("matchLabels"), path + ("matchLabels",), rule))
    exprs = selector.get("matchExpressions")
    if isinstance(exprs, list):
        for i, req in enumerate(exprs):
            if isinstance(req, dict):
                out.extend(validate_label_selector_requirement(req, path + ("matchExpressions", i), rule))
    return out


def validate_label_selector_requirement(req: dict, path: Path, rule: str = INVALID_SELECTOR) -> List[Problem]:
    out: List[Problem] = []
    op = req.get("operator")
    values = req.get("values")
    n = len(values) if isinstance(values, list) else 0
    if op in ("In", "NotIn"):
        if n == 0:
            out.append(required(path + ("values",), "must be specified when `operator` is 'In' or 'NotIn'", rule))
    elif op in ("Exists", "DoesNotExist"):
        if n > 0:
            out.append(
                forbidden(
                    path + ("values",), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'", rule
                )
            )
    elif isinstance(op, str) or op is None:
        # ValidateLabelSelectorRequirement: field.Invalid "not a valid selector operator"
        from ..suggest import closest

        hit = closest(op, SELECTOR_OPERATORS) if op else None
        out.append(
            invalid(
                path + ("operator",),
                op or "",
                "not a valid selector operator",
                rule,
                "use In, NotIn, Exists or DoesNotExist" + (f'; did you mean "{hit}"?' if hit else ""),
            )
        )
    key = req.get("key")
    if isinstance(key, str):
        out.extend(validate_label_name(key, path + ("key",), rule))
    if isinstance(values, list):
        for j, val in enumerate(values):
            if isinstance(val, str):
                for msg in v.is_valid_label_value(val):
                    out.append(invalid(path + ("values", j), val, msg, rule))
                    break
    return out


# --- ObjectMeta -------------------------------------------------------------------


def validate_object_meta(obj, name_fn: Optional[NameFn] = None) -> List[Problem]:
    """ValidateObjectMetaAccessor for a create (kubectl apply of a new object)."""
    out: List[Problem] = []
    meta = obj.data.get("metadata")
    if not isinstance(meta, dict):
        out.append(
            required(
                ("metadata", "name") if meta is None else ("metadata",),
                "name or generateName is required",
                INVALID_NAME,
            )
        )
        return out
    name_fn = name_fn or name_function(obj.group, obj.kind)
    name, gen = meta.get("name"), meta.get("generateName")
    if isinstance(gen, str) and gen:
        for msg in name_fn(gen, True):
            out.append(invalid(("metadata", "generateName"), gen, msg, INVALID_NAME))
    if not name and not gen:
        out.append(
            Problem(
                ("metadata",),
                "metadata.name: Required value: name or generateName is required "
                "(kubectl apply also needs metadata.name)",
                INVALID_NAME,
                at="key",
            )
        )
    elif not name and isinstance(gen, str) and gen:
        # kubectl apply (client side): "error: from <gen>: cannot use generate name with apply".
        # kubectl create accepts it, so a warning with its own id.
        out.append(
            Problem(
                ("metadata", "generateName"),
                f"metadata.generateName: kubectl apply cannot use generateName "
                f'("error: from {gen}: cannot use generate name with apply"); '
                "create the object with kubectl create, or set metadata.name",
                "generate-name-with-apply",
                "warning",
            )
        )
    elif isinstance(name, str) and name:
        for msg in name_fn(name, False):
            out.append(
                invalid(
                    ("metadata", "name"),
                    name,
                    msg,
                    INVALID_NAME,
                    f"{obj.kind} names must be {_describe_name_rule(name_fn)}" if _describe_name_rule(name_fn) else "",
                )
            )
    ns = meta.get("namespace")
    if isinstance(ns, str) and ns:
        from ..kinds import is_cluster_scoped

        if not is_cluster_scoped(obj.group, obj.kind):
            for msg in v.is_dns1123_label(ns):
                out.append(invalid(("metadata", "namespace"), ns, msg, INVALID_NAME))
    gen_num = meta.get("generation")
    if isinstance(gen_num, int) and not isinstance(gen_num, bool) and gen_num < 0:
        out.append(invalid(("metadata", "generation"), gen_num, "must be greater than or equal to 0", INVALID_METADATA))
    out.extend(validate_labels(meta.get("labels"), ("metadata", "labels")))
    out.extend(validate_annotations(meta.get("annotations"), ("metadata", "annotations")))
    out.extend(_owner_references(meta.get("ownerReferences")))
    out.extend(_finalizers(meta.get("finalizers")))
    # resourceVersion/uid on a new object: accepted (kubectl apply --dry-run=server, oracle-confirmed).
    return out


# The client-side-apply annotation size check (last-applied-too-large) is in core.py.


def _owner_references(refs) -> List[Problem]:
    """ValidateOwnerReferences: apiVersion, kind, name, uid required; one controller."""
    out: List[Problem] = []
    if not isinstance(refs, list):
        return out
    controllers = 0
    for i, ref in enumerate(refs):
        if not isinstance(ref, dict):
            continue
        p = ("metadata", "ownerReferences", i)
        for f in ("apiVersion", "kind", "name", "uid"):
            if not ref.get(f):
                out.append(invalid(p + (f,), ref.get(f) or "", f"{f} must not be empty", INVALID_METADATA))
        if ref.get("controller") is True:
            controllers += 1
    if controllers > 1:
        out.append(
            invalid(
                ("metadata", "ownerReferences"),
                "",
                "Only one reference can have Controller set to true",
                INVALID_METADATA,
            )
        )
    return out


def _finalizers(finalizers) -> List[Problem]:
    """ValidateFinalizers / ValidateFinalizerName."""
    out: List[Problem] = []
    if not isinstance(finalizers, list):
        return out
    for i, f in enumerate(finalizers):
        if not isinstance(f, str):
            continue
        p = ("metadata", "finalizers", i)
        errs = v.is_qualified_name(f)
        for msg in errs:
            out.append(invalid(p, f, msg, INVALID_METADATA))
        if not errs and "/" not in f and f not in STANDARD_FINALIZERS:
            out.append(
                invalid(p, f, "name is neither a standard finalizer name nor is it fully qualified", INVALID_METADATA)
            )
    return out


@validates(ANY)
def object_meta(obj, ctx):
    """Every built-in kind: ValidateObjectMeta with the kind's name function."""
    if obj.group == "apiextensions.k8s.io" and obj.kind == "CustomResourceDefinition":
        # the CRD validator checks its name (plural.group); big CRDs are the
        # usual victims of the last-applied annotation limit.
        return validate_object_meta(obj, lambda n, p: [])
    name_fn = None
    if obj.group == "" and obj.kind == "Service" and ctx.gate("RelaxedServiceNameValidation"):
        # RelaxedServiceNameValidation (on from v1.36, see .gates): Service names are DNS-1123
        # labels (a leading digit is fine; oracle-confirmed on v1.37); before, DNS-1035 labels
        # (ValidateServiceName = NameIsDNS1035Label; oracle-confirmed on v1.30 and v1.33).
        name_fn = name_is_dns_label
    out = validate_object_meta(obj, name_fn)
    if (
        obj.group == "batch"
        and obj.kind == "CronJob"
        and isinstance(obj.name, str)
        and len(obj.name) > CRONJOB_NAME_MAX
    ):
        out.append(
            invalid(
                ("metadata", "name"),
                obj.name,
                f"must be no more than {CRONJOB_NAME_MAX} characters",
                INVALID_NAME,
                "the CronJob controller appends an 11-character suffix to Job names",
            )
        )
    return out
