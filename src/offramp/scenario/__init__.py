"""Scenario files: the offramp/1 format, its parser, its validation and its compiled form.

- :mod:`.yaml_source`: YAML with line numbers; :mod:`.document`: the document's schema (pydantic);
- :mod:`.reading`: text or dict -> validated document; :mod:`.spec`: name resolution;
- :mod:`.statements`: the statement language; :mod:`.compile`: to the engines' arrays.

The ``Scenario`` users hold is :class:`offramp.analysis.Scenario`, built on :class:`ScenarioSpec`.
"""

from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.spec import ScenarioSpec

__all__ = ["Problem", "ScenarioError", "ScenarioSpec"]
