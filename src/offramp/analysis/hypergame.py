"""Misjudged intentions: first-level hypergames (Wang, Hipel & Fraser 1988).

Each DM i plays the game it perceives, G_i: the scenario with i's misperceptions applied (the
preferences i believes another DM holds, and the options i does not know exist removed). A state
of the real conflict appears to i as the state of G_i with the unknown options not taken (its
*projection*). Every DM knows its own preferences, so i's moves are the real ones; what changes
is what i expects of the others, hence whether i judges a move sanctioned. A state is a
*hypergame equilibrium* under a concept when it is stable for every DM i in G_i (at its
projection); where the evolution from the status quo settles is computed as usual (real
improvements) but stopping at hypergame equilibria. With every perception correct, G_i is the
real game for every i and everything equals the ordinary analysis (a property test).

References
----------
Bennett, P. G. (1977). Toward a theory of hypergames. Omega 5(6), 749-751.
Wang, M., Hipel, K. W. & Fraser, N. M. (1988). Modeling misperceptions in games. Behavioral
Science 33(3), 207-223.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making. Wiley, ch. 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from offramp.analysis.conflict_analysis import scenario_concepts
from offramp.analysis.questions import verdict_of
from offramp.conflict.evolution import evolve
from offramp.conflict.stability import compute_stability
from offramp.conflict.state_ids import to_id
from offramp.scenario.perceived import perceived_game
from offramp.scenario.spec import ScenarioSpec
from offramp.scenario.statements import evaluate_codes


@dataclass
class Hypergame:
    scenario: ScenarioSpec
    correct: dict[str, np.ndarray]  # concept -> (n, S) stable for each DM, the real game
    perceived: dict[str, np.ndarray]  # concept -> (n, S) stable for each DM in its own game
    unseen: dict[str, np.ndarray] = field(default_factory=dict)  # dm -> states it cannot place

    def equilibria(self, concept: str, perceived: bool = True) -> np.ndarray:
        table = self.perceived if perceived else self.correct
        return np.flatnonzero(np.logical_and.reduce(table[concept], axis=0))

    def settles_at(self, concept: str, perceived: bool = True) -> np.ndarray | None:
        model = self.scenario.conflict
        if model.status_quo is None:
            return None
        table = self.perceived if perceived else self.correct
        stop: np.ndarray = np.logical_and.reduce(table[concept], axis=0)
        return evolve(model, stop=stop).settled(stop)

    def verdicts(self, perceived: bool = True) -> dict[str, str]:
        """Each question's verdict, read in the hypergame or in the correct-perception game."""
        codes = self.scenario.conflict.codes
        out = {}
        for q in self.scenario.questions:
            holds = evaluate_codes(q.statement.expr, codes)
            base = self.settles_at(q.concept, perceived)
            if base is None:
                base = self.equilibria(q.concept, perceived)
            out[q.id] = verdict_of(holds[base])
        return out

    def to_dict(self) -> dict[str, Any]:
        sc = self.scenario
        model = sc.conflict
        concepts: dict[str, dict[str, Any]] = {}
        for c in self.correct:
            right = [to_id(s) for s in self.equilibria(c, False)]
            hyper = [to_id(s) for s in self.equilibria(c, True)]
            entry: dict[str, Any] = {
                "correct": right,
                "hypergame": hyper,
                "only_hypergame": [s for s in hyper if s not in right],
                "only_correct": [s for s in right if s not in hyper],
                "differs_for": {
                    dm: [
                        to_id(int(s))
                        for s in np.flatnonzero(self.correct[c][i] != self.perceived[c][i])
                    ]
                    for i, dm in enumerate(sc.dm_names)
                },
            }
            settles_right, settles_hyper = self.settles_at(c, False), self.settles_at(c, True)
            if settles_right is not None and settles_hyper is not None:  # a status quo
                entry["settles_at"] = {
                    "correct": [to_id(int(s)) for s in settles_right],
                    "hypergame": [to_id(int(s)) for s in settles_hyper],
                }
            concepts[c] = entry
        said_right, said_hyper = self.verdicts(False), self.verdicts(True)
        return {
            "scenario": sc.name,
            "perceptions": [
                {
                    "dm": p.dm,
                    "of": p.of,
                    "unknown_options": [sc.options[k].qualified for k in p.unknown_options],
                }
                for p in sc.perceptions
            ],
            "concepts": concepts,
            "questions": [
                {
                    "id": q.id,
                    "ask": q.ask,
                    "correct": said_right[q.id],
                    "hypergame": said_hyper[q.id],
                }
                for q in sc.questions
            ],
            "states": {
                str(to_id(s)): model.taken(s)
                for c in concepts.values()
                for s in {x - 1 for x in c["correct"] + c["hypergame"]}
            },
        }


def hypergame(scenario: ScenarioSpec, concepts: Sequence[str] | None = None) -> Hypergame:
    """Stability of every state for every DM, each in the game it perceives (module doc)."""
    if concepts is None:  # the defaults and those the questions name (their verdicts need them)
        concepts = scenario_concepts(scenario)
    model = scenario.conflict
    correct_result = compute_stability(model, concepts)
    correct = {c: correct_result.stable[c] for c in concepts}
    perceived = {c: np.zeros_like(correct[c]) for c in concepts}
    unseen = {}
    for i, dm in enumerate(scenario.dm_names):
        game, mask = perceived_game(scenario, dm)
        if game is scenario:
            for c in concepts:
                perceived[c][i] = correct[c][i]
            continue
        own = compute_stability(game.conflict, concepts, dms=[i])
        seen_codes = model.codes & ~np.uint64(mask)
        pos = np.searchsorted(game.conflict.codes, seen_codes)
        pos = np.minimum(pos, len(game.conflict.codes) - 1)
        known = game.conflict.codes[pos] == seen_codes
        unseen[dm] = np.flatnonzero(~known)
        for c in concepts:
            perceived[c][i] = own.stable[c][i][pos] & known
    return Hypergame(scenario, correct, perceived, unseen)
