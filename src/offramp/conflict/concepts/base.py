"""What a solution concept is to offramp: a vectorised stability test and an explanation.

A concept module defines one :class:`Concept` named ``CONCEPT``; the registry in
:mod:`offramp.conflict.concepts` lists the modules once, and every list of concepts, display name
and glossary entry elsewhere (JSON, CLI choices, reports, the web) is derived from it.

The stability test receives a :class:`DMView`: one DM's move index and ranks, the other DMs, and
the shared quantities concepts reuse (the DM's best improvement from each state, the sanction
closure), computed once per DM and shared between concepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

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
    #: the concept's parameters (e.g. ``horizon``), its defaults filled in
    options: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(
        cls, model: ConflictModel, dm: int, options: Mapping[str, object] | None = None
    ) -> DMView:
        return cls(model, dm, move_indices(model), options=dict(options or {}))

    @property
    def me(self) -> MoveIndex:
        return self.indices[self.dm]

    @property
    def rank(self) -> np.ndarray:
        ranks: np.ndarray = self.model.ranks[self.dm]
        return ranks

    @property
    def others(self) -> list[int]:
        return [j for j in range(self.model.n_dms) if j != self.dm]

    @cached_property
    def best_improvement(self) -> np.ndarray:
        """Per state, the best rank the DM reaches by a unilateral improvement (-NONE if none)."""
        return self.me.reach_max(self.rank, "ui")

    @property
    def has_improvement(self) -> np.ndarray:
        has: np.ndarray = self.best_improvement != -NONE
        return has

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


#: A concept's own account of a verdict, for concepts not read improvement by improvement
#: (limited-move stability): (model, state, dm, options) -> (text lines, JSON data).
Account = Callable[
    [ConflictModel, int, int, Mapping[str, object]], tuple[list[str], dict[str, Any]]
]


@dataclass(frozen=True)
class Concept:
    """A solution concept: its key in the JSON, its names, its test and its explanation.

    ``stable(view)`` returns a bool per state: stable for the view's DM. ``sanction`` explains
    one improvement (None for concepts without sanctions, like Nash). ``glossary`` is the
    one-sentence meaning reports print where the concept's results appear.

    Optional parts, for concepts beyond the four classic ones:

    - ``by_default``: computed when no concept is asked for (the contract's four are; costly or
      parameterised ones are computed on request: ``--concept``, a question's ``concept:``);
    - ``defaults``: the concept's parameters and their default values (e.g. ``horizon``);
      ``check(model, options)`` raises :class:`offramp.errors.InputError` when the concept does
      not cover this conflict or a parameter is out of range, before any work;
    - ``simultaneous``: the sanction's moves are made at the same time as the improvement
      (SIM), not one after another; ``sanction_outcome`` then gives the state they lead to;
    - ``account``: the concept explains a verdict itself (see :data:`Account`);
    - ``extra_json(result)``: keys the concept adds to the stability JSON (e.g. ``horizon``);
    - ``coalition_sanctions``: the concept's coalitional version (coalition analysis, Inohara &
      Hipel 2008) and what sanctions a coalition's improvement there: ``"none"`` (C-Nash),
      ``"moves"`` (any move of the outsiders, C-GMR), ``"improvements"`` (the outsiders'
      improvements, C-SEQ) or ``"counter-response"`` (moves the coalition cannot escape,
      C-SMR); None when it has none.
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
    by_default: bool = True
    defaults: Mapping[str, object] = field(default_factory=dict)
    check: Callable[[ConflictModel, Mapping[str, object]], None] | None = None
    simultaneous: bool = False
    sanction_outcome: Callable[[ConflictModel, int, list[Step]], int] | None = None
    account: Account | None = None
    extra_json: Callable[[object], dict[str, Any]] | None = None
    coalition_sanctions: str | None = None

    def options_for(self, options: Mapping[str, object] | None) -> dict[str, object]:
        """This concept's parameters: its defaults, overridden by those in ``options``."""
        given = options or {}
        return {
            k: given.get(k, v) if given.get(k) is not None else v for k, v in self.defaults.items()
        }
