"""The workbench's HTTP API and page. Every endpoint is a few lines over the Python API; the
scenario work itself runs in the shared process pool (:mod:`offramp.web.pool`) behind a bounded
queue, and every bad request is answered with a 4xx and a message the page can show."""

from __future__ import annotations

import asyncio
import math
import re
import time
import unicodedata
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

import offramp.web.work as work
from offramp.errors import OfframpError
from offramp.scenarios import list_builtin
from offramp.version import __version__
from offramp.web.jobs import Admission, Busy, Job, Jobs
from offramp.web.pool import PoolExecutor, SharedPool, shared_pool
from offramp.web.security import BODY_SECONDS, MAX_BODY, Guard, content_security_policy

MAX_SAMPLES = 200_000
MAX_REPORT_SAMPLES = 20_000  # a report is one request: bigger Monte Carlo runs are jobs
MAX_SWEEP_VALUES = 2000
REQUEST_SECONDS = 120.0  # longest a check/analysis/report may take, queue included


class ScenarioIn(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")

    text: str = Field(max_length=MAX_BODY)
    file: str = Field(default="scenario.yaml", max_length=500)
    variant: str | None = Field(default=None, max_length=200)

    @field_validator("*", mode="after")
    @classmethod
    def _unicode(cls, value: Any) -> Any:
        """JSON may carry lone surrogates ("\\ud800"): they are not text and would fail
        later, when encoded; refuse them here, at the edge."""
        if isinstance(value, str):
            bad = next((i for i, ch in enumerate(value) if 0xD800 <= ord(ch) <= 0xDFFF), None)
            if bad is not None:
                raise ValueError(f"not valid Unicode text (a lone surrogate at character {bad})")
        return value


class StateIn(ScenarioIn):
    state: int
    concept: str = Field(default="seq", max_length=20)


Short = Annotated[str, StringConstraints(max_length=50)]


class SweepIn(ScenarioIn):
    """``low``/``high``/``step`` may be numbers or the text of the page's fields, read as the
    CLI reads ``--param NAME=FROM:TO:STEP`` (so a bad value gets the CLI's message)."""

    parameter: str = Field(max_length=200)
    low: float | Short
    high: float | Short
    step: float | Short


class MonteCarloIn(ScenarioIn):
    samples: int = Field(default=2000, ge=1, le=MAX_SAMPLES)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    workers: int | None = Field(default=None, ge=1, le=64)


class InverseIn(ScenarioIn):
    goal: str = Field(max_length=2000)
    parameters: list[Short] | None = Field(default=None, max_length=50)
    norm: str = Field(default="l1", pattern="^(l1|linf)$")


class MapIn(ScenarioIn):
    goal: str = Field(max_length=2000)
    x: str = Field(max_length=200)
    x_low: float
    x_high: float
    y: str = Field(max_length=200)
    y_low: float
    y_high: float
    steps: int = Field(default=60, ge=2, le=200)


class ReportIn(ScenarioIn):
    format: str = Field(default="html", pattern="^(html|markdown|json)$")
    samples: int = Field(default=1000, ge=0, le=MAX_REPORT_SAMPLES)


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


def _record(command: str, source: Any, params: dict, seed: int | None, results: Any) -> None:
    try:
        from offramp.history import record_run
    except ImportError:
        return
    record_run(f"web:{command}", source, params, seed, results)


def _field_errors(exc: RequestValidationError) -> str:
    """Pydantic's errors as one sentence, without echoing the input back."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
        message = str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            where, message = "body", "not valid JSON"
        elif err.get("type") == "finite_number":
            message = "must be a finite number"
        parts.append(f"{where}: {message.removeprefix('Value error, ')}")
    return "; ".join(parts) or "invalid request"


def create_app(
    token: str | None = None,
    max_body: int = MAX_BODY,
    *,
    pool: SharedPool | None = None,
    max_jobs: int = 4,
    max_jobs_per_client: int = 2,
    queue: int | None = None,
    request_seconds: float = REQUEST_SECONDS,
    job_idle_seconds: float = 30.0,
    allowed_hosts: tuple[str, ...] = (),
    body_seconds: float = BODY_SECONDS,
) -> FastAPI:
    """The workbench app.

    ``token``: required on every request when set (the CLI sets one whenever the server
    listens beyond loopback); without one, the Host header must name the loopback address the
    server is bound to (or one of ``allowed_hosts``). ``pool``: where the work runs (the
    process's shared pool by default). ``max_jobs``/``max_jobs_per_client``: running sweeps
    and Monte Carlo jobs; ``queue``: checks, analyses and reports in hand at once (running or
    waiting, first come first served; by default 32 per worker process: a burst is queued
    rather than refused, and the queue is still bounded); beyond these the answer is 429 with
    Retry-After. ``request_seconds``: the longest a synchronous request may take.
    ``job_idle_seconds``: a job nobody polls for this long is cancelled (its client has gone).
    ``body_seconds``: how long a client may take to send its request body.
    """
    app = FastAPI(title="offramp workbench", version=__version__, docs_url=None, redoc_url=None)
    app.openapi_url = None
    pool = pool or shared_pool()
    jobs = Jobs(per_client=max_jobs_per_client, total=max_jobs, idle_seconds=job_idle_seconds)
    admission = Admission(queue or 32 * pool.size, pool.size)
    env = Environment(
        loader=PackageLoader("offramp.web", "templates"), autoescape=select_autoescape(["html"])
    )
    static = resources.files("offramp.web").joinpath("static")
    css = static.joinpath("app.css").read_text(encoding="utf-8")
    js = static.joinpath("app.js").read_text(encoding="utf-8")
    page_html = env.get_template("index.html").render(
        version=__version__, css=css, js=js, scenarios=list_builtin()
    )
    app.state.pool, app.state.jobs, app.state.admission = pool, jobs, admission

    def client_of(request: Request) -> str:
        return request.client.host if request.client else ""

    async def in_pool(request: Request, fn, *args) -> tuple[str, Any]:
        """Run one task in the pool behind the bounded queue; give up (and drop the task if it
        has not started) when the client goes or the time limit passes."""
        admission.enter()
        started = time.monotonic()
        future = pool.submit(fn, *args)
        future.add_done_callback(
            lambda f: admission.leave(None if f.cancelled() else time.monotonic() - started)
        )
        waiting = asyncio.wrap_future(future)
        while True:
            done, _ = await asyncio.wait({waiting}, timeout=0.25)
            if done:
                try:
                    return waiting.result()
                except BrokenProcessPool:  # the worker died (killed, out of memory): a new pool
                    pool.reset_broken()
                    raise HTTPException(
                        422,
                        "the worker process running this died (out of memory?); try a smaller "
                        "scenario, or the CLI",
                    ) from None
            if await request.is_disconnected():
                future.cancel()
                raise HTTPException(499, "the client went away")
            if time.monotonic() - started > request_seconds:
                if future.cancel():
                    raise Busy(f"the request waited {request_seconds:g} s for a free worker", 10)
                raise HTTPException(
                    422,
                    f"this took longer than the workbench's limit of {request_seconds:g} s: "
                    "run it with the CLI, which has no time limit",
                )

    def answer(kind: str, payload: Any) -> Any:
        if kind == "problems":
            raise HTTPException(422, {"error": "the scenario has problems", "problems": payload})
        if kind == "error":
            raise HTTPException(422, {"error": payload, "problems": [{"message": payload}]})
        return payload

    @app.get("/", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        response = HTMLResponse(page_html)
        if token and request.query_params.get("token"):  # the Guard has checked it
            response.set_cookie("offramp_token", token, httponly=True, samesite="strict")
        return response

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status_code=204)  # no icon, and no 404 in the browser's console

    @app.get("/api/scenarios")
    def scenarios() -> dict:
        return {"default": list_builtin()[0], "scenarios": list_builtin()}

    @app.get("/api/scenarios/{name}")
    def scenario_text(name: str) -> dict:
        from offramp.scenarios import builtin_text

        try:
            return {"name": name, "text": builtin_text(name)}
        except KeyError:
            raise HTTPException(404, f"no built-in scenario '{name}'") from None

    @app.post("/api/validate")
    async def validate(body: ScenarioIn, request: Request) -> dict:
        kind, payload = await in_pool(request, work.validate, body.text, body.file)
        if kind == "problems":
            return {"ok": False, "problems": payload}
        if kind == "error":
            return {"ok": False, "problems": [{"message": payload}]}
        return payload

    @app.post("/api/analyze")
    async def analyze(body: ScenarioIn, request: Request) -> dict:
        report, source = answer(
            *await in_pool(request, work.analyze, body.text, body.file, body.variant)
        )
        _record(
            "analyze",
            source,
            {"variant": body.variant},
            None,
            {k: v for k, v in report.items() if k != "graph"},
        )
        return report

    @app.post("/api/state")
    async def state(body: StateIn, request: Request) -> dict:
        return answer(
            *await in_pool(
                request, work.state, body.text, body.file, body.variant, body.state, body.concept
            )
        )

    @app.post("/api/report")
    async def report(body: ReportIn, request: Request) -> Response:
        args = (body.text, body.file, body.variant, body.format, body.samples)
        content, media, ext, name, _ = answer(*await in_pool(request, work.report, *args))
        return Response(
            content, media_type=media, headers={"Content-Disposition": download_name(name, ext)}
        )

    @app.post("/api/inverse")
    async def inverse(body: InverseIn, request: Request) -> dict:
        """What would it take: the smallest change of parameters (see ``offramp inverse``)."""
        args = (body.text, body.file, body.variant, body.goal, body.parameters, body.norm)
        data, source = answer(*await in_pool(request, work.inverse, *args))
        _record("inverse", source, {"goal": body.goal, "norm": body.norm}, None, data)
        return data

    @app.post("/api/map")
    async def answer_map(body: MapIn, request: Request) -> dict:
        """The verdict over two parameters, and the heatmap as SVG (see ``offramp map``)."""
        x = (body.x, body.x_low, body.x_high)
        y = (body.y, body.y_low, body.y_high)
        args = (body.text, body.file, body.variant, body.goal, x, y, body.steps)
        return answer(*await in_pool(request, work.answer_map, *args))

    async def scenario_for_job(body: ScenarioIn):
        outcome = await asyncio.to_thread(
            work.guarded, work.load, body.text, body.file, body.variant
        )
        return answer(*outcome)

    @app.post("/api/jobs/sweep")
    async def start_sweep(body: SweepIn, request: Request) -> dict:
        from offramp.analysis.sweeps import SweepResult, parse_param_spec

        spec = f"{body.parameter}={body.low}:{body.high}:{body.step}"
        numbers = [_number(x) for x in (body.low, body.high, body.step)]
        if any(x is not None and not math.isfinite(x) for x in numbers):
            raise HTTPException(422, f"'{spec}': FROM, TO and STEP must be finite numbers")
        try:  # the CLI's own reading of --param, so the messages are the CLI's
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
        scenario = await scenario_for_job(body)
        if name not in scenario.parameters:
            known = ", ".join(scenario.parameters) or "none"
            raise HTTPException(422, f"unknown parameter '{name}' (parameters: {known})")

        def run(job: Job) -> dict:
            rows: list = [None] * len(values)
            pending = list(enumerate(values))
            inflight: dict = {}
            try:  # one task per value, at most the pool's size in flight: cancel is prompt
                while pending or inflight:
                    while pending and len(inflight) < pool.size:
                        k, v = pending.pop(0)
                        args = (body.text, body.file, body.variant, name, float(v))
                        inflight[pool.submit(work.sweep_value, *args)] = k
                    done, _ = wait(list(inflight), timeout=0.1, return_when=FIRST_COMPLETED)
                    for future in done:
                        rows[inflight.pop(future)] = future.result()
                    job.progress(sum(r is not None for r in rows), len(values))
            finally:
                for future in inflight:
                    future.cancel()
            result = SweepResult(name, rows).to_dict()
            _record(
                "sweep",
                scenario,
                {"parameter": name, "values": [float(v) for v in values]},
                None,
                result,
            )
            return result

        job = jobs.start("sweep", run, client_of(request))
        job.total = len(values)
        return job.to_dict()

    @app.post("/api/jobs/uncertainty")
    async def start_mc(body: MonteCarloIn, request: Request) -> dict:
        from offramp.uncertainty.montecarlo import monte_carlo

        scenario = await scenario_for_job(body)

        def run(job: Job) -> dict:
            executor = PoolExecutor(pool, body.workers, job.should_stop)
            result = monte_carlo(scenario, body.samples, body.seed, executor, job.progress)
            data = result.to_dict()
            _record("uncertainty", scenario, {"samples": body.samples}, body.seed, data)
            if result.interrupted:
                job.cancel.set()
            return data

        job = jobs.start("uncertainty", run, client_of(request))
        job.total = body.samples
        return job.to_dict()

    @app.get("/api/jobs/{job_id}")
    def job_status(job_id: str) -> dict:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return job.to_dict()

    @app.delete("/api/jobs/{job_id}")
    @app.post("/api/jobs/{job_id}/cancel")
    def cancel_job(job_id: str) -> dict:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        job.reason = job.reason or "cancelled by the user"
        job.cancel.set()
        return job.to_dict()

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, dict) else {"error": exc.detail}
        return JSONResponse(detail, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": _field_errors(exc)}, status_code=422)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        # a bug, not bad input: say so plainly, without a traceback
        return JSONResponse(
            {"error": f"internal error ({type(exc).__name__}); please report it"},
            status_code=500,
        )

    @app.exception_handler(OfframpError)
    async def input_error(request: Request, exc: OfframpError) -> JSONResponse:
        # bad arguments (a concept that does not cover the conflict, a horizon out of range):
        # the user's input, not a server fault
        return JSONResponse({"error": str(exc)}, status_code=422)

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> JSONResponse:
        return JSONResponse(
            {"error": exc.message, "retry_after": exc.retry_after},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )

    app.add_middleware(
        Guard,
        token=token,
        max_body=max_body,
        body_seconds=body_seconds,
        allowed_hosts=allowed_hosts,
        csp=content_security_policy(js, css),
    )
    return app


__all__ = ["create_app", "download_name"]
