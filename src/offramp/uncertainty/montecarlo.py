"""Monte Carlo over a scenario's uncertain inputs: how likely each conclusion is, and which
assumptions drive it.

The work is cut into chunks of whole sampling blocks (see :mod:`offramp.uncertainty.sampling`),
each evaluated wherever an executor sends it; chunk results are plain arrays, put back in sample
order, so the result is identical whatever the executor and the number of workers.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from offramp.analysis.questions import VERDICTS
from offramp.analysis.scenario import Scenario, from_yaml_text
from offramp.analysis.template import BatchOutcome, ConflictTemplate
from offramp.errors import OfframpError
from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.limits import BAD_SAMPLE_MIN_ATTEMPTS, MAX_BAD_SAMPLE_SHARE
from offramp.uncertainty.proportions import INTERVAL_METHOD, LEVEL, answer_probability
from offramp.uncertainty.sampling import BLOCK, InputSpace, blocks_for

if TYPE_CHECKING:
    from offramp.conflict.model import ConflictModel
    from offramp.uncertainty.executors import Executor

Progress = Callable[[int, int], None]
#: The first bad sample of a part: its drawn row, and its located problems or the message
BadExample = tuple[list[float], tuple[Problem, ...] | str]

#: The most sampling blocks in one chunk (2,000 samples: one full batch of a small scenario).
CHUNK_BLOCKS = 8


# ---------------------------------------------------------------------- what workers receive
@dataclass(frozen=True)
class ScenarioRecipe:
    """A scenario as text plus the changes applied to it: small, picklable, rebuilt once per
    worker process."""

    text: str
    file: str
    parameters: tuple[tuple[str, float], ...] = ()
    status_quo: tuple[str, ...] | None = None
    remove_options: tuple[str, ...] = ()
    forecast_models: tuple[str, ...] = ("offramp",)
    as_of: str | None = None  # the analysis date asked for (None: the document's)
    alternatives: tuple[tuple[str, str], ...] = ()  # alternatives a variant fixed

    @classmethod
    def of(
        cls, scenario: Scenario, forecast_models: tuple[str, ...] = ("offramp",)
    ) -> ScenarioRecipe:
        spec = scenario.spec
        text = spec.text if spec.text is not None else json.dumps(spec.data)
        removed = tuple(spec.options[i].qualified for i in spec.removed)
        sq = spec.data.get("status_quo")
        return cls(
            text,
            spec.file,
            tuple(sorted(spec.parameters.items())),
            None if sq is None else tuple(sq),
            removed,
            forecast_models,
            None if spec._as_of is None else spec._as_of.isoformat(),
            tuple(sorted(spec.fixed_alternatives.items())),
        )

    def build(self) -> Scenario:
        base = from_yaml_text(self.text, self.file)
        if self.as_of is not None:
            base = base.as_of(self.as_of)
        return base.with_changes(
            dict(self.parameters),
            list(self.status_quo) if self.status_quo is not None else None,
            self.remove_options,
            alternatives=dict(self.alternatives) or None,
        )


_TEMPLATES: dict[ScenarioRecipe, tuple[ConflictTemplate, InputSpace]] = {}


def _template(recipe: ScenarioRecipe) -> tuple[ConflictTemplate, InputSpace]:
    if recipe not in _TEMPLATES:
        scenario = recipe.build().spec
        _TEMPLATES.clear()
        _TEMPLATES[recipe] = (
            ConflictTemplate(scenario, recipe.forecast_models),
            InputSpace.of(scenario),
        )
    return _TEMPLATES[recipe]


@dataclass
class ChunkResult:
    """One part of a chunk: the samples of one evaluated batch, ``start`` rows into chunk
    ``index``. A chunk is sent back part by part, so an interrupted run keeps every batch
    that finished, not only whole chunks. Samples that could not be evaluated (``bad``) are
    left out of the arrays; ``bad_example`` says why for the first of them."""

    index: int
    inputs: np.ndarray  # (k, width): the good samples
    equilibria: np.ndarray  # (concepts, S) counts
    settles: np.ndarray  # (concepts, S) summed shares
    verdicts: np.ndarray  # (k, questions) int8
    forecasts: np.ndarray | None  # (k, models, dims)
    start: int = 0
    bad: int = 0
    bad_example: BadExample | None = None  # (row, problems or message) of the first bad sample

    @property
    def attempted(self) -> int:
        return len(self.inputs) + self.bad


def chunk_parts(
    recipe: ScenarioRecipe, seed: int, index: int, blocks: list[tuple[int, int]]
) -> Iterator[ChunkResult]:
    """Evaluate whole sampling blocks, batch by batch, yielding each batch's result as it
    finishes; runs in a worker process (or in-process)."""
    template, space = _template(recipe)
    rows = np.concatenate([space.draw_block(seed, b, count) for b, count in blocks])
    parts = -(-len(rows) // template.batch_size())  # batches of nearly equal sizes
    bounds = [len(rows) * k // parts for k in range(parts + 1)]
    for lo, hi in itertools.pairwise(bounds):
        yield _evaluate_part(template, space, index, lo, rows[lo:hi])


def run_chunk(
    recipe: ScenarioRecipe, seed: int, index: int, blocks: list[tuple[int, int]]
) -> list[ChunkResult]:
    """Every part of a chunk at once (for executors that return a task's result whole)."""
    return list(chunk_parts(recipe, seed, index, blocks))


def _evaluate_part(
    template: ConflictTemplate, space: InputSpace, index: int, start: int, rows: np.ndarray
) -> ChunkResult:
    """One batch of samples. A sample whose inputs cannot be evaluated (a formula dividing by
    a drawn zero, say: an :class:`~offramp.errors.OfframpError`) is counted as bad and left
    out; the rest of the batch is evaluated as usual."""
    bad = 0
    example: BadExample | None = None
    out: BatchOutcome | None
    try:
        out = template.evaluate_rows(rows, space)
    except OfframpError:
        keep = np.ones(len(rows), dtype=bool)
        for r, row in enumerate(rows):
            error = template.row_error(row)
            if error is not None:
                keep[r] = False
                if example is None:
                    example = (row.tolist(), _portable(error))
        if keep.all():  # not the inputs: the error is the scenario's, for every sample
            raise
        bad = int((~keep).sum())
        rows = rows[keep]
        out = template.evaluate_rows(rows, space) if len(rows) else None
    size = template.base.n_states
    settles = np.zeros((len(template.concepts), size))
    if out is None:  # every sample of the batch was bad
        return ChunkResult(
            index,
            rows,
            np.zeros(settles.shape, dtype=np.int64),
            settles,
            np.zeros((0, len(template.questions)), dtype=np.int8),
            None,
            start,
            bad,
            example,
        )
    for share in out.settles:  # in sample order, as one sample at a time would add them
        settles += share
    return ChunkResult(
        index,
        rows,
        out.equilibria.sum(axis=0),
        settles,
        out.verdicts,
        out.forecasts,
        start,
        bad,
        example,
    )


def _portable(error: OfframpError) -> tuple[Problem, ...] | str:
    """An error in a form that crosses process boundaries intact: a scenario error's located
    problems, else its message."""
    problems = getattr(error, "problems", None)
    return tuple(problems) if problems else str(error)


def make_chunks(n: int, workers: int) -> list[list[tuple[int, int]]]:
    """Whole blocks per chunk: about four chunks per worker, so progress is smooth and a slow
    worker does not hold the run, but each chunk is long enough (>= one block) that scheduling
    costs stay small; and at most :data:`CHUNK_BLOCKS` blocks, so that an executor that returns
    a chunk only whole (loky, Dask) loses little of it when a run is stopped."""
    blocks = blocks_for(n)
    per = max(1, min(CHUNK_BLOCKS, int(np.ceil(len(blocks) / max(1, 4 * workers)))))
    return [blocks[i : i + per] for i in range(0, len(blocks), per)]


# ---------------------------------------------------------------------- the result
@dataclass
class MonteCarloResult:
    scenario: Scenario
    requested: int
    seed: int
    executor: str
    inputs: np.ndarray
    input_names: list[str]
    equilibrium_counts: np.ndarray
    settle_sums: np.ndarray
    verdicts: np.ndarray
    forecasts: np.ndarray | None
    forecast_models: tuple[str, ...]
    interrupted: str | None = None
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    concepts: tuple[str, ...] = ()  # rows of the equilibrium and settling arrays
    bad_samples: int = 0  # samples drawn but not evaluable, left out of every figure
    bad_example: str | None = None  # why the first of them could not be evaluated

    @property
    def completed(self) -> int:
        return len(self.inputs)

    def p_equilibrium(self) -> np.ndarray:
        return self.equilibrium_counts / max(self.completed, 1)

    def p_settles(self) -> np.ndarray:
        return self.settle_sums / max(self.completed, 1)

    def verdict_probabilities(self) -> np.ndarray:
        """(questions, 4): share of samples with each verdict (yes, no, depends, undetermined)."""
        q = self.verdicts.shape[1]
        out = np.zeros((q, len(VERDICTS)))
        for j in range(q):
            counts = np.bincount(self.verdicts[:, j], minlength=len(VERDICTS))
            out[j] = counts / max(self.completed, 1)
        return out

    def standard_error(self, p: float) -> float:
        return float(np.sqrt(max(p * (1 - p), 0.0) / max(self.completed, 1)))

    def unanimous(self) -> dict[str, str | None]:
        """Question id -> the answer every sample gave (None when they differ or none ran)."""
        out: dict[str, str | None] = {}
        for j, q in enumerate(self.scenario.spec.questions):
            seen = np.unique(self.verdicts[:, j]) if self.completed else np.array([])
            out[q.id] = VERDICTS[int(seen[0])] if len(seen) == 1 else None
        return out

    def margins(self) -> dict[str, Any]:
        """By how much each unanimous answer is decided (:mod:`.margins`), computed once."""
        if "margins" not in self.extra:
            from offramp.uncertainty.margins import margins

            self.extra["margins"] = margins(self.scenario.spec, self.unanimous(), self.input_names)
        found: dict[str, Any] = self.extra["margins"]
        return found

    def sensitivity(self) -> dict[str, Any]:
        """Spearman rank correlation of every uncertain input with every conclusion."""
        from offramp.uncertainty.sensitivity import rank_correlations

        targets: dict[str, np.ndarray] = {}
        for j, q in enumerate(self.scenario.spec.questions):
            targets[f"question:{q.id}"] = (self.verdicts[:, j] == 0).astype(float)
        section = self.scenario.spec.bargaining
        if self.forecasts is not None and section is not None:  # forecasts need the section
            dims = [d.name for d in section.dimensions]
            for m, model in enumerate(self.forecast_models):
                for d, dim in enumerate(dims):
                    targets[f"forecast:{model}:{dim}"] = self.forecasts[:, m, d]
        return rank_correlations(self.inputs, self.input_names, targets)

    def alternatives(self) -> list[dict[str, Any]]:
        """Each drawn alternative as a driver: per choice its declared probability, the share
        of samples that drew it (with its standard error) and each question's probability of
        'yes' in those samples, so that a reader sees how much each answer depends on which
        choice holds (``spread``: the largest difference between two choices)."""
        out: list[dict[str, Any]] = []
        for alt in self.scenario.spec.sampled_alternatives:
            rows: list[dict[str, Any]] = []
            for choice, label, p in zip(
                alt.choices, alt.choice_labels, alt.probabilities, strict=True
            ):
                col = self.input_names.index(alt.column(choice))
                drawn = self.inputs[:, col] > 0.5
                n = int(drawn.sum())
                share = n / max(self.completed, 1)
                yes = {
                    q.id: (round(float((self.verdicts[drawn, j] == 0).mean()), 6) if n else None)
                    for j, q in enumerate(self.scenario.spec.questions)
                }
                rows.append(
                    {
                        "choice": choice,
                        "label": label,
                        "probability": round(float(p), 6),
                        "drawn": round(share, 6),
                        "drawn_standard_error": round(self.standard_error(share), 6),
                        "samples": n,
                        "yes": yes,
                    }
                )
            spread: dict[str, float | None] = {}
            for q in self.scenario.spec.questions:
                values = [r["yes"][q.id] for r in rows if r["yes"][q.id] is not None]
                spread[q.id] = round(max(values) - min(values), 6) if values else None
            out.append({"name": alt.name, "label": alt.label, "choices": rows, "spread": spread})
        return out

    def to_dict(self, with_margins: bool = True) -> dict[str, Any]:
        """The contract's JSON of this run. ``with_margins=False`` leaves out the margins of
        unanimous answers (a threshold search per judged input, most of the cost): the
        workbench answers a cancelled job at once without them, as without the report's tables."""
        sc = self.scenario
        model = sc.conflict
        p_eq = self.p_equilibrium()
        p_settle = self.p_settles()
        probs = self.verdict_probabilities()
        counts = np.rint(probs * self.completed).astype(int)
        margin = self.margins() if with_margins else {}
        out = {
            "scenario": sc.name,
            "samples": self.completed,
            "requested": self.requested,
            "seed": self.seed,
            "executor": self.executor,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "bad_samples": self.bad_samples,
            "bad_sample_reason": self.bad_example,
            "inputs": self.input_names,
            "equilibrium_probability": _ranked_states(p_eq, model, self.concepts),
            "settles_probability": _ranked_states(p_settle, model, self.concepts),
            "interval": {"method": INTERVAL_METHOD, "level": LEVEL},
            "questions": [
                {
                    "id": q.id,
                    "ask": q.ask,
                    "concept": q.concept,
                    **{
                        v: round(float(probs[j, i]), 6) if self.completed else None
                        for i, v in enumerate(VERDICTS)
                    },
                    "standard_error_yes": round(self.standard_error(float(probs[j, 0])), 6)
                    if self.completed
                    else None,
                    "answers": {
                        v: answer_probability(int(counts[j, i]), self.completed)
                        for i, v in enumerate(VERDICTS)
                    },
                    **({"margin": margin[q.id]} if q.id in margin else {}),
                }
                for j, q in enumerate(sc.spec.questions)
            ],
            "sensitivity": self.sensitivity() if self.completed > 2 else {},
            "alternatives": self.alternatives(),
        }
        section = sc.spec.bargaining
        if self.forecasts is not None and section is not None:  # forecasts need the section
            dims = [d.name for d in section.dimensions]
            out["forecasts"] = {
                model_name: {dim: _summary(self.forecasts[:, m, d]) for d, dim in enumerate(dims)}
                for m, model_name in enumerate(self.forecast_models)
            }
        return out


def _ranked_states(p: np.ndarray, model: ConflictModel, concepts: Sequence[str]) -> dict[str, Any]:
    """Per concept, the states with a positive probability, most likely first."""
    return {
        c: [
            {
                "id": int(s) + 1,
                "taken": model.taken(int(s)),
                "probability": round(float(p[k, s]), 6),
            }
            for s in np.argsort(-p[k], kind="stable")
            if p[k, s] > 0
        ]
        for k, c in enumerate(concepts)
    }


def _summary(x: np.ndarray) -> dict[str, Any]:
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return {}
    q = np.percentile(x, [5, 25, 50, 75, 95])
    return {
        "mean": round(float(x.mean()), 4),
        "sd": round(float(x.std(ddof=1)) if len(x) > 1 else 0.0, 4),
        "p5": round(float(q[0]), 4),
        "p25": round(float(q[1]), 4),
        "median": round(float(q[2]), 4),
        "p75": round(float(q[3]), 4),
        "p95": round(float(q[4]), 4),
    }


# ---------------------------------------------------------------------- running
def monte_carlo(
    scenario: Scenario,
    n: int,
    seed: int = 0,
    executor: Executor | None = None,
    progress: Progress | None = None,
    forecast_models: tuple[str, ...] = ("offramp",),
) -> MonteCarloResult:
    """Draw ``n`` samples of the scenario's uncertain inputs and aggregate the conclusions.

    ``executor``: None runs in this process; see :mod:`offramp.uncertainty.executors` for the
    local process pool and Dask. Interrupted runs (Ctrl-C, a lost worker) keep the samples
    already finished and say so in ``interrupted``.
    """
    import time

    from offramp.scenario.limits import check_samples, check_seed, check_workers
    from offramp.uncertainty.executors import InProcessExecutor

    check_samples(n)  # at least 1, at most the documented limit
    check_seed(seed)  # numpy refuses negative seeds
    if scenario.spec.bargaining is None:
        forecast_models = ()
    executor = executor or InProcessExecutor()
    check_workers(executor.workers)  # before the pool starts them
    recipe = ScenarioRecipe.of(scenario, forecast_models)
    template, space = _template(recipe)
    chunks = make_chunks(n, executor.workers)
    started = time.perf_counter()
    results: dict[tuple[int, int], ChunkResult] = {}
    done = bad = 0
    example = None
    interrupted = None

    def take(res: ChunkResult) -> None:
        nonlocal done, bad, example
        results[(res.index, res.start)] = res
        done += res.attempted
        bad += res.bad
        if res.bad_example is not None and example is None:
            example = res.bad_example

    try:
        for res in executor.run(chunk_parts, recipe, seed, chunks):
            take(res)
            if bad and too_many_bad(bad, done):
                raise BadSamples(bad, done, example, scenario.spec.file)
            if progress:
                progress(done, n)
    except KeyboardInterrupt:
        interrupted = "interrupted by the user"
    except Exception as exc:
        if not executor.is_worker_failure(exc):
            raise
        interrupted = f"a worker was lost ({type(exc).__name__}: {exc})"
    finally:
        for res in executor.close_run():  # finished in a worker, not yet read
            if (res.index, res.start) not in results:
                take(res)
    if bad and too_many_bad(bad, done, final=True):
        raise BadSamples(bad, done, example, scenario.spec.file)
    ordered = [results[k] for k in sorted(results)]
    size = template.base.n_states
    width = space.width
    q = len(template.questions)
    with_forecasts = [r.forecasts for r in ordered if r.forecasts is not None]
    result = MonteCarloResult(
        scenario=scenario,
        requested=n,
        seed=seed,
        executor=executor.name,
        inputs=np.concatenate([r.inputs for r in ordered]) if ordered else np.zeros((0, width)),
        input_names=space.column_names,
        equilibrium_counts=sum(
            (r.equilibria for r in ordered),
            np.zeros((len(template.concepts), size), dtype=np.int64),
        ),
        settle_sums=sum((r.settles for r in ordered), np.zeros((len(template.concepts), size))),
        concepts=tuple(template.concepts),
        verdicts=np.concatenate([r.verdicts for r in ordered])
        if ordered
        else np.zeros((0, q), dtype=np.int8),
        forecasts=np.concatenate(with_forecasts) if with_forecasts else None,
        forecast_models=tuple(forecast_models),
        interrupted=interrupted,
        seconds=time.perf_counter() - started,
        bad_samples=bad,
        bad_example=None if example is None else _example_text(example),
    )
    if interrupted is None and result.completed + bad != n:
        result.interrupted = f"only {result.completed + bad} of {n} samples came back"
    return result


def too_many_bad(bad: int, attempted: int, final: bool = False) -> bool:
    """Whether the share of bad samples ends the run: above :data:`MAX_BAD_SAMPLE_SHARE` of
    the samples attempted, judged once at least :data:`BAD_SAMPLE_MIN_ATTEMPTS` samples are
    in (so that one early bad draw does not stop a run whose share would be small) or at the
    end of the run (``final``)."""
    if not final and attempted < BAD_SAMPLE_MIN_ATTEMPTS:
        return False
    return bad > MAX_BAD_SAMPLE_SHARE * attempted


def _example_text(example: BadExample) -> str:
    """The first bad sample's reason, as one line per problem."""
    _, why = example
    if isinstance(why, str):
        return why
    return "\n".join(p.format() for p in why)


class BadSamples(ScenarioError):
    """Too many samples could not be evaluated: the scenario, not the sampling, is at fault
    (a formula that divides by a value its distribution often draws as zero, say). Located at
    the first bad sample's problem, with the counts."""

    def __init__(self, bad: int, attempted: int, example: BadExample | None, file: str):
        share = f"{MAX_BAD_SAMPLE_SHARE:.0%}"
        tail = (
            f" ({bad:,} of {attempted:,} samples could not be evaluated, more than the "
            f"{share} a Monte Carlo tolerates; narrow the distributions or guard the formula)"
        )
        if example is not None and not isinstance(example[1], str):
            problems = [replace(p, message=p.message + tail) for p in example[1]]
        else:
            why = example[1] if example is not None else "no reason recorded"
            problems = [Problem(f"{why}{tail}", "", file)]
        super().__init__(problems)
        self.bad = bad
        self.attempted = attempted


__all__ = [
    "BLOCK",
    "BadSamples",
    "MonteCarloResult",
    "ScenarioRecipe",
    "chunk_parts",
    "monte_carlo",
    "run_chunk",
]
