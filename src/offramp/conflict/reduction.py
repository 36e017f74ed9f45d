"""Two-DM reductions of a conflict: the game two decision makers play when every other DM
is held at its options in a given state.

Limited-move and non-myopic stability (L_h, NM) are defined for two decision makers (Kilgour
1985; Fang, Hipel & Kilgour 1993, ch. 4). To ask whether a state of a larger conflict survives
farsighted reasoning, offramp fixes every DM but a pair at what it does in that state, keeps the
feasible states that agree with them there, and gives the pair their own rankings restricted to
those states (dense ranks, so their preferences among the remaining states are unchanged). The
state itself is the reduced game's status quo.
"""

from __future__ import annotations

import numpy as np

from offramp.conflict.model import ConflictModel, dense_ranks


def two_dm_reduction(model: ConflictModel, state: int, pair: tuple[int, int]) -> ConflictModel:
    """The game of DMs ``pair`` with the others fixed at their options in ``state`` (an index
    into ``model.codes``); its status quo is ``state``."""
    i, j = pair
    kept = [k for k in range(len(model.option_names)) if model.option_dm[k] in (i, j)]
    others = 0
    for k in range(len(model.option_names)):
        if model.option_dm[k] not in (i, j):
            others |= 1 << k
    codes = model.codes
    fixed = np.uint64(int(codes[state]) & others)
    rows = np.flatnonzero((codes & np.uint64(others)) == fixed)
    compact = np.zeros(len(rows), dtype=np.uint64)
    for new, k in enumerate(kept):
        bit = (codes[rows] >> np.uint64(k)) & np.uint64(1)
        compact |= bit << np.uint64(new)
    order = np.argsort(compact, kind="stable")
    rows, compact = rows[order], compact[order]
    ranks = dense_ranks([model.ranks[i][rows], model.ranks[j][rows]])
    return ConflictModel(
        dm_names=[model.dm_names[i], model.dm_names[j]],
        option_names=[model.option_names[k] for k in kept],
        option_dm=np.array([0 if model.option_dm[k] == i else 1 for k in kept], dtype=np.int64),
        direction=model.direction[kept].copy(),
        codes=compact,
        ranks=ranks,
        scores=None,
        status_quo=int(np.flatnonzero(rows == state)[0]),
        name=f"{model.name}: {model.dm_names[i]} and {model.dm_names[j]}",
        labels=model.labels,
    )
