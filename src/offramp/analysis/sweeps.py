"""Parameter sweeps and threshold searches over a scenario's named parameters.

Results of the conflict model are piecewise constant in a parameter: they change only where
two states' weighted scores cross. A sweep samples a grid; a threshold search finds where a
question's answer flips on the grid and then bisects each flip down to a tolerance, so the
reported value is exact to that tolerance (the answer at a tie itself is stated separately:
strict improvement means a tie does not move anyone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np

import offramp.scenario.limits as limits
from offramp.analysis.conflict_analysis import analyze_conflict
from offramp.analysis.questions import VERDICTS, answer
from offramp.analysis.template import ConflictTemplate
from offramp.conflict.concepts import concept_short
from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.resolved import CompiledQuestion
from offramp.scenario.spec import ScenarioSpec, default_range
from offramp.scenario.statements import evaluate_codes

Progress = Callable[[int, int], None]


def parse_param_spec(spec: str) -> tuple[str, np.ndarray]:
    """``NAME=FROM:TO:STEP`` (or ``NAME=FROM:TO`` for 21 points) to a name and its values."""
    name, sep, rest = spec.partition("=")
    parts = rest.split(":")
    if not sep or not name or len(parts) not in (2, 3):
        raise ValueError(f"'{spec}': write NAME=FROM:TO:STEP, e.g. trade_relief=0:10:0.5")
    try:
        lo, hi = float(parts[0]), float(parts[1])
        step = float(parts[2]) if len(parts) == 3 else (hi - lo) / 20
    except ValueError:
        raise ValueError(f"'{spec}': FROM, TO and STEP must be numbers") from None
    big = limits.value("number_abs")
    if not all(np.isfinite(x) and abs(x) <= big for x in (lo, hi, step)):
        raise ValueError(
            f"'{spec}': FROM, TO and STEP must be finite numbers of absolute value at most {big:g}"
        )
    if step <= 0 or hi < lo:
        raise ValueError(f"'{spec}': need FROM <= TO and a positive STEP")
    count = int(np.floor((hi - lo) / step + 1e-9)) + 1
    if count > limits.value("grid_points"):
        raise ValueError(f"'{spec}': {limits.message('grid_points', count)}")
    return name.strip(), lo + step * np.arange(count)


def _check_parameter(scenario: ScenarioSpec, name: str) -> None:
    if name not in scenario.parameters:
        known = ", ".join(scenario.parameters) or "none"
        raise ScenarioError(
            [
                Problem(
                    f"unknown parameter '{name}' (parameters: {known})", "parameters", scenario.file
                )
            ]
        )


@dataclass
class SweepRow:
    value: float
    equilibria: dict[str, list[list[str]]]
    reachable: dict[str, list[list[str]]]
    settles: dict[str, list[list[str]]]
    answers: dict[str, str]


@dataclass
class SweepResult:
    parameter: str
    rows: list[SweepRow] = field(default_factory=list)

    def changes(self) -> list[tuple[float, float, str]]:
        """Consecutive grid values between which some result changed, and what changed."""
        out = []
        for a, b in zip(self.rows, self.rows[1:], strict=False):
            what = []
            if a.equilibria != b.equilibria:
                what.append("equilibria")
            if a.reachable != b.reachable:
                what.append("reachable equilibria")
            if a.settles != b.settles:
                what.append("where the evolution settles")
            flipped = [q for q in a.answers if a.answers[q] != b.answers.get(q)]
            if flipped:
                what.append("answers to " + ", ".join(flipped))
            if what:
                out.append((a.value, b.value, "; ".join(what)))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter,
            "rows": [
                {
                    "value": r.value,
                    "equilibria": r.equilibria,
                    "reachable": r.reachable,
                    "settles_at": r.settles,
                    "answers": r.answers,
                }
                for r in self.rows
            ],
            "changes": [{"between": [a, b], "what": w} for a, b, w in self.changes()],
        }


def _row(scenario: ScenarioSpec, value: float, name: str) -> SweepRow:
    analysis = analyze_conflict(scenario.with_changes({name: value}))
    model = analysis.model
    result = analysis.stability
    eqs = {c: [model.taken(int(s)) for s in result.equilibria(c)] for c in result.concepts}
    reach: dict[str, list[list[str]]] = {}
    settles: dict[str, list[list[str]]] = {}
    if analysis.evolution is not None:
        dist = analysis.evolution.distance
        reach = {
            c: [model.taken(int(s)) for s in result.equilibria(c) if dist[s] >= 0]
            for c in result.concepts
        }
        for c in result.concepts:  # every concept settles somewhere when evolution ran
            at = analysis.settles_at(c)
            settles[c] = [] if at is None else [model.taken(int(s)) for s in at]
    answers = {q.id: answer(analysis, q).verdict for q in analysis.scenario.questions}
    return SweepRow(float(value), eqs, reach, settles, answers)


def sweep(
    scenario: ScenarioSpec, name: str, values: Iterable[float], progress: Progress | None = None
) -> SweepResult:
    """Analyse the scenario at each value of one parameter."""
    _check_parameter(scenario, name)
    out = SweepResult(name)
    values = [limits.finite(v, f"sweep value of {name}", scenario.file) for v in values]
    limits.check("grid_points", len(values), scenario.file, "sweep")
    template = ConflictTemplate(scenario, forecast_models=())
    if not template.batched:  # too large to batch: one analysis per value
        for k, v in enumerate(values):
            out.rows.append(_row(scenario, float(v), name))
            if progress:
                progress(k + 1, len(values))
        return out
    step = template.batch_size()
    for a in range(0, len(values), step):
        out.rows.extend(_rows(template, name, [float(v) for v in values[a : a + step]]))
        if progress:
            progress(min(a + step, len(values)), len(values))
    return out


def _rows(template: ConflictTemplate, name: str, values: list[float]) -> list[SweepRow]:
    """:func:`_row` for many values at once, on the batched engine: the conflict is compiled
    once and every value's scores evaluated with a batch axis (derived parameters follow the
    swept one, as in ``with_changes``); the rows are the same (tests/test_sweep.py)."""
    scenario = template.scenario
    column = np.array(values)
    parameters = scenario.derivation.values_batch(
        {**scenario.parameters, name: column}, {}, len(column), fixed={name}
    )
    outcome = template.evaluate_batch(
        template.batch_scores(parameters, {}, [{}] * len(column)), reachable=True
    )
    model = template.base

    def taken(states: np.ndarray) -> list[list[str]]:
        return [model.taken(int(s)) for s in np.flatnonzero(states)]

    concepts = list(enumerate(template.concepts))
    rows = []
    for b, value in enumerate(values):
        eq = outcome.equilibria[b]
        eqs = {c: taken(eq[k]) for k, c in concepts}
        reach, settles = {}, {}
        if outcome.reachable is not None:
            reach = {c: taken(eq[k] & outcome.reachable[b]) for k, c in concepts}
            settles = {c: taken(outcome.settles[b, k] > 0) for k, c in concepts}
        pairs = zip(template.questions, outcome.verdicts[b], strict=True)
        answers = {q.id: VERDICTS[int(v)] for q, v in pairs}
        rows.append(SweepRow(value, eqs, reach, settles, answers))
    return rows


class _Criterion:
    """'The statement holds in an equilibrium where the evolution settles', evaluated through
    the precompiled template (the state space does not change with a weight's value), so each
    evaluation costs a re-ranking and the stability passes, not a re-validation."""

    def __init__(self, scenario: ScenarioSpec, question: CompiledQuestion, name: str):
        self.template = ConflictTemplate(scenario, forecast_models=())
        self.holds = evaluate_codes(question.statement.expr, self.template.base.codes)
        self.k = self.template.concepts.index(question.concept)
        self.has_status_quo = self.template.base.status_quo is not None
        self.parameters = dict(scenario.parameters)
        self.name = name

    def __call__(self, value: float) -> bool:
        params = {**self.parameters, self.name: float(value)}
        params = self.template.scenario.derivation.values(params, fixed={self.name})
        outcome = self.template.evaluate(self.template.scores(params, {}, {}))
        where = outcome.settles[self.k] > 0 if self.has_status_quo else outcome.equilibria[self.k]
        return bool(self.holds[where].any())

    def batch(self, values: Iterable[float]) -> list[bool]:
        """:meth:`__call__` for many values at once, with a batch axis (the grid)."""
        column = np.array([float(v) for v in values])
        parameters: dict[str, float | np.ndarray] = {**self.parameters, self.name: column}
        # derived parameters follow the swept one, as in __call__
        parameters = self.template.scenario.derivation.values_batch(
            parameters, {}, len(column), fixed={self.name}
        )
        outcome = self.template.evaluate_batch(
            self.template.batch_scores(parameters, {}, [{}] * len(column))
        )
        where = (
            outcome.settles[:, self.k] > 0 if self.has_status_quo else outcome.equilibria[:, self.k]
        )
        return [bool(x) for x in (where & self.holds).any(axis=1)]


class _Transition(TypedDict):
    """Where a threshold search's criterion flips: the value (rounded to the tolerance's
    digits), the bracket it was narrowed to, and what the criterion becomes above it."""

    value: float
    between: list[float]
    becomes: bool


def threshold(
    scenario: ScenarioSpec,
    question: CompiledQuestion,
    name: str | None = None,
    bounds: tuple[float, float] | None = None,
    grid: int = 41,
    tol: float | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Where 'the question holds in an equilibrium reachable from the status quo' flips."""
    name = name or question.parameter
    if name is None:
        raise ValueError(f"question '{question.id}' names no parameter to search over")
    _check_parameter(scenario, name)
    if bounds is None and name == question.parameter:
        bounds = question.search_range
    lo, hi = limits.check_range(
        *(bounds or default_range(scenario.parameters[name])), f"range of {name}", scenario.file
    )
    limits.check("grid_points", grid, scenario.file, "grid")
    if grid < 2:
        raise limits.LimitError([Problem("a threshold search needs a grid of at least 2 points")])
    tol = tol if tol is not None else (hi - lo) * 1e-6
    if not (np.isfinite(tol) and tol > 0):
        raise limits.LimitError([Problem(f"tolerance {tol!r}: give a positive number")])
    tol = max(tol, (hi - lo) * 1e-12)  # bisection ends: floats cannot split an interval forever
    criterion = _Criterion(scenario, question, name)
    xs = np.linspace(lo, hi, grid)
    total = grid + 40
    flags = criterion.batch(xs)
    if progress:
        progress(grid, total)
    transitions: list[_Transition] = []
    for a, b, fa, fb in zip(xs, xs[1:], flags, flags[1:], strict=False):
        if fa == fb:
            continue
        left, right = float(a), float(b)
        for _ in range(200):  # past ~60 halvings floats stop splitting: never loop forever
            if right - left <= tol:
                break
            mid = (left + right) / 2
            if criterion(mid) == fa:
                left = mid
            else:
                right = mid
        digits = max(0, int(-np.floor(np.log10(tol))) - 1) if tol > 0 else 9
        transitions.append(
            {
                "value": round((left + right) / 2, digits),
                "between": [left, right],
                "becomes": bool(fb),
            }
        )
    if progress:
        progress(total, total)
    concept = concept_short(question.concept)
    criterion_text = (
        f"'{question.statement.text}' holds in a {concept} equilibrium where the "
        "evolution from the status quo settles"
    )
    if not transitions:
        sentence = f"{'always' if flags[0] else 'never'} for {name} in [{lo:g}, {hi:g}]"
        smallest = lo if flags[0] else None
    else:
        first_on = next((t for t in transitions if t["becomes"]), None)
        smallest = lo if flags[0] else (first_on["value"] if first_on else None)
        parts = [
            f"{'above' if t['becomes'] else 'up to'} {name} = {t['value']:.6g}" for t in transitions
        ]
        sentence = (
            "holds " + ", ".join(parts)
            if not flags[0]
            else (
                "holds at the low end; changes "
                + ", ".join(
                    f"at {name} = {t['value']:.6g} ({'on' if t['becomes'] else 'off'})"
                    for t in transitions
                )
            )
        )
    return {
        "parameter": name,
        "range": [lo, hi],
        "criterion": criterion_text,
        "holds_at_low": bool(flags[0]),
        "holds_at_high": bool(flags[-1]),
        "smallest_value_where_it_holds": smallest,
        "transitions": transitions,
        "tolerance": tol,
        "summary": sentence,
    }
