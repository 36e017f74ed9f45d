"""``offramp forecast`` and ``offramp eval deu`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_runner import invoke
from tests.conftest import REFERENCE

from .conftest import DEU, KTAB

SHARED_CONFLICTS = REFERENCE / "conflicts"


def test_forecast_json_follows_the_contract(capsys) -> None:
    out = invoke(
        capsys, "forecast", str(KTAB / "SOE-Policy.csv"), "--model", "smp", "--format", "json"
    )
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert list(data)[:7] == [
        "model",
        "scenario",
        "dimensions",
        "actors",
        "rounds",
        "forecast",
        "details",
    ]
    assert data["model"] == "smp" and data["dimensions"] == ["Policy Position"]
    assert data["rounds"][0] == {
        "round": 0,
        "positions": {a: data["rounds"][0]["positions"][a] for a in data["actors"]},
    }
    assert data["rounds"][0]["positions"]["XJ"] == [30.0]
    assert len(data["rounds"]) == 20
    assert isinstance(data["forecast"][0], float)


def test_forecast_defaults_to_offramp_and_explains_itself(capsys) -> None:
    out = invoke(capsys, "forecast", str(KTAB / "dummyData_3Dim.csv"))
    assert out.code == 0, out.err
    assert "offramp forecast" in out.out
    assert "who pulls the power-mean value" in out.out and "SActor-02" in out.out


def test_forecast_states_one_forecast_per_dimension(capsys) -> None:
    """Issue 20, item 1: the working (stacked models, who pulls) never reads as a second,
    different forecast; the only 'forecast' per dimension is the model's own."""
    import re

    out = invoke(capsys, "forecast", str(KTAB / "dummyData_3Dim.csv"))
    assert out.code == 0, out.err
    text = " ".join(out.out.split())
    stated = re.findall(r"forecast on (\S+): ([0-9.]+)", text)
    assert stated and len({d for d, _ in stated}) == len(stated)
    assert not re.search(r"(?<![a-z] )\bforecast [0-9]", text)


def test_forecast_text_shows_rounds(capsys) -> None:
    out = invoke(capsys, "forecast", str(KTAB / "dummyData_3Dim.csv"), "-m", "smp")
    assert out.code == 0, out.err
    assert "r10" in out.out and "forecast on Pstn1" in out.out


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        ("s,d,2,1\nA,D,P,X,S\na,x,10,50,50\nb,x,oops,20,30\n", "bad.csv:4:5: capability"),
        ("s,d,2,1\nA,D,P,X,S\na,x,10,50,50\nb,x,5,20\n", "bad.csv:4:"),
        ("s,d,2,1\nA,D,P,X,S\na,x,10,50,50\n", "bad.csv:4:1: line 1 declares 2 actors"),
    ],
)
def test_forecast_bad_csv_exits_2_with_location(capsys, tmp_path: Path, content, expect) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(content)
    out = invoke(capsys, "forecast", str(f))
    assert out.code == 2
    assert expect in out.err.replace(str(tmp_path) + "/", "")
    assert "Traceback" not in out.err + out.out


def test_forecast_usage_errors(capsys) -> None:
    missing = invoke(capsys, "forecast", "no-such-file.csv")
    assert missing.code == 2 and "no-such-file.csv: no such file" in missing.err
    unknown = invoke(capsys, "forecast", str(KTAB / "SOE-Policy.csv"), "-m", "nope")
    assert unknown.code == 2 and "unknown model 'nope'" in unknown.err
    builtin = invoke(capsys, "forecast", "--format", "json")
    assert builtin.code == 0, builtin.err
    data = json.loads(builtin.out)
    assert data["dimensions"] == ["settlement", "tariffs"]
    assert data["actors"] == ["US", "CN", "RU", "UA", "EU"]


def test_forecast_of_a_scenario_without_bargaining(capsys) -> None:
    out = invoke(capsys, "forecast", str(SHARED_CONFLICTS / "chicken.yaml"))
    assert out.code == 2 and "no 'bargaining' section" in out.err


def test_eval_deu_json_follows_the_contract(capsys) -> None:
    out = invoke(
        capsys, "eval", "deu", str(DEU), "--model", "compromise", "--format", "json", "--folds", "5"
    )
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert list(data)[:3] == ["model", "issues", "mae"]
    assert data["issues"] == 180 == len(data["predictions"])
    assert data["mae"] == pytest.approx(20.5, abs=0.05)
    # a model without parameters: in-sample and nested CV are the same forecasts
    assert data["in_sample"]["mae"] == data["mae"] == data["nested_cv"]["mae"]
    assert data["nested_cv"]["scheme"] == "5 folds grouped by proposal"
    assert data["nested_cv"]["folds"] == 5
    assert 0.7 <= data["nested_cv"]["interval_coverage"] <= 0.9
    assert data["default_model"] == "offramp" and data["default"]["name"] == "offramp"
    assert data["difference_to_compromise"]["nested_cv"]["interval_95"] == [0.0, 0.0]
    first = data["predictions"][0]
    assert first["issue"] == "d00032i1"
    assert set(first) == {"issue", "predicted", "outcome", "nested_cv_predicted", "interval_80"}
    assert first["interval_80"][0] <= first["nested_cv_predicted"] <= first["interval_80"][1]


def test_eval_deu_text_table(capsys) -> None:
    out = invoke(capsys, "eval", "deu", str(DEU), "-m", "median")
    assert out.code == 0, out.err
    assert "median" in out.out and "24.37" in out.out


def test_eval_deu_bad_value_is_located(capsys, tmp_path: Path) -> None:
    lines = DEU.read_text().splitlines()
    fields = lines[2].split("\t")
    fields[13] = "x7"
    bad = tmp_path / "bad.tsv"
    bad.write_text("\n".join([lines[0], lines[1], "\t".join(fields)]) + "\n")
    out = invoke(capsys, "eval", "deu", str(bad))
    assert out.code == 2
    assert "bad.tsv:3:14: d00032i1: position of com: expected a number, got 'x7'" in out.err
    assert "Traceback" not in out.err


def test_eval_deu_default_model_in_sample_and_nested_side_by_side(capsys) -> None:
    out = invoke(capsys, "eval", "deu", str(DEU), "--format", "json", "--folds", "4")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert data["model"] == "offramp" == data["default_model"] and data["issues"] == 180
    assert data["mae"] == data["in_sample"]["mae"]
    assert data["in_sample"]["mae"] < 20.48  # fitted on this very file
    # the nested figure re-makes the whole choice in each fold: it cannot be the same numbers
    assert data["nested_cv"]["mae"] != data["in_sample"]["mae"]
    assert sum(data["nested_cv"]["chosen"].values()) == 4
    diff = data["difference_to_compromise"]["nested_cv"]
    assert diff["interval_95"][0] <= diff["mean"] <= diff["interval_95"][1]
    assert diff["resampled"] == "proposals"
    assert data["parameters"]["model"].startswith("stack(")


def test_eval_deu_text_labels_and_caveat_name_the_scored_file(capsys, tmp_path: Path) -> None:
    lines = DEU.read_text().splitlines()
    other = tmp_path / "other-proposals.tsv"
    other.write_text("\n".join(lines[:120]) + "\n")
    out = invoke(capsys, "eval", "deu", str(other), "--folds", "3", "--replicates", "200")
    assert out.code == 0, out.err
    text = " ".join(out.out.split())
    assert "in-sample MAE" in text and "nested-CV MAE" in text and "80% coverage" in text
    assert "offramp (default)" in text
    assert "scored on every issue of other-proposals.tsv" in text
    assert "calibrated on the DEU III dev file" not in text
    assert "default model: offramp" in text


def test_eval_deu_needs_proposals_to_hold_out(capsys, tmp_path: Path) -> None:
    lines = DEU.read_text().splitlines()
    tiny = tmp_path / "tiny.tsv"
    tiny.write_text("\n".join(lines[:4]) + "\n")  # one proposal
    out = invoke(capsys, "eval", "deu", str(tiny))
    assert out.code == 2 and "nested cross-validation by proposal needs at least 3" in out.err
    one = invoke(capsys, "eval", "deu", str(DEU), "--folds", "1")
    assert one.code == 2 and "--folds" in one.err


def test_forecast_shows_an_interval(capsys) -> None:
    out = invoke(capsys, "forecast", "--format", "json")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    lo, hi = data["interval"]["lower"], data["interval"]["upper"]
    assert data["interval"]["level"] == 0.8
    for a, f, b in zip(lo, data["forecast"], hi, strict=True):
        assert 0.0 <= a <= f <= b <= 100.0 and b - a > 0
    text = invoke(capsys, "forecast", "-m", "compromise")
    assert "80% interval" in text.out


@pytest.mark.slow
@pytest.mark.slow  # every model's nested CV on DEU; the default model's is in the fast loop
def test_eval_deu_all_models_table(capsys) -> None:
    out = invoke(capsys, "eval", "deu", str(DEU), "--model", "all", "--capability", "equal")
    assert out.code == 0, out.err
    for name in ("offramp", "compromise", "median", "bdm", "smp", "nash", "agenda", "exchange"):
        assert name in out.out
    assert "capability = equal" in out.out
