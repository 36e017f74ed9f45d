"""Analyses of a scenario, and the ``Scenario`` facade users hold.

- :mod:`.scenario`: the facade and its constructors (``load``, ``from_yaml_text``, ``from_dict``);
- :mod:`.conflict_analysis`: stability plus the evolution from the status quo;
- :mod:`.questions`: the verdict of a scenario's questions;
- :mod:`.sweeps`: deterministic sweeps of a parameter and threshold searches.
"""

from typing import TYPE_CHECKING

from offramp.lazy import lazy_exports

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.analysis.conflict_analysis import Analysis
    from offramp.analysis.scenario import Scenario, from_dict, from_yaml_text, load

#: module -> the names it provides: imported on first use (PEP 562, offramp.lazy)
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "offramp.analysis.conflict_analysis": ("Analysis",),
        "offramp.analysis.scenario": ("Scenario", "from_dict", "from_yaml_text", "load"),
    },
)

__all__ = ["Analysis", "Scenario", "from_dict", "from_yaml_text", "load"]
