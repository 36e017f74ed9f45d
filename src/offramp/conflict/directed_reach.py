"""What a group of DMs reaches when some moves are directed: per state, the OR of bit words, or
the Pareto front of vectors, over every state it can reach (the state included).

Coalition analysis with directed options asks reach questions whose property depends on the
state being judged: 'can the coalition reach a state better than P(s) for every member?', 'can
the outsiders reach a state from which the coalition cannot get above P(s)?'. Each distinct
vector P(s) is one property; the answer for all states at once is the OR of the property's
indicator over each state's reach. Packing 64 properties into the bits of a uint64, one pass
answers 64 vectors (:meth:`DirectedReach.any_reached`). When the question is only 'does s reach
a vector strictly above P(s)?' the Pareto front of what each state reaches answers it
(:meth:`DirectedReach.reached_fronts`), without a pass per vector.

Both are computed on the condensation of the union of the movers' move graphs: inside a
strongly connected component every state reaches the same states, so the component's word (or
front) is that of its states combined with those of the components it moves to. Components are
processed by height (longest path to a component with no way out), lowest first, so that a
component's successors are final when it is reached; each height is one vectorised pass over
its edges. Legal sequences (no DM twice in a row) reach
exactly what the union graph reaches, because a DM moving twice in a row is one move or none
(:mod:`offramp.conflict.reach`). Cost: one strongly-connected-components labelling and O(E) per
height per word, E the condensed edges.

References
----------
Tarjan, R. E. (1972). Depth-first search and linear graph algorithms. SIAM J. Computing 1(2).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from offramp.conflict.limited_move import move_edges
from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import MoveIndex
from offramp.conflict.pareto import Fronts, group_fronts


class DirectedReach:
    """The condensation of the movers' union move graph, by height, and the questions over the
    states each state reaches by legal sequences of the movers' moves (itself included)."""

    def __init__(self, model: ConflictModel, indices: Sequence[MoveIndex], movers: Sequence[int]):
        size = model.n_states
        self.size = size
        pairs = [move_edges(model, indices[j]) for j in movers]
        src = np.concatenate([p[0] for p in pairs]) if pairs else np.zeros(0, dtype=np.int64)
        dst = np.concatenate([p[1] for p in pairs]) if pairs else np.zeros(0, dtype=np.int64)
        from scipy.sparse import csr_matrix  # where used: scipy costs start-up time
        from scipy.sparse.csgraph import connected_components

        graph = csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(size, size))
        n, scc = connected_components(graph, directed=True, connection="strong")
        scc = scc.astype(np.int64)
        self.n, self.scc = int(n), scc
        self.order = np.argsort(scc, kind="stable")
        self.starts = np.searchsorted(scc[self.order], np.arange(self.n))
        a, b = scc[src], scc[dst]
        keep = a != b
        edge = np.unique(a[keep] * self.n + b[keep])
        a, b = edge // self.n, edge % self.n
        height = np.zeros(self.n, dtype=np.int64)
        while len(a):  # longest path to a component with no way out (few rounds: depth)
            new = height.copy()
            np.maximum.at(new, a, height[b] + 1)
            if np.array_equal(new, height):
                break
            height = new
        # edges grouped by the height of their source, sorted by source inside each height
        by = np.lexsort([a, height[a]])
        a, b = a[by], b[by]
        cuts = np.searchsorted(height[a], np.arange(1, int(height.max(initial=0)) + 2))
        self.levels = [(a[lo:hi], b[lo:hi]) for lo, hi in itertools.pairwise(cuts)]

    def any_reached(self, words: np.ndarray) -> np.ndarray:
        """(S, W) uint64 -> (S, W): per state, the OR of ``words`` over the states it reaches."""
        comp = np.bitwise_or.reduceat(words[self.order], self.starts, axis=0)
        for a, b in self.levels:
            if len(a) == 0:
                continue
            first = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
            comp[a[first]] |= np.bitwise_or.reduceat(comp[b], first, axis=0)
        return comp[self.scc]

    def reached_fronts(self, points: np.ndarray) -> Fronts:
        """The Pareto front of ``points`` (S, d) over what each strongly connected component
        reaches; query it with ``self.scc[s]`` as the group of state s."""
        own = group_fronts(self.scc, points, self.n)
        ptr, vals = own.ptr, own.vals
        for a, b in self.levels:  # heights 1, 2, ...: successors' fronts are final
            if len(a) == 0:
                continue
            done = np.unique(a)
            rows_in = _spans(ptr[b], ptr[b + 1] - ptr[b])
            rows_own = _spans(ptr[done], ptr[done + 1] - ptr[done])
            group = np.r_[np.repeat(a, ptr[b + 1] - ptr[b]), np.repeat(done, np.diff(ptr)[done])]
            merged = group_fronts(group, vals[np.r_[rows_in, rows_own]], self.n)
            ptr, vals = _replace_groups(ptr, vals, merged, done)
        return Fronts(ptr, vals)


def _spans(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The concatenation of range(starts[i], starts[i] + sizes[i])."""
    sizes = np.asarray(sizes, dtype=np.int64)
    total = int(sizes.sum())
    spans: np.ndarray = np.repeat(starts, sizes) + (
        np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    )
    return spans


def _replace_groups(
    ptr: np.ndarray, vals: np.ndarray, new: Fronts, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fronts ``ptr``/``vals`` with the rows of ``groups`` taken from ``new`` instead."""
    n = len(ptr) - 1
    replaced = np.zeros(n, dtype=bool)
    replaced[groups] = True
    sizes = np.where(replaced, np.diff(new.ptr), np.diff(ptr))
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=out_ptr[1:])
    out = np.empty((int(out_ptr[-1]), vals.shape[1]), dtype=vals.dtype)
    for source_ptr, source_vals, pick in ((ptr, vals, ~replaced), (new.ptr, new.vals, replaced)):
        g = np.flatnonzero(pick)
        out[_spans(out_ptr[g], sizes[g])] = source_vals[_spans(source_ptr[g], sizes[g])]
    return out_ptr, out


def above_words(points: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """(S, ceil(V / 64)) uint64: bit k of word w of state x says points[x] > vectors[64 w + k]
    in every coordinate (``points`` (S, d), ``vectors`` (V, d)).

    Per word and coordinate, the vectors strictly below x_k are the first c of the word's
    vectors sorted by that coordinate, so their bits are one of 65 precomputed masks; c is read
    from a table over the coordinate's distinct values (one binary search per value, not per
    state). The word is the AND of one mask per coordinate: O(S d) per word instead of 64 S d
    comparisons."""
    n_words = (len(vectors) + 63) // 64
    out = np.empty((len(points), n_words), dtype=np.uint64)
    bit = np.left_shift(np.uint64(1), np.arange(64, dtype=np.uint64))
    levels = [np.unique(points[:, k], return_inverse=True) for k in range(points.shape[1])]
    for w in range(n_words):
        part = vectors[64 * w : 64 * w + 64]
        word = np.full(len(points), np.iinfo(np.uint64).max, dtype=np.uint64)
        for k, (values, level) in enumerate(levels):
            order = np.argsort(part[:, k], kind="stable")
            masks = np.r_[np.uint64(0), np.bitwise_or.accumulate(bit[order])]
            below = np.searchsorted(part[order, k], values, side="left")  # per distinct value
            word &= masks[below][level.ravel()]
        out[:, w] = word
    return out


def bit_of(words: np.ndarray, states: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Per i: bit ``index[i]`` of the words of ``states[i]`` (bit k of word k // 64)."""
    word = words[states, index // 64]
    bits: np.ndarray = ((word >> (index % 64).astype(np.uint64)) & np.uint64(1)).astype(bool)
    return bits
