"""What several commands share: the scenario argument, loading it (or one of its variants), and
building a report's content with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from offramp.analysis.scenario import Scenario, load
from offramp.cli.progress import LazyProgress
from offramp.scenarios import default
from offramp.service.report_content import build_report

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


def load_scenario(file: Path | None, variant: str | None = None) -> Scenario:
    """The scenario in FILE (the built-in default without one), or one of its variants."""
    scenario = default() if file is None else load(file)
    if variant is not None:
        if variant not in scenario.spec.variants:
            known = ", ".join(scenario.spec.variants) or "the scenario declares none"
            raise typer.BadParameter(f"no variant '{variant}' ({known})", param_hint="--variant")
        scenario = scenario.variant(variant)
    return scenario


def build_with_progress(
    scenario,
    variant: str | None,
    no_variants: bool,
    no_thresholds: bool,
    samples: int,
    seed: int,
    **analysis_options,
) -> dict:
    """The report's content, with a progress bar when it takes more than a moment (the
    variants are skipped when a variant is analysed on its own)."""
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
