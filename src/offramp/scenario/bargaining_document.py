"""The ``bargaining`` section of an offramp/1 scenario: issue dimensions and the actors' stakes.

```yaml
bargaining:
  dimensions:
    - name: settlement
      label: Terms of a settlement
      low: "Russia's maximal demands"          # what position 0 means
      high: "Ukraine's full restoration"       # what position 100 means
  actors:
    - name: US
      capability: 100                          # > 0; only ratios between actors matter
      positions: {settlement: 55}              # 0..100, one per dimension
      salience: {settlement: 60}               # 0..100, one per dimension (see below)
      note: "why these numbers, with sources"
```

**Salience scale: 0-100**, like positions, KTAB and the DEU data: the share of the actor's
attention that goes to the dimension. An actor's saliences across dimensions total at most 100
(KTAB's rule, which the ``smp`` model needs). Positions and saliences are given for every
dimension; 0 salience means the actor does not care about that dimension.

The checks here are structural and self-contained (this module imports nothing else from
``offramp.scenario``); the messages name the offending path inside the section.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from offramp.scenario.distributions import Distribution

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Score = Annotated[float, Field(ge=0, le=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BargainingDimension(_Strict):
    """An issue dimension, scored 0-100, with what its two ends mean."""

    name: Name
    label: Text | None = None
    low: Text = Field(description="what position 0 means")
    high: Text = Field(description="what position 100 means")
    description: Text | None = None
    note: Text | None = None


class ActorUncertainty(_Strict):
    """Distributions for an actor's numbers; Monte Carlo draws them, clipped to their range
    (capability > 0, positions and saliences 0-100)."""

    capability: Distribution | None = None
    positions: dict[str, Distribution] = Field(default_factory=dict)
    salience: dict[str, Distribution] = Field(default_factory=dict)


def _off_scale(dist: Any) -> list[str]:
    """``"<key>: ..."`` for each number of a position's or salience's distribution outside the
    0-100 scale (bounds, mode, mean, listed values): such a distribution is refused, not
    silently clipped. Draws of an unbounded normal inside the scale are clipped to 0-100."""
    out = []
    for key in ("low", "high", "mode", "mean"):
        v = getattr(dist, key, None)
        if v is not None and not 0 <= v <= 100:
            out.append(f"{key}: {v:g} is outside the 0-100 scale of positions and saliences")
    values = getattr(dist, "values", None) or []
    bad = [v for v in values if not 0 <= v <= 100]
    if bad:
        out.append(f"values: {bad[0]:g} is outside the 0-100 scale of positions and saliences")
    return out


class BargainingActor(_Strict):
    """An actor's clout, and its position (0-100) and salience (0-100) on each dimension."""

    name: Name
    label: Text | None = None
    capability: float = Field(gt=0, description="clout; only ratios between actors matter")
    positions: dict[str, Score]
    salience: dict[str, Score]
    uncertain: ActorUncertainty | None = None
    note: Text | None = None


class ShiftChange(_Strict):
    capability: float | None = Field(default=None, gt=0)
    positions: dict[str, Score] = Field(default_factory=dict)
    salience: dict[str, Score] = Field(default_factory=dict)
    note: Text | None = None


class Shift(_Strict):
    """Actors' stakes that change with the conflict's outcome: where ``when`` (a statement over
    the conflict's options) holds, the listed actors take these numbers instead."""

    name: Name
    label: Text | None = None
    when: Text
    actors: dict[Name, ShiftChange] = Field(min_length=1)
    note: Text | None = None


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f"; known: {', '.join(known)}"


class BargainingSection(_Strict):
    """The whole ``bargaining`` section; cross-checks actors against the dimensions."""

    dimensions: list[BargainingDimension] = Field(min_length=1)
    actors: list[BargainingActor] = Field(min_length=2)
    shifts: list[Shift] = Field(default_factory=list)
    note: Text | None = None

    @model_validator(mode="after")
    def _cross_check(self) -> BargainingSection:
        dims = [d.name for d in self.dimensions]
        problems: list[str] = []
        seen: set[str] = set()
        for k, d in enumerate(dims):
            if d in seen:
                problems.append(f"dimensions[{k}].name: dimension '{d}' is declared twice")
            seen.add(d)
        seen = set()
        for i, a in enumerate(self.actors):
            where = f"actors[{i}]"
            if a.name in seen:
                problems.append(f"{where}.name: actor '{a.name}' is declared twice")
            seen.add(a.name)
            for field in ("positions", "salience"):
                values = getattr(a, field)
                for key in values:
                    if key not in dims:
                        problems.append(
                            f"{where}.{field}.{key}: unknown dimension '{key}'{_suggest(key, dims)}"
                        )
                for d in dims:
                    if d not in values:
                        what = "position" if field == "positions" else "salience"
                        problems.append(
                            f"{where}.{field}: missing {what} on dimension '{d}' for actor "
                            f"'{a.name}'; add '{d}: <0..100>'"
                        )
            total = sum(a.salience.get(d, 0.0) for d in dims)
            if total > 100.0 + 1e-9:
                problems.append(
                    f"{where}.salience: saliences of '{a.name}' total {total:g}; they are shares "
                    "of the actor's attention on 0-100 and must total at most 100"
                )
            if dims and total <= 0:
                problems.append(
                    f"{where}.salience: '{a.name}' has salience 0 on every dimension; an actor "
                    "that cares about nothing has no place in the bargaining section"
                )
            if a.uncertain is not None:
                for field in ("positions", "salience"):
                    for key, dist in getattr(a.uncertain, field).items():
                        if key not in dims:
                            problems.append(
                                f"{where}.uncertain.{field}.{key}: unknown dimension "
                                f"'{key}'{_suggest(key, dims)}"
                            )
                        problems.extend(
                            f"{where}.uncertain.{field}.{key}.{bad}" for bad in _off_scale(dist)
                        )
        names = [a.name for a in self.actors]
        shift_names: set[str] = set()
        for k, sh in enumerate(self.shifts):
            where = f"shifts[{k}]"
            if sh.name in shift_names:
                problems.append(f"{where}.name: shift '{sh.name}' is declared twice")
            shift_names.add(sh.name)
            for actor, change in sh.actors.items():
                if actor not in names:
                    problems.append(
                        f"{where}.actors.{actor}: unknown actor '{actor}'{_suggest(actor, names)}"
                    )
                for field in ("positions", "salience"):
                    for key in getattr(change, field):
                        if key not in dims:
                            problems.append(
                                f"{where}.actors.{actor}.{field}.{key}: unknown "
                                f"dimension '{key}'{_suggest(key, dims)}"
                            )
        if problems:
            raise ValueError("\n".join(problems))
        return self
