"""A scenario's statements, questions, preferences and uncertain inputs after name resolution.

Plain records produced by :class:`offramp.scenario.spec.ScenarioSpec`; each keeps the path in
the document it came from, so later checks can still point at the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from offramp.scenario.distributions import Distribution
from offramp.scenario.document import Question
from offramp.scenario.statements import Expr
from offramp.scenario.yaml_source import DocPath


@dataclass(frozen=True)
class CompiledStatement:
    expr: Expr
    text: str
    path: DocPath
    note: str | None = None


@dataclass(frozen=True)
class CompiledQuestion:
    id: str
    question: Question
    statement: CompiledStatement
    search_range: tuple[float, float] | None
    path: DocPath

    @property
    def ask(self) -> str:
        return self.question.ask

    @property
    def parameter(self) -> str | None:
        return self.question.parameter

    @property
    def concept(self) -> str:
        return self.question.concept


@dataclass(frozen=True)
class UncertainInput:
    """A number the Monte Carlo draws: a parameter, or a weight given a distribution."""

    name: str  # parameter name, or DM.weights[k]
    kind: str  # "parameter" | "weight"
    distribution: Distribution
    path: DocPath
    dm: str | None = None
    index: int | None = None  # weight index within the DM's weights

    @property
    def owner(self) -> str:
        """The DM of a weight, the actor of a bargaining input."""
        if self.dm is None:
            raise ValueError(f"the {self.kind} input '{self.name}' belongs to no one")
        return self.dm

    @property
    def weight_key(self) -> tuple[str, int]:
        """(DM, index within its weights) of a weight."""
        if self.index is None:
            raise ValueError(f"the {self.kind} input '{self.name}' is not a weight")
        return (self.owner, self.index)


@dataclass
class CompiledPreference:
    """One DM's preference statements, resolved; ``entries`` keep the document's order.

    Weights: ``values`` are the point values and ``sources`` say where each comes from
    (a number, a parameter with a sign, or an uncertain weight). Prioritization: ``order_group``
    numbers the any_order groups (-1 outside one) and ``probability`` the chance each statement
    is held.
    """

    dm: str
    form: str  # prioritization | ranking | weights
    entries: list[list[CompiledStatement]]  # ranking: a tie is several; others: one each
    values: list[float] = field(default_factory=list)  # weights only
    path: DocPath = ()
    sources: list[tuple[Any, ...]] = field(
        default_factory=list
    )  # weights: ("const", v) | ("param", n, s)
    order_group: list[int] = field(default_factory=list)
    probability: list[float] = field(default_factory=list)
