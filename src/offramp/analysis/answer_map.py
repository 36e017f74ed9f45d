"""Answer maps: a question's verdict over a grid of two parameters, with exact boundaries.

The verdict is constant on each cell of the crossing lines of the two parameters
(:mod:`.linear_scores`), so the grid is classified without analysing every point: each point
gets the side of every crossing line it lies on (a vectorised product), and one point per
distinct cell is analysed. Along every grid line, the verdict can change only where a crossing
line meets it; between two neighbouring grid points with different verdicts, the crossings in
between are visited in order and the boundary is the crossing where the verdict changes: exact,
not bisected.

With ``samples``, the other uncertain parameters (those with a distribution) are drawn
``samples`` times (seeded) and each grid point also gets the probability that the verdict is
"yes"; the points and draws are classified the same way, through the crossing hyperplanes of all
the parameters. Uncertain numeric weights and uncertain prioritizations stay at their point
values in a map (``offramp uncertainty`` samples them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from offramp.analysis.goals import GoalTest, resolve_goal
from offramp.analysis.questions import VERDICTS
from offramp.errors import InputError, did_you_mean
from offramp.scenario.document import Parameter
from offramp.scenario.spec import ScenarioSpec

MAX_POINTS = 250_000  # grid points
MAX_SAMPLED_POINTS = 50_000  # grid points x draws (each draw's cells are new)
TIE = 1e-9


@dataclass
class Axis:
    name: str
    values: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "values": [float(v) for v in self.values]}


@dataclass
class AnswerMap:
    goal: str
    statement: str
    concept: str
    x: Axis
    y: Axis
    verdicts: np.ndarray  # (ny, nx) index into VERDICTS
    current: dict[str, float]
    boundaries: list[dict[str, Any]] = field(default_factory=list)
    probability: np.ndarray | None = None  # (ny, nx) share of draws with verdict yes
    samples: int = 0
    seed: int = 0
    stats: dict[str, Any] = field(default_factory=dict)

    def verdict_names(self) -> list[list[str]]:
        return [[VERDICTS[int(v)] for v in row] for row in self.verdicts]

    def to_dict(self) -> dict[str, Any]:
        counts = {v: int((self.verdicts == k).sum()) for k, v in enumerate(VERDICTS)}
        return {
            "goal": self.goal,
            "statement": self.statement,
            "concept": self.concept,
            "x": self.x.to_dict(),
            "y": self.y.to_dict(),
            "current": self.current,
            "verdicts": self.verdict_names(),
            "counts": {k: v for k, v in counts.items() if v},
            "boundaries": self.boundaries,
            **(
                {
                    "probability": np.round(self.probability, 6).tolist(),
                    "samples": self.samples,
                    "seed": self.seed,
                }
                if self.probability is not None
                else {}
            ),
        }

    def to_csv(self) -> str:
        head = [self.x.name, self.y.name, "verdict"] + (
            ["probability_yes"] if self.probability is not None else []
        )
        lines = [",".join(head)]
        for j, yv in enumerate(self.y.values):
            for i, xv in enumerate(self.x.values):
                row = [f"{xv:.10g}", f"{yv:.10g}", VERDICTS[int(self.verdicts[j, i])]]
                if self.probability is not None:
                    row.append(f"{self.probability[j, i]:.6g}")
                lines.append(",".join(row))
        return "\n".join(lines) + "\n"


def _check_axis(scenario: ScenarioSpec, name: str, lo: float, hi: float, steps: int) -> Axis:
    if name not in scenario.parameters:
        known = list(scenario.parameters)
        raise InputError(
            f"unknown parameter '{name}'{did_you_mean(name, known)} (parameters: "
            f"{', '.join(known) or 'none'})"
        )
    if not lo < hi:
        raise InputError(f"the range of '{name}' is empty ([{lo:g}, {hi:g}]): give LOW < HIGH")
    if steps < 2:
        raise InputError(f"a map needs at least 2 points per axis (got {steps} for '{name}')")
    return Axis(name, np.linspace(lo, hi, steps))


class _Classifier:
    """Verdicts of many parameter vectors, one analysis per cell of the crossing planes."""

    def __init__(self, test: GoalTest, names: list[str]):
        self.test = test
        self.names = names
        base = dict(test.scenario.parameters)
        self.base = base
        n, b = test.affine.crossing_hyperplanes(names, base)
        self.n, self.b = n, b
        self.cells: dict[bytes, int] = {}

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """Verdict index per row of ``points`` (columns: ``names``)."""
        out = np.empty(len(points), dtype=np.int8)
        rows = max(1, 4_000_000 // max(len(self.n), 1))  # a chunk's side matrix stays small
        for start in range(0, len(points), rows):
            chunk = points[start : start + rows]
            gap = chunk @ self.n.T - self.b
            side = np.where(np.abs(gap) <= TIE * (1 + np.abs(self.b)), 0, np.sign(gap))
            side = np.ascontiguousarray(side.astype(np.int8))
            keys, first, inverse = np.unique(
                side.view(np.dtype((np.void, side.shape[1]))).ravel()
                if side.shape[1]
                else np.zeros(len(side), dtype=np.int8),
                return_index=True,
                return_inverse=True,
            )
            verdicts = np.empty(len(keys), dtype=np.int8)
            for k, (key, row) in enumerate(zip(keys, first, strict=True)):
                kb = bytes(key) if side.shape[1] else b""
                hit = self.cells.get(kb)
                if hit is None:
                    values = {**self.base, **dict(zip(self.names, chunk[row], strict=True))}
                    hit = self.cells[kb] = VERDICTS.index(self.test.exact(values)[1])
                verdicts[k] = hit
            out[start : start + len(chunk)] = verdicts[inverse.ravel()]
        return out

    def crossings(self, fixed: dict[str, float], along: str, lo: float, hi: float) -> np.ndarray:
        """Values of ``along`` in (lo, hi) where a crossing plane meets the line on which the
        other parameters are ``fixed``; sorted."""
        j = self.names.index(along)
        rest = np.array([fixed.get(p, self.base[p]) if p != along else 0.0 for p in self.names])
        slope = self.n[:, j]
        ok = np.abs(slope) > 0
        at = (self.b[ok] - self.n[ok] @ rest) / slope[ok]
        at = at[(at > lo) & (at < hi)]
        found: np.ndarray = np.unique(at)
        return found


def answer_map(
    scenario: ScenarioSpec,
    goal: str,
    x: tuple[str, float, float],
    y: tuple[str, float, float],
    *,
    steps: tuple[int, int] = (100, 100),
    concept: str | None = None,
    samples: int = 0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> AnswerMap:
    """The verdict of ``goal`` (a question id or statement) over a grid of two parameters.

    Raises
    ------
    offramp.errors.InputError
        For unknown parameters, the same parameter twice, an empty range, a bad goal, or a grid
        too large.
    """
    ax = _check_axis(scenario, x[0], x[1], x[2], steps[0])
    ay = _check_axis(scenario, y[0], y[1], y[2], steps[1])
    if ax.name == ay.name:
        raise InputError(f"the map's two axes are both '{ax.name}': choose two parameters")
    if samples < 0:
        raise InputError("samples must be >= 0")
    total = steps[0] * steps[1] * max(samples, 1)
    limit = MAX_SAMPLED_POINTS if samples else MAX_POINTS
    if total > limit:
        raise InputError(
            f"{steps[0]} x {steps[1]} points x {max(samples, 1)} draws = {total:,} points to "
            f"classify, over the limit of {limit:,}"
            + (
                " with --samples (each draw's regions are analysed afresh, ~1-5 ms each): use "
                "a coarser grid (--grid 20) or fewer samples"
                if samples
                else ": use fewer points"
            )
        )
    the_goal, holds = resolve_goal(scenario, goal, concept, "settles")
    test = GoalTest(scenario, the_goal, holds)
    uncertain = []
    if samples:
        for name, declared in scenario.document.parameters.items():
            if name in (ax.name, ay.name) or name not in scenario.used_parameters:
                continue
            if isinstance(declared, Parameter) and declared.distribution is not None:
                uncertain.append((name, declared.distribution))
    names = [ax.name, ay.name] + [name for name, _ in uncertain]
    classify = _Classifier(test, names)
    gx, gy = np.meshgrid(ax.values, ay.values)  # (ny, nx)
    rest = np.array([scenario.parameters[n] for n, _ in uncertain])
    grid = np.column_stack([gx.ravel(), gy.ravel(), np.tile(rest, (gx.size, 1))])
    verdicts = classify(grid).reshape(gx.shape)
    result = AnswerMap(
        goal=the_goal.question or the_goal.text,
        statement=the_goal.text,
        concept=the_goal.concept,
        x=ax,
        y=ay,
        verdicts=verdicts,
        current={ax.name: scenario.parameters[ax.name], ay.name: scenario.parameters[ay.name]},
    )
    result.boundaries = _boundaries(classify, ax, ay, verdicts)
    if uncertain:
        rng = np.random.default_rng(seed)
        draws = np.column_stack([dist.sample(rng, samples) for _, dist in uncertain])
        yes = VERDICTS.index("yes")
        hits = np.zeros(gx.size)
        for k in range(samples):
            rows = np.column_stack([gx.ravel(), gy.ravel(), np.tile(draws[k], (gx.size, 1))])
            hits += classify(rows) == yes
            if progress:
                progress(k + 1, samples)
        result.probability = (hits / samples).reshape(gx.shape)
    elif samples:
        result.probability = (verdicts == VERDICTS.index("yes")).astype(float)
    result.samples, result.seed = samples, seed
    result.stats = {"cells_analysed": len(classify.cells), "crossing_lines": len(classify.n)}
    return result


def _boundaries(
    classify: _Classifier, ax: Axis, ay: Axis, verdicts: np.ndarray
) -> list[dict[str, Any]]:
    """Where the verdict changes along each grid line, exactly: at a crossing point."""
    out = []
    for along, axis, other, lines in (
        (ax.name, ax, ay, verdicts),
        (ay.name, ay, ax, verdicts.T),
    ):
        for j, fixed_value in enumerate(other.values):
            row = lines[j]
            for i in np.flatnonzero(row[:-1] != row[1:]):
                lo, hi = float(axis.values[i]), float(axis.values[i + 1])
                fixed = {other.name: float(fixed_value)}
                cuts = classify.crossings(fixed, along, lo, hi)
                edges = np.concatenate([[lo], cuts, [hi]])
                mids = (edges[:-1] + edges[1:]) / 2
                pts = np.zeros((len(mids), len(classify.names)))
                for k, p in enumerate(classify.names):
                    pts[:, k] = mids if p == along else fixed.get(p, classify.base[p])
                # the verdict at lo, on each open piece between crossings, at hi
                seq = np.concatenate([[row[i]], classify(pts), [row[i + 1]]])
                where = np.concatenate([[lo], cuts, [hi]])
                for k in range(len(seq) - 1):
                    if seq[k] != seq[k + 1]:
                        out.append(
                            {
                                "along": along,
                                other.name: float(fixed_value),
                                "at": float(where[k]),
                                "from": VERDICTS[int(seq[k])],
                                "to": VERDICTS[int(seq[k + 1])],
                            }
                        )
    return out
