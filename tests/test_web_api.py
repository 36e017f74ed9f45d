"""The workbench API and its safety rules, without a browser."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

import offramp
from offramp.scenarios import builtin_text
from offramp.web import create_app
from offramp.web.security import is_loopback
from offramp.web.server import HeaderTimeoutProtocol
from tests.cli_runner import invoke

TEXT = builtin_text("beijing-broker")


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def test_page_is_self_contained(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert '<textarea id="editor"' in html
    assert "<script src" not in html and "<link" not in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html


def test_validate_reports_located_problems(client) -> None:
    ok = client.post("/api/validate", json={"text": TEXT}).json()
    states = offramp.from_yaml_text(TEXT).stability().to_dict()["states"]
    assert ok["ok"] and f"{len(states)} feasible states" in ok["summary"]
    assert "no-fear-of-defeat" in ok["variants"]
    bad_text = TEXT.replace("value: -partnership_cost", "value: -partnership_cst")
    bad = client.post("/api/validate", json={"text": bad_text}).json()
    assert not bad["ok"]
    line = next(i for i, x in enumerate(bad_text.splitlines(), 1) if "partnership_cst" in x)
    assert bad["problems"][0]["line"] == line
    assert "did you mean 'partnership_cost'" in bad["problems"][0]["message"]


def test_analyze_state_and_report(client) -> None:
    report = client.post("/api/analyze", json={"text": TEXT}).json()
    assert report["settles_at"]["seq"][0]["taken"] == ["US.relief", "US.sanctions"]
    graph = report["graph"]
    # By default the status quo, the SEQ equilibria and the paths (shared with the HTML
    # report: offramp.report.graph_selection); every state with full=True.
    assert len(graph["nodes"]) < 96 and graph["selection"] == "core" and graph["edges"]
    assert any(e["on_path"] for e in graph["edges"])
    state = client.post("/api/state", json={"text": TEXT, "state": 4}).json()
    us = next(d for d in state["decision_makers"] if d["dm"] == "US")
    assert us["explanation"]["improvements"][0]["improvement"]["takes"] == ["US.relief"]
    assert client.post("/api/state", json={"text": TEXT, "state": 999}).status_code == 422
    md = client.post("/api/report", json={"text": TEXT, "format": "markdown", "samples": 0})
    assert md.status_code == 200
    assert md.headers["content-disposition"].startswith("attachment;")
    assert md.text.startswith("# Will Beijing broker?")


def test_bad_scenario_is_422_not_500(client) -> None:
    r = client.post("/api/analyze", json={"text": "format: offramp/1\nname: [x"})
    assert r.status_code == 422
    assert r.json()["problems"][0]["line"] == 2


def test_sweep_job_progress_and_cancel(client) -> None:
    job = client.post(
        "/api/jobs/sweep",
        json={"text": TEXT, "parameter": "trade_relief", "low": 0, "high": 10, "step": 1},
    ).json()
    for _ in range(200):
        status = client.get(f"/api/jobs/{job['id']}").json()
        if status["status"] != "running":
            break
        time.sleep(0.05)
    assert status["status"] == "done" and status["done"] == status["total"] == 11
    answers = [r["answers"]["china-presses"] for r in status["result"]["rows"]]
    # the job answers as the Python API's sweep of the same scenario does, and the range is
    # chosen so that China's answer flips once inside it (no below the boundary, yes above)
    expected = [
        r.answers["china-presses"] for r in offramp.default().sweep("trade_relief", range(11)).rows
    ]
    assert answers == expected
    flip = expected.index("yes")
    assert flip > 0 and expected[:flip] == ["no"] * flip and set(expected[flip:]) == {"yes"}
    long = client.post(
        "/api/jobs/sweep",
        json={"text": TEXT, "parameter": "trade_relief", "low": 0, "high": 100, "step": 0.1},
    ).json()
    client.delete(f"/api/jobs/{long['id']}")
    for _ in range(200):
        status = client.get(f"/api/jobs/{long['id']}").json()
        if status["status"] != "running":
            break
        time.sleep(0.05)
    assert status["status"] == "cancelled"
    assert status["done"] < 1001


def test_requests_over_the_limit_are_refused() -> None:
    small = TestClient(create_app(max_body=10_000))
    r = small.post("/api/validate", json={"text": "x" * 20_000})
    assert r.status_code == 413


def test_token_required_when_set() -> None:
    guarded = TestClient(create_app(token="s3cret"))
    assert guarded.get("/").status_code == 401
    assert guarded.get("/api/scenarios").status_code == 401
    assert (
        guarded.get("/api/scenarios", headers={"Authorization": "Bearer nope"}).status_code == 401
    )
    assert (
        guarded.get("/api/scenarios", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    )
    first = guarded.get("/?token=s3cret")
    assert first.status_code == 200 and "offramp_token" in first.cookies
    assert guarded.get("/api/scenarios").status_code == 200  # the cookie now carries it


def test_scenarios_cannot_execute_code(client, tmp_path) -> None:
    marker = tmp_path / "pwned"
    evil = f"!!python/object/apply:os.system ['touch {marker}']\n"
    r = client.post("/api/validate", json={"text": evil})
    assert not r.json()["ok"]
    evil2 = TEXT.replace(
        'name: "Will Beijing',
        f"name: !!python/object/apply:os.system ['touch {marker}']\nx: \"Will Beijing",
    )
    client.post("/api/validate", json={"text": evil2})
    assert not marker.exists()


def test_serve_binds_loopback_by_default_and_token_elsewhere(capsys, monkeypatch) -> None:
    import uvicorn

    seen = {}

    def fake_run(app, host, port, log_level, http, lifespan="on"):
        seen.update(host=host, port=port, app=app, http=http, lifespan=lifespan)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    assert invoke(capsys, "serve").code == 0
    assert seen["host"] == "127.0.0.1"
    assert seen["lifespan"] == "off"  # Ctrl-C without the lifespan's traceback
    assert issubclass(seen["http"], HeaderTimeoutProtocol)  # request headers time out
    assert TestClient(seen["app"]).get("/api/scenarios").status_code == 200
    out = invoke(capsys, "serve", "--host", "0.0.0.0", "--port", "9000")
    assert out.code == 0 and "?token=" in out.err
    assert TestClient(seen["app"]).get("/api/scenarios").status_code == 401
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")
