"""Answering a scenario's own questions from its results, with the evidence.

A question holds in a state when its statement is true there. Its *verdict* is read off the
equilibria (under the question's concept, SEQ by default) where the evolution from the status
quo settles: the first equilibria met on paths of unilateral improvements from the status quo
(an equilibrium absorbs the evolution; the status quo itself if it is one). Those are what
'will it happen' means in this model. Without a status quo, all equilibria count.

- ``yes``: it holds in every such equilibrium;
- ``no``: in none;
- ``depends``: in some and not others (the path taken decides);
- ``undetermined``: no equilibrium is reachable (the conflict can cycle for ever).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from offramp.conflict.concepts import concept_short
from offramp.conflict.state_ids import to_id
from offramp.scenario.statements import evaluate_codes

if TYPE_CHECKING:
    from offramp.analysis.conflict_analysis import Analysis
    from offramp.scenario.resolved import CompiledQuestion

VERDICTS = ("yes", "no", "depends", "undetermined")


def verdict_codes(n_base: np.ndarray, n_hold: np.ndarray) -> np.ndarray:
    """The verdict (an index into VERDICTS) from how many states it is read from and in how
    many of them the question holds (see the module docstring): the one rule every analysis —
    single run, sweep, Monte Carlo batch — applies, vectorised over samples."""
    return np.select(
        [n_base == 0, n_hold == n_base, n_hold == 0],
        [VERDICTS.index(v) for v in ("undetermined", "yes", "no")],
        VERDICTS.index("depends"),
    )


def verdict_of(holds_in_base: np.ndarray) -> str:
    """The verdict for one set of states: where the question holds among them."""
    holds = np.asarray(holds_in_base, dtype=bool)
    return VERDICTS[int(verdict_codes(np.array(len(holds)), np.array(int(holds.sum()))))]


@dataclass
class Answer:
    question: CompiledQuestion
    verdict: str
    holds_now: bool | None
    basis: str  # which equilibria the verdict is read from
    evidence: dict[str, Any] = field(default_factory=dict)  # per concept: equilibria where it holds
    threshold: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.question.id,
            "ask": self.question.ask,
            "holds_when": self.question.statement.text,
            "concept": self.question.concept,
            "verdict": self.verdict,
            "holds_now": self.holds_now,
            "basis": self.basis,
            "evidence": self.evidence,
        }
        if self.threshold is not None:
            out["threshold"] = self.threshold
        return out


def holds_mask(analysis: Analysis, question: CompiledQuestion) -> np.ndarray:
    return evaluate_codes(question.statement.expr, analysis.model.codes)


def answer(analysis: Analysis, question: CompiledQuestion) -> Answer:
    model = analysis.model
    result = analysis.stability
    evo = analysis.evolution
    holds = holds_mask(analysis, question)
    evidence: dict[str, dict[str, Any]] = {}
    for c in result.concepts:
        eqs = result.equilibria(c)
        entry = {
            "equilibria": len(eqs),
            "holds_in": [int(s) + 1 for s in eqs if holds[s]],
        }
        if evo is not None:
            reach = [int(s) for s in eqs if evo.distance[s] >= 0]
            entry["reachable"] = [s + 1 for s in reach]
            entry["reachable_holds_in"] = [s + 1 for s in reach if holds[s]]
            settles = analysis.settles_at(c)
            settle = [] if settles is None else [int(s) for s in settles]
            entry["settles_at"] = [s + 1 for s in settle]
            entry["settles_at_holds_in"] = [s + 1 for s in settle if holds[s]]
        evidence[c] = entry
    c = question.concept
    name = concept_short(c)
    if evo is not None:
        base = [s - 1 for s in evidence[c]["settles_at"]]
        where = f"{name} equilibria where the evolution from the status quo settles"
    else:
        base = [int(s) for s in result.equilibria(c)]
        where = f"{name} equilibria (no status quo declared)"
    flags = np.array([bool(holds[s]) for s in base], dtype=bool)
    verdict = verdict_of(flags)
    hits = int(flags.sum())
    one = where.replace("equilibria", "equilibrium", 1)
    if verdict == "undetermined":
        basis = f"there is no {one}"
    elif len(base) == 1:
        basis = (
            f"it {'holds' if hits else 'does not hold'} in the only {one} (state {to_id(base[0])})"
        )
    elif verdict == "yes":
        basis = f"it holds in all {len(base)} {where}"
    elif verdict == "no":
        basis = f"it holds in none of the {len(base)} {where}"
    else:
        basis = f"it holds in {hits} of the {len(base)} {where}"
    holds_now = None if model.status_quo is None else bool(holds[model.status_quo])
    return Answer(question, verdict, holds_now, basis, evidence)
