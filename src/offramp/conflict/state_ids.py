"""The one conversion between the engine's 0-based state indices and the 1-based ids users see.

Users (the CLI, the JSON, the reports, the API's ``state=`` arguments) number states from 1, as
the contract's ``states`` list does; the engine indexes arrays from 0. Every crossing goes
through these two functions, so an id out of range is an :class:`~offramp.errors.InputError`
with the valid range, never a silent negative index or a raw ``IndexError``.
"""

from __future__ import annotations

import numbers
from typing import SupportsInt

from offramp.errors import InputError


def to_index(state_id: object, n_states: int) -> int:
    """The engine index of the user's state id (1..n_states)."""
    if isinstance(state_id, bool) or not isinstance(state_id, numbers.Integral):
        raise InputError(
            f"state must be a whole number from 1 to {n_states}, not {state_id!r}",
            hint="state ids are the 'id' of each entry of 'states' in the stability output",
        )
    value = int(state_id)
    if not 1 <= value <= n_states:
        raise InputError(
            f"state {value} does not exist: this conflict has states 1 to {n_states}",
            hint="`offramp stability FILE` lists them",
        )
    return value - 1


def to_id(index: SupportsInt) -> int:
    """The user's id of an engine index."""
    return int(index) + 1
