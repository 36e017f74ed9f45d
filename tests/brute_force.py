"""A slow GMCR solver written straight from docs/conflict-analysis.md, to check the engine.

Nothing here comes from ``offramp.conflict``: only the parsed scenario (options, directions,
feasibility rules, preference statements as syntax trees) is taken from offramp, and every
definition is applied literally over Python ints and sets:

- a state is an int, bit k = option k (declaration order); all 2^m combinations are enumerated
  and the feasibility rules applied;
- R_i(s): t != s, both feasible, s and t differ only in DM i's options, and every changed
  option respects its direction;
- R_{N-i}(s1) and R+_{N-i}(s1): breadth-first search over (state, last mover) pairs, so that
  "one or more moves by DMs in N-i, no DM twice in a row" is enforced exactly;
- Nash, GMR, SMR, SEQ exactly as in the table of the definitions.

The result has the shape of ``StabilityResult.by_taken()``.
"""

from __future__ import annotations

from collections import deque
from fractions import Fraction
from typing import Any

from offramp.scenario.statements import And, Const, Iff, Implies, Not, Or, Var

CONCEPTS = ("nash", "gmr", "smr", "seq")


def evaluate(expr: Any, state: int) -> bool:
    """Truth of a statement syntax tree at a state (bit k = option k taken)."""
    if isinstance(expr, Const):
        return bool(expr.value)
    if isinstance(expr, Var):
        return bool((state >> expr.index) & 1)
    if isinstance(expr, Not):
        return not evaluate(expr.arg, state)
    if isinstance(expr, And):
        return all(evaluate(a, state) for a in expr.args)
    if isinstance(expr, Or):
        return any(evaluate(a, state) for a in expr.args)
    if isinstance(expr, Implies):
        return (not evaluate(expr.left, state)) or evaluate(expr.right, state)
    if isinstance(expr, Iff):
        return evaluate(expr.left, state) == evaluate(expr.right, state)
    raise TypeError(f"unknown statement node {expr!r}")


def feasible_states(scenario: Any) -> list[int]:
    m = len(scenario.spec.options)
    out = []
    for s in range(1 << m):
        if any(evaluate(st.expr, s) for st in scenario.spec.infeasible):
            continue
        if any(sum((s >> k) & 1 for k in idx) > 1 for idx, _ in scenario.spec.mutually_exclusive):
            continue
        if any(not any((s >> k) & 1 for k in idx) for idx, _ in scenario.spec.at_least_one):
            continue
        out.append(s)
    return out


def scores(scenario: Any, dm: str, states: list[int]) -> dict[int, Fraction | int]:
    """P_i(s) for every feasible state; higher is preferred."""
    pref = scenario.spec.preferences[dm]
    out: dict[int, float] = {}
    if pref.form == "prioritization":
        big_k = len(pref.entries)
        for s in states:
            out[s] = sum(
                2 ** (big_k - k)
                for k, entry in enumerate(pref.entries, start=1)
                if evaluate(entry[0].expr, s)
            )
    elif pref.form == "ranking":
        n_entries = len(pref.entries)
        for s in states:
            matched = [
                pos
                for pos, entry in enumerate(pref.entries)
                if any(evaluate(st.expr, s) for st in entry)
            ]
            assert len(matched) == 1, f"state {s:b} matched by ranking entries {matched}"
            out[s] = n_entries - matched[0]  # first entry best; ties share a position
    elif pref.form == "weights":
        # exact sums of the values as written (decimal), not float sums: 0.1 + 0.2 == 0.3
        exact = [Fraction(repr(float(v))) for v in pref.values]
        for s in states:
            out[s] = sum(
                (
                    value
                    for entry, value in zip(pref.entries, exact, strict=True)
                    if evaluate(entry[0].expr, s)
                ),
                Fraction(0),
            )
    else:  # pragma: no cover
        raise ValueError(pref.form)
    return out


def unilateral_moves(scenario: Any, i: int, s: int, feasible: set[int]) -> list[int]:
    """R_i(s), by checking every feasible t against the definition."""
    own = [k for k, d in enumerate(scenario.spec.option_dm) if d == i]
    own_mask = sum(1 << k for k in own)
    out = []
    for t in sorted(feasible):
        if t == s:
            continue
        diff = s ^ t
        if diff & ~own_mask:
            continue
        ok = True
        for k in own:
            if not (diff >> k) & 1:
                continue
            was, now = (s >> k) & 1, (t >> k) & 1
            direction = scenario.spec.option_directions[k]
            if direction == "forward" and not (was == 0 and now == 1):
                ok = False
            if direction == "backward" and not (was == 1 and now == 0):
                ok = False
        if ok:
            out.append(t)
    return out


def coalition_reach(s1: int, others: list[int], moves: dict[int, dict[int, list[int]]]) -> set[int]:
    """States reached from s1 by legal sequences (one or more moves) of the DMs in ``others``.

    ``moves[j][x]`` lists the states DM j may move to from x (all moves, or only
    improvements for the R+ variant). BFS over (state, last mover); the start has no mover.
    """
    start = (s1, None)
    seen = {start}
    queue = deque([start])
    reached: set[int] = set()
    while queue:
        x, last = queue.popleft()
        for j in others:
            if j == last:
                continue  # no DM moves twice in a row
            for t in moves[j][x]:
                reached.add(t)
                node = (t, j)
                if node not in seen:
                    seen.add(node)
                    queue.append(node)
    return reached


def solve(scenario: Any) -> dict:
    """Per-DM stability and equilibria, shaped like ``StabilityResult.by_taken()``."""
    n = len(scenario.spec.dm_names)
    states = feasible_states(scenario)
    feasible = set(states)
    pay = [scores(scenario, dm, states) for dm in scenario.spec.dm_names]
    moves = {i: {s: unilateral_moves(scenario, i, s, feasible) for s in states} for i in range(n)}
    improvements = {
        i: {s: [t for t in moves[i][s] if pay[i][t] > pay[i][s]] for s in states} for i in range(n)
    }

    stable: dict[str, list[set[int]]] = {c: [set() for _ in range(n)] for c in CONCEPTS}
    for i in range(n):
        others = [j for j in range(n) if j != i]
        p = pay[i]
        reach: dict[int, set[int]] = {}
        reach_plus: dict[int, set[int]] = {}

        def r_other(s1: int, others=others, reach=reach) -> set[int]:
            if s1 not in reach:
                reach[s1] = coalition_reach(s1, others, moves)
            return reach[s1]

        def r_other_plus(s1: int, others=others, reach_plus=reach_plus) -> set[int]:
            if s1 not in reach_plus:
                reach_plus[s1] = coalition_reach(s1, others, improvements)
            return reach_plus[s1]

        for s in states:
            uis = improvements[i][s]
            if not uis:
                stable["nash"][i].add(s)
            if all(any(p[s2] <= p[s] for s2 in r_other(s1)) for s1 in uis):
                stable["gmr"][i].add(s)
            if all(
                any(
                    p[s2] <= p[s] and all(p[s3] <= p[s] for s3 in moves[i][s2])
                    for s2 in r_other(s1)
                )
                for s1 in uis
            ):
                stable["smr"][i].add(s)
            if all(any(p[s2] <= p[s] for s2 in r_other_plus(s1)) for s1 in uis):
                stable["seq"][i].add(s)

    def taken(s: int) -> list[str]:
        return sorted(o.qualified for o in scenario.spec.options if (s >> o.index) & 1)

    def names(group: set[int]) -> list[list[str]]:
        return sorted(taken(s) for s in group)

    return {
        "equilibria": {c: names(set.intersection(*stable[c])) if n else [] for c in CONCEPTS},
        "stable": {
            dm: {c: names(stable[c][i]) for c in CONCEPTS}
            for i, dm in enumerate(scenario.spec.dm_names)
        },
        "feasible_states": len(states),
    }
