"""``offramp`` commands. Each command loads input through the API, renders through
``offramp.report``, and leaves error handling to :func:`run`."""

from __future__ import annotations

import copy
import errno
import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.models import CommandInfo

from offramp.cli import bargaining_commands, inverse_commands, report_commands, runs_commands
from offramp.cli.common import (
    AsOfOpt,
    ConceptOpt,
    FileArg,
    VariantOpt,
    build_with_progress,
    load_scenario,
    mark_start,
    record,
)
from offramp.cli.help import flags_take_no_value
from offramp.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    PIPED_WIDTH,
    STDOUT,
    Format,
    FormatOpt,
    ReportFormat,
    check_output,
    console,
    emit_json,
    prose,
    report_bug,
    report_input_error,
    stderr,
    write_output,
)
from offramp.cli.progress import LazyProgress
from offramp.errors import OfframpError
from offramp.report.terminal import plain, strip_controls
from offramp.report.text_sections import SECTIONS as TEXT_SECTIONS
from offramp.service.defaults import DEFAULT_SAMPLES

app = typer.Typer(
    name="offramp",
    help="Analyse multi-party conflicts: who can move, which outcomes are stable, and how the "
    "conflict can evolve. Without a command, analyses the built-in default scenario.",
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
scenarios_app = typer.Typer(help="The built-in scenarios.", invoke_without_command=True)
app.add_typer(scenarios_app, name="scenarios")

_state = {"debug": False}

ReportFormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to a file ('-': standard output).")
]
NoVariantsOpt = Annotated[bool, typer.Option("--no-variants", help="Skip the variants.")]
NoThresholdsOpt = Annotated[
    bool, typer.Option("--no-thresholds", help="Skip the threshold searches.")
]
SamplesOpt = Annotated[
    int, typer.Option("--samples", "-n", min=0, help="Monte Carlo samples (0: none).")
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Monte Carlo seed (0 or more).")]
FullOpt = Annotated[
    bool, typer.Option("--full", help="Every section (text: default is findings first, short).")
]
SectionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--section",
        help=f"Text: show this section (repeatable): {', '.join(TEXT_SECTIONS)}.",
    ),
]


class _StderrNotes(logging.Handler):
    """The library's notes before long work (logger ``offramp``, e.g. the feasible count of a
    large conflict), one line each on stderr: stdout stays the output."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(f"offramp: {record.getMessage()}\n")


def _announce_on_stderr() -> None:
    log = logging.getLogger("offramp")
    if not any(isinstance(h, _StderrNotes) for h in log.handlers):
        log.addHandler(_StderrNotes())
    log.setLevel(logging.INFO)


@app.callback()
def main(
    ctx: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
    fmt: ReportFormatOpt = ReportFormat.text,
    output: OutputOpt = None,
    no_variants: NoVariantsOpt = False,
    no_thresholds: NoThresholdsOpt = False,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = 0,
    full: FullOpt = False,
    section: SectionOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Without a command: the report on the built-in default scenario, with the options of
    `offramp analyze` (e.g. `offramp -n 0` skips the Monte Carlo)."""
    _state["debug"] = debug
    _announce_on_stderr()
    if version:
        from offramp.version import __version__  # its metadata lookup costs start-up time

        typer.echo(f"offramp {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        analyze(
            None,
            fmt,
            output,
            None,
            no_variants=no_variants,
            no_thresholds=no_thresholds,
            samples=samples,
            seed=seed,
            concept=None,
            horizon=None,
            coalitions=None,
            full=full,
            section=section,
            as_of=as_of,
        )


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Scenario file to check.")],
    list_options: Annotated[bool, typer.Option("--list", help="List the options.")] = False,
) -> None:
    """Check a scenario file: exit 0 when valid, 2 with located errors when not."""
    from offramp.analysis.scenario import load
    from offramp.scenario.errors import ScenarioError
    from offramp.scenario.perceived import check_perceptions

    scenario = load(file)
    model = scenario.conflict
    spec = scenario.spec
    problems = spec.check_variants() + check_perceptions(spec) + spec.check_bargaining()
    if problems:
        raise ScenarioError(problems)
    for w in spec.warnings:
        warning = w.format().replace(f"{w.path}: ", f"{w.path}: warning: ", 1)
        stderr().print(strip_controls(warning), markup=False)
    out = prose()
    out.print(
        f"{plain(file)}: valid: '{plain(scenario.name)}', {len(spec.dm_names)} decision "
        "makers, "
        f"{len(spec.options)} options, {model.n_states:,} feasible states."
    )
    if list_options:
        for o in scenario.spec.options:
            out.print(f"  {o.qualified}  ({scenario.spec.option_directions[o.index]})")


ConceptsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--concept",
        "-c",
        help="Solution concept (repeatable; 'all' for every one): {concepts}. "
        "Default: {default_concepts}.",
    ),
]
HorizonOpt = Annotated[
    int | None,
    typer.Option(
        "--horizon",
        help="Moves looked ahead by limited-move stability (lh), and the largest horizon "
        "non-myopic stability (nm) searches.",
    ),
]
CoalitionsOpt = Annotated[
    str | None,
    typer.Option(
        "--coalitions",
        help="'all': analyse every coalition of two or more decision makers (the scenario's "
        "own 'coalitions:' are always analysed).",
    ),
]


@app.command()
def stability(
    file: FileArg = None,
    fmt: FormatOpt = Format.text,
    variant: VariantOpt = None,
    as_of: AsOfOpt = None,
    concept: ConceptsOpt = None,
    horizon: HorizonOpt = None,
    coalitions: CoalitionsOpt = None,
    json_form: Annotated[
        str,
        typer.Option(
            "--json-form",
            help="JSON layout: full (a record per state, the default up to 100,000 states), "
            "compact (bit codes and id ranges, the default above), or auto.",
        ),
    ] = "auto",
) -> None:
    """States, per-DM stability and equilibria (default: Nash, GMR, SMR and SEQ), and the
    coalition analysis when coalitions are declared or asked for."""
    import time

    from offramp.conflict.result import JSON_FORMS
    from offramp.report.coalitions_text import render_coalitions
    from offramp.report.text import render_stability

    if json_form not in JSON_FORMS:
        raise typer.BadParameter(f"choose one of {', '.join(JSON_FORMS)}", param_hint="--json-form")
    started = time.perf_counter()
    scenario = load_scenario(file, variant, as_of)
    result = scenario.stability(concept or None, horizon=horizon)
    joint = scenario.coalition_analysis(coalitions)
    extra = (
        joint.to_dict({c: result.equilibrium_mask(c) for c in result.concepts})
        if joint is not None
        else {}
    )
    options = {"concepts": list(result.concepts), "horizon": horizon, "coalitions": coalitions}
    record("stability", scenario, options, None, {**result.record_dict(), **extra}, started=started)
    if fmt is Format.json:
        result.write_json(sys.stdout, json_form, extra)
    else:
        render_stability(result, console())
        if joint is not None:
            render_coalitions({**result.to_dict(), **extra}, console())


@app.command()
def analyze(
    file: FileArg = None,
    fmt: ReportFormatOpt = ReportFormat.text,
    output: OutputOpt = None,
    variant: VariantOpt = None,
    as_of: AsOfOpt = None,
    no_variants: NoVariantsOpt = False,
    no_thresholds: NoThresholdsOpt = False,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = 0,
    concept: ConceptsOpt = None,
    horizon: HorizonOpt = None,
    coalitions: CoalitionsOpt = None,
    full: FullOpt = False,
    section: SectionOpt = None,
) -> None:
    """The report: findings first; --full or --section NAME for the rest."""
    import time

    unknown = [s for s in section or [] if s not in TEXT_SECTIONS]
    if unknown:
        raise typer.BadParameter(
            f"unknown section {unknown[0]!r}; choose from {', '.join(TEXT_SECTIONS)}",
            param_hint="--section",
        )
    check_output(output)
    started = time.perf_counter()
    scenario = load_scenario(file, variant, as_of)
    report = build_with_progress(
        scenario,
        variant,
        no_variants,
        no_thresholds,
        samples,
        seed,
        concepts=concept or None,
        horizon=horizon,
        coalitions=coalitions,
    )
    record(
        "analyze",
        scenario,
        {"variants": not no_variants, "thresholds": not no_thresholds, "samples": samples},
        seed,
        report,
        started=started,
    )
    if fmt is ReportFormat.json:
        write_output(json.dumps(report, indent=2, ensure_ascii=False), output)
    elif fmt is ReportFormat.markdown:
        from offramp.report.markdown import render_markdown

        write_output(render_markdown(report), output)
    else:
        from rich.console import Console

        from offramp.report.text import render_report

        if output is None or str(output) == STDOUT:
            render_report(report, console(), sections=section, full=full)
        else:
            buffer = Console(record=True, width=PIPED_WIDTH, file=open(os.devnull, "w"))  # noqa: SIM115
            render_report(report, buffer, sections=section, full=full)
            write_output(buffer.export_text(), output)


@app.command()
def sweep(
    file: FileArg = None,
    param: Annotated[str, typer.Option("--param", "-p", help="NAME=FROM:TO:STEP")] = "",
    fmt: FormatOpt = Format.text,
    variant: VariantOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """How equilibria, the outcome from the status quo and the answers change with a parameter."""
    from offramp.analysis.sweeps import parse_param_spec
    from offramp.analysis.sweeps import sweep as run_sweep

    if not param:
        raise typer.BadParameter("give --param NAME=FROM:TO:STEP", param_hint="--param")
    try:
        name, values = parse_param_spec(param)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--param") from None
    scenario = load_scenario(file, variant, as_of)
    if name not in scenario.spec.parameters:
        known = ", ".join(scenario.spec.parameters) or "none"
        raise typer.BadParameter(
            f"unknown parameter '{name}' (parameters: {known})", param_hint="--param"
        )
    with LazyProgress() as progress:
        result = run_sweep(
            scenario.spec, name, values, progress=lambda d, t: progress(f"sweep {name}", d, t)
        )
    record("sweep", scenario, {"param": param}, None, result.to_dict())
    if fmt is Format.json:
        emit_json(result.to_dict())
        return
    from offramp.report.sweep_text import render_sweep

    render_sweep(scenario, result, console())


@app.command()
def threshold(
    question: Annotated[str, typer.Argument(help="Question id (see the scenario's questions).")],
    file: FileArg = None,
    param: Annotated[str | None, typer.Option("--param", "-p", help="Parameter to search.")] = None,
    search: Annotated[str | None, typer.Option("--range", help="LOW:HIGH to search.")] = None,
    fmt: FormatOpt = Format.text,
    variant: VariantOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Where a question's answer starts or stops holding as a parameter changes."""
    from offramp.analysis.sweeps import threshold as run_threshold
    from offramp.report.words import threshold_sentence

    scenario = load_scenario(file, variant, as_of)
    matches = [q for q in scenario.spec.questions if q.id == question]
    if not matches:
        known = ", ".join(q.id for q in scenario.spec.questions) or "the scenario declares none"
        raise typer.BadParameter(f"no question '{question}' ({known})", param_hint="QUESTION")
    q = matches[0]
    name = param or q.parameter
    if name is None:
        raise typer.BadParameter(
            f"question '{q.id}' names no parameter; give --param", param_hint="--param"
        )
    if name not in scenario.spec.parameters:
        raise typer.BadParameter(f"unknown parameter '{name}'", param_hint="--param")
    bounds = None
    if search is not None:
        try:
            lo, hi = (float(x) for x in search.split(":"))
        except ValueError:
            raise typer.BadParameter("write LOW:HIGH, e.g. 0:20", param_hint="--range") from None
        if not lo < hi:
            raise typer.BadParameter("need LOW < HIGH", param_hint="--range")
        bounds = (lo, hi)
    with LazyProgress() as progress:
        result = run_threshold(
            scenario.spec,
            q,
            name,
            bounds,
            progress=lambda d, t: progress(f"threshold {q.id}", d, t),
        )
    record("threshold", scenario, {"question": q.id, "param": name, "range": bounds}, None, result)
    if fmt is Format.json:
        emit_json({"question": q.id, "ask": q.ask, **result})
    else:
        from rich.markup import escape

        from offramp.report.labels import labels_part

        sentence = threshold_sentence(result, {"labels": labels_part(scenario)})
        console().print(
            f"[bold]{escape(q.ask)}[/]\nCriterion: {escape(result['criterion'])}.\n"
            f"It {escape(sentence)}."
        )


@app.command()
def uncertainty(
    file: FileArg = None,
    samples: Annotated[
        int, typer.Option("-n", "--samples", help="Number of samples.", min=1)
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed: same seed, same result.")] = 0,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Local worker processes (default: all cores)."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask", help="tcp://scheduler:8786, or 'local' for a LocalCluster on 127.0.0.1."
        ),
    ] = None,
    models: Annotated[
        str, typer.Option("--models", help="Forecast models to sample, comma-separated.")
    ] = "offramp",
    fmt: FormatOpt = Format.text,
    variant: VariantOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Monte Carlo over the scenario's uncertain inputs: probabilities and sensitivities."""
    from offramp.bargaining.registry import REGISTRY
    from offramp.scenario.limits import check_samples, check_seed, check_workers
    from offramp.uncertainty.executors import DaskExecutor, LocalExecutor
    from offramp.uncertainty.montecarlo import monte_carlo

    chosen = tuple(m.strip() for m in models.split(",") if m.strip())
    for m in chosen:
        if m not in REGISTRY:
            raise typer.BadParameter(
                f"unknown model '{m}' (models: {', '.join(REGISTRY)})", param_hint="--models"
            )
    scenario = load_scenario(file, variant, as_of)
    if workers is not None:
        check_workers(workers)  # before any worker process starts
    check_samples(samples)
    check_seed(seed)
    if dask is not None:
        try:
            executor: DaskExecutor | LocalExecutor = DaskExecutor(dask, workers)
        except (OSError, TimeoutError, ValueError) as exc:
            raise typer.BadParameter(
                f"cannot reach the Dask scheduler at {dask}: {exc}", param_hint="--dask"
            ) from None
    else:
        executor = LocalExecutor(workers)
    try:
        with LazyProgress(delay=0.3) as progress:
            result = monte_carlo(
                scenario,
                samples,
                seed,
                executor,
                progress=lambda d, t: progress("samples", d, t),
                forecast_models=chosen,
            )
    finally:
        if isinstance(executor, DaskExecutor):
            executor.close()
    data = result.to_dict()
    record(
        "uncertainty",
        scenario,
        {"samples": samples, "models": list(chosen), "executor": result.executor},
        seed,
        data,
        status="interrupted" if result.interrupted else "ok",
    )
    if fmt is Format.json:
        emit_json(data)
    else:
        from offramp.report.uncertainty_text import render_uncertainty

        render_uncertainty(data, console())
    if result.interrupted:  # Ctrl-C or a lost worker: said on stderr whatever the format
        stderr().print(
            f"offramp: stopped early ({result.interrupted}); the results are from the "
            f"{result.completed:,} samples that finished, of {samples:,}.",
            markup=False,
        )
        raise typer.Exit(EXIT_INTERRUPTED)


@app.command()
def explain(
    state: Annotated[int, typer.Argument(help="State id (as in the stability output).")],
    file: FileArg = None,
    dm: Annotated[
        str | None, typer.Option("--dm", help="Only this decision maker (its name or label).")
    ] = None,
    concept: ConceptOpt = None,
    fmt: FormatOpt = Format.text,
    variant: VariantOpt = None,
    as_of: AsOfOpt = None,
    horizon: HorizonOpt = None,
) -> None:
    """Why a state is (un)stable: each improvement and the sanction that deters it (for
    limited-move and non-myopic stability: each move and the path it anticipates)."""
    from offramp.conflict.concepts import DEFAULT_CONCEPT

    scenario = load_scenario(file, variant, as_of)
    # bad input: exit 2
    found = scenario.explain(state, dm, concept or DEFAULT_CONCEPT, horizon=horizon)
    explanations = found if isinstance(found, list) else [found]
    if fmt is Format.json:
        emit_json({"explanations": [e.to_dict() for e in explanations]})
    else:
        out = prose()
        for e in explanations:
            out.print(e.text(scenario.conflict), markup=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.", min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="Token every request must carry (generated when listening beyond loopback).",
        ),
    ] = None,
) -> None:
    """The local web workbench: edit, check, analyse and explore scenarios in a browser."""
    from rich.console import Console

    from offramp.web import create_app
    from offramp.web.security import is_loopback, new_token
    from offramp.web.server import serve as serve_app

    if not is_loopback(host) and not token:
        token = new_token()
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    err = Console(stderr=True)
    if not is_loopback(host):
        err.print(
            f"[yellow]Listening on {plain(host)}, beyond this machine: every request needs the "
            "token.[/]"
        )
    err.print(f"offramp workbench: {url}  (Ctrl-C to stop)", markup=False, highlight=False)
    serve_app(create_app(token=token), host, port)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (offramp/1)."""
    from offramp.scenario.schema import json_schema

    emit_json(json_schema())


@scenarios_app.callback()
def scenarios_list(ctx: typer.Context) -> None:
    """List the built-in scenarios."""
    if ctx.invoked_subcommand is not None:
        return
    from offramp.scenarios import DEFAULT, get_builtin, list_builtin

    out = console()
    for name in list_builtin():
        sc = get_builtin(name)
        mark = " (default)" if name == DEFAULT else ""
        out.print(f"{name}{mark}: {plain(sc.name)}")


@scenarios_app.command("show")
def scenarios_show(
    name: Annotated[str, typer.Argument(help="Name from `offramp scenarios`.")],
) -> None:
    """Print a built-in scenario as YAML, to copy and change."""
    from offramp.scenarios import builtin_text

    sys.stdout.write(builtin_text(name))  # an unknown name: offramp's error, exit 2


bargaining_commands.register(app)
runs_commands.register(app)
report_commands.register(app)
inverse_commands.register(app)
flags_take_no_value(app)


#: errors of a write that the user's output device causes, not offramp
WRITE_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def command_line(args: list[str]) -> typer.Typer:
    """The app to run ``args`` with: when they start with a command's name, an app holding only
    that command (and the options before any command), else the whole app.

    Typer turns every registered command into a click command, reading each one's signature and
    type hints, before it parses a single argument: 20 commands cost about 25 ms of every run,
    one costs 2.5 ms (docs/benchmarks.md, "Start-up"). Parsing, help and errors of the command
    named are the same in both; anything else (no command, an option first, a name that is no
    command, ``scenarios``) gets the whole app and its messages."""
    if not args:
        return app
    named = [c for c in app.registered_commands if _command_name(c) == args[0]]
    if not named:
        return app
    view = copy.copy(app)
    view.registered_commands = named
    view.registered_groups = []
    return view


def _command_name(info: CommandInfo) -> str:
    if info.name:
        return info.name
    return typer.main.get_command_name(info.callback.__name__) if info.callback else ""


def run() -> None:
    """Run the command on the line, mapping bad input to exit 2 and bugs to exit 1 (the console
    script, :mod:`offramp.cli.entry`, makes the process settings first)."""
    mark_start()
    try:
        result = command_line(sys.argv[1:])(standalone_mode=False)
        if isinstance(result, int) and result:
            sys.exit(result)
    except OfframpError as exc:
        sys.exit(report_input_error(exc))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # usage errors: bad option values, unknown commands
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            sys.stderr.write(f"offramp: {exc}\n")
        sys.exit(EXIT_BAD_INPUT)
    except typer.Abort:
        sys.stderr.write("Aborted.\n")
        sys.exit(EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:
        if exc.errno not in WRITE_FAILURES:
            sys.exit(report_bug(exc, _state["debug"]))
        # standard output on a full or failing device (`> /dev/full`): the output is lost,
        # say so; stdout goes to /dev/null so that the exit does not fail flushing it again
        stderr().print(f"offramp: cannot write the output: {exc.strerror}", markup=False)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:
        sys.exit(report_bug(exc, _state["debug"]))


if __name__ == "__main__":
    run()
