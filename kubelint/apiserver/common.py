"""The one helper vocabulary of the API-server validators: the generic rule
ids, Problems whose message starts with the server's field path (:func:`P`),
safe lookups (:func:`dict_at`, :func:`list_at`, :func:`is_int`, :func:`is_str`)
and the apimachinery checks that return Problems (ports, names, IPs, CIDRs,
hosts).  Every validator module imports from here; it imports no validator."""

from __future__ import annotations

import re
from fractions import Fraction

from ..lazyre import lazy
from ..findings import Problem, format_path
from ..quantity import QuantityError, parse_quantity
from . import validation as v
from .meta import _show, invalid

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Iterable, List, Optional

# Generic rule ids (catalogue: rules/apiserver.yaml).
INVALID_VALUE = "invalid-value"
REQUIRED_VALUE = "required-value"
UNSUPPORTED_VALUE = "unsupported-value"
DUPLICATE_VALUE = "duplicate-value"
FORBIDDEN_FIELD = "forbidden-field"
TOO_LONG = "too-long"
INVALID_NAME = "invalid-name"
INVALID_LABEL = "invalid-label"
INVALID_SELECTOR = "invalid-selector"


def P(
    path,
    text: str,
    rule: str,
    at: str = "value",
    where: Optional[str] = None,
    severity: Optional[str] = None,
    hint: str = "",
) -> Problem:
    """A Problem whose message starts with the server's field path (``where``:
    its own spelling when it differs from ``path``, which is then only the
    position)."""
    where_ = format_path(path) if where is None else where
    return Problem(path, f"{where_}: {text}" if where_ else text, rule, severity, at, hint, where)


def _keyed(path) -> str:
    """The server's form for a map entry: ``data[app.conf]``, ``spec.hard[cpu]``."""
    return f"{format_path(path[:-1])}[{path[-1]}]"


def is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def int_value(x):
    """The integer an int field decodes to, or None: kubectl sends an integral
    float (go-yaml v2 reads ``0999`` and ``1e3`` as floats) as a JSON integer,
    so the server's int32 field holds 999 (sigs.k8s.io/yaml JSONToYAML)."""
    if is_int(x):
        return x
    if isinstance(x, float) and x == x and x not in (float("inf"), float("-inf")) and x == int(x):
        return int(x)
    return None


def is_str(x) -> bool:
    return isinstance(x, str)


def dict_at(d, *keys) -> dict:
    """d[k1][k2]... if every step is a mapping, else {}; ``dict_at(x)``: x if
    it is a mapping, else {}."""
    for k in keys:
        if not isinstance(d, dict):
            return {}
        d = d.get(k)
    return d if isinstance(d, dict) else {}


def list_at(d, *keys) -> list:
    """d[k1][k2]... if every step is a mapping and the last a list, else [];
    ``list_at(x)``: x if it is a list, else []."""
    if not keys:
        return d if isinstance(d, list) else []
    for k in keys[:-1]:
        if not isinstance(d, dict):
            return []
        d = d.get(k)
    if not isinstance(d, dict):
        return []
    x = d.get(keys[-1])
    return x if isinstance(x, list) else []


def str_at(d, *keys) -> str:
    """d[k1][k2]... if every step is a mapping and the last a string, else ""."""
    for k in keys:
        if not isinstance(d, dict):
            return ""
        d = d.get(k)
    return d if isinstance(d, str) else ""


NEGATIVE_ERR = "must be greater than or equal to 0"


def nonnegative(path, value, rule: str = INVALID_VALUE) -> List[Problem]:
    """ValidateNonnegativeField on an int field."""
    if is_int(value) and value < 0:
        return [invalid(path, value, NEGATIVE_ERR, rule)]
    return []


def quantity(x) -> Optional[Fraction]:
    """The quantity's value, or None when it does not parse (the schema
    layer reports unparsable quantities)."""
    if x is None or isinstance(x, bool):
        return None
    try:
        return parse_quantity(x)
    except (QuantityError, ValueError, TypeError, OverflowError):
        return None


def fmt_quantity(x) -> str:
    return x if isinstance(x, str) else _show(x)


def invalid_msgs(
    path, value, msgs: Iterable[str], rule: str = INVALID_VALUE, hint: str = "", first_only: bool = False
) -> List[Problem]:
    out = [invalid(path, value, m, rule, hint) for m in msgs]
    return out[:1] if first_only else out


def port_num_errors(path, port, rule: str = INVALID_VALUE) -> List[Problem]:
    """IsValidPortNum on an int field."""
    if is_int(port):
        return invalid_msgs(path, port, v.is_valid_port_num(port), rule)
    return []


def port_num_or_name(path, port, rule: str = INVALID_VALUE, hint: str = "") -> List[Problem]:
    """ValidatePortNumOrName: an int 1-65535 or an IANA_SVC_NAME."""
    if is_int(port):
        return invalid_msgs(path, port, v.is_valid_port_num(port), rule)
    if is_str(port):
        return invalid_msgs(path, port, v.is_valid_port_name(port), rule, hint)
    return []


def qualified_name(path, value, rule: str = INVALID_VALUE) -> List[Problem]:
    """ValidateQualifiedName."""
    if not is_str(value):
        return []
    return invalid_msgs(path, value, v.is_qualified_name(value), rule)


def dns_subdomain(path, value, rule: str = INVALID_VALUE) -> List[Problem]:
    if not is_str(value):
        return []
    return invalid_msgs(path, value, v.is_dns1123_subdomain(value), rule)


def dns_label(path, value, rule: str = INVALID_VALUE) -> List[Problem]:
    if not is_str(value):
        return []
    return invalid_msgs(path, value, v.is_dns1123_label(value), rule)


def path_no_backsteps(path, value) -> List[Problem]:
    """validatePathNoBacksteps: no '..' element."""
    if is_str(value) and ".." in value.replace("\\", "/").split("/"):
        return [invalid(path, value, "must not contain '..'", INVALID_VALUE)]
    return []


def parse_cidr(value: str):
    """netutils.ParseCIDRSloppy (leading zeros in IPv4 accepted)."""
    import ipaddress  # imported by the runs that use it (issue 18)

    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        pass
    if "/" in value:
        ip, _, bits = value.partition("/")
        parts = ip.split(".")
        if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 for p in parts) and bits.isdigit():
            try:
                return ipaddress.ip_network(".".join(str(int(p)) for p in parts) + "/" + bits, strict=False)
            except ValueError:
                return None
    return None


_IP_CHARS = frozenset("0123456789abcdefABCDEF:.")


def parse_ip(value: str):
    if "%" not in value and not _IP_CHARS.issuperset(value):
        return None  # a host name: no address has another character (but an IPv6 zone, after "%")
    import ipaddress  # imported by the runs that have an address to parse (issue 18)

    try:
        return ipaddress.ip_address(value)
    except ValueError:
        parts = value.split(".")
        if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts):
            return ipaddress.ip_address(".".join(str(int(p)) for p in parts))
    return None


IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def ip_strict_errors(value: str, strict: bool = True) -> List[str]:
    """IsValidIPForLegacyField (apimachinery/pkg/util/validation/ip.go): with
    StrictIPCIDRValidation (``strict``, on from v1.36) no leading zeros and no
    IPv4-mapped IPv6; without it only what netutils.ParseIPSloppy rejects (the
    server then warns)."""
    import ipaddress  # imported by the runs that use it (issue 18)

    if parse_ip(value) is None:
        return [IP_MSG]
    if not strict:
        return []
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return ["must not have leading 0s"]
    if addr.version == 6 and addr.ipv4_mapped is not None:
        return ["must not be an IPv4-mapped IPv6 address"]
    return []


def cidr_strict_errors(value: str, strict: bool = True) -> List[str]:
    """IsValidCIDRForLegacyField: with StrictIPCIDRValidation (``strict``) no
    leading zeros, no bits set beyond the prefix length; without it only what
    netutils.ParseCIDRSloppy rejects."""
    import ipaddress  # imported by the runs that use it (issue 18)

    net = parse_cidr(value)
    if net is None:
        return [CIDR_MSG]
    if not strict:
        return []
    ip, _, bits = value.partition("/")
    if (bits.startswith("0") and bits != "0") or ip_strict_errors(ip) == ["must not have leading 0s"]:
        return ["must not have leading 0s in IP or prefix length"]
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        return ["must not have bits set beyond the prefix length"]
    if net.version == 6 and ipaddress.ip_address(ip).ipv4_mapped is not None:
        return ["must not have an IPv4-mapped IPv6 address"]
    return []


def cidr_errors(path, value, strict: bool = True) -> List[Problem]:
    if not is_str(value):
        return []
    return invalid_msgs(path, value, cidr_strict_errors(value, strict), INVALID_VALUE, first_only=True)


# Hosts (Ingress rules, Service externalName): unfilled template placeholders are warnings.

PLACEHOLDER = "template-placeholder"
_PLACEHOLDER_RE = lazy(r"__[A-Za-z0-9_]+__|<[^<>]+>|\$\{[^}]*\}|\$\([^)]*\)")


def host_errors(path, value, msgs, hint="") -> List[Problem]:
    """Invalid-host errors; an unfilled template placeholder (``__HOST__``,
    ``<your domain>``, ``${HOST}``) is reported once as a warning instead:
    the file is a template to fill in, not a manifest to apply as-is."""
    if msgs and _PLACEHOLDER_RE.search(value):
        return [
            P(
                path,
                f"Invalid value: {_show(value)}: looks like an unfilled template placeholder; the API server "
                "rejects it as-is "
                "(fill it in before applying)",
                PLACEHOLDER,
                severity="warning",
            )
        ]
    return invalid_msgs(path, value, msgs, INVALID_VALUE, hint)


# --- Go's own error texts ------------------------------------------------------------------


def _go_quote_char(c: str) -> str:
    """encoding/json quoteChar: ``'x'``, ``'\\''``, ``'"'``, else strconv.Quote's escape."""
    if c == "'":
        return "'\\''"
    if c == '"':
        return "'\"'"
    if c.isprintable():
        return f"'{c}'"
    from ..values import quote

    return "'" + quote(c)[1:-1] + "'"


def go_json_error(text: str) -> str:
    """The error encoding/json's Unmarshal gives for ``text`` (its scanner's
    first syntax error), or "" when it is valid JSON.  Python's decoder finds
    the same first error; its wording maps onto Go's."""
    import json

    try:
        json.loads(text)
        return ""
    except json.JSONDecodeError as exc:
        pos, msg = exc.pos, exc.msg
    if pos >= len(text) or msg.startswith("Unterminated string"):
        return "unexpected end of JSON input"
    c = _go_quote_char(text[pos])
    if msg.startswith("Expecting value"):
        return f"invalid character {c} looking for beginning of value"
    if msg.startswith("Expecting property name"):
        return f"invalid character {c} looking for beginning of object key string"
    if msg.startswith("Expecting ':'"):
        return f"invalid character {c} after object key"
    if msg.startswith("Expecting ','"):
        depth = []
        in_str = esc = False
        for ch in text[:pos]:
            if in_str:
                esc, in_str = (False, True) if esc else (ch == "\\", ch != '"')
            elif ch == '"':
                in_str = True
            elif ch in "[{":
                depth.append(ch)
            elif ch in "]}" and depth:
                depth.pop()
        inner = depth[-1] if depth else "["
        return f"invalid character {c} after {'object key:value pair' if inner == '{' else 'array element'}"
    if msg.startswith("Extra data"):
        return f"invalid character {c} after top-level value"
    return f"invalid character {c} looking for beginning of value"


_DURATION_UNITS = {"ns", "us", "\u00b5s", "\u03bcs", "ms", "s", "m", "h"}


def go_duration_error(s: str) -> str:
    """time.ParseDuration's error for ``s`` ("" when it parses): ``time: invalid
    duration "x"``, ``time: missing unit in duration "x"``, ``time: unknown unit
    " minutes" in duration "5 minutes"``."""
    from ..values import quote

    orig = s
    if s[:1] in ("-", "+"):
        s = s[1:]
    if s == "0":
        return ""
    if not s:
        return f"time: invalid duration {quote(orig)}"
    while s:
        if not (s[0] == "." or s[0].isdigit()):
            return f"time: invalid duration {quote(orig)}"
        i = 0
        while i < len(s) and s[i].isdigit():
            i += 1
        pre = i > 0
        s = s[i:]
        post = False
        if s.startswith("."):
            s = s[1:]
            i = 0
            while i < len(s) and s[i].isdigit():
                i += 1
            post = i > 0
            s = s[i:]
        if not pre and not post:
            return f"time: invalid duration {quote(orig)}"
        i = 0
        while i < len(s) and not (s[i] == "." or s[i].isdigit()):
            i += 1
        unit, s = s[:i], s[i:]
        if not unit:
            return f"time: missing unit in duration {quote(orig)}"
        if unit not in _DURATION_UNITS:
            return f"time: unknown unit {quote(unit)} in duration {quote(orig)}"
    return ""


_SI_SUFFIX = {0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E", -3: "m", -6: "u", -9: "n"}


def canonical_quantity(raw) -> str:
    """A DecimalSI quantity as resource.Quantity.String() prints it
    (``1.5`` -> ``1500m``, ``1000`` -> ``1k``); other formats (binary
    suffixes, exponents) as written."""
    if not isinstance(raw, (str, int)) or isinstance(raw, bool):
        return fmt_quantity(raw)
    text = str(raw)
    if re.search(r"[eE]|i$", text) or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)[kMGTPEmun]?", text):
        return fmt_quantity(raw)
    q = quantity(text)
    if q is None:
        return fmt_quantity(raw)
    q = Fraction(int(q * 10**9), 10**9)  # the server keeps nano precision
    mantissa, exponent = q.numerator * 10**9 // q.denominator, -9
    if mantissa == 0:
        return "0"
    while mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    while exponent % 3:
        mantissa *= 10
        exponent -= 1
    while exponent > 18:
        mantissa *= 1000
        exponent -= 3
    return f"{mantissa}{_SI_SUFFIX[exponent]}"
