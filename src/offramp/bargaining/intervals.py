"""80% forecast intervals: how far real outcomes landed from each model's forecasts.

A bargaining model gives a point; on real EU decisions (DEU III dev) outcomes land on average
about 20 points (on 0-100) away from the best of them. The interval shown with a forecast is
the forecast ± the 80% quantile of the model's absolute errors on held-out proposals (nested
cross-validation, `offramp.bargaining.evaluation`), clipped to 0-100. Each model records its
half-width with itself (``interval_half_width`` of its class, so a new model needs no row
here); the values are printed by ``scripts/choose_default_model.py`` (its output is in
docs/methods/deu-evaluation.md, with the coverage each reached on held-out proposals), and
``tests/bargaining/test_default_choice.py`` recomputes those of the cheap models.

The same half-width is used for every scenario: it is what EU legislative bargaining taught
about each model's accuracy, the only scored record offramp has. A model without a recorded
half-width gets no interval.
"""

from __future__ import annotations

import numpy as np

from offramp.bargaining.result import Forecast

LEVEL = 0.8


def with_interval(fc: Forecast, half_width: float | None) -> Forecast:
    """``fc`` with ``interval`` set to ± ``half_width`` (the model's ``interval_half_width``),
    clipped to 0-100; unchanged when the model has none."""
    if half_width is None:
        return fc
    f = np.asarray(fc.forecast, dtype=float)
    fc.interval = (np.clip(f - half_width, 0.0, 100.0), np.clip(f + half_width, 0.0, 100.0))
    fc.interval_level = LEVEL
    return fc
