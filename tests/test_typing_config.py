"""The type-checking configuration keeps its promise (issue 23): `mypy` checks all of
src/offramp at --strict level, with no module of offramp exempt from it."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _mypy() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["mypy"]


def test_mypy_is_strict_over_the_whole_package():
    config = _mypy()
    assert config["strict"] is True
    assert config["files"] == ["src/offramp"]


def test_no_offramp_module_is_exempt():
    relaxed = []
    for override in _mypy().get("overrides", []):
        modules = override["module"]
        modules = [modules] if isinstance(modules, str) else modules
        ours = [m for m in modules if m == "offramp" or m.startswith("offramp.")]
        loosened = {k for k in override if k != "module"}
        if ours and loosened:
            relaxed.append((ours, sorted(loosened)))
    assert relaxed == []
