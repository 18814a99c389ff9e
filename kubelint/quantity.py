"""Kubernetes resource quantities, parsed exactly as
``k8s.io/apimachinery/pkg/api/resource.ParseQuantity`` does
(``parseQuantityString`` + ``quantitySuffixer.interpret``), to a
:class:`fractions.Fraction` so comparisons (requests <= limits) are exact.

The JSON form may be a string or a number (``Quantity.UnmarshalJSON`` parses
the raw text of a number the same way, after ``strings.TrimSpace``).
"""

from __future__ import annotations

from fractions import Fraction

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Union

# ErrFormatWrong's text, as the API server prints it.
SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
FORMAT_WRONG = f"quantities must match the regular expression '{SPLIT_RE}'"
SUFFIX_WRONG = "unable to parse quantity's suffix"

_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_SUFFIX_CHARS = set("eEinumkKMGTP")
_DIGITS = set("0123456789")
_NANO = Fraction(1, 10**9)


class QuantityError(ValueError):
    pass


def _split(s: str):
    """parseQuantityString: (positive, num, denom, suffix) or QuantityError."""
    pos, end = 0, len(s)
    positive = True
    if pos < end and s[0] in "+-":
        positive = s[0] != "-"
        pos += 1
    while pos < end and s[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "", ""
    start = pos
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    num = s[start:pos] or "0"
    denom = ""
    if pos < end and s[pos] == ".":
        pos += 1
        start = pos
        while pos < end and s[pos] in _DIGITS:
            pos += 1
        denom = s[start:pos]
    suffix_start = pos
    while pos < end and s[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and s[pos] in "+-":
        pos += 1
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise QuantityError(FORMAT_WRONG)
    return positive, num, denom, s[suffix_start:end]


def _interpret(suffix: str):
    """quantitySuffixer.interpret: (base, exponent) or None."""
    if suffix in _DECIMAL:
        return 10, _DECIMAL[suffix]
    if suffix in _BINARY:
        return 2, _BINARY[suffix]
    if len(suffix) > 1 and suffix[0] in "eE":
        exp = suffix[1:]
        body = exp[1:] if exp[:1] in "+-" else exp
        if body and all(c in _DIGITS for c in body) and len(body) <= 18:
            value = int(exp)
            # int32(parsed) in Go: wrap like the server does.
            value = (value + 2**31) % 2**32 - 2**31
            return 10, value
    return None


def parse_quantity(value: Union[str, int, float]) -> Fraction:
    """The value of a quantity (as the server stores it: rounded up to
    nano units), or :class:`QuantityError` with the server's message."""
    if isinstance(value, bool):
        raise QuantityError(FORMAT_WRONG)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        text = _go_json_float(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise QuantityError(FORMAT_WRONG)
    if not text:
        raise QuantityError(FORMAT_WRONG)
    if text == "0":
        return Fraction(0)
    positive, num, denom, suffix = _split(text)
    interp = _interpret(suffix)
    if interp is None:
        raise QuantityError(SUFFIX_WRONG)
    base, exponent = interp
    if len(denom) > 400:
        # Digits past 400 decimals only decide the round-up to nano units:
        # keep one non-zero digit if there is any (Python's int() refuses
        # more than 4,300 digits and is quadratic long before that).
        denom = denom[:400] + ("1" if denom[400:].strip("0") else "")
    num = num.lstrip("0") or "0"
    if abs(exponent) > 400 or len(num) > 400:  # beyond any representable resource; Go caps or rounds
        amount = Fraction(0) if exponent < -400 else Fraction(10) ** 400
    else:
        amount = Fraction(int(num + denom), 10 ** len(denom))
        amount *= Fraction(base) ** exponent
    if amount and amount.denominator != 1:
        # Round up to nano units, as ParseQuantity does (inf.RoundUp at scale 9).
        scaled = amount / _NANO
        whole = -(-scaled.numerator // scaled.denominator)
        amount = whole * _NANO
    return amount if positive else -amount


def _go_json_float(f: float) -> str:
    """How Go's encoding/json writes a float64 (what kubectl sends)."""
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    a = abs(f)
    if a < 1e-6 or a >= 1e21:
        s = repr(f)
        if "e" in s:
            mant, exp = s.split("e")
            sign = exp[0] if exp[0] in "+-" else "+"
            digits = exp.lstrip("+-").lstrip("0") or "0"
            if len(digits) < 2:
                digits = "0" + digits
            return f"{mant}e{sign}{digits}"
        return s
    return repr(f)
