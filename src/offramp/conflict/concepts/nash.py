"""Nash stability (R, "rational"): the DM has no unilateral improvement.

References
----------
Nash, J. (1950). Equilibrium points in n-person games. PNAS 36(1), 48-49.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making: The Graph Model for
Conflict Resolution. Wiley, ch. 3 (the graph-model form used here).
"""

from __future__ import annotations

import numpy as np

from offramp.conflict.concepts.base import Concept, DMView
from offramp.conflict.conditions import sanction_options
from offramp.conflict.model import ConflictModel


def stable(view: DMView) -> np.ndarray:
    return ~view.has_improvement


def conditions(model: ConflictModel, i: int, t: int) -> list[frozenset[int]]:
    return sanction_options(model, i, t, None)


CONCEPT = Concept(
    key="nash",
    coalition_sanctions="none",
    label="Nash (R)",
    short="Nash",
    glossary=(
        "Nash stability (R, for 'rational'): the decision maker has no move that it prefers "
        "to staying, whatever the others might do next."
    ),
    reference="Nash 1950; Fang, Hipel & Kilgour 1993",
    stable=stable,
    sanction=None,
    no_sanction_note=(
        "Nash stability counts no sanction: this improvement alone makes the state unstable."
    ),
    conditions=conditions,
)
