"""The one value printer (kubelint/values.py): Go's %q for strings, %v for numbers."""

import pytest

from kubelint.values import json_type, quote, show, show_map


@pytest.mark.parametrize(
    "value,want",
    [
        ("web", '"web"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("C:\\path", '"C:\\\\path"'),
        ("a\nb\tc", '"a\\nb\\tc"'),
        ("\x01", '"\\x01"'),
        ("café", '"café"'),  # printable Unicode stays readable, as strconv.Quote keeps it
        ("\u200b", '"\\u200b"'),
        (True, "true"),
        (None, "null"),
        (3, "3"),
        (3.0, "3"),
        (1.5, "1.5"),
        (float("inf"), "inf"),
        ({"a": 1}, '"object"'),
        ([1], '"array"'),  # never the content of a mapping or list
    ],
)
def test_show(value, want):
    assert show(value) == want


def test_show_clips_strings_only_when_asked():
    assert show("x" * 100, 40) == quote("x" * 37 + "...")
    # the server prints a value whole: so does a message (a terminal shortens it: test_display_shortens)
    assert show("y" * 300) == quote("y" * 300)


def test_display_shortens_long_values_for_people():
    from kubelint.mask import display

    msg = 'metadata.name: Invalid value: "' + "a" * 253 + '": must be no more than 253 characters'
    assert (
        display(msg)
        == 'metadata.name: Invalid value: "' + "a" * 77 + '..." (253 characters): must be no more than 253 characters'
    )
    assert display('x: Invalid value: "a\\"b": bad') == 'x: Invalid value: "a\\"b": bad'
    assert display("a\x1b[31m") == "a\\x1b[31m"


def test_show_map_and_json_type():
    assert show_map({"tier": "db", "app": "web"}) == '{"app":"web","tier":"db"}'
    assert json_type(2.0) == "integer" and json_type("s") == "string"


def test_go_error_texts_and_canonical_quantities():
    """Go's own words where the server passes them on (encoding/json, time.ParseDuration,
    resource.Quantity.String), as recorded from the v1.37 server in tests/conformance."""
    from kubelint.apiserver.common import canonical_quantity, go_duration_error, go_json_error

    assert [canonical_quantity(x) for x in ("1.5", "0.5", "1000", "1500", "100m", "1Gi", "1e3")] == [
        "1500m",
        "500m",
        "1k",
        "1500",
        "100m",
        "1Gi",
        "1e3",
    ]
    assert go_duration_error("5 minutes") == 'time: unknown unit " minutes" in duration "5 minutes"'
    assert go_duration_error("5") == 'time: missing unit in duration "5"'
    assert go_duration_error("1h30m") == ""
    assert go_json_error("abc") == "invalid character 'a' looking for beginning of value"
    assert go_json_error('{"a":1,}') == "invalid character '}' looking for beginning of object key string"
    assert go_json_error("[1 2]") == "invalid character '2' after array element"
    assert go_json_error("{") == "unexpected end of JSON input"
    assert go_json_error("[]") == ""
