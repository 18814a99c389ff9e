"""The one label-selector matcher (kubelint/labels.py) has apimachinery's
semantics: metav1.LabelSelectorAsSelector + labels.Selector.Matches.

The odd inputs below are those on which the two matchers kubelint had before
(kubelint/rules/_common.py and kubelint/apiserver/meta.py) gave different or
non-apimachinery answers; the expected value is what LabelSelectorAsSelector
and Matches give (an error from the conversion selects nothing).
"""

import pytest

from kubelint.labels import label_selector, label_value, map_selector_matches, selector_is_empty, selector_matches

IN = "In"


def expr(key, op, values=None):
    e = {"key": key, "operator": op}
    if values is not None:
        e["values"] = values
    return {"matchExpressions": [e]}


@pytest.mark.parametrize(
    "selector,labels,want",
    [
        # the ordinary cases
        ({"matchLabels": {"app": "web"}}, {"app": "web", "tier": "x"}, True),
        ({"matchLabels": {"app": "web"}}, {"app": "db"}, False),
        (expr("app", IN, ["web", "api"]), {"app": "api"}, True),
        (expr("app", "NotIn", ["web"]), {}, True),  # NotIn: a missing key matches
        (expr("app", "NotIn", ["web"]), {"app": "web"}, False),
        (expr("app", "Exists"), {"app": ""}, True),
        (expr("app", "DoesNotExist"), {"app": ""}, False),
        # null selector: labels.Nothing(); empty selector: labels.Everything()
        (None, {"app": "web"}, False),
        ({}, {"app": "web"}, True),
        ({"matchLabels": {}, "matchExpressions": []}, {}, True),
        ({"matchLabels": None}, {}, True),
        # JSON null in map[string]string decodes to "": {app: null} is app="" (meta said: matches a missing label)
        ({"matchLabels": {"app": None}}, {}, False),
        ({"matchLabels": {"app": None}}, {"app": ""}, True),
        (expr("a", IN, ["x", None]), {"a": ""}, True),
        # numbers and booleans compared as the text the server sees (meta compared raw values)
        ({"matchLabels": {"v": 1}}, {"v": "1"}, True),
        ({"matchLabels": {"v": 1}}, {"v": 1}, True),
        ({"matchLabels": {"v": True}}, {"v": "true"}, True),
        (expr("a", IN, [1]), {"a": "1"}, True),
        # NewRequirement errors: the selector does not convert and selects nothing
        # (both old matchers ignored the bad requirement and matched)
        (expr("a", "NotIn", []), {"a": "x"}, False),
        (expr("a", "NotIn"), {}, False),
        (expr("a", IN, []), {"a": "x"}, False),
        (expr("a", "Exists", ["x"]), {"a": "y"}, False),
        (expr("a", "DoesNotExist", ["x"]), {}, False),
        (expr("a", "Foo"), {"a": "y"}, False),
        (expr("a", "in", ["y"]), {"a": "y"}, False),  # operators are case-sensitive
        ({"matchExpressions": ["junk"]}, {"a": "y"}, False),
        ({"matchExpressions": [{"operator": "Exists"}]}, {"a": "y"}, False),  # no key: "" is not a qualified name
        ({"matchLabels": {"bad key!": "x"}}, {"bad key!": "x"}, False),
        ({"matchLabels": {"a": "bad value!"}}, {"a": "bad value!"}, False),
        ({"matchLabels": {"a": "x" * 64}}, {"a": "x" * 64}, False),  # a label value is at most 63 characters
        ({"matchLabels": ["a"]}, {"a": "b"}, False),
        # one failing requirement fails the whole conversion, even when the rest would match
        ({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "x", "operator": "Foo"}]}, {"app": "web"}, False),
    ],
)
def test_label_selector_matches_like_apimachinery(selector, labels, want):
    assert selector_matches(selector, labels) is want


def test_conversion_error_is_none_and_nothing_is_a_predicate():
    # Callers that port Go's `if selector, err := ...; err == nil { ... }` need to tell them apart.
    assert label_selector(expr("a", "Foo")) is None
    nothing = label_selector(None)
    assert nothing is not None and nothing({"a": "b"}) is False


def test_map_selector_and_values():
    assert map_selector_matches({"app": "web"}, {"app": "web", "x": "y"})
    assert not map_selector_matches({"app": "web"}, {})
    assert map_selector_matches({"v": 1}, {"v": "1"})
    assert label_value(None) == "" and label_value(False) == "false" and label_value(2) == "2"
    assert label_value({"a": 1}) != "{'a': 1}"  # a non-scalar equals no real label value
    assert selector_is_empty({}) and selector_is_empty(None) and not selector_is_empty({"matchLabels": {"a": "b"}})
