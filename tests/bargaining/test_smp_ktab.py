"""smp must reproduce KTAB's own deterministic runs: every actor, dimension and turn."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from offramp.bargaining import read_ktab_csv
from offramp.bargaining.smp import run_smp, smp

from .conftest import KTAB

CASES = ["dummyData_3Dim", "SOE-Policy"]


def _reference_positions(case: str, actors: list[str], n_dim: int) -> np.ndarray:
    """KTAB's positions as an array (turn, actor, dimension)."""
    rows = list(csv.DictReader((KTAB / f"{case}.positions.csv").open()))
    turns = 1 + max(int(r["turn"]) for r in rows)
    out = np.full((turns, len(actors), n_dim), np.nan)
    for r in rows:
        out[int(r["turn"]), actors.index(r["actor"]), int(r["dim_index"])] = float(r["position"])
    assert not np.isnan(out).any()
    return out


@pytest.mark.parametrize("case", CASES)
def test_positions_match_ktab_every_turn(case: str) -> None:
    problem = read_ktab_csv(KTAB / f"{case}.csv")
    ref = _reference_positions(case, problem.actors, problem.n_dimensions)
    run = run_smp(problem.positions, problem.saliences, problem.capabilities)
    ours = np.array(run.positions)
    assert ours.shape == ref.shape, "smp must stop at the same turn as KTAB"
    assert np.max(np.abs(ours - ref)) < 0.1
    # In fact the runs agree to rounding error; keep a tight check so regressions show early.
    assert np.max(np.abs(ours - ref)) < 1e-6


@pytest.mark.parametrize("case", CASES)
def test_win_probabilities_match_ktab(case: str) -> None:
    problem = read_ktab_csv(KTAB / f"{case}.csv")
    run = run_smp(problem.positions, problem.saliences, problem.capabilities)
    rows = list(csv.DictReader((KTAB / f"{case}.winprob.csv").open()))
    for r in rows:
        i = problem.actors.index(r["actor"])
        got = run.win_probability[int(r["turn"])][i]
        assert got == pytest.approx(float(r["prob"]), abs=6e-5)  # KTAB prints 4 decimals


def test_forecast_wraps_the_run() -> None:
    problem = read_ktab_csv(KTAB / "SOE-Policy.csv")
    fc = smp(problem)
    assert fc.details["turns"] == len(fc.rounds) - 1 == 19
    w = problem.capabilities * problem.saliences[:, 0]
    assert fc.forecast[0] == pytest.approx(np.sum(w * fc.rounds[-1][:, 0]) / np.sum(w))
    assert np.array_equal(fc.rounds[0], problem.positions)


def test_first_turn_challenges_match_ktab_log() -> None:
    """The log's turn-0 line 'actor 2 has most advantageous target 6 worth 0.471'."""
    from offramp.bargaining.smp import _challenges, _state_utilities

    problem = read_ktab_csv(KTAB / "dummyData_3Dim.csv")
    pos = problem.positions / 100.0
    _, risk, autil = _state_utilities(pos, pos, problem.saliences, problem.capabilities)
    assert risk == pytest.approx([-0.500, -0.459, -0.499, -0.274, 1.000, -0.232, -0.430], abs=6e-4)
    sal = problem.saliences.sum(axis=1)
    prob, gain = _challenges(autil, problem.capabilities * sal, sal)
    np.fill_diagonal(gain, -np.inf)
    assert int(np.argmax(gain[2])) == 6
    assert gain[2, 6] == pytest.approx(0.4711, abs=1e-4)
    assert prob[2, 6] == pytest.approx(0.8334, abs=1e-4)


def test_eighty_actors_run_fast() -> None:
    import time

    rng = np.random.default_rng(3)
    n = 80
    pos = rng.uniform(0, 100, (n, 1))
    sal = rng.uniform(0.1, 0.99, (n, 1))
    cap = rng.uniform(10, 200, n)
    t = time.perf_counter()
    run = run_smp(pos, sal, cap)
    elapsed = time.perf_counter() - t
    assert len(run.positions) > 3
    assert elapsed < 10.0  # target is < 5 s on the 2-core CI machine; keep slack for load
