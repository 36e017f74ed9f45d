"""Ordinal inverse: the conditions agree with a brute force over every ranking of each DM.

Stability of state s for DM i depends on i's ranking only through which states i likes no
more than s (the set B). The brute force enumerates every B (every ranking induces one, every B
comes from some ranking), builds that ranking, and applies the definitions literally
(tests/brute_force.py: moves from the option bits, the others' reach by legal sequences with
the last mover tracked); the conditions must say 'stable' for exactly the same B.
"""

from __future__ import annotations

import itertools
import json
import time

import pytest

import offramp
from offramp.analysis.ordinal_inverse import state_conditions
from offramp.conflict.concepts import DEFAULT_CONCEPTS
from offramp.errors import InputError
from tests.brute_force import coalition_reach, unilateral_moves
from tests.cli_runner import invoke


def brute_stable(scenario, codes, ranks, i, s, concept, moves) -> bool:
    """Is state s (a code) stable for DM i under ``ranks`` (code -> rank per DM)?"""
    n = len(scenario.spec.dm_names)
    others = [j for j in range(n) if j != i]
    p = ranks[i]
    uis = [t for t in moves[i][s] if p[t] > p[s]]
    if concept == "nash":
        return not uis
    if concept == "seq":
        improvements = {
            j: {x: [t for t in moves[j][x] if ranks[j][t] > ranks[j][x]] for x in codes}
            for j in range(n)
        }
        return all(
            any(p[s2] <= p[s] for s2 in coalition_reach(s1, others, improvements)) for s1 in uis
        )
    if concept == "gmr":
        return all(any(p[s2] <= p[s] for s2 in coalition_reach(s1, others, moves)) for s1 in uis)
    return all(  # smr
        any(
            p[s2] <= p[s] and all(p[s3] <= p[s] for s3 in moves[i][s2])
            for s2 in coalition_reach(s1, others, moves)
        )
        for s1 in uis
    )


@pytest.mark.parametrize("name", ["prisoners-dilemma", "chicken", "elmira"])
def test_conditions_agree_with_brute_force_over_all_rankings(name) -> None:
    sc = offramp.get_builtin(name)
    model = sc.conflict
    codes = [int(c) for c in model.codes]
    feasible = set(codes)
    n = model.n_dms
    moves = {i: {x: unilateral_moves(sc, i, x, feasible) for x in codes} for i in range(n)}
    base_ranks = [{codes[k]: int(model.ranks[i][k]) for k in range(len(codes))} for i in range(n)]
    stable_now = {c: sc.stability().stable[c] for c in DEFAULT_CONCEPTS}
    checked = 0
    for concept in DEFAULT_CONCEPTS:
        for s_idx, s in enumerate(codes):
            result = state_conditions(model, s_idx + 1, concept)
            for i in range(n):
                dm = result.dms[i]
                assert dm.stable_now == bool(stable_now[concept][i, s_idx])
                rest = [c for c in codes if c != s]
                for size in range(len(rest) + 1):
                    for below in itertools.combinations(rest, size):
                        chosen = set(below) | {s}
                        ranks = list(base_ranks)
                        ranks[i] = {c: (0 if c in chosen else 1) for c in codes}
                        expect = brute_stable(sc, codes, ranks, i, s, concept, moves)
                        below_idx = {codes.index(c) for c in chosen}
                        got = all(any(d <= below_idx for d in r.options) for r in dm.requirements)
                        assert got == expect, (name, concept, s_idx + 1, i, sorted(below_idx))
                        checked += 1
                # the chosen conditions suffice
                ranks = list(base_ranks)
                enough = {codes[x] for x in dm.at_least} | {s}
                ranks[i] = {c: (0 if c in enough else 1) for c in codes}
                assert brute_stable(sc, codes, ranks, i, s, concept, moves)
    assert checked > 0


def test_options_are_minimal_and_current_split() -> None:
    sc = offramp.get_builtin("beijing-broker")
    model = sc.conflict
    for state in (1, 60, 93):
        r = state_conditions(model, state, "gmr")
        for dm in r.dms:
            for req in dm.requirements:
                for a, b in itertools.permutations(req.options, 2):
                    assert not a <= b
            assert sorted(dm.already + dm.must_change) == dm.at_least
            assert dm.stable_now == (not dm.must_change)


def test_builtin_under_five_seconds() -> None:
    model = offramp.get_builtin("beijing-broker").conflict
    t = time.perf_counter()
    for concept in DEFAULT_CONCEPTS:
        state_conditions(model, 93, concept)
    assert time.perf_counter() - t < 5


def test_bad_input_and_cli(capsys) -> None:
    model = offramp.get_builtin("prisoners-dilemma").conflict
    with pytest.raises(InputError, match="does not exist"):
        state_conditions(model, 9)
    with pytest.raises(InputError, match="unknown solution concept"):
        state_conditions(model, 1, "nah")
    out = invoke(capsys, "conditions", "1", "--concept", "nash", "-f", "json")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert data["state"] == 1 and len(data["decision_makers"]) == 3
    out = invoke(capsys, "conditions", "500")
    assert out.code == 2 and "does not exist" in out.err
    out = invoke(capsys, "conditions", "93")
    assert out.code == 0 and "must like state 93" in out.out
