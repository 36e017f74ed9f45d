"""A DM's groups laid out as the columns of one small-by-wide array: the fast path of the
improvement queries and of the sequential sanction closure.

DM j's *group* of a state is the set of states sharing every other DM's options (where j's own
unilateral moves lead). Without directed options, j's improvements from s are the states of
s's group that j ranks strictly higher, so "the least value among j's improvements from s" is
a prefix minimum over s's group sorted by j's rank, read just above s's run of ties.

Why columns. In the sorted-block layout of :class:`offramp.conflict.moves.MoveIndex` (states
sorted by group, then rank) the prefix minima are one long segmented scan, which needs group
offsets added and removed around it and a search per state. Here group g is column g of an
(L + 1) x G array, L the size of the largest group, row 0 a sentinel, row r the state of rank
position r (best first); the prefix minimum is L element-wise ``minimum`` calls over
contiguous rows of G values, vectorised, and each state's answer sits at a fixed flat
position (its tie run's first row, its column). The values are int32, which halves the memory
traffic of the gathers that dominate the cost. Groups are placed by the DM's own option
pattern, so building the layout needs no global sort: only a sort of each column's L ranks.

The sweeps of the sanction closure (:mod:`offramp.conflict.fixpoint`) query this layout.
Used only when it pays: the DM has no directed options, owns at most 12 options (L <= 4096
rows: the running minimum is one numpy call per row) in at least 64 groups, and padding the
groups to L rows costs at most twice the states (feasibility rules can leave groups of very
different sizes); otherwise the sorted-block layout answers.
"""

from __future__ import annotations

import numpy as np

#: int32 stand-in for "nothing reachable" (the move index's NONE is int64).
NONE32 = np.iinfo(np.int32).max
#: Values must lie in this range for the int32 path (NONE32 and its negation stay free).
LOW32, HIGH32 = -(2**31) + 2, 2**31 - 2
#: Padding allowed: columns x rows at most this many times the states (plus a small slack).
MAX_PADDING = 2.0
#: At most this many rows (2^options of the DM) and at least this many columns: the running
#: minimum is a numpy call per row, so a DM owning most options (a few huge groups) is better
#: served by the sorted blocks.
MAX_ROWS = 4096
MIN_COLUMNS = 64


class Columns:
    """One DM's groups as columns sorted by the DM's rank, best first.

    ``cols`` (L, G) int32: the state at rank position r of group g (padding repeats the
    group's best state; it sits below every real state, so no answer reads it);
    ``flat`` (S,) the position in the (L + 1, G) prefix-minimum array holding a state's answer
    (row: the first rank position of its run of ties, in the array whose row 0 is a sentinel;
    column: its group); ``group`` (S,) the group of each state; ``size`` (G,) states per group.
    """

    partial = True  # answers for some groups only too (the sweeps' partial passes)

    def __init__(
        self, cols: np.ndarray, flat: np.ndarray, group: np.ndarray, size: np.ndarray, uniform: bool
    ):
        self.cols, self.flat, self.group = cols, flat, group
        self.size, self.uniform = size, uniform
        self.rows, self.n_groups = cols.shape
        self._buf: np.ndarray | None = None

    @classmethod
    def build(
        cls, group: np.ndarray, n_groups: int, own: np.ndarray, width: int, rank: np.ndarray
    ) -> Columns:
        """The layout of a DM's groups (``group`` per state, ``own``: its place in the
        group, 0..width-1) sorted by ``rank``."""
        size_s = len(group)
        grid = np.full((n_groups, width), -1, dtype=np.int32)
        grid[group, own] = np.arange(size_s, dtype=np.int32)
        complete = size_s == n_groups * width  # every group full: no holes to handle
        key = rank.astype(np.int32)[grid if complete else np.maximum(grid, 0)]
        np.negative(key, out=key)  # best first
        if not complete:
            key[grid < 0] = 1  # holes last
        order = np.argsort(key, axis=1, kind="stable")
        grid = np.take_along_axis(grid, order, axis=1)
        key = np.take_along_axis(key, order, axis=1)
        # where each cell's answer sits: row = the first position of its run of equal ranks
        # within its group (rows start runs), column = the group; in one pass over the cells
        wide = (width + 1) * n_groups >= 2**31
        at = np.arange(n_groups * width, dtype=np.int64 if wide else np.int32).reshape(
            n_groups, width
        )
        run_start = at.copy()
        run_start[:, 1:][key[:, 1:] == key[:, :-1]] = 0
        first = np.maximum.accumulate(run_start.ravel()).reshape(n_groups, width)
        first -= at[:, :1]  # the run's first position within the group
        first *= n_groups
        first += np.arange(n_groups, dtype=first.dtype)[:, None]
        flat = np.empty(size_s, dtype=first.dtype)
        if complete:
            size = np.full(n_groups, width, dtype=np.int64)
            flat[grid.ravel()] = first.ravel()
        else:
            holes = grid < 0
            size = width - holes.sum(axis=1)
            live = ~holes
            flat[grid[live]] = first[live]
            grid = np.where(holes, grid[:, :1], grid)  # holes repeat the group's best state
        return cls(np.ascontiguousarray(grid.T), flat, group, size, complete)

    @staticmethod
    def fits(n_states: int, n_groups: int, width: int) -> bool:
        """Worth laying out: rows few enough for a call per row, padding bounded."""
        return (
            width <= MAX_ROWS
            and n_groups >= MIN_COLUMNS
            and n_groups * width <= MAX_PADDING * n_states + 64
        )

    def _buffer(self) -> np.ndarray:
        """The (L + 1, G) work array of the whole-layout queries, allocated once."""
        if self._buf is None:
            self._buf = np.empty((self.rows + 1, self.n_groups), dtype=np.int32)
        return self._buf

    def improvement_min(self, values: np.ndarray) -> np.ndarray:
        """Per state, the least of ``values`` (int32) over the DM's improvements from it
        (NONE32 where there is none)."""
        buf = self._buffer()
        buf[0] = NONE32
        _gather_columns(values, self.cols, buf[1:])
        _prefix_min(buf)
        return np.take(buf.ravel(), self.flat)

    def improvement_min_groups(
        self, values: np.ndarray, groups: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`improvement_min` for the states of some groups only: (states, minima)."""
        sub_idx = self.cols[:, groups]
        k = len(groups)
        sub = np.empty((self.rows + 1, k), dtype=np.int32)
        sub[0] = NONE32
        np.take(values, sub_idx, out=sub[1:])
        _prefix_min(sub)
        # each cell's answer, read in place: the row of its run's start, in its own column
        got = sub[self.flat[sub_idx] // self.n_groups, np.arange(k)]
        if self.uniform:
            return sub_idx.ravel(), got.ravel()
        real = np.arange(self.rows)[:, None] < self.size[groups][None, :]
        return sub_idx[real], got[real]

    def group_min(self, values: np.ndarray) -> np.ndarray:
        """Per state, the least of ``values`` (int32) over its group (every state the DM can
        move to, and the state itself)."""
        buf = self._buffer()[1:]
        _gather_columns(values, self.cols, buf)
        return np.take(_column_min(buf), self.group)

    def group_min_groups(
        self, values: np.ndarray, groups: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`group_min` for the states of some groups only: (states, minima)."""
        sub_idx = self.cols[:, groups]
        mins = _column_min(np.take(values, sub_idx))
        if self.uniform:
            return sub_idx.ravel(), np.tile(mins, self.rows)
        real = np.arange(self.rows)[:, None] < self.size[groups][None, :]
        return sub_idx[real], np.broadcast_to(mins, (self.rows, len(groups)))[real]

    def reach_min(self, values: np.ndarray, kind: str) -> np.ndarray:
        """The query ``kind`` ('ui': improvements, 'move': the group) on int32 values."""
        return self.improvement_min(values) if kind == "ui" else self.group_min(values)

    def reach_min_groups(
        self, values: np.ndarray, kind: str, groups: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        if kind == "ui":
            return self.improvement_min_groups(values, groups)
        return self.group_min_groups(values, groups)


#: Values gathered per block of columns (see :func:`_gather_columns`).
GATHER_BLOCK = 1 << 18


def _gather_columns(values: np.ndarray, cols: np.ndarray, out: np.ndarray) -> None:
    """``out[:] = values[cols]``, a block of columns at a time. Row by row over all columns,
    a DM whose options are the low bits of the codes reads one value per group (64 states
    apart) and comes back to the same cache lines once per row; a block of columns keeps those
    lines in cache across the rows (3x faster for such a DM, measured at 4M states)."""
    step = max(1, GATHER_BLOCK // max(1, cols.shape[0]))
    for a in range(0, cols.shape[1], step):
        np.take(values, cols[:, a : a + step], out=out[:, a : a + step])


def _column_min(buf: np.ndarray) -> np.ndarray:
    """Minimum of each column, accumulated into the first row (which it overwrites)."""
    for r in range(1, len(buf)):
        np.minimum(buf[0], buf[r], out=buf[0])
    first: np.ndarray = buf[0]
    return first


def _prefix_min(buf: np.ndarray) -> None:
    """Running minimum down the rows, in place (row-wise calls: numpy's accumulate along the
    first axis of a wide array is several times slower than these contiguous passes)."""
    for r in range(1, len(buf)):
        np.minimum(buf[r], buf[r - 1], out=buf[r])


def to_int32(values: np.ndarray) -> np.ndarray | None:
    """``values`` as int32 when they fit the fast path's range, else None."""
    if len(values) == 0:
        return values.astype(np.int32)
    lo, hi = int(values.min()), int(values.max())
    if lo < LOW32 or hi > HIGH32:
        return None
    return values.astype(np.int32)
