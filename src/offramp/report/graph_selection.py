"""Which states a picture of the state graph shows: one rule for the HTML report
(:mod:`offramp.report.graph`) and the workbench (:mod:`offramp.web.graph`).

A graph of a few dozen states is already a tangle of arrows. What a reader needs from it is
the story the analysis tells: where the conflict is (the status quo), where it can come to rest
(the equilibria) and how it gets there (the paths of unilateral improvements from the status
quo). So by default:

- up to ``SMALL`` states, every state is drawn;
- above, the *core*: the status quo, the equilibria of the concept, and every state on the
  shortest paths from the status quo to where the conflict settles and to the other
  equilibria reachable from it (nearest first), at most ``MAX_DRAWN`` states.

With ``full=True`` (the reader asks for the whole graph) every state is drawn up to
``MAX_FULL``; beyond that the states reachable from the status quo plus the equilibria, and
if those are too many, the core. ``note`` says in a sentence what was left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from offramp.analysis.conflict_analysis import Analysis
from offramp.conflict.concepts import concept_short

SMALL = 30
MAX_FULL = 150
MAX_DRAWN = 250

Path = list[tuple[int, int]]


@dataclass
class Selection:
    """States to draw (0-based, sorted), the paths drawn (target, steps), and a note."""

    nodes: list[int]
    paths: list[tuple[int, Path]] = field(default_factory=list)
    note: str = ""
    mode: str = "all"  # "all" | "core" | "reachable"


def _paths(
    analysis: Analysis, concept: str
) -> tuple[list[tuple[int, Path]], list[tuple[int, Path]]]:
    """(paths to where it settles, paths to the other reachable equilibria), nearest first."""
    settle: list[tuple[int, Path]] = []
    evo = analysis.settling.get(concept)
    settles = analysis.settles_at(concept)
    if evo is not None and settles is not None:
        for t in settles:
            steps = evo.path(int(t)) or []
            settle.append((int(t), [(st.source, st.target) for st in steps]))
    settle.sort(key=lambda p: len(p[1]))
    other: list[tuple[int, Path]] = []
    full_evo = analysis.evolution
    if full_evo is not None:
        done = {t for t, _ in settle}
        eq = analysis.stability.equilibria(concept)
        reach = [int(s) for s in eq if full_evo.distance[s] >= 0 and int(s) not in done]
        reach.sort(key=lambda s: int(full_evo.distance[s]))
        for s in reach:
            steps = full_evo.path(s) or []
            other.append((s, [(st.source, st.target) for st in steps]))
    return settle, other


def core(analysis: Analysis, concept: str, limit: int | None = None) -> Selection:
    """The status quo, the equilibria and the paths between them (at most ``limit`` states:
    the status quo, then the paths to where it settles, then the other reachable equilibria
    with their paths, then the remaining equilibria)."""
    limit = MAX_DRAWN if limit is None else limit
    model = analysis.model
    start = None if model.status_quo is None else int(model.status_quo)
    settle, other = _paths(analysis, concept)
    keep: list[int] = [] if start is None else [start]
    seen = set(keep)

    def add(states: Iterable[int]) -> bool:
        new = [s for s in dict.fromkeys(states) if s not in seen]
        if len(seen) + len(new) > limit:
            return False
        keep.extend(new)
        seen.update(new)
        return True

    drawn_paths: list[tuple[int, Path]] = []
    for target, steps in settle + other:
        if add([a for e in steps for a in e] + [target]):
            drawn_paths.append((target, steps))
    eq = [int(s) for s in analysis.stability.equilibria(concept)]
    dropped = 0
    for s in eq:
        if not add([s]):
            dropped += 1
    name = concept_short(concept)
    left_out = f"; {dropped:,} more {name} equilibria are not drawn" if dropped else ""
    note = (
        f"Shown: the status quo, the {len(eq) - dropped:,} {name} equilibria and the paths of "
        f"improvements from the status quo to those it can reach ({len(keep):,} of "
        f"{model.n_states:,} states){left_out}."
    )
    return Selection(sorted(keep), drawn_paths, note, "core")


def select_states(analysis: Analysis, concept: str, full: bool = False) -> Selection:
    """The states to draw by default (``full=False``) or when the whole graph is asked for."""
    n = analysis.model.n_states
    settle, _ = _paths(analysis, concept)
    if n <= SMALL or (full and n <= MAX_FULL):
        return Selection(list(range(n)), settle, "", "all")
    if not full:
        return core(analysis, concept)
    evo = analysis.evolution
    reach = set() if evo is None else {int(s) for s in np.flatnonzero(evo.distance >= 0)}
    eq = {int(s) for s in analysis.stability.equilibria(concept)}
    chosen = reach | eq
    name = concept_short(concept)
    if len(chosen) <= MAX_DRAWN:
        return Selection(
            sorted(chosen),
            settle,
            f"{n:,} states are too many to draw: shown are the {len(reach):,} states reachable "
            f"from the status quo and the {len(eq):,} {name} equilibria.",
            "reachable",
        )
    sel = core(analysis, concept)
    sel.note = f"{n:,} states are too many to draw in full. " + sel.note
    return sel


def settle_steps(analysis: Analysis, concept: str, selection: Selection) -> set[tuple[int, int]]:
    """The moves of the drawn paths that lead from the status quo to where the conflict settles
    (every state of the path drawn): the arrows both the HTML report and the workbench mark as
    the path, so the two never highlight different moves."""
    settles = analysis.settles_at(concept)
    targets = set() if settles is None else {int(t) for t in settles}
    drawn = set(selection.nodes)
    return {
        step
        for target, steps in selection.paths
        if target in targets
        and target in drawn
        and all(a in drawn and b in drawn for a, b in steps)
        for step in steps
    }


def move_change(a_code: int, b_code: int, option_labels: list[str]) -> str:
    """What the move between states with option bits ``a_code`` -> ``b_code`` does, in option
    labels: 'takes X; stops Y' (the arrow's hover text in the report and the workbench)."""
    n = len(option_labels)
    on = [option_labels[k] for k in range(n) if (b_code >> k & 1) and not (a_code >> k & 1)]
    off = [option_labels[k] for k in range(n) if (a_code >> k & 1) and not (b_code >> k & 1)]
    parts = (["takes " + ", ".join(on)] if on else []) + (
        ["stops " + ", ".join(off)] if off else []
    )
    return "; ".join(parts)
