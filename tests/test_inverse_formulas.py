"""The inverse analysis through formulas (issue 20, item 3): parameters that act only through
derived parameters are searched, in agreement with the one-parameter threshold search, and a
change of a derived parameter is also stated in the figures behind it.

Expectations come from the code (threshold search, formula evaluation), not from pinned
numbers, so the built-in scenario can be remodelled without touching this test."""

from __future__ import annotations

import pytest

import offramp
from offramp.analysis.formula_inputs import formula_inputs
from offramp.analysis.sweeps import threshold
from offramp.report.words import through_formula_lines

QUESTION = "china-presses"


@pytest.fixture(scope="module")
def scenario():
    return offramp.default()


def _verdict(scenario, name: str, value: float) -> str:
    moved = scenario.with_changes({name: value})
    return next(a.verdict for a in moved.answers() if a.question.id == QUESTION)


def test_the_default_scenario_has_formula_inputs(scenario):
    assert formula_inputs(scenario.spec)  # e.g. cn_points_per_export_share, ru_points_per_budget


@pytest.mark.parametrize("index", range(4))
def test_inverse_agrees_with_threshold_on_formula_inputs(scenario, index):
    inputs = sorted(p for p in formula_inputs(scenario.spec) if scenario.spec.parameters[p] > 0)
    if index >= len(inputs):
        pytest.skip("fewer formula inputs")
    name = inputs[index]
    question = next(q for q in scenario.spec.questions if q.id == QUESTION)
    rng = (0.0, 25.0 * scenario.spec.parameters[name])
    th = threshold(scenario.spec, question, name, rng)
    result = scenario.inverse(QUESTION, parameters=[name], ranges={name: rng}).to_dict()
    assert " 0 planes" not in result["proof"] or not th["transitions"]  # never planeless
    # where the threshold's criterion flips and the verdict there is 'yes', the inverse's
    # answer is that flip (within both searches' precision)
    now = scenario.spec.parameters[name]
    candidates = sorted(
        (t for t in th["transitions"] if _verdict(scenario, name, t["value"] + 1e-3
                                                  * (1 if t["value"] > now else -1)) == "yes"),
        key=lambda t: abs(t["value"] - now),
    )  # fmt: skip
    precision = max(th["tolerance"], 1e-4 * (rng[1] - rng[0])) * 2 + 1e-3
    if not candidates:
        found = result["changes"].get(name)
        assert not result["found"] or _verdict(scenario, name, found["to"]) == "yes"
        return
    assert result["found"], (name, th["transitions"])
    assert result["boundary"][name] == pytest.approx(candidates[0]["value"], abs=precision)
    assert _verdict(scenario, name, result["changes"][name]["to"]) == "yes"
    # the change is also stated in the derived parameters it moves
    effects = result["changes"][name]["effects"]
    moved = scenario.with_changes({name: result["changes"][name]["to"]})
    assert effects
    assert all(moved.spec.parameters[d] == pytest.approx(e["to"]) for d, e in effects.items())


def test_reachable_mode_finds_the_thresholds_flip(scenario):
    """``--mode reachable`` asks what ``threshold`` tracks (the goal holds in at least one
    state where the evolution settles), so on every formula input (ru_points_per_budget_pct
    included, where the default mode finds nothing because the verdict past the flip is only
    'depends') the nearest flip of the threshold search is the inverse's boundary."""
    question = next(q for q in scenario.spec.questions if q.id == QUESTION)
    inputs = sorted(p for p in formula_inputs(scenario.spec) if scenario.spec.parameters[p] > 0)
    flipped = 0
    for name in inputs:
        rng = (0.0, 25.0 * scenario.spec.parameters[name])
        th = threshold(scenario.spec, question, name, rng)
        result = scenario.inverse(
            QUESTION, parameters=[name], ranges={name: rng}, mode="reachable"
        ).to_dict()
        now = scenario.spec.parameters[name]
        precision = max(th["tolerance"], 1e-4 * (rng[1] - rng[0])) * 2 + 1e-3
        flips = sorted(th["transitions"], key=lambda t: abs(t["value"] - now))
        below = sum(t["value"] < now for t in th["transitions"])
        holds_now = th["holds_at_low"] != (below % 2 == 1)  # each flip below today toggles it
        if holds_now:
            assert result["found"] and not result["changes"], name  # no change needed
        elif not flips:
            assert not result["found"], name
        else:
            flipped += 1
            assert result["found"], (name, th["transitions"])
            assert result["boundary"][name] == pytest.approx(flips[0]["value"], abs=precision)
    assert flipped  # the scenario has formula inputs that flip the answer


def test_a_derived_change_is_stated_in_its_figures(scenario):
    result = scenario.inverse(QUESTION).to_dict()
    derivation = scenario.spec.derivation
    derived = [p for p in result["changes"] if p in derivation.derived]
    if not derived:
        pytest.skip("the default answer changes no derived parameter")
    for p in derived:
        change = result["changes"][p]
        assert {"from", "to", "via"} <= set(change)
        assert set(change["via"]) >= set(derivation.evidence_of(p))
        for name, v in change["via"].items():
            if v["to"] is None:
                continue
            if v["kind"] == "figure":
                got = derivation.values(dict(scenario.spec.parameters), {name: v["to"]})[p]
                lo, hi = v["plausible"]
                assert v["outside_plausible"] == (not lo <= v["to"] <= hi)
            else:
                got = derivation.values({**scenario.spec.parameters, name: v["to"]})[p]
            assert got == pytest.approx(change["to"], rel=1e-6)
    lines = through_formula_lines(result["changes"])
    assert any("means, one input alone" in line for line in lines)


def test_plain_parameters_keep_from_and_to_only(scenario):
    plain = [
        p
        for p in scenario.spec.used_parameters
        if p in scenario.spec.parameters
        and p not in scenario.spec.derivation.derived
        and p not in formula_inputs(scenario.spec)
    ]
    result = scenario.inverse(QUESTION, parameters=sorted(plain)[:2]).to_dict()
    for change in result["changes"].values():
        assert set(change) == {"from", "to"}


def test_a_derived_parameter_read_by_other_formulas_is_searched(scenario):
    """A derived parameter that other formulas read (cn_points_per_tariff_point: China's points
    per tariff point, read by tariff_damage and trade_relief) acts only through them when it
    is free; its crossing planes come through those formulas (it had none before, and the
    inverse answered 'no change' where one exists). Each answer holds when applied."""
    derivation = scenario.spec.derivation
    read = {p for d in derivation.derived.values() for p in d.parameters}
    middle = sorted(p for p in derivation.derived if p in read)
    assert middle
    searched = 0
    for name in middle:
        result = scenario.inverse(QUESTION, parameters=[name]).to_dict()
        if result["found"] and result["changes"]:
            searched += 1
            assert _verdict(scenario, name, result["changes"][name]["to"]) == "yes", name
        if any(scenario.spec.parameters[p] != 0 for p in derivation.derived[name].parameters):
            assert " 0 planes" not in result["proof"] or not result["found"], name
    assert searched  # at least one such parameter changes China's answer on its own
