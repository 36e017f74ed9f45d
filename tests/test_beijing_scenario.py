"""Pins the modelling choices of the built-in scenario: a change to the model must be a
deliberate change to these expectations (see docs/scenario-beijing.md for the reasoning)."""

from __future__ import annotations

import pytest

import offramp
from offramp.analysis.questions import answer
from offramp.analysis.sweeps import threshold
from offramp.service.report_content import build_report


@pytest.fixture(scope="module")
def scenario():
    return offramp.default()


@pytest.fixture(scope="module")
def report(scenario):
    return build_report(scenario)


def settled(report_part: dict, concept: str = "seq") -> list[list[str]]:
    return [sorted(e["taken"]) for e in report_part["settles_at"][concept]]


def verdicts(questions: list[dict]) -> dict[str, str]:
    return {q["id"]: q["verdict"] for q in questions}


def test_it_is_the_default_and_validates(scenario) -> None:
    assert scenario.name.startswith("Will Beijing broker?")
    assert scenario.dm_names == ["US", "CN", "RU"]
    assert scenario.warnings == []
    assert scenario.conflict.n_states == 96  # 2^7 minus tariffs-and-relief


def test_every_modelling_choice_carries_a_note(scenario) -> None:
    doc = scenario.document
    for dm in doc.decision_makers:
        assert dm.note
        for o in dm.options:
            assert o.note, o.name
    for group in doc.mutually_exclusive:
        assert group.note
    for name, p in doc.parameters.items():
        assert p.note, name
    for dm, pref in doc.preferences.items():
        for w in pref.weights:
            assert w.note, (dm, w.when)


def test_status_quo_is_the_article(scenario) -> None:
    model = scenario.conflict
    assert model.taken(model.status_quo) == ["US.sanctions"]


def test_baseline_china_does_not_press(report) -> None:
    assert settled(report) == [["US.relief", "US.sanctions"]]
    assert verdicts(report["questions"]) == {
        "china-presses": "no",
        "concession-needed": "no",
        "pressure-moves-russia": "no",
        "russia-negotiates": "no",
        "china-brokers": "no",
    }


def test_threshold_is_partnership_plus_fear(scenario) -> None:
    q = next(q for q in scenario.questions if q.id == "concession-needed")
    result = threshold(scenario, q)
    expected = scenario.parameters["partnership_cost"] + scenario.parameters["fear_of_defeat"]
    assert len(result["transitions"]) == 1
    assert result["transitions"][0]["becomes"] is True
    assert result["transitions"][0]["value"] == pytest.approx(expected, abs=1e-3)
    low, high = result["transitions"][0]["between"]
    assert low <= expected <= high


def test_variants(report) -> None:
    by_name = {v["name"]: v for v in report["variants"]}
    # without sanctions China presses (no collapse to fear) but Russia does not negotiate:
    # the two prongs are both needed
    no_sanctions = verdicts(by_name["no-oil-sanctions"]["questions"])
    assert no_sanctions["china-presses"] == "yes"
    assert no_sanctions["russia-negotiates"] == "no"
    for name in ("no-fear-of-defeat", "big-concession"):
        v = verdicts(by_name[name]["questions"])
        assert v == dict.fromkeys(v, "yes"), name
        assert settled(by_name[name]) == [
            ["CN.broker", "CN.press", "RU.negotiate", "US.relief", "US.summit"]
        ]
    assert verdicts(by_name["tariffs-imposed"]["questions"])["china-presses"] == "no"


def test_threshold_moves_with_the_fear(scenario) -> None:
    variant = scenario.variant("no-fear-of-defeat")
    q = next(q for q in variant.questions if q.id == "concession-needed")
    result = threshold(variant, q)
    assert result["transitions"][0]["value"] == pytest.approx(
        variant.parameters["partnership_cost"], abs=1e-3
    )


def test_answers_are_consistent_with_evidence(scenario) -> None:
    analysis = scenario.analyze()
    for q in scenario.questions:
        a = answer(analysis, q)
        ev = a.evidence[q.concept]
        assert set(ev["settles_at_holds_in"]) <= set(ev["settles_at"])
        assert set(ev["settles_at"]) <= set(ev["reachable"])
        if a.verdict == "yes":
            assert ev["settles_at_holds_in"] == ev["settles_at"]
        if a.verdict == "no":
            assert ev["settles_at_holds_in"] == []


def test_negotiation_forecasts(report, scenario) -> None:
    from offramp.bargaining import forecast

    part = report["bargaining"]
    assert [d["name"] for d in part["dimensions"]] == ["settlement", "tariffs"]
    assert {a["name"] for a in part["actors"]} == {"US", "CN", "RU", "UA", "EU"}
    cases = {c["name"]: c for c in part["cases"]}
    # where the conflict settles Washington has offered concessions but China does not press
    assert cases["settled-1"]["shifts"] == ["us-concession"]
    for model in part["models"]:
        expected = forecast(scenario.bargaining_problem(["us-concession"]), model).forecast
        assert cases["settled-1"]["forecasts"][model] == pytest.approx(list(expected), abs=0.01)
    # China shifting moves the default forecast of the settlement toward Kyiv
    default = part["default_model"]
    assert (
        cases["china-presses"]["forecasts"][default][0] > cases["as-given"]["forecasts"][default][0]
    )
    big = next(v for v in report["variants"] if v["name"] == "big-concession")
    assert big["forecast_at_settled"][0]["shifts"] == ["us-concession", "china-presses"]
