"""Scenario files: the offramp/1 format, its parser, its validation and its compiled form."""

from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.loader import Scenario, from_dict, from_yaml_text, load

__all__ = ["Problem", "Scenario", "ScenarioError", "from_dict", "from_yaml_text", "load"]
