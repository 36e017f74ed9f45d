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

from offramp.analysis.scenario import Scenario, from_dict, from_yaml_text, load
from offramp.errors import InputError, OfframpError
from offramp.scenario.errors import ScenarioError
from offramp.scenarios import default, get_builtin, list_builtin
from offramp.service.report_content import build_report
from offramp.version import __version__

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
