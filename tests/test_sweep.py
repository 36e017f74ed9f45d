"""Sweeps and threshold searches, through the API and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

import offramp
from offramp.analysis.sweeps import parse_param_spec, threshold
from tests.cli_runner import invoke

SCENARIO = {
    "format": "offramp/1",
    "name": "threshold toy",
    "decision_makers": [
        {"name": "A", "options": [{"name": "give"}]},
        {"name": "B", "options": [{"name": "help"}]},
    ],
    "status_quo": [],
    "parameters": {"price": 1.0},
    "preferences": {
        "A": {"weights": [{"when": "A.give", "value": 1}]},
        # B helps when the price A pays exceeds B's cost of 2.5 (only if A gives)
        "B": {
            "weights": [
                {"when": "B.help & A.give", "value": "price"},
                {"when": "B.help", "value": -2.5},
            ]
        },
    },
    "questions": [
        {
            "id": "helps",
            "ask": "Does B help?",
            "holds_when": "B.help",
            "parameter": "price",
            "range": [0, 10],
            "concept": "nash",
        }
    ],
}


def test_parse_param_spec() -> None:
    name, values = parse_param_spec("x=0:1:0.25")
    assert name == "x"
    np.testing.assert_allclose(values, [0, 0.25, 0.5, 0.75, 1.0])
    for bad in ["x", "x=1", "x=a:b:c", "x=1:0:1", "x=0:1:0"]:
        with pytest.raises(ValueError):
            parse_param_spec(bad)


def test_threshold_found_by_bisection() -> None:
    scenario = offramp.from_dict(SCENARIO)
    q = scenario.spec.questions[0]
    result = threshold(scenario.spec, q)
    assert [t["becomes"] for t in result["transitions"]] == [True]
    assert result["transitions"][0]["value"] == pytest.approx(2.5, abs=1e-4)
    assert result["smallest_value_where_it_holds"] == pytest.approx(2.5, abs=1e-4)
    assert not result["holds_at_low"] and result["holds_at_high"]


def test_sweep_rows_and_changes() -> None:
    scenario = offramp.from_dict(SCENARIO)
    result = scenario.sweep("price", [0, 1, 2, 3, 4])
    assert [r.answers["helps"] for r in result.rows] == ["no", "no", "no", "yes", "yes"]
    assert any(a == 2 and b == 3 for a, b, _ in result.changes())


@pytest.fixture
def toy_file(tmp_path):
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(SCENARIO))
    return path


def test_cli_commands(capsys, toy_file) -> None:
    out = invoke(capsys, "sweep", str(toy_file), "--param", "price=0:4:1", "--format", "json")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert [r["answers"]["helps"] for r in data["rows"]] == ["no", "no", "no", "yes", "yes"]
    out = invoke(capsys, "threshold", "helps", str(toy_file), "--format", "json")
    assert out.code == 0, out.err
    assert json.loads(out.out)["transitions"][0]["value"] == pytest.approx(2.5, abs=1e-4)
    bad = invoke(capsys, "sweep", str(toy_file), "--param", "cost=0:4:1")
    assert bad.code == 2 and "unknown parameter 'cost'" in bad.err
    bad = invoke(capsys, "threshold", "nope", str(toy_file))
    assert bad.code == 2 and "no question 'nope'" in bad.err


def test_default_report_formats(capsys, tmp_path) -> None:
    out = invoke(capsys, "analyze", "--format", "json", "--no-thresholds")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert {q["id"] for q in data["questions"]} >= {"china-presses", "concession-needed"}
    target = tmp_path / "report.md"
    out = invoke(capsys, "analyze", "--format", "markdown", "-o", str(target))
    assert out.code == 0, out.err
    text = target.read_text()
    assert text.startswith("# Will Beijing broker?")
    assert "## Counterfactual variants" in text
    # Labels, not ids, and the threshold at the parameter's precision (issue 10).
    assert "More than 7 for value to China of the US trade concession" in text
    assert "presses) (searched 0 to 15). Today it is " in text
    assert "## Negotiation forecasts" in text and "## Under the declared uncertainty" in text


def _sweep_cases():
    from offramp.scenarios import get_builtin, list_builtin

    for name in list_builtin():
        s = get_builtin(name)
        for p in s.spec.parameters:  # derived ones too: a swept derived parameter is fixed
            yield pytest.param(s, p, id=f"{name}-{p}")
    from tests.test_evidence import load

    evidence = load()  # 'gain' and 'twice' follow 'scale' by formulas
    yield pytest.param(evidence, "scale", id="evidence-scale")
    yield pytest.param(evidence, "gain", id="evidence-gain")
    toy = offramp.from_dict(SCENARIO)
    yield pytest.param(toy, "price", id="toy-price")
    no_sq = offramp.from_dict({k: v for k, v in SCENARIO.items() if k != "status_quo"})
    yield pytest.param(no_sq, "price", id="toy-without-status-quo")


@pytest.mark.parametrize(("scenario", "name"), list(_sweep_cases()))
def test_the_batched_sweep_gives_the_rows_of_one_analysis_per_value(scenario, name):
    """Every row of the batched sweep equals a full analysis of the scenario at that value
    (equilibria, reachable equilibria, where it settles, every answer)."""
    from offramp.analysis.sweeps import _row

    base = float(scenario.spec.parameters[name])
    values = sorted({base, 0.0, -base, 2 * base + 1, base / 3, 7.5, -4.0})
    got = scenario.sweep(name, values)
    for row, v in zip(got.rows, values, strict=True):
        want = _row(scenario.spec, v, name)
        assert (row.equilibria, row.reachable, row.settles, row.answers) == (
            want.equilibria,
            want.reachable,
            want.settles,
            want.answers,
        ), v
