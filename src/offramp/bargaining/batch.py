"""Many bargaining problems over the same actors and dimensions, as arrays with a batch axis.

A Monte Carlo draws capabilities, positions and saliences thousands of times and forecasts each
draw. One model run per draw costs a problem object, a few small numpy calls and their Python
overhead each time; a `ProblemBatch` holds all draws as (batch, actors) and (batch, actors,
dimensions) arrays, and a model's ``predict_batch`` forecasts them all at once (batch,
dimensions). A model without its own ``predict_batch`` is run draw by draw (the protocol's
default), so every registered model accepts a batch.

The batched arithmetic of the one-round models (weighted mean, weighted median, power mean and
their stack) is the per-problem arithmetic with a leading axis: the same operations on the
same numbers in the same order, so each row is bit-for-bit the per-problem ``predict``
(tests/bargaining/test_batch_models.py checks this on random problems).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.problem import BargainingProblem


@dataclass
class ProblemBatch:
    """``len`` problems sharing actors and dimensions: capabilities (batch, n), positions and
    saliences (batch, n, d), on the scales of `BargainingProblem` (saliences 0-1)."""

    actors: list[str]
    dimensions: list[str]
    capabilities: np.ndarray
    positions: np.ndarray
    saliences: np.ndarray
    name: str = ""
    dimension_labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, d = len(self.actors), len(self.dimensions)
        self.capabilities = np.asarray(self.capabilities, dtype=float)
        self.positions = np.asarray(self.positions, dtype=float)
        self.saliences = np.asarray(self.saliences, dtype=float)
        batch = self.capabilities.shape[0] if self.capabilities.ndim else 0
        if (
            self.capabilities.shape != (batch, n)
            or self.positions.shape != (batch, n, d)
            or self.saliences.shape != (batch, n, d)
        ):
            raise BargainingInputError(
                f"a batch of problems needs capabilities (batch, {n}) and positions and "
                f"saliences (batch, {n}, {d}); got {self.capabilities.shape}, "
                f"{self.positions.shape} and {self.saliences.shape}"
            )
        if batch == 0:
            return
        # the checks of BargainingProblem, with its messages: the first problem for the sizes,
        # the first non-finite one for the values
        self.problem(0)
        bad = ~(
            np.isfinite(self.capabilities).all(axis=1)
            & np.isfinite(self.positions).all(axis=(1, 2))
            & np.isfinite(self.saliences).all(axis=(1, 2))
        )
        if bad.any():
            self.problem(int(np.argmax(bad)))

    def __len__(self) -> int:
        return len(self.capabilities)

    def problem(self, i: int) -> BargainingProblem:
        """Problem ``i`` on its own (what a model without ``predict_batch`` is given)."""
        return BargainingProblem(
            actors=list(self.actors),
            dimensions=list(self.dimensions),
            capabilities=self.capabilities[i].copy(),
            positions=self.positions[i].copy(),
            saliences=self.saliences[i].copy(),
            name=self.name,
            dimension_labels=dict(self.dimension_labels),
        )


def weighted_mean_batch(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """`offramp.bargaining.compromise.weighted_mean` of each problem: positions and weights
    (batch, n, d) -> (batch, d); NaN where a dimension's weights sum to 0."""
    x = np.asarray(positions, dtype=float)
    w = np.asarray(weights, dtype=float)
    total = np.sum(w, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.sum(w * x, axis=1) / np.where(total > 0, total, 1.0), np.nan)


def weighted_median_batch(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """`offramp.bargaining.median.weighted_median` of each problem: (batch, n, d) ->
    (batch, d), the same steps along the actor axis."""
    x = np.asarray(positions, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = np.where(w > 0, w, 0.0)
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    cum = np.cumsum(ws, axis=1)
    total = cum[:, -1]
    half = total / 2.0
    k = np.argmax(cum >= (half - 1e-12 * total)[:, None, :], axis=1)  # (batch, d)
    at_k = np.take_along_axis(cum, k[:, None, :], axis=1)[:, 0]
    tie = np.abs(at_k - half) <= 1e-12 * total
    after = (ws > 0) & (np.arange(x.shape[1])[None, :, None] > k[:, None, :])
    nxt = np.argmax(after, axis=1)
    xk = np.take_along_axis(xs, k[:, None, :], axis=1)[:, 0]
    xn = np.take_along_axis(xs, nxt[:, None, :], axis=1)[:, 0]
    out = np.where(tie & after.any(axis=1), (xk + xn) / 2.0, xk)
    return np.where(total > 0, out, np.nan)
