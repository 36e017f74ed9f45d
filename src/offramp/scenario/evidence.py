"""The ``evidence:`` section: figures with their sources, the numbers a scenario's parameters
can be derived from.

A figure is one published number — a point ``value``, a ``low``/``high`` range, or both (a most
likely value within a range) — with its ``unit``, the ``year`` it describes, the ``source`` it
comes from (an id of ``sources:``, which carries publisher, date and URL) and the ``quote``: the
sentence of the source it rests on. A figure of ``kind: dependency`` also says who depends on
whom (``from`` depends on ``to``) through which ``flow`` of which ``good``; the leverage view
(:mod:`offramp.analysis.leverage`) reads those.

Why figures and not just parameters: an analyst asked "why 4?" must be able to show the
published numbers and the arithmetic (the formula of a derived parameter, see
:mod:`offramp.scenario.derived`), and a figure's range — what the sources disagree on — is
where a Monte Carlo's uncertainty should come from, not a width picked by feel.
"""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from offramp.errors import did_you_mean
from offramp.scenario.distributions import Distribution, Triangular, Uniform
from offramp.scenario.errors import Problem
from offramp.scenario.expressions import DIMENSIONLESS, Unit, parse_unit
from offramp.scenario.yaml_source import SourceMap

FigureId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64),
]
_Text = Annotated[str, StringConstraints(max_length=20_000)]
_Short = Annotated[str, StringConstraints(max_length=64)]
_Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=64)]

DEFAULT_MAX_AGE = 5  # years


class Figure(BaseModel):
    """One published number and where it comes from."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: FigureId
    label: _Text | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: _Short
    year: Annotated[int, Field(ge=1800, le=2200)]
    published: date | None = None
    source: _Name
    quote: _Text
    note: _Text | None = None
    kind: Literal["figure", "dependency"] = "figure"
    from_: _Name | None = Field(default=None, alias="from")
    to: _Name | None = None
    good: _Text | None = None
    flow: Literal["exports", "imports"] | None = None
    ratio: Annotated[list[FigureId], Field(min_length=2, max_length=2)] | None = None

    @model_validator(mode="after")
    def _check(self) -> Figure:
        for key in ("value", "low", "high"):
            v = getattr(self, key)
            if v is not None and not math.isfinite(v):
                raise ValueError(f"'{key}' must be a finite number, not {v}")
        if self.ratio is not None:
            if self.value is not None or self.low is not None or self.high is not None:
                raise ValueError(
                    "a figure computed as a 'ratio' of two figures takes its value from them: "
                    "drop 'value', 'low' and 'high'"
                )
            if parse_unit(self.unit) != (("%", 1),):
                raise ValueError("a ratio of two figures is given in '%'")
            return self._check_dependency()
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError("give a 'value', or a range 'low' and 'high' (or all three)")
        if (self.low is None) != (self.high is None):
            raise ValueError("a range needs both 'low' and 'high'")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low:g}) must not exceed high ({self.high:g})")
        if (
            self.value is not None
            and self.low is not None
            and self.high is not None
            and not (self.low <= self.value <= self.high)
        ):
            raise ValueError(f"value ({self.value:g}) must lie within [low, high]")
        return self._check_dependency()

    def _check_dependency(self) -> Figure:
        dep = [k for k in ("from_", "to", "good", "flow") if getattr(self, k) is not None]
        if self.kind == "dependency":
            missing = [k.rstrip("_") for k in ("from_", "to", "good", "flow") if k not in dep]
            if missing:
                raise ValueError(
                    "a dependency needs 'from' (who depends), 'to' (on whom), 'good' and "
                    f"'flow' (exports | imports); missing {', '.join(missing)}"
                )
            if self.from_ == self.to:
                raise ValueError("'from' and 'to' must differ")
            if parse_unit(self.unit) not in (DIMENSIONLESS, (("%", 1),)):
                raise ValueError(f"a dependency is a share: unit '%' or 'share', not '{self.unit}'")
        elif dep:
            keys = ", ".join(k.rstrip("_") for k in dep)
            raise ValueError(f"{keys} belong(s) to a dependency: add 'kind: dependency'")
        return self

    @property
    def point(self) -> float:
        """The value a deterministic analysis uses: ``value``, else the middle of the range."""
        if self.value is not None:
            return self.value
        # the validator allows no value only with a range, except on a ratio, whose
        # value _ratio fills in before the figure is read
        assert self.low is not None and self.high is not None
        return (self.low + self.high) / 2

    @property
    def distribution(self) -> Distribution | None:
        """How a Monte Carlo draws the figure: triangular on [low, high] peaking at ``value``
        when both are given, uniform on [low, high] for a bare range, fixed for a point."""
        if self.low is None or self.high is None or self.low == self.high:
            return None
        if self.value is None:
            return Uniform(low=self.low, high=self.high)
        return Triangular(low=self.low, mode=self.value, high=self.high)

    @property
    def share(self) -> float:
        """A dependency's point value as a share in [0, 1] (percentages divided by 100)."""
        return self.point / 100 if parse_unit(self.unit) == (("%", 1),) else self.point


class EvidencePolicy(BaseModel):
    """How old a figure may be before ``validate`` warns (``max_age`` years before ``as_of``,
    which defaults to the current year)."""

    model_config = ConfigDict(extra="forbid")

    max_age: Annotated[int, Field(ge=0, le=200)] = DEFAULT_MAX_AGE
    as_of: Annotated[int, Field(ge=1800, le=2200)] | None = None


@dataclass(frozen=True)
class FigureRecord:
    figure: Figure
    index: int
    unit: Unit

    @property
    def path(self) -> tuple[Any, ...]:
        return ("evidence", self.index)


def current_year() -> int:
    return datetime.now(UTC).year


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class _Actors(Protocol):
    @property
    def actors(self) -> Sequence[_Named]: ...


class EvidenceDocument(Protocol):
    """What the evidence checks read of a scenario document
    (:class:`offramp.scenario.document.ScenarioDocument`, which imports this module)."""

    @property
    def evidence(self) -> Sequence[Figure]: ...
    @property
    def evidence_policy(self) -> EvidencePolicy | None: ...
    @property
    def sources(self) -> Sequence[_Identified]: ...
    @property
    def decision_makers(self) -> Sequence[_Named]: ...
    @property
    def bargaining(self) -> _Actors | None: ...
    @property
    def parameters(self) -> Container[str]: ...


def check_figures(
    document: EvidenceDocument, source: SourceMap, as_of: date | None = None
) -> tuple[dict[str, FigureRecord], list[Problem], list[Problem]]:
    """Resolve the evidence section: (figures by id, problems, warnings).

    Problems: duplicate ids, ids that are also parameter names, sources not declared,
    dependency ends that name no decision maker and no bargaining actor. Warnings: figures older
    than the policy allows.

    An id may be declared several times when every entry says when it became known
    (``published``, distinct dates): the entries are the successive values of one figure (a
    revision, or a figure first estimated and later published). With an analysis date
    ``as_of``, each id resolves to its latest entry published on or before that date; an id
    none of whose entries was known then is absent (see :func:`later_figures`), and a formula
    that reads it is refused where it reads it. Without ``as_of`` the latest entry counts."""
    policy = document.evidence_policy or EvidencePolicy()
    year_now = (
        policy.as_of
        if policy.as_of is not None
        else as_of.year
        if as_of is not None
        else current_year()
    )
    sources = {s.id for s in document.sources}
    parties = {dm.name for dm in document.decision_makers}
    if document.bargaining is not None:
        parties |= {a.name for a in document.bargaining.actors}
    figures: dict[str, FigureRecord] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for i, fig in enumerate(document.evidence):
        base = ("evidence", i)
        previous = figures.get(fig.id)
        if previous is not None:
            first = previous.figure
            if fig.published is None or first.published is None or fig.published == first.published:
                problems.append(
                    source.problem(
                        (*base, "id"),
                        f"duplicate figure id '{fig.id}' (first at evidence[{previous.index}]); "
                        "declare one figure several times only with distinct 'published' dates "
                        "on every entry (successive values of one figure)",
                    )
                )
                continue
        if fig.id in document.parameters:
            problems.append(
                source.problem(
                    (*base, "id"),
                    f"figure id '{fig.id}' is also a parameter name; formulas could not tell "
                    "them apart: rename one",
                )
            )
        if fig.source not in sources:
            hint = did_you_mean(fig.source, sorted(sources)) or (
                " (declare it under 'sources:' with publisher, date and url)"
            )
            problems.append(
                source.problem((*base, "source"), f"unknown source '{fig.source}'{hint}")
            )
        for key, who in (("from", fig.from_), ("to", fig.to)):
            if who is not None and who not in parties:
                problems.append(
                    source.problem(
                        (*base, key),
                        f"'{who}' is neither a decision maker nor a bargaining actor "
                        f"(known: {', '.join(sorted(parties))})",
                    )
                )
        if year_now - fig.year > policy.max_age:
            warnings.append(
                source.problem(
                    (*base, "year"),
                    f"figure '{fig.id}' describes {fig.year}, {year_now - fig.year} years "
                    f"before {year_now} (older than evidence_policy.max_age = "
                    f"{policy.max_age}); look for a newer figure or raise max_age",
                )
            )
        if previous is None or _newer(fig, previous.figure, as_of):
            figures[fig.id] = FigureRecord(fig, i, parse_unit(fig.unit))
    pending: frozenset[str] = frozenset()
    if as_of is not None:
        pending = frozenset(k for k, r in figures.items() if not known_by(r.figure, as_of))
        for fid in pending:
            del figures[fid]
    for fid, rec in list(figures.items()):
        if rec.figure.ratio is not None:
            computed = _ratio(rec, figures, source, problems, pending)
            if computed is not None:
                figures[fid] = computed
            elif any(f in pending for f in rec.figure.ratio):
                del figures[fid]  # a part was not known yet: neither is the ratio
    return figures, problems, warnings


def known_by(fig: Figure, as_of: date) -> bool:
    """Whether a figure was known on ``as_of`` (a figure without ``published`` always is)."""
    return fig.published is None or fig.published <= as_of


def _newer(fig: Figure, current: Figure, as_of: date | None) -> bool:
    """Whether ``fig`` replaces ``current`` (another entry of the same id) at ``as_of``: the
    latest entry known by then, else (nothing known yet) the earliest entry, kept to say when
    the figure became known."""
    assert fig.published is not None and current.published is not None
    if as_of is None:
        return fig.published > current.published
    fig_known, cur_known = fig.published <= as_of, current.published <= as_of
    if fig_known != cur_known:
        return fig_known
    return fig.published > current.published if fig_known else fig.published < current.published


def first_published(document: EvidenceDocument, fid: str) -> date | None:
    """When the earliest entry of a figure became known (None: an entry has no date)."""
    dates = [f.published for f in document.evidence if f.id == fid]
    known = [d for d in dates if d is not None]
    if not dates or len(known) < len(dates):
        return None
    return min(known)


def later_figures(document: EvidenceDocument, as_of: date | None) -> list[Figure]:
    """The entries published after ``as_of`` (what became known later), in date order."""
    if as_of is None:
        return []
    later = [
        (f.published, f)
        for f in document.evidence
        if f.published is not None and f.published > as_of
    ]
    return [f for _, f in sorted(later, key=lambda pf: (pf[0], pf[1].id))]


def _ratio(
    rec: FigureRecord,
    figures: dict[str, FigureRecord],
    source: SourceMap,
    problems: list[Problem],
    pending: frozenset[str] = frozenset(),
) -> FigureRecord | None:
    """A share computed from two published amounts (``ratio: [part, whole]``): its value is
    part / whole in %, its range the widest the parts' ranges allow."""
    base = ("evidence", rec.index, "ratio")
    parts = []
    for j, fid in enumerate(rec.figure.ratio or ()):
        other = figures.get(fid)
        if other is None and fid in pending:
            return None  # declared, but not known at the analysis date
        if other is None or other.figure.ratio is not None:
            why = "is not a figure" if other is None else "is itself a ratio"
            problems.append(
                source.problem((*base, j), f"'{fid}' {why}; a ratio divides two published figures")
            )
            return None
        parts.append(other)
    (a, b) = parts
    if a.unit != b.unit:
        problems.append(
            source.problem(
                base,
                f"a ratio needs like units: '{a.figure.unit}' and '{b.figure.unit}' differ",
            )
        )
        return None
    lo_b = b.figure.low if b.figure.low is not None else b.figure.point
    if lo_b <= 0:
        problems.append(source.problem(base, f"'{b.figure.id}' must be positive to divide by it"))
        return None
    fa, fb = a.figure, b.figure
    value = 100 * fa.point / fb.point
    low = high = None
    if fa.low is not None or fb.low is not None:
        low = (
            100
            * (fa.low if fa.low is not None else fa.point)
            / (fb.high if fb.high is not None else fb.point)
        )
        high = 100 * (fa.high if fa.high is not None else fa.point) / lo_b
    fig = rec.figure.model_copy(update={"value": value, "low": low, "high": high})
    return FigureRecord(fig, rec.index, rec.unit)
