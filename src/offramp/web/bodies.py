"""The workbench's request bodies (pydantic), with the size limits a request may ask for: a
body that breaks them is answered 422 before any work starts."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from offramp.conflict.concepts import DEFAULT_CONCEPT
from offramp.web.security import MAX_BODY

MAX_SAMPLES = 200_000
MAX_REPORT_SAMPLES = 20_000  # a report is one request: bigger Monte Carlo runs are jobs
MAX_SWEEP_VALUES = 2000


class ScenarioIn(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")

    text: str = Field(max_length=MAX_BODY)
    file: str = Field(default="scenario.yaml", max_length=500)
    variant: str | None = Field(default=None, max_length=200)
    #: the evidence date (``YYYY-MM-DD`` or ``latest``; none: the scenario's own), as ``--as-of``
    as_of: str | None = Field(default=None, max_length=40)

    @field_validator("*", mode="after")
    @classmethod
    def _unicode(cls, value: Any) -> Any:
        """JSON may carry lone surrogates ("\\ud800"): they are not text and would fail
        later, when encoded; refuse them here, at the edge."""
        if isinstance(value, str):
            bad = next((i for i, ch in enumerate(value) if 0xD800 <= ord(ch) <= 0xDFFF), None)
            if bad is not None:
                raise ValueError(f"not valid Unicode text (a lone surrogate at character {bad})")
        return value


class StateIn(ScenarioIn):
    state: int
    concept: str = Field(default=DEFAULT_CONCEPT, max_length=20)


Short = Annotated[str, StringConstraints(max_length=50)]


class SweepIn(ScenarioIn):
    """``low``/``high``/``step`` may be numbers or the text of the page's fields, read as the
    CLI reads ``--param NAME=FROM:TO:STEP`` (so a bad value gets the CLI's message)."""

    parameter: str = Field(max_length=200)
    low: float | Short
    high: float | Short
    step: float | Short


class MonteCarloIn(ScenarioIn):
    samples: int = Field(default=2000, ge=1, le=MAX_SAMPLES)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    workers: int | None = Field(default=None, ge=1, le=64)


class InverseIn(ScenarioIn):
    goal: str = Field(max_length=2000)
    parameters: list[Short] | None = Field(default=None, max_length=50)
    norm: str = Field(default="l1", pattern="^(l1|linf)$")


class MapIn(ScenarioIn):
    goal: str = Field(max_length=2000)
    x: str = Field(max_length=200)
    x_low: float
    x_high: float
    y: str = Field(max_length=200)
    y_low: float
    y_high: float
    steps: int = Field(default=60, ge=2, le=200)


class ReportIn(ScenarioIn):
    format: str = Field(default="html", pattern="^(html|markdown|json)$")
    samples: int = Field(default=1000, ge=0, le=MAX_REPORT_SAMPLES)
