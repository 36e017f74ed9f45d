"""Why a state is or is not stable for a DM: each improvement and the sanction that deters it.

The human-readable counterpart of the vectorised engine: each improvement of the DM is listed
with the shortest sanction the concept accepts (the concept's own ``sanction`` finder, which
follows the definitions literally). Tests check it agrees with the engine's verdict everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from offramp.conflict.concepts import get_concept
from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import move_indices
from offramp.conflict.result import StabilityResult
from offramp.conflict.state_ids import to_id, to_index
from offramp.conflict.steps import Step, make_step


@dataclass
class Deterrence:
    """An improvement of the focal DM, and the sanction that deters it (None if none does)."""

    improvement: Step
    sanction: list[Step] | None
    outcome: int | None = None  # where the sanction leaves the DM (engine index)
    simultaneous: bool = False  # the sanction's moves are made at the same time (SIM)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "improvement": self.improvement.to_dict(),
            "sanction": None if self.sanction is None else [s.to_dict() for s in self.sanction],
        }
        if self.sanction is not None and self.outcome is not None:
            out["sanction_ends_in"] = to_id(self.outcome)
        if self.simultaneous:
            out["simultaneous"] = True
        return out


@dataclass
class Explanation:
    state: int  # engine index
    dm: str
    concept: str
    stable: bool
    deterrence: list[Deterrence] = field(default_factory=list)
    #: a concept's own account (limited-move stability): text lines and data
    account: tuple[list[str], dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "state": to_id(self.state),
            "dm": self.dm,
            "concept": self.concept,
            "stable": self.stable,
            "improvements": [d.to_dict() for d in self.deterrence],
        }
        if self.account is not None:
            out.update(self.account[1])
        return out

    def text(self, model: ConflictModel) -> str:
        """The explanation in words, with the analyst's labels (``model.labels``)."""
        concept = get_concept(self.concept)
        dm = model.label(self.dm)
        verdict = "stable" if self.stable else "unstable"
        lines = [
            f"State {to_id(self.state)} ({model.describe(self.state)}) is {verdict} for {dm} "
            f"under {concept.short}."
        ]
        if self.account is not None:
            return "\n".join([*lines, *self.account[0]])
        if not self.deterrence:
            lines.append(f"  {dm} has no unilateral improvement from here.")
        for d in self.deterrence:
            lines.append(
                f"  Improvement: {d.improvement.describe(model.labels)} "
                f"(to state {to_id(d.improvement.target)})."
            )
            if concept.sanction is None:
                lines.append(f"    {concept.no_sanction_note}")
            elif d.sanction is None:
                lines.append("    Not deterred: no sanction makes it not worth it.")
            else:
                end = d.outcome if d.outcome is not None else d.sanction[-1].target
                if d.simultaneous:
                    chain = "at the same time, " + "; and ".join(
                        s.describe(model.labels) for s in d.sanction
                    )
                else:
                    chain = "; then ".join(s.describe(model.labels) for s in d.sanction)
                lines.append(
                    f"    Deterred: {chain} (ends in state {to_id(end)},"
                    f" no better for {dm} than staying)."
                )
        return "\n".join(lines)


def find_sanction(
    model: ConflictModel, i: int, base: int, s1: int, concept: str
) -> list[Step] | None:
    """The shortest sanction ``concept`` accepts for DM i's move base -> s1 (engine indices)."""
    finder = get_concept(concept).sanction
    return None if finder is None else finder(model, i, base, s1)


def explain_index(
    model: ConflictModel,
    state: int,
    i: int,
    concept: str,
    stable: bool,
    options: Mapping[str, object] | None = None,
) -> Explanation:
    """Explanation at an engine index (callers convert user ids with ``state_ids``);
    ``options``: the concept's parameters (e.g. the horizon), as the result was computed."""
    c = get_concept(concept)
    out = Explanation(state, model.dm_names[i], c.key, stable)
    if c.account is not None:
        out.account = c.account(model, state, i, c.options_for(options))
        return out
    for s1 in move_indices(model)[i].targets(state, "ui"):
        sanction = find_sanction(model, i, state, int(s1), concept)
        outcome = None
        if sanction is not None and c.sanction_outcome is not None:
            outcome = c.sanction_outcome(model, int(s1), sanction)
        out.deterrence.append(
            Deterrence(make_step(model, i, state, int(s1)), sanction, outcome, c.simultaneous)
        )
    return out


def explain(result: StabilityResult, state_id: int, dm: str | int, concept: str) -> Explanation:
    """Why the state with user id ``state_id`` (from 1) is or is not stable for ``dm``.

    Raises
    ------
    offramp.errors.InputError
        For a state id out of range, an unknown DM or an unknown concept.
    """
    s = to_index(state_id, result.model.n_states)
    i = result.dm_index(dm)
    key = result.concept_key(concept)
    return explain_index(
        result.model, s, i, key, bool(result.stable[key][i, s]), result.options.get(key)
    )
