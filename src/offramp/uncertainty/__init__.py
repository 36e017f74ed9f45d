"""Uncertainty analysis: Monte Carlo over a scenario's uncertain inputs, with sensitivities.

Deterministic sweeps and thresholds live in :mod:`offramp.analysis.sweeps`.
"""

from offramp.uncertainty.montecarlo import monte_carlo

__all__ = ["monte_carlo"]
