"""Simultaneous sanctioning (SIM): an improvement can be met by the others moving at the same time.

State s is SIM-stable for DM i when, for every unilateral improvement s1 of i, each other DM j
can either stay or take one of its own unilateral improvements t_j from s, at the same time as
i, so that the combined state s* (i's options as in s1, each j's options as in t_j) is feasible
and P_i(s*) <= P_i(s). Every combination of the others' choices counts, for every s1.

How it is computed, exactly and without a states x states matrix. The options of different DMs
are disjoint bits, so s* = code(s1) XOR the others' changes (t_j XOR s). For DM i, an *i-pattern*
is the value of i's own option bits. For a fixed choice of the others, s* lies in the set of
states sharing the others' options of that choice (a *column*), and the i-patterns of that
column's states with P_i <= P_i(s) form a bit mask, a prefix-OR over the column sorted by P_i.
s is stable when the OR of those masks over the others' choices covers the i-patterns of all of
i's improvements from s. The choices are enumerated by who moves (one other DM, then two, ...),
and a state leaves the search as soon as it is covered, so most states finish after the
single-mover choices; the cost grows with the product of the movers' improvement counts only for
the states still uncovered.

References
----------
Fraser, N. M. & Hipel, K. W. (1984). Conflict Analysis: Models and Resolutions. North-Holland.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making: The Graph Model for
Conflict Resolution. Wiley, ch. 3.
"""

from __future__ import annotations

import itertools

import numpy as np

from offramp.conflict.concepts.base import Concept, DMView
from offramp.conflict.model import ConflictModel, ConflictTooLarge
from offramp.conflict.moves import MoveIndex, move_indices
from offramp.conflict.steps import Step, make_step

#: Bits per mask word (a module constant so the tests can exercise the several-word path).
WORD = 64
#: Combinations (state, others' choice) handled per numpy batch: bounds the memory.
BATCH = 1 << 20
#: Combinations of several DMs' simultaneous improvements examined at most (about a minute).
MAX_COMBINATIONS = 400_000_000
#: Codes of up to this many options are looked up in a dense table (2^bits entries).
DENSE_BITS = 24
#: At most this many mask words per state (2^(options of one DM) / WORD).
MAX_WORDS = 64


def _pattern(model: ConflictModel, i: int) -> tuple[np.ndarray, int]:
    """Per state, the value of DM i's option bits compressed to 0..2^k-1; and k."""
    own = [k for k in range(len(model.option_dm)) if model.option_dm[k] == i]
    pat = np.zeros(model.n_states, dtype=np.int64)
    for b, k in enumerate(own):
        pat |= ((model.codes >> np.uint64(k)) & np.uint64(1)).astype(np.int64) << b
    return pat, len(own)


def _set_bits(masks: np.ndarray, rows: np.ndarray, pats: np.ndarray) -> None:
    np.bitwise_or.at(masks, (rows, pats // WORD), np.uint64(1) << (pats % WORD).astype(np.uint64))


def _one_bit(n: int, pats: np.ndarray, words: int) -> np.ndarray:
    """Row r has the single bit ``pats[r]`` set."""
    out = np.zeros((n, words), dtype=np.uint64)
    out[np.arange(n), pats // WORD] = np.uint64(1) << (pats % WORD).astype(np.uint64)
    return out


def _or_scan(values: np.ndarray, segment: np.ndarray, reverse: bool = False) -> np.ndarray:
    """Inclusive OR-scan of the rows of ``values`` within runs of equal ``segment`` (in place)."""
    n = len(values)
    shift = 1
    while shift < n:
        same = segment[shift:] == segment[:-shift]
        if reverse:
            values[:-shift][same] |= values[shift:][same]
        else:
            values[shift:][same] |= values[:-shift][same]
        shift *= 2
    return values


def _improvement_patterns(model: ConflictModel, idx: MoveIndex, pat: np.ndarray, words: int):
    """Per state, the bit mask of the i-patterns of the DM's improvements from it. Without
    directed options the improvements are a run of the sorted improvement block, so the mask is
    a suffix-OR over that block; otherwise they are listed."""
    size = model.n_states
    target = np.zeros((size, words), dtype=np.uint64)
    if idx.n_directed == 0:
        block = idx.blocks("ui")[0]
        bits = _one_bit(len(block.sorted_idx), pat[block.sorted_idx], words)
        suffix = _or_scan(bits, block.sorted_group, reverse=True)
        has = block.start_of >= 0
        target[has] = suffix[block.start_of[has]]
        return target
    src, dst = idx.successors(np.arange(size))
    _set_bits(target, src, pat[dst])
    return target


class _Columns:
    """For DM i: states grouped by the others' options (columns), sorted by P_i within each, with
    the prefix-OR of i-patterns; answers 'which i-patterns of column c have P_i <= r'."""

    def __init__(self, model: ConflictModel, i: int, pat: np.ndarray, words: int):
        codes = model.codes
        self.mask_i = np.uint64(model.dm_mask(i))
        other = codes & ~self.mask_i
        self.columns, col = np.unique(other, return_inverse=True)
        col = col.ravel().astype(np.int64)
        rank = model.ranks[i]
        self.width = int(rank.max()) + 2 if len(rank) else 2
        order = np.lexsort((rank, col))
        self.col_sorted = col[order]
        self.keys = self.col_sorted * self.width + rank[order]
        size = len(codes)
        # OR-scan within each column (a contiguous run)
        self.prefix = _or_scan(_one_bit(size, pat[order], words), self.col_sorted)
        # each column's P_i values in order, padded: 'how many are <= limit' is a comparison
        # along a short row instead of a search over all states
        sizes = np.bincount(self.col_sorted, minlength=len(self.columns))
        self.start = np.cumsum(sizes) - sizes
        widest = int(sizes.max()) if len(sizes) else 0
        self.padded = None
        if len(sizes) * widest <= 4 * size + 64:
            self.padded = np.full((len(sizes), widest), np.iinfo(np.int64).max, dtype=np.int64)
            offset = np.arange(size) - self.start[self.col_sorted]
            self.padded[self.col_sorted, offset] = rank[order]
        # column of a code by direct lookup when the codes are few enough (else a search)
        m = len(model.option_dm)
        self.table = None
        if m <= DENSE_BITS:
            self.table = np.full(1 << m, len(self.columns), dtype=np.int64)
            self.table[self.columns.astype(np.int64)] = np.arange(len(self.columns))

    def masks(self, other_codes: np.ndarray, limit: np.ndarray) -> np.ndarray:
        """Per query, the i-patterns in the column ``other_codes`` with P_i <= ``limit``."""
        out = np.zeros((len(other_codes), self.prefix.shape[1]), dtype=np.uint64)
        if self.table is not None:
            c = self.table[other_codes.astype(np.int64)]
            ok = c < len(self.columns)
        else:
            c = np.searchsorted(self.columns, other_codes)
            ok = c < len(self.columns)
            ok[ok] = self.columns[c[ok]] == other_codes[ok]
        if self.padded is not None:
            where = np.flatnonzero(ok)
            step = max(1, (1 << 24) // max(1, self.padded.shape[1]))  # bounded work arrays
            for a in range(0, len(where), step):
                rows = where[a : a + step]
                cc = c[rows]
                count = (self.padded[cc] <= limit[rows, None]).sum(axis=1)
                got = count > 0
                out[rows[got]] = self.prefix[self.start[cc[got]] + count[got] - 1]
            return out
        pos = np.searchsorted(self.keys, c * self.width + limit, side="right") - 1
        ok &= pos >= 0
        ok[ok] = self.col_sorted[pos[ok]] == c[ok]
        out[ok] = self.prefix[pos[ok]]
        return out


class _Improvements:
    """A DM's improvements from each state of ``states`` (by position): ``count`` per state and
    the k-th one's change (XOR) on demand. Without directed options they are a contiguous run
    of the move index's improvement block (nothing is listed); otherwise they are listed once."""

    def __init__(self, model: ConflictModel, idx: MoveIndex, states: np.ndarray):
        self.codes = model.codes
        self.base = model.codes[states]
        if idx.n_directed == 0:
            block = idx.blocks("ui")[0]
            first = block.start_of[states]
            end = block.group_start[idx.group[states] + 1]
            self.count = np.where(first >= 0, end - first, 0).astype(np.int64)
            self.start = np.where(first >= 0, first, 0).astype(np.int64)
            self.targets = block.sorted_idx
        else:
            pos_of = np.full(model.n_states, -1, dtype=np.int64)
            pos_of[states] = np.arange(len(states))
            src, dst = idx.successors(states)
            order = np.argsort(pos_of[src], kind="stable")
            self.targets = dst[order]
            self.count = np.bincount(pos_of[src], minlength=len(states)).astype(np.int64)
            self.start = np.cumsum(self.count) - self.count

    def delta(self, rows: np.ndarray, k: np.ndarray | int) -> np.ndarray:
        """The change of the k-th improvement from each state ``rows`` (positions)."""
        return self.codes[self.targets[self.start[rows] + k]] ^ self.base[rows]


def sim_stable(model: ConflictModel, i: int, indices: list[MoveIndex] | None = None) -> np.ndarray:
    """SIM stability of every state for DM i (bool per state)."""
    indices = move_indices(model) if indices is None else indices
    pat, k = _pattern(model, i)
    words = max(1, -(-(1 << k) // WORD))
    if words > MAX_WORDS:
        raise ConflictTooLarge(
            f"SIM for {model.dm_names[i]}: {k} options give 2^{k} option patterns; offramp's "
            f"SIM handles at most {MAX_WORDS * WORD} patterns per decision maker"
        )
    target = _improvement_patterns(model, indices[i], pat, words)
    stable = ~target.any(axis=1)  # no improvement: stable (Nash)
    active = np.flatnonzero(~stable)
    if len(active) == 0:
        return stable
    cols = _Columns(model, i, pat, words)
    others = [j for j in range(model.n_dms) if j != i]
    deltas = {j: _Improvements(model, indices[j], active) for j in others}
    covered = np.zeros((len(active), words), dtype=np.uint64)
    todo = np.ones(len(active), dtype=bool)  # positions in ``active`` still uncovered
    rank = model.ranks[i]
    base_other = model.codes[active] & ~cols.mask_i

    def cover(rows: np.ndarray, acc: np.ndarray) -> None:
        got = cols.masks(base_other[rows] ^ acc, rank[active[rows]])
        if len(rows):  # rows are sorted: OR each row's run of masks in one pass
            heads = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            covered[rows[heads]] |= np.bitwise_or.reduceat(got, heads, axis=0)

    # one mover at a time, its improvements in rounds: most states are covered after a few
    # masks, and leave the search then
    most = max((int(deltas[j].count.max(initial=0)) for j in others), default=0)
    for q in range(most):
        for j in others:
            rows = np.flatnonzero(todo & (deltas[j].count > q))
            if len(rows) == 0:
                continue
            cover(rows, deltas[j].delta(rows, q))
            todo[rows] = (target[active[rows]] & ~covered[rows]).any(axis=1)
        if not todo.any():
            break
    left = np.flatnonzero(todo)
    if len(left):  # several movers at once: the product of their improvements, bounded first
        product = np.ones(len(left), dtype=np.float64)
        single = np.zeros(len(left), dtype=np.float64)
        for j in others:
            product *= 1 + deltas[j].count[left]
            single += deltas[j].count[left]
        work = float((product - 1 - single).sum())
        if work > MAX_COMBINATIONS:
            raise ConflictTooLarge(
                f"SIM for {model.dm_names[i]}: {len(left):,} states need simultaneous "
                f"sanctions by several decision makers, {work:,.0f} combinations of their "
                f"moves; the limit is {MAX_COMBINATIONS:,} (fewer options per decision maker, "
                "or feasibility rules, make it smaller)"
            )
    for size_j in range(2, len(others) + 1):
        for movers in itertools.combinations(others, size_j):
            pos = np.flatnonzero(todo)
            if len(pos) == 0:
                break
            counts = np.ones(len(pos), dtype=np.int64)
            for j in movers:
                counts *= deltas[j].count[pos]
            pos, counts = pos[counts > 0], counts[counts > 0]
            cum = np.cumsum(counts)
            lo = 0
            while lo < len(pos):
                done_before = int(cum[lo - 1]) if lo else 0
                hi = max(int(np.searchsorted(cum, done_before + BATCH, side="right")), lo + 1)
                rows = pos[lo:hi]
                lo = hi
                acc = np.zeros(len(rows), dtype=np.uint64)
                for j in movers:  # expand the product of the movers' improvements
                    c = deltas[j].count[rows]
                    offset = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
                    rows = np.repeat(rows, c)
                    acc = np.repeat(acc, c) ^ deltas[j].delta(rows, offset)
                cover(rows, acc)
            left = (target[active] & ~covered).any(axis=1)
            todo &= left
    stable[active] = ~todo
    return stable


def stable(view: DMView) -> np.ndarray:
    return sim_stable(view.model, view.dm, view.indices)


def sanction(model: ConflictModel, i: int, base: int, s1: int) -> list[Step] | None:
    """The fewest simultaneous improvements of the others from ``base`` that, taken together
    with i's move to s1, leave i no better off than at ``base``: one move per mover."""
    indices = move_indices(model)
    rank = model.ranks[i]
    others = [j for j in range(model.n_dms) if j != i]
    options = {j: [int(t) for t in indices[j].targets(base, "ui")] for j in others}
    for size_j in range(1, len(others) + 1):
        for movers in itertools.combinations(others, size_j):
            for choice in itertools.product(*(options[j] for j in movers)):
                steps = [make_step(model, j, base, t) for j, t in zip(movers, choice, strict=True)]
                end = combined_state(model, s1, steps)
                if end is not None and rank[end] <= rank[base]:
                    return steps
    return None


def combined_state(model: ConflictModel, s1: int, steps: list[Step]) -> int | None:
    """The state where i's move to s1 and the others' simultaneous moves lead (None when that
    combination is infeasible)."""
    code = int(model.codes[s1])
    for st in steps:
        code ^= int(model.codes[st.source]) ^ int(model.codes[st.target])
    at = int(np.searchsorted(model.codes, np.uint64(code)))
    if at < model.n_states and int(model.codes[at]) == code:
        return at
    return None


def _outcome(model: ConflictModel, s1: int, steps: list[Step]) -> int:
    end = combined_state(model, s1, steps)
    return s1 if end is None else end


CONCEPT = Concept(
    key="sim",
    label="Simultaneous sanctioning (SIM)",
    short="SIM",
    glossary=(
        "Simultaneous sanctioning (SIM): every move the decision maker prefers can be spoiled "
        "by the others making moves they prefer at the same time."
    ),
    reference="Fraser & Hipel 1984; Fang, Hipel & Kilgour 1993",
    stable=stable,
    sanction=sanction,
    by_default=False,
    simultaneous=True,
    sanction_outcome=_outcome,
)
