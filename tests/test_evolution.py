"""The evolution from the status quo against a breadth-first search written from the definition:
a state is reached at depth d+1 when some DM improves to it, in one unilateral move, from a
state reached at depth d (absorbing states are reached but not left)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck

import offramp
from offramp.conflict.evolution import evolve
from offramp.conflict.moves import move_indices
from tests.sampling import SIZES, run_property
from tests.strategies import scenarios


def reference_distances(model, stop=None) -> np.ndarray:
    indices = move_indices(model)
    dist = np.full(model.n_states, -1)
    start = model.status_quo
    dist[start] = 0
    frontier = [] if stop is not None and stop[start] else [start]
    depth = 0
    while frontier:
        depth += 1
        nxt = set()
        for s in frontier:
            for idx in indices:
                for t in idx.targets(s, "ui"):
                    if dist[t] < 0:
                        nxt.add(int(t))
        for t in nxt:
            dist[t] = depth
        frontier = [t for t in nxt if stop is None or not stop[t]]
    return dist


@pytest.mark.parametrize("size", SIZES)
def test_evolution_matches_the_definition(size):
    run_property(
        size,
        _evolution_matches_the_definition,
        scenarios(),
        max_examples=120,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _evolution_matches_the_definition(data) -> None:
    try:
        scenario = offramp.from_dict(data)
    except offramp.OfframpError:
        return  # an infeasible status quo and the like: nothing to evolve
    model = scenario.conflict
    if model.status_quo is None:
        return
    result = scenario.stability()
    for stop in (None, result.stable["seq"].all(axis=0)):
        evo = evolve(model, stop=stop)
        np.testing.assert_array_equal(evo.distance, reference_distances(model, stop))
        for s in np.flatnonzero(evo.distance > 0):  # every path is a chain of improvements
            path = evo.path(int(s))
            assert len(path) == evo.distance[s] and path[-1].target == s
            assert path[0].source == model.status_quo
            for step in path:
                i = model.dm_names.index(step.mover)
                assert model.ranks[i, step.target] > model.ranks[i, step.source]


def test_a_dm_owning_many_options_evolves_without_listing_every_move() -> None:
    """One DM with 16 options (65,536 states in one group): listing every improvement pair would
    need ~2^31 pairs; the group rule needs a pass over the states per layer."""
    options = [{"name": f"o{k}"} for k in range(16)]
    data = {
        "format": "offramp/1",
        "name": "lopsided",
        "decision_makers": [
            {"name": "A", "options": options},
            {"name": "B", "options": [{"name": "x"}]},
        ],
        "status_quo": [],
        "preferences": {
            "A": {"weights": [{"when": f"A.o{k}", "value": (k % 5) - 2} for k in range(16)]},
            "B": {"weights": [{"when": "B.x", "value": 1}]},
        },
    }
    model = offramp.from_dict(data).conflict
    evo = evolve(model)
    assert (evo.distance >= 0).sum() > 1000
    assert evo.distance.max() <= 3
