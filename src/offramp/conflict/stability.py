"""Stability of every state for every DM under the registered solution concepts.

Each concept's test (see :mod:`offramp.conflict.concepts`) is vectorised over all states; this
module runs the requested concepts for each DM, sharing per DM what the concepts have in common
(the move index, the best improvement from each state). Concepts with parameters (the horizon
of limited-move stability) receive them through ``options``; each concept checks that it covers
the conflict and that its parameters are in range before any work.

Why the sanction closure is exact: a DM moving twice in a row is one move (or none), so a
sequence of the other DMs' moves with the 'no DM twice in a row' rule reaches exactly the states
reachable in the union of their move graphs (the start state aside, which never sanctions an
improvement because P_i(s1) > P_i(s)); the same holds for sequences of improvements. See
:mod:`offramp.conflict.reach`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from offramp.conflict.concepts import DEFAULT_CONCEPTS, DMView, get_concept
from offramp.conflict.model import ConflictModel
from offramp.conflict.result import StabilityResult


def compute_stability(
    model: ConflictModel,
    concepts: Sequence[str] = DEFAULT_CONCEPTS,
    dms: Sequence[int] | None = None,
    options: Mapping[str, object] | None = None,
) -> StabilityResult:
    """Stability of every feasible state for every DM (or the DMs listed in ``dms``; the rows
    of the others stay False) under the requested concepts.

    ``options`` holds the concepts' parameters (e.g. ``{"horizon": 4}``); each concept reads
    only its own, with its defaults for those not given.

    Raises
    ------
    offramp.errors.InputError
        For an unknown concept, a concept that does not cover this conflict (limited-move
        stability with more than two DMs) or a parameter out of range.
    """
    chosen = [get_concept(c) for c in concepts]
    own = {c.key: c.options_for(options) for c in chosen}
    for c in chosen:  # every check before any work
        if c.check is not None:
            c.check(model, own[c.key])
    n, size = model.n_dms, model.n_states
    stable = {c.key: np.zeros((n, size), dtype=bool) for c in chosen}
    sweeps: dict[str, list[int]] = {c.key: [] for c in chosen}
    for i in range(n) if dms is None else dms:
        base = DMView.of(model, i)
        for c in chosen:
            view = base if not own[c.key] else DMView(model, i, base.indices, options=own[c.key])
            stable[c.key][i] = c.stable(view)
            for key, counts in view.sweeps.items():
                if view is not base:
                    sweeps.setdefault(key, []).extend(counts)
        for key, counts in base.sweeps.items():
            sweeps.setdefault(key, []).extend(counts)
    return StabilityResult(model=model, stable=stable, sweeps=sweeps, options=own)
