"""Terminal rendering with rich: tables an analyst can read at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from offramp.conflict.concepts import DEFAULT_CONCEPT, concept_label, concept_short
from offramp.conflict.result import StabilityResult
from offramp.report.glossary import concept_terms, terms
from offramp.report.provenance import render_provenance_text
from offramp.report.terminal import plain as escape
from offramp.report.text_sections import SECTIONS
from offramp.report.words import (
    VERDICT,
    answer_line,
    as_of_sentence,
    disagreements,
    findings,
    myopia_sentences,
    next_sentences,
    path_sentence,
    perceived_settles,
    perceived_suffix,
    settle_lines,
    settled_states,
    threshold_sentence,
    threshold_suffix,
    variant_title,
)

MAX_STATE_ROWS = 64


def _marks(flags: Sequence[bool] | np.ndarray) -> str:
    marks = "".join("✓" if f else "·" for f in flags)
    return f"[bold green]{marks} EQ[/]" if all(flags) else f"{marks}   "


def stability_table(result: StabilityResult, max_rows: int = MAX_STATE_ROWS) -> Table:
    """One row per state (only equilibria when there are many states); per concept one mark
    per DM, in declaration order, and EQ when the state is stable for all."""
    model = result.model
    concepts = result.concepts
    many = model.n_states > max_rows
    title = "Equilibria" if many else "Stability by state"
    table = Table(title=title, header_style="bold")
    table.add_column("id", justify="right")
    table.add_column("options taken", overflow="fold")
    for c in concepts:
        table.add_column(c.upper(), justify="left", no_wrap=True)
    if many:
        rows = sorted({int(s) for c in concepts for s in result.equilibria(c)})
    else:
        rows = list(range(model.n_states))
    for s in rows[:max_rows]:
        cells = [str(s + 1), ", ".join(model.taken(s)) or "—"]
        cells += [_marks(result.stable[c][:, s]) for c in concepts]
        table.add_row(*cells)
    caption = "marks per decision maker: " + ", ".join(model.dm_names)
    if len(rows) > max_rows:
        caption += f"; first {max_rows} of {len(rows)} rows (--format json gives all)"
    table.caption = caption
    return table


def equilibria_summary(result: StabilityResult) -> Table:
    table = Table(title="Equilibria by concept", header_style="bold")
    table.add_column("concept")
    table.add_column("count", justify="right")
    table.add_column("states (ids)")
    for c in result.concepts:
        eq = result.equilibria(c)
        ids = ", ".join(str(int(s) + 1) for s in eq[:30]) + (" …" if len(eq) > 30 else "")
        table.add_row(concept_label(c), str(len(eq)), ids or "none")
    return table


def render_stability(result: StabilityResult, console: Console) -> None:
    model = result.model
    console.print(
        f"[bold]{escape(model.name)}[/]: {model.n_dms} decision makers, "
        f"{len(model.option_names)} options, {model.n_states:,} feasible states"
    )
    console.print(stability_table(result))
    _terms(console, terms(["✓ / ·"]))
    console.print(equilibria_summary(result))


#: The sections the default (short) report shows; SECTIONS lists them all, in order.
SHORT = ("findings", "outcome", "variants")


def render_report(
    report: dict[str, Any],
    console: Console,
    *,
    sections: list[str] | tuple[str, ...] | None = None,
    full: bool = False,
) -> None:
    """The report (see :func:`offramp.service.report_content.build_report`) for a terminal, laid out
    for 80 columns. By default short: the findings, where the conflict settles and the
    variants; ``full`` shows every section, ``sections`` the ones named (see SECTIONS)."""
    wanted = SECTIONS if full else tuple(sections or SHORT)
    head = Text(report["scenario"], style="bold")
    if report.get("description") and full:
        head.append("\n" + report["description"].strip())
    when = as_of_sentence(report)
    if when:
        head.append("\n" + when, style="dim")
    console.print(Panel(head, expand=True))
    for name in SECTIONS:
        if name in wanted:
            _RENDER[name](report, console)
    later = next_sentences(report)
    if later and "findings" in wanted:
        console.print(Text("What happened next (evidence published later)", style="bold"))
        for line in later:
            console.print(Text("  " + line))
    if not full:
        rest = [s for s in SECTIONS if s not in wanted]
        if rest:
            console.print(
                Text(
                    "More: offramp analyze --full, or --section NAME for one of: "
                    + ", ".join(rest),
                    style="dim",
                )
            )


def _terms(console: Console, items: list[tuple[str, str]]) -> None:
    if not items:
        return
    text = Text()
    for k, (t, d) in enumerate(items):
        text.append(("\n" if k else "") + t, style="bold dim")
        text.append(f": {d}", style="dim")
    console.print(text)


def _findings(report: dict[str, Any], console: Console) -> None:
    if not report["questions"]:
        console.print("[dim]The scenario asks no question.[/]")
        return
    console.print(
        Panel(Text("\n".join(f"• {f}" for f in findings(report))), title="Findings", expand=True)
    )


def _outcome(report: dict[str, Any], console: Console) -> None:
    sq = report["status_quo"]
    line = Text(f"{report['feasible_states']:,} feasible states. ")
    if sq:
        line.append("Status quo", style="bold")
        line.append(f" (state {sq['id']}): {sq['description']}.")
    console.print(line)
    for e in report["settles_at"].get(DEFAULT_CONCEPT, []):
        line = Text(f"Where it settles ({concept_short(DEFAULT_CONCEPT)})", style="bold")
        line.append(
            f": state {e['id']} ({e['description']}) after {e['steps']} step(s): "
            f"{path_sentence(e['path'], report)}."
        )
        console.print(line)
    for sentence in myopia_sentences(report):
        console.print(Text(sentence, style="yellow"))


def _actors(report: dict[str, Any], console: Console) -> None:
    actors = Table(title="Decision makers and their options", header_style="bold")
    actors.add_column("decision maker")
    actors.add_column("option")
    actors.add_column("moves")
    moves = {"both": "take or undo", "forward": "take only", "backward": "undo only"}
    for dm in report["decision_makers"]:
        for k, o in enumerate(dm["options"]):
            actors.add_row(
                escape(dm["label"]) if k == 0 else "",
                f"{escape(o['label'])} [dim]({escape(o['name'])})[/]",
                moves[o["direction"]],
            )
    console.print(actors)


def _equilibria(report: dict[str, Any], console: Console) -> None:
    eq = Table(title="Equilibria", header_style="bold")
    eq.add_column("concept")
    eq.add_column("count", justify="right")
    eq.add_column("states")
    for c, name in report["concepts"].items():
        items = report["equilibria"][c]
        if len(items) <= 6:
            listed = "\n".join(f"{e['id']}: {escape(e['description'])}" for e in items) or "none"
        else:
            listed = (
                ", ".join(str(e["id"]) for e in items[:24])
                + (" …" if len(items) > 24 else "")
                + "\n[dim](offramp stability lists them all)[/]"
            )
        eq.add_row(name, str(len(items)), listed)
    console.print(eq)
    _terms(console, concept_terms(report["concepts"]))


def _evolution(report: dict[str, Any], console: Console) -> None:
    if not report["settles_at"]:
        return
    lines = [f"[bold]{name}[/]: {escape(line)}" for name, line in settle_lines(report)]
    evo = report["evolution"]
    lines.append(
        f"[dim]{evo['reachable_states']} state(s) can be reached from the status "
        "quo by unilateral improvements; analyze --format json lists every "
        "reachable equilibrium with a shortest path.[/]"
    )
    console.print(Panel(Text.from_markup("\n".join(lines)), title="Evolution from the status quo"))
    _terms(console, terms(["settles"]))


def _questions(report: dict[str, Any], console: Console) -> None:
    if not report["questions"]:
        return
    qs = Table(title="The scenario's questions", header_style="bold", show_lines=True)
    qs.add_column("question", ratio=2)
    qs.add_column("answer", ratio=3)
    for q in report["questions"]:
        qs.add_row(
            f"[bold]{escape(q['ask'])}[/]\n[dim]{escape(q['holds_when'])}[/]",
            escape(answer_line(q, report)),
        )
    console.print(qs)
    if any(q.get("threshold") for q in report["questions"]):
        _terms(console, terms(["utility points"]))


def _coalitions(report: dict[str, Any], console: Console) -> None:
    if report.get("coalition_analysis"):
        from offramp.report.coalitions_text import render_coalitions

        render_coalitions(report["coalition_analysis"], console)
    else:
        console.print(
            "[bold]Coalition analysis[/]\nThe scenario declares no coalitions, so none was "
            "analysed. Declare them under 'coalitions:' in the scenario, or ask for every "
            "coalition of two or more decision makers with --coalitions all."
        )


def _bargaining(report: dict[str, Any], console: Console) -> None:
    if report.get("bargaining"):
        render_bargaining(report["bargaining"], console)
        for sentence in disagreements(report):
            console.print(Text(sentence))


def _uncertainty(report: dict[str, Any], console: Console) -> None:
    if not report.get("uncertainty"):
        return
    from offramp.report.uncertainty_text import render_uncertainty

    mc = report["uncertainty"]
    render_uncertainty(
        mc,
        console,
        title=(
            f"Under the scenario's declared uncertainty ({mc['samples']:,} samples of "
            f"{len(mc['inputs'])} uncertain inputs; offramp uncertainty -n 10000 for more)"
        ),
        report=report,
    )


def _variants(report: dict[str, Any], console: Console) -> None:
    """Stacked, one block per variant, so that it reads at 80 columns whatever the number of
    variants: what changes, where it settles, each question's answer (Q1… as listed)."""
    if not report["variants"]:
        return
    console.print(Text("Counterfactual variants", style="bold"))
    questions = report["questions"]
    legend = Table.grid(padding=(0, 1))
    legend.add_column(style="dim", no_wrap=True)
    legend.add_column()
    for k, q in enumerate(questions):
        legend.add_row(f"Q{k + 1}", Text(q["ask"]))
    console.print(Padding(legend, (0, 0, 0, 2), expand=False))

    def answers(qs: list[dict[str, Any]]) -> str:
        return " · ".join(f"Q{k + 1} {_verdict_cell(q, report)}" for k, q in enumerate(qs))

    bargaining: dict[str, Any] = report.get("bargaining") or {}
    base_forecasts: list[dict[str, Any]] = []
    if bargaining:
        model = bargaining["default_model"]
        settled_ids = {e["id"] for e in report["settles_at"].get(DEFAULT_CONCEPT, [])}
        base_forecasts = [
            {"id": c["state"], "model": model, "forecast": c["forecasts"][model]}
            for c in bargaining["cases"]
            if c["name"].startswith("settled-") and c.get("state") in settled_ids
        ]
    rows: list[
        tuple[str, str | None, list[dict[str, Any]], Any, list[dict[str, Any]], str | None]
    ] = [
        (
            "Baseline",
            None,
            report["settles_at"].get(DEFAULT_CONCEPT, []),
            questions,
            base_forecasts,
            None,
        )
    ]
    rows += [
        (
            variant_title(v),
            "; ".join(v.get("changes_text") or v["changes"]),
            v["settles_at"].get(DEFAULT_CONCEPT, []),
            v["questions"],
            v.get("forecast_at_settled") or [],
            perceived_settles(v),
        )
        for v in report["variants"]
    ]
    for label, changes, settled, qs, forecasts, perceived in rows:
        console.print(Text(label, style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        if changes:
            grid.add_row("changes", Text(changes))
        grid.add_row("settles at", Text(settled_states(settled)))
        if perceived is not None:
            grid.add_row("as perceived", Text(f"settles at {perceived} (hypergame)"))
        if qs:
            grid.add_row("answers", Text(answers(qs)))
        for f in forecasts:
            where = f" at state {f['id']}" if len(forecasts) > 1 else ""
            grid.add_row(
                "forecast",
                Text(f"{_dims_text(bargaining, f['forecast'])} ({f['model']} model{where})"),
            )
        console.print(Padding(grid, (0, 0, 0, 2), expand=False))


def _provenance(report: dict[str, Any], console: Console) -> None:
    render_provenance_text(report, console)


_RENDER = {
    "findings": _findings,
    "outcome": _outcome,
    "actors": _actors,
    "equilibria": _equilibria,
    "evolution": _evolution,
    "questions": _questions,
    "coalitions": _coalitions,
    "bargaining": _bargaining,
    "uncertainty": _uncertainty,
    "provenance": _provenance,
    "variants": _variants,
}


def _dims_text(bargaining: dict[str, Any], values: list[Any]) -> str:
    return ", ".join(
        f"{d['label']} {v:.1f}" if v is not None else f"{d['label']} —"
        for d, v in zip(bargaining["dimensions"], values, strict=True)
    )


def render_bargaining(part: dict[str, Any], console: Console) -> None:
    """One table per issue dimension: cases as rows, models as columns."""
    for k, d in enumerate(part["dimensions"]):
        table = Table(
            title=f"Negotiation forecast: {escape(d['label'])}",
            caption=escape(f"0 = {d['low']}; 100 = {d['high']}"),
            header_style="bold",
        )
        table.add_column("case")
        for m in part["models"]:
            table.add_column(f"{m}*" if m == part["default_model"] else m, justify="right")
        for case in part["cases"]:
            vals = [case["forecasts"][m][k] for m in part["models"]]
            table.add_row(
                escape(case["label"]), *[f"{v:.1f}" if v is not None else "—" for v in vals]
            )
        console.print(table)
    console.print(
        f"* {part['default_model']}: offramp's default forecaster "
        "(docs/methods/bargaining-offramp.md)"
    )
    _terms(console, terms(part["models"]))


def _verdict_cell(q: dict[str, Any], report: dict[str, Any] | None = None) -> str:
    return VERDICT[q["verdict"]] + threshold_suffix(q, report) + perceived_suffix(q)


__all__ = [
    "SECTIONS",
    "render_report",
    "render_stability",
    "stability_table",
    "threshold_sentence",
]
