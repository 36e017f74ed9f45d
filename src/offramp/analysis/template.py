"""A scenario compiled once and re-evaluated for many sampled inputs.

Everything that does not depend on the uncertain numbers is computed once: the feasible
states, the truth of every preference statement on every state, the move structure of every DM,
and where each question holds. A sample then costs a few dot products (scores), a rank, and the
stability and evolution passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from offramp.analysis.questions import VERDICTS, verdict_codes, verdict_of
from offramp.bargaining.batch import ProblemBatch
from offramp.bargaining.registry import get_model
from offramp.conflict.batch import BatchConflict, batchable
from offramp.conflict.concepts import DEFAULT_CONCEPT, REGISTRY, with_defaults
from offramp.conflict.evolution import evolve
from offramp.conflict.model import ConflictModel, dense_ranks
from offramp.conflict.moves import move_indices, with_ranks
from offramp.conflict.stability import compute_stability
from offramp.errors import OfframpError
from offramp.scenario.compile import default_order, exact_weights, priority_scores, weight_scores
from offramp.scenario.spec import ScenarioSpec as Scenario
from offramp.scenario.statements import evaluate_codes

CACHE_SIZE = 4096

#: A sample's bargaining inputs: capabilities (n,), positions and saliences (n, d); with a
#: leading batch axis for a batch of samples
BargainingDraw = tuple[np.ndarray, np.ndarray, np.ndarray]


class SampleSpace(Protocol):
    """What evaluating a sampled row reads of its input space
    (:class:`offramp.uncertainty.sampling.InputSpace`, a layer above)."""

    def orders(self, scenario: Scenario, row: np.ndarray) -> dict[str, list[int]]: ...


@dataclass
class SampleOutcome:
    equilibria: np.ndarray  # (concepts, S) bool
    settles: np.ndarray  # (concepts, S) float: share of the evolution settling at each state
    verdicts: np.ndarray  # (questions,) int index into VERDICTS
    forecasts: np.ndarray | None = None  # (models, dimensions) at the settled outcome


@dataclass
class BatchOutcome:
    """:class:`SampleOutcome` for a batch of samples: the same arrays with a leading axis."""

    equilibria: np.ndarray  # (batch, concepts, S) bool
    settles: np.ndarray  # (batch, concepts, S) float
    verdicts: np.ndarray  # (batch, questions) int8
    forecasts: np.ndarray | None = None  # (batch, models, dimensions)
    reachable: np.ndarray | None = None  # (batch, S) bool, when asked for

    def __len__(self) -> int:
        return len(self.verdicts)

    def row(self, b: int) -> SampleOutcome:
        f = None if self.forecasts is None else self.forecasts[b]
        return SampleOutcome(self.equilibria[b], self.settles[b], self.verdicts[b], f)


class BargainingTemplate:
    """The bargaining section as arrays (the format's :class:`SectionArrays`), forecast by the
    named models for sampled capabilities, positions and saliences."""

    def __init__(self, scenario: Scenario, models: tuple[str, ...]):
        self.arrays = scenario.bargaining_arrays
        self.models = [get_model(m) for m in models]
        self.model_names = list(models)
        self.actors = self.arrays.actors
        self.dims = self.arrays.dims
        self.cap, self.pos, self.sal = self.arrays.cap, self.arrays.pos, self.arrays.sal
        self.shifts = self.arrays.shifts

    def forecast(
        self,
        cap: np.ndarray,
        pos: np.ndarray,
        sal: np.ndarray,
        shift_mask: Sequence[bool] | np.ndarray,
    ) -> np.ndarray:
        problem = self.arrays.problem(list(shift_mask), cap, pos, sal)
        return np.stack([m(problem).forecast for m in self.models])

    def forecast_batch(
        self, cap: np.ndarray, pos: np.ndarray, sal: np.ndarray, masks: np.ndarray
    ) -> np.ndarray:
        """:meth:`forecast` of many draws at once: cap (k, n), pos and sal (k, n, d), masks
        (k, shifts) -> (k, models, d); the shifts applied as :meth:`SectionArrays.apply` does
        and every model's ``predict_batch`` (row for row its forecast of one draw)."""
        for j, (c, p, s) in enumerate(self.shifts):
            on = masks[:, j]
            cap = np.where(on[:, None] & ~np.isnan(c)[None], c[None], cap)
            pos = np.where(on[:, None, None] & ~np.isnan(p)[None], p[None], pos)
            sal = np.where(on[:, None, None] & ~np.isnan(s)[None], s[None], sal)
        batch = ProblemBatch(
            actors=list(self.actors),
            dimensions=list(self.dims),
            capabilities=cap,
            positions=pos,
            saliences=sal / 100.0,
            name=self.arrays.name,
            dimension_labels=dict(self.arrays.dimension_labels),
        )
        return np.stack([m.predict_batch(batch) for m in self.models], axis=1)


#: Samples evaluated together with a batch axis (see ConflictTemplate.evaluate_rows): as many
#: as keep the batched engine's largest array near ``BATCH_ELEMENTS`` entries (16 MB of
#: int64), within [BATCH, BATCH_MAX]. Larger batches spread the per-batch Python work over
#: more samples; the results do not depend on the batch size.
BATCH = 250
BATCH_MAX = 2000
BATCH_ELEMENTS = 1 << 21


class ConflictTemplate:
    """The conflict part of a scenario, ready for fast re-evaluation."""

    def __init__(self, scenario: Scenario, forecast_models: tuple[str, ...] = ("offramp",)):
        self.scenario = scenario
        self.base: ConflictModel = scenario.conflict
        #: the compiled scores (a model built from ranks alone: its ranks, which order the
        #: states as scores would)
        self.base_scores: np.ndarray = (
            self.base.scores if self.base.scores is not None else self.base.ranks.astype(float)
        )
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
        #: the concepts evaluated per sample: the defaults and those the questions name
        self.concepts = with_defaults(*(q.concept for q in self.questions))
        self.question_concepts = [self.concepts.index(q.concept) for q in self.questions]
        self.inputs = scenario.uncertain
        self.alternatives = scenario.sampled_alternatives
        self.parameter_names = list(scenario.parameters)
        self._cache: dict[bytes, SampleOutcome] = {}
        self._batch: BatchConflict | None = (
            BatchConflict(self.base) if batchable(self.base) else None
        )
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

    def batch_size(self) -> int:
        """Samples (or grid points) to evaluate together (see :data:`BATCH_ELEMENTS`)."""
        return int(min(BATCH_MAX, max(BATCH, BATCH_ELEMENTS // max(self.batch_width, 1))))

    @property
    def batched(self) -> bool:
        """Whether batches run on the batched engine (else one engine run per sample)."""
        return self._batch is not None

    @property
    def batch_width(self) -> int:
        """Entries per sample of the largest array a batched evaluation builds (see
        :attr:`offramp.conflict.batch.BatchConflict.width`): what a batch costs, per sample."""
        return self._batch.width if self._batch is not None else self.base.n_states

    # ------------------------------------------------------------------ a sampled row
    def evaluate_row(self, row: np.ndarray, space: SampleSpace) -> SampleOutcome:
        """Evaluate one sample (a row of :class:`InputSpace` draws)."""
        parameters, weights, bargaining = self._row_inputs(row)
        outcome = self.evaluate(self.scores(parameters, weights, space.orders(self.scenario, row)))
        if bargaining is not None:
            outcome.forecasts = self.forecasts_at(outcome, *bargaining)
        return outcome

    def evaluate_rows(self, rows: np.ndarray, space: SampleSpace) -> BatchOutcome:
        """Evaluate a batch of samples (rows of :class:`InputSpace` draws) with a batch axis:
        identical to :meth:`evaluate_row` on each row, for a fraction of the cost."""
        parameters, weights, bargaining = self._rows_inputs(rows)
        orders = [space.orders(self.scenario, row) for row in rows]
        out = self.evaluate_batch(self.batch_scores(parameters, weights, orders))
        if bargaining is not None and len(rows):
            out.forecasts = self.forecasts_at_batch(out, *bargaining)
        return out

    def row_error(self, row: np.ndarray) -> OfframpError | None:
        """Why one sample's inputs cannot be evaluated (a derived value that is not finite
        or over the number limit, say), or None: what a Monte Carlo counts as a bad sample
        instead of ending the run."""
        try:
            self._rows_inputs(row[None, :])
        except OfframpError as exc:
            return exc
        return None

    def evaluate_batch(self, scores: np.ndarray, reachable: bool = False) -> BatchOutcome:
        """The conflict's conclusions for a batch of score profiles (batch, DMs, states);
        with ``reachable``, also every state the evolution from the status quo can reach (on the
        batched engine only)."""
        batch = len(scores)
        size = self.base.n_states
        if self._batch is None or batch == 0:  # too large to batch: one engine run each
            rows = [self.evaluate(s) for s in scores]
            return BatchOutcome(
                np.stack([r.equilibria for r in rows]).reshape(batch, len(self.concepts), size),
                np.stack([r.settles for r in rows]).reshape(batch, len(self.concepts), size),
                np.stack([r.verdicts for r in rows]).reshape(batch, len(self.questions)),
            )
        ranks = batch_dense_ranks(scores)
        stable = self._batch.stability(ranks, [REGISTRY[c] for c in self.concepts])
        eq = np.stack([stable[c].all(axis=1) for c in self.concepts], axis=1)  # (batch, C, S)
        settles = np.zeros(eq.shape)
        sq = self.base.status_quo
        if sq is not None:
            for k in range(len(self.concepts)):
                where = self._batch.reached(ranks, sq, eq[:, k]) & eq[:, k]
                count = where.sum(axis=1)
                share = np.zeros(batch)
                np.divide(1.0, count, out=share, where=count > 0)
                settles[:, k] = where * share[:, None]
        verdicts = np.zeros((batch, len(self.questions)), dtype=np.int8)
        for qi, k in enumerate(self.question_concepts):
            base_set = settles[:, k] > 0 if sq is not None else eq[:, k]
            n_base = base_set.sum(axis=1)
            n_hold = (base_set & self.holds[qi]).sum(axis=1)
            verdicts[:, qi] = verdict_codes(n_base, n_hold)
        out = BatchOutcome(eq, settles, verdicts)
        if reachable and sq is not None:
            out.reachable = self._batch.reached(ranks, sq, np.zeros((batch, size), dtype=bool))
        return out

    def _row_inputs(
        self, row: np.ndarray
    ) -> tuple[dict[str, float], dict[tuple[str, int], float], BargainingDraw | None]:
        """A sample row as (parameters, weights, (capabilities, positions, saliences)); the
        last None without bargaining."""
        parameters = dict(self.scenario.parameters)
        weights: dict[tuple[str, int], float] = {}
        bt = self.bargaining
        draw: BargainingDraw | None = None
        if bt is not None:
            draw = (bt.cap.copy(), bt.pos.copy(), bt.sal.copy())
        evidence: dict[str, float] = {}
        for u, value in zip(self.inputs, row[: len(self.inputs)], strict=True):
            if u.kind == "parameter":
                parameters[u.name] = float(value)
            elif u.kind == "evidence":
                evidence[u.name] = float(value)
            elif u.kind == "weight":
                weights[u.weight_key] = float(value)
            elif bt is not None and draw is not None:
                bcap, bpos, bsal = draw
                i = bt.actors.index(u.owner)
                if u.kind == "capability":
                    bcap[i] = max(float(value), 1e-9)
                else:
                    dim = bt.dims.index(u.name.rsplit(".", 1)[1])
                    target = bpos if u.kind == "positions" else bsal
                    target[i, dim] = min(max(float(value), 0.0), 100.0)
        base = len(row) - sum(len(a.choices) for a in self.alternatives)
        for alt in self.alternatives:  # the choice drawn sets its parameters
            drawn = int(np.argmax(row[base : base + len(alt.choices)]))
            parameters.update(zip(alt.parameters, map(float, alt.values[drawn]), strict=True))
            base += len(alt.choices)
        if self.scenario.derivation.derived:  # derived parameters follow the sampled inputs
            parameters = self.scenario.derivation.values(parameters, evidence)
        return parameters, weights, draw

    def _rows_inputs(
        self, rows: np.ndarray
    ) -> tuple[
        dict[str, float | np.ndarray], dict[tuple[str, int], np.ndarray], BargainingDraw | None
    ]:
        """:meth:`_row_inputs` of every row at once, as columns: (parameters, weights,
        (capabilities, positions, saliences)) where a sampled parameter or weight is an array
        (batch,), the others plain numbers, and the bargaining arrays have a batch axis. The
        same numbers as row by row: the clamps are written as Python's max and min compare,
        and derived parameters are evaluated once over the arrays
        (:meth:`~offramp.scenario.derived.Derivation.values_batch`)."""
        batch = len(rows)
        parameters: dict[str, float | np.ndarray] = dict(self.scenario.parameters)
        weights: dict[tuple[str, int], np.ndarray] = {}
        bt = self.bargaining
        draw: BargainingDraw | None = None
        if bt is not None:
            draw = (
                np.repeat(bt.cap[None], batch, axis=0),
                np.repeat(bt.pos[None], batch, axis=0),
                np.repeat(bt.sal[None], batch, axis=0),
            )
        evidence: dict[str, np.ndarray] = {}
        for j, u in enumerate(self.inputs):
            value = np.ascontiguousarray(rows[:, j], dtype=float)
            if u.kind == "parameter":
                parameters[u.name] = value
            elif u.kind == "evidence":
                evidence[u.name] = value
            elif u.kind == "weight":
                weights[u.weight_key] = value
            elif bt is not None and draw is not None:
                bcap, bpos, bsal = draw
                i = bt.actors.index(u.owner)
                if u.kind == "capability":
                    bcap[:, i] = np.where(value < 1e-9, 1e-9, value)  # max(value, 1e-9)
                else:
                    dim = bt.dims.index(u.name.rsplit(".", 1)[1])
                    target = bpos if u.kind == "positions" else bsal
                    low = np.where(value < 0.0, 0.0, value)  # min(max(value, 0.0), 100.0)
                    target[:, i, dim] = np.where(low > 100.0, 100.0, low)
        base = rows.shape[1] - sum(len(a.choices) for a in self.alternatives)
        for alt in self.alternatives:  # the choice drawn sets its parameters
            drawn = np.argmax(rows[:, base : base + len(alt.choices)], axis=1)
            for p, values in zip(alt.parameters, alt.values.T, strict=True):
                parameters[p] = np.ascontiguousarray(values[drawn], dtype=float)
            base += len(alt.choices)
        if self.scenario.derivation.derived:
            parameters = self.scenario.derivation.values_batch(parameters, evidence, batch)
        return parameters, weights, draw

    def _bargaining(self) -> BargainingTemplate:
        """The bargaining part, which the forecast methods are called only with."""
        if self.bargaining is None:
            raise ValueError("the scenario has no bargaining section to forecast")
        return self.bargaining

    def forecasts_at_batch(
        self, out: BatchOutcome, cap: np.ndarray, pos: np.ndarray, sal: np.ndarray
    ) -> np.ndarray:
        """:meth:`forecasts_at` of every sample of a batch (batch, models, d): one batched
        model run over every (sample, settled state) pair, then the shares summed state by
        state in the order :meth:`forecasts_at` adds them."""
        batch = len(out)
        share = out.settles[:, self.concepts.index(DEFAULT_CONCEPT)]  # (batch, S)
        settled = share > 0
        count = settled.sum(axis=1)
        samples, states = np.nonzero(settled)  # sample by sample, states in order
        none = np.flatnonzero(count == 0)
        rows = np.concatenate([samples, none])
        bt = self._bargaining()
        n_shifts = len(bt.shifts)
        masks = np.zeros((len(rows), n_shifts), dtype=bool)
        masks[: len(samples)] = self.shift_truth[:, states].T
        f = bt.forecast_batch(cap[rows], pos[rows], sal[rows], masks)
        result = np.empty((batch, *f.shape[1:]))
        result[none] = f[len(samples) :]
        if len(samples) == 0:
            return result
        weighted = share[samples, states][:, None, None] * f[: len(samples)]
        first = np.cumsum(count) - count  # each sample's first pair
        rank = np.arange(len(samples)) - first[samples]  # the pair's place in its sample
        total = np.zeros((batch, *f.shape[1:]))
        for k in range(int(count.max())):
            at = rank == k
            total[samples[at]] = total[samples[at]] + weighted[at]
        some = np.flatnonzero(count > 0)
        denom = np.empty(batch)
        single = np.flatnonzero(count == 1)
        denom[single] = share[single, states[first[single]]]
        for b in np.flatnonzero(count > 1):
            denom[b] = share[b][settled[b]].sum()
        result[some] = total[some] / denom[some][:, None, None]
        return result

    def forecasts_at(
        self, outcome: SampleOutcome, cap: np.ndarray, pos: np.ndarray, sal: np.ndarray
    ) -> np.ndarray:
        """Forecasts at the outcome where the conflict settles (SEQ), shares averaged; the
        positions as given when nothing is reached or there is no status quo."""
        share = outcome.settles[self.concepts.index(DEFAULT_CONCEPT)]
        states = np.flatnonzero(share > 0)
        bt = self._bargaining()
        if len(states) == 0:
            return bt.forecast(cap, pos, sal, [False] * len(bt.shifts))
        total: np.ndarray | float = 0.0
        for s in states:
            total = total + share[s] * bt.forecast(cap, pos, sal, self.shift_truth[:, s])
        return np.asarray(total / share[states].sum())

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
                out[i] = self.base_scores[i]
        return out

    def batch_scores(
        self,
        parameters: dict[str, float | np.ndarray],
        weights: dict[tuple[str, int], np.ndarray],
        orders: list[dict[str, list[int]]],
    ) -> np.ndarray:
        """:meth:`scores` for a batch of samples, (batch, DMs, states), element for element
        the same numbers: ``parameters`` and ``weights`` as :meth:`_rows_inputs` gives them
        (columns over the batch); exact integer keys for the samples whose weights allow them,
        floats summed in the same order for the others; each distinct prioritization order
        scored once."""
        sc = self.scenario
        size = self.base.n_states
        batch = len(orders)
        out = np.empty((batch, len(sc.dm_names), size))
        for i, dm in enumerate(sc.dm_names):
            pref = sc.preferences[dm]
            if pref.form == "weights":
                values = np.empty((batch, len(pref.sources)))
                for k, src in enumerate(pref.sources):
                    if (dm, k) in weights:
                        values[:, k] = weights[(dm, k)]
                    elif src[0] == "param":
                        values[:, k] = src[2] * parameters[src[1]]
                    else:
                        values[:, k] = src[1]
                known: dict[bytes, np.ndarray | None] = {}  # rows repeat (constant weights)
                exact = []
                for row in values:
                    key = row.tobytes()
                    if key not in known:
                        known[key] = exact_weights(row)
                    exact.append(known[key])
                as_float = np.array([e is None for e in exact], dtype=bool)
                truths = self.truths[dm]
                if as_float.any():
                    acc = np.zeros((int(as_float.sum()), size))
                    for k, t in enumerate(truths):
                        acc += t * values[as_float, k][:, None]
                    out[as_float, i] = acc
                if not as_float.all():
                    rows = np.flatnonzero(~as_float)
                    ints = np.stack([e for e in exact if e is not None])  # the rows, in order
                    int_key = np.zeros((len(rows), size), dtype=np.int64)
                    for k, t in enumerate(truths):
                        int_key += t.astype(np.int64) * ints[:, k][:, None]
                    out[rows, i] = int_key
            elif pref.form == "prioritization":
                done: dict[tuple[int, ...], np.ndarray] = {}
                for b, order in enumerate(orders):
                    chosen = order.get(dm)
                    held = tuple(chosen if chosen is not None else default_order(pref))
                    if held not in done:
                        done[held] = priority_scores(self.truths[dm], list(held), size)
                    out[b, i] = done[held]
            else:
                out[:, i] = self.base_scores[i]
        return out

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, scores: np.ndarray) -> SampleOutcome:
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
        result = compute_stability(model, self.concepts)
        eq = np.stack([result.equilibrium_mask(c) for c in self.concepts])
        settles = np.zeros(eq.shape)
        if base.status_quo is not None:
            for k in range(len(self.concepts)):
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


def batch_dense_ranks(scores: np.ndarray) -> np.ndarray:
    """:func:`~offramp.conflict.model.dense_ranks` of every (sample, DM) row at once: equal
    scores share a rank, 0 is the lowest."""
    batch, n, size = scores.shape
    flat = scores.reshape(batch * n, size)
    order = np.argsort(flat, axis=1, kind="stable")
    ordered = np.take_along_axis(flat, order, axis=1)
    steps = np.zeros(flat.shape, dtype=np.int64)
    steps[:, 1:] = np.cumsum(ordered[:, 1:] != ordered[:, :-1], axis=1)
    ranks = np.empty_like(steps)
    np.put_along_axis(ranks, order, steps, axis=1)
    return ranks.reshape(batch, n, size)
