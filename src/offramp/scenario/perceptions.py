"""The ``perceptions:`` key: how decision makers misjudge one another (first-level hypergames).

A perception says that DM ``dm`` believes DM ``of`` holds other preferences than it does
(``preferences``, in any of the three forms), and/or that ``dm`` does not know some options
exist (``unknown_options``). Here the names are checked where they are written; the perceived
games themselves are built and analysed by :mod:`offramp.analysis.hypergame`, where each DM's
stability is computed in the game it perceives.

References
----------
Wang, M., Hipel, K. W. & Fraser, N. M. (1988). Modeling misperceptions in games. Behavioral
Science 33(3), 207-223.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from offramp.errors import did_you_mean
from offramp.scenario.document import Preference, ScenarioDocument
from offramp.scenario.yaml_source import DocPath


class Spec(Protocol):
    """What resolving needs of the :class:`~offramp.scenario.spec.ScenarioSpec` (which imports
    this module, so it is described here, not imported)."""

    document: ScenarioDocument
    dm_names: list[str]

    def _problem(self, path: DocPath, message: str) -> None: ...

    def _option(self, path: DocPath, name: str) -> Any: ...


@dataclass(frozen=True)
class ResolvedPerception:
    dm: str  # who perceives
    of: str | None  # whose preferences it misjudges
    preferences: Preference | None
    unknown_options: tuple[int, ...]  # option indices the perceiver does not know exist
    path: DocPath


def resolve_perceptions(spec: Spec) -> list[ResolvedPerception]:
    """Check the names of every perception, recording problems on ``spec`` at their place."""
    out = []
    seen: dict[tuple[str, str | None], int] = {}
    for k, p in enumerate(spec.document.perceptions):
        base: DocPath = ("perceptions", k)
        ok = True
        for role in ("dm", "of"):
            name = getattr(p, role)
            if name is not None and name not in spec.dm_names:
                hint = did_you_mean(name, spec.dm_names)
                spec._problem(
                    (*base, role),
                    f"perception of an unknown decision maker '{name}'{hint} (decision makers: "
                    f"{', '.join(spec.dm_names)})",
                )
                ok = False
        if p.of is not None and p.of == p.dm:
            spec._problem((*base, "of"), f"'{p.dm}' cannot misjudge its own preferences")
            ok = False
        if (p.preferences is None) != (p.of is None):
            spec._problem(
                base,
                "a perception of preferences needs both 'of' (whose) and 'preferences' (as "
                f"'{p.dm}' believes them)",
            )
            ok = False
        if p.preferences is None and not p.unknown_options:
            spec._problem(
                base,
                "a perception must change something: give 'of' and 'preferences', or "
                "'unknown_options'",
            )
            ok = False
        unknown = []
        for j, name in enumerate(p.unknown_options):
            ref = spec._option((*base, "unknown_options", j), name)
            if ref is None:
                ok = False
            else:
                unknown.append(ref.index)
        key = (p.dm, p.of)
        if key in seen and p.of is not None:
            spec._problem(
                base,
                f"'{p.dm}''s view of '{p.of}' is already given at perceptions[{seen[key]}]",
            )
            ok = False
        seen.setdefault(key, k)
        if ok:
            out.append(ResolvedPerception(p.dm, p.of, p.preferences, tuple(unknown), base))
    return out
