"""The run history under damage and prying eyes: a damaged row is skipped with a warning by
`runs list` and shown without its options by `runs show` (never an internal error), and the
store is private to its user (folder 0700, file 0600)."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest

import offramp
from offramp.history import (
    DamagedRun,
    HistoryError,
    HistoryWarning,
    db_path,
    get_run,
    list_runs,
    record_run,
)
from tests.cli_runner import invoke


def _three_runs() -> list[str]:
    scenario = offramp.get_builtin("chicken")
    data = scenario.stability().to_dict()
    return [
        record_run("stability", scenario, {"k": i}, i, data).id  # type: ignore[union-attr]
        for i in range(3)
    ]


def _damage(run_id: str, column: str, value) -> None:
    with sqlite3.connect(db_path()) as conn:
        conn.execute(f"UPDATE runs SET {column} = ? WHERE id = ?", (value, run_id))


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("params", "{not json"),
        ("params", "[1, 2]"),
        ("params", "[" * 5000 + "]" * 5000),
        ("params", b"\xff\xfe"),
        ("created_at", b"\x00"),
        ("duration", "long"),
    ],
)
def test_list_skips_a_damaged_row_with_a_warning(home: Path, column: str, value) -> None:
    ids = _three_runs()
    _damage(ids[1], column, value)
    with pytest.warns(HistoryWarning, match=rf"skipped: run {ids[1]} .* is damaged"):
        runs = list_runs()
    assert [r.id for r in runs] == [ids[2], ids[0]]


def test_show_of_a_row_with_damaged_params_warns_and_shows_the_rest(home: Path) -> None:
    ids = _three_runs()
    _damage(ids[0], "params", "{not json")
    with pytest.warns(HistoryWarning, match="options \\(params\\) are not a JSON object"):
        run = get_run(ids[0])
    assert run.params == {}
    assert run.seed == 0 and run.results is not None


def test_show_of_a_row_damaged_elsewhere_is_a_history_error(home: Path) -> None:
    ids = _three_runs()
    _damage(ids[0], "command", b"\x00")
    with pytest.raises(DamagedRun, match=re.escape("its command is b'\\x00'")):
        get_run(ids[0])
    _damage(ids[1], "results", "not bytes")
    with pytest.raises(HistoryError, match="damaged"):
        get_run(ids[1])


def test_cli_runs_list_and_show_survive_a_damaged_row(home: Path, capsys) -> None:
    ids = _three_runs()
    _damage(ids[1], "params", "{not json")
    out = invoke(capsys, "runs", "list")
    assert out.code == 0, out
    assert ids[0] in out.out and ids[2] in out.out and ids[1] not in out.out
    assert f"offramp: warning: skipped: run {ids[1]}" in out.err
    assert "Traceback" not in out.err and "internal error" not in out.err.lower()
    out = invoke(capsys, "runs", "show", ids[1])
    assert out.code == 0, out
    assert f"Run {ids[1]}" in out.out
    assert "offramp: warning:" in out.err and "showing the run without them" in out.err
    out = invoke(capsys, "runs", "list", "--format", "json")
    assert out.code == 0 and ids[1] not in out.out


def test_cli_runs_show_of_an_unreadable_row_is_a_clean_error(home: Path, capsys) -> None:
    ids = _three_runs()
    _damage(ids[0], "created_at", b"\x01")
    out = invoke(capsys, "runs", "show", ids[0])
    assert out.code == 1
    assert f"offramp: run {ids[0]} (#1) is damaged: its created_at is b'\\x01'" in out.err
    assert "Traceback" not in out.err


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_store_and_folder_are_private(home: Path) -> None:
    old = os.umask(0o022)  # a permissive umask must not leak into the store
    try:
        _three_runs()
    finally:
        os.umask(old)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(db_path().stat().st_mode) == 0o600
    for side in home.glob("runs.sqlite-*"):
        assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0, side


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_existing_world_readable_store_is_tightened(home: Path) -> None:
    _three_runs()
    os.chmod(db_path(), 0o644)
    _three_runs()
    assert stat.S_IMODE(db_path().stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_shared_folder_we_did_not_create_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    monkeypatch.setenv("OFFRAMP_HOME", str(shared))
    monkeypatch.delenv("OFFRAMP_HISTORY", raising=False)
    _three_runs()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert stat.S_IMODE((shared / "runs.sqlite").stat().st_mode) == 0o600
