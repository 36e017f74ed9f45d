"""The new concepts and the coalition analysis through the command line, the API and the
format: the issue's JSON, located errors for bad coalitions, exit 2 for bad horizons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import offramp
from offramp.errors import InputError
from tests.cli_runner import invoke
from tests.test_bad_input import BASE, check

CONFLICTS = Path(__file__).resolve().parent / "data" / "conflicts"
PD = str(CONFLICTS / "prisoners_dilemma.yaml")
ELMIRA = str(CONFLICTS / "elmira.yaml")


def _json(capsys, *args):
    outcome = invoke(capsys, *args)
    assert outcome.code == 0, outcome
    return json.loads(outcome.out)


def test_stability_sim_json(capsys):
    data = _json(capsys, "stability", PD, "--concept", "sim", "--format", "json")
    assert list(data["stable"]) == ["sim"]
    assert data["stable"]["sim"] == {"Row": [1, 2, 4], "Col": [1, 3, 4]}
    assert data["equilibria"]["sim"] == [1, 4]


def test_stability_lh_json_has_horizon(capsys):
    data = _json(capsys, "stability", PD, "--concept", "lh", "--horizon", "3", "--format", "json")
    assert data["horizon"] == 3
    assert data["stable"]["lh"] == {"Row": [1, 2, 4], "Col": [1, 3, 4]}
    assert data["equilibria"]["lh"] == [1, 4]
    one = _json(capsys, "stability", PD, "-c", "lh", "--horizon", "1", "-c", "nash", "-f", "json")
    assert one["stable"]["lh"] == one["stable"]["nash"]


def test_stability_nm_reports_where_it_settles(capsys):
    data = _json(capsys, "stability", PD, "-c", "nm", "--horizon", "6", "--format", "json")
    assert data["nm_horizon"] == 6
    assert data["nm_settles_at"]["Row"]["1"] == 2  # mutual cooperation: stable from L_2 on
    assert data["nm_unsettled"] == {"Row": [], "Col": []}


def test_stability_coalitions_all_json(capsys):
    data = _json(capsys, "stability", PD, "--coalitions", "all", "--format", "json")
    assert data["coalitions"] == [{"name": "Row+Col", "members": ["Row", "Col"]}]
    assert set(data["coalition_stable"]) == {"nash", "gmr", "smr", "seq"}
    assert data["coalition_stable"]["nash"]["Row+Col"] == [1, 2, 3]
    assert data["coalition_equilibria"] == {"nash": [], "gmr": [1], "smr": [1], "seq": [1]}
    # the contract's keys are unchanged beside them
    assert data["equilibria"]["nash"] == [4]


def test_explain_sim_and_lh_text(capsys):
    out = invoke(capsys, "explain", "1", PD, "--dm", "Row", "--concept", "sim")
    assert out.code == 0
    assert "at the same time, Col moves to defect (ends in state 4" in out.out
    out = invoke(capsys, "explain", "1", PD, "--dm", "Row", "-c", "lh", "--horizon", "2")
    assert out.code == 0
    assert "anticipated: Col moves to defect (state 4); ends in state 4" in out.out
    data = _json(capsys, "explain", "2", PD, "--dm", "Col", "-c", "lh", "--format", "json")
    e = data["explanations"][0]
    assert e["stable"] is False and e["anticipated_path"][0]["takes"] == ["Col.defect"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["stability", ELMIRA, "-c", "lh"], "two decision makers; this conflict has 3"),
        (["stability", ELMIRA, "-c", "nm"], "two decision makers"),
        (["stability", PD, "-c", "lh", "--horizon", "0"], "horizon 0 is out of range"),
        (["stability", PD, "-c", "lh", "--horizon", "100000"], "horizon 100000 is out of range"),
        (["stability", PD, "-c", "nm", "--horizon", "1"], "at least 2"),
        (["stability", PD, "-c", "simm"], "did you mean 'sim'"),
        (["stability", PD, "--coalitions", "some"], "coalitions must be 'all' or 'declared'"),
    ],
)
def test_bad_concept_arguments_exit_2(capsys, args, fragment):
    outcome = invoke(capsys, *args)
    assert outcome.code == 2, outcome
    assert fragment in outcome.err
    assert "Traceback" not in outcome.err


def test_api_refuses_lh_for_three_dms():
    sc = offramp.load(ELMIRA)
    with pytest.raises(InputError, match="two decision makers"):
        sc.stability(["lh"])
    with pytest.raises(InputError, match="out of range"):
        offramp.load(PD).stability(["lh"], horizon=-1)


COALITION = BASE + "coalitions:\n  - name: pair\n    members: [US, CN]\n"


def test_declared_coalition_is_analysed(capsys, tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(COALITION)
    data = _json(capsys, "stability", str(path), "--format", "json")
    assert data["coalitions"] == [{"name": "pair", "members": ["US", "CN"]}]
    assert "pair" in data["coalition_stable"]["seq"]


def test_unknown_dm_in_coalition_is_located(capsys, tmp_path):
    text = COALITION.replace("members: [US, CN]", "members: [US, CNN]")
    check(capsys, tmp_path, text, 22, None, "coalitions[0].members[1]", "did you mean 'CN'")


def test_empty_coalition_is_located(capsys, tmp_path):
    text = COALITION.replace("members: [US, CN]", "members: []")
    check(capsys, tmp_path, text, 22, None, "coalitions[0].members", "no members")


def test_duplicate_coalitions_are_located(capsys, tmp_path):
    twice = COALITION + "  - name: pair\n    members: [CN]\n"
    check(capsys, tmp_path, twice, 23, None, "coalitions[1].name", "duplicate coalition 'pair'")
    same = COALITION + "  - name: other\n    members: [CN, US]\n"
    check(capsys, tmp_path, same, 24, None, "coalitions[1].members", "same members")
    member = COALITION.replace("members: [US, CN]", "members: [US, US]")
    check(capsys, tmp_path, member, 22, None, "coalitions[0].members[1]", "listed twice")


def test_beijing_coalition_answers():
    """The article's joint strategy: a US-China coalition cannot upset today's state, and at
    the article's concession no coalitional equilibrium has Russia negotiating under Chinese
    pressure (docs/scenario-beijing.md). Expectations computed from the analysis, not pinned
    state ids (the built-in scenario's numbers change with its evidence)."""
    from offramp.service.report_content import build_report

    sc = offramp.default()
    report = build_report(sc, variants=False, thresholds=False, samples=0)
    joint = report["coalition_analysis"]
    assert [c["name"] for c in joint["coalitions"]] == ["US-CN", "CN-RU"]
    sq = report["status_quo"]["id"]
    for concept in ("nash", "gmr", "smr", "seq"):
        assert joint["coalition_status_quo"][concept]["US-CN"]["stable"] is True
        assert sq in joint["coalition_stable"][concept]["US-CN"]
    answers = {a["id"]: a for a in joint["coalition_answers"]}
    settlement = answers["pressure-moves-russia"]
    model = sc.conflict
    pressing = {"CN.press", "CN.curb_supplies"}
    for a in answers.values():
        for s in a["holds_in"]:
            assert s in a["coalition_equilibria"]
    for s in settlement["coalition_equilibria"]:
        taken = set(model.taken(s - 1))
        assert not (taken & pressing and "RU.negotiate" in taken)
    assert settlement["holds_in"] == [] and settlement["verdict"] == "no"
    # where the conflict settles when every DM acts alone is a coalitional equilibrium too
    settles = [e["id"] for e in report["settles_at"]["seq"]]
    assert set(settles) <= set(joint["coalition_equilibria"]["seq"])


def test_question_concepts_reach_every_analysis():
    """A question asking under SIM (or L_h) is answered, swept, thresholded and sampled: the
    analyses compute the concepts the questions name, through the registry."""
    from offramp.uncertainty.montecarlo import monte_carlo

    data = offramp.load(PD).spec.to_dict()
    data["status_quo"] = []
    data["parameters"] = {
        "temptation": {"value": 1.0, "distribution": {"type": "uniform", "low": 0, "high": 2}}
    }
    data["preferences"]["Row"] = {
        "weights": [
            {"when": "!Col.defect", "value": 3},
            {"when": "Row.defect", "value": "temptation"},
        ]
    }
    data["questions"] = [
        {
            "id": "coop",
            "ask": "Do both cooperate?",
            "holds_when": "!Row.defect & !Col.defect",
            "concept": "sim",
            "parameter": "temptation",
            "range": [0, 4],
        },
        {
            "id": "coop-lh",
            "ask": "L_h?",
            "holds_when": "!Row.defect & !Col.defect",
            "concept": "lh",
        },
    ]
    sc = offramp.from_dict(data)
    analysis = sc.analyze()
    assert {"sim", "lh"} <= set(analysis.stability.concepts)
    answers = {a.question.id: a for a in sc.answers()}
    assert answers["coop"].evidence["sim"]["settles_at"]
    assert sc.threshold("coop")["criterion"].startswith(
        "'!Row.defect & !Col.defect' holds in a SIM"
    )
    rows = sc.sweep("temptation", [0.5, 3.5]).to_dict()["rows"]
    assert "sim" in rows[0]["equilibria"]
    mc = monte_carlo(sc, 20, seed=1).to_dict()
    assert "sim" in mc["equilibrium_probability"] and "lh" in mc["settles_probability"]


def test_workbench_shows_coalitions_and_explains_new_concepts():
    from fastapi.testclient import TestClient

    from offramp.scenarios import builtin_text
    from offramp.web import create_app

    client = TestClient(create_app())
    text = builtin_text("beijing-broker")
    report = client.post("/api/analyze", json={"text": text}).json()
    assert [c["name"] for c in report["coalition_analysis"]["coalitions"]] == ["US-CN", "CN-RU"]
    state = client.post("/api/state", json={"text": text, "state": 4, "concept": "sim"}).json()
    assert "sim" in state["equilibrium"]
    us = next(d for d in state["decision_makers"] if d["dm"] == "US")
    assert us["explanation"]["concept"] == "sim"
    refused = client.post("/api/state", json={"text": text, "state": 4, "concept": "lh"})
    assert refused.status_code in (400, 422) and "two decision makers" in refused.text
