"""Sequential stability (SEQ): every improvement can be sanctioned by the others' improvements.

State s is SEQ for DM i when, for every unilateral improvement s1 of i, the other DMs can reach,
by a legal sequence of their unilateral improvements (credible moves: each mover prefers them),
a state s2 that i does not prefer to s.

References
----------
Fraser, N. M. & Hipel, K. W. (1979). Solving complex conflicts. IEEE Trans. Systems, Man and
Cybernetics 9(12), 805-816.
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
    return view.deterred(view.others_reach_min(view.rank, "ui", "seq"))


def sanction(model: ConflictModel, i: int, base: int, s1: int) -> list[Step] | None:
    return no_better_sanction(model, i, base, s1, "ui")


def conditions(model: ConflictModel, i: int, t: int) -> list[frozenset[int]]:
    return sanction_options(model, i, t, "ui")


CONCEPT = Concept(
    key="seq",
    coalition_sanctions="improvements",
    label="Sequential stability (SEQ)",
    short="SEQ",
    glossary=(
        "Sequential stability (SEQ): every move the decision maker prefers can be punished by "
        "the others with moves they themselves prefer (credible punishments only)."
    ),
    reference="Fraser & Hipel 1979; Fang, Hipel & Kilgour 1993",
    stable=stable,
    sanction=sanction,
    conditions=conditions,
)
