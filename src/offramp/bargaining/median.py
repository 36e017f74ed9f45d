"""The weighted median: the position that beats every other in pairwise weighted votes.

With single-peaked preferences on one dimension the median voter's position is the Condorcet
winner (Black 1948); weighting the votes by capability x salience gives the weighted median.

References
----------
Black, D. (1948). On the rationale of group decision-making. J. Political Economy 56(1), 23-34.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from offramp.bargaining.batch import ProblemBatch, weighted_median_batch
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.result import Forecast


def weighted_median_1d(x: np.ndarray, w: np.ndarray) -> float:
    """The smallest position where the weight at or below it reaches half the total.

    When the cumulative weight lands exactly on one half between two positions, every point
    between them is a median; we return the lower one's midpoint with the next, i.e. the
    middle of the median interval, so the answer does not depend on actor order.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    keep = w > 0
    if not np.any(keep):
        return float("nan")
    x, w = x[keep], w[keep]
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cum = np.cumsum(w)
    half = cum[-1] / 2.0
    k = int(np.searchsorted(cum, half - 1e-12 * cum[-1]))
    if abs(cum[k] - half) <= 1e-12 * cum[-1] and k + 1 < len(x):
        return float((x[k] + x[k + 1]) / 2.0)
    return float(x[k])


def weighted_median(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """`weighted_median_1d` of every dimension (column) at once; weights (n, d) or (n,).

    Vectorised across dimensions (the Monte Carlo calls it for every sample): actors with no
    weight stay in the sorted columns but add nothing to the cumulative weight, so the first
    position where it reaches one half, and the next weighted position on a tie, are those
    of `weighted_median_1d` (``tests/bargaining/test_bargaining_properties.py`` checks this).
    """
    x = np.asarray(positions, dtype=float)
    w = np.asarray(weights, dtype=float)
    if w.ndim == 1:
        w = np.broadcast_to(w[:, None], x.shape)
    w = np.where(w > 0, w, 0.0)
    order = np.argsort(x, axis=0, kind="stable")
    xs = np.take_along_axis(x, order, axis=0)
    ws = np.take_along_axis(w, order, axis=0)
    cum = np.cumsum(ws, axis=0)
    total = cum[-1]
    half = total / 2.0
    cols = np.arange(x.shape[1])
    k = np.argmax(cum >= half - 1e-12 * total, axis=0)
    tie = np.abs(cum[k, cols] - half) <= 1e-12 * total
    after = (ws > 0) & (np.arange(x.shape[0])[:, None] > k[None, :])
    nxt = np.argmax(after, axis=0)
    out = np.where(tie & after.any(axis=0), (xs[k, cols] + xs[nxt, cols]) / 2.0, xs[k, cols])
    return np.where(total > 0, out, np.nan)


def median(problem: BargainingProblem) -> Forecast:
    """Forecast the capability x salience weighted median on each dimension."""
    return Median().forecast(problem)


@dataclass(frozen=True)
class Median(BargainingModel):
    """The capability x salience weighted median (no parameters)."""

    name: ClassVar[str] = "median"
    interval_half_width: ClassVar[float | None] = 50.00  # see offramp.bargaining.intervals
    in_reports: ClassVar[bool] = True
    description: ClassVar[str] = (
        "capability x salience weighted median (the weighted Condorcet winner)"
    )
    reference: ClassVar[str] = "Black (1948), J. Political Economy"

    def predict(self, problem: BargainingProblem) -> np.ndarray:
        return weighted_median(problem.positions, problem.capabilities[:, None] * problem.saliences)

    def predict_batch(self, batch: ProblemBatch) -> np.ndarray:
        return weighted_median_batch(
            batch.positions, batch.capabilities[:, :, None] * batch.saliences
        )

    def forecast(self, problem: BargainingProblem) -> Forecast:
        return self.one_round(problem, self.predict(problem))
