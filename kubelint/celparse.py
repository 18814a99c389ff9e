"""A CEL parser: source text -> expression tree with offsets, macros expanded.

Ported from the grammar of cel-go (``parser/gen/CEL.g4``) and its visitor
(``parser/parser.go``, ``parser/macro.go``, ``parser/unescape.go``), as
kube-apiserver 1.37 configures it (optional syntax on, two-variable
comprehensions on; an older server's macros: ``MACROS_OFFERED``, set by
:func:`kubelint.celtypes.for_version`).  The tree has cel-go's shapes, because the type checker
(:mod:`kubelint.celtypes`) and the cost estimator (:mod:`kubelint.celcost`)
follow cel-go node by node:

* ``Expr.kind`` is one of ``lit`` (``value`` and ``ltype``), ``ident``
  (``name``), ``select`` (``operand``, ``field``, ``test_only`` for
  ``has()``), ``call`` (``fn``, ``target`` or None, ``args``), ``list``
  (``elems``, ``optional`` indices), ``map`` (``entries``: key, value,
  optional), ``struct`` (``type_name``, ``fields``), ``comp`` (a
  comprehension: ``iter_var``, ``iter_var2``, ``iter_range``, ``accu_var``,
  ``accu_init``, ``cond``, ``step``, ``result``);
* operators are calls named as cel-go names them (``_+_``, ``_&&_``,
  ``_?_:_``, ``_[_]``, ``_[?_]``, ``_?._``, ``!_``, ``-_``, ``@in``);
* ``offset`` is the code-point offset cel-go reports errors at: an
  operator's token, a member call's ``(``, a select's ``.``, a macro's call.

A syntax error raises :class:`CelSyntaxError` (whose text is not cel-go's:
ANTLR's recovery messages are not reproduced; kubelint takes the verdict
and the text of syntax errors from the evaluation engine, :mod:`kubelint.cel`).
"""

from __future__ import annotations

import contextvars
import re
from typing import List, Optional, Tuple

ACCU = "@result"  # parser.HiddenAccumulatorName, the accumulator of every macro
RESERVED = frozenset(
    "as break const continue else for function if import let loop package namespace return var void while".split()
)
_TOKEN = re.compile(
    r"""(?P<ws>[ \t\r\n\f]+|//[^\n]*)
    |(?P<num>0[xX][0-9a-fA-F]+[uU]?|(?:\d+\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\.\d+(?:[eE][-+]?\d+)?)|\d+[uU]?)
    |(?P<str>(?:[bB][rR]?|[rR][bB]?)?(?:'''|\"\"\"|'|"))
    |(?P<id>[_a-zA-Z][_a-zA-Z0-9]*)
    |(?P<qid>`[_a-zA-Z0-9.\-/ ]+`)
    |(?P<op>==|!=|<=|>=|&&|\|\||\.\?|\[\?|[-+*/%!<>?:.,()\[\]{}])""",
    re.X,
)
_SIMPLE_ESC = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_SIMPLE_ESC.update({c: c for c in "\\'\"`?"})


class CelSyntaxError(ValueError):
    """The text is not a CEL expression (``offset``: where the parser stopped).  ``exact``:
    the message and offset are cel-go's own (the macro errors of parser/macro.go); otherwise
    only the verdict is (ANTLR's recovery messages are not reproduced)."""

    def __init__(self, message: str, offset: int, exact: bool = False):
        super().__init__(message)
        self.offset = offset
        self.exact = exact


class Expr:
    """One node of the tree (see the module doc for the kinds and their fields)."""

    def __init__(self, eid: int, kind: str, offset: int, **fields):
        self.id = eid
        self.kind = kind
        self.offset = offset
        self.__dict__.update(fields)

    def __repr__(self) -> str:
        return f"Expr({self.kind}, {self.__dict__})"


class _Tok:
    __slots__ = ("kind", "text", "pos", "value")

    def __init__(self, kind, text, pos, value=None):
        self.kind, self.text, self.pos, self.value = kind, text, pos, value


def _string_end(text: str, start: int, quote: str, raw: bool) -> int:
    """The offset just after the closing quote."""
    i = start
    while i < len(text):
        if text.startswith(quote, i):
            return i + len(quote)
        c = text[i]
        if c == "\\" and not raw:
            i += 2
            continue
        if c in "\r\n" and len(quote) == 1:
            break
        i += 1
    raise CelSyntaxError("unterminated string literal", start)


def unescape(body: str, is_bytes: bool, pos: int):
    """parser/unescape.go unescape: the value of a non-raw literal's body."""
    out: list = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c.encode("utf-8") if is_bytes else c)
            i += 1
            continue
        if i + 1 >= len(body):
            raise CelSyntaxError("unable to unquote string", pos)
        e = body[i + 1]
        if e in _SIMPLE_ESC:
            ch = _SIMPLE_ESC[e]
            out.append(ch.encode() if is_bytes else ch)
            i += 2
        elif e in "xX" and re.fullmatch(r"[0-9a-fA-F]{2}", body[i + 2 : i + 4]):
            n = int(body[i + 2 : i + 4], 16)
            out.append(bytes([n]) if is_bytes else chr(n))
            i += 4
        elif e in "uU" and not is_bytes:
            width = 4 if e == "u" else 8
            digits = body[i + 2 : i + 2 + width]
            if not re.fullmatch(r"[0-9a-fA-F]{%d}" % width, digits):
                raise CelSyntaxError("unable to unquote string", pos)
            n = int(digits, 16)
            if n > 0x10FFFF or 0xD800 <= n <= 0xDFFF:
                raise CelSyntaxError("unable to unquote string", pos)
            out.append(chr(n))
            i += 2 + width
        elif e in "0123" and re.fullmatch(r"[0-7]{2}", body[i + 2 : i + 4]):
            n = int(body[i + 1 : i + 4], 8)
            out.append(bytes([n]) if is_bytes else chr(n))
            i += 4
        else:
            raise CelSyntaxError("unable to unquote string", pos)
    return b"".join(out) if is_bytes else "".join(out)


def tokenize(text: str) -> List[_Tok]:
    """The lexer of CEL.g4 (comments and whitespace dropped)."""
    toks: List[_Tok] = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m is None:
            raise CelSyntaxError(f"token recognition error at: '{text[i]}'", i)
        kind = m.lastgroup
        if kind == "ws":
            i = m.end()
            continue
        if kind == "str":
            prefix = m.group().rstrip("'\"").lower()
            quote = m.group()[len(prefix) :]
            end = _string_end(text, m.end(), quote, "r" in prefix)
            body = text[m.end() : end - len(quote)]
            is_bytes = "b" in prefix
            if "r" in prefix:
                value = body.encode("utf-8") if is_bytes else body
            else:
                value = unescape(body, is_bytes, i)
            toks.append(_Tok("bytes" if is_bytes else "string", text[i:end], i, value))
            i = end
            continue
        toks.append(_Tok(kind, m.group(), i))
        i = m.end()
    toks.append(_Tok("eof", "", len(text)))
    return toks


def _number(tok: _Tok, negative: bool) -> Tuple[str, object]:
    t = tok.text
    if t[-1] in "uU":
        if negative:
            raise CelSyntaxError("unexpected '-' before an unsigned literal", tok.pos)
        n = int(t[2:-1], 16) if t[:2].lower() == "0x" else int(t[:-1])
        if n >= 1 << 64:
            raise CelSyntaxError("invalid uint literal", tok.pos)
        return "uint", n
    if t[:2].lower() == "0x" or re.fullmatch(r"\d+", t):
        n = int(t[2:], 16) if t[:2].lower() == "0x" else int(t)
        n = -n if negative else n
        if not -(1 << 63) <= n < (1 << 63):
            raise CelSyntaxError("invalid int literal", tok.pos)
        return "int", n
    v = float(t)
    return "double", -v if negative else v


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = tokenize(text)
        self.i = 0
        self.next_id = 1
        self.depth = 0

    # --- helpers ---------------------------------------------------------------------------------

    def peek(self, k: int = 0) -> _Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i = min(self.i + 1, len(self.toks) - 1)
        return t

    def accept(self, text: str) -> Optional[_Tok]:
        t = self.peek()
        if t.kind in ("op", "id") and t.text == text:
            return self.take()
        return None

    def expect(self, text: str) -> _Tok:
        t = self.accept(text)
        if t is None:
            got = self.peek()
            raise CelSyntaxError(f"mismatched input '{got.text or '<EOF>'}' expecting '{text}'", got.pos)
        return t

    def node(self, kind: str, offset: int, **fields) -> Expr:
        e = Expr(self.next_id, kind, offset, **fields)
        self.next_id += 1
        return e

    def call(self, fn: str, offset: int, *args: Expr, target: Optional[Expr] = None) -> Expr:
        return self.node("call", offset, fn=fn, target=target, args=list(args))

    # --- grammar (CEL.g4) ------------------------------------------------------------------------

    def parse(self) -> Expr:
        e = self.expr()
        t = self.peek()
        if t.kind != "eof":
            raise CelSyntaxError(f"extraneous input '{t.text}' expecting <EOF>", t.pos)
        return e

    def expr(self) -> Expr:
        self.depth += 1
        if self.depth > 250:  # cel-go's default recursion limit
            raise CelSyntaxError("expression recursion limit exceeded: 250", self.peek().pos)
        e = self.cond_or()
        q = self.accept("?")
        if q is not None:
            t = self.cond_or()
            self.expect(":")
            f = self.expr()
            e = self.call("_?_:_", q.pos, e, t, f)
        self.depth -= 1
        return e

    def _logic(self, sub, op: str, fn: str) -> Expr:
        e = sub()
        while True:
            t = self.accept(op)
            if t is None:
                return e
            e = self.call(fn, t.pos, e, sub())

    def cond_or(self) -> Expr:
        return self._logic(self.cond_and, "||", "_||_")

    def cond_and(self) -> Expr:
        return self._logic(self.relation, "&&", "_&&_")

    _REL = {"<": "_<_", "<=": "_<=_", ">": "_>_", ">=": "_>=_", "==": "_==_", "!=": "_!=_", "in": "@in"}
    _ADD = {"+": "_+_", "-": "_-_"}
    _MUL = {"*": "_*_", "/": "_/_", "%": "_%_"}

    def _binary(self, sub, ops) -> Expr:
        e = sub()
        while self.peek().kind in ("op", "id") and self.peek().text in ops:
            t = self.take()
            e = self.call(ops[t.text], t.pos, e, sub())
        return e

    def relation(self) -> Expr:
        return self._binary(self.addition, self._REL)

    def addition(self) -> Expr:
        return self._binary(self.multiplication, self._ADD)

    def multiplication(self) -> Expr:
        return self._binary(self.unary, self._MUL)

    def unary(self) -> Expr:
        t = self.peek()
        if t.kind == "op" and t.text in ("!", "-"):
            if t.text == "-" and self.peek(1).kind == "num":
                return self.member()  # a negative literal (the Int/Double alternatives' sign)
            ops = []
            while self.peek().kind == "op" and self.peek().text == t.text:
                ops.append(self.take())
            if t.text == "-" and self.peek().kind == "num" and len(ops) % 2 == 0:
                pass
            inner = self.member()
            if len(ops) % 2 == 0:
                return inner
            return self.call("!_" if t.text == "!" else "-_", ops[0].pos, inner)
        return self.member()

    def member(self) -> Expr:
        e = self.primary()
        while True:
            t = self.peek()
            if t.kind != "op":
                return e
            if t.text in (".", ".?"):
                self.take()
                name_tok = self.take()
                if name_tok.kind == "qid":
                    name = name_tok.text[1:-1]
                elif name_tok.kind == "id":
                    name = name_tok.text
                else:
                    raise CelSyntaxError(f"no viable alternative at input '.{name_tok.text}'", name_tok.pos)
                if t.text == "." and name_tok.kind == "id" and self.peek().text == "(":
                    open_tok = self.take()
                    args = self.expr_list(")")
                    e = self.receiver_call(open_tok.pos, name, e, args)
                elif t.text == ".?":
                    lit = self.node("lit", name_tok.pos, value=name, ltype="string")
                    e = self.call("_?._", t.pos, e, lit)
                else:
                    e = self.node("select", t.pos, operand=e, field=name, test_only=False)
            elif t.text in ("[", "[?"):
                self.take()
                index = self.expr()
                self.expect("]")
                e = self.call("_[?_]" if t.text == "[?" else "_[_]", t.pos, e, index)
            elif t.text == "{" and self._message_name(e) is not None:
                e = self.message(e)
            else:
                return e

    @staticmethod
    def _message_name(e: Expr) -> Optional[str]:
        if e.kind == "ident":
            return e.name
        if e.kind == "select" and not e.test_only:
            base = _Parser._message_name(e.operand)
            return None if base is None else base + "." + e.field
        return None

    def message(self, name_expr: Expr) -> Expr:
        op = self.take()
        fields = []
        while not self.accept("}"):
            opt = self.accept("?") is not None
            t = self.take()
            if t.kind not in ("id", "qid"):
                raise CelSyntaxError(f"mismatched input '{t.text}' expecting IDENTIFIER", t.pos)
            col = self.expect(":")
            fields.append((t.text.strip("`"), self.expr(), opt, col.pos, self._fresh()))
            if not self.accept(","):
                self.expect("}")
                break
        return self.node("struct", op.pos, type_name=self._message_name(name_expr), fields=fields)

    def _fresh(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def expr_list(self, close: str) -> List[Expr]:
        args: List[Expr] = []
        if self.accept(close):
            return args
        while True:
            args.append(self.expr())
            if self.accept(close):
                return args
            self.expect(",")
            if close in ("]", "}") and self.accept(close):
                return args  # a trailing comma in a list literal

    def primary(self) -> Expr:
        t = self.take()
        if t.kind == "op" and t.text == "." and self.peek().kind == "id":
            name_tok = self.take()
            return self.ident_or_call(name_tok, "." + name_tok.text)
        if t.kind == "id":
            if t.text in ("true", "false"):
                return self.node("lit", t.pos, value=t.text == "true", ltype="bool")
            if t.text == "null":
                return self.node("lit", t.pos, value=None, ltype="null")
            return self.ident_or_call(t, t.text)
        if t.kind == "num":
            return self.literal_number(t, False)
        if t.kind == "op" and t.text == "-" and self.peek().kind == "num":
            return self.literal_number(self.take(), True, t.pos)
        if t.kind in ("string", "bytes"):
            return self.node("lit", t.pos, value=t.value, ltype=t.kind)
        if t.kind == "op" and t.text == "(":
            e = self.expr()
            self.expect(")")
            return e
        if t.kind == "op" and t.text == "[":
            return self.list_literal(t)
        if t.kind == "op" and t.text == "{":
            return self.map_literal(t)
        raise CelSyntaxError(f"mismatched input '{t.text or '<EOF>'}'", t.pos)

    def literal_number(self, tok: _Tok, negative: bool, pos: Optional[int] = None) -> Expr:
        ltype, value = _number(tok, negative)
        return self.node("lit", tok.pos if pos is None else pos, value=value, ltype=ltype)

    def ident_or_call(self, tok: _Tok, name: str) -> Expr:
        if tok.text in RESERVED or tok.text == "in":
            raise CelSyntaxError(f"reserved identifier: {tok.text}", tok.pos)
        if self.peek().kind == "op" and self.peek().text == "(":
            open_tok = self.take()
            args = self.expr_list(")")
            return self.global_call(open_tok.pos, name, args)
        return self.node("ident", tok.pos, name=name)

    def list_literal(self, open_tok: _Tok) -> Expr:
        elems, optional = [], []
        while not self.accept("]"):
            if self.accept("?"):
                optional.append(len(elems))
            elems.append(self.expr())
            if not self.accept(","):
                self.expect("]")
                break
        return self.node("list", open_tok.pos, elems=elems, optional=optional)

    def map_literal(self, open_tok: _Tok) -> Expr:
        entries = []
        while not self.accept("}"):
            opt = self.accept("?") is not None
            key = self.expr()
            col = self.expect(":")
            entries.append((key, self.expr(), opt, col.pos, self._fresh()))
            if not self.accept(","):
                self.expect("}")
                break
        return self.node("map", open_tok.pos, entries=entries)

    # --- macros (parser/macro.go) ----------------------------------------------------------------

    def global_call(self, pos: int, name: str, args: List[Expr]) -> Expr:
        if name == "has" and len(args) == 1:
            a = args[0]
            if a.kind != "select" or a.test_only:
                raise CelSyntaxError("invalid argument to has() macro", a.offset, exact=True)
            return self.node("select", pos, operand=a.operand, field=a.field, test_only=True)
        return self.call(name, pos, *args)

    def receiver_call(self, pos: int, name: str, target: Expr, args: List[Expr]) -> Expr:
        offered = MACROS_OFFERED.get()
        if offered is not None and (name, len(args)) not in offered:
            return self.call(name, pos, *args, target=target)  # no such macro in this server's parser: a call
        macro = _MACROS.get((name, len(args)))
        if macro is not None:
            return macro(self, pos, target, args)
        if (name, len(args)) in _UNEXPANDED:
            return self.call("@macro:" + name, pos, *args, target=target)
        return self.call(name, pos, *args, target=target)

    def _iter_var(self, arg: Expr, pos: int, not_ident: str = "", exact: bool = True) -> str:
        """The iteration variable of a macro (MakeAll/MakeMap...: cel-go's messages at the argument)."""
        if arg.kind != "ident":
            raise CelSyntaxError(not_ident or "argument must be a simple name", arg.offset, exact=exact)
        if arg.name in (ACCU, "__result__"):
            raise CelSyntaxError("iteration variable overwrites accumulator variable", arg.offset, exact=exact)
        return arg.name

    def accu(self, pos: int) -> Expr:
        return self.node("ident", pos, name=ACCU)

    def comp(self, pos, rng, var, init, cond, step, result, var2=None, accu_var=ACCU) -> Expr:
        return self.node(
            "comp",
            pos,
            iter_range=rng,
            iter_var=var,
            iter_var2=var2,
            accu_var=accu_var,
            accu_init=init,
            cond=cond,
            step=step,
            result=result,
        )

    def lit(self, pos: int, value, ltype: str) -> Expr:
        return self.node("lit", pos, value=value, ltype=ltype)

    def quantifier(self, kind: str, pos: int, target: Expr, args: List[Expr]) -> Expr:
        two = len(args) == 3
        v = self._iter_var(args[0], pos, exact=not two)
        v2 = self._iter_var(args[1], pos, exact=False) if two else None
        pred = args[-1]
        if kind == "all":
            init = self.lit(pos, True, "bool")
            cond = self.call("@not_strictly_false", pos, self.accu(pos))
            step = self.call("_&&_", pos, self.accu(pos), pred)
            result = self.accu(pos)
        elif kind == "exists":
            init = self.lit(pos, False, "bool")
            cond = self.call("@not_strictly_false", pos, self.call("!_", pos, self.accu(pos)))
            step = self.call("_||_", pos, self.accu(pos), pred)
            result = self.accu(pos)
        else:
            init = self.lit(pos, 0, "int")
            cond = self.lit(pos, True, "bool")
            step = self.call(
                "_?_:_", pos, pred, self.call("_+_", pos, self.accu(pos), self.lit(pos, 1, "int")), self.accu(pos)
            )
            result = self.call("_==_", pos, self.accu(pos), self.lit(pos, 1, "int"))
        return self.comp(pos, target, v, init, cond, step, result, var2=v2)

    def map_macro(self, pos: int, target: Expr, args: List[Expr]) -> Expr:
        v = self._iter_var(args[0], pos, "argument is not an identifier")
        fn = args[-1]
        step = self.call("_+_", pos, self.accu(pos), self.node("list", pos, elems=[fn], optional=[]))
        if len(args) == 3:
            step = self.call("_?_:_", pos, args[1], step, self.accu(pos))
        init = self.node("list", pos, elems=[], optional=[])
        return self.comp(pos, target, v, init, self.lit(pos, True, "bool"), step, self.accu(pos))

    def filter_macro(self, pos: int, target: Expr, args: List[Expr]) -> Expr:
        v = self._iter_var(args[0], pos, "argument is not an identifier")
        elem = self.node("ident", args[0].offset, name=v)
        step = self.call("_+_", pos, self.accu(pos), self.node("list", pos, elems=[elem], optional=[]))
        step = self.call("_?_:_", pos, args[1], step, self.accu(pos))
        init = self.node("list", pos, elems=[], optional=[])
        return self.comp(pos, target, v, init, self.lit(pos, True, "bool"), step, self.accu(pos))

    def transform(self, kind: str, pos: int, target: Expr, args: List[Expr]) -> Expr:
        """ext.TwoVarComprehensions: transformList / transformMap / transformMapEntry."""
        k = self._iter_var(args[0], pos, exact=False)
        v = self._iter_var(args[1], pos, exact=False)
        fn = args[-1]
        if kind == "transformList":
            init = self.node("list", pos, elems=[], optional=[])
            step = self.call("_+_", pos, self.accu(pos), self.node("list", pos, elems=[fn], optional=[]))
        elif kind == "transformMap":
            init = self.node("map", pos, entries=[])
            step = self.call("cel.@mapInsert", pos, self.accu(pos), self.node("ident", args[0].offset, name=k), fn)
        else:
            init = self.node("map", pos, entries=[])
            step = self.call("cel.@mapInsert", pos, self.accu(pos), fn)
        if len(args) == 4:
            step = self.call("_?_:_", pos, args[2], step, self.accu(pos))
        return self.comp(pos, target, k, init, self.lit(pos, True, "bool"), step, self.accu(pos), var2=v)


# The macros of the server kubelint checks for ((name, argument count), kubelint.celtypes.for_version);
# None: all of the newest server's.
MACROS_OFFERED: "contextvars.ContextVar[Optional[frozenset]]" = contextvars.ContextVar(
    "kubelint_cel_macros", default=None
)
# Macros the server enables that kubelint does not expand (the checker abstains on them).
_UNEXPANDED = frozenset({("optMap", 2), ("optFlatMap", 2), ("sortBy", 2)})
_MACROS = {
    ("all", 2): lambda p, pos, t, a: p.quantifier("all", pos, t, a),
    ("all", 3): lambda p, pos, t, a: p.quantifier("all", pos, t, a),
    ("exists", 2): lambda p, pos, t, a: p.quantifier("exists", pos, t, a),
    ("exists", 3): lambda p, pos, t, a: p.quantifier("exists", pos, t, a),
    ("exists_one", 2): lambda p, pos, t, a: p.quantifier("exists_one", pos, t, a),
    ("existsOne", 3): lambda p, pos, t, a: p.quantifier("exists_one", pos, t, a),
    ("map", 2): lambda p, pos, t, a: p.map_macro(pos, t, a),
    ("map", 3): lambda p, pos, t, a: p.map_macro(pos, t, a),
    ("filter", 2): lambda p, pos, t, a: p.filter_macro(pos, t, a),
    ("transformList", 3): lambda p, pos, t, a: p.transform("transformList", pos, t, a),
    ("transformList", 4): lambda p, pos, t, a: p.transform("transformList", pos, t, a),
    ("transformMap", 3): lambda p, pos, t, a: p.transform("transformMap", pos, t, a),
    ("transformMap", 4): lambda p, pos, t, a: p.transform("transformMap", pos, t, a),
    ("transformMapEntry", 3): lambda p, pos, t, a: p.transform("transformMapEntry", pos, t, a),
    ("transformMapEntry", 4): lambda p, pos, t, a: p.transform("transformMapEntry", pos, t, a),
}


def parse(text: str) -> Expr:
    """The expression tree of ``text`` (macros expanded); raises :class:`CelSyntaxError`."""
    if len(text) > 100_000:
        raise CelSyntaxError("expression too long", 0)
    return _Parser(text).parse()


def location(text: str, offset: int) -> Tuple[int, int]:
    """(line, 0-based column in code points) of ``offset``, as cel-go's source locations."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1)


def display_error(text: str, offset: int, message: str) -> str:
    """common.Error.ToDisplayString: ``ERROR: <input>:L:C: msg`` and the snippet with a caret."""
    line, col = location(text, offset)
    out = f"ERROR: <input>:{line}:{col + 1}: {message}"
    snippet = text.split("\n")[line - 1] if text else ""
    if len(snippet) <= 16384:
        snippet = snippet.replace("\t", " ")
        ind = "".join("\uff0e" if len(ch.encode()) > 1 else "." for ch in snippet[:col])
        at = snippet[col : col + 1]
        ind += "\uff3e" if at and len(at.encode()) > 1 else "^"
        out += "\n | " + snippet + "\n | " + ind
    return out
