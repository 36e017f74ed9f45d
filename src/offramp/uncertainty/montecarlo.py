"""Monte Carlo over a scenario's uncertain inputs: how likely each conclusion is, and which
assumptions drive it.

The work is cut into chunks of whole sampling blocks (see :mod:`offramp.uncertainty.sampling`),
each evaluated wherever an executor sends it; chunk results are plain arrays, put back in sample
order, so the result is identical whatever the executor and the number of workers.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from offramp.analysis.scenario import Scenario, from_yaml_text
from offramp.analysis.template import VERDICTS, ConflictTemplate
from offramp.uncertainty.sampling import BLOCK, InputSpace, blocks_for

Progress = Callable[[int, int], None]


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

    @classmethod
    def of(cls, scenario: Scenario, forecast_models: tuple[str, ...] = ("offramp",)):
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
        )

    def build(self) -> Scenario:
        base = from_yaml_text(self.text, self.file)
        return base.with_changes(
            dict(self.parameters),
            list(self.status_quo) if self.status_quo is not None else None,
            self.remove_options,
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
    index: int
    inputs: np.ndarray  # (k, width)
    equilibria: np.ndarray  # (concepts, S) counts
    settles: np.ndarray  # (concepts, S) summed shares
    verdicts: np.ndarray  # (k, questions) int8
    forecasts: np.ndarray | None  # (k, models, dims)


def run_chunk(
    recipe: ScenarioRecipe, seed: int, index: int, blocks: list[tuple[int, int]]
) -> ChunkResult:
    """Evaluate whole sampling blocks; runs in a worker process (or in-process)."""
    template, space = _template(recipe)
    rows = np.concatenate([space.draw_block(seed, b, count) for b, count in blocks])
    size = template.base.n_states
    eq = np.zeros((len(template.concepts), size), dtype=np.int64)
    settles = np.zeros((len(template.concepts), size))
    verdicts = np.zeros((len(rows), len(template.questions)), dtype=np.int8)
    forecasts = None
    done = 0
    parts = -(-len(rows) // template.batch_size())  # batches of nearly equal sizes
    bounds = [len(rows) * k // parts for k in range(parts + 1)]
    for lo, hi in itertools.pairwise(bounds):
        out = template.evaluate_rows(rows[lo:hi], space)
        eq += out.equilibria.sum(axis=0)
        for share in out.settles:  # in sample order, as one sample at a time would add them
            settles += share
        verdicts[lo : lo + len(out)] = out.verdicts
        if out.forecasts is not None:
            if forecasts is None:
                forecasts = np.zeros((len(rows), *out.forecasts.shape[1:]))
            forecasts[lo : lo + len(out)] = out.forecasts
        done += len(out)
    return ChunkResult(index, rows, eq, settles, verdicts, forecasts)


def make_chunks(n: int, workers: int) -> list[list[tuple[int, int]]]:
    """Whole blocks per chunk: about four chunks per worker, so progress is smooth and a slow
    worker does not hold the run, but each chunk is long enough (>= one block of ~1 s) that
    scheduling costs stay small."""
    blocks = blocks_for(n)
    per = max(1, int(np.ceil(len(blocks) / max(1, 4 * workers))))
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
    extra: dict = field(default_factory=dict)
    concepts: tuple[str, ...] = ()  # rows of the equilibrium and settling arrays

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

    def sensitivity(self) -> dict:
        """Spearman rank correlation of every uncertain input with every conclusion."""
        from offramp.uncertainty.sensitivity import rank_correlations

        targets = {}
        for j, q in enumerate(self.scenario.spec.questions):
            targets[f"question:{q.id}"] = (self.verdicts[:, j] == 0).astype(float)
        if self.forecasts is not None:
            dims = [d.name for d in self.scenario.spec.bargaining.dimensions]
            for m, model in enumerate(self.forecast_models):
                for d, dim in enumerate(dims):
                    targets[f"forecast:{model}:{dim}"] = self.forecasts[:, m, d]
        return rank_correlations(self.inputs, self.input_names, targets)

    def to_dict(self) -> dict:
        sc = self.scenario
        model = sc.conflict
        p_eq = self.p_equilibrium()
        p_settle = self.p_settles()
        probs = self.verdict_probabilities()
        out = {
            "scenario": sc.name,
            "samples": self.completed,
            "requested": self.requested,
            "seed": self.seed,
            "executor": self.executor,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "inputs": self.input_names,
            "equilibrium_probability": _ranked_states(p_eq, model, self.concepts),
            "settles_probability": _ranked_states(p_settle, model, self.concepts),
            "questions": [
                {
                    "id": q.id,
                    "ask": q.ask,
                    "concept": q.concept,
                    **{v: round(float(probs[j, i]), 6) for i, v in enumerate(VERDICTS)},
                    "standard_error_yes": round(self.standard_error(float(probs[j, 0])), 6),
                }
                for j, q in enumerate(sc.spec.questions)
            ],
            "sensitivity": self.sensitivity() if self.completed > 2 else {},
        }
        if self.forecasts is not None:
            dims = [d.name for d in sc.spec.bargaining.dimensions]
            out["forecasts"] = {
                model_name: {dim: _summary(self.forecasts[:, m, d]) for d, dim in enumerate(dims)}
                for m, model_name in enumerate(self.forecast_models)
            }
        return out


def _ranked_states(p: np.ndarray, model, concepts) -> dict:
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


def _summary(x: np.ndarray) -> dict:
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
    executor=None,
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
    results: dict[int, ChunkResult] = {}
    done = 0
    interrupted = None
    try:
        for res in executor.run(run_chunk, recipe, seed, chunks):
            results[res.index] = res
            done += len(res.inputs)
            if progress:
                progress(done, n)
    except KeyboardInterrupt:
        interrupted = "interrupted by the user"
    except Exception as exc:
        if not executor.is_worker_failure(exc):
            raise
        interrupted = f"a worker was lost ({type(exc).__name__}: {exc})"
    finally:
        executor.close_run()
    ordered = [results[k] for k in sorted(results)]
    size = template.base.n_states
    width = space.width
    q = len(template.questions)
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
        forecasts=(
            np.concatenate([r.forecasts for r in ordered])
            if ordered and ordered[0].forecasts is not None
            else None
        ),
        forecast_models=tuple(forecast_models),
        interrupted=interrupted,
        seconds=time.perf_counter() - started,
    )
    if interrupted is None and result.completed != n:
        result.interrupted = f"only {result.completed} of {n} samples came back"
    return result


__all__ = ["BLOCK", "MonteCarloResult", "ScenarioRecipe", "monte_carlo", "run_chunk"]
