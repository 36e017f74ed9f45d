"""Terminal rendering of a parameter sweep."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from offramp.analysis.scenario import Scenario
from offramp.analysis.sweeps import SweepResult
from offramp.conflict.concepts import DEFAULT_CONCEPT, concept_short
from offramp.report.terminal import plain

SHORT = {"yes": "yes", "no": "no", "depends": "depends", "undetermined": "?"}


def render_sweep(scenario: Scenario, result: SweepResult, console: Console) -> None:
    """One row per value; the outcome where the evolution settles is named by a letter that
    the legend below the table spells out, so that rows stay one line wide."""
    outcomes: dict[str, str] = {}

    def letter(taken: list[str]) -> str:
        key = ", ".join(taken) or "nothing taken"
        if key not in outcomes:
            outcomes[key] = chr(ord("A") + len(outcomes)) if len(outcomes) < 26 else "#"
        return outcomes[key]

    table = Table(title=f"Sweep of {result.parameter}", header_style="bold")
    table.add_column(result.parameter, justify="right")
    table.add_column(f"{concept_short(DEFAULT_CONCEPT)} eq.", justify="right")
    table.add_column("settles at")
    for k, _ in enumerate(scenario.spec.questions):
        table.add_column(f"Q{k + 1}")
    previous: tuple[str, tuple[str, ...]] | None = None
    for row in result.rows:
        settles = " ".join(letter(t) for t in row.settles.get(DEFAULT_CONCEPT, [])) or "—"
        key = (settles, tuple(row.answers.values()))
        style = "bold" if previous is not None and key != previous else None
        previous = key
        table.add_row(
            f"{row.value:g}",
            str(len(row.equilibria[DEFAULT_CONCEPT])),
            settles,
            *[SHORT[row.answers[q.id]] for q in scenario.spec.questions],
            style=style,
        )
    console.print(table)
    for outcome, mark in outcomes.items():
        console.print(f"  {mark}: {plain(outcome)}")
    for k, q in enumerate(scenario.spec.questions):
        console.print(f"  Q{k + 1}: {plain(q.ask)}")
    for a, b, what in result.changes():
        console.print(f"between {result.parameter} = {a:g} and {b:g}: {what} change")
