"""The procedural agenda-setter model: the proposer picks the best point the rules let pass.

Under the EU's ordinary legislative procedure the Commission proposes, the Council adopts by
qualified majority (QMV) or unanimity, and under co-decision (COD) the Parliament must also
accept; under consultation (CNS) the Parliament is only heard. The agenda-setter reading
(Tsebelis 1994; Crombez 1996; Steunenberg 1994) forecasts the point nearest the proposer's
ideal among those that every veto player and a qualified majority of the Council prefer to
the status quo (the reference point rp). With single-peaked symmetric preferences, actor i
accepts x over rp iff |x - x_i| <= |rp - x_i|.

Choices:

- ``setter``: ``"com"`` (the Commission, the formal proposer) or ``"ep"`` (the Parliament as
  a conditional agenda setter under co-decision, Tsebelis 1994; under other procedures the
  Commission proposes);
- ``votes``: Council voting weights, ``"nice"`` (the Nice Treaty votes by DEU actor code, with
  the qualified majority at 255 of 345 votes, 73.9%) or ``"capability"``;
- Council members are the actors other than ``com`` and ``ep``; unanimity needs all of them;
  a problem without a voting rule needs a simple majority;
- candidates are the positions, rp and a 0.25-step grid on 0-100;
- without a reference point, or without the setter among the actors, the forecast is the
  compromise model's (the model has nothing to say), and ``details`` says so.

References
----------
Tsebelis, G. (1994). The power of the European Parliament as a conditional agenda setter.
American Political Science Review 88(1), 128-142.
Crombez, C. (1996). Legislative procedures in the European Community. British J. Political
Science 26(2), 199-228.
Thomson, R. et al. (2006). *The European Union Decides*. Cambridge University Press (ch. 4-6:
procedural models scored on DEU).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from offramp.bargaining.compromise import weighted_mean
from offramp.bargaining.deu import NICE_VOTES
from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.result import Forecast

QMV_SHARE = 255.0 / 345.0
SETTERS = ("com", "ep")
VOTE_SCHEMES = ("nice", "capability")
_GRID = np.linspace(0.0, 100.0, 401)


def threshold_share(voting_rule: str | None) -> float:
    """Share of the Council's votes a proposal needs under ``voting_rule``."""
    rule = (voting_rule or "").lower()
    if rule.startswith("qmv"):
        return QMV_SHARE
    if rule.startswith("unan"):
        return 1.0
    return 0.5


def agenda_point(
    x: np.ndarray,
    votes: np.ndarray,
    council: np.ndarray,
    vetoes: np.ndarray,
    setter: int,
    rp: float,
    share: float,
    scale: tuple[float, float] = (0.0, 100.0),
) -> float:
    """The feasible point nearest the setter's ideal (ties: the one nearer rp)."""
    low, high = scale
    eps = 1e-11 * abs(high - low)  # 1e-9 on the 0-100 scale, relative to any other
    cand = np.unique(np.concatenate([low + (high - low) * _GRID / 100.0, x, [rp]]))
    accept = np.abs(cand[None, :] - x[:, None]) <= np.abs(rp - x)[:, None] + eps
    need = share * np.sum(votes[council]) - 1e-9
    ok = np.sum(votes[council, None] * accept[council], axis=0) >= need
    ok &= np.all(accept[vetoes], axis=0)
    # the status quo always "passes": nothing changes (closeness judged on 0-100)
    ok |= np.isclose((cand - low) * (100.0 / (high - low)), (rp - low) * (100.0 / (high - low)))
    key = np.where(ok, np.abs(cand - x[setter]) + 1e-9 * np.abs(cand - rp), np.inf)
    return float(cand[int(np.argmin(key))])


@dataclass(frozen=True)
class AgendaSetter(BargainingModel):
    """Commission (or Parliament) proposes the best point a qualified majority accepts."""

    #: the grid point fitted on DEU III dev (scripts/choose_default_model.py)
    setter: str = "ep"
    votes: str = "capability"

    name: ClassVar[str] = "agenda"
    interval_half_width: ClassVar[float | None] = 60.00  # see offramp.bargaining.intervals
    description: ClassVar[str] = (
        "procedural agenda-setter model: the proposer's best point that the voting rule and "
        "the veto players let pass against the status quo"
    )
    reference: ClassVar[str] = "Tsebelis (1994), APSR; Crombez (1996), BJPolS"
    param_grid: ClassVar[dict[str, Any]] = {"setter": SETTERS, "votes": VOTE_SCHEMES}

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.setter not in SETTERS:
            raise BargainingInputError(f"agenda: setter must be one of {SETTERS}")
        if self.votes not in VOTE_SCHEMES:
            raise BargainingInputError(f"agenda: votes must be one of {VOTE_SCHEMES}")

    def proposer(self, problem: BargainingProblem) -> str:
        """Who proposes: the Parliament only as setter under co-decision, else the Commission."""
        cod = (problem.procedure or "").upper() == "COD"
        return "ep" if self.setter == "ep" and cod and "ep" in problem.actors else "com"

    def _why_not(self, problem: BargainingProblem, k: int) -> str | None:
        rp = problem.reference_point
        if rp is None or not np.isfinite(rp[k]):
            return "no reference point"
        if "com" not in problem.actors:
            return "no Commission (actor 'com') among the actors"
        return None

    def predict(self, problem: BargainingProblem) -> np.ndarray:
        actors = problem.actors
        fallback = weighted_mean(
            problem.positions, problem.capabilities[:, None] * problem.saliences
        )
        cod = (problem.procedure or "").upper() == "COD"
        setter_name = self.proposer(problem)
        council = np.array([a not in SETTERS for a in actors])
        if self.votes == "nice" and all(a in NICE_VOTES for a in np.array(actors)[council]):
            votes = np.array([NICE_VOTES.get(a, 0.0) for a in actors], dtype=float)
        else:
            votes = problem.capabilities.astype(float)
        veto_names = {"ep"} if cod else set()
        vetoes = np.array([a in veto_names and a != setter_name for a in actors])
        out = np.empty(problem.n_dimensions)
        for k in range(problem.n_dimensions):
            if self._why_not(problem, k) is not None or not np.any(council):
                out[k] = fallback[k]
                continue
            out[k] = agenda_point(
                problem.positions[:, k],
                votes,
                council,
                vetoes,
                actors.index(setter_name),
                float(problem.reference_point[k]),  # type: ignore[index]
                threshold_share(problem.voting_rule),
                problem.scale or (0.0, 100.0),
            )
        return out

    def forecast(self, problem: BargainingProblem) -> Forecast:
        return self.one_round(
            problem,
            self.predict(problem),
            {
                "setter": self.setter,
                "proposer": self.proposer(problem),
                "votes": self.votes,
                "voting_rule": problem.voting_rule,
                "procedure": problem.procedure,
                "fallback_to_compromise": {
                    d: why
                    for k, d in enumerate(problem.dimensions)
                    if (why := self._why_not(problem, k)) is not None
                },
            },
        )

    def explain(self, fc: Forecast) -> list[dict[str, Any]]:
        d = fc.details
        out = [
            {
                "text": f"agenda: {d['proposer']} proposes; voting rule "
                f"{d['voting_rule'] or 'unknown'}, procedure {d['procedure'] or 'unknown'}"
            }
        ]
        for dim, why in d["fallback_to_compromise"].items():
            out.append({"text": f"{dim}: {why}, so the forecast is the compromise model's"})
        return out
