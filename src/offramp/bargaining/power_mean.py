"""The ``power-mean`` model: a weighted mean of the stated positions with weights c^α s^β.

The compromise model weights each actor by capability x salience (α = β = 1). On real EU
decisions (DEU III) two departures from it fitted the development file better, and both have
a plain reading:

- **capability counts less than proportionally** (α ≈ 1/2): in consensual bodies small
  members are heard more than their size alone would give them;
- **salience does not help** (β ≈ 0): the experts' salience scores add noise, not signal, to
  where the outcome lands; every actor that stated a position counts.

The forecast is Σ w x / Σ w with w = c^α s^β (s^0 = 1, so with β = 0 an actor with a position
but salience 0 or unknown still counts). The defaults (α = 0.5, β = 0) are the grid-search
optimum on the DEU III dev file; how it does on proposals it was not fitted on is what
`offramp.bargaining.evaluation` measures (nested cross-validation: docs/methods/
deu-evaluation.md). Until issue 14 this model was offramp's default forecaster under the name
``offramp``; that name now belongs to the nested-CV winner (`default_forecaster`), of which this
model is a component.

References
----------
Achen, C. H. (2006). Institutional realism and bargaining models. In Thomson, R., Stokman,
F. N., Achen, C. H. & König, T. (eds.), *The European Union Decides*. Cambridge University
Press, 86-123 (the weighted mean as a reduced form of Nash bargaining; power weights).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from offramp.bargaining.batch import ProblemBatch, weighted_mean_batch
from offramp.bargaining.compromise import weighted_mean
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.result import Forecast

#: The grid-search optimum on shared deu3-dev (all 180 scored issues, quarter-step grid).
DEFAULT_ALPHA = 0.5
DEFAULT_BETA = 0.0
#: Quarter steps from 0 to 1.5 for both exponents.
QUARTER_GRID = tuple(float(x) for x in np.arange(0.0, 1.5001, 0.25))
#: Tenth steps: the finer grid that issue 14 showed to chase noise; scored as its own family.
TENTH_GRID = tuple(round(float(x), 2) for x in np.arange(0.0, 1.5001, 0.1))


def weights(problem: BargainingProblem, alpha: float, beta: float) -> np.ndarray:
    """(n, d) weights c^α s^β; with β = 0 salience plays no part (0^0 = 1)."""
    c = problem.capabilities[:, None] ** alpha
    s = problem.saliences**beta if beta != 0 else np.ones_like(problem.saliences)
    return c * s


@dataclass(frozen=True)
class PowerMean(BargainingModel):
    """Weighted mean with w = capability^alpha x salience^beta (see the module docstring)."""

    alpha: float = DEFAULT_ALPHA
    beta: float = DEFAULT_BETA

    name: ClassVar[str] = "power-mean"
    interval_half_width: ClassVar[float | None] = 29.88  # see offramp.bargaining.intervals
    description: ClassVar[str] = (
        "weighted mean with weights capability^alpha x salience^beta (alpha, beta calibrated "
        "on DEU III dev)"
    )
    reference: ClassVar[str] = "Achen (2006), in Thomson et al., The European Union Decides"
    param_grid: ClassVar[dict[str, Any]] = {"alpha": QUARTER_GRID, "beta": QUARTER_GRID}

    def predict(self, problem: BargainingProblem) -> np.ndarray:
        w = weights(problem, self.alpha, self.beta)
        f = weighted_mean(problem.positions, w)
        return np.where(np.isnan(f), np.mean(problem.positions, axis=0), f)

    def predict_batch(self, batch: ProblemBatch) -> np.ndarray:
        c = batch.capabilities[:, :, None] ** self.alpha
        s = batch.saliences**self.beta if self.beta != 0 else np.ones_like(batch.saliences)
        f = weighted_mean_batch(batch.positions, c * s)
        return np.where(np.isnan(f), np.mean(batch.positions, axis=1), f)

    @classmethod
    def predict_grid(cls, problem: BargainingProblem, models: Sequence[PowerMean]) -> np.ndarray:
        a = np.array([m.alpha for m in models])[:, None, None]
        b = np.array([m.beta for m in models])[:, None, None]
        w = problem.capabilities[None, :, None] ** a * problem.saliences[None] ** b  # 0^0 = 1
        total = np.sum(w, axis=1)
        f = np.sum(w * problem.positions[None], axis=1) / np.where(total > 0, total, 1.0)
        means: np.ndarray = np.where(total > 0, f, np.mean(problem.positions, axis=0)[None, :])
        return means

    def forecast(self, problem: BargainingProblem) -> Forecast:
        """Forecast Σ w x / Σ w per dimension, and show the working.

        ``details`` gives the parameters, the compromise model's forecast for comparison, and
        each actor's share of the weight and pull (share x position) per dimension, so an
        analyst can see which actors put the forecast where it is.
        """
        w = weights(problem, self.alpha, self.beta)
        x = problem.positions
        f = weighted_mean(x, w)
        cw = problem.capabilities[:, None] * problem.saliences
        total = np.sum(w, axis=0)
        share = np.where(total > 0, w / np.where(total > 0, total, 1.0), 0.0)
        components = [
            {
                "dimension": dim,
                "compromise": float(weighted_mean(x[:, k : k + 1], cw[:, k : k + 1])[0]),
                "forecast": float(f[k]),
                "actors": [
                    {
                        "actor": a,
                        "position": float(x[i, k]),
                        "weight_share": float(share[i, k]),
                        "pull": float(share[i, k] * x[i, k]),
                    }
                    for i, a in enumerate(problem.actors)
                ],
            }
            for k, dim in enumerate(problem.dimensions)
        ]
        return self.one_round(
            problem,
            f,
            {
                "formula": "sum(w*x)/sum(w), w = capability**alpha * salience**beta",
                "alpha": self.alpha,
                "beta": self.beta,
                "components": components,
            },
        )

    def explain(self, fc: Forecast) -> list[dict[str, Any]]:
        d = fc.details
        out: list[dict[str, Any]] = [
            {
                "text": f"{fc.model}: weighted mean with w = capability^{d['alpha']:g} x "
                f"salience^{d['beta']:g}"
            }
        ]
        for comp in d["components"]:
            out.append(
                {
                    "title": f"{comp['dimension']}: who pulls the {fc.model} value",
                    "columns": ["actor", "position", "weight share", "pull"],
                    "rows": [
                        [a["actor"], a["position"], f"{a['weight_share']:.1%}", a["pull"]]
                        for a in sorted(comp["actors"], key=lambda a: -a["weight_share"])
                    ],
                }
            )
            out.append(
                {
                    "text": f"{fc.model} value {comp['forecast']:.2f} = the sum of the pulls "
                    f"(compromise weights would give {comp['compromise']:.2f})"
                }
            )
        return out
