"""The Python API speaks like the CLI: bad arguments raise offramp's own InputError with the
same message the CLI prints (one implementation serves both)."""

from __future__ import annotations

import pytest

import offramp
from offramp.conflict.concepts import DEFAULT_CONCEPT
from offramp.errors import InputError, OfframpError
from tests.cli_runner import invoke

PD = "prisoners-dilemma"


@pytest.fixture(scope="module")
def scenario():
    return offramp.get_builtin(PD)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"state": 999, "dm": "Row"}, "state 999 does not exist: this conflict has states 1 to 4"),
        ({"state": 0, "dm": "Row"}, "state 0 does not exist"),
        ({"state": -1, "dm": "Row"}, "state -1 does not exist"),
        ({"state": 2.5, "dm": "Row"}, "state must be a whole number"),
        ({"state": 1, "dm": "US"}, "unknown decision maker 'US'"),
        ({"state": 1, "dm": "Rwo"}, "did you mean 'Row'?"),
        ({"state": 1, "dm": "Row", "concept": "nsah"}, "unknown solution concept 'nsah'"),
        ({"state": 1, "dm": "Row", "concept": "nsah"}, "did you mean 'nash'?"),
    ],
)
def test_explain_bad_arguments(scenario, kwargs, needle):
    with pytest.raises(InputError) as err:
        scenario.explain(**kwargs)
    assert needle in str(err.value)
    assert isinstance(err.value, OfframpError) and isinstance(err.value, ValueError)


def test_explain_defaults_to_the_one_default_concept_for_every_dm(scenario):
    found = scenario.explain(4)
    assert [e.dm for e in found] == scenario.spec.dm_names
    assert {e.concept for e in found} == {DEFAULT_CONCEPT}
    assert all(e.to_dict()["state"] == 4 for e in found)


def test_state_ids_are_the_outputs_ids(scenario):
    result = scenario.stability()
    for state in result.to_dict()["states"]:
        for dm in scenario.spec.dm_names:
            e = scenario.explain(state["id"], dm, "nash")
            assert e.to_dict()["state"] == state["id"]
            assert e.stable == result.is_stable(state["id"], dm, "nash")


def test_is_stable_checks_its_arguments(scenario):
    result = scenario.stability()
    with pytest.raises(InputError, match="does not exist"):
        result.is_stable(5, "Row", "nash")
    with pytest.raises(InputError, match="unknown decision maker"):
        result.is_stable(1, "Nobody", "nash")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["explain", "999"], "state 999 does not exist: this conflict has states 1 to 4"),
        (["explain", "1", "--dm", "US"], "unknown decision maker 'US'"),
        (["explain", "1", "--concept", "nsah"], "unknown solution concept 'nsah'"),
    ],
)
def test_cli_says_the_same(capsys, tmp_path, args, needle):
    path = tmp_path / "pd.yaml"
    from offramp.scenarios import builtin_text

    path.write_text(builtin_text(PD), encoding="utf-8")
    outcome = invoke(capsys, *args[:2], str(path), *args[2:])
    assert outcome.code == 2
    assert needle in outcome.err
    assert "Traceback" not in outcome.err


def test_unknown_question_and_variant(scenario):
    sc = offramp.default()
    with pytest.raises(InputError, match="no question 'nope'"):
        sc.threshold("nope")
    with pytest.raises(InputError, match="no variant 'nope'"):
        sc.variant("nope")
