"""The HTML report defects seen by a first-time reader (issue 10, item 5), each pinned down on
a report that exhibits it."""

from __future__ import annotations

import copy
import re

import pytest

import offramp
from offramp.report import html_sections as sec
from offramp.scenarios import get_builtin
from offramp.service.report_content import build_report


@pytest.fixture(scope="module")
def report():
    return build_report(offramp.default(), samples=0, thresholds=False)


def test_variant_without_description_gets_no_empty_bullet(report):
    rep = copy.deepcopy(report)
    rep["variants"][0]["description"] = None
    rep["variants"][1]["description"] = "  "
    html = sec.variants_section(rep)
    assert not re.search(r"<li><strong>[^<]*</strong>:\s*</li>", html)
    assert html.count("<li><strong>") == len(rep["variants"]) - 2


def test_no_description_anywhere_gives_no_list(report):
    rep = copy.deepcopy(report)
    for v in rep["variants"]:
        v["description"] = None
    assert "<ul>" not in sec.variants_section(rep)


def test_status_quo_with_nothing_taken_is_said_once():
    sc = offramp.default().with_changes(status_quo=[])  # nothing taken today
    rep = build_report(sc, samples=0, thresholds=False, variants=False)
    assert rep["status_quo"]["taken"] == []
    html = sec.status_quo_section(rep)
    assert "no option taken" in html
    assert "(no option taken)" not in html and "no option taken (" not in html


def test_what_it_means_column_only_when_something_is_said():
    rep = build_report(get_builtin("chicken"), samples=0, thresholds=False)
    assert all(not o.get("description") for dm in rep["decision_makers"] for o in dm["options"])
    assert "what it means" not in sec.actors_section(rep)
    rep2 = build_report(offramp.default(), samples=0, thresholds=False)
    assert "what it means" in sec.actors_section(rep2)


def test_a_variant_settling_in_two_states_says_which_forecast_is_which(report):
    rep = copy.deepcopy(report)
    v = rep["variants"][0]
    f = v["forecast_at_settled"][0]
    v["forecast_at_settled"] = [f, {**f, "id": 93}]
    html = sec.variants_section(rep)
    cell = re.search(r"<td>(state \d+: [^<]*<br>state \d+: [^<]*)</td>", html)
    assert cell is not None
    first, second = cell.group(1).split("<br>")
    assert first.startswith(f"state {f['id']}: Terms of a settlement in Ukraine")
    assert second.startswith("state 93: Terms of a settlement in Ukraine")
    # With one settled state the state id is not repeated in every cell.
    single = sec.variants_section(report)
    assert "state 9: Terms" not in single


def test_the_stability_table_of_many_states_is_collapsed(report):
    html = sec.stability_section(report)
    if "Only the equilibria are listed" in html:  # above MAX_STATE_ROWS states
        assert "Stability by state" in html and f"of {report['feasible_states']:,} states" in html
    else:
        assert "<details><summary>Stability by state" in html  # many rows: closed
    small = build_report(get_builtin("chicken"), samples=0, thresholds=False)
    assert "<details open><summary>Stability by state" in sec.stability_section(small)
