"""Label selectors, the one implementation (API-server checks and concept rules).

:func:`label_selector` is ``metav1.LabelSelectorAsSelector``
(k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go) followed by
``labels.Selector.Matches`` (k8s.io/apimachinery/pkg/labels/selector.go):

* no selector (``null``, or not a mapping) selects nothing (``labels.Nothing()``);
* a selector without requirements (``{}``, empty ``matchLabels`` and
  ``matchExpressions``) selects everything (``labels.Everything()``);
* every ``matchLabels`` pair is an ``Equals`` requirement and every
  ``matchExpressions`` entry an ``In`` / ``NotIn`` / ``Exists`` /
  ``DoesNotExist`` one, all ANDed;
* a selector that does not convert (``err != nil``: an unknown operator, a
  key that is not a qualified name, a value that is not a label value,
  ``In``/``NotIn`` without values, ``Exists``/``DoesNotExist`` with values,
  a malformed entry) is ``None``: controllers (the disruption controller,
  the ReplicaSet controller) then select no pods, and validation reports it.

Values are compared as the API server sees them (:func:`label_value`): JSON
``null`` in a ``map[string]string`` decodes to ``""``, YAML numbers and
booleans that reach a string field are compared as their text.
"""

from __future__ import annotations


from .apiserver.validation import is_qualified_name, is_valid_label_value

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Callable, Optional

_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")

if TYPE_CHECKING:
    Predicate = Callable[[dict], bool]


def label_value(v) -> str:
    """A label (or selector) value as the API server would see it; non-scalars
    (which the schema layer reports) become a string no real label value can equal."""
    if isinstance(v, str):
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return "\0" + repr(v)


def _nothing(labels) -> bool:
    return False


def _everything(labels) -> bool:
    return True


def _requirements(selector: dict) -> Optional[list]:
    """(key, operator, values) for every requirement, or None when one does
    not convert (NewRequirement's checks)."""
    ml = selector.get("matchLabels")
    exprs = selector.get("matchExpressions")
    if ml is not None and not isinstance(ml, dict) or exprs is not None and not isinstance(exprs, list):
        return None
    reqs = [(k, "In", (label_value(v),)) for k, v in (ml or {}).items()]
    for e in exprs or ():
        if not isinstance(e, dict) or e.get("operator") not in _OPERATORS:
            return None
        values = e.get("values")
        if values is not None and not isinstance(values, list):
            return None
        values = tuple(label_value(v) for v in values or ())
        if e["operator"] in ("In", "NotIn") and not values or e["operator"] in ("Exists", "DoesNotExist") and values:
            return None
        reqs.append((e.get("key"), e["operator"], values))
    for key, _op, values in reqs:
        if not isinstance(key, str) or is_qualified_name(key) or any(is_valid_label_value(v) for v in values):
            return None
    return reqs


def label_selector(selector) -> Optional[Predicate]:
    """A predicate over label maps for a ``metav1.LabelSelector``, or None
    when the selector does not convert (see the module doc)."""
    if not isinstance(selector, dict):
        return _nothing
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        return _everything if _requirements(selector) is not None else None
    reqs = _requirements(selector)
    if reqs is None:
        return None

    def matches(labels) -> bool:
        if not isinstance(labels, dict):
            labels = {}
        for key, op, values in reqs:
            present = key in labels
            if op == "Exists" and not present or op == "DoesNotExist" and present:
                return False
            if op in ("In", "NotIn"):
                # labels[key] on the left: rules use wildcard label values
                hit = present and any(label_value(labels[key]) == v for v in values)
                if hit != (op == "In"):
                    return False
        return True

    return matches


def selector_matches(selector, labels: dict) -> bool:
    """Whether ``selector`` (a ``metav1.LabelSelector``) selects ``labels``;
    a selector that does not convert selects nothing."""
    pred = label_selector(selector)
    return pred is not None and pred(labels)


def map_selector_matches(selector: dict, labels: dict) -> bool:
    """A plain map selector (Service, ReplicationController):
    ``labels.SelectorFromSet(selector).Matches(labels)``."""
    return all(k in labels and label_value(labels[k]) == label_value(v) for k, v in selector.items())


def selector_is_empty(selector) -> bool:
    """No requirements: ``{}`` or a missing/empty ``matchLabels`` and ``matchExpressions``."""
    if not isinstance(selector, dict):
        return True
    return not selector.get("matchLabels") and not selector.get("matchExpressions")
