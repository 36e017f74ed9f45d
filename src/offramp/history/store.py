"""Recording and reading runs.

A run is written once, complete, in a single ``BEGIN IMMEDIATE ... COMMIT`` after its results
exist: there is no "started" row to update later, so a process that dies at any point leaves
either the whole run or nothing (SQLite's WAL rolls an uncommitted transaction back).

:func:`record_run` never raises: history is a convenience, and an analysis must not fail
because its record could not be written. It warns once per process on stderr instead.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import sys
import uuid
import warnings
import zlib
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from offramp.errors import OfframpError
from offramp.history.location import db_path, history_enabled
from offramp.history.schema import connect, connect_read_only
from offramp.history.source import ScenarioSource, capture
from offramp.version import __version__

STATUSES = ("ok", "interrupted", "cancelled", "failed")
ID_LENGTH = 8

# Called inside the write transaction, after the INSERTs and before COMMIT. Only for tests:
# the crash-safety test makes it ``os._exit`` to prove a half-written run is never visible.
_before_commit: Callable[[sqlite3.Connection], None] | None = None
_warned = False


class HistoryError(OfframpError):
    """The history cannot be read (corrupt file, written by a newer offramp, ...): an
    :class:`~offramp.errors.OfframpError`, so the CLI exits 2 and API callers catch it."""


class DamagedRun(HistoryError):
    """A row that cannot be read back (invalid JSON, wrong types): skipped by listings."""


class HistoryWarning(UserWarning):
    """Something in the history was skipped (a damaged row); the rest is still shown."""


class RunNotFound(HistoryError, LookupError):
    """No run has this id or id prefix."""


class AmbiguousRun(HistoryError, LookupError):
    """Several runs share the prefix; ``matches`` lists their ids."""

    def __init__(self, message: str, matches: list[str]):
        super().__init__(message)
        self.matches = matches


@dataclass(frozen=True)
class RunInfo:
    """One run's metadata: everything but the results and the scenario text."""

    id: str
    seq: int
    created_at: str
    command: str
    scenario_name: str | None
    scenario_file: str | None
    scenario_hash: str | None
    variant: str | None
    params: dict[str, Any]
    seed: int | str | None
    version: str
    status: str
    duration: float | None
    results_size: int | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Run(RunInfo):
    """A run in full: metadata, the scenario text as analysed, and the results."""

    scenario_text: str | None = None
    results: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def reopen(self) -> Any:  # an offramp.Scenario (a layer above: not named here)
        """The scenario as it was analysed (as of the evidence date the run records, with its
        variant applied), from the stored text, whatever has happened to the file since."""
        from offramp.analysis.scenario import from_yaml_text

        if self.scenario_text is None:
            raise HistoryError(f"run {self.id} stored no scenario text")
        scenario = from_yaml_text(self.scenario_text, file=f"<run {self.id}>")
        as_of = self.params.get("as_of") if isinstance(self.params, dict) else None
        if isinstance(as_of, str):
            scenario = scenario.as_of(as_of)
        return scenario.variant(self.variant) if self.variant else scenario


# ---------------------------------------------------------------------------- writing


def record_run(
    command: str,
    scenario: Any,
    params: Mapping[str, Any] | None,
    seed: int | None,
    results: Any,
    status: str = "ok",
    duration: float | None = None,
) -> RunInfo | None:
    """Record one finished run; returns its :class:`RunInfo`, or None when history is off
    (``OFFRAMP_HISTORY=0``) or could not be written (a warning is printed once).

    ``scenario``: an :class:`offramp.Scenario` (variant taken from it), a path, a
    :class:`~offramp.history.source.ScenarioSource`, or None. ``params``: the options that
    change the result (JSON-able; numpy values, paths and enums are converted). ``results``:
    the command's JSON-ready output (dict), stored zlib-compressed.
    """
    if not history_enabled():
        return None
    path = db_path()
    try:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        source = capture(scenario)
        row = _encode(command, source, params, seed, results, status, duration)
        with closing(connect(path)) as conn:
            return _insert(conn, source, row)
    except Exception as exc:  # storage of any kind must never break the analysis
        _warn(path, exc)
        return None


def _encode(
    command: str,
    source: ScenarioSource,
    params: Mapping[str, Any] | None,
    seed: Any,
    results: Any,
    status: str,
    duration: float | None,
) -> dict[str, Any]:
    """Everything serialised up front, so the write transaction is as short as possible."""

    payload = json.dumps(results, default=_jsonable, ensure_ascii=False, separators=(",", ":"))
    data = payload.encode("utf-8")
    params_json = json.dumps(dict(params or {}), default=_jsonable, sort_keys=True)
    if isinstance(seed, int) and not -(2**63) <= seed < 2**63:
        seed = str(seed)  # SQLite integers are 64-bit
    elif seed is not None and not isinstance(seed, int):
        seed = str(_jsonable(seed)) if not isinstance(seed, str) else seed
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "command": command,
        "scenario_name": source.name,
        "scenario_file": source.file,
        "scenario_hash": source.hash,
        "variant": source.variant,
        "params": params_json,
        "seed": seed,
        "version": __version__,
        "status": status,
        "duration": None if duration is None else float(duration),
        "results": zlib.compress(data, 6),
        "results_size": len(data),
    }


def _insert(conn: sqlite3.Connection, source: ScenarioSource, row: dict[str, Any]) -> RunInfo:
    conn.execute("BEGIN IMMEDIATE")
    try:
        if source.text is not None:
            conn.execute(
                "INSERT OR IGNORE INTO scenario_texts(hash, text) VALUES (?, ?)",
                (row["scenario_hash"], source.text),
            )
        row["id"] = _new_id(conn)
        columns = ", ".join(row)
        marks = ", ".join(f":{c}" for c in row)
        cursor = conn.execute(f"INSERT INTO runs({columns}) VALUES ({marks})", row)
        seq = cursor.lastrowid
        if _before_commit is not None:
            _before_commit(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return _info(row | {"seq": seq, "params": json.loads(row["params"])})


def _new_id(conn: sqlite3.Connection) -> str:
    """8 hex chars of a uuid4; collisions (1 in 4 billion per pair) are retried under the
    write lock, so the UNIQUE constraint never fires."""
    while True:
        candidate = uuid.uuid4().hex[:ID_LENGTH]
        if conn.execute("SELECT 1 FROM runs WHERE id = ?", (candidate,)).fetchone() is None:
            return candidate


def _jsonable(value: Any) -> Any:
    """``json.dumps`` fallback for what analyses return besides plain data."""
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def _warn(path: Path, exc: BaseException) -> None:
    global _warned
    if _warned:
        return
    _warned = True
    sys.stderr.write(
        f"offramp: warning: this run was not recorded in the run history ({path}): "
        f"{type(exc).__name__}: {exc}. Set OFFRAMP_HISTORY=0 to stop recording.\n"
    )


# ---------------------------------------------------------------------------- reading

_INFO_COLUMNS = (
    "id, seq, created_at, command, scenario_name, scenario_file, scenario_hash, variant, "
    "params, seed, version, status, duration, results_size"
)


def _info(row: Mapping[str, Any]) -> RunInfo:
    names = [f.name for f in dataclasses.fields(RunInfo)]
    return RunInfo(**{n: row[n] for n in names})


def _open_for_reading() -> sqlite3.Connection | None:
    """None when there is no history yet: reading never creates the file."""
    path = db_path()
    if not path.exists():
        return None
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        raise HistoryError(f"cannot read the run history {path}: {exc}") from exc
    conn.row_factory = sqlite3.Row
    return conn


#: column -> the types a readable row holds there
_COLUMN_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "seq": (int,),
    "created_at": (str,),
    "command": (str,),
    "scenario_name": (str, type(None)),
    "scenario_file": (str, type(None)),
    "scenario_hash": (str, type(None)),
    "variant": (str, type(None)),
    "seed": (int, str, type(None)),  # str: seeds past 64 bits are stored as text
    "version": (str, type(None)),
    "status": (str,),
    "duration": (int, float, type(None)),
    "results_size": (int, type(None)),
}


def _row_info(row: sqlite3.Row, *, lenient_params: bool = False) -> RunInfo:
    """The row as a RunInfo; a damaged row raises `DamagedRun` saying what is wrong (with
    ``lenient_params``, damaged params become {} with a `HistoryWarning` instead)."""
    data = dict(row)
    label = f"run {data.get('id')!s} (#{data.get('seq')!s})"
    for column, types in _COLUMN_TYPES.items():
        if not isinstance(data.get(column), types) or isinstance(data.get(column), bool):
            raise DamagedRun(f"{label} is damaged: its {column} is {data.get(column)!r}")
    try:
        params = json.loads(data["params"])
        if not isinstance(params, dict):
            raise ValueError(f"a {type(params).__name__}, not an object")
    except (TypeError, ValueError, RecursionError) as exc:
        why = f"{label} is damaged: its options (params) are not a JSON object ({exc})"
        if not lenient_params:
            raise DamagedRun(why) from None
        warnings.warn(f"{why}; showing the run without them", HistoryWarning, stacklevel=3)
        params = {}
    data["params"] = params
    return _info(data)


def _readable(rows: Iterable[sqlite3.Row]) -> list[RunInfo]:
    """The rows that can be read; each damaged one is skipped with a `HistoryWarning`."""
    out = []
    for row in rows:
        try:
            out.append(_row_info(row))
        except DamagedRun as exc:
            warnings.warn(f"skipped: {exc}", HistoryWarning, stacklevel=3)
    return out


def list_runs(limit: int | None = 20, scenario: str | None = None) -> list[RunInfo]:
    """The most recent runs, newest first. ``scenario`` matches the scenario's name, its file
    path or the file's name (``crisis.yaml``); ``limit`` None or 0 lists all."""
    conn = _open_for_reading()
    if conn is None:
        return []
    sql = f"SELECT {_INFO_COLUMNS} FROM runs"
    args: list[Any] = []
    if scenario is not None:
        sql += (
            " WHERE scenario_name = ? COLLATE NOCASE OR scenario_file = ?"
            " OR scenario_file LIKE ? ESCAPE '\\' OR scenario_file = ?"
        )
        escaped = scenario.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        args += [scenario, scenario, f"%/{escaped}", f"<builtin:{scenario}>"]
    sql += " ORDER BY seq DESC"
    if limit:
        sql += " LIMIT ?"
        args.append(int(limit))
    try:
        with closing(conn):
            return _readable(conn.execute(sql, args))
    except sqlite3.Error as exc:
        raise HistoryError(f"cannot read the run history: {exc}") from exc


def resolve_id(conn: sqlite3.Connection, ref: str) -> str:
    """A run id from an exact id, a unique id prefix, ``#N`` (the run number) or ``last``."""
    ref = ref.strip()
    if ref.lower() in ("last", "latest"):
        row = conn.execute("SELECT id FROM runs ORDER BY seq DESC LIMIT 1").fetchone()
        if row is None:
            raise RunNotFound("the run history is empty")
        return str(row[0])
    if ref.startswith("#") and ref[1:].isdigit():
        row = conn.execute("SELECT id FROM runs WHERE seq = ?", (int(ref[1:]),)).fetchone()
        if row is None:
            raise RunNotFound(f"no run number {ref}")
        return str(row[0])
    if not ref:
        raise RunNotFound("give a run id (see `offramp runs list`)")
    prefix = ref.lower()
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    ids: list[str] = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY seq LIMIT 11",
            (escaped + "%",),
        )
    ]
    if prefix in ids:
        return prefix
    if not ids:
        hint = f"; for run number {ref} write '#{ref}'" if ref.isdigit() else ""
        raise RunNotFound(f"no run with id '{ref}'{hint} (see `offramp runs list`)")
    if len(ids) > 1:
        shown = ", ".join(ids[:10]) + (", ..." if len(ids) > 10 else "")
        raise AmbiguousRun(f"'{ref}' is the start of several run ids: {shown}", ids)
    return ids[0]


def get_run(id_or_prefix: str) -> Run:
    """The full run (scenario text and decoded results). Raises :class:`RunNotFound` or
    :class:`AmbiguousRun` (both ``LookupError``), :class:`HistoryError` if unreadable."""
    conn = _open_for_reading()
    if conn is None:
        raise RunNotFound("the run history is empty: no run has been recorded yet")
    try:
        with closing(conn):
            run_id = resolve_id(conn, id_or_prefix)
            row = conn.execute(
                f"SELECT {_INFO_COLUMNS}, results, t.text AS scenario_text FROM runs "
                "LEFT JOIN scenario_texts t ON t.hash = runs.scenario_hash WHERE id = ?",
                (run_id,),
            ).fetchone()
    except sqlite3.Error as exc:
        raise HistoryError(f"cannot read the run history: {exc}") from exc
    info = _row_info(row, lenient_params=True)
    blob = row["results"]
    try:
        if blob is not None and not isinstance(blob, bytes):
            raise ValueError(f"a {type(blob).__name__}, not compressed bytes")
        results = None if blob is None else json.loads(_decompress(blob, info).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise HistoryError(f"the results of run {info.id} are damaged: {exc}") from exc
    text = _scenario_text(row["scenario_text"], info)
    return Run(**dataclasses.asdict(info), scenario_text=text, results=results)


def _decompress(blob: bytes, info: RunInfo) -> bytes:
    """The results' JSON bytes, never more than the limit ``history_results_bytes``: the
    size the row states is checked first, then decompression stops one byte past the limit
    (a damaged or hostile blob can expand a thousandfold, to gigabytes)."""
    from offramp.scenario.limits import message, value

    cap = int(value("history_results_bytes"))
    stated = info.results_size
    if stated is not None and stated > cap:
        raise HistoryError(
            f"the results of run {info.id} are larger than offramp reads: "
            + message("history_results_bytes", stated)
        )
    inflate = zlib.decompressobj()
    data = inflate.decompress(blob, cap + 1)
    if len(data) > cap or inflate.unconsumed_tail:
        raise HistoryError(
            f"the results of run {info.id} are larger than offramp reads: "
            + message("history_results_bytes", f"more than {cap:,}")
        )
    if not inflate.eof:
        raise ValueError("the compressed results end early")
    return data


def _scenario_text(text: Any, info: RunInfo) -> str | None:
    """The stored scenario text; one stored as bytes (a BLOB) is read as UTF-8, and one that
    is not text at all is dropped with a `HistoryWarning` (the run is still shown)."""
    if text is None or isinstance(text, str):
        return text
    if isinstance(text, bytes):
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError:
            pass
    warnings.warn(
        f"run {info.id}'s scenario text is damaged (a {type(text).__name__} that is not "
        "UTF-8 text); showing the run without it",
        HistoryWarning,
        stacklevel=3,
    )
    return None
