"""Limited-move stability L_h (two DMs): no move is worth making, looking h moves ahead.

The DMs alternate; DM k at s anticipates where the conflict ends if it moves to t and the DMs
keep choosing their best moves for h - 1 more moves (G_{h-1}(t, k'), see
:mod:`offramp.conflict.limited_move`). s is L_h-stable for k when no move of k leads to an
anticipated end k prefers to s. L_1 is Nash stability. The horizon h is the parameter
``horizon`` (``--horizon`` on the command line), 2 when not given.

References
----------
Kilgour, D. M. (1985). Anticipation and stability in two-person noncooperative games.
Zagare, F. C. (1984). Limited-move equilibria in 2 x 2 games. Theory and Decision 16, 1-19.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making. Wiley, ch. 4.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from offramp.conflict.concepts.base import Concept, DMView
from offramp.conflict.limited_move import anticipate, check, move_edges
from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import move_indices
from offramp.conflict.state_ids import to_id
from offramp.conflict.steps import Step, make_step

DEFAULT_HORIZON = 2
LABEL = "Limited-move stability (L_h)"


def _horizon(model: ConflictModel, options: Mapping[str, object]) -> int:
    return check(model, options.get("horizon", DEFAULT_HORIZON), LABEL)


def stable(view: DMView) -> np.ndarray:
    h = _horizon(view.model, view.options)
    return anticipate(view.model, h).stable(h, view.dm)


def describe_path(model: ConflictModel, steps: Sequence[Step] | None, start: int) -> str:
    if not steps:
        return f"the conflict stays at state {to_id(start)}"
    return "; then ".join(f"{s.describe(model.labels)} (state {to_id(s.target)})" for s in steps)


def account(
    model: ConflictModel, state: int, k: int, options: Mapping[str, object]
) -> tuple[list[str], dict[str, Any]]:
    """Each move of k from ``state``, the end it anticipates, and whether it is worth making."""
    h = _horizon(model, options)
    ant = anticipate(model, h)
    dm = model.label(model.dm_names[k])
    rank = model.ranks[k]
    src, dst = move_edges(model, move_indices(model)[k])
    moves = []
    lines = []
    for t in dst[src == state]:
        t = int(t)
        rest = ant.path(t, 1 - k, h - 1)
        end = int(ant.outcome[h - 1][1 - k][t])
        worth = bool(rank[end] > rank[state])
        step = make_step(model, k, state, t)
        moves.append(
            {
                "move": step.to_dict(),
                "anticipated": [s.to_dict() for s in rest],
                "ends_in": to_id(end),
                "worthwhile": worth,
            }
        )
        lines.append(
            f"  Move: {step.describe(model.labels)} (to state {to_id(t)}); anticipated: "
            f"{describe_path(model, rest, t)}; ends in state {to_id(end)}, "
            f"{'better' if worth else 'no better'} for {dm} than staying."
        )
    chosen = ant.path(state, k, h)
    tie = bool(ant.tie[h][k][state])
    head = f"  Looking {h} move{'s' if h != 1 else ''} ahead"
    if chosen:
        lines.append(f"{head}, {dm} would play: {describe_path(model, chosen, state)}.")
    else:
        lines.append(f"{head}, {dm} has no move worth making.")
    if tie:
        lines.append(
            "  This verdict may rest on the tie rule (among moves worth the same to the mover "
            "with different outcomes, the lowest-numbered state is taken)."
        )
    if not moves:
        lines.insert(0, f"  {dm} has no unilateral move from here.")
    data = {
        "horizon": h,
        "moves": moves,
        "anticipated_path": [s.to_dict() for s in chosen],
        "rests_on_tie": tie,
    }
    return lines, data


def extra_json(result: Any) -> dict[str, Any]:  # a StabilityResult (a layer above)
    return {"horizon": _horizon(result.model, result.options.get("lh", {}))}


def _check(model: ConflictModel, options: Mapping[str, object]) -> None:
    _horizon(model, options)


CONCEPT = Concept(
    key="lh",
    label=LABEL,
    short="L_h",
    glossary=(
        "Limited-move stability (L_h, two decision makers): looking h moves ahead, with both "
        "sides replying as well as they can, the decision maker has no move worth making."
    ),
    reference="Kilgour 1985; Zagare 1984; Fang, Hipel & Kilgour 1993",
    stable=stable,
    sanction=None,
    no_sanction_note="",
    by_default=False,
    defaults={"horizon": DEFAULT_HORIZON},
    check=_check,
    account=account,
    extra_json=extra_json,
)
