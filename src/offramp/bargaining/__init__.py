"""offramp's bargaining engine: where will the parties settle on a continuous issue?

Every model follows one protocol (`offramp.bargaining.protocol.BargainingModel`: a name, its
parameters, ``forecast(problem) -> Forecast``, a description and its reference) and is listed
once, in `offramp.bargaining.registry`. The names below are derived from that registry:

- `MODELS`: name -> model (each model is callable: ``MODELS[name](problem)`` forecasts);
- `BEST_MODEL`: the default forecaster, the winner under nested cross-validation on DEU III
  (see `offramp.bargaining.registry.DEFAULT_CHOICE` and docs/methods/deu-evaluation.md);
- `forecast(problem, name)`: run one model and attach its 80% forecast interval.

No CLI or web code is imported here; nothing outside the bargaining package either.
"""

from __future__ import annotations

from offramp.bargaining.inputs import (
    BargainingInputError,
    BargainingProblem,
    read_ktab,
    read_ktab_csv,
    read_ktab_xml,
)
from offramp.bargaining.intervals import with_interval
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.registry import (
    DEFAULT_MODEL,
    REGISTRY,
    default_model_info,
    get_model,
)
from offramp.bargaining.result import Forecast

#: name -> model, in display order (the registry itself).
MODELS: dict[str, BargainingModel] = REGISTRY

#: The model `forecast` and the commands use when none is named.
BEST_MODEL: str = DEFAULT_MODEL


def forecast(problem: BargainingProblem, model: str = BEST_MODEL) -> Forecast:
    """Run the named model on ``problem`` and attach its 80% interval; an unknown name raises
    `BargainingInputError`."""
    return with_interval(get_model(model).forecast(problem))


__all__ = [
    "BEST_MODEL",
    "MODELS",
    "BargainingInputError",
    "BargainingModel",
    "BargainingProblem",
    "Forecast",
    "default_model_info",
    "forecast",
    "get_model",
    "read_ktab",
    "read_ktab_csv",
    "read_ktab_xml",
]
