"""How results change with the inputs: parameter sweeps and thresholds (Monte Carlo to come)."""

from offramp.uncertainty.sweep import SweepResult, parse_param_spec, sweep, threshold

__all__ = ["SweepResult", "parse_param_spec", "sweep", "threshold"]
