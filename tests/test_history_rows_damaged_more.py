"""Damaged history rows, round two (issue 22 item 11): a results blob that decompresses to
gigabytes, scenario text stored as a BLOB, a read-only history folder when only reading."""

from __future__ import annotations

import os
import sqlite3
import stat
import zlib
from pathlib import Path

import pytest

import offramp
from offramp.history import HistoryError, db_path, get_run, list_runs, record_run
from tests.cli_runner import invoke


def _one_run() -> str:
    scenario = offramp.get_builtin("chicken")
    info = record_run("stability", scenario, {}, 0, scenario.stability().to_dict())
    assert info is not None
    return info.id


def _damage(run_id: str, sql: str, *args) -> None:
    with sqlite3.connect(db_path()) as conn:
        conn.execute(sql, (*args, run_id))


def _bomb() -> bytes:
    """64 MB of zeros in about 64 KB."""
    return zlib.compress(b"0" * (1 << 26), 9)


def test_a_results_blob_that_decompresses_to_gigabytes_is_refused(
    home: Path, capsys, monkeypatch
) -> None:
    """A blob expanding a thousandfold (64 MB here, against a limit lowered to 10 MB to keep
    the test fast; gigabytes against the default) stops at the limit: no MemoryError."""
    monkeypatch.setenv("OFFRAMP_LIMIT_HISTORY_RESULTS_BYTES", "10000000")
    run_id = _one_run()
    _damage(run_id, "UPDATE runs SET results = ? WHERE id = ?", _bomb())
    with pytest.raises(HistoryError, match="larger than"):
        get_run(run_id)
    out = invoke(capsys, "runs", "show", run_id)
    assert out.code != 0 and "larger than offramp reads" in out.err, out
    assert "MemoryError" not in out.err and "Traceback" not in out.err


def test_a_results_size_over_the_cap_is_refused_before_decompressing(home: Path) -> None:
    run_id = _one_run()
    _damage(run_id, "UPDATE runs SET results_size = ? WHERE id = ?", 1 << 40)
    with pytest.raises(HistoryError, match="larger than"):
        get_run(run_id)


def test_scenario_text_stored_as_a_blob_is_read_or_reported(home: Path, capsys) -> None:
    run_id = _one_run()
    with sqlite3.connect(db_path()) as conn:
        conn.execute("UPDATE scenario_texts SET text = CAST(text AS BLOB)")
    run = get_run(run_id)
    assert isinstance(run.scenario_text, str) and "Chicken" in run.scenario_text
    with sqlite3.connect(db_path()) as conn:
        conn.execute("UPDATE scenario_texts SET text = ?", (b"\xff\xfe not utf-8",))
    with pytest.warns(UserWarning, match="scenario text"):
        run = get_run(run_id)
    assert run.scenario_text is None
    out = invoke(capsys, "runs", "show", run_id)
    assert out.code == 0 and "Traceback" not in out.err, out


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_history_folder_can_still_be_listed(home: Path, capsys) -> None:
    run_id = _one_run()
    folder = db_path().parent
    mode = folder.stat().st_mode
    files = {p: p.stat().st_mode for p in folder.iterdir()}
    try:
        for p in files:
            p.chmod(0o400)
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        assert [r.id for r in list_runs()] == [run_id]
        assert get_run(run_id).id == run_id
        out = invoke(capsys, "runs", "list")
        assert out.code == 0 and run_id in out.out and "readonly" not in out.err, out
    finally:
        folder.chmod(mode)
        for p, m in files.items():
            p.chmod(m)


def test_listing_and_showing_open_the_history_read_only(home: Path, monkeypatch) -> None:
    """The read commands open the store read-only (so a read-only folder works, which
    root, running these tests here, cannot simulate with permissions)."""
    from offramp.history import store

    run_id = _one_run()
    opened = []
    original = store._open_for_reading

    def spy():
        conn = original()
        opened.append(conn)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("CREATE TABLE intruder (a)")
        return conn

    monkeypatch.setattr(store, "_open_for_reading", spy)
    assert [r.id for r in list_runs()] == [run_id]
    assert get_run(run_id).id == run_id
    assert len(opened) == 2
