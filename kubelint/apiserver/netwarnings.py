"""The API server's warnings on Services, NetworkPolicies and the IPs of pod
specs (rule ``apiserver-warning``), as each release words them.

* ``GetWarningsForService`` (pkg/api/service/warnings.go): the IPs and CIDRs
  of clusterIPs, externalIPs, loadBalancerIP and loadBalancerSourceRanges; the
  deprecated topology-aware-hints annotation; externalIPs/externalName ignored
  by the wrong type; from v1.34 what a headless Service ignores, from v1.35
  ``trafficDistribution: PreferClose`` deprecated, from v1.36 externalIPs
  deprecated.
* v1.30 to v1.32 word the IP warnings themselves (``getWarningsForIP``:
  netip's parse error, "not in RFC 5952 canonical format ..., which may cause
  controller apply-loops"), for Services only.
* From v1.33 apimachinery's ``GetWarningsForIP`` / ``GetWarningsForCIDR``
  (pkg/util/validation/ip.go) for Services, NetworkPolicy ipBlocks
  (``networkPolicyWarnings``, pkg/registry/networking/networkpolicy) and pod
  ``dnsConfig.nameservers`` / ``hostAliases[].ip`` (``warningsForPodSpecAndMeta``):
  IPv6 not in RFC 5952 form, and, while StrictIPCIDRValidation is off (before
  v1.36, see .gates; from then such values are errors), leading zeros,
  IPv4-mapped IPv6 and CIDRs with bits set beyond the prefix.

The texts were confirmed on v1.30.14, v1.33.13 and v1.37.2 API servers; the
releases in between are modelled from their source.
"""

from __future__ import annotations


from ..findings import WARNING, Problem
from .common import dict_at, list_at, parse_cidr, parse_ip
from .registry import validates
from .warnings import _TEMPLATE_PREFIX, APISERVER_WARNING, _Out, _at, _fmt

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List

TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"
TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"


def _strict_addr(value: str):
    """netip.ParseAddr: no leading zeros (None when it fails)."""
    import ipaddress  # imported by the runs that use it (issue 18)

    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _go_str(addr) -> str:
    """netip.Addr.String: RFC 5952, an IPv4-mapped address as ::ffff:1.2.3.4."""
    if addr.version == 6 and addr.ipv4_mapped is not None:
        return f"::ffff:{addr.ipv4_mapped}"
    return str(addr)


def _ip_warnings(path, value, minor: int, strict: bool) -> List[str]:
    sloppy = parse_ip(value) if isinstance(value, str) else None
    if sloppy is None:
        return []  # not an IP at all: the validation's error, not a warning
    addr = _strict_addr(value)
    if minor < 33:
        # getWarningsForIP (v1.30-v1.32, Services only)
        if addr is None:
            return [
                f"{_fmt(path)}: IP address was accepted, but will be invalid in a future Kubernetes release: "
                f'ParseAddr("{value}"): IPv4 field has octet with leading zero'
            ]
        if addr.version == 6 and _go_str(addr) != value:
            return [
                f'{_fmt(path)}: IPv6 address "{value}" is not in RFC 5952 canonical format ("{_go_str(addr)}"), '
                "which may cause controller apply-loops"
            ]
        return []
    mapped = addr is not None and addr.version == 6 and addr.ipv4_mapped is not None
    if addr is None or mapped:
        if strict:
            return []  # an error from v1.36 (StrictIPCIDRValidation)
        use = addr.ipv4_mapped if mapped else sloppy
        return [
            f'{_fmt(path)}: non-standard IP address "{value}" will be considered invalid in a future Kubernetes '
            f'release: use "{use}"'
        ]
    if addr.version == 6 and str(addr) != value:
        return [f'{_fmt(path)}: IPv6 address "{value}" should be in RFC 5952 canonical format ("{addr}")']
    return []


def _prefix(value: str):
    """netip.ParsePrefix: (address, bits) or None (leading zeros in the address or the bits)."""
    ip, sep, bits = value.partition("/")
    addr = _strict_addr(ip)
    if not sep or addr is None or not bits.isdigit() or (bits.startswith("0") and bits != "0"):
        return None
    return addr, int(bits)


def _cidr_warnings(path, value, minor: int, strict: bool) -> List[str]:
    net = parse_cidr(value) if isinstance(value, str) else None
    if net is None:
        return []
    prefix = _prefix(value)
    if minor < 33:
        # getWarningsForCIDR (v1.30-v1.32, Services only)
        if prefix is None:
            ip, _, bits = value.partition("/")
            why = (
                f'ParseAddr("{ip}"): IPv4 field has octet with leading zero'
                if _strict_addr(ip) is None
                else f'bad bits after slash: "{bits}"'
            )
            return [
                f"{_fmt(path)}: IP prefix was accepted, but will be invalid in a future Kubernetes release: "
                f'netip.ParsePrefix("{value}"): {why}'
            ]
        addr, bits = prefix
        if addr.version == 6 and f"{_go_str(addr)}/{bits}" != value:
            return [
                f'{_fmt(path)}: IPv6 prefix "{value}" is not in RFC 5952 canonical format ("{_go_str(addr)}/{bits}"), '
                "which may cause controller apply-loops"
            ]
        return []
    out = []
    ip = parse_ip(value.partition("/")[0])
    mapped = prefix is not None and prefix[0].version == 6 and prefix[0].ipv4_mapped is not None
    if not strict:
        if ip is not None and ip != net.network_address:
            out.append(
                f'{_fmt(path)}: CIDR value "{value}" is ambiguous in this context (should be "{net}" or '
                f'"{ip}/{net.max_prefixlen}"?)'
            )
        if prefix is None or mapped:
            out.append(
                f'{_fmt(path)}: non-standard CIDR value "{value}" will be considered invalid in a future Kubernetes '
                f'release: use "{net}"'
            )
    elif prefix is None or mapped or (ip is not None and ip != net.network_address):
        return []  # an error from v1.36 (StrictIPCIDRValidation)
    if not out and prefix is not None and prefix[0].version == 6 and f"{prefix[0]}/{prefix[1]}" != value:
        out.append(
            f'{_fmt(path)}: IPv6 CIDR value "{value}" should be in RFC 5952 canonical format '
            f'("{prefix[0]}/{prefix[1]}")'
        )
    return out


def _add(out: _Out, where, texts: List[str], at: str = "value") -> None:
    """The server's own texts (they name their field), reported at ``where``."""
    for text in texts:
        out.problems.append(Problem(tuple(where), text, APISERVER_WARNING, WARNING, at))


@validates(("", "Service"))
def service_warnings(obj, ctx) -> List[Problem]:
    """GetWarningsForService."""
    out = _Out()
    minor = ctx.kubernetes_version[1]
    strict = ctx.gate("StrictIPCIDRValidation")
    spec = dict_at(obj.data.get("spec"))
    anns = dict_at(dict_at(obj.data.get("metadata")).get("annotations"))
    typ = spec.get("type") if isinstance(spec.get("type"), str) and spec.get("type") else "ClusterIP"
    if TOPOLOGY_HINTS in anns:
        text = f"annotation {TOPOLOGY_HINTS} is deprecated, please use {TOPOLOGY_MODE} instead"
        _add(out, ("metadata", "annotations", TOPOLOGY_HINTS), [text], at="key")
    cip = spec.get("clusterIP") if isinstance(spec.get("clusterIP"), str) else ""
    cips = [c for c in list_at(spec.get("clusterIPs")) if isinstance(c, str)]
    ips = cips or ([cip] if cip else [])
    headless = typ == "ClusterIP" and (cip or (cips[0] if cips else "")) == "None"  # after NormalizeClusterIPs
    if ips and ips[0] not in ("", "None"):  # helper.IsServiceIPSet
        key = "clusterIPs" if cips else "clusterIP"
        for i, ip in enumerate(ips):
            where = ("spec", key, i) if cips else ("spec", key)
            _add(out, where, _ip_warnings(("spec", "clusterIPs", i), ip, minor, strict))
    ext = list_at(spec.get("externalIPs"))
    lb_ip = spec.get("loadBalancerIP")
    if headless and minor >= 34:
        if isinstance(lb_ip, str) and lb_ip:
            _add(out, ("spec", "loadBalancerIP"), ["spec.loadBalancerIP is ignored for headless services"])
        if ext:
            _add(out, ("spec", "externalIPs"), ["spec.externalIPs is ignored for headless services"])
        affinity = spec.get("sessionAffinity")
        if isinstance(affinity, str) and affinity not in ("", "None"):
            _add(out, ("spec", "sessionAffinity"), ["spec.SessionAffinity is ignored for headless services"])
    for i, ip in enumerate(ext):
        _add(out, ("spec", "externalIPs", i), _ip_warnings(("spec", "externalIPs", i), ip, minor, strict))
    if ext and not headless and typ != "ExternalName" and minor >= 36:
        _add(
            out,
            ("spec", "externalIPs"),
            ["spec.externalIPs is deprecated and may no longer be implemented in some clusters"],
        )
    if isinstance(lb_ip, str) and lb_ip:
        _add(out, ("spec", "loadBalancerIP"), _ip_warnings(("spec", "loadBalancerIP"), lb_ip, minor, strict))
    for i, cidr in enumerate(list_at(spec.get("loadBalancerSourceRanges"))):
        path = ("spec", "loadBalancerSourceRanges", i)
        _add(out, path, _cidr_warnings(path, cidr, minor, strict))
    if typ == "ExternalName" and ext:
        _add(out, ("spec", "externalIPs"), ['spec.externalIPs is ignored when spec.type is "ExternalName"'])
    name = spec.get("externalName")
    if typ != "ExternalName" and isinstance(name, str) and name:
        _add(out, ("spec", "externalName"), ['spec.externalName is ignored when spec.type is not "ExternalName"'])
    if spec.get("trafficDistribution") == "PreferClose" and minor >= 35:
        _add(
            out,
            ("spec", "trafficDistribution"),
            ['spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"'],
        )
    return out.problems


@validates(("networking.k8s.io", "NetworkPolicy"))
def network_policy_warnings(obj, ctx) -> List[Problem]:
    """networkPolicyWarnings (v1.33 on; none before)."""
    minor = ctx.kubernetes_version[1]
    if minor < 33:
        return []
    strict = ctx.gate("StrictIPCIDRValidation")
    out = _Out()
    spec = dict_at(obj.data.get("spec"))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(list_at(spec.get(direction))):
            for j, peer in enumerate(list_at(dict_at(rule).get(peers))):
                ipb = dict_at(peer).get("ipBlock")
                if not isinstance(ipb, dict):
                    continue
                bp = ("spec", direction, i, peers, j, "ipBlock")
                _add(out, bp + ("cidr",), _cidr_warnings(bp + ("cidr",), ipb.get("cidr"), minor, strict))
                for k, ex in enumerate(list_at(ipb.get("except"))):
                    _add(out, bp + ("except", k), _cidr_warnings(bp + ("except", k), ex, minor, strict))
    return out.problems


@validates(*_TEMPLATE_PREFIX)
def pod_ip_warnings(obj, ctx) -> List[Problem]:
    """warningsForPodSpecAndMeta's "deprecated IP address formats" (v1.33 on)."""
    minor = ctx.kubernetes_version[1]
    if minor < 33:
        return []
    prefix = _TEMPLATE_PREFIX.get((obj.group, obj.kind))
    if prefix is None:
        return []
    strict = ctx.gate("StrictIPCIDRValidation")
    spec = dict_at(_at(obj.data, prefix).get("spec"))
    sp = prefix + ("spec",)
    out = _Out()
    for i, ns in enumerate(list_at(dict_at(spec.get("dnsConfig")).get("nameservers"))):
        path = sp + ("dnsConfig", "nameservers", i)
        _add(out, path, _ip_warnings(path, ns, minor, strict))
    for i, ha in enumerate(list_at(spec.get("hostAliases"))):
        path = sp + ("hostAliases", i, "ip")
        _add(out, path, _ip_warnings(path, dict_at(ha).get("ip"), minor, strict))
    return out.problems
