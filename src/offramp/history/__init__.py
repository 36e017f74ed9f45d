"""Run history: every analysis run recorded in an embedded SQLite database, so that an analyst
can list, reopen and compare past runs (``offramp runs list|show|diff``).

Commands call :func:`record_run` once their results exist; it never raises. The database lives
at ``$OFFRAMP_HOME/runs.sqlite`` (default ``~/.local/share/offramp/runs.sqlite``);
``OFFRAMP_HISTORY=0`` turns recording off. See ``docs/run-history.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from offramp.lazy import lazy_exports

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

#: module -> the names it provides: imported on first use (PEP 562, offramp.lazy)
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "offramp.history.diff": ("PathChange", "RunDiff", "diff_runs", "json_diff"),
        "offramp.history.location": ("db_path", "history_enabled"),
        "offramp.history.results": ("result_kind", "summarise"),
        "offramp.history.source": ("ScenarioSource", "text_hash"),
        "offramp.history.store": (
            "AmbiguousRun",
            "DamagedRun",
            "HistoryError",
            "HistoryWarning",
            "Run",
            "RunInfo",
            "RunNotFound",
            "get_run",
            "list_runs",
            "record_run",
        ),
    },
)

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
