"""Simultaneous sanctions (the engine of SIM): exact, without listing the others' product.

For DM i at state s and one of i's improvements, whose own options form the *pattern* p, each
other DM j chooses c_j in C_j(s): its options at s (it stays) or those of one of its
improvements from s. The combination (p, c) is a state s*, and the improvement is sanctioned
when some choice gives a feasible s* with P_i(s*) <= P_i(s) = r. So the *box*
B(s) = C_j(s) x C_k(s) x ... must meet {c : P_i(p, c) <= r}. Listing the box costs the product
of the others' choice counts (thousands at 20 options and 4 DMs) per state and improvement; the
search below never lists it. Patterns are numbered densely over the combinations that occur.

Stage A: one mover, every pattern at once. With the others as at s, j's improvements from s are
the states of s's j-group (same options but j's) ranked above s by j: a suffix of the group
sorted by P_j. Give each state x the row "P_i over i's patterns in x's column" (the states with
x's options but i's); the suffix-minimum of these rows along the sorted group, read at s's
suffix, is for every p the least P_i one improvement of j can force. One pass over the states
per (i, j), bounded batches; with directed options the improvements are listed (the move index's
successors) and the rows reduced over the list. Exact for single movers by construction.

Stage B: several movers, for the (state, pattern) pairs stage A left open only. Pick a *line
mover* l. A *line* is a set of states equal but for l's options, sorted by P_i, with the
prefix-OR of l's patterns: the c_l of that line with P_i <= r are one binary search and one
word away. A *block* gathers the lines of one p (and of one choice of the *listed* movers, see
below), sorted by their least P_i, with the prefix-OR of the lines' combinations of the *mask
movers* (the others but l). For a pair, one binary search in its block gives every line holding
some P_i <= r; ANDed with the box's mask-mover part (C_a x C_b, built once per state in the
blocks' bit layout) it leaves the *candidate lines*, and the pair is sanctioned iff some
candidate line has a c_l in C_l(s) with P_i <= r: the box, checked line by line without
enumerating it, with the lines that cannot hold a sanction dropped by their minimum -- exact.
Candidates are checked lowest first in rounds with an early exit (a sanction, when there is
one, is often among the first), then all at once. Most unsanctioned pairs have no candidate at
all, and a state leaves the search as soon as one of its pairs is left without candidates.
l is chosen per state as the mover whose choices cover the largest share of its patterns, so
that a line's minimum over all of l's patterns is close to its minimum over C_l(s) (at 18
options and 4 DMs this leaves ~0.2 candidates per unsanctioned pair instead of ~15). Mask movers
whose blocks would exceed :data:`MAX_BLOCK_WORDS` words or the memory budget are *listed*
instead: their choices are enumerated, one block query each.

Cost, S states, P_i patterns of i: stage A O(S x P_i) per other DM (sequential numpy passes,
no search); stage B builds one line/block table per line mover in use (a sort of the states)
and spends per open pair one block search, a few words, and ~1-3 line checks on the random
benchmark conflicts (docs/benchmarks.md). Its worst case, every candidate line of every open
pair, is counted before stage B and refused beyond :data:`MAX_LINE_CHECKS`
(ConflictTooLarge), as are tables beyond the memory budgets, before the work.

References
----------
Fraser, N. M. & Hipel, K. W. (1984). Conflict Analysis: Models and Resolutions. North-Holland.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making: The Graph Model for
Conflict Resolution. Wiley, ch. 3.
"""

from __future__ import annotations

import math

import numpy as np

from offramp.conflict.model import ConflictModel, ConflictTooLarge
from offramp.conflict.moves import MoveIndex

#: Bits per mask word (a module constant so the tests can exercise the several-word paths).
WORD = 64
#: Elements (rows x columns) handled per numpy batch: bounds the working memory.
BATCH = 1 << 22
#: At most this many option patterns per decision maker (the masks are bit sets over them).
MAX_PATTERNS = 4096
#: Bytes of the per-DM tables (pattern rows, lines, blocks, improvement masks) at most.
MAX_TABLE_BYTES = 1 << 30
#: Bytes of the box tables (lines and blocks, one set per line mover) at most.
MAX_BOX_BYTES = 1 << 30
#: Words of a block mask at most: more mask movers than this allows are listed instead.
MAX_BLOCK_WORDS = 64
#: Candidate lines checked at most in the worst case (about two minutes on the 2-core machine).
MAX_LINE_CHECKS = 2_000_000_000
#: Rounds in which every open query checks its lowest candidate line before all are checked.
ROUNDS = 16
#: Keys of up to this many values are looked up in a dense table.
DENSE_KEYS = 1 << 24
#: P_i of an infeasible combination: never a sanction.
INF = np.iinfo(np.int32).max

_U1 = np.uint64(1)


# ---------------------------------------------------------------------------------- bit sets
def _words(n_bits: int) -> int:
    return max(1, -(-n_bits // WORD))


def _one_hot(bits: np.ndarray, words: int) -> np.ndarray:
    """Row r has the single bit ``bits[r]``."""
    bit = _U1 << (bits % WORD).astype(np.uint64)
    if words == 1:
        return bit[:, None]
    out = np.zeros((len(bits), words), dtype=np.uint64)
    out.ravel()[np.arange(len(bits)) * words + bits // WORD] = bit
    return out


def _pack(flags: np.ndarray) -> np.ndarray:
    """Bool rows (n, b) as bit sets (n, words)."""
    n, b = flags.shape
    words = _words(b)
    if WORD == 64 and b in (8, 16, 32, 64):  # whole bytes of one word: no padding
        packed = np.packbits(flags, axis=1, bitorder="little")
        return packed.view(f"<u{b // 8}").astype(np.uint64)
    if WORD == 64:
        padded = np.zeros((n, words * 64), dtype=bool)
        padded[:, :b] = flags
        return np.packbits(padded, axis=1, bitorder="little").view(np.uint64)
    padded = np.zeros((n, words * WORD), dtype=np.uint64)
    padded[:, :b] = flags
    weights = _U1 << np.arange(WORD, dtype=np.uint64)
    words_of: np.ndarray = (padded.reshape(n, words, WORD) * weights).sum(axis=2, dtype=np.uint64)
    return words_of


def _unpack(masks: np.ndarray, b: int) -> np.ndarray:
    """Bit sets (n, words) as bool rows (n, b)."""
    n = len(masks)
    if WORD == 64:
        flat = np.unpackbits(np.ascontiguousarray(masks).view(np.uint8), axis=1, bitorder="little")
        return flat[:, :b].astype(bool)
    shifts = np.arange(WORD, dtype=np.uint64)
    flat = ((masks[:, :, None] >> shifts) & _U1).reshape(n, -1)
    return flat[:, :b].astype(bool)


def _popcount(masks: np.ndarray) -> np.ndarray:
    """Bits set per row of (n, words)."""
    if hasattr(np, "bitwise_count"):
        counted: np.ndarray = np.bitwise_count(masks).sum(axis=1, dtype=np.int64)
        return counted
    v = masks.copy()  # numpy < 2: the classic SWAR count
    v = v - ((v >> np.uint64(1)) & np.uint64(0x5555555555555555))
    v = (v & np.uint64(0x3333333333333333)) + ((v >> np.uint64(2)) & np.uint64(0x3333333333333333))
    v = (v + (v >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    summed: np.ndarray = ((v * np.uint64(0x0101010101010101)) >> np.uint64(56)).sum(
        axis=1, dtype=np.int64
    )
    return summed


def _lowest_bit(masks: np.ndarray) -> np.ndarray:
    """Index of the lowest set bit of each (nonzero) row of (n, words)."""
    word = np.argmax(masks != 0, axis=1)
    v = masks[np.arange(len(masks)), word]
    low = v & (~v + _U1)
    lowest: np.ndarray = word * WORD + np.log2(low.astype(np.float64)).astype(np.int64)
    return lowest


def _first_lowest(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For ``groups`` sorted (runs of equal values), the index of the first smallest ``values``
    entry of each run."""
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    heads = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    run = np.repeat(np.arange(len(heads)), np.diff(np.r_[heads, len(groups)]))
    lowest = np.minimum.reduceat(values, heads)
    at = np.flatnonzero(values == lowest[run])
    return at[np.r_[True, run[at][1:] != run[at][:-1]]]


def _segment_prefix_or(one_hot: np.ndarray, starts: np.ndarray, seg_of: np.ndarray) -> np.ndarray:
    """Prefix-OR of ``one_hot`` rows within segments (contiguous runs beginning at ``starts``;
    ``seg_of`` gives each row's segment). Within a segment every row sets a different bit, so
    the OR is the sum: a cumulative sum (modulo 2^64) minus the segment's base."""
    total = np.cumsum(one_hot, axis=0, dtype=np.uint64)
    base = np.zeros((len(starts), one_hot.shape[1]), dtype=np.uint64)
    later = starts > 0
    base[later] = total[starts[later] - 1]
    prefix_or: np.ndarray = total - base[seg_of]
    return prefix_or


def _count_upto(
    values: np.ndarray, start: np.ndarray, length: np.ndarray, limit: np.ndarray, widest: int
) -> np.ndarray:
    """How many of ``values[start : start + length]`` (sorted) are <= ``limit``, per query: a
    binary search done for every query at once."""
    pos = np.zeros(len(start), dtype=np.int64)
    step = 1 << max(0, int(widest).bit_length() - 1) if widest > 0 else 0
    while step:
        cand = pos + step
        ok = cand <= length
        at = np.where(ok, start + cand - 1, 0)
        ok &= values[at] <= limit
        pos = np.where(ok, cand, pos)
        step >>= 1
    return pos


# ---------------------------------------------------------------------- per-model structures
def _patterns(model: ConflictModel) -> tuple[list[np.ndarray], list[int]]:
    """Per DM, each state's option pattern as a dense index 0..n-1 over the patterns that occur
    (feasibility rules often leave few of the 2^k), and n. Cached on the model."""
    cached: tuple[list[np.ndarray], list[int]] | None = model._cache.get("sim_patterns")
    if cached is not None:
        return cached
    pats, sizes = [], []
    for d in range(model.n_dms):
        own = [k for k in range(len(model.option_dm)) if model.option_dm[k] == d]
        raw = np.zeros(model.n_states, dtype=np.int64)
        for b, k in enumerate(own):
            raw |= ((model.codes >> np.uint64(k)) & _U1).astype(np.int64) << b
        if len(own) <= 22:
            present = np.bincount(raw, minlength=1 << len(own)) > 0
            index = np.cumsum(present) - 1
            pats.append(index[raw])
            sizes.append(int(present.sum()))
        else:
            values, inverse = np.unique(raw, return_inverse=True)
            pats.append(inverse.ravel().astype(np.int64))
            sizes.append(len(values))
        if sizes[-1] > MAX_PATTERNS:
            raise ConflictTooLarge(
                f"SIM for {model.dm_names[d]}: {sizes[-1]:,} combinations of its options occur "
                f"in feasible states; offramp's SIM handles at most {MAX_PATTERNS:,} per decision "
                "maker (fewer options, or feasibility rules that rule combinations out)"
            )
    model._cache["sim_patterns"] = (pats, sizes)
    return pats, sizes


def _improvement_masks(
    model: ConflictModel, d: int, idx: MoveIndex, pat: np.ndarray, size: int
) -> np.ndarray:
    """Per state, the bit set of the patterns of the DM's improvements from it. Without
    directed options the improvements are the suffix of the state's group in the sorted
    improvement block, and within a group every state has its own pattern: the suffix-OR is a
    suffix sum. Cached on the model, per DM."""
    cache = model._cache.setdefault("sim_improvements", {})
    if (d, WORD) in cache:
        masks: np.ndarray = cache[d, WORD]
        return masks
    words = _words(size)
    n = model.n_states
    out = np.zeros((n, words), dtype=np.uint64)
    if idx.n_directed == 0:
        block = idx.blocks("ui")[0]
        assert block.group_start is not None and block.start_of is not None  # no directed options
        order = block.sorted_idx
        total = np.cumsum(_one_hot(pat[order], words), axis=0, dtype=np.uint64)
        has = np.flatnonzero(block.start_of >= 0)
        first = block.start_of[has]
        last = block.group_start[idx.group[has] + 1] - 1
        before = np.zeros((len(has), words), dtype=np.uint64)
        inner = first > 0
        before[inner] = total[first[inner] - 1]
        out[has] = total[last] - before
    else:
        step = max(1, BATCH // (words * size))  # at most ``size`` improvements per state
        for a in range(0, n, step):
            src, dst = idx.successors(np.arange(a, min(n, a + step)))
            if len(src):
                order = np.argsort(src, kind="stable")
                src, dst = src[order], dst[order]
                heads = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
                bits = _one_hot(pat[dst], words)
                out[src[heads]] = np.bitwise_or.reduceat(bits, heads, axis=0)
    cache[d, WORD] = out
    return out


# --------------------------------------------------------------------------- stage A (singles)
class _Rows:
    """For DM i: per column (states sharing every other DM's options), P_i over i's patterns
    (INF where the combination is infeasible)."""

    def __init__(self, model: ConflictModel, i: int, idx: MoveIndex, pat: np.ndarray, size: int):
        self.col = idx.group
        n_cols = idx.n_groups
        if n_cols * size * 4 > MAX_TABLE_BYTES:
            raise ConflictTooLarge(
                f"SIM for {model.dm_names[i]}: a table of {n_cols:,} x {size:,} values would "
                f"exceed {MAX_TABLE_BYTES >> 20:,} MB"
            )
        self.values = np.full((n_cols, size), INF, dtype=np.int32)
        self.values[self.col, pat] = model.ranks[i]


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(lo[k], hi[k])``."""
    lengths = hi - lo
    total = int(lengths.sum())
    return np.repeat(lo - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def _cover_single(
    rows: _Rows,
    rank: np.ndarray,
    idx_j: MoveIndex,
    size_j: int,
    active: np.ndarray,
    uncovered: np.ndarray,
) -> None:
    """Clear from ``uncovered`` (rows = states) the patterns some single improvement of DM j
    (``size_j`` patterns) sanctions; only the states flagged ``active`` are updated."""
    size = rows.values.shape[1]
    if idx_j.n_directed == 0:
        block = idx_j.blocks("ui")[0]
        order, start_of, bounds = block.sorted_idx, block.start_of, block.group_start
        assert start_of is not None and bounds is not None  # no directed options
        length = np.diff(bounds)
        # the groups of similar length together (at most twice the shortest), padded to the
        # longest: the suffix-minimum is then one running minimum across the batch's groups
        by_length = np.argsort(length, kind="stable")
        by_length = by_length[length[by_length] > 1]
        a = 0
        while a < len(by_length):
            shortest = int(length[by_length[a]])
            per = max(1, BATCH // max(1, 2 * shortest * size))
            b = min(len(by_length), a + per)
            b = a + int(np.searchsorted(length[by_length[a:b]], 2 * shortest, side="right"))
            groups = by_length[a:b]
            a = b
            lo, n_pos = bounds[groups], length[groups]
            pos = _ranges(lo, lo + n_pos)
            states = order[pos]
            query = active[states] & (start_of[states] >= 0)
            if not query.any():
                continue
            widest = int(n_pos.max())
            member = np.repeat(np.arange(len(groups)), n_pos)
            gathered = rows.values[rows.col[states]]
            if widest == shortest:  # one length (always without feasibility rules): a reshape
                table = gathered.reshape(len(groups), widest, size)
            else:
                table = np.full((len(groups), widest, size), INF, dtype=np.int32)
                table[member, pos - np.repeat(lo, n_pos)] = gathered
            for k in range(widest - 2, -1, -1):  # suffix-minimum (ufunc.accumulate is slow here)
                np.minimum(table[:, k + 1], table[:, k], out=table[:, k])
            asking = states[query]
            at = start_of[asking] - lo[member[query]]
            flat = table.reshape(-1, size)
            low = flat[member[query] * widest + at] <= rank[asking][:, None]
            uncovered[asking] &= ~_pack(low)
        return
    chosen = np.flatnonzero(active)
    step = max(1, BATCH // (size * size_j))  # at most ``size_j`` improvements per state
    for a in range(0, len(chosen), step):
        src, dst = idx_j.successors(chosen[a : a + step])
        if len(src) == 0:
            continue
        order = np.argsort(src, kind="stable")
        src, dst = src[order], dst[order]
        low = rows.values[rows.col[dst]] <= rank[src][:, None]
        heads = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
        got = np.bitwise_or.reduceat(_pack(low), heads, axis=0)
        uncovered[src[heads]] &= ~got


# ------------------------------------------------------------------------ stage B (the box)
def _stride(size: int) -> int:
    """Bits given to one row of a block mask whose rows hold ``size`` bits: a power of two up
    to a word (rows never straddle words), whole words beyond."""
    return 1 << max(0, size - 1).bit_length() if size <= WORD else _words(size) * WORD


class _Lookup:
    """Index of each of a sorted set of integer keys (-1 for other keys): a dense table when the
    key range is small (at most :data:`DENSE_KEYS` and a few times the key count), a binary
    search otherwise."""

    def __init__(self, keys: np.ndarray, n_keys: int):
        self.keys = keys
        self.table = None
        if n_keys <= min(DENSE_KEYS, 8 * len(keys) + 4096):
            self.table = np.full(n_keys, -1, dtype=np.int32)
            self.table[keys] = np.arange(len(keys), dtype=np.int32)

    def __call__(self, wanted: np.ndarray) -> np.ndarray:
        if self.table is not None:
            found: np.ndarray = self.table[wanted].astype(np.int64)
            return found
        if len(self.keys) == 0:
            return np.full(len(wanted), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return np.where(self.keys[at] == wanted, at, -1)


class _Box:
    """Lines and blocks of DM i's states for one line mover (see the module docstring), with
    their prefix-ORs."""

    def __init__(
        self,
        model: ConflictModel,
        i: int,
        pats: list[np.ndarray],
        sizes: list[int],
        line: int,
        mask_movers: list[int],
        listed: list[int],
    ):
        rank = model.ranks[i]
        n = model.n_states
        self.line_dm, self.mask_movers, self.listed = line, mask_movers, listed
        self.n_rows = self.stride = self.last_size = self.block_words = 1
        # key = (p * R2 + m2) * W1 + m1: p i's pattern, m2 the listed movers' patterns, m1 the
        # mask movers' (the last one varying fastest)
        self.r2 = math.prod(sizes[o] for o in listed)
        self.w1 = math.prod(sizes[o] for o in mask_movers)
        key = pats[i].copy()
        for o in (*listed, *mask_movers):
            key = key * sizes[o] + pats[o]
        order = np.argsort((key << 32) | rank, kind="stable")
        keys = key[order]
        heads = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if n else np.zeros(0, int)
        self.line_start = heads
        self.line_len = np.diff(np.r_[heads, n])
        self.line_keys = keys[heads]
        self.line_widest = int(self.line_len.max()) if len(heads) else 0
        self.line_values = rank[order]
        line_of = np.repeat(np.arange(len(heads)), self.line_len)
        self.line_masks = _segment_prefix_or(
            _one_hot(pats[line][order], _words(sizes[line])), heads, line_of
        )
        self.lines = _Lookup(self.line_keys, sizes[i] * self.r2 * self.w1)
        if not mask_movers:
            return
        # blocks: the lines of one (p, m2), sorted by their least P_i; a line's m1 is the bit
        # row * stride + (last mask mover's pattern)
        self.last_size = sizes[mask_movers[-1]]
        self.stride = _stride(self.last_size)
        self.n_rows = self.w1 // self.last_size
        self.block_words = _words(self.n_rows * self.stride)
        lowest = self.line_values[heads]
        bkey = self.line_keys // self.w1
        sub = self.line_keys % self.w1
        order1 = np.argsort((bkey << 32) | lowest, kind="stable")
        bk = bkey[order1]
        bheads = np.flatnonzero(np.r_[True, bk[1:] != bk[:-1]]) if len(bk) else np.zeros(0, int)
        self.block_start = bheads
        self.block_len = np.diff(np.r_[bheads, len(bk)])
        block_of = np.repeat(np.arange(len(bheads)), self.block_len)
        # (block, least P_i of the line), sorted: a search gives the lines with some P_i <= r
        self.block_keys = (block_of << 32) | lowest[order1]
        s1 = sub[order1]
        bit = (s1 // self.last_size) * self.stride + s1 % self.last_size
        self.block_masks = _segment_prefix_or(_one_hot(bit, self.block_words), bheads, block_of)
        self.blocks = _Lookup(bk[bheads], sizes[i] * self.r2)

    def outer(self, choices: dict[int, np.ndarray], sizes: list[int]) -> np.ndarray:
        """Per state, the mask movers' part of its box (C_a x C_b x ...) in the blocks' bit
        layout: row r (the first mask movers' patterns) holds the last one's choices when every
        pattern of r is a choice."""
        last = choices[self.mask_movers[-1]]
        n = len(last)
        rows_ok = np.ones((n, 1), dtype=bool)
        for o in self.mask_movers[:-1]:
            sel = _unpack(choices[o], sizes[o])
            rows_ok = (rows_ok[:, :, None] & sel[:, None, :]).reshape(n, -1)
        if self.stride > WORD:  # whole words per row
            whole: np.ndarray = (rows_ok[:, :, None] * last[:, None, :]).reshape(n, -1)
            return whole
        k = WORD // self.stride
        padded = np.zeros((n, self.block_words * k), dtype=bool)
        padded[:, : self.n_rows] = rows_ok
        slots = padded.reshape(n, self.block_words, k)
        out = np.zeros((n, self.block_words), dtype=np.uint64)
        for t in range(k):  # slot t of every word: the last mover's choices, shifted
            placed = last[:, 0] << np.uint64(t * self.stride)
            out |= np.where(slots[:, :, t], placed[:, None], np.uint64(0))
        return out


def _block_words(sizes: list[int], mask_movers: list[int]) -> int:
    """Words of one block mask (the layout of :class:`_Box`)."""
    last = sizes[mask_movers[-1]]
    return _words(math.prod(sizes[o] for o in mask_movers) // last * _stride(last))


def _table_bytes(n: int, sizes: list[int], i: int, line: int, mask_movers: list[int]) -> int:
    """Memory of the box tables for this split (an upper bound, known before building them)."""
    rest = math.prod(sizes[d] for d in range(len(sizes)) if d not in (i, line))
    lines = min(n, sizes[i] * rest)
    total = n * (8 * _words(sizes[line]) + 40)
    if mask_movers:
        total += lines * (8 * _block_words(sizes, mask_movers) + 40)
    return total


def _split(n: int, i: int, sizes: list[int], line: int) -> tuple[list[int], list[int]]:
    """For the line mover ``line``: the mask movers and the listed movers. The mask movers are
    taken largest first while a block mask stays within :data:`MAX_BLOCK_WORDS` words and the
    tables within the memory budget (the largest of them goes last, the bits within a row);
    the others are listed (their choices enumerated)."""
    rest = sorted((d for d in range(len(sizes)) if d not in (i, line)), key=lambda d: (sizes[d], d))
    mask_movers: list[int] = []
    budget = MAX_BOX_BYTES // max(1, len(sizes) - 1)
    while rest:
        trial = sorted([*mask_movers, rest[-1]], key=lambda d: (sizes[d], d))
        if _block_words(sizes, trial) > MAX_BLOCK_WORDS:
            break
        if _table_bytes(n, sizes, i, line, trial) > budget:
            break
        mask_movers = trial
        rest.pop()
    return mask_movers, rest


def _bits(masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The set bits of (n, words) bit sets: (row, bit) pairs, row-major."""
    r, w = np.nonzero(masks)
    v = np.ascontiguousarray(masks[r, w])
    if WORD == 64:
        flags = np.unpackbits(v.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    else:
        flags = (v[:, None] >> np.arange(WORD, dtype=np.uint64)) & _U1
    k, b = np.nonzero(flags)
    return r[k], w[k] * WORD + b


def _box_search(
    model: ConflictModel,
    i: int,
    pats: list[np.ndarray],
    sizes: list[int],
    up: dict[int, np.ndarray],
    states: np.ndarray,
    uncovered: np.ndarray,
) -> np.ndarray:
    """For the ``states`` with ``uncovered`` patterns (rows aligned with ``states``), whether
    every such pattern is sanctioned by some combination of the others' choices.

    Each state is searched with the line mover whose choices cover the largest share of its
    patterns: the lines' minimum over all its patterns is then closest to the minimum over its
    choices, and the blocks leave the fewest candidate lines."""
    others = [o for o in range(model.n_dms) if o != i]
    budget = MAX_BOX_BYTES // max(1, model.n_dms - 1)
    eligible = [o for o in others if _table_bytes(model.n_states, sizes, i, o, []) <= budget]
    if not eligible:
        raise ConflictTooLarge(
            f"SIM for {model.dm_names[i]}: the other decision makers have too many combinations "
            f"of options ({', '.join(f'{sizes[o]:,}' for o in others)}) for the tables of the "
            f"simultaneous-sanction search within {budget >> 20:,} MB"
        )
    choices = {o: up[o][states] | _one_hot(pats[o][states], _words(sizes[o])) for o in others}
    pair_count = _popcount(uncovered)
    counts = {o: _popcount(choices[o]) for o in others}
    share = np.stack([counts[o] / sizes[o] for o in eligible])
    line_of = np.asarray(eligible)[np.argmax(share, axis=0)]
    worst = 0.0
    splits = {}
    for line in others:
        sel = line_of == line
        if not sel.any():
            continue
        splits[line] = _split(model.n_states, i, sizes, line)
        w = pair_count[sel].astype(np.float64)
        for o in others:
            if o != line:
                w = w * counts[o][sel]
        worst += float(w.sum())
    if worst > MAX_LINE_CHECKS:
        raise ConflictTooLarge(
            f"SIM for {model.dm_names[i]}: {len(states):,} states need simultaneous sanctions "
            f"by several decision makers; checking them could take {worst:,.0f} line checks "
            f"in the worst case, the limit is {MAX_LINE_CHECKS:,} (fewer options per decision "
            "maker, or feasibility rules, make it smaller)"
        )
    stable = np.ones(len(states), dtype=bool)
    for line, (mask_movers, listed) in splits.items():
        box = _Box(model, i, pats, sizes, line, mask_movers, listed)
        sel = np.flatnonzero(line_of == line)
        # states per batch, by their pairs x the listed movers' combinations x block words
        load = pair_count[sel] * box.block_words
        for o in listed:
            load = load * counts[o][sel]
        cum = np.cumsum(load)
        a = 0
        while a < len(sel):
            done = int(cum[a - 1]) if a else 0
            b = max(int(np.searchsorted(cum, done + BATCH, side="right")), a + 1)
            rows = sel[a:b]
            part = {o: c[rows] for o, c in choices.items()}
            stable[rows] = _search_batch(
                box, model.ranks[i], sizes, i, part, states[rows], uncovered[rows]
            )
            a = b
    return stable


def _check_lines(box: _Box, keys: np.ndarray, limit: np.ndarray, c_line: np.ndarray) -> np.ndarray:
    """Whether each line ``keys`` has a state with P_i <= ``limit`` whose line-mover pattern is
    in ``c_line`` (bit sets, one row per key)."""
    li = box.lines(keys)
    ok = li >= 0
    cnt = np.zeros(len(keys), dtype=np.int64)
    cnt[ok] = _count_upto(
        box.line_values, box.line_start[li[ok]], box.line_len[li[ok]], limit[ok], box.line_widest
    )
    hit = np.flatnonzero(cnt > 0)
    at = box.line_start[li[hit]] + cnt[hit] - 1
    good = np.zeros(len(keys), dtype=bool)
    good[hit] = (box.line_masks[at] & c_line[hit]).any(axis=1)
    return good


def _search_batch(
    box: _Box,
    rank: np.ndarray,
    sizes: list[int],
    i: int,
    choices: dict[int, np.ndarray],
    states: np.ndarray,
    uncovered: np.ndarray,
) -> np.ndarray:
    """Whether each of ``states`` has every ``uncovered`` pattern sanctioned (see
    :func:`_box_search`; ``choices`` are the others' choice sets, rows aligned with
    ``states``)."""
    n = len(states)
    row, p = np.nonzero(_unpack(uncovered, sizes[i]))
    limit = rank[states].astype(np.int64)
    # queries: a pair and one combination of the listed movers' choices
    q_pair = np.arange(len(row))
    q_m2 = np.zeros(len(row), dtype=np.int64)
    for o in box.listed:
        k, c = np.nonzero(_unpack(choices[o][row[q_pair]], sizes[o]))
        q_pair, q_m2 = q_pair[k], q_m2[k] * sizes[o] + c
    q_row = row[q_pair]
    q_block = p[q_pair] * box.r2 + q_m2
    q_limit = limit[q_row]
    c_line = choices[box.line_dm]
    covered = np.zeros(len(row), dtype=bool)

    def verdict() -> np.ndarray:
        bad = np.zeros(n, dtype=bool)
        bad[row[~covered]] = True
        return ~bad

    if not box.mask_movers:  # every query is one line
        good = _check_lines(box, q_block, q_limit, c_line[q_row])
        covered[q_pair[good]] = True
        return verdict()
    # level 1: each query's block, the lines with some P_i <= r, within the box
    bl = box.blocks(q_block)
    live = np.flatnonzero(bl >= 0)
    bl = bl[live]
    cnt = np.searchsorted(box.block_keys, (bl << 32) | q_limit[live], side="right")
    cnt -= box.block_start[bl]
    live, at, cnt = live[cnt > 0], (box.block_start[bl] + cnt - 1)[cnt > 0], cnt[cnt > 0]
    outer = box.outer(choices, sizes)
    dead = np.zeros(n, dtype=bool)  # states with a pair found unsanctioned
    if not box.listed:
        # one query per pair: a pair whose block has no line with P_i <= r is unsanctioned and
        # its state unstable; of the other states, first the query with the fewest such lines
        # (the likeliest to have no candidate), then the rest for the states still open
        has = np.zeros(len(row), dtype=bool)
        has[live] = True
        dead[row[~has]] = True
        keep = ~dead[q_row[live]]
        live, at, cnt = live[keep], at[keep], cnt[keep]
        first = _first_lowest(q_row[live], cnt)
        cand = box.block_masks[at[first]] & outer[q_row[live[first]]]
        dead[q_row[live[first]][~cand.any(axis=1)]] = True
        rest = np.ones(len(live), dtype=bool)
        rest[first] = False
        rest &= ~dead[q_row[live]]
        live1, some = live[first], cand.any(axis=1)
        live1, cand = live1[some], cand[some]
        live2 = live[rest]
        more = box.block_masks[at[rest]] & outer[q_row[live2]]
        some = np.flatnonzero(more.any(axis=1))
        live = np.r_[live1, live2[some]]
        cand = np.concatenate([cand, more[some]])
        left = _popcount(cand)  # candidates left per query
    else:
        cand = box.block_masks[at] & outer[q_row[live]]
        left = _popcount(cand)
        some = np.flatnonzero(left)
        live, cand, left = live[some], cand[some], left[some]

    def check(queries: np.ndarray, bit: np.ndarray) -> None:
        keys = q_block[queries] * box.w1 + (bit // box.stride) * box.last_size + bit % box.stride
        good = _check_lines(box, keys, q_limit[queries], c_line[q_row[queries]])
        covered[q_pair[queries[good]]] = True

    def prune(keep: np.ndarray) -> np.ndarray:
        """Of the queries ``live[keep]``, those of pairs not yet covered and of states not yet
        known unstable (a pair neither covered nor with a candidate left)."""
        open_pair = ~covered[q_pair[live]]
        if not box.listed:  # one query per pair: an exhausted open query is a dead pair
            dead[q_row[live[~keep & open_pair]]] = True
            return keep & open_pair & ~dead[q_row[live]]
        keep = keep & open_pair
        pending = covered.copy()
        pending[q_pair[live[keep]]] = True
        gone = np.zeros(n, dtype=bool)
        gone[row[~pending]] = True
        return keep & ~gone[q_row[live]]

    # a few rounds of each query's lowest candidate (a sanction is usually among the first)
    for _ in range(ROUNDS):
        keep = np.flatnonzero(prune(left > 0))
        live, cand, left = live[keep], cand[keep], left[keep]
        if len(live) == 0:
            return verdict()
        bit = _lowest_bit(cand)
        cand[np.arange(len(live)), bit // WORD] &= ~(_U1 << (bit % WORD).astype(np.uint64))
        left -= 1
        check(live, bit)
    # then every remaining candidate of the pairs still open, in pieces
    keep = np.flatnonzero(prune(left > 0))
    live, cand, left = live[keep], cand[keep], left[keep]
    load = np.cumsum(left)
    a = 0
    while a < len(live):
        done = int(load[a - 1]) if a else 0
        b = max(int(np.searchsorted(load, done + BATCH, side="right")), a + 1)
        sel = np.flatnonzero(~covered[q_pair[live[a:b]]]) + a
        k, bit = _bits(cand[sel])
        check(live[sel[k]], bit)
        a = b
    return verdict()


# ------------------------------------------------------------------------------- the driver
def sim_stable(model: ConflictModel, i: int, indices: list[MoveIndex]) -> np.ndarray:
    """SIM stability of every state for DM i (bool per state)."""
    pats, sizes = _patterns(model)
    words = [_words(s) for s in sizes]
    budget = sum(model.n_states * 8 * w for w in words)
    if budget > MAX_TABLE_BYTES:
        raise ConflictTooLarge(
            f"SIM: the improvement bit sets of {model.n_states:,} states would take "
            f"{budget >> 20:,} MB (limit {MAX_TABLE_BYTES >> 20:,} MB)"
        )
    up = {
        d: _improvement_masks(model, d, indices[d], pats[d], sizes[d]) for d in range(model.n_dms)
    }
    target = up[i]
    active: np.ndarray = np.logical_or.reduce(target, axis=1)
    uncovered = target.copy()
    rank = model.ranks[i]
    rows = _Rows(model, i, indices[i], pats[i], sizes[i])
    others = [j for j in range(model.n_dms) if j != i]
    for j in others:
        if not active.any():
            break
        _cover_single(rows, rank, indices[j], sizes[j], active, uncovered)
        active &= np.logical_or.reduce(uncovered, axis=1)
    stable: np.ndarray = ~active
    left = np.flatnonzero(active)
    if len(left) == 0 or len(others) < 2:
        return stable
    stable[left] = _box_search(model, i, pats, sizes, up, left, uncovered[left])
    return stable
