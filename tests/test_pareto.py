"""Pareto fronts per group and strict-dominance queries (offramp.conflict.pareto) against the
definitions applied pair by pair."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st

from offramp.conflict import pareto
from offramp.conflict.pareto import group_fronts
from tests.sampling import SIZES, run_property


def naive_front(points: list[tuple[int, ...]]) -> set[tuple[int, ...]]:
    """Distinct vectors that no other distinct vector weakly dominates."""
    distinct = set(points)
    return {
        p
        for p in distinct
        if not any(q != p and all(a >= b for a, b in zip(q, p, strict=True)) for q in distinct)
    }


@st.composite
def grouped_points(draw, max_d: int = 4):
    d = draw(st.integers(1, max_d))
    n_groups = draw(st.integers(1, 6))
    n = draw(st.integers(0, 120))
    hi = draw(st.sampled_from([2, 4, 50]))  # few levels: many ties and repeats
    group = draw(st.lists(st.integers(0, n_groups - 1), min_size=n, max_size=n))
    pts = draw(
        st.lists(st.lists(st.integers(-hi, hi), min_size=d, max_size=d), min_size=n, max_size=n)
    )
    q = draw(st.integers(0, 40))
    q_group = draw(st.lists(st.integers(0, n_groups - 1), min_size=q, max_size=q))
    q_pts = draw(
        st.lists(
            st.lists(st.integers(-hi - 1, hi + 1), min_size=d, max_size=d), min_size=q, max_size=q
        )
    )
    return (
        n_groups,
        np.array(group, dtype=np.int64),
        np.array(pts, dtype=np.int64).reshape(n, d),
        np.array(q_group, dtype=np.int64),
        np.array(q_pts, dtype=np.int64).reshape(q, d),
    )


def _small_limits(monkeypatch, small: bool):
    if small:  # exercise the paths for large groups and fronts, and the block splitting
        monkeypatch.setattr(pareto, "SMALL_GROUP", 3)
        monkeypatch.setattr(pareto, "SMALL_FRONT", 2)
        monkeypatch.setattr(pareto, "PAIRS_PER_BLOCK", 7)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("small", [False, True])
def test_fronts_and_queries_match_the_definitions(small, size):
    def check(data):
        _fronts_and_queries_match(data, small)

    run_property(size, check, grouped_points(), max_examples=300)


def _fronts_and_queries_match(data, small):
    with pytest.MonkeyPatch.context() as mp:
        _small_limits(mp, small)
        n_groups, group, pts, q_group, q_pts = data
        fronts = group_fronts(group, pts, n_groups)
        for g in range(n_groups):
            got = [tuple(int(x) for x in v) for v in fronts.vals[fronts.ptr[g] : fronts.ptr[g + 1]]]
            assert len(got) == len(set(got))
            assert set(got) == naive_front([tuple(int(x) for x in p) for p in pts[group == g]])
        want = np.array(
            [
                bool((pts[group == g] > q).all(axis=1).any())
                for g, q in zip(q_group, q_pts, strict=True)
            ],
            dtype=bool,
        )
        assert np.array_equal(fronts.dominates(q_group, q_pts), want)
        each = fronts.dominates_each(q_pts)
        for g in range(n_groups):
            col = np.array(
                [bool((pts[group == g] > q).all(axis=1).any()) for q in q_pts], dtype=bool
            )
            assert np.array_equal(each[:, g], col)
