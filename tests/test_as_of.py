"""Evidence as of a date: each figure says when it became known (``published``), an analysis as
of a date reads only what was known then (a later entry of the same figure never leaks in), a
figure with no earlier value is refused at the formula that reads it, and reports say the date
and what was published later."""

from __future__ import annotations

import datetime
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import offramp
from offramp.errors import InputError
from offramp.scenario.errors import ScenarioError
from tests.cli_runner import invoke

BASE = """\
format: offramp/1
name: as-of test
as_of: 2025-03-01
sources:
  - {id: s1, title: T, publisher: P, date: "2024-05-01", url: "https://example.org/a"}
  - {id: s2, title: U, publisher: P, date: "2025-06-01", url: "https://example.org/b"}
evidence:
  - {id: cut, value: 2, unit: "%", year: 2024, published: 2024-05-01, source: s1, quote: "q1"}
  - {id: cut, value: 8, unit: "%", year: 2025, published: 2025-06-01, source: s2, quote: "q2"}
  - {id: base, value: 50, unit: "%", year: 2024, published: 2024-05-01, source: s1, quote: "q3"}
decision_makers:
  - {name: A, options: [{name: x}]}
  - {name: B, options: [{name: y}]}
status_quo: []
parameters:
  gain: {formula: "100 * pct(cut)", note: "derived"}
  cost: 5
  other: {formula: "10 * pct(base)"}
preferences:
  A: {weights: [{when: A.x, value: gain}, {when: A.x, value: -cost}]}
  B: {weights: [{when: B.y, value: other}]}
questions:
  - {id: takes, ask: Does A take x?, holds_when: A.x}
"""


def load(text: str = BASE):
    return offramp.from_yaml_text(text, "t.yaml")


def test_the_scenario_s_own_date_is_the_default() -> None:
    s = load()
    assert s.spec.analysis_date == datetime.date(2025, 3, 1)
    assert s.spec.parameters["gain"] == 2.0  # the entry published 2024-05-01
    latest = s.as_of(None)
    assert latest.spec.analysis_date is None
    assert latest.spec.parameters["gain"] == 8.0
    assert s.as_of("2025-06-01").spec.parameters["gain"] == 8.0
    assert s.as_of(datetime.date(2025, 5, 31)).spec.parameters["gain"] == 2.0


def test_the_answers_follow_the_date() -> None:
    s = load()
    (q,) = s.answers()
    assert q.verdict == "no"  # 2 < 5
    (q,) = s.as_of(None).answers()
    assert q.verdict == "yes"  # 8 > 5


def test_a_figure_not_yet_known_is_refused_at_the_formula() -> None:
    text = BASE.replace(
        '  - {id: cut, value: 2, unit: "%", year: 2024, published: 2024-05-01, source: s1, '
        'quote: "q1"}\n',
        "",
    )
    with pytest.raises(ScenarioError) as exc:
        load(text)
    (p,) = exc.value.problems
    assert p.path == "parameters.gain.formula"
    assert "'cut' was not yet known on the analysis date 2025-03-01" in p.message
    assert "first published 2025-06-01" in p.message
    assert (p.line, p.column) == (15, 30)  # the name in the formula
    assert load(text.replace("as_of: 2025-03-01\n", "")).spec.parameters["gain"] == 8.0


def test_duplicate_ids_need_distinct_dates() -> None:
    text = BASE.replace("published: 2025-06-01", "published: 2024-05-01")
    with pytest.raises(ScenarioError) as exc:
        load(text)
    assert "distinct 'published' dates" in exc.value.problems[0].message


def test_a_bad_date_is_an_input_error() -> None:
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        load().as_of("20/10/2025")


def test_latest_is_every_figure() -> None:
    for when in ("latest", " Latest ", None):
        latest = load().as_of(when)
        assert latest.spec.analysis_date is None and latest.spec.parameters["gain"] == 8.0


@settings(max_examples=40, deadline=None)
@given(
    dates=st.lists(
        st.dates(datetime.date(2020, 1, 1), datetime.date(2026, 12, 31)),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    when=st.dates(datetime.date(2019, 1, 1), datetime.date(2027, 12, 31)),
)
def test_no_later_figure_leaks_into_an_earlier_analysis(dates, when) -> None:
    """Property: with several entries of one figure, the value used as of a date is that of the
    latest entry published on or before it, and no figure in the provenance is later."""
    entries = "".join(
        f'  - {{id: cut, value: {k + 1}, unit: "%", year: 2024, published: {d.isoformat()}, '
        f'source: s1, quote: "q{k}"}}\n'
        for k, d in enumerate(dates)
    )
    text = (
        BASE.replace("as_of: 2025-03-01\n", "")
        .replace(
            '  - {id: cut, value: 2, unit: "%", year: 2024, published: 2024-05-01, source: s1, '
            'quote: "q1"}\n',
            "",
        )
        .replace(
            '  - {id: cut, value: 8, unit: "%", year: 2025, published: 2025-06-01, source: s2, '
            'quote: "q2"}\n',
            entries,
        )
        .replace('published: 2024-05-01, source: s1, quote: "q3"', 'source: s1, quote: "q3"')
    )
    scenario = load(text)
    known = [(d, k + 1) for k, d in enumerate(dates) if d <= when]
    if not known:
        with pytest.raises(ScenarioError, match="not yet known"):
            scenario.as_of(when)
        return
    s = scenario.as_of(when)
    assert s.spec.parameters["gain"] == float(max(known)[1])
    report = offramp.build_report(s, variants=False, thresholds=False, samples=0)
    for fig in report["provenance"]["figures"]:
        assert fig["published"] is None or fig["published"] <= when.isoformat()
    later = (report["what_happened_next"] or {}).get("figures", [])
    assert all(f["published"] > when.isoformat() for f in later)


def test_reports_state_the_date_and_what_happened_next() -> None:
    report = offramp.build_report(load(), variants=False, thresholds=False, samples=0)
    assert report["as_of"] == "2025-03-01"
    assert report["provenance"]["as_of"] == "2025-03-01"
    nxt = report["what_happened_next"]
    assert [f["published"] for f in nxt["figures"]] == ["2025-06-01"]
    assert nxt["parameters"] == {"gain": {"as_of": 2.0, "later": 8.0}}
    assert nxt["questions"][0]["as_of"] == "no"
    assert nxt["questions"][0]["later"] == "yes"
    from offramp.report.markdown import render_markdown

    md = render_markdown(report)
    assert "As of 2025-03-01" in md
    assert "## What happened next" in md


def test_cli_as_of(tmp_path, capsys) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(BASE)
    r = invoke(capsys, "analyze", str(f), "--as-of", "2025-07-01", "-n", "0", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["as_of"] == "2025-07-01"
    assert data["parameters"]["gain"] == 8.0
    assert data["what_happened_next"] is None
    r = invoke(capsys, "analyze", str(f), "--as-of", "July", "-n", "0")
    assert r.code == 2
    assert "YYYY-MM-DD" in r.err
    r = invoke(capsys, "analyze", str(f), "--as-of", "2024-01-01", "-n", "0")
    assert r.code == 2
    assert "not yet known" in r.err
    assert "Traceback" not in r.err


def test_monte_carlo_keeps_the_date() -> None:
    from offramp.uncertainty.montecarlo import ScenarioRecipe

    s = load().as_of("2025-07-01")
    rebuilt = ScenarioRecipe.of(s).build()
    assert rebuilt.spec.analysis_date == datetime.date(2025, 7, 1)
    assert rebuilt.spec.parameters["gain"] == 8.0


def test_before_evidence_is_the_judgment_until_the_figure_is_published() -> None:
    text = BASE.replace(
        '  - {id: cut, value: 2, unit: "%", year: 2024, published: 2024-05-01, source: s1, '
        'quote: "q1"}\n',
        "",
    ).replace(
        'gain: {formula: "100 * pct(cut)", note: "derived"}',
        'gain: {formula: "100 * pct(cut)", note: "derived", before_evidence: {value: 3, '
        'distribution: {type: uniform, low: 1, high: 5}, note: "Analyst judgment: anchor"}}',
    )
    s = load(text)
    assert s.spec.parameters["gain"] == 3.0
    assert s.spec.derivation.fallbacks == {"gain": ["cut"]}
    assert [u.name for u in s.spec.uncertain if u.name == "gain"] == ["gain"]
    report = offramp.build_report(s, variants=False, thresholds=False, samples=0)
    row = next(p for p in report["provenance"]["parameters"] if p["name"] == "gain")
    assert (row["basis"], row["waits_for"]) == ("judgment", ["cut"])
    latest = s.as_of(None)
    assert latest.spec.parameters["gain"] == 8.0 and latest.spec.derivation.fallbacks == {}
    # a Monte Carlo of the early analysis draws the judgment
    from offramp.uncertainty.montecarlo import monte_carlo

    result = monte_carlo(s, 300, seed=2)
    col = result.input_names.index("gain")
    assert result.inputs[:, col].min() >= 1 and result.inputs[:, col].max() <= 5
