"""The sanction closure's three paths (sweeps, connected components, depth-first search) against
a breadth-first search written from the definition, on random conflicts of every shape."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offramp.conflict import reach
from offramp.conflict.fixpoint import sweep_min
from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import move_indices


@st.composite
def models(draw):
    n_dms = draw(st.integers(2, 4))
    per = [draw(st.integers(1, 3 if n_dms == 2 else 2)) for _ in range(n_dms)]
    m = sum(per)
    dirs = [draw(st.sampled_from(["both", "both", "forward", "backward"])) for _ in range(m)]
    all_codes = list(range(1 << m))
    keep = draw(st.lists(st.booleans(), min_size=len(all_codes), max_size=len(all_codes)))
    codes = [c for c, k in zip(all_codes, keep, strict=True) if k] or [0]
    ties = draw(st.integers(1, 6))  # few levels: many ties
    scores = draw(
        st.lists(
            st.lists(st.integers(0, ties), min_size=len(codes), max_size=len(codes)),
            min_size=n_dms,
            max_size=n_dms,
        )
    )
    opts = [[f"o{k}" for k in range(p)] for p in per]
    return ConflictModel.from_ranks(
        opts, [f"D{i}" for i in range(n_dms)], np.array(codes), np.array(scores), dirs
    )


def _moves(model: ConflictModel, j: int, s: int) -> list[int]:
    """DM j's unilateral moves from state s, straight from the definition."""
    mask = model.dm_mask(j)
    out = []
    cs = int(model.codes[s])
    for t, ct in enumerate(int(c) for c in model.codes):
        if t == s or (cs & ~mask) != (ct & ~mask):
            continue
        ok = True
        for k in range(len(model.option_dm)):
            a, b = cs >> k & 1, ct >> k & 1
            if a != b and ((model.direction[k] == 1 and a) or (model.direction[k] == 2 and b)):
                ok = False
        if ok:
            out.append(t)
    return out


def _naive(model: ConflictModel, movers: list[int], values: np.ndarray, kind: str):
    moves = {(j, s): _moves(model, j, s) for j in movers for s in range(model.n_states)}
    out = []
    for s in range(model.n_states):
        seen, todo = {s}, [s]
        while todo:
            u = todo.pop()
            for j in movers:
                for t in moves[(j, u)]:
                    if kind == "ui" and model.ranks[j][t] <= model.ranks[j][u]:
                        continue
                    if t not in seen:
                        seen.add(t)
                        todo.append(t)
        out.append(min(int(values[t]) for t in seen))
    return np.array(out)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.sampled_from(["move", "ui"]), st.data())
def test_every_path_of_the_closure_agrees_with_the_definition(model, kind, data):
    i = data.draw(st.integers(0, model.n_dms - 1))
    movers = [j for j in range(model.n_dms) if j != i]
    values = model.ranks[i]
    want = _naive(model, movers, values, kind)
    got, _ = reach.closure_min(move_indices(model), movers, values, kind)
    assert got.tolist() == want.tolist()
    # the linear search alone (no sweeps) and from values the sweeps left half-way
    fresh = move_indices(model)
    assert reach._search_min(fresh, movers, values.astype(np.int64), kind).tolist() == want.tolist()
    blocks = reach._blocks(fresh, movers)
    part, _, _ = sweep_min(blocks, values.astype(np.int64), kind, budget=0.5)
    assert reach._search_min(fresh, movers, part, kind).tolist() == want.tolist()
    if kind == "move" and all(fresh[j].n_directed == 0 for j in movers):
        labels, count = reach._components(fresh, movers, model.n_states)
        mins = np.full(count, np.iinfo(np.int64).max)
        np.minimum.at(mins, labels, values)
        assert mins[labels].tolist() == want.tolist()


@pytest.mark.parametrize("kind", ["move", "ui"])
def test_the_search_takes_over_when_the_budget_is_spent(monkeypatch, kind):
    rng = np.random.default_rng(3)
    codes = np.arange(1, 1 << 9)  # one combination infeasible: no shortcut for complete ones
    scores = rng.integers(0, 40, size=(3, len(codes)))
    model = ConflictModel.from_ranks(
        [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]], ["A", "B", "C"], codes, scores
    )
    want = _naive(model, [1, 2], model.ranks[0], kind)
    monkeypatch.setattr(reach, "SWEEP_BUDGET", 0)
    got, passes = reach.closure_min(move_indices(model), [1, 2], model.ranks[0], kind)
    assert got.tolist() == want.tolist()
    assert passes == 2  # one sweep started, then the search


def test_components_without_room_for_the_search_keep_sweeping(monkeypatch):
    """Symmetric moves past the sweeps' budget, with no memory for the graph search: the
    component labelling finishes by sweeping, and the minima stay exact."""
    rng = np.random.default_rng(5)
    codes = np.flatnonzero(rng.random(1 << 9) < 0.6)
    scores = rng.integers(0, 40, size=(3, len(codes)))
    model = ConflictModel.from_ranks(
        [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]], ["A", "B", "C"], codes, scores
    )
    want = _naive(model, [1, 2], model.ranks[0], "move")
    monkeypatch.setattr(reach, "SWEEP_BUDGET", 0)
    monkeypatch.setattr(reach, "memory_budget", lambda: 0)
    got, _ = reach.closure_min(move_indices(model), [1, 2], model.ranks[0], "move")
    assert got.tolist() == want.tolist()


def test_symmetric_moves_in_a_complete_conflict_need_no_sweep():
    """Every combination feasible: a component is one combination of the fixed DMs' options
    (one pass), and the minima are those of the definition."""
    rng = np.random.default_rng(8)
    codes = np.arange(1 << 7)
    scores = rng.integers(0, 30, size=(3, len(codes)))
    model = ConflictModel.from_ranks(
        [["a", "b", "c"], ["d", "e"], ["f", "g"]], ["A", "B", "C"], codes, scores
    )
    for i, movers in [(0, [1, 2]), (1, [0, 2]), (2, [0, 1])]:
        got, passes = reach.closure_min(move_indices(model), movers, model.ranks[i], "move")
        assert got.tolist() == _naive(model, movers, model.ranks[i], "move").tolist()
        assert passes == 1
