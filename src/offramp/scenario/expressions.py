"""The formula language of derived parameters: arithmetic over names and numbers, nothing else.

A derived parameter says how it follows from evidence figures and other parameters, e.g.
``points_ru * pct(oil_gas_budget) * pct(cn_buys_ru_oil)``. Formulas come from scenario files,
which may come from anyone, so they are never handed to Python's ``eval``: a hand-written
tokenizer and a recursive-descent parser accept exactly this grammar::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := ("-" | "+") unary | power
    power   := atom ("^" exponent)?          exponent: a number literal, |e| <= MAX_EXPONENT
    atom    := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

Names start with a letter (letters, digits, ``_``); the functions are those of ``FUNCTIONS``.
Anything else — strings, attribute access, indexing, unlisted calls, ``__dunder__`` names,
``lambda`` — is refused with the offset of the offending character, which the scenario layer
turns into file:line:col. The length of a formula, the number of its tokens, the nesting depth
and the size of literals and exponents are checked before anything is evaluated.

Evaluation is vectorised: names may be bound to floats or to numpy arrays (one value per Monte
Carlo sample), and the result broadcasts accordingly. Units are inferred alongside (see
:func:`unit_of`): adding, subtracting or comparing (min/max/clamp) unlike units is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from offramp.errors import OfframpError

MAX_LENGTH = 2000  # characters in a formula
MAX_TOKENS = 400
MAX_DEPTH = 32  # nesting of parentheses, calls and unary operators
MAX_EXPONENT = 8  # |e| in x ^ e
MAX_LITERAL = 1e12  # |number| written in a formula

FUNCTIONS: dict[str, tuple[int, int]] = {  # name -> (min args, max args)
    "min": (2, 16),
    "max": (2, 16),
    "clamp": (3, 3),
    "ratio": (2, 2),
    "pct": (1, 1),
    "abs": (1, 1),
}
FUNCTION_HELP = (
    "min(a, b, ...), max(a, b, ...), clamp(x, low, high), ratio(a, b) (a / b of like units), "
    "pct(x) (a percentage as a share: x / 100), abs(x)"
)


_DIGITS = frozenset("0123456789")  # ASCII only: str.isdigit() accepts '¹' and '٣'


class FormulaError(OfframpError, ValueError):
    """A formula outside the grammar, or one whose units or names do not fit, or whose value is
    not a finite number for some inputs; ``offset`` is the 0-based position in the formula text
    of the offending character. An :class:`OfframpError`: the user's input caused it."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


# ---------------------------------------------------------------------- syntax tree
@dataclass(frozen=True)
class Num:
    value: float
    offset: int


@dataclass(frozen=True)
class Name:
    name: str
    offset: int


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Node
    offset: int


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node
    offset: int


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]
    offset: int


Node = Num | Name | Unary | Binary | Call


# ---------------------------------------------------------------------- tokens
@dataclass(frozen=True)
class Token:
    kind: str  # num | name | op | end
    text: str
    offset: int


_OPS = set("+-*/^(),")
_REFUSED = {
    ".": "attribute access ('.') is not part of the formula language",
    "[": "indexing ('[') is not part of the formula language",
    "]": "indexing (']') is not part of the formula language",
    '"': "strings are not part of the formula language",
    "'": "strings are not part of the formula language",
    "=": "assignment and comparison are not part of the formula language",
    "<": "comparison is not part of the formula language",
    ">": "comparison is not part of the formula language",
    ":": "':' is not part of the formula language",
    "%": "'%' is not an operator here: write pct(x) to turn a percentage into a share",
}


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"formula is {len(text)} characters long; the limit is {MAX_LENGTH}", MAX_LENGTH
        )
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
            continue
        if (c in _DIGITS) or (c == "." and i + 1 < n and (text[i + 1] in _DIGITS)):
            j = i
            while j < n and (text[j] in _DIGITS):
                j += 1
            if j < n and text[j] == ".":
                j += 1
                while j < n and (text[j] in _DIGITS):
                    j += 1
            if j < n and text[j] in "eE":
                k = j + 1
                if k < n and text[k] in "+-":
                    k += 1
                if k < n and (text[k] in _DIGITS):
                    while k < n and (text[k] in _DIGITS):
                        k += 1
                    j = k
            if j < n and (text[j].isalpha() or text[j] == "_"):
                raise FormulaError(f"malformed number '{text[i : j + 1]}'", i)
            out.append(Token("num", text[i:j], i))
            i = j
        elif c.isascii() and (c.isalpha() or c == "_"):
            j = i
            while j < n and text[j].isascii() and (text[j].isalnum() or text[j] == "_"):
                j += 1
            word = text[i:j]
            if c == "_":
                raise FormulaError(
                    f"'{word}': names start with a letter (names beginning with '_' are "
                    "not allowed)",
                    i,
                )
            out.append(Token("name", word, i))
            i = j
        elif c == "*" and text[i : i + 2] == "**":
            raise FormulaError("'**' is not an operator here: write x ^ n for a power", i)
        elif c in _OPS:
            out.append(Token("op", c, i))
            i += 1
        else:
            reason = _REFUSED.get(c, f"unexpected character {c!r}")
            raise FormulaError(reason, i)
        if len(out) > MAX_TOKENS:
            raise FormulaError(f"formula has more than {MAX_TOKENS} tokens; split it", i)
    out.append(Token("end", "", n))
    return out


# ---------------------------------------------------------------------- parser
class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def expect(self, text: str, what: str) -> Token:
        t = self.tok
        if t.kind != "op" or t.text != text:
            found = "the end of the formula" if t.kind == "end" else f"'{t.text}'"
            raise FormulaError(f"expected {what}, found {found}", t.offset)
        return self.take()

    def enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(f"formula nests deeper than {MAX_DEPTH} levels; simplify it", offset)

    def parse(self) -> Node:
        node = self.expr()
        t = self.tok
        if t.kind != "end":
            hint = " (a call needs a listed function name before '(')" if t.text == "(" else ""
            raise FormulaError(f"unexpected '{t.text}' after a complete formula{hint}", t.offset)
        return node

    def expr(self) -> Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take()
            node = Binary(op.text, node, self.term(), op.offset)
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in "*/":
            op = self.take()
            node = Binary(op.text, node, self.unary(), op.offset)
        return node

    def unary(self) -> Node:
        t = self.tok
        if t.kind == "op" and t.text in "+-":
            self.take()
            self.enter(t.offset)
            operand = self.unary()
            self.depth -= 1
            return Unary(t.text, operand, t.offset)
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.tok.kind == "op" and self.tok.text == "^":
            op = self.take()
            sign = 1.0
            start = self.tok.offset
            while self.tok.kind == "op" and self.tok.text in "+-":
                sign *= -1.0 if self.take().text == "-" else 1.0
            t = self.tok
            if t.kind != "num":
                raise FormulaError("the exponent after '^' must be a number written out", start)
            self.take()
            e = sign * float(t.text)
            if abs(e) > MAX_EXPONENT:
                written = ("-" if sign < 0 else "") + t.text  # as written: 8.0000001, not 8
                raise FormulaError(
                    f"exponent {written} is too large (|exponent| <= {MAX_EXPONENT})", start
                )
            return Binary("^", base, Num(e, start), op.offset)
        return base

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "num":
            self.take()
            value = float(t.text)
            if not np.isfinite(value) or abs(value) > MAX_LITERAL:
                raise FormulaError(
                    f"number {t.text} is too large (limit {MAX_LITERAL:g})", t.offset
                )
            return Num(value, t.offset)
        if t.kind == "name":
            self.take()
            if self.tok.kind == "op" and self.tok.text == "(":
                return self.call(t)
            if t.text in FUNCTIONS:
                raise FormulaError(f"'{t.text}' is a function: call it, {t.text}(...)", t.offset)
            return Name(t.text, t.offset)
        if t.kind == "op" and t.text == "(":
            self.take()
            self.enter(t.offset)
            node = self.expr()
            self.depth -= 1
            self.expect(")", "')' to close the '(' at column " + str(t.offset + 1))
            return node
        found = "the end of the formula" if t.kind == "end" else f"'{t.text}'"
        raise FormulaError(f"expected a number, a name or '(', found {found}", t.offset)

    def call(self, name: Token) -> Node:
        if name.text not in FUNCTIONS:
            raise FormulaError(
                f"unknown function '{name.text}'; the functions are {FUNCTION_HELP}", name.offset
            )
        open_ = self.take()
        self.enter(open_.offset)
        args = [self.expr()]
        while self.tok.kind == "op" and self.tok.text == ",":
            self.take()
            args.append(self.expr())
        self.depth -= 1
        self.expect(")", f"',' or ')' in the call of {name.text}")
        lo, hi = FUNCTIONS[name.text]
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise FormulaError(
                f"{name.text}() takes {want} arguments, got {len(args)}", name.offset
            )
        return Call(name.text, tuple(args), name.offset)


def parse(text: str) -> Node:
    """The syntax tree of a formula; :class:`FormulaError` (with an offset) if it is not one."""
    if not isinstance(text, str):
        raise FormulaError('a formula is text, e.g. "pct(share) * 10"', 0)
    if not text.strip():
        raise FormulaError("empty formula", 0)
    return _Parser(text).parse()


def names(node: Node) -> list[tuple[str, int]]:
    """Every name the formula reads, with its offset, in order of appearance."""
    if isinstance(node, Name):
        return [(node.name, node.offset)]
    if isinstance(node, Unary):
        return names(node.operand)
    if isinstance(node, Binary):
        return names(node.left) + names(node.right)
    if isinstance(node, Call):
        return [n for a in node.args for n in names(a)]
    return []


# ---------------------------------------------------------------------- units
# A unit is a sorted tuple of (base, exponent); () is dimensionless ("share" is dimensionless).
Unit = tuple[tuple[str, int], ...]
DIMENSIONLESS: Unit = ()
_DIMENSIONLESS_WORDS = {"", "1", "share", "fraction", "ratio", "points", "none"}


def parse_unit(text: str | None) -> Unit:
    """A unit as written in a scenario (``%``, ``USD bn``, ``share``, ``mb/d``) as base units
    with exponents; a share, a ratio and a plain number are dimensionless."""
    if text is None or text.strip().lower() in _DIMENSIONLESS_WORDS:
        return DIMENSIONLESS
    num, _, den = text.strip().partition("/")
    out: dict[str, int] = {}
    for part, sign in ((num, 1), (den, -1)):
        part = part.strip()
        if part and part.lower() not in _DIMENSIONLESS_WORDS:
            out[part] = out.get(part, 0) + sign
    return tuple(sorted((k, v) for k, v in out.items() if v))


def unit_text(unit: Unit) -> str:
    if not unit:
        return "dimensionless"
    num = [b if e == 1 else f"{b}^{e}" for b, e in unit if e > 0]
    den = [b if e == -1 else f"{b}^{-e}" for b, e in unit if e < 0]
    return (" * ".join(num) or "1") + ("/" + " * ".join(den) if den else "")


def _mul(a: Unit, b: Unit, sign: int = 1) -> Unit:
    out = dict(a)
    for k, v in b:
        out[k] = out.get(k, 0) + sign * v
    return tuple(sorted((k, v) for k, v in out.items() if v))


def unit_of(node: Node, units: Mapping[str, Unit]) -> Unit | None:
    """The unit of a formula given the units of its names; ``None`` means "a bare number",
    which fits any unit in a sum (``1 - pct(x)``, ``x + 5``). Raises :class:`FormulaError`
    where unlike units meet in +, -, min, max, clamp or ratio."""

    def like(items: list[tuple[Unit | None, int]], what: str, offset: int) -> Unit | None:
        known = [(u, o) for u, o in items if u is not None]
        for u, o in known[1:]:
            if u != known[0][0]:
                raise FormulaError(
                    f"{what} unlike units: {unit_text(known[0][0])} and {unit_text(u)}; "
                    "convert first (pct(x) turns % into a share)",
                    o,
                )
        return known[0][0] if known else None

    if isinstance(node, Num):
        return None
    if isinstance(node, Name):
        return units.get(node.name, DIMENSIONLESS)
    if isinstance(node, Unary):
        return unit_of(node.operand, units)
    if isinstance(node, Binary):
        a, b = unit_of(node.left, units), unit_of(node.right, units)
        if node.op in "+-":
            verb = "adding" if node.op == "+" else "subtracting"
            return like([(a, node.left.offset), (b, node.offset)], verb, node.offset)
        if node.op == "*":
            return None if a is None and b is None else _mul(a or (), b or ())
        if node.op == "/":
            return None if a is None and b is None else _mul(a or (), b or (), -1)
        assert isinstance(node.right, Num)  # "^": the parser takes a number literal only
        e = node.right.value
        if a is None:
            return None
        if e != int(e):
            if a:
                raise FormulaError(
                    f"a fractional power of a quantity in {unit_text(a)} has no unit", node.offset
                )
            return a
        return tuple((k, v * int(e)) for k, v in a)
    # Call
    args = [(unit_of(x, units), x.offset) for x in node.args]
    f = node.function
    if f in ("min", "max"):
        return like(args, f"{f}() compares", node.offset)
    if f == "clamp":
        return like(args, "clamp() compares", node.offset)
    if f == "ratio":
        like(args, "ratio() divides", node.offset)
        return DIMENSIONLESS
    if f == "pct":
        u = args[0][0]
        if u not in (None, (("%", 1),)):
            raise FormulaError(
                f"pct() takes a percentage (unit %), not {unit_text(u)}", node.offset
            )
        return DIMENSIONLESS
    return args[0][0]  # abs


# ---------------------------------------------------------------------- evaluation
Value = float | np.ndarray


def _fn(name: str) -> Callable[..., Value]:
    if name == "min":
        return lambda *a: _reduce(np.minimum, a)
    if name == "max":
        return lambda *a: _reduce(np.maximum, a)
    if name == "clamp":
        return lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi)
    if name == "ratio":
        return lambda a, b: _divide(a, b)
    if name == "pct":
        return lambda x: np.divide(x, 100.0)
    return np.abs


def _reduce(op: np.ufunc, args: Sequence[Value]) -> Value:
    out = args[0]
    for a in args[1:]:
        out = op(out, a)
    return out


def _divide(a: Value, b: Value) -> Value:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.divide(a, b)


def evaluate(node: Node, env: Mapping[str, Value]) -> Value:
    """The value of a formula; names bound to arrays give an array (one value per sample).
    Division by zero gives inf/nan, which the caller reports (see :func:`check_finite`)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node, Unary):
        v = evaluate(node.operand, env)
        return -v if node.op == "-" else v
    if isinstance(node, Binary):
        a, b = evaluate(node.left, env), evaluate(node.right, env)
        if node.op == "/":
            return _divide(a, b)
        # inf and nan (an overflow, inf x 0) are reported by the caller at the formula's place
        # (check_finite), not as numpy's warnings on the user's terminal
        with np.errstate(all="ignore"):
            if node.op == "+":
                return a + b
            if node.op == "-":
                return a - b
            if node.op == "*":
                return a * b
            powered: Value = np.power(np.asarray(a, dtype=float), b)
            return powered
    return _fn(node.function)(*(evaluate(x, env) for x in node.args))


def to_text(node: Node) -> str:
    """The formula written back with explicit parentheses (for tests and messages)."""
    if isinstance(node, Num):
        return f"{node.value:g}"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Unary):
        return f"({node.op}{to_text(node.operand)})"
    if isinstance(node, Binary):
        return f"({to_text(node.left)} {node.op} {to_text(node.right)})"
    return f"{node.function}({', '.join(to_text(a) for a in node.args)})"
