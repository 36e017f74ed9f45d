"""Stability of every state for every DM under Nash, GMR, SMR and SEQ.

Every test in the definitions compares P_i(s) with an extreme of P_i over a set reachable from a
unilateral improvement s1, so each concept is computed as: (1) a value per state s2 (P_i, or for
SMR the best i can reach from s2), (2) its minimum over everything the other DMs can reach from
each s1 (a fixpoint over their moves, see :func:`closure_min`), (3) the maximum of that over i's
improvements from s, compared with P_i(s).

Why the fixpoint is exact: a DM moving twice in a row is one move (or none), so a sequence of
the other DMs' moves with the 'no DM twice in a row' rule reaches exactly the states reachable in
the union of their move graphs (the start state aside, which never sanctions an improvement
because P_i(s1) > P_i(s)); the same holds for sequences of improvements. The fixpoint applies each
DM's reach in turn until a full sweep changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import NONE, MoveIndex
from offramp.conflict.result import CONCEPTS, StabilityResult


def move_indices(model: ConflictModel) -> list[MoveIndex]:
    cached = model._cache.get("moves")
    if cached is None:
        cached = [MoveIndex(model, i) for i in range(model.n_dms)]
        model._cache["moves"] = cached
    return cached


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


def analyse(
    model: ConflictModel, concepts: Sequence[str] = CONCEPTS, dms: Sequence[int] | None = None
) -> StabilityResult:
    """Stability of every feasible state for every DM (or the DMs listed in ``dms``; the rows
    of the others stay False) under the requested concepts."""
    unknown = set(concepts) - set(CONCEPTS)
    if unknown:
        raise ValueError(f"unknown solution concepts: {sorted(unknown)}; use {CONCEPTS}")
    indices = move_indices(model)
    n, size = model.n_dms, model.n_states
    stable = {c: np.zeros((n, size), dtype=bool) for c in concepts}
    sweeps: dict[str, list[int]] = {c: [] for c in concepts}
    for i in range(n) if dms is None else dms:
        me = indices[i]
        rank = model.ranks[i]
        others = [j for j in range(n) if j != i]
        best_ui = me.reach_max(rank, "ui")
        no_ui = best_ui == -NONE
        if "nash" in stable:
            stable["nash"][i] = no_ui

        def sanctioned(minima: np.ndarray, me=me, rank=rank) -> np.ndarray:
            # i is deterred from every improvement s1 when the worst that the others can push
            # i to from s1 is no better than staying; the max over s1 is the binding case
            return me.reach_max(minima, "ui") <= rank

        if "gmr" in stable:
            minima, k = closure_min(indices, others, rank, "move")
            stable["gmr"][i] = sanctioned(minima)
            sweeps["gmr"].append(k)
        if "smr" in stable:
            # s2 must be bad for i and stay bad whatever i does next: value = best i reaches
            counter = me.reach_max(rank, "move")
            minima, k = closure_min(indices, others, counter, "move")
            stable["smr"][i] = sanctioned(minima)
            sweeps["smr"].append(k)
        if "seq" in stable:
            minima, k = closure_min(indices, others, rank, "ui")
            stable["seq"][i] = sanctioned(minima)
            sweeps["seq"].append(k)
    return StabilityResult(model=model, stable=stable, sweeps=sweeps)
