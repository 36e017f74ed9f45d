"""The column layout (offramp.conflict.columns) against the sorted-block layout it speeds up:
the same answers for every query and every closure, on conflicts with holes in the groups
(feasibility rules), ties and no ties, whole and partial passes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st

from offramp.conflict import columns, reach
from offramp.conflict.columns import NONE32, Columns
from offramp.conflict.fixpoint import sweep_min
from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import NONE, MoveIndex, move_indices
from tests.sampling import SIZES, run_property


def _model(rng, per: list[int], keep: float, levels: int) -> ConflictModel:
    m = sum(per)
    codes = np.arange(1 << m)
    codes = codes[rng.random(len(codes)) < keep]
    if len(codes) == 0:
        codes = np.array([0])
    scores = rng.integers(0, levels, size=(len(per), len(codes)))
    opts = [[f"o{k}" for k in range(p)] for p in per]
    return ConflictModel.from_ranks(opts, [f"D{i}" for i in range(len(per))], codes, scores)


def _block_answer(idx: MoveIndex, values: np.ndarray, kind: str) -> np.ndarray:
    """The sorted-block layout's answer (the columns switched off)."""
    idx._columns = None
    try:
        return idx.reach_min(values, kind)
    finally:
        idx._columns = False


@st.composite
def conflicts(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(2, 4))
    per = [draw(st.integers(1, 3)) for _ in range(n)]
    return _model(rng, per, draw(st.sampled_from([1.0, 0.8, 0.4])), draw(st.integers(1, 50)))


@pytest.mark.parametrize("size", SIZES)
def test_queries_agree_with_the_block_layout(size):
    run_property(
        size,
        _queries_agree_with_the_block_layout,
        conflicts(),
        st.data(),
        max_examples=60,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _queries_agree_with_the_block_layout(model, data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(columns, "MIN_COLUMNS", 1)  # small conflicts too: few groups
        _queries_agree(model, data)


def _queries_agree(model, data):
    for idx in move_indices(model):
        if idx.columns() is None:  # groups too uneven to pad: the block layout answers
            continue
        values = data.draw(
            st.lists(st.integers(-1000, 1000), min_size=model.n_states, max_size=model.n_states)
        )
        values = np.array(values, dtype=np.int64)
        for kind in ("ui", "move"):
            assert idx.reach_min(values, kind).tolist() == _block_answer(idx, values, kind).tolist()
        block_max = _block_answer(idx, -values, "ui")
        want = np.where(block_max == NONE, -NONE, -block_max)
        assert idx.reach_max(values, "ui").tolist() == want.tolist()


@pytest.mark.parametrize(
    ("per", "keep", "levels"),
    [
        ([4, 4, 4], 1.0, 1000),
        ([5, 4, 3], 0.7, 6),
        ([3, 3, 3, 3], 0.9, 3),
        ([6, 3, 3], 0.5, 40),
        ([9, 2, 2], 1.0, 300),  # a DM too large for columns sweeps through its blocks
        ([10, 1, 1], 0.8, 5),
    ],
)
def test_sweeps_agree_with_the_block_sweeps(per, keep, levels):
    """Large enough for partial passes (few dirty groups) to happen."""
    rng = np.random.default_rng(sum(per) * 7 + levels)
    model = _model(rng, per, keep, levels)
    indices = move_indices(model)
    for i in range(model.n_dms):
        movers = [j for j in range(model.n_dms) if j != i]
        for kind in ("ui", "move"):
            values = model.ranks[i]
            want, _, done = sweep_min(reach._blocks(indices, movers), values, kind, float("inf"))
            assert done
            cols = reach._layouts(indices, movers)
            assert cols is not None
            got, _, done = sweep_min(cols, values.astype(np.int32), kind, float("inf"))
            assert done
            assert got.tolist() == want.tolist()
            assert reach.closure_min(indices, movers, values, kind)[0].tolist() == want.tolist()


def test_partial_passes_happen_and_agree():
    """A closure whose later sweeps touch few groups takes the partial path."""
    rng = np.random.default_rng(11)
    model = _model(rng, [4, 4, 4], 0.85, 500)
    indices = move_indices(model)
    cols = [indices[j].columns() for j in (1, 2)]
    calls = {"part": 0}
    original = Columns.reach_min_groups

    def counting(self, values, kind, groups):
        calls["part"] += 1
        return original(self, values, kind, groups)

    Columns.reach_min_groups = counting
    try:
        got, sweeps, _ = sweep_min(cols, model.ranks[0].astype(np.int32), "ui", 1e9)
    finally:
        Columns.reach_min_groups = original
    want, _, _ = sweep_min(reach._blocks(indices, [1, 2]), model.ranks[0], "ui", float("inf"))
    assert calls["part"] > 0 and sweeps > 2
    assert got.tolist() == want.tolist()


def test_top_of_a_group_has_no_improvement_and_ties_do_not_improve():
    model = ConflictModel.from_ranks(
        [["a", "b"], ["c"]], ["A", "B"], np.arange(8), np.array([[0, 1, 1, 2] * 2, [0] * 8])
    )
    idx = move_indices(model)[0]
    cols = Columns.build(idx.group, idx.n_groups, idx.own, idx.own_width, idx.rank)
    got = cols.improvement_min(np.arange(8, dtype=np.int32))
    # group of state 0: states 0-3 with ranks 0,1,1,2: 0 -> min(1,2,3); 1,2 -> 3; 3 -> none
    assert got[:4].tolist() == [1, 3, 3, NONE32]
