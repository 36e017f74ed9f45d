"""Properties of the stability engine that must hold for every conflict."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st

import offramp
from tests import strategies
from tests.sampling import SIZES, run_property

CONCEPTS = ("nash", "gmr", "smr", "seq")


@pytest.mark.parametrize("size", SIZES)
def test_concepts_nest(size):
    run_property(
        size,
        _concepts_nest,
        strategies.scenarios(),
        max_examples=100,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _concepts_nest(data):
    """Nash ⊆ SMR ⊆ GMR and Nash ⊆ SEQ ⊆ GMR, for every DM."""
    result = offramp.from_dict(data).stability()
    stable = result.stable
    for c in CONCEPTS:
        assert stable[c].shape == (len(result.model.dm_names), result.model.n_states)
        assert stable[c].dtype == np.bool_
    for small, big in [("nash", "smr"), ("smr", "gmr"), ("nash", "seq"), ("seq", "gmr")]:
        violations = np.argwhere(stable[small] & ~stable[big])
        assert violations.size == 0, f"{small} ⊄ {big} at (dm, state) {violations.tolist()}"


@st.composite
def _permuted(draw, dms: bool, options: bool):
    data = draw(strategies.scenarios())
    other = copy.deepcopy(data)
    if dms:
        other["decision_makers"] = draw(st.permutations(other["decision_makers"]))
        order = draw(st.permutations(list(other["preferences"])))
        other["preferences"] = {k: other["preferences"][k] for k in order}
    if options:
        for dm in other["decision_makers"]:
            dm["options"] = draw(st.permutations(dm["options"]))
    return data, other


@pytest.mark.parametrize("size", SIZES)
def test_results_do_not_depend_on_decision_maker_order(size):
    run_property(
        size,
        _results_do_not_depend_on_decision_maker_order,
        _permuted(dms=True, options=False),
        max_examples=100,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _results_do_not_depend_on_decision_maker_order(pair):
    data, other = pair
    a = offramp.from_dict(data).stability().by_taken()
    b = offramp.from_dict(other).stability().by_taken()
    assert a == b


@pytest.mark.parametrize("size", SIZES)
def test_results_do_not_depend_on_option_order(size):
    run_property(
        size,
        _results_do_not_depend_on_option_order,
        _permuted(dms=False, options=True),
        max_examples=100,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _results_do_not_depend_on_option_order(pair):
    data, other = pair
    a = offramp.from_dict(data).stability().by_taken()
    b = offramp.from_dict(other).stability().by_taken()
    assert a == b


@pytest.mark.parametrize("size", SIZES)
def test_results_do_not_depend_on_declaration_order(size):
    run_property(
        size,
        _results_do_not_depend_on_declaration_order,
        _permuted(dms=True, options=True),
        max_examples=100,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _results_do_not_depend_on_declaration_order(pair):
    data, other = pair
    if "infeasible" in other:
        other["infeasible"] = other["infeasible"][::-1]
    a = offramp.from_dict(data).stability().by_taken()
    b = offramp.from_dict(other).stability().by_taken()
    assert a == b


@pytest.mark.parametrize("size", SIZES)
def test_contract_json_is_consistent(size):
    run_property(
        size,
        _contract_json_is_consistent,
        strategies.cases(),
        max_examples=100,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _contract_json_is_consistent(case):
    scenario = offramp.from_dict(case.data)
    result = scenario.stability()
    out = json.loads(json.dumps(result.to_dict()))  # JSON-ready: plain types only
    declared_dms = [dm["name"] for dm in case.data["decision_makers"]]
    declared_options = [
        f"{dm['name']}.{o['name']}" for dm in case.data["decision_makers"] for o in dm["options"]
    ]

    assert out["scenario"] == case.data["name"]
    assert out["decision_makers"] == declared_dms

    states = out["states"]
    n = len(states)
    assert [s["id"] for s in states] == list(range(1, n + 1))
    assert n == len(case.feasible)
    for s in states:  # options in declaration order, each at most once
        assert s["taken"] == [o for o in declared_options if o in s["taken"]]
    taken_sets = [frozenset(s["taken"]) for s in states]
    assert len(set(taken_sets)) == n, "a state is listed twice"
    assert set(taken_sets) == {frozenset(case.taken(code)) for code in case.feasible}

    assert set(out["stable"]) == set(CONCEPTS)
    assert set(out["equilibria"]) == set(CONCEPTS)
    by_id = {s["id"]: sorted(s["taken"]) for s in states}
    by_taken = result.by_taken()
    assert by_taken["feasible_states"] == n
    for c in CONCEPTS:
        assert list(out["stable"][c]) == declared_dms
        per_dm = []
        for dm in declared_dms:
            ids = out["stable"][c][dm]
            assert ids == sorted(set(ids))
            assert all(1 <= k <= n for k in ids)
            assert sorted(by_id[k] for k in ids) == by_taken["stable"][dm][c]
            per_dm.append(set(ids))
        assert out["equilibria"][c] == sorted(set.intersection(*per_dm))
        assert sorted(by_id[k] for k in out["equilibria"][c]) == by_taken["equilibria"][c]
