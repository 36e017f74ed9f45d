"""The examples in the public API's docstrings run, and say what they show (numpydoc
``Examples`` sections are part of the documentation: a stale one is a bug)."""

from __future__ import annotations

import doctest
import importlib

import pytest

#: Modules whose docstring examples are part of the public documentation.
MODULES = ["offramp.analysis.scenario"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"


def test_every_public_member_of_the_facade_has_an_example() -> None:
    from offramp.analysis.scenario import Scenario

    members = [m for m in vars(Scenario) if not m.startswith("_")]
    missing = [m for m in members if ">>>" not in (getattr(Scenario, m).__doc__ or "")]
    assert not missing, f"members without an Examples section: {missing}"
