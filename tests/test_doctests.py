"""The examples in the public API's docstrings run, and say what they show (numpydoc
``Examples`` sections are part of the documentation: a stale one is a bug)."""

from __future__ import annotations

import doctest
import importlib

import pytest

#: Modules whose docstring examples are part of the public documentation.
MODULES = ["offramp.analysis.scenario"]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _examples() -> list[tuple[str, str]]:
    """(module, docstring's qualified name) of every docstring with examples: one test each, so
    the parallel fast loop spreads them over its workers."""
    found = []
    for name in MODULES:
        for test in doctest.DocTestFinder().find(importlib.import_module(name)):
            if test.examples:
                found.append((name, test.name))
    return found


EXAMPLES = _examples()


def test_the_documented_modules_have_examples() -> None:
    assert {name for name, _ in EXAMPLES} == set(MODULES)


@pytest.mark.parametrize(("module", "docstring"), EXAMPLES, ids=[d for _, d in EXAMPLES])
def test_docstring_examples_run(module: str, docstring: str) -> None:
    tests = doctest.DocTestFinder().find(importlib.import_module(module))
    (test,) = [t for t in tests if t.name == docstring]
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    result = runner.run(test)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {docstring}"


def test_every_public_member_of_the_facade_has_an_example() -> None:
    from offramp.analysis.scenario import Scenario

    members = [m for m in vars(Scenario) if not m.startswith("_")]
    missing = [m for m in members if ">>>" not in (getattr(Scenario, m).__doc__ or "")]
    assert not missing, f"members without an Examples section: {missing}"
