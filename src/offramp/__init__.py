"""offramp: analyse multi-party diplomatic conflicts and negotiations.

The public API is deliberately small so that a notebook user and the command line see the same
thing::

    import offramp
    scenario = offramp.load("crisis.yaml")      # or offramp.from_dict({...}) / offramp.default()
    result = scenario.stability()               # every solution concept, per decision maker
    result.to_dict()                            # plain dicts and lists, JSON-ready
    scenario.explain(4, dm="US")                # why state 4 is (un)stable for the US
    offramp.build_report(scenario)              # everything the reports show, as plain data

Bad input raises :class:`ScenarioError` (a file's problems, located) or :class:`InputError`
(a bad argument); both derive from :class:`OfframpError`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.analysis.scenario import Scenario, from_dict, from_yaml_text, load
    from offramp.errors import InputError, OfframpError
    from offramp.scenario.errors import ScenarioError
    from offramp.scenarios import default, get_builtin, list_builtin
    from offramp.service.report_content import build_report
    from offramp.version import __version__

#: exported name -> (module, name there): imported on first use (PEP 562)
_EXPORTS = {
    "Scenario": ("offramp.analysis.scenario", "Scenario"),
    "from_dict": ("offramp.analysis.scenario", "from_dict"),
    "from_yaml_text": ("offramp.analysis.scenario", "from_yaml_text"),
    "load": ("offramp.analysis.scenario", "load"),
    "InputError": ("offramp.errors", "InputError"),
    "OfframpError": ("offramp.errors", "OfframpError"),
    "ScenarioError": ("offramp.scenario.errors", "ScenarioError"),
    "default": ("offramp.scenarios", "default"),
    "get_builtin": ("offramp.scenarios", "get_builtin"),
    "list_builtin": ("offramp.scenarios", "list_builtin"),
    "build_report": ("offramp.service.report_content", "build_report"),
    "__version__": ("offramp.version", "__version__"),
}


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


__all__ = [
    "InputError",
    "OfframpError",
    "Scenario",
    "ScenarioError",
    "__version__",
    "build_report",
    "default",
    "from_dict",
    "from_yaml_text",
    "get_builtin",
    "list_builtin",
    "load",
]
