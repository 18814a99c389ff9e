"""The static cost estimate of a checked CEL expression, as kube-apiserver
1.37 computes it when a CRD (or an admission policy) is created.

Ported from cel-go v0.29.2 ``checker/cost.go`` (``coster``: ``cost``,
``costIdent``, ``costSelect``, ``costCall``, ``functionCost``,
``costComprehension``, ``costBind``, ``computeSize``, ``computeEntrySize``,
``SizeEstimate``/``CostEstimate`` arithmetic with saturation at 2^64-1) with
``PresenceTestHasCost(false)`` (environment/base.go), the Kubernetes library
estimator (``k8s.io/apiserver/pkg/cel/library/cost.go``
``CostEstimator.EstimateCallCost``) and, for CRD rules, apiextensions'
size estimator (``apiserver/schema/cel/compilation.go sizeEstimator``: the
``MaxElements`` of the schema node a path reaches).

:func:`estimate` returns the worst case (``CostEstimate.Max``); the caller
multiplies by the rule's cardinality (apiextensions ``getExpressionCost``).
"""

from __future__ import annotations

import math
import re
from typing import Dict, List, Optional, Tuple

from .celparse import ACCU, Expr
from .celtypes import DYN as _DYN
from .celtypes import Checked, Decl, T

MAXU = (1 << 64) - 1
Size = Tuple[int, int]  # (min, max)
UNKNOWN: Size = (0, MAXU)
STRING_TRAVERSAL = 0.1  # common.StringTraversalCostFactor
REGEX_LENGTH = 0.25  # common.RegexStringLengthCostFactor


def _add(a: int, b: int) -> int:
    return min(a + b, MAXU)


def _mul(a: int, b: int) -> int:
    return min(a * b, MAXU)


def _factor(x: int, f: float) -> int:
    """multiplyByCostFactor: ceil(x * f), saturating."""
    xf = float(x)
    if xf > 0 and f > 0 and xf > float(MAXU) / f:
        return MAXU
    c = math.ceil(xf * f)
    return MAXU if c >= 2.0**64 else int(c)


def add(a: Size, b: Size) -> Size:
    return (_add(a[0], b[0]), _add(a[1], b[1]))


def mul(a: Size, b: Size) -> Size:
    return (_mul(a[0], b[0]), _mul(a[1], b[1]))


def factor(a: Size, f: float) -> Size:
    return (_factor(a[0], f), _factor(a[1], f))


def union(a: Size, b: Size) -> Size:
    return (min(a[0], b[0]), max(a[1], b[1]))


class _Entry:
    """entrySizeEstimate: the container kind and its keys' and values' sizes."""

    __slots__ = ("kind", "key", "val")

    def __init__(self, kind: str, key: Size, val: Size):
        self.kind, self.key, self.val = kind, key, val


def _union_entry(a: Optional[_Entry], b: Optional[_Entry]) -> Optional[_Entry]:
    if a is None or b is None:
        return None
    return _Entry(a.kind, union(a.key, b.key), union(a.val, b.val))


class _Var:
    __slots__ = ("path", "size", "entry")

    def __init__(self, path, size, entry):
        self.path, self.size, self.entry = path, size, entry


class _Node:
    """checker.AstNode: a path, a type, an expression and its computed size."""

    __slots__ = ("path", "t", "expr", "size")

    def __init__(self, path, t, expr, size):
        self.path, self.t, self.expr, self.size = path, t, expr, size


def schema_size(root: Optional[Decl], path: Optional[List[str]]) -> Optional[Size]:
    """apiextensions sizeEstimator.EstimateSize: walk ``path`` (after its
    variable) through the declared types; ``(0, MaxElements)``."""
    if root is None or not path:
        return None
    node = root
    for name in path[1:]:
        if name in ("@items", "@values"):
            node = node.elem
        elif name == "@keys":
            node = node.key
        else:
            node = (node.fields or {}).get(name)
        if node is None:
            return None
    return (0, node.max_elements)


class Coster:
    """cel-go's coster over a :class:`kubelint.celtypes.Checked` tree."""

    def __init__(self, checked: Checked, root: Optional[Decl]):
        self.checked = checked
        self.root = root
        self.paths: Dict[int, List[str]] = {}
        self.locals: Dict[str, List[_Var]] = {}
        self.sizes: Dict[int, Size] = {}
        self.entries: Dict[int, _Entry] = {}

    # --- helpers ---------------------------------------------------------------------------------

    def type_of(self, e: Expr) -> T:
        return self.checked.types.get(e.id, _DYN)

    def peek(self, name: str) -> Optional[_Var]:
        stack = self.locals.get(name)
        return stack[-1] if stack else None

    def push(self, name: str, path, size, entry) -> None:
        self.locals.setdefault(name, []).append(_Var(path, size, entry))

    def pop(self, name: str) -> None:
        self.locals[name].pop()

    def path(self, e: Expr) -> List[str]:
        if e.kind == "ident":
            v = self.peek(e.name)
            if v is not None:
                return list(v.path)
        return list(self.paths.get(e.id, []))

    def node(self, e: Expr) -> _Node:
        p = self.path(e)
        if p and p[0] in (ACCU, "__result__"):
            p = []
        return _Node(p, self.type_of(e), e, self.compute_size(e))

    def compute_size(self, e: Expr) -> Optional[Size]:
        if e.id in self.sizes:
            return self.sizes[e.id]
        s = _expr_size(e)
        if s is not None:
            return s
        s = schema_size(self.root, self.path(e))
        if s is not None:
            self.sizes[e.id] = s
            return s
        if _scalar(self.type_of(e)):
            return (1, 1)
        if e.kind == "ident":
            v = self.peek(e.name)
            if v is not None and v.size is not None:
                return v.size
        return None

    def size_or_unknown(self, x) -> Size:
        s = x.size if isinstance(x, _Node) else self.compute_size(x)
        return UNKNOWN if s is None else s

    def entry(self, e: Expr) -> Optional[_Entry]:
        if e.id in self.entries:
            return self.entries[e.id]
        if e.kind == "ident":
            v = self.peek(e.name)
            if v is not None and v.entry is not None:
                return v.entry
        return None

    def set_size(self, e: Expr, s: Optional[Size]) -> None:
        if s is not None:
            self.sizes[e.id] = s

    def set_entry(self, e: Expr, en: Optional[_Entry]) -> None:
        if en is not None:
            self.entries[e.id] = en

    # --- cost ------------------------------------------------------------------------------------

    def cost(self, e: Expr) -> Size:
        k = e.kind
        if k == "lit":
            return (0, 0)
        if k == "ident":
            v = self.peek(e.name)
            self.paths[e.id] = list(v.path) if v is not None else [e.name]
            return (1, 1)
        if k == "select":
            return self.cost_select(e)
        if k == "call":
            return self.cost_call(e)
        if k == "list":
            return self.cost_list(e)
        if k == "map":
            return self.cost_map(e)
        if k == "comp":
            return self.cost_bind(e) if _is_bind(e) else self.cost_comprehension(e)
        return (0, 0)

    def cost_select(self, e: Expr) -> Size:
        if e.test_only:
            return self.cost(e.operand)  # PresenceTestHasCost(false)
        total = self.cost(e.operand)
        if self.type_of(e.operand).kind in ("map", "struct", "tparam"):
            total = add(total, (1, 1))
        self.paths[e.id] = self.path(e.operand) + [e.field]
        return total

    def cost_call(self, e: Expr) -> Size:
        if e.fn == "dyn" and e.target is None and e.args:
            c = self.cost(e.args[0])
            self.set_size(e, self.compute_size(e.args[0]))
            self.set_entry(e, self.entry(e.args[0]))
            return add((1, 1), c)
        arg_costs = [self.cost(a) for a in e.args]
        arg_nodes = [self.node(a) for a in e.args]
        ids = self.checked.overloads.get(e.id, [])
        if not ids:
            return (0, 0)
        total = (0, 0)
        target = None
        if e.target is not None:
            total = add(total, self.cost(e.target))
            target = self.node(e.target)
        fn_cost = (MAXU, 0)
        result: Optional[Size] = None
        for oid in ids:
            c, rs = self.function_cost(e, oid, target, arg_nodes, arg_costs)
            fn_cost = union(fn_cost, c)
            if rs is not None:
                result = rs if result is None else union(result, rs)
            if oid in ("index_list", "index_map") and e.args:
                en = self.entry(e.args[0])
                result = en.val if en is not None else None
                self.paths[e.id] = self.path(e.args[0]) + ["@items" if oid == "index_list" else "@values"]
            if result is None:
                result = self.compute_size(e)
        self.set_size(e, result)
        return add(total, fn_cost)

    def cost_list(self, e: Expr) -> Size:
        total = (0, 0)
        item = (0 if not e.elems else MAXU, 0)
        for x in e.elems:
            total = add(total, self.cost(x))
            item = union(item, self.size_or_unknown(x))
        self.entries[e.id] = _Entry("list", (1, 1), item)
        return add(total, (10, 10))

    def cost_map(self, e: Expr) -> Size:
        total = (0, 0)
        empty = 0 if not e.entries else MAXU
        ks, vs = (empty, 0), (empty, 0)
        for key, val, _opt, _col, _eid in e.entries:
            total = add(total, self.cost(key))
            total = add(total, self.cost(val))
            ks = union(ks, self.size_or_unknown(key))
            vs = union(vs, self.size_or_unknown(val))
        self.entries[e.id] = _Entry("map", ks, vs)
        return add(total, (30, 30))

    def _container(self, rng: Expr) -> Tuple[Optional[_Entry], str]:
        en = self.entry(rng)
        kind = en.kind if en is not None else self.type_of(rng).kind
        return en, kind

    def push_iter(self, name: str, rng: Expr, which: str) -> None:
        """pushIterSingle / pushIterKey / pushIterValue."""
        en, kind = self._container(rng)
        if which == "single":
            size, sub = (en.key if en else None), "@keys"
            if kind == "list":
                size, sub = (en.val if en else None), "@items"
        elif which == "key":
            size, sub = (en.key if en else None), ("@indices" if kind == "list" else "@keys")
        else:
            size, sub = (en.val if en else None), ("@items" if kind == "list" else "@values")
        self.push(name, self.path(rng) + [sub], size, None)

    def cost_comprehension(self, e: Expr) -> Size:
        total = add(self.cost(e.iter_range), self.cost(e.accu_init))
        self.push(e.accu_var, self.path(e.accu_init), self.compute_size(e.accu_init), self.entry(e.accu_init))
        if e.iter_var2 is not None:
            self.push_iter(e.iter_var, e.iter_range, "key")
            self.push_iter(e.iter_var2, e.iter_range, "value")
        else:
            self.push_iter(e.iter_var, e.iter_range, "single")
        loop = self.cost(e.cond)
        step = self.cost(e.step)
        self.pop(e.iter_var)
        if e.iter_var2 is not None:
            self.pop(e.iter_var2)
        total = add(total, self.cost(e.result))
        self.pop(e.accu_var)
        rng = self.size_or_unknown(e.iter_range)
        total = add(total, mul(rng, add(step, loop)))
        if e.accu_init.kind == "lit":
            self.set_size(e, self.compute_size(e.accu_init))
        elif e.accu_init.kind in ("list", "map"):
            self.set_size(e, rng)
            self.set_entry(e, self.entry(e.step))
        return total

    def cost_bind(self, e: Expr) -> Size:
        total = add(self.cost(e.iter_range), self.cost(e.accu_init))
        self.push(e.accu_var, self.path(e.accu_init), self.compute_size(e.accu_init), self.entry(e.accu_init))
        total = add(total, self.cost(e.result))
        self.pop(e.accu_var)
        self.set_size(e, self.compute_size(e.result))
        self.set_entry(e, self.entry(e.result))
        return total

    # --- calls -----------------------------------------------------------------------------------

    def function_cost(self, e: Expr, oid: str, target, args: List[_Node], arg_costs: List[Size]):
        """functionCost: the Kubernetes library's estimate, else cel-go's by overload id."""
        arg_sum = (0, 0)
        for c in arg_costs:
            arg_sum = add(arg_sum, c)
        ext = self.ext_list_cost(oid, target, args)
        if ext is not None:
            return add(ext[0], arg_sum), ext[1]
        if oid in _SETS and len(args) == 2:
            # ext/sets.go estimateSetsCost: |a| x |b| x factor + 1
            c = add(factor(mul(self.sz(args[0]), self.sz(args[1])), _SETS[oid]), (1, 1))
            return add(c, arg_sum), None
        k8s = self.k8s_call_cost(e.fn, oid, target, args)
        if k8s is not None:
            return add(k8s[0], arg_sum), k8s[1]
        return self.celgo_call_cost(e, oid, target, args, arg_costs, arg_sum)

    def ext_list_cost(self, oid: str, target, args: List[_Node]):
        """The ext.Lists v3 estimators (cel-go ext/lists.go estimateListSlice, estimateListsRange,
        estimateListReverse, estimateListFlatten, estimateListDistinct, estimateListSort)."""
        m = _SORT.fullmatch(oid)
        if m and m.group(2) == "sortByAssociatedKeys":
            raise CostUnknown(oid)  # sortBy: a macro kubelint does not expand
        if target is None:
            if oid == "lists_range" and len(args) == 1:
                return _allocating(1.0, _fixed(_uint_arg(args[0], MAXU)))
            return None
        size = self.sz(target)
        if oid == "list_slice" and len(args) == 2:
            start, end = _uint_arg(args[0], 0), _uint_arg(args[1], size[1])
            return _allocating(1.0, _fixed((end - start) % (1 << 64)))
        if oid == "list_reverse" and not args:
            return _allocating(1.0, size)
        if oid in ("list_flatten", "list_flatten_int") and len(args) <= 1:
            depth = _uint_arg(args[0], MAXU) if args else 1
            return _allocating(float(depth), size)
        if oid == "list_distinct" and not args:
            return _allocating(2.0, mul(size, size))
        if m and not args:
            f = 2.0 + (STRING_TRAVERSAL if m.group(1) in ("string", "bytes") else 0.0)
            return _allocating(f, mul(size, size))
        return None

    def sz(self, n: _Node) -> Size:
        """library.CostEstimator.sizeEstimate."""
        if n.size is not None:
            return n.size
        s = schema_size(self.root, n.path) if n.path else None
        return s if s is not None else UNKNOWN

    def list_elem(self, n: _Node) -> Optional[_Node]:
        if n.t.kind != "list" or not n.t.params:
            return None
        return _Node(n.path + ["@items"] if n.path else [], n.t.params[0], None, None)

    def k8s_call_cost(self, fn: str, oid: str, target, args: List[_Node]):
        """library.CostEstimator.EstimateCallCost: (cost, result size) or None."""
        one = ((1, 1), None)
        if fn in ("isSorted", "sum", "max", "min", "indexOf", "lastIndexOf", "includes") and target is not None:
            el = self.list_elem(target)
            if el is not None:
                c = (1, 1)
                if el.t.kind in ("string", "bytes"):
                    c = add(c, factor(self.sz(el), STRING_TRAVERSAL))
                return mul(self.sz(target), c), None
            return factor(self.sz(target), STRING_TRAVERSAL), None
        if fn == "url" and len(args) == 1:
            s = self.sz(args[0])
            return factor(s, STRING_TRAVERSAL), s
        if fn in ("lowerAscii", "upperAscii", "substring", "trim") and target is not None:
            s = self.sz(target)
            return factor(s, STRING_TRAVERSAL), s
        if fn == "replace" and target is not None and len(args) >= 2:
            return self._replace_cost(target, args)
        if fn == "split" and target is not None:
            s = self.sz(target)
            hi = s[1]
            if (
                len(args) > 1
                and args[1].expr is not None
                and args[1].expr.kind == "lit"
                and args[1].expr.ltype == "int"
            ):
                hi = args[1].expr.value % (1 << 64)
            return factor(s, 2 * STRING_TRAVERSAL), (0, hi)
        if fn == "join" and target is not None:
            return self._join_cost(target, args)
        if fn in ("find", "findAll") and target is not None and args:
            s = self.sz(target)
            str_cost = factor(add(s, (1, 1)), STRING_TRAVERSAL)
            return mul(str_cost, factor(self.sz(args[0]), REGEX_LENGTH)), (0, s[1])
        if fn in ("cidr", "isIP", "isCIDR", "quantity", "isQuantity") and args:
            return factor(self.sz(args[0]), STRING_TRAVERSAL), None
        if fn == "ip":
            if oid == "cidr_ip":
                return one
            if args:
                return factor(self.sz(args[0]), STRING_TRAVERSAL), None
        if fn == "ip.isCanonical" and args:
            return factor(self.sz(args[0]), 2 * STRING_TRAVERSAL), None
        if fn in ("containsIP", "containsCIDR") and args:
            return self._contains_ip_cost(fn, oid, args)
        if fn in _K8S_FIXED:
            return one
        return None

    def _replace_cost(self, target, args):
        s = self.sz(target)
        old, new = self.sz(args[0]), self.sz(args[1])
        cnt_min = cnt_max = ret_min = ret_max = 0
        if old[0] == 0:
            cnt_max = s[1] + 1 if s[1] < MAXU else s[1]
            ret_max = s[1]
        elif new[1] <= old[0]:
            ret_max = s[1]
        else:
            cnt_max = int(math.ceil(float(s[1]) / float(old[0])))
        if old[1] == 0:
            cnt_min = s[0] + 1 if s[0] < MAXU else s[0]
            ret_min = s[0]
        elif old[1] <= new[0]:
            ret_min = s[0]
        else:
            cnt_min = int(math.ceil(float(s[0]) / float(old[1])))
        size = add(mul((cnt_min, min(cnt_max, MAXU)), new), (ret_min, ret_max))
        return factor(s, 2 * STRING_TRAVERSAL), size

    def _join_cost(self, target, args):
        n = self.sz(target)
        size = (0, 0)
        el = self.list_elem(target)
        if el is not None:
            size = mul(n, self.sz(el))
        if args:
            sep = self.sz(args[0])
            size = add(size, mul(sep, (max(n[0] - 1, 0), max(n[1] - 1, 0))))
        return factor(size, STRING_TRAVERSAL), size

    def _contains_ip_cost(self, fn, oid, args):
        ip = (4, 16)
        c = factor(add(ip, ip), STRING_TRAVERSAL)
        if fn == "containsIP":
            if oid == "cidr_contains_ip_string":
                c = add(c, factor(self.sz(args[0]), STRING_TRAVERSAL))
            return c, None
        c = add(c, factor(ip, STRING_TRAVERSAL))
        c = add(c, (1, 1))
        if oid == "cidr_contains_cidr_string":
            c = add(c, factor(self.sz(args[0]), STRING_TRAVERSAL))
        return c, None

    def celgo_call_cost(self, e: Expr, oid: str, target, args: List[_Node], arg_costs: List[Size], arg_sum: Size):
        """The overload-specific estimates of cel-go's functionCost."""
        if oid in ("string_to_bytes", "bytes_to_string", "strings_quote") and len(args) == 1:
            s = self.size_or_unknown(args[0])
            c = add(factor(s, STRING_TRAVERSAL), arg_sum)
            if oid == "string_to_bytes":
                return c, (s[0], _mul(s[1], 4))
            if oid == "bytes_to_string":
                return c, (s[0] // 4, s[1])
            return c, (_add(s[0], 2), _add(_mul(s[1], 2), 2))
        if oid in ("starts_with_string", "ends_with_string") and len(args) == 1:
            return add(factor(self.size_or_unknown(args[0]), STRING_TRAVERSAL), arg_sum), None
        if oid == "in_list" and len(args) == 2:
            return add(factor(self.size_or_unknown(args[1]), 1), arg_sum), None
        if oid in ("matches", "matches_string"):
            pair = (target, args[0]) if oid == "matches_string" and target is not None and len(args) == 1 else None
            if oid == "matches" and target is None and len(args) == 2:
                pair = (args[0], args[1])
            if pair is not None:
                sc = factor(add(self.size_or_unknown(pair[0]), (1, 1)), STRING_TRAVERSAL)
                rc = factor(self.size_or_unknown(pair[1]), REGEX_LENGTH)
                return add(mul(sc, rc), arg_sum), None
        if oid == "contains_string" and target is not None and len(args) == 1:
            sc = factor(self.size_or_unknown(target), STRING_TRAVERSAL)
            subc = factor(self.size_or_unknown(args[0]), STRING_TRAVERSAL)
            return add(mul(sc, subc), arg_sum), None
        if oid in ("logical_or", "logical_and"):
            lhs, rhs = arg_costs[0], arg_costs[1]
            return (lhs[0], add(lhs, rhs)[1]), None
        if oid == "conditional":
            size = union(self.size_or_unknown(args[1]), self.size_or_unknown(args[2]))
            self.set_entry(e, _union_entry(self.entry(args[1].expr), self.entry(args[2].expr)))
            return add(arg_costs[0], union(arg_costs[1], arg_costs[2])), size
        if oid in ("add_string", "add_bytes", "add_list") and len(args) == 2:
            size = add(self.size_or_unknown(args[0]), self.size_or_unknown(args[1]))
            en = _union_entry(self.entry(args[0].expr), self.entry(args[1].expr))
            self.set_entry(e, en)
            if oid == "add_list":
                return add((1, 1), arg_sum), size
            return add(factor(size, STRING_TRAVERSAL), arg_sum), size
        if oid in _COMPARE_SIZED:
            lo, hi = self.size_or_unknown(args[0]), self.size_or_unknown(args[1])
            smallest = min(lo[1], hi[1])
            return add(factor((1 if smallest > 0 else 0, smallest), STRING_TRAVERSAL), arg_sum), None
        return add((1, 1), arg_sum), None


class CostUnknown(Exception):
    """The expression calls a function whose estimator kubelint does not port."""


_SORT = re.compile(r"list_(.+)_(sort|sortByAssociatedKeys)")


def _fixed(n: int) -> Size:
    return (n, n)


def _allocating(f: float, size: Size):
    """estimateAllocatingListCall: size x factor + the call + a list allocation; the result has ``size``."""
    return add(add(factor(size, f), (1, 1)), (10, 10)), size


def _uint_arg(n: _Node, default: int) -> int:
    """nodeAsUintValue: an int literal argument (negative: 0), else ``default``."""
    e = n.expr
    if e is None or e.kind != "lit" or e.ltype != "int":
        return default
    return max(e.value, 0)


_SETS = {"list_sets_contains_list": 1.0, "list_sets_intersects_list": 1.0, "list_sets_equivalent_list": 2.0}
_K8S_FIXED = frozenset(
    "masked prefixLength family isUnspecified isLoopback isLinkLocalMulticast isLinkLocalUnicast isGlobalUnicast "
    "sign asInteger isInteger asApproximateFloat isGreaterThan isLessThan compareTo add sub getScheme getHostname "
    "getHost getPort getEscapedPath getQuery".split()
)
_COMPARE_SIZED = frozenset(
    "less_string greater_string less_equals_string greater_equals_string less_bytes greater_bytes less_equals_bytes "
    "greater_equals_bytes equals not_equals".split()
)


def _expr_size(e: Expr) -> Optional[Size]:
    """computeExprSize: literals, list and map literals."""
    if e.kind == "lit":
        if e.ltype == "string":
            return (len(e.value), len(e.value))
        if e.ltype == "bytes":
            return (len(e.value), len(e.value))
        return (1, 1)
    if e.kind == "list":
        return (len(e.elems), len(e.elems))
    if e.kind == "map":
        return (len(e.entries), len(e.entries))
    return None


def _scalar(t: T) -> bool:
    if t.kind in ("bool", "double", "duration", "int", "timestamp", "uint"):
        return True
    return t.kind == "opaque" and t.name == "optional_type" and _scalar(t.params[0])


def _is_bind(e: Expr) -> bool:
    r, c = e.iter_range, e.cond
    return (
        r.kind == "list"
        and not r.elems
        and c.kind == "lit"
        and c.ltype == "bool"
        and c.value is False
        and e.accu_var != "__result__"
    )


def estimate(checked: Checked, root: Optional[Decl] = None) -> Optional[int]:
    """The worst-case cost (``CostEstimate.Max``) of a checked expression; None
    where it calls a function whose estimator is not ported."""
    try:
        return Coster(checked, root).cost(checked.expr)[1]
    except CostUnknown:
        return None
