"""The coalition analysis in words: for the terminal (rich) and as Markdown lines.

Renders the plain data of :meth:`offramp.conflict.coalitions.CoalitionAnalysis.to_dict`: which
coalitional equilibria there are, which individual equilibria each coalition upsets and by which
joint moves, which states a coalition holds that no member holds alone, and who gains by joining.
"""

from __future__ import annotations

from rich.console import Console

from offramp.conflict.concepts import concept_short


def _moves(moves: list[dict]) -> str:
    parts = []
    for m in moves:
        what = [f"takes {', '.join(m['takes'])}"] if m["takes"] else []
        if m["stops"]:
            what.append(f"stops {', '.join(m['stops'])}")
        parts.append(f"{m['mover']} {' and '.join(what)}")
    return "; then ".join(parts)


def coalition_lines(data: dict) -> list[str]:
    """Plain lines (Markdown-safe) of the coalition analysis ``data``."""
    lines = [
        "Coalitions analysed: "
        + "; ".join(f"{c['name']} ({', '.join(c['members'])})" for c in data["coalitions"])
    ]
    for concept, eqs in data["coalition_equilibria"].items():
        short = concept_short(concept)
        lines.append(
            f"C-{short} coalitional equilibria: "
            + (", ".join(f"state {s}" for s in eqs) if eqs else "none")
        )
        insight = data["coalition_insights"][concept]
        for name, upsets in insight["upsets"].items():
            for u in upsets:
                if u["to"] is None:
                    continue
                lines.append(
                    f"  {name} upsets the {short} equilibrium state {u['state']}: "
                    f"{_moves(u['moves'])} (to state {u['to']}, better for every member)"
                )
        for name, held in insight["held_only_jointly"].items():
            if held:
                lines.append(
                    f"  {name} holds under C-{short}, though no member holds it alone: "
                    + ", ".join(f"state {s}" for s in held[:12])
                    + (" ..." if len(held) > 12 else "")
                )
        for state, per in insight["gain_by_joining"].items():
            for name, who in per.items():
                lines.append(
                    f"  At state {state}, {', '.join(who)} cannot improve alone but gain "
                    f"by joining {name}"
                )
    return lines


def render_coalitions(data: dict, console: Console) -> None:
    """The coalition analysis for a terminal."""
    console.print("[bold]Coalition analysis[/]")
    for line in coalition_lines(data):
        console.print(line, markup=False, highlight=False)
