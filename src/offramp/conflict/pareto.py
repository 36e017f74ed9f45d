"""Pareto fronts of many groups of vectors at once, and strict-dominance queries against them.

Coalition analysis keeps asking one question for many states at a time: 'does this group of
states (a component of a coalition's move graph) hold a vector that is strictly greater than q
in every coordinate?'. Only the group's Pareto-maximal vectors can answer yes (if some v > q,
the maximal vector above v is > q too), so each group is reduced to its front once and every
query compares against the front of its own group.

Fronts are computed for all groups together, never in a Python loop over states:

- one coordinate: the group's maximum;
- two coordinates: one sort by (group, first coordinate descending, second descending) and a
  running maximum of the second coordinate; a vector is maximal exactly when its second
  coordinate beats every vector sorted before it in its group;
- three or more: groups of at most :data:`SMALL_GROUP` distinct vectors compare every pair
  inside the group (at most ``SMALL_GROUP`` comparisons per vector, all groups in one pass);
  larger groups are swept one by one in decreasing coordinate sum (a vector can only be
  dominated by one of larger sum), in chunks compared first with the front found so far.

Queries pair each query with its group's front (all pairs at once for small fronts, in blocks
for large ones); the work is the sum over queries of their front's size, and the memory of every
step is bounded by :data:`PAIRS_PER_BLOCK`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Groups with at most this many distinct vectors get their front by all pairs inside the group.
SMALL_GROUP = 64
#: Fronts with at most this many vectors are queried by explicit (query, front vector) pairs.
SMALL_FRONT = 64
#: Comparisons (pairs of vectors) held in memory at once.
PAIRS_PER_BLOCK = 1 << 21


@dataclass(frozen=True)
class Fronts:
    """The Pareto-maximal vectors of each group: rows ``ptr[g]:ptr[g + 1]`` of ``vals``."""

    ptr: np.ndarray  # (n_groups + 1,) int64
    vals: np.ndarray  # (n_front, d)

    @property
    def n_groups(self) -> int:
        return len(self.ptr) - 1

    def dominates(self, q_group: np.ndarray, q_vals: np.ndarray) -> np.ndarray:
        """Per query i: does group ``q_group[i]`` hold a vector strictly greater than
        ``q_vals[i]`` in every coordinate?"""
        q_group = np.asarray(q_group, dtype=np.int64)
        q_vals = np.asarray(q_vals)
        out = np.zeros(len(q_group), dtype=bool)
        if len(q_group) == 0 or len(self.vals) == 0:
            return out
        if self.vals.shape[1] == 2:
            return self._dominates_2d(q_group, q_vals)
        sizes = np.diff(self.ptr)
        size_of = sizes[q_group]
        small = np.flatnonzero((size_of > 0) & (size_of <= SMALL_FRONT))
        cols = [np.ascontiguousarray(self.vals[:, k]) for k in range(self.vals.shape[1])]
        q_cols = [np.ascontiguousarray(q_vals[:, k]) for k in range(q_vals.shape[1])]
        start = 0
        while start < len(small):  # blocks of queries whose pairs fit the budget
            cum = np.cumsum(size_of[small[start:]])
            stop = start + max(1, int(np.searchsorted(cum, PAIRS_PER_BLOCK, side="right")))
            chunk = small[start:stop]
            counts = size_of[chunk]
            owner = np.repeat(chunk, counts)
            first = np.repeat(np.cumsum(counts) - counts, counts)
            rows = self.ptr[q_group[owner]] + (np.arange(len(owner)) - first)
            for col, q_col in zip(cols, q_cols, strict=True):  # one coordinate at a time
                ok = col[rows] > q_col[owner]
                rows, owner = rows[ok], owner[ok]
            out[owner] = True
            start = stop
        for g in np.unique(q_group[size_of > SMALL_FRONT]):
            front = self.vals[self.ptr[g] : self.ptr[g + 1]]
            mine = np.flatnonzero(q_group == g)
            step = max(1, PAIRS_PER_BLOCK // len(front))
            for a in range(0, len(mine), step):
                part = mine[a : a + step]
                out[part] = _outer_strictly_above(front, q_vals[part]).any(axis=1)
        return out

    def _dominates_2d(self, q_group: np.ndarray, q_vals: np.ndarray) -> np.ndarray:
        """Two coordinates: along a front sorted by the first coordinate descending, the second
        ascends, so the vectors above q in the first coordinate are a prefix of the group's
        front and the last of them has the largest second coordinate (one binary search)."""
        first, second = self.vals[:, 0].astype(np.int64), self.vals[:, 1]
        top = int(first.max())
        width = top - int(first.min()) + 2
        group_of = np.repeat(np.arange(self.n_groups, dtype=np.int64), np.diff(self.ptr))
        key = group_of * width + (top - first)  # ascending: by group, first coordinate desc
        gap = np.clip(top - q_vals[:, 0].astype(np.int64), -1, width - 1)
        last = np.searchsorted(key, q_group * width + gap, side="left") - 1
        inside = last >= self.ptr[q_group]
        out = np.zeros(len(q_group), dtype=bool)
        out[inside] = second[last[inside]] > q_vals[inside, 1]
        return out

    def dominates_each(self, q_vals: np.ndarray) -> np.ndarray:
        """(n_queries, n_groups): does group g hold a vector strictly greater than query i in
        every coordinate? Dense: the caller passes as many queries as its memory allows
        (:meth:`rows_per_block`)."""
        q_vals = np.asarray(q_vals)
        out = np.zeros((len(q_vals), self.n_groups), dtype=bool)
        if len(q_vals) == 0 or len(self.vals) == 0:
            return out
        hit = _outer_strictly_above(self.vals, q_vals).view(np.uint8)
        sizes = np.diff(self.ptr)
        nonempty = np.flatnonzero(sizes > 0)
        out[:, nonempty] = np.maximum.reduceat(hit, self.ptr[nonempty], axis=1).astype(bool)
        return out

    def rows_per_block(self) -> int:
        """How many queries :meth:`dominates_each` can take within the memory budget."""
        return max(1, PAIRS_PER_BLOCK // max(len(self.vals), self.n_groups, 1))


def group_fronts(group: np.ndarray, points: np.ndarray, n_groups: int) -> Fronts:
    """The Pareto-maximal rows (weak dominance, duplicates dropped) of ``points`` (n, d) within
    each group; ``group`` holds ints in ``range(n_groups)``."""
    group = np.asarray(group, dtype=np.int64)
    points = np.asarray(points)
    d = points.shape[1]
    if len(group) == 0:
        return Fronts(np.zeros(n_groups + 1, dtype=np.int64), points[:0])
    # sort by group, then each coordinate descending (first coordinate first); drop repeats
    order = np.argsort(_descending_key(group, points), kind="stable")
    g, p = group[order], points[order]
    fresh = np.r_[True, (g[1:] != g[:-1]) | (p[1:] != p[:-1]).any(axis=1)]
    g, p = g[fresh], p[fresh]
    first = np.r_[True, g[1:] != g[:-1]]
    if d == 1:
        keep = first
    elif d == 2:
        keep = _front_2d(g, p[:, 1])
    else:
        keep = _front_nd(g, p, first)
    g, p = g[keep], p[keep]
    ptr = np.searchsorted(g, np.arange(n_groups + 1), side="left").astype(np.int64)
    return Fronts(ptr, p)


def _descending_key(group: np.ndarray, points: np.ndarray) -> np.ndarray:
    """One int64 sort key ordering rows by group, then each coordinate descending (mixed
    radix: one sort instead of d + 1); a lexsort's rank when the radix would overflow."""
    key = group.astype(np.int64)
    span = int(group.max()) + 1
    for k in range(points.shape[1]):
        col = points[:, k].astype(np.int64)
        top, width = int(col.max()), int(col.max()) - int(col.min()) + 1
        span *= width
        if span >= 2**62:
            order = np.lexsort([-points[:, j] for j in reversed(range(points.shape[1]))] + [group])
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            return rank
        key = key * width + (top - col)
    return key


def _front_2d(g: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Sorted by (group, first coordinate desc, second desc), distinct: maximal exactly when the
    second coordinate exceeds every earlier one of the group (a running maximum with the group
    as the high digit, so earlier groups never count)."""
    low = int(second.min())
    width = int(second.max()) - low + 2
    key = g * width + (second.astype(np.int64) - low + 1)
    before = np.maximum.accumulate(key)
    before = np.r_[np.int64(-1), before[:-1]]
    maximal: np.ndarray = key > before
    return maximal


def _front_nd(g: np.ndarray, p: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Three or more coordinates: all pairs inside small groups, a sweep for large ones."""
    starts = np.flatnonzero(first)
    sizes = np.diff(np.r_[starts, len(g)])
    keep = np.ones(len(g), dtype=bool)
    size_of = np.repeat(sizes, sizes)
    small = np.flatnonzero(size_of <= SMALL_GROUP)
    start_of = np.repeat(starts, sizes)
    begin = 0
    while begin < len(small):
        cum = np.cumsum(size_of[small[begin:]])
        stop = begin + max(1, int(np.searchsorted(cum, PAIRS_PER_BLOCK, side="right")))
        chunk = small[begin:stop]
        counts = size_of[chunk]
        owner = np.repeat(np.arange(len(chunk)), counts)
        offset = np.arange(len(owner)) - (np.cumsum(counts) - counts)[owner]
        other = start_of[chunk][owner] + offset
        # rows are distinct, so 'other >= row everywhere' (other != row) is domination
        ok = (other != chunk[owner]) & (p[other] >= p[chunk][owner]).all(axis=1)
        keep[chunk[owner[ok]]] = False
        begin = stop
    for s, n in zip(starts[sizes > SMALL_GROUP], sizes[sizes > SMALL_GROUP], strict=True):
        keep[s : s + n] = _maxima_mask(p[s : s + n])
    return keep


def _maxima_mask(pts: np.ndarray) -> np.ndarray:
    """Which rows of ``pts`` (distinct) no other row weakly dominates: rows in decreasing sum
    (a dominator has a larger sum), each chunk checked against the front so far, then within."""
    order = np.argsort(-pts.sum(axis=1, dtype=np.int64), kind="stable")
    keep = np.zeros(len(pts), dtype=bool)
    front = pts[:0]
    step = 256
    for a in range(0, len(order), step):
        idx = order[a : a + step]
        chunk = pts[idx]
        if len(front):
            alive = ~_outer_at_least(front, chunk).any(axis=1)
            idx, chunk = idx[alive], chunk[alive]
        if len(idx) == 0:
            continue
        inside = _outer_at_least(chunk, chunk)
        np.fill_diagonal(inside, False)
        alive = ~inside.any(axis=1)
        keep[idx[alive]] = True
        front = np.concatenate([front, chunk[alive]])
    return keep


def _outer_strictly_above(front: np.ndarray, q: np.ndarray) -> np.ndarray:
    """(len(q), len(front)): front[j] > q[i] in every coordinate."""
    out = front[None, :, 0] > q[:, None, 0]
    for k in range(1, front.shape[1]):
        out &= front[None, :, k] > q[:, None, k]
    return out


def _outer_at_least(front: np.ndarray, q: np.ndarray) -> np.ndarray:
    """(len(q), len(front)): front[j] >= q[i] in every coordinate."""
    out = front[None, :, 0] >= q[:, None, 0]
    for k in range(1, front.shape[1]):
        out &= front[None, :, k] >= q[:, None, k]
    return out


def distinct_rows(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of an int array and each row's index among them (np.unique(points,
    axis=0, return_inverse=True)), through one int64 key when the rows' ranges allow it."""
    if len(points) == 0:
        return points[:0], np.zeros(0, dtype=np.int64)
    key = np.zeros(len(points), dtype=np.int64)
    span = 1
    for k in range(points.shape[1]):
        col = points[:, k].astype(np.int64)
        low, width = int(col.min()), int(col.max()) - int(col.min()) + 1
        span *= width
        if span >= 2**62:
            vecs, inverse = np.unique(points, axis=0, return_inverse=True)
            return vecs, inverse.ravel()
        key = key * width + (col - low)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return points[first], inverse.ravel()
