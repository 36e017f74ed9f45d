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

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.bargaining.inputs import (
        BargainingInputError,
        BargainingProblem,
        read_ktab,
        read_ktab_csv,
        read_ktab_xml,
    )
    from offramp.bargaining.protocol import BargainingModel
    from offramp.bargaining.registry import default_model_info, get_model
    from offramp.bargaining.result import Forecast

    MODELS: dict[str, BargainingModel]
    BEST_MODEL: str

#: exported name -> (module, name there): imported on first use (PEP 562)
_EXPORTS = {
    "BargainingInputError": ("offramp.bargaining.inputs", "BargainingInputError"),
    "BargainingProblem": ("offramp.bargaining.inputs", "BargainingProblem"),
    "read_ktab": ("offramp.bargaining.inputs", "read_ktab"),
    "read_ktab_csv": ("offramp.bargaining.inputs", "read_ktab_csv"),
    "read_ktab_xml": ("offramp.bargaining.inputs", "read_ktab_xml"),
    "BargainingModel": ("offramp.bargaining.protocol", "BargainingModel"),
    "default_model_info": ("offramp.bargaining.registry", "default_model_info"),
    "get_model": ("offramp.bargaining.registry", "get_model"),
    #: name -> model, in display order (the registry itself)
    "MODELS": ("offramp.bargaining.registry", "REGISTRY"),
    #: the model `forecast` and the commands use when none is named
    "BEST_MODEL": ("offramp.bargaining.registry", "DEFAULT_MODEL"),
    "Forecast": ("offramp.bargaining.result", "Forecast"),
}


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


def forecast(problem: BargainingProblem, model: str | None = None) -> Forecast:
    """Run the named model (default `BEST_MODEL`) on ``problem`` and attach its 80% interval;
    an unknown name raises `BargainingInputError`."""
    from offramp.bargaining.intervals import with_interval
    from offramp.bargaining.registry import DEFAULT_MODEL, get_model

    return with_interval(get_model(model or DEFAULT_MODEL).forecast(problem))


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
