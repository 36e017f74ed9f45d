"""Parametric inverse analysis: the smallest change of parameters after which a goal holds.

"What would it take?" The forward analysis maps parameter values to conclusions; this module
inverts it. Given a goal (:mod:`.goals`), the parameters allowed to change and their ranges,
it finds the change of least distance after which the goal holds, distance measured in units of
each parameter's range (L1 by default: the sum of the changes; L∞ on request: the largest).

Exact up to three free parameters. Scores are affine in the parameters, so every conclusion is
constant on each open cell of the arrangement of crossing hyperplanes (:mod:`.linear_scores`);
the least distance to a union of cells is reached at a vertex of the arrangement augmented with
the box faces and the distance's kink planes, and the cells around a vertex are found by local
probes (:mod:`.arrangement`). Vertices are visited nearest first, so the first one next to a
cell where the goal holds is the answer; the point reported lies inside that cell, within
``tol`` (in range units) of the least distance. Ties (points on a crossing plane) are knife
edges and are not offered as answers: the goal holds in an open region around the answer.

Every subset of at most three free parameters is solved this way, which gives the alternatives
(the best changes that use other parameters). With more than three free parameters (the default
``offramp inverse GOAL`` on a large scenario: 32 parameters, 496 pairs), every single parameter is
solved over its whole range, and every pair exactly within ``pair_radius`` (range units) of
today's values: a pair's search costs the cells it meets, and the whole box of all pairs took
minutes. Changes of three or more are not enumerated: a seeded random search inside the best
distance found looks for a better one. The result says what was searched (``search``) and how
far the answer is proven (``exact`` and ``proof``).

References
----------
Kinsara, R. A., Kilgour, D. M. & Hipel, K. W. (2015). Inverse approach to the graph model for
conflict resolution. IEEE Trans. Systems, Man, and Cybernetics: Systems 45(5), 734-742.
Edelsbrunner, H. (1987). Algorithms in Combinatorial Geometry. Springer (arrangements).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from offramp.analysis.arrangement import (
    MAX_COMBINATIONS,
    combinations_needed,
    distance,
    probes,
    vertices,
)
from offramp.analysis.formula_inputs import (
    complete,
    composed_affine,
    effects,
    formula_inputs,
    via,
)
from offramp.analysis.goals import Goal, GoalTest, resolve_goal
from offramp.analysis.linear_scores import normalise
from offramp.errors import InputError, did_you_mean
from offramp.scenario.document import Parameter
from offramp.scenario.spec import ScenarioSpec, default_range

NORMS = ("l1", "linf")
EXACT_LIMIT = 3  # up to this many free parameters the answer is exact
WIDE_SUBSETS = 2  # beyond it: every subset of at most this many parameters is solved exactly
SEARCH_SAMPLES = 150  # ... and this many seeded samples look for larger combinations
#: beyond EXACT_LIMIT free parameters, pairs are solved exactly within this distance of today's
#: values (range units; the best single answer's distance when that is nearer): the whole box of
#: every pair took ~3 min CPU on the built-in scenario (496 pairs), 0.1 about 20 s, this ~8 s
PAIR_RADIUS = 0.05


def parameter_range(scenario: ScenarioSpec, name: str) -> tuple[float, float, str]:
    """The range a parameter may move in when the user gives none: its distribution's support
    (a normal without bounds: mean ± 3 sd); else the range a question of the scenario searches
    it over (e.g. a derived parameter, which has no distribution of its own); else the default
    search range of a number."""
    declared = scenario.document.parameters[name]
    dist = declared.distribution if isinstance(declared, Parameter) else None
    if dist is None:
        searched = [q.search_range for q in scenario.questions if q.parameter == name]
        if searched and searched[0] is not None:  # where the scenario's own question searches
            return searched[0][0], searched[0][1], "the range its question searches"
        lo, hi = default_range(scenario.parameters[name])
        return lo, hi, "default range [min(0, v), max(2|v|, 1)]"
    return dist.bounds()


@dataclass
class Change:
    changes: dict[str, tuple[float, float]]  # name -> (from, to)
    distance: float
    boundary: dict[str, float]  # the vertex: the limit the change approaches
    verdict: str
    #: name -> what the change means through formulas: ``via`` (a derived parameter stated in
    #: the figures behind it) or ``effects`` (the derived parameters a formula input moves)
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": {
                p: {"from": a, "to": b, **self.notes.get(p, {})}
                for p, (a, b) in self.changes.items()
            },
            "distance": round(self.distance, 12),
            "boundary": self.boundary,
            "verdict_after": self.verdict,
        }


@dataclass
class InverseResult:
    goal: Goal
    norm: str
    tolerance: float
    parameters: dict[str, dict[str, Any]]  # free parameter -> {"value", "range", "range_from"}
    verdict_before: str
    holds_before: bool
    best: Change | None
    alternatives: list[Change] = field(default_factory=list)
    exact: bool = True
    proof: str = ""
    why_not: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    #: what was searched: {"singles", "pairs", "pair_radius", "larger"} (module doc)
    search: dict[str, Any] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.best is not None

    def to_dict(self) -> dict[str, Any]:
        best = self.best
        return {
            "goal": self.goal.question or self.goal.text,
            "statement": self.goal.text,
            "concept": self.goal.concept,
            "mode": self.goal.mode,
            "criterion": self.goal.describe(),
            "norm": self.norm,
            "tolerance": self.tolerance,
            "parameters": self.parameters,
            "verdict_before": self.verdict_before,
            "goal_met_before": self.holds_before,
            "found": self.found,
            "changes": {} if best is None else best.to_dict()["changes"],
            "distance": None if best is None else round(best.distance, 12),
            "boundary": {} if best is None else best.boundary,
            "verdict_after": None if best is None else best.verdict,
            "alternatives": [
                {k: v for k, v in a.to_dict().items() if k in ("changes", "distance", "boundary")}
                for a in self.alternatives
            ],
            "exact": self.exact,
            "proof": self.proof,
            "search": self.search,
            "answer": self.sentence(),
            **({"why": self.why_not} if self.why_not else {}),
        }

    def sentence(self) -> str:
        if self.best is None:
            return f"no change within the ranges makes {self.goal.describe('hold')}"
        if not self.best.changes:
            return f"no change needed: {self.goal.describe('already holds')}"
        return f"{describe_change(self.best)}: then {self.goal.describe()}"


def describe_change(change: Change) -> str:
    parts = []
    for p, (a, b) in change.changes.items():
        edge = change.boundary.get(p)
        side = "above" if edge is not None and b > edge else "below"
        limit = f" (just {side} {edge:.6g})" if edge is not None and edge != b else ""
        parts.append(f"{p} {a:g} → {b:.6g}{limit}")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------- solving
class _Problem:
    """The free parameters in range units: y = (x - x0) / width, the box and the goal test."""

    def __init__(
        self,
        test: GoalTest,
        free: list[str],
        lo: dict[str, float],
        hi: dict[str, float],
        norm: str,
        tol: float,
    ):
        self.test = test
        self.free = list(free)
        self.x0 = dict(test.scenario.parameters)
        self.planes_exact = True
        self._planes: dict[tuple[str, ...], Any] = {}
        self.lo = {p: lo[p] for p in self.free}
        self.hi = {p: hi[p] for p in self.free}
        self.width = {p: hi[p] - lo[p] for p in self.free}
        self.norm = norm
        self.tol = tol
        self.cells_seen: dict[str, int] = {}

    def planes(self, free: list[str]) -> Any:
        """The scores as affine functions of ``free``, through formulas too (a parameter
        read only by formulas has no plane of its own), once per subset."""
        key = tuple(free)
        if key not in self._planes:
            affine, exact = composed_affine(
                self.test.scenario, self.test.affine, free, self.x0, self.lo, self.hi
            )
            self.planes_exact &= exact
            self._planes[key] = affine
        return self._planes[key]

    def values(self, free: list[str], y: np.ndarray) -> dict[str, float]:
        out = dict(self.x0)
        for p, yp in zip(free, y, strict=True):
            out[p] = self.x0[p] + float(yp) * self.width[p]
        return out

    def solve(self, free: list[str], bound: float) -> tuple[Change | None, dict[str, Any]]:
        """The least-distance change of ``free`` (exactly), if below ``bound``."""
        w = np.array([self.width[p] for p in free])
        x0 = np.array([self.x0[p] for p in free])
        lo = (np.array([self.lo[p] for p in free]) - x0) / w
        hi = (np.array([self.hi[p] for p in free]) - x0) / w
        n, b = self.planes(free).crossing_hyperplanes(free, self.x0)
        # to range units: n·(x0 + w y) = b
        n, b = normalise(n * w, b - n @ x0) if len(n) else (n, b)
        vlo, vhi = lo, hi
        if np.isfinite(bound) and len(n):
            # only what lies nearer than the bound can be the answer: planes that miss the ball
            # of radius bound (plus the probes' step) and vertices outside it are left out. Rows
            # are normalised (largest |entry| 1), so the L1 ball meets n·y = b iff |b| <= r,
            # the L∞ ball iff |b| <= r·|n|_1
            reach = bound * (1.0 if self.norm == "l1" else np.abs(n).sum(axis=1)) + self.tol
            near = np.abs(b) <= reach
            n, b = n[near], b[near]
            vlo, vhi = np.maximum(lo, -bound), np.minimum(hi, bound)
        need = combinations_needed(len(n), len(free), self.norm)
        if need > MAX_COMBINATIONS:
            raise InputError(
                f"the exact inverse over {', '.join(free)} would intersect {need:,} tuples of "
                f"its {len(n)} crossing planes (limit {MAX_COMBINATIONS:,}): allow fewer "
                "parameters to change at once (--param), at most two for a conflict this size"
            )
        verts = vertices(n, b, vlo, vhi, self.norm)
        visited = 0
        local: dict[bytes, tuple[bool, str]] = {}
        for v in verts:
            fv = float(distance(v, self.norm))
            if fv >= bound:
                break
            visited += 1
            winners = []
            for p in probes(v, n, b, lo, hi, self.tol / 4, self.norm):
                side = (n @ p > b).tobytes()  # the cell: which side of each crossing plane
                hit = local.get(side)
                if hit is None:
                    hit = local[side] = self.test(self.values(free, p))
                    self.cells_seen[hit[1]] = self.cells_seen.get(hit[1], 0) + 1
                if hit[0]:
                    change = self._polish(free, v, p)
                    if change is not None:
                        winners.append(change)
            if winners:  # the cell whose answer moves the fewest parameters
                best = min(winners, key=lambda c: (len(c.changes), c.distance))
                return best, {"planes": len(n), "vertices": len(verts), "visited": visited}
        return None, {"planes": len(n), "vertices": len(verts), "visited": visited}

    def _polish(self, free: list[str], v: np.ndarray, p: np.ndarray) -> Change | None:
        """A readable point of the goal's cell near ``p``: coordinates that need not move are
        put back, the others rounded to the fewest digits that keep the goal and the distance
        within the tolerance."""
        fv = float(distance(v, self.norm))
        target = self.values(free, p)
        for q, vq in zip(free, v, strict=True):
            if abs(vq) < 1e-12:
                trial = {**target, q: self.x0[q]}
                if self.test.exact(trial)[0]:
                    target = trial
        best = None
        edge = {q: self.x0[q] + vq * self.width[q] for q, vq in zip(free, v, strict=True)}
        for digits in range(0, 13):
            trial = dict(target)
            scale = 10.0**digits
            for q in free:
                if trial[q] != self.x0[q]:
                    # round away from the boundary, into the cell
                    if trial[q] > edge[q]:
                        r = math.ceil(trial[q] * scale) / scale
                    elif trial[q] < edge[q]:
                        r = math.floor(trial[q] * scale) / scale
                    else:
                        r = round(trial[q], digits)
                    trial[q] = min(max(r, self.lo[q]), self.hi[q])
            y = np.array([(trial[q] - self.x0[q]) / self.width[q] for q in free])
            if float(distance(y, self.norm)) > fv + self.tol:
                continue
            met, verdict = self.test.exact(trial)
            if met:
                best = (trial, verdict, y)
                break
        if best is None:
            met, verdict = self.test.exact(target)
            if not met:
                return None
            y = np.array([(target[q] - self.x0[q]) / self.width[q] for q in free])
            best = (target, verdict, y)
        trial, verdict, y = best
        changes = {q: (self.x0[q], trial[q]) for q in free if trial[q] != self.x0[q]}
        boundary = {
            q: float(self.x0[q] + vq * self.width[q]) for q, vq in zip(free, v, strict=True)
        }
        boundary = {q: round(val, 9) for q, val in boundary.items() if q in changes}
        return Change(changes, float(distance(y, self.norm)), boundary, verdict)


def _check_inputs(
    scenario: ScenarioSpec,
    parameters: list[str] | None,
    ranges: dict[str, tuple[float, float]] | None,
    norm: str,
    tol: float,
) -> tuple[list[str], dict[str, float], dict[str, float], dict[str, str]]:
    """The free parameters and every parameter's range (low, high, where it comes from)."""
    if norm not in NORMS:
        raise InputError(f"unknown norm {norm!r}{did_you_mean(norm, NORMS)}; choose l1 or linf")
    if not tol > 0:
        raise InputError(f"the tolerance must be positive (got {tol})")
    known = list(scenario.parameters)

    def check(name: str, what: str) -> None:
        if name not in scenario.parameters:
            raise InputError(
                f"unknown parameter '{name}' in {what}{did_you_mean(name, known)} "
                f"(parameters: {', '.join(known) or 'none'})"
            )

    for name in parameters or []:
        check(name, "the parameters allowed to change")
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}
    origin: dict[str, str] = {}
    for name in known:
        lo[name], hi[name], origin[name] = parameter_range(scenario, name)
    for name, bounds in (ranges or {}).items():
        check(name, "the ranges")
        a, b = (float(x) for x in bounds)
        lo[name], hi[name], origin[name] = a, b, "given"
    free = list(parameters) if parameters else [p for p in known if p in scenario.used_parameters]
    for name in free:
        if not lo[name] < hi[name]:
            raise InputError(
                f"the range of '{name}' is empty ([{lo[name]:g}, {hi[name]:g}], from "
                f"{origin[name]}): give a range LOW:HIGH with LOW < HIGH"
            )
    return free, lo, hi, origin


def inverse(
    scenario: ScenarioSpec,
    goal: str,
    *,
    concept: str | None = None,
    mode: str = "settles",
    parameters: list[str] | None = None,
    ranges: dict[str, tuple[float, float]] | None = None,
    norm: str = "l1",
    tol: float = 1e-4,
    alternatives: int = 2,
    seed: int = 0,
    pair_radius: float | None = PAIR_RADIUS,
) -> InverseResult:
    """The smallest change of the free parameters after which ``goal`` holds (module doc).

    ``pair_radius`` (range units; None: the whole box) limits the exact search of pairs when
    more than EXACT_LIMIT parameters are free; the best single answer's distance limits it too.

    Raises
    ------
    offramp.errors.InputError
        For an unknown goal, concept, mode, norm or parameter, an empty range or a pair radius
        that is not positive.
    """
    if pair_radius is not None and not pair_radius > 0:
        raise InputError(
            f"the pair radius must be positive (got {pair_radius:g}); leave it out to search "
            "every pair over its whole box"
        )
    question = next((q for q in scenario.questions if q.id == goal), None)
    own_range = None
    if (
        question is not None
        and question.parameter
        and question.search_range is not None  # set whenever the question names a parameter
        and question.parameter not in (ranges or {})
    ):
        # a question that names its parameter: its range unless the user gives one
        own_range = question.parameter
        ranges = {**(ranges or {}), own_range: question.search_range}
    free, lo, hi, origin = _check_inputs(scenario, parameters, ranges, norm, tol)
    if question is not None and own_range is not None:
        origin[own_range] = f"question '{question.id}'"
    the_goal, holds = resolve_goal(scenario, goal, concept, mode)
    test = GoalTest(scenario, the_goal, holds)
    derived = set(scenario.derivation.derived)
    start = dict(scenario.parameters)

    def full(values: dict[str, float]) -> dict[str, float]:
        # a derived parameter the change moves overrides its formula; the others follow it
        moved = {p for p in derived if values.get(p) != start[p]}
        return complete(scenario, values, moved)

    test.complete = full
    x0 = dict(scenario.parameters)
    met0, verdict0 = test.exact(x0)
    info = {p: {"value": x0[p], "range": [lo[p], hi[p]], "range_from": origin[p]} for p in free}
    result = InverseResult(the_goal, norm, tol, info, verdict0, met0, None)
    if met0:
        result.best = Change({}, 0.0, {}, verdict0)
        result.proof = "the goal already holds at the current values"
        result.search = {"parameters": len(free), "nothing": "the goal already holds"}
        return result
    if not holds.any():
        result.why_not = f"the statement '{the_goal.text}' is true in no feasible state"
        result.proof = "no parameter changes which states are feasible"
        result.search = {"parameters": len(free), "nothing": "no feasible state meets it"}
        return result
    if not free:
        result.why_not = "no parameter is allowed to change (no weight uses a parameter)"
        result.search = {"parameters": 0, "nothing": "no parameter is free"}
        return result
    problem = _Problem(test, free, lo, hi, norm, tol)
    found: list[Change] = []
    keep = 1 + max(alternatives, 0)
    stats = {"subsets": 0, "planes": 0, "vertices": 0, "visited": 0}
    exact = len(free) <= EXACT_LIMIT
    largest = len(free) if exact else WIDE_SUBSETS
    radius = np.inf if exact or pair_radius is None else float(pair_radius)
    for size in range(1, largest + 1):
        if size == 2 and np.isfinite(radius):  # pairs: within it, or the best single's distance
            singles = _report_list(found, keep)
            if singles:
                radius = min(radius, singles[0].distance)
        for subset in itertools.combinations(free, size):
            listed = _report_list(found, keep)
            bound = listed[-1].distance if len(listed) >= keep else np.inf
            # a change of a superset of an answer found is reported only if nearer than it
            for c in found:
                if set(c.changes) < set(subset):
                    bound = min(bound, c.distance)
            if size > 1:
                bound = min(bound, radius)
            change, s = problem.solve(list(subset), bound)
            stats["subsets"] += 1
            for k in ("planes", "vertices", "visited"):
                stats[k] += s[k]
            if change is not None and set(change.changes) == set(subset):
                found.append(change)
    listed = _report_list(found, keep)
    if exact:
        proof = (
            f"exact: every cell of the box of {', '.join(free)} was considered through the "
            f"vertices of the crossing planes ({stats['subsets']} parameter subsets, "
            f"{stats['planes']} planes in all); the distance is within {tol:g} (range units) "
            "of the least"
        )
    else:
        best_before = listed[0].distance if listed else np.inf
        better = _search_beyond(problem, best_before, seed)
        if better is not None:
            found.append(better)
            listed = _report_list(found, keep)
        whole = not np.isfinite(radius)
        proof = (
            f"exact over every change of one of the {len(free)} parameters (whole ranges) and "
            + (
                "of every two (whole box)"
                if whole
                else f"of every two within distance {radius:g} (range units) of today's values"
            )
            + f" (more than {EXACT_LIMIT} are free); "
            + (
                ""
                if whole or radius >= best_before
                else f"a change of two parameters nearer than the answer but farther than "
                f"{radius:g} was not searched (--pair-radius widens it, -p with at most "
                f"{EXACT_LIMIT} parameters is exact); "
            )
            + f"changes of {WIDE_SUBSETS + 1} or more were searched ({SEARCH_SAMPLES} seeded "
            "samples inside the best distance, each refined by bisection along its ray) "
            + (
                "and one was better, so the answer is not proven least"
                if better is not None
                else "without finding a better one (not a proof)"
            )
        )
    if not problem.planes_exact:
        exact = False
        proof += (
            "; a formula is not affine in the free parameters, so its crossing planes are "
            "tangents at today's values: every answer is checked exactly, its least distance "
            "is not proven"
        )
    result.exact = exact
    result.proof = proof
    result.search = _search_summary(len(free), exact, radius)
    result.stats = {**stats, "evaluations": test.evaluations}
    if listed:
        for change in listed:
            _explain_through_formulas(scenario, change, full)
        result.best = listed[0]
        result.alternatives = listed[1:keep]
    else:
        seen = ", ".join(f"'{v}' in {c}" for v, c in sorted(problem.cells_seen.items()))
        result.why_not = (
            "the goal is met in none of the regions of the parameter box where the rankings "
            f"differ (the question's verdict is {seen} of them)"
            if seen
            else "the parameter box has no region where the goal holds"
        )
    return result


def _search_summary(free: int, exact: bool, radius: float) -> dict[str, Any]:
    """What the search covered (the result's ``search``)."""
    pairs = math.comb(free, 2)
    whole = exact or not np.isfinite(radius)
    return {
        "parameters": free,
        "singles": "every parameter over its whole range",
        "pairs": pairs,
        "pair_radius": None if whole else radius,
        "pairs_searched": (
            "none (one parameter)"
            if pairs == 0
            else "whole box"
            if whole
            else f"within distance {radius:g} (range units) of today's values"
        ),
        "larger": (
            "none: every subset of the free parameters is solved exactly"
            if exact
            else f"{SEARCH_SAMPLES} seeded samples inside the best distance (not a proof)"
        ),
    }


def _explain_through_formulas(
    scenario: ScenarioSpec, change: Change, full: Callable[[dict[str, float]], dict[str, float]]
) -> None:
    """What a change means through formulas: a derived parameter's new value stated in each
    input of its formula (``via``), a formula input's effect on the derived parameters
    (``effects``)."""
    inputs = formula_inputs(scenario)
    before = dict(scenario.parameters)
    after = full({**before, **{p: b for p, (_, b) in change.changes.items()}})
    for p, (_, b) in change.changes.items():
        if p in scenario.derivation.derived:
            change.notes[p] = {"via": via(scenario, p, b)}
        elif p in inputs:
            change.notes[p] = {"effects": effects(scenario, before, after)}


def _report_list(found: list[Change], keep: int) -> list[Change]:
    """Nearest first, skipping a change that only adds parameters to an earlier one."""
    out: list[Change] = []
    for c in sorted(found, key=lambda c: (c.distance, len(c.changes))):
        if any(set(o.changes) <= set(c.changes) for o in out):
            continue
        out.append(c)
        if len(out) == keep:
            break
    return out


def _search_beyond(problem: _Problem, best: float, seed: int) -> Change | None:
    """Changes of more than WIDE_SUBSETS parameters nearer than ``best``: seeded samples in the
    ball of radius ``best`` (range units), each refined along its ray to the nearest point of
    the goal found by bisection."""
    free = problem.free
    rng = np.random.default_rng(seed)
    w = np.array([problem.width[p] for p in free])
    x0 = np.array([problem.x0[p] for p in free])
    lo = (np.array([problem.lo[p] for p in free]) - x0) / w
    hi = (np.array([problem.hi[p] for p in free]) - x0) / w
    radius = best if np.isfinite(best) else float(distance(np.maximum(abs(lo), abs(hi)), "l1"))
    winner = None
    for _ in range(SEARCH_SAMPLES):
        k = int(rng.integers(WIDE_SUBSETS + 1, len(free) + 1))
        chosen = rng.choice(len(free), size=k, replace=False)
        y = np.zeros(len(free))
        y[chosen] = rng.laplace(size=k) if problem.norm == "l1" else rng.uniform(-1, 1, size=k)
        length = float(distance(y, problem.norm))
        if length == 0:
            continue
        y *= radius * rng.uniform() ** (1 / k) / length
        y = np.clip(y, lo, hi)
        if not problem.test(problem.values(free, y))[0]:
            continue
        a, b = 0.0, 1.0  # shrink along the ray while the goal holds at the shrunk point
        for _ in range(30):
            mid = (a + b) / 2
            if problem.test(problem.values(free, mid * y))[0]:
                b = mid
            else:
                a = mid
        y = b * y
        if float(distance(y, problem.norm)) < radius - problem.tol:
            change = problem._polish(free, y, y)
            if change is not None and change.distance < radius - problem.tol:
                winner, radius = change, change.distance
    return winner
