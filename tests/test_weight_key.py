"""The table path of weights preferences (one lookup per 16-bit word of the codes for the
statements that are one option or its negation) against the truth columns, statement by
statement, which is the definition: the key is Σ weight over the true statements."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from offramp.scenario.compile import WORD_BITS, weight_key, weight_scores
from offramp.scenario.statements import And, Expr, Not, Or, Var, code_words, evaluate_codes

N_OPTIONS = 40  # across two 16-bit words and into a third


def _var(k: int) -> Var:
    return Var(k, f"o{k}")


@st.composite
def statements(draw: st.DrawFn) -> Expr:
    k = draw(st.integers(0, N_OPTIONS - 1))
    kind = draw(st.sampled_from(["var", "not", "and", "or"]))
    if kind == "var":
        return _var(k)
    if kind == "not":
        return Not(_var(k))
    other = _var(draw(st.integers(0, N_OPTIONS - 1)))
    return And((_var(k), other)) if kind == "and" else Or((Not(_var(k)), other))


WEIGHTS = st.one_of(
    st.integers(-200, 200),  # int8 and wider multipliers
    st.sampled_from([0, 0.1, 0.2, 0.3, -2.5, 1e7, 2**40, 1 / 3]),  # exact decimals, big, inexact
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(statements(), WEIGHTS), min_size=1, max_size=24),
    st.lists(st.integers(0, 2**N_OPTIONS - 1), min_size=1, max_size=60, unique=True),
)
def test_the_table_path_equals_the_sum_over_true_statements(weighted, raw_codes):
    codes = np.array(sorted(raw_codes), dtype=np.uint64)
    exprs = [e for e, _ in weighted]
    values = [float(w) for _, w in weighted]
    truths = [evaluate_codes(e, codes) for e in exprs]
    want = weight_scores(truths, values, len(codes))
    got = weight_key(exprs, values, codes, {})
    assert got.dtype == want.dtype
    assert got.tolist() == want.tolist()


def test_words_are_read_least_significant_first():
    codes = np.array([1 << 17, (1 << 40) | 3], dtype=np.uint64)
    words = code_words(codes)
    assert words.shape == (2, 64 // WORD_BITS)
    assert words[0].tolist() == [0, 2, 0, 0]
    assert words[1].tolist() == [3, 0, 1 << 8, 0]
    assert code_words(codes[:0]).shape == (0, 4)


def test_negated_options_and_zero_weights():
    codes = np.arange(8, dtype=np.uint64)  # options 0..2
    got = weight_key([Not(_var(1)), _var(2), _var(0)], [3, 5, 0], codes, {})
    assert got.tolist() == [3, 3, 0, 0, 8, 8, 5, 5]
