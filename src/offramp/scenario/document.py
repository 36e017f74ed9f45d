"""The offramp/1 document as pydantic models: the shape of a scenario file.

These models check structure and types only; meaning (do option names exist, does a ranking
cover every state) is checked by ``offramp.scenario.spec`` where the whole document is known.
Every item that encodes a modelling choice accepts a ``note`` so that a scenario can cite, next
to the choice, the source it rests on.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from offramp.conflict.concepts import DEFAULT_CONCEPT, get_concept
from offramp.errors import InputError
from offramp.scenario.bargaining_document import BargainingSection
from offramp.scenario.distributions import Distribution
from offramp.scenario.evidence import EvidencePolicy, Figure

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
    publisher: Text | None = None
    date: Text | None = None
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
    """A statement with the reason it is there; in a prioritization, ``probability`` < 1 says
    the DM holds this preference only with that probability (Monte Carlo drops it otherwise;
    a deterministic analysis keeps it when the probability is at least 0.5)."""

    statement: Text
    probability: Annotated[float, Field(ge=0, le=1)] | None = None
    note: Text | None = None
    source: Text | None = None


def _kind(value: object) -> str | None:
    """Which form an entry takes, so that errors speak about that form only (a pydantic union
    would report every member's complaint)."""
    if isinstance(value, str):
        return "str"
    if isinstance(value, dict):
        return "AnyOrder" if "any_order" in value else "NotedStatement"
    if isinstance(value, list):
        return "list"
    if isinstance(value, BaseModel):
        return type(value).__name__
    return None


_NOT_A_STATEMENT = dict(
    custom_error_type="statement_type",
    custom_error_message='expected a statement: text such as "US.sanctions & !CN.press" '
    "(quote it), or {statement: ..., note: ...}",
)

Statement = Annotated[
    Annotated[Text, Tag("str")] | Annotated[NotedStatement, Tag("NotedStatement")],
    Discriminator(_kind, **_NOT_A_STATEMENT),
]


class AnyOrder(Strict):
    """Prioritized statements whose relative order is unknown: each Monte Carlo sample draws
    one order uniformly; a deterministic analysis uses the order written."""

    any_order: list[Statement] = Field(min_length=2)
    note: Text | None = None


PriorityEntry = Annotated[
    Annotated[Text, Tag("str")]
    | Annotated[NotedStatement, Tag("NotedStatement")]
    | Annotated[AnyOrder, Tag("AnyOrder")],
    Discriminator(_kind, **_NOT_A_STATEMENT),
]
RankingEntry = Annotated[
    Annotated[Text, Tag("str")]
    | Annotated[NotedStatement, Tag("NotedStatement")]
    | Annotated[list[Statement], Tag("list")],
    Discriminator(
        _kind,
        custom_error_type="ranking_type",
        custom_error_message="expected a statement, {statement: ...}, or a list of statements "
        "(a tie)",
    ),
]


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
    """``value`` is a number, a parameter name, or a parameter name with a leading '-';
    ``distribution`` makes a numeric weight uncertain (``value`` then defaults to its point)."""

    when: Text
    value: float | ParameterRef | None = None
    distribution: Distribution | None = None
    note: Text | None = None
    source: Text | None = None

    @model_validator(mode="after")
    def _value_or_distribution(self) -> Weight:
        if self.value is None and self.distribution is None:
            raise ValueError("give a 'value' (number or parameter name) or a 'distribution'")
        if isinstance(self.value, str) and self.distribution is not None:
            raise ValueError(
                "a weight that names a parameter takes its uncertainty from the "
                "parameter: put the distribution under 'parameters'"
            )
        return self


class Preference(Strict):
    prioritization: list[PriorityEntry] | None = Field(default=None, min_length=1)
    ranking: list[RankingEntry] | None = Field(default=None, min_length=1)
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
    """A named number; with a ``distribution`` it is uncertain (``value``, if omitted, is the
    distribution's point value); with a ``formula`` it is derived from evidence figures and
    other parameters (see :mod:`offramp.scenario.derived`)."""

    value: float | None = None
    distribution: Distribution | None = None
    formula: Text | None = None
    unit: Annotated[str, StringConstraints(max_length=64)] | None = None
    label: Text | None = None
    note: Text | None = None
    source: Text | None = None

    @model_validator(mode="after")
    def _value_or_distribution(self) -> Parameter:
        if self.formula is not None:
            if self.value is not None or self.distribution is not None:
                raise ValueError(
                    "a derived parameter takes its value and uncertainty from its 'formula': "
                    "drop 'value' and 'distribution' (or drop the formula)"
                )
            return self
        if self.value is None and self.distribution is None:
            raise ValueError("give a 'value', a 'distribution' or a 'formula'")
        return self

    @property
    def point(self) -> float:
        """The value when it is given (NaN for a derived parameter: the spec computes it)."""
        if self.formula is not None:
            return float("nan")
        if self.value is not None:
            return self.value
        assert self.distribution is not None  # (checked: a parameter has one of the three)
        return self.distribution.point


class Perception(Strict):
    """How one DM sees another (a first-level hypergame): the preferences ``dm`` believes
    ``of`` holds, and options (of any DM) ``dm`` does not know exist."""

    dm: Identifier
    of: Identifier | None = None
    preferences: Preference | None = None
    unknown_options: list[Text] = Field(default_factory=list)
    note: Text | None = None
    source: Text | None = None


class AlternativeChoice(Strict):
    """One of the structural alternatives: the parameter values that hold if it does, and its
    declared weight (the chance the analyst gives it; weights are relative)."""

    name: Identifier
    label: Text | None = None
    weight: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    parameters: dict[Identifier, Annotated[float, Field(allow_inf_nan=False)]]
    note: Text | None = None


class Alternative(Strict):
    """A discrete structural uncertainty: which of several choices holds (a package on the
    table, a preference, a formula switched by a parameter). Monte Carlo draws one choice per
    sample with the declared weights; deterministic analyses use the parameters' own values;
    a variant can fix a choice (``alternatives: {name: choice}``)."""

    name: Identifier
    label: Text | None = None
    note: Text | None = None
    choices: Annotated[list[AlternativeChoice], Field(min_length=2, max_length=64)]


class Variant(Strict):
    """A named counterfactual: the same scenario with some inputs changed."""

    name: Identifier
    label: Text | None = None
    description: Text | None = None
    parameters: dict[Identifier, float] = Field(default_factory=dict)
    alternatives: dict[Identifier, Identifier] = Field(default_factory=dict)
    status_quo: list[Text] | None = None
    remove_options: list[Text] = Field(default_factory=list)
    perceptions: list[Perception] = Field(default_factory=list)
    note: Text | None = None


def _registered_concept(key: str) -> str:
    """A question's ``concept:`` is any concept of the registry (:mod:`offramp.conflict.concepts`,
    read when the document is validated, so a concept registered later is accepted too)."""
    try:
        return get_concept(key).key
    except InputError as exc:
        raise ValueError(str(exc)) from None


Concept = Annotated[str, AfterValidator(_registered_concept)]


class CoalitionDoc(Strict):
    """A named group of decision makers analysed as acting together (coalition analysis)."""

    name: Identifier
    members: list[Identifier]
    label: Text | None = None
    note: Text | None = None


class Question(Strict):
    """A question the scenario asks of its own results, answered in every report."""

    id: Identifier | None = None
    ask: Text
    holds_when: Text
    concept: Concept = DEFAULT_CONCEPT
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
    perceptions: list[Perception] = Field(default_factory=list)
    coalitions: list[CoalitionDoc] = Field(default_factory=list)
    bargaining: BargainingSection | None = None
    evidence: list[Figure] = Field(default_factory=list)
    evidence_policy: EvidencePolicy | None = None
    alternatives: list[Alternative] = Field(default_factory=list)
    #: the date the scenario is analysed as of by default: only figures published by then
    as_of: datetime.date | None = None


def statement_text(item: Statement) -> str:
    return item.statement if isinstance(item, NotedStatement) else item


def group_options(item: list[str] | OptionGroup) -> list[str]:
    return item.options if isinstance(item, OptionGroup) else item
