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


def test_show_clips_strings():
    assert show("x" * 100, 40) == quote("x" * 37 + "...")
    assert len(show("y" * 100)) == 62


def test_show_map_and_json_type():
    assert show_map({"tier": "db", "app": "web"}) == '{"app":"web","tier":"db"}'
    assert json_type(2.0) == "integer" and json_type("s") == "string"
