"""Scenario files: the offramp/1 format, its parser, its validation and its compiled form.

- :mod:`.yaml_source`: YAML with line numbers; :mod:`.document`: the document's schema (pydantic);
- :mod:`.reading`: text or dict -> validated document; :mod:`.spec`: name resolution;
- :mod:`.statements`: the statement language; :mod:`.compile`: to the engines' arrays.

The ``Scenario`` users hold is :class:`offramp.analysis.Scenario`, built on :class:`ScenarioSpec`.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.scenario.errors import Problem, ScenarioError
    from offramp.scenario.spec import ScenarioSpec

#: exported name -> (module, name there): imported on first use (PEP 562)
_EXPORTS = {
    "Problem": ("offramp.scenario.errors", "Problem"),
    "ScenarioError": ("offramp.scenario.errors", "ScenarioError"),
    "ScenarioSpec": ("offramp.scenario.spec", "ScenarioSpec"),
}


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


__all__ = ["Problem", "ScenarioError", "ScenarioSpec"]
