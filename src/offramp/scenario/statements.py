"""The statement language: boolean expressions over options, parsed by our own parser.

Statements come from files written by people, so they are never evaluated by Python: a small
recursive-descent parser turns them into an immutable tree, and every error says at which column
the bad token starts. Precedence, tightest first: ``!``, ``&``, ``|``, ``->`` (right-assoc),
``<->``; ``true``/``false`` are constants; an option is ``DM.option`` or an unambiguous bare
``option``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from offramp.errors import OfframpError

# --------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class Var:
    """An option, by its global index (declaration order across decision makers)."""

    index: int
    name: str  # qualified DM.option, for display


@dataclass(frozen=True)
class Not:
    arg: Expr


@dataclass(frozen=True)
class And:
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Implies:
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Iff:
    left: Expr
    right: Expr


Expr = Const | Var | Not | And | Or | Implies | Iff


class StatementError(OfframpError, ValueError):
    """A statement that cannot be parsed or resolved; ``offset`` is 0-based in the text.
    An :class:`~offramp.errors.OfframpError` (the user's text caused it) and a ``ValueError``."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    kind: str  # NAME, NOT, AND, OR, IMP, IFF, LP, RP, DOT, END
    text: str
    offset: int


_SINGLE = {"!": "NOT", "&": "AND", "|": "OR", "(": "LP", ")": "RP", ".": "DOT"}
_HINTS = {
    "~": "use '!' for not",
    "^": "there is no xor: write '!(a <-> b)'",
    "=": "use '<->' for 'if and only if' and '->' for 'implies'",
    ">": "use '->' for 'implies'",
    "<": "use '<->' for 'if and only if'",
    ",": "combine statements with '&' or '|'",
}


def _is_name_start(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _is_name_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "_-")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if text.startswith("<->", i):
            tokens.append(Token("IFF", "<->", i))
            i += 3
            continue
        if text.startswith("->", i):
            tokens.append(Token("IMP", "->", i))
            i += 2
            continue
        if text.startswith("&&", i) or text.startswith("||", i):
            raise StatementError(
                f"'{text[i : i + 2]}' is not an operator: write a single '{ch}'", i
            )
        if ch in _SINGLE:
            tokens.append(Token(_SINGLE[ch], ch, i))
            i += 1
            continue
        if _is_name_start(ch):
            j = i + 1
            # a '-' belongs to the name unless it starts an '->' operator
            while j < n and _is_name_char(text[j]) and not text.startswith("->", j):
                j += 1
            tokens.append(Token("NAME", text[i:j], i))
            i = j
            continue
        hint = _HINTS.get(
            ch,
            "statements use option names, '!', '&', '|', '->', '<->', parentheses, true and false",
        )
        raise StatementError(f"unexpected character {ch!r} ({hint})", i)
    tokens.append(Token("END", "", n))
    return tokens


# --------------------------------------------------------------------------- option catalogue


@dataclass(frozen=True)
class OptionRef:
    index: int
    dm: str
    option: str

    @property
    def qualified(self) -> str:
        return f"{self.dm}.{self.option}"


class Catalogue:
    """Resolves option names as written in statements to global option indices."""

    def __init__(self, options: Sequence[OptionRef]):
        self.options = list(options)
        self.qualified = {o.qualified: o for o in self.options}
        self.by_bare: dict[str, list[OptionRef]] = {}
        for o in self.options:
            self.by_bare.setdefault(o.option, []).append(o)
        self.dms = {o.dm for o in self.options}

    def resolve(self, dm: str | None, option: str, offset: int) -> OptionRef:
        if dm is not None:
            ref = self.qualified.get(f"{dm}.{option}")
            if ref is not None:
                return ref
            written = f"{dm}.{option}"
            if dm not in self.dms:
                why = f"unknown decision maker '{dm}' in '{written}'"
            else:
                why = f"unknown option '{written}'"
            raise StatementError(why + self._suggest(written), offset)
        refs = self.by_bare.get(option, [])
        if len(refs) == 1:
            return refs[0]
        if len(refs) > 1:
            choices = ", ".join(f"'{r.qualified}'" for r in refs)
            raise StatementError(
                f"ambiguous option '{option}': several decision makers have it; write one of "
                f"{choices}",
                offset,
            )
        raise StatementError(f"unknown option '{option}'" + self._suggest(option), offset)

    def _suggest(self, written: str) -> str:
        pool = list(self.qualified) + [b for b, refs in self.by_bare.items() if len(refs) == 1]
        close = difflib.get_close_matches(written, pool, n=1, cutoff=0.6)
        if close:
            return f" (did you mean '{close[0]}'?)"
        return " (options are written DM.option; `offramp validate` lists them with --list)"


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent with a depth limit: every '(', '!' and '->' nests one level deeper,
    and past ``limits.value("statement_depth")`` levels the statement is refused with a
    located error (the evaluator and renderer recurse once per level too, so the limit keeps
    every stage well inside Python's stack)."""

    def __init__(self, text: str, catalogue: Catalogue):
        from offramp.scenario.limits import value

        self.tokens = tokenize(text)
        self.pos = 0
        self.catalogue = catalogue
        self.depth = 0
        self.max_depth = int(value("statement_depth"))

    def deeper(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            from offramp.scenario.limits import message

            raise StatementError(message("statement_depth", self.depth), tok.offset)

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expect_operand_error(self, tok: Token) -> StatementError:
        if tok.kind == "END":
            return StatementError(
                "the statement ends where an option, '!' or '(' was expected", tok.offset
            )
        return StatementError(f"expected an option, '!' or '(' but found '{tok.text}'", tok.offset)

    def parse(self) -> Expr:
        if self.peek().kind == "END":
            raise StatementError(
                "empty statement (write 'true' for a statement that always holds)", 0
            )
        expr = self.iff()
        tok = self.peek()
        if tok.kind != "END":
            if tok.kind == "RP":
                raise StatementError("unbalanced ')': no '(' opens it", tok.offset)
            raise StatementError(
                f"unexpected '{tok.text}' after a complete statement (join statements with "
                "'&', '|', '->' or '<->')",
                tok.offset,
            )
        return expr

    def iff(self) -> Expr:
        left = self.implies()
        while self.peek().kind == "IFF":
            self.take()
            left = Iff(left, self.implies())
        return left

    def implies(self) -> Expr:
        left = self.disj()
        if self.peek().kind == "IMP":
            self.deeper(self.take())
            right = self.implies()
            self.depth -= 1
            return Implies(left, right)
        return left

    def disj(self) -> Expr:
        args = [self.conj()]
        while self.peek().kind == "OR":
            self.take()
            args.append(self.conj())
        return args[0] if len(args) == 1 else Or(tuple(args))

    def conj(self) -> Expr:
        args = [self.unary()]
        while self.peek().kind == "AND":
            self.take()
            args.append(self.unary())
        return args[0] if len(args) == 1 else And(tuple(args))

    def unary(self) -> Expr:
        tok = self.peek()
        if tok.kind == "NOT":
            self.deeper(self.take())
            arg = self.unary()
            self.depth -= 1
            return Not(arg)
        if tok.kind == "LP":
            self.deeper(self.take())
            inner = self.iff()
            self.depth -= 1
            close = self.peek()
            if close.kind != "RP":
                raise StatementError(
                    f"missing ')' to close the '(' at column {tok.offset + 1} of the statement",
                    close.offset,
                )
            self.take()
            return inner
        if tok.kind == "NAME":
            self.take()
            if tok.text in ("true", "false") and self.peek().kind != "DOT":
                return Const(tok.text == "true")
            if self.peek().kind == "DOT":
                self.take()
                opt = self.peek()
                if opt.kind != "NAME":
                    raise StatementError(f"expected an option name after '{tok.text}.'", opt.offset)
                self.take()
                ref = self.catalogue.resolve(tok.text, opt.text, tok.offset)
            else:
                ref = self.catalogue.resolve(None, tok.text, tok.offset)
            return Var(ref.index, ref.qualified)
        raise self.expect_operand_error(tok)


def parse_statement(text: str, catalogue: Catalogue) -> Expr:
    """Parse and resolve one statement; raises StatementError with the offending offset."""
    if not isinstance(text, str):
        raise StatementError('a statement must be text, e.g. "US.sanctions & !CN.press"', 0)
    return _Parser(text, catalogue).parse()


# --------------------------------------------------------------------------- evaluation


def variables(expr: Expr) -> Iterator[int]:
    """Option indices that occur in ``expr``."""
    if isinstance(expr, Var):
        yield expr.index
    elif isinstance(expr, Not):
        yield from variables(expr.arg)
    elif isinstance(expr, And | Or):
        for a in expr.args:
            yield from variables(a)
    elif isinstance(expr, Implies | Iff):
        yield from variables(expr.left)
        yield from variables(expr.right)


def evaluate(expr: Expr, column: Callable[[int], np.ndarray], size: int) -> np.ndarray:
    """Truth of ``expr`` on many states at once; ``column(i)`` gives option i as a bool array."""
    if isinstance(expr, Var):
        return column(expr.index)
    if isinstance(expr, Const):
        return np.full(size, expr.value, dtype=bool)
    if isinstance(expr, Not):
        return ~evaluate(expr.arg, column, size)
    if isinstance(expr, And):
        out = evaluate(expr.args[0], column, size).copy()
        for a in expr.args[1:]:
            out &= evaluate(a, column, size)
        return out
    if isinstance(expr, Or):
        out = evaluate(expr.args[0], column, size).copy()
        for a in expr.args[1:]:
            out |= evaluate(a, column, size)
        return out
    if isinstance(expr, Implies):
        implied: np.ndarray = ~evaluate(expr.left, column, size) | evaluate(
            expr.right, column, size
        )
        return implied
    if isinstance(expr, Iff):
        same: np.ndarray = evaluate(expr.left, column, size) == evaluate(expr.right, column, size)
        return same
    raise TypeError(f"not a statement: {expr!r}")


def code_words(codes: np.ndarray, dtype: type[np.unsignedinteger[Any]] = np.uint16) -> np.ndarray:
    """The codes (uint64) seen as words of b bits (``dtype``), least significant first, one row
    per state: column w holds options w·b to w·b + b − 1. No copy on little-endian machines; the
    byte order is made explicit, so the columns mean the same on every machine."""
    little = np.dtype(dtype).newbyteorder("<")
    words: np.ndarray = np.asarray(codes).astype("<u8", copy=False).view(little)
    return words.reshape(-1, 8 // little.itemsize)


def evaluate_codes(
    expr: Expr, codes: np.ndarray, cache: dict[int, np.ndarray] | None = None
) -> np.ndarray:
    """Truth of ``expr`` on states given as bit codes (bit i = option i taken). Pass the same
    ``cache`` when evaluating many statements on the same codes: each option's column is then
    extracted once."""
    if cache is None:
        cache = {}
    # one byte of each code per option: shifting bytes moves an eighth of the memory that
    # shifting the 64-bit codes would
    octets = code_words(codes, np.uint8)

    def column(i: int) -> np.ndarray:
        if i not in cache:
            byte = octets[:, i // 8]
            cache[i] = ((byte >> np.uint8(i % 8)) & np.uint8(1)).view(bool)
        return cache[i]

    return evaluate(expr, column, len(codes))


def render(expr: Expr) -> str:
    """Canonical text of a statement (fully parenthesised where precedence needs it)."""
    if isinstance(expr, Var):
        return expr.name
    if isinstance(expr, Const):
        return "true" if expr.value else "false"
    if isinstance(expr, Not):
        inner = render(expr.arg)
        return "!" + (inner if isinstance(expr.arg, Var | Const | Not) else f"({inner})")
    if isinstance(expr, And | Or):
        op = " & " if isinstance(expr, And) else " | "
        return op.join(
            render(a) if isinstance(a, Var | Const | Not) else f"({render(a)})" for a in expr.args
        )
    if isinstance(expr, Implies):
        return f"({render(expr.left)}) -> ({render(expr.right)})"
    if isinstance(expr, Iff):
        return f"({render(expr.left)}) <-> ({render(expr.right)})"
    raise TypeError(expr)
