"""offramp: analyse multi-party diplomatic conflicts and negotiations.

The public API is deliberately small so that a notebook user and the command line see the same
thing::

    import offramp
    scenario = offramp.load("crisis.yaml")      # or offramp.from_dict({...}) / offramp.default()
    result = scenario.stability()               # Nash, GMR, SMR, SEQ per decision maker
    result.to_dict()                            # plain dicts and lists, JSON-ready
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("offramp")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"

from offramp.scenario.errors import ScenarioError
from offramp.scenario.loader import Scenario, from_dict, from_yaml_text, load
from offramp.scenarios import default, get_builtin, list_builtin

__all__ = [
    "Scenario",
    "ScenarioError",
    "__version__",
    "default",
    "from_dict",
    "from_yaml_text",
    "get_builtin",
    "list_builtin",
    "load",
]
