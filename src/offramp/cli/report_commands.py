"""``offramp report``: the full report as a file for people who do not read terminals.

HTML is the main format (self-contained, works offline, interactive charts); Markdown is the
same content as text; ``--figures DIR`` also writes every figure as PNG and SVG.

PDF is printed from the HTML report by a headless Chromium when one is installed
(:mod:`offramp.report.pdf`); without one, ``--format pdf`` says so, and how to get a PDF
anyway, and exits with status 2 before any analysis.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from offramp.cli.common import AsOfOpt, build_with_progress, load_scenario, record
from offramp.cli.output import check_output, write_output


class ReportFileFormat(StrEnum):
    html = "html"
    markdown = "markdown"
    pdf = "pdf"


def _check_figures_dir(directory: Path) -> None:
    try:
        if directory.exists() and not directory.is_dir():
            raise typer.BadParameter(
                f"{directory} exists and is not a directory", param_hint="--figures"
            )
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise typer.BadParameter(
            f"cannot create {directory}: {exc.strerror}", param_hint="--figures"
        ) from None
    if not os.access(directory, os.W_OK):
        raise typer.BadParameter(f"{directory} is not writable", param_hint="--figures")


def report(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario file (YAML). Default: the built-in default scenario.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write ('-': standard output; required for HTML, Markdown defaults "
            "to standard output).",
        ),
    ] = None,
    fmt: Annotated[
        ReportFileFormat,
        typer.Option(
            "--format", "-f", help="html, markdown or pdf (printed by an installed Chromium)."
        ),
    ] = ReportFileFormat.html,
    figures: Annotated[
        Path | None,
        typer.Option("--figures", help="Also write every figure as PNG and SVG into DIR."),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", "-n", min=0, help="Monte Carlo samples (0: none).")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Monte Carlo seed.")] = 0,
    variant: Annotated[
        str | None, typer.Option("--variant", help="Report on one of the scenario's variants.")
    ] = None,
    as_of: AsOfOpt = None,
    no_variants: Annotated[bool, typer.Option("--no-variants", help="Skip the variants.")] = False,
    no_thresholds: Annotated[
        bool, typer.Option("--no-thresholds", help="Skip the threshold searches.")
    ] = False,
    inverse: Annotated[
        bool, typer.Option("--inverse", help="Add 'What would it take?' (slower).")
    ] = False,
) -> None:
    """The full report as one self-contained HTML file (works offline), or Markdown; with
    state graph, trajectories, sweep, probabilities and tornado charts."""
    browser = None
    if fmt is ReportFileFormat.pdf:  # no browser: said before minutes of analysis (exit 2)
        from offramp.report.pdf import require_browser

        browser = require_browser()
    if output is None and fmt is not ReportFileFormat.markdown:
        raise typer.BadParameter(
            f"give the file to write, e.g. -o report.{fmt.value}", param_hint="-o"
        )
    check_output(output)
    if figures is not None:
        _check_figures_dir(figures)
    scenario = load_scenario(file, variant, as_of)
    data = build_with_progress(scenario, variant, no_variants, no_thresholds, samples, seed)
    if inverse:
        from offramp.service.what_it_takes import what_it_takes

        data["what_it_takes"] = what_it_takes(scenario)

    record(
        "report",
        scenario,
        {
            "format": fmt.value,
            "samples": samples,
            "variants": not no_variants,
            "thresholds": not no_thresholds,
        },
        seed,
        data,
    )
    err = Console(stderr=True, highlight=False)
    figs = None
    if fmt is not ReportFileFormat.markdown or figures is not None:
        from offramp.report.figdata import collect_figures

        figs = collect_figures(data, scenario)
    if fmt is ReportFileFormat.markdown:
        from offramp.report.markdown import render_markdown

        text = render_markdown(data)
    else:
        from offramp.report.html import render_html

        text = render_html(data, scenario, figures=figs)
    if fmt is ReportFileFormat.pdf:
        from offramp.report.pdf import html_to_pdf

        write_output(html_to_pdf(text, browser), output)
    else:
        write_output(text, output)
    if figures is not None:
        from offramp.report.figures import write_figures

        paths = write_figures(data, scenario, figures, figures=figs)
        err.print(f"wrote {len(paths)} figures to {figures}", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``offramp report`` to the CLI."""
    app.command("report")(report)
