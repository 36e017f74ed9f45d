"""Slow solvers for SIM, L_h / NM and coalition analysis, straight from more-solution-concepts.md.

Like :mod:`tests.brute_force`, nothing here comes from ``offramp.conflict``: states are ints
(bit k = option k), the definitions are applied literally over Python sets, and the helpers of
the existing brute force (feasibility, scores, R_i, legal-sequence reach) are reused.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

from tests.brute_force import coalition_reach, feasible_states, scores, unilateral_moves


class Conflict:
    """Feasible states, scores P_i, R_i and R_i+ for every DM, by the definitions."""

    def __init__(self, scenario: Any):
        self.n = len(scenario.spec.dm_names)
        self.states = feasible_states(scenario)
        self.feasible = set(self.states)
        self.pay = [scores(scenario, dm, self.states) for dm in scenario.spec.dm_names]
        self.moves = {
            i: {s: unilateral_moves(scenario, i, s, self.feasible) for s in self.states}
            for i in range(self.n)
        }
        self.ui = {
            i: {
                s: [t for t in self.moves[i][s] if self.pay[i][t] > self.pay[i][s]]
                for s in self.states
            }
            for i in range(self.n)
        }
        self.mask = [
            sum(1 << k for k, d in enumerate(scenario.spec.option_dm) if d == i)
            for i in range(self.n)
        ]

    def index(self, s: int) -> int:
        """The user's state id (1-based position among the sorted feasible states)."""
        return self.states.index(s) + 1


def sim(c: Conflict) -> list[set[int]]:
    """SIM-stable states per DM (as state ids)."""
    out = []
    for i in range(c.n):
        others = [j for j in range(c.n) if j != i]
        stable = set()
        for s in c.states:
            ok = True
            for s1 in c.ui[i][s]:
                sanctioned = False
                for choice in itertools.product(*([None, *c.ui[j][s]] for j in others)):
                    star = s1 & c.mask[i]
                    for j, t in zip(others, choice, strict=True):
                        star |= (s if t is None else t) & c.mask[j]
                    if star in c.feasible and c.pay[i][star] <= c.pay[i][s]:
                        sanctioned = True
                        break
                if not sanctioned:
                    ok = False
                    break
            if ok:
                stable.add(c.index(s))
        out.append(stable)
    return out


def limited_move(c: Conflict, horizon: int) -> list[list[set[int]]]:
    """L_h-stable state ids per h (1..horizon) and DM, two DMs; ties: lowest state first."""
    assert c.n == 2

    @cache
    def anticipated(s: int, k: int, h: int) -> int:
        if h == 0:
            return s
        worth = [
            (c.pay[k][anticipated(t, 1 - k, h - 1)], t)
            for t in c.moves[k][s]
            if c.pay[k][anticipated(t, 1 - k, h - 1)] > c.pay[k][s]
        ]
        if not worth:
            return s
        best = max(v for v, _ in worth)
        t_star = min(t for v, t in worth if v == best)
        return anticipated(t_star, 1 - k, h - 1)

    def stable(s: int, k: int, h: int) -> bool:
        return not any(c.pay[k][anticipated(t, 1 - k, h - 1)] > c.pay[k][s] for t in c.moves[k][s])

    return [
        [{c.index(s) for s in c.states if stable(s, k, h)} for k in range(2)]
        for h in range(1, horizon + 1)
    ]


def non_myopic(c: Conflict, horizon: int) -> list[set[int]]:
    """NM-stable ids per DM: L_h stable from some h < horizon up to horizon."""
    table = limited_move(c, horizon)
    out = []
    for k in range(2):
        keep = set()
        for sid in range(1, len(c.states) + 1):
            verdicts = [sid in table[h][k] for h in range(horizon)]
            last = verdicts[-1]
            since = max((h + 2 for h in range(horizon) if verdicts[h] != last), default=1)
            if last and since < horizon:
                keep.add(sid)
        out.append(keep)
    return out


def coalition(c: Conflict, members: tuple[int, ...]) -> dict[str, set[int]]:
    """C-Nash, C-GMR, C-SMR, C-SEQ stable state ids for coalition ``members``."""
    others = [j for j in range(c.n) if j not in members]

    def better(t: int, s: int) -> bool:  # t >_H s
        return all(c.pay[k][t] > c.pay[k][s] for k in members)

    own_reach: dict[int, set[int]] = {}

    def r_h(x: int) -> set[int]:
        if x not in own_reach:
            own_reach[x] = coalition_reach(x, list(members), c.moves)
        return own_reach[x]

    out = {k: set() for k in ("nash", "gmr", "smr", "seq")}
    for s in c.states:
        improvements = [t for t in r_h(s) if better(t, s)]
        if not improvements:
            out["nash"].add(c.index(s))
        reach = {s1: coalition_reach(s1, others, c.moves) for s1 in improvements}
        reach_plus = {s1: coalition_reach(s1, others, c.ui) for s1 in improvements}
        if all(any(not better(s2, s) for s2 in reach[s1]) for s1 in improvements):
            out["gmr"].add(c.index(s))
        if all(
            any(not better(s2, s) and not any(better(s3, s) for s3 in r_h(s2)) for s2 in reach[s1])
            for s1 in improvements
        ):
            out["smr"].add(c.index(s))
        if all(any(not better(s2, s) for s2 in reach_plus[s1]) for s1 in improvements):
            out["seq"].add(c.index(s))
    return out
