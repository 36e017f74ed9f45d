"""A scenario compiled once and re-evaluated for many sampled inputs.

Everything that does not depend on the uncertain numbers is computed once: the feasible
states, the truth of every preference statement on every state, the move structure of every DM,
and where each question holds. A sample then costs a few dot products (scores), a rank, and the
stability and evolution passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from offramp.analysis.questions import VERDICTS, verdict_of
from offramp.bargaining import MODELS
from offramp.conflict.concepts import CONCEPTS, DEFAULT_CONCEPT
from offramp.conflict.evolution import evolve
from offramp.conflict.model import ConflictModel, dense_ranks
from offramp.conflict.moves import move_indices, with_ranks
from offramp.conflict.stability import compute_stability
from offramp.scenario.compile import default_order, priority_scores, weight_scores
from offramp.scenario.spec import ScenarioSpec as Scenario
from offramp.scenario.statements import evaluate_codes

CACHE_SIZE = 4096


@dataclass
class SampleOutcome:
    equilibria: np.ndarray  # (concepts, S) bool
    settles: np.ndarray  # (concepts, S) float: share of the evolution settling at each state
    verdicts: np.ndarray  # (questions,) int index into VERDICTS
    forecasts: np.ndarray | None = None  # (models, dimensions) at the settled outcome


class BargainingTemplate:
    """The bargaining section as arrays (the format's :class:`SectionArrays`), forecast by the
    named models for sampled capabilities, positions and saliences."""

    def __init__(self, scenario: Scenario, models: tuple[str, ...]):
        self.arrays = scenario.bargaining_arrays
        self.models = [MODELS[m] for m in models]
        self.model_names = list(models)
        self.actors = self.arrays.actors
        self.dims = self.arrays.dims
        self.cap, self.pos, self.sal = self.arrays.cap, self.arrays.pos, self.arrays.sal
        self.shifts = self.arrays.shifts

    def forecast(self, cap, pos, sal, shift_mask) -> np.ndarray:
        problem = self.arrays.problem(list(shift_mask), cap, pos, sal)
        return np.stack([m(problem).forecast for m in self.models])


class ConflictTemplate:
    """The conflict part of a scenario, ready for fast re-evaluation."""

    def __init__(self, scenario: Scenario, forecast_models: tuple[str, ...] = ("offramp",)):
        self.scenario = scenario
        self.base: ConflictModel = scenario.conflict
        codes = self.base.codes
        self.truths: dict[str, list[np.ndarray]] = {}
        bits: dict[int, np.ndarray] = {}  # option columns, extracted once
        for dm, pref in scenario.preferences.items():
            if pref.form in ("prioritization", "weights"):
                self.truths[dm] = [evaluate_codes(e[0].expr, codes, bits) for e in pref.entries]
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
        self._cache: dict[bytes, SampleOutcome] = {}
        self._own: dict[tuple[int, bytes], np.ndarray] = {}
        self.bargaining = (
            BargainingTemplate(scenario, forecast_models)
            if scenario.bargaining is not None and forecast_models
            else None
        )
        if self.bargaining is not None:
            self.shift_truth = np.array(
                [
                    evaluate_codes(c.expr, codes) if c is not None else np.zeros(len(codes), bool)
                    for c in scenario.shift_conditions
                ],
                dtype=bool,
            ).reshape(len(scenario.shift_conditions), len(codes))

    # ------------------------------------------------------------------ a sampled row
    def evaluate_row(self, row: np.ndarray, space) -> SampleOutcome:
        """Evaluate one sample (a row of :class:`InputSpace` draws)."""
        parameters = dict(self.scenario.parameters)
        weights: dict[tuple[str, int], float] = {}
        bcap = bpos = bsal = None
        if self.bargaining is not None:
            bt = self.bargaining
            bcap, bpos, bsal = bt.cap.copy(), bt.pos.copy(), bt.sal.copy()
        evidence: dict[str, float] = {}
        for u, value in zip(self.inputs, row[: len(self.inputs)], strict=True):
            if u.kind == "parameter":
                parameters[u.name] = float(value)
            elif u.kind == "evidence":
                evidence[u.name] = float(value)
            elif u.kind == "weight":
                weights[(u.dm, u.index)] = float(value)
            elif bcap is not None:
                i = self.bargaining.actors.index(u.dm)
                if u.kind == "capability":
                    bcap[i] = max(float(value), 1e-9)
                else:
                    dim = self.bargaining.dims.index(u.name.rsplit(".", 1)[1])
                    target = bpos if u.kind == "positions" else bsal
                    target[i, dim] = min(max(float(value), 0.0), 100.0)
        if self.scenario.derivation.derived:  # derived parameters follow the sampled inputs
            parameters = self.scenario.derivation.values(parameters, evidence)
        outcome = self.evaluate(self.scores(parameters, weights, space.orders(self.scenario, row)))
        if self.bargaining is not None:
            outcome.forecasts = self.forecasts_at(outcome, bcap, bpos, bsal)
        return outcome

    def forecasts_at(self, outcome: SampleOutcome, cap, pos, sal) -> np.ndarray:
        """Forecasts at the outcome where the conflict settles (SEQ), shares averaged; the
        positions as given when nothing is reached or there is no status quo."""
        share = outcome.settles[CONCEPTS.index(DEFAULT_CONCEPT)]
        states = np.flatnonzero(share > 0)
        if len(states) == 0:
            return self.bargaining.forecast(cap, pos, sal, [False] * len(self.bargaining.shifts))
        total = 0.0
        for s in states:
            total = total + share[s] * self.bargaining.forecast(
                cap, pos, sal, self.shift_truth[:, s]
            )
        return total / share[states].sum()

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
    def evaluate(self, scores: list[np.ndarray]) -> SampleOutcome:
        """The conflict's conclusions for these scores. They depend on the scores only through
        each DM's ranking of the states, and samples often share rankings (a weight moves the
        result only when it crosses a threshold), so results are cached by ranking."""
        ranks = dense_ranks(scores)
        key = ranks.tobytes()
        hit = self._cache.get(key)
        if hit is None:
            hit = self._evaluate_ranks(ranks, scores)
            if len(self._cache) >= CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = hit
        return SampleOutcome(hit.equilibria, hit.settles, hit.verdicts)

    def _evaluate_ranks(self, ranks: np.ndarray, scores: np.ndarray) -> SampleOutcome:
        base = self.base
        model = with_ranks(base, ranks, self.base_indices)
        model.scores = np.asarray(scores)
        result = compute_stability(model, CONCEPTS)
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
            verdicts[qi] = VERDICTS.index(verdict_of(self.holds[qi, base_set]))
        return SampleOutcome(eq, settles, verdicts)

    def point_outcome(self) -> SampleOutcome:
        """The deterministic analysis, through the same path (for checks)."""
        return self.evaluate(self.scores(dict(self.scenario.parameters), {}, {}))
