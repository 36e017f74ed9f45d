"""The layers only look down, and nothing imports in a circle (function-local and type-only
imports included). The layer order is written here, once; docs/architecture.md shows the same
table, and this test checks that it does."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "offramp"
DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"

#: Lowest first. A unit (a subpackage, or a top-level module) may import units of lower layers
#: only; units of one layer are peers and import neither each other nor anything above.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("errors", "lazy", "version")),
    ("resource budgets", ("resources",)),
    ("engines", ("conflict", "bargaining")),
    ("format", ("scenario",)),
    ("facade and analyses", ("analysis",)),
    ("built-ins, uncertainty, history", ("scenarios", "uncertainty", "history")),
    ("renderers", ("report",)),
    ("service", ("service",)),
    ("web workbench", ("web",)),
    ("command line", ("cli",)),
    ("public API", ("__init__",)),
]
LAYER_OF = {unit: k for k, (_, units) in enumerate(LAYERS) for unit in units}


def modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports_of(path: Path, name: str, is_package: bool) -> set[str]:
    """Every offramp module ``path`` imports, wherever the import statement stands."""
    found: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    return {m for m in found if m == "offramp" or m.startswith("offramp.")}


def graph() -> dict[str, set[str]]:
    mods = modules()
    out = {}
    for name, path in mods.items():
        targets = set()
        for m in imports_of(path, name, path.name == "__init__.py"):
            while m not in mods and "." in m:  # `from pkg.mod import name`: the module
                m = m.rpartition(".")[0]
            if m in mods and m != name:
                targets.add(m)
        out[name] = targets
    return out


def unit(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_every_unit_has_a_layer():
    units = {unit(m) for m in modules()}
    assert units <= set(LAYER_OF), f"give these a layer: {sorted(units - set(LAYER_OF))}"


def test_layers_only_look_down():
    wrong = []
    for src, targets in graph().items():
        for dst in targets:
            a, b = unit(src), unit(dst)
            if a == b:
                continue
            if LAYER_OF[b] >= LAYER_OF[a]:
                wrong.append(
                    f"{src} ({LAYERS[LAYER_OF[a]][0]}) imports {dst} ({LAYERS[LAYER_OF[b]][0]})"
                )
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles_between_modules():
    found = cycles(graph())
    assert not found, "\n".join(" <-> ".join(c) for c in found)


def test_the_root_package_is_imported_by_nobody_inside():
    users = [m for m, targets in graph().items() if "offramp" in targets and m != "offramp"]
    assert not users, f"import what you need from its module instead: {users}"


def test_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.skipif(not DOC.exists(), reason="docs/architecture.md not written yet")
def test_architecture_page_shows_the_same_layers():
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|", text, re.MULTILINE)
    documented = [
        (name.strip(), tuple(sorted(u.strip(" `") for u in units.split(","))))
        for _, name, units in rows
    ]
    expected = [(name, tuple(sorted(units))) for name, units in LAYERS]
    assert documented == expected
