"""Non-myopic stability (NM, two DMs): limited-move stability as the horizon grows.

NM is the limit of L_h as h grows, when it exists (Brams & Wittman 1981; Kilgour 1985). offramp
computes L_1 .. L_H (H is the parameter ``horizon``, 20 when not given) and, per DM and state,
the horizon from which the verdict no longer changes. A state is NM-stable for a DM when its L_h
verdict has settled on 'stable' before the last horizon searched; states whose verdict still
changes at H are reported as not settled (``nm_unsettled``) and are not NM-stable.

References
----------
Brams, S. J. & Wittman, D. (1981). Nonmyopic equilibria in 2 x 2 games. Conflict Management and
Peace Science 6(1), 39-62.
Kilgour, D. M. (1985). Anticipation and stability in two-person noncooperative games.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making. Wiley, ch. 4.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from offramp.conflict.concepts.base import Concept, DMView
from offramp.conflict.concepts.lh import account as lh_account
from offramp.conflict.limited_move import anticipate, check, settling
from offramp.conflict.model import ConflictModel
from offramp.conflict.state_ids import to_id
from offramp.errors import InputError

DEFAULT_SEARCH = 20
LABEL = "Non-myopic stability (NM)"


def _horizon(model: ConflictModel, options: Mapping[str, object]) -> int:
    h = check(model, options.get("horizon", DEFAULT_SEARCH), LABEL)
    if h < 2:
        raise InputError(
            f"{LABEL} compares L_h over several horizons: give a horizon of at least 2 to "
            "search (it is the largest horizon tried)"
        )
    return h


def nm_table(
    model: ConflictModel, k: int, options: Mapping[str, object]
) -> tuple[np.ndarray, np.ndarray, int]:
    """(stable, settles_at, horizon) for DM k: NM-stable states and the horizon each verdict
    settles."""
    h = _horizon(model, options)
    ant = anticipate(model, h)
    since = settling(ant, k)
    nm_stable: np.ndarray = ant.stable(h, k) & (since < h)
    return nm_stable, since, h


def stable(view: DMView) -> np.ndarray:
    return nm_table(view.model, view.dm, view.options)[0]


def account(
    model: ConflictModel, state: int, k: int, options: Mapping[str, object]
) -> tuple[list[str], dict[str, Any]]:
    h = _horizon(model, options)
    ant = anticipate(model, h)
    since = int(settling(ant, k)[state])
    verdicts = [bool(ant.stable(x, k)[state]) for x in range(1, h + 1)]
    settled = since < h
    lines, data = lh_account(model, state, k, {"horizon": h})
    word = "stable" if verdicts[-1] else "unstable"
    if settled:
        head = f"  The L_h verdict settles at h = {since} ({word} from then to h = {h})."
    else:
        head = f"  The L_h verdict has not settled by h = {h} (the horizon searched)."
    runs = ", ".join(f"L{x}: {'stable' if v else 'unstable'}" for x, v in enumerate(verdicts, 1))
    data = {**data, "settles_at": since if settled else None, "verdicts": verdicts}
    return [head, f"  Verdicts by horizon: {runs}.", *lines], data


def extra_json(result: Any) -> dict[str, Any]:  # a StabilityResult (a layer above)
    model = result.model
    options = result.options.get("nm", {})
    settles: dict[str, Any] = {}
    unsettled: dict[str, Any] = {}
    for k, dm in enumerate(model.dm_names):
        _, since, h = nm_table(model, k, options)
        settles[dm] = {str(to_id(s)): int(since[s]) for s in range(model.n_states) if since[s] < h}
        unsettled[dm] = [to_id(int(s)) for s in np.flatnonzero(since >= h)]
    return {
        "nm_horizon": _horizon(model, options),
        "nm_settles_at": settles,
        "nm_unsettled": unsettled,
    }


def _check(model: ConflictModel, options: Mapping[str, object]) -> None:
    _horizon(model, options)


CONCEPT = Concept(
    key="nm",
    label=LABEL,
    short="NM",
    glossary=(
        "Non-myopic stability (NM, two decision makers): however far ahead both sides look, "
        "the decision maker has no move worth making (L_h once the horizon no longer matters)."
    ),
    reference="Brams & Wittman 1981; Kilgour 1985; Fang, Hipel & Kilgour 1993",
    stable=stable,
    sanction=None,
    by_default=False,
    defaults={"horizon": DEFAULT_SEARCH},
    check=_check,
    account=account,
    extra_json=extra_json,
)
