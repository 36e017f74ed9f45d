"""``offramp runs list|show|diff``: the run history on the command line.

An unknown id or an ambiguous prefix is bad input (exit 2, raised as ``typer.BadParameter``);
an unreadable database is reported in one line (exit 1), never as a traceback.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

import offramp.history as history  # its names resolved where used (PEP 562): start-up time
from offramp.cli.output import console, console_width
from offramp.report.terminal import plain, strip_controls

if TYPE_CHECKING:
    from offramp.history import Run, RunDiff, RunInfo

runs_app = typer.Typer(
    help="Past analysis runs: list, reopen and compare them (see docs/run-history.md).",
    no_args_is_help=True,
)


class RunsFormat(StrEnum):
    text = "text"
    json = "json"


FormatOpt = Annotated[RunsFormat, typer.Option("--format", "-f", help="Output format.")]
IdArg = Annotated[
    str, typer.Argument(help="Run id or a unique prefix of it; also #N (run number) or 'last'.")
]


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _fail(message: str) -> None:
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"offramp: {strip_controls(message)}", markup=False
    )
    raise typer.Exit(1)


@contextmanager
def _warnings_to_stderr() -> Iterator[None]:
    """Damaged rows are skipped with a warning: print it the way offramp prints warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", history.HistoryWarning)
        yield
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for w in caught:
        if issubclass(w.category, history.HistoryWarning):
            err.print(f"offramp: warning: {strip_controls(w.message)}", markup=False)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _load(ref: str, hint: str = "ID") -> Run:
    try:
        with _warnings_to_stderr():
            return history.get_run(ref)
    except (history.RunNotFound, history.AmbiguousRun) as exc:
        raise typer.BadParameter(str(exc), param_hint=hint) from None
    except history.HistoryError as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits


def _when(created_at: str) -> str:
    """``2026-11-28T11:07:21.123+00:00`` -> ``2026-11-28 11:07:21`` (UTC, as stored)."""
    return created_at[:19].replace("T", " ")


def _scenario_label(run: RunInfo) -> str:
    """Short enough for a table: the built-in's name or the file's name, else the title."""
    file = run.scenario_file or ""
    if file.startswith("<builtin:"):
        return file.removeprefix("<builtin:").removesuffix(">")
    if file and not file.startswith("<"):
        return file.rsplit("/", 1)[-1]
    return run.scenario_name or file or "-"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds:.2f}s"
    return f"{seconds:.1f}s" if seconds < 120 else f"{seconds / 60:.1f}min"


@runs_app.command("list")
def list_command(
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="At most this many runs (0: all).")
    ] = 20,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", "-s", help="Only runs of this scenario (name or file)."),
    ] = None,
    fmt: FormatOpt = RunsFormat.text,
) -> None:
    """The most recent runs, newest first."""
    try:
        with _warnings_to_stderr():
            runs = history.list_runs(limit or None, scenario)
    except history.HistoryError as exc:
        _fail(str(exc))
        return
    if fmt is RunsFormat.json:
        _emit_json({"database": str(history.db_path()), "runs": [r.to_dict() for r in runs]})
        return
    out = console()
    if not runs:
        where = f"in {history.db_path()}"
        off = " (recording is off: OFFRAMP_HISTORY=0)" if not history.history_enabled() else ""
        what = f" of '{scenario}'" if scenario else ""
        out.print(f"No runs{what} recorded {where}{off}.", markup=False)
        return
    narrow = (console_width() or out.width) < 90  # years as two digits
    rows = [
        {
            "id": Text(r.id, style="bold"),
            "#": str(r.seq),
            "when (UTC)": _when(r.created_at)[2 if narrow else 0 : 16],
            "command": r.command,
            "scenario": Text(_scenario_label(r), overflow="ellipsis"),
            "variant": Text(r.variant or ""),
            "status": Text(r.status, style="green" if r.status == "ok" else "yellow"),
            "took": _duration(r.duration),
            "seed": "" if r.seed is None else str(r.seed),
        }
        for r in runs
    ]
    # a column no listed run fills is left out; every header is shown whole, and the
    # scenario's name is what gives way (ellipsis) on a narrow console
    columns = [c for c in rows[0] if c in ("id", "#", "command") or any(str(r[c]) for r in rows)]
    table = Table(
        title=f"Runs in {plain(history.db_path())}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    for col in columns:
        table.add_column(
            col,
            no_wrap=True,
            justify="right" if col in ("#", "took", "seed") else "left",
            min_width=None if col == "scenario" else len(col),
        )
    for row in rows:
        table.add_row(*(plain(row[c]) for c in columns))
    out.print(table)


@runs_app.command("show")
def show_command(
    run_id: IdArg,
    fmt: FormatOpt = RunsFormat.text,
    scenario: Annotated[
        bool,
        typer.Option(
            "--scenario", help="Print only the scenario text as analysed (to reopen the run)."
        ),
    ] = False,
) -> None:
    """One run: what was analysed, with which options, and what came out."""
    run = _load(run_id)
    if scenario:
        if run.scenario_text is None:
            _fail(f"run {run.id} stored no scenario text")
        text = run.scenario_text or ""
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    if fmt is RunsFormat.json:
        _emit_json(run.to_dict())
        return
    out = console()
    out.print(
        f"[bold]Run {plain(run.id)}[/] (#{run.seq}): {plain(run.command)}, {plain(run.status)}"
    )
    rows = [
        ("when", f"{_when(run.created_at)} UTC"),
        ("scenario", run.scenario_name or "-"),
        ("file", run.scenario_file or "-"),
        ("variant", run.variant or "-"),
        ("scenario sha256", run.scenario_hash or "-"),
        ("seed", "-" if run.seed is None else str(run.seed)),
        ("offramp", run.version),
        ("took", _duration(run.duration)),
        ("results", f"{run.results_size or 0:,} bytes of JSON"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        out.print(f"  {key:<{width}}  {strip_controls(value)}", markup=False)
    if run.params:
        out.print("[bold]Options[/]")
        for key, value in run.params.items():
            out.print(f"  {key} = {json.dumps(value)}", markup=False)
    out.print("[bold]Results[/]")
    for line in history.summarise(run.results):
        out.print(f"  {strip_controls(line)}", markup=False)
    out.print(
        f"Full results: offramp runs show {run.id} --format json; "
        f"scenario: offramp runs show {run.id} --scenario",
        markup=False,
        style="dim",
    )


def _render_diff(d: RunDiff, out: Console) -> None:
    from offramp.report.run_diff import diff_lines

    for kind, text in diff_lines(d):
        if kind in ("title", "heading"):
            out.print(Text(text, style="bold"))
        elif kind == "note":
            out.print(Text("  " + text, style="dim"))
        elif kind == "item":
            out.print("  " + text, markup=False)
        else:
            out.print(text, markup=False)


@runs_app.command("diff")
def diff_command(
    a: Annotated[str, typer.Argument(help="First run (id, prefix, #N or 'last').")],
    b: Annotated[str, typer.Argument(help="Second run.")],
    fmt: FormatOpt = RunsFormat.text,
) -> None:
    """What differs between two runs: scenario text, options, and results in words."""
    run_a, run_b = _load(a, "A"), _load(b, "B")
    d = history.diff_runs(run_a, run_b)
    if fmt is RunsFormat.json:
        _emit_json(d.to_dict())
    else:
        _render_diff(d, console())


def register(app: typer.Typer) -> None:
    """Add the ``runs`` group to the offramp app."""
    app.add_typer(runs_app, name="runs")
