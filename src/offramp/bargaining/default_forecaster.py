"""The ``offramp`` model: offramp's default forecaster, whatever won nested cross-validation.

``offramp forecast`` without ``--model`` uses this model. It is not designed by hand: it is
what `offramp.bargaining.evaluation.Selection` picks, over every candidate family (each
registered model with its parameter grid, a finer grid, and stackings of the simple models),
when fitted on the whole DEU III dev file; ``scripts/choose_default_model.py`` runs that
choice and prints the `CHOSEN` line below, and ``tests/bargaining/test_default_choice.py``
checks that the choice still comes out the same. The honest estimate of its error is the
nested cross-validated error of the whole choice (every choice remade without the scored
proposals), recorded in `offramp.bargaining.registry.DEFAULT_CHOICE` and tabled in
docs/methods/deu-evaluation.md.

References
----------
Cawley, G. C. & Talbot, N. L. C. (2010). On over-fitting in model selection and subsequent
selection bias in performance evaluation. JMLR 11, 2079-2107.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from offramp.bargaining.batch import ProblemBatch
from offramp.bargaining.compromise import Compromise
from offramp.bargaining.median import Median
from offramp.bargaining.power_mean import PowerMean
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.result import Forecast
from offramp.bargaining.stacking import Stack

#: The nested-CV winner refitted on all of deu3-dev (pasted from scripts/choose_default_model.py).
CHOSEN: BargainingModel = Stack(
    bases=(Compromise(), Median(), PowerMean(alpha=0.5, beta=0.0)),
    weights=(0.028, 0.1359, 0.8361),
)


@dataclass(frozen=True)
class DefaultForecaster(BargainingModel):
    """offramp's default: ``model`` (the nested-CV winner), reported under the name offramp."""

    model: BargainingModel = CHOSEN

    name: ClassVar[str] = "offramp"
    interval_half_width: ClassVar[float | None] = 30.08  # see offramp.bargaining.intervals
    in_reports: ClassVar[bool] = True
    description: ClassVar[str] = (
        "offramp's default forecaster: the model that won nested cross-validation on DEU III "
        "(see docs/methods/deu-evaluation.md)"
    )
    reference: ClassVar[str] = "Cawley & Talbot (2010), JMLR (nested model selection)"

    def label(self) -> str:
        return self.name if self.model == CHOSEN else f"{self.name}({self.model.label()})"

    def predict(self, problem: BargainingProblem) -> np.ndarray:
        return self.model.predict(problem)

    def predict_batch(self, batch: ProblemBatch) -> np.ndarray:
        return self.model.predict_batch(batch)

    def forecast(self, problem: BargainingProblem) -> Forecast:
        fc = self.model.forecast(problem)
        fc.model = self.name
        fc.details = {"chosen": self.model.label(), **fc.details}
        return fc

    def explain(self, fc: Forecast) -> list[dict[str, Any]]:
        inner = Forecast(
            model=self.model.name,
            dimensions=fc.dimensions,
            actors=fc.actors,
            rounds=fc.rounds,
            forecast=fc.forecast,
            scenario=fc.scenario,
            details={k: v for k, v in fc.details.items() if k != "chosen"},
        )
        return [
            {
                "text": f"offramp = {fc.details['chosen']}: the nested cross-validation winner "
                "on DEU III (docs/methods/deu-evaluation.md)"
            },
            *self.model.explain(inner),
        ]
