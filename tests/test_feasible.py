"""Feasible states enumerated from the option structure (``offramp.conflict.feasible``) equal a
brute force over all 2^m combinations, and the analyses on them equal the brute-force solver."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import offramp
from offramp.conflict.feasible import Rule, enumerate_feasible, structure
from offramp.scenario.compile import feasible_count
from tests import brute_force
from tests.test_bruteforce import _differences


def one_hot(sizes: list[int], rng: random.Random, cross: int = 0, directed: bool = False):
    """A conflict where DM i picks one of ``sizes[i]`` strategies (mutually exclusive and at
    least one), random weights, and ``cross`` random infeasible pairs across DMs."""
    dms = [f"D{i}" for i in range(len(sizes))]
    data: dict = {
        "format": "offramp/1",
        "name": "one-hot",
        "decision_makers": [
            {
                "name": dm,
                "options": [
                    {"name": f"s{j}", "direction": rng.choice(["both", "forward"])}
                    if directed
                    else {"name": f"s{j}"}
                    for j in range(size)
                ],
            }
            for dm, size in zip(dms, sizes, strict=True)
        ],
        "mutually_exclusive": [
            [f"{dm}.s{j}" for j in range(size)] for dm, size in zip(dms, sizes, strict=True)
        ],
        "at_least_one": [
            [f"{dm}.s{j}" for j in range(size)] for dm, size in zip(dms, sizes, strict=True)
        ],
        "preferences": {
            dm: {
                "weights": [
                    {"when": f"{d}.s{j}", "value": rng.randint(-5, 5)}
                    for d, size in zip(dms, sizes, strict=True)
                    for j in range(size)
                ]
            }
            for dm in dms
        },
    }
    pairs = []
    for _ in range(cross):
        a, b = rng.sample(range(len(sizes)), 2)
        pairs.append(f"{dms[a]}.s{rng.randrange(sizes[a])} & {dms[b]}.s{rng.randrange(sizes[b])}")
    if pairs:
        data["infeasible"] = pairs
    return data


@pytest.mark.parametrize("seed", range(200))
def test_one_hot_conflicts_equal_the_brute_force(seed) -> None:
    rng = random.Random(seed)
    sizes = [rng.randint(2, 4) for _ in range(rng.randint(2, 3))]
    data = one_hot(sizes, rng, cross=rng.choice([0, 0, 1, 2]), directed=seed % 3 == 0)
    try:
        scenario = offramp.from_dict(data)
    except offramp.ScenarioError as exc:  # the cross rules removed every state
        assert "no feasible state" in str(exc)
        assert brute_force.feasible_states(offramp.from_dict({**data, "infeasible": []})) != []
        return
    result = scenario.stability()
    want = brute_force.feasible_states(scenario)
    assert [int(c) for c in result.model.codes] == want  # ids: sorted codes, as before
    count, exact = feasible_count(scenario.spec)
    assert exact == ("infeasible" not in data)
    assert count == len(want) if exact else count >= len(want)
    problems = _differences(result.by_taken(), brute_force.solve(scenario))
    assert not problems, "\n".join(problems) + "\n" + json.dumps(data)


@st.composite
def rule_mixes(draw):
    """Random options owned by 1-4 DMs and random rules: groups within and across DMs,
    removed options, and arbitrary tests over a few options (as truth tables)."""
    m = draw(st.integers(0, 10))
    n_dms = draw(st.integers(1, 4))
    option_dm = [draw(st.integers(0, n_dms - 1)) for _ in range(m)]
    rules, checks = [], []
    for _ in range(draw(st.integers(0, 5)) if m else 0):
        opts = tuple(sorted(set(draw(st.lists(st.integers(0, m - 1), min_size=1, max_size=3)))))
        kind = draw(st.sampled_from(["exclusive", "at_least_one", "table", "removed"]))
        if kind == "exclusive":
            test = lambda s, o=opts: sum(s >> k & 1 for k in o) > 1  # noqa: E731
        elif kind == "at_least_one":
            test = lambda s, o=opts: not any(s >> k & 1 for k in o)  # noqa: E731
        elif kind == "removed":
            opts = opts[:1]
            test = lambda s, o=opts: bool(s >> o[0] & 1)  # noqa: E731
        else:
            table = draw(st.lists(st.booleans(), min_size=1 << len(opts), max_size=1 << len(opts)))
            test = lambda s, o=opts, t=table: t[sum((s >> k & 1) << j for j, k in enumerate(o))]  # noqa: E731

        def vector(codes, test=test):
            return np.array([test(int(c)) for c in codes], dtype=bool)

        rules.append(Rule(opts, vector, len(opts), monotone=kind in ("exclusive", "removed")))
        checks.append(test)
    return m, option_dm, rules, checks


@settings(max_examples=300, deadline=None)
@given(rule_mixes())
def test_enumeration_equals_filtering_every_combination(mix) -> None:
    m, option_dm, rules, checks = mix
    want = [s for s in range(1 << m) if not any(t(s) for t in checks)]
    got = enumerate_feasible(m, option_dm, rules)
    assert got.dtype == np.uint64
    assert [int(c) for c in got] == want
    struct = structure(m, option_dm, rules)
    if struct.exact:
        from offramp.conflict.feasible import enumerate_components

        enumerate_components(struct)
        assert struct.upper_bound() == len(want)


@settings(max_examples=200, deadline=None)
@given(rule_mixes())
def test_growing_choices_with_monotone_pruning_equals_filtering(mix) -> None:
    """The option-at-a-time enumeration (used for large components with an ``at most one``
    group or a removed option) gives the same codes as filtering every combination."""
    from offramp.conflict import feasible

    m, option_dm, rules, checks = mix
    want = [s for s in range(1 << m) if not any(t(s) for t in checks)]
    saved = feasible.GROW_ABOVE
    feasible.GROW_ABOVE = 0  # every component with a monotone rule grows
    try:
        got = enumerate_feasible(m, option_dm, rules)
    finally:
        feasible.GROW_ABOVE = saved
    assert [int(c) for c in got] == want


def test_many_exclusive_options_cost_their_choices(monkeypatch) -> None:
    """26 mutually exclusive options of one DM (the fuzz regression slow-enumeration.yaml):
    27 choices, built without listing the 2^26 combinations."""
    from offramp.conflict import feasible

    calls: list[int] = []
    real = feasible._remove
    monkeypatch.setattr(feasible, "_remove", lambda c, r: calls.append(len(c)) or real(c, r))
    group = tuple(range(26))

    def too_many(codes):
        return np.array([bin(int(c)).count("1") > 1 for c in codes], dtype=bool)

    got = enumerate_feasible(26, [0] * 26, [Rule(group, too_many, 26, monotone=True)])
    assert [int(c) for c in got] == [0] + [1 << k for k in range(26)]
    assert max(calls) <= 2 * 27


def test_the_count_follows_the_choices_not_the_combinations(monkeypatch) -> None:
    """15 x 15 one-hot (2^30 combinations, 225 states) is enumerated under a work limit far
    below 2^30 (each DM's 2^15 combinations are checked against its two groups); 8 DMs x 6
    strategies (48 options) is counted without enumerating."""
    monkeypatch.setenv("OFFRAMP_LIMIT_ENUMERATION_WORK", str(2**22))
    monkeypatch.setenv("OFFRAMP_LIMIT_STATES", str(6**8))  # 8 x 6 is built, over the default
    scenario = offramp.from_dict(one_hot([15, 15], random.Random(1)))
    assert feasible_count(scenario.spec) == (225, True)
    model = scenario.stability().model
    assert model.n_states == 225
    assert sorted(bin(int(c)).count("1") for c in model.codes) == [2] * 225
    big = offramp.from_dict(one_hot([6] * 8, random.Random(2)))
    assert feasible_count(big.spec) == (6**8, True)


def test_cross_rules_filter_the_product_and_bound_the_count() -> None:
    data = one_hot([3, 3], random.Random(3))
    data["infeasible"] = ["D0.s0 & D1.s0", "D0.s1 & D1.s2"]
    scenario = offramp.from_dict(data)
    assert feasible_count(scenario.spec) == (9, False)
    assert [int(c) for c in scenario.stability().model.codes] == brute_force.feasible_states(
        scenario
    )
    assert scenario.stability().model.n_states == 7


def test_a_removed_option_is_a_local_rule() -> None:
    scenario = offramp.from_dict(one_hot([3, 2], random.Random(4)))
    variant = scenario.with_changes(remove_options=["D0.s1"])
    assert feasible_count(variant.spec) == (4, True)
    codes = [int(c) for c in variant.stability().model.codes]
    assert all(not c >> 1 & 1 for c in codes) and len(codes) == 4


def test_a_large_count_is_announced_before_the_states_are_built(caplog) -> None:
    scenario = offramp.from_dict(one_hot([8, 8, 8, 8, 2], random.Random(5)))
    with caplog.at_level("INFO", logger="offramp"):
        assert scenario.conflict.n_states == 8192
    assert "8,192 feasible states" not in caplog.text  # below the threshold: quiet
    from offramp.scenario import compile as comp

    with caplog.at_level("INFO", logger="offramp"):
        try:
            comp.ANNOUNCE_STATES, saved = 1000, comp.ANNOUNCE_STATES
            assert offramp.from_dict(one_hot([8, 8, 8, 8, 2], random.Random(5))).conflict
        finally:
            comp.ANNOUNCE_STATES = saved
    assert "8,192 feasible states (from each decision maker's choices)" in caplog.text


def test_the_command_line_prints_the_count_before_large_work(capsys, tmp_path, monkeypatch):
    from ruamel.yaml import YAML

    from offramp.scenario import compile as comp
    from tests.cli_runner import invoke

    path = tmp_path / "one-hot.yaml"
    with path.open("w") as f:
        YAML().dump(one_hot([8, 8, 8, 8, 2], random.Random(6)), f)
    monkeypatch.setattr(comp, "ANNOUNCE_STATES", 1000)
    monkeypatch.setenv("OFFRAMP_HISTORY", "0")
    result = invoke(capsys, "validate", str(path))
    assert result.code == 0
    assert "offramp: one-hot: 8,192 feasible states (from each decision maker's" in result.err
    assert "8,192 feasible states" in result.out
