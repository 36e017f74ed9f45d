"""Terminal rendering of a Monte Carlo result: probabilities first, then what drives them,
laid out for 80 columns (drivers on lines of their own, not in a narrow column)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from offramp.conflict.concepts import DEFAULT_CONCEPT, concept_short
from offramp.report.glossary import terms
from offramp.report.terminal import plain as escape
from offramp.report.words import (
    PROBABILITY_NOTE,
    bad_samples_sentence,
    drivers_text,
    input_label,
    margin_sentence,
    no_driver,
    probability_cell,
    target_label,
)

TOP_INPUTS = 5


def render_uncertainty(
    data: dict[str, Any],
    console: Console,
    *,
    title: str | None = None,
    report: dict[str, Any] | None = None,
) -> None:
    """``report``, when given, supplies the labels of inputs, questions and dimensions (and
    the forecast spreads); without it the ids are shown."""
    labels = report if report is not None else {"uncertainty": data}
    head = title or f"Monte Carlo: {data['samples']:,} samples"
    console.print(
        f"[bold]{escape(head)}[/] (seed {data['seed']}, {data['executor']}, "
        f"{data['seconds']:.1f} s)"
    )
    if data.get("interrupted"):
        console.print(
            f"[yellow]Stopped early: {escape(str(data['interrupted']))}. The results below come "
            f"from the {data['samples']:,} samples that finished (of "
            f"{data['requested']:,}).[/]"
        )
    if data.get("bad_samples"):
        console.print(f"[yellow]{escape(bad_samples_sentence(data))}[/]")
    if not data["inputs"]:
        console.print(
            "[dim]The scenario declares no uncertain input: every sample is the "
            "deterministic analysis.[/]"
        )
    if data["questions"]:
        qs = Table(title="How likely each answer is", header_style="bold")
        qs.add_column("question", ratio=1)
        for col in ("yes", "no", "depends", "undet."):
            qs.add_column(col, justify="right")  # wraps before the interval when narrow
        n = data["samples"]
        for q in data["questions"]:
            qs.add_row(
                escape(q["ask"]),
                *[probability_cell(q, c, n) for c in ("yes", "no", "depends", "undetermined")],
            )
        qs.caption = (
            PROBABILITY_NOTE
            if data["samples"]
            else "no sample finished: no probability can be given"
        )
        console.print(qs)
        lines = []
        for q in data["questions"]:
            top = drivers_text(labels, data["sensitivity"], f"question:{q['id']}")
            if top != "—":
                lines.append(f"{q['ask']} — {top}.")
        _indented(console, "Driven most by (Spearman ρ with 'yes'):", lines)
        margins = [
            f"{q['ask']} — every sample: {q['margin']['answer']}. "
            + (margin_sentence(labels, q["margin"]) or "No uncertain parameter was searched.")
            for q in data["questions"]
            if q.get("margin")
        ]
        _indented(console, "Decided by a margin (every sample agrees):", margins)
    settles = data["settles_probability"].get(DEFAULT_CONCEPT, [])
    if settles:
        t = Table(
            title=f"Where the evolution settles ({concept_short(DEFAULT_CONCEPT)})",
            header_style="bold",
        )
        t.add_column("state", justify="right")
        t.add_column("options taken")
        t.add_column("probability", justify="right")
        for e in [e for e in settles if e["probability"] >= 0.0005][:8]:
            t.add_row(
                str(e["id"]), ", ".join(e["taken"]) or "nothing taken", f"{e['probability']:.1%}"
            )
        console.print(t)
    if data.get("forecasts"):
        t = Table(title="Negotiation forecasts at the settled outcome", header_style="bold")
        t.add_column("dimension (model)", ratio=1)
        for col in ("mean", "p5", "median", "p95"):
            t.add_column(col, justify="right", no_wrap=True)
        for model, dims in data["forecasts"].items():
            for dim, s in dims.items():
                t.add_row(
                    escape(f"{_dimension(labels, dim)} ({model})"),
                    *[f"{s[c]:.1f}" for c in ("mean", "p5", "median", "p95")],
                )
        console.print(t)
        lines = [
            f"{_dimension(labels, dim)} ({model}): "
            + drivers_text(labels, data["sensitivity"], f"forecast:{model}:{dim}")
            + "."
            for model, dims in data["forecasts"].items()
            for dim in dims
        ]
        _indented(console, "Driven most by (Spearman ρ):", lines)
    if data["sensitivity"]:
        t = Table(title="Sensitivity: inputs ranked by their effect", header_style="bold")
        t.add_column("conclusion", ratio=2)
        t.add_column("inputs (Spearman ρ)", ratio=3)
        for target, items in data["sensitivity"].items():
            shown = [
                f"{input_label(labels, d['input'])} {d['rho']:+.2f}"
                for d in items[:TOP_INPUTS]
                if d.get("significant", True)
            ]
            t.add_row(
                escape(target_label(labels, target)),
                escape("; ".join(shown) or no_driver(data, target)),
            )
        console.print(t)
    items = terms(["Spearman ρ", "p5/p95"] if data.get("forecasts") else ["Spearman ρ"])
    console.print(Text(" ".join(f"{t}: {d}" for t, d in items), style="dim"))


def _indented(console: Console, head: str, lines: list[str]) -> None:
    """A heading and one item per line, wrapped with a hanging indent."""
    if not lines:
        return
    console.print(Text(head, style="dim"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in lines:
        grid.add_row("•", Text(line))
    console.print(Padding(grid, (0, 0, 0, 2), expand=False))


def _dimension(report: dict[str, Any], name: str) -> str:
    return str(((report.get("labels") or {}).get("dimensions") or {}).get(name, name))
