"""Simultaneous sanctioning (SIM): an improvement can be met by the others moving at the same time.

State s is SIM-stable for DM i when, for every unilateral improvement s1 of i, each other DM j
can either stay or take one of its own unilateral improvements t_j from s, at the same time as
i, so that the combined state s* (i's options as in s1, each j's options as in t_j) is feasible
and P_i(s*) <= P_i(s). Every combination of the others' choices counts, for every s1.

How it is computed: :mod:`offramp.conflict.simultaneous` (exact, without a states x states
matrix and without listing the product of the others' choices; its docstring gives the method,
why it is exact, and its cost).

References
----------
Fraser, N. M. & Hipel, K. W. (1984). Conflict Analysis: Models and Resolutions. North-Holland.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making: The Graph Model for
Conflict Resolution. Wiley, ch. 3.
"""

from __future__ import annotations

import itertools

import numpy as np

from offramp.conflict.concepts.base import Concept, DMView
from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import MoveIndex, move_indices
from offramp.conflict.simultaneous import sim_stable as search
from offramp.conflict.steps import Step, make_step


def sim_stable(model: ConflictModel, i: int, indices: list[MoveIndex] | None = None) -> np.ndarray:
    """SIM stability of every state for DM i (bool per state)."""
    indices = move_indices(model) if indices is None else indices
    return search(model, i, indices)


def stable(view: DMView) -> np.ndarray:
    return sim_stable(view.model, view.dm, view.indices)


def sanction(model: ConflictModel, i: int, base: int, s1: int) -> list[Step] | None:
    """The fewest simultaneous improvements of the others from ``base`` that, taken together
    with i's move to s1, leave i no better off than at ``base``: one move per mover."""
    indices = move_indices(model)
    rank = model.ranks[i]
    others = [j for j in range(model.n_dms) if j != i]
    options = {j: [int(t) for t in indices[j].targets(base, "ui")] for j in others}
    for size_j in range(1, len(others) + 1):
        for movers in itertools.combinations(others, size_j):
            for choice in itertools.product(*(options[j] for j in movers)):
                steps = [make_step(model, j, base, t) for j, t in zip(movers, choice, strict=True)]
                end = combined_state(model, s1, steps)
                if end is not None and rank[end] <= rank[base]:
                    return steps
    return None


def combined_state(model: ConflictModel, s1: int, steps: list[Step]) -> int | None:
    """The state where i's move to s1 and the others' simultaneous moves lead (None when that
    combination is infeasible)."""
    code = int(model.codes[s1])
    for st in steps:
        code ^= int(model.codes[st.source]) ^ int(model.codes[st.target])
    at = int(np.searchsorted(model.codes, np.uint64(code)))
    if at < model.n_states and int(model.codes[at]) == code:
        return at
    return None


def _outcome(model: ConflictModel, s1: int, steps: list[Step]) -> int:
    end = combined_state(model, s1, steps)
    return s1 if end is None else end


CONCEPT = Concept(
    key="sim",
    label="Simultaneous sanctioning (SIM)",
    short="SIM",
    glossary=(
        "Simultaneous sanctioning (SIM): every move the decision maker prefers can be spoiled "
        "by the others making moves they prefer at the same time."
    ),
    reference="Fraser & Hipel 1984; Fang, Hipel & Kilgour 1993",
    stable=stable,
    sanction=sanction,
    by_default=False,
    simultaneous=True,
    sanction_outcome=_outcome,
)
