"""One number, one truth (issue 20, item 1): every forecast the findings state is the one the
section they summarise shows, and each output states one forecast per dimension per model.

Over every built-in scenario and generated ones (a generated conflict with a generated
negotiation): the findings speak of the case where the conflict settles, the very numbers the
baseline row and the forecast tables show in the terminal, Markdown and HTML reports and in
the JSON the workbench reads."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

import offramp
from offramp.report.html import render_html
from offramp.report.markdown import render_markdown
from offramp.report.text import render_report
from offramp.report.words import disagreements, findings, findings_cases
from offramp.scenarios import get_builtin, list_builtin
from offramp.service.report_content import build_report
from tests.strategies import scenarios

FORECAST_SENTENCE = re.compile(
    r"disagree on (?P<dim>.+?) (?:where the conflict settles \(state (?P<state>\d+)\)|with the "
    r"positions as given) \((?P<lo>\S+) (?P<lov>-?[0-9.]+), (?P<hi>\S+) (?P<hiv>-?[0-9.]+) on"
)
MODEL_VALUE = re.compile(r"(?P<model>[a-z-]+) (?P<value>-?[0-9]+\.[0-9])\b")


def _text(report: dict) -> str:
    buf = io.StringIO()
    render_report(report, Console(file=buf, width=200, no_color=True), full=True)
    return " ".join(buf.getvalue().split())


def _claims(report: dict) -> list[tuple[dict, str, str, float]]:
    """(case, dimension label, model, value) for every forecast a finding states."""
    part = report["bargaining"]
    by_state = {c.get("state"): c for c in findings_cases(report)}
    labels = {d["label"].lower(): k for k, d in enumerate(part["dimensions"])}
    out = []
    for sentence in disagreements(report):
        m = FORECAST_SENTENCE.search(sentence)
        assert m, sentence
        case = by_state[int(m["state"])] if m["state"] else by_state[None]
        dim = m["dim"].lower()
        out += [(case, dim, m["lo"], float(m["lov"])), (case, dim, m["hi"], float(m["hiv"]))]
        tail = sentence.split("here they span", 1)[-1] if "here they span" in sentence else ""
        out += [(case, dim, x["model"], float(x["value"])) for x in MODEL_VALUE.finditer(tail)]
        here = re.search(r"trust (\S+) on where it lands \((-?[0-9.]+) here\)", sentence)
        if here:
            out.append((case, dim, here[1], float(here[2])))
        assert dim in labels, (dim, labels)
    return [(c, d, mo, v) for c, d, mo, v in out]


def check_findings_match_tables(report: dict) -> None:
    part = report.get("bargaining")
    if not part:
        assert not disagreements(report)
        return
    labels = {d["label"].lower(): k for k, d in enumerate(part["dimensions"])}
    text = _text(report)
    markdown = render_markdown(report)
    as_json = json.loads(json.dumps(report))
    for case, dim, model, value in _claims(report):
        k = labels[dim]
        shown = case["forecasts"][model][k]
        assert f"{shown:.1f}" == f"{value:.1f}", (case["name"], dim, model, value, shown)
        # the same case, read back from the JSON (what the workbench receives)
        same = next(c for c in as_json["bargaining"]["cases"] if c["name"] == case["name"])
        assert same["forecasts"][model][k] == shown
        # the Markdown table's row for that case has it in the model's column
        table = markdown.split(f"**{part['dimensions'][k]['label']}**", 1)[1]
        row = next(
            line
            for line in table.splitlines()
            if line.startswith("| ") and line[2:].startswith(case["label"][:20])
        )
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1 + part["models"].index(model)] == f"{shown:.1f}"
        # the terminal's baseline row states the default model's value where it settles
        baseline = "Baseline" in text and case["name"].startswith("settled-")
        if baseline and model == part["default_model"]:
            assert f"{part['dimensions'][k]['label']} {shown:.1f}" in text
    for sentence in disagreements(report):
        assert sentence in findings(report)


def check_one_forecast_per_model(report: dict, page: str | None = None) -> None:
    """Each case gives each model one value per dimension, and the baseline row's forecast is
    the settled case's (never a second number for the same model and dimension)."""
    part = report.get("bargaining")
    if not part:
        return
    for case in part["cases"]:
        assert set(case["forecasts"]) == set(part["models"])
        for values in case["forecasts"].values():
            assert len(values) == len(part["dimensions"])
    settled = [c for c in part["cases"] if c["name"].startswith("settled-") and c.get("settles")]
    for c in settled:
        assert c["state"] in {e["id"] for e in report["settles_at"].get("seq", [])}
    text = _text(report)
    if "Baseline" not in text:  # no questions or variants: no baseline row
        settled = []
    default = part["default_model"]
    for c in settled:
        line = ", ".join(
            f"{d['label']} {v:.1f}"
            for d, v in zip(part["dimensions"], c["forecasts"][default], strict=True)
        )
        assert line in text
    if page is not None:
        body = html.unescape(re.sub(r"<[^>]+>", " ", page))
        body = " ".join(body.split())
        for c in settled:
            for v in c["forecasts"][default]:
                assert f"{v:.1f}" in body


@pytest.mark.parametrize("name", list_builtin())
def test_builtin_findings_state_the_tables_numbers(name):
    scenario = get_builtin(name)
    report = build_report(scenario, samples=0, thresholds=False)
    check_findings_match_tables(report)
    check_one_forecast_per_model(report, render_html(report, scenario))


def test_the_default_scenario_speaks_of_where_it_settles():
    report = build_report(offramp.default(), samples=0, thresholds=False)
    cases = findings_cases(report)
    assert cases and all(c["name"].startswith("settled-") for c in cases)
    # the beijing scenario's forecast models disagree widely on at least one dimension there
    assert _claims(report)


@st.composite
def negotiated_scenarios(draw):
    data = draw(scenarios(2, 3))
    dims = ["alpha", "beta"][: draw(st.integers(1, 2))]
    actors = []
    for k in range(draw(st.integers(2, 4))):
        actors.append(
            {
                "name": f"A{k}",
                "capability": draw(st.integers(1, 100)),
                "positions": {d: draw(st.sampled_from([0, 5, 30, 50, 70, 100])) for d in dims},
                "salience": {d: draw(st.integers(1, 50)) for d in dims},
            }
        )
    data["bargaining"] = {
        "dimensions": [
            {"name": d, "label": f"Issue {d}", "low": "none", "high": "all"} for d in dims
        ],
        "actors": actors,
    }
    return data


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(negotiated_scenarios())
def test_generated_findings_state_the_tables_numbers(data):
    scenario = offramp.from_dict(data)
    report = build_report(scenario, samples=0, thresholds=False)
    check_findings_match_tables(report)
    check_one_forecast_per_model(report)


def test_findings_probabilities_are_the_monte_carlo_tables_numbers():
    """Each probability a finding states is the number the Monte Carlo table shows for that
    question (the bound, or the share and its interval), to the same precision."""
    from offramp.report.markdown import render_markdown as markdown_of

    report = build_report(offramp.default(), samples=200, seed=1, thresholds=False)
    mc = {q["id"]: q for q in report["uncertainty"]["questions"]}
    table = markdown_of(report)
    for sentence, q in zip(findings(report), report["questions"], strict=False):
        yes = mc[q["id"]]["answers"]["yes"]
        if yes["count"] == 0:
            number = f"{yes['upper_bound_95']:.1%}"
            assert f"at most {number}" in sentence
            assert f"≤ {number}" in table
        else:
            number = f"{yes['probability']:.1%}"
            assert number in sentence and number in table
