"""The fast coalition paths against the definitions and against each other: the component test
of C-SMR (offramp.conflict.coalition_smr, no directed options), the bit-parallel C-SMR and the
reached fronts for directed options (offramp.conflict.directed_reach), against the brute force on
small conflicts and against two sanction closures per state on larger ones (feasibility rules,
ties, 2-4 DMs)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import offramp
from offramp.conflict.coalitions import (
    COALITION_CONCEPTS,
    _Solver,
    analyse_coalitions,
    every_coalition,
)
from offramp.conflict.directed_reach import DirectedReach, above_words, bit_of
from offramp.conflict.model import ConflictTooLarge
from offramp.conflict.moves import move_indices
from tests import brute_force_more as bf
from tests import strategies
from tests.sampling import SIZES, run_property


def ids(row: np.ndarray) -> set[int]:
    return {int(s) + 1 for s in np.flatnonzero(row)}


def undirected(data: dict) -> dict:
    """The same scenario with every option reversible (the component path applies)."""
    data = json.loads(json.dumps(data))
    for dm in data["decision_makers"]:
        for opt in dm["options"]:
            opt.pop("direction", None)
    return data


@pytest.mark.parametrize("size", SIZES)
def test_undirected_coalitions_agree_with_bruteforce(size):
    run_property(
        size,
        _undirected_coalitions_agree,
        strategies.cases(min_dms=2, max_dms=4),
        max_examples=150,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _undirected_coalitions_agree(case):
    data = undirected(case.data)
    scenario = offramp.from_dict(data)
    model = scenario.conflict
    conflict = bf.Conflict(scenario)
    analysis = analyse_coalitions(model, every_coalition(model))
    for c in analysis.coalitions:
        want = bf.coalition(conflict, c.members)
        for concept in COALITION_CONCEPTS:
            got = ids(analysis.stable[concept][c.name])
            assert got == want[concept], f"{c.name} C-{concept}\n{json.dumps(data)}"


@st.composite
def larger_conflicts(draw, directed: bool = False) -> dict:
    """2-12 options over 2-4 DMs, random two-literal infeasibility rules and exclusive groups
    (so components are not products), weights from a few small values (many ties)."""
    n = draw(st.integers(2, 4))
    per = [draw(st.integers(1, 3)) for _ in range(n)]
    names = [f"D{i}.o{k}" for i, p in enumerate(per) for k in range(p)]
    dms = []
    for i, p in enumerate(per):
        opts = []
        for k in range(p):
            opt = {"name": f"o{k}"}
            if directed and draw(st.integers(0, 3)) == 0:
                opt["direction"] = draw(st.sampled_from(["forward", "backward"]))
            opts.append(opt)
        dms.append({"name": f"D{i}", "options": opts})
    lit = st.tuples(st.sampled_from(names), st.booleans()).map(
        lambda t: t[0] if t[1] else "!" + t[0]
    )
    rules = draw(st.lists(st.tuples(lit, lit).map(" & ".join), max_size=3))
    data: dict = {"format": "offramp/1", "name": "random", "decision_makers": dms}
    if rules:
        data["infeasible"] = rules
    if len(names) >= 3 and draw(st.booleans()):
        group = draw(st.lists(st.sampled_from(names), min_size=2, max_size=3, unique=True))
        data["mutually_exclusive"] = [group]
    prefs = {}
    levels = draw(st.sampled_from([[-1, 1], [-2, 0, 1, 3], list(range(-9, 10))]))
    for i in range(n):
        weights = [{"when": nm, "value": draw(st.sampled_from(levels))} for nm in names]
        for _ in range(draw(st.integers(0, 3))):
            a, b = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
            weights.append({"when": f"{a} | !{b}", "value": draw(st.sampled_from(levels))})
        prefs[f"D{i}"] = {"weights": weights}
    data["preferences"] = prefs
    return data


def per_state_smr(solver: _Solver) -> np.ndarray:
    """C-SMR from the closures, state by state (the general test, directed or not)."""
    size = solver.model.n_states
    out = np.ones(size, dtype=bool)
    for s in range(size):
        got = solver.reach.of(s)
        improvements = got[solver.dominating(s)[got]]
        out[s] = bool(solver.smr_sanctionable(s)[improvements].all())
    return out


@pytest.mark.parametrize("size", SIZES)
def test_component_smr_matches_the_per_state_closures(size):
    run_property(
        size,
        _component_smr_matches,
        st.booleans().flatmap(larger_conflicts),
        max_examples=25,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _component_smr_matches(data):
    """Undirected: the component test; with directed options: the bit-parallel test. Both
    against two closures per state."""
    try:
        model = offramp.from_dict(data).conflict
    except offramp.ScenarioError:  # every state ruled out
        return
    indices = move_indices(model)
    for c in every_coalition(model):
        solver = _Solver(model, c.members, indices)
        got = solver.stable("smr")
        assert np.array_equal(got, per_state_smr(solver)), f"{c.name}\n{json.dumps(data)}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(larger_conflicts(), st.data())
def test_full_cube_reading(data, draw):
    """Without feasibility rules every outsider component meets every coalition component, so
    s is C-SMR unstable exactly when it has a coalitional improvement and every coalition
    component holds a state better than s for all members."""
    data.pop("infeasible", None)
    data.pop("mutually_exclusive", None)
    model = offramp.from_dict(data).conflict
    coalitions = every_coalition(model)
    c = draw.draw(st.sampled_from(coalitions))
    solver = _Solver(model, c.members)
    ranks = solver.ranks
    labels = solver.reach.labels
    for s in range(model.n_states):
        better = (ranks > ranks[:, [s]]).all(axis=0)
        improvement = bool((better & (labels == labels[s])).any())
        everywhere = set(labels[better].tolist()) == set(labels.tolist())
        assert bool(solver.stable("smr")[s]) == (not (improvement and everywhere)), s


@pytest.mark.parametrize("size", SIZES)
def test_bit_parallel_smr_matches_the_component_test_and_the_closures(size):
    run_property(
        size,
        _bit_parallel_smr_matches,
        st.booleans().flatmap(larger_conflicts),
        max_examples=40,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _bit_parallel_smr_matches(data):
    """The directed-options test applies to any move graph: on undirected conflicts it must
    agree with the component test, on directed ones with two closures per state."""
    try:
        model = offramp.from_dict(data).conflict
    except offramp.ScenarioError:
        return
    indices = move_indices(model)
    for c in every_coalition(model):
        solver = _Solver(model, c.members, indices)
        if not solver.others:
            continue
        everything = np.arange(model.n_states)
        got = ~solver.smr_unstable_directed(everything)
        want = per_state_smr(solver)
        assert np.array_equal(got, want), f"{c.name}\n{json.dumps(data)}"
        assert np.array_equal(solver.stable("smr"), want & solver.stable("gmr"))
        # the fallback when the moves are too many to list
        assert np.array_equal(~solver._smr_unstable_by_closures(everything), want)


def naive_reach(model, indices, movers, s: int) -> set[int]:
    """Breadth-first over single moves of any mover (a DM moving twice is one move)."""
    seen, todo = {s}, [s]
    while todo:
        x = todo.pop()
        for j in movers:
            for t in indices[j].targets(x, "move"):
                if int(t) not in seen:
                    seen.add(int(t))
                    todo.append(int(t))
    return seen


@pytest.mark.parametrize("size", SIZES)
def test_directed_reach_words_and_fronts_match_a_search(size):
    run_property(
        size,
        _directed_reach_matches,
        strategies.cases(min_dms=2, max_dms=4),
        st.data(),
        max_examples=60,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _directed_reach_matches(case, draw):
    model = offramp.from_dict(case.data).conflict
    indices = move_indices(model)
    movers = draw.draw(
        st.lists(st.integers(0, model.n_dms - 1), min_size=1, max_size=model.n_dms, unique=True)
    )
    reach = DirectedReach(model, indices, movers)
    points = np.ascontiguousarray(model.ranks[: min(3, model.n_dms)].T)
    vectors = points[:: max(1, len(points) // 70)]  # up to ~70 vectors: two words
    words = reach.any_reached(above_words(points, vectors))
    fronts = reach.reached_fronts(points)
    for s in range(model.n_states):
        got = sorted(naive_reach(model, indices, movers, s))
        above = (points[got][:, None, :] > vectors[None, :, :]).all(axis=2).any(axis=0)
        bits = bit_of(words, np.full(len(vectors), s), np.arange(len(vectors)))
        assert np.array_equal(bits, above), s
        front = fronts.vals[fronts.ptr[reach.scc[s]] : fronts.ptr[reach.scc[s] + 1]]
        # the front is made of reached vectors and weakly dominates every reached vector
        reached = {tuple(v) for v in points[got].tolist()}
        assert {tuple(v) for v in front.tolist()} <= reached
        assert all((front >= v).all(axis=1).any() for v in points[got])


def test_too_many_moves_to_list_falls_back_to_closures(monkeypatch):
    """Directed options whose moves are refused as too many to list: C-SMR by closures."""
    data = {
        "format": "offramp/1",
        "name": "fallback",
        "decision_makers": [
            {"name": "A", "options": [{"name": "x", "direction": "forward"}, {"name": "y"}]},
            {"name": "B", "options": [{"name": "u"}, {"name": "v", "direction": "backward"}]},
            {"name": "C", "options": [{"name": "w"}]},
        ],
        "preferences": {
            "A": {"weights": [{"when": "A.x", "value": 2}, {"when": "B.u | C.w", "value": 1}]},
            "B": {"weights": [{"when": "B.u", "value": 1}, {"when": "A.x & !C.w", "value": 2}]},
            "C": {"weights": [{"when": "!A.y", "value": 1}, {"when": "C.w", "value": -1}]},
        },
    }
    model = offramp.from_dict(data).conflict
    indices = move_indices(model)
    want = {
        c.name: per_state_smr(_Solver(model, c.members, indices)) for c in every_coalition(model)
    }

    def refuse(self, candidates):
        raise ConflictTooLarge("too many moves")

    monkeypatch.setattr(_Solver, "smr_unstable_directed", refuse)
    for c in every_coalition(model):
        solver = _Solver(model, c.members, indices)
        assert np.array_equal(solver.stable("smr"), want[c.name] & solver.stable("gmr"))
