"""The simultaneous-sanction search behind SIM (:mod:`offramp.conflict.simultaneous`) against the
brute force written from the definition (tests/brute_force_more.py): random conflicts with 3-4
DMs, feasibility rules, directed options and ties, with each path of the search forced in turn
(several mask words, listed movers, keyed line lookup, candidate rounds, tiny batches); a
hand-made conflict whose sanction needs two movers at once; the worst-case limit."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st

import offramp
from offramp.conflict import simultaneous
from offramp.conflict.concepts import sim as sim_concept
from offramp.conflict.model import ConflictModel, ConflictTooLarge
from offramp.conflict.moves import move_indices
from tests import brute_force_more as bf
from tests import strategies
from tests.cli_runner import invoke
from tests.sampling import SIZES, run_property

CONFLICTS = Path(__file__).resolve().parent / "data" / "conflicts"
ELMIRA = str(CONFLICTS / "elmira.yaml")

#: Settings of the search's module constants, each forcing a path the defaults may not take.
KNOBS = st.fixed_dictionaries(
    {
        "WORD": st.sampled_from([64, 2]),  # several words per bit set
        "DENSE_KEYS": st.sampled_from([simultaneous.DENSE_KEYS, 0]),  # keyed line lookup
        "MAX_BLOCK_WORDS": st.sampled_from([64, 4, 1, 0]),  # fewer mask movers, more listed
        "ROUNDS": st.sampled_from([3, 1, 0]),  # lowest-candidate rounds before the rest
        "BATCH": st.sampled_from([simultaneous.BATCH, 5]),  # batches of a few states/groups
    }
)


@contextlib.contextmanager
def knobs(values: dict):
    old = {k: getattr(simultaneous, k) for k in values}
    for k, v in values.items():
        setattr(simultaneous, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(simultaneous, k, v)


def ids(row: np.ndarray) -> set[int]:
    return {int(s) + 1 for s in np.flatnonzero(row)}


def engine(model: ConflictModel) -> list[set[int]]:
    indices = move_indices(model)
    return [ids(simultaneous.sim_stable(model, i, indices)) for i in range(model.n_dms)]


@pytest.mark.parametrize("size", SIZES)
def test_search_agrees_with_bruteforce(size):
    run_property(
        size,
        _search_agrees_with_bruteforce,
        strategies.cases(min_dms=3, max_dms=4),
        KNOBS,
        max_examples=250,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _search_agrees_with_bruteforce(case, values):
    scenario = offramp.from_dict(case.data)
    want = bf.sim(bf.Conflict(scenario))
    with knobs(values):
        got = engine(scenario.conflict)
    assert got == want, f"{values}\n{json.dumps(case.data)}"


def _weighted(seed: int, split: list[int], directed: bool, rules: list[str]) -> dict:
    """A conflict like the benchmark's: weights on every option and on pairs of options (many
    levels and ties), so that many improvements need several movers to be spoiled."""
    rng = np.random.default_rng(seed)
    names = [f"D{d}.o{k}" for d, p in enumerate(split) for k in range(p)]
    dms = [
        {
            "name": f"D{d}",
            "options": [
                {"name": f"o{k}", "direction": str(rng.choice(["both", "forward", "backward"]))}
                if directed
                else {"name": f"o{k}"}
                for k in range(p)
            ],
        }
        for d, p in enumerate(split)
    ]
    prefs = {}
    for d in range(len(split)):
        weights = [{"when": n, "value": int(rng.integers(-4, 5))} for n in names]
        for _ in range(len(names) // 2):
            a, b = rng.choice(len(names), 2, replace=False)
            weights.append({"when": f"{names[a]} & !{names[b]}", "value": int(rng.integers(-3, 4))})
        prefs[f"D{d}"] = {"weights": weights}
    data = {"format": "offramp/1", "name": "weighted", "decision_makers": dms, "preferences": prefs}
    if rules:
        data["infeasible"] = rules
    return data


@pytest.mark.parametrize(
    ("seed", "split", "directed", "rules"),
    [
        (1, [3, 3, 2, 2], False, []),
        (2, [3, 3, 3], False, ["D0.o0 & D1.o1"]),
        (3, [3, 2, 2, 2], True, ["D2.o0 & !D3.o1"]),
    ],
)
def test_several_movers_on_weighted_conflicts(seed, split, directed, rules):
    """Conflicts where the search decides many states (some stable only through several
    movers at once), against the brute force."""
    scenario = offramp.from_dict(_weighted(seed, split, directed, rules))
    model = scenario.conflict
    decided = []
    original = simultaneous._box_search

    def spy(model, i, pats, sizes, up, states, uncovered):
        got = original(model, i, pats, sizes, up, states, uncovered)
        decided.append(int(got.sum()))
        return got

    simultaneous._box_search = spy
    try:
        got = engine(model)
    finally:
        simultaneous._box_search = original
    assert got == bf.sim(bf.Conflict(scenario))
    assert sum(decided) > 0  # some states are stable only by simultaneous sanctions


def _three_dms(c_moves: bool) -> ConflictModel:
    """A, B and C with one option each (bits 0, 1, 2). From 000, A improves to 100; B prefers
    to take its option and, when ``c_moves``, so does C. A's payoff is 7 at 110 and 101 (no
    single mover sanctions A) but 4 at 111: only B and C together do."""
    pay_a = [5, 6, 1, 7, 1, 7, 1, 4]
    pay_b = [(s >> 1) & 1 for s in range(8)]
    pay_c = [(s >> 2) & 1 if c_moves else 0 for s in range(8)]
    return ConflictModel.from_ranks(
        [["x"], ["y"], ["z"]], ["A", "B", "C"], np.arange(8), np.array([pay_a, pay_b, pay_c])
    )


def test_sanction_by_two_movers_at_once():
    model = _three_dms(c_moves=True)
    stable = sim_concept.sim_stable(model, 0)
    assert bool(stable[0])  # 000 is SIM-stable for A, through B and C moving together
    steps = sim_concept.sanction(model, 0, 0, 1)
    assert [(st.mover, st.source, st.target) for st in steps] == [("B", 0, 2), ("C", 0, 4)]
    assert sim_concept.combined_state(model, 1, steps) == 7
    # without C's improvement nobody can spoil A's move: 000 is unstable for A
    alone = _three_dms(c_moves=False)
    assert not bool(sim_concept.sim_stable(alone, 0)[0])
    assert sim_concept.sanction(alone, 0, 0, 1) is None


def test_search_is_needed_and_right_on_the_hand_made_conflict():
    """The single-mover stage alone leaves 000 open for A: the search decides it."""
    model = _three_dms(c_moves=True)
    seen = []
    original = simultaneous._box_search

    def spy(model, i, pats, sizes, up, states, uncovered):
        seen.append((i, states.tolist()))
        return original(model, i, pats, sizes, up, states, uncovered)

    simultaneous._box_search = spy
    try:
        result = simultaneous.sim_stable(model, 0, move_indices(model))
    finally:
        simultaneous._box_search = original
    assert seen and seen[0][0] == 0 and 0 in seen[0][1]
    assert bool(result[0])


def test_worst_case_beyond_the_limit_is_refused_before_the_work(monkeypatch, capsys):
    monkeypatch.setattr(simultaneous, "MAX_LINE_CHECKS", 0)
    model = offramp.load(ELMIRA).conflict
    with pytest.raises(ConflictTooLarge, match="line checks in the worst case"):
        engine(model)
    outcome = invoke(capsys, "stability", ELMIRA, "--concept", "sim")
    assert outcome.code == 2, outcome
    assert "line checks in the worst case" in outcome.err
    assert "Traceback" not in outcome.err + outcome.out
