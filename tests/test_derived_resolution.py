"""Derived parameters resolved without recursion (issue 22, items 5 and 14): a chain of 999
declared in reverse order resolves, a cycle of 990 is a located error naming its first few
members and its length, and the order agrees with the definition on random graphs."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

import offramp
from offramp.scenario.derived import CYCLE_SHOWN, DerivedParameter, _order, cycle_message
from offramp.scenario.expressions import parse
from tests.cli_runner import invoke

TAIL = """decision_makers:
  - name: US
    options:
      - name: tariffs
  - name: CN
    options:
      - name: press
preferences:
  US:
    weights:
      - {when: "CN.press", value: p1}
  CN:
    weights:
      - {when: "US.tariffs", value: 2}
"""


def chain(n: int, cycle: bool) -> str:
    """p_n reads p_(n-1) ... p1 reads p0 (or p_n: a cycle of n), declared from p_n down."""
    lines = ["format: offramp/1", "name: Chain", "parameters:", "  p0: 1"]
    for i in range(n, 0, -1):
        read = f"p{n}" if i == 1 and cycle else f"p{i - 1}"
        lines.append(f'  p{i}:\n    formula: "{read} + 1"')
    return "\n".join(lines) + "\n" + TAIL


def test_derived_chain_of_999_in_reverse_order_resolves() -> None:
    scenario = offramp.from_yaml_text(chain(999, cycle=False))
    assert [scenario.spec.parameters[f"p{i}"] for i in (1, 500, 999)] == [2.0, 501.0, 1000.0]
    assert list(scenario.spec.derivation.derived) == [f"p{i}" for i in range(1, 1000)]


def test_derived_cycle_of_990_is_located_and_short(capsys, tmp_path) -> None:
    path = tmp_path / "cycle.yaml"
    path.write_text(chain(990, cycle=True))
    out = invoke(capsys, "validate", str(path))
    assert out.code == 2 and "RecursionError" not in out.err, out.err
    shown = " -> ".join(f"p{990 - k}" for k in range(CYCLE_SHOWN))
    expected = (
        f"{path}:6:14: parameters.p990.formula: derived parameters form a cycle of 990: "
        f"{shown} -> ... ({990 - CYCLE_SHOWN} more) -> p990; one of them must be a plain value"
    )
    assert expected in out.err.splitlines()


def test_short_cycle_is_listed_in_full() -> None:
    assert cycle_message(["a", "b", "a"]) == (
        "derived parameters form a cycle: a -> b -> a; one of them must be a plain value"
    )


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 8).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(0, n), max_size=3, unique=True), min_size=n, max_size=n
        )
    )
)
def test_order_agrees_with_the_definition(reads) -> None:
    """On a random graph (index n: a plain parameter): a parameter resolves iff nothing it
    reads, directly or not, lies on a cycle; each comes after what it reads; every cycle found
    is a cycle of the graph, and a graph with a cycle has one found."""
    n = len(reads)
    names = [f"d{i}" for i in range(n)]
    deps = {names[i]: [f"d{j}" if j < n else "plain" for j in r] for i, r in enumerate(reads)}
    parsed = {
        name: DerivedParameter(name, "0", parse("0"), (), tuple(deps[name]), None) for name in names
    }
    order, cycles = _order(parsed, {**dict.fromkeys(names), "plain": 1.0})

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [d for d in deps[start] if d != "plain"]
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(d for d in deps[x] if d != "plain")
        return seen

    on_cycle = {x for x in names if x in reach(x)}
    for x in names:
        assert (x in order) == (not ({x} | reach(x)) & on_cycle)
    position = {x: k for k, x in enumerate(order)}
    for x in order:
        assert all(position[d] < position[x] for d in deps[x] if d != "plain")
    for cycle in cycles:
        assert cycle[0] == cycle[-1]
        assert all(b in deps[a] for a, b in itertools.pairwise(cycle))
    assert bool(cycles) == bool(on_cycle)
