"""First-level hypergames: the hand-worked example of docs/methods/inverse-analysis.md pinned,
correct perceptions give the ordinary analysis (property), and bad perceptions are located."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st

import offramp
from offramp.conflict.concepts import DEFAULT_CONCEPTS
from offramp.scenario.errors import ScenarioError
from tests.cli_runner import invoke
from tests.sampling import SIZES, run_property
from tests.strategies import cases

DETERRENCE = """\
format: offramp/1
name: "Deterrence by misjudged resolve"
decision_makers:
  - name: A
    options: [{name: attack}]
  - name: B
    options: [{name: retaliate}]
status_quo: []
preferences:
  A:
    ranking:
      - "A.attack & !B.retaliate"
      - "!A.attack & !B.retaliate"
      - "!A.attack & B.retaliate"
      - "A.attack & B.retaliate"
  B:
    ranking:
      - "!A.attack & !B.retaliate"
      - "A.attack & !B.retaliate"
      - "!A.attack & B.retaliate"
      - "A.attack & B.retaliate"
perceptions:
  - dm: A
    of: B
    note: A believes B would rather retaliate than take an attack lying down.
    preferences:
      ranking:
        - "!A.attack & !B.retaliate"
        - "A.attack & B.retaliate"
        - "!A.attack & B.retaliate"
        - "A.attack & !B.retaliate"
questions:
  - id: attack
    ask: Does A attack?
    holds_when: A.attack
"""


def test_hand_worked_deterrence() -> None:
    """States: 1 peace, 2 attack, 3 retaliation alone, 4 attack and retaliation.

    Correct game, SEQ: at 1, A's improvement to 2 is unsanctioned (B prefers 2 to 4: it does
    not retaliate), so only 2 is an equilibrium and the conflict settles there: A attacks.
    A's game: B seems to prefer 4 to 2, so retaliation is a credible sanction and 1 is stable
    for A; B, seeing correctly, is stable at 1. Hypergame SEQ equilibria: 1 and 2; the
    evolution from peace stays at 1: A does not attack. GMR counts any reply, so nothing
    changes under GMR; Nash counts none."""
    h = offramp.from_yaml_text(DETERRENCE).hypergame().to_dict()
    seq = h["concepts"]["seq"]
    assert (seq["correct"], seq["hypergame"]) == ([2], [1, 2])
    assert seq["only_hypergame"] == [1] and seq["differs_for"] == {"A": [1], "B": []}
    assert seq["settles_at"] == {"correct": [2], "hypergame": [1]}
    for c in ("nash", "gmr", "smr"):
        assert h["concepts"][c]["correct"] == h["concepts"][c]["hypergame"]
    assert h["concepts"]["gmr"]["correct"] == [1, 2] and h["concepts"]["nash"]["correct"] == [2]
    assert h["questions"] == [
        {"id": "attack", "ask": "Does A attack?", "correct": "yes", "hypergame": "no"}
    ]


def test_unknown_option_projects_states() -> None:
    """If A does not know B can retaliate, A sees states 1 and 3 as 'peace' and 2 and 4 as
    'attack', and prefers attacking: no state without an attack is stable for A."""
    text = DETERRENCE.replace(
        """  - dm: A
    of: B
    note: A believes B would rather retaliate than take an attack lying down.
    preferences:
      ranking:
        - "!A.attack & !B.retaliate"
        - "A.attack & B.retaliate"
        - "!A.attack & B.retaliate"
        - "A.attack & !B.retaliate"
""",
        """  - dm: A
    unknown_options: [B.retaliate]
""",
    )
    h = offramp.from_yaml_text(text).hypergame()
    a_stable = h.perceived["nash"][0]
    np.testing.assert_array_equal(a_stable, [False, True, False, True])


@st.composite
def correctly_perceived(draw):
    case = draw(cases(max_dms=3))
    data = copy.deepcopy(case.data)
    names = [d["name"] for d in data["decision_makers"]]
    pairs = [(a, b) for a in names for b in names if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs), unique=True))
    data["perceptions"] = [
        {"dm": a, "of": b, "preferences": copy.deepcopy(data["preferences"][b])} for a, b in chosen
    ]
    return data


@pytest.mark.parametrize("size", SIZES)
def test_correct_perceptions_give_ordinary_stability(size):
    run_property(
        size,
        _correct_perceptions_give_ordinary_stability,
        correctly_perceived(),
        max_examples=40,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _correct_perceptions_give_ordinary_stability(data) -> None:
    sc = offramp.from_dict(data)
    h = sc.hypergame()
    ordinary = sc.stability()
    for c in DEFAULT_CONCEPTS:
        np.testing.assert_array_equal(h.perceived[c], ordinary.stable[c])
        np.testing.assert_array_equal(h.correct[c], ordinary.stable[c])
    assert h.verdicts(True) == h.verdicts(False)


def test_bad_perceptions_are_located(capsys, tmp_path) -> None:
    bad = DETERRENCE.replace("  - dm: A\n    of: B", "  - dm: A\n    of: C")
    with pytest.raises(ScenarioError) as err:
        offramp.from_yaml_text(bad, "f.yaml")
    problem = err.value.problems[0]
    assert "unknown decision maker 'C'" in problem.message and problem.line == 24
    for old, new, message in [
        ("  - dm: A\n    of: B", "  - dm: A\n    of: A", "its own preferences"),
        ("    of: B\n", "", "needs both 'of'"),
        ("  - dm: A\n    of: B", "  - dm: A\n    unknown_options: [B.nope]\n    of: B", "nope"),
    ]:
        with pytest.raises(ScenarioError, match=message):
            offramp.from_yaml_text(DETERRENCE.replace(old, new))
    # a perceived ranking that leaves a state out: found when the perceived game is built
    gap = DETERRENCE.replace('        - "A.attack & !B.retaliate"\n', "")
    sc = offramp.from_yaml_text(gap, "g.yaml")
    with pytest.raises(ScenarioError, match="in the game A perceives") as err:
        sc.hypergame()
    assert err.value.problems[0].path == "perceptions[0]"
    path = tmp_path / "d.yaml"
    path.write_text(DETERRENCE)
    out = invoke(capsys, "hypergame", str(path), "-f", "json")
    assert out.code == 0, out.err
    assert json.loads(out.out)["questions"][0]["hypergame"] == "no"
    out = invoke(capsys, "hypergame", str(path))
    assert out.code == 0 and "differs" in out.out
    path.write_text(bad)
    out = invoke(capsys, "hypergame", str(path))
    assert out.code == 2 and "d.yaml:24" in out.err
    # validate builds every perceived game: the gap is reported at the perception
    path.write_text(gap)
    out = invoke(capsys, "validate", str(path))
    assert out.code == 2 and "in the game A perceives" in out.err and "d.yaml:23" in out.err
    # ... and the perceived games of variants that add perceptions, located at the variant
    path.write_text(
        DETERRENCE
        + "variants:\n  - name: blind\n    perceptions:\n      - dm: B\n        of: A\n"
        + "        preferences:\n          ranking: [A.attack]\n"
    )
    out = invoke(capsys, "validate", str(path))
    assert out.code == 2 and "variant 'blind': in the game B perceives" in out.err
    assert "d.yaml:39:7: variants[0].perceptions" in out.err


def test_builtin_variant_china_doubts_the_concession() -> None:
    """With a concession worth 9, China presses; if it does not count on the concession (the
    option is unknown in its game) it does not: the article's question answered both ways."""
    sc = offramp.get_builtin("beijing-broker").variant("china-doubts-concession")
    h = sc.hypergame().to_dict()
    answers = {q["id"]: (q["correct"], q["hypergame"]) for q in h["questions"]}
    assert answers["china-presses"] == ("yes", "no")
    assert h["perceptions"] == [{"dm": "CN", "of": None, "unknown_options": ["US.relief"]}]
    # the ordinary analysis of the variant is that of its parameters alone
    plain = offramp.get_builtin("beijing-broker").variant("big-concession")
    assert h["concepts"]["seq"]["correct"] == [
        int(s) + 1 for s in plain.stability().equilibria("seq")
    ]
