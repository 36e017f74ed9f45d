"""The vectorised engine against a brute-force solver written from the definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st

import offramp
from tests import brute_force, strategies
from tests.sampling import SIZES, run_property

CONFLICTS = Path(__file__).resolve().parent / "data" / "conflicts"
REFERENCE = ["prisoners_dilemma", "chicken", "elmira"]
CONCEPTS = ("nash", "gmr", "smr", "seq")


def _differences(engine: dict, brute: dict) -> list[str]:
    out = []
    if engine["feasible_states"] != brute["feasible_states"]:
        out.append(
            f"feasible states: engine {engine['feasible_states']}, "
            f"brute force {brute['feasible_states']}"
        )
    for dm, per in brute["stable"].items():
        for c in CONCEPTS:
            got, want = engine["stable"][dm][c], per[c]
            if got != want:
                extra = [s for s in got if s not in want]
                missing = [s for s in want if s not in got]
                out.append(f"{dm} {c}: engine also has {extra}, misses {missing}")
    for c in CONCEPTS:
        if engine["equilibria"][c] != brute["equilibria"][c]:
            out.append(
                f"equilibria {c}: engine {engine['equilibria'][c]}, "
                f"brute force {brute['equilibria'][c]}"
            )
    return out


@pytest.mark.parametrize("name", REFERENCE)
def test_bruteforce_reproduces_reference_conflicts(name):
    scenario = offramp.load(CONFLICTS / f"{name}.yaml")
    expected = json.loads((CONFLICTS / f"{name}.expected.json").read_text())
    assert brute_force.solve(scenario) == expected


@pytest.mark.parametrize("name", REFERENCE)
def test_engine_reproduces_reference_conflicts(name):
    scenario = offramp.load(CONFLICTS / f"{name}.yaml")
    expected = json.loads((CONFLICTS / f"{name}.expected.json").read_text())
    assert scenario.stability().by_taken() == expected


@pytest.mark.parametrize("size", SIZES)
def test_engine_agrees_with_bruteforce(size):
    run_property(
        size,
        _engine_agrees,
        strategies.cases(),
        max_examples=250,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _engine_agrees(case):
    scenario = offramp.from_dict(case.data)
    result = scenario.stability()
    engine = result.by_taken()
    brute = brute_force.solve(scenario)
    # the feasible set, by the strategy's own evaluation of the statements it wrote
    assert brute["feasible_states"] == len(case.feasible)
    assert sorted(int(c) for c in result.model.codes) == case.feasible
    problems = _differences(engine, brute)
    assert not problems, "\n".join(problems) + "\n" + json.dumps(case.data)


@st.composite
def _statement_cases(draw):
    case = draw(strategies.cases(max_dms=3))
    text, tree = draw(strategies.statement(case.options, max_leaves=8))
    return case, text, tree


@pytest.mark.parametrize("size", SIZES)
def test_parsed_statements_mean_what_was_written(size):
    """The parser (whose trees the brute force evaluates) honours precedence and names."""
    run_property(
        size,
        _statement_means_what_was_written,
        _statement_cases(),
        max_examples=150,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _statement_means_what_was_written(args):
    case, text, tree = args
    data = dict(case.data)
    first = data["decision_makers"][0]["name"]
    data["preferences"] = {**data["preferences"], first: {"prioritization": [text]}}
    scenario = offramp.from_dict(data, check_states=False)
    expr = scenario.spec.preferences[first].entries[0][0].expr
    for s in range(1 << len(case.options)):
        assert brute_force.evaluate(expr, s) == strategies.evaluate(tree, s), (text, bin(s))


def _weighted(weights: list[dict]) -> dict:
    """A holds exactly one of x, z and scores states by ``weights``; B just wants y."""
    return {
        "format": "offramp/1",
        "name": "weights",
        "decision_makers": [
            {"name": "A", "options": [{"name": "x"}, {"name": "z"}]},
            {"name": "B", "options": [{"name": "y"}]},
        ],
        "mutually_exclusive": [["A.x", "A.z"]],
        "at_least_one": [["A.x", "A.z"]],
        "preferences": {"A": {"weights": weights}, "B": {"prioritization": ["B.y"]}},
    }


@pytest.mark.parametrize(
    ("weights", "a_nash"),
    [
        # 0.1 + 0.2 equals 0.3: A is indifferent, every state is Nash for A
        pytest.param(
            [
                {"when": "A.x", "value": 0.1},
                {"when": "A.x", "value": 0.2},
                {"when": "A.z", "value": 0.3},
            ],
            [["A.x"], ["A.x", "B.y"], ["A.z"], ["A.z", "B.y"]],
            id="decimal-sum-ties",
        ),
        # a weight of 1e-10 is still a strict preference for x
        pytest.param(
            [{"when": "A.x", "value": 1e-10}],
            [["A.x"], ["A.x", "B.y"]],
            id="tiny-weight-counts",
        ),
        # 1e7 + 0.1 + 0.2 equals 1e7 + 0.3: indifferent, though the float sums differ
        pytest.param(
            [
                {"when": "true", "value": 1e7},
                {"when": "A.x", "value": 0.1},
                {"when": "A.x", "value": 0.2},
                {"when": "A.z", "value": 0.3},
            ],
            [["A.x"], ["A.x", "B.y"], ["A.z"], ["A.z", "B.y"]],
            id="large-decimal-sum-ties",
        ),
    ],
)
def test_weights_are_exact_sums(weights, a_nash):
    scenario = offramp.from_dict(_weighted(weights))
    assert brute_force.solve(scenario)["stable"]["A"]["nash"] == a_nash
    assert scenario.stability().by_taken()["stable"]["A"]["nash"] == a_nash
