"""``offramp forecast`` and ``offramp eval deu``: the bargaining engine on the command line.

Bad input never produces a traceback: the problem is printed as ``file:line:col: message``
on stderr and the command exits with status 2.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from offramp.analysis.scenario import load
from offramp.bargaining import BEST_MODEL, MODELS, BargainingInputError, BargainingProblem
from offramp.bargaining import forecast as run_forecast
from offramp.bargaining.result import Forecast
from offramp.scenarios import default

MAX_ROUND_COLUMNS = 12


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


ModelOpt = Annotated[
    str,
    typer.Option(
        "--model",
        "-m",
        help=f"Forecasting model: {', '.join(MODELS)} (default: {BEST_MODEL}, offramp's best).",
    ),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def _fail(message: str) -> None:
    """Print a located input problem to stderr and exit with status 2."""
    Console(stderr=True, highlight=False, soft_wrap=True).print(message, markup=False)
    raise typer.Exit(2)


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _check_model(model: str, allow_all: bool = False) -> None:
    names = list(MODELS) + (["all"] if allow_all else [])
    if model not in names:
        _fail(f"--model: unknown model '{model}'; choose one of {', '.join(names)}")


def _problem_from_scenario(file: Path | None) -> BargainingProblem:
    """The bargaining section of an offramp scenario (the built-in default when no file),
    with the stakes as given (no shift applied: see `offramp analyze` for forecasts at the
    conflict's outcome)."""
    # ScenarioError (exit 2, located) is handled by the app
    scenario = default() if file is None else load(file)
    if scenario.bargaining is None:
        _fail(
            f"{scenario.file}: the scenario has no 'bargaining' section; add one (see "
            "docs/methods/bargaining-scenario.md) or give a KTAB CSV/XML file"
        )
    return scenario.bargaining_problem()


def load_problem(file: Path | None) -> BargainingProblem:
    """Read FILE as a KTAB CSV or XML file, or an offramp scenario: by extension (.csv, .xml),
    else as a scenario (YAML or JSON)."""
    from offramp.bargaining.inputs import read_ktab

    if file is None:
        return _problem_from_scenario(None)
    if not file.exists():
        _fail(f"{file}: no such file")
    if file.suffix.lower() in (".csv", ".xml"):
        return read_ktab(file)
    return _problem_from_scenario(file)


def _console(fc: Forecast | None = None) -> Console:
    """A console wide enough for the round-by-round table even when output is piped
    (rich would otherwise squeeze it into 80 columns and elide the numbers)."""
    width = 100
    if fc is not None:
        name = max((len(a) for a in fc.actors), default=5)
        width = max(width, name + 9 * (min(len(fc.rounds), MAX_ROUND_COLUMNS) + 2) + 8)
    if sys.stdout.isatty():
        return Console(highlight=False)
    return Console(highlight=False, width=width)


def _fmt(x: float) -> str:
    return "-" if x != x else f"{x:.2f}"


def render_forecast(fc: Forecast, out: Console) -> None:
    """Round-by-round positions per dimension, then the forecast and the model's working."""
    title = f"{fc.model} forecast" + (f": {fc.scenario}" if fc.scenario else "")
    out.print(f"[bold]{title}[/bold]")
    n_rounds = len(fc.rounds)
    if n_rounds > MAX_ROUND_COLUMNS:
        shown = sorted(
            {0, 1, 2, 3, 4, 5} | set(range(n_rounds - (MAX_ROUND_COLUMNS - 6), n_rounds))
        )
    else:
        shown = list(range(n_rounds))
    for k, dim in enumerate(fc.dimensions):
        table = Table(title=f"{dim}: positions by round", title_justify="left")
        table.add_column("actor")
        prev = -1
        for t in shown:
            if prev >= 0 and t != prev + 1:
                table.add_column("…", justify="center")
            table.add_column(f"r{t}", justify="right")
            prev = t
        for i, actor in enumerate(fc.actors):
            cells = []
            prev = -1
            for t in shown:
                if prev >= 0 and t != prev + 1:
                    cells.append("…")
                cells.append(_fmt(float(fc.rounds[t][i, k])))
                prev = t
            table.add_row(actor, *cells)
        out.print(table)
        out.print(f"forecast on {dim}: [bold]{_fmt(float(fc.forecast[k]))}[/bold]")
    if fc.model == "offramp":
        d = fc.details
        out.print(
            f"offramp: weighted mean with w = capability^{d['alpha']:g} x salience^{d['beta']:g}"
        )
        for comp in d["components"]:
            table = Table(
                title=f"{comp['dimension']}: who pulls the forecast", title_justify="left"
            )
            for col, just in (
                ("actor", "left"),
                ("position", "right"),
                ("weight share", "right"),
                ("pull", "right"),
            ):
                table.add_column(col, justify=just)
            for a in sorted(comp["actors"], key=lambda a: -a["weight_share"]):
                table.add_row(
                    a["actor"], _fmt(a["position"]), f"{a['weight_share']:.1%}", _fmt(a["pull"])
                )
            out.print(table)
            out.print(
                f"forecast {_fmt(comp['forecast'])} (compromise model: {_fmt(comp['compromise'])})"
            )
    elif fc.model == "smp" and fc.details:
        out.print(f"smp: {fc.details['turns']} turns (KTAB default parameters, deterministic)")
    elif fc.model == "bdm":
        meds = fc.details["weighted_median_by_round"]
        for k, dim in enumerate(fc.dimensions):
            out.print(
                f"bdm weighted median by round on {dim}: " + ", ".join(_fmt(m) for m in meds[k])
            )


def forecast_command(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A KTAB CSV or XML case, or an offramp scenario with a bargaining section.",
            show_default=False,
        ),
    ] = None,
    model: ModelOpt = BEST_MODEL,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """A bargaining forecast: positions round by round and the predicted outcome."""
    _check_model(model)
    try:
        problem = load_problem(file)
        fc = run_forecast(problem, model)
    except BargainingInputError as exc:
        if exc.file is None and file is not None:
            exc.file = str(file)
        _fail(exc.format())
    from offramp.history import record_run

    # the scenario file (or the built-in default, or a KTAB case) is what was analysed
    record_run(
        "forecast",
        file if file is not None else _default_scenario(),
        {"model": model},
        None,
        fc.to_json(),
    )
    if fmt is OutputFormat.json:
        _emit_json(fc.to_json())
    else:
        render_forecast(fc, _console(fc))


def _default_scenario():
    return default()


def eval_deu_command(
    file: Annotated[Path, typer.Argument(help="A DEU-format file (tab-separated).")],
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help=f"Model to score: {', '.join(MODELS)} or all (default: {BEST_MODEL}).",
        ),
    ] = BEST_MODEL,
    fmt: FormatOpt = OutputFormat.text,
    capability: Annotated[
        str,
        typer.Option(
            "--capability",
            help="Capability proxy: gdp (line 2 of the file, default), votes (Council votes, "
            "Nice weights) or equal.",
        ),
    ] = "gdp",
    cv: Annotated[
        bool,
        typer.Option(
            "--cv",
            help="Also cross-validate offramp's calibrated forecaster by proposal (its free "
            "parameters refitted without the proposal being scored).",
        ),
    ] = False,
) -> None:
    """Score a forecasting model on a DEU-format file: mean absolute error on 0-100."""
    from offramp.bargaining.calibrated import cross_validate
    from offramp.bargaining.deu import read_deu, score

    _check_model(model, allow_all=True)
    if not file.exists():
        _fail(f"{file}: no such file")
    try:
        data = read_deu(file, capability=capability)
    except BargainingInputError as exc:
        if exc.file is None:
            exc.file = str(file)
        _fail(exc.format())
    names = list(MODELS) if model == "all" else [model]
    results = []
    for name in names:
        fn = MODELS[name]
        try:
            results.append(score(name, fn, data.issues))
        except BargainingInputError as exc:
            _fail(f"{file}: model {name}: {exc.format()}")
    cv_result = cross_validate(data.issues) if cv else None
    from offramp.history import record_run

    record_run(
        "eval deu",
        file,
        {"model": model, "capability": capability, "cv": cv},
        None,
        {
            "models": [r.to_json() for r in results],
            "cv_mae": None if cv_result is None else cv_result.mae,
        },
    )
    if fmt is OutputFormat.json:
        objs = []
        for r in results:
            obj = r.to_json()
            if r.model == "offramp":
                from offramp.bargaining.calibrated import DEFAULT_ALPHA, DEFAULT_BETA

                obj["parameters"] = {"alpha": DEFAULT_ALPHA, "beta": DEFAULT_BETA}
                if cv_result is not None:
                    obj["cv_mae"] = cv_result.mae
            objs.append(obj)
        _emit_json(objs[0] if len(objs) == 1 else {"capability": capability, "models": objs})
        return
    out = _console()
    out.print(f"{file.name}: {len(data.scored())} scored issues, capability = {capability}")
    table = Table()
    table.add_column("model")
    table.add_column("issues", justify="right")
    table.add_column("MAE", justify="right")
    for r in results:
        table.add_row(r.model, str(len(r.predictions)), f"{r.mae:.2f}")
    out.print(table)
    if "offramp" in names:
        out.print(
            "offramp's parameters were calibrated on the DEU III dev file; its honest score on "
            "that file is the cross-validated one (--cv)."
        )
    if cv_result is not None:
        out.print(f"offramp, cross-validated by proposal: MAE {cv_result.mae:.2f}")


def register(app: typer.Typer) -> None:
    """Add ``forecast`` and the ``eval`` group (with ``deu``) to the offramp app."""
    app.command("forecast")(forecast_command)
    eval_app = typer.Typer(help="Score forecasting models on real decisions.", no_args_is_help=True)
    eval_app.command("deu")(eval_deu_command)
    app.add_typer(eval_app, name="eval")
