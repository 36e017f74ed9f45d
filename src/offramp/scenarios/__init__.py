"""Scenarios that ship with offramp, embedded as package data.

``offramp`` with no arguments analyses :func:`default`; ``offramp scenarios`` lists the others.
Each is a YAML file next to this module, loaded through the same validation as a user's file.
"""

from __future__ import annotations

from importlib import resources

from offramp.analysis.scenario import Scenario, from_yaml_text
from offramp.errors import InputError, did_you_mean

DEFAULT = "beijing-broker"


def _files() -> dict[str, str]:
    root = resources.files(__name__)
    return {
        p.name.removesuffix(".yaml"): p.name for p in root.iterdir() if p.name.endswith(".yaml")
    }


def list_builtin() -> list[str]:
    """Names of the built-in scenarios, the default first."""
    names = sorted(_files())
    if DEFAULT in names:
        names.remove(DEFAULT)
        names.insert(0, DEFAULT)
    return names


class UnknownScenario(InputError, KeyError):
    """No built-in scenario of that name. offramp's own error (the CLI exits 2), with the
    closest name suggested and the others listed; a ``KeyError`` too, as it always was."""

    __str__ = InputError.__str__


def builtin_text(name: str) -> str:
    """The YAML text of the built-in scenario ``name``."""
    files = _files()
    if name not in files:
        names = list_builtin()
        raise UnknownScenario(
            f"no built-in scenario '{name}'{did_you_mean(name, names)}; "
            f"available: {', '.join(names)}"
        )
    return resources.files(__name__).joinpath(files[name]).read_text(encoding="utf-8")


def get_builtin(name: str) -> Scenario:
    """Load a built-in scenario by name (see :func:`list_builtin`)."""
    return from_yaml_text(builtin_text(name), file=f"<builtin:{name}>")


def default() -> Scenario:
    """The built-in default scenario: the article's system."""
    name = DEFAULT if DEFAULT in _files() else list_builtin()[0]
    return get_builtin(name)
