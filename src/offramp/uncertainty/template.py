"""A scenario compiled once and re-evaluated for many sampled inputs.

Everything that does not depend on the uncertain numbers is computed once: the feasible
states, the truth of every preference statement on every state, the move structure of every DM,
and where each question holds. A sample then costs a few dot products (scores), a rank, and the
stability and evolution passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from offramp.conflict.evolution import evolve
from offramp.conflict.model import ConflictModel, dense_ranks
from offramp.conflict.result import CONCEPTS
from offramp.conflict.stability import analyse, move_indices
from offramp.scenario.compile import default_order, priority_scores, weight_scores
from offramp.scenario.loader import Scenario
from offramp.scenario.statements import evaluate_codes

VERDICTS = ("yes", "no", "depends", "undetermined")


@dataclass
class SampleOutcome:
    equilibria: np.ndarray  # (concepts, S) bool
    settles: np.ndarray  # (concepts, S) float: share of the evolution settling at each state
    verdicts: np.ndarray  # (questions,) int index into VERDICTS


class ConflictTemplate:
    """The conflict part of a scenario, ready for fast re-evaluation."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.base: ConflictModel = scenario.conflict
        codes = self.base.codes
        self.truths: dict[str, list[np.ndarray]] = {}
        for dm, pref in scenario.preferences.items():
            if pref.form in ("prioritization", "weights"):
                self.truths[dm] = [evaluate_codes(e[0].expr, codes) for e in pref.entries]
        self.base_indices = move_indices(self.base)
        for idx in self.base_indices:  # the preference-free part, built once
            idx.blocks("move")
        self.questions = scenario.questions
        self.holds = np.array(
            [evaluate_codes(q.statement.expr, codes) for q in self.questions], dtype=bool
        ).reshape(len(self.questions), len(codes))
        self.question_concepts = [CONCEPTS.index(q.concept) for q in self.questions]
        self.inputs = scenario.uncertain
        self.parameter_names = list(scenario.parameters)

    # ------------------------------------------------------------------ scores
    def scores(
        self,
        parameters: dict[str, float],
        weights: dict[tuple[str, int], float],
        orders: dict[str, list[int]],
    ) -> np.ndarray:
        sc = self.scenario
        size = self.base.n_states
        out = np.empty((len(sc.dm_names), size))
        for i, dm in enumerate(sc.dm_names):
            pref = sc.preferences[dm]
            if pref.form == "weights":
                values = []
                for k, src in enumerate(pref.sources):
                    if (dm, k) in weights:
                        values.append(weights[(dm, k)])
                    elif src[0] == "param":
                        values.append(src[2] * parameters[src[1]])
                    else:
                        values.append(src[1])
                out[i] = weight_scores(self.truths[dm], values, size)
            elif pref.form == "prioritization":
                order = orders.get(dm)
                out[i] = priority_scores(
                    self.truths[dm], order if order is not None else default_order(pref), size
                )
            else:
                out[i] = self.base.scores[i]
        return out

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, scores: np.ndarray) -> SampleOutcome:
        base = self.base
        ranks = dense_ranks(scores)
        model = ConflictModel(
            base.dm_names,
            base.option_names,
            base.option_dm,
            base.direction,
            base.codes,
            ranks,
            scores,
            base.status_quo,
            base.name,
        )
        model._cache["moves"] = [idx.with_rank(ranks[i]) for i, idx in enumerate(self.base_indices)]
        result = analyse(model)
        eq = np.stack([result.stable[c].all(axis=0) for c in CONCEPTS])
        settles = np.zeros(eq.shape)
        if base.status_quo is not None:
            for k in range(len(CONCEPTS)):
                evo = evolve(model, stop=eq[k])
                reached = evo.settled(eq[k])
                if len(reached):
                    settles[k, reached] = 1.0 / len(reached)
        verdicts = np.zeros(len(self.questions), dtype=np.int8)
        for qi, k in enumerate(self.question_concepts):
            base_set = (
                np.flatnonzero(settles[k] > 0)
                if base.status_quo is not None
                else np.flatnonzero(eq[k])
            )
            if len(base_set) == 0:
                verdicts[qi] = 3
                continue
            hits = self.holds[qi, base_set]
            verdicts[qi] = 0 if hits.all() else (1 if not hits.any() else 2)
        return SampleOutcome(eq, settles, verdicts)

    def point_outcome(self) -> SampleOutcome:
        """The deterministic analysis, through the same path (for checks)."""
        return self.evaluate(self.scores(dict(self.scenario.parameters), {}, {}))
