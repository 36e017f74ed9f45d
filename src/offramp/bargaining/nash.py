"""The Nash bargaining solution with the status quo (reference point) as disagreement point.

Each actor i has quadratic utility u_i(x) = -(x - x_i)^2 and, if no agreement is reached, gets
the reference point rp (the status quo of the DEU data's ``rp`` column). The asymmetric Nash
bargaining solution maximises the weighted Nash product

    Σ_i w_i log g_i(x),   g_i(x) = u_i(x) - u_i(rp) = (x_i - rp)^2 - (x - x_i)^2,

with bargaining weights w_i = c_i^α s_i (Achen 2006 shows the weighted mean is this solution's
reduced form when the status quo is far away). Writing a_i = |x_i - rp| and t = |x - rp|, the
first-order condition is W / t = Σ_i w_i / (2 a_i - t) (W = Σ w_i), whose left side falls and
right side rises in t, so its root lies between the smallest and largest a_i and is found by
bisection; the forecast is rp + t in the direction of change.

Choices, where the literature leaves room:

- **who bargains**: change moves away from rp on the side where the weighted mean lies; actors
  at rp or behind it cannot gain from any such change and are left out of the product (they
  are outvoted), unless ``veto`` says they can block: ``"unanimity"`` gives them a veto on
  issues decided by unanimity (the forecast is then rp), ``"none"`` never does;
- **no reference point**: the forecast is the weighted mean with the same weights (the
  solution's limit when the status quo is far from every actor).

References
----------
Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162.
Achen, C. H. (2006). Institutional realism and bargaining models. In Thomson, R., Stokman,
F. N., Achen, C. H. & König, T. (eds.), *The European Union Decides*. Cambridge University
Press, 86-123.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from offramp.bargaining.compromise import weighted_mean
from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.result import Forecast

VETO_RULES = ("none", "unanimity")


def nash_point(x: np.ndarray, w: np.ndarray, rp: float, veto: bool = False) -> float:
    """The weighted Nash bargaining solution on one dimension (see the module docstring)."""
    keep = w > 0
    x, w = x[keep], w[keep]
    if x.size == 0:
        return float("nan")
    if not np.isfinite(rp):
        return float(np.sum(w * x) / np.sum(w))
    a = x - rp
    side = np.sign(np.sum(w * a))
    if side == 0:
        return float(rp)
    gain = a * side > 0
    if veto and not np.all(gain):
        return float(rp)
    a, w = np.abs(a[gain]), w[gain]
    total = np.sum(w)
    # the root lies in [min a, max a], and below 2 min a where every gain is positive
    lo = float(np.min(a))
    hi = min(float(np.max(a)), 2.0 * lo * (1.0 - 1e-12))
    for _ in range(60):  # bisection to well below 1e-9 on the 0-100 scale
        t = 0.5 * (lo + hi)
        if total / t - np.sum(w / (2.0 * a - t)) > 0:
            lo = t
        else:
            hi = t
    return float(rp + side * 0.5 * (lo + hi))


@dataclass(frozen=True)
class Nash(BargainingModel):
    """Asymmetric Nash bargaining solution, quadratic utilities, status quo rp."""

    #: the grid point fitted on DEU III dev (scripts/choose_default_model.py)
    alpha: float = 0.5
    veto: str = "none"

    name: ClassVar[str] = "nash"
    interval_half_width: ClassVar[float | None] = 48.24  # see offramp.bargaining.intervals
    description: ClassVar[str] = (
        "Nash bargaining solution with the reference point (status quo) as disagreement point"
    )
    reference: ClassVar[str] = "Nash (1950), Econometrica; Achen (2006), The European Union Decides"
    param_grid: ClassVar[dict[str, Any]] = {"alpha": (0.5, 1.0), "veto": VETO_RULES}

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.veto not in VETO_RULES:
            raise BargainingInputError(f"nash: veto must be one of {VETO_RULES}, not {self.veto!r}")

    def predict(self, problem: BargainingProblem) -> np.ndarray:
        w = problem.capabilities[:, None] ** self.alpha * problem.saliences
        rp = problem.reference_point
        veto = self.veto == "unanimity" and (problem.voting_rule or "").lower().startswith("unan")
        return np.array(
            [
                nash_point(
                    problem.positions[:, k],
                    w[:, k],
                    float(rp[k]) if rp is not None else float("nan"),
                    veto,
                )
                for k in range(problem.n_dimensions)
            ]
        )

    def forecast(self, problem: BargainingProblem) -> Forecast:
        f = self.predict(problem)
        rp = problem.reference_point
        w = problem.capabilities[:, None] ** self.alpha * problem.saliences
        return self.one_round(
            problem,
            f,
            {
                "alpha": self.alpha,
                "veto": self.veto,
                "reference_point": None
                if rp is None
                else [None if not np.isfinite(v) else float(v) for v in rp],
                "weighted_mean": [float(v) for v in weighted_mean(problem.positions, w)],
            },
        )

    def explain(self, fc: Forecast) -> list[dict[str, Any]]:
        rp = fc.details["reference_point"]
        return [
            {
                "text": f"{dim}: "
                + (
                    "no reference point, so the forecast is the weighted mean"
                    if rp is None or rp[k] is None
                    else f"status quo {rp[k]:g}; Nash bargaining solution {fc.forecast[k]:.2f}"
                )
            }
            for k, dim in enumerate(fc.dimensions)
        ]
