"""What a group of DMs can reach together: the sanction search every sanctioning concept uses.

Every sanction test in the definitions compares P_i(s) with an extreme of P_i over the states the
other DMs can reach from a unilateral improvement s1 by a legal sequence of moves (or of
improvements). :func:`closure_min` computes that minimum for every state at once.

Why the fixpoint is exact: a DM moving twice in a row is one move (or none), so a sequence of
the other DMs' moves with the 'no DM twice in a row' rule reaches exactly the states reachable in
the union of their move graphs (the start state aside, which never sanctions an improvement
because P_i(s1) > P_i(s)); the same holds for sequences of improvements. The fixpoint applies each
DM's reach in turn until a full sweep changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from offramp.conflict.moves import MoveIndex


def closure_min(
    indices: Sequence[MoveIndex], movers: Sequence[int], values: np.ndarray, kind: str
) -> tuple[np.ndarray, int]:
    """Min of ``values`` over the states ``movers`` can reach by sequences of moves (or of
    improvements, ``kind="ui"``), the start state included. Returns (minima, sweeps).

    Gauss-Seidel fixpoint: each mover's reach is applied in turn until a sweep changes nothing.
    One mover's reach is idempotent, so a mover only needs recomputing where another mover
    changed a value since, and only in the groups holding such a state; once those are few,
    the partial update replaces the full one.
    """
    current = values.copy()
    size = len(values)
    dirty = {j: np.ones(size, dtype=bool) for j in movers}
    sweeps = 0
    while True:
        sweeps += 1
        changed_any = False
        for j in movers:
            idx = indices[j]
            todo = np.flatnonzero(dirty[j])
            if len(todo) == 0:
                continue
            dirty[j][:] = False
            groups = None
            if idx.n_directed == 0 and len(todo) < size:
                touched = np.zeros(idx.n_groups, dtype=bool)
                touched[idx.group[todo]] = True
                groups = np.flatnonzero(touched)
                if len(groups) > 0.6 * idx.n_groups:
                    groups = None  # nearly everything: the full pass is cheaper
            if groups is not None:
                states, reach = idx.reach_min_groups(current, kind, groups)
                better = reach < current[states]
                changed = states[better]
                current[changed] = reach[better]
            else:
                reach = idx.reach_min(current, kind)
                better = reach < current
                changed = np.flatnonzero(better)
                current = np.where(better, reach, current)
            if len(changed):
                changed_any = True
                for k in movers:
                    if k != j:
                        dirty[k][changed] = True
        if not changed_any or len(movers) == 1:
            return current, sweeps
