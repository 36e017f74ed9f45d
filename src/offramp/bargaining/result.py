"""The common result of every bargaining model: a trajectory of positions and a forecast."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _num(x: float) -> float | None:
    """JSON has no NaN: a missing value is null."""
    return None if not np.isfinite(x) else float(x)


@dataclass
class Forecast:
    """Positions per round (round 0 = the input) and the predicted outcome per dimension.

    ``details`` holds what a model wants an analyst to see about why it lands where it does
    (parameters, components, risk exponents...); it is JSON-ready and appears in `to_json`
    under ``"details"`` when not empty. ``interval`` is the forecast interval (see
    `offramp.bargaining.intervals`), under ``"interval"`` in `to_json` when set.
    """

    model: str
    dimensions: list[str]
    actors: list[str]
    rounds: list[np.ndarray]
    forecast: np.ndarray
    scenario: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    #: (lower, upper) per dimension, at ``interval_level``; None when the model has no record.
    interval: tuple[np.ndarray, np.ndarray] | None = None
    interval_level: float = 0.8

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON object (``offramp forecast --format json``), as plain data."""
        out: dict[str, Any] = {
            "model": self.model,
            "scenario": self.scenario,
            "dimensions": list(self.dimensions),
            "actors": list(self.actors),
            "rounds": [
                {
                    "round": t,
                    "positions": {a: [_num(v) for v in pos[i]] for i, a in enumerate(self.actors)},
                }
                for t, pos in enumerate(self.rounds)
            ],
            "forecast": [_num(v) for v in np.asarray(self.forecast).reshape(-1)],
        }
        if self.details:
            out["details"] = self.details
        if self.interval is not None:
            out["interval"] = {
                "level": self.interval_level,
                "lower": [_num(v) for v in np.asarray(self.interval[0]).reshape(-1)],
                "upper": [_num(v) for v in np.asarray(self.interval[1]).reshape(-1)],
            }
        return out
