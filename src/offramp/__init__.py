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

from typing import TYPE_CHECKING

from offramp.lazy import lazy_exports

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.analysis.scenario import Scenario, from_dict, from_yaml_text, load
    from offramp.errors import InputError, OfframpError
    from offramp.scenario.errors import ScenarioError
    from offramp.scenarios import default, get_builtin, list_builtin
    from offramp.service.report_content import build_report
    from offramp.version import __version__

#: module -> the names it provides: imported on first use (PEP 562, offramp.lazy)
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "offramp.analysis.scenario": ("Scenario", "from_dict", "from_yaml_text", "load"),
        "offramp.errors": ("InputError", "OfframpError"),
        "offramp.scenario.errors": ("ScenarioError",),
        "offramp.scenarios": ("default", "get_builtin", "list_builtin"),
        "offramp.service.report_content": ("build_report",),
        "offramp.version": ("__version__",),
    },
)

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
