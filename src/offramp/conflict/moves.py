"""A DM's unilateral moves, indexed so that 'best value among the states it can reach' is a
handful of vectorised numpy passes instead of a loop over states or a states x states matrix.

DM i can move from s to t when t is feasible, t != s, t agrees with s on every option of the
other DMs (same *group*), and every option that changes respects its direction. Directions are
handled by a *pattern*: the bits of i's directed options, with backward options complemented, so
that a legal move never clears a pattern bit, i.e. pattern(t) must be a superset of pattern(s).
Moving is transitive for one DM (two moves in a row are one move, or no move), which is what
lets every query below be a range query over sorted arrays.

Two kinds of reach:
- ``"move"``: every t that i can reach, and s itself (used for sanctions and for SMR's check).
- ``"ui"``: unilateral improvements, the t with rank_i(t) > rank_i(s) (s itself excluded).

Cost: building is O(S log S) per DM; each query is O(S x (3/2)^d) with d the DM's number of
directed options.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from offramp.conflict.columns import NONE32, Columns, to_int32
from offramp.conflict.model import ConflictModel

NONE = np.iinfo(np.int64).max  # "no reachable state" in min queries


@dataclass
class _Block:
    """Sorted view of the states of one pattern, and where each querying state lands in it."""

    sorted_idx: np.ndarray  # states of pattern q sorted by (group, key)
    sorted_group: np.ndarray
    queries: list[tuple[np.ndarray, np.ndarray]]  # (querying states, start position)
    group_start: np.ndarray | None = None  # no directed options: where each group begins
    start_of: np.ndarray | None = None  # no directed options: each state's start, -1 if none
    group_end: np.ndarray | None = None  # per sorted position, where its group ends


class MoveIndex:
    """Move structure of one DM over the feasible states of a model."""

    def __init__(self, model: ConflictModel, dm: int):
        self.dm = dm
        codes = model.codes
        own_bits = [k for k in range(len(model.option_dm)) if model.option_dm[k] == dm]
        choices = own_choices(model)
        #: the DM's own choice, numbered 0..own_width-1 in increasing order of its options
        #: among the choices that occur (where a state sits in its group): a DM choosing one
        #: of 6 strategies has 6, not 2^6 (one-hot choices stay narrow)
        self.own, self.own_width = choices[dm]
        grouped = _groups_by_choices(model, dm, choices)
        if grouped is None:
            grouped = _groups(codes, own_bits, len(model.option_dm))
        self.group, self.n_groups = grouped
        directed = [
            k
            for k in range(len(model.option_dm))
            if model.option_dm[k] == dm and model.direction[k] != 0
        ]
        self.n_directed = len(directed)
        pattern = np.zeros(len(codes), dtype=np.int64)
        for b, k in enumerate(directed):
            bit = ((codes >> np.uint64(k)) & np.uint64(1)).astype(np.int64)
            if model.direction[k] == 2:
                bit ^= 1
            pattern |= bit << b
        self.pattern = pattern
        self.rank = model.ranks[dm]
        self._blocks: dict[str, list[_Block]] = {}
        self._group_order: tuple[np.ndarray, np.ndarray] | None = None
        self._graphs: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}
        self._reversed: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, int]] = {}
        self._columns: Columns | bool | None = False  # False: not built yet

    @property
    def partial(self) -> bool:
        """Whether :meth:`reach_min_groups` answers: the DM has no directed options."""
        return self.n_directed == 0

    def with_rank(self, rank: np.ndarray) -> MoveIndex:
        """The same moves under other preferences: groups, patterns and the 'move' index are
        kept (they do not depend on preferences), the improvement index is rebuilt lazily.
        This is what makes re-analysing a scenario for many sampled preferences cheap."""
        clone = object.__new__(MoveIndex)
        clone.__dict__.update(self.__dict__)
        clone.rank = rank
        clone._blocks = {k: v for k, v in self._blocks.items() if k == "move"}
        clone._graphs = {k: v for k, v in self._graphs.items() if k == "move"}
        clone._reversed = {k: v for k, v in self._reversed.items() if k == "move"}
        clone._columns = False
        return clone

    def columns(self) -> Columns | None:
        """The column layout of the DM's groups sorted by its rank (see
        :mod:`offramp.conflict.columns`), or None where it does not apply (directed options,
        groups of very unequal sizes). Built once per ranking."""
        if self._columns is False:
            ok = self.n_directed == 0 and Columns.fits(
                len(self.group), self.n_groups, self.own_width
            )
            self._columns = (
                Columns.build(self.group, self.n_groups, self.own, self.own_width, self.rank)
                if ok
                else None
            )
        return None if self._columns is True else self._columns  # (True is never stored)

    # ------------------------------------------------------------------ index construction
    def _build(self, kind: str) -> list[_Block]:
        n_pat = 1 << self.n_directed
        members = [np.flatnonzero(self.pattern == q) for q in range(n_pat)]
        key = self.rank if kind == "ui" else np.zeros_like(self.rank)
        width = int(key.max()) + 2 if len(key) else 2
        blocks = []
        for q in range(n_pat):
            idx_q = members[q]
            comp_q = self.group[idx_q] * width + key[idx_q]
            order = np.argsort(comp_q, kind="stable")
            sorted_idx = idx_q[order]
            sorted_comp = comp_q[order]
            sorted_group = self.group[sorted_idx]
            queries = []
            for p in range(n_pat):
                if p & q != p or len(members[p]) == 0 or len(idx_q) == 0:
                    continue
                idx_p = members[p]
                if kind == "ui":
                    start = np.searchsorted(
                        sorted_comp, self.group[idx_p] * width + key[idx_p], side="right"
                    )
                else:
                    start = np.searchsorted(sorted_comp, self.group[idx_p] * width, side="left")
                inside = start < len(sorted_idx)
                valid = np.zeros(len(idx_p), dtype=bool)
                valid[inside] = sorted_group[start[inside]] == self.group[idx_p[inside]]
                queries.append((idx_p[valid], start[valid]))
            block = _Block(sorted_idx, sorted_group, queries)
            if n_pat == 1:
                block.group_start = np.searchsorted(
                    sorted_group, np.arange(self.n_groups + 1), side="left"
                )
                block.start_of = np.full(len(self.group), -1, dtype=np.int64)
                for states, start in queries:
                    block.start_of[states] = start
            blocks.append(block)
        return blocks

    def blocks(self, kind: str) -> list[_Block]:
        if kind not in self._blocks:
            if kind not in ("move", "ui"):
                raise ValueError(kind)
            self._blocks[kind] = self._build(kind)
        return self._blocks[kind]

    # ------------------------------------------------------------------ as a sparse graph
    def graph(self, kind: str) -> tuple[np.ndarray, np.ndarray, int]:
        """The DM's reach relation as a sparse graph: ``(src, dst, hubs)``.

        Nodes ``0..S-1`` are the states, ``S..S+hubs-1`` auxiliary hubs (numbered from S). A
        state t is reachable from a state s along edges exactly when t is in the DM's reach
        from s (or t = s), so the graph stands for all of the DM's moves with O(S) edges
        instead of one edge per move (2^k - 1 per state for k options):

        - ``"move"``: within one group and one direction pattern every state reaches every
          other, so those states form a cycle; a state also links to the first state of each
          strictly larger pattern of its group (moves that take directed options).
        - ``"ui"``: within one group and pattern, states sorted by rank form a chain of runs
          of equal rank; each state links to the next run up (a run of ties gets a hub that
          leads to its members and to the next run). Larger patterns are entered at their
          first run of higher rank.
        Cached: the structure depends on the groups and, for ``"ui"``, the DM's ranks only.
        """
        if kind not in self._graphs:
            self._graphs[kind] = self._build_graph(kind)
        return self._graphs[kind]

    def reversed_graph(self, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """:meth:`graph` with every edge reversed, in compressed rows: ``(indptr, rows,
        cols, hubs)`` over the nodes ``0..S+hubs-1`` (``rows`` gives each edge's row), int32.
        Cached like :meth:`graph`; the forward edge list is dropped once this is built."""
        if kind not in self._reversed:
            src, dst, hubs = self.graph(kind)
            n = len(self.group) + hubs
            order = np.argsort(dst, kind="stable")
            rows = dst[order].astype(np.int32)
            cols = src[order].astype(np.int32)
            indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
            self._reversed[kind] = (indptr, rows, cols, hubs)
            self._graphs.pop(kind, None)
        return self._reversed[kind]

    def _build_graph(self, kind: str) -> tuple[np.ndarray, np.ndarray, int]:
        size = len(self.group)
        srcs: list[np.ndarray] = []
        dsts: list[np.ndarray] = []
        hubs = 0
        patterns = [(q, block) for q, block in enumerate(self.blocks(kind))]
        n_pat = len(patterns)
        for q, block in patterns:
            idx = block.sorted_idx
            n = len(idx)
            if n == 0:
                continue
            grp = block.sorted_group
            new_group = np.r_[True, grp[1:] != grp[:-1]]
            if kind == "move":
                # a cycle through each group's states of this pattern
                same = ~new_group[1:]
                srcs.append(idx[:-1][same])
                dsts.append(idx[1:][same])
                first = np.flatnonzero(new_group)
                last = np.r_[first[1:], n] - 1
                loop = last > first
                srcs.append(idx[last[loop]])
                dsts.append(idx[first[loop]])
                node_at = idx  # entering at any position reaches the whole group
            else:
                key = self.rank[idx]
                new_run = new_group.copy()
                new_run[1:] |= key[1:] != key[:-1]
                run_start = np.flatnonzero(new_run)
                run_len = np.diff(np.r_[run_start, n])
                run_of = np.cumsum(new_run) - 1
                tied = run_len > 1
                run_node = idx[run_start].astype(np.int64)
                n_tied = int(tied.sum())
                run_node[tied] = size + hubs + np.arange(n_tied)
                hubs += n_tied
                # the next run up within the same group, if any
                nxt = np.arange(1, len(run_start) + 1)
                has_next = nxt < len(run_start)
                has_next[has_next] = ~new_group[run_start[nxt[has_next]]]
                next_node = np.where(has_next, run_node[np.minimum(nxt, len(run_start) - 1)], -1)
                # every state links to the next run up
                nn = next_node[run_of]
                ok = nn >= 0
                srcs.append(idx[ok])
                dsts.append(nn[ok])
                # a tie hub leads to its members and to the next run up
                member_tied = tied[run_of]
                srcs.append(run_node[run_of[member_tied]])
                dsts.append(idx[member_tied])
                hub_next = tied & has_next
                srcs.append(run_node[hub_next])
                dsts.append(next_node[hub_next])
                node_at = run_node[run_of]
            for states, start in block.queries:
                if n_pat == 1:
                    break  # a single pattern: the chain above already links every state
                own = self.pattern[states] == q
                srcs.append(states[~own])
                dsts.append(node_at[start[~own]])
        if srcs:
            src = np.concatenate(srcs).astype(np.int64)
            dst = np.concatenate(dsts).astype(np.int64)
        else:
            src = dst = np.zeros(0, dtype=np.int64)
        return src, dst, hubs

    # ------------------------------------------------------------------ queries
    def reach_min(self, values: np.ndarray, kind: str) -> np.ndarray:
        """Per state s, the minimum of ``values`` over the states reachable from s.

        ``NONE`` where nothing is reachable. ``values`` must be int64 and below NONE.
        """
        int32 = self._columns_for(values)
        if kind == "move" and self.n_directed == 0:
            if int32 is not None:
                cols, small = int32
                grouped: np.ndarray = cols.group_min(small).astype(np.int64)
                return grouped
            return self._group_min(values)
        if kind == "ui" and int32 is not None:
            cols, small = int32
            got = cols.improvement_min(small)
            out = got.astype(np.int64)
            out[got == NONE32] = NONE
            return out
        out = np.full(len(values), NONE, dtype=np.int64)
        if len(values) == 0:
            return out
        lo = int(values.min())
        width = int(values.max()) - lo + 1
        for block in self.blocks(kind):
            if not block.queries:
                continue
            # suffix minimum within each group of the sorted block: offsetting by group makes
            # a later group's values larger than any earlier one's, so one accumulate suffices
            offset = block.sorted_group * width
            suffix = values[block.sorted_idx]
            suffix -= lo
            suffix += offset
            np.minimum.accumulate(suffix[::-1], out=suffix[::-1])
            suffix -= offset
            suffix += lo
            if block.start_of is not None:  # one pattern: every state queries this block
                has = block.start_of >= 0
                return np.where(has, suffix[np.where(has, block.start_of, 0)], NONE)
            for states, start in block.queries:
                out[states] = np.minimum(out[states], suffix[start])
        return out

    def reach_min_groups(
        self, values: np.ndarray, kind: str, groups: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`reach_min` for the states of some groups only: (states, minima).

        Used by the fixpoint once few values still change: a state's reach lies in its own
        group, so only groups holding a changed state need recomputing. Needs a DM without
        directed options (callers fall back to the full query otherwise).
        """
        if self.n_directed:
            raise ValueError("partial reach needs a DM without directed options")
        if kind == "move":
            order, starts = self._ensure_group_order()
            lo = starts[groups]
            hi = np.append(starts, len(order))[groups + 1]
            pos = _ranges(lo, hi)
            states = order[pos]
            mins = np.minimum.reduceat(values[states], np.cumsum(hi - lo) - (hi - lo))
            return states, np.repeat(mins, hi - lo)
        block = self.blocks(kind)[0]
        assert block.group_start is not None and block.start_of is not None  # no directed options
        lo = block.group_start[groups]
        hi = block.group_start[groups + 1]
        pos = _ranges(lo, hi)
        states = block.sorted_idx[pos]
        if len(pos) == 0:
            return states, np.zeros(0, dtype=np.int64)
        sub_group = block.sorted_group[pos]
        base = int(values.min())
        width = int(values.max()) - base + 1
        shifted = (values[states] - base) + sub_group * width
        suffix = np.minimum.accumulate(shifted[::-1])[::-1] - sub_group * width + base
        start = block.start_of[states]
        has = start >= 0
        # local position of each start within the concatenated ranges
        offset = np.repeat(np.cumsum(hi - lo) - (hi - lo) - lo, hi - lo)
        out = np.full(len(states), NONE, dtype=np.int64)
        out[has] = suffix[start[has] + offset[has]]
        return states, out

    def _ensure_group_order(self) -> tuple[np.ndarray, np.ndarray]:
        if self._group_order is None:
            order = np.argsort(self.group, kind="stable")
            starts = np.flatnonzero(np.r_[True, np.diff(self.group[order]) != 0])
            self._group_order = (order, starts)
        return self._group_order

    def _columns_for(self, values: np.ndarray) -> tuple[Columns, np.ndarray] | None:
        """The column layout and ``values`` as int32, when both apply (else None)."""
        cols = self.columns()
        small = to_int32(values) if cols is not None else None
        return (cols, small) if cols is not None and small is not None else None

    def reach_max(self, values: np.ndarray, kind: str) -> np.ndarray:
        """Per state, the maximum of ``values`` over reachable states; ``-NONE`` if none."""
        int32 = self._columns_for(values) if kind == "ui" else None
        if int32 is not None:  # negated in int32, answered without int64 round trips
            cols, small = int32
            got = cols.improvement_min(np.negative(small, out=small))
            out: np.ndarray = np.negative(got, dtype=np.int64)
            out[got == NONE32] = -NONE
            return out
        res = self.reach_min(-values, kind)
        return np.where(res == NONE, -NONE, -res)

    def _group_min(self, values: np.ndarray) -> np.ndarray:
        order, starts = self._ensure_group_order()
        if len(order) == 0:
            return values.copy()
        mins = np.minimum.reduceat(values[order], starts)
        per_state: np.ndarray = mins[self.group]
        return per_state

    # ------------------------------------------------------------------ enumeration
    def members(self, state: int) -> np.ndarray:
        """The states in the same group as ``state`` (same options of every other DM)."""
        order, starts = self._ensure_group_order()
        g = self.group[state]
        lo = starts[g]
        hi = starts[g + 1] if g + 1 < len(starts) else len(order)
        return order[lo:hi]

    def targets(self, state: int, kind: str = "move") -> np.ndarray:
        """The states DM can move to from ``state`` (never ``state`` itself), for explanations."""
        same = self.members(state)
        p = self.pattern[state]
        ok = (self.pattern[same] & p) == p
        if kind == "ui":
            ok &= self.rank[same] > self.rank[state]
        ok &= same != state
        reached: np.ndarray = same[ok]
        return reached

    def successors(self, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All unilateral improvements from many states at once: (source, target) pairs."""
        srcs, dsts = [], []
        chosen = np.zeros(len(self.group), dtype=bool)
        chosen[states] = True
        for block in self.blocks("ui"):
            if block.group_end is None:
                block.group_end = np.searchsorted(
                    block.sorted_group, block.sorted_group, side="right"
                )
            for q_states, start in block.queries:
                sel = chosen[q_states]
                if not sel.any():
                    continue
                s_sel, st = q_states[sel], start[sel]
                counts = block.group_end[st] - st
                total = int(counts.sum())
                if total == 0:
                    continue
                srcs.append(np.repeat(s_sel, counts))
                dsts.append(block.sorted_idx[_ranges(st, st + counts)])
        if not srcs:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate(srcs), np.concatenate(dsts)


def _bit_runs(bits: list[int]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive bit positions, as (first bit, length)."""
    runs: list[tuple[int, int]] = []
    for b in sorted(bits):
        if runs and runs[-1][0] + runs[-1][1] == b:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((b, 1))
    return runs


def _gather_bits(codes: np.ndarray, bits: list[int]) -> np.ndarray:
    """The listed bits of each code packed into 0..2^len(bits)-1 (a pass per run of bits)."""
    out = np.zeros(len(codes), dtype=np.int64)
    at = 0
    for first, length in _bit_runs(bits):
        field = (codes >> np.uint64(first)) & np.uint64((1 << length) - 1)
        out |= field.astype(np.int64) << at
        at += length
    return out


def _dense(packed: np.ndarray, n_bits: int) -> tuple[np.ndarray, int]:
    """Values 0..2^n_bits-1 renumbered 0..count-1 in increasing order of those that occur."""
    if len(packed) == 0:
        return packed, 0
    if (1 << n_bits) <= max(4 * len(packed), 1 << 16):
        used = np.zeros(1 << n_bits, dtype=np.int64)
        used[packed] = 1
        number = np.cumsum(used) - 1
        return number[packed], int(number[-1]) + 1
    values, inverse = np.unique(packed, return_inverse=True)
    return inverse.astype(np.int64).ravel(), len(values)


def own_choices(model: ConflictModel) -> list[tuple[np.ndarray, int]]:
    """Per DM, each state's own choice numbered densely (see :func:`_dense`) and the number
    of choices; computed once per model."""
    cached = model._cache.get("own_choices")
    if cached is None:
        m = len(model.option_dm)
        cached = []
        for i in range(model.n_dms):
            bits = [k for k in range(m) if model.option_dm[k] == i]
            cached.append(_dense(_gather_bits(model.codes, bits), len(bits)))
        model._cache["own_choices"] = cached
    return cached


def _groups_by_choices(
    model: ConflictModel, dm: int, choices: list[tuple[np.ndarray, int]]
) -> tuple[np.ndarray, int] | None:
    """The groups of :func:`_groups`, numbered in the same order, from the other DMs' dense
    choices: when every DM's options are consecutive bits, the other DMs' options compare as
    their choices do, most significant DM first, so a mixed-radix number of the choices keeps
    the order and fits a table when the choices are few (one-hot conflicts: 8 DMs x 6
    strategies number 280,000 groups from 6^7 keys instead of sorting 42-bit codes). None when
    it does not apply."""
    m = len(model.option_dm)
    lowest: dict[int, int] = {}
    for i in range(model.n_dms):
        bits = [k for k in range(m) if model.option_dm[k] == i]
        if bits and bits[-1] - bits[0] + 1 != len(bits):
            return None  # interleaved options: the order of codes is not the choices' order
        lowest[i] = bits[0] if bits else -1
    others = sorted((i for i in range(model.n_dms) if i != dm), key=lambda i: -lowest[i])
    size = len(model.codes)
    space = 1
    for i in others:
        space *= max(choices[i][1], 1)
    if size == 0 or space > max(4 * size, 1 << 16):
        return None
    key = np.zeros(size, dtype=np.int64)
    for i in others:  # most significant first
        key *= max(choices[i][1], 1)
        key += choices[i][0]
    used = np.zeros(space, dtype=np.int64)
    used[key] = 1
    number = np.cumsum(used) - 1
    return number[key], int(number[-1]) + 1


def _groups(codes: np.ndarray, own_bits: list[int], n_bits: int) -> tuple[np.ndarray, int]:
    """Each state's group (the other DMs' options), numbered 0.. in increasing order of those
    options, and the number of groups. Dropping the DM's bits keeps the order, so a table over
    the packed codes numbers the groups in O(S) when it is small; otherwise a sort does."""
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64), 0
    rest = sorted(set(range(n_bits)) - set(own_bits))
    if (1 << len(rest)) <= max(4 * len(codes), 1 << 16):
        packed = _gather_bits(codes, rest)
        used = np.zeros(1 << len(rest), dtype=np.int64)
        used[packed] = 1
        number = np.cumsum(used) - 1
        return number[packed], int(number[-1]) + 1
    mask = np.uint64(sum(1 << k for k in own_bits))
    _, group = np.unique(codes & ~mask, return_inverse=True)
    group = group.astype(np.int64).ravel()
    return group, int(group.max()) + 1


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(lo[k], hi[k])`` for every k, without a Python loop."""
    lengths = hi - lo
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(lo - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def move_indices(model: ConflictModel) -> list[MoveIndex]:
    """Every DM's move index, built once per model (kept in the model's private cache)."""
    cached = model._cache.get("moves")
    if cached is None:
        cached = [MoveIndex(model, i) for i in range(model.n_dms)]
        model._cache["moves"] = cached
    return cached


def with_ranks(model: ConflictModel, ranks: np.ndarray, base: list[MoveIndex]) -> ConflictModel:
    """The same conflict under other preferences, sharing the move structure of ``base`` (the
    move indices of ``model``): only the improvement indices are rebuilt, lazily. This is what
    makes re-analysing one conflict for many sampled preferences cheap."""
    import dataclasses

    clone = dataclasses.replace(model, ranks=ranks, _cache={})
    clone._cache["moves"] = [idx.with_rank(ranks[i]) for i, idx in enumerate(base)]
    return clone
