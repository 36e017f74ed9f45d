"""``predict_batch`` (a batch of problems with the same actors and dimensions, as the Monte
Carlo forecasts them) gives, row for row, exactly the per-problem ``predict``: bit for bit,
NaN and the sign of zero included, on random problems with ties, zero weights and every shape
the batched reductions could treat differently (one dimension, more than eight actors)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offramp.bargaining.batch import ProblemBatch
from offramp.bargaining.compromise import Compromise
from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.median import Median
from offramp.bargaining.power_mean import PowerMean
from offramp.bargaining.registry import REGISTRY
from offramp.bargaining.stacking import Stack
from tests.sampling import SIZES, run_property

#: Models with their own batched arithmetic (the others use the protocol's per-problem loop).
BATCHED = (
    REGISTRY["offramp"],
    Compromise(),
    Median(),
    PowerMean(),
    PowerMean(alpha=1.25, beta=0.75),
    PowerMean(alpha=0.0, beta=1.5),
    Stack(bases=(Compromise(), Median(), PowerMean()), weights=(0.2, 0.3, 0.5)),
)


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return (
        a.shape == b.shape
        and np.array_equal(a, b, equal_nan=True)
        and np.array_equal(np.signbit(a), np.signbit(b))
    )


@st.composite
def batches(draw: st.DrawFn, max_actors: int = 20, max_dims: int = 4) -> ProblemBatch:
    n = draw(st.integers(2, max_actors))
    d = draw(st.integers(1, max_dims))
    size = draw(st.integers(1, 6))
    continuous = draw(st.booleans())
    if continuous:  # sampled-looking numbers, all digits used
        seed = draw(st.integers(0, 2**32 - 1))
        rng = np.random.default_rng(seed)
        cap = rng.uniform(1e-9, 200, (size, n))
        pos = rng.uniform(0, 100, (size, n, d))
        sal = rng.uniform(0, 1, (size, n, d))
        sal[rng.random((size, n, d)) < 0.2] = 0.0
    else:  # small integers: ties in positions and cumulative weights, whole columns of zeros
        cap = np.array(
            draw(st.lists(st.integers(1, 5), min_size=size * n, max_size=size * n)), float
        ).reshape(size, n)
        pos = np.array(
            draw(st.lists(st.integers(0, 4), min_size=size * n * d, max_size=size * n * d)),
            float,
        ).reshape(size, n, d)
        sal = (
            np.array(
                draw(st.lists(st.integers(0, 3), min_size=size * n * d, max_size=size * n * d)),
                float,
            ).reshape(size, n, d)
            / 4
        )
    return ProblemBatch(
        actors=[f"A{i}" for i in range(n)],
        dimensions=[f"d{k}" for k in range(d)],
        capabilities=cap,
        positions=pos,
        saliences=sal,
    )


@pytest.mark.parametrize("size", SIZES)
def test_batched_models_equal_the_per_problem_predict(size: str) -> None:
    run_property(size, _batched_models_equal_the_per_problem_predict, batches(), max_examples=300)


def _batched_models_equal_the_per_problem_predict(batch: ProblemBatch) -> None:
    for model in BATCHED:
        got = model.predict_batch(batch)
        want = np.stack([model.predict(batch.problem(i)) for i in range(len(batch))])
        assert same(got, want), (model.label(), got, want)
        # and what the Monte Carlo used to call per draw: the model called on the problem
        called = np.stack([model(batch.problem(i)).forecast for i in range(len(batch))])
        assert same(got, called), model.label()


@settings(max_examples=15, deadline=None)
@given(batches(max_actors=6, max_dims=2))
def test_every_registered_model_accepts_a_batch(batch: ProblemBatch) -> None:
    """The protocol's default runs the problems one by one: the same as ``predict``."""
    for name in ("bdm", "smp", "nash", "agenda", "exchange"):
        model = REGISTRY[name]
        try:
            want = np.stack([model.predict(batch.problem(i)) for i in range(len(batch))])
        except BargainingInputError:
            continue  # a model that refuses such a problem refuses the batch too
        assert same(model.predict_batch(batch), want), name


def test_a_batch_with_a_bad_problem_says_what_a_single_problem_says() -> None:
    cap = np.ones((3, 2))
    pos = np.full((3, 2, 1), 50.0)
    sal = np.full((3, 2, 1), 0.5)
    pos[1, 0, 0] = np.nan
    with pytest.raises(BargainingInputError, match="positions must be finite numbers"):
        ProblemBatch(["a", "b"], ["x"], cap, pos, sal)
    with pytest.raises(BargainingInputError, match="at least 2 actors"):
        ProblemBatch(["a"], ["x"], cap[:, :1], pos[:, :1], sal[:, :1])
    with pytest.raises(BargainingInputError, match=r"positions and saliences \(batch, 2, 1\)"):
        ProblemBatch(["a", "b"], ["x"], cap, pos[:, :, :0], sal)
