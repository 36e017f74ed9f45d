"""The batched evaluation (a batch axis over samples) against the per-sample engine: identical
equilibria, settling shares, verdicts and forecasts, on random conflicts and random score
profiles (with many ties), on the built-in scenario's sampled inputs, and through Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import offramp
from offramp.analysis.template import ConflictTemplate, batch_dense_ranks
from offramp.conflict.model import dense_ranks
from offramp.uncertainty.sampling import InputSpace
from tests import strategies
from tests.sampling import SIZES, run_property

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _template(data: dict) -> ConflictTemplate:
    return ConflictTemplate(offramp.from_dict(data).spec, forecast_models=())


@pytest.mark.parametrize("size", SIZES)
def test_batch_equals_one_sample_at_a_time(size):
    run_property(
        size,
        _batch_equals_one_sample_at_a_time,
        strategies.scenarios(),
        st.integers(0, 2**32 - 1),
        st.integers(1, 4),
        max_examples=60,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _batch_equals_one_sample_at_a_time(data, seed, levels):
    template = _template(data)
    n, size = len(template.scenario.dm_names), template.base.n_states
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, levels + 1, size=(7, n, size)).astype(np.float64)
    assert_batch_equals_samples(template, scores)


def assert_batch_equals_samples(template, scores) -> None:
    """The batched evaluation of ``scores`` (batch, DMs, states) equals evaluating each
    profile on its own: equilibria, where it settles, verdicts."""
    batch = template.evaluate_batch(scores)
    for b in range(len(scores)):
        one = template.evaluate(scores[b])
        assert np.array_equal(batch.equilibria[b], one.equilibria)
        assert np.array_equal(batch.settles[b], one.settles)
        assert np.array_equal(batch.verdicts[b], one.verdicts)


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 3), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_batch_dense_ranks(batch, n, size, seed):
    rng = np.random.default_rng(seed)
    scores = rng.integers(-3, 4, size=(batch, n, size)) / 2.0
    got = batch_dense_ranks(scores)
    for b in range(batch):
        assert np.array_equal(got[b], dense_ranks(scores[b]))


def test_builtin_scenario_rows_equal_per_sample_rows():
    scenario = offramp.default()
    template = ConflictTemplate(scenario.spec)
    space = InputSpace.of(scenario.spec)
    rows = np.concatenate([space.draw_block(11, b, 40) for b in range(3)])
    batch = template.evaluate_rows(rows, space)
    fresh = ConflictTemplate(scenario.spec)  # no cache shared with the batch
    for b, row in enumerate(rows):
        one = fresh.evaluate_row(row, space)
        assert np.array_equal(batch.equilibria[b], one.equilibria)
        assert np.array_equal(batch.settles[b], one.settles)
        assert np.array_equal(batch.verdicts[b], one.verdicts)
        assert np.array_equal(batch.forecasts[b], one.forecasts)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(-1e6, 1e6, allow_nan=False),
            st.integers(-1000, 1000).map(lambda k: k / 10),
            st.integers(-(10**6), 10**6).map(lambda k: k / 1000),
            st.sampled_from([0.1, 0.2, 0.3, 1e7, 1.6e-15, 2e-16, 0.0, -0.0, 1e15, 3e18]),
        ),
        min_size=0,
        max_size=8,
    )
)
def test_exact_weights_are_the_written_values_scaled(values):
    """The one exact-weight rule against the definition: integers proportional to each
    float's shortest repr read as an exact fraction (fractions.Fraction), or None when their
    common denominator or their sum does not fit."""
    from fractions import Fraction

    from offramp.scenario.compile import exact_weights

    fracs = [Fraction(repr(float(v))) for v in values]
    lcd = math.lcm(1, *(f.denominator for f in fracs))
    ints = [int(f * lcd) for f in fracs]
    fits = lcd <= 10**15 and sum(abs(i) for i in ints) < 2**62
    got = exact_weights(values)
    assert (got is not None) == fits
    if got is not None:
        assert got.tolist() == ints


def test_threshold_grid_in_one_batch_equals_one_value_at_a_time():
    from offramp.analysis.sweeps import _Criterion
    from offramp.scenario.spec import default_range

    scenario = offramp.default()
    checked = 0
    for q in scenario.spec.questions:
        name = q.parameter or next(iter(scenario.spec.parameters), None)
        if name is None:
            continue
        criterion = _Criterion(scenario.spec, q, name)
        lo, hi = q.search_range or default_range(scenario.spec.parameters[name])
        xs = np.linspace(lo - 1, hi + 1, 33)
        assert criterion.batch(xs) == [criterion(float(x)) for x in xs]
        checked += 1
    assert checked


def test_a_concept_written_for_one_sample_falls_back_to_the_engine(monkeypatch):
    """A concept whose test reaches past the DMView interface (here: the model) is evaluated
    sample by sample, with the engine's answers."""
    from dataclasses import replace

    from offramp.conflict.batch import BatchConflict
    from offramp.conflict.concepts import REGISTRY

    gmr = REGISTRY["gmr"]
    odd = replace(gmr, key="odd", stable=lambda view: view.model.ranks[view.dm] >= 0)
    monkeypatch.setitem(REGISTRY, "odd", odd)
    template = ConflictTemplate(offramp.default().spec, forecast_models=())
    batch = BatchConflict(template.base)
    rng = np.random.default_rng(5)
    n, size = template.base.n_dms, template.base.n_states
    ranks = batch_dense_ranks(rng.integers(0, 5, size=(4, n, size)).astype(float))
    got = batch.stability(ranks, [odd, gmr])
    assert got["odd"].all()
    for b in range(4):
        assert np.array_equal(got["gmr"][b], batch._one(ranks[b], [gmr])["gmr"])
