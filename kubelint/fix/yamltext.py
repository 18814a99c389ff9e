"""Minimal text edits on YAML: locate a node by its path and change only
its characters.

Why not a ruamel.yaml round trip of the whole file?  Measured over the
shared corpus (``bench/fix_roundtrip.py``): ruamel.yaml 0.19's round trip
changes bytes *outside* anything edited in a large share of real files
(re-indented sequences, re-wrapped long strings, normalised spacing after
``-`` and before comments, dropped ``---`` details), so it cannot give
"every byte outside the edited nodes unchanged".  Instead this module:

1. composes the text with PyYAML's C composer, whose marks are exact
   character offsets (``start_mark.index`` / ``end_mark.index``);
2. walks a path (``("spec", "ports", 0, "protocol")``) to the node;
3. returns :class:`~kubelint.fix.model.Edit` values touching only that
   node's characters (a scalar, a key, the content of a block, or an
   insertion point at a line start), rendering new blocks with ruamel.yaml
   in the file's own indentation (mapping step and sequence-dash offset are
   measured in the document).

Anything it cannot edit exactly — a node reached through an alias or a
merge key (``<<``), a block scalar, a document that does not compose —
yields ``None`` and the fix is not offered.  The caller re-parses the
result and checks it (:mod:`kubelint.fix.engine`).
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from typing import Any, Dict, List, Tuple

import yaml

from ..loader import resolve_plain
from .model import Edit

try:  # pragma: no cover - exercised implicitly
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_/][A-Za-z0-9_./%@+=~-]*(?: [A-Za-z0-9_./%@+=~()-]+)*\Z")


class CannotEdit(Exception):
    """The node cannot be edited exactly (alias, merge key, block scalar...)."""


def _is_map(n) -> bool:
    return isinstance(n, yaml.MappingNode)


def _is_seq(n) -> bool:
    return isinstance(n, yaml.SequenceNode)


def _is_scalar(n) -> bool:
    return isinstance(n, yaml.ScalarNode)


# ---------------------------------------------------------------------------
# Scalars


def plain_ok(s: str) -> bool:
    """``s`` can be written unquoted and reads back as exactly this string
    under kubectl's YAML 1.1 resolution (go-yaml v2)."""
    return bool(_PLAIN_SAFE.match(s)) and resolve_plain(s) == s and not s.endswith(":")


def scalar_text(value: Any, quote: str = '"') -> str:
    """A scalar as YAML source text (also valid JSON for non-strings)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if plain_ok(value):
        return value
    return quoted(value, quote)


def quoted(s: str, quote: str = '"') -> str:
    if quote == "'" and all(c.isprintable() for c in s):
        return "'" + s.replace("'", "''") + "'"
    return json.dumps(s, ensure_ascii=False)


def _ruamel_data(value):
    """Plain data -> ruamel.yaml data whose strings keep their type under
    YAML 1.1 (ruamel emits YAML 1.2 and would leave ``yes`` or ``1.10``
    unquoted)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, dict):
        return {k: _ruamel_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ruamel_data(v) for v in value]
    if isinstance(value, str) and not plain_ok(value):
        return DoubleQuotedScalarString(value)
    return value


def render_entry(key: str, value: Any, step: int, dash: int) -> List[str]:
    """``key: value`` as block YAML lines at column 0, the file's style:
    mappings indented by ``step``, sequence dashes by ``dash``."""
    if not isinstance(value, (dict, list)) or not value:
        v = scalar_text(value) if not isinstance(value, (dict, list)) else ("{}" if isinstance(value, dict) else "[]")
        return [f"{scalar_text(key)}: {v}"]
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.width = 1 << 20
    y.indent(mapping=step, sequence=dash + 2, offset=dash)
    buf = io.StringIO()
    y.dump({key: _ruamel_data(value)}, buf)
    return buf.getvalue().rstrip("\n").split("\n")


def render_value_lines(value: Any, step: int, dash: int) -> List[str]:
    """A block collection as lines at column 0 (the value of some key)."""
    lines = render_entry("k", value, step, dash)[1:]
    cut = min(len(ln) - len(ln.lstrip(" ")) for ln in lines if ln.strip())
    return [ln[cut:] for ln in lines]


def flow_text(value: Any, json_style: bool = False) -> str:
    """Any value in flow style: plain YAML scalars where they read back
    unchanged, else JSON (which is valid YAML flow too)."""
    if json_style:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar_text(str(k))}: {flow_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow_text(v) for v in value) + "]"
    if isinstance(value, str) and any(c in value for c in ",[]{}#"):
        return json.dumps(value, ensure_ascii=False)
    return scalar_text(value)


# ---------------------------------------------------------------------------
# The located text


class Located:
    """A node found by path: the node, its key node (mapping entries), its
    parent, and whether it sits inside a flow collection."""

    __slots__ = ("node", "key", "parent", "in_flow")

    def __init__(self, node, key, parent, in_flow):
        self.node = node
        self.key = key
        self.parent = parent
        self.in_flow = in_flow


class TextDoc:
    """One composed YAML document of a text, ready for locating nodes."""

    def __init__(self, text: str, root, nl: str):
        self.text = text
        self.root = root
        self.nl = nl
        self.shared = _shared_nodes(root)
        self.step, self.dash = _indentation(root)

    # -- locating -------------------------------------------------------
    def locate(self, path) -> Located:
        node, key, parent, in_flow = self.root, None, None, False
        for elem in path:
            in_flow = in_flow or (not _is_scalar(node) and bool(node.flow_style))
            if id(node) in self.shared:
                raise CannotEdit("reached through an alias")
            if _is_map(node):
                hit = None
                for k, v in node.value:
                    if _is_scalar(k) and k.value == str(elem) and k.tag != "tag:yaml.org,2002:merge":
                        hit = (k, v)
                if hit is None:
                    raise KeyError(elem)
                parent, (key, node) = node, hit
            elif _is_seq(node):
                if not isinstance(elem, int) or not 0 <= elem < len(node.value):
                    raise KeyError(elem)
                parent, key, node = node, None, node.value[elem]
            else:
                raise KeyError(elem)
        if id(node) in self.shared:
            raise CannotEdit("reached through an alias")
        if node is not self.root and (not _is_scalar(node) and bool(node.flow_style)):
            pass
        return Located(node, key, parent, in_flow)

    def exists(self, path) -> bool:
        try:
            self.locate(path)
            return True
        except KeyError:
            return False

    def column(self, index: int) -> int:
        """0-based column of a text offset."""
        return index - (self.text.rfind("\n", 0, index) + 1)

    def quote_style(self) -> str:
        return _quote_style(self.root)

    # -- content extent ----------------------------------------------------
    def content_end(self, node) -> int:
        """Offset just after the last character of a node's own content
        (PyYAML's end mark of a block collection lies after the comments and
        blank lines that follow it)."""
        if _is_scalar(node):
            if node.style in ("|", ">"):
                raise CannotEdit("block scalar")
            return node.end_mark.index
        if node.flow_style:
            return node.end_mark.index
        if not node.value:
            return node.start_mark.index
        last = node.value[-1]
        if _is_map(node):
            k, v = last
            if _is_scalar(v) and v.value == "" and not v.style and v.start_mark.index >= k.end_mark.index:
                # ``key:`` with nothing after it: the entry ends at the key.
                return max(k.end_mark.index, self.text.find(":", k.end_mark.index) + 1)
            return self.content_end(v)
        return self.content_end(last)

    # -- edits ---------------------------------------------------------------
    def replace_scalar(self, path, new_text: str) -> Edit:
        loc = self.locate(path)
        n = loc.node
        if not _is_scalar(n) or n.style in ("|", ">"):
            raise CannotEdit("not an inline scalar")
        if n.start_mark.index == n.end_mark.index:
            raise CannotEdit("empty scalar")
        return Edit(n.start_mark.index, n.end_mark.index, new_text)

    def rename_key(self, path, new_key: str) -> Edit:
        loc = self.locate(path)
        k = loc.key
        if k is None or k.style in ("|", ">"):
            raise CannotEdit("no key")
        if k.style in ('"', "'"):
            text = quoted(new_key, k.style)
        else:
            text = scalar_text(new_key, self.quote_style())
        return Edit(k.start_mark.index, k.end_mark.index, text)

    def set_value(self, path, value) -> Edit:
        """Replace the value at ``path`` (which exists) with ``value``."""
        loc = self.locate(path)
        n = loc.node
        collection = isinstance(value, (dict, list)) and bool(value)
        if loc.in_flow or (not _is_scalar(n) and n.flow_style):
            if _is_scalar(n) and n.style in ("|", ">"):
                raise CannotEdit("block scalar")
            json_style = loc.key is not None and loc.key.style == '"'
            if isinstance(value, str) and _is_scalar(n) and n.style in ('"', "'"):
                return Edit(n.start_mark.index, n.end_mark.index, quoted(value, n.style))
            return Edit(
                n.start_mark.index,
                n.end_mark.index,
                flow_text(value, json_style)
                if isinstance(value, (dict, list))
                else scalar_text(value, self.quote_style()),
            )
        if not collection:
            text = (
                scalar_text(value, self.quote_style())
                if not isinstance(value, (dict, list))
                else flow_text(value, False)
            )
            if _is_scalar(n):
                if n.style in ("|", ">"):
                    raise CannotEdit("block scalar")
                if n.start_mark.index == n.end_mark.index:  # `key:` with no value
                    if loc.key is None:
                        raise CannotEdit("empty item")
                    colon = self.text.find(":", loc.key.end_mark.index)
                    return Edit(colon + 1, colon + 1, " " + text)
                if isinstance(value, str) and n.style in ('"', "'"):
                    text = quoted(value, n.style)  # keep the value's quoting
                return Edit(n.start_mark.index, n.end_mark.index, text)
            return Edit(n.start_mark.index, self.content_end(n), text)
        if _is_scalar(n):
            # inline scalar -> block: ``key: x`` becomes ``key:\n  block``
            if loc.key is None or n.style in ("|", ">"):
                raise CannotEdit("scalar list item to block")
            indent = self.column(loc.key.start_mark.index) + self.step
            lines = render_value_lines(value, self.step, self.dash)
            colon = self.text.find(":", loc.key.end_mark.index)
            end = n.end_mark.index if n.end_mark.index > colon else colon + 1
            body = self.nl.join(" " * indent + ln for ln in lines)
            return Edit(colon, end, ":" + self.nl + body)
        start = n.start_mark.index
        col = self.column(start)
        lines = render_value_lines(value, self.step, self.dash)
        if _is_seq(n) and isinstance(value, list) and loc.key is not None:
            # keep the dash where the original list had it
            pass
        body = lines[0] + "".join(self.nl + " " * col + ln for ln in lines[1:])
        return Edit(start, self.content_end(n), body)

    def insert_entries(self, path, entries: List[Tuple[str, Any]]) -> Edit:
        """Add ``key: value`` entries to the mapping at ``path`` (the keys are
        absent): at the end of a block mapping, first in a flow mapping."""
        loc = self.locate(path)
        n = loc.node
        if not _is_map(n):
            if _is_scalar(n) and n.value == "" and not n.style and loc.key is not None:
                return self.set_value(path, dict(entries))
            raise CannotEdit("not a mapping")
        if n.flow_style or loc.in_flow:
            double = any(_is_scalar(k) and k.style == '"' for k, _ in n.value)
            parts = []
            for key, value in entries:
                ktext = json.dumps(key) if double else scalar_text(key)
                parts.append(f"{ktext}: {flow_text(value, double)}")
            text = ", ".join(parts)
            if n.value:  # after the last entry: `{a: 1}` -> `{a: 1, b: 2}`
                at = self.content_end(n.value[-1][1])
                return Edit(at, at, ", " + text)
            return Edit(n.start_mark.index + 1, n.start_mark.index + 1, text)
        if not n.value:
            raise CannotEdit("empty block mapping")
        col = self.column(n.value[0][0].start_mark.index)
        lines = []
        for key, value in entries:
            lines.extend(render_entry(key, value, self.step, self.dash))
        block = "".join(" " * col + ln + self.nl for ln in lines)
        try:
            end = self.content_end(n)
        except CannotEdit:
            # the mapping ends in a block scalar (whose end is fuzzy): put the
            # entries before the first key that starts its own line instead
            for k, _ in n.value:
                line_start = self.text.rfind("\n", 0, k.start_mark.index) + 1
                if not self.text[line_start : k.start_mark.index].strip():
                    return Edit(line_start, line_start, block)
            raise
        nl_at = self.text.find("\n", end)
        if nl_at == -1:
            return Edit(len(self.text), len(self.text), self.nl + block[: -len(self.nl)])
        return Edit(nl_at + 1, nl_at + 1, block)


def _shared_nodes(root) -> set:
    """Ids of nodes reachable more than once (anchors used by aliases), and
    everything under them: editing one would edit every use."""
    seen = set()
    shared = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            shared.add(id(n))
            continue
        seen.add(id(n))
        if _is_map(n):
            for k, v in n.value:
                if k.tag == "tag:yaml.org,2002:merge":
                    shared.add(id(v))
                stack.append(v)
        elif _is_seq(n):
            stack.extend(n.value)
    if not shared:
        return shared
    out = set()
    stack = [n for n in _all_nodes(root) if id(n) in shared]
    while stack:
        n = stack.pop()
        if id(n) in out:
            continue
        out.add(id(n))
        if _is_map(n):
            stack.extend(v for _, v in n.value)
        elif _is_seq(n):
            stack.extend(n.value)
    return out


def _all_nodes(root):
    seen = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        if _is_map(n):
            stack.extend(v for _, v in n.value)
        elif _is_seq(n):
            stack.extend(n.value)


def _indentation(root) -> Tuple[int, int]:
    steps: Counter = Counter()
    dashes: Counter = Counter()
    for n in _all_nodes(root):
        if not _is_map(n) or n.flow_style:
            continue
        for k, v in n.value:
            if v.start_mark.line == k.start_mark.line:
                continue
            if _is_map(v) and not v.flow_style:
                steps[v.start_mark.column - k.start_mark.column] += 1
            elif _is_seq(v) and not v.flow_style:
                dashes[v.start_mark.column - k.start_mark.column] += 1
    step = steps.most_common(1)[0][0] if steps else 2
    dash = dashes.most_common(1)[0][0] if dashes else 0
    return (step if 1 <= step <= 8 else 2), (dash if 0 <= dash <= 8 else 0)


def _quote_style(root) -> str:
    c: Counter = Counter()
    for n in _all_nodes(root):
        if _is_map(n):
            for _, v in n.value:
                if _is_scalar(v) and v.style in ("'", '"'):
                    c[v.style] += 1
    return "'" if c["'"] > c['"'] else '"'


def compose_documents(text: str) -> Dict[Tuple[int, int], TextDoc]:
    """Every document of ``text`` keyed by the 1-based (line, column) of its
    root node, as :class:`kubelint.loader.Document` records it."""
    nl = "\r\n" if "\r\n" in text else "\n"
    out = {}
    for root in yaml.compose_all(text, Loader=_Loader):
        if root is None:
            continue
        out[(root.start_mark.line + 1, root.start_mark.column + 1)] = TextDoc(text, root, nl)
    return out
