"""Ordinal inverse: what each DM must prefer for a goal state to be an equilibrium.

Whatever form a DM's preferences take (ranking, prioritization, weights), stability depends on
them only through comparisons of the goal state with other states (see
:mod:`offramp.conflict.conditions`). For each DM and each of its moves away from the goal state,
the concept gives the minimal *options*: sets of states of which one must lie wholly at or below
the goal state in the DM's preferences. This module reads them against the DM's current
preferences (which requirements hold, which must change) and picks, per requirement, an option
that holds now or else the one needing the fewest changes: a minimal list of conditions
"China must like state 93 at least as much as states 5 and 12".

Under SEQ the sanctions are the other DMs' improvements, so each DM's conditions are stated with
the others' preferences as they are.

References
----------
Kinsara, R. A., Kilgour, D. M. & Hipel, K. W. (2015). Inverse approach to the graph model for
conflict resolution. IEEE Trans. Systems, Man, and Cybernetics: Systems 45(5), 734-742.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from offramp.conflict.concepts import DEFAULT_CONCEPT, get_concept
from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import move_indices
from offramp.conflict.state_ids import to_id, to_index
from offramp.errors import InputError


@dataclass
class Requirement:
    """Move goal → ``move`` of the DM must be no improvement or be sanctioned: one of
    ``options`` must lie wholly at or below the goal state."""

    move: int
    options: list[frozenset[int]]
    holds_now: bool
    chosen: frozenset[int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "move_to": to_id(self.move),
            "options": [sorted(to_id(s) for s in d) for d in self.options],
            "holds_now": self.holds_now,
            "chosen": sorted(to_id(s) for s in self.chosen),
        }


@dataclass
class DMConditions:
    dm: str
    stable_now: bool
    requirements: list[Requirement] = field(default_factory=list)
    at_least: list[int] = field(default_factory=list)  # states to like no more than the goal
    already: list[int] = field(default_factory=list)  # ... of which these hold now
    must_change: list[int] = field(default_factory=list)  # ... and these the DM prefers now

    def sentence(self, goal: int) -> str:
        if not self.requirements:
            return f"{self.dm} cannot move away from state {to_id(goal)}: no condition"
        ids = ", ".join(str(to_id(s)) for s in self.at_least)
        text = f"{self.dm} must like state {to_id(goal)} at least as much as state(s) {ids}"
        if self.must_change:
            changes = ", ".join(str(to_id(s)) for s in self.must_change)
            text += f"; it prefers {changes} now, so that must change"
        else:
            text += "; this holds now"
        return text

    def to_dict(self, goal: int) -> dict[str, Any]:
        return {
            "dm": self.dm,
            "stable_now": self.stable_now,
            "at_least_as_good_as": [to_id(s) for s in self.at_least],
            "holds_now": [to_id(s) for s in self.already],
            "must_change": [to_id(s) for s in self.must_change],
            "requirements": [r.to_dict() for r in self.requirements],
            "sentence": self.sentence(goal),
        }


@dataclass
class OrdinalInverse:
    state: int
    concept: str
    dms: list[DMConditions]
    taken: list[str]

    @property
    def equilibrium_now(self) -> bool:
        return all(d.stable_now for d in self.dms)

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": to_id(self.state),
            "taken": self.taken,
            "concept": self.concept,
            "equilibrium_now": self.equilibrium_now,
            "decision_makers": [d.to_dict(self.state) for d in self.dms],
        }


def state_conditions(
    model: ConflictModel, state: int, concept: str = DEFAULT_CONCEPT
) -> OrdinalInverse:
    """The conditions, per DM, for the state with id ``state`` (from 1) to be an equilibrium.

    Raises
    ------
    offramp.errors.InputError
        For a state id out of range, or an unknown concept or one without an ordinal inverse.
    """
    s = to_index(state, model.n_states)
    c = get_concept(concept)
    if c.conditions is None:
        raise InputError(f"the concept '{concept}' declares no ordinal inverse")
    out = []
    for i, dm in enumerate(model.dm_names):
        rank = model.ranks[i]
        below = {int(x) for x in range(model.n_states) if rank[x] <= rank[s]}
        reqs = []
        chosen_union: set[int] = set()
        for t in move_indices(model)[i].targets(s, "move"):
            options = c.conditions(model, i, int(t))
            holding = [d for d in options if d <= below]
            if holding:
                pick = min(holding, key=lambda d: (len(d - chosen_union), len(d)))
            else:
                pick = min(options, key=lambda d: (len(d - below), len(d - chosen_union), len(d)))
            chosen_union |= pick
            reqs.append(Requirement(int(t), options, bool(holding), pick))
        at_least = sorted(chosen_union)
        out.append(
            DMConditions(
                dm,
                all(r.holds_now for r in reqs),
                reqs,
                at_least,
                [x for x in at_least if x in below],
                [x for x in at_least if x not in below],
            )
        )
    return OrdinalInverse(s, c.key, out, model.taken(s))
