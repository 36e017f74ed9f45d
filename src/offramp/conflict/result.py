"""Stability results as plain data: the contract's JSON and a few views analysts ask for."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from offramp.conflict.concepts import CONCEPTS, get_concept
from offramp.conflict.state_ids import to_id, to_index
from offramp.errors import InputError, did_you_mean

if TYPE_CHECKING:
    from offramp.conflict.model import ConflictModel


@dataclass
class StabilityResult:
    """``stable[concept][i, s]`` is True when state s is stable for DM i under the concept."""

    model: ConflictModel
    stable: dict[str, np.ndarray]
    sweeps: dict[str, list[int]] = field(default_factory=dict)

    @property
    def concepts(self) -> list[str]:
        return [c for c in CONCEPTS if c in self.stable]

    def equilibria(self, concept: str) -> np.ndarray:
        """Indices of the states stable for every DM."""
        return np.flatnonzero(self.stable[concept].all(axis=0))

    def dm_index(self, dm: str | int) -> int:
        """The index of a DM given by name (or already by index), checked."""
        names = self.model.dm_names
        if isinstance(dm, str):
            if dm in names:
                return names.index(dm)
            raise InputError(
                f"unknown decision maker '{dm}'{did_you_mean(dm, names)}; "
                f"this conflict has {', '.join(names)}"
            )
        if isinstance(dm, int) and not isinstance(dm, bool) and 0 <= dm < len(names):
            return dm
        raise InputError(f"decision maker must be one of {', '.join(names)}, not {dm!r}")

    def concept_key(self, concept: str) -> str:
        """``concept`` checked against the registry and against what this result computed."""
        key = get_concept(concept).key
        if key not in self.stable:
            raise InputError(
                f"concept '{key}' was not computed for this result; it has "
                f"{', '.join(self.concepts)}"
            )
        return key

    def is_stable(self, state_id: int, dm: str | int, concept: str) -> bool:
        """Whether the state with user id ``state_id`` (from 1) is stable for ``dm``."""
        s = to_index(state_id, self.model.n_states)
        return bool(self.stable[self.concept_key(concept)][self.dm_index(dm), s])

    def to_dict(self) -> dict:
        """The contract's JSON object (``offramp stability --format json``)."""
        model = self.model
        states = [{"id": to_id(s), "taken": model.taken(s)} for s in range(model.n_states)]
        stable = {
            c: {
                dm: [to_id(s) for s in np.flatnonzero(self.stable[c][i])]
                for i, dm in enumerate(model.dm_names)
            }
            for c in self.concepts
        }
        equilibria = {c: [to_id(s) for s in self.equilibria(c)] for c in self.concepts}
        return {
            "scenario": model.name,
            "decision_makers": list(model.dm_names),
            "states": states,
            "stable": stable,
            "equilibria": equilibria,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def by_taken(self) -> dict:
        """Equilibria and stable sets keyed by the options taken (sorted), as in shared data."""
        model = self.model

        def names(idx: np.ndarray) -> list[list[str]]:
            return sorted(sorted(model.taken(int(s))) for s in idx)

        return {
            "equilibria": {c: names(self.equilibria(c)) for c in self.concepts},
            "stable": {
                dm: {c: names(np.flatnonzero(self.stable[c][i])) for c in self.concepts}
                for i, dm in enumerate(model.dm_names)
            },
            "feasible_states": model.n_states,
        }
