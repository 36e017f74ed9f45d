"""Variants with ``perceptions:`` are hypergames wherever they appear (issue 20, item 2): kind
"misperception", each answer seen correctly and as perceived, where it settles in both
readings, and a changes row even when the variant changes nothing but perceptions.

Expected answers come from the hypergame analysis itself (not pinned numbers), so that the
built-in scenario can be remodelled without touching this test."""

from __future__ import annotations

import copy
import io
import re

import pytest
from rich.console import Console

import offramp
from offramp.report.html_sections import variants_section
from offramp.report.markdown import render_markdown
from offramp.report.text import render_report
from offramp.report.words import VERDICT
from offramp.scenarios import get_builtin, list_builtin
from offramp.service.report_content import build_report


def _text(report: dict) -> str:
    buf = io.StringIO()
    render_report(report, Console(file=buf, width=200, no_color=True), full=True)
    return " ".join(buf.getvalue().split())


def _misperception_variants(scenario) -> list[str]:
    return [
        name
        for k, name in enumerate(scenario.spec.variants)
        if scenario.spec.data["variants"][k].get("perceptions")
    ]


@pytest.mark.parametrize("name", list_builtin())
def test_builtin_misperception_variants_are_hypergames(name):
    scenario = get_builtin(name)
    report = build_report(scenario, samples=0, thresholds=False)
    kinds = {v["name"]: v["kind"] for v in report["variants"]}
    expected = set(_misperception_variants(scenario))
    assert {n for n, k in kinds.items() if k == "misperception"} == expected
    for v in report["variants"]:
        if v["name"] not in expected:
            assert "perceived" not in v
            assert all("perceived_verdict" not in q for q in v["questions"])
            continue
        hg = scenario.variant(v["name"]).hypergame()
        correct, perceived = hg.verdicts(False), hg.verdicts(True)
        for q in v["questions"]:
            assert q["verdict"] == correct[q["id"]]
            assert q["perceived_verdict"] == perceived[q["id"]]
        assert any("misperception" in c for c in v["changes_text"])
        settled = hg.settles_at("seq", True)
        assert [e["id"] for e in v["perceived"]["settles_at"]["seq"]] == [
            int(s) + 1 for s in settled
        ]


def test_the_beijing_doubt_variant_reads_as_a_hypergame_everywhere():
    scenario = offramp.default()
    report = build_report(scenario, samples=0, thresholds=False)
    v = next(v for v in report["variants"] if v["kind"] == "misperception")
    hg = scenario.variant(v["name"]).hypergame().to_dict()
    differing = [q["id"] for q in hg["questions"] if q["correct"] != q["hypergame"]]
    assert differing  # the doubt changes answers: the report must show it
    assert [q["id"] for q in v["questions"] if q["verdict"] != q["perceived_verdict"]] == differing
    # a counterfactual with the same parameter change reads as the correct-perception game
    text, markdown, page = _text(report), render_markdown(report), variants_section(report)
    title = f"{v['label']} (misperception)"
    for out in (text, markdown, page):
        assert title in out
    for q in v["questions"]:
        if q["verdict"] != q["perceived_verdict"]:
            cell = f"{VERDICT[q['verdict']]}"
            seen = f"(as perceived: {VERDICT[q['perceived_verdict']]})"
            assert seen in text and seen in markdown and seen in page, cell
    assert "as perceived settles at" in text
    assert re.search(r"settles as perceived \(hypergame\)", page)


def test_a_variant_with_only_perceptions_has_a_changes_row():
    data = copy.deepcopy(offramp.default().spec.data)
    data["variants"] = [
        {
            "name": "only-doubt",
            "label": "Only a doubt",
            "perceptions": [{"dm": "CN", "unknown_options": ["US.relief"]}],
        }
    ]
    scenario = offramp.from_dict(data)
    report = build_report(scenario, samples=0, thresholds=False)
    (v,) = report["variants"]
    assert v["kind"] == "misperception"
    assert v["changes"] == []  # the JSON contract's list of parameter/option/status-quo changes
    assert v["perception_changes"] == ["CN does not know of US.relief"]
    assert len(v["changes_text"]) == 1 and "US.relief" in v["changes_text"][0]
    text = _text(report)
    assert "Only a doubt (misperception) changes misperception: China does not know" in text
