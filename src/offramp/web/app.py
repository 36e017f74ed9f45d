"""The workbench's HTTP API and page. Every endpoint is a few lines over the Python API."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, Field

from offramp.analysis.scenario import from_yaml_text
from offramp.errors import OfframpError
from offramp.scenario.errors import ScenarioError
from offramp.scenarios import list_builtin
from offramp.version import __version__
from offramp.web.jobs import Job, Jobs
from offramp.web.security import MAX_BODY, BodyLimit, TokenGate

MAX_SAMPLES = 200_000


class ScenarioIn(BaseModel):
    text: str = Field(max_length=MAX_BODY)
    file: str = "scenario.yaml"
    variant: str | None = None


class StateIn(ScenarioIn):
    state: int
    concept: str = "seq"


class SweepIn(ScenarioIn):
    parameter: str
    low: float
    high: float
    step: float = Field(gt=0)


class MonteCarloIn(ScenarioIn):
    samples: int = Field(default=2000, ge=1, le=MAX_SAMPLES)
    seed: int = 0
    workers: int | None = Field(default=None, ge=1, le=64)


class InverseIn(ScenarioIn):
    goal: str = Field(max_length=2000)
    parameters: list[str] | None = None
    norm: str = "l1"


class MapIn(ScenarioIn):
    goal: str = Field(max_length=2000)
    x: str
    x_low: float
    x_high: float
    y: str
    y_low: float
    y_high: float
    steps: int = Field(default=60, ge=2, le=200)


class ReportIn(ScenarioIn):
    format: str = "html"
    samples: int = Field(default=1000, ge=0, le=MAX_SAMPLES)


def _problems(exc: ScenarioError) -> list[dict]:
    return [p.to_dict() for p in exc.problems]


def _load(body: ScenarioIn):
    """Parse the posted text; bad input is a 422 with located problems, never a 500."""
    try:
        scenario = from_yaml_text(body.text, body.file)
        if body.variant:
            if body.variant not in scenario.variants:
                raise HTTPException(
                    422, {"problems": [{"message": f"no variant '{body.variant}'", "line": None}]}
                )
            scenario = scenario.variant(body.variant)
        return scenario
    except ScenarioError as exc:
        raise HTTPException(422, {"problems": _problems(exc)}) from None


def _record(command: str, scenario, params: dict, seed: int | None, results: Any) -> None:
    try:
        from offramp.history import record_run
    except ImportError:
        return
    record_run(f"web:{command}", scenario, params, seed, results)


def create_app(token: str | None = None, max_body: int = MAX_BODY) -> FastAPI:
    """The workbench app. ``token``: required on every request when set (the CLI sets one
    whenever the server listens beyond loopback)."""
    app = FastAPI(title="offramp workbench", version=__version__, docs_url=None, redoc_url=None)
    jobs = Jobs()
    env = Environment(
        loader=PackageLoader("offramp.web", "templates"), autoescape=select_autoescape(["html"])
    )
    static = resources.files("offramp.web").joinpath("static")

    @app.get("/", response_class=HTMLResponse)
    def page() -> str:
        return env.get_template("index.html").render(
            version=__version__,
            css=static.joinpath("app.css").read_text(encoding="utf-8"),
            js=static.joinpath("app.js").read_text(encoding="utf-8"),
            scenarios=list_builtin(),
        )

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
    def validate(body: ScenarioIn) -> dict:
        try:
            scenario = from_yaml_text(body.text, body.file)
        except ScenarioError as exc:
            return {"ok": False, "problems": _problems(exc)}
        model = scenario.conflict
        return {
            "ok": True,
            "problems": [],
            "warnings": [w.to_dict() for w in scenario.warnings],
            "summary": f"{len(scenario.dm_names)} decision makers, {len(scenario.options)} "
            f"options, {model.n_states:,} feasible states",
            "variants": list(scenario.variants),
            "parameters": scenario.parameters,
            "questions": [
                {"id": q.id, "ask": q.ask, "parameter": q.parameter} for q in scenario.questions
            ],
        }

    @app.post("/api/analyze")
    def analyze(body: ScenarioIn) -> dict:
        from offramp.service.report_content import build_report
        from offramp.web.graph import graph_data

        scenario = _load(body)
        report = build_report(scenario, variants=body.variant is None, samples=0)
        report["graph"] = graph_data(scenario.analyze())
        _record(
            "analyze",
            scenario,
            {"variant": body.variant},
            None,
            {k: v for k, v in report.items() if k != "graph"},
        )
        return report

    @app.post("/api/state")
    def state(body: StateIn) -> dict:
        from offramp.conflict.concepts import CONCEPTS

        scenario = _load(body)
        result = scenario.stability()
        model = result.model
        if not 1 <= body.state <= model.n_states:
            raise HTTPException(422, f"state ids run from 1 to {model.n_states}")
        if body.concept not in CONCEPTS:
            raise HTTPException(422, f"concept must be one of {', '.join(CONCEPTS)}")
        s = body.state - 1
        analysis = scenario.analyze()
        per_dm = []
        for i, dm in enumerate(model.dm_names):
            e = scenario.explain(body.state, dm, body.concept)
            per_dm.append(
                {
                    "dm": dm,
                    "label": scenario.dm_label(dm),
                    "stable": {c: bool(result.stable[c][i, s]) for c in CONCEPTS},
                    "moves": [
                        {"to": int(t) + 1, "taken": model.taken(int(t))}
                        for t in _moves(model, i, s)
                    ],
                    "explanation": e.to_dict(),
                    "text": e.text(model),
                }
            )
        return {
            "id": body.state,
            "taken": model.taken(s),
            "label": analysis.describe_state(s),
            "equilibrium": {c: bool(result.stable[c][:, s].all()) for c in CONCEPTS},
            "decision_makers": per_dm,
        }

    @app.post("/api/jobs/sweep")
    def start_sweep(body: SweepIn) -> dict:
        import numpy as np

        from offramp.analysis.sweeps import sweep

        scenario = _load(body)
        if body.parameter not in scenario.parameters:
            raise HTTPException(422, f"unknown parameter '{body.parameter}'")
        if body.high < body.low or (body.high - body.low) / body.step > 2000:
            raise HTTPException(422, "need low <= high and at most 2000 steps")
        values = body.low + body.step * np.arange(
            int((body.high - body.low) / body.step + 1e-9) + 1
        )

        def work(job: Job) -> dict:
            result = sweep(scenario, body.parameter, values, progress=job.progress).to_dict()
            _record(
                "sweep",
                scenario,
                {"parameter": body.parameter, "values": [float(v) for v in values]},
                None,
                result,
            )
            return result

        return jobs.start("sweep", work).to_dict()

    @app.post("/api/jobs/uncertainty")
    def start_mc(body: MonteCarloIn) -> dict:
        from offramp.uncertainty.executors import LocalExecutor
        from offramp.uncertainty.montecarlo import monte_carlo

        scenario = _load(body)

        def work(job: Job) -> dict:
            result = monte_carlo(
                scenario,
                body.samples,
                body.seed,
                LocalExecutor(body.workers),
                progress=job.progress,
            )
            data = result.to_dict()
            _record("uncertainty", scenario, {"samples": body.samples}, body.seed, data)
            if result.interrupted:
                job.cancel.set()
            return data

        return jobs.start("uncertainty", work).to_dict()

    @app.get("/api/jobs/{job_id}")
    def job_status(job_id: str) -> dict:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return job.to_dict()

    @app.delete("/api/jobs/{job_id}")
    def cancel_job(job_id: str) -> dict:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        job.cancel.set()
        return job.to_dict()

    @app.post("/api/report")
    def report(body: ReportIn) -> Response:
        from offramp.service.report_content import build_report

        scenario = _load(body)
        data = build_report(scenario, variants=body.variant is None, samples=body.samples)
        name = (scenario.name[:40] or "scenario").replace(" ", "-").replace("/", "-")
        if body.format == "json":
            content, media, ext = json.dumps(data, indent=2), "application/json", "json"
        elif body.format == "markdown":
            from offramp.report.markdown import render_markdown

            content, media, ext = render_markdown(data), "text/markdown", "md"
        else:
            try:
                from offramp.report.html import render_html
            except ImportError:
                raise HTTPException(
                    501, "the HTML report is not available in this version"
                ) from None
            content, media, ext = render_html(data, scenario), "text/html", "html"
        return Response(
            content,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="offramp-report-{name}.{ext}"'},
        )

    @app.post("/api/inverse")
    def inverse(body: InverseIn) -> dict:
        """What would it take: the smallest change of parameters (see offramp inverse)."""
        scenario = _load(body)
        try:
            result = scenario.inverse(body.goal, parameters=body.parameters, norm=body.norm)
        except OfframpError as exc:
            raise HTTPException(422, str(exc)) from None
        data = result.to_dict()
        _record("inverse", scenario, {"goal": body.goal, "norm": body.norm}, None, data)
        return data

    @app.post("/api/map")
    def answer_map(body: MapIn) -> dict:
        """The verdict over two parameters, and the heatmap as SVG (see offramp map)."""
        import io

        import matplotlib.pyplot as plt

        from offramp.report.answer_map_figure import answer_map_figure

        scenario = _load(body)
        try:
            data = scenario.answer_map(
                body.goal,
                (body.x, body.x_low, body.x_high),
                (body.y, body.y_low, body.y_high),
                steps=(body.steps, body.steps),
            ).to_dict()
        except OfframpError as exc:
            raise HTTPException(422, str(exc)) from None
        fig = answer_map_figure(data)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(fig)
        svg = buffer.getvalue()
        return {**data, "svg": svg[svg.index("<svg") :]}

    @app.exception_handler(HTTPException)
    async def http_error(request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, dict) else {"error": exc.detail}
        return JSONResponse(detail, status_code=exc.status_code)

    app.add_middleware(TokenGate, token=token)
    app.add_middleware(BodyLimit, limit=max_body)
    return app


def _moves(model, i: int, s: int):
    from offramp.conflict.moves import move_indices

    return move_indices(model)[i].targets(s, "move")
