"""The compromise model: the capability- and salience-weighted mean of the positions.

On EU legislative decisions this one-line model is as accurate as most elaborate ones
(Achen 2006; Thomson et al. 2006), which is why it is the baseline every model must beat.

References
----------
Achen, C. H. (2006). Evaluating political decision-making models. In Thomson, R. et al. (eds.),
*The European Union Decides*. Cambridge University Press, 264-298.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from offramp.bargaining.batch import ProblemBatch, weighted_mean_batch
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.result import Forecast


def weighted_mean(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ w x / Σ w per dimension (columns); weights (n, d) or (n,). NaN where Σ w = 0."""
    x = np.asarray(positions, dtype=float)
    w = np.asarray(weights, dtype=float)
    if w.ndim == 1:
        w = np.broadcast_to(w[:, None], x.shape)
    total = np.sum(w, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.sum(w * x, axis=0) / np.where(total > 0, total, 1.0), np.nan)


def compromise(problem: BargainingProblem) -> Forecast:
    """Forecast Σ c_i s_i x_i / Σ c_i s_i on each dimension (one round: no dynamics)."""
    return Compromise().forecast(problem)


@dataclass(frozen=True)
class Compromise(BargainingModel):
    """The capability x salience weighted mean (no parameters)."""

    name: ClassVar[str] = "compromise"
    interval_half_width: ClassVar[float | None] = 34.59  # see offramp.bargaining.intervals
    in_reports: ClassVar[bool] = True
    description: ClassVar[str] = "capability x salience weighted mean of the positions"
    reference: ClassVar[str] = "Achen (2006), in Thomson et al., The European Union Decides"

    def predict(self, problem: BargainingProblem) -> np.ndarray:
        return weighted_mean(problem.positions, problem.capabilities[:, None] * problem.saliences)

    def predict_batch(self, batch: ProblemBatch) -> np.ndarray:
        return weighted_mean_batch(
            batch.positions, batch.capabilities[:, :, None] * batch.saliences
        )

    def forecast(self, problem: BargainingProblem) -> Forecast:
        return self.one_round(problem, self.predict(problem))
