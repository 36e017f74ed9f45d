"""General metarationality (GMR): every improvement can be sanctioned by the others' moves.

State s is GMR for DM i when, for every unilateral improvement s1 of i, the other DMs can reach,
by a legal sequence of their unilateral moves (preferred by them or not), a state s2 that i does
not prefer to s.

References
----------
Howard, N. (1971). Paradoxes of Rationality: Theory of Metagames and Political Behavior. MIT Press.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making: The Graph Model for
Conflict Resolution. Wiley, ch. 3.
"""

from __future__ import annotations

import numpy as np

from offramp.conflict.concepts.base import Concept, DMView
from offramp.conflict.conditions import sanction_options
from offramp.conflict.model import ConflictModel
from offramp.conflict.steps import Step, no_better_sanction


def stable(view: DMView) -> np.ndarray:
    return view.deterred(view.others_reach_min(view.rank, "move", "gmr"))


def sanction(model: ConflictModel, i: int, base: int, s1: int) -> list[Step] | None:
    return no_better_sanction(model, i, base, s1, "move")


def conditions(model: ConflictModel, i: int, t: int) -> list[frozenset[int]]:
    return sanction_options(model, i, t, "move")


CONCEPT = Concept(
    key="gmr",
    coalition_sanctions="moves",
    label="General metarationality (GMR)",
    short="GMR",
    glossary=(
        "General metarationality (GMR): every move the decision maker prefers can be punished "
        "by the others' replies, even replies that hurt the others themselves."
    ),
    reference="Howard 1971; Fang, Hipel & Kilgour 1993",
    stable=stable,
    sanction=sanction,
    conditions=conditions,
)
