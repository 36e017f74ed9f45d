"""The engine against the textbook results shipped in ../shared/data/conflicts."""

from __future__ import annotations

import json

import pytest

import offramp
from tests.conftest import REFERENCE

CASES = ["prisoners_dilemma", "chicken", "elmira"]


@pytest.mark.parametrize("case", CASES)
def test_matches_expected(case: str) -> None:
    scenario = offramp.load(REFERENCE / "conflicts" / f"{case}.yaml")
    expected = json.loads((REFERENCE / "conflicts" / f"{case}.expected.json").read_text())
    assert scenario.stability().by_taken() == expected


def test_prisoners_dilemma_contract_json() -> None:
    """The contract's example output, to the letter (ids follow the declaration order)."""
    result = offramp.load(REFERENCE / "conflicts" / "prisoners_dilemma.yaml").stability()
    assert result.to_dict() == {
        "scenario": "Prisoner's dilemma",
        "decision_makers": ["Row", "Col"],
        "states": [
            {"id": 1, "taken": []},
            {"id": 2, "taken": ["Row.defect"]},
            {"id": 3, "taken": ["Col.defect"]},
            {"id": 4, "taken": ["Row.defect", "Col.defect"]},
        ],
        "stable": {
            "nash": {"Row": [2, 4], "Col": [3, 4]},
            "gmr": {"Row": [1, 2, 4], "Col": [1, 3, 4]},
            "smr": {"Row": [1, 2, 4], "Col": [1, 3, 4]},
            "seq": {"Row": [1, 2, 4], "Col": [1, 3, 4]},
        },
        "equilibria": {"nash": [4], "gmr": [1, 4], "smr": [1, 4], "seq": [1, 4]},
    }


@pytest.mark.parametrize("case", CASES)
def test_builtin_copies_match_shared(case: str) -> None:
    """The examples embedded in the package give the same results as the shared originals."""
    builtin = offramp.get_builtin(case.replace("_", "-")).stability().by_taken()
    expected = json.loads((REFERENCE / "conflicts" / f"{case}.expected.json").read_text())
    assert builtin == expected


def test_model_from_arrays_for_api_users() -> None:
    """A notebook user can skip the file format: options per DM, feasible codes, scores."""
    import numpy as np

    from offramp.conflict import ConflictModel, compute_stability

    # prisoner's dilemma: bit 0 = Row defects, bit 1 = Col defects; T > R > P > S
    codes = np.array([0, 1, 2, 3])
    scores = np.array([[3, 4, 1, 2], [3, 1, 4, 2]])
    model = ConflictModel.from_ranks([["defect"], ["defect"]], ["Row", "Col"], codes, scores)
    expected = offramp.load(REFERENCE / "conflicts" / "prisoners_dilemma.yaml")
    assert (
        compute_stability(model).to_dict()["equilibria"]
        == expected.stability().to_dict()["equilibria"]
    )
