"""Nested evaluation: folds, no leak (by construction and by permutation), brute-force checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offramp.bargaining.deu import read_deu
from offramp.bargaining.evaluation import (
    Dataset,
    Fitted,
    GridFamily,
    Selection,
    StackFamily,
    bootstrap_difference,
    calibrate,
    candidate_families,
    cross_validate,
    grouped_folds,
    in_sample,
)
from offramp.bargaining.power_mean import PowerMean
from offramp.bargaining.registry import REGISTRY

from .conftest import DEU


@pytest.fixture(scope="module")
def data() -> Dataset:
    return Dataset.from_issues(read_deu(DEU).issues)


def reduced_families() -> list:
    """The test configuration: cheap families, a small grid, one stack (the script runs all)."""
    comp, med = GridFamily(REGISTRY["compromise"]), GridFamily(REGISTRY["median"])
    pm = GridFamily(PowerMean(), {"alpha": (0.0, 0.5, 1.0), "beta": (0.0, 1.0)})
    return [comp, med, pm, StackFamily([comp, med, pm])]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=40), st.integers(2, 12))
def test_grouped_folds_partition_without_splitting_a_group(groups, k) -> None:
    g = np.array(groups)
    folds = grouped_folds(g, k)
    assert len(folds) == min(k, len(set(groups)))
    assert np.array_equal(np.sum(folds, axis=0), np.ones(len(g)))  # a partition
    for f in folds:
        assert f.any()
        assert not set(g[f]) & set(g[~f])  # no group on both sides
    assert len(grouped_folds(g)) == len(set(groups))


class Spy:
    """Wraps a family; records every training set it is fitted on."""

    def __init__(self, family, seen: list) -> None:
        self.family, self.seen, self.label = family, seen, family.label

    def fit(self, data: Dataset, train: np.ndarray) -> Fitted:
        self.seen.append(train.copy())
        return self.family.fit(data, train)


def test_no_fit_ever_sees_a_held_out_proposal(data) -> None:
    seen: list = []
    comp, med = GridFamily(REGISTRY["compromise"]), GridFamily(REGISTRY["median"])
    pm = GridFamily(PowerMean(), {"alpha": (0.0, 0.5, 1.0), "beta": (0.0, 1.0)})
    bases = [Spy(f, seen) for f in (comp, med, pm)]
    families = [*bases, Spy(StackFamily(bases), seen)]
    outer = grouped_folds(data.groups, 5)
    marks = []

    class Marker:
        """Notes where each outer fold's fits start in ``seen``."""

        label = "selection"

        def fit(self, d: Dataset, train: np.ndarray) -> Fitted:
            marks.append(len(seen))
            return Selection(families, inner_folds=3).fit(d, train)

    cv = cross_validate(Marker(), data, folds=5)
    marks.append(len(seen))
    assert len(marks) == 6 and len(seen) > 5 * 4 * 3
    for k, test in enumerate(outer):
        for train in seen[marks[k] : marks[k + 1]]:
            assert not np.any(train & test)  # nothing of the held-out fold, ever
    assert np.isfinite(cv.mae)


@pytest.mark.slow  # a nested CV on permuted data
def test_permuted_outcomes_nested_cv_does_not_beat_chance(data) -> None:
    """With outcomes shuffled, no forecaster can beat an untrained one except by leaking. The
    default's whole choice (every candidate family; 5 outer and 3 inner folds, to stay fast)
    must not beat the compromise model (fixed, nothing fitted) by more than chance allows (two
    standard errors over 12 permutations); the same choice fitted on the scored proposals
    does, which shows the test can fail. On the real outcomes the nested choice does beat it."""
    sel = Selection(candidate_families(), inner_folds=3)

    class Leaky:
        label = "leaky"

        def fit(self, d: Dataset, train: np.ndarray) -> Fitted:
            return sel.fit(d, np.ones(len(d), dtype=bool))

    rng = np.random.default_rng(2024)
    honest, leaky = [], []
    comp = data.predictions_of("compromise")
    for _ in range(12):
        y = rng.permutation(data.outcomes)
        d = data.with_outcomes(y)
        chance = float(np.mean(np.abs(comp - y)))
        honest.append(cross_validate(sel, d, folds=5).mae - chance)
        leaky.append(cross_validate(Leaky(), d, folds=5).mae - chance)
    se = np.std(honest, ddof=1) / np.sqrt(len(honest))
    assert np.mean(honest) > -2 * se, honest
    se_leaky = np.std(leaky, ddof=1) / np.sqrt(len(leaky))
    assert np.mean(leaky) < -2 * se_leaky and np.mean(leaky) < np.mean(honest) - 0.5, leaky
    real = cross_validate(sel, data, folds=5).mae
    assert real < float(np.mean(np.abs(comp - data.outcomes)))


def brute_lopo_grid(issues, model, grid_values):
    """Leave one proposal out for a (alpha, beta) grid, straight from the definition:
    score every candidate by forecasting every training issue, keep the best, forecast the
    held-out proposal's issues."""
    scored = [x for x in issues if x.outcome is not None]
    preds = {}
    for prop in dict.fromkeys(x.proposal for x in scored):
        train = [x for x in scored if x.proposal != prop]
        best, best_err = None, np.inf
        for a in grid_values:
            for b in grid_values:
                m = model.set_params(alpha=a, beta=b)
                err = np.mean([abs(m.forecast(x.problem).forecast[0] - x.outcome) for x in train])
                if err < best_err - 1e-12:
                    best, best_err = m, err
        for x in scored:
            if x.proposal == prop:
                preds[x.issue] = float(best.forecast(x.problem).forecast[0])
    return np.mean([abs(preds[x.issue] - x.outcome) for x in scored])


def test_grid_cross_validation_matches_brute_force(data) -> None:
    subset = [x for x in data.issues if x.proposal < "d00300"]
    d = Dataset.from_issues(subset)
    grid = (0.0, 0.5, 1.0)
    fast = cross_validate(GridFamily(PowerMean(), {"alpha": grid, "beta": grid}), d)
    assert fast.mae == pytest.approx(brute_lopo_grid(subset, PowerMean(), grid), abs=1e-9)


def test_in_sample_of_a_family_is_its_best_grid_point(data) -> None:
    fam = GridFamily(PowerMean(), {"alpha": (0.0, 0.5, 1.0), "beta": (0.0, 1.0)})
    fitted, mae = in_sample(fam, data)
    errs = [np.mean(np.abs(data.predictions(m) - data.outcomes)) for m in fam.candidates]
    assert mae == pytest.approx(min(errs))
    assert fitted.model == fam.candidates[int(np.argmin(errs))]


def test_bootstrap_matches_a_plain_resampling_loop() -> None:
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(8), 3)[:-2]
    a, b = rng.uniform(0, 50, len(groups)), rng.uniform(0, 50, len(groups))
    diff = bootstrap_difference(a, b, groups, replicates=500, seed=7)
    # the same draws, written as the definition: pick proposals with replacement, pool issues
    pick = np.random.default_rng(7).integers(0, 8, size=(500, 8))
    reps = []
    for row in pick:
        idx = np.concatenate([np.flatnonzero(groups == g) for g in row])
        reps.append(np.mean(a[idx] - b[idx]))
    assert diff.mean == pytest.approx(np.mean(a - b))
    assert [diff.low, diff.high] == pytest.approx(np.quantile(reps, [0.025, 0.975]))
    assert diff.share_better == pytest.approx(np.mean(np.array(reps) < 0))
    same = bootstrap_difference(a, a, groups)
    assert (same.mean, same.low, same.high) == (0.0, 0.0, 0.0)


def test_interval_coverage_is_scored_on_held_out_proposals(data) -> None:
    cv = cross_validate(GridFamily(REGISTRY["compromise"]), data, folds=5)
    assert np.all(cv.half_widths > 0)
    inside = np.abs(cv.predictions - data.outcomes) <= cv.half_widths
    assert cv.coverage == pytest.approx(np.mean(inside))
    # each fold's half-width comes from the other folds' errors only
    for test in grouped_folds(data.groups, 5):
        res = np.abs(cv.predictions[~test] - data.outcomes[~test])
        assert np.all(cv.half_widths[test] == pytest.approx(np.quantile(res, 0.8)))


def test_calibrate_any_model_on_any_grid(data) -> None:
    model, mae = calibrate(PowerMean(), data.issues, {"alpha": (0.0, 1.0), "beta": (1.0,)})
    assert model == PowerMean(alpha=1.0, beta=1.0)  # that is the compromise model
    assert mae == pytest.approx(np.mean(np.abs(data.predictions_of("compromise") - data.outcomes)))
    nash, _ = calibrate(REGISTRY["nash"], data.issues)
    assert nash == REGISTRY["nash"]


def test_selection_with_a_single_training_proposal(data) -> None:
    import warnings

    few = Dataset.from_issues(
        [x for x in data.issues if x.proposal in {"d00032", "d00062", "d00184"}]
    )
    assert few.n_groups == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cv = cross_validate(Selection(reduced_families(), inner_folds=5), few, folds=2)
    assert np.isfinite(cv.mae)


def test_the_shipped_choice_never_fits_on_a_held_out_proposal(data, monkeypatch) -> None:
    """The real configuration of the default (every candidate family, the stacks' bases
    included): every fit of every family, recorded at the class level, avoids the outer fold
    being scored."""
    from offramp.bargaining.evaluation import family_for

    seen: list = []
    for cls in (GridFamily, StackFamily):
        original = cls.fit

        def spy(self, d, train, original=original):  # type: ignore[no-untyped-def]
            seen.append(train.copy())
            return original(self, d, train)

        monkeypatch.setattr(cls, "fit", spy)
    outer = grouped_folds(data.groups, 4)
    starts = []
    sel = family_for("offramp")

    class Marker:
        label = "offramp"

        def fit(self, d: Dataset, train: np.ndarray) -> Fitted:
            starts.append(len(seen))
            return sel.fit(d, train)

    cv = cross_validate(Marker(), data, folds=4)
    starts.append(len(seen))
    for k, test in enumerate(outer):
        chunk = seen[starts[k] : starts[k + 1]]
        assert len(chunk) > len(sel.families) * 5  # inner folds, refit, stack bases
        assert not any(np.any(train & test) for train in chunk)
    assert np.isfinite(cv.mae)
