"""Position exchange between the issues of one proposal, in reduced form.

In the exchange model (Stokman & Van Oosten 1994; Arregui, Stokman & Thomson 2006) actors
trade support: each gives way on the issues it cares less about in return for concessions on
the issues it cares more about. After the trades an actor's influence is concentrated on its
relatively salient issues. offramp implements that end state, not the pairwise trading
algorithm: on a problem with several dimensions (the issues of one proposal), actor i's weight
on issue k is

    w_ik = c_i^α s_ik (s_ik / s̄_i)^γ,    s̄_i = mean of i's positive saliences over the issues,

and the forecast is the weighted mean. γ = 0 is the compromise model with capability^α; γ > 0
moves influence to where an actor cares relatively more. On a one-dimensional problem the
model is the compromise model with capability^α (there is nothing to exchange), which is why
`offramp.bargaining.evaluation` scores it on whole proposals (``scope = "proposal"``).

References
----------
Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an object-oriented
model of policy networks. In Bueno de Mesquita, B. & Stokman, F. N. (eds.), *European
Community Decision Making*. Yale University Press, 105-127.
Arregui, J., Stokman, F. N. & Thomson, R. (2006). Compromise, exchange and challenge in the
European Union. In Thomson, R. et al. (eds.), *The European Union Decides*. CUP, 124-152.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from offramp.bargaining.compromise import weighted_mean
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.result import Forecast


def exchange_weights(problem: BargainingProblem, alpha: float, gamma: float) -> np.ndarray:
    """(n, d) weights c^α s (s / s̄)^γ (see the module docstring)."""
    s = problem.saliences
    pos = s > 0
    count = np.maximum(np.sum(pos, axis=1, keepdims=True), 1)
    mean = np.sum(np.where(pos, s, 0.0), axis=1, keepdims=True) / count
    rel = np.where(pos, s / np.where(mean > 0, mean, 1.0), 0.0)
    weights: np.ndarray = problem.capabilities[:, None] ** alpha * s * rel**gamma
    return weights


@dataclass(frozen=True)
class Exchange(BargainingModel):
    """Weighted mean after position exchange: influence moves to relatively salient issues."""

    #: the grid point fitted on DEU III dev (scripts/choose_default_model.py): γ = 0, i.e.
    #: exchange as modelled here adds nothing there (docs/methods/deu-evaluation.md)
    alpha: float = 0.5
    gamma: float = 0.0

    name: ClassVar[str] = "exchange"
    interval_half_width: ClassVar[float | None] = 32.91  # see offramp.bargaining.intervals
    description: ClassVar[str] = (
        "position exchange between issues (reduced form): weighted mean with weights "
        "capability^alpha x salience x relative salience^gamma"
    )
    reference: ClassVar[str] = "Stokman & Van Oosten (1994); Arregui, Stokman & Thomson (2006)"
    param_grid: ClassVar[dict[str, Any]] = {"alpha": (0.5, 1.0), "gamma": (0.0, 0.5, 1.0, 2.0)}
    #: Evaluate on all the issues of a proposal at once (see the module docstring).
    scope: ClassVar[str] = "proposal"

    def predict(self, problem: BargainingProblem) -> np.ndarray:
        return weighted_mean(problem.positions, exchange_weights(problem, self.alpha, self.gamma))

    def forecast(self, problem: BargainingProblem) -> Forecast:
        w = exchange_weights(problem, self.alpha, self.gamma)
        return self.one_round(
            problem,
            weighted_mean(problem.positions, w),
            {"alpha": self.alpha, "gamma": self.gamma, "weights": w.tolist()},
        )
