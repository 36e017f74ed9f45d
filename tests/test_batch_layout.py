"""Both layouts of a DM's moves in the batched engine (a padded table, or segments of the pair
list for uneven degrees) give the per-sample engine's answers, on random conflicts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import offramp
import offramp.conflict.batch as batch_module
from offramp.analysis.template import ConflictTemplate
from tests import strategies
from tests.sampling import SIZES, examples
from tests.test_batch import assert_batch_equals_samples


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("pad_factor", [0, 10**9])
def test_each_layout_equals_one_sample_at_a_time(pad_factor, size, monkeypatch):
    monkeypatch.setattr(batch_module, "PAD_FACTOR", pad_factor)

    @settings(
        max_examples=examples(size, 40),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(strategies.scenarios(), st.integers(0, 2**32 - 1), st.integers(1, 4))
    def check(data, seed, levels):
        template = ConflictTemplate(offramp.from_dict(data).spec, forecast_models=())
        if template._batch is None:
            return
        tables = [p.out_table is not None for p in template._batch.pairs if len(p.src)]
        assert all(tables) if pad_factor else not any(tables)  # (a DM without moves: a table)
        n, size = len(template.scenario.dm_names), template.base.n_states
        rng = np.random.default_rng(seed)
        scores = rng.integers(0, levels + 1, size=(9, n, size)).astype(np.float64)
        assert_batch_equals_samples(template, scores)

    check()


def test_the_table_pads_with_the_state_itself():
    """Every column lists exactly the state's targets, then the state itself."""
    from offramp.conflict.batch import DMPairs

    scenario = offramp.default()
    for dm in range(len(scenario.spec.dm_names)):
        p = DMPairs.of(scenario.conflict, dm)
        assert p.out_table is not None
        for s in range(scenario.conflict.n_states):
            targets = sorted(p.dst[p.src == s].tolist())
            column = p.out_table[:, s].tolist()
            assert sorted(t for t in column if t != s) == targets
            assert column[len(targets) :] == [s] * (len(column) - len(targets))
            sources = sorted(p.src[p.dst == s].tolist())
            assert sorted(t for t in p.in_table[:, s].tolist() if t != s) == sources
