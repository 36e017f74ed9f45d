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
        help=f"Forecasting model: {', '.join(MODELS)} (default: {BEST_MODEL}, the nested-CV "
        "winner).",
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
    if scenario.spec.bargaining is None:
        _fail(
            f"{scenario.spec.file}: the scenario has no 'bargaining' section; add one (see "
            "docs/methods/bargaining-scenario.md) or give a KTAB CSV/XML file"
        )
    return scenario.spec.bargaining_problem()


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


def _cell(v: object) -> str:
    return _fmt(float(v)) if isinstance(v, int | float) else str(v)


def render_forecast(fc: Forecast, out: Console) -> None:
    """Round-by-round positions per dimension, the forecast with its interval, then whatever
    the model says about its working (`BargainingModel.explain`: lines and tables)."""
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
        line = f"forecast on {dim}: [bold]{_fmt(float(fc.forecast[k]))}[/bold]"
        if fc.interval is not None:
            lo, hi = float(fc.interval[0][k]), float(fc.interval[1][k])
            line += f" ({fc.interval_level:.0%} interval {_fmt(lo)}–{_fmt(hi)})"
        out.print(line)
    if fc.interval is not None:
        out.print(
            f"[dim]{fc.interval_level:.0%} interval: forecast ± the {fc.interval_level:.0%} "
            "quantile of this model's errors on held-out EU decisions (DEU III, nested "
            "cross-validation; docs/methods/deu-evaluation.md)[/dim]"
        )
    for item in MODELS[fc.model].explain(fc) if fc.model in MODELS else []:
        if "text" in item:
            out.print(item["text"], markup=False)
            continue
        table = Table(title=item.get("title"), title_justify="left")
        for k, col in enumerate(item["columns"]):
            table.add_column(col, justify="left" if k == 0 else "right")
        for row in item["rows"]:
            table.add_row(*(_cell(v) for v in row))
        out.print(table)


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
    folds: Annotated[
        int,
        typer.Option(
            "--folds",
            min=0,
            help="Outer folds of the nested cross-validation, grouped by proposal "
            "(0 = leave one proposal out, the default).",
        ),
    ] = 0,
    replicates: Annotated[
        int,
        typer.Option(
            "--replicates",
            min=100,
            max=100_000,
            help="Bootstrap replicates (proposals resampled) for the interval of the "
            "difference to the compromise model.",
        ),
    ] = 2000,
    cv: Annotated[
        bool,
        typer.Option(
            "--cv", hidden=True, help="Accepted for compatibility: nested CV is always shown now."
        ),
    ] = False,
) -> None:
    """Score forecasting models on a DEU-format file: mean absolute error on 0-100, in-sample
    and under nested cross-validation by proposal, side by side."""
    from offramp.bargaining.deu import read_deu
    from offramp.bargaining.evaluation import Dataset, evaluate_models
    from offramp.bargaining.registry import DEFAULT_CHOICE

    _check_model(model, allow_all=True)
    if not file.exists():
        _fail(f"{file}: no such file")
    try:
        data = Dataset.from_issues(read_deu(file, capability=capability).issues)
    except BargainingInputError as exc:
        if exc.file is None:
            exc.file = str(file)
        _fail(exc.format())
    if data.n_groups < 3:
        _fail(
            f"{file}: {data.n_groups} proposal(s) with an outcome; nested cross-validation "
            "by proposal needs at least 3"
        )
    if folds == 1:
        _fail("--folds: 1 fold cannot hold anything out; give 0 (one per proposal) or >= 2")
    names = list(MODELS) if model == "all" else [model]
    try:
        results = evaluate_models(names, data, folds or None, replicates)
    except BargainingInputError as exc:
        _fail(f"{file}: {exc.format()}")
    scheme = (
        "leave one proposal out"
        if not folds or folds >= data.n_groups
        else f"{folds} folds grouped by proposal"
    )
    objs = [{**r.to_json(data), "capability": capability} for r in results]
    from offramp.history import record_run

    record_run(
        "eval deu",
        file,
        {"model": model, "capability": capability, "folds": folds},
        None,
        {
            "models": [
                {
                    "model": o["model"],
                    "in_sample": o["in_sample"]["mae"],
                    "nested_cv": o["nested_cv"]["mae"],
                }
                for o in objs
            ],
            "default_model": BEST_MODEL,
        },
    )
    if fmt is OutputFormat.json:
        for o in objs:
            o["nested_cv"]["scheme"] = scheme
            o["default_model"] = BEST_MODEL
        if len(objs) == 1:
            _emit_json({**objs[0], "default": DEFAULT_CHOICE.to_json()})
        else:
            _emit_json(
                {
                    "capability": capability,
                    "default_model": BEST_MODEL,
                    "default": DEFAULT_CHOICE.to_json(),
                    "models": objs,
                }
            )
        return
    out = _console()
    out.print(
        f"{file.name}: {len(data)} scored issues, {data.n_groups} proposals, "
        f"capability = {capability}"
    )
    table = Table()
    table.add_column("model")
    table.add_column("issues", justify="right")
    table.add_column("in-sample MAE", justify="right")
    table.add_column("nested-CV MAE", justify="right")
    table.add_column("80% coverage", justify="right")
    table.add_column("nested CV − compromise [95% CI]", justify="right")
    for r in results:
        d = r.difference
        label = f"{r.name} (default)" if r.name == BEST_MODEL else r.name
        table.add_row(
            label,
            str(len(data)),
            f"{r.in_sample_mae:.2f}",
            f"{r.nested.mae:.2f}",
            f"{r.nested.coverage:.0%}",
            "—" if r.name == "compromise" else f"{d.mean:+.2f} [{d.low:+.2f}, {d.high:+.2f}]",
        )
    out.print(table)
    out.print(
        f"default model: {BEST_MODEL}, {DEFAULT_CHOICE.description}; nested-CV MAE "
        f"{DEFAULT_CHOICE.nested_cv_mae:.2f} against the compromise model's "
        f"{DEFAULT_CHOICE.compromise_nested_cv_mae:.2f} on {DEFAULT_CHOICE.data}."
    )
    out.print(
        f"in-sample: each model with its shipped parameters, scored on every issue of "
        f"{file.name}; those parameters (and offramp's choice of model) were fitted on "
        f"{DEFAULT_CHOICE.data}, so on that file the in-sample figures are optimistic. "
        f"nested CV ({scheme}): every choice remade on the training proposals of each fold, "
        "scored on the held-out ones: the honest figure. Interval: bootstrap over proposals "
        f"({replicates} replicates).",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``forecast`` and the ``eval`` group (with ``deu``) to the offramp app."""
    app.command("forecast")(forecast_command)
    eval_app = typer.Typer(help="Score forecasting models on real decisions.", no_args_is_help=True)
    eval_app.command("deu")(eval_deu_command)
    app.add_typer(eval_app, name="eval")
