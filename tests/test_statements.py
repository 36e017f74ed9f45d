"""The statement parser: precedence, associativity, names and located errors."""

from __future__ import annotations

import numpy as np
import pytest

from offramp.scenario.statements import (
    Catalogue,
    OptionRef,
    StatementError,
    evaluate_codes,
    parse_statement,
    tokenize,
)

CAT = Catalogue(
    [
        OptionRef(0, "US", "tariffs"),
        OptionRef(1, "US", "relief"),
        OptionRef(2, "CN", "press"),
        OptionRef(3, "RU", "talks"),
        OptionRef(4, "RU", "fight-on"),
        OptionRef(5, "CN", "relief"),
    ]
)
ALL = np.arange(64, dtype=np.uint64)


def truth(text: str) -> list[bool]:
    return evaluate_codes(parse_statement(text, CAT), ALL).tolist()


def reference(fn) -> list[bool]:
    return [bool(fn(*[(c >> k) & 1 == 1 for k in range(6)])) for c in range(64)]


@pytest.mark.parametrize(
    ("text", "fn"),
    [
        ("US.tariffs & CN.press | RU.talks", lambda a, b, c, d, e, f: (a and c) or d),
        ("US.tariffs | CN.press & RU.talks", lambda a, b, c, d, e, f: a or (c and d)),
        ("!US.tariffs & CN.press", lambda a, b, c, d, e, f: (not a) and c),
        ("!(US.tariffs & CN.press)", lambda a, b, c, d, e, f: not (a and c)),
        ("US.tariffs -> CN.press -> RU.talks", lambda a, b, c, d, e, f: (not a) or (not c) or d),
        ("US.tariffs | CN.press -> RU.talks", lambda a, b, c, d, e, f: (not (a or c)) or d),
        ("US.tariffs -> CN.press <-> RU.talks", lambda a, b, c, d, e, f: ((not a) or c) == d),
        ("US.tariffs <-> CN.press & RU.talks", lambda a, b, c, d, e, f: a == (c and d)),
        ("true", lambda *x: True),
        ("false | tariffs", lambda a, *x: a),
        ("!!press", lambda a, b, c, *x: c),
        ("fight-on & !talks", lambda a, b, c, d, e, f: e and not d),
        ("RU.fight-on->talks", lambda a, b, c, d, e, f: (not e) or d),
    ],
)
def test_precedence_and_semantics(text, fn) -> None:
    assert truth(text) == reference(fn)


def test_bare_names_resolve_when_unique() -> None:
    assert truth("press") == truth("CN.press")


@pytest.mark.parametrize(
    ("text", "offset", "fragment"),
    [
        ("US.tariffs & ", 13, "ends where an option"),
        ("US.tariffs && CN.press", 11, "'&&' is not an operator"),
        ("(US.tariffs | CN.press", 22, "missing ')'"),
        ("US.tariffs)", 10, "unbalanced ')'"),
        ("US.tarifs", 0, "did you mean 'US.tariffs'"),
        ("relief", 0, "ambiguous option 'relief'"),
        ("XX.press", 0, "unknown decision maker 'XX'"),
        ("US.tariffs ~ CN.press", 11, "use '!' for not"),
        ("US.tariffs CN.press", 11, "after a complete statement"),
        ("", 0, "empty statement"),
        ("US.", 3, "expected an option name"),
    ],
)
def test_errors_point_at_the_bad_token(text, offset, fragment) -> None:
    with pytest.raises(StatementError) as info:
        parse_statement(text, CAT)
    assert fragment in info.value.message
    assert info.value.offset == offset


def test_tokenizer_keeps_dash_names_but_splits_arrows() -> None:
    kinds = [t.kind for t in tokenize("a-b->c")]
    assert kinds == ["NAME", "IMP", "NAME", "END"]
    assert [t.text for t in tokenize("a-b->c")][:1] == ["a-b"]


def test_iff_is_associative_like_xnor() -> None:
    assert truth("tariffs <-> press <-> talks") == truth("(tariffs <-> press) <-> talks")
