"""What several commands share: the scenario argument, loading it (or one of its variants), and
building a report's content with a progress bar."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from offramp.cli.progress import LazyProgress
from offramp.errors import InputError

if TYPE_CHECKING:
    from offramp.analysis.scenario import Scenario

FileArg = Annotated[
    Path | None,
    typer.Argument(
        help="Scenario file (YAML). Default: the built-in default scenario.", show_default=False
    ),
]
VariantOpt = Annotated[
    str | None,
    typer.Option("--variant", help="Analyse one of the scenario's named variants instead."),
]
ConceptOpt = Annotated[
    str | None,
    typer.Option("--concept", "-c", help="One of {concepts}.", show_default="{default_concept}"),
]
"""One solution concept (the help's names are filled in when help is drawn: cli/help.py)."""
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Analyse with only the evidence published by this date (YYYY-MM-DD; 'latest': "
        "every figure). Default: the scenario's own as_of, else every figure.",
    ),
]


def load_scenario(
    file: Path | None, variant: str | None = None, as_of: str | None = None
) -> Scenario:
    """The scenario in FILE (the built-in default without one) as of a date, or one of its
    variants."""
    from offramp.analysis.scenario import load  # where used: start-up time
    from offramp.scenarios import default
    from offramp.service.as_of import scenario_as_of

    scenario = default() if file is None else load(file)
    try:
        scenario = scenario_as_of(scenario, as_of)
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="--as-of") from None
    if variant is not None:
        if variant not in scenario.spec.variants:
            known = ", ".join(scenario.spec.variants) or "the scenario declares none"
            raise typer.BadParameter(f"no variant '{variant}' ({known})", param_hint="--variant")
        scenario = scenario.variant(variant)
    return scenario


def build_with_progress(
    scenario: Scenario,
    variant: str | None,
    no_variants: bool,
    no_thresholds: bool,
    samples: int,
    seed: int,
    **analysis_options: Any,
) -> dict[str, Any]:
    """The report's content, with a progress bar when it takes more than a moment (the
    variants are skipped when a variant is analysed on its own)."""
    from offramp.service.report_content import build_report  # where used: start-up time

    with LazyProgress() as progress:
        return build_report(
            scenario,
            variants=not no_variants and variant is None,
            thresholds=not no_thresholds,
            samples=samples,
            seed=seed,
            progress=progress,
            **analysis_options,
        )


_started = [time.perf_counter()]


def mark_start() -> None:
    """The command starts now: the duration every recorded run shows ("took") counts from here."""
    _started[0] = time.perf_counter()


def record(
    command: str,
    scenario: Any,
    params: dict[str, Any],
    seed: int | None,
    results: Any,
    *,
    status: str = "ok",
    started: float | None = None,
) -> None:
    """Keep the command's run in the history, with the time it took (from ``started``, else
    from the start of the command)."""
    from offramp.service.runs import record as record_in_history  # where used: start-up time

    record_in_history(
        command,
        scenario,
        params,
        seed,
        results,
        status=status,
        started=_started[0] if started is None else started,
    )
