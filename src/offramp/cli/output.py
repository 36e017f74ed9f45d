"""Everything the CLI prints that is not a result: consoles, JSON, files, and failures.

One exit-status policy for every command (the README states it):

- 0 success;
- 2 bad input or usage: a located scenario problem, a bad argument, an unknown name, a file that
  cannot be read or written (every :class:`~offramp.errors.OfframpError`, typer's usage errors,
  and :func:`fail`);
- 1 a bug in offramp (a short note; the traceback only with ``--debug``);
- 130 interrupted.
"""

from __future__ import annotations

import json
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from offramp.errors import OfframpError
from offramp.scenario.errors import ScenarioError

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class Format(StrEnum):
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def console(width: int | None = None) -> Console:
    """Standard output for results. When piped, ``width`` (if given) keeps tables from being
    squeezed into 80 columns."""
    if width is not None and not sys.stdout.isatty():
        return Console(highlight=False, soft_wrap=False, width=width)
    return Console(highlight=False, soft_wrap=False)


def prose() -> Console:
    """Standard output for running text (wrapped by the terminal, not cut)."""
    return Console(highlight=False, soft_wrap=True)


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def emit_json(data: Any) -> None:
    """Written piece by piece (``json.dump``), not built as one string first: an analysis
    of a million states prints tens of megabytes."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def write_output(text: str, output: Path | None) -> None:
    """To ``output`` (a file) or standard output."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", option="--output")
    stderr().print(f"wrote {output}", markup=False)


def fail(message: str, *, option: str | None = None, status: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``message`` (prefixed by the option it concerns) and exit; bad input by default."""
    prefix = f"{option}: " if option else ""
    stderr().print(f"offramp: {prefix}{message}", markup=False)
    raise typer.Exit(status)


def report_input_error(exc: OfframpError) -> int:
    """Bad input: each problem located (file:line:col: path: message), exit 2."""
    if isinstance(exc, ScenarioError):
        for problem in exc.problems:
            stderr().print(problem.format(), markup=False)
        if len(exc.problems) > 1:
            stderr().print(f"{len(exc.problems)} problems found.", markup=False)
    else:
        stderr().print(f"offramp: {exc}", markup=False)
    return EXIT_BAD_INPUT


def issues_url() -> str | None:
    """The project's issue tracker as its package metadata gives it (Project-URL), if any."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("offramp").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("issues", "bug tracker", "tracker", "repository"):
            return url.strip()
    return None


def report_bug(exc: BaseException, debug: bool) -> int:
    """An internal error: what happened, where to report it, how to see the traceback."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    url = issues_url()
    where = f"Please report it at {url}" if url else "Please report it to the offramp maintainers"
    how = "" if debug else "; rerun with --debug to see the traceback"
    stderr().print(
        f"offramp: internal error: {type(exc).__name__}: {exc}\n"
        f"This is a bug in offramp, not in your input. {where}, with the scenario file and the "
        f"command{how}.",
        markup=False,
    )
    return EXIT_BUG
