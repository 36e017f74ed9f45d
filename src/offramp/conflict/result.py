"""Stability results as plain data: the contract's JSON and a few views analysts ask for."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from offramp.conflict.explain import Explanation
    from offramp.conflict.model import ConflictModel

CONCEPTS: tuple[str, ...] = ("nash", "gmr", "smr", "seq")
CONCEPT_NAMES = {
    "nash": "Nash (R)",
    "gmr": "General metarationality (GMR)",
    "smr": "Symmetric metarationality (SMR)",
    "seq": "Sequential stability (SEQ)",
}


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

    def is_stable(self, state: int, dm: str | int, concept: str) -> bool:
        i = dm if isinstance(dm, int) else self.model.dm_names.index(dm)
        return bool(self.stable[concept][i, state])

    def explain(self, state: int, dm: str | int, concept: str) -> Explanation:
        """Why ``state`` is or is not stable for ``dm``: its improvements and their sanctions."""
        from offramp.conflict.explain import explain

        i = dm if isinstance(dm, int) else self.model.dm_names.index(dm)
        return explain(self.model, state, i, concept, self.is_stable(state, i, concept))

    def to_dict(self) -> dict:
        """The contract's JSON object (``offramp stability --format json``)."""
        model = self.model
        states = [{"id": s + 1, "taken": model.taken(s)} for s in range(model.n_states)]
        stable = {
            c: {
                dm: [int(s) + 1 for s in np.flatnonzero(self.stable[c][i])]
                for i, dm in enumerate(model.dm_names)
            }
            for c in self.concepts
        }
        equilibria = {c: [int(s) + 1 for s in self.equilibria(c)] for c in self.concepts}
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
