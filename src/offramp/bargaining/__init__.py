"""offramp's bargaining engine: where will the parties settle on a continuous issue?

Every model follows one protocol (`offramp.bargaining.protocol.BargainingModel`: a name, its
parameters, ``forecast(problem) -> Forecast``, a description and its reference) and is listed
once, in `offramp.bargaining.registry` (``REGISTRY``: name -> model, each callable:
``REGISTRY[name](problem)`` forecasts; ``DEFAULT_MODEL``: the default forecaster, the winner
under nested cross-validation on DEU III, see ``DEFAULT_CHOICE`` and
docs/methods/deu-evaluation.md). Here:

- `forecast(problem, name)`: run one model and attach its 80% forecast interval;
- `get_model(name)`: the registered model (an unknown name raises `BargainingInputError`).

No CLI or web code is imported here; nothing outside the bargaining package either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from offramp.lazy import lazy_exports

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.bargaining.errors import BargainingInputError
    from offramp.bargaining.ktab import read_ktab, read_ktab_csv, read_ktab_xml
    from offramp.bargaining.problem import BargainingProblem
    from offramp.bargaining.protocol import BargainingModel
    from offramp.bargaining.registry import default_model_info, get_model
    from offramp.bargaining.result import Forecast


#: module -> the names it provides: imported on first use (PEP 562, offramp.lazy)
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "offramp.bargaining.errors": ("BargainingInputError",),
        "offramp.bargaining.problem": ("BargainingProblem",),
        "offramp.bargaining.ktab": ("read_ktab", "read_ktab_csv", "read_ktab_xml"),
        "offramp.bargaining.protocol": ("BargainingModel",),
        "offramp.bargaining.registry": ("default_model_info", "get_model"),
        "offramp.bargaining.result": ("Forecast",),
    },
)


def forecast(problem: BargainingProblem, model: str | None = None) -> Forecast:
    """Run the named model (default: the registry's `DEFAULT_MODEL`) on ``problem`` and
    attach its 80% interval; an unknown name raises `BargainingInputError`."""
    from offramp.bargaining.intervals import with_interval
    from offramp.bargaining.registry import DEFAULT_MODEL, get_model

    chosen = get_model(model or DEFAULT_MODEL)
    return with_interval(chosen.forecast(problem), chosen.interval_half_width)


__all__ = [
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
