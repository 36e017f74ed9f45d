"""offramp's bargaining engine: where will the parties settle on a continuous issue?

Every model is a plain function ``model(problem: BargainingProblem) -> Forecast`` over numpy
arrays; `MODELS` lists them by name and `forecast` runs one. No CLI or web code is imported here.

- ``offramp``: offramp's calibrated forecaster (the default; see `calibrated`);
- ``compromise``: the capability x salience weighted mean;
- ``median``: the capability x salience weighted median;
- ``bdm``: Bueno de Mesquita's expected-utility model (Scholz et al. 2011 reading);
- ``smp``: KTAB's Spatial Model of Politics, reproducing KTAB's deterministic runs.
"""

from __future__ import annotations

from collections.abc import Callable

from offramp.bargaining.bdm import bdm
from offramp.bargaining.calibrated import offramp_model
from offramp.bargaining.compromise import compromise
from offramp.bargaining.inputs import (
    BargainingInputError,
    BargainingProblem,
    read_ktab,
    read_ktab_csv,
    read_ktab_xml,
)
from offramp.bargaining.median import median
from offramp.bargaining.result import Forecast
from offramp.bargaining.smp import smp

MODELS: dict[str, Callable[[BargainingProblem], Forecast]] = {
    "offramp": offramp_model,
    "compromise": compromise,
    "median": median,
    "bdm": bdm,
    "smp": smp,
}

#: The model `forecast` and the commands use when none is named.
BEST_MODEL = "offramp"


def forecast(problem: BargainingProblem, model: str = BEST_MODEL) -> Forecast:
    """Run the named model on ``problem``; an unknown name raises `BargainingInputError`."""
    try:
        fn = MODELS[model]
    except KeyError:
        raise BargainingInputError(
            f"unknown model {model!r}; choose one of {', '.join(MODELS)}"
        ) from None
    return fn(problem)


__all__ = [
    "BEST_MODEL",
    "MODELS",
    "BargainingInputError",
    "BargainingProblem",
    "Forecast",
    "forecast",
    "read_ktab",
    "read_ktab_csv",
    "read_ktab_xml",
]
