"""80% forecast intervals: how far real outcomes landed from each model's forecasts.

A bargaining model gives a point; on real EU decisions (DEU III dev) outcomes land on average
about 20 points (on 0-100) away from the best of them. The interval shown with a forecast is
the forecast ± the 80% quantile of the model's absolute errors on held-out proposals (nested
cross-validation, `offramp.bargaining.evaluation`), clipped to 0-100. The half-widths below
are recorded by ``scripts/choose_default_model.py`` (its output is in
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

#: model name -> half-width of the 80% interval on 0-100 (see the module docstring).
HALF_WIDTH_80: dict[str, float] = {
    "offramp": 30.08,
    "compromise": 34.59,
    "median": 50.00,
    "bdm": 50.00,
    "smp": 38.80,
    "power-mean": 29.88,
    "nash": 48.24,
    "agenda": 60.00,
    "exchange": 32.91,
}


def with_interval(fc: Forecast) -> Forecast:
    """``fc`` with ``interval`` set from `HALF_WIDTH_80` (unchanged when none is recorded)."""
    h = HALF_WIDTH_80.get(fc.model)
    if h is None:
        return fc
    f = np.asarray(fc.forecast, dtype=float)
    fc.interval = (np.clip(f - h, 0.0, 100.0), np.clip(f + h, 0.0, 100.0))
    fc.interval_level = LEVEL
    return fc
