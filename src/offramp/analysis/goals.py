"""A goal for the inverse analyses and answer maps, and its fast test at given parameter values.

A goal is a statement over options (``CN.press & RU.negotiate``) or a scenario question's id,
read under a solution concept in one of two modes:

- ``settles`` (the default, the stronger): the verdict is "yes", i.e. the statement holds in
  every equilibrium where the evolution from the status quo settles (the rule of
  :func:`.questions.verdict_of`; without a status quo, in every equilibrium);
- ``equilibrium``: the statement holds in at least one equilibrium.

:class:`GoalTest` scores states through the precompiled :class:`.template.ConflictTemplate`
(exact comparisons, as every analysis makes them) and computes only the goal's concept and
where the evolution settles under it, caching by the DMs' rankings: every conclusion depends on
the parameters only through them. A test checks it against the template's full evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from offramp.analysis.linear_scores import AffineScores, affine_scores
from offramp.analysis.questions import verdict_of
from offramp.analysis.template import ConflictTemplate
from offramp.conflict.concepts import DEFAULT_CONCEPT, get_concept
from offramp.conflict.evolution import evolve
from offramp.conflict.model import dense_ranks
from offramp.conflict.moves import move_indices, with_ranks
from offramp.conflict.stability import compute_stability
from offramp.errors import InputError, did_you_mean
from offramp.scenario.spec import ScenarioSpec
from offramp.scenario.statements import StatementError, evaluate_codes, parse_statement

#: settles: the verdict is yes (the goal holds in every equilibrium where the evolution from the
#: status quo settles); reachable: it holds in at least one of them (verdict yes or depends: the
#: criterion of ``offramp threshold``, so both find the same flips); equilibrium: it holds in
#: at least one equilibrium, reachable or not.
MODES = ("settles", "reachable", "equilibrium")


@dataclass(frozen=True)
class Goal:
    text: str  # the statement
    concept: str
    mode: str
    question: str | None  # the question id, when the goal is one

    def describe(self, verb: str = "holds") -> str:
        """The goal in words: "'CN.press' holds in every equilibrium ..."; ``verb`` fits it
        into a sentence ("hold" after "makes", "already holds")."""
        where = {
            "settles": "in every equilibrium where the evolution from the status quo settles",
            "reachable": "in at least one equilibrium where the evolution from the status quo "
            "settles",
        }.get(self.mode, "in at least one equilibrium")
        return f"'{self.text}' {verb} {where} ({get_concept(self.concept).short})"


def resolve_goal(
    scenario: ScenarioSpec, goal: str, concept: str | None = None, mode: str = "settles"
) -> tuple[Goal, np.ndarray]:
    """The goal and where its statement holds (a bool per feasible state).

    Raises
    ------
    offramp.errors.InputError
        For a goal that is neither a question id nor a valid statement, an unknown concept or
        mode.
    """
    if mode not in MODES:
        raise InputError(
            f"unknown goal mode {mode!r}{did_you_mean(mode, MODES)}; choose one of "
            f"{', '.join(MODES)}"
        )
    if concept is not None:
        get_concept(concept)
    ids = [q.id for q in scenario.questions]
    question = next((q for q in scenario.questions if q.id == goal), None)
    if question is not None:
        expr, text, qid = question.statement.expr, question.statement.text, question.id
        concept = concept or question.concept
    else:
        try:
            expr = parse_statement(goal, scenario.catalogue)
        except StatementError as exc:
            hint = did_you_mean(goal, ids)
            raise InputError(
                f"the goal '{goal}' is neither a question id{hint} (questions: "
                f"{', '.join(ids) or 'none'}) nor a statement over options: {exc.message}"
            ) from None
        text, qid = goal, None
        concept = concept or DEFAULT_CONCEPT
    holds = evaluate_codes(expr, scenario.conflict.codes)
    return Goal(text, concept, mode, qid), holds


class GoalTest:
    """Whether the goal is met, and the verdict, at given parameter values."""

    def __init__(self, scenario: ScenarioSpec, goal: Goal, holds: np.ndarray):
        self.scenario = scenario
        self.goal = goal
        self.holds = holds
        self.template = ConflictTemplate(scenario, forecast_models=())
        self.affine: AffineScores = affine_scores(scenario)
        self.model = scenario.conflict
        self.indices = move_indices(self.model)  # the preference-free part, built once
        for idx in self.indices:
            idx.blocks("move")
        self.has_status_quo = self.model.status_quo is not None
        #: values -> every parameter's value (the inverse through formulas recomputes the
        #: derived parameters here; the identity otherwise)
        self.complete: Callable[[dict[str, float]], dict[str, float]] = lambda v: v
        self._cache: dict[bytes, tuple[bool, str]] = {}
        self._exact: dict[bytes, tuple[bool, str]] = {}
        self.evaluations = 0

    def key(self, values: dict[str, float], completed: bool = False) -> bytes:
        scores = self.affine.at(values if completed else self.complete(values))
        ranks = np.empty(scores.shape, dtype=np.int32)
        for i, row in enumerate(scores):
            ranks[i] = np.unique(row, return_inverse=True)[1].ravel()
        return ranks.tobytes()

    def __call__(self, values: dict[str, float]) -> tuple[bool, str]:
        """(goal met, the verdict of the goal's statement) at ``values`` (all parameters)."""
        full = self.complete(values)  # once: the formulas are the costly part of a probe
        key = self.key(full, completed=True)
        hit = self._cache.get(key)
        if hit is None:
            hit = self.exact(full, completed=True)
            self._cache[key] = hit
        return hit

    def exact(self, values: dict[str, float], completed: bool = False) -> tuple[bool, str]:
        """The same, from the scores compared exactly as the analysis compares them (the
        template's scores); only the goal's concept is computed, not all of them.
        ``completed``: the derived parameters in ``values`` are already computed."""
        full = values if completed else self.complete(values)
        ranks = dense_ranks(self.template.scores(full, {}, {}))
        key = ranks.tobytes()
        hit = self._exact.get(key)
        if hit is None:
            hit = self._exact[key] = self._verdict(ranks)
        return hit

    def _verdict(self, ranks: np.ndarray) -> tuple[bool, str]:
        self.evaluations += 1
        model = with_ranks(self.model, ranks, self.indices)
        concept = self.goal.concept
        eq: np.ndarray = compute_stability(model, [concept]).equilibrium_mask(concept)
        base = eq
        if self.has_status_quo:
            base = np.zeros(len(eq), dtype=bool)
            base[evolve(model, stop=eq).settled(eq)] = True
        verdict = verdict_of(self.holds[base])
        if self.goal.mode == "settles":
            return verdict == "yes", verdict
        if self.goal.mode == "reachable":
            return bool(self.holds[base].any()), verdict
        return bool(self.holds[eq].any()), verdict
