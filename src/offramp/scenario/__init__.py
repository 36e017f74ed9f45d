"""Scenario files: the offramp/1 format, its parser, its validation and its compiled form.

- :mod:`.yaml_source`: YAML with line numbers; :mod:`.document`: the document's schema (pydantic);
- :mod:`.reading`: text or dict -> validated document; :mod:`.spec`: name resolution;
- :mod:`.statements`: the statement language; :mod:`.compile`: to the engines' arrays.

The ``Scenario`` users hold is :class:`offramp.analysis.Scenario`, built on :class:`ScenarioSpec`.
"""

from typing import TYPE_CHECKING

from offramp.lazy import lazy_exports

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.scenario.errors import Problem, ScenarioError
    from offramp.scenario.spec import ScenarioSpec

#: module -> the names it provides: imported on first use (PEP 562, offramp.lazy)
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "offramp.scenario.errors": ("Problem", "ScenarioError"),
        "offramp.scenario.spec": ("ScenarioSpec",),
    },
)

__all__ = ["Problem", "ScenarioError", "ScenarioSpec"]
