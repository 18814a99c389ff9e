"""``x-kubernetes-validations``: CEL rules of CRD schemas, evaluated offline.

The CEL engine is ``common-expression-language`` (module ``cel``, Rust
bindings), chosen over ``cel-python`` by measurement (bench/cel_compare.py:
same verdicts on the Kubernetes-style rule set except one that cel-python
gets wrong — a ``number`` field compared with a double — and 25-55x
faster per evaluation, 7-24x faster to compile, over four bench runs).  When the package is missing,
every rule is reported once as not checked (``info``).

What the API server's CEL environment adds (``k8s.io/apiserver/pkg/cel/library``)
is registered as Python functions where feasible: the strings extension
(``charAt``, ``indexOf``, ``lastIndexOf``, ``lowerAscii``, ``upperAscii``,
``replace``, ``split``, ``substring``, ``trim``, ``join``, ``reverse``),
lists (``isSorted``, ``sum``, ``min``, ``max``, list ``indexOf``),
regex (``find``, ``findAll``; ``matches`` is built in), ``url``/``isURL``
with its getters, ``quantity``/``isQuantity`` with comparisons and
arithmetic, ``ip``/``isIP``/``cidr``/``isCIDR`` with their methods, and
``sets.contains``/``sets.equivalent``/``sets.intersects``.

Contract (never a false error):

* a rule that does not compile with this engine, or whose evaluation fails
  (a missing function, a type the engine does not model, a runtime error)
  is an ``info`` finding naming the rule (``cr-validation-rule-skipped``),
  once per rule per run;
* transition rules (they reference ``oldSelf``) only run on updates: on a
  create the server skips them, and so does kubelint (``info`` once);
* a rule that evaluates to ``false`` is an ``error`` (``cr-validation-rule``)
  with the rule's ``message`` (or its ``messageExpression`` when that
  evaluates to a string), at ``fieldPath`` when given, with the ``reason``'s
  wording (``FieldValueInvalid`` -> ``Invalid value``, ``FieldValueForbidden``
  -> ``Forbidden``, ``FieldValueRequired`` -> ``Required value``,
  ``FieldValueDuplicate`` -> ``Duplicate value``), as the server prints it:
  ``spec: Invalid value: "object": <message>``.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from typing import List, Optional
from urllib.parse import urlsplit

from . import celruntime
from .findings import ERROR, INFO, Problem, format_path

RULE_FAILED = "cr-validation-rule"
RULE_SKIPPED = "cr-validation-rule-skipped"


def _load_engine():
    """The ``cel`` extension module without the package's ``__init__``,
    which imports its command-line front end (prompt_toolkit, rich, typer:
    about a second) that kubelint does not use."""
    import importlib.machinery
    import importlib.util
    import os

    spec = importlib.util.find_spec("cel")
    if spec is None:
        raise ImportError("cel")
    for d in spec.submodule_search_locations or ():
        for f in sorted(os.listdir(d)):
            if f.startswith("cel.") and f.endswith((".so", ".pyd")):
                path = os.path.join(d, f)
                loader = importlib.machinery.ExtensionFileLoader("cel.cel", path)
                mod = importlib.util.module_from_spec(
                    importlib.util.spec_from_file_location("cel.cel", path, loader=loader)
                )
                loader.exec_module(mod)
                # Registered, so a later plain `import cel` (the package) reuses
                # it: initialising the extension twice panics (its logger).
                import sys

                sys.modules.setdefault("cel.cel", mod)
                return mod
    import cel as mod  # an unusual layout: the plain import

    return mod


try:  # pragma: no branch
    try:
        _cel = _load_engine()
    except ImportError:
        raise
    except Exception:  # noqa: BLE001 - fall back to the ordinary import
        import cel as _cel

    # The bindings log a Python function's exception before raising it as a
    # CEL error; kubelint turns that error into a finding, so keep stderr quiet.
    for _name in ("cel", "cel.cel"):
        _log = logging.getLogger(_name)
        _log.setLevel(logging.CRITICAL + 1)
        _log.propagate = False
except ImportError:  # pragma: no cover - exercised when the dependency is absent
    _cel = None


def available() -> bool:
    return _cel is not None


# --- the Kubernetes CEL library as Python functions ------------------------------


def _s(x) -> str:
    if not isinstance(x, str):
        raise TypeError("no such overload")
    return x


def _index_of(x, sub, start=None):
    if isinstance(x, list):
        for i, v in enumerate(x):
            if v == sub:
                return i
        return -1
    x = _s(x)
    return x.find(sub, start or 0) if start is not None else x.find(sub)


def _last_index_of(x, sub, end=None):
    if isinstance(x, list):
        for i in range(len(x) - 1, -1, -1):
            if x[i] == sub:
                return i
        return -1
    return _s(x).rfind(sub) if end is None else _s(x).rfind(sub, 0, end + len(sub))


def _substring(x, start, end=None):
    x = _s(x)
    if start < 0 or start > len(x) or end is not None and (end < start or end > len(x)):
        raise IndexError("index out of range")
    return x[start:end] if end is not None else x[start:]


def _split(x, sep, n=None):
    x = _s(x)
    if n is None or n < 0:
        return x.split(sep) if sep else list(x)
    if n == 0:
        return []
    return x.split(sep, n - 1) if sep else list(x[: n - 1]) + ([x[n - 1 :]] if len(x) >= n else [])


def _replace(x, old, new, n=None):
    x = _s(x)
    return x.replace(old, new) if n is None or n < 0 else x.replace(old, new, n)


def _join(lst, sep=""):
    if not isinstance(lst, list) or not all(isinstance(v, str) for v in lst):
        raise TypeError("no such overload")
    return sep.join(lst)


def _go_re(pattern):
    from . import goregex

    return goregex.compile(pattern)


def _find(x, pattern):
    m = _go_re(pattern).search(_s(x))
    return m.group(0) if m else ""


def _find_all(x, pattern, n=None):
    out = [m.group(0) for m in _go_re(pattern).finditer(_s(x))]
    return out if n is None or n < 0 else out[:n]


def _is_sorted(lst):
    return all(lst[i] <= lst[i + 1] for i in range(len(lst) - 1))


def _sum(lst):
    return sum(lst) if lst else 0


def _min(lst):
    if not lst:
        raise ValueError("min called on empty list")
    return min(lst)


def _max(lst):
    if not lst:
        raise ValueError("max called on empty list")
    return max(lst)


# url(): a map tagged with __url__; the getters take it.
def _url(x):
    x = _s(x)
    if not _is_url(x):
        raise ValueError(f"URL parse error during conversion from string: {x}")
    return {"__url__": x}


def _is_url(x) -> bool:
    if not isinstance(x, str) or not x or " " in x:
        return False
    if x.startswith("/"):
        return True
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", x))


def _u(x):
    if not isinstance(x, dict) or "__url__" not in x:
        raise TypeError("no such overload")
    return urlsplit(x["__url__"])


def _get_host(x):
    p = _u(x)
    host = p.netloc.rsplit("@", 1)[-1]
    return host


def _get_hostname(x):
    return _u(x).hostname or ""


def _get_port(x):
    p = _u(x)
    host = p.netloc.rsplit("@", 1)[-1]
    m = re.search(r":(\d*)$", host)
    return m.group(1) if m else ""


# quantity(): tagged map with the parsed Fraction as a string.
def _quantity(x):
    from .quantity import QuantityError, parse_quantity

    try:
        parse_quantity(_s(x))
    except QuantityError as exc:
        raise ValueError(f"quantities must match the regular expression: {exc}") from exc
    return {"__quantity__": x}


def _q(x):
    from .quantity import parse_quantity

    if not isinstance(x, dict) or "__quantity__" not in x:
        raise TypeError("no such overload")
    return parse_quantity(x["__quantity__"])


def _is_quantity(x):
    from .quantity import QuantityError, parse_quantity

    if not isinstance(x, str):
        return False
    try:
        parse_quantity(x)
        return True
    except QuantityError:
        return False


def _q_other(y):
    if isinstance(y, int) and not isinstance(y, bool):
        from fractions import Fraction

        return Fraction(y)
    return _q(y)


def _q_new(f):
    from fractions import Fraction

    f = Fraction(f)
    if f.denominator == 1:
        return {"__quantity__": str(f.numerator)}
    milli = f * 1000
    if milli.denominator == 1:
        return {"__quantity__": f"{milli.numerator}m"}
    nano = f * 10**9
    return {"__quantity__": f"{int(nano)}n"}


def _as_integer(x):
    v = _q(x)
    if v.denominator != 1:
        raise ValueError("cannot convert value to integer")
    return int(v)


def _is_integer(x):
    return _q(x).denominator == 1


def _sign(x):
    v = _q(x)
    return (v > 0) - (v < 0)


# ip()/cidr(): tagged maps.
def _ip(x):
    x = _s(x)
    if "%" in x:
        raise ValueError("IP address with zone value is not allowed")
    try:
        a = ipaddress.ip_address(x)
    except ValueError as exc:
        raise ValueError(f"IP Address {x!r} parse error during conversion from string") from exc
    if a.version == 6 and a.ipv4_mapped is not None:
        raise ValueError("IPv4-mapped IPv6 address is not allowed")
    return {"__ip__": str(a)}


def _is_ip(x):
    try:
        _ip(x)
        return True
    except (TypeError, ValueError):
        return False


def _ipv(x):
    if isinstance(x, dict) and "__ip__" in x:
        return ipaddress.ip_address(x["__ip__"])
    raise TypeError("no such overload")


def _cidr(x):
    x = _s(x)
    try:
        ipaddress.ip_interface(x)
    except ValueError as exc:
        raise ValueError(f"network address parse error during conversion from string: {exc}") from exc
    if "/" not in x:
        raise ValueError("network address parse error: missing prefix length")
    return {"__cidr__": x}


def _is_cidr(x):
    try:
        _cidr(x)
        return True
    except (TypeError, ValueError):
        return False


def _net(x):
    if isinstance(x, dict) and "__cidr__" in x:
        return ipaddress.ip_interface(x["__cidr__"])
    raise TypeError("no such overload")


def _contains_ip(c, ip):
    net = _net(c).network
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else _ipv(ip)
    return addr in net


def _contains_cidr(c, other):
    net = _net(c).network
    o = ipaddress.ip_interface(other).network if isinstance(other, str) else _net(other).network
    return o.version == net.version and o.subnet_of(net)


def _family(x):
    if isinstance(x, dict) and "__cidr__" in x:
        return _net(x).version
    return _ipv(x).version


def _string(x):
    for tag in ("__ip__", "__cidr__", "__url__", "__quantity__"):
        if isinstance(x, dict) and tag in x:
            return x[tag]
    raise TypeError("no such overload")


def _sets_contains(a, b):
    return all(any(x == y for y in a) for x in b)


def _sets_equivalent(a, b):
    return _sets_contains(a, b) and _sets_contains(b, a)


def _sets_intersects(a, b):
    return any(any(x == y for y in a) for x in b)


def _char_at(x, i):
    x = _s(x)
    if i < 0 or i > len(x):
        raise IndexError("index out of range")
    return x[i] if i < len(x) else ""


FUNCTIONS = {
    # strings extension
    "charAt": _char_at,
    "indexOf": _index_of,
    "lastIndexOf": _last_index_of,
    "lowerAscii": lambda x: "".join(c.lower() if c.isascii() else c for c in _s(x)),
    "upperAscii": lambda x: "".join(c.upper() if c.isascii() else c for c in _s(x)),
    "replace": _replace,
    "split": _split,
    "substring": _substring,
    "trim": lambda x: _s(x).strip(" \t\n\r\v\f\u0085\u00a0"),
    "join": _join,
    "reverse": lambda x: _s(x)[::-1],
    "strings.quote": lambda x: '"' + _s(x).replace("\\", "\\\\").replace('"', '\\"') + '"',
    # lists
    "isSorted": _is_sorted,
    "sum": _sum,
    "min": _min,
    "max": _max,
    # regex
    "find": _find,
    "findAll": _find_all,
    # url
    "url": _url,
    "isURL": _is_url,
    "getScheme": lambda x: _u(x).scheme,
    "getHost": _get_host,
    "getHostname": _get_hostname,
    "getPort": _get_port,
    "getEscapedPath": lambda x: _u(x).path,
    "getQuery": lambda x: {
        k: v for k, v in __import__("urllib.parse", fromlist=["parse_qs"]).parse_qs(_u(x).query).items()
    },
    # quantity
    "quantity": _quantity,
    "isQuantity": _is_quantity,
    "isGreaterThan": lambda a, b: _q(a) > _q(b),
    "isLessThan": lambda a, b: _q(a) < _q(b),
    "compareTo": lambda a, b: (_q(a) > _q(b)) - (_q(a) < _q(b)),
    "asInteger": _as_integer,
    "asApproximateFloat": lambda x: float(_q(x)),
    "isInteger": _is_integer,
    "sign": _sign,
    "add": lambda a, b: _q_new(_q(a) + _q_other(b)),
    "sub": lambda a, b: _q_new(_q(a) - _q_other(b)),
    # ip / cidr
    "ip": lambda x: _ip(x) if isinstance(x, str) else {"__ip__": str(_net(x).ip)},
    "isIP": _is_ip,
    "cidr": _cidr,
    "isCIDR": _is_cidr,
    "family": _family,
    "isUnspecified": lambda x: _ipv(x).is_unspecified,
    "isLoopback": lambda x: _ipv(x).is_loopback,
    "isLinkLocalMulticast": lambda x: _ipv(x).is_multicast and _ipv(x).is_link_local,
    "isLinkLocalUnicast": lambda x: _ipv(x).is_link_local and not _ipv(x).is_multicast,
    "isGlobalUnicast": lambda x: _ipv(x).is_global and not _ipv(x).is_multicast,
    "containsIP": _contains_ip,
    "containsCIDR": _contains_cidr,
    "prefixLength": lambda x: _net(x).network.prefixlen,
    "masked": lambda x: {"__cidr__": str(_net(x).network)},
    "string": _string,
    # sets
    "sets.contains": _sets_contains,
    "sets.equivalent": _sets_equivalent,
    "sets.intersects": _sets_intersects,
}

# Functions of the Kubernetes environment kubelint does not model (a rule
# using one is skipped with an info, never evaluated to a wrong verdict).
_UNSUPPORTED = re.compile(
    r"\boldSelf\b|\.\?|\[\?|\{\?|\boptional\.|\bformat\(|\bauthorizer\b|\bnamespaceObject\b|\bvalidator\b|\bfieldSe"
    r"lector\b|\blabelSelector\b|\bsemver\b|\bisSemver\b"
)

_REASONS = {
    "FieldValueInvalid": "Invalid value",
    "FieldValueForbidden": "Forbidden",
    "FieldValueRequired": "Required value",
    "FieldValueDuplicate": "Duplicate value",
}

_context = None


def _base_context():
    global _context
    if _context is None and _cel is not None:
        ctx = _cel.Context()
        for name, fn in FUNCTIONS.items():
            ctx.add_function(name, fn)
        _context = ctx
    return _context


class Rule:
    __slots__ = (
        "rule",
        "message",
        "message_expression",
        "field_path",
        "reason",
        "program",
        "msg_program",
        "skip",
        "reported",
        "optional_old",
    )

    def __init__(self, spec: dict):
        self.rule = spec.get("rule") if isinstance(spec.get("rule"), str) else ""
        self.message = spec.get("message") if isinstance(spec.get("message"), str) else None
        self.message_expression = (
            spec.get("messageExpression") if isinstance(spec.get("messageExpression"), str) else None
        )
        self.field_path = spec.get("fieldPath") if isinstance(spec.get("fieldPath"), str) else None
        self.reason = spec.get("reason") if isinstance(spec.get("reason"), str) else None
        self.optional_old = spec.get("optionalOldSelf") is True
        self.program = None
        self.msg_program = None
        self.skip: Optional[str] = None  # why the rule is not evaluated
        self.reported = False


def compile_rule(spec: dict, node=None) -> Rule:
    r = Rule(spec)
    if not r.rule:
        r.skip = "the rule is empty"
        return r
    if re.search(r"\boldSelf\b", r.rule):
        r.skip = "it is a transition rule (it reads oldSelf): the API server evaluates it only on updates"
        return r
    if _cel is None:
        r.skip = "the CEL engine (the common-expression-language package) is not installed"
        return r
    if _UNSUPPORTED.search(_strip_literals(r.rule)):
        r.skip = "it uses CEL syntax or a Kubernetes library function kubelint does not evaluate"
        return r
    try:
        r.program = _compile(r.rule)
    except Exception as exc:  # noqa: BLE001 - the engine raises ValueError and others
        r.skip = f"the CEL engine cannot compile it ({_first_line(exc)})"
        return r
    if r.message_expression:
        try:
            r.msg_program = _compile(r.message_expression)
        except Exception:  # noqa: BLE001
            r.msg_program = None
    return r


def _compile(text: str):
    """The engine's Program for ``text``, compiled once per process (kubelint/cache.py)."""
    from .cache import compiled

    return compiled(_cel.compile, text)


def compile_error(rule: str) -> Optional[str]:
    """A parse error cel-go would also report, or ``None`` (compiles, or the
    engine lacks a feature the rule uses: not the CRD's fault)."""
    if _cel is None or not rule or _UNSUPPORTED.search(_strip_literals(rule)):
        return None
    try:
        _compile(rule)
        return None
    except Exception as exc:  # noqa: BLE001
        msg = _first_line(exc)
        if "unsupported syntax" in msg:
            return None
        return msg


_LITERAL = re.compile(r"""[rRbB]?('''[\s\S]*?'''|"{3}[\s\S]*?"{3}|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")""")


def _strip_literals(rule: str) -> str:
    """The rule without its string literals (a regex such as '\\.?' is not CEL syntax)."""
    return _LITERAL.sub("''", rule)


def _first_line(exc) -> str:
    s = str(exc).strip().splitlines()
    return s[0][:200] if s else type(exc).__name__


# --- values: JSON -> CEL values the way the server's schema-typed adapter sees them ----------


def to_cel(value, node):
    """Numbers in ``number`` fields are doubles, integral floats in
    ``integer`` fields are ints (kubectl sends 3.0 as 3)."""
    if isinstance(value, dict):
        props = node.props if node is not None and node.props else None
        add = node.additional if node is not None and not isinstance(node.additional, bool) else None
        out = {}
        for k, v in value.items():
            child = props.get(k) if props else None
            if v is None and (child is None or not child.nullable):
                continue  # pruned before validation
            out[k] = to_cel(v, child if child is not None else add)
        if props:
            for k, child in props.items():
                if k not in out and child.has_default:
                    out[k] = to_cel(child.default, child)
        return out
    if isinstance(value, list):
        item = node.items if node is not None else None
        return [to_cel(v, item) for v in value]
    if isinstance(value, str) and node is not None and node.format in _TYPED_FORMATS:
        return _TYPED_FORMATS[node.format](value)
    if isinstance(value, float):
        types = node.types if node is not None else ()
        if "number" in types:
            return value
        if value == int(value):
            return int(value)
        return value
    if isinstance(value, int) and not isinstance(value, bool) and node is not None and "number" in node.types:
        return float(value)
    return value


def _timestamp(v: str):
    import datetime

    try:
        return datetime.datetime.fromisoformat(v.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return v


_GO_DURATION = re.compile(r"([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def _duration(v: str):
    import datetime

    if v in ("0", "+0", "-0"):
        return datetime.timedelta(0)
    if not _GO_DURATION.match(v):
        return v
    total = sum(float(n) * _UNITS[u] for n, u in _DURATION_PART.findall(v))
    return datetime.timedelta(seconds=-total if v.startswith("-") else total)


def _bytes(v: str):
    import base64
    import binascii

    try:
        return base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        return v


# In the Kubernetes CEL environment these string formats are typed values
# (apiserver/schema/cel/model: date-time -> timestamp, duration -> duration,
# byte -> bytes); a value that does not parse stays a string (the format
# check reports it).
_TYPED_FORMATS = {"date-time": _timestamp, "datetime": _timestamp, "duration": _duration, "byte": _bytes}


def evaluate_all(rules, value, node, path) -> List[Problem]:
    """Every rule of one schema node against one value: the value is
    converted and bound to ``self`` once."""
    out: List[Problem] = []
    bound = False
    converted = None
    for rule in rules:
        if rule.skip is None and not bound:
            try:
                converted = to_cel(value, node)
                _base_context().add_variable("self", converted)
            except Exception as exc:  # noqa: BLE001 - a value the engine cannot represent
                return out + [
                    p
                    for r in rules
                    for p in _skipped_once(r, path, f"the CEL engine cannot represent the value ({_first_line(exc)})")
                ]
            bound = True
        out.extend(evaluate(rule, value, node, path, _bound=True, _converted=converted))
    return out


def _skipped_once(rule: Rule, path, why: str) -> List[Problem]:
    if rule.reported:
        return []
    rule.reported = True
    return [
        Problem(
            path,
            f"{format_path(path) or '<root>'}: validation rule {_q_rule(rule.rule)} not checked: {why}",
            RULE_SKIPPED,
            INFO,
        )
    ]


def evaluate(rule: Rule, value, node, path, _bound: bool = False, _converted=None) -> List[Problem]:
    """One rule on one value.  evaluate_all has bound ``self`` already (``_bound``), to ``_converted``,
    ``to_cel(value, node)``."""
    if rule.skip is not None:
        if rule.reported:
            return []
        rule.reported = True
        return [
            Problem(
                path,
                f"{format_path(path) or '<root>'}: validation rule {_q_rule(rule.rule)} not checked: {rule.skip}",
                RULE_SKIPPED,
                INFO,
            )
        ]
    ctx = _base_context()
    if _Object.stopped:
        return []  # the server ran out of cost on this object: "no further validation rules will be run"
    # The server's verdict at its runtime cost limits where kubelint.celruntime
    # is certain of the actual cost; otherwise a native call, which cannot be
    # interrupted, has its input bounded before it starts.
    cost = _actual_cost(rule.rule, value, node, _converted)
    over = _cost_verdict(rule, value, node, path, cost)
    if over is not None:
        return over
    why = runtime_guard(rule.rule, value) if cost is None else _time_guard()
    if why is not None:
        return _skipped_once(rule, path, why)
    started = time.perf_counter()
    try:
        if not _bound:
            ctx.add_variable("self", to_cel(value, node))
        result = rule.program.execute(ctx)
    except Exception as exc:  # noqa: BLE001
        if rule.reported:
            return []
        rule.reported = True
        return [
            Problem(
                path,
                f"{format_path(path) or '<root>'}: validation rule {_q_rule(rule.rule)} not checked: the CEL "
                "engine could not evaluate it "
                f"({_first_line(exc)})",
                RULE_SKIPPED,
                INFO,
            )
        ]
    finally:
        _Budget.seconds += time.perf_counter() - started
    if result is True:
        return []
    if result is not False:
        if rule.reported:
            return []
        rule.reported = True
        return [
            Problem(
                path,
                f"{format_path(path) or '<root>'}: validation rule {_q_rule(rule.rule)} not checked: it "
                f"returned {type(result).__name__}, not a boolean",
                RULE_SKIPPED,
                INFO,
            )
        ]
    message = None
    if rule.msg_program is not None:
        _Object.remaining = None  # the server charges the messageExpression to the budget too: not counted
        try:
            m = rule.msg_program.execute(ctx)
            if isinstance(m, str) and m.strip() and "\n" not in m:
                message = m
        except Exception:  # noqa: BLE001
            message = None
    if message is None:
        message = rule.message or f"failed rule: {rule.rule}"
    at = path + _field_path(rule.field_path) if rule.field_path else path
    reason = _REASONS.get(rule.reason or "FieldValueInvalid", "Invalid value")
    from .values import show

    # 1.37 (oracle-confirmed): a scalar's value is shown, an object's or
    # list's is not: `spec: Invalid value: <message>`,
    # `spec.hosts[0]: Invalid value: "a.example.org": <message>`.
    if reason in ("Invalid value", "Duplicate value") and not isinstance(value, (dict, list)) and value is not None:
        head = f"{reason}: {show(value)}"
    else:
        head = reason
    return [
        Problem(
            at,
            f"{format_path(at) or '<root>'}: {head}: {message}",
            RULE_FAILED,
            ERROR,
            hint=f"x-kubernetes-validations rule {_q_rule(rule.rule)}",
        )
    ]


# --- evaluation bounds ----------------------------------------------------------------------
#
# The API server stops a call past PerCallLimit (1,000,000) and an object's
# rules past RuntimeCELCostBudget (10,000,000) (k8s.io/apiserver/pkg/apis/cel/
# config.go).  The engine here has no cost API and a native call cannot be
# interrupted, so the input of each call is bounded before it starts: the
# iterations a rule can take on the value at hand (its elements to the power
# of its comprehensions) must stay within the per-call limit, and the process
# keeps a budget of estimated iterations and of wall-clock seconds.

PER_CALL_LIMIT = 1_000_000
RUN_ITERATION_BUDGET = 20_000_000  # estimated comprehension iterations per process
RUN_SECONDS_BUDGET = 3.0  # wall-clock seconds of CEL evaluation per process
_MACRO_CALL = re.compile(r"\.(?:all|exists_one|exists|map|filter)\(")


class _Budget:
    iterations = 0
    seconds = 0.0


def reset_budget() -> None:
    """A new run (kubelint.crd's stage; tests)."""
    _Budget.iterations = 0
    _Budget.seconds = 0.0
    begin_object()


def _elements(value, cap: int) -> int:
    """Lists' items and maps' entries in ``value`` (stops counting past ``cap``)."""
    total = 0
    stack = [value]
    while stack and total <= cap:
        v = stack.pop()
        if isinstance(v, dict):
            total += len(v)
            stack.extend(v.values())
        elif isinstance(v, list):
            total += len(v)
            stack.extend(v)
    return total


def runtime_guard(rule: str, value) -> Optional[str]:
    """Why ``rule`` must not be evaluated on ``value``, or None."""
    if _Budget.seconds > RUN_SECONDS_BUDGET or _Budget.iterations > RUN_ITERATION_BUDGET:
        return (
            "kubelint's time budget for CEL evaluation in this run is spent "
            f"({RUN_SECONDS_BUDGET:g} s or {RUN_ITERATION_BUDGET:,} estimated iterations)"
        )
    k = len(_MACRO_CALL.findall(_strip_literals(rule)))
    if k == 0:
        return None
    n = _elements(value, PER_CALL_LIMIT) + 1
    estimate = n**k if n < PER_CALL_LIMIT else PER_CALL_LIMIT + 1
    if estimate > PER_CALL_LIMIT:
        return (
            f"on this value its {k} comprehension(s) could take up to {min(estimate, 10**18):,} iterations, over "
            "the API "
            f"server's per-call cost limit ({PER_CALL_LIMIT:,}; the server would stop it)"
        )
    _Budget.iterations += estimate
    return None


class _Object:
    """The server's cost budget for one object (RuntimeCELCostBudget): ``remaining`` is None once
    a rule's actual cost is not certain; ``stopped`` once the server would run no further rules."""

    remaining: Optional[int] = celruntime.RUNTIME_BUDGET
    stopped = False


def begin_object() -> None:
    """A new object: the server's per-object budget starts again (kubelint.crd's stage)."""
    _Object.remaining = celruntime.RUNTIME_BUDGET
    _Object.stopped = False


def _time_guard() -> Optional[str]:
    if _Budget.seconds > RUN_SECONDS_BUDGET or _Budget.iterations > RUN_ITERATION_BUDGET:
        return (
            "kubelint's time budget for CEL evaluation in this run is spent "
            f"({RUN_SECONDS_BUDGET:g} s or {RUN_ITERATION_BUDGET:,} estimated iterations)"
        )
    return None


def _actual_cost(rule: str, value, node, converted=None):
    if _time_guard() is not None:
        return None
    started = time.perf_counter()
    try:
        # the value as the engine sees it (defaults, pruned nulls, doubles, typed formats:
        # the walk treats what it does not model as uncertain); ``converted``: to_cel's result,
        # already made (the walk reads the value, never changes it)
        return celruntime.actual_cost(rule, to_cel(value, node) if converted is None else converted, PER_CALL_LIMIT)
    except Exception:  # noqa: BLE001 - a value to_cel cannot convert: not certain
        return None
    finally:
        _Budget.seconds += time.perf_counter() - started


def _cost_verdict(rule: Rule, value, node, path, cost) -> Optional[List[Problem]]:
    """The server's error when the rule's actual cost certainly passes its per-call limit or
    the object's budget (apiextensions-apiserver schema/cel/validation.go validateExpressions:
    ``field.Invalid(fldPath, sts.Type, ...)``, then no further rules); None to evaluate."""
    if cost is None:
        _Object.remaining = None
        return None
    from .values import show

    raw = getattr(node, "raw", None)
    stype = raw.get("type") if isinstance(raw, dict) and isinstance(raw.get("type"), str) else ""
    shown = (rule.message or "").strip() or rule.rule.strip()  # ruleErrorString
    if cost == celruntime.OVER:
        if _Object.remaining is not None and _Object.remaining < PER_CALL_LIMIT:
            detail = "validation failed due to running out of cost budget, no further validation rules will be run"
        else:
            detail = (
                "'operation cancelled: actual cost limit exceeded': no further validation rules will be run "
                f"due to call cost exceeds limit for rule: {shown}"
            )
    elif _Object.remaining is not None and cost > _Object.remaining:
        detail = "validation failed due to running out of cost budget, no further validation rules will be run"
    else:
        if _Object.remaining is not None:
            _Object.remaining -= cost
        return None
    _Object.stopped = True
    return [
        Problem(
            path,
            f"{format_path(path) or '<root>'}: Invalid value: {show(stype)}: {detail}",
            RULE_FAILED,
            ERROR,
        )
    ]


def _q_rule(rule: str) -> str:
    r = " ".join(rule.split())
    return "'" + (r if len(r) <= 120 else r[:117] + "...") + "'"


_FP_TOKEN = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*(\d+)\s*\]")


def _field_path(fp: str) -> tuple:
    """``.spec.foo['a.b'][0]`` -> ``('spec', 'foo', 'a.b', 0)``."""
    out = []
    pos = 0
    fp = fp.strip()
    while pos < len(fp):
        m = _FP_TOKEN.match(fp, pos)
        if not m:
            break
        if m.group(1) is not None:
            out.append(m.group(1))
        elif m.group(2) is not None:
            out.append(m.group(2))
        else:
            out.append(int(m.group(3)))
        pos = m.end()
    return tuple(out)
