"""Explanations follow the definitions literally (BFS over legal sequences); they must agree
with the vectorised engine's verdicts on every state, DM and concept."""

from __future__ import annotations

import itertools

import pytest

import offramp
from offramp.conflict.explain import explain, find_sanction


@pytest.mark.parametrize("name", ["elmira", "chicken", "prisoners-dilemma", "beijing-broker"])
def test_explanations_agree_with_verdicts(name: str) -> None:
    scenario = offramp.get_builtin(name)
    result = scenario.stability()
    model = result.model
    for concept in result.concepts:
        for i, dm in enumerate(model.dm_names):
            for s in range(model.n_states):
                e = explain(result, s + 1, dm, concept)
                deterred = all(d.sanction is not None for d in e.deterrence)
                if concept == "nash":
                    assert e.stable == (not e.deterrence)
                else:
                    assert e.stable == deterred, (name, concept, dm, s)
                for d in e.deterrence:
                    assert d.improvement.mover == dm
                    assert model.ranks[i, d.improvement.target] > model.ranks[i, s]
                    if d.sanction:
                        movers = [st.mover for st in d.sanction]
                        assert dm not in movers
                        assert all(a != b for a, b in itertools.pairwise(movers))
                        assert model.ranks[i, d.sanction[-1].target] <= model.ranks[i, s]


def test_sanction_path_is_connected() -> None:
    model = offramp.get_builtin("elmira").conflict
    for s in range(model.n_states):
        for s1 in range(model.n_states):
            path = find_sanction(model, 1, s, s1, "gmr")
            if path:
                assert path[0].source == s1
                for a, b in itertools.pairwise(path):
                    assert a.target == b.source
