"""Stacking: a learned convex combination of simpler models' forecasts.

The forecast is Σ_m v_m f_m(problem) with v_m >= 0 and Σ v_m = 1, so it stays within the
range of its base models' forecasts. `fit_weights` chooses v by least absolute deviation (the
MAE the DEU evaluation scores), an exact linear programme; `offramp.bargaining.evaluation`
refits it inside every training fold, so a stacked model is scored only on proposals its
weights never saw (Wolpert 1992; Breiman 1996 for the non-negative weights). Least squares
was tried too: its weights forecast worse in MAE (nested-CV MAE of the default's choice 19.74
against 19.38).

References
----------
Wolpert, D. H. (1992). Stacked generalization. Neural Networks 5(2), 241-259.
Breiman, L. (1996). Stacked regressions. Machine Learning 24(1), 49-64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from offramp.bargaining.agenda import AgendaSetter
from offramp.bargaining.batch import ProblemBatch
from offramp.bargaining.compromise import Compromise
from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.median import Median
from offramp.bargaining.nash import Nash
from offramp.bargaining.power_mean import PowerMean
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.result import Forecast

#: The base models stacked by default: cheap, and different in kind.
DEFAULT_BASES: tuple[BargainingModel, ...] = (
    Compromise(),
    Median(),
    PowerMean(),
    Nash(),
    AgendaSetter(),
)


def fit_weights(predictions: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    """Convex weights v (m,) minimising Σ_i |Σ_m v_m P[m, i] - y_i| (least absolute deviation,
    the loss the DEU evaluation scores).

    ``predictions`` is (m, n): each base model's forecast of each of n issues; issues where a
    base forecast is NaN are left out. The primal linear programme has 2n + m variables; its
    dual, max y·u + z subject to P u + z <= 0 and -1 <= u <= 1, has only m rows, and the
    weights are the multipliers of those rows. HiGHS's dual simplex solves it in about a
    millisecond, which the hundreds of refits of a nested evaluation need. When several
    weightings reach the same error, the one the solver returns is kept (deterministic).
    """
    p = np.asarray(predictions, dtype=float)
    y = np.asarray(outcomes, dtype=float)
    ok = np.all(np.isfinite(p), axis=0) & np.isfinite(y)
    p, y = p[:, ok], y[ok]
    m, n = p.shape
    if n == 0:
        return np.full(m, 1.0 / m)
    from scipy.optimize import linprog  # where used: scipy costs start-up time

    res = linprog(
        np.concatenate([-y, [-1.0]]),
        A_ub=np.hstack([p, np.ones((m, 1))]),
        b_ub=np.zeros(m),
        bounds=[(-1.0, 1.0)] * n + [(None, None)],
        method="highs-ds",
    )
    v = np.clip(-np.asarray(res.ineqlin.marginals, dtype=float), 0.0, None) if res.success else None
    if v is None or not np.sum(v) > 0:  # pragma: no cover - the LP is feasible and bounded
        return np.full(m, 1.0 / m)
    normalised: np.ndarray = v / np.sum(v)
    return normalised


@dataclass(frozen=True)
class Stack(BargainingModel):
    """Convex combination of ``bases`` with ``weights`` (see the module docstring)."""

    bases: tuple[BargainingModel, ...] = DEFAULT_BASES
    weights: tuple[float, ...] = tuple(1.0 / len(DEFAULT_BASES) for _ in DEFAULT_BASES)

    name: ClassVar[str] = "stack"
    description: ClassVar[str] = (
        "stacking: convex combination of other models' forecasts, weights fitted by least "
        "absolute deviation"
    )
    reference: ClassVar[str] = "Wolpert (1992), Neural Networks; Breiman (1996), Machine Learning"

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.weights) != len(self.bases):
            raise BargainingInputError(
                f"stack: {len(self.weights)} weights for {len(self.bases)} base models"
            )
        if any(w < 0 for w in self.weights) or not np.isclose(sum(self.weights), 1.0):
            raise BargainingInputError("stack: weights must be >= 0 and sum to 1")

    def label(self) -> str:
        return (
            "stack("
            + ", ".join(
                f"{b.label()} {w:.2f}"
                for b, w in zip(self.bases, self.weights, strict=True)
                if w > 0
            )
            + ")"
        )

    def predict(self, problem: BargainingProblem) -> np.ndarray:
        p = np.stack([b.predict(problem) for b in self.bases])
        blend: np.ndarray = np.asarray(self.weights) @ p
        return blend

    def predict_batch(self, batch: ProblemBatch) -> np.ndarray:
        # (batch, models, d): each row's matrix is contiguous like the (models, d) of predict,
        # so the product runs the same kernel on the same numbers
        p = np.ascontiguousarray(np.stack([b.predict_batch(batch) for b in self.bases], axis=1))
        blend: np.ndarray = np.asarray(self.weights) @ p
        return blend

    def forecast(self, problem: BargainingProblem) -> Forecast:
        """The weighted forecast; ``details.components`` holds each base model's forecast,
        weight and own details (so its explanation can be shown too)."""
        fcs = [b.forecast(problem) for b in self.bases]
        p = np.stack([np.asarray(f.forecast, dtype=float) for f in fcs])
        return self.one_round(
            problem,
            np.asarray(self.weights) @ p,
            {
                "components": [
                    {
                        "model": b.label(),
                        "weight": float(w),
                        "forecast": [float(v) for v in p[m]],
                        "details": f.details,
                    }
                    for m, (b, w, f) in enumerate(zip(self.bases, self.weights, fcs, strict=True))
                ]
            },
        )

    def explain(self, fc: Forecast) -> list[dict[str, Any]]:
        comps = fc.details["components"]
        out: list[dict[str, Any]] = [
            {
                "title": "stacked models",
                "columns": ["model", "weight", *fc.dimensions],
                "rows": [[c["model"], f"{c['weight']:.2f}", *c["forecast"]] for c in comps],
            },
            {
                "text": "forecast (the weighted sum of these models' values): "
                + ", ".join(f"{d} {v:.2f}" for d, v in zip(fc.dimensions, fc.forecast, strict=True))
                + " (the tables below show how each model reaches its value)"
            },
        ]
        for b, c in zip(self.bases, comps, strict=True):
            if c["weight"] > 0:
                sub = Forecast(
                    model=b.name,
                    dimensions=fc.dimensions,
                    actors=fc.actors,
                    rounds=fc.rounds[:1],
                    forecast=np.asarray(c["forecast"]),
                    scenario=fc.scenario,
                    details=c["details"],
                )
                out.extend(b.explain(sub))
        return out
