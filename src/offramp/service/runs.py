"""Recording runs in the history, for the CLI and the web alike (one policy: a failure to record
never fails the analysis; see :mod:`offramp.history`)."""

from __future__ import annotations

import time
from typing import Any

from offramp.history import record_run


def record(
    command: str,
    scenario: Any,
    params: dict[str, Any],
    seed: int | None,
    results: Any,
    *,
    status: str = "ok",
    started: float | None = None,
) -> None:
    """Keep a finished run; ``started`` is a ``time.perf_counter()`` reading from its start."""
    duration = None if started is None else time.perf_counter() - started
    record_run(command, scenario, params, seed, results, status=status, duration=duration)
