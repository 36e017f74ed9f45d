"""The workbench app, assembled: the endpoints (:mod:`offramp.web.routes`) over the shared
process pool (:mod:`offramp.web.pool`) behind a bounded queue (:mod:`offramp.web.dispatch`),
the long jobs (:mod:`offramp.web.scheduler`), the error answers (:mod:`offramp.web.errors`)
and the request guard (:mod:`offramp.web.security`)."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from jinja2 import Environment, PackageLoader, select_autoescape

from offramp.conflict.concepts import DEFAULT_CONCEPT, concept_short
from offramp.scenarios import list_builtin
from offramp.version import __version__
from offramp.web.dispatch import Workbench
from offramp.web.errors import install as install_error_answers
from offramp.web.jobs import Admission, Jobs
from offramp.web.pool import SharedPool, shared_pool
from offramp.web.routes import download_name, router
from offramp.web.security import BODY_SECONDS, MAX_BODY, Guard, content_security_policy

REQUEST_SECONDS = 120.0  # longest a check/analysis/report may take, queue included


def _page(css: str, js: str) -> str:
    env = Environment(
        loader=PackageLoader("offramp.web", "templates"), autoescape=select_autoescape(["html"])
    )
    return env.get_template("index.html").render(
        version=__version__,
        css=css,
        js=js,
        scenarios=list_builtin(),
        default_concept=DEFAULT_CONCEPT,
        default_concept_short=concept_short(DEFAULT_CONCEPT),
    )


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
    # no generated API pages: /openapi.json, /docs and /redoc describe every endpoint to
    # whoever asks, and the workbench is a page, not a public API
    app = FastAPI(
        title="offramp workbench",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    pool = pool or shared_pool()
    static = resources.files("offramp.web").joinpath("static")
    from offramp.report.charts import CSS as CHARTS_CSS  # the report's charts, in the tabs too

    css = static.joinpath("app.css").read_text(encoding="utf-8") + CHARTS_CSS
    js = static.joinpath("app.js").read_text(encoding="utf-8")
    bench = Workbench(
        pool=pool,
        jobs=Jobs(per_client=max_jobs_per_client, total=max_jobs, idle_seconds=job_idle_seconds),
        admission=Admission(queue or 32 * pool.size, pool.size),
        request_seconds=request_seconds,
        token=token,
        page_html=_page(css, js),
    )
    app.state.workbench = bench
    app.state.pool, app.state.jobs, app.state.admission = bench.pool, bench.jobs, bench.admission
    app.include_router(router)
    install_error_answers(app)
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
