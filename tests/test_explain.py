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


def test_explanation_text_speaks_the_analysts_labels() -> None:
    """The explanation's text names states, decision makers and moves by the labels written in
    the file; the JSON keeps the ids."""
    import re

    scenario = offramp.get_builtin("beijing-broker")
    model = scenario.conflict
    for e in scenario.explain(6):
        text = e.text(model)
        assert scenario.spec.dm_label(e.dm) in text
        assert not re.search(r"\b(US|CN|RU)\.[a-z_]+", text), text  # no DM.option id
        assert e.to_dict()["dm"] == e.dm
    assert "State 6 (United States: offer trade concessions, sanction Russian oil)" in text


def test_move_words_one_rule() -> None:
    from offramp.conflict.steps import move_words

    labels = {"US": "United States", "US.relief": "offer trade concessions", "US.tariffs": "x"}
    assert (
        move_words("US", ["US.relief"], ["US.tariffs"], labels)
        == "United States moves to offer trade concessions and ceases to x"
    )
    # an option without a label: ids, with the labels there are
    assert (
        move_words("US", ["US.relief", "US.summit"], [], labels)
        == "United States takes offer trade concessions, US.summit"
    )
    assert move_words("US", [], ["US.summit"]) == "US stops US.summit"
