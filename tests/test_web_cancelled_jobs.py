"""Cancelled workbench Monte Carlo jobs in the run history (issue 22 item 11): recorded as
`cancelled` with the samples they finished (they were recorded as `ok`), and an existing
history gains the status by a migration that keeps every run and its number."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from fastapi.testclient import TestClient

from offramp.history import db_path, get_run, list_runs
from offramp.history.schema import MIGRATIONS, SCHEMA_VERSION, connect
from offramp.scenarios import builtin_text
from offramp.web import create_app


def test_a_cancelled_web_monte_carlo_is_recorded_as_cancelled(home: Path) -> None:
    app = TestClient(create_app())
    text = builtin_text("beijing-broker")
    job = app.post("/api/jobs/uncertainty", json={"text": text, "samples": 200_000}).json()
    deadline = time.monotonic() + 60
    while app.get(f"/api/jobs/{job['id']}").json()["done"] == 0:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.05)
    app.delete(f"/api/jobs/{job['id']}")
    deadline = time.monotonic() + 20
    runs = []
    while not runs and time.monotonic() < deadline:
        runs = [r for r in list_runs() if r.command == "web:uncertainty"]
        time.sleep(0.1)
    assert runs, "the cancelled job was not recorded"
    assert runs[0].status == "cancelled"
    run = get_run(runs[0].id)
    assert 0 < run.results["samples"] < 200_000
    assert run.params["completed"] == run.results["samples"]
    assert run.results["interrupted"] == "interrupted by the user"


def test_a_version_1_history_gains_the_cancelled_status_and_keeps_its_runs(home: Path) -> None:
    path = db_path()
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO runs (seq, id, created_at, command, params, version, status) "
            "VALUES (7, 'abcd1234', '2026-01-01T00:00:00+00:00', 'stability', '{}', '0', 'ok')"
        )
    conn = connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        assert conn.execute("SELECT seq, id FROM runs").fetchall() == [(7, "abcd1234")]
        conn.execute(
            "INSERT INTO runs (id, created_at, command, params, version, status) "
            "VALUES ('beef0001', '2026-01-02T00:00:00+00:00', 'web:uncertainty', '{}', '0', "
            "'cancelled')"
        )
        assert conn.execute("SELECT seq FROM runs WHERE id = 'beef0001'").fetchone()[0] == 8
    finally:
        conn.close()
    assert [r.id for r in list_runs()] == ["beef0001", "abcd1234"]
