"""The default forecaster and the recorded figures are what the nested evaluation gives.

This reruns, on deu3-dev, the choice that ``scripts/choose_default_model.py`` made (without the
slow process models bdm and smp: the script shows they do not change the choice, and their
nested-CV MAE is 3 to 8 points worse than the compromise model's), and checks the constants
pasted from it: if a model, a grid or the data change, these tests say which constant to
re-record.
"""

from __future__ import annotations

import numpy as np
import pytest

from offramp.bargaining.default_forecaster import CHOSEN
from offramp.bargaining.deu import read_deu
from offramp.bargaining.evaluation import (
    Dataset,
    GridFamily,
    candidate_families,
    cross_validate,
    family_for,
    in_sample,
)
from offramp.bargaining.registry import DEFAULT_CHOICE, REGISTRY

from .conftest import DEU


@pytest.fixture(scope="module")
def data() -> Dataset:
    return Dataset.from_issues(read_deu(DEU).issues)


@pytest.fixture(scope="module")
def nested(data):
    """Leave-one-proposal-out nested CV of the whole choice (about 4 s)."""
    return cross_validate(family_for("offramp"), data)


def test_the_choice_refitted_on_the_file_is_the_shipped_default(data) -> None:
    sel = family_for("offramp")
    fitted = sel.fit(data, np.ones(len(data), dtype=bool))
    assert fitted.model.label() == CHOSEN.label()
    assert fitted.model.get_params()["bases"] == CHOSEN.get_params()["bases"]
    assert fitted.model.get_params()["weights"] == pytest.approx(
        CHOSEN.get_params()["weights"], abs=1e-9
    )
    assert REGISTRY["offramp"].model == CHOSEN


def test_recorded_nested_scores(data, nested) -> None:
    assert nested.mae == pytest.approx(DEFAULT_CHOICE.nested_cv_mae, abs=5e-5)
    comp = cross_validate(family_for("compromise"), data)
    assert comp.mae == pytest.approx(DEFAULT_CHOICE.compromise_nested_cv_mae, abs=5e-5)


@pytest.mark.parametrize("name", [n for n in REGISTRY if n not in ("offramp", "bdm", "smp")])
def test_registered_parameters_are_the_fit_on_the_dev_file(data, name) -> None:
    fitted, _ = in_sample(GridFamily(REGISTRY[name]), data)
    assert fitted.model == REGISTRY[name]


def test_recorded_interval_half_widths(data, nested) -> None:
    half_width = {name: m.interval_half_width for name, m in REGISTRY.items()}
    assert half_width["offramp"] == pytest.approx(np.quantile(nested.errors, 0.8), abs=0.005)
    for fam in candidate_families():
        if half_width.get(fam.label) is not None:
            cv = cross_validate(fam, data)
            assert half_width[fam.label] == pytest.approx(np.quantile(cv.errors, 0.8), abs=0.005), (
                fam.label
            )
    assert all(h is not None for h in half_width.values())
