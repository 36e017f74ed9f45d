"""Recording runs in the history, for the CLI and the web alike (one policy: a failure to record
never fails the analysis; see :mod:`offramp.history`)."""

from __future__ import annotations

import time
from typing import Any

from offramp.history import record_run
from offramp.service.as_of import recorded_as_of


def record(
    command: str,
    scenario: Any,
    params: dict[str, Any],
    seed: int | None,
    results: Any,
    *,
    status: str = "ok",
    started: float | None = None,
    as_of: str | None = None,
) -> None:
    """Keep a finished run; ``started`` is a ``time.perf_counter()`` reading from its start.
    The evidence date of the scenario's analysis is kept with the options (``as_of``: read
    from the scenario, or given when ``scenario`` is only its captured source), so a
    comparison of two runs shows it when it differs."""
    duration = None if started is None else time.perf_counter() - started
    as_of = recorded_as_of(scenario) or as_of
    if as_of is not None:
        params = {**params, "as_of": as_of}
    record_run(command, scenario, params, seed, results, status=status, duration=duration)
