"""Every registered model follows the one protocol, and every list of models is the registry."""

from __future__ import annotations

import dataclasses
import importlib
import itertools

import numpy as np
import pytest
from hypothesis import given, settings

from offramp.bargaining import BargainingInputError, forecast
from offramp.bargaining.power_mean import PowerMean
from offramp.bargaining.protocol import BargainingModel, params_json
from offramp.bargaining.registry import (
    DEFAULT_CHOICE,
    DEFAULT_MODEL,
    MODEL_TYPES,
    REGISTRY,
    default_model_info,
)

from .test_bargaining_properties import problems


def test_registry_is_the_one_list() -> None:
    assert list(REGISTRY) == [t.name for t in MODEL_TYPES]
    assert len(set(REGISTRY)) == len(MODEL_TYPES)
    assert DEFAULT_MODEL == DEFAULT_CHOICE.name in REGISTRY
    for name, model in REGISTRY.items():
        assert isinstance(model, BargainingModel)
        assert model.name == name
        assert model == type(model)()  # registered with the class's defaults


@pytest.mark.parametrize("name", list(REGISTRY))
def test_model_metadata_and_reference_in_docstring(name: str) -> None:
    model = REGISTRY[name]
    assert model.description and model.reference
    doc = importlib.import_module(type(model).__module__).__doc__ or ""
    assert "References" in doc
    first_author = model.reference.split(",")[0].split(" (")[0].split(" &")[0]
    assert first_author in doc, (name, first_author)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_params_round_trip_and_immutability(name: str) -> None:
    model = REGISTRY[name]
    params = model.get_params()
    assert model.set_params(**params) == model
    assert params_json(model) is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.name_that_does_not_exist = 1  # type: ignore[attr-defined]
    with pytest.raises(BargainingInputError, match="has no parameter 'nope'"):
        model.set_params(nope=1)
    for key, values in model.param_grid.items():
        assert key in params
        changed = model.set_params(**{key: values[-1]})
        assert changed.get_params()[key] == values[-1]
        assert model.get_params()[key] == params[key]  # the original is unchanged


@pytest.mark.parametrize("name", list(REGISTRY))
def test_candidates_cover_the_grid(name: str) -> None:
    model = REGISTRY[name]
    cands = model.candidates()
    sizes = [len(v) for v in model.param_grid.values()]
    assert len(cands) == (int(np.prod(sizes)) if sizes else 1)
    assert len(set(cands)) == len(cands)
    keys = list(model.param_grid)
    for cand, values in zip(cands, itertools.product(*model.param_grid.values()), strict=False):
        assert tuple(cand.get_params()[k] for k in keys) == values


@settings(max_examples=20, deadline=None)
@given(problems(max_actors=5))
def test_predict_is_the_forecast(problem) -> None:
    for name, model in REGISTRY.items():
        if name in ("bdm", "smp"):
            continue  # their forecast is the only path; covered by the reference tests
        assert np.allclose(model.predict(problem), model.forecast(problem).forecast, equal_nan=True)
        assert model(problem).model == name


@settings(max_examples=30, deadline=None)
@given(problems())
def test_power_mean_grid_equals_one_by_one(problem) -> None:
    cands = PowerMean().candidates()
    grid = PowerMean.predict_grid(problem, cands)
    one = np.stack([m.predict(problem) for m in cands])
    assert np.allclose(grid, one, rtol=0, atol=1e-9)


def test_unknown_model_is_offramps_error() -> None:
    with pytest.raises(BargainingInputError, match="unknown model 'nope'; choose one of offramp"):
        forecast(None, "nope")  # type: ignore[arg-type]


def test_labels_name_the_changed_parameters() -> None:
    assert REGISTRY["compromise"].label() == "compromise"
    assert PowerMean(alpha=1.0).label() == "power-mean(alpha=1)"


def test_default_model_info_is_plain_data() -> None:
    info = default_model_info()
    assert info["name"] == DEFAULT_MODEL
    assert info["description"] == REGISTRY[DEFAULT_MODEL].description
    assert info["nested_cv_mae"] < info["compromise_nested_cv_mae"]
    assert info["decided_by"] == "scripts/choose_default_model.py"
    assert info["parameters"] == params_json(REGISTRY[DEFAULT_MODEL])


@settings(max_examples=15, deadline=None)
@given(problems(max_actors=4))
def test_every_forecast_carries_its_interval(problem) -> None:

    for name in REGISTRY:
        if name in ("bdm", "smp"):
            continue
        fc = forecast(problem, name)
        lo, hi = fc.interval
        h = REGISTRY[name].interval_half_width
        assert np.allclose(lo, np.clip(fc.forecast - h, 0, 100))
        assert np.allclose(hi, np.clip(fc.forecast + h, 0, 100))
        assert fc.to_json()["interval"]["level"] == 0.8


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("power-mean", {"alpha": "x"}, "parameter alpha must be a finite number, got 'x'"),
        ("power-mean", {"beta": float("nan")}, "parameter beta must be a finite number"),
        ("bdm", {"rounds": -1}, "parameter rounds must be a whole number >= 0"),
        ("smp", {"max_turns": 2.5}, "parameter max_turns must be a whole number >= 0"),
        ("nash", {"veto": "sometimes"}, "veto must be one of"),
        ("agenda", {"setter": 3}, "parameter setter must be a string"),
    ],
)
def test_bad_parameters_raise_offramps_error(name, params, message) -> None:
    with pytest.raises(BargainingInputError, match=message.replace("(", r"\(")):
        REGISTRY[name].set_params(**params)
