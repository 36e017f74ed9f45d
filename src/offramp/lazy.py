"""Lazy package exports (PEP 562), written once for every package's ``__init__.py``.

A command pays at start-up for what it imports, so a package names what it exports without
importing it: its ``__init__.py`` lists, per module, the names it re-exports, and binds::

    __getattr__, __dir__ = lazy_exports(__name__, {
        "offramp.analysis.scenario": ("Scenario", "load"),
    })

The first ``package.Scenario`` imports ``offramp.analysis.scenario`` and caches the object in
the package, so later lookups are plain attribute reads. Type checkers and
``tests/test_architecture.py`` do not run ``__getattr__``: each package also imports the same
names under ``typing.TYPE_CHECKING`` and lists them in a literal ``__all__``;
``tests/test_lazy_exports.py`` checks that the three lists agree.

It sits in the foundation layer (it imports nothing of offramp), so every package may use it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module


def lazy_exports(
    package: str, exports: Mapping[str, Sequence[str]]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package``.

    Parameters
    ----------
    package
        The package's ``__name__``.
    exports
        Module -> the names it provides, each re-exported under the same name.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)``: ``__getattr__(name)`` imports the module that provides
        ``name`` on first use and caches the object in the package; any other name raises
        ``AttributeError`` as Python does for a missing attribute. ``__dir__()`` lists the
        package's names, the lazy ones included (for ``dir()`` and tab completion).
    """
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__
