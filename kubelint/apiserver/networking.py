"""networking.k8s.io: Ingress, IngressClass, NetworkPolicy.

Ported from ``pkg/apis/networking/validation/validation.go``
(``ValidateIngressSpec``, ``validateIngressRules``, ``validateHTTPIngressPath``,
``validateIngressBackend``, ``validateIngressTLS``, ``ValidateIngressClass``,
``validateIngressClassParametersReference``, ``ValidateNetworkPolicySpec``,
``ValidateNetworkPolicyPort``, ``ValidateNetworkPolicyPeer``, ``ValidateIPBlock``).
"""

from __future__ import annotations


from ..findings import Problem
from . import validation as v
from .common import (
    FORBIDDEN_FIELD,
    INVALID_SELECTOR,
    INVALID_VALUE,
    REQUIRED_VALUE,
    TOO_LONG,
    UNSUPPORTED_VALUE,
    P,
    cidr_strict_errors,
    dict_at,
    dns_subdomain,
    host_errors,
    invalid_msgs,
    is_int,
    is_str,
    list_at,
    parse_cidr,
    parse_ip,
)
from .meta import (
    shown,
    as_json,
    forbidden,
    invalid,
    is_valid_path_segment_name,
    name_is_dns1035_label,
    name_is_dns_label,
    required,
    unsupported,
    validate_label_selector,
)
from .registry import validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List

NET = "networking.k8s.io"
PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")
PROTOCOLS = ("TCP", "UDP", "SCTP")
POLICY_TYPES = ("Ingress", "Egress")
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"


@validates((NET, "Ingress"))
def ingress(obj, ctx):
    """ValidateIngressCreate -> ValidateIngressSpec."""
    out: List[Problem] = []
    spec = obj.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    sp = ("spec",)
    rules = spec.get("rules")
    rules = rules if isinstance(rules, list) else []
    backend = spec.get("defaultBackend")
    if not rules and backend is None:
        out.append(
            invalid(
                sp,
                # field.Invalid(.., spec.Rules, ..)
                shown("null", "[]networking.IngressRule(nil)")
                if spec.get("rules") is None
                else shown("[]", "[]networking.IngressRule{}"),
                "either `defaultBackend` or `rules` must be specified",
                INVALID_VALUE,
                "an Ingress must route somewhere: add spec.rules or spec.defaultBackend",
            )._replace(at="key")
        )
    # ValidateServiceName: DNS-1035 labels, DNS-1123 labels once RelaxedServiceNameValidation is on
    # (v1.36, see .gates; oracle-confirmed: v1.30 and v1.33 reject a leading digit, v1.37 accepts it)
    svc_name = name_is_dns_label if ctx.gate("RelaxedServiceNameValidation") else name_is_dns1035_label
    if isinstance(backend, dict):
        out.extend(_backend(backend, sp + ("defaultBackend",), svc_name))
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        rp = sp + ("rules", i)
        host = rule.get("host")
        if is_str(host) and host:
            if parse_ip(host) is not None:
                out.append(
                    invalid(
                        rp + ("host",),
                        host,
                        "must be a DNS name, not an IP address",
                        INVALID_VALUE,
                        "omit host to match every host, or use a DNS name",
                    )
                )
            if "*" in host:
                out.extend(
                    host_errors(
                        rp + ("host",),
                        host,
                        v.is_wildcard_dns1123_subdomain(host),
                        "a wildcard may only be the whole first label, e.g. *.example.com",
                    )
                )
            else:
                out.extend(
                    host_errors(
                        rp + ("host",),
                        host,
                        v.is_dns1123_subdomain(host),
                        "host is a DNS name: no scheme, port or path",
                    )
                )
        http = rule.get("http")
        if isinstance(http, dict):
            paths = http.get("paths")
            if "paths" in http and (not isinstance(paths, list) or not paths):
                out.append(required(rp + ("http", "paths"), "", REQUIRED_VALUE, at="key"))
                continue
            for j, p in enumerate(paths if isinstance(paths, list) else ()):  # `http: {}`: fuzz crash
                if isinstance(p, dict):
                    out.extend(_http_path(p, rp + ("http", "paths", j), svc_name))
    for t, tls in enumerate(list_at(spec, "tls")):
        if not isinstance(tls, dict):
            continue
        tp = sp + ("tls", t)
        for i, host in enumerate(list_at(tls, "hosts")):
            if not is_str(host):
                continue
            msgs = v.is_wildcard_dns1123_subdomain(host) if "*" in host else v.is_dns1123_subdomain(host)
            out.extend(host_errors(tp + ("hosts", i), host, msgs))
        sn = tls.get("secretName")
        if is_str(sn) and sn:
            out.extend(host_errors(tp + ("secretName",), sn, v.is_dns1123_subdomain(sn)))
    icn = spec.get("ingressClassName")
    if is_str(icn):
        out.extend(invalid_msgs(sp + ("ingressClassName",), icn, v.is_dns1123_subdomain(icn), INVALID_VALUE))
        ann = dict_at(obj.data, "metadata", "annotations").get(INGRESS_CLASS_ANNOTATION)
        if is_str(ann) and ann != icn:
            out.append(
                invalid(
                    ("metadata", "annotations", INGRESS_CLASS_ANNOTATION),
                    ann,
                    "must match `ingressClassName` when both are specified",
                    INVALID_VALUE,
                    "drop the deprecated kubernetes.io/ingress.class annotation",
                    # ValidateIngressCreate: field.NewPath("annotations").Child(annotation)
                    where=f"annotations.{INGRESS_CLASS_ANNOTATION}",
                )
            )
    return out


def _http_path(p: dict, pp, svc_name) -> List[Problem]:
    """validateHTTPIngressPath."""
    out: List[Problem] = []
    pt = p.get("pathType")
    path = p.get("path")
    path = path if is_str(path) else ""
    if pt is None:
        if "pathType" not in p:
            return []  # the schema's missing-required-field
        return [
            required(
                pp + ("pathType",),
                "pathType must be specified (Prefix, Exact or ImplementationSpecific)",
                REQUIRED_VALUE,
                at="key" if "pathType" in p else "value",
            )
        ]
    if pt in ("Exact", "Prefix"):
        if not path.startswith("/"):
            out.append(
                invalid(pp + ("path",), path, "must be an absolute path", INVALID_VALUE, 'start the path with "/"')
            )
        if path:
            for seq in INVALID_PATH_SEQUENCES:
                if seq in path:
                    out.append(invalid(pp + ("path",), path, f"must not contain '{seq}'", INVALID_VALUE))
            for suf in INVALID_PATH_SUFFIXES:
                if path.endswith(suf):
                    out.append(invalid(pp + ("path",), path, f"cannot end with '{suf}'", INVALID_VALUE))
    elif pt == "ImplementationSpecific":
        if path and not path.startswith("/"):
            out.append(
                invalid(pp + ("path",), path, "must be an absolute path", INVALID_VALUE, 'start the path with "/"')
            )
    elif is_str(pt):
        out.append(unsupported(pp + ("pathType",), pt, PATH_TYPES, UNSUPPORTED_VALUE))
    be = p.get("backend")
    out.extend(_backend(be if isinstance(be, dict) else {}, pp + ("backend",), svc_name))
    return out


def _backend(be: dict, bp, svc_name) -> List[Problem]:
    """validateIngressBackend: exactly one of service/resource; port name xor number."""
    out: List[Problem] = []
    svc = be.get("service")
    res = be.get("resource")
    if svc is not None and res is not None:
        return [
            invalid(
                bp,
                "",
                "cannot set both resource and service backends",
                INVALID_VALUE,
                "a backend is either a Service or a resource",
            )._replace(at="key")
        ]
    if isinstance(res, dict):
        out.extend(_typed_ref(res, bp + ("resource",)))
    elif isinstance(svc, dict):
        name = svc.get("name")
        if not name and "name" in svc:
            out.append(required(bp + ("service", "name"), "", REQUIRED_VALUE, at="key" if "name" in svc else "value"))
        elif is_str(name):
            # ValidateServiceName (DNS-1035), relaxed to DNS-1123 labels by RelaxedServiceNameValidation.
            out.extend(invalid_msgs(bp + ("service", "name"), name, svc_name(name, False), INVALID_VALUE))
        port = svc.get("port")
        port = port if isinstance(port, dict) else {}
        pname = port.get("name")
        pnum = port.get("number")
        has_name = is_str(pname) and pname != ""
        has_num = is_int(pnum) and pnum != 0
        if has_name and has_num:
            out.append(
                invalid(
                    bp,  # validateIngressBackend: field.Invalid(fldPath, ...)
                    "",
                    "cannot set both port name & port number",
                    INVALID_VALUE,
                    "set port.number or port.name, not both",
                    at="key",
                    anchor=bp + ("service", "port"),
                )
            )
        elif has_name:
            out.extend(
                invalid_msgs(bp + ("service", "port", "name"), pname, v.is_valid_port_name(pname), INVALID_VALUE)
            )
        elif has_num:
            out.extend(invalid_msgs(bp + ("service", "port", "number"), pnum, v.is_valid_port_num(pnum), INVALID_VALUE))
        else:
            out.append(
                required(
                    bp, "port name or number is required", REQUIRED_VALUE, at="key", anchor=bp + ("service", "port")
                )
            )
    elif svc is None and res is None:
        out.append(
            invalid(
                bp,
                "",
                "resource or service backend is required",
                INVALID_VALUE,
                "set service (name and port) or resource",
            )._replace(at="key")
        )
    return out


def _typed_ref(ref: dict, p) -> List[Problem]:
    """validateIngressTypedLocalObjectReference."""
    out: List[Problem] = []
    g = ref.get("apiGroup")
    if is_str(g):
        out.extend(dns_subdomain(p + ("apiGroup",), g))
    for f in ("kind", "name"):
        val = ref.get(f)
        if not val and f in ref:
            out.append(required(p + (f,), "", REQUIRED_VALUE, at="key" if f in ref else "value"))
        elif is_str(val):
            out.extend(invalid_msgs(p + (f,), val, is_valid_path_segment_name(val), INVALID_VALUE))
    return out


@validates((NET, "IngressClass"))
def ingress_class(obj, ctx):
    """ValidateIngressClass -> validateIngressClassSpec, validateIngressClassParametersReference."""
    out: List[Problem] = []
    spec = dict_at(obj.data, "spec")
    sp = ("spec",)
    ctl = spec.get("controller")
    if not ctl:
        out.append(
            required(
                sp + ("controller",),
                "",
                REQUIRED_VALUE,
                at="key" if "controller" in spec else "value",
                hint="the controller that implements this class, e.g. k8s.io/ingress-nginx",
            )
        )
    elif is_str(ctl):
        if len(ctl) > 250:
            out.append(P(sp + ("controller",), f"Too long: {v.too_long_error(250)}", TOO_LONG))
        out.extend(
            invalid_msgs(
                sp + ("controller",),
                ctl,
                v.is_domain_prefixed_path(ctl),
                INVALID_VALUE,
                "controller names are domain-prefixed paths such as example.com/ingress-controller",
            )
        )
    params = spec.get("parameters")
    if isinstance(params, dict):
        pp = sp + ("parameters",)
        g = params.get("apiGroup")
        if is_str(g):
            out.extend(dns_subdomain(pp + ("apiGroup",), g))
        for f in ("kind", "name"):
            val = params.get(f)
            if not val and f in params:
                out.append(required(pp + (f,), "", REQUIRED_VALUE, at="key" if f in params else "value"))
            elif is_str(val):
                out.extend(invalid_msgs(pp + (f,), val, is_valid_path_segment_name(val), INVALID_VALUE))
        scope = params.get("scope")
        # SetDefaults_IngressClass: scope defaults to Cluster.
        scope = scope if is_str(scope) and scope else "Cluster"
        ns = params.get("namespace")
        if scope not in ("Cluster", "Namespace"):
            out.append(unsupported(pp + ("scope",), scope, ("Cluster", "Namespace"), UNSUPPORTED_VALUE))
        elif scope == "Namespace":
            if ns is None:
                out.append(
                    P(
                        pp + ("scope",),
                        "Required value: `parameters.scope` is set to 'Namespace'",
                        REQUIRED_VALUE,
                        where="spec.parameters.namespace",
                        hint="name the namespace of the parameters object",
                    )
                )
            elif is_str(ns):
                out.extend(invalid_msgs(pp + ("namespace",), ns, v.is_dns1123_label(ns), INVALID_VALUE))
        elif ns is not None:
            out.append(
                forbidden(pp + ("namespace",), "`parameters.scope` is set to 'Cluster'", FORBIDDEN_FIELD, at="key")
            )
    return out


@validates((NET, "NetworkPolicy"))
def network_policy(obj, ctx):
    """ValidateNetworkPolicySpec."""
    out: List[Problem] = []
    spec = dict_at(obj.data, "spec")
    sp = ("spec",)
    ps = spec.get("podSelector")
    if isinstance(ps, dict):
        out.extend(validate_label_selector(ps, sp + ("podSelector",), INVALID_SELECTOR))
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(list_at(spec, direction)):
            if not isinstance(rule, dict):
                continue
            rp = sp + (direction, i)
            for j, port in enumerate(list_at(rule, "ports")):
                if isinstance(port, dict):
                    out.extend(_np_port(port, rp + ("ports", j)))
            for j, peer in enumerate(list_at(rule, peers_key)):
                if isinstance(peer, dict):
                    out.extend(_np_peer(peer, rp + (peers_key, j), ctx.gate("StrictIPCIDRValidation")))
    types = spec.get("policyTypes")
    if isinstance(types, list):
        if len(types) > 2:
            out.append(
                invalid(
                    sp + ("policyTypes",),
                    as_json(types, "[]networking.PolicyType"),
                    "may not specify more than two policyTypes",
                    INVALID_VALUE,
                )._replace(at="key")
            )
        else:
            for i, t in enumerate(types):
                if is_str(t) and t not in POLICY_TYPES:
                    out.append(unsupported(sp + ("policyTypes", i), t, POLICY_TYPES, UNSUPPORTED_VALUE))
    return out


def _np_port(port: dict, pp) -> List[Problem]:
    """ValidateNetworkPolicyPort."""
    out: List[Problem] = []
    proto = port.get("protocol")
    if is_str(proto) and proto not in PROTOCOLS:
        out.append(unsupported(pp + ("protocol",), proto, PROTOCOLS, UNSUPPORTED_VALUE))
    p = port.get("port")
    end = port.get("endPort")
    if p is not None:
        if is_int(p):
            out.extend(invalid_msgs(pp + ("port",), p, v.is_valid_port_num(p), INVALID_VALUE))
            if is_int(end):
                if end < p:
                    out.append(
                        invalid(
                            pp + ("endPort",),
                            # the value printed: port.Port.IntVal up to v1.36, *port.EndPort from v1.37
                            end if v.release() >= 37 else p,
                            "must be greater than or equal to `port`",
                            INVALID_VALUE,
                        )
                    )
                out.extend(invalid_msgs(pp + ("endPort",), end, v.is_valid_port_num(end), INVALID_VALUE))
        elif is_str(p):
            if end is not None:
                out.append(
                    invalid(pp + ("endPort",), end, "may not be specified when `port` is non-numeric", INVALID_VALUE)
                )
            out.extend(
                invalid_msgs(
                    pp + ("port",),
                    p,
                    v.is_valid_port_name(p),
                    INVALID_VALUE,
                    "a string port names a container port; write a number without quotes" if p.isdigit() else "",
                )
            )
    elif end is not None:
        out.append(invalid(pp + ("endPort",), end, "may not be specified when `port` is not specified", INVALID_VALUE))
    return out


def _np_peer(peer: dict, pp, strict: bool) -> List[Problem]:
    """ValidateNetworkPolicyPeer + ValidateIPBlock."""
    out: List[Problem] = []
    n = 0
    for f in ("podSelector", "namespaceSelector"):
        sel = peer.get(f)
        if sel is not None:
            n += 1
            if isinstance(sel, dict):
                out.extend(validate_label_selector(sel, pp + (f,), INVALID_SELECTOR))
    ipb = peer.get("ipBlock")
    if ipb is not None:
        n += 1
        if isinstance(ipb, dict):
            out.extend(_ip_block(ipb, pp + ("ipBlock",), strict))
    if n == 0:
        out.append(
            required(pp, "must specify a peer", REQUIRED_VALUE, hint="podSelector, namespaceSelector or ipBlock")
        )
    elif n > 1 and ipb is not None:
        out.append(
            forbidden(
                pp,  # ValidateNetworkPolicyPeer: field.Forbidden(peerPath, ...)
                "may not specify both ipBlock and another peer",
                FORBIDDEN_FIELD,
                at="key",
                hint="use separate list entries",
                anchor=pp + ("ipBlock",),
            )
        )
    return out


def _ip_block(ipb: dict, p, strict: bool) -> List[Problem]:
    """ValidateIPBlock: IsValidCIDRForLegacyField, strict from v1.36 (StrictIPCIDRValidation, see
    .gates; v1.30 and v1.33 accept leading zeros and host bits with a warning, oracle-confirmed)."""
    out: List[Problem] = []
    cidr = ipb.get("cidr")
    if not cidr:
        if "cidr" not in ipb:
            return []  # the schema's missing-required-field
        return [required(p + ("cidr",), "", REQUIRED_VALUE, at="key" if "cidr" in ipb else "value")]
    if not is_str(cidr):
        return out
    net = parse_cidr(cidr)
    msgs = cidr_strict_errors(cidr, strict)
    if msgs:
        out.append(invalid(p + ("cidr",), cidr, msgs[0], INVALID_VALUE))
    if net is None:
        return out
    for i, ex in enumerate(list_at(ipb, "except")):
        if not is_str(ex):
            continue
        exn = parse_cidr(ex)
        msgs = cidr_strict_errors(ex, strict)
        if msgs:
            out.append(invalid(p + ("except", i), ex, msgs[0], INVALID_VALUE))
        if exn is None:
            continue
        if exn.version != net.version or exn.network_address not in net or net.prefixlen >= exn.prefixlen:
            out.append(
                invalid(
                    p + ("except", i),
                    ex,
                    "must be a strict subset of `cidr`",
                    INVALID_VALUE,
                    f"{ex} is not inside {cidr}",
                )
            )
    return out
