"""Scores on the DEU III development file: the published baselines, and the calibration."""

from __future__ import annotations

import numpy as np
import pytest

from offramp.bargaining.deu import read_deu, score
from offramp.bargaining.evaluation import Dataset, GridFamily, in_sample
from offramp.bargaining.power_mean import DEFAULT_ALPHA, DEFAULT_BETA, PowerMean
from offramp.bargaining.registry import REGISTRY

from .conftest import DEU


@pytest.fixture(scope="module")
def data():
    return read_deu(DEU)


def test_file_has_the_documented_number_of_scored_issues(data) -> None:
    assert len(data.scored()) == 180
    assert data.actors[:3] == ["com", "ep", "at"]
    assert len({x.proposal for x in data.scored()}) == 68


def test_procedure_reaches_the_problem(data) -> None:
    procs = {x.problem.procedure for x in data.scored()}
    assert procs == {"COD", "CNS"}
    assert all(x.problem.procedure == x.procedure for x in data.issues)


def test_weighted_mean_baseline(data) -> None:
    result = score("compromise", REGISTRY["compromise"], data.issues)
    assert len(result.predictions) == 180
    assert result.mae == pytest.approx(20.5, abs=0.05)


def test_weighted_median_baseline(data) -> None:
    result = score("median", REGISTRY["median"], data.issues)
    assert result.mae == pytest.approx(24.4, abs=0.05)


def test_power_mean_defaults_are_the_full_file_calibration(data) -> None:
    ds = Dataset.from_issues(data.issues)
    fitted, mae = in_sample(GridFamily(PowerMean()), ds)
    assert fitted.model == PowerMean(alpha=DEFAULT_ALPHA, beta=DEFAULT_BETA)
    assert mae == pytest.approx(score("power-mean", REGISTRY["power-mean"], data.issues).mae)
    assert mae == pytest.approx(19.64, abs=0.005)


def test_every_model_scores_every_issue(data) -> None:
    subset = data.scored()[:12]
    for name, fn in REGISTRY.items():
        result = score(name, fn, subset)
        assert len(result.predictions) == 12
        assert all(0.0 <= p["predicted"] <= 100.0 for p in result.predictions), name
        assert np.isfinite(result.mae)


def test_capability_schemes_change_the_weights() -> None:
    gdp = read_deu(DEU, capability="gdp").issues[0].problem.capabilities
    votes = read_deu(DEU, capability="votes").issues[0].problem.capabilities
    equal = read_deu(DEU, capability="equal").issues[0].problem.capabilities
    assert np.all(equal == 1.0)
    assert max(gdp) == pytest.approx(1.0) and max(votes) == pytest.approx(1.0)
    assert not np.allclose(gdp, votes)
