"""Uncertainty analysis: Monte Carlo over a scenario's uncertain inputs, with sensitivities.

Deterministic sweeps and thresholds live in :mod:`offramp.analysis.sweeps`.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.uncertainty.montecarlo import monte_carlo

#: exported name -> (module, name there): imported on first use (PEP 562)
_EXPORTS = {
    "monte_carlo": ("offramp.uncertainty.montecarlo", "monte_carlo"),
}


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


__all__ = ["monte_carlo"]
