"""The one protocol every bargaining model follows, in the spirit of scikit-learn estimators.

A model is a frozen dataclass whose fields are its parameters (so two models with the same
parameters are equal and can be used as dictionary keys), with class-level metadata:

- ``name``: the registry key users type (``offramp forecast --model NAME``);
- ``description``: one line for help texts, tables and reports;
- ``reference``: the paper the model comes from (also cited in the module docstring);
- ``param_grid``: candidate values of each parameter, the grid that calibration and nested
  cross-validation (`offramp.bargaining.evaluation`) search; empty for parameter-free models.

and three methods: ``get_params()``, ``set_params(**params)`` (a new model: models are
immutable, unlike scikit-learn's, so a registered model can never be changed by a caller) and
``forecast(problem) -> Forecast``. ``predict(problem)`` returns only the forecast array; a
model overrides it when it can skip building the explanation (the evaluation calls it for
every grid point on every issue). Calling a model gives the forecast without the working
(see ``__call__``).

Adding a model = one module with its class + a line in `offramp.bargaining.registry`.

References
----------
Pedregosa, F. et al. (2011). Scikit-learn: machine learning in Python. JMLR 12, 2825-2830
(the estimator protocol: parameters as constructor arguments, get_params/set_params).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, is_dataclass, replace
from typing import Any, ClassVar, Self

import numpy as np

from offramp.bargaining.batch import ProblemBatch
from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.result import Forecast


@dataclass(frozen=True)
class BargainingModel:
    """Base class of every bargaining model (see the module docstring for the protocol)."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    reference: ClassVar[str] = ""
    param_grid: ClassVar[Mapping[str, Sequence[Any]]] = {}
    #: Half-width of the model's 80% forecast interval on 0-100, as scored on held-out EU
    #: proposals (:mod:`offramp.bargaining.intervals`); None: the model gets no interval.
    interval_half_width: ClassVar[float | None] = None
    #: Compared in a scenario's report: the model needs nothing but positions, capabilities
    #: and saliences (not a reference point, a procedure or the issues of one proposal).
    in_reports: ClassVar[bool] = False

    def __post_init__(self) -> None:
        """Check each parameter against the type of its default, so a bad value fails here
        with offramp's error rather than deep inside numpy."""
        for f in fields(self):
            value, default = getattr(self, f.name), f.default
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, int):
                ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            elif isinstance(default, float):
                ok = (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and bool(np.isfinite(value))
                )
            elif isinstance(default, str):
                ok = isinstance(value, str)
            else:
                continue
            if not ok:
                raise BargainingInputError(
                    f"model {self.name!r}: parameter {f.name} must be "
                    f"{_kind(default)}, got {value!r}"
                )

    def get_params(self) -> dict[str, Any]:
        """The model's parameters by name (the dataclass fields)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def set_params(self, **params: Any) -> Self:
        """A copy of the model with ``params`` changed; an unknown name raises
        `BargainingInputError` naming the parameters the model has."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(params) - known)
        if unknown:
            have = ", ".join(sorted(known)) or "none"
            raise BargainingInputError(
                f"model {self.name!r} has no parameter {unknown[0]!r} (parameters: {have})"
            )
        return replace(self, **params)

    def forecast(self, problem: BargainingProblem) -> Forecast:  # pragma: no cover - abstract
        """The forecast, its trajectory and the working (``details``)."""
        raise NotImplementedError

    def predict(self, problem: BargainingProblem) -> np.ndarray:
        """Only the forecast, one value per dimension (what scoring needs)."""
        return np.asarray(self.forecast(problem).forecast, dtype=float)

    def predict_batch(self, batch: ProblemBatch) -> np.ndarray:
        """(len(batch), d): ``predict`` of every problem of ``batch`` (same actors and
        dimensions, e.g. Monte Carlo draws). The default runs them one by one; a class
        overrides it when it can forecast the whole batch with array operations, row for row
        the same numbers (see `offramp.bargaining.batch`)."""
        return np.stack([self.predict(batch.problem(i)) for i in range(len(batch))])

    @classmethod
    def predict_grid(cls, problem: BargainingProblem, models: Sequence[Self]) -> np.ndarray:
        """(len(models), d): ``predict`` of several models of this class on one problem. A
        class overrides it when it can compute a parameter grid at once (calibration calls
        it for every grid on every issue)."""
        return np.stack([m.predict(problem) for m in models])

    def explain(self, fc: Forecast) -> list[dict[str, Any]]:
        """What an analyst should see beyond the trajectory, as plain data: a line of text
        ``{"text": ...}`` or a table ``{"title": ..., "columns": [...], "rows": [[...]]}``.
        ``fc`` is a forecast this model made. The CLI renders these; the default is nothing."""
        return []

    def one_round(
        self, problem: BargainingProblem, values: np.ndarray, details: dict[str, Any] | None = None
    ) -> Forecast:
        """A forecast without dynamics (the input is its only round), under this model's name."""
        return Forecast(
            model=self.name,
            scenario=problem.name,
            dimensions=list(problem.dimensions),
            actors=list(problem.actors),
            rounds=[problem.positions.copy()],
            forecast=values,
            details=details or {},
        )

    def __call__(self, problem: BargainingProblem) -> Forecast:
        """The forecast without the working: when the class has its own fast ``predict``, a
        `Forecast` with the input as its only round and no ``details`` (what repeated
        evaluation, e.g. Monte Carlo, needs); otherwise the full ``forecast``."""
        if type(self).predict is BargainingModel.predict:
            return self.forecast(problem)
        return self.one_round(problem, self.predict(problem))

    def candidates(self, grid: Mapping[str, Sequence[Any]] | None = None) -> list[Self]:
        """One model per point of ``grid`` (default: ``param_grid``), in row-major order;
        parameters absent from the grid keep this model's value."""
        grid = self.param_grid if grid is None else grid
        if not grid:
            return [self]
        keys = list(grid)
        return [
            self.set_params(**dict(zip(keys, values, strict=True)))
            for values in itertools.product(*(grid[k] for k in keys))
        ]

    def label(self) -> str:
        """``name`` and the parameters that differ from the defaults, e.g. ``offramp(alpha=1)``."""
        default = type(self)()
        diff = {k: v for k, v in self.get_params().items() if getattr(default, k) != v}
        if not diff:
            return self.name
        return f"{self.name}(" + ", ".join(f"{k}={_show(v)}" for k, v in diff.items()) + ")"


def _kind(default: Any) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number >= 0"
    if isinstance(default, float):
        return "a finite number"
    return "a string"


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def params_json(model: BargainingModel) -> dict[str, Any]:
    """``model.get_params()`` as JSON-ready data (nested models by label, dataclasses as dicts)."""

    def conv(v: Any) -> Any:
        if isinstance(v, BargainingModel):
            return v.label()
        if is_dataclass(v) and not isinstance(v, type):
            return asdict(v)
        if isinstance(v, tuple | list):
            return [conv(x) for x in v]
        if isinstance(v, np.generic):
            return v.item()
        return v

    return {k: conv(v) for k, v in model.get_params().items()}
