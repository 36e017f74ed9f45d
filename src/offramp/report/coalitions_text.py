"""The coalition analysis in words: for the terminal (rich) and as Markdown lines.

Renders the plain data of :meth:`offramp.conflict.coalitions.CoalitionAnalysis.to_dict`: which
coalitional equilibria there are, which individual equilibria each coalition upsets and by which
joint moves, which states a coalition holds that no member holds alone, and who gains by joining.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console

from offramp.conflict.concepts import concept_short
from offramp.conflict.steps import move_words


def _moves(moves: list[dict[str, Any]]) -> str:
    return "; then ".join(move_words(m["mover"], m["takes"], m["stops"]) for m in moves)


def coalition_lines(data: dict[str, Any]) -> list[str]:
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
    sq = data.get("coalition_status_quo")
    if sq:
        for concept, per in sq.items():
            for name, e in per.items():
                if e["stable"]:
                    lines.append(
                        f"Status quo (state {e['state']}): {name} cannot upset it "
                        f"(C-{concept_short(concept)})"
                    )
                elif e["to"] is not None:
                    lines.append(
                        f"Status quo (state {e['state']}): {name} upsets it under "
                        f"C-{concept_short(concept)}: {_moves(e['moves'])} (to state {e['to']})"
                    )
    for a in data.get("coalition_answers", []):
        held = ", ".join(f"state {s}" for s in a["holds_in"]) or "none"
        lines.append(
            f"{a['ask']} Among the C-{concept_short(a['concept'])} coalitional equilibria: "
            f"{a['verdict']} (holds in {held})"
        )
    return lines


def render_coalitions(data: dict[str, Any], console: Console) -> None:
    """The coalition analysis for a terminal."""
    console.print("[bold]Coalition analysis[/]")
    for line in coalition_lines(data):
        console.print(line, markup=False, highlight=False)
