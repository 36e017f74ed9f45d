"""A decision maker named by the user: by its name (``IR``) or by its label (``Iran``), in any
case. One rule for every place that takes a decision maker (``--dm``, ``Scenario.explain``)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from offramp.errors import InputError


def resolve_dm(given: str, names: Sequence[str], labels: Sequence[str | None]) -> str:
    """The name of the decision maker ``given`` designates: its name, else its label, compared
    without regard to case; otherwise an :class:`InputError` that suggests the closest name
    or label and lists them all."""
    if given in names:
        return given
    folded = given.casefold().strip()
    pairs = list(zip(names, labels, strict=True))
    for name, label in pairs:
        if folded == name.casefold() or (label is not None and folded == label.casefold()):
            return name
    spelled = {name.casefold(): name for name in names}
    spelled.update({label.casefold(): name for name, label in pairs if label})
    close = difflib.get_close_matches(folded, list(spelled), n=1, cutoff=0.6)
    hint = f" (did you mean '{spelled[close[0]]}'?)" if close else ""
    listed = ", ".join(
        f"{name} ({label})" if label and label != name else name for name, label in pairs
    )
    raise InputError(f"unknown decision maker '{given}'{hint}; this conflict has {listed}")
