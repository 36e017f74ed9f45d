"""Terminal rendering with rich: tables an analyst can read at a glance."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from offramp.analysis import Analysis
from offramp.conflict.result import CONCEPT_NAMES, StabilityResult

MAX_STATE_ROWS = 64


def _mark(flag: bool) -> str:
    return "[green]✓[/]" if flag else "[dim]·[/]"


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
        table.add_row(CONCEPT_NAMES[c], str(len(eq)), ids or "none")
    return table


def render_stability(result: StabilityResult, console: Console) -> None:
    model = result.model
    console.print(
        f"[bold]{model.name}[/]: {model.n_dms} decision makers, "
        f"{len(model.option_names)} options, {model.n_states:,} feasible states"
    )
    console.print(stability_table(result))
    console.print(equilibria_summary(result))


def render_analysis(analysis: Analysis, console: Console) -> None:
    sc = analysis.scenario
    model = analysis.model
    result = analysis.stability
    head = Text(sc.name, style="bold")
    if sc.document.description:
        head.append("\n" + sc.document.description.strip(), style="")
    console.print(Panel(head, expand=True))

    actors = Table(title="Decision makers and their options", header_style="bold")
    actors.add_column("decision maker")
    actors.add_column("option")
    actors.add_column("moves")
    for dm in sc.document.decision_makers:
        for k, o in enumerate(dm.options):
            moves = {
                "both": "take or undo",
                "forward": "take only (irreversible)",
                "backward": "undo only",
            }[o.direction]
            actors.add_row(
                dm.label or dm.name if k == 0 else "",
                f"{o.label or o.name} [dim]({dm.name}.{o.name})[/]",
                moves,
            )
    console.print(actors)
    console.print(f"{model.n_states:,} feasible states.")
    if model.status_quo is not None:
        console.print(
            f"[bold]Status quo[/] (state {model.status_quo + 1}): "
            f"{analysis.describe_state(model.status_quo)}"
        )

    eq = Table(title="Equilibria", header_style="bold", show_lines=True)
    eq.add_column("state", justify="right")
    eq.add_column("what holds")
    for c in result.concepts:
        eq.add_column(c.upper(), justify="center")
    rows = sorted({int(s) for c in result.concepts for s in result.equilibria(c)})
    for s in rows[:MAX_STATE_ROWS]:
        flags = [bool(result.stable[c][:, s].all()) for c in result.concepts]
        sq = " [yellow](status quo)[/]" if s == model.status_quo else ""
        eq.add_row(str(s + 1), analysis.describe_state(s) + sq, *[_mark(f) for f in flags])
    if not rows:
        eq.add_row("—", "no equilibrium under any concept", *["" for _ in result.concepts])
    console.print(eq)
    console.print(equilibria_summary(result))

    if analysis.evolution is not None:
        evo = analysis.evolution
        parts = []
        summary = evo.summary(result)
        parts.append(
            Text(
                f"From the status quo, {summary['reachable_states']} state(s) can be "
                "reached by unilateral improvements."
            )
        )
        for c in result.concepts:
            info = summary["concepts"][c]
            if not info["reachable"] and not info["unreachable"]:
                continue
            lines = [f"[bold]{CONCEPT_NAMES[c]}[/]"]
            for e in info["reachable"]:
                steps = (
                    "; then ".join(
                        f"{st['mover']} "
                        + " and ".join(
                            ([f"takes {', '.join(st['takes'])}"] if st["takes"] else [])
                            + ([f"stops {', '.join(st['stops'])}"] if st["stops"] else [])
                        )
                        for st in e["path"]
                    )
                    or "it is the status quo"
                )
                lines.append(f"  reachable: state {e['id']} in {e['steps']} step(s): {steps}")
            for e in info["unreachable"]:
                lines.append(
                    f"  not reachable: state {e['id']} ({', '.join(e['taken']) or 'nothing taken'})"
                )
            parts.append(Text.from_markup("\n".join(lines)))
        console.print(Panel(Group(*parts), title="Evolution from the status quo"))
