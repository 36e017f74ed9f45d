"""The commands of the contract, through the real entry point."""

from __future__ import annotations

import json

import offramp
from tests.cli_runner import invoke
from tests.conftest import REFERENCE

PD = str(REFERENCE / "conflicts" / "prisoners_dilemma.yaml")
ELMIRA = str(REFERENCE / "conflicts" / "elmira.yaml")


def test_no_arguments_analyses_the_default(capsys) -> None:
    outcome = invoke(capsys)
    assert outcome.code == 0, outcome.err
    assert offramp.default().name in outcome.out
    # The default report is short: findings first, the rest behind --full (issue 10).
    assert "Findings" in outcome.out and "Where it settles (SEQ)" in outcome.out


def test_stability_json_is_the_contract(capsys) -> None:
    outcome = invoke(capsys, "stability", PD, "--format", "json")
    assert outcome.code == 0
    data = json.loads(outcome.out)
    assert data == offramp.load(PD).stability().to_dict()
    assert data["equilibria"] == {"nash": [4], "gmr": [1, 4], "smr": [1, 4], "seq": [1, 4]}


def test_stability_text(capsys) -> None:
    outcome = invoke(capsys, "stability", ELMIRA)
    assert outcome.code == 0
    assert "marks per decision maker: MoE, Uniroyal, LocalGovernment" in outcome.out


def test_analyze_json_has_evolution(capsys, tmp_path) -> None:
    text = (REFERENCE / "conflicts" / "elmira.yaml").read_text()
    path = tmp_path / "elmira_sq.yaml"
    path.write_text(text + "status_quo: [Uniroyal.Delay]\n")
    outcome = invoke(capsys, "analyze", str(path), "--format", "json")
    assert outcome.code == 0, outcome.err
    data = json.loads(outcome.out)
    assert data["status_quo"]["taken"] == ["Uniroyal.Delay"]
    nash = data["evolution"]["concepts"]["nash"]
    reachable = [e["taken"] for e in nash["reachable"]]
    # the local government insisting is an improvement for it and leads to a Nash equilibrium
    assert ["Uniroyal.Delay", "LocalGovernment.Insist"] in reachable
    assert all(e["path"] for e in nash["reachable"] if e["steps"] > 0)


def test_explain(capsys) -> None:
    outcome = invoke(capsys, "explain", "1", PD, "--dm", "Row", "--concept", "gmr")
    assert outcome.code == 0, outcome.err
    assert "stable for Row under GMR" in outcome.out
    # options without a label of their own read by their names: "moves to defect"
    assert "Deterred: Col moves to defect (ends in state 4" in outcome.out


def test_schema_is_json_schema(capsys) -> None:
    outcome = invoke(capsys, "schema")
    schema = json.loads(outcome.out)
    assert schema["title"] == "offramp/1 scenario"
    assert {"format", "name", "decision_makers", "preferences"} <= set(schema["required"])


def test_scenarios_list_and_show(capsys) -> None:
    listed = invoke(capsys, "scenarios")
    assert "(default)" in listed.out or "elmira" in listed.out
    shown = invoke(capsys, "scenarios", "show", "elmira")
    assert shown.code == 0
    reloaded = offramp.from_yaml_text(shown.out)
    assert reloaded.name == "Elmira groundwater contamination"
    missing = invoke(capsys, "scenarios", "show", "nope")
    assert missing.code == 2


def test_usage_error_exit_2(capsys) -> None:
    assert invoke(capsys, "stability", PD, "--format", "xml").code == 2
    assert invoke(capsys, "no-such-command").code == 2


def test_internal_error_is_exit_1_without_traceback(capsys, monkeypatch) -> None:
    import offramp.analysis.scenario as facade

    def boom(self):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(facade.Scenario, "stability", boom)
    outcome = invoke(capsys, "stability", PD)
    assert outcome.code == 1
    assert "internal error" in outcome.err and "Traceback" not in outcome.err
    assert "--debug" in outcome.err
    # it names a real place to report (the package's Project-URL) or none: never a made-up URL
    from offramp.cli.output import issues_url

    url = issues_url()
    assert (url in outcome.err) if url else ("http" not in outcome.err)
    debug = invoke(capsys, "--debug", "stability", PD)
    assert "Traceback" in debug.err


def test_analysis_commands_are_recorded_in_the_history(capsys) -> None:
    assert invoke(capsys, "stability", PD, "--format", "json").code == 0
    assert invoke(capsys, "forecast", "--format", "json").code == 0
    assert (
        invoke(capsys, "analyze", "--samples", "50", "--no-thresholds", "--format", "json").code
        == 0
    )
    runs = json.loads(invoke(capsys, "runs", "list", "--format", "json").out)
    commands = [r["command"] for r in (runs["runs"] if isinstance(runs, dict) else runs)]
    assert commands[:3] == ["analyze", "forecast", "stability"]
