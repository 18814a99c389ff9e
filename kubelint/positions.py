"""Positions beside the data, never inside it.

The loader builds plain dicts/lists/scalars and, in parallel, a *shadow*
tree holding 1-based (line, column) for every node:

* scalar:   ``(line, col, None)``
* mapping:  ``(line, col, {key: (key_line, key_col, child_shadow)})``
* sequence: ``(line, col, [child_shadow, ...])``

:func:`locate` resolves a path; when the path leaves the shadow (a missing
field) it returns the deepest position it reached, i.e. the parent mapping's
key, which is where an editor should point for "field X is required".
"""

from __future__ import annotations


from .findings import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Tuple

Shadow = tuple


def locate(shadow: Shadow, path: Path, at: str = "value") -> Tuple[int, int]:
    line, col, children = shadow
    key_pos = None
    for elem in path:
        if children is None:
            break
        if isinstance(children, dict):
            entry = children.get(elem) if not isinstance(elem, int) else children.get(str(elem))
            if entry is None:
                break
            key_line, key_col, child = entry
            key_pos = (key_line, key_col)
            line, col, children = child
        else:
            if not isinstance(elem, int) or not (0 <= elem < len(children)):
                break
            key_pos = None
            line, col, children = children[elem]
    else:
        if at == "key" and key_pos is not None:
            return key_pos
        return line, col
    # Path left the shadow: point at the deepest key reached, else its value.
    if key_pos is not None:
        return key_pos
    return line, col
