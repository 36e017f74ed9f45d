"""The sweeps of the sanction closure: a Gauss-Seidel fixpoint of the movers' reach.

The least value the other DMs can push a state to (:func:`offramp.conflict.reach.closure_min`)
is the fixpoint of "each mover in turn replaces every value by the least value it reaches". One
mover's reach is idempotent (its moves, and its improvements, are transitive within a group), so
after a mover's pass it needs recomputing only in the groups where another mover has lowered a
value since: a state's reach lies in its own group.

Which states changed since a mover last ran is kept as one *stamp* per state (the step at which
it last changed) instead of one dirty mark per mover and group: recording a change is one
masked write whatever the number of movers, and a mover reads its dirty states off the stamps
with one comparison when its turn comes. (Marking every other mover's groups at each change
cost a third of the sweeps at 1.7 million states and 8 DMs.)

The movers are seen through :class:`Layout`: the column layout of
:class:`offramp.conflict.columns.Columns` on int32 values, or the sorted blocks of
:class:`offramp.conflict.moves.MoveIndex` on int64 values. Both answer the whole query and,
for DMs without directed options, the query restricted to some groups.

References
----------
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making: The Graph Model for
Conflict Resolution. Wiley, ch. 3 (legal sequences of moves).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

#: A mover recomputes only its dirty groups while they are at most this fraction of its groups;
#: above it the whole pass (sequential, no group bookkeeping) is cheaper.
PARTIAL_SHARE = 0.5


class Layout(Protocol):
    """One mover's reach, as the sweeps query it."""

    group: np.ndarray  # the mover's group of each state
    n_groups: int

    @property
    def partial(self) -> bool:
        """Whether :meth:`reach_min_groups` answers (no directed options)."""
        ...

    def reach_min(self, values: np.ndarray, kind: str) -> np.ndarray: ...

    def reach_min_groups(
        self, values: np.ndarray, kind: str, groups: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]: ...


def sweep_min(
    layouts: Sequence[Layout], values: np.ndarray, kind: str, budget: float
) -> tuple[np.ndarray, int, bool]:
    """The fixpoint of the movers' reach (``kind``: 'move' or 'ui') from ``values``: (values so
    far, sweeps, converged). Stops unconverged once the work (states recomputed) passes
    ``budget`` full passes over the states per mover; the values reached are then still an
    upper bound of the answer that any exact method can finish from."""
    size = len(values)
    limit = budget * size * len(layouts)
    work = 0
    current = values.copy()
    # a sweep covers every path whose moves change mover once more than the last sweep's did,
    # and a least value is reached by a path without repeated states: at most size sweeps,
    # so at most size x movers steps (one per pass) to stamp
    wide = (size + 1) * len(layouts) >= 2**31
    stamp: np.ndarray = np.zeros(size, dtype=np.int64 if wide else np.int32)
    ran_at = [-1] * len(layouts)  # the step of each mover's last pass (-1: none yet)
    step = 0
    sweeps = 0
    while True:
        sweeps += 1
        changed_any = False
        for a, layout in enumerate(layouts):
            if work > limit:
                return current, sweeps, False
            since, step = ran_at[a], step + 1
            ran_at[a] = step
            groups = None
            if since >= 0:
                dirty = stamp > since
                n_dirty = int(np.count_nonzero(dirty))
                if n_dirty == 0:
                    continue
                if layout.partial:
                    groups = _dirty_groups(layout, np.flatnonzero(dirty))
            if groups is None:
                reach = layout.reach_min(current, kind)
                work += size
                better = reach < current
                if better.any():
                    changed_any = True
                    np.copyto(stamp, step, where=better)
                    np.minimum(current, reach, out=current)
            else:
                states, reach = layout.reach_min_groups(current, kind, groups)
                work += len(states)
                better = reach < current[states]
                changed = states[better]
                if len(changed):
                    changed_any = True
                    stamp[changed] = step
                    current[changed] = reach[better]
        if not changed_any or len(layouts) == 1:
            return current, sweeps, True


def _dirty_groups(layout: Layout, states: np.ndarray) -> np.ndarray | None:
    """The groups holding ``states``, or None when they are too many for a partial pass."""
    if len(states) > PARTIAL_SHARE * layout.group.shape[0]:
        return None  # they alone are half the states: the whole pass costs about as much
    touched = np.zeros(layout.n_groups, dtype=bool)
    touched[layout.group[states]] = True
    groups = np.flatnonzero(touched)
    return None if len(groups) > PARTIAL_SHARE * layout.n_groups else groups
