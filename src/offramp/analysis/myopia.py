"""Is "where it settles" myopic? The farsighted check on two-DM reductions.

The evolution from the status quo (:mod:`offramp.conflict.evolution`) lets each DM take a move
that improves its position now: it is myopic. Limited-move stability L_h (a DM looks h moves
ahead, replies included) and non-myopic stability NM are defined for two DMs, so each state
where the conflict settles is checked on every two-DM reduction
(:func:`offramp.conflict.reduction.two_dm_reduction`: every other DM held at its options in that
state). Where the state is not stable for a DM of the pair under L_h (h = 2 … ``MAX_H``) or
NM, the farsighted reading disagrees with the myopic answer and the report says so next to it.

This is a disclosure, not a replacement: a reduction holds the other DMs still, so a move they
would make in reply is not anticipated (the coalition analysis covers joint moves).

References: Kilgour, D. M. (1985). Anticipation and stability in two-person noncooperative
games. Brams, S. J. & Wittman, D. (1981). Nonmyopic equilibria in 2 x 2 games. Fang, L., Hipel,
K. W. & Kilgour, D. M. (1993). Interactive Decision Making, ch. 4.
"""

from __future__ import annotations

import itertools
from typing import Any

from offramp.conflict.concepts import DEFAULT_CONCEPT, FARSIGHTED_TWO_DM, concept_short
from offramp.conflict.reduction import two_dm_reduction
from offramp.conflict.stability import compute_stability

#: The largest look-ahead of L_h checked (NM covers every horizon beyond).
MAX_H = 4
HOW = (
    "each pair of decision makers, the others held at their options in the state where it "
    f"settles; limited-move stability L_h for h = 2 to {MAX_H} and non-myopic stability (NM)"
)


def farsighted_check(analysis: Any, concept: str = DEFAULT_CONCEPT) -> dict[str, Any] | None:
    """Per state where the evolution settles under ``concept``: for whom, in which two-DM
    reduction and under which farsighted concepts the state is not stable. None when the
    evolution was not traced or settles nowhere."""
    states = analysis.settles_at(concept)
    if states is None or len(states) == 0:
        return None
    model = analysis.model
    if model.n_dms < 2:
        return None
    lh, nm = FARSIGHTED_TWO_DM
    out: dict[str, Any] = {"concept": concept, "how": HOW, "states": []}
    for s in (int(x) for x in states):
        entry: dict[str, Any] = {"id": s + 1, "unstable": []}
        for pair in itertools.combinations(range(model.n_dms), 2):
            game = two_dm_reduction(model, s, pair)
            here = game.status_quo
            found: dict[int, list[str]] = {0: [], 1: []}
            for h in range(2, MAX_H + 1):
                res = compute_stability(game, [lh], options={"horizon": h})
                for d in (0, 1):
                    if not res.stable[lh][d][here]:
                        found[d].append(f"L_{h}")
            res = compute_stability(game, [nm])
            for d in (0, 1):
                if not res.stable[nm][d][here]:
                    found[d].append(concept_short(nm))
            fixed = [model.dm_names[k] for k in range(model.n_dms) if k not in pair]
            for d in (0, 1):
                if found[d]:
                    entry["unstable"].append(
                        {
                            "dm": model.dm_names[pair[d]],
                            "with": model.dm_names[pair[1 - d]],
                            "fixed": fixed,
                            "concepts": found[d],
                        }
                    )
        out["states"].append(entry)
    return out
