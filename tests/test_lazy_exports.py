"""Every package exports its names through the one helper, ``offramp.lazy.lazy_exports``, and
its three lists of them agree: the names the helper imports on first use, the imports under
``TYPE_CHECKING`` (what type checkers and tests/test_architecture.py see) and ``__all__``.
A name missing from one of them would type-check but fail at run time, or the reverse."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "offramp"


def package_name(init: Path) -> str:
    return ".".join(init.parent.relative_to(SRC.parent).parts)


def lazy_inits() -> list[Path]:
    return sorted(p for p in SRC.rglob("__init__.py") if "lazy_exports(" in p.read_text())


def declared(init: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]], list[str], set[str]]:
    """(module, name) pairs given to ``lazy_exports``, (module, name) pairs imported under
    ``TYPE_CHECKING``, ``__all__``, and the names the package defines itself."""
    tree = ast.parse(init.read_text(encoding="utf-8"))
    lazy: set[tuple[str, str]] = set()
    typed: set[tuple[str, str]] = set()
    all_: list[str] = []
    own: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module
                typed.update((imp.module, a.name) for a in imp.names if a.asname is None)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            if ast.unparse(node.value.func) == "lazy_exports":
                lazy.update(
                    (module, name)
                    for module, names in ast.literal_eval(node.value.args[1]).items()
                    for name in names
                )
        elif isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__":
            all_ = ast.literal_eval(node.value)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            own.add(node.name)
    return lazy, typed, all_, own


def test_lazy_exports_are_written_once() -> None:
    """No package writes its own module ``__getattr__`` (the helper is the one implementation)."""
    hand_written = [
        str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if "def __getattr__(" in p.read_text()
    ]
    assert hand_written == ["lazy.py"], "bind __getattr__ from offramp.lazy.lazy_exports instead"
    assert len(lazy_inits()) >= 9


@pytest.mark.parametrize("init", lazy_inits(), ids=package_name)
def test_the_three_lists_of_exports_agree(init: Path) -> None:
    lazy, typed, all_, own = declared(init)
    assert lazy, "no names given to lazy_exports"
    assert lazy == typed, "the TYPE_CHECKING imports differ from the names given to lazy_exports"
    assert sorted(all_) == sorted({name for _, name in lazy} | own)
    assert len(all_) == len(set(all_))


@pytest.mark.parametrize("init", lazy_inits(), ids=package_name)
def test_each_lazy_name_is_its_modules_object(init: Path) -> None:
    package = importlib.import_module(package_name(init))
    lazy, _, _, _ = declared(init)
    for module, name in sorted(lazy):
        assert getattr(package, name) is getattr(importlib.import_module(module), name)
        assert name in vars(package)  # cached: the next lookup is a plain attribute read
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match=f"module '{package.__name__}' has no attribute 'x_'"):
        package.x_  # noqa: B018


def test_importing_a_package_imports_none_of_its_exports() -> None:
    """In a fresh interpreter: the packages load, their exported modules do not."""
    pairs = sorted({pair for init in lazy_inits() for pair in declared(init)[0]})
    packages = sorted(package_name(init) for init in lazy_inits())
    probe = (
        "import sys, json, importlib\n"
        f"for p in {packages!r}: importlib.import_module(p)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(out.stdout))
    assert sorted({m for m, _ in pairs} & loaded) == []
