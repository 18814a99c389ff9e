"""The actual (runtime) cost of a CRD validation rule on a concrete value.

The API server evaluates each x-kubernetes-validations rule with a cost
limit per call (``PerCallLimit``, 1,000,000) and a budget per object
(``RuntimeCELCostBudget``, 10,000,000; k8s.io/apiserver/pkg/apis/cel/
config.go).  cel-go counts the cost while it evaluates
(interpreter/runtimecost.go, ``costTrackerFactory.Observe`` and
``CostTracker.costCall``; Kubernetes' own functions price themselves in
k8s.io/apiserver/pkg/cel/library/cost.go ``CostEstimator.CallCost``):

* an identifier or a field selection (a constant qualifier): 1 each; the
  field tested by ``has()``: 0 (its operand is counted); a constant: 0;
* a function or operator call: its price (``==``/``!=`` and string
  comparisons: ceil(0.1 * the smaller operand's size); ``contains``:
  ceil(0.1 * size) * ceil(0.1 * size of the substring); ``startsWith`` /
  ``endsWith``: ceil(0.1 * the prefix's size); ``in`` a list: the list's
  size; string ``+``: ceil(0.1 * both sizes); ``lowerAscii``,
  ``upperAscii``, ``trim``: ceil(0.1 * size); anything else in the
  standard library: 1);
* ``&&``, ``||``, ``?:`` and comprehensions: no price of their own; only
  what they evaluate (a ``?:`` branch that is a plain identifier is resolved
  as an attribute, without cost: cel-go's ``conditionalAttribute``), with cel-go's short-circuits (``&&``/``||`` stop at
  the first false/true term, left to right; a comprehension stops when its
  loop condition is false);
* a list literal: 10, a map literal: 30;
* a comprehension's initial accumulator: 0 (it is evaluated lazily on the
  parent activation, which carries no cost tracker);
* sizes: a string's code points, a list's items, a map's (an object's)
  entries, 1 for a scalar.

The evaluation stops with "operation cancelled: actual cost limit exceeded"
as soon as the running cost passes the limit.

:func:`actual_cost` walks the rule's tree (:mod:`kubelint.celparse`) over
the value, evaluating the subset of CEL whose semantics it models exactly
(field selection, sizes, comparisons of strings, integers and booleans,
integer arithmetic, the string functions above, list and map ranges,
boolean short-circuits).  Anything else — a missing field, an error, a
double, a typed format, another function — makes the answer ``None``
(uncertain) and the caller falls back to its own guard.  The walk stops
counting once the limit is passed, so it costs at most about ``limit``
steps.
"""

from __future__ import annotations

import math
from functools import lru_cache

from . import celparse

PER_CALL_LIMIT = 1_000_000  # celconfig.PerCallLimit
RUNTIME_BUDGET = 10_000_000  # celconfig.RuntimeCELCostBudget
OVER = "over"


class _Uncertain(Exception):
    pass


class _Over(Exception):
    pass


def _size(v) -> int:
    if isinstance(v, (str, list, dict)):
        return len(v)
    return 1


def _ceil10(n: int) -> int:
    # uint64(math.Ceil(float64(n) * 0.1)), as cel-go computes it
    return int(math.ceil(float(n) * 0.1))


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class _Walk:
    def __init__(self, limit: int):
        self.limit = limit
        self.cost = 0

    def add(self, n: int) -> None:
        self.cost += n
        if self.cost > self.limit:
            raise _Over

    def ev(self, e, env: dict):
        k = e.kind
        if k == "lit":
            if e.ltype in ("int", "bool", "string", "null"):
                return e.value
            raise _Uncertain
        if k == "ident":
            if e.name not in env:
                raise _Uncertain
            self.add(1)
            v = env[e.name]
            if callable(v):  # a lazily initialised accumulator
                v = env[e.name] = v()
            return v
        if k == "select":
            obj = self.ev(e.operand, env)
            if not isinstance(obj, dict):
                raise _Uncertain
            if e.test_only:
                # has(): the presence-test qualifier is not a watched constant qualifier (0)
                return e.field in obj
            self.add(1)
            if e.field not in obj:
                raise _Uncertain  # "no such key": an error the caller does not model
            return obj[e.field]
        if k == "list":
            if e.optional:
                raise _Uncertain
            vals = [self.ev(x, env) for x in e.elems]
            self.add(10)
            return vals
        if k == "comp":
            return self.comp(e, env)
        if k == "call":
            return self.call(e, env)
        raise _Uncertain

    def comp(self, e, env: dict):
        rng = self.ev(e.iter_range, env)
        if isinstance(rng, list):
            pairs = list(enumerate(rng)) if e.iter_var2 else [(x, None) for x in rng]
        elif isinstance(rng, dict):
            pairs = list(rng.items()) if e.iter_var2 else [(x, None) for x in rng]
        else:
            raise _Uncertain
        inner = dict(env)
        state = {"init": False}

        def init():
            # folder.ResolveName initialises the accumulator lazily, on the parent activation,
            # which carries no cost tracker: the initial value is not counted.
            state["init"] = True
            if e.accu_init.kind == "lit" or (e.accu_init.kind in ("list", "map") and not _children(e.accu_init)):
                return [] if e.accu_init.kind == "list" else {} if e.accu_init.kind == "map" else e.accu_init.value
            raise _Uncertain

        inner[e.accu_var] = init
        for a, b in pairs:
            inner[e.iter_var] = a
            if e.iter_var2:
                inner[e.iter_var2] = b
            c = self.ev(e.cond, inner)
            if c is not True:
                if c is False:
                    break
                raise _Uncertain
            inner[e.accu_var] = self.ev(e.step, inner)
        result_env = dict(inner)
        result_env.pop(e.iter_var, None)
        if e.iter_var2:
            result_env.pop(e.iter_var2, None)
        for name in (e.iter_var, e.iter_var2):
            if name and name in env:
                result_env[name] = env[name]
        return self.ev(e.result, result_env)

    def call(self, e, env: dict):
        fn = e.fn
        args = e.args
        if fn in ("_&&_", "_||_"):
            stop = fn == "_||_"
            for term in _terms(e, fn):
                v = self.ev(term, env)
                if not isinstance(v, bool):
                    raise _Uncertain
                if v is stop:
                    return stop
            return not stop
        if fn == "_?_:_":
            c = self.ev(args[0], env)
            if not isinstance(c, bool):
                raise _Uncertain
            branch = args[1] if c else args[2]
            if branch.kind == "ident":
                # cel-go plans ?: as a conditionalAttribute: a branch that is itself an attribute
                # is resolved, not evaluated through the cost observer (no cost).
                if branch.name not in env:
                    raise _Uncertain
                v = env[branch.name]
                if callable(v):
                    v = env[branch.name] = v()
                return v
            if branch.kind in ("select", "comp") or (branch.kind == "call" and branch.fn == "_?_:_"):
                raise _Uncertain  # attribute qualifiers inside a conditional: not modelled
            return self.ev(branch, env)
        target = self.ev(e.target, env) if e.target is not None else None
        vals = [self.ev(a, env) for a in args]
        if e.target is not None:
            vals = [target] + vals
        result, price = _apply(fn, e.target is not None, vals)
        self.add(price)
        return result


def _children(e) -> list:
    return list(e.elems) if e.kind == "list" else list(e.entries)


def _terms(e, fn):
    """cel-go flattens a chain of ``&&`` (``||``) into one multi-term evaluation, left to right."""
    for a in e.args:
        if a.kind == "call" and a.fn == fn and a.target is None:
            yield from _terms(a, fn)
        else:
            yield a


_CMP = {"_<_": lambda a, b: a < b, "_<=_": lambda a, b: a <= b, "_>_": lambda a, b: a > b, "_>=_": lambda a, b: a >= b}
_INT_OPS = {"_+_", "_-_", "_*_"}


def _same_kind(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if _is_int(a) or _is_int(b):
        return _is_int(a) and _is_int(b)
    return isinstance(a, str) and isinstance(b, str)


def _apply(fn: str, member: bool, v: list):
    """(result, price) of one call, or _Uncertain."""
    if fn in ("_==_", "_!=_"):
        a, b = v
        if not (_same_kind(a, b) or a is None or b is None):
            raise _Uncertain
        eq = a == b
        return (eq if fn == "_==_" else not eq), _ceil10(min(_size(a), _size(b)))
    if fn in _CMP:
        a, b = v
        if not _same_kind(a, b):
            raise _Uncertain
        price = _ceil10(min(len(a), len(b))) if isinstance(a, str) else 1
        return _CMP[fn](a, b), price
    if fn == "!_":
        if not isinstance(v[0], bool):
            raise _Uncertain
        return not v[0], 1
    if fn == "@not_strictly_false":
        if not isinstance(v[0], bool):
            raise _Uncertain
        return v[0], 1
    if fn == "size" and len(v) == 1:
        if isinstance(v[0], (str, list, dict)):
            return len(v[0]), 1
        raise _Uncertain
    if fn == "@in":
        a, coll = v
        if isinstance(coll, list):
            if not all(_same_kind(a, x) for x in coll):
                raise _Uncertain
            return a in coll, len(coll)
        if isinstance(coll, dict) and isinstance(a, str):
            return a in coll, 1
        raise _Uncertain
    if fn in _INT_OPS:
        a, b = v
        if fn == "_+_" and isinstance(a, str) and isinstance(b, str):
            return a + b, _ceil10(len(a) + len(b))
        if fn == "_+_" and isinstance(a, list) and isinstance(b, list):
            return a + b, 1
        if not (_is_int(a) and _is_int(b)):
            raise _Uncertain
        r = a + b if fn == "_+_" else a - b if fn == "_-_" else a * b
        if not -(2**63) <= r < 2**63:
            raise _Uncertain  # overflow: an error
        return r, 1
    if member and len(v) == 2 and isinstance(v[0], str) and isinstance(v[1], str):
        s, t = v
        if fn == "contains":
            return t in s, _ceil10(len(s)) * _ceil10(len(t))
        if fn == "startsWith":
            return s.startswith(t), _ceil10(len(t))
        if fn == "endsWith":
            return s.endswith(t), _ceil10(len(t))
    if member and len(v) == 1 and isinstance(v[0], str) and fn in ("lowerAscii", "upperAscii"):
        s = v[0]
        table = str.lower if fn == "lowerAscii" else str.upper
        out = "".join(table(c) if c.isascii() else c for c in s)
        return out, _ceil10(len(s))
    raise _Uncertain


@lru_cache(maxsize=4096)
def _parsed(rule: str):
    """The rule's tree (parsed once per rule text; None: a syntax error)."""
    try:
        return celparse.parse(rule)
    except (celparse.CelSyntaxError, RecursionError):
        return None


def actual_cost(rule: str, value, limit: int = PER_CALL_LIMIT):
    """cel-go's actual cost of ``rule`` with ``self`` bound to ``value``: an int
    (the evaluation finishes within ``limit``), :data:`OVER` (it certainly
    passes ``limit``: the server cancels it), or ``None`` (not certain)."""
    tree = _parsed(rule)
    if tree is None:
        return None
    w = _Walk(limit)
    try:
        result = w.ev(tree, {"self": value})
    except _Over:
        return OVER
    except (_Uncertain, RecursionError):
        return None
    if not isinstance(result, bool):
        return None
    return w.cost
