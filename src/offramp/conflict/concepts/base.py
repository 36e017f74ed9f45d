"""What a solution concept is to offramp: a vectorised stability test and an explanation.

A concept module defines one :class:`Concept` named ``CONCEPT``; the registry in
:mod:`offramp.conflict.concepts` lists the modules once, and every list of concepts, display name
and glossary entry elsewhere (JSON, CLI choices, reports, the web) is derived from it.

The stability test receives a :class:`DMView`: one DM's move index and ranks, the other DMs, and
the shared quantities concepts reuse (the DM's best improvement from each state, the sanction
closure), computed once per DM and shared between concepts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import NONE, MoveIndex, move_indices
from offramp.conflict.reach import closure_min
from offramp.conflict.steps import Step


@dataclass
class DMView:
    """One DM's side of a conflict, as the stability tests need it."""

    model: ConflictModel
    dm: int
    indices: list[MoveIndex]
    sweeps: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, model: ConflictModel, dm: int) -> DMView:
        return cls(model, dm, move_indices(model))

    @property
    def me(self) -> MoveIndex:
        return self.indices[self.dm]

    @property
    def rank(self) -> np.ndarray:
        return self.model.ranks[self.dm]

    @property
    def others(self) -> list[int]:
        return [j for j in range(self.model.n_dms) if j != self.dm]

    @cached_property
    def best_improvement(self) -> np.ndarray:
        """Per state, the best rank the DM reaches by a unilateral improvement (-NONE if none)."""
        return self.me.reach_max(self.rank, "ui")

    @property
    def has_improvement(self) -> np.ndarray:
        return self.best_improvement != -NONE

    def others_reach_min(self, values: np.ndarray, kind: str, concept: str) -> np.ndarray:
        """Min of ``values`` over what the other DMs reach by legal sequences of moves
        (``kind="move"``) or improvements (``"ui"``); records the fixpoint's sweeps."""
        minima, sweeps = closure_min(self.indices, self.others, values, kind)
        self.sweeps.setdefault(concept, []).append(sweeps)
        return minima

    def deterred(self, minima: np.ndarray) -> np.ndarray:
        """The DM is deterred from every improvement s1 when the worst the others can push it
        to from s1 (``minima``) is no better than staying; the best s1 is the binding case."""
        return self.me.reach_max(minima, "ui") <= self.rank


#: Explains one improvement ``base -> s1`` of DM ``i``: the sanction (steps) or None.
SanctionFinder = Callable[[ConflictModel, int, int, int], list[Step] | None]

#: The ordinal inverse of a concept: for DM ``i`` and its move to ``t``, the minimal sets of
#: states of which one must lie wholly at or below the base state in i's preferences
#: (see :mod:`offramp.conflict.conditions`).
ConditionFinder = Callable[[ConflictModel, int, int], list[frozenset[int]]]


@dataclass(frozen=True)
class Concept:
    """A solution concept: its key in the JSON, its names, its test and its explanation.

    ``stable(view)`` returns a bool per state: stable for the view's DM. ``sanction`` explains
    one improvement (None for concepts without sanctions, like Nash). ``glossary`` is the
    one-sentence meaning reports print where the concept's results appear.
    """

    key: str
    label: str
    short: str
    glossary: str
    reference: str
    stable: Callable[[DMView], np.ndarray]
    sanction: SanctionFinder | None = None
    no_sanction_note: str = ""
    conditions: ConditionFinder | None = None
