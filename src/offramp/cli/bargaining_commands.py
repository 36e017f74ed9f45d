"""``offramp forecast`` and ``offramp eval deu``: the bargaining engine on the command line.

Bad input never produces a traceback: a reader's :class:`BargainingInputError` reaches the
app's one handler (:func:`offramp.cli.output.report_input_error`: ``file:line:col: message``
on stderr, exit status 2); the formats, the JSON writer, the console and the run record are
those of every command (:mod:`offramp.cli.output`, :mod:`offramp.service.runs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from offramp.bargaining.errors import BargainingInputError
from offramp.cli.output import Format, FormatOpt, console, emit_json, fail
from offramp.report.terminal import plain, strip_controls

if TYPE_CHECKING:
    from rich.console import Console

    from offramp.bargaining.problem import BargainingProblem
    from offramp.bargaining.result import Forecast

MAX_ROUND_COLUMNS = 12


ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Forecasting model: {models} (default: {default_model}, the nested-CV winner).",
        show_default="{default_model}",
    ),
]


def _registry() -> Any:
    """The bargaining models' registry, imported where a command uses it (it imports every
    model: start-up time)."""
    from offramp.bargaining import registry

    return registry


def _record(*args: Any) -> None:
    from offramp.service.runs import record  # where used: start-up time

    record(*args)


def _check_model(model: str, allow_all: bool = False) -> None:
    names = list(_registry().REGISTRY) + (["all"] if allow_all else [])
    if model not in names:
        fail(f"unknown model '{model}'; choose one of {', '.join(names)}", option="--model")


def _problem_from_scenario(file: Path | None) -> BargainingProblem:
    """The bargaining section of an offramp scenario (the built-in default when no file),
    with the stakes as given (no shift applied: see `offramp analyze` for forecasts at the
    conflict's outcome)."""
    from offramp.analysis.scenario import load
    from offramp.scenarios import default

    # ScenarioError (exit 2, located) is handled by the app
    scenario = default() if file is None else load(file)
    if scenario.spec.bargaining is None:
        fail(
            f"{scenario.spec.file}: the scenario has no 'bargaining' section; add one (see "
            "docs/methods/bargaining-scenario.md) or give a KTAB CSV/XML file"
        )
    return scenario.spec.bargaining_problem()


def load_problem(file: Path | None) -> BargainingProblem:
    """Read FILE as a KTAB CSV or XML file, or an offramp scenario: by extension (.csv, .xml),
    else as a scenario (YAML or JSON)."""
    from offramp.bargaining.ktab import read_ktab

    if file is None:
        return _problem_from_scenario(None)
    if not file.exists():
        fail(f"{file}: no such file")
    if file.suffix.lower() in (".csv", ".xml"):
        return read_ktab(file)
    return _problem_from_scenario(file)


def _fmt(x: float) -> str:
    return "-" if x != x else f"{x:.2f}"


def _cell(v: object) -> str:
    return _fmt(float(v)) if isinstance(v, int | float) else str(v)


def render_forecast(fc: Forecast, out: Console) -> None:
    """Round-by-round positions per dimension, the forecast with its interval, then whatever
    the model says about its working (`BargainingModel.explain`: lines and tables)."""
    from rich.table import Table

    registry = _registry().REGISTRY
    title = f"{fc.model} forecast" + (f": {fc.scenario}" if fc.scenario else "")
    out.print(f"[bold]{plain(title)}[/bold]")
    n_rounds = len(fc.rounds)
    if n_rounds > MAX_ROUND_COLUMNS:
        shown = sorted(
            {0, 1, 2, 3, 4, 5} | set(range(n_rounds - (MAX_ROUND_COLUMNS - 6), n_rounds))
        )
    else:
        shown = list(range(n_rounds))
    for k, dim in enumerate(fc.dimensions):
        table = Table(title=f"{plain(dim)}: positions by round", title_justify="left")
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
            table.add_row(plain(actor), *cells)
        out.print(table)
        line = f"forecast on {plain(dim)}: [bold]{_fmt(float(fc.forecast[k]))}[/bold]"
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
    for item in registry[fc.model].explain(fc) if fc.model in registry else []:
        if "text" in item:
            out.print(strip_controls(item["text"]), markup=False)
            continue
        heading = item.get("title")
        table = Table(title=None if heading is None else plain(heading), title_justify="left")
        for k, col in enumerate(item["columns"]):
            table.add_column(plain(col), justify="left" if k == 0 else "right")
        for row in item["rows"]:
            table.add_row(*(plain(_cell(v)) for v in row))
        out.print(table)


def forecast_command(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A KTAB CSV or XML case, or an offramp scenario with a bargaining section.",
            show_default=False,
        ),
    ] = None,
    model: ModelOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """A bargaining forecast: positions round by round and the predicted outcome."""
    from offramp.bargaining import forecast as run_forecast
    from offramp.scenarios import default

    if model is None:
        model = _registry().DEFAULT_MODEL
    _check_model(model)
    try:
        problem = load_problem(file)
        fc = run_forecast(problem, model)
    except BargainingInputError as exc:
        if exc.file is None and file is not None:
            exc.file = str(file)
        raise
    # the scenario file (or the built-in default, or a KTAB case) is what was analysed
    analysed = file if file is not None else default()
    _record("forecast", analysed, {"model": model}, None, fc.to_json())
    if fmt is Format.json:
        emit_json(fc.to_json())
    else:
        render_forecast(fc, console())


def eval_deu_command(
    file: Annotated[Path, typer.Argument(help="A DEU-format file (tab-separated).")],
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Model to score: {models} or all (default: {default_model}).",
            show_default="{default_model}",
        ),
    ] = None,
    fmt: FormatOpt = Format.text,
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
    from rich.table import Table

    from offramp.bargaining.deu import read_deu
    from offramp.bargaining.evaluation import Dataset, evaluate_models
    from offramp.bargaining.registry import DEFAULT_CHOICE, DEFAULT_MODEL, REGISTRY

    if model is None:
        model = DEFAULT_MODEL
    _check_model(model, allow_all=True)
    if not file.exists():
        fail(f"{file}: no such file")
    try:
        data = Dataset.from_issues(read_deu(file, capability=capability).issues)
    except BargainingInputError as exc:
        if exc.file is None:
            exc.file = str(file)
        raise
    if data.n_groups < 3:
        fail(
            f"{file}: {data.n_groups} proposal(s) with an outcome; nested cross-validation "
            "by proposal needs at least 3"
        )
    if folds == 1:
        fail("1 fold cannot hold anything out; give 0 (one per proposal) or >= 2", option="--folds")
    names = list(REGISTRY) if model == "all" else [model]
    try:
        results = evaluate_models(names, data, folds or None, replicates)
    except BargainingInputError as exc:
        if exc.file is None:
            exc.file = str(file)
        raise
    scheme = (
        "leave one proposal out"
        if not folds or folds >= data.n_groups
        else f"{folds} folds grouped by proposal"
    )
    objs = [{**r.to_json(data), "capability": capability} for r in results]
    _record(
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
            "default_model": DEFAULT_MODEL,
        },
    )
    if fmt is Format.json:
        for o in objs:
            o["nested_cv"]["scheme"] = scheme
            o["default_model"] = DEFAULT_MODEL
        if len(objs) == 1:
            emit_json({**objs[0], "default": DEFAULT_CHOICE.to_json()})
        else:
            emit_json(
                {
                    "capability": capability,
                    "default_model": DEFAULT_MODEL,
                    "default": DEFAULT_CHOICE.to_json(),
                    "models": objs,
                }
            )
        return
    out = console()
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
        label = f"{r.name} (default)" if r.name == DEFAULT_MODEL else r.name
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
        f"default model: {DEFAULT_MODEL}, {DEFAULT_CHOICE.description}; nested-CV MAE "
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
