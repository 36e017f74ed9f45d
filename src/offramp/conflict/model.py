"""The compiled conflict the engine works on: feasible states as bit codes and ranks per DM.

A state is a uint64 whose bit k says whether option k (in declaration order) is taken. Keeping
only feasible codes, sorted, makes a state's index its position in that array, so nothing of
size 2^options or states x states is ever allocated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from offramp.conflict.columns import Columns
from offramp.errors import OfframpError

DIRECTIONS = {"both": 0, "forward": 1, "backward": 2}


class ConflictTooLarge(OfframpError, ValueError):
    """The state space would not fit the memory budget; raised before allocating it."""


#: Resident memory of a Python process that has imported offramp and its command line (numpy,
#: pydantic, rich...; scipy only where used) and run a small analysis, measured (2026-11-29).
BASE_BYTES = 62 << 20
#: Working memory of writing the JSON output, streamed in pieces of 65,536 states.
OUTPUT_BYTES = 16 << 20
OUTPUT_PER_STATE = 240  # below one piece: the piece is smaller


def estimate_bytes(states: int, n_dms: int, max_directed: int = 0, block_dms: int = 0) -> int:
    """Peak resident memory of ``offramp stability`` (every concept, and the JSON output), in
    bytes, known before enumerating: the process itself, a linear cost per state and per DM,
    and the output's working memory. Measured within 25% for every split of options among the
    DMs from 2^16 to 2^20 states (benchmarks/bench_memory.py, tests/test_memory_estimate.py).
    ``block_dms`` DMs use the sorted-block layout instead of columns (see
    :func:`block_layout_dms`), which costs more per state; directed options add the move
    index's queries per pattern pair, (3/2)^d per state for d directed options.
    """
    output = min(OUTPUT_BYTES, OUTPUT_PER_STATE * states)
    per_state = bytes_per_state(n_dms, max_directed, block_dms)
    return int(BASE_BYTES + states * per_state + output)


def bytes_per_state(n_dms: int, max_directed: int = 0, block_dms: int = 0) -> float:
    """Measured peak bytes per feasible state of a full stability analysis (2026-11-29):
    33 + 62 per DM (codes; per DM ranks and scores, the groups, the int32 column layout of
    its improvements and the sweeps' work arrays), 65 more per DM on the sorted blocks, plus
    the directed options' extra queries."""
    d = min(max_directed, 8)
    return 33 + n_dms * 62 + block_dms * 65 + n_dms * 36 * ((1.5**d) - 1)


def block_layout_dms(
    option_dm: Sequence[int],
    directed: Sequence[bool],
    choices: Sequence[int] | None = None,
) -> int:
    """How many DMs will use the sorted-block layout rather than columns, judged before
    enumerating (:meth:`Columns.fits` decides later). ``choices[i]`` is the number of DM i's
    feasible choices of its own options (from the option structure); without it, every
    combination is taken as feasible."""
    m = len(option_dm)
    dms = sorted(set(option_dm))
    counts = {i: 1 << sum(1 for d in option_dm if d == i) for i in dms}
    if choices is not None:
        counts = {i: max(int(choices[i]), 1) for i in dms}
    states = 1
    for i in dms:
        states *= counts[i]
    count = 0
    for i in dms:
        own = [k for k in range(m) if option_dm[k] == i]
        # the move index numbers a DM's own choices densely: as many rows as choices
        width = counts[i] if choices is not None else 1 << len(own)
        fits = Columns.fits(states, states // counts[i], width)
        if any(directed[k] for k in own) or not fits:
            count += 1
    return count


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} TB"


@dataclass
class ConflictModel:
    """Everything the engine needs, as arrays; build it with ``offramp.scenario`` or directly.

    ``ranks[i, s]`` orders the feasible states for DM i (higher is preferred, equal is
    indifferent); ``scores`` keeps the original preference scores for display.
    """

    dm_names: list[str]
    option_names: list[str]  # qualified DM.option, declaration order = bit order
    option_dm: np.ndarray  # (m,) DM index of each option
    direction: np.ndarray  # (m,) 0 both, 1 forward, 2 backward
    codes: np.ndarray  # (S,) uint64, sorted
    ranks: np.ndarray  # (n, S) int64 dense ranks, 0 = least preferred
    scores: np.ndarray | None = None  # (n, S) float64 as given
    status_quo: int | None = None  # index into codes
    name: str = "conflict"
    #: the analyst's words for DM ids and DM.option ids (``offramp.scenario`` fills it from the
    #: labels in the file); an id without an entry is shown as it is
    labels: dict[str, str] = field(default_factory=dict)
    _cache: dict[object, Any] = field(default_factory=dict, repr=False)

    @property
    def n_dms(self) -> int:
        return len(self.dm_names)

    @property
    def n_states(self) -> int:
        return len(self.codes)

    def dm_mask(self, i: int) -> int:
        return sum(1 << k for k, d in enumerate(self.option_dm) if d == i)

    def label(self, name: str) -> str:
        """The analyst's word for a DM id or a DM.option id (the id itself without one)."""
        return self.labels.get(name, name)

    def describe(self, state: int) -> str:
        """A state in words: per decision maker, the options taken, by their labels
        ("United States: offer trade concessions; China: curb dual-use supplies")."""
        code = int(self.codes[state])
        parts = []
        for i, dm in enumerate(self.dm_names):
            taken = [
                self.label(name)
                for k, name in enumerate(self.option_names)
                if self.option_dm[k] == i and code >> k & 1
            ]
            if taken:
                parts.append(f"{self.label(dm)}: {', '.join(taken)}")
        return "; ".join(parts) if parts else "no option taken"

    def taken(self, state: int) -> list[str]:
        """Options taken at a state (by index), as DM.option in declaration order."""
        code = int(self.codes[state])
        return [name for k, name in enumerate(self.option_names) if code >> k & 1]

    @classmethod
    def from_ranks(
        cls,
        dm_options: Sequence[Sequence[str]],
        dm_names: Sequence[str],
        codes: np.ndarray,
        scores: np.ndarray,
        directions: Sequence[str] | None = None,
        status_quo: int | None = None,
        name: str = "conflict",
    ) -> ConflictModel:
        """Build from plain data: options per DM, feasible codes, scores (n, S)."""
        option_names, option_dm = [], []
        for i, (dm, opts) in enumerate(zip(dm_names, dm_options, strict=True)):
            for o in opts:
                option_names.append(f"{dm}.{o}")
                option_dm.append(i)
        m = len(option_names)
        dirs = np.array([DIRECTIONS[d] for d in (directions or ["both"] * m)], dtype=np.int8)
        codes = np.asarray(codes, dtype=np.uint64)
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        scores = np.asarray(scores, dtype=np.float64)[:, order]
        return cls(
            dm_names=list(dm_names),
            option_names=option_names,
            option_dm=np.array(option_dm, dtype=np.int64),
            direction=dirs,
            codes=codes,
            ranks=dense_ranks(scores),
            scores=scores,
            status_quo=None if status_quo is None else int(np.searchsorted(codes, status_quo)),
            name=name,
        )


def dense_ranks(scores: Iterable[Sequence[float] | np.ndarray]) -> np.ndarray:
    """Per row, the dense rank of each score (0 = lowest); equal scores share a rank.

    Rows may be exact integer keys (weights as written, see ``offramp.scenario.compile``) or
    floats; scores are compared exactly as given.
    """
    rows = list(scores)
    out = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=np.int64)
    for i, row in enumerate(rows):
        row = np.asarray(row)
        if row.dtype.kind in "iu" and len(row):
            lo, hi = int(row.min()), int(row.max())
            if hi - lo <= max(4 * len(row), 1 << 16):
                # integer keys in a small range: a table of the values present numbers them
                # in O(S) instead of a sort
                present = np.zeros(hi - lo + 1, dtype=np.int64)
                shifted = row - lo
                present[shifted] = 1
                out[i] = (np.cumsum(present) - 1)[shifted]
                continue
        _, inv = np.unique(row, return_inverse=True)
        out[i] = inv.ravel()
    return out
