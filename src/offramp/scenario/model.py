"""The offramp/1 document as pydantic models: the shape of a scenario file.

These models check structure and types only; meaning (do option names exist, does a ranking
cover every state) is checked by ``offramp.scenario.loader`` where the whole document is known.
Every item that encodes a modelling choice accepts a ``note`` so that a scenario can cite, next
to the choice, the source it rests on.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=64),
]
Text = Annotated[str, StringConstraints(max_length=20_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Source(Strict):
    id: Identifier
    title: Text
    url: Text | None = None
    note: Text | None = None


class Option(Strict):
    name: Identifier
    label: Text | None = None
    description: Text | None = None
    direction: Literal["both", "forward", "backward"] = "both"
    note: Text | None = None


class DecisionMaker(Strict):
    name: Identifier
    label: Text | None = None
    description: Text | None = None
    options: list[Option] = Field(min_length=1)
    note: Text | None = None


class NotedStatement(Strict):
    """A statement with the reason it is there."""

    statement: Text
    note: Text | None = None
    source: Text | None = None


Statement = Text | NotedStatement


OptionList = Annotated[list[Text], Field(min_length=2)]


class OptionGroup(Strict):
    options: list[Text] = Field(min_length=2)
    note: Text | None = None
    source: Text | None = None


ParameterRef = Annotated[
    str,
    StringConstraints(pattern=r"^-?[A-Za-z][A-Za-z0-9_-]*$", max_length=65),
]


class Weight(Strict):
    """``value`` is a number, a parameter name, or a parameter name with a leading '-'."""

    when: Text
    value: float | ParameterRef
    note: Text | None = None
    source: Text | None = None


class Preference(Strict):
    prioritization: list[Statement] | None = Field(default=None, min_length=1)
    ranking: list[Statement | list[Statement]] | None = Field(default=None, min_length=1)
    weights: list[Weight] | None = Field(default=None, min_length=1)
    note: Text | None = None

    @model_validator(mode="after")
    def _exactly_one_form(self) -> Preference:
        given = [k for k in ("prioritization", "ranking", "weights") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of 'prioritization', 'ranking' or 'weights'"
                + (f" (found {', '.join(given)})" if given else "")
            )
        return self

    @property
    def form(self) -> str:
        return next(k for k in ("prioritization", "ranking", "weights") if getattr(self, k))


class Parameter(Strict):
    value: float
    label: Text | None = None
    note: Text | None = None
    source: Text | None = None


class Variant(Strict):
    """A named counterfactual: the same scenario with some inputs changed."""

    name: Identifier
    label: Text | None = None
    description: Text | None = None
    parameters: dict[Identifier, float] = Field(default_factory=dict)
    status_quo: list[Text] | None = None
    remove_options: list[Text] = Field(default_factory=list)
    note: Text | None = None


Concept = Literal["nash", "gmr", "smr", "seq"]


class Question(Strict):
    """A question the scenario asks of its own results, answered in every report."""

    id: Identifier | None = None
    ask: Text
    holds_when: Text
    concept: Concept = "seq"
    parameter: Identifier | None = None
    range: Annotated[list[float], Field(min_length=2, max_length=2)] | None = None
    note: Text | None = None


class ScenarioDocument(Strict):
    format: Literal["offramp/1"]
    name: Text
    description: Text | None = None
    sources: list[Source] = Field(default_factory=list)
    decision_makers: list[DecisionMaker] = Field(min_length=2)
    infeasible: list[Statement] = Field(default_factory=list)
    mutually_exclusive: list[OptionList | OptionGroup] = Field(default_factory=list)
    at_least_one: list[OptionList | OptionGroup] = Field(default_factory=list)
    status_quo: list[Text] | None = None
    parameters: dict[Identifier, float | Parameter] = Field(default_factory=dict)
    preferences: dict[Identifier, Preference]
    questions: list[Question] = Field(default_factory=list)
    variants: list[Variant] = Field(default_factory=list)


def statement_text(item: Statement) -> str:
    return item.statement if isinstance(item, NotedStatement) else item


def group_options(item: list[str] | OptionGroup) -> list[str]:
    return item.options if isinstance(item, OptionGroup) else item
