"""Run history: every analysis run recorded in an embedded SQLite database, so that an analyst
can list, reopen and compare past runs (``offramp runs list|show|diff``).

Commands call :func:`record_run` once their results exist; it never raises. The database lives
at ``$OFFRAMP_HOME/runs.sqlite`` (default ``~/.local/share/offramp/runs.sqlite``);
``OFFRAMP_HISTORY=0`` turns recording off. See ``docs/run-history.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.history.diff import PathChange, RunDiff, diff_runs, json_diff
    from offramp.history.location import db_path, history_enabled
    from offramp.history.results import result_kind, summarise
    from offramp.history.source import ScenarioSource, text_hash
    from offramp.history.store import (
        AmbiguousRun,
        DamagedRun,
        HistoryError,
        HistoryWarning,
        Run,
        RunInfo,
        RunNotFound,
        get_run,
        list_runs,
        record_run,
    )

#: exported name -> (module, name there): imported on first use (PEP 562)
_EXPORTS = {
    "PathChange": ("offramp.history.diff", "PathChange"),
    "RunDiff": ("offramp.history.diff", "RunDiff"),
    "diff_runs": ("offramp.history.diff", "diff_runs"),
    "json_diff": ("offramp.history.diff", "json_diff"),
    "db_path": ("offramp.history.location", "db_path"),
    "history_enabled": ("offramp.history.location", "history_enabled"),
    "result_kind": ("offramp.history.results", "result_kind"),
    "summarise": ("offramp.history.results", "summarise"),
    "ScenarioSource": ("offramp.history.source", "ScenarioSource"),
    "text_hash": ("offramp.history.source", "text_hash"),
    "AmbiguousRun": ("offramp.history.store", "AmbiguousRun"),
    "DamagedRun": ("offramp.history.store", "DamagedRun"),
    "HistoryError": ("offramp.history.store", "HistoryError"),
    "HistoryWarning": ("offramp.history.store", "HistoryWarning"),
    "Run": ("offramp.history.store", "Run"),
    "RunInfo": ("offramp.history.store", "RunInfo"),
    "RunNotFound": ("offramp.history.store", "RunNotFound"),
    "get_run": ("offramp.history.store", "get_run"),
    "list_runs": ("offramp.history.store", "list_runs"),
    "record_run": ("offramp.history.store", "record_run"),
}


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


__all__ = [
    "AmbiguousRun",
    "DamagedRun",
    "HistoryError",
    "HistoryWarning",
    "PathChange",
    "Run",
    "RunDiff",
    "RunInfo",
    "RunNotFound",
    "ScenarioSource",
    "db_path",
    "diff_runs",
    "get_run",
    "history_enabled",
    "json_diff",
    "list_runs",
    "record_run",
    "result_kind",
    "summarise",
    "text_hash",
]
