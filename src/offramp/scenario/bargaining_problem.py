"""A scenario's bargaining section compiled to the bargaining engine's input, shifts included.

The section (issue dimensions, actors, and *shifts*: changes to some actors that apply when a
condition on the conflict's state holds) becomes arrays once; a shift is an override array (NaN
where it changes nothing). :meth:`SectionArrays.apply` is the one place where shifts are applied,
for a single forecast (``Scenario.bargaining_problem``) and for every Monte Carlo sample alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import offramp.scenario.limits as limits
from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.problem import BargainingProblem
from offramp.scenario.bargaining_document import BargainingSection
from offramp.scenario.errors import Problem, ScenarioError, format_path


class SectionArrays:
    """The bargaining section as arrays: capability (n,), positions and salience (n, d) on the
    document's scales (salience 0-100), and one override triple per shift."""

    def __init__(self, section: BargainingSection, name: str = ""):
        self.name = name
        self.actors = [a.name for a in section.actors]
        self.dims = [d.name for d in section.dimensions]
        self.dimension_labels = {d.name: d.label or d.name for d in section.dimensions}
        self.shift_names = [sh.name for sh in section.shifts]
        self.cap = np.array([a.capability for a in section.actors], dtype=float)
        self.pos = np.array([[a.positions[d] for d in self.dims] for a in section.actors], float)
        self.sal = np.array([[a.salience[d] for d in self.dims] for a in section.actors], float)
        self.shifts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for sh in section.shifts:
            cap = np.full(len(self.actors), np.nan)
            pos = np.full(self.pos.shape, np.nan)
            sal = np.full(self.sal.shape, np.nan)
            for actor, change in sh.actors.items():
                i = self.actors.index(actor)
                if change.capability is not None:
                    cap[i] = change.capability
                for d, v in change.positions.items():
                    pos[i, self.dims.index(d)] = v
                for d, v in change.salience.items():
                    sal[i, self.dims.index(d)] = v
            self.shifts.append((cap, pos, sal))

    def mask(self, names: Sequence[str]) -> list[bool]:
        """The shift mask for shift names (unknown names are a BargainingInputError)."""
        unknown = set(names) - set(self.shift_names)
        if unknown:
            raise BargainingInputError(
                f"unknown shifts {sorted(unknown)}; the section declares "
                f"{', '.join(self.shift_names) or 'none'}"
            )
        return [n in names for n in self.shift_names]

    def apply(
        self,
        mask: Sequence[bool],
        cap: np.ndarray | None = None,
        pos: np.ndarray | None = None,
        sal: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(capability, positions, salience) with the masked shifts applied in declaration
        order over the given arrays (the section's own by default)."""
        cap = self.cap if cap is None else cap
        pos = self.pos if pos is None else pos
        sal = self.sal if sal is None else sal
        for on, (c, p, s) in zip(mask, self.shifts, strict=True):
            if on:
                cap = np.where(np.isnan(c), cap, c)
                pos = np.where(np.isnan(p), pos, p)
                sal = np.where(np.isnan(s), sal, s)
        return cap, pos, sal

    def problem(
        self,
        mask: Sequence[bool] | None = None,
        cap: np.ndarray | None = None,
        pos: np.ndarray | None = None,
        sal: np.ndarray | None = None,
    ) -> BargainingProblem:
        """The engine's problem with the masked shifts applied (salience 0-100 -> 0-1)."""
        mask = [False] * len(self.shifts) if mask is None else mask
        cap, pos, sal = self.apply(mask, cap, pos, sal)
        return BargainingProblem(
            actors=list(self.actors),
            dimensions=list(self.dims),
            capabilities=np.array(cap, dtype=float),
            positions=np.array(pos, dtype=float),
            saliences=np.array(sal, dtype=float) / 100.0,
            name=self.name,
            dimension_labels=dict(self.dimension_labels),
        )


def problem_from_section(section: Any, name: str = "") -> BargainingProblem:
    """Build a `BargainingProblem` from a ``bargaining`` section (a plain dict as read from
    YAML, or a validated ``BargainingSection``); no shifts applied. A validation failure raises
    `BargainingInputError` with the pydantic messages, each prefixed by its path."""
    from pydantic import ValidationError

    if isinstance(section, BargainingSection):
        sec = section
    else:
        try:
            sec = BargainingSection.model_validate(section)
        except ValidationError as exc:
            msgs = []
            for err in exc.errors():
                loc = ".".join(
                    f"[{p}]" if isinstance(p, int) else str(p) for p in err.get("loc", ())
                ).replace(".[", "[")
                text = str(err.get("msg", "invalid")).removeprefix("Value error, ")
                for part in text.split("\n"):
                    # Cross-checks put their own path first ("actors[1].positions.x: ...").
                    msgs.append(f"bargaining.{loc}: {part}" if loc else f"bargaining.{part}")
            raise BargainingInputError("\n".join(msgs)) from None
    _check_numbers(sec, name)
    return SectionArrays(sec, name).problem()


def _check_numbers(sec: BargainingSection, name: str) -> None:
    """Every number of the section finite and within the number limit after coercion (the
    text ``"inf"`` is read as a float by pydantic and passes ``capability > 0``)."""

    def locate(path: tuple[str | int, ...], message: str) -> Problem:
        return Problem(message, "bargaining." + format_path(path) if path else "bargaining")

    try:
        limits.check_data(
            sec.model_dump(by_alias=True, exclude_unset=True),
            locate,
            name or "<bargaining>",
            strict_types=False,
        )
    except ScenarioError as exc:
        raise BargainingInputError(
            "\n".join(f"{p.path}: {p.message}" for p in exc.problems)
        ) from None
