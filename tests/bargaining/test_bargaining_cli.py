"""``offramp forecast`` and ``offramp eval deu`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_runner import invoke
from tests.conftest import SHARED

from .conftest import DEU, KTAB

SHARED_CONFLICTS = SHARED / "data" / "conflicts"


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
    assert "who pulls the forecast" in out.out and "SActor-02" in out.out


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
    out = invoke(capsys, "eval", "deu", str(DEU), "--model", "compromise", "--format", "json")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert list(data) == ["model", "issues", "mae", "predictions"]
    assert data["issues"] == 180 == len(data["predictions"])
    assert data["mae"] == pytest.approx(20.5, abs=0.05)
    assert data["predictions"][0]["issue"] == "d00032i1"
    assert set(data["predictions"][0]) == {"issue", "predicted", "outcome"}


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


def test_eval_deu_default_model_with_cross_validation(capsys) -> None:
    out = invoke(capsys, "eval", "deu", str(DEU), "--cv", "--format", "json")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert data["model"] == "offramp" and data["issues"] == 180
    assert data["parameters"] == {"alpha": 0.5, "beta": 0.0}
    assert data["cv_mae"] < 20.48  # the compromise model's MAE on this file


@pytest.mark.slow
def test_eval_deu_all_models_table(capsys) -> None:
    out = invoke(capsys, "eval", "deu", str(DEU), "--model", "all", "--capability", "equal")
    assert out.code == 0, out.err
    for name in ("offramp", "compromise", "median", "bdm", "smp"):
        assert name in out.out
    assert "capability = equal" in out.out
