"""SIM, L_h / NM and coalition analysis against brute-force solvers written from the definitions
(../shared/docs/more-solution-concepts.md), on random conflicts, plus the worked checks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st

import offramp
from offramp.conflict import simultaneous
from offramp.conflict.coalitions import (
    COALITION_CONCEPTS,
    analyse_coalitions,
    coalition_stable,
    every_coalition,
)
from offramp.conflict.concepts import sim as sim_module
from offramp.conflict.stability import compute_stability
from tests import brute_force_more as bf
from tests import strategies
from tests.sampling import SIZES, run_property

CONFLICTS = Path(__file__).resolve().parent / "data" / "conflicts"


def ids(row: np.ndarray) -> set[int]:
    return {int(s) + 1 for s in np.flatnonzero(row)}


def _dump(case) -> str:
    return json.dumps(case.data)


@pytest.mark.parametrize("size", SIZES)
def test_sim_agrees_with_bruteforce(size):
    run_property(
        size,
        _sim_agrees_with_bruteforce,
        strategies.cases(min_dms=2, max_dms=4),
        max_examples=200,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _sim_agrees_with_bruteforce(case):
    scenario = offramp.from_dict(case.data)
    result = compute_stability(scenario.conflict, ["sim"])
    want = bf.sim(bf.Conflict(scenario))
    for i, dm in enumerate(scenario.spec.dm_names):
        assert ids(result.stable["sim"][i]) == want[i], f"{dm}\n{_dump(case)}"


@pytest.mark.parametrize("size", SIZES)
def test_sim_several_mask_words_agree(size):
    run_property(
        size,
        _sim_several_mask_words_agree,
        strategies.cases(min_dms=2, max_dms=4),
        max_examples=200,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _sim_several_mask_words_agree(case):
    """The multi-word mask path (DMs with more than WORD options' patterns)."""
    scenario = offramp.from_dict(case.data)
    old = simultaneous.WORD
    simultaneous.WORD = 2
    try:
        got = [
            sim_module.sim_stable(scenario.conflict, i) for i in range(len(scenario.spec.dm_names))
        ]
    finally:
        simultaneous.WORD = old
    want = bf.sim(bf.Conflict(scenario))
    assert [ids(g) for g in got] == want, _dump(case)


@pytest.mark.parametrize("size", SIZES)
def test_limited_move_agrees_with_bruteforce(size):
    run_property(
        size,
        _limited_move_agrees_with_bruteforce,
        strategies.cases(min_dms=2, max_dms=2),
        st.integers(1, 6),
        max_examples=200,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _limited_move_agrees_with_bruteforce(case, horizon):
    scenario = offramp.from_dict(case.data)
    model = scenario.conflict
    conflict = bf.Conflict(scenario)
    table = bf.limited_move(conflict, horizon)
    result = compute_stability(model, ["lh"], options={"horizon": horizon})
    for k in range(2):
        assert ids(result.stable["lh"][k]) == table[horizon - 1][k], _dump(case)
    if horizon >= 2:
        nm = compute_stability(model, ["nm"], options={"horizon": horizon})
        want = bf.non_myopic(conflict, horizon)
        for k in range(2):
            assert ids(nm.stable["nm"][k]) == want[k], _dump(case)


@pytest.mark.parametrize("size", SIZES)
def test_coalitions_agree_with_bruteforce(size):
    run_property(
        size,
        _coalitions_agree_with_bruteforce,
        strategies.cases(min_dms=2, max_dms=4),
        max_examples=200,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _coalitions_agree_with_bruteforce(case):
    scenario = offramp.from_dict(case.data)
    model = scenario.conflict
    conflict = bf.Conflict(scenario)
    coalitions = every_coalition(model)
    analysis = analyse_coalitions(model, coalitions)
    for c in coalitions:
        want = bf.coalition(conflict, c.members)
        for concept in COALITION_CONCEPTS:
            got = ids(analysis.stable[concept][c.name])
            assert got == want[concept], f"{c.name} C-{concept}\n{_dump(case)}"
    # coalitional stability for each DM: every coalition containing it, and it alone
    individual = compute_stability(model)
    for concept in COALITION_CONCEPTS:
        per_dm = analysis.stable_for_dm(concept)
        for i in range(model.n_dms):
            want = ids(individual.stable[concept][i])
            for c in coalitions:
                if i in c.members:
                    want &= ids(analysis.stable[concept][c.name])
            assert ids(per_dm[i]) == want


@pytest.mark.parametrize("size", SIZES)
def test_one_member_coalitions_and_l1_reproduce_individual_concepts(size):
    run_property(
        size,
        _one_member_coalitions_and_l1_reproduce_individual_concepts,
        strategies.cases(min_dms=2, max_dms=4),
        max_examples=200,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _one_member_coalitions_and_l1_reproduce_individual_concepts(case):
    scenario = offramp.from_dict(case.data)
    model = scenario.conflict
    individual = compute_stability(model)
    for i in range(model.n_dms):
        for concept in COALITION_CONCEPTS:
            got = coalition_stable(model, [i], concept)
            assert np.array_equal(got, individual.stable[concept][i]), (concept, _dump(case))
    if model.n_dms == 2:
        l1 = compute_stability(model, ["lh"], options={"horizon": 1})
        assert np.array_equal(l1.stable["lh"], individual.stable["nash"])


# ---------------------------------------------------------------------------- worked checks


def _load(name: str):
    return offramp.load(CONFLICTS / f"{name}.yaml")


def _by_taken(scenario, state_ids):
    model = scenario.conflict
    return sorted(sorted(model.taken(s - 1)) for s in state_ids)


def test_prisoners_dilemma_mutual_cooperation_is_sim_stable_for_both():
    sc = _load("prisoners_dilemma")
    result = compute_stability(sc.conflict, ["nash", "sim"])
    cc = next(s for s in range(4) if sc.conflict.taken(s) == [])
    assert result.stable["sim"][:, cc].all()
    assert _by_taken(sc, [int(s) + 1 for s in result.equilibria("sim")]) == [
        [],
        ["Col.defect", "Row.defect"],
    ]
    assert _by_taken(sc, [int(s) + 1 for s in result.equilibria("nash")]) == [
        ["Col.defect", "Row.defect"]
    ]


# Pinned results, written by the options taken (checked by hand for PD and Chicken: a move
# from mutual restraint is met by the other's simultaneous move, mutual defection/dare).
E_ABANDON = ["Uniroyal.Abandon"]
PINNED_SIM = {
    "prisoners_dilemma": [[], ["Col.defect", "Row.defect"]],
    "chicken": [[], ["Col.dare"], ["Row.dare"]],
    "elmira": [
        ["LocalGovernment.Insist", "MoE.Modify", "Uniroyal.Abandon"],
        ["LocalGovernment.Insist", "MoE.Modify", "Uniroyal.Accept"],
        ["LocalGovernment.Insist", "Uniroyal.Abandon"],
        ["LocalGovernment.Insist", "Uniroyal.Delay"],
        ["MoE.Modify", "Uniroyal.Abandon"],
        E_ABANDON,
    ],
}
_ELMIRA_C = [
    ["LocalGovernment.Insist", "MoE.Modify", "Uniroyal.Abandon"],
    ["LocalGovernment.Insist", "MoE.Modify", "Uniroyal.Accept"],
    ["LocalGovernment.Insist", "Uniroyal.Abandon"],
    ["MoE.Modify", "Uniroyal.Abandon"],
    E_ABANDON,
]
_ELMIRA_C_META = sorted([*_ELMIRA_C, ["MoE.Modify", "Uniroyal.Accept"], ["Uniroyal.Delay"]])
# coalitional equilibria over every coalition (each DM: every coalition containing it, alone too)
PINNED_COALITION_EQUILIBRIA = {
    "prisoners_dilemma": {"nash": [], "gmr": [[]], "smr": [[]], "seq": [[]]},
    "chicken": {
        "nash": [["Col.dare"], ["Row.dare"]],
        "gmr": [[], ["Col.dare"], ["Row.dare"]],
        "smr": [[], ["Col.dare"], ["Row.dare"]],
        "seq": [["Col.dare"], ["Row.dare"]],
    },
    "elmira": {"nash": _ELMIRA_C, "gmr": _ELMIRA_C_META, "smr": _ELMIRA_C_META, "seq": _ELMIRA_C},
}


@pytest.mark.parametrize("name", sorted(PINNED_SIM))
def test_sim_equilibria_pinned(name):
    sc = _load(name)
    result = compute_stability(sc.conflict, ["sim"])
    got = _by_taken(sc, [int(s) + 1 for s in result.equilibria("sim")])
    assert got == PINNED_SIM[name]
    want = bf.sim(bf.Conflict(sc))
    assert set.intersection(*want) == {int(s) + 1 for s in result.equilibria("sim")}


@pytest.mark.parametrize("name", sorted(PINNED_COALITION_EQUILIBRIA))
def test_coalition_results_pinned(name):
    sc = _load(name)
    model = sc.conflict
    analysis = analyse_coalitions(model, every_coalition(model))
    data = analysis.to_dict()
    got = {c: _by_taken(sc, v) for c, v in data["coalition_equilibria"].items()}
    assert got == PINNED_COALITION_EQUILIBRIA[name]
    conflict = bf.Conflict(sc)
    for c in every_coalition(model):
        want = bf.coalition(conflict, c.members)
        for k in COALITION_CONCEPTS:
            assert set(data["coalition_stable"][k][c.name]) == want[k], (c.name, k)


def test_prisoners_dilemma_coalition_upsets_mutual_defection_jointly():
    sc = _load("prisoners_dilemma")
    model = sc.conflict
    data = analyse_coalitions(model, every_coalition(model)).to_dict()
    dd = next(s + 1 for s in range(4) if len(model.taken(s)) == 2)
    cc = next(s + 1 for s in range(4) if model.taken(s) == [])
    upsets = data["coalition_insights"]["nash"]["upsets"]["Row+Col"]
    assert [u["state"] for u in upsets] == [dd]
    assert upsets[0]["to"] == cc
    moves = upsets[0]["moves"]
    assert sorted(m["mover"] for m in moves) == ["Col", "Row"]
    assert sorted(o for m in moves for o in m["stops"]) == ["Col.defect", "Row.defect"]
    assert data["coalition_insights"]["nash"]["held_only_jointly"]["Row+Col"] == [cc]
    assert data["coalition_insights"]["gmr"]["gain_by_joining"][str(dd)] == {
        "Row+Col": ["Row", "Col"]
    }
