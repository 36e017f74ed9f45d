"""offramp's own forecaster: a calibrated power-weighted mean of the stated positions.

The compromise model weights each actor by capability x salience. On real EU decisions
(DEU III) two departures from it forecast better, and both have a plain reading:

- **capability counts less than proportionally** (weight c^α with α ≈ 1/2): in consensual
  bodies small members are heard more than their size alone would give them;
- **salience does not help** (β ≈ 0): the experts' salience scores add noise, not signal, to
  where the outcome lands; every actor that stated a position counts.

The forecast is Σ w x / Σ w with w = c^α s^β (s^0 = 1, so with β = 0 an actor with a position
but salience 0 or unknown still counts). α and β are calibrated by grid search on a DEU file
(`calibrate`) and the honest score is the cross-validated one (`cross_validate`, folds by
proposal so that issues of one law are never split between fitting and scoring).
Other ideas that were tried and did not survive cross-validation are listed in
docs/methods/bargaining-offramp.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from offramp.bargaining.compromise import weighted_mean
from offramp.bargaining.deu import DEUIssue
from offramp.bargaining.inputs import BargainingProblem
from offramp.bargaining.result import Forecast

#: Calibrated on shared deu3-dev (all 180 scored issues, quarter-step grid): see the docs.
DEFAULT_ALPHA = 0.5
DEFAULT_BETA = 0.0
#: Quarter steps: finer grids only chase noise in ~70 proposals (see the docs' sensitivity).
DEFAULT_GRID = tuple(float(x) for x in np.arange(0.0, 1.5001, 0.25))


def weights(problem: BargainingProblem, alpha: float, beta: float) -> np.ndarray:
    """(n, d) weights c^α s^β; with β = 0 salience plays no part (0^0 = 1)."""
    c = problem.capabilities[:, None] ** alpha
    s = problem.saliences**beta if beta != 0 else np.ones_like(problem.saliences)
    return c * s


def offramp_model(
    problem: BargainingProblem, alpha: float = DEFAULT_ALPHA, beta: float = DEFAULT_BETA
) -> Forecast:
    """Forecast Σ w x / Σ w with w = c^α s^β per dimension, and show the working.

    ``details`` gives the parameters, the compromise model's forecast for comparison, and each
    actor's share of the weight and pull (share x position) per dimension, so an analyst can
    see which actors put the forecast where it is.
    """
    w = weights(problem, alpha, beta)
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
    return Forecast(
        model="offramp",
        scenario=problem.name,
        dimensions=list(problem.dimensions),
        actors=list(problem.actors),
        rounds=[x.copy()],
        forecast=f,
        details={
            "formula": "sum(w*x)/sum(w), w = capability**alpha * salience**beta",
            "alpha": alpha,
            "beta": beta,
            "components": components,
        },
    )


def _predictions(issues: Sequence[DEUIssue], grid: Sequence[float]) -> np.ndarray:
    """P[a, b, i]: forecast of issue i with α = grid[a], β = grid[b]."""
    out = np.empty((len(grid), len(grid), len(issues)))
    for i, issue in enumerate(issues):
        p = issue.problem
        x = p.positions[:, 0]
        for a, alpha in enumerate(grid):
            for b, beta in enumerate(grid):
                w = weights(p, alpha, beta)[:, 0]
                tw = np.sum(w)
                out[a, b, i] = np.sum(w * x) / tw if tw > 0 else np.mean(x)
    return out


@dataclass
class Calibration:
    """Best (α, β) on some issues and the mean absolute error it reaches there."""

    alpha: float
    beta: float
    mae: float


def calibrate(issues: Sequence[DEUIssue], grid: Sequence[float] = DEFAULT_GRID) -> Calibration:
    """Grid-search α and β minimising the MAE over the scored ``issues``."""
    scored = [x for x in issues if x.outcome is not None]
    y = np.array([x.outcome for x in scored], dtype=float)
    err = np.mean(np.abs(_predictions(scored, grid) - y), axis=2)
    a, b = np.unravel_index(int(np.argmin(err)), err.shape)
    return Calibration(alpha=float(grid[a]), beta=float(grid[b]), mae=float(err[a, b]))


@dataclass
class CrossValidation:
    """Leave-one-proposal-out result: the CV MAE and each fold's chosen parameters."""

    mae: float
    folds: list[dict]
    predictions: list[dict]


def cross_validate(
    issues: Sequence[DEUIssue], grid: Sequence[float] = DEFAULT_GRID
) -> CrossValidation:
    """Leave one proposal out: calibrate on the other proposals, score the held-out one.

    Nothing is fitted on the issues being scored, and issues of the same law never straddle
    fitting and scoring (they share actors' behaviour, so splitting them would leak).
    """
    scored = [x for x in issues if x.outcome is not None]
    y = np.array([x.outcome for x in scored], dtype=float)
    props = np.array([x.proposal for x in scored])
    err = np.abs(_predictions(scored, grid) - y)  # (a, b, i)
    pred = _predictions(scored, grid)
    held = np.empty(len(scored))
    chosen = np.empty(len(scored))
    folds: list[dict] = []
    preds: list[dict] = []
    for prop in dict.fromkeys(props):
        test = props == prop
        train_err = np.mean(err[:, :, ~test], axis=2)
        a, b = np.unravel_index(int(np.argmin(train_err)), train_err.shape)
        held[test] = err[a, b, test]
        chosen[test] = pred[a, b, test]
        folds.append({"proposal": str(prop), "alpha": float(grid[a]), "beta": float(grid[b])})
    for i, x in enumerate(scored):
        preds.append({"issue": x.issue, "predicted": float(chosen[i]), "outcome": float(y[i])})
    return CrossValidation(mae=float(np.mean(held)), folds=folds, predictions=preds)
