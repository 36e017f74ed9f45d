"""The evidence date of an analysis, for the CLI's ``--as-of`` and the workbench's as-of field
alike: which scenario a date asks for, and what a run records of it.

A date keeps only the figures published by then (see :meth:`offramp.Scenario.as_of`); no date
keeps the scenario's own ``as_of`` (every figure when it has none); ``latest`` counts every
figure, however late.
"""

from __future__ import annotations

from typing import Any

from offramp.analysis.scenario import Scenario
from offramp.scenario.spec import LATEST


def scenario_as_of(scenario: Scenario, when: str | None) -> Scenario:
    """``scenario`` analysed as of ``when``: a ``YYYY-MM-DD`` date, ``latest``, or None / blank
    for the scenario's own date.

    Raises :class:`~offramp.errors.InputError` for a text that is not a date and
    :class:`~offramp.scenario.errors.ScenarioError`, located at the formula, when a parameter
    reads a figure that had no value yet on that date."""
    if when is None or not when.strip():
        return scenario
    return scenario.as_of(when)


def recorded_as_of(scenario: Any) -> str | None:
    """What a run records of its evidence date: the analysis date, or ``latest`` when every
    figure counted although the scenario or the user named a date; None for a scenario
    without dates (and for anything that is not a scenario)."""
    spec = getattr(scenario, "spec", None)
    if spec is None or not hasattr(spec, "analysis_date"):
        return None
    if spec.analysis_date is not None:
        return str(spec.analysis_date.isoformat())
    asked = getattr(spec, "_as_of", None) is not None
    return LATEST if asked or spec.document.as_of is not None else None
