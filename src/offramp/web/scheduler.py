"""The work of the workbench's long jobs (sweeps, Monte Carlo), run by :class:`Jobs` in a
thread of the server: a sweep as one pool task per value with at most the pool's size in flight
(so a cancel is prompt), a Monte Carlo through :class:`PoolExecutor`. Each finished run is kept
in the history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any

import offramp.web.work as work
from offramp.service.runs import record
from offramp.web.bodies import MonteCarloIn, SweepIn
from offramp.web.jobs import Job
from offramp.web.pool import PoolExecutor, SharedPool


def sweep_job(
    pool: SharedPool, body: SweepIn, name: str, values: Sequence[float], scenario: Any
) -> Callable[[Job], dict[str, Any]]:
    """The job sweeping parameter ``name`` of the body's scenario over ``values``."""

    def run(job: Job) -> dict[str, Any]:
        from offramp.analysis.sweeps import SweepResult

        rows: list[Any] = [None] * len(values)
        pending = list(enumerate(values))
        inflight: dict[Future[Any], int] = {}
        try:
            while pending or inflight:
                while pending and len(inflight) < pool.size:
                    k, v = pending.pop(0)
                    args = (body.text, body.file, body.variant, name, float(v), body.as_of)
                    inflight[pool.submit(work.sweep_value, *args)] = k
                done, _ = wait(list(inflight), timeout=0.1, return_when=FIRST_COMPLETED)
                for future in done:
                    rows[inflight.pop(future)] = future.result()
                job.progress(sum(r is not None for r in rows), len(values))
        finally:
            for future in inflight:
                future.cancel()
        result = SweepResult(name, rows).to_dict()
        params = {"parameter": name, "values": [float(v) for v in values]}
        record("web:sweep", scenario, params, None, result)
        return result

    return run


def _status(interrupted: str | None) -> str:
    """The history status of a Monte Carlo job: cancelled by its user (the Monte Carlo's
    "interrupted by the user"), interrupted otherwise (a lost worker), else ok."""
    if interrupted is None:
        return "ok"
    return "cancelled" if "by the user" in interrupted else "interrupted"


def monte_carlo_job(
    pool: SharedPool, body: MonteCarloIn, scenario: Any
) -> Callable[[Job], dict[str, Any]]:
    """The job running the body's Monte Carlo on ``scenario`` in the pool."""

    def run(job: Job) -> dict[str, Any]:
        from offramp.uncertainty.montecarlo import monte_carlo

        executor = PoolExecutor(pool, body.workers, job.should_stop)
        result = monte_carlo(scenario, body.samples, body.seed, executor, job.progress)
        data = result.to_dict(with_margins=not result.interrupted)
        record(
            "web:uncertainty",
            scenario,
            {"samples": body.samples, "completed": result.completed},
            body.seed,
            data,
            status=_status(result.interrupted),
        )
        if result.interrupted:  # cancelled: answered at once, without the report's tables
            job.cancel.set()
            return data
        return {**data, "report_html": uncertainty_html(data, scenario)}

    return run


def uncertainty_html(data: dict[str, Any], scenario: Any) -> str:
    """The report's "Under uncertainty" section for this Monte Carlo (probabilities, where it
    settles, the forecast table and the sensitivity charts), rendered by the report's own
    renderer from the same data, so the tab and the report read the same."""
    from offramp.report.html_sections import uncertainty_section
    from offramp.report.labels import labels_part

    return uncertainty_section({"uncertainty": data, "labels": labels_part(scenario)})
