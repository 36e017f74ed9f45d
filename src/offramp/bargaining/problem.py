"""What every bargaining model reads: a `BargainingProblem`.

Scales, fixed once here so that no model has to guess:

- positions on 0-100 (what 0 and 100 mean is the dimension's business);
- saliences on 0-1 (KTAB's files and the DEU data use 0-100; the readers divide by 100);
- capabilities: any positive numbers (only ratios matter to every model).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.limits import check_problem_size


@dataclass
class BargainingProblem:
    """Actors with a capability and, on each dimension, a position (0-100) and a salience (0-1).

    ``reference_point`` (the status quo if no agreement is reached, per dimension, may hold NaN),
    ``voting_rule`` ("QMV", "Unan", ...) and ``procedure`` ("COD", "CNS", ...) are optional
    context that some forecasters use.
    ``accommodation`` is KTAB's ideal-adjustment matrix (None = identity).
    ``scale`` is the position scale: the values that stand for 0 and 100 (KTAB's and DEU's
    scale, and a scenario's). Every model is invariant to an affine change of it: the same
    problem with positions a·x + b and scale (b, 100a + b) gives the forecast a·f + b (models
    that work on a fixed internal scale, such as SMP's 0-1, map through it). When not given
    it is (0, 100) if every position lies there, else the span of the positions (data in
    other units, e.g. years).
    """

    actors: list[str]
    dimensions: list[str]
    capabilities: np.ndarray
    positions: np.ndarray
    saliences: np.ndarray
    name: str = ""
    description: str = ""
    reference_point: np.ndarray | None = None
    voting_rule: str | None = None
    procedure: str | None = None
    accommodation: np.ndarray | None = None
    dimension_labels: dict[str, str] = field(default_factory=dict)
    scale: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        self.capabilities = np.asarray(self.capabilities, dtype=float).reshape(-1)
        n = len(self.actors)
        d = len(self.dimensions)
        self.positions = np.asarray(self.positions, dtype=float).reshape(n, d)
        self.saliences = np.asarray(self.saliences, dtype=float).reshape(n, d)
        if self.capabilities.shape != (n,):
            raise BargainingInputError(f"expected {n} capabilities, got {self.capabilities.size}")
        if n < 2:
            raise BargainingInputError("a bargaining problem needs at least 2 actors")
        if d < 1:
            raise BargainingInputError("a bargaining problem needs at least 1 dimension")
        check_problem_size(n, d)
        for what, arr in (
            ("capabilities", self.capabilities),
            ("positions", self.positions),
            ("saliences", self.saliences),
        ):
            if not np.all(np.isfinite(arr)):
                raise BargainingInputError(f"{what} must be finite numbers (no NaN or infinity)")
        if self.reference_point is not None:
            self.reference_point = np.asarray(self.reference_point, dtype=float).reshape(d)
        if self.scale is None:
            lo, hi = float(np.min(self.positions)), float(np.max(self.positions))
            if lo >= 0.0 and hi <= 100.0:
                self.scale = (0.0, 100.0)
            else:
                self.scale = (lo, hi if hi > lo else lo + 1.0)
        else:
            low, high = (float(v) for v in self.scale)
            if not (np.isfinite(low) and np.isfinite(high) and low != high):
                raise BargainingInputError(
                    f"the position scale needs two different finite ends (got {low:g}, {high:g})"
                )
            self.scale = (low, high)

    @property
    def scale_span(self) -> float:
        """high - low of the position scale (negative for a reversed scale)."""
        assert self.scale is not None
        return self.scale[1] - self.scale[0]

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_dimensions(self) -> int:
        return len(self.dimensions)
