"""Fuzzing scenario input: a mutation corpus of the built-in scenarios (through the Python API
and the command line) and hypothesis strategies over the format with hostile values planted in
valid documents. Every case runs in a forked child under a time cap and a memory cap
(tests/fuzzing.py) and must end in an answer or in offramp's own error: no internal error, no
hang, no memory blow-up. The longer run for releases is benchmarks/fuzz_long.py.

Budget: about a minute in CI (the counts below); crashes found get a file in
tests/fuzz_regressions/, replayed by tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import collections

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import strategies as sst
from tests.fuzzing import (
    BAD_KINDS,
    capped,
    cli,
    scenario_api,
    scenario_dict,
    scenario_mutants,
)
from tests.sampling import SIZES, examples

API_MUTANTS = 120
CLI_MUTANTS = 24
SECONDS = 20.0


def _report(outcomes: list[tuple[str, object]]) -> collections.Counter:
    counts = collections.Counter(o.kind for _, o in outcomes)  # type: ignore[attr-defined]
    bad = [(name, o) for name, o in outcomes if o.kind in BAD_KINDS]  # type: ignore[attr-defined]
    assert not bad, "\n\n".join(f"{name}: {o.kind}: {o.detail}" for name, o in bad[:5])  # type: ignore[attr-defined]
    return counts


@pytest.mark.parametrize("size", SIZES)
def test_scenario_mutants_through_the_api(size: str) -> None:
    count = examples(size, API_MUTANTS)
    outcomes = [
        (name, capped(scenario_api, (text, 2 if k % 8 == 0 else 1), seconds=SECONDS))
        for k, (name, text) in enumerate(scenario_mutants(count, seed=11))
    ]
    counts = _report(outcomes)
    # the corpus exercises both sides: some mutants still load, most are refused cleanly
    assert counts["ok"] >= max(1, 5 * count // API_MUTANTS) and counts["clean"] >= count // 2, (
        counts
    )


@pytest.mark.parametrize("size", SIZES)
def test_scenario_mutants_through_the_cli(size: str) -> None:
    count = examples(size, CLI_MUTANTS)
    outcomes = []
    for k, (name, text) in enumerate(scenario_mutants(count, seed=12)):
        argv = (
            ["validate", "{dir}/s.yaml"]
            if k % 2
            else ["analyze", "{dir}/s.yaml", "-n", "4", "--no-thresholds", "-f", "json"]
        )
        outcomes.append((name, capped(cli, (argv, {"s.yaml": text}), seconds=SECONDS)))
    counts = _report(outcomes)
    assert counts["clean"] >= count // 3, counts


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", "--seed", "-1", "-n", "4"],
        ["uncertainty", "--seed", "-5", "-n", "4", "-w", "1"],
        ["sweep", "-p", "trade_relief=0:inf:1"],
        ["threshold", "china-presses", "--param", "trade_relief", "--range", "0:inf"],
        ["threshold", "china-presses", "--param", "trade_relief", "--range", "nan:1"],
        ["sweep", "-p", "trade_relief=0:1e300:1"],
        ["uncertainty", "-n", "10000000000", "-w", "1"],
    ],
)
def test_hostile_command_values_exit_2(argv: list[str]) -> None:
    outcome = capped(cli, (argv, {}), seconds=SECONDS)
    assert outcome.kind == "clean", outcome


# --------------------------------------------------------------------------- hypothesis

#: Long or odd texts, drawn by index: a strategy over the texts themselves would carry them in
#: its repr (31 kB), which hypothesis builds and warns about.
ODD_TEXTS = (
    "(" * 400 + "x" + ")" * 400,
    "!" * 2000 + "x",
    "x -> " * 500 + "x",
    "\ud800",
    "\x00",
    "\u202e",
    "x" * 25_000,
)

HOSTILE_SCALARS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, 10**30, -0.0]),
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from("()!&|-> ."), max_size=300),
    st.integers(0, len(ODD_TEXTS) - 1).map(ODD_TEXTS.__getitem__),
    st.none(),
    st.booleans(),
)


def _nest(depth: int, leaf: object) -> object:
    for _ in range(depth):
        leaf = [leaf] if depth % 2 else {"a": leaf}
    return leaf


def _hostile_values(depths: list[int]) -> st.SearchStrategy[object]:
    return st.one_of(
        HOSTILE_SCALARS,
        st.lists(HOSTILE_SCALARS, max_size=4),
        st.dictionaries(st.text(max_size=5), HOSTILE_SCALARS, max_size=3),
        st.tuples(st.sampled_from(depths), HOSTILE_SCALARS).map(lambda t: _nest(*t)),
    )


HOSTILE_VALUES = _hostile_values([10, 40, 300, 3000])
#: What a YAML writer can write: nesting 3000 deep exhausts ruamel's recursive emitter (the
#: reader's refusal of deep YAML text is tested in test_limits.py).
WRITABLE_HOSTILE_VALUES = _hostile_values([10, 40, 300])


def _slots(node: object, path: tuple = ()) -> list[tuple]:
    """Every path in the document (above planted deep values) where a value can be replaced
    (or a key added)."""
    out = [path]
    if len(path) > 8:
        return out
    if isinstance(node, dict):
        for k, v in node.items():
            out += _slots(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _slots(v, (*path, i))
    return out


def _plant(doc: dict, path: tuple, value: object, as_new_key: bool) -> dict:
    if not path:  # (in place: the document is a fresh draw; deepcopy would recurse)
        doc["extra"] = value
        return doc
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if as_new_key and isinstance(parent, dict):
        parent["zz_" + str(path[-1])] = value
    else:
        parent[path[-1]] = value  # type: ignore[index]
    return doc


@st.composite
def hostile_documents(draw, values: st.SearchStrategy[object] = HOSTILE_VALUES) -> dict:
    """A valid generated scenario with one to three hostile values planted anywhere."""
    doc = draw(sst.scenarios(2, 3))
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(doc)
        path = draw(st.sampled_from(slots))
        doc = _plant(doc, path, draw(values), draw(st.booleans()))
    return doc


_FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@_FUZZ
@given(hostile_documents())
def test_hostile_documents_through_from_dict(doc: dict) -> None:
    outcome = capped(scenario_dict, doc, seconds=SECONDS)
    assert outcome.kind not in BAD_KINDS, outcome


@_FUZZ
@given(hostile_documents(WRITABLE_HOSTILE_VALUES))
def test_hostile_documents_as_yaml_text(doc: dict) -> None:
    import io

    from ruamel.yaml import YAML

    buf = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.dump(doc, buf)  # every planted value is writable: a failure here is a test bug
    outcome = capped(scenario_api, (buf.getvalue(), 1), seconds=SECONDS)
    assert outcome.kind not in BAD_KINDS, outcome


# --------------------------------------------------------------------------- statements


@st.composite
def nested_statements(draw) -> tuple[str, tuple, int, int]:
    """A statement wrapped in a random stack of '(', '!' and '->' layers: its text, its tree
    (our own evaluator's form) and bounds on its nesting depth as the parser counts it (each
    layer adds one or two levels; the inner statement at most one per character)."""
    tree = draw(sst.trees(2, 4))
    options = [sst.Option(0, "A", "x", True), sst.Option(1, "A", "y", True)]
    text = draw(sst.render(tree, options))
    low, high = 0, len(text)
    for layer in draw(st.lists(st.sampled_from(["paren", "not", "imp"]), max_size=120)):
        if layer == "paren":
            text = f"({text})"
        elif layer == "not":
            text, tree = f"!({text})", ("not", tree)
        else:
            text, tree = f"A.y -> ({text})", ("imp", ("var", 1), tree)
        low, high = low + 1, high + 2
    return text, tree, low, high


@settings(max_examples=150, deadline=None, derandomize=True)
@given(nested_statements())
def test_nested_statements_parse_exactly_or_are_refused_by_depth(case) -> None:
    import numpy as np

    from offramp.scenario.statements import (
        Catalogue,
        OptionRef,
        StatementError,
        evaluate_codes,
        parse_statement,
    )

    text, tree, low, high = case
    catalogue = Catalogue([OptionRef(0, "A", "x"), OptionRef(1, "A", "y")])
    try:
        expr = parse_statement(text, catalogue)
    except StatementError as exc:
        assert "nesting depth of a statement" in exc.message and "limit of 50" in exc.message
        assert high > 50, text  # refused only when it may be too deep
        return
    assert low <= 50, text  # accepted only when it may be within the limit
    codes = np.arange(4, dtype=np.uint64)
    want = [sst.evaluate(tree, int(c)) for c in codes]
    assert evaluate_codes(expr, codes).tolist() == want


# --------------------------------------------------------------------------- issue 22 paths


@pytest.mark.parametrize("kind", ["number_as_text", "derived", "markup"])
def test_issue22_mutants_through_the_api_and_the_cli(kind: str) -> None:
    """The paths issue 22 found unguarded: numbers written as YAML text, derived parameters
    (long chains, cycles, overflowing formulas) and markup in texts, each through the API and
    through a command (output targets included; a printed control character fails the case)."""
    import random

    from tests import fuzzing

    rng = random.Random(f"issue22-{kind}")
    seeds = fuzzing.scenario_seeds()
    outcomes = []
    for k in range(ISSUE22_MUTANTS):
        name, text = fuzzing.mutate_scenario(rng.choice(seeds), rng, kind=kind)
        outcomes.append((name, capped(scenario_api, (text, 1), seconds=SECONDS)))
        outcomes.append((name, capped(cli, fuzzing.cli_case(k, text), seconds=SECONDS)))
    counts = _report(outcomes)
    assert counts["ok"] + counts["clean"] == 2 * ISSUE22_MUTANTS, counts


ISSUE22_MUTANTS = 4
