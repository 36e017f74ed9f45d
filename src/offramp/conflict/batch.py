"""One conflict under many preference profiles at once: arrays with a batch axis.

Monte Carlo, sweeps and threshold searches ask the same conflict (same states, same moves) the
same questions under thousands of sampled rankings. Per sample the engine would rebuild its move
indices and run every concept and the evolution; here the moves are listed once as sparse pairs
(source, target) per DM, and every quantity is an array of shape (batch, states): a DM's
improvements are a mask over its pairs, reach queries are segment reductions over the pairs,
and the sanction closure and the evolution from the status quo are fixpoints iterated for the
whole batch together (each iteration is a handful of vectorised passes; they stop when no
sample changes, after as many iterations as the longest chain of moves needs, which for
conflicts small enough to batch is a few).

The registered concepts' own tests run unchanged on a :class:`BatchDMView`, which offers the
same interface as :class:`~offramp.conflict.concepts.base.DMView` with arrays of shape
(batch, states); a concept whose test needs more than that interface is evaluated sample by
sample through the ordinary engine (:func:`batch_stability` does this by itself). Results are
identical to the per-sample engine (tests/test_batch.py).

Only conflicts whose move pairs stay small are batched (:func:`batchable`): the pairs grow with
the number of states times the size of a DM's groups.

Layout: a DM whose states have similar numbers of moves (the usual case: its groups have equal
sizes) keeps them as a padded table (degree, states) of targets, each column padded with the
state itself, and the batch is the last, contiguous axis of every array the queries gather
from (states, batch): a reach query is then a gather of whole rows and a minimum over the
table's rows, with no per-segment reductions. A pad never counts: it is the state itself,
which is not an improvement of itself and is already part of a "move" query. DMs whose degrees
are too uneven for a table keep the segment reductions over their pair list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import NONE, move_indices, with_ranks

#: At most this many move pairs (all DMs together) for a conflict to be batched.
MAX_PAIRS = 1 << 18

#: A DM's moves become a padded table when it holds at most this many times the pairs (or
#: the states); otherwise they stay segments of the pair list.
PAD_FACTOR = 4


def _table(
    keys: np.ndarray, values: np.ndarray, starts: np.ndarray, size: int
) -> np.ndarray | None:
    """(degree, size) table: column k lists ``values`` of the pairs whose key is k (``keys``
    sorted), padded with k itself; None when it would exceed :data:`PAD_FACTOR`."""
    degree = int(np.bincount(keys, minlength=size).max()) if len(keys) else 0
    if degree * size > PAD_FACTOR * max(len(keys), size):
        return None
    table = np.tile(np.arange(size, dtype=np.intp), (max(degree, 1), 1))
    table[np.arange(len(keys)) - starts[keys], keys] = values
    return table


def _segment(
    ufunc: np.ufunc, values: np.ndarray, starts: np.ndarray, counts: np.ndarray, fill: int
) -> np.ndarray:
    """``ufunc`` reduced over consecutive column segments of ``values`` (batch, pairs); ``fill``
    for empty segments."""
    # a padding column, so that a segment ending at the last pair is not cut short by the
    # (empty) segments after it, which start at the padding
    padded = np.concatenate([values, np.full((values.shape[0], 1), fill, dtype=values.dtype)], 1)
    out: np.ndarray = ufunc.reduceat(padded, starts, axis=1)
    out[:, counts == 0] = fill
    return out


@dataclass
class DMPairs:
    """One DM's unilateral moves as (source, target) pairs, sorted by source and by target."""

    src: np.ndarray
    dst: np.ndarray
    starts: np.ndarray  # per state, first pair with that source
    counts: np.ndarray
    by_dst: np.ndarray  # pair order sorted by target
    dst_starts: np.ndarray
    dst_counts: np.ndarray
    #: (degree, S) targets of each state's moves, padded with the state (None: segments)
    out_table: np.ndarray | None = None
    #: (degree, S) sources of the moves into each state, padded with the state
    in_table: np.ndarray | None = None

    @classmethod
    def of(cls, model: ConflictModel, dm: int) -> DMPairs:
        idx = move_indices(model)[dm]
        size = model.n_states
        srcs, dsts = [], []
        for block in idx.blocks("move"):
            for states, start in block.queries:
                lo = start
                hi = np.searchsorted(block.sorted_group, block.sorted_group[lo], side="right")
                counts = hi - lo
                srcs.append(np.repeat(states, counts))
                pos = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
                dsts.append(block.sorted_idx[pos])
        src = np.concatenate(srcs) if srcs else np.zeros(0, dtype=np.int64)
        dst = np.concatenate(dsts) if dsts else np.zeros(0, dtype=np.int64)
        keep = src != dst
        src, dst = src[keep], dst[keep]
        order = np.lexsort((dst, src))
        src, dst = src[order], dst[order]
        counts = np.bincount(src, minlength=size)
        starts = np.cumsum(counts) - counts
        by_dst = np.argsort(dst, kind="stable")
        dst_counts = np.bincount(dst, minlength=size)
        dst_starts = np.cumsum(dst_counts) - dst_counts
        out_table = _table(src, dst, starts, size)
        in_table = _table(dst[by_dst], src[by_dst], dst_starts, size)
        if out_table is None or in_table is None:
            out_table = in_table = None
        return cls(src, dst, starts, counts, by_dst, dst_starts, dst_counts, out_table, in_table)

    def improves_table(self, rank_t: np.ndarray) -> np.ndarray:
        """(degree, S, batch): the move in ``out_table`` is an improvement under ``rank_t``
        (S, batch); a pad never is."""
        return rank_t[self.out_table] > rank_t[None]

    def improves_into(self, rank_t: np.ndarray) -> np.ndarray:
        """(degree, S, batch): the move from the source in ``in_table`` into the column's state
        is an improvement under ``rank_t`` (S, batch)."""
        return rank_t[None] > rank_t[self.in_table]

    def improves(self, rank: np.ndarray) -> np.ndarray:
        """(batch, pairs): the pair is an improvement for the DM under ``rank`` (batch, S)."""
        return rank[:, self.dst] > rank[:, self.src]


@dataclass
class BatchMoves:
    """What a concept asks of ``view.me``: reach queries of one DM, for a whole batch."""

    pairs: DMPairs
    rank: np.ndarray  # (batch, S)
    _ui: np.ndarray | None = None

    @property
    def ui(self) -> np.ndarray:
        if self._ui is None:
            self._ui = self.pairs.improves(self.rank)
        return self._ui

    def reach_min(
        self, values: np.ndarray, kind: str, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """As :meth:`offramp.conflict.moves.MoveIndex.reach_min`: ``"move"`` includes the
        state itself, ``"ui"`` only the improvements. ``rows``: ``values`` holds only these
        samples of the batch."""
        p = self.pairs
        if kind not in ("ui", "move"):
            raise ValueError(kind)
        ui = None
        if kind == "ui":
            ui = self.ui
            if rows is not None:
                ui = ui[..., rows] if p.out_table is not None else ui[rows]
        if p.out_table is not None:
            vt = np.ascontiguousarray(values.T)  # (S, batch): rows gathered whole
            gathered = vt[p.out_table]
            if kind == "ui":
                improved: np.ndarray = np.minimum.reduce(gathered, axis=0, where=ui, initial=NONE)
                return improved.T
            moved: np.ndarray = np.minimum(vt, gathered.min(axis=0))
            return moved.T
        gathered = values[:, p.dst]
        if ui is not None:  # kind == "ui"
            return _segment(np.minimum, np.where(ui, gathered, NONE), p.starts, p.counts, NONE)
        if kind != "move":
            raise ValueError(kind)
        least: np.ndarray = np.minimum(
            values, _segment(np.minimum, gathered, p.starts, p.counts, NONE)
        )
        return least

    def reach_max(self, values: np.ndarray, kind: str) -> np.ndarray:
        res = self.reach_min(-values, kind)
        return np.where(res == NONE, -NONE, -res)


@dataclass
class BatchDMView:
    """The interface of :class:`~offramp.conflict.concepts.base.DMView`, batched: ``rank`` and
    every value array have shape (batch, states)."""

    moves: list[BatchMoves]
    dm: int
    labels: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # see BatchConflict
    sweeps: dict[str, list[int]] = field(default_factory=dict)
    _best: np.ndarray | None = None

    @property
    def me(self) -> BatchMoves:
        return self.moves[self.dm]

    @property
    def rank(self) -> np.ndarray:
        return self.me.rank

    @property
    def others(self) -> list[int]:
        return [j for j in range(len(self.moves)) if j != self.dm]

    @property
    def best_improvement(self) -> np.ndarray:
        if self._best is None:
            self._best = self.me.reach_max(self.rank, "ui")
        return self._best

    @property
    def has_improvement(self) -> np.ndarray:
        has: np.ndarray = self.best_improvement != -NONE
        return has

    def others_reach_min(self, values: np.ndarray, kind: str, concept: str) -> np.ndarray:
        """Gauss-Seidel over the other DMs' pairs for the whole batch, until no sample
        changes: the least fixpoint, i.e. the minimum over every legal sequence."""
        if kind == "move" and self.labels is not None:
            labels, order, starts = self.labels
            vt = np.ascontiguousarray(np.asarray(values, dtype=np.int64).T)
            mins = np.minimum.reduceat(vt[order], starts, axis=0)
            self.sweeps.setdefault(concept, []).append(1)
            reached: np.ndarray = mins[labels].T
            return reached
        # (batch, S) with the batch contiguous, as the reach queries gather it
        current = np.array(values, dtype=np.int64, copy=True, order="F")
        # each pass goes over the samples that changed in the previous one: a sample whose
        # pass changed nothing is at its fixpoint, and later passes would not change it
        rows = np.arange(len(current))
        passes = 0
        while len(rows):
            passes += 1
            whole = len(rows) == len(current)
            sub = current if whole else current[rows]
            changed = np.zeros(len(rows), dtype=bool)
            for j in self.others:
                reach = self.moves[j].reach_min(sub, kind, None if whole else rows)
                better = reach < sub
                if better.any():
                    sub = np.where(better, reach, sub)
                    changed |= better.any(axis=1)
            if whole:
                current = sub
            else:
                current[rows] = sub
            rows = rows[changed]
        self.sweeps.setdefault(concept, []).append(passes)
        return current

    def deterred(self, minima: np.ndarray) -> np.ndarray:
        return self.me.reach_max(minima, "ui") <= self.rank


class BatchConflict:
    """A conflict's moves listed once, for evaluating many rankings (batch, DMs, states)."""

    def __init__(self, model: ConflictModel):
        self.model = model
        self.pairs = [DMPairs.of(model, i) for i in range(model.n_dms)]
        self._batched: dict[str, bool] = {}  # concept key: its test gives the engine's answer
        self._ui: tuple[np.ndarray, list[np.ndarray]] | None = None
        self._ui_in: tuple[np.ndarray, list[np.ndarray | None]] | None = None
        self._ranks_t: tuple[np.ndarray, np.ndarray] | None = None
        self._labels: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray] | None] = {}

    @property
    def width(self) -> int:
        """Entries per sample of the largest array a query builds (a DM's move table, or its
        pair list): what a batch of samples costs in memory, per sample."""
        sizes = [self.model.n_states]
        for p in self.pairs:
            if p.out_table is not None and p.in_table is not None:
                sizes += [p.out_table.size, p.in_table.size]
            else:
                sizes.append(len(p.src))
        return max(sizes)

    def stability(self, ranks: np.ndarray, concepts: Sequence[Any]) -> dict[str, np.ndarray]:
        """``{concept key: (batch, DMs, states) bool}`` for the Concept objects given."""
        batch, n, size = ranks.shape
        out = {c.key: np.zeros((batch, n, size), dtype=bool) for c in concepts}
        ui = self._improvements(ranks)
        ranks_t = self._transposed(ranks)
        moves = [BatchMoves(self.pairs[i], ranks_t[i].T, ui[i]) for i in range(n)]
        fallback = []
        for c in concepts:
            if not self._batched.get(c.key, True):
                fallback.append(c)
                continue
            try:
                for i in range(n):
                    stable = np.asarray(c.stable(BatchDMView(moves, i, self.closure_labels(i))))
                    if stable.shape != (batch, size) or stable.dtype != bool:
                        raise TypeError("not a batched result")
                    out[c.key][:, i] = stable
            except (AttributeError, TypeError, ValueError, IndexError):
                self._batched[c.key] = False
                fallback.append(c)
                continue
            if c.key not in self._batched:
                # the first time, check the batched test against the engine on one sample: a
                # concept written for one sample that happens to run on arrays is caught here
                ok = np.array_equal(out[c.key][0], self._one(ranks[0], [c])[c.key])
                self._batched[c.key] = ok
                if not ok:
                    fallback.append(c)
        if fallback:
            for b in range(batch):
                res = self._one(ranks[b], fallback)
                for c in fallback:
                    out[c.key][b] = res[c.key]
        return out

    def _transposed(self, ranks: np.ndarray) -> np.ndarray:
        """(DMs, S, batch) copy of ``ranks`` (batch, DMs, S), kept for the last ranks."""
        if self._ranks_t is None or self._ranks_t[0] is not ranks:
            self._ranks_t = (ranks, np.ascontiguousarray(ranks.transpose(1, 2, 0)))
        return self._ranks_t[1]

    def _improvements(self, ranks: np.ndarray) -> list[np.ndarray]:
        """Each DM's improvement mask (over its table, or its pairs), kept for the last ranks
        asked about (the evolution asks once per concept)."""
        if self._ui is None or self._ui[0] is not ranks:
            ranks_t = self._transposed(ranks)
            self._ui = (
                ranks,
                [
                    p.improves_table(ranks_t[i])
                    if p.out_table is not None
                    else p.improves(ranks[:, i])
                    for i, p in enumerate(self.pairs)
                ],
            )
        return self._ui[1]

    def _improvements_into(self, ranks: np.ndarray) -> list[np.ndarray | None]:
        """Per DM with a table, the improvement mask over its incoming table (else None)."""
        if self._ui_in is None or self._ui_in[0] is not ranks:
            ranks_t = self._transposed(ranks)
            self._ui_in = (
                ranks,
                [
                    p.improves_into(ranks_t[i]) if p.in_table is not None else None
                    for i, p in enumerate(self.pairs)
                ],
            )
        return self._ui_in[1]

    def closure_labels(self, dm: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """When the other DMs have no directed options, their moves are symmetric and what they
        reach from a state by any sequence is its connected component in the union of their
        groups: the component of each state (cached), else None."""
        if dm not in self._labels:
            indices = move_indices(self.model)
            movers = [j for j in range(self.model.n_dms) if j != dm]
            if any(indices[j].n_directed for j in movers):
                self._labels[dm] = None
            else:
                from scipy.sparse import csr_matrix
                from scipy.sparse.csgraph import connected_components

                size = self.model.n_states
                src = np.concatenate([self.pairs[j].src for j in movers])
                dst = np.concatenate([self.pairs[j].dst for j in movers])
                graph = csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), (size, size))
                _, labels = connected_components(graph, directed=False)
                order = np.argsort(labels, kind="stable")
                counts = np.bincount(labels)
                self._labels[dm] = (labels, order, np.cumsum(counts) - counts)
        return self._labels[dm]

    def _one(self, ranks: np.ndarray, concepts: Sequence[Any]) -> dict[str, np.ndarray]:
        """The ordinary engine on one sample's ranks (n, S)."""
        from offramp.conflict.stability import compute_stability

        model = with_ranks(self.model, ranks, move_indices(self.model))
        return compute_stability(model, [c.key for c in concepts]).stable

    def reached(self, ranks: np.ndarray, start: int, stop: np.ndarray) -> np.ndarray:
        """(batch, states) bool: the states the evolution by unilateral improvements of any DM
        reaches from ``start``, not leaving the states marked in ``stop`` (batch, states)."""
        batch, _, size = ranks.shape
        reached = np.zeros((size, batch), dtype=bool)  # (S, batch): rows gathered whole
        reached[start] = True
        stop_t = np.ascontiguousarray(stop.T)
        ui = self._improvements(ranks)
        ui_in = self._improvements_into(ranks)
        while True:
            active = reached & ~stop_t
            new = reached.copy()
            for p, mask, mask_in in zip(self.pairs, ui, ui_in, strict=True):
                if len(p.src) == 0:
                    continue
                if mask_in is not None:
                    new |= (active[p.in_table] & mask_in).any(axis=0)
                    continue
                step = (active.T[:, p.src] & mask)[:, p.by_dst].view(np.uint8)
                new |= _segment(np.maximum, step, p.dst_starts, p.dst_counts, 0).astype(bool).T
            if (new == reached).all():
                return reached.T
            reached = new


def batchable(model: ConflictModel) -> bool:
    """Whether the move pairs of every DM stay under :data:`MAX_PAIRS` (counted from group
    sizes, before listing them)."""
    total = 0
    for idx in move_indices(model):
        sizes = np.bincount(idx.group)
        total += int((sizes.astype(np.int64) ** 2).sum())
        if total > MAX_PAIRS:
            return False
    return True
