"""Stability of every state for every DM under the registered solution concepts.

Each concept's test (see :mod:`offramp.conflict.concepts`) is vectorised over all states; this
module runs the requested concepts for each DM, sharing per DM what the concepts have in common
(the move index, the best improvement from each state).

Why the sanction closure is exact: a DM moving twice in a row is one move (or none), so a
sequence of the other DMs' moves with the 'no DM twice in a row' rule reaches exactly the states
reachable in the union of their move graphs (the start state aside, which never sanctions an
improvement because P_i(s1) > P_i(s)); the same holds for sequences of improvements. See
:mod:`offramp.conflict.reach`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from offramp.conflict.concepts import CONCEPTS, DMView, get_concept
from offramp.conflict.model import ConflictModel
from offramp.conflict.result import StabilityResult


def compute_stability(
    model: ConflictModel, concepts: Sequence[str] = CONCEPTS, dms: Sequence[int] | None = None
) -> StabilityResult:
    """Stability of every feasible state for every DM (or the DMs listed in ``dms``; the rows
    of the others stay False) under the requested concepts.

    Raises
    ------
    offramp.errors.InputError
        For an unknown concept.
    """
    chosen = [get_concept(c) for c in concepts]
    n, size = model.n_dms, model.n_states
    stable = {c.key: np.zeros((n, size), dtype=bool) for c in chosen}
    sweeps: dict[str, list[int]] = {c.key: [] for c in chosen}
    for i in range(n) if dms is None else dms:
        view = DMView.of(model, i)
        for c in chosen:
            stable[c.key][i] = c.stable(view)
        for key, counts in view.sweeps.items():
            sweeps.setdefault(key, []).extend(counts)
    return StabilityResult(model=model, stable=stable, sweeps=sweeps)
