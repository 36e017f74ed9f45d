"""bdm against the published ten-member EC emission-standards trajectory."""

from __future__ import annotations

import csv
import dataclasses

import numpy as np
import pytest

from offramp.bargaining import BargainingProblem
from offramp.bargaining.bdm import REFERENCE_CODE, BDMSpec, bdm, probabilities

from .conftest import BDM


@pytest.fixture(scope="module")
def case() -> BargainingProblem:
    rows = list(csv.DictReader((BDM / "bdm1994_emission_standards.csv").open()))
    return BargainingProblem(
        actors=[r["Actor"] for r in rows],
        dimensions=["year"],
        capabilities=[float(r["Capability"]) for r in rows],
        positions=[[float(r["Position"])] for r in rows],
        saliences=[[float(r["Salience"])] for r in rows],
    )


@pytest.fixture(scope="module")
def reference(case: BargainingProblem) -> dict[str, np.ndarray]:
    rows = list(csv.DictReader((BDM / "emission_standards.trajectory.csv").open()))
    rounds = 1 + max(int(r["round"]) for r in rows)
    pos = np.empty((rounds, case.n_actors))
    risk = np.empty((rounds, case.n_actors))
    med = np.empty(rounds)
    for r in rows:
        t, i = int(r["round"]), case.actors.index(r["actor"])
        pos[t, i] = float(r["position"])
        risk[t, i] = float(r["risk_exponent_used_this_round"])
        med[t] = float(r["weighted_median"])
    return {"positions": pos, "risk": risk, "median": med}


def _run(case: BargainingProblem, spec: BDMSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fc = bdm(case, rounds=10, spec=spec)
    pos = np.array([r[:, 0] for r in fc.rounds])
    risk = np.array(fc.details["risk_exponents_by_round"])[:, :, 0]
    med = np.array(fc.details["weighted_median_by_round"][0])
    return pos, risk, med


def test_reference_choices_reproduce_the_trajectory(case, reference) -> None:
    pos, risk, med = _run(case, REFERENCE_CODE)
    assert np.max(np.abs(pos - reference["positions"])) < 1e-5
    assert np.max(np.abs(risk - reference["risk"])) < 1e-5
    assert np.max(np.abs(med - reference["median"])) < 1e-5


def test_default_follows_reference_until_the_compromise_choice(case, reference) -> None:
    """offramp's default departs from round 4 on, and only because of compromise_choice."""
    pos, risk, _ = _run(case, BDMSpec())
    assert np.max(np.abs(pos[:4] - reference["positions"][:4])) < 1e-5
    assert np.max(np.abs(risk[:5] - reference["risk"][:5])) < 1e-5
    assert np.max(np.abs(pos[4] - reference["positions"][4])) > 1.0
    only_choice = dataclasses.replace(BDMSpec(), compromise_choice="scholz_code")
    pos2, _, _ = _run(case, only_choice)
    assert np.max(np.abs(pos2 - reference["positions"])) < 1e-5


def test_capitulation_can_fire_when_enabled() -> None:
    """An actor that would lose more by challenging than the proposer gains (b > 0 > a,
    b <= |a|) and gets no other offer capitulates, unless the reference defect is kept."""
    problem = BargainingProblem(
        actors=["a", "b", "c"],
        dimensions=["x"],
        capabilities=[0.63, 0.41, 1.0],
        positions=[[100.0], [60.0], [60.0]],
        saliences=[[1.0], [0.7], [0.7]],
    )
    kinds = {
        spec.capitulation: [
            o["kind"]
            for rnd in bdm(problem, rounds=1, spec=spec).details["accepted_offers"][0]
            for o in rnd
        ]
        for spec in (BDMSpec(), dataclasses.replace(BDMSpec(), capitulation=False))
    }
    assert "capitulation" in kinds[True]
    assert "capitulation" not in kinds[False]


def test_pairwise_probabilities_are_complementary(case) -> None:
    x = case.positions[:, 0]
    w = case.capabilities * case.saliences[:, 0]
    p = probabilities(x, w, np.ones_like(x), float(np.ptp(x)), BDMSpec(probability="pair"))
    differ = x[:, None] != x[None, :]
    assert np.allclose((p + p.T)[differ], 1.0)
