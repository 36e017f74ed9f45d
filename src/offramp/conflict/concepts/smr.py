"""Symmetric metarationality (SMR): GMR where the sanction also survives the DM's counter-move.

State s is SMR for DM i when, for every unilateral improvement s1 of i, the others can reach a
state s2 that i does not prefer to s, and from which no unilateral move of i leads to a state
i prefers to s.

References
----------
Howard, N. (1971). Paradoxes of Rationality. MIT Press.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making: The Graph Model for
Conflict Resolution. Wiley, ch. 3.
"""

from __future__ import annotations

import numpy as np

from offramp.conflict.concepts.base import Concept, DMView
from offramp.conflict.conditions import sanction_options
from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import move_indices
from offramp.conflict.steps import Step, shortest_sanction


def stable(view: DMView) -> np.ndarray:
    # s2 must be bad for i and stay bad whatever i does next: its value is the best i reaches
    counter = view.me.reach_max(view.rank, "move")
    return view.deterred(view.others_reach_min(counter, "move", "smr"))


def sanction(model: ConflictModel, i: int, base: int, s1: int) -> list[Step] | None:
    rank = model.ranks[i]
    limit = rank[base]
    me = move_indices(model)[i]

    def deters(s2: int) -> bool:
        return rank[s2] <= limit and all(rank[t] <= limit for t in me.targets(s2, "move"))

    return shortest_sanction(model, i, s1, "move", deters)


def conditions(model: ConflictModel, i: int, t: int) -> list[frozenset[int]]:
    return sanction_options(model, i, t, "move", counter=True)


CONCEPT = Concept(
    key="smr",
    coalition_sanctions="counter-response",
    label="Symmetric metarationality (SMR)",
    short="SMR",
    glossary=(
        "Symmetric metarationality (SMR): like GMR, but the punishment must still hold after "
        "the decision maker's own counter-move."
    ),
    reference="Howard 1971; Fang, Hipel & Kilgour 1993",
    stable=stable,
    sanction=sanction,
    conditions=conditions,
)
