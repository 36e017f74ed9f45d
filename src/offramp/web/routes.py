"""The workbench's endpoints, each a few lines over :mod:`offramp.web.work` (run in the pool
through :class:`~offramp.web.dispatch.Workbench`) and the job scheduler
(:mod:`offramp.web.scheduler`)."""

from __future__ import annotations

import asyncio
import math
import re
import unicodedata
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

import offramp.web.work as work
from offramp.scenarios import builtin_text, list_builtin
from offramp.service.runs import record
from offramp.web.bodies import (
    MAX_SWEEP_VALUES,
    InverseIn,
    MapIn,
    MonteCarloIn,
    ReportIn,
    ScenarioIn,
    StateIn,
    SweepIn,
)
from offramp.web.dispatch import answer, client_of, workbench
from offramp.web.scheduler import monte_carlo_job, sweep_job

if TYPE_CHECKING:
    from offramp.analysis.scenario import Scenario
    from offramp.history.store import Run

router = APIRouter()


def download_name(scenario_name: str, ext: str) -> str:
    """A Content-Disposition value safe for any scenario name: an ASCII ``filename`` (quotes,
    slashes, control and non-Latin characters replaced) and the full name as RFC 6266/5987
    ``filename*`` in UTF-8, which browsers prefer."""
    name = unicodedata.normalize("NFC", scenario_name)[:60].strip() or "scenario"
    name = re.sub(r"[\x00-\x1f\x7f/\\\"'`:;*?<>|%]+", "-", name).strip("-. ") or "scenario"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "scenario"
    full = f"offramp-report-{name}.{ext}"
    return (
        f'attachment; filename="offramp-report-{ascii_name}.{ext}"; '
        f"filename*=UTF-8''{quote(full, safe='')}"
    )


def _number(value: float | str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


@router.get("/", response_class=HTMLResponse)
def page(request: Request) -> HTMLResponse:
    bench = workbench(request)
    response = HTMLResponse(bench.page_html)
    if bench.token and request.query_params.get("token"):  # the Guard has checked it
        response.set_cookie("offramp_token", bench.token, httponly=True, samesite="strict")
    return response


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)  # no icon, and no 404 in the browser's console


@router.get("/api/scenarios")
def scenarios() -> dict[str, Any]:
    return {"default": list_builtin()[0], "scenarios": list_builtin()}


@router.get("/api/scenarios/{name}")
def scenario_text(name: str) -> dict[str, Any]:
    try:
        return {"name": name, "text": builtin_text(name)}
    except KeyError:
        raise HTTPException(404, f"no built-in scenario '{name}'") from None


@router.post("/api/validate")
async def validate(body: ScenarioIn, request: Request) -> dict[str, Any]:
    kind, payload = await workbench(request).in_pool(
        request, work.validate, body.text, body.file, body.as_of
    )
    if kind == "problems":
        return {"ok": False, "problems": payload}
    if kind == "error":
        return {"ok": False, "problems": [{"message": payload}]}
    checked: dict[str, Any] = payload
    return checked


@router.post("/api/analyze")
async def analyze(body: ScenarioIn, request: Request) -> dict[str, Any]:
    args = (body.text, body.file, body.variant, body.as_of)
    report: dict[str, Any]
    report, (source, as_of) = await workbench(request).run(request, work.analyze, *args)
    results = {k: v for k, v in report.items() if k not in ("graph", "graph_full", "words")}
    record("web:analyze", source, {"variant": body.variant}, None, results, as_of=as_of)
    return report


@router.post("/api/state")
async def state(body: StateIn, request: Request) -> dict[str, Any]:
    args = (body.text, body.file, body.variant, body.state, body.concept, body.as_of)
    explained: dict[str, Any] = await workbench(request).run(request, work.state, *args)
    return explained


@router.post("/api/report")
async def report(body: ReportIn, request: Request) -> Response:
    args = (body.text, body.file, body.variant, body.format, body.samples, body.as_of)
    content, media, ext, name, _ = await workbench(request).run(request, work.report, *args)
    return Response(
        content, media_type=media, headers={"Content-Disposition": download_name(name, ext)}
    )


@router.post("/api/inverse")
async def inverse(body: InverseIn, request: Request) -> dict[str, Any]:
    """What would it take: the smallest change of parameters (see ``offramp inverse``)."""
    args = (body.text, body.file, body.variant, body.goal, body.parameters, body.norm, body.as_of)
    data: dict[str, Any]
    data, (source, as_of) = await workbench(request).run(request, work.inverse, *args)
    params = {"goal": body.goal, "norm": body.norm}
    record("web:inverse", source, params, None, data, as_of=as_of)
    return data


@router.post("/api/map")
async def answer_map(body: MapIn, request: Request) -> dict[str, Any]:
    """The verdict over two parameters, and the heatmap as SVG (see ``offramp map``)."""
    x = (body.x, body.x_low, body.x_high)
    y = (body.y, body.y_low, body.y_high)
    args = (body.text, body.file, body.variant, body.goal, x, y, body.steps, body.as_of)
    mapped: dict[str, Any] = await workbench(request).run(request, work.answer_map, *args)
    return mapped


async def _scenario_for_job(body: ScenarioIn) -> Scenario:
    outcome = await asyncio.to_thread(
        work.guarded, work.load, body.text, body.file, body.variant, body.as_of
    )
    scenario: Scenario = answer(*outcome)
    return scenario


def _sweep_values(body: SweepIn) -> tuple[str, list[float]]:
    """The parameter and its values, read as the CLI reads ``--param`` (so the messages are
    the CLI's), within the workbench's limit on their number."""
    from offramp.analysis.sweeps import parse_param_spec

    spec = f"{body.parameter}={body.low}:{body.high}:{body.step}"
    numbers = [_number(x) for x in (body.low, body.high, body.step)]
    if any(x is not None and not math.isfinite(x) for x in numbers):
        raise HTTPException(422, f"'{spec}': FROM, TO and STEP must be finite numbers")
    try:
        name, values = parse_param_spec(spec)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    except OverflowError:  # (TO - FROM) / STEP beyond any float
        raise HTTPException(422, f"'{spec}': too many values; use a larger STEP") from None
    if len(values) > MAX_SWEEP_VALUES:
        raise HTTPException(
            422,
            f"{len(values)} values is too many for the workbench (at most "
            f"{MAX_SWEEP_VALUES}): use a larger step, or the CLI's `offramp sweep`",
        )
    return name, [float(v) for v in values]


@router.post("/api/jobs/sweep")
async def start_sweep(body: SweepIn, request: Request) -> dict[str, Any]:
    name, values = _sweep_values(body)
    scenario = await _scenario_for_job(body)
    if name not in scenario.spec.parameters:
        known = ", ".join(scenario.spec.parameters) or "none"
        raise HTTPException(422, f"unknown parameter '{name}' (parameters: {known})")
    bench = workbench(request)
    job = bench.jobs.start(
        "sweep", sweep_job(bench.pool, body, name, values, scenario), client_of(request)
    )
    job.total = len(values)
    return job.to_dict()


@router.post("/api/jobs/uncertainty")
async def start_mc(body: MonteCarloIn, request: Request) -> dict[str, Any]:
    scenario = await _scenario_for_job(body)
    bench = workbench(request)
    job = bench.jobs.start(
        "uncertainty", monte_carlo_job(bench.pool, body, scenario), client_of(request)
    )
    job.total = body.samples
    return job.to_dict()


@router.get("/api/jobs/{job_id}")
def job_status(job_id: str, request: Request) -> dict[str, Any]:
    job = workbench(request).jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    return job.to_dict()


@router.delete("/api/jobs/{job_id}")
@router.post("/api/jobs/{job_id}/cancel")
def cancel_job(job_id: str, request: Request) -> dict[str, Any]:
    job = workbench(request).jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    job.reason = job.reason or "cancelled by the user"
    job.cancel.set()
    return job.to_dict()


#: the most runs the workbench lists at once
MAX_LISTED_RUNS = 200


@router.get("/api/runs")
def runs(limit: int = 50) -> dict[str, Any]:
    """The most recent runs of the history (the CLI's and the workbench's), newest first."""
    from offramp.history import db_path, history_enabled, list_runs

    chosen = list_runs(min(max(limit, 1), MAX_LISTED_RUNS))
    return {
        "database": str(db_path()),
        "recording": history_enabled(),
        "runs": [r.to_dict() for r in chosen],
    }


def _run(ref: str) -> Run:
    from offramp.history import AmbiguousRun, RunNotFound, get_run

    try:
        return get_run(ref)
    except (RunNotFound, AmbiguousRun) as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/api/runs/diff")
def runs_diff(a: str, b: str) -> dict[str, Any]:
    """What differs between runs ``a`` and ``b``: the lines ``offramp runs diff`` prints, and
    the structured diff (``offramp runs diff --format json``)."""
    from offramp.history import diff_runs
    from offramp.report.run_diff import diff_lines

    d = diff_runs(_run(a), _run(b))
    return {"lines": [{"kind": k, "text": t} for k, t in diff_lines(d)], "diff": d.to_dict()}


@router.get("/api/runs/{ref}")
def run_detail(ref: str) -> dict[str, Any]:
    """One run with its scenario text as analysed, to reopen it in the editor."""
    run = _run(ref)
    info = {k: v for k, v in run.to_dict().items() if k not in ("results", "params")}
    return {**info, "params": run.params}
