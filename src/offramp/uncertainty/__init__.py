"""Uncertainty analysis: Monte Carlo over a scenario's uncertain inputs, with sensitivities.

Deterministic sweeps and thresholds live in :mod:`offramp.analysis.sweeps`.
"""

from typing import TYPE_CHECKING

from offramp.lazy import lazy_exports

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.uncertainty.montecarlo import monte_carlo

#: module -> the names it provides: imported on first use (PEP 562, offramp.lazy)
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "offramp.uncertainty.montecarlo": ("monte_carlo",),
    },
)

__all__ = ["monte_carlo"]
