"""Core (``v1``) kinds other than pods: Service, ConfigMap, Secret,
PersistentVolumeClaim, PersistentVolume, Namespace, ServiceAccount,
LimitRange, ResourceQuota.

Ported from ``pkg/apis/core/validation/validation.go`` (function named in
each docstring), with the ``pkg/apis/core/v1/defaults.go`` defaulting that
changes a verdict applied first (Service protocol TCP, targetPort = port,
type ClusterIP, sessionAffinity None; Secret ``stringData`` merged into
``data``).  Metadata (names, labels, annotations) is :mod:`.meta`'s job.

The helpers shared by every validator module are in :mod:`.common`.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import posixpath
from functools import lru_cache

from ..findings import Key, Problem, format_path
from ..loader import native
from . import validation as v
from .common import (
    canonical_quantity,
    go_json_error,
    int_value,
    DUPLICATE_VALUE,
    FORBIDDEN_FIELD,
    INVALID_LABEL,
    INVALID_SELECTOR,
    INVALID_VALUE,
    IP_MSG,
    REQUIRED_VALUE,
    TOO_LONG,
    UNSUPPORTED_VALUE,
    P,
    _keyed,
    cidr_errors,
    cidr_strict_errors,
    dict_at,
    dns_label,
    dns_subdomain,
    fmt_quantity,
    host_errors,
    invalid_msgs,
    ip_strict_errors,
    is_int,
    is_str,
    list_at,
    parse_ip,
    path_no_backsteps,
    port_num_errors,
    port_num_or_name,
    qualified_name,
    quantity,
)
from .meta import (
    Shown,
    _show,
    int_or_string,
    stringer,
    go_struct,
    as_json,
    duplicate,
    forbidden,
    invalid,
    renamed,
    required,
    unsupported,
    validate_label_name,
    validate_label_selector,
    validate_labels,
)
from .registry import ANY, validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List, Optional

# Specific ids (catalogue: rules/apiserver-objects.yaml).
NODE_PORT_RANGE = "service-node-port-range"
SECRET_TYPE_KEYS = "secret-type-keys"

MAX_SECRET_SIZE = 1024 * 1024  # core.MaxSecretSize (also ConfigMaps)


# --- Service ------------------------------------------------------------------------

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")
SESSION_AFFINITY = ("ClientIP", "None")
EXTERNAL_TRAFFIC_POLICIES = ("Cluster", "Local")
INTERNAL_TRAFFIC_POLICIES = ("Cluster", "Local")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
TRAFFIC_DISTRIBUTIONS = ("PreferClose", "PreferSameZone", "PreferSameNode")  # the server's order
NODE_PORT_MIN, NODE_PORT_MAX = 30000, 32767  # --service-node-port-range default
MAX_CLIENT_IP_AFFINITY_SECONDS = 86400
LB_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"
TOPOLOGY_MODE_ANNOTATION = "service.kubernetes.io/topology-mode"
TOPOLOGY_HINTS_ANNOTATION = "service.kubernetes.io/topology-aware-hints"


@validates(("", "Service"))
def service(obj, ctx):
    """ValidateService (+ validateServicePort, ValidateServiceClusterIPsRelatedFields,
    validateServiceExternalTrafficPolicy, validateServiceInternalTrafficFieldsValue,
    validateLoadBalancerClassField) after SetDefaults_Service; nodePort range from
    the REST allocator (registry/core/service/portallocator)."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        spec = {}
    typ = spec.get("type")
    typ = typ if is_str(typ) and typ else "ClusterIP"  # SetDefaults_Service
    ips = _ServiceIPs(spec)
    anns = dict_at(obj.data, "metadata", "annotations")
    out: List[Problem] = []
    out.extend(_service_type(spec, typ, ips))
    if typ == "ExternalName":
        out.extend(_external_name(spec, ips))
    out.extend(_service_ports(list_at(spec, "ports"), typ))
    taken = _node_port_allocation(list_at(spec, "ports"), typ)
    if taken:
        # the REST create allocates node ports before it validates: this is the server's only error
        out = [p for p in out if p.path != taken.path or p.rule != DUPLICATE_VALUE] + [taken]
    sel = spec.get("selector")
    if isinstance(sel, dict):
        out.extend(validate_labels(sel, ("spec", "selector"), INVALID_LABEL))
    out.extend(_session_affinity(spec))
    # IsValidIPForLegacyField / IsValidCIDRForLegacyField: strict from v1.36 (StrictIPCIDRValidation,
    # see .gates); before, non-standard IPs and CIDRs are accepted with a warning (oracle-confirmed on
    # v1.30 and v1.33)
    strict = ctx.gate("StrictIPCIDRValidation")
    if typ != "ExternalName":
        out.extend(_cluster_ips(spec, ips.cip, ips.cips, ips.headless, strict))
    for i, ip in enumerate(list_at(spec, "externalIPs")):
        if is_str(ip):
            out.extend(_non_special_ip(("spec", "externalIPs", i), ip, strict))
    out.extend(_source_ranges(spec, typ, anns, strict))
    out.extend(_topology_annotations(anns))
    out.extend(_load_balancer_fields(spec, typ))
    out.extend(_traffic_policies(spec, typ, ctx))
    return [_service_field_name(p) for p in out]


def _service_field_name(p: Problem) -> Problem:
    """The field as ValidateService names it: after NormalizeClusterIPs a
    ``clusterIP`` is validated as ``clusterIPs[0]`` (``clusterIPs`` for
    Forbidden), and loadBalancerSourceRanges is ``LoadBalancerSourceRanges``
    (``specPath.Child("LoadBalancerSourceRanges")``).  The position stays."""
    if p.field is None and p.path[:2] == ("spec", "clusterIP"):
        return renamed(p, "spec.clusterIPs" if ": Forbidden:" in p.message else "spec.clusterIPs[0]")
    if p.field is None and p.path[:2] == ("spec", "loadBalancerSourceRanges"):
        return renamed(p, format_path(("spec", "LoadBalancerSourceRanges") + p.path[2:]))
    return p


class _ServiceIPs:
    """clusterIP and clusterIPs as PrepareForCreate/NormalizeClusterIPs see
    them (clusterIP <-> clusterIPs[0])."""

    def __init__(self, spec: dict):
        cip = spec.get("clusterIP")
        cips = spec.get("clusterIPs")
        self.cips = [c for c in cips if is_str(c)] if isinstance(cips, list) else []
        self.cip = cip if is_str(cip) else ""
        self.ips = self.cips or ([self.cip] if self.cip else [])
        self.path = ("spec",) + (("clusterIP",) if self.cip else ("clusterIPs", 0))
        self.headless = len(self.ips) == 1 and self.ips[0] == "None"


def _service_type(spec: dict, typ: str, ips: _ServiceIPs) -> List[Problem]:
    """The type, the ports it needs, and headless services of a type that needs a cluster IP."""
    sp = ("spec",)
    out: List[Problem] = []
    if typ not in SERVICE_TYPES:
        out.append(unsupported(sp + ("type",), typ, SERVICE_TYPES, UNSUPPORTED_VALUE))
    if not list_at(spec, "ports") and not ips.headless and typ != "ExternalName":
        out.append(
            required(
                sp + ("ports",),
                "",
                REQUIRED_VALUE,
                hint="a Service needs at least one port (only headless clusterIP: None and ExternalName services "
                "may have none)",
            )
        )
    if typ in ("LoadBalancer", "NodePort") and ips.headless:
        out.append(
            invalid(
                ips.path,
                "None",
                f"may not be set to 'None' for {typ} services",
                INVALID_VALUE,
                "headless services have no cluster IP to route node ports to; remove clusterIP: None or use type "
                "ClusterIP",
            )
        )
    return out


def _external_name(spec: dict, ips: _ServiceIPs) -> List[Problem]:
    """An ExternalName service: a DNS name, no cluster IP, no IP families."""
    sp = ("spec",)
    out: List[Problem] = []
    if ips.ips:
        out.append(
            forbidden(
                ("spec", "clusterIPs"),
                "may not be set for ExternalName services",
                FORBIDDEN_FIELD,
                hint="an ExternalName service is a DNS CNAME, it has no cluster IP",
                anchor=ips.path,
            )
        )
    if spec.get("ipFamilies"):
        out.append(forbidden(sp + ("ipFamilies",), "may not be set for ExternalName services", FORBIDDEN_FIELD))
    if spec.get("ipFamilyPolicy") is not None:
        out.append(forbidden(sp + ("ipFamilyPolicy",), "may not be set for ExternalName services", FORBIDDEN_FIELD))
    name = spec.get("externalName")
    cname = name[:-1] if is_str(name) and name.endswith(".") else name
    if not cname:
        hint = "an ExternalName service needs spec.externalName (the DNS name it aliases)"
        out.append(
            P(sp + ("externalName",), "Required value", REQUIRED_VALUE, hint=hint)
            if "externalName" in spec
            else P(sp + ("type",), "Required value", REQUIRED_VALUE, where="spec.externalName", hint=hint)
        )
    elif is_str(cname):
        out.extend(
            host_errors(
                sp + ("externalName",),
                name,
                v.is_dns1123_subdomain(cname),
                "externalName must be a DNS name such as db.example.com (not a URL or an IP address)",
            )
        )
    return out


def _service_ports(ports: list, typ: str) -> List[Problem]:
    """validateServicePort for each port, plus the uniqueness of names,
    port/protocol pairs and nodePorts across them."""
    out: List[Problem] = []
    names = set()
    seen_ports = set()
    seen_node_ports = set()
    for i, p in enumerate(ports):
        if not isinstance(p, dict):
            continue
        pp = ("spec", "ports", i)
        out.extend(_service_port_name(p, pp, len(ports), names))
        port = p.get("port")
        if is_int(port):
            out.extend(port_num_errors(pp + ("port",), port))
        proto = p.get("protocol")
        if proto is None or proto == "":
            proto = "TCP"  # SetDefaults_Service
        elif is_str(proto) and proto not in PORT_PROTOCOLS:
            out.append(unsupported(pp + ("protocol",), proto, PORT_PROTOCOLS, UNSUPPORTED_VALUE))
        typed = is_str(proto)  # a protocol of the wrong type is the schema's business
        tp = p.get("targetPort")
        if tp is not None and tp != 0 and tp != "":  # 0/"" default to port
            hint = (
                "a string targetPort names a container port; write a number without quotes"
                if is_str(tp) and tp.isdigit()
                else ""
            )
            out.extend(port_num_or_name(pp + ("targetPort",), tp, INVALID_VALUE, hint))
        ap = p.get("appProtocol")
        if is_str(ap):
            out.extend(qualified_name(pp + ("appProtocol",), ap))
        np = p.get("nodePort")
        if is_int(np) and np != 0:
            out.extend(_node_port(np, pp, typ, proto if typed else None, seen_node_ports))
        if is_int(port) and typed:
            key = (proto, port)
            if key in seen_ports:
                # validateServicePort: field.Duplicate(portPath, core.ServicePort{Protocol, Port})
                key_struct = go_struct(
                    ("Name", "", "string"),
                    ("Protocol", proto, "string"),
                    ("AppProtocol", None, "*string"),
                    ("Port", port, "int32"),
                    ("TargetPort", int_or_string(0), "intstr.IntOrString"),
                    ("NodePort", 0, "int32"),
                    go_type="core.ServicePort",
                )
                out.append(
                    duplicate(
                        pp,
                        key_struct,
                        DUPLICATE_VALUE,
                        hint=f"port {port}/{proto} is already used by another entry of spec.ports; each port/protocol "
                        "pair must be unique",
                    )._replace(path=pp + ("port",), field=format_path(pp))
                )
            seen_ports.add(key)
    return out


def _node_port_allocation(ports: list, typ: str) -> Optional[Problem]:
    """initNodePorts (pkg/registry/core/service/storage/alloc.go), run by the REST
    create before validation for NodePort and LoadBalancer services: a service
    port number gets the first nodePort requested for it; a nodePort requested
    again for another port number is "already allocated" (protocols aside)."""
    if typ not in ("NodePort", "LoadBalancer"):
        return None
    ports = [p if isinstance(p, dict) else {} for p in ports]

    def node_port(p):
        np = int_value(p.get("nodePort"))
        return np if np else 0

    def number(p):
        port = int_value(p.get("port"))
        return port if port is not None else 0

    allocated: set = set()
    by_port: dict = {}
    for i, p in enumerate(ports):
        port, np = number(p), node_port(p)
        have = by_port.get(port, 0)
        if not have:
            want = next((node_port(q) for q in ports if number(q) == port and node_port(q)), 0)
            if want:
                if want in allocated:
                    return _already_allocated(i, want)
                allocated.add(want)
                by_port[port] = want
            else:
                by_port[port] = -1  # AllocateNext: a free port, not one requested here
        elif np and np != have:
            if np in allocated:
                return _already_allocated(i, np)
            allocated.add(np)
    return None


def _already_allocated(i: int, np: int) -> Problem:
    return invalid(
        ("spec", "ports", i, "nodePort"),
        np,
        "provided port is already allocated",
        DUPLICATE_VALUE,
        "another entry of spec.ports already requests this nodePort; give each service port its own "
        "nodePort, or omit it to get one allocated",
    )


def _service_port_name(p: dict, pp, count: int, names: set) -> List[Problem]:
    """Every port named when there are several; names DNS labels, unique."""
    name = p.get("name")
    if count > 1 and not name:
        return [
            required(
                pp + ("name",),
                "",
                REQUIRED_VALUE,
                at="key" if "name" in p else "value",
                hint="every port needs a name when a Service has more than one port",
            )
        ]
    out: List[Problem] = []
    if is_str(name) and name:
        out.extend(invalid_msgs(pp + ("name",), name, v.is_dns1123_label(name), INVALID_VALUE))
        if name in names:
            out.append(duplicate(pp + ("name",), name, DUPLICATE_VALUE))
        names.add(name)
    return out


def _node_port(np: int, pp, typ: str, proto, seen: set) -> List[Problem]:
    """A nodePort: not on ClusterIP services, in the allocator's range, unique
    per protocol (``proto`` None: a protocol of the wrong type, not compared)."""
    out: List[Problem] = []
    if typ == "ClusterIP":
        out.append(
            forbidden(
                pp + ("nodePort",),
                "may not be used when `type` is 'ClusterIP'",
                FORBIDDEN_FIELD,
                hint="use type NodePort or LoadBalancer, or drop nodePort",
            )
        )
    elif typ in ("NodePort", "LoadBalancer") and not NODE_PORT_MIN <= np <= NODE_PORT_MAX:
        # A warning: the allocator rejects it on a real create, but
        # server-side dry-run skips the range check (oracle-confirmed)
        # and clusters may configure another --service-node-port-range.
        out.append(
            invalid(
                pp + ("nodePort",),
                np,
                f"provided port is not in the valid range. The range of valid ports is {NODE_PORT_MIN}-{NODE_PORT_MAX}",
                NODE_PORT_RANGE,
                "the API server's default --service-node-port-range; a real create fails although "
                "--dry-run=server passes; omit nodePort to get one allocated",
            )._replace(severity="warning")
        )
    if proto is not None:
        key = (proto, np)
        if key in seen:
            out.append(duplicate(pp + ("nodePort",), np, DUPLICATE_VALUE))
        seen.add(key)
    return out


def _session_affinity(spec: dict) -> List[Problem]:
    """sessionAffinity (defaulted to None) and the ClientIP timeout."""
    sp = ("spec",)
    out: List[Problem] = []
    sa = spec.get("sessionAffinity")
    sa = sa if is_str(sa) and sa else "None"
    if sa not in SESSION_AFFINITY:
        out.append(unsupported(sp + ("sessionAffinity",), sa, SESSION_AFFINITY, UNSUPPORTED_VALUE))
    if sa == "ClientIP":
        t = dict_at(spec, "sessionAffinityConfig", "clientIP").get("timeoutSeconds")
        if is_int(t) and not 0 < t <= MAX_CLIENT_IP_AFFINITY_SECONDS:
            out.append(
                invalid(
                    sp + ("sessionAffinityConfig", "clientIP", "timeoutSeconds"),
                    t,
                    f"must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}",
                    INVALID_VALUE,
                )
            )
    # sessionAffinity None with a sessionAffinityConfig: the Go check exists but
    # the config is dropped first (oracle-confirmed: accepted).
    return out


def _source_ranges(spec: dict, typ: str, anns: dict, strict: bool) -> List[Problem]:
    """loadBalancerSourceRanges, or else the annotation of the same name: LoadBalancer only, CIDRs."""
    out: List[Problem] = []
    ranges = spec.get("loadBalancerSourceRanges")
    if isinstance(ranges, list) and ranges:
        if typ != "LoadBalancer":
            out.append(
                forbidden(
                    ("spec", "loadBalancerSourceRanges"),
                    "may only be used when `type` is 'LoadBalancer'",
                    FORBIDDEN_FIELD,
                    at="key",
                )
            )
        for i, r in enumerate(ranges):
            if is_str(r):
                out.extend(cidr_errors(("spec", "loadBalancerSourceRanges", i), r.strip(), strict))
    elif is_str(anns.get(LB_SOURCE_RANGES_ANNOTATION)):
        ap = ("metadata", "annotations", Key(LB_SOURCE_RANGES_ANNOTATION))
        val = anns[LB_SOURCE_RANGES_ANNOTATION]
        if typ != "LoadBalancer":
            out.append(forbidden(ap, "may only be used when `type` is 'LoadBalancer'", FORBIDDEN_FIELD))
        if val.strip():
            for r in val.strip().split(","):
                r = r.strip()
                msgs = cidr_strict_errors(r, strict)
                if msgs:
                    out.append(invalid(ap, r, msgs[0], INVALID_VALUE))
    return out


def _topology_annotations(anns: dict) -> List[Problem]:
    """The topology-mode annotation and its deprecated predecessor must agree."""
    mode, hints = anns.get(TOPOLOGY_MODE_ANNOTATION), anns.get(TOPOLOGY_HINTS_ANNOTATION)
    if is_str(mode) and is_str(hints) and mode != hints:
        return [
            invalid(
                ("metadata", "annotations", Key(TOPOLOGY_MODE_ANNOTATION)),
                mode,
                f"must match annotations[{TOPOLOGY_HINTS_ANNOTATION}] when both are specified",
                INVALID_VALUE,
                f"drop the deprecated {TOPOLOGY_HINTS_ANNOTATION} annotation",
            )
        ]
    return []


def _load_balancer_fields(spec: dict, typ: str) -> List[Problem]:
    """allocateLoadBalancerNodePorts and loadBalancerClass: LoadBalancer only."""
    sp = ("spec",)
    out: List[Problem] = []
    if spec.get("allocateLoadBalancerNodePorts") is not None and typ != "LoadBalancer":
        out.append(
            forbidden(
                sp + ("allocateLoadBalancerNodePorts",),
                "may only be used when `type` is 'LoadBalancer'",
                FORBIDDEN_FIELD,
                at="key",
            )
        )
    lbc = spec.get("loadBalancerClass")
    if lbc is not None:
        if typ == "LoadBalancer":
            out.extend(qualified_name(sp + ("loadBalancerClass",), lbc))
        else:
            out.append(
                forbidden(
                    sp + ("loadBalancerClass",),
                    "may only be used when `type` is 'LoadBalancer'",
                    FORBIDDEN_FIELD,
                    at="key",
                )
            )
    return out


def _traffic_policies(spec: dict, typ: str, ctx) -> List[Problem]:
    """externalTrafficPolicy, healthCheckNodePort, internalTrafficPolicy, trafficDistribution."""
    sp = ("spec",)
    out: List[Problem] = []
    etp = spec.get("externalTrafficPolicy")
    accessible = typ in ("LoadBalancer", "NodePort") or (typ == "ClusterIP" and bool(list_at(spec, "externalIPs")))
    if is_str(etp) and etp:
        if not accessible:
            out.append(
                invalid(
                    sp + ("externalTrafficPolicy",),
                    etp,
                    "may only be set for externally-accessible services",
                    INVALID_VALUE,
                    "externalTrafficPolicy applies to NodePort/LoadBalancer services and services with externalIPs",
                )
            )
        elif etp not in EXTERNAL_TRAFFIC_POLICIES:
            out.append(unsupported(sp + ("externalTrafficPolicy",), etp, EXTERNAL_TRAFFIC_POLICIES, UNSUPPORTED_VALUE))
    hc = spec.get("healthCheckNodePort")
    if is_int(hc) and hc != 0:
        if not (typ == "LoadBalancer" and etp == "Local"):
            out.append(
                invalid(
                    sp + ("healthCheckNodePort",),
                    hc,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
                    INVALID_VALUE,
                )
            )
        else:
            out.extend(port_num_errors(sp + ("healthCheckNodePort",), hc))
    itp = spec.get("internalTrafficPolicy")
    if is_str(itp) and itp and itp not in INTERNAL_TRAFFIC_POLICIES:
        out.append(unsupported(sp + ("internalTrafficPolicy",), itp, INTERNAL_TRAFFIC_POLICIES, UNSUPPORTED_VALUE))
    # trafficDistribution: dropped before validation while ServiceTrafficDistribution is off (before
    # v1.31, pkg/registry/core/service/strategy.go); PreferSameZone and PreferSameNode from v1.34
    # (PreferSameTrafficDistribution); see .gates. Oracle-confirmed on v1.30, v1.33 and v1.37.
    td = spec.get("trafficDistribution") if ctx.gate("ServiceTrafficDistribution") else None
    allowed = TRAFFIC_DISTRIBUTIONS if ctx.gate("PreferSameTrafficDistribution") else ("PreferClose",)
    if is_str(td) and td not in allowed:
        out.append(unsupported(sp + ("trafficDistribution",), td, allowed, UNSUPPORTED_VALUE))
    return out


def _non_special_ip(path, ip: str, strict: bool) -> List[Problem]:
    """IsValidIP + ValidateNonSpecialIP (external IPs)."""
    import ipaddress  # imported by the runs that use it (issue 18)

    errs = ip_strict_errors(ip, strict)
    if errs:
        return [invalid(path, ip, errs[0], INVALID_VALUE)]
    addr = parse_ip(ip)
    if addr.version == 6 and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped  # Go's net.IP checks an IPv4-mapped address as the IPv4 one
    if addr.is_unspecified:
        return [invalid(path, ip, f"may not be unspecified ({ip})", INVALID_VALUE)]
    if addr.is_loopback:
        return [invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)", INVALID_VALUE)]
    if addr.is_link_local:
        return [invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)", INVALID_VALUE)]
    if addr.is_multicast and (
        addr.version == 4
        and addr in ipaddress.ip_network("224.0.0.0/24")
        or addr.version == 6
        and addr in ipaddress.ip_network("ff02::/16")
    ):
        return [
            invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)", INVALID_VALUE)
        ]
    return []


def _cluster_ips(spec: dict, cip: str, cips: list, headless: bool, strict: bool) -> List[Problem]:
    """ValidateServiceClusterIPsRelatedFields (after NormalizeClusterIPs)."""
    out: List[Problem] = []
    sp = ("spec",)
    if cip and cips and cips[0] != cip:
        out.append(
            invalid(
                sp + ("clusterIPs",), as_json(cips, "[]string"), "first value must match `clusterIP`", INVALID_VALUE
            )
        )
    elif not cip and cips:
        # the server does not fill clusterIP from clusterIPs on create (normalizeClusterIPs)
        out.append(
            invalid(
                sp + ("clusterIPs",),
                as_json(cips, "[]string"),
                "must be empty when `clusterIP` is not specified",
                INVALID_VALUE,
                f"set clusterIP: {cips[0]} too, or remove clusterIPs",
            )
        )
    ips = cips or ([cip] if cip else [])
    base = sp + (("clusterIPs",) if cips else ("clusterIP",))
    fams = spec.get("ipFamilies")
    _ip_families(spec, fams, cips, out)
    bad = _cluster_ip_values(ips, cips, base, out, strict)
    if len(ips) > 2:
        out.append(
            invalid(sp + ("clusterIPs",), as_json(ips, "[]string"), "may only hold up to 2 values", INVALID_VALUE)
        )
    if bad:
        return out
    if len(ips) == 2:
        a, b = parse_ip(ips[0]), parse_ip(ips[1])
        if a is not None and b is not None and a.version == b.version:
            out.append(
                invalid(
                    sp + ("clusterIPs",),
                    as_json(ips, "[]string"),
                    "may specify no more than one IP for each IP family",
                    INVALID_VALUE,
                )
            )
    if not headless and isinstance(fams, list):
        _families_match_ips(ips, fams, cips, base, out)
    return out


def _ip_families(spec: dict, fams, cips: list, out: List[Problem]) -> None:
    """spec.ipFamilies (known, no repeats) and spec.ipFamilyPolicy (known, SingleStack with one family and IP)."""
    sp = ("spec",)
    seen = set()
    if isinstance(fams, list):
        for i, f in enumerate(fams):
            if not is_str(f):
                continue
            if f not in IP_FAMILIES:
                out.append(unsupported(sp + ("ipFamilies", i), f, IP_FAMILIES, UNSUPPORTED_VALUE))
            if f in seen:
                out.append(duplicate(sp + ("ipFamilies", i), f, DUPLICATE_VALUE))
            seen.add(f)
    pol = spec.get("ipFamilyPolicy")
    if is_str(pol) and pol not in IP_FAMILY_POLICIES:
        out.append(unsupported(sp + ("ipFamilyPolicy",), pol, IP_FAMILY_POLICIES, UNSUPPORTED_VALUE))
    elif pol == "SingleStack":
        # initIPFamilyFields (pkg/registry/core/service/storage/alloc.go), before any allocation
        if isinstance(fams, list) and len(fams) > 1:
            out.append(
                invalid(
                    sp + ("ipFamilyPolicy",),
                    pol,
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
                    INVALID_VALUE,
                )
            )
        elif len(cips) > 1:
            out.append(
                invalid(
                    sp + ("ipFamilyPolicy",),
                    pol,
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
                    INVALID_VALUE,
                )
            )


def _cluster_ip_values(ips: list, cips: list, base, out: List[Problem], strict: bool) -> bool:
    """Each cluster IP valid ('None' first and alone); True if one is not."""
    sp = ("spec",)
    bad = False
    for i, ip in enumerate(ips):
        p = base + ((i,) if cips else ())
        if i == 0 and ip == "None":
            if len(ips) > 1:
                bad = True
                out.append(
                    invalid(
                        sp + ("clusterIPs",),
                        as_json(ips, "[]string"),
                        "'None' must be the first and only value",
                        INVALID_VALUE,
                    )
                )
            continue
        errs = ip_strict_errors(ip, strict)
        if errs:
            bad = True
            out.append(
                invalid(
                    p,
                    ip,
                    errs[0],
                    INVALID_VALUE,
                    'use "None" for a headless service or omit clusterIP to get one allocated'
                    if errs[0] == IP_MSG
                    else "",
                )
            )
    return bad


def _families_match_ips(ips: list, fams: list, cips: list, base, out: List[Problem]) -> None:
    """Each cluster IP of the family spec.ipFamilies gives it."""
    for i, ip in enumerate(ips[: len(fams)]):
        addr = parse_ip(ip)
        if addr is None:
            continue
        if fams[i] == "IPv4" and addr.version == 6:
            out.append(
                invalid(
                    base + ((i,) if cips else ()),
                    ip,
                    f"expected an IPv4 value as indicated by `ipFamilies[{i}]`",
                    INVALID_VALUE,
                )
            )
        if fams[i] == "IPv6" and addr.version == 4:
            out.append(
                invalid(
                    base + ((i,) if cips else ()),
                    ip,
                    f"expected an IPv6 value as indicated by `ipFamilies[{i}]`",
                    INVALID_VALUE,
                )
            )


# --- ConfigMap / Secret -------------------------------------------------------------------


def _b64len(value) -> int:
    if not is_str(value):
        return 0
    try:
        return len(base64.b64decode(value, validate=False))
    except (binascii.Error, ValueError):
        return len(value) * 3 // 4


def _b64decode(value) -> Optional[bytes]:
    if not is_str(value):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _config_key(path, key) -> List[Problem]:
    """IsConfigMapKey, reported at the key."""
    if not is_str(key):
        return []
    msgs = v.is_config_map_key(key)
    if msgs:
        return [
            P(
                path,
                f"Invalid value: {_show(key)}: {msgs[0]}",
                INVALID_VALUE,
                at="key",
                where=_keyed(path),
                hint="keys become file names in volumes: use letters, digits, '-', '_' and '.'",
            )
        ]
    return []


@validates(("", "ConfigMap"))
def config_map(obj, ctx):
    """ValidateConfigMap: keys IsConfigMapKey, a key in both data and
    binaryData, total size of data + binaryData at most 1 MiB."""
    out: List[Problem] = []
    data = obj.data.get("data")
    data = data if isinstance(data, dict) else {}
    binary = obj.data.get("binaryData")
    binary = binary if isinstance(binary, dict) else {}
    total = 0
    for k, val in data.items():
        out.extend(_config_key(("data", k), k))
        if k in binary:
            out.append(
                P(
                    ("data", k),
                    f"Invalid value: {_show(k)}: duplicate of key present in binaryData",
                    INVALID_VALUE,
                    at="key",
                    where=_keyed(("data", k)),
                    hint="a key may be in data or binaryData, not both",
                )
            )
        if is_str(val):
            total += len(val.encode("utf-8", "surrogatepass"))
    for k, val in binary.items():
        out.extend(_config_key(("binaryData", k), k))
        total += _b64len(val)
    if total > MAX_SECRET_SIZE:
        out.append(
            P(
                ("data",) if data else ("binaryData",),
                f"Too long: {v.too_long_error(MAX_SECRET_SIZE)}",
                TOO_LONG,
                at="key",
                where="[]",  # ValidateConfigMap: field.TooLong(field.NewPath(""), ...) prints as "[]"
                hint=f"data and binaryData hold {total} bytes; ConfigMaps are stored in etcd whole: split the data "
                "or mount it from a volume image",
            )
        )
    return out


SA_NAME_ANNOTATION = "kubernetes.io/service-account.name"


@validates(("", "Secret"))
def secret(obj, ctx):
    """ValidateSecret after the v1 conversion merges stringData into data:
    keys IsConfigMapKey, total size at most 1 MiB, type-specific keys."""
    out: List[Problem] = []
    data = dict_at(obj.data, "data")
    merged = _secret_data(data, dict_at(obj.data, "stringData"))
    total = 0
    for k, (raw, path, orig) in merged.items():
        # stringData is merged into data first: the server names data[key]
        out.extend(renamed(p, f"data[{k}]") for p in _config_key(path, k))
        total += len(raw) if raw is not None else _b64len(orig)
    if total > MAX_SECRET_SIZE:
        out.append(
            P(
                ("data",) if data else ("stringData",),
                f"Too long: {v.too_long_error(MAX_SECRET_SIZE)}",
                TOO_LONG,
                at="key",
                where="data",
                hint=f"the secret holds {total} bytes",
            )
        )
    typ = obj.data.get("type")
    if is_str(typ) and typ:
        out.extend(_secret_type_keys(typ, merged, dict_at(obj.data, "metadata", "annotations")))
    return out


def _secret_data(data: dict, sdata: dict) -> dict:
    """data and stringData merged as the v1 conversion does:
    key -> (decoded bytes or None when not base64, path, value as written)."""
    merged = {}
    for k, val in data.items():
        if is_str(k):
            merged[k] = (_b64decode(val) if val is not None else b"", ("data", k), val)
    for k, val in sdata.items():
        if is_str(k):
            merged[k] = (val.encode("utf-8", "surrogatepass") if is_str(val) else b"", ("stringData", k), val)
    return merged


def _secret_type_keys(typ: str, merged: dict, annotations: dict) -> List[Problem]:
    """The keys (or annotation) a Secret of a built-in type must have."""
    out: List[Problem] = []
    tp = ("type",)

    def missing(key, why):
        return P(
            tp,
            "Required value",
            SECRET_TYPE_KEYS,
            where=f"data[{key}]",
            hint=f"a Secret of type {typ} must have the key {key!r} in data or stringData ({why})",
        )

    if typ == "kubernetes.io/service-account-token":
        if not annotations.get(SA_NAME_ANNOTATION):
            out.append(
                P(
                    tp,
                    "Required value",
                    SECRET_TYPE_KEYS,
                    where=f"metadata.annotations[{SA_NAME_ANNOTATION}]",
                    hint=f"a service-account-token Secret must name its ServiceAccount in the annotation "
                    f"{SA_NAME_ANNOTATION}",
                )
            )
    elif typ in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if typ == "kubernetes.io/dockercfg" else ".dockerconfigjson"
        if key not in merged:
            out.append(missing(key, "the registry credentials file"))
        else:
            raw, path, _ = merged[key]
            err = _json_object_error(raw) if raw is not None else None
            if err:
                out.append(
                    P(
                        path,
                        f'Invalid value: "<secret contents redacted>": {err}',
                        SECRET_TYPE_KEYS,
                        where=f"data[{key}]",
                        hint=f"{key} must hold a JSON object, e.g. the output of `kubectl create secret "
                        "docker-registry`",
                    )
                )
    elif typ == "kubernetes.io/basic-auth":
        if "username" not in merged and "password" not in merged:
            out.append(missing("username", "basic-auth needs a username or a password key"))
            out.append(missing("password", "basic-auth needs a username or a password key"))
    elif typ == "kubernetes.io/ssh-auth":
        raw = merged.get("ssh-privatekey", (b"", None, None))[0]
        if not raw and "ssh-privatekey" not in merged:
            out.append(missing("ssh-privatekey", "the private key"))
        elif raw is not None and len(raw) == 0:
            out.append(
                P(
                    merged["ssh-privatekey"][1],
                    "Required value",
                    SECRET_TYPE_KEYS,
                    where="data[ssh-privatekey]",
                    hint="ssh-privatekey must not be empty in a kubernetes.io/ssh-auth Secret",
                )
            )
    elif typ == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in merged:
                out.append(missing(key, "the certificate and its private key"))
    return out


def _json_object_error(raw: bytes) -> str:
    """json.Unmarshal(raw, &map[string]interface{}{}) error text, or ''."""
    text = raw.decode("utf-8", "replace")
    try:
        val = json.loads(text)
    except ValueError:
        return go_json_error(text)
    if val is None:
        return ""  # JSON null unmarshals into a map fine
    if not isinstance(val, dict):
        kind = {list: "array", str: "string", bool: "bool"}.get(type(val), "number")
        return f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
    return ""


# --- PersistentVolumeClaim / PersistentVolume ------------------------------------------------

ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
VOLUME_MODES = ("Block", "Filesystem")
RECLAIM_POLICIES = ("Delete", "Recycle", "Retain")
HOST_PATH_TYPES = ("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket")


def _access_modes(spec: dict, sp, claim: bool = True) -> List[Problem]:
    """accessModes of a claim (ValidatePersistentVolumeClaimSpec) or a volume
    (ValidatePersistentVolumeSpec: a bare "Required value")."""
    out: List[Problem] = []
    modes = spec.get("accessModes")
    if not isinstance(modes, list) or not modes:
        detail = "at least 1 access mode is required" if claim else ""
        out.append(required(sp + ("accessModes",), detail, REQUIRED_VALUE, hint="e.g. [ReadWriteOnce]"))
        return out
    rwop = other = False
    for i, m in enumerate(modes):
        if not is_str(m):
            continue
        if m not in ACCESS_MODES:  # named fldPath.Child("accessModes"), without the index
            out.append(
                unsupported(
                    sp + ("accessModes", i),
                    m,
                    ACCESS_MODES,
                    UNSUPPORTED_VALUE,
                    where=format_path(sp + ("accessModes",)),
                    anchor=sp + ("accessModes", i),
                )
            )
        elif m == "ReadWriteOncePod":
            rwop = True
        else:
            other = True
    if rwop and other:
        out.append(
            forbidden(
                sp + ("accessModes",), "may not use ReadWriteOncePod with other access modes", FORBIDDEN_FIELD, at="key"
            )
        )
    return out


def _class_name(path, value) -> List[Problem]:
    if is_str(value) and value:
        return invalid_msgs(path, value, v.is_dns1123_subdomain(value), INVALID_VALUE)
    return []


def pvc_spec(spec: dict, sp, vac_enabled: bool = True) -> List[Problem]:
    """ValidatePersistentVolumeClaimSpec (also used for volumeClaimTemplates)."""
    out = _access_modes(spec, sp)
    sel = spec.get("selector")
    if isinstance(sel, dict):
        out.extend(validate_label_selector(sel, sp + ("selector",), INVALID_SELECTOR))
    reqs = dict_at(spec, "resources", "requests")
    rp = sp + ("resources", "requests", "storage")
    # ValidatePersistentVolumeClaimSpec names fldPath.Child("resources").Key("storage")
    where = format_path(sp + ("resources",)) + "[storage]"
    if "storage" not in reqs:
        out.append(
            required(
                rp,
                "",
                REQUIRED_VALUE,
                hint="spec.resources.requests.storage is required: the size of the volume to claim (e.g. storage: 1Gi)",
                where=where,
            )
        )
    else:
        val = quantity(reqs["storage"])
        if val is not None and val <= 0:
            out.append(
                invalid(rp, fmt_quantity(reqs["storage"]), "must be greater than zero", INVALID_VALUE, where=where)
            )
    out.extend(_class_name(sp + ("storageClassName",), spec.get("storageClassName")))
    vm = spec.get("volumeMode")
    if is_str(vm) and vm not in VOLUME_MODES:
        out.append(unsupported(sp + ("volumeMode",), vm, VOLUME_MODES, UNSUPPORTED_VALUE))
    ds = spec.get("dataSource")
    dsr = spec.get("dataSourceRef")
    if isinstance(ds, dict) and not _data_source_enabled(ds):
        # EnforceDataSourceBackwardsCompatibility (pkg/api/persistentvolumeclaim):
        # a dataSource other than a PVC or a VolumeSnapshot is dropped before
        # validation (oracle-confirmed: accepted, the field silently ignored).
        ds = None
    if isinstance(ds, dict):
        out.extend(_data_source(ds, sp + ("dataSource",)))
    if isinstance(dsr, dict):
        out.extend(_data_source(dsr, sp + ("dataSourceRef",)))
        ns = dsr.get("namespace")
        if is_str(ns) and ns:
            out.extend(dns_label(sp + ("dataSourceRef", "namespace"), ns))
    if isinstance(dsr, dict) and is_str(dsr.get("namespace")) and dsr.get("namespace"):
        if isinstance(ds, dict):
            out.append(
                invalid(
                    sp + ("dataSource",),
                    "",
                    "may not be specified when dataSourceRef.namespace is specified",
                    INVALID_VALUE,
                )._replace(at="key")
            )
    elif isinstance(ds, dict) and isinstance(dsr, dict):
        if (ds.get("apiGroup") or None, ds.get("kind"), ds.get("name")) != (
            dsr.get("apiGroup") or None,
            dsr.get("kind"),
            dsr.get("name"),
        ):
            out.append(
                invalid(
                    sp,  # field.Invalid(fldPath, fldPath.Child("dataSource"), ...): a field.Path prints as {}
                    Shown("{}"),
                    "must match dataSourceRef",
                    INVALID_VALUE,
                    "set only one of dataSource and dataSourceRef, or make them identical",
                    at="key",
                    anchor=sp + ("dataSource",),
                )
            )
    # dropped before validation while VolumeAttributesClass is off (before v1.34; DropDisabledFields in
    # pkg/api/persistentvolumeclaim/util.go, see .gates; oracle-confirmed on v1.30 and v1.33)
    vac = spec.get("volumeAttributesClassName") if vac_enabled else None
    out.extend(_class_name(sp + ("volumeAttributesClassName",), vac))
    return out


def _data_source_enabled(ds: dict) -> bool:
    """dataSourceIsEnabled (pkg/api/persistentvolumeclaim/util.go)."""
    group = ds.get("apiGroup") or ""
    return (ds.get("kind") == "PersistentVolumeClaim" and group == "") or (
        ds.get("kind") == "VolumeSnapshot" and group == "snapshot.storage.k8s.io"
    )


def _data_source(ds: dict, p) -> List[Problem]:
    """validateDataSource / validateDataSourceRef."""
    out: List[Problem] = []
    if not ds.get("name") and "name" in ds:  # absent: the schema's missing-required-field
        out.append(required(p + ("name",), "", REQUIRED_VALUE))
    if not ds.get("kind") and "kind" in ds:
        out.append(required(p + ("kind",), "", REQUIRED_VALUE))
    group = ds.get("apiGroup") or ""
    if not group and ds.get("kind") != "PersistentVolumeClaim":
        out.append(
            invalid(
                p,  # field.Invalid(fldPath, dataSource.Kind, ...): the dataSource(Ref) itself
                ds.get("kind") or "",
                "must be 'PersistentVolumeClaim' when referencing the default apiGroup",
                INVALID_VALUE,
                "set apiGroup (e.g. snapshot.storage.k8s.io for a VolumeSnapshot)",
                anchor=p + ("kind",) if ds.get("kind") else None,
            )
        )
    if is_str(group) and group:
        out.extend(dns_subdomain(p + ("apiGroup",), group))
    return out


@validates(("", "PersistentVolumeClaim"))
def persistent_volume_claim(obj, ctx):
    """ValidatePersistentVolumeClaim -> ValidatePersistentVolumeClaimSpec."""
    spec = obj.data.get("spec")
    return pvc_spec(spec if isinstance(spec, dict) else {}, ("spec",), ctx.gate("VolumeAttributesClass"))


PV_SOURCES = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "glusterfs",
    "flocker",
    "nfs",
    "rbd",
    "quobyte",
    "cephfs",
    "iscsi",
    "cinder",
    "fc",
    "flexVolume",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "scaleIO",
    "local",
    "storageos",
    "csi",
)


@validates(("", "PersistentVolume"))
def persistent_volume(obj, ctx):
    """ValidatePersistentVolumeSpec (not inline)."""
    spec = obj.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    sp = ("spec",)
    out = _access_modes(spec, sp, claim=False)
    cap = spec.get("capacity")
    if not isinstance(cap, dict) or not cap:
        out.append(
            required(
                sp + ("capacity",),
                "",
                REQUIRED_VALUE,
                hint="a PersistentVolume needs spec.capacity.storage (e.g. storage: 10Gi)",
            )
        )
    else:
        if "storage" not in cap or len(cap) > 1:
            extra = next((k for k in cap if k != "storage"), None)
            out.append(
                unsupported(
                    sp + ("capacity",) + ((extra,) if extra else ()), extra or "", ("storage",), UNSUPPORTED_VALUE
                )
            )
        for k, val in cap.items():
            q = quantity(val)
            if q is not None and q <= 0:
                out.append(
                    invalid(sp + ("capacity", Key(k)), fmt_quantity(val), "must be greater than zero", INVALID_VALUE)
                )
    rp = spec.get("persistentVolumeReclaimPolicy")
    if is_str(rp) and rp and rp not in RECLAIM_POLICIES:
        out.append(unsupported(sp + ("persistentVolumeReclaimPolicy",), rp, RECLAIM_POLICIES, UNSUPPORTED_VALUE))
    na = spec.get("nodeAffinity")
    if isinstance(na, dict):
        req = na.get("required")
        if not isinstance(req, dict):
            out.append(
                required(
                    sp + ("nodeAffinity", "required"),
                    "must specify required node constraints",
                    REQUIRED_VALUE,
                    at="key",
                )
            )
        else:
            out.extend(node_selector(req, sp + ("nodeAffinity", "required")))
    present = [s for s in PV_SOURCES if spec.get(s) is not None]
    counted = [s for s in present if s != "flexVolume"]
    for s in counted[1:]:
        out.append(
            forbidden(
                sp + (s,),
                "may not specify more than 1 volume type",
                FORBIDDEN_FIELD,
                at="key",
                hint=f"already has {counted[0]}",
            )
        )
    if not present:
        out.append(
            required(sp, "must specify a volume type", REQUIRED_VALUE, at="key", hint="e.g. csi, nfs, hostPath, local")
        )
    first = counted[0] if counted else None
    src = spec.get(first) if first else None
    if isinstance(src, dict):
        out.extend(_pv_source(first, src, sp + (first,), spec))
    hp = spec.get("hostPath")
    if (
        isinstance(hp, dict)
        and is_str(hp.get("path"))
        and hp.get("path")
        and posixpath.normpath(hp["path"]) == "/"
        and rp == "Recycle"
    ):
        out.append(
            forbidden(
                sp + ("persistentVolumeReclaimPolicy",),
                "may not be 'recycle' for a hostPath mount of '/'",
                FORBIDDEN_FIELD,
            )
        )
    out.extend(_class_name(sp + ("storageClassName",), spec.get("storageClassName")))
    vm = spec.get("volumeMode")
    if is_str(vm) and vm not in VOLUME_MODES:
        out.append(unsupported(sp + ("volumeMode",), vm, VOLUME_MODES, UNSUPPORTED_VALUE))
    return out


def _pv_source(kind: str, src: dict, p, spec: dict) -> List[Problem]:
    out: List[Problem] = []
    if kind == "hostPath":  # validateHostPathVolumeSource
        if not src.get("path"):
            if "path" in src:  # absent: the schema's missing-required-field
                out.append(required(p + ("path",), "", REQUIRED_VALUE))
            return out
        out.extend(path_no_backsteps(p + ("path",), src.get("path")))
        t = src.get("type")
        if is_str(t) and t not in HOST_PATH_TYPES:
            out.append(unsupported(p + ("type",), t, HOST_PATH_TYPES, UNSUPPORTED_VALUE))
    elif kind == "nfs":  # validateNFSVolumeSource
        if not src.get("server") and "server" in src:
            out.append(required(p + ("server",), "", REQUIRED_VALUE))
        path = src.get("path")
        if not path:
            if "path" in src:
                out.append(required(p + ("path",), "", REQUIRED_VALUE))
        elif is_str(path) and not path.startswith("/"):
            out.append(invalid(p + ("path",), path, "must be an absolute path", INVALID_VALUE))
    elif kind == "local":  # validateLocalVolumeSource
        if not src.get("path"):
            if "path" in src:
                out.append(required(p + ("path",), "", REQUIRED_VALUE))
        else:
            out.extend(path_no_backsteps(p + ("path",), src.get("path")))
        if spec.get("nodeAffinity") is None:
            out.append(
                P(
                    ("spec", "local"),
                    "Required value: Local volume requires node affinity",
                    REQUIRED_VALUE,
                    at="key",
                    where="spec.nodeAffinity",
                    hint="spec.nodeAffinity.required naming the node",
                )
            )
    elif kind == "csi":  # validateCSIPersistentVolumeSource
        if "driver" in src:
            out.extend(csi_driver_name(p + ("driver",), src.get("driver")))
        if not src.get("volumeHandle") and "volumeHandle" in src:
            out.append(required(p + ("volumeHandle",), "", REQUIRED_VALUE))
        for ref in (
            "controllerPublishSecretRef",
            "controllerExpandSecretRef",
            "nodePublishSecretRef",
            "nodeExpandSecretRef",
        ):
            r = src.get(ref)
            if isinstance(r, dict):
                if not r.get("name"):
                    out.append(required(p + (ref, "name"), "", REQUIRED_VALUE))
                else:
                    out.extend(dns_subdomain(p + (ref, "name"), r.get("name")))
                if not r.get("namespace"):
                    out.append(required(p + (ref, "namespace"), "", REQUIRED_VALUE))
                else:
                    out.extend(dns_label(p + (ref, "namespace"), r.get("namespace")))
    return out


def csi_driver_name(p, name) -> List[Problem]:
    """ValidateCSIDriverName."""
    if not name:
        return [required(p, "", REQUIRED_VALUE)]
    if not is_str(name):
        return []
    out: List[Problem] = []
    if len(name) > 63:
        out.append(P(p, f"Too long: {v.too_long_error(63)}", TOO_LONG))
    out.extend(invalid_msgs(p, name, v.is_dns1123_subdomain(name.lower()), INVALID_VALUE))
    return out


NODE_SELECTOR_OPS = ("DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn")


def node_selector(sel: dict, p) -> List[Problem]:
    """ValidateNodeSelector / ValidateNodeSelectorTerm / ValidateNodeSelectorRequirement."""
    out: List[Problem] = []
    terms = sel.get("nodeSelectorTerms")
    if "nodeSelectorTerms" in sel and (not isinstance(terms, list) or not terms):
        out.append(
            required(p + ("nodeSelectorTerms",), "must have at least one node selector term", REQUIRED_VALUE, at="key")
        )
        return out
    for i, term in enumerate(terms if isinstance(terms, list) else ()):
        if not isinstance(term, dict):
            continue
        for j, req in enumerate(list_at(term, "matchExpressions")):
            if isinstance(req, dict):
                out.extend(_node_selector_requirement(req, p + ("nodeSelectorTerms", i, "matchExpressions", j)))
    return out


def _node_selector_requirement(req: dict, p) -> List[Problem]:
    out: List[Problem] = []
    op = req.get("operator")
    values = req.get("values")
    n = len(values) if isinstance(values, list) else 0
    if op in ("In", "NotIn"):
        if n == 0:
            out.append(
                required(p + ("values",), "must be specified when `operator` is 'In' or 'NotIn'", REQUIRED_VALUE)
            )
    elif op in ("Exists", "DoesNotExist"):
        if n > 0:
            out.append(
                forbidden(
                    p + ("values",),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    FORBIDDEN_FIELD,
                )
            )
    elif op in ("Gt", "Lt"):
        if n != 1:
            out.append(
                required(
                    p + ("values",), "must be specified single value when `operator` is 'Lt' or 'Gt'", REQUIRED_VALUE
                )
            )
    elif is_str(op):
        out.append(unsupported(p + ("operator",), op, NODE_SELECTOR_OPS, UNSUPPORTED_VALUE))
    key = req.get("key")
    if is_str(key):
        out.extend(validate_label_name(key, p + ("key",), INVALID_LABEL))
    return out


# --- Namespace / LimitRange / ResourceQuota ------------------------------------------------------

STANDARD_FINALIZERS = ("foregroundDeletion", "kubernetes", "orphan")  # helper.IsStandardFinalizerName


@validates(("", "Namespace"))
def namespace(obj, ctx):
    """ValidateNamespace: spec.finalizers (validateFinalizerName)."""
    out: List[Problem] = []
    for i, f in enumerate(list_at(obj.data, "spec", "finalizers")):
        if not is_str(f):
            continue
        p = ("spec", "finalizers", i)
        msgs = v.is_qualified_name(f)
        # validateFinalizerName(f, fldPath): the whole spec.finalizers, without the index
        out.extend(renamed(x, "spec.finalizers") for x in invalid_msgs(p, f, msgs, INVALID_VALUE))
        if not msgs and "/" not in f and f not in STANDARD_FINALIZERS:
            out.append(
                invalid(
                    p,
                    f,
                    "name is neither a standard finalizer name nor is it fully qualified",
                    INVALID_VALUE,
                    'use "kubernetes" or a domain-prefixed name such as example.com/cleanup',
                    where="spec.finalizers",
                    anchor=p,
                )
            )
    return out


LIMIT_TYPES = ("Container", "PersistentVolumeClaim", "Pod")
STANDARD_CONTAINER_RESOURCES = ("cpu", "ephemeral-storage", "memory")
STANDARD_QUOTA_RESOURCES = (
    "configmaps",
    "cpu",
    "ephemeral-storage",
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "memory",
    "persistentvolumeclaims",
    "pods",
    "replicationcontrollers",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
    "requests.storage",
    "resourcequotas",
    "secrets",
    "services",
    "services.loadbalancers",
    "services.nodeports",
)
# standardResources (pkg/apis/core/helper): the quota resources and "storage"
STANDARD_RESOURCES = tuple(sorted(STANDARD_QUOTA_RESOURCES + ("storage",)))
INTEGER_RESOURCES = (
    "configmaps",
    "persistentvolumeclaims",
    "pods",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "services",
    "services.loadbalancers",
    "services.nodeports",
)


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_quota_hugepages(name: str) -> bool:
    """helper.IsQuotaHugePageResourceName (limits.hugepages-* is not one)."""
    return name.startswith("hugepages-") or name.startswith("requests.hugepages-")


def _is_native(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _overcommit_allowed(name: str) -> bool:
    """helper.IsOvercommitAllowed: native resources except hugepages."""
    return _is_native(name) and not _is_hugepages(name)


def _resource_name(
    p, name: str, standard=STANDARD_RESOURCES, message="must be a standard resource type or fully qualified"
) -> List[Problem]:
    """validateResourceName: qualified name; unprefixed names must be standard."""
    msgs = v.is_qualified_name(name)
    if msgs:
        return [P(p, f"Invalid value: {_show(stringer(name))}: {msgs[0]}", INVALID_VALUE, at="key", where=_keyed(p))]
    if "/" not in name and name not in standard and not _is_quota_hugepages(name):
        from ..suggest import did_you_mean

        return [
            P(
                p,
                f"Invalid value: {_show(stringer(name))}: {message}",  # a core.ResourceName
                INVALID_VALUE,
                at="key",
                where=_keyed(p),
                hint=did_you_mean(name, standard).strip(" ()"),
            )
        ]
    return []


def _container_resource_name(p, name: str) -> List[Problem]:
    """validateContainerResourceName."""
    out = _resource_name(p, name)
    if out:
        return out
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
            return [
                P(
                    p,
                    f"Invalid value: {_show(stringer(name))}: must be a standard resource for containers",
                    INVALID_VALUE,
                    at="key",
                    where=_keyed(p),
                )
            ]
    return []


def _quantity_value(p, name: str, raw) -> List[Problem]:
    """ValidateResourceQuantityValue: non-negative, integer for integer resources."""
    q = quantity(raw)
    if q is None:
        return []
    if q < 0:
        return [invalid(p, canonical_quantity(raw), "must be greater than or equal to 0", INVALID_VALUE)]
    # helper.IsIntegerResourceName: standard counts and extended resources
    # (IsExtendedResourceName: not native, not "requests."-prefixed).
    integer = name in INTEGER_RESOURCES or (not _is_native(name) and not name.startswith("requests."))
    if integer and (q * 1000) % 1000 != 0:
        return [invalid(p, canonical_quantity(raw), "must be an integer", INVALID_VALUE)]
    return []


@validates(("", "LimitRange"))
def limit_range(obj, ctx):
    """ValidateLimitRange: types, resource names, min <= defaultRequest <= default <= max, maxLimitRequestRatio."""
    out: List[Problem] = []
    types_seen = set()
    for i, lim in enumerate(list_at(obj.data, "spec", "limits")):
        if not isinstance(lim, dict):
            continue
        ip = ("spec", "limits", i)
        typ = lim.get("type")
        if typ is None:
            typ = ""  # absent: the empty LimitType, validated as a name (validateLimitRangeTypeName)
        if is_str(typ):
            found = _limit_type(ip, typ, types_seen)
            if "type" not in lim:
                found = [
                    p._replace(hint="type is missing: set it to one of " + ", ".join(LIMIT_TYPES), at="key")
                    for p in found
                ]
            out.extend(found)
        values = _limit_values(lim, ip, typ, out)
        if typ == "PersistentVolumeClaim":
            if "storage" not in dict_at(lim, "min") and "storage" not in dict_at(lim, "max"):
                out.append(
                    required(
                        ip + ("limits",),  # ValidateLimitRange: idxPath.Child("limits")
                        "either minimum or maximum storage value is required, but neither was provided",
                        REQUIRED_VALUE,
                        at="key",
                        anchor=ip,
                    )
                )
        for k, vals in values.items():
            out.extend(_limit_order(ip, k, vals))
    return out


def _limit_type(ip, typ: str, types_seen: set) -> List[Problem]:
    """A limit's type: a standard type or a qualified name, each once."""
    out: List[Problem] = []
    msgs = v.is_qualified_name(typ)
    if msgs:
        out.extend(invalid_msgs(ip + ("type",), typ, msgs[:1]))
    elif "/" not in typ and typ not in LIMIT_TYPES:
        out.append(
            invalid(
                ip + ("type",),
                typ,
                "must be a standard limit type or fully qualified",
                INVALID_VALUE,
                "standard types: " + ", ".join(LIMIT_TYPES),
            )
        )
    if typ in types_seen:
        out.append(duplicate(ip + ("type",), typ, DUPLICATE_VALUE))
    types_seen.add(typ)
    return out


def _limit_values(lim: dict, ip, typ, out: List[Problem]) -> dict:
    """Resource names of max/min/default/defaultRequest/maxLimitRequestRatio
    (errors appended to ``out``); returns resource -> {part: (value, raw)}."""
    name_fn = _container_resource_name if typ in ("Pod", "Container") else _resource_name
    values: dict = {}
    for part in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
        m = lim.get(part)
        if not isinstance(m, dict):
            continue
        if typ == "Pod" and part in ("default", "defaultRequest"):
            if m:
                out.append(
                    forbidden(ip + (part,), "may not be specified when `type` is 'Pod'", FORBIDDEN_FIELD, at="key")
                )
            continue
        for k, raw in m.items():
            if not is_str(k):
                continue
            out.extend(name_fn(ip + (part, Key(k)), k))
            q = quantity(raw)
            if q is not None:
                values.setdefault(k, {})[part] = (q, raw)
    return values


def _limit_order(ip, k: str, vals: dict) -> List[Problem]:
    """min <= defaultRequest <= default <= max and the request ratio, for one resource."""
    out: List[Problem] = []
    mn, mx, df, dr, ratio = (vals.get(x) for x in ("min", "max", "default", "defaultRequest", "maxLimitRequestRatio"))

    def bad(part, shown, msg):
        out.append(invalid(ip + (part, Key(k)), fmt_quantity(shown[1]), msg, INVALID_VALUE))

    if mn and mx and mn[0] > mx[0]:
        bad("min", mn, f"min value {fmt_quantity(mn[1])} is greater than max value {fmt_quantity(mx[1])}")
    if dr and mn and mn[0] > dr[0]:
        bad(
            "defaultRequest",
            dr,
            f"min value {fmt_quantity(mn[1])} is greater than default request value {fmt_quantity(dr[1])}",
        )
    if dr and mx and dr[0] > mx[0]:
        bad(
            "defaultRequest",
            dr,
            f"default request value {fmt_quantity(dr[1])} is greater than max value {fmt_quantity(mx[1])}",
        )
    if dr and df and dr[0] > df[0]:
        bad(
            "defaultRequest",
            dr,
            f"default request value {fmt_quantity(dr[1])} is greater than default limit value {fmt_quantity(df[1])}",
        )
    if df and mn and mn[0] > df[0]:
        bad("default", mn, f"min value {fmt_quantity(mn[1])} is greater than default value {fmt_quantity(df[1])}")
    if df and mx and df[0] > mx[0]:
        bad("default", mx, f"default value {fmt_quantity(df[1])} is greater than max value {fmt_quantity(mx[1])}")
    if ratio and ratio[0] < 1:
        bad("maxLimitRequestRatio", ratio, f"ratio {fmt_quantity(ratio[1])} is less than 1")
    if ratio and mn and mx and mn[0] > 0 and ratio[0] > mx[0] / mn[0]:
        bad(
            "maxLimitRequestRatio",
            ratio,
            f"ratio {fmt_quantity(ratio[1])} is greater than max/min = {float(mx[0] / mn[0]):f}",
        )
    if not _overcommit_allowed(k) and df and dr and df[0] != dr[0]:
        bad(
            "defaultRequest",
            dr,
            f"default value {fmt_quantity(df[1])} must equal to defaultRequest value {fmt_quantity(dr[1])} in {k}",
        )
    return out


QUOTA_SCOPES = (
    "BestEffort",
    "CrossNamespacePodAffinity",
    "NotBestEffort",
    "NotTerminating",
    "PriorityClass",
    "Terminating",
    "VolumeAttributesClass",
)
POD_COMPUTE_QUOTA = ("cpu", "limits.cpu", "limits.memory", "memory", "requests.cpu", "requests.memory")
SCOPE_SELECTOR_OPS = ("DoesNotExist", "Exists", "In", "NotIn")


def _scope_valid_for(scope: str, res: str) -> bool:
    """helper.IsResourceQuotaScopeValidForResource."""
    if scope in ("Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"):
        return res == "pods" or res in POD_COMPUTE_QUOTA
    if scope == "BestEffort":
        return res == "pods"
    if scope == "VolumeAttributesClass":
        return res in ("persistentvolumeclaims", "requests.storage") or res.endswith(
            ".storageclass.storage.k8s.io/requests.storage"
        )
    return True


@validates(("", "ResourceQuota"))
def resource_quota(obj, ctx):
    """ValidateResourceQuotaSpec: resource names, quantities, scopes
    (validateResourceQuotaScopes) and scopeSelector
    (validateScopedResourceSelectorRequirement)."""
    out: List[Problem] = []
    spec = dict_at(obj.data, "spec")
    hard = dict_at(spec, "hard")
    for k, raw in hard.items():
        if not is_str(k):
            continue
        p = ("spec", "hard", Key(k))
        out.extend(_resource_name(p, k, STANDARD_QUOTA_RESOURCES, "must be a standard resource for quota"))
        out.extend(_quantity_value(p, k, raw))
    hard_std = sorted(k for k in hard if is_str(k) and (k in STANDARD_QUOTA_RESOURCES or _is_quota_hugepages(k)))
    out.extend(_quota_scopes(spec.get("scopes"), hard_std))
    out.extend(_quota_scope_selector(list_at(spec, "scopeSelector", "matchExpressions"), hard_std))
    return out


def _quota_scope(p, s: str, hard_std: list, shown=None, where=None, applied_where=None) -> List[Problem]:
    """A scope is known and can limit every standard resource of spec.hard.
    ``shown``/``where``: the value and field the server names (spec.scopes: the
    whole list; a selector's matchExpressions.scopeName without its index)."""
    out: List[Problem] = []
    value = s if shown is None else shown
    if s not in QUOTA_SCOPES:
        out.append(
            invalid(p, value, "unsupported scope", INVALID_VALUE, "scopes: " + ", ".join(QUOTA_SCOPES), where=where)
        )
    for k in hard_std:
        if not _scope_valid_for(s, k):
            out.append(
                invalid(
                    p,
                    value,
                    "unsupported scope applied to resource",
                    INVALID_VALUE,
                    f"scope {s} cannot limit {k}",
                    where=applied_where or where,
                )
            )
            break
    return out


_CONFLICTING_SCOPES = (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating"))


def _quota_scopes(scopes, hard_std: list) -> List[Problem]:
    """validateResourceQuotaScopes: known scopes, none conflicting."""
    out: List[Problem] = []
    if not isinstance(scopes, list) or not scopes:
        return out
    seen = set()
    for i, s in enumerate(scopes):
        if not is_str(s):
            continue
        # validateResourceQuotaScopes: field.Invalid(spec.scopes, the whole list, ...)
        out.extend(
            _quota_scope(
                ("spec", "scopes", i), s, hard_std, as_json(scopes, "[]core.ResourceQuotaScope"), "spec.scopes"
            )
        )
        seen.add(s)
    for a, b in _CONFLICTING_SCOPES:
        if a in seen and b in seen:
            out.append(
                invalid(
                    ("spec", "scopes"),
                    as_json(scopes, "[]core.ResourceQuotaScope"),
                    "conflicting scopes",
                    INVALID_VALUE,
                    f"a quota cannot select both {a} and {b} pods",
                )._replace(at="key")
            )
    return out


def _quota_scope_selector(exprs: list, hard_std: list) -> List[Problem]:
    """validateScopedResourceSelectorRequirement for each expression, none conflicting."""
    out: List[Problem] = []
    seen = set()
    for i, req in enumerate(exprs):
        if not isinstance(req, dict):
            continue
        p = ("spec", "scopeSelector", "matchExpressions", i)
        # validateScopedResourceSelectorRequirement names fldPath.Child(...) without the index
        unindexed = "spec.scopeSelector.matchExpressions"
        s = req.get("scopeName")
        op = req.get("operator")
        vals = req.get("values")
        n = len(vals) if isinstance(vals, list) else 0
        if is_str(s):
            out.extend(_quota_scope(p + ("scopeName",), s, hard_std, None, unindexed + ".scopeName", unindexed))
            if (
                s in ("BestEffort", "NotBestEffort", "Terminating", "NotTerminating", "CrossNamespacePodAffinity")
                and op != "Exists"
            ):
                out.append(
                    invalid(
                        p + ("operator",),
                        op if is_str(op) else "",
                        "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, "
                        "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
                        "ResourceQuotaScopeNotBestEffort or "
                        "ResourceQuotaScopeCrossNamespacePodAffinity",
                        INVALID_VALUE,
                        where=unindexed + ".operator",
                    )
                )
            seen.add(s)
        if op in ("In", "NotIn"):
            if n == 0:
                out.append(
                    required(
                        p + ("values",),
                        "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
                        REQUIRED_VALUE,
                        at="key" if "values" in req else "value",
                        where=unindexed + ".values",
                    )
                )
        elif op in ("Exists", "DoesNotExist"):
            if n:
                out.append(
                    invalid(
                        p + ("values",),
                        as_json(vals, "[]string"),
                        "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
                        INVALID_VALUE,
                        where=unindexed + ".values",
                    )
                )
        elif is_str(op):
            out.append(
                invalid(
                    p + ("operator",),
                    op or "",
                    "not a valid selector operator",
                    INVALID_VALUE,
                    "operators: " + ", ".join(SCOPE_SELECTOR_OPS),
                    where=unindexed + ".operator",
                )
            )
    for a, b in _CONFLICTING_SCOPES:
        if a in seen and b in seen:
            out.append(
                invalid(
                    ("spec", "scopeSelector", "matchExpressions"), f"{a}, {b}", "conflicting scopes", INVALID_VALUE
                )._replace(at="key")
            )
    return out


# --- kubectl apply's last-applied-configuration annotation -----------------------------------

_json_len = native("json_len")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
LAST_APPLIED_TOO_LARGE = "last-applied-too-large"  # a warning: server-side apply and create work
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024  # ValidateAnnotationsSize (TotalAnnotationSizeLimitB)


def _go_json_len(data) -> int:
    """Length of what kubectl's encoder writes: encoding/json, compact, map
    keys sorted, HTML characters escaped, a trailing newline.  With the C
    extension, counted without building the text (``_kubelint_yaml.json_len``,
    the same figure: tests/test_hotpaths.py compares them)."""
    if _json_len is not None:
        try:
            return _json_len(data)
        except RecursionError:
            pass  # deeper than the interpreter's limit: json.dumps decides, below, as without the extension
    return _py_go_json_len(data)


def _py_go_json_len(data) -> int:
    # (key order does not change the length: no sort_keys)
    try:
        # Loaded data has no cycles (the loader rejects a recursive alias): the encoder need not track
        # every container it is inside (10% of the time); on a cycle the checked encoding raises as before.
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, check_circular=False)
    except RecursionError:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    n = (len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))) + 1
    # Go escapes <, >, & as \u003c etc. (+5 bytes each) and U+2028/U+2029 (+3 each).
    n += 5 * (text.count("<") + text.count(">") + text.count("&"))
    n += 3 * (text.count("\u2028") + text.count("\u2029"))
    return n


@lru_cache(maxsize=64)
def _line_offsets(path):
    """Byte offsets of the line starts of a file, a :class:`_LineStarts` (None: unreadable; ``()``: small)."""
    try:
        if os.stat(path).st_size * 3 < TOTAL_ANNOTATION_SIZE_LIMIT:
            return ()
        with open(path, "rb") as fh:
            raw = fh.read()
    except (OSError, TypeError, ValueError):
        return None
    return _LineStarts(raw)


class _LineStarts:
    """``offs[i]``: the byte offset where line ``i + 1`` of ``raw`` starts (the last index: one past the
    end), as ``accumulate(len(line) + 1 for line in raw.split(b"\\n"))`` from 0 would list them, found only
    for the lines asked: a cursor moves forward by counting newlines in C over windows sized from the
    average line of the file's start (objects are checked in file order; an earlier line starts again from
    the top).  Listing every line start of the corpus's 43 large files cost 57 ms, a bytes object per line."""

    __slots__ = ("raw", "_avg", "_line", "_pos")

    def __init__(self, raw: bytes):
        self.raw = raw
        head = raw[:65536]
        self._avg = max(len(head) / (head.count(b"\n") + 1), 1.0)
        self._line = 0  # the cursor: line index _line starts at byte _pos
        self._pos = 0

    def __len__(self) -> int:
        return self.raw.count(b"\n") + 2

    def __bool__(self) -> bool:
        return True

    def __getitem__(self, i: int) -> int:
        if i < 0:
            raise IndexError(i)
        raw = self.raw
        if i < self._line:
            self._line = self._pos = 0
        k, pos, line = i - self._line, self._pos, self._line
        while k:
            end = min(len(raw), pos + int(k * self._avg) + 1)
            c = raw.count(b"\n", pos, end)
            if c < k:  # the window holds too few: move past it
                if end == len(raw):
                    if c + 1 == k:  # the index past the last line: one past the end
                        return len(raw) + 1
                    raise IndexError(i)
                pos, line, k = end, line + c, k - c
                continue
            while c - k > 32:  # far too many: halve the window
                mid = (pos + end) // 2
                m = raw.count(b"\n", pos, mid)
                if m >= k:
                    end, c = mid, m
                else:
                    pos, line, k, c = mid, line + m, k - m, c - m
            for _ in range(c - k + 1):  # back from the window's end to its k-th newline
                end = raw.rfind(b"\n", pos, end)
            pos, line, k = end + 1, line + k, 0
        self._line, self._pos = line, pos
        return pos


def _last_line(shadow) -> int:
    line = shadow[0]
    while True:
        kids = shadow[2]
        if isinstance(kids, dict) and kids:
            key_line, _kc, child = next(reversed(kids.values()))
            line = max(line, key_line)
            if child is None:
                return line
            shadow = child
        elif isinstance(kids, list) and kids:
            shadow = kids[-1]
        else:
            return max(line, shadow[0])
        line = max(line, shadow[0])


def _source_span(obj) -> Optional[int]:
    """Bytes of YAML the object spans (0 for files too small to matter)."""
    offs = _line_offsets(obj.file)
    if offs is None:
        return None
    if not offs:
        return 0
    first, last = obj.line, _last_line(obj.shadow)
    if not 1 <= first <= last:
        return None
    try:  # the earlier line first: _LineStarts moves forward
        return -offs[first - 1] + offs[last]
    except IndexError:  # past the file's last line
        return None


def _too_large(size: str) -> Problem:
    return P(
        ("metadata",),
        f"Too long: may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT} bytes: client-side `kubectl apply` copies the "
        f"whole object ({size}) into the {LAST_APPLIED} annotation, over the 256 KiB annotation limit; "
        "apply it with `kubectl apply --server-side` (or `kubectl create`/`replace`), or split it",
        LAST_APPLIED_TOO_LARGE,
        at="key",
        where="metadata.annotations",
        severity="warning",
    )


@validates(ANY)
def last_applied_size(obj, ctx):
    """Client-side ``kubectl apply`` stores the whole object as JSON in the
    ``kubectl.kubernetes.io/last-applied-configuration`` annotation
    (apply.GetModifiedConfiguration in k8s.io/kubectl), and the API server
    limits all annotations together to 256 KiB (ValidateAnnotationsSize):
    an object whose JSON is over ~256 KiB cannot be applied client-side
    although it is under the 1 MiB object limit (oracle-confirmed with a
    270 kB ConfigMap)."""
    data = obj.data
    meta = data.get("metadata")
    if not isinstance(meta, dict):
        return []
    anns = meta.get("annotations")
    anns = anns if isinstance(anns, dict) else {}
    # Cheap bounds first, from the object's span in its file: JSON is within
    # ~3x of the YAML it came from either way (heavy alias expansion aside).
    span = _source_span(obj)
    if span is not None:
        if span * 3 < TOTAL_ANNOTATION_SIZE_LIMIT:
            return []
    # What kubectl encodes (measured against the API server to the byte): the
    # annotations map without last-applied (an empty map stays as {}), and the
    # namespace the resource builder fills in for namespaced kinds.
    anns = {k: v for k, v in anns.items() if k != LAST_APPLIED}
    meta2 = dict(meta, annotations=anns)
    if not meta.get("namespace"):
        from ..kinds import is_cluster_scoped

        if not is_cluster_scoped(obj.group, obj.kind):
            meta2["namespace"] = "default"
    data = dict(data, metadata=meta2)
    try:
        size = _go_json_len(data)
    except (TypeError, ValueError):
        return []
    total = (
        size
        + len(LAST_APPLIED)
        + sum(len(k.encode()) + (len(v.encode()) if is_str(v) else 0) for k, v in anns.items() if is_str(k))
    )
    if total <= TOTAL_ANNOTATION_SIZE_LIMIT:
        return []
    return [_too_large(f"{size} bytes of JSON")]
