"""String formats (kube-openapi strfmt, the ones apiextensions validates):
``FORMATS[name](value) -> bool``."""
from __future__ import annotations

import re

_FMT_RE = {
    "bsonobjectid": re.compile(r"^[0-9a-fA-F]{24}\Z"),
    "uuid": re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\Z"),
    "uuid3": re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?3[0-9a-fA-F]{3}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\Z"),
    "uuid4": re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?4[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}\Z"),
    "uuid5": re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?5[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}\Z"),
    "mac": re.compile(r"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\Z|^([0-9A-Fa-f]{2}[:-]){7}[0-9A-Fa-f]{2}\Z|^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}\Z"),
    "hexcolor": re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\Z"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}\Z"),
    # oracle: a time zone is required, a space separator rejected
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})\Z"),
    # strfmt.ParseDuration: Go durations ("0", "1h30m", "-1.5s") and "3 days", "1 week"...
    "duration": re.compile(r"^\s*[-+]?([0-9]*\.?[0-9]+)(\s*[^\W\d_]+\s*([0-9]*\.?[0-9]+)?)*\s*\Z"),
    # strfmt IsHostname accepts Unicode letters and symbols: stay lenient.
    "hostname": re.compile(r"^[^\W_]([^\W_]|-)*(\.[^\W_]([^\W_]|-)*)*\.?\Z"),
    "byte": re.compile(r"^[A-Za-z0-9+/\r\n]*=?=?\s*\Z"),
}
_FMT_RE["datetime"] = _FMT_RE["date-time"]


def _check_ip(v: str, version: int) -> bool:
    """strfmt IsIPv4 / IsIPv6: net.ParseIP succeeds and the text has a '.' / ':'."""
    import ipaddress

    try:
        ipaddress.ip_address(v)
    except ValueError:
        return False
    return ("." in v) if version == 4 else (":" in v)


def _check_cidr(v: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_network(v, strict=False)
        return "/" in v
    except ValueError:
        return False


def _check_uri(v: str) -> bool:
    # net/url.ParseRequestURI: an absolute URI or an absolute path.
    if not v or " " in v:
        return False
    if v.startswith("/"):
        return True
    m = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", v)
    return bool(m)


def _check_email(v: str) -> bool:
    return bool(re.match(r"^[^@\s<>]+@[^@\s<>]+\Z", v)) or bool(re.match(r"^[^<>]*<[^@\s<>]+@[^@\s<>]+>\s*\Z", v))


def _check_date(v: str) -> bool:
    import datetime

    if not _FMT_RE["date"].match(v):
        return False
    try:
        datetime.date(int(v[:4]), int(v[5:7]), int(v[8:10]))
        return True
    except ValueError:
        return False


def _check_hostname(v: str) -> bool:
    """strfmt IsHostname: labels of letters, digits, symbols and '-'; with
    several labels the last is at least two letters (so an IP is not one)."""
    if not _FMT_RE["hostname"].match(v) or len(v) > 255:
        return False
    if v.endswith("."):
        return False  # oracle: "example.com." is rejected
    labels = v.split(".")
    return len(labels) == 1 or (len(labels[-1]) >= 2 and all(c.isalpha() for c in labels[-1]))


FORMATS = {
    "ipv4": lambda v: _check_ip(v, 4),
    "ipv6": lambda v: _check_ip(v, 6),
    "cidr": _check_cidr,
    "uri": _check_uri,
    "email": _check_email,
}
for _name, _rx in _FMT_RE.items():
    FORMATS.setdefault(_name, _rx.match)
FORMATS["date"] = _check_date
FORMATS["hostname"] = _check_hostname
