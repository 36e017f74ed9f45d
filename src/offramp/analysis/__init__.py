"""Analyses of a scenario, and the ``Scenario`` facade users hold.

- :mod:`.scenario`: the facade and its constructors (``load``, ``from_yaml_text``, ``from_dict``);
- :mod:`.conflict_analysis`: stability plus the evolution from the status quo;
- :mod:`.questions`: the verdict of a scenario's questions;
- :mod:`.sweeps`: deterministic sweeps of a parameter and threshold searches.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.analysis.conflict_analysis import Analysis
    from offramp.analysis.scenario import Scenario, from_dict, from_yaml_text, load

#: exported name -> (module, name there): imported on first use (PEP 562)
_EXPORTS = {
    "Analysis": ("offramp.analysis.conflict_analysis", "Analysis"),
    "Scenario": ("offramp.analysis.scenario", "Scenario"),
    "from_dict": ("offramp.analysis.scenario", "from_dict"),
    "from_yaml_text": ("offramp.analysis.scenario", "from_yaml_text"),
    "load": ("offramp.analysis.scenario", "load"),
}


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


__all__ = ["Analysis", "Scenario", "from_dict", "from_yaml_text", "load"]
