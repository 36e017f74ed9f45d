"""Bueno de Mesquita's expected-utility model, in the specification of Scholz, Calbert and Smith
(2011, "Unravelling Bueno De Mesquita's group decision model", J. Theoretical Politics 23(4)).

Each round every actor weighs challenging every other; an actor receives offers from the
actors that expect to gain by challenging it and accepts one. The forecast is the weighted
median of the positions after a fixed number of rounds (10, as in the published runs).

Published implementations differ in details; `BDMSpec` names each choice so that the docs
(docs/methods/bargaining-bdm.md) can say what each one does to the trajectory:

- ``probability``: "all_pairs" divides the votes for i over j by the sum of all absolute votes
  over all ordered pairs of actors (Scholz et al.'s code; P is then small and the challenged
  actor rarely fights); "pair" divides by the votes cast in the (i, j) contest only, so that
  P_i(j) + P_j(i) = 1 (the formula as usually written).
- ``vote_risk``: voters compare positions with their own risk exponent (|x_k - x| / Δ)^r_k
  (Scholz et al.'s code) or linearly.
- ``compromise_choice``: among compromise offers the actor takes the one that moves it least
  ("least_move", as the paper and Bueno de Mesquita describe it) or the one whose
  EU-weighted average of the two positions is lowest ("scholz_code", what their code does).
- ``capitulation``: whether the capitulation branch (b > 0 > a, b <= |a|) can fire. The
  reference trajectory in ``shared/data/bdm`` comes from code where it cannot (a typo makes
  the condition always false); ``capitulation=False`` reproduces that defect.

Fixed choices: Q = 1 (so U_b and U_w drop out); Δ = max - min of the initial positions;
risk exponents recomputed every round from the current positions with r = 1; offers are
evaluated from the receiver's point of view (its risk exponent); an offer's credibility ranks
conflict above compromise above capitulation, ties going to the smallest move.

References
----------
Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In Bueno de
Mesquita, B. & Stokman, F. N. (eds.), *European Community Decision Making*. Yale UP, 71-104.
Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's group
decision model. J. Theoretical Politics 23(4), 510-531.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from offramp.bargaining.limits import check_cubic_model
from offramp.bargaining.median import weighted_median_1d
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.result import Forecast

DEFAULT_ROUNDS = 10

#: Utilities within this of each other (or of 0) are equal, and offers within this many ranges
#: Δ of each other equally far: the model's comparisons then do not depend on the rounding of
#: the position scale (issue 20, item 9: forecasts invariant to an affine change of scale).
TIE = 1e-9


@dataclass(frozen=True)
class BDMSpec:
    """The specification choices where published implementations differ (see module doc)."""

    probability: str = "all_pairs"
    vote_risk: bool = True
    compromise_choice: str = "least_move"
    capitulation: bool = True

    def __post_init__(self) -> None:
        if self.probability not in ("all_pairs", "pair"):
            raise ValueError(f"probability must be 'all_pairs' or 'pair', not {self.probability!r}")
        if self.compromise_choice not in ("least_move", "scholz_code"):
            raise ValueError(
                f"compromise_choice must be 'least_move' or 'scholz_code', not "
                f"{self.compromise_choice!r}"
            )


#: The choices of the public implementation that produced ``shared/data/bdm``'s trajectory.
REFERENCE_CODE = BDMSpec(compromise_choice="scholz_code", capitulation=False)


def _votes(x: np.ndarray, w: np.ndarray, r: np.ndarray, delta: float) -> np.ndarray:
    """v[k, i, j] = w_k (d_k(x_j) - d_k(x_i)), d_k(y) = (|x_k - y| / Δ)^r_k: k's vote for i
    over j, positive when k prefers i."""
    d = (np.abs(x[:, None] - x[None, :]) / delta) ** r[:, None]  # d[k, i]
    gains: np.ndarray = w[:, None, None] * (d[:, None, :] - d[:, :, None])
    return gains


def probabilities(
    x: np.ndarray, w: np.ndarray, r: np.ndarray, delta: float, spec: BDMSpec
) -> np.ndarray:
    """P[i, j]: probability that i prevails over j (0 when they hold the same position)."""
    v = _votes(x, w, r if spec.vote_risk else np.ones_like(r), delta)
    num = np.sum(np.maximum(v, 0.0), axis=0)
    if spec.probability == "all_pairs":
        den = np.full_like(num, np.sum(np.abs(v)))
    else:
        den = np.sum(np.abs(v), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    p[x[:, None] == x[None, :]] = 0.0
    return p


def expected_utility(
    x: np.ndarray, s: np.ndarray, prob: np.ndarray, r_view: np.ndarray, delta: float
) -> np.ndarray:
    """EU[i, j]: expected utility of i challenging j, judged with risk exponents r_view[i, j].

    EU = s_j [P U_s + (1 - P) U_f] + (1 - s_j) U_s - U_sq with Q = 1,
    U_s = 2 - 4(1/2 - d/2)^r, U_f = 2 - 4(1/2 + d/2)^r, U_sq = 2 - 4(1/2)^r, d = |x_i - x_j|/Δ.
    """
    d = np.abs(x[:, None] - x[None, :]) / delta
    u_s = 2.0 - 4.0 * (0.5 - 0.5 * d) ** r_view
    u_f = 2.0 - 4.0 * (0.5 + 0.5 * d) ** r_view
    u_sq = 2.0 - 4.0 * 0.5**r_view
    eu = s[None, :] * (prob * u_s + (1.0 - prob) * u_f) + (1.0 - s[None, :]) * u_s - u_sq
    np.fill_diagonal(eu, 0.0)
    expected: np.ndarray = eu
    return expected


def risk_exponents(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, delta: float, spec: BDMSpec
) -> np.ndarray:
    """r_i from how exposed i is: Sec_i = Σ_j EU(j→i), all computed with r = 1;
    R_i = (2 Sec_i - max - min) / (max - min); r_i = (1 - R_i/3) / (1 + R_i/3) in [1/2, 2].
    The most exposed actor becomes risk acceptant (r = 1/2), the safest risk averse (r = 2).
    """
    ones = np.ones_like(x)
    prob = probabilities(x, c * s, ones, delta, spec)
    eu = expected_utility(x, s, prob, np.ones((x.size, x.size)), delta)
    sec = np.sum(eu, axis=0)  # column i: everybody's EU of challenging i
    lo, hi = float(np.min(sec)), float(np.max(sec))
    if hi - lo <= 0:
        return ones
    big_r = (2.0 * sec - hi - lo) / (hi - lo)
    risk: np.ndarray = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    return risk


def bdm_round(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, delta: float, spec: BDMSpec
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """One round of offers; returns (new positions, risk exponents used, accepted offers).

    Receiver i judges each proposer j with its own risk exponent: a = EU_i(i→j), b = EU_i(j→i).
    Conflict (b > a > 0): i moves to x_j. Compromise (b > 0 > a, b > |a|): i moves by
    |a/b| (x_j - x_i). Capitulation (b > 0 > a, b <= |a|): i moves to x_j.
    """
    n = x.size
    r = risk_exponents(x, c, s, delta, spec)
    prob = probabilities(x, c * s, r, delta, spec)
    new = x.copy()
    accepted: list[dict[str, Any]] = []
    rank = {"conflict": 0, "compromise": 1, "capitulation": 2}
    near = TIE * delta  # positions closer than this are the same offer's distance
    for i in range(n):
        eu = expected_utility(x, s, prob, np.full((n, n), r[i]), delta)
        best: tuple[tuple[int, float], int, str, float] | None = None
        for j in range(n):
            if x[j] == x[i]:
                continue
            a = float(eu[i, j])
            b = float(eu[j, i])
            # utilities are dimensionless (distances over the range Δ): compared with TIE, a
            # tie stays a tie whatever the scale of the positions (exact ties, as when every
            # actor weighs the same, would otherwise be broken by the rounding of the scale)
            if b > a + TIE and a > TIE:
                kind, target = "conflict", float(x[j])
            elif b > TIE and a < -TIE and b > abs(a) + TIE:
                kind, target = "compromise", float(x[i] + (x[j] - x[i]) * abs(a / b))
            elif spec.capitulation and b > TIE and a < -TIE:
                kind, target = "capitulation", float(x[j])
            else:
                continue
            if kind == "compromise" and spec.compromise_choice == "scholz_code":
                tie = (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
            else:
                tie = abs(target - x[i])
            key = (rank[kind], float(tie))
            if (
                best is None
                or key[0] < best[0][0]
                or (key[0] == best[0][0] and key[1] < best[0][1] - near)
            ):
                best = (key, j, kind, target)
        if best is not None:
            new[i] = best[3]
            accepted.append({"actor": i, "from": best[1], "kind": best[2], "position": best[3]})
    return new, r, accepted


def bdm(
    problem: BargainingProblem, rounds: int = DEFAULT_ROUNDS, spec: BDMSpec = BDMSpec()
) -> Forecast:
    """Run the expected-utility model on each dimension separately and forecast the weighted
    median (capability x salience) of the positions after ``rounds`` rounds.

    Actors with zero salience on a dimension sit that dimension out (they neither vote nor
    move); ``details`` lists the medians, risk exponents and accepted offers of every round.
    """
    check_cubic_model(problem, "bdm")  # n^3 arrays: refuse before allocating
    n, d = problem.positions.shape
    traj = np.empty((rounds + 1, n, d))
    risk = np.ones((rounds + 1, n, d))
    forecast = np.empty(d)
    medians = np.empty((rounds + 1, d))
    offers: list[list[list[dict[str, Any]]]] = []
    c = problem.capabilities
    for k in range(d):
        x = problem.positions[:, k].astype(float)
        s = problem.saliences[:, k]
        keep = s > 0
        idx = np.flatnonzero(keep)
        delta = float(np.ptp(x[keep])) if idx.size else 0.0
        traj[0, :, k] = x
        medians[0, k] = weighted_median_1d(x, c * s)
        per_dim: list[list[dict[str, Any]]] = []
        for t in range(1, rounds + 1):
            if delta > 0 and idx.size > 1:
                y, r, acc = bdm_round(x[keep], c[keep], s[keep], delta, spec)
                x = x.copy()
                x[keep] = y
                risk[t, keep, k] = r
                for o in acc:
                    o["actor"] = problem.actors[idx[o["actor"]]]
                    o["from"] = problem.actors[idx[o["from"]]]
                per_dim.append(acc)
            traj[t, :, k] = x
            medians[t, k] = weighted_median_1d(x, c * s)
        forecast[k] = medians[rounds, k]
        offers.append(per_dim)
    return Forecast(
        model="bdm",
        scenario=problem.name,
        dimensions=list(problem.dimensions),
        actors=list(problem.actors),
        rounds=[traj[t] for t in range(rounds + 1)],
        forecast=forecast,
        details={
            "rounds": rounds,
            "spec": asdict(spec),
            "weighted_median_by_round": medians.T.tolist(),
            "risk_exponents_by_round": [risk[t].tolist() for t in range(rounds + 1)],
            "accepted_offers": offers,
        },
    )


@dataclass(frozen=True)
class BDM(BargainingModel):
    """Bueno de Mesquita's expected-utility model: ``rounds`` rounds, choices in ``spec``."""

    rounds: int = DEFAULT_ROUNDS
    spec: BDMSpec = BDMSpec()

    name: ClassVar[str] = "bdm"
    interval_half_width: ClassVar[float | None] = 50.00  # see offramp.bargaining.intervals
    in_reports: ClassVar[bool] = True
    description: ClassVar[str] = (
        "Bueno de Mesquita's expected-utility model (Scholz et al. 2011 specification)"
    )
    reference: ClassVar[str] = "Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4)"

    def forecast(self, problem: BargainingProblem) -> Forecast:
        return bdm(problem, self.rounds, self.spec)

    def explain(self, fc: Forecast) -> list[dict[str, Any]]:
        meds = fc.details["weighted_median_by_round"]
        return [
            {
                "text": f"bdm weighted median by round on {dim}: "
                + ", ".join("-" if m != m else f"{m:.2f}" for m in meds[k])
            }
            for k, dim in enumerate(fc.dimensions)
        ]
