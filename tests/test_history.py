"""Run history: recording, reading, comparing, crash safety and concurrency.

Every test points OFFRAMP_HOME at a temporary directory, so nothing touches the real home.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import offramp
from offramp.history import (
    AmbiguousRun,
    HistoryError,
    RunNotFound,
    db_path,
    diff_runs,
    get_run,
    json_diff,
    list_runs,
    record_run,
    result_kind,
    store,
    summarise,
    text_hash,
)
from offramp.history.results import compare
from offramp.history.schema import SCHEMA_VERSION
from offramp.scenarios import builtin_text
from tests.cli_runner import invoke


def _chicken_crash_first() -> str:
    """Chicken where both players like the crash best: one equilibrium instead of two."""
    text = builtin_text("chicken")
    old = (
        '      - "(Row.dare & !Col.dare)"\n      - "(!Row.dare & !Col.dare)"\n'
        '      - "(!Row.dare & Col.dare)"\n      - "(Row.dare & Col.dare)"\n'
    )
    new = (
        '      - "(Row.dare & Col.dare)"\n      - "(Row.dare & !Col.dare)"\n'
        '      - "(!Row.dare & !Col.dare)"\n      - "(!Row.dare & Col.dare)"\n'
    )
    assert old in text and 'name: "Chicken"' in text
    return text.replace(old, new).replace('name: "Chicken"', 'name: "Crash"')


def _record_stability(scenario, **kw):
    return record_run("stability", scenario, {}, None, scenario.stability().to_dict(), **kw)


# ---------------------------------------------------------------------------- basics


def test_location_follows_offramp_home_and_xdg(home: Path, monkeypatch: pytest.MonkeyPatch):
    assert db_path() == home / "runs.sqlite"
    monkeypatch.delenv("OFFRAMP_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
    assert db_path() == home / "xdg" / "offramp" / "runs.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(home / "h"))
    assert db_path() == home / "h" / ".local" / "share" / "offramp" / "runs.sqlite"


def test_record_list_show(home: Path):
    sc = offramp.get_builtin("chicken")
    results = sc.stability().to_dict()
    info = record_run("stability", sc, {"format": "json"}, 7, results, duration=0.25)
    assert info is not None
    assert len(info.id) == 8 and int(info.id, 16) >= 0
    assert info.seq == 1 and info.status == "ok" and info.seed == 7
    assert info.scenario_file == "<builtin:chicken>" and info.scenario_name == "Chicken"
    assert info.version == offramp.__version__
    assert info.created_at.endswith("+00:00")

    [listed] = list_runs(10)
    assert listed == info
    run = get_run(info.id[:3])
    assert run.id == info.id
    assert run.results == results
    assert run.params == {"format": "json"}
    assert run.duration == pytest.approx(0.25)
    assert run.scenario_text == builtin_text("chicken")

    with sqlite3.connect(db_path()) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_list_newest_first_limit_and_scenario_filter(home: Path, tmp_path: Path):
    chicken = offramp.get_builtin("chicken")
    file = tmp_path / "crash.yaml"
    file.write_text(_chicken_crash_first(), encoding="utf-8")
    other = offramp.load(file)
    ids = [_record_stability(s).id for s in (chicken, other, chicken)]
    assert [r.id for r in list_runs(None)] == ids[::-1]
    assert [r.id for r in list_runs(2)] == ids[:0:-1]
    assert [r.id for r in list_runs(None, "chicken")] == [ids[2], ids[0]]
    assert [r.id for r in list_runs(None, "crash.yaml")] == [ids[1]]
    assert [r.id for r in list_runs(None, str(file.resolve()))] == [ids[1]]
    assert list_runs(None, "nothing-like-it") == []


def test_results_are_compressed_and_numpy_is_converted(home: Path):
    big = {"values": np.arange(50_000), "x": np.float64(0.5), "flag": np.bool_(True)}
    info = record_run("generic", None, {"path": Path("/a/b")}, None, big)
    assert info is not None and info.results_size > 200_000
    with sqlite3.connect(db_path()) as conn:
        (blob,) = conn.execute("SELECT results FROM runs").fetchone()
    assert len(blob) < info.results_size / 2
    run = get_run(info.id)
    assert run.results["values"][-1] == 49_999 and run.results["x"] == 0.5
    assert run.results["flag"] is True
    assert run.params == {"path": "/a/b"}
    assert run.scenario_hash is None and run.scenario_text is None


def test_huge_seed_is_kept(home: Path):
    seed = 2**100 + 1
    info = record_run("uncertainty", None, {}, seed, {})
    assert info is not None
    assert get_run(info.id).seed == str(seed)


def test_run_ids_and_prefixes(home: Path, monkeypatch: pytest.MonkeyPatch):
    ids = iter(["abcd0001", "abcd0002", "ef000003"])
    monkeypatch.setattr(store, "_new_id", lambda conn: next(ids))
    for _ in range(3):
        record_run("stability", None, {}, None, {})
    assert get_run("ef").id == "ef000003"
    assert get_run("ABCD0002").id == "abcd0002"
    assert get_run("#1").id == "abcd0001"
    assert get_run("last").id == "ef000003"
    with pytest.raises(AmbiguousRun) as exc:
        get_run("abcd")
    assert exc.value.matches == ["abcd0001", "abcd0002"]
    with pytest.raises(RunNotFound):
        get_run("99")
    with pytest.raises(RunNotFound):
        get_run("#99")
    with pytest.raises(RunNotFound):
        get_run("a%")  # LIKE wildcards are literal


def test_reading_an_empty_history_creates_nothing(home: Path):
    assert list_runs() == []
    with pytest.raises(RunNotFound):
        get_run("abc")
    assert not db_path().exists()


# ---------------------------------------------------------------------------- scenario text


def test_hash_is_sha256_of_the_text_as_loaded(home: Path, tmp_path: Path):
    assert text_hash("abc") == hashlib.sha256(b"abc").hexdigest()
    builtin = offramp.get_builtin("chicken")
    a = _record_stability(builtin)
    b = _record_stability(offramp.get_builtin("chicken"))
    assert a.scenario_hash == b.scenario_hash == text_hash(builtin_text("chicken"))
    file = tmp_path / "chicken.yaml"
    file.write_text(builtin_text("chicken"), encoding="utf-8")
    c = _record_stability(offramp.load(file))
    assert c.scenario_hash == a.scenario_hash  # same text, same hash, wherever it came from
    d = _record_stability(offramp.from_yaml_text(_chicken_crash_first()))
    assert d.scenario_hash != a.scenario_hash
    with sqlite3.connect(db_path()) as conn:  # the text is stored once per hash
        assert conn.execute("SELECT count(*) FROM scenario_texts").fetchone()[0] == 2


def test_reopen_after_the_file_changed(home: Path, tmp_path: Path):
    file = tmp_path / "game.yaml"
    original = builtin_text("chicken")
    file.write_text(original, encoding="utf-8")
    info = _record_stability(offramp.load(file))
    file.write_text(_chicken_crash_first(), encoding="utf-8")
    run = get_run(info.id)
    assert run.scenario_text == original
    assert run.reopen().stability().to_dict() == run.results
    assert offramp.load(file).stability().to_dict() != run.results


def test_reopen_keeps_the_variant(home: Path):
    base = offramp.default()
    name = next(iter(base.spec.variants))
    info = record_run("analyze", base.variant(name), {}, None, {})
    run = get_run(info.id)
    assert run.variant == name and run.scenario_hash == text_hash(builtin_text("beijing-broker"))
    assert run.reopen().spec.variant_name == name


def test_from_dict_scenarios_store_their_data_as_json(home: Path):
    data = json.loads(json.dumps(offramp.get_builtin("chicken").spec.to_dict()))
    sc = offramp.from_dict(data)
    run = get_run(_record_stability(sc).id)
    assert run.reopen().stability().to_dict() == run.results


# ---------------------------------------------------------------------------- failure modes


def test_disabled_records_nothing(home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OFFRAMP_HISTORY", "0")
    assert _record_stability(offramp.get_builtin("chicken")) is None
    assert not home.exists()


def test_storage_failure_warns_once_and_returns_none(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("OFFRAMP_HOME", str(blocker / "home"))
    sc = offramp.get_builtin("chicken")
    assert _record_stability(sc) is None
    assert _record_stability(sc) is None
    err = capsys.readouterr().err
    assert err.count("not recorded in the run history") == 1
    assert "OFFRAMP_HISTORY=0" in err


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root ignores directory permissions"
)
def test_read_only_directory_warns(home: Path, capsys: pytest.CaptureFixture):
    home.mkdir()
    home.chmod(0o500)
    try:
        assert _record_stability(offramp.get_builtin("chicken")) is None
    finally:
        home.chmod(0o700)
    assert "not recorded" in capsys.readouterr().err


def test_bad_status_and_unserialisable_results_do_not_raise(
    home: Path, capsys: pytest.CaptureFixture
):
    assert record_run("x", None, {}, None, {}, status="weird") is None
    store._warned = False
    circular: dict = {}
    circular["self"] = circular
    assert record_run("x", None, {}, None, circular) is None
    assert list_runs() == []


def test_database_from_a_newer_offramp(home: Path, capsys: pytest.CaptureFixture):
    _record_stability(offramp.get_builtin("chicken"))
    with sqlite3.connect(db_path()) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    assert _record_stability(offramp.get_builtin("chicken")) is None
    assert "newer offramp" in capsys.readouterr().err
    with pytest.raises(HistoryError, match="newer offramp"):
        list_runs()


CHILD_PRELUDE = textwrap.dedent(
    """
    import os, sys
    import offramp
    from offramp.history import record_run, store
    sc = offramp.get_builtin("prisoners-dilemma")
    results = sc.stability().to_dict()
    """
)


def _python(code: str, env_home: Path) -> subprocess.Popen:
    env = {**os.environ, "OFFRAMP_HOME": str(env_home)}
    env.pop("OFFRAMP_HISTORY", None)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD_PRELUDE + textwrap.dedent(code)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_crash_between_insert_and_commit_leaves_no_partial_run(home: Path):
    kept = _record_stability(offramp.get_builtin("chicken"))
    child = _python(
        """
        def die(conn):
            assert conn.in_transaction
            assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
            sys.stdout.write("inserted\\n"); sys.stdout.flush()
            os._exit(17)
        store._before_commit = die
        record_run("stability", sc, {}, None, results)
        print("not reached")
        """,
        home,
    )
    out, err = child.communicate(timeout=120)
    assert child.returncode == 17, err
    assert out == "inserted\n"

    with sqlite3.connect(db_path()) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT id FROM runs").fetchall() == [(kept.id,)]
        pd_hash = text_hash(builtin_text("prisoners-dilemma"))
        assert (
            conn.execute("SELECT 1 FROM scenario_texts WHERE hash = ?", (pd_hash,)).fetchall() == []
        )
    assert [r.id for r in list_runs()] == [kept.id]
    after = _record_stability(offramp.get_builtin("prisoners-dilemma"))
    assert after is not None and after.seq == kept.seq + 1  # the sequence was rolled back too


def test_killed_while_writing_in_a_loop(home: Path):
    """SIGKILL at an arbitrary moment: every run that is there is whole."""
    child = _python(
        """
        print("ready", flush=True)
        for i in range(100_000):
            record_run("stability", sc, {"i": i}, i, {"blob": "x" * 50_000, "i": i})
        """,
        home,
    )
    assert child.stdout.readline() == "ready\n"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list_runs(None)) < 5:
        time.sleep(0.05)
    child.kill()
    child.wait(timeout=60)
    with sqlite3.connect(db_path()) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    runs = list_runs(None)
    assert len(runs) >= 5
    for info in runs:
        run = get_run(info.id)
        assert run.results == {"blob": "x" * 50_000, "i": run.params["i"]}
        assert run.scenario_text == builtin_text("prisoners-dilemma")
    assert _record_stability(offramp.get_builtin("chicken")) is not None


def test_concurrent_writers(home: Path):
    code = """
        for i in range(50):
            assert record_run("stability", sc, {"i": i, "who": sys.argv[0]}, i, results) is not None
        """
    children = [_python(code, home) for _ in range(2)]
    for child in children:
        _out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        assert "warning" not in err
    runs = list_runs(None)
    assert len(runs) == 100
    assert len({r.id for r in runs}) == 100
    assert sorted(r.seq for r in runs) == list(range(1, 101))
    with sqlite3.connect(db_path()) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# ---------------------------------------------------------------------------- diff


def test_diff_same_scenario_different_parameters(home: Path):
    sc = offramp.get_builtin("chicken")
    res = sc.stability().to_dict()
    a = record_run("stability", sc, {"concepts": "all", "x": 1}, 1, res)
    b = record_run("stability", sc, {"concepts": "all", "x": 2, "y": True}, 2, res)
    d = diff_runs(a.id, b.id)
    assert d.same_scenario and d.scenario_text_diff is None
    assert {(p.path, p.change, p.a, p.b) for p in d.params} == {
        ("x", "changed", 1, 2),
        ("y", "added", None, True),
    }
    assert d.metadata == {"seed": (1, 2)}
    assert d.identical_results and d.result_changes == []
    json.dumps(d.to_dict())


def test_diff_of_stability_results_in_words(home: Path):
    a = _record_stability(offramp.get_builtin("chicken"))
    b = _record_stability(offramp.from_yaml_text(_chicken_crash_first()))
    d = diff_runs(a.id, b.id)
    assert not d.same_scenario
    assert '-name: "Chicken"\n+name: "Crash"\n' in d.scenario_text_diff
    assert '-      - "(Row.dare & Col.dare)"' in d.scenario_text_diff
    assert '+      - "(Row.dare & Col.dare)"' in d.scenario_text_diff
    assert d.result_kind == "stability"
    assert any(line.startswith("Nash, SEQ: equilibria 2 -> 1") for line in d.result_changes)
    assert any("no longer: 3 (Col.dare)" in line for line in d.result_changes)
    assert d.result_paths  # the generic paths are there too


def test_compare_reports_verdicts_settling_and_probabilities():
    sq = {"id": 1, "taken": [], "description": "nothing"}
    s6 = {"id": 6, "taken": ["A.x"], "description": "A does x"}
    s7 = {"id": 7, "taken": ["B.y"], "description": "B does y"}

    def report(verdict, settles, yes):
        return {
            "status_quo": sq,
            "equilibria": {"seq": [s6, s7]},
            "settles_at": {"seq": [settles]},
            "questions": [{"id": "q1", "ask": "Does A do x?", "verdict": verdict}],
            "variants": [],
            "uncertainty": {
                "samples": 100,
                "questions": [{"id": "q1", "yes": yes, "standard_error_yes": 0.01}],
            },
        }

    a, b = report("no", s6, 0.2), report("yes", s7, 0.5)
    assert result_kind(a) == "report"
    kind, words = compare(a, b)
    assert kind == "report"
    assert "Does A do x? (q1): no -> yes." in words
    assert any("SEQ: now settles at 7 (B does y) instead of 6 (A does x)" in w for w in words)
    assert any("P(yes)" in w and "0.200 -> 0.500 (+0.300)" in w for w in words)
    assert summarise(a)[0] == "Status quo: 1 (nothing)."


def test_compare_montecarlo_flags_sampling_noise():
    def mc(yes):
        return {"samples": 100, "questions": [{"id": "q", "yes": yes, "standard_error_yes": 0.05}]}

    assert result_kind(mc(0.1)) == "montecarlo"
    _, words = compare(mc(0.30), mc(0.32))
    assert words == ["q (q): P(yes) 0.300 -> 0.320 (+0.020) (within sampling error)."]
    _, words = compare(mc(0.1), mc(0.6))
    assert "within" not in words[0]


def test_compare_forecasts():
    def fc(x, model="offramp"):
        return {"model": model, "dimensions": ["settlement"], "forecast": [x]}

    assert result_kind(fc(1)) == "forecast"
    _, words = compare(fc(40.0), fc(47.5, "bdm"))
    assert words == [
        "Forecasting model: offramp -> bdm.",
        "forecast on settlement: 40.00 -> 47.50 (+7.50).",
    ]


def test_generic_json_diff_paths():
    out = []
    n = json_diff(
        {"a": 1, "b": [1, 2, 3], "c": {"d": "x"}, "gone": 0, "same": 1.0},
        {"a": 2, "b": [1, 2], "c": {"d": "y"}, "new": None, "same": 1},
        "",
        out,
    )
    assert n == 5
    assert {(p.path, p.change) for p in out} == {
        (".a", "changed"),
        (".b[2]", "removed"),
        (".c.d", "changed"),
        (".gone", "removed"),
        (".new", "added"),
    }
    assert compare({"rows": [1]}, {"rows": [2]}) == ("generic", [])
    assert compare({"rows": [1]}, {"samples": 1, "questions": []})[0] == "mixed"


# ---------------------------------------------------------------------------- CLI


def test_cli_list_show_diff(home: Path, capsys: pytest.CaptureFixture):
    empty = invoke(capsys, "runs", "list")
    assert empty.code == 0 and "No runs" in empty.out
    a = _record_stability(offramp.get_builtin("chicken"))
    b = _record_stability(offramp.from_yaml_text(_chicken_crash_first()))

    listed = invoke(capsys, "runs", "list")
    assert listed.code == 0 and a.id in listed.out and b.id in listed.out
    as_json = json.loads(invoke(capsys, "runs", "list", "--format", "json").out)
    assert [r["id"] for r in as_json["runs"]] == [b.id, a.id]
    only = json.loads(invoke(capsys, "runs", "list", "-s", "chicken", "-f", "json").out)
    assert [r["id"] for r in only["runs"]] == [a.id]

    shown = invoke(capsys, "runs", "show", a.id)
    assert shown.code == 0 and "Nash equilibria (2)" in shown.out
    full = json.loads(invoke(capsys, "runs", "show", a.id[:4], "-f", "json").out)
    assert full["results"] == offramp.get_builtin("chicken").stability().to_dict()
    text = invoke(capsys, "runs", "show", a.id, "--scenario")
    assert text.out == builtin_text("chicken")

    diff = invoke(capsys, "runs", "diff", a.id, b.id)
    assert diff.code == 0
    assert "Different scenario texts" in diff.out and "Nash, SEQ: equilibria 2 -> 1" in diff.out
    as_json = json.loads(invoke(capsys, "runs", "diff", a.id, b.id, "-f", "json").out)
    assert as_json["same_scenario"] is False and as_json["result_kind"] == "stability"


def test_cli_bad_ids_exit_2(home: Path, capsys: pytest.CaptureFixture, monkeypatch):
    ids = iter(["abcd0001", "abcd0002"])
    monkeypatch.setattr(store, "_new_id", lambda conn: next(ids))
    record_run("stability", None, {}, None, {})
    record_run("stability", None, {}, None, {})
    unknown = invoke(capsys, "runs", "show", "ffff")
    assert unknown.code == 2 and "no run with id 'ffff'" in unknown.err
    ambiguous = invoke(capsys, "runs", "show", "abcd")
    assert ambiguous.code == 2 and "abcd0001, abcd0002" in ambiguous.err
    bad_diff = invoke(capsys, "runs", "diff", "abcd0001", "zzz")
    assert bad_diff.code == 2 and "zzz" in bad_diff.err
