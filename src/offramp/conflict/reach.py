"""What a group of DMs can reach together: the sanction search every sanctioning concept uses.

Every sanction test in the definitions compares P_i(s) with an extreme of P_i over the states the
other DMs can reach from a unilateral improvement s1 by a legal sequence of moves (or of
improvements). :func:`closure_min` computes that minimum for every state at once.

Why a graph search is exact: a DM moving twice in a row is one move (or none), so a sequence of
the other DMs' moves with the 'no DM twice in a row' rule reaches exactly the states reachable in
the union of their move graphs (the start state aside, which never sanctions an improvement
because P_i(s1) > P_i(s)); the same holds for sequences of improvements.

How it stays linear: each mover's moves are a sparse graph of O(S) edges (see
:meth:`offramp.conflict.moves.MoveIndex.graph`: cycles for groups, chains of rank runs for
improvements). The minimum of ``values`` over what each state reaches is then one depth-first
search of the reversed union graph from a virtual root whose children are the states in
increasing order of value: the first tree that meets a state is rooted at the smallest value the
state can reach (everything that reaches a smaller value was already visited, by the time the
search leaves that smaller root). This is the 'strongly connected components, then one pass over
the condensation in topological order' of the method notes, fused into one O(V + E) traversal
(scipy's compiled depth-first search); its cost does not depend on how long the sequences of
moves are. When every mover's moves are symmetric (plain moves, no directed options) the union is
undirected and the answer is simply the minimum over each connected component.

References
----------
Tarjan, R. E. (1972). Depth-first search and linear graph algorithms. SIAM J. Computing 1(2).
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making: The Graph Model for
Conflict Resolution. Wiley, ch. 3 (legal sequences of moves).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from offramp.conflict.columns import NONE32, to_int32
from offramp.conflict.fixpoint import sweep_min
from offramp.conflict.moves import MoveIndex
from offramp.resources import memory_budget

#: Memory of the depth-first search per state and mover: the reversed graph of each mover
#: (about 2.2 edges per state with rank-run hubs, rows and columns int32, row pointers int64)
#: and the union's compressed rows with their weights, the search's own arrays.
SEARCH_BYTES_PER_STATE = 120

#: Work allowed to the sweeps before the linear search takes over, in full passes over the
#: states per mover (a partial pass counts the states it touches).
SWEEP_BUDGET = 16


def closure_min(
    indices: Sequence[MoveIndex], movers: Sequence[int], values: np.ndarray, kind: str
) -> tuple[np.ndarray, int]:
    """Min of ``values`` over the states ``movers`` can reach by sequences of moves (or of
    improvements, ``kind="ui"``), the start state included. Returns (minima, passes).

    Gauss-Seidel sweeps (:func:`offramp.conflict.fixpoint.sweep_min`: each mover's reach in
    turn, later only in the groups whose values changed) run while their work stays under
    :data:`SWEEP_BUDGET`; most conflicts settle in a few sweeps, which on this hardware beats
    any graph traversal (sequential passes over sorted arrays). If they do not, the depth-first
    search of the module docstring finishes from the values reached so far (the minimum over
    what a state reaches of those values is still the answer), so the total cost is bounded by
    the budget plus one linear search however long the sequences of moves are (symmetric moves,
    without directed options, need no search: the minimum over each connected component of the
    union of the movers' groups). ``passes`` counts the sweeps, plus one for the search.
    """
    values = np.asarray(values, dtype=np.int64)
    size = len(values)
    movers = list(movers)
    if size == 0 or not movers:
        return values.copy(), 1
    if len(movers) == 1:
        return np.minimum(values, indices[movers[0]].reach_min(values, kind)), 1
    if kind == "move" and all(indices[j].n_directed == 0 for j in movers):
        # symmetric moves: the minimum over each connected component of the movers' groups
        labels, count, passes = _move_components(indices, movers, size)
        mins = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(mins, labels, values)
        return mins[labels], passes
    columns = _layouts(indices, movers)
    small = to_int32(values) if columns is not None else None
    if small is not None:
        assert columns is not None  # (small is None otherwise)
        reached, sweeps, done = sweep_min(columns, small, kind, SWEEP_BUDGET)
        current = reached.astype(np.int64)
    else:
        current, sweeps, done = sweep_min(_blocks(indices, movers), values, kind, SWEEP_BUDGET)
    if done:
        return current, sweeps
    if SEARCH_BYTES_PER_STATE * len(movers) * size > memory_budget() // 4:
        # the search's graph would not fit beside the analysis: keep sweeping (exact, only
        # slower), so that the memory estimate made before enumeration still holds
        more, extra, _ = sweep_min(_blocks(indices, movers), current, kind, float("inf"))
        return more, sweeps + extra
    return _search_min(indices, movers, current, kind), sweeps + 1


def _blocks(indices: Sequence[MoveIndex], movers: list[int]) -> list[MoveIndex]:
    """The movers' sorted-block indices, as the sweeps see them (int64 values)."""
    return [indices[j] for j in movers]


class _BlockLayout:
    """A mover without a column layout (it owns too many options: a few huge groups) seen
    through the interface the sweeps use (:class:`offramp.conflict.fixpoint.Layout`), answered
    by its sorted blocks, so that it can sweep beside movers that have columns."""

    partial = True  # (only DMs without directed options join the column sweeps)

    def __init__(self, index: MoveIndex):
        self.index = index
        self.group = index.group
        self.n_groups = index.n_groups

    def reach_min(self, values: np.ndarray, kind: str) -> np.ndarray:
        got = self.index.reach_min(values.astype(np.int64), kind)
        small: np.ndarray = np.minimum(got, NONE32).astype(np.int32)
        return small

    def reach_min_groups(
        self, values: np.ndarray, kind: str, groups: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        states, got = self.index.reach_min_groups(values.astype(np.int64), kind, groups)
        return states, np.minimum(got, NONE32).astype(np.int32)


def _layouts(indices: Sequence[MoveIndex], movers: list[int]) -> list[Any] | None:
    """The movers' column layouts for the int32 sweeps (a mover without directed options but
    too many options for columns joins through its blocks); None when a mover has directed
    options or no mover has columns (the sorted-block sweeps then do it all)."""
    if any(indices[j].n_directed for j in movers):
        return None
    columns = [indices[j].columns() for j in movers]
    if all(c is None for c in columns):
        return None
    pairs = zip(columns, movers, strict=True)
    return [c if c is not None else _BlockLayout(indices[j]) for c, j in pairs]


def _move_components(
    indices: Sequence[MoveIndex], movers: list[int], size: int
) -> tuple[np.ndarray, int, int]:
    """Connected components of the union of the movers' groups (moves without directed
    options), numbered 0..count-1: (labels, count, passes). Values do not matter, so the
    labelling is cached on the first mover's index for every later query with the same movers
    (GMR's and SMR's closures of one DM, a coalition's closures). Labelled by the sweeps on the
    state numbers themselves (each state ends with the least state of its component), or, past
    the sweeps' budget, by a graph search."""
    key = ("components", tuple(movers))
    cache = indices[movers[0]].__dict__.setdefault("_closure_cache", {})
    if key not in cache and _complete(indices, size):
        # every combination of options feasible: the movers reach every combination of their
        # own options, so a component is one combination of the other DMs' options
        fixed = [d for d in range(len(indices)) if d not in movers]
        labels = np.zeros(size, dtype=np.int64)
        count = 1
        for d in fixed:
            labels += indices[d].own * count
            count *= indices[d].own_width
        cache.clear()
        cache[key] = (labels, count, 1)
    if key not in cache:
        numbers = np.arange(size, dtype=np.int64)
        columns = _layouts(indices, movers)
        if columns is not None and size < 2**31 - 2:
            small = numbers.astype(np.int32)
            least, passes, done = sweep_min(columns, small, "move", SWEEP_BUDGET)
            least = least.astype(np.int64)
        else:
            least, passes, done = sweep_min(_blocks(indices, movers), numbers, "move", SWEEP_BUDGET)
        if done:
            present = np.zeros(size, dtype=np.int64)
            present[least] = 1
            number = np.cumsum(present) - 1
            labels, count = number[least], int(number[-1]) + 1
        elif SEARCH_BYTES_PER_STATE * len(movers) * size > memory_budget() // 4:
            # the search's graph would not fit beside the analysis: keep sweeping (exact)
            least, extra, _ = sweep_min(_blocks(indices, movers), least, "move", float("inf"))
            labels = np.unique(least, return_inverse=True)[1].ravel()
            count, passes = int(labels.max()) + 1, passes + extra
        else:
            labels, count = _components(indices, movers, size)
            passes += 1
        cache.clear()  # one mover set at a time: the memory of one labelling
        cache[key] = (labels, count, passes)
    found: tuple[np.ndarray, int, int] = cache[key]
    return found


def _complete(indices: Sequence[MoveIndex], size: int) -> bool:
    """Every combination of every DM's options is a feasible state (no feasibility rule
    removed any)."""
    total = 1
    for idx in indices:
        total *= idx.own_width
    return total == size


def _components(
    indices: Sequence[MoveIndex], movers: list[int], size: int
) -> tuple[np.ndarray, int]:
    """Connected components of the union of the movers' groups by a graph search."""
    rows = np.concatenate([indices[j].reversed_graph("move")[1] for j in movers])
    cols = np.concatenate([indices[j].reversed_graph("move")[2] for j in movers])
    from scipy.sparse import csr_matrix  # where used: scipy costs start-up time
    from scipy.sparse.csgraph import connected_components

    graph = csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(size, size))
    del rows, cols
    count, labels = connected_components(graph, directed=True, connection="weak")
    return labels.astype(np.int64), int(count)


def _search_min(
    indices: Sequence[MoveIndex], movers: list[int], values: np.ndarray, kind: str
) -> np.ndarray:
    """The depth-first search described in the module docstring."""
    size = len(values)
    parts = [indices[j].reversed_graph(kind) for j in movers]
    hub_offset = np.cumsum([0] + [p[3] for p in parts])
    root = size + int(hub_offset[-1])
    n_nodes = root + 1
    # degrees of the union: a state's row holds every mover's edges, hub rows are one mover's
    degree = np.zeros(n_nodes, dtype=np.int64)
    for (indptr, _, _, hubs), off in zip(parts, hub_offset, strict=False):
        deg = np.diff(indptr)
        degree[:size] += deg[:size]
        degree[size + off : size + off + hubs] = deg[size:]
    degree[root] = size
    union_ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(degree, out=union_ptr[1:])
    n_edges = int(union_ptr[-1])
    cols_out = np.empty(n_edges, dtype=np.int32)
    filled = union_ptr[:-1].copy()  # next free slot of each state row
    for (indptr, rows, cols, hubs), off in zip(parts, hub_offset, strict=False):
        local_cols = cols if not hubs else np.where(cols >= size, cols + int(off), cols)
        n_state_edges = int(indptr[size])
        r = rows[:n_state_edges]
        pos = filled[r] + (np.arange(n_state_edges) - indptr[r])
        cols_out[pos] = local_cols[:n_state_edges]
        filled[:size] += np.diff(indptr[: size + 1])
        if hubs:
            first = int(union_ptr[size + off])
            cols_out[first : first + len(cols) - n_state_edges] = local_cols[n_state_edges:]
    # the root's children: the states in increasing order of value
    cols_out[union_ptr[root] :] = np.argsort(values, kind="stable")
    from scipy.sparse import csr_matrix  # where used: scipy costs start-up time
    from scipy.sparse.csgraph import depth_first_order

    graph = csr_matrix(
        (_ones(n_edges), cols_out, union_ptr.astype(np.int32)), shape=(n_nodes, n_nodes)
    )
    visit, pred = depth_first_order(graph, root, directed=True, return_predecessors=True)
    del graph, cols_out
    visit = visit[1:]  # the root first
    is_root = pred[visit] == root
    last_root = np.maximum.accumulate(np.where(is_root, np.arange(len(visit)), 0))
    tree_value = values[visit[last_root]]
    out = np.empty(size, dtype=np.int64)
    states = visit < size
    out[visit[states]] = tree_value[states]
    return out


_ONES = np.ones(0)


def _ones(n: int) -> np.ndarray:
    """A read-only float64 array of n ones (the graph's weights, which the search ignores),
    shared between searches instead of allocated for each."""
    global _ONES
    if len(_ONES) < n:
        _ONES = np.ones(n)
        _ONES.flags.writeable = False
    return _ONES[:n]
