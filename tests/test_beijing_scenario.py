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
    assert scenario.spec.dm_names == ["US", "CN", "RU"]
    assert scenario.spec.warnings == []
    # 2^9 minus tariffs-and-relief (2^7) and secondary-and-relief (2^7), plus both (2^6)
    assert scenario.conflict.n_states == 512 - 128 - 128 + 64
    assert scenario.spec.analysis_date.isoformat() == "2025-10-25"  # the article's date


def test_every_modelling_choice_carries_a_note(scenario) -> None:
    doc = scenario.spec.document
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
    for alt in doc.alternatives:
        assert alt.note


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


def cheapest_press(P: dict) -> float:
    """China's cost of its cheaper lever while Russia fights on under the sanctions."""
    oil = P["partnership_cost"] + P["oil_replacement_cost"]
    return min(oil, P["supplies_partnership_cost"]) + P["fear_of_defeat"]


def test_threshold_is_the_cheaper_lever_plus_fear(scenario) -> None:
    q = next(q for q in scenario.spec.questions if q.id == "concession-needed")
    result = threshold(scenario.spec, q)
    expected = cheapest_press(scenario.spec.parameters)
    assert len(result["transitions"]) == 1
    assert result["transitions"][0]["becomes"] is True
    assert result["transitions"][0]["value"] == pytest.approx(expected, abs=1e-3)
    low, high = result["transitions"][0]["between"]
    assert low <= expected <= high


def test_variants(report, scenario) -> None:
    by_name = {v["name"]: v for v in report["variants"]}
    # a package presses China exactly when its value exceeds the cheaper lever's cost
    for name in ("fentanyl-10", "fentanyl-20", "cut-and-withdraw", "lift-all"):
        v = by_name[f"package-{name}"]
        relief = scenario.variant(f"package-{name}").spec.parameters["trade_relief"]
        presses = relief > cheapest_press(scenario.spec.parameters)
        assert verdicts(v["questions"])["china-presses"] == ("yes" if presses else "no"), name
    assert verdicts(by_name["package-lift-all"]["questions"])["china-presses"] == "yes"
    assert verdicts(by_name["package-fentanyl-10"]["questions"])["china-presses"] == "no"
    # no package, sanction or fear moves Russia: its war aims outweigh every pressure
    for v in report["variants"]:
        assert verdicts(v["questions"])["russia-negotiates"] == "no", v["name"]
    assert verdicts(by_name["tariffs-imposed"]["questions"])["china-presses"] == "no"


def test_threshold_moves_with_the_fear(scenario) -> None:
    variant = scenario.variant("no-fear-of-defeat")
    q = next(q for q in variant.spec.questions if q.id == "concession-needed")
    result = threshold(variant.spec, q)
    assert result["transitions"][0]["value"] == pytest.approx(
        cheapest_press(variant.spec.parameters), abs=1e-3
    )


def test_answers_are_consistent_with_evidence(scenario) -> None:
    analysis = scenario.analyze()
    for q in scenario.spec.questions:
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
        expected = forecast(scenario.spec.bargaining_problem(["us-concession"]), model).forecast
        assert cases["settled-1"]["forecasts"][model] == pytest.approx(list(expected), abs=0.01)
    # China shifting moves the default forecast of the settlement toward Kyiv
    default = part["default_model"]
    assert (
        cases["china-presses"]["forecasts"][default][0] > cases["as-given"]["forecasts"][default][0]
    )
    big = next(v for v in report["variants"] if v["name"] == "package-lift-all")
    assert big["forecast_at_settled"][0]["shifts"] == ["us-concession", "china-presses"]


# ---------------------------------------------------------------------- grounded in evidence
LEVERAGE = ("china_oil_lever", "china_supplies_lever", "sanctions_bite", "trade_relief")


def pct(scenario, fid: str) -> float:
    return scenario.spec.derivation.figures[fid].figure.point / 100


def test_leverage_parameters_trace_to_cited_figures(scenario) -> None:
    sources = {s.id: s for s in scenario.spec.document.sources}
    for name in LEVERAGE:
        evidence = scenario.spec.derivation.evidence_of(name)
        assert evidence, name
        for fid in evidence:
            fig = scenario.spec.derivation.figures[fid].figure
            src = sources[fig.source]
            assert src.publisher and src.date and src.url and fig.quote and fig.published, fid
    # every other parameter is derived, set by the concession package, or an analyst judgment
    # with its anchor
    package = {p for a in scenario.spec.alternatives for p in a.parameters}
    for name, p in scenario.spec.document.parameters.items():
        if p.formula is None and name not in package:
            assert p.note.startswith("Analyst judgment") and len(p.note) > 60, name
            assert "anchor" in p.note or "unit of" in p.note, name


def test_leverage_parameters_are_derived_exactly(scenario) -> None:
    P = scenario.spec.parameters
    oil = pct(scenario, "og_budget_share") * pct(scenario, "oil_share_of_og")
    assert P["oil_budget_share"] == oil
    to_cn = pct(scenario, "ru_oil_exports_to_cn")
    assert to_cn == (45 + 50) / 2 / 100  # a bare range: its midpoint
    # one base, Russia's crude exports: the sanctioned companies' share of them
    sanctioned = pct(scenario, "sanctioned_export_share")
    assert P["sanctions_bite"] == pytest.approx(100 * oil * sanctioned * P["sanctions_effect"])
    fig = scenario.spec.derivation.figures
    state = fig["cn_state_seaborne"].figure.point
    sea, pipe = fig["cn_seaborne_from_ru"].figure.point, fig["cn_pipeline_from_ru"].figure.point
    curb = (state + P["teapot_curb"] * (sea - state)) / (sea + pipe)
    assert P["curb_oil_fraction"] == pytest.approx(curb)
    assert P["china_oil_lever"] == pytest.approx(
        100 * oil * to_cn * curb * (1 - P["reroute_share"])
    )
    assert P["china_supplies_lever"] == pytest.approx(
        P["supply_cut_budget_equiv"]
        * pct(scenario, "ru_priority_imports_from_cn")
        * P["curb_supplies_fraction"]
        * P["china_control_share"]
    )
    # China's scale: the anchor is the damage of the 100% threat; the package in tariff points
    assert P["tariff_damage"] == pytest.approx(P["cn_tariff_anchor"])
    per_point = P["cn_tariff_anchor"] / 100
    assert P["trade_relief"] == pytest.approx(per_point * P["cut_points"])
    assert P["secondary_damage"] == pytest.approx(per_point * 25)
    # no single pressure, nor all together, outweighs Russia's war aims at the point values
    levers = P["sanctions_bite"] + P["china_oil_lever"] + P["china_supplies_lever"]
    assert levers < P["war_aims"]


def test_as_of_the_article_no_later_figure_feeds_the_answers(report) -> None:
    assert report["as_of"] == "2025-10-25"
    for f in report["provenance"]["figures"]:
        assert f["published"] <= "2025-10-25", f["id"]
    later = report["what_happened_next"]
    assert {f["id"] for f in later["figures"]} >= {"fentanyl_cut_busan", "og_revenue_2025"}
    assert all(f["published"] > "2025-10-25" for f in later["figures"])


def test_as_of_before_the_sanctions_uses_the_judgments(scenario) -> None:
    early = scenario.as_of("2025-10-20")
    assert set(early.spec.derivation.fallbacks) == {"sanctions_bite", "curb_oil_fraction"}
    report = build_report(early, variants=False, thresholds=False, samples=0)
    for f in report["provenance"]["figures"]:
        assert f["published"] <= "2025-10-20", f["id"]
    rows = {p["name"]: p for p in report["provenance"]["parameters"]}
    assert rows["sanctions_bite"]["basis"] == "judgment"
    assert rows["sanctions_bite"]["waits_for"] == ["sanctioned_export_share"]


def test_monte_carlo_china_sometimes_presses_and_the_package_drives_it(report) -> None:
    mc = report["uncertainty"]
    q = next(q for q in mc["questions"] if q["id"] == "china-presses")
    assert 0 < q["yes"] < 1
    top = [d["input"] for d in mc["sensitivity"]["question:china-presses"][:3]]
    assert any(name.startswith("concession_package=") for name in top)
    (alt,) = mc["alternatives"]
    by_choice = {c["choice"]: c["yes"]["china-presses"] for c in alt["choices"]}
    assert by_choice["fentanyl-10"] == 0.0  # 1 point never covers the cheaper lever
    assert by_choice["lift-all"] > by_choice["cut-and-withdraw"] > 0


def test_the_leverage_view_compares_only_like_goods(report, scenario) -> None:
    pairs = {(p["dependent"], p["holder"]): p for p in report["leverage"]["pairs"]}
    ru_cn = pairs[("RU", "CN")]
    assert ru_cn["dependence"] == 0.9
    assert ru_cn["reverse_dependence"] == pytest.approx(108.5 / 553.4)
    # battlefield goods one way, crude the other: not subtracted
    assert ru_cn["asymmetry"] is None
    us_cn = pairs[("US", "CN")]  # all goods both ways: nearly symmetric
    assert us_cn["dependence"] == pytest.approx(0.134)
    assert us_cn["reverse_dependence"] == pytest.approx(0.12)
    assert us_cn["asymmetry"] == pytest.approx(0.014)
