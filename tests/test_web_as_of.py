"""The workbench's as-of field over the API: the same evidence date as the CLI's ``--as-of``
(one service function), the date the results are for, the refusal when a figure had no value
yet, and the date kept in the run history and its comparison."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from offramp.web import create_app
from tests.cli_runner import invoke
from tests.test_as_of import BASE  # 'gain' is 2 as of 2025-03-01, 8 once the 2025-06-01 figure


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def analyse(client, **body):
    return client.post("/api/analyze", json={"text": BASE, "file": "s.yaml", **body})


def test_validate_names_the_scenario_s_own_date_and_the_one_checked(client) -> None:
    own = client.post("/api/validate", json={"text": BASE}).json()
    assert own["ok"] and own["scenario_as_of"] == own["as_of"] == "2025-03-01"
    assert own["parameters"]["gain"] == 2.0
    later = client.post("/api/validate", json={"text": BASE, "as_of": "2025-07-01"}).json()
    assert later["scenario_as_of"] == "2025-03-01" and later["as_of"] == "2025-07-01"
    assert later["parameters"]["gain"] == 8.0
    latest = client.post("/api/validate", json={"text": BASE, "as_of": "latest"}).json()
    assert latest["as_of"] is None and latest["parameters"]["gain"] == 8.0
    undated = BASE.replace("as_of: 2025-03-01\n", "")
    none = client.post("/api/validate", json={"text": undated}).json()
    assert none["scenario_as_of"] is None and none["as_of"] is None


@pytest.mark.parametrize("when", [None, "", "2025-05-31", "2025-07-01", "latest"])
def test_the_answers_are_the_cli_s_for_the_same_date(client, tmp_path, capsys, when) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(BASE)
    args = [] if not when else ["--as-of", when]
    cli = invoke(capsys, "analyze", str(f), *args, "-n", "0", "--format", "json")
    assert cli.code == 0, cli.err
    expected = json.loads(cli.out)
    r = analyse(client, as_of=when)
    assert r.status_code == 200, r.text
    web = r.json()
    for key in ("as_of", "parameters", "questions", "what_happened_next", "provenance"):
        assert web[key] == expected[key], key


def test_the_page_is_told_the_date_and_what_happened_next(client) -> None:
    own = analyse(client).json()
    assert own["as_of"] == "2025-03-01"
    assert [q["verdict"] for q in own["questions"]] == ["no"]  # gain 2 < cost 5
    assert own["words"]["as_of"].startswith("As of 2025-03-01:")
    nxt = own["words"]["what_happened_next"]
    assert any(line.startswith("Published 2025-06-01:") for line in nxt)
    assert any("No as of 2025-03-01; Yes with the later figures (changed)" in x for x in nxt)
    later = analyse(client, as_of="2025-07-01").json()
    assert later["as_of"] == "2025-07-01"
    assert [q["verdict"] for q in later["questions"]] == ["yes"]  # gain 8 > 5
    assert later["words"] == {
        "as_of": "As of 2025-07-01: only the evidence published by then feeds the answers.",
        "what_happened_next": [],
    }
    latest = analyse(client, as_of="latest").json()
    assert latest["as_of"] is None and latest["words"]["as_of"] is None


def test_a_figure_not_yet_known_is_refused_at_its_formula(client) -> None:
    r = analyse(client, as_of="2024-01-01")
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert [q["path"] for q in problems] == ["parameters.gain.formula", "parameters.other.formula"]
    p = problems[0]
    line = next(i for i, x in enumerate(BASE.splitlines(), 1) if "pct(cut)" in x)
    column = BASE.splitlines()[line - 1].index("cut)") + 1
    assert (p["line"], p["column"]) == (line, column)  # the figure's name in the formula
    assert "'cut' was not yet known on the analysis date 2024-01-01" in p["message"]
    assert "first published 2024-05-01" in p["message"]
    body = {"text": BASE, "file": "s.yaml", "as_of": "2024-01-01"}
    check = client.post("/api/validate", json=body).json()
    assert not check["ok"] and check["problems"] == problems
    for path in ("/api/state", "/api/report"):
        extra = {"samples": 0} if path == "/api/report" else {"state": 0}
        refused = client.post(path, json={**body, **extra})
        assert refused.status_code == 422 and refused.json()["problems"] == problems


def test_a_bad_date_gets_the_cli_s_message(client, tmp_path, capsys) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(BASE)
    cli = invoke(capsys, "analyze", str(f), "--as-of", "July", "-n", "0")
    r = analyse(client, as_of="July")
    assert r.status_code == 422
    message = r.json()["error"]
    assert "YYYY-MM-DD" in message and "'latest'" in message
    assert message in " ".join(cli.err.split())
    assert analyse(client, as_of="x" * 41).status_code == 422  # the body's limit


def test_jobs_and_the_report_keep_the_date(client) -> None:
    body = {"text": BASE, "parameter": "cost", "low": 5, "high": 5, "step": 1}
    verdicts = {}
    for when in (None, "2025-07-01"):
        job = client.post("/api/jobs/sweep", json={**body, "as_of": when}).json()
        for _ in range(400):
            status = client.get(f"/api/jobs/{job['id']}").json()
            if status["status"] != "running":
                break
            time.sleep(0.05)
        assert status["status"] == "done", status
        verdicts[when] = status["result"]["rows"][0]["answers"]["takes"]
    assert verdicts == {None: "no", "2025-07-01": "yes"}
    report = client.post(
        "/api/report", json={"text": BASE, "format": "json", "samples": 0, "as_of": "2025-07-01"}
    )
    assert report.status_code == 200 and report.json()["as_of"] == "2025-07-01"


def test_runs_keep_the_date_and_the_comparison_shows_it(home, client, tmp_path, capsys) -> None:
    from offramp.history import get_run, list_runs

    analyse(client)
    analyse(client, as_of="latest")
    web_runs = [r for r in list_runs() if r.command == "web:analyze"]
    assert [r.params["as_of"] for r in web_runs] == ["latest", "2025-03-01"]  # newest first
    assert get_run(web_runs[0].id).reopen().spec.parameters["gain"] == 8.0
    listed = client.get("/api/runs").json()["runs"]
    assert listed[0]["params"]["as_of"] == "latest"
    diff = client.get(f"/api/runs/diff?a={web_runs[1].id}&b={web_runs[0].id}").json()
    assert {"kind": "item", "text": 'as_of: "2025-03-01" -> "latest"'} in diff["lines"]
    f = tmp_path / "s.yaml"
    f.write_text(BASE)
    assert invoke(capsys, "analyze", str(f), "--as-of", "2025-07-01", "-n", "0").code == 0
    cli_run = next(r for r in list_runs() if r.command == "analyze")
    assert cli_run.params["as_of"] == "2025-07-01"  # the CLI records it the same way
    undated = BASE.replace("as_of: 2025-03-01\n", "")
    client.post("/api/analyze", json={"text": undated})
    assert "as_of" not in list_runs()[0].params  # a scenario without dates records none
