"""Validation primitives, ported from
``staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go``
(function names kept, so a reader can diff them against the Go source).

Each ``is_*`` function returns a list of error strings (empty = valid), the
same contract as the Go functions, with the Go messages.
"""

from __future__ import annotations

import contextvars
import functools

from .. import goregex

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List

# --- IsQualifiedName -------------------------------------------------------
QUALIFIED_NAME_CHAR_FMT = "[A-Za-z0-9]"
QUALIFIED_NAME_EXT_CHAR_FMT = "[-A-Za-z0-9_.]"
QUALIFIED_NAME_FMT = f"({QUALIFIED_NAME_CHAR_FMT}{QUALIFIED_NAME_EXT_CHAR_FMT}*)?{QUALIFIED_NAME_CHAR_FMT}"
QUALIFIED_NAME_ERR_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
)
QUALIFIED_NAME_MAX_LENGTH = 63
_QUALIFIED_NAME_RE = goregex.compile(f"^{QUALIFIED_NAME_FMT}$")

LABEL_VALUE_FMT = f"({QUALIFIED_NAME_FMT})?"
LABEL_VALUE_ERR_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character"
)
LABEL_VALUE_MAX_LENGTH = 63
_LABEL_VALUE_RE = goregex.compile(f"^{LABEL_VALUE_FMT}$")

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_LABEL_ERR_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
DNS1123_LABEL_MAX_LENGTH = 63
_DNS1123_LABEL_RE = goregex.compile(f"^{DNS1123_LABEL_FMT}$")

DNS1123_SUBDOMAIN_FMT = f"{DNS1123_LABEL_FMT}(\\.{DNS1123_LABEL_FMT})*"
DNS1123_SUBDOMAIN_ERR_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character"
)
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
_DNS1123_SUBDOMAIN_RE = goregex.compile(f"^{DNS1123_SUBDOMAIN_FMT}$")

DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
DNS1035_LABEL_ERR_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
    "an alphabetic character, and end with an alphanumeric character"
)
DNS1035_LABEL_MAX_LENGTH = 63
_DNS1035_LABEL_RE = goregex.compile(f"^{DNS1035_LABEL_FMT}$")

WILDCARD_DNS1123_SUBDOMAIN_FMT = f"\\*\\.{DNS1123_SUBDOMAIN_FMT}"
WILDCARD_DNS1123_SUBDOMAIN_ERR_MSG = (
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS "
    "subdomain, which must consist of lower case alphanumeric characters, '-' "
    "or '.' and end with an alphanumeric character"
)
_WILDCARD_RE = goregex.compile(f"^{WILDCARD_DNS1123_SUBDOMAIN_FMT}$")

C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*"
C_IDENTIFIER_ERR_MSG = (
    "a valid C identifier must start with alphabetic character or '_', followed by a string of "
    "alphanumeric characters or '_'"
)
_C_IDENTIFIER_RE = goregex.compile(f"^{C_IDENTIFIER_FMT}$")

ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
ENV_VAR_NAME_FMT_ERR_MSG = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', "
    "'-', or '.', and must not start with a digit"
)
_ENV_VAR_NAME_RE = goregex.compile(f"^{ENV_VAR_NAME_FMT}$")

CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
CONFIG_MAP_KEY_ERR_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_CONFIG_MAP_KEY_RE = goregex.compile(f"^{CONFIG_MAP_KEY_FMT}$")

PERCENT_FMT = "[0-9]+%"
_PERCENT_RE = goregex.compile(f"^{PERCENT_FMT}$")

_IANA_SVC_NAME_RE = goregex.compile("^[-a-z0-9]+$")
_IANA_HAS_LETTER_RE = goregex.compile("[a-z]")

HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+"
_HTTP_HEADER_NAME_RE = goregex.compile(f"^{HTTP_HEADER_NAME_FMT}$")


# --- the words of each release ------------------------------------------------------------
# The API server's texts changed between releases; a message follows --kubernetes-version
# (the apiserver stage runs every validator inside words_of(minor)).  Each boundary is the
# first minor with the newer text, read from k8s.io/apimachinery at each tag (the modules of
# v0.30.14, v0.32.3, v0.33.13, v0.34.1, v0.35.2, v0.37.2) and confirmed on the recorded output
# of v1.30.14, v1.33.13 and v1.37.2 (tests/conformance/oracle-results*.json):
#
# * CONTENT_WORDS_FROM: pkg/api/validate/content (new in v0.35) backs IsQualifiedName (now
#   content.IsLabelKey: "a valid label key ..." where v0.34 says "a qualified name ...") and
#   IsValidLabelValue; its MaxLenError says "must be no more than 63 bytes" ("63 characters"
#   before; util/validation's own MaxLenError, for DNS names, still says characters);
# * JSON_VALUES_FROM: field.Error.ErrorBody prints a list, map or struct value as JSON (v0.34);
#   before, with Go's %#v (``[]string{"a", "b"}``, ``map[string]string{"app":"web"}``,
#   ``intstr.IntOrString{Type:1, IntVal:0, StrVal:"50%"}``), a fmt.Stringer (a ResourceName)
#   bare, and a pointer inside a struct as its address (kubelint cannot print that);
# * TOO_LONG_BYTES_FROM: field.TooLong says "may not be more than N bytes" (v0.32.3; v0.30.14:
#   "must have at most N bytes"; the v0.31 module is not here to read: 1.31 is modelled as new).
NEWEST = 99
CONTENT_WORDS_FROM = 35
JSON_VALUES_FROM = 34
TOO_LONG_BYTES_FROM = 31
_RELEASE = contextvars.ContextVar("kubelint_apiserver_release", default=NEWEST)


def release() -> int:
    """The minor release whose words a message uses (the newest outside :func:`words_of`)."""
    return _RELEASE.get()


class words_of:  # lower case: used like the function it was, `with words_of(minor):`
    """Messages made inside use the texts of release 1.<minor>.  (A class, not @contextmanager: importing
    contextlib is ~0.5 ms of a one-file check, and this runs once per object.)"""

    __slots__ = ("minor", "token")

    def __init__(self, minor: int):
        self.minor = minor

    def __enter__(self) -> None:
        self.token = _RELEASE.set(self.minor)

    def __exit__(self, *exc) -> None:
        _RELEASE.reset(self.token)


def max_len_error(length: int, unit: str = "characters") -> str:
    """MaxLenError; ``bytes``: content.MaxLenError (qualified names and label
    values from v1.35; before, "characters" like the rest)."""
    if unit == "bytes" and _RELEASE.get() < CONTENT_WORDS_FROM:
        unit = "characters"
    return f"must be no more than {length} {unit}"


def too_long_error(limit: int) -> str:
    """field.TooLong's detail."""
    if _RELEASE.get() < TOO_LONG_BYTES_FROM:
        return f"must have at most {limit} bytes"
    return f"may not be more than {limit} bytes"


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """``RegexError``: each example is followed by ``", "`` and joined with
    ``" or "`` (``(e.g. 'MyName',  or 'my.name',  or '123-abc', regex ...``:
    two spaces, as the server prints it)."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    ex = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {ex}regex used for validation is '{fmt}')"


def empty_error() -> str:
    return "must be non-empty"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


def _memo(fn):
    """The result of a pure string check, remembered per value (labels, names and
    keys repeat across a run: a Go regexp match costs far more than a dict look-up).
    Callers get a fresh list; the memory is bounded."""
    cache: dict = {}

    @functools.wraps(fn)
    def check(value):
        if not isinstance(value, str):
            return fn(value)
        key = (value, _RELEASE.get())  # the words differ per release
        hit = cache.get(key)
        if hit is None:
            hit = tuple(fn(value))
            if len(cache) < _MEMO_SIZE:
                cache[key] = hit
        return list(hit)

    return check


_MEMO_SIZE = 1 << 16


@_memo
def is_qualified_name(value: str) -> List[str]:
    """IsQualifiedName: [prefix/]name, prefix a DNS-1123 subdomain."""
    errs: List[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if len(prefix) == 0:
            errs.append("prefix part " + empty_error())
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + regex_error(QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if len(name) == 0:
        errs.append("name part " + empty_error())
    elif len(name) > QUALIFIED_NAME_MAX_LENGTH:
        errs.append("name part " + max_len_error(QUALIFIED_NAME_MAX_LENGTH, "bytes"))
    if not _QUALIFIED_NAME_RE.matched(name):
        errs.append(
            "name part " + regex_error(QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errs


def is_label_key(value: str) -> List[str]:
    """IsQualifiedName as ValidateLabelName words it (from v1.35, content.IsLabelKey:
    "a valid label key must ..." where v1.34 says "a qualified name must")."""
    if _RELEASE.get() < CONTENT_WORDS_FROM:
        return is_qualified_name(value)
    return [
        "a valid label key " + m[len("a qualified name ") :] if m.startswith("a qualified name ") else m
        for m in is_qualified_name(value)
    ]


@_memo
def is_valid_label_value(value: str) -> List[str]:
    """IsValidLabelValue."""
    errs = []
    if len(value) > LABEL_VALUE_MAX_LENGTH:
        errs.append(max_len_error(LABEL_VALUE_MAX_LENGTH, "bytes"))
    if not _LABEL_VALUE_RE.matched(value):
        errs.append(regex_error(LABEL_VALUE_ERR_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


@_memo
def is_dns1123_label(value: str) -> List[str]:
    """IsDNS1123Label."""
    errs = []
    if len(value) > DNS1123_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_LABEL_MAX_LENGTH))
    if not _DNS1123_LABEL_RE.matched(value):
        if _DNS1123_SUBDOMAIN_RE.matched(value):
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(DNS1123_LABEL_ERR_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


@_memo
def is_dns1123_subdomain(value: str) -> List[str]:
    """IsDNS1123Subdomain."""
    errs = []
    if len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _DNS1123_SUBDOMAIN_RE.matched(value):
        errs.append(regex_error(DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


@_memo
def is_dns1035_label(value: str) -> List[str]:
    """IsDNS1035Label."""
    errs = []
    if len(value) > DNS1035_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1035_LABEL_MAX_LENGTH))
    if not _DNS1035_LABEL_RE.matched(value):
        errs.append(regex_error(DNS1035_LABEL_ERR_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_wildcard_dns1123_subdomain(value: str) -> List[str]:
    """IsWildcardDNS1123Subdomain."""
    errs = []
    if len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _WILDCARD_RE.matched(value):
        errs.append(regex_error(WILDCARD_DNS1123_SUBDOMAIN_ERR_MSG, WILDCARD_DNS1123_SUBDOMAIN_FMT, "*.example.com"))
    return errs


def is_c_identifier(value: str) -> List[str]:
    """IsCIdentifier."""
    if not _C_IDENTIFIER_RE.matched(value):
        return [regex_error(C_IDENTIFIER_ERR_MSG, C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName")]
    return []


def is_env_var_name(value: str) -> List[str]:
    """IsEnvVarName (relaxed env var names, GA since 1.32 — RelaxedEnvironmentVariableValidation)."""
    errs = []
    if not _ENV_VAR_NAME_RE.matched(value):
        errs.append(regex_error(ENV_VAR_NAME_FMT_ERR_MSG, ENV_VAR_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"))
    errs.extend(_has_chars(value, "."))
    return errs


def _has_chars(value: str, _chars: str) -> List[str]:
    # hasChDirPrefix: ".", ".." are not allowed as env var names.
    if value in (".", ".."):
        return [f"must not be '{value}'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_config_map_key(value: str) -> List[str]:
    """IsConfigMapKey."""
    errs = []
    if len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _CONFIG_MAP_KEY_RE.matched(value):
        errs.append(regex_error(CONFIG_MAP_KEY_ERR_MSG, CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    errs.extend(_has_chars(value, "."))
    return errs


def is_valid_port_num(port) -> List[str]:
    """IsValidPortNum: 1-65535."""
    if 1 <= port <= 65535:
        return []
    return [inclusive_range_error(1, 65535)]


def is_in_range(value: int, lo: int, hi: int) -> List[str]:
    if lo <= value <= hi:
        return []
    return [inclusive_range_error(lo, hi)]


def is_valid_port_name(port: str) -> List[str]:
    """IsValidPortName: an IANA_SVC_NAME (RFC 6335)."""
    errs = []
    if len(port) > 15:
        errs.append(max_len_error(15))
    if not _IANA_SVC_NAME_RE.matched(port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _IANA_HAS_LETTER_RE.search(port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_valid_percent(value: str) -> List[str]:
    """IsValidPercent."""
    if not _PERCENT_RE.matched(value):
        return [
            regex_error(
                "a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, "1%", "93%"
            )
        ]
    return []


def is_http_header_name(value: str) -> List[str]:
    """IsHTTPHeaderName."""
    if not _HTTP_HEADER_NAME_RE.matched(value):
        return [
            regex_error(
                "a valid HTTP header must consist of alphanumeric characters or '-'",
                HTTP_HEADER_NAME_FMT,
                "X-Header-Name",
            )
        ]
    return []


def is_valid_cidr(value: str) -> List[str]:
    import ipaddress

    try:
        ipaddress.ip_network(value, strict=False)
        return []
    except ValueError:
        return ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]


def is_domain_prefixed_path(value: str) -> List[str]:
    """IsDomainPrefixedPath: DNS subdomain '/' path."""
    parts = value.split("/", 1)
    if len(parts) != 2 or not parts[1]:
        return ['must be a domain-prefixed path (such as "acme.io/foo")']
    return is_dns1123_subdomain(parts[0])
