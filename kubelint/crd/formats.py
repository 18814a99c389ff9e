"""String formats (kube-openapi strfmt, the ones apiextensions validates):
``FORMATS[name](value) -> bool``."""

from __future__ import annotations

from .. import goregex

# Go regexps of kube-openapi's strfmt, on RE2 (kubelint.goregex): linear time
# (a 26-character value under `format: duration` took 27 s on Python's re).

_FMT_RE = {
    "bsonobjectid": goregex.compile(r"^[0-9a-fA-F]{24}$"),
    "uuid": goregex.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"),
    "uuid3": goregex.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?3[0-9a-fA-F]{3}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"),
    "uuid4": goregex.compile(
        r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?4[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}$"
    ),
    "uuid5": goregex.compile(
        r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?5[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}$"
    ),
    "mac": goregex.compile(
        r"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}[:-]){7}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\.){2}[0-"
        r"9A-Fa-f]{4}$"
    ),
    "hexcolor": goregex.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"),
    "date": goregex.compile(r"^\d{4}-\d{2}-\d{2}$"),
    # oracle: a time zone is required, a space separator rejected
    "date-time": goregex.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$"),
    # strfmt.ParseDuration: Go durations ("0", "1h30m", "-1.5s") and "3 days", "1 week"...
    "duration": goregex.compile(r"^\s*[-+]?([0-9]*\.?[0-9]+)(\s*\pL+\s*([0-9]*\.?[0-9]+)?)*\s*$"),
    # strfmt IsHostname accepts Unicode letters and symbols: stay lenient.
    "hostname": goregex.compile(r"^[\pL\pN]([\pL\pN]|-)*(\.[\pL\pN]([\pL\pN]|-)*)*\.?$"),
    "byte": goregex.compile(r"^[A-Za-z0-9+/\r\n]*=?=?\s*$"),
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


_URI_SCHEME = goregex.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_EMAIL = goregex.compile(r"^[^@\s<>]+@[^@\s<>]+$|^[^<>]*<[^@\s<>]+@[^@\s<>]+>\s*$")


def _check_uri(v: str) -> bool:
    # net/url.ParseRequestURI: an absolute URI or an absolute path.
    if not v or " " in v:
        return False
    if v.startswith("/"):
        return True
    return _URI_SCHEME.search(v) is not None


def _check_email(v: str) -> bool:
    return _EMAIL.search(v) is not None


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
    FORMATS.setdefault(_name, _rx.search)
FORMATS["date"] = _check_date
FORMATS["hostname"] = _check_hostname
