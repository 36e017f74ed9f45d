"""Anticipation with limited foresight, two DMs: the tables behind L_h and non-myopic stability.

G_h(s, k) is the state where the conflict is anticipated to end when DM k is to move at s with h
moves left (Kilgour 1985; Fang, Hipel & Kilgour 1993, ch. 4):

- G_0(s, k) = s;
- for h >= 1, with k' the other DM, k's worthwhile moves are
  M_h(s, k) = { t in R_k(s) : P_k(G_{h-1}(t, k')) > P_k(s) }; if none, G_h(s, k) = s, otherwise
  k moves to a t* in M_h(s, k) maximising P_k(G_{h-1}(t, k')) and G_h(s, k) = G_{h-1}(t*, k').

s is L_h-stable for k when M_h(s, k) is empty.

**Tie rule.** When several moves reach the best anticipated value for k but lead to different
anticipated outcomes, the definition does not say which k takes. offramp takes the move to the
lowest-numbered state (the first in the ``states`` list). A verdict that may depend on this
choice is flagged: ``tie[h][k][s]`` is True when some move from s leads, at depth h-1, through a
choice among tied moves with different outcomes.

The computation is one pass per level over each DM's explicit move list (an edge list, not a
states x states matrix): cost O(h x E) with E = sum over states of the mover's moves.

References
----------
Kilgour, D. M. (1985). Anticipation and stability in two-person noncooperative games. In Ward &
Luterbacher (eds.), Dynamic Models of International Conflict. Lynne Rienner.
Zagare, F. C. (1984). Limited-move equilibria in 2 x 2 games. Theory and Decision 16, 1-19.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making. Wiley, ch. 4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from offramp.conflict.model import ConflictModel, ConflictTooLarge
from offramp.conflict.moves import MoveIndex, move_indices
from offramp.conflict.steps import Step, make_step
from offramp.errors import InputError

#: The largest horizon accepted: beyond it the anticipation is no longer 'limited' and the
#: tables grow for nothing (non-myopic stability searches up to the horizon it is given).
MAX_HORIZON = 200
#: Moves (edges) offramp lists for the anticipation tables; checked before building them.
MAX_EDGES = 60_000_000


def check(model: ConflictModel, horizon: object, label: str) -> int:
    """The horizon, checked, for a two-DM conflict; InputError otherwise (before any work)."""
    if model.n_dms != 2:
        raise InputError(
            f"{label} is defined here for two decision makers; this conflict has "
            f"{model.n_dms} ({', '.join(model.dm_names)})",
            hint="the literature's extensions to more DMs differ (Soares et al.); use SIM, "
            "SEQ or the coalition analysis (--coalitions all) for this conflict",
        )
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer):
        raise InputError(f"horizon must be a whole number of moves, not {horizon!r}")
    h = int(horizon)
    if not 1 <= h <= MAX_HORIZON:
        raise InputError(
            f"horizon {h} is out of range: give 1 to {MAX_HORIZON} moves of look-ahead",
            hint="L_1 is Nash stability; 2 to 8 are the usual horizons",
        )
    return h


def move_edges(model: ConflictModel, idx: MoveIndex) -> tuple[np.ndarray, np.ndarray]:
    """Every unilateral move of the DM as (source, target) arrays, sorted by source."""
    size = model.n_states
    group = idx.group
    order = np.argsort(group, kind="stable")
    sizes = np.bincount(group, minlength=idx.n_groups).astype(np.int64)
    starts = np.cumsum(sizes) - sizes
    count = sizes[group]
    total = int(count.sum())
    if total > MAX_EDGES:
        raise ConflictTooLarge(
            f"listing every move of {model.dm_names[idx.dm]} takes {total:,} (state, move) "
            f"pairs; the limit is {MAX_EDGES:,}"
        )
    src = np.repeat(np.arange(size, dtype=np.int64), count)
    offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    dst = order[np.repeat(starts[group], count) + offset]
    p = idx.pattern
    keep = (dst != src) & ((p[dst] & p[src]) == p[src])
    return src[keep], dst[keep]


@dataclass
class Anticipation:
    """``outcome[h][k]``: G_h(., k); ``choice[h][k]``: t* (or -1: no worthwhile move, i.e.
    L_h-stable for k); ``tie[h][k]``: the verdict may rest on the tie rule."""

    model: ConflictModel
    outcome: list[list[np.ndarray]]
    choice: list[list[np.ndarray]]
    tie: list[list[np.ndarray]]

    @property
    def horizon(self) -> int:
        return len(self.outcome) - 1

    def stable(self, h: int, k: int) -> np.ndarray:
        return self.choice[h][k] < 0

    def path(self, s: int, k: int, h: int) -> list[Step]:
        """The anticipated moves from s with k to move and h moves left."""
        steps = []
        while h > 0 and self.choice[h][k][s] >= 0:
            t = int(self.choice[h][k][s])
            steps.append(make_step(self.model, k, s, t))
            s, k, h = t, 1 - k, h - 1
        return steps


def anticipate(model: ConflictModel, horizon: int) -> Anticipation:
    """G_h for h = 0..horizon, both DMs (cached on the model per horizon)."""
    key = ("anticipation", horizon)
    cached: Anticipation | None = model._cache.get(key)
    if cached is not None:
        return cached
    size = model.n_states
    indices = move_indices(model)
    edges = [move_edges(model, indices[k]) for k in (0, 1)]
    ident = np.arange(size, dtype=np.int64)
    outcome = [[ident, ident]]
    choice = [[np.full(size, -1), np.full(size, -1)]]
    tie = [[np.zeros(size, bool), np.zeros(size, bool)]]
    for _h in range(1, horizon + 1):
        row_o, row_c, row_t = [], [], []
        for k in (0, 1):
            src, dst = edges[k]
            rank = model.ranks[k]
            prev_out = outcome[-1][1 - k]
            prev_tie = tie[-1][1 - k]
            value = rank[prev_out[dst]]
            # best value, ties to the lowest target id: one max over a combined key
            key_e = value * (size + 1) + (size - dst)
            best = np.full(size, -1, dtype=np.int64)
            np.maximum.at(best, src, key_e)
            has = best >= 0
            best_val = np.where(has, best // (size + 1), -1)
            t_star = np.where(has, size - best % (size + 1), -1)
            worth = has & (best_val > rank)
            out = ident.copy()
            out[worth] = prev_out[t_star[worth]]
            # a tie with different outcomes at this choice, or inherited from the chosen move
            rival = (value == best_val[src]) & (prev_out[dst] != out[src]) & worth[src]
            here = np.zeros(size, dtype=bool)
            here[src[rival]] = True
            inherited = np.zeros(size, dtype=bool)
            inherited[worth] = prev_tie[t_star[worth]]
            path_tie = worth & (here | inherited)
            # the verdict may rest on a tie when any move's anticipated value does
            verdict_tie = np.zeros(size, dtype=bool)
            verdict_tie[src[prev_tie[dst]]] = True
            row_o.append(out)
            row_c.append(np.where(worth, t_star, -1))
            row_t.append(path_tie | verdict_tie)
        outcome.append(row_o)
        choice.append(row_c)
        tie.append(row_t)
    result = Anticipation(model, outcome, choice, tie)
    model._cache[key] = result
    return result


def settling(ant: Anticipation, k: int) -> np.ndarray:
    """Per state, the smallest h from which the L_h verdict for k no longer changes up to the
    horizon searched (the horizon itself when it changed at the last step: not settled)."""
    horizon = ant.horizon
    final = ant.stable(horizon, k)
    since = np.full(ant.model.n_states, 1, dtype=np.int64)
    for h in range(1, horizon):
        changed = ant.stable(h, k) != final
        since[changed] = h + 1
    return since
