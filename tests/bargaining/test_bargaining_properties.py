"""Properties every model must have, on random problems."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from offramp.bargaining import BargainingProblem, forecast
from offramp.bargaining.registry import REGISTRY


@st.composite
def problems(draw: st.DrawFn, max_actors: int = 6, max_dims: int = 2) -> BargainingProblem:
    n = draw(st.integers(2, max_actors))
    d = draw(st.integers(1, max_dims))
    pos = draw(st.lists(st.integers(0, 100), min_size=n * d, max_size=n * d))
    sal = draw(st.lists(st.integers(1, 100 // d), min_size=n * d, max_size=n * d))
    cap = draw(st.lists(st.integers(1, 200), min_size=n, max_size=n))
    return BargainingProblem(
        actors=[f"A{i}" for i in range(n)],
        dimensions=[f"d{k}" for k in range(d)],
        capabilities=np.array(cap, dtype=float),
        positions=np.array(pos, dtype=float).reshape(n, d),
        saliences=np.array(sal, dtype=float).reshape(n, d) / 100.0,
    )


@settings(max_examples=40, deadline=None)
@given(problems())
def test_forecasts_and_rounds_stay_within_the_positions(problem: BargainingProblem) -> None:
    lo = problem.positions.min(axis=0) - 1e-9
    hi = problem.positions.max(axis=0) + 1e-9
    for name in REGISTRY:
        fc = forecast(problem, name)
        assert fc.model == name
        assert np.all(fc.forecast >= lo) and np.all(fc.forecast <= hi), name
        assert np.array_equal(fc.rounds[0], problem.positions), name
        for r in fc.rounds:
            assert r.shape == problem.positions.shape
            # smp rounds bargains to 4 decimals on the 0-1 scale, i.e. 0.01 on 0-100
            assert np.all(r >= lo - 0.01) and np.all(r <= hi + 0.01), name


@settings(max_examples=25, deadline=None)
@given(problems(), st.permutations(range(6)))
def test_compromise_and_offramp_ignore_actor_order(problem: BargainingProblem, perm) -> None:
    order = [i for i in perm if i < problem.n_actors]
    shuffled = BargainingProblem(
        actors=[problem.actors[i] for i in order],
        dimensions=problem.dimensions,
        capabilities=problem.capabilities[order],
        positions=problem.positions[order],
        saliences=problem.saliences[order],
    )
    for name in ("compromise", "median", "offramp"):
        assert np.allclose(forecast(problem, name).forecast, forecast(shuffled, name).forecast)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 7).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 10), min_size=3 * n, max_size=3 * n),
            st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), min_size=3 * n, max_size=3 * n),
        )
    )
)
def test_vectorised_weighted_median_equals_the_one_dimensional_one(case) -> None:
    from offramp.bargaining.median import weighted_median, weighted_median_1d

    xs, ws = case
    x = np.array(xs, dtype=float).reshape(-1, 3)
    w = np.array(ws).reshape(-1, 3)
    got = weighted_median(x, w)
    want = np.array([weighted_median_1d(x[:, k], w[:, k]) for k in range(3)])
    assert np.array_equal(got, want, equal_nan=True)
