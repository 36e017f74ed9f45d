"""Terminal rendering with rich: tables an analyst can read at a glance."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from offramp.conflict.concepts import concept_label
from offramp.conflict.result import StabilityResult
from offramp.report.provenance import render_provenance_text
from offramp.report.words import (
    VERDICT,
    answer_line,
    findings,
    settle_lines,
    settled_states,
    threshold_sentence,
    threshold_suffix,
)

MAX_STATE_ROWS = 64


def _marks(flags) -> str:
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
        f"[bold]{model.name}[/]: {model.n_dms} decision makers, "
        f"{len(model.option_names)} options, {model.n_states:,} feasible states"
    )
    console.print(stability_table(result))
    console.print(equilibria_summary(result))


def render_report(report: dict, console: Console) -> None:
    """The full report (see :func:`offramp.service.report_content.build_report`) for a terminal."""
    head = Text(report["scenario"], style="bold")
    if report.get("description"):
        head.append("\n" + report["description"].strip())
    console.print(Panel(head, expand=True))
    if report["questions"]:
        console.print(
            Panel(
                Text("\n".join(f"• {f}" for f in findings(report))), title="Findings", expand=True
            )
        )

    actors = Table(title="Decision makers and their options", header_style="bold")
    actors.add_column("decision maker")
    actors.add_column("option")
    actors.add_column("moves")
    moves = {"both": "take or undo", "forward": "take only", "backward": "undo only"}
    for dm in report["decision_makers"]:
        for k, o in enumerate(dm["options"]):
            actors.add_row(
                dm["label"] if k == 0 else "",
                f"{o['label']} [dim]({o['name']})[/]",
                moves[o["direction"]],
            )
    console.print(actors)
    sq = report["status_quo"]
    console.print(f"{report['feasible_states']:,} feasible states.")
    if sq:
        console.print(f"[bold]Status quo[/] (state {sq['id']}): {sq['description']}")

    eq = Table(title="Equilibria", header_style="bold")
    eq.add_column("concept")
    eq.add_column("count", justify="right")
    eq.add_column("states")
    for c, name in report["concepts"].items():
        items = report["equilibria"][c]
        if len(items) <= 6:
            listed = "\n".join(f"{e['id']}: {e['description']}" for e in items) or "none"
        else:
            listed = (
                ", ".join(str(e["id"]) for e in items[:24])
                + (" …" if len(items) > 24 else "")
                + "\n[dim](offramp stability lists them all)[/]"
            )
        eq.add_row(name, str(len(items)), listed)
    console.print(eq)

    if report["settles_at"]:
        lines = [f"[bold]{name}[/]: {escape(line)}" for name, line in settle_lines(report)]
        evo = report["evolution"]
        lines.append(
            f"[dim]{evo['reachable_states']} state(s) can be reached from the status "
            "quo by unilateral improvements; analyze --format json lists every "
            "reachable equilibrium with a shortest path.[/]"
        )
        console.print(
            Panel(Text.from_markup("\n".join(lines)), title="Evolution from the status quo")
        )

    if report["questions"]:
        qs = Table(title="The scenario's questions", header_style="bold", show_lines=True)
        qs.add_column("question")
        qs.add_column("answer")
        for q in report["questions"]:
            qs.add_row(f"[bold]{q['ask']}[/]\n[dim]{q['holds_when']}[/]", answer_line(q))
        console.print(qs)

    if report.get("coalition_analysis"):
        from offramp.report.coalitions_text import render_coalitions

        render_coalitions(report["coalition_analysis"], console)

    if report.get("bargaining"):
        render_bargaining(report["bargaining"], console)

    if report.get("uncertainty"):
        from offramp.report.uncertainty_text import render_uncertainty

        mc = report["uncertainty"]
        render_uncertainty(
            mc,
            console,
            title=(
                f"Under the scenario's declared uncertainty ({mc['samples']:,} samples of "
                f"{len(mc['inputs'])} uncertain inputs; offramp uncertainty -n 10000 for more)"
            ),
        )

    render_provenance_text(report, console)
    if report["variants"]:
        var = Table(title="Counterfactual variants", header_style="bold", show_lines=True)
        var.add_column("question")
        var.add_column("baseline")
        for v in report["variants"]:
            var.add_column(v["label"])
        for k, q in enumerate(report["questions"]):
            cells = [q["ask"], _verdict_cell(q)]
            for v in report["variants"]:
                cells.append(_verdict_cell(v["questions"][k]))
            var.add_row(*cells)
        console.print(var)
        for v in report["variants"]:
            where = settled_states(v["settles_at"].get("seq", []))
            console.print(f"[bold]{v['label']}[/] ({', '.join(v['changes'])}): settles at {where}.")
            for f in v.get("forecast_at_settled") or []:
                console.print(
                    f"    negotiation forecast there ({f['model']} model): "
                    + _dims_text(report["bargaining"], f["forecast"])
                )


def _dims_text(bargaining: dict, values: list) -> str:
    return ", ".join(
        f"{d['label']} {v:.1f}" if v is not None else f"{d['label']} —"
        for d, v in zip(bargaining["dimensions"], values, strict=True)
    )


def render_bargaining(part: dict, console: Console) -> None:
    """One table per issue dimension: cases as rows, models as columns."""
    for k, d in enumerate(part["dimensions"]):
        table = Table(
            title=f"Negotiation forecast: {d['label']}",
            caption=f"0 = {d['low']}; 100 = {d['high']}",
            header_style="bold",
        )
        table.add_column("case")
        for m in part["models"]:
            table.add_column(f"{m}*" if m == part["default_model"] else m, justify="right")
        for case in part["cases"]:
            vals = [case["forecasts"][m][k] for m in part["models"]]
            table.add_row(case["label"], *[f"{v:.1f}" if v is not None else "—" for v in vals])
        console.print(table)
    console.print(
        f"* {part['default_model']}: offramp's default forecaster "
        "(docs/methods/bargaining-offramp.md)"
    )


def _verdict_cell(q: dict) -> str:
    return VERDICT[q["verdict"]] + threshold_suffix(q)


__all__ = ["render_report", "render_stability", "stability_table", "threshold_sentence"]
