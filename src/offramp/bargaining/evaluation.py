"""Calibration and cross-validation, generic over bargaining models, grouped by proposal.

Scoring a forecaster on the data it was tuned on flatters it; so does choosing, among many
ideas, the one that scored best on the file it is then scored on. This module follows the
scikit-learn discipline of nested evaluation (Cawley & Talbot 2010; Varma & Simon 2006):

- a **family** is a way to get a forecaster from training data: a model and a grid of its
  parameters (`GridFamily`: the grid point with the lowest training MAE), a learned
  combination of models (`StackFamily`), or a choice among families (`Selection`: the family
  with the lowest *inner* cross-validated MAE on the training proposals, then refitted on all
  of them);
- `cross_validate` is the outer loop: the issues are split by proposal (leave one proposal out,
  or grouped k-fold), the family is fitted on the training proposals only and scored on the
  held-out ones. Issues of one law never straddle fitting and scoring: they share actors and
  bargaining, so splitting them would leak.

Every model's forecasts are computed once per issue and candidate (`Dataset.predictions`), since
a forecast does not depend on the training data; fitting a family is then an argmin or a small
linear programme over cached arrays, which keeps nested evaluation fast.

Forecast intervals: in each outer fold the 80% interval is the forecast ± the 80% quantile of
the fitted forecaster's absolute errors on the training proposals; coverage is the share of
held-out outcomes inside it.

References
----------
Varma, S. & Simon, R. (2006). Bias in error estimation when using cross-validation for model
selection. BMC Bioinformatics 7, 91.
Cawley, G. C. & Talbot, N. L. C. (2010). On over-fitting in model selection and subsequent
selection bias in performance evaluation. JMLR 11, 2079-2107.
Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall
(the percentile interval; here resampling proposals, the independent units).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from offramp.bargaining.deu import DEUIssue
from offramp.bargaining.power_mean import TENTH_GRID
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel, params_json
from offramp.bargaining.registry import REGISTRY, get_model
from offramp.bargaining.stacking import Stack, fit_weights

#: The interval level shown with every forecast and scored for coverage.
INTERVAL_LEVEL = 0.8


def proposal_problem(issues: Sequence[DEUIssue]) -> BargainingProblem:
    """The issues of one proposal as one problem with a dimension per issue.

    An actor without a position on an issue gets salience 0 there (and a position at that
    issue's mean, which no weighted model then sees).
    """
    actors = list(dict.fromkeys(a for x in issues for a in x.problem.actors))
    n, d = len(actors), len(issues)
    pos = np.empty((n, d))
    sal = np.zeros((n, d))
    cap = np.zeros(n)
    for k, x in enumerate(issues):
        p = x.problem
        pos[:, k] = np.mean(p.positions[:, 0])
        for i, a in enumerate(p.actors):
            j = actors.index(a)
            pos[j, k] = p.positions[i, 0]
            sal[j, k] = p.saliences[i, 0]
            cap[j] = p.capabilities[i]
    rp = np.array([np.nan if x.reference_point is None else x.reference_point for x in issues])
    first = issues[0].problem
    return BargainingProblem(
        actors=actors,
        dimensions=[x.issue for x in issues],
        capabilities=np.where(cap > 0, cap, 1.0),
        positions=pos,
        saliences=sal,
        name=issues[0].proposal,
        reference_point=rp,
        voting_rule=first.voting_rule,
        procedure=first.procedure,
    )


@dataclass
class Dataset:
    """The scored issues of a DEU file, their outcomes and proposal groups, with a cache of
    every model's forecasts."""

    issues: list[DEUIssue]
    outcomes: np.ndarray
    groups: np.ndarray
    _cache: dict[Any, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def from_issues(cls, issues: Sequence[DEUIssue]) -> Dataset:
        scored = [x for x in issues if x.outcome is not None]
        props = list(dict.fromkeys(x.proposal for x in scored))
        index = {p: k for k, p in enumerate(props)}
        return cls(
            issues=scored,
            outcomes=np.array([x.outcome for x in scored], dtype=float),
            groups=np.array([index[x.proposal] for x in scored], dtype=int),
        )

    def __len__(self) -> int:
        return len(self.issues)

    @property
    def n_groups(self) -> int:
        return int(self.groups.max()) + 1 if len(self.groups) else 0

    def with_outcomes(self, outcomes: np.ndarray) -> Dataset:
        """The same issues with other outcomes (forecasts are shared: they do not depend on
        outcomes). Used by the permutation test."""
        return Dataset(self.issues, np.asarray(outcomes, dtype=float), self.groups, self._cache)

    def cached(self, key: Any, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """``compute()`` once per ``key`` for this data set (forecasts never depend on the
        outcomes, so `with_outcomes` copies share the cache)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def predictions_of(self, name: str) -> np.ndarray:
        """Forecasts of the registered model ``name``."""
        return self.predictions(get_model(name))

    def predictions(self, model: BargainingModel) -> np.ndarray:
        """(n,) forecasts of ``model`` for every scored issue (cached)."""
        first: np.ndarray = self.predictions_many([model])[0]
        return first

    def predictions_many(self, models: Sequence[BargainingModel]) -> np.ndarray:
        """(len(models), n) forecasts, cached per model; models of one class that forecast
        issue by issue are computed together (`BargainingModel.predict_grid`)."""
        todo: dict[type[BargainingModel], list[BargainingModel]] = {}
        for m in dict.fromkeys(models):
            if m not in self._cache:
                todo.setdefault(type(m), []).append(m)
        means = np.array([np.mean(x.problem.positions) for x in self.issues])
        for kind, group in todo.items():
            if getattr(kind, "scope", "issue") == "proposal":
                out = np.empty((len(group), len(self)))
                for g in range(self.n_groups):
                    idx = np.flatnonzero(self.groups == g)
                    problem = proposal_problem([self.issues[i] for i in idx])
                    for j, m in enumerate(group):
                        out[j, idx] = m.predict(problem)
            else:
                out = np.stack(
                    [kind.predict_grid(x.problem, group)[:, 0] for x in self.issues], axis=1
                )
            # a model with nothing to say (no weight at all) forecasts the mean position
            out = np.where(np.isfinite(out), out, means[None, :])
            for j, m in enumerate(group):
                self._cache[m] = out[j]
        return np.stack([self._cache[m] for m in models])


@dataclass
class Fitted:
    """A family fitted on some training issues: the model it chose and its forecasts (n,)."""

    model: BargainingModel
    predictions: np.ndarray
    family: str = ""


class Family(Protocol):
    """A way to get a forecaster from training issues (see the module docstring)."""

    label: str

    def fit(self, data: Dataset, train: np.ndarray) -> Fitted: ...


def _mae(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.abs(pred - y))) if len(y) else float("nan")


@dataclass
class GridFamily:
    """A model and a grid of its parameters; fitting picks the lowest training MAE (the first
    in grid order on ties)."""

    model: BargainingModel
    grid: Mapping[str, Sequence[Any]] | None = None
    label: str = ""

    def __post_init__(self) -> None:
        self.candidates = self.model.candidates(self.grid)
        self.label = self.label or self.model.name

    def matrix(self, data: Dataset) -> np.ndarray:
        """(candidates, issues) forecasts, cached on ``data``."""
        return data.cached(
            ("grid", tuple(self.candidates)), lambda: data.predictions_many(self.candidates)
        )

    def fit(self, data: Dataset, train: np.ndarray) -> Fitted:
        p = self.matrix(data)
        err = np.mean(np.abs(p[:, train] - data.outcomes[train]), axis=1)
        j = int(np.argmin(err))
        return Fitted(self.candidates[j], p[j], self.label)


@dataclass
class StackFamily:
    """Stacking: each base family is fitted on the training issues, then convex weights over
    their training forecasts are fitted on the same issues (so no base parameter and no weight
    ever sees a held-out proposal)."""

    bases: Sequence[Family]
    label: str = "stack"

    def fit(self, data: Dataset, train: np.ndarray) -> Fitted:
        fits = [b.fit(data, train) for b in self.bases]
        p = np.stack([f.predictions for f in fits])
        w = fit_weights(p[:, train], data.outcomes[train])
        w = np.round(w, 4)
        w = w / np.sum(w)
        model = Stack(tuple(f.model for f in fits), tuple(float(v) for v in w))
        return Fitted(model, w @ p, self.label)


@dataclass
class Selection:
    """Choose among ``families`` by inner grouped cross-validation on the training issues, then
    refit the chosen one on all of them: the whole choice made without the scored proposals."""

    families: Sequence[Family]
    inner_folds: int = 5
    label: str = "selection"

    def inner_scores(self, data: Dataset, train: np.ndarray) -> dict[str, float]:
        """Inner cross-validated MAE of each family on the ``train`` issues only."""
        idx = np.flatnonzero(train)
        out = {}
        if len(np.unique(data.groups[idx])) < 2:
            # one training proposal: nothing to hold out inside; compare training errors
            for fam in self.families:
                out[fam.label] = _mae(fam.fit(data, train).predictions[idx], data.outcomes[idx])
            return out
        folds = grouped_folds(data.groups[idx], self.inner_folds)
        for fam in self.families:
            pred = np.empty(len(idx))
            for test in folds:
                inner = np.zeros(len(data), dtype=bool)
                inner[idx[~test]] = True
                pred[test] = fam.fit(data, inner).predictions[idx[test]]
            out[fam.label] = _mae(pred, data.outcomes[idx])
        return out

    def fit(self, data: Dataset, train: np.ndarray) -> Fitted:
        scores = self.inner_scores(data, train)
        best = min(self.families, key=lambda f: scores[f.label])
        fitted = best.fit(data, train)
        return Fitted(fitted.model, fitted.predictions, best.label)


def grouped_folds(groups: np.ndarray, k: int | None = None) -> list[np.ndarray]:
    """Test masks over ``groups``: one per group (leave one group out) when ``k`` is None or
    at least the number of groups, else ``k`` folds balanced by size (the largest group goes
    to the currently smallest fold, as scikit-learn's GroupKFold; deterministic)."""
    labels, sizes = np.unique(groups, return_counts=True)
    if k is None or k >= len(labels):
        return [groups == g for g in labels]
    if k < 2:
        raise ValueError("grouped k-fold needs k >= 2")
    fold_of = {}
    load = np.zeros(k)
    for j in np.argsort(-sizes, kind="stable"):
        f = int(np.argmin(load))
        fold_of[labels[j]] = f
        load[f] += sizes[j]
    assign = np.array([fold_of[g] for g in groups])
    return [assign == f for f in range(k)]


@dataclass
class CVResult:
    """Outer cross-validation of one family: held-out forecasts, errors and intervals."""

    label: str
    predictions: np.ndarray
    outcomes: np.ndarray
    half_widths: np.ndarray
    folds: list[dict[str, Any]]

    @property
    def errors(self) -> np.ndarray:
        errors: np.ndarray = np.abs(self.predictions - self.outcomes)
        return errors

    @property
    def mae(self) -> float:
        return _mae(self.predictions, self.outcomes)

    @property
    def coverage(self) -> float:
        """Share of held-out outcomes inside their 80% interval."""
        return float(np.mean(self.errors <= self.half_widths + 1e-9))

    def to_json(self) -> dict[str, Any]:
        return {
            "mae": self.mae,
            "interval_coverage": self.coverage,
            "interval_level": INTERVAL_LEVEL,
            "folds": len(self.folds),
            "chosen": _count(f["model"] for f in self.folds),
        }


def _count(items) -> dict[str, int]:  # type: ignore[no-untyped-def]
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def cross_validate(family: Family, data: Dataset, folds: int | None = None) -> CVResult:
    """Outer grouped cross-validation (see the module docstring); ``folds`` None = leave one
    proposal out. Nothing about the held-out proposals reaches ``family.fit``."""
    n = len(data)
    pred = np.full(n, np.nan)
    half = np.full(n, np.nan)
    info = []
    for test in grouped_folds(data.groups, folds):
        train = ~test
        fitted = family.fit(data, train)
        pred[test] = fitted.predictions[test]
        res = np.abs(fitted.predictions[train] - data.outcomes[train])
        half[test] = float(np.quantile(res, INTERVAL_LEVEL))
        info.append(
            {"issues": int(np.sum(test)), "model": fitted.model.label(), "family": fitted.family}
        )
    return CVResult(family.label, pred, data.outcomes, half, info)


def calibrate(
    model: BargainingModel,
    issues: Sequence[DEUIssue],
    grid: Mapping[str, Sequence[Any]] | None = None,
) -> tuple[BargainingModel, float]:
    """The grid point of ``model`` (default grid: its ``param_grid``) with the lowest MAE on
    the scored ``issues``, and that MAE. Calibration in one call; for an honest score of the
    calibrated model use `cross_validate` on ``GridFamily(model, grid)``."""
    fitted, mae = in_sample(GridFamily(model, grid), Dataset.from_issues(issues))
    return fitted.model, mae


def in_sample(family: Family, data: Dataset) -> tuple[Fitted, float]:
    """The family fitted on every scored issue, and its MAE on those same issues."""
    fitted = family.fit(data, np.ones(len(data), dtype=bool))
    return fitted, _mae(fitted.predictions, data.outcomes)


@dataclass
class Difference:
    """Mean difference of absolute errors (model - baseline) with a bootstrap interval."""

    mean: float
    low: float
    high: float
    replicates: int
    share_better: float

    def to_json(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "interval_95": [self.low, self.high],
            "replicates": self.replicates,
            "share_of_replicates_better": self.share_better,
            "resampled": "proposals",
        }


def bootstrap_difference(
    errors: np.ndarray,
    baseline: np.ndarray,
    groups: np.ndarray,
    replicates: int = 2000,
    seed: int = 0,
) -> Difference:
    """MAE(errors) - MAE(baseline) and its 95% percentile interval, resampling proposals
    (the independent units: issues of one proposal are correlated)."""
    d = np.asarray(errors, dtype=float) - np.asarray(baseline, dtype=float)
    g = np.unique(groups, return_inverse=True)[1]
    sums = np.bincount(g, weights=d)
    counts = np.bincount(g).astype(float)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(sums), size=(replicates, len(sums)))
    reps = sums[pick].sum(axis=1) / counts[pick].sum(axis=1)
    lo, hi = np.quantile(reps, [0.025, 0.975])
    return Difference(float(np.mean(d)), float(lo), float(hi), replicates, float(np.mean(reps < 0)))


def candidate_families(include_slow: bool = False) -> list[Family]:
    """Every way of building a forecaster that the default's choice considers.

    Each registered model with its parameter grid (the default ``offramp`` itself excepted: it
    is the outcome of this choice), the power mean on a finer grid (the grid is a choice
    too), and stackings of the simple models. The process models ``bdm`` and ``smp`` cost
    seconds per file; they join only when ``include_slow`` (the script that picks the default
    runs both ways and shows that they do not change the choice).
    """
    slow = {"bdm", "smp"}
    fams: dict[str, Family] = {
        name: GridFamily(model)
        for name, model in REGISTRY.items()
        if name != "offramp" and (include_slow or name not in slow)
    }
    fams["power-mean/0.1"] = GridFamily(
        REGISTRY["power-mean"], {"alpha": TENTH_GRID, "beta": TENTH_GRID}, "power-mean/0.1"
    )
    simple = [fams["compromise"], fams["median"], fams["power-mean"]]
    fams["stack"] = StackFamily(simple, "stack")
    more = [fams[n] for n in ("nash", "agenda", "exchange")]
    fams["stack-all"] = StackFamily(simple + more, "stack-all")
    return list(fams.values())


def family_for(name: str, inner_folds: int = 5) -> Family:
    """The family whose nested CV scores registered model ``name``: its parameter grid, or for
    ``offramp`` (the default) the whole choice among `candidate_families`."""
    if name == "offramp":
        return Selection(candidate_families(), inner_folds, "offramp")
    return GridFamily(get_model(name))


@dataclass
class ModelEvaluation:
    """A registered model on a DEU file: in-sample (its shipped parameters) and nested CV."""

    name: str
    model: BargainingModel
    in_sample: np.ndarray
    nested: CVResult
    difference: Difference

    @property
    def in_sample_mae(self) -> float:
        return _mae(self.in_sample, self.nested.outcomes)

    def to_json(self, data: Dataset) -> dict[str, Any]:
        return {
            "model": self.name,
            "issues": len(data),
            "mae": self.in_sample_mae,
            "parameters": params_json(self.model),
            "in_sample": {
                "mae": self.in_sample_mae,
                "what": "the registered model, with its shipped parameters, scored on every "
                "issue of this file",
            },
            "nested_cv": {
                **self.nested.to_json(),
                "what": "every choice (parameters; for offramp also the model family and grid) "
                "made on the training proposals of each fold, scored on the held-out ones",
            },
            "difference_to_compromise": {
                "in_sample": self.in_sample_mae
                - float(np.mean(np.abs(data.predictions_of("compromise") - data.outcomes))),
                "nested_cv": self.difference.to_json(),
            },
            "predictions": [
                {
                    "issue": x.issue,
                    "predicted": float(self.in_sample[i]),
                    "outcome": float(data.outcomes[i]),
                    "nested_cv_predicted": float(self.nested.predictions[i]),
                    "interval_80": [
                        max(0.0, float(self.nested.predictions[i] - self.nested.half_widths[i])),
                        min(100.0, float(self.nested.predictions[i] + self.nested.half_widths[i])),
                    ],
                }
                for i, x in enumerate(data.issues)
            ],
        }


def evaluate_models(
    names: Sequence[str],
    data: Dataset,
    folds: int | None = None,
    replicates: int = 2000,
    seed: int = 0,
    inner_folds: int = 5,
) -> list[ModelEvaluation]:
    """Score registered models in-sample and under nested CV (``folds`` None = leave one
    proposal out), each with the bootstrap interval of its nested-CV difference to the
    compromise model."""
    base = cross_validate(family_for("compromise"), data, folds)
    out = []
    for name in names:
        model = get_model(name)
        nested = (
            base
            if name == "compromise"
            else cross_validate(family_for(name, inner_folds), data, folds)
        )
        diff = bootstrap_difference(nested.errors, base.errors, data.groups, replicates, seed)
        out.append(ModelEvaluation(name, model, data.predictions(model), nested, diff))
    return out
