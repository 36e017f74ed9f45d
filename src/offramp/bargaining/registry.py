"""The one registry of bargaining models: every list of models is derived from it.

`REGISTRY` maps each model's ``name`` to an instance with its shipped parameters; the CLI's
choices, the reports' comparisons, the evaluation's families and the docs tables come from
here. Adding a model = its module (a `BargainingModel` subclass) + one line in `MODEL_TYPES`.

The default forecaster (`DEFAULT_MODEL`) is not chosen by hand: it is the model with the
lowest nested cross-validated MAE on the DEU III dev file, as computed by
``scripts/choose_default_model.py`` (its output is pasted in docs/methods/deu-evaluation.md);
`DEFAULT_CHOICE` records that run's figures so that reports can say why it is the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from offramp.bargaining.agenda import AgendaSetter
from offramp.bargaining.bdm import BDM
from offramp.bargaining.compromise import Compromise
from offramp.bargaining.default_forecaster import DefaultForecaster
from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.exchange import Exchange
from offramp.bargaining.median import Median
from offramp.bargaining.nash import Nash
from offramp.bargaining.power_mean import PowerMean
from offramp.bargaining.protocol import BargainingModel, params_json
from offramp.bargaining.smp import SMP

#: Every model type, in the order lists show them.
MODEL_TYPES: tuple[type[BargainingModel], ...] = (
    DefaultForecaster,
    Compromise,
    Median,
    BDM,
    SMP,
    PowerMean,
    Nash,
    AgendaSetter,
    Exchange,
)

#: name -> the model with its shipped parameters.
REGISTRY: dict[str, BargainingModel] = {t.name: t() for t in MODEL_TYPES}

#: The models a scenario's report compares (``in_reports``): those that need nothing but
#: positions, capabilities and saliences (Nash needs a reference point, the agenda setter a
#: procedure, exchange the issues of one proposal), the default's own components (power-mean)
#: left out.
REPORT_MODELS: tuple[str, ...] = tuple(name for name, m in REGISTRY.items() if m.in_reports)


def register(model_type: type[BargainingModel]) -> None:
    """Add a bargaining model after those shipped (for a plug-in or a test; the shipped ones
    are listed in `MODEL_TYPES`). Every list of models is derived from the registry, so the
    model then appears in the command line's choices, the JSON and, with ``in_reports``, the
    reports."""
    global MODEL_TYPES, REPORT_MODELS
    if model_type.name in REGISTRY:
        raise BargainingInputError(f"a bargaining model {model_type.name!r} is already registered")
    MODEL_TYPES = (*MODEL_TYPES, model_type)
    REGISTRY[model_type.name] = model_type()
    REPORT_MODELS = tuple(name for name, m in REGISTRY.items() if m.in_reports)


@dataclass(frozen=True)
class DefaultChoice:
    """Why the default is the default: the nested-CV figures of the run that chose it."""

    name: str
    nested_cv_mae: float
    compromise_nested_cv_mae: float
    data: str
    script: str = "scripts/choose_default_model.py"

    @property
    def description(self) -> str:
        return REGISTRY[self.name].description

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "parameters": params_json(REGISTRY[self.name]),
            "nested_cv_mae": self.nested_cv_mae,
            "compromise_nested_cv_mae": self.compromise_nested_cv_mae,
            "data": self.data,
            "decided_by": self.script,
        }


DEFAULT_CHOICE = DefaultChoice(
    name="offramp",
    nested_cv_mae=19.3779,
    compromise_nested_cv_mae=20.4840,
    data="deu3-dev.tsv (DEU III, odd proposal numbers; 180 issues, 68 proposals)",
)
DEFAULT_MODEL: str = DEFAULT_CHOICE.name


def get_model(name: str) -> BargainingModel:
    """The registered model called ``name``; an unknown name raises `BargainingInputError`."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise BargainingInputError(
            f"unknown model {name!r}; choose one of {', '.join(REGISTRY)}"
        ) from None


def default_model_info() -> dict[str, Any]:
    """The default model's name, description and nested-CV score, as plain data (for reports)."""
    return DEFAULT_CHOICE.to_json()
