"""A scenario after name resolution: the document, its resolved statements and their sources.

:class:`ScenarioSpec` is the format's final product. It resolves every name in the document
(decision makers, options, parameters, questions, variants, the bargaining section) into the
records of :mod:`offramp.scenario.resolved`, recording each problem at its place in the file,
and compiles to the engines' inputs on demand (:attr:`ScenarioSpec.conflict`,
:meth:`ScenarioSpec.bargaining_problem`). It does not analyse anything: the ``Scenario`` facade
users hold (:mod:`offramp.analysis.scenario`) adds that on top.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import numpy.typing as npt

import offramp.scenario.limits as limits
from offramp.bargaining.errors import BargainingInputError
from offramp.errors import InputError, did_you_mean
from offramp.scenario.bargaining_document import BargainingSection
from offramp.scenario.bargaining_problem import SectionArrays
from offramp.scenario.compile import compile_conflict
from offramp.scenario.derived import evidence_inputs, fallback_of, resolve_document
from offramp.scenario.document import (
    AnyOrder,
    NotedStatement,
    OptionGroup,
    Parameter,
    Preference,
    ScenarioDocument,
    Variant,
    group_options,
    statement_text,
)
from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.perceptions import resolve_perceptions
from offramp.scenario.resolved import (
    CompiledPreference,
    CompiledQuestion,
    CompiledStatement,
    UncertainInput,
)
from offramp.scenario.statements import (
    Catalogue,
    OptionRef,
    StatementError,
    evaluate_codes,
    parse_statement,
)
from offramp.scenario.yaml_source import DocPath, SourceMap

if TYPE_CHECKING:
    from offramp.bargaining.problem import BargainingProblem
    from offramp.conflict.model import ConflictModel


#: the as-of "date" that means every figure, however late
LATEST = "latest"


def parse_as_of(when: datetime.date | str | None) -> datetime.date | None:
    """An analysis date from a date or ISO text (``YYYY-MM-DD``); None and ``"latest"`` (every
    figure) are None."""
    if when is None or isinstance(when, datetime.date):
        return when
    text = str(when).strip()
    if text.lower() == LATEST:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"as-of date {when!r} is not a date: write YYYY-MM-DD, e.g. 2025-10-20, "
            f"or '{LATEST}' for every figure"
        ) from None


def default_range(value: float) -> tuple[float, float]:
    """The search range of a question's parameter when none is given: [min(0, v), max(2|v|, 1)]."""
    return (min(0.0, value), max(2 * abs(value), 1.0))


def _stmt_path(base: DocPath, item: Any) -> DocPath:
    return (*base, "statement") if isinstance(item, NotedStatement) else base


@dataclass(frozen=True)
class ResolvedAlternative:
    """A declared alternative: its choices, their weights (as declared: relative), the
    parameters every choice sets and their values (choices x parameters)."""

    name: str
    label: str
    choices: tuple[str, ...]
    choice_labels: tuple[str, ...]
    weights: npt.NDArray[np.float64]
    parameters: tuple[str, ...]
    values: npt.NDArray[np.float64]
    path: DocPath

    @property
    def probabilities(self) -> npt.NDArray[np.float64]:
        return self.weights / float(self.weights.sum())

    def column(self, choice: str) -> str:
        """The name of the Monte Carlo input that is 1 when ``choice`` is drawn."""
        return f"{self.name}={choice}"


@dataclass(frozen=True)
class ResolvedCoalition:
    """A declared coalition: its name, its members (declaration order) and where it is."""

    name: str
    members: tuple[str, ...]
    path: DocPath


class ScenarioSpec:
    """A validated scenario: the document, its resolved statements and where each came from.

    Users construct the ``Scenario`` facade (``offramp.load``, ``offramp.from_yaml_text``,
    ``offramp.from_dict``), which is this class plus the analyses.
    """

    def __init__(
        self,
        document: ScenarioDocument,
        data: dict[str, Any],
        source: SourceMap,
        text: str | None,
        *,
        removed: tuple[int, ...] = (),
        variant: str | None = None,
        as_of: datetime.date | None = None,
        fixed: tuple[tuple[str, str], ...] = (),
    ):
        self.document = document
        #: alternatives a variant fixed to one choice (name, choice): Monte Carlo does not draw them
        self.fixed_alternatives: dict[str, str] = dict(fixed)
        #: the date asked for (None: the document's ``as_of``; ``date.max``: every figure)
        self._as_of = as_of
        chosen = as_of if as_of is not None else document.as_of
        #: the analysis date: only figures published by then feed the analysis (None: all)
        self.analysis_date: datetime.date | None = (
            None if chosen is None or chosen == datetime.date.max else chosen
        )
        self.data = data
        self.source = source
        self.text = text
        self.removed: tuple[int, ...] = tuple(sorted(removed))
        self.variant_name = variant
        self.problems: list[Problem] = []
        self._resolve()
        if self.problems:
            raise ScenarioError(self.problems)

    # ------------------------------------------------------------------ resolution
    def _problem(
        self, path: DocPath, message: str, *, key: bool = False, offset: int | None = None
    ) -> None:
        self.problems.append(self.source.problem(path, message, key=key, offset=offset))

    def _resolve(self) -> None:
        doc = self.document
        self.dm_names = [dm.name for dm in doc.decision_makers]
        seen: dict[str, int] = {}
        for i, dm in enumerate(doc.decision_makers):
            if dm.name in seen:
                self._problem(
                    ("decision_makers", i, "name"),
                    f"duplicate decision maker '{dm.name}' (first declared at "
                    f"decision_makers[{seen[dm.name]}]); names must be unique",
                )
            seen.setdefault(dm.name, i)
        refs: list[OptionRef] = []
        self.option_directions: list[str] = []
        self.option_dm: list[int] = []
        self.option_paths: list[DocPath] = []
        for i, dm in enumerate(doc.decision_makers):
            names: dict[str, int] = {}
            for j, opt in enumerate(dm.options):
                if opt.name in names:
                    self._problem(
                        ("decision_makers", i, "options", j, "name"),
                        f"duplicate option '{opt.name}' for '{dm.name}'; option names "
                        "must be unique within a decision maker",
                    )
                    continue
                if opt.name in ("true", "false"):
                    self._problem(
                        ("decision_makers", i, "options", j, "name"),
                        f"'{opt.name}' is reserved for the constant; rename the option",
                    )
                    continue
                names[opt.name] = j
                refs.append(OptionRef(len(refs), dm.name, opt.name))
                self.option_directions.append(opt.direction)
                self.option_dm.append(i)
                self.option_paths.append(("decision_makers", i, "options", j))
        self.options = refs
        self.catalogue = Catalogue(refs)

        self.parameters: dict[str, float] = {
            k: (v.point if isinstance(v, Parameter) else float(v))
            for k, v in doc.parameters.items()
        }

        self.used_parameters: set[str] = set()
        self.uncertain: list[UncertainInput] = [
            UncertainInput(k, "parameter", v.distribution, ("parameters", k, "distribution"))
            for k, v in doc.parameters.items()
            if isinstance(v, Parameter) and v.distribution is not None
        ]
        # evidence and derived parameters: values computed before the weights read them
        self.derivation, found, self.evidence_warnings = resolve_document(
            doc, self.source, self.analysis_date
        )
        self.problems.extend(found)
        for name in self.derivation.fallbacks:  # a judgment until the figures are published
            fb = fallback_of(doc.parameters, name)
            self.parameters[name] = fb.value
            if fb.distribution is not None:
                self.uncertain.append(
                    UncertainInput(
                        name,
                        "parameter",
                        fb.distribution,
                        ("parameters", name, "before_evidence", "distribution"),
                    )
                )
        if not found:
            self.parameters = self.derivation.values(self.parameters)
        self.uncertain += evidence_inputs(self.derivation)
        self.used_parameters |= {p for d in self.derivation.derived.values() for p in d.parameters}
        self.infeasible: list[CompiledStatement] = []
        for k, item in enumerate(doc.infeasible):
            st = self._statement(_stmt_path(("infeasible", k), item), item)
            if st:
                self.infeasible.append(st)
        self.mutually_exclusive = self._groups("mutually_exclusive")
        self.at_least_one = self._groups("at_least_one")

        self.status_quo: list[int] | None = None
        if doc.status_quo is not None:
            sq: list[int] = []
            for k, name in enumerate(doc.status_quo):
                ref = self._option(("status_quo", k), name)
                if ref is not None:
                    if ref.index in sq:
                        self._problem(("status_quo", k), f"'{ref.qualified}' is listed twice")
                    sq.append(ref.index)
            self.status_quo = sorted(sq)

        self.preferences: dict[str, CompiledPreference] = {}
        for dm_name, pref in doc.preferences.items():
            if dm_name not in self.dm_names:
                hint = did_you_mean(dm_name, self.dm_names)
                self._problem(
                    ("preferences", dm_name),
                    f"preferences for unknown decision maker '{dm_name}'{hint}",
                    key=True,
                )
                continue
            self.preferences[dm_name] = self._preference(dm_name, pref)
        self._resolve_questions()
        self._resolve_coalitions()
        self._resolve_alternatives()
        self._resolve_variants()
        self._resolve_bargaining()
        self.perceptions = resolve_perceptions(self)
        self.warnings: list[Problem] = [
            self.source.problem(
                ("parameters", name),
                f"parameter '{name}' is never used by a "
                "weight; sweeps and variants of it change nothing",
                key=True,
            )
            for name in self.parameters
            if name not in self.used_parameters
        ] + self.evidence_warnings
        self.warnings += self._out_of_range()
        for i, name in enumerate(self.dm_names):
            if name not in doc.preferences:
                self._problem(
                    ("preferences",),
                    f"no preferences for decision maker '{name}' (declared at "
                    f"decision_makers[{i}]); add 'preferences: {name}: ...'",
                )

    def _resolve_questions(self) -> None:
        self.questions: list[CompiledQuestion] = []
        ids: set[str] = set()
        for k, q in enumerate(self.document.questions):
            qid = q.id or f"q{k + 1}"
            if qid in ids:
                self._problem(("questions", k, "id"), f"duplicate question id '{qid}'")
            ids.add(qid)
            st = self._statement(("questions", k, "holds_when"), q.holds_when)
            lo_hi = None
            if q.parameter is not None:
                if q.parameter not in self.parameters:
                    self._problem(
                        ("questions", k, "parameter"), self._unknown_parameter(q.parameter)
                    )
                    continue
                if q.range is not None:
                    lo_hi = (float(q.range[0]), float(q.range[1]))
                    if not lo_hi[0] < lo_hi[1]:
                        self._problem(
                            ("questions", k, "range"), "range must be [low, high] with low < high"
                        )
                        continue
                else:
                    lo_hi = default_range(self.parameters[q.parameter])
            elif q.range is not None:
                self._problem(
                    ("questions", k, "range"),
                    "a range needs a 'parameter' to search over; add one or drop it",
                )
            if st:
                self.questions.append(CompiledQuestion(qid, q, st, lo_hi, ("questions", k)))

    def _resolve_coalitions(self) -> None:
        """``coalitions:``: each a name and its members (known DMs, none twice); no two
        coalitions with one name or one set of members."""
        self.coalitions: list[ResolvedCoalition] = []
        names: dict[str, int] = {}
        sets: dict[frozenset[str], int] = {}
        for k, c in enumerate(self.document.coalitions):
            ok = True
            if c.name in names:
                self._problem(
                    ("coalitions", k, "name"),
                    f"duplicate coalition '{c.name}' (first declared at "
                    f"coalitions[{names[c.name]}])",
                )
                ok = False
            names.setdefault(c.name, k)
            if not c.members:
                self._problem(
                    ("coalitions", k, "members"),
                    f"coalition '{c.name}' has no members; list at least one decision maker",
                )
                continue
            seen: list[str] = []
            for j, m in enumerate(c.members):
                if m not in self.dm_names:
                    self._problem(
                        ("coalitions", k, "members", j),
                        f"unknown decision maker '{m}'{did_you_mean(m, self.dm_names)}; "
                        f"this scenario has {', '.join(self.dm_names)}",
                    )
                    ok = False
                elif m in seen:
                    self._problem(
                        ("coalitions", k, "members", j), f"'{m}' is listed twice in '{c.name}'"
                    )
                    ok = False
                else:
                    seen.append(m)
            key = frozenset(seen)
            if ok and key in sets:
                self._problem(
                    ("coalitions", k, "members"),
                    f"coalition '{c.name}' has the same members as coalitions[{sets[key]}]",
                )
                ok = False
            if ok:
                sets[key] = k
                ordered = tuple(m for m in self.dm_names if m in key)
                self.coalitions.append(ResolvedCoalition(c.name, ordered, ("coalitions", k)))

    def _resolve_bargaining(self) -> None:
        self.shift_conditions: list[CompiledStatement | None] = []
        section = self.document.bargaining
        if section is None:
            return
        for k, sh in enumerate(section.shifts):
            self.shift_conditions.append(
                self._statement(("bargaining", "shifts", k, "when"), sh.when)
            )
        for i, actor in enumerate(section.actors):
            unc = actor.uncertain
            if unc is None:
                continue
            base: DocPath = ("bargaining", "actors", i, "uncertain")
            if unc.capability is not None:
                self.uncertain.append(
                    UncertainInput(
                        f"{actor.name}.capability",
                        "capability",
                        unc.capability,
                        (*base, "capability"),
                        actor.name,
                    )
                )
            for field_name in ("positions", "salience"):
                for dim, dist in getattr(unc, field_name).items():
                    self.uncertain.append(
                        UncertainInput(
                            f"{actor.name}.{field_name}.{dim}",
                            field_name,
                            dist,
                            (*base, field_name, dim),
                            actor.name,
                            None,
                        )
                    )

    def _unknown_parameter(self, name: str) -> str:
        hint = did_you_mean(name, list(self.parameters)) or " (declare it under 'parameters:')"
        return f"unknown parameter '{name}'{hint}"

    def _resolve_alternatives(self) -> None:
        """Check the ``alternatives:`` section: unique names, parameters that exist and are
        not derived, and the same parameters set by every choice of one alternative."""
        self.alternatives: list[ResolvedAlternative] = []
        seen: set[str] = set()
        derived = set(self.derivation.derived)
        for k, alt in enumerate(self.document.alternatives):
            base: DocPath = ("alternatives", k)
            if alt.name in seen:
                self._problem((*base, "name"), f"duplicate alternative name '{alt.name}'")
                continue
            seen.add(alt.name)
            names: list[str] = []
            ok = True
            for j, choice in enumerate(alt.choices):
                where: DocPath = (*base, "choices", j)
                if choice.name in names:
                    self._problem((*where, "name"), f"duplicate choice '{choice.name}'")
                    ok = False
                names.append(choice.name)
                for p in choice.parameters:
                    if p not in self.parameters:
                        self._problem(
                            (*where, "parameters", p), self._unknown_parameter(p), key=True
                        )
                        ok = False
                    elif p in derived:
                        self._problem(
                            (*where, "parameters", p),
                            f"'{p}' is derived from a formula; an alternative sets the inputs "
                            "of a formula (a parameter the formula reads), not its result",
                            key=True,
                        )
                        ok = False
                first = list(alt.choices[0].parameters)
                if ok and sorted(choice.parameters) != sorted(first):
                    self._problem(
                        (*where, "parameters"),
                        f"choice '{choice.name}' sets {sorted(choice.parameters)} but choice "
                        f"'{alt.choices[0].name}' sets {sorted(first)}: every choice of an "
                        "alternative sets the same parameters",
                    )
                    ok = False
            if not alt.choices[0].parameters:
                self._problem((*base, "choices", 0, "parameters"), "a choice sets no parameter")
                ok = False
            if ok:
                params = tuple(alt.choices[0].parameters)
                self.alternatives.append(
                    ResolvedAlternative(
                        alt.name,
                        alt.label or alt.name,
                        tuple(c.name for c in alt.choices),
                        tuple(c.label or c.name for c in alt.choices),
                        np.array([c.weight for c in alt.choices], dtype=float),
                        params,
                        np.array(
                            [[c.parameters[p] for p in params] for c in alt.choices], dtype=float
                        ),
                        base,
                    )
                )

    @property
    def sampled_alternatives(self) -> list[ResolvedAlternative]:
        """The alternatives a Monte Carlo draws: those no variant fixed."""
        return [a for a in self.alternatives if a.name not in self.fixed_alternatives]

    def alternative_values(self, name: str, choice: str) -> dict[str, float]:
        """The parameter values of one choice of an alternative (InputError if unknown)."""
        alt = next((a for a in self.alternatives if a.name == name), None)
        if alt is None:
            known = [a.name for a in self.alternatives]
            raise InputError(
                f"no alternative '{name}'{did_you_mean(name, known)} "
                f"(alternatives: {', '.join(known) or 'none declared'})"
            )
        if choice not in alt.choices:
            raise InputError(
                f"alternative '{name}' has no choice '{choice}'"
                f"{did_you_mean(choice, list(alt.choices))} (choices: {', '.join(alt.choices)})"
            )
        row = alt.values[alt.choices.index(choice)]
        return {p: float(v) for p, v in zip(alt.parameters, row, strict=True)}

    def _out_of_range(self) -> list[Problem]:
        """Warnings: a parameter whose value lies outside its own distribution's range."""
        out = []
        for name, p in self.document.parameters.items():
            if not isinstance(p, Parameter) or p.value is None or p.distribution is None:
                continue
            d = p.distribution
            values = getattr(d, "values", None)
            lo, hi = getattr(d, "low", None), getattr(d, "high", None)
            if values:
                lo, hi = min(values), max(values)
            if (lo is not None and p.value < lo) or (hi is not None and p.value > hi):
                out.append(
                    self.source.problem(
                        ("parameters", name, "value"),
                        f"parameter '{name}' = {p.value:g} lies outside its own distribution's "
                        f"range [{'' if lo is None else f'{lo:g}'}, "
                        f"{'' if hi is None else f'{hi:g}'}]: deterministic analyses and the "
                        "Monte Carlo would describe different worlds; move one of them",
                    )
                )
        return out

    def _resolve_variants(self) -> None:
        self.variants: dict[str, Variant] = {}
        for k, v in enumerate(self.document.variants):
            base: DocPath = ("variants", k)
            if v.name in self.variants:
                self._problem((*base, "name"), f"duplicate variant name '{v.name}'")
            for p in v.parameters:
                if p not in self.parameters:
                    self._problem((*base, "parameters", p), self._unknown_parameter(p), key=True)
            for alt, choice in v.alternatives.items():
                try:
                    self.alternative_values(alt, choice)
                except InputError as exc:
                    self._problem((*base, "alternatives", alt), str(exc), key=True)
            for j, name in enumerate(v.remove_options):
                self._option((*base, "remove_options", j), name)
            for j, name in enumerate(v.status_quo or []):
                self._option((*base, "status_quo", j), name)
            if not (
                v.parameters
                or v.alternatives
                or v.remove_options
                or v.status_quo is not None
                or v.perceptions
            ):
                self._problem(
                    base,
                    "a variant must change something: give parameters, "
                    "status_quo, remove_options or perceptions",
                )
            self.variants[v.name] = v

    def _ref(self, name: str) -> OptionRef | None:
        """Resolve an option name without recording a problem (None if unknown)."""
        dm, _, opt = name.rpartition(".")
        try:
            return self.catalogue.resolve(dm or None, opt, 0)
        except StatementError:
            return None

    def _option(self, path: DocPath, name: str) -> OptionRef | None:
        dm, _, opt = name.rpartition(".")
        try:
            return self.catalogue.resolve(dm or None, opt, 0)
        except StatementError as exc:
            self._problem(path, exc.message)
            return None

    def _groups(self, key: str) -> list[tuple[list[int], DocPath]]:
        out: list[tuple[list[int], DocPath]] = []
        for k, item in enumerate(getattr(self.document, key)):
            base: DocPath = (key, k, "options") if isinstance(item, OptionGroup) else (key, k)
            idx = []
            for j, name in enumerate(group_options(item)):
                ref = self._option((*base, j), name)
                if ref is not None:
                    idx.append(ref.index)
            out.append((idx, (key, k)))
        return out

    def _statement(
        self, path: DocPath, item: Any, *, probability_allowed: bool = False
    ) -> CompiledStatement | None:
        text = statement_text(item)
        if (
            isinstance(item, NotedStatement)
            and item.probability is not None
            and not probability_allowed
        ):
            self._problem(
                (*path[:-1], "probability") if path[-1:] == ("statement",) else path,
                "'probability' applies only to prioritization statements (an "
                "uncertain preference); remove it here",
                key=True,
            )
        try:
            expr = parse_statement(text, self.catalogue)
        except StatementError as exc:
            self._problem(path, exc.message, offset=exc.offset)
            return None
        note = item.note if isinstance(item, NotedStatement) else None
        return CompiledStatement(expr, text, path, note)

    def _preference(self, dm: str, pref: Preference) -> CompiledPreference:
        base: DocPath = ("preferences", dm, pref.form)
        out = CompiledPreference(dm, pref.form, [], path=base)
        if pref.form == "prioritization":
            groups = 0
            for k, item in enumerate(pref.prioritization or []):
                members = [((*base, k), item, -1)]
                if isinstance(item, AnyOrder):
                    members = [
                        ((*base, k, "any_order", j), it, groups)
                        for j, it in enumerate(item.any_order)
                    ]
                    groups += 1
                for path, it, group in members:
                    st = self._statement(_stmt_path(path, it), it, probability_allowed=True)
                    if st:
                        out.entries.append([st])
                        out.order_group.append(group)
                        prob = it.probability if isinstance(it, NotedStatement) else None
                        out.probability.append(1.0 if prob is None else prob)
        elif pref.form == "ranking":
            for k, entry in enumerate(pref.ranking or []):
                if isinstance(entry, list):
                    if not entry:
                        self._problem((*base, k), "an empty tie: list at least one statement")
                        continue
                    tie = [
                        self._statement(_stmt_path((*base, k, j), it), it)
                        for j, it in enumerate(entry)
                    ]
                    out.entries.append([t for t in tie if t])
                else:
                    st = self._statement(_stmt_path((*base, k), entry), entry)
                    if st:
                        out.entries.append([st])
        else:
            for k, w in enumerate(pref.weights or []):
                st = self._statement((*base, k, "when"), w.when)
                value = w.value
                source: tuple[Any, ...]
                if isinstance(value, str):
                    sign = -1.0 if value.startswith("-") else 1.0
                    value = value.removeprefix("-")
                    self.used_parameters.add(value)
                    if value not in self.parameters:
                        self._problem((*base, k, "value"), self._unknown_parameter(value))
                        continue
                    source = ("param", value, sign)
                    value = sign * self.parameters[value]
                else:
                    if value is None:
                        # Weight's validator requires a value or a distribution
                        assert w.distribution is not None
                        value = w.distribution.point
                    source = ("const", float(value))
                    if w.distribution is not None:
                        self.uncertain.append(
                            UncertainInput(
                                f"{dm}.weights[{k}]",
                                "weight",
                                w.distribution,
                                (*base, k, "distribution"),
                                dm,
                                len(out.values),
                            )
                        )
                if st:
                    out.entries.append([st])
                    out.values.append(float(value))
                    out.sources.append(source)
        return out

    # ------------------------------------------------------------------ API
    @property
    def name(self) -> str:
        return self.document.name

    @property
    def file(self) -> str:
        return self.source.file

    def question(self, qid: str) -> CompiledQuestion:
        """The compiled question with id ``qid``; InputError when there is none."""
        for q in self.questions:
            if q.id == qid:
                return q
        ids = [q.id for q in self.questions]
        raise InputError(
            f"no question '{qid}'{did_you_mean(qid, ids)}; the scenario asks "
            f"{', '.join(ids) or 'none'}"
        )

    def option_label(self, index: int) -> str:
        ref = self.options[index]
        dm = self.document.decision_makers[self.option_dm[index]]
        opt = next(o for o in dm.options if o.name == ref.option)
        return opt.label or ref.option

    def dm_label(self, name: str) -> str:
        dm = self.document.decision_makers[self.dm_names.index(name)]
        return dm.label or dm.name

    def with_changes(
        self,
        parameters: dict[str, float] | None = None,
        status_quo: list[str] | None = None,
        remove_options: list[str] | tuple[str, ...] = (),
        variant: str | None = None,
        perceptions: list[dict[str, Any]] | None = None,
        alternatives: dict[str, str] | None = None,
    ) -> Self:
        """A copy with parameters overridden, another status quo, options removed, or more
        perceptions (added to the document's).

        A removed option can never be taken (states that take it are infeasible) and is
        dropped from the status quo. Errors point into the original document.
        """
        data = copy.deepcopy(self.data)
        fixed = dict(self.fixed_alternatives)
        if alternatives:
            chosen: dict[str, float] = {}
            for name, choice in alternatives.items():
                chosen.update(self.alternative_values(name, choice))
                fixed[name] = choice
            parameters = {**chosen, **(parameters or {})}
        if perceptions:
            data["perceptions"] = [*data.get("perceptions", []), *copy.deepcopy(perceptions)]
        for key, value in (parameters or {}).items():
            if key not in self.parameters:
                raise ScenarioError(
                    [self.source.problem(("parameters",), self._unknown_parameter(key))]
                )
            value = limits.finite(value, f"parameter '{key}'", self.file, "parameters")
            current = data["parameters"][key]
            if isinstance(current, dict) and "formula" in current:
                if float(value) == self.parameters[key]:
                    continue  # unchanged: keep the formula
                current.pop("formula")  # set explicitly: the value overrides the formula
                current.pop("before_evidence", None)
                current["value"] = float(value)
            elif isinstance(current, dict):
                current["value"] = float(value)
            else:
                data["parameters"][key] = float(value)
        removed = set(self.removed)
        for name in remove_options:
            ref = self._option(("variants",), name)
            if ref is None:
                raise ScenarioError(self.problems)
            removed.add(ref.index)
        if status_quo is not None:
            data["status_quo"] = list(status_quo)
        if removed and data.get("status_quo"):
            data["status_quo"] = [
                n
                for n in data["status_quo"]
                if (ref := self._ref(n)) is None or ref.index not in removed
            ]
        document = ScenarioDocument.model_validate(data)
        return type(self)(
            document,
            data,
            self.source,
            self.text,
            removed=tuple(removed),
            variant=variant or self.variant_name,
            as_of=self._as_of,
            fixed=tuple(fixed.items()),
        )

    def as_of(self, when: datetime.date | str | None) -> Self:
        """The scenario analysed with only the evidence published on or before ``when`` (a date
        or ``YYYY-MM-DD``; None or ``"latest"``: every figure, however late). A figure published
        later counts with its latest earlier entry; a formula reading a figure with none is
        refused (:class:`ScenarioError` at the formula)."""
        when = parse_as_of(when)
        return type(self)(
            self.document,
            self.data,
            self.source,
            self.text,
            removed=self.removed,
            variant=self.variant_name,
            as_of=datetime.date.max if when is None else when,
            fixed=tuple(self.fixed_alternatives.items()),
        ).validate()

    @property
    def bargaining(self) -> BargainingSection | None:
        """The bargaining section (issue dimensions and actors), if the scenario has one."""
        return self.document.bargaining

    def shifts_at(self, state_code: int) -> list[str]:
        """Names of the bargaining shifts whose condition holds at a conflict state."""
        section = self.document.bargaining
        if section is None:
            return []
        codes = np.array([state_code], dtype=np.uint64)
        return [
            sh.name
            for sh, cond in zip(section.shifts, self.shift_conditions, strict=True)
            if cond is not None and bool(evaluate_codes(cond.expr, codes)[0])
        ]

    @cached_property
    def bargaining_arrays(self) -> SectionArrays:
        """The bargaining section as arrays (see :mod:`offramp.scenario.bargaining_problem`)."""
        section = self.document.bargaining
        if section is None:
            raise ScenarioError(
                [
                    self.source.problem(
                        (), f"scenario '{self.name}' has no bargaining section; add 'bargaining:'"
                    )
                ]
            )
        return SectionArrays(section, self.name)

    def bargaining_problem(self, shifts: list[str] | tuple[str, ...] = ()) -> BargainingProblem:
        """The bargaining problem, with the named shifts applied (in declaration order)."""
        arrays = self.bargaining_arrays
        return arrays.problem(arrays.mask(shifts))

    def variant(self, name: str) -> Self:
        """The scenario as changed by one of its declared variants."""
        if name not in self.variants:
            known = ", ".join(self.variants) or "none declared"
            raise InputError(
                f"no variant '{name}'{did_you_mean(name, list(self.variants))} (variants: {known})"
            )
        v = self.variants[name]
        k = list(self.variants).index(name)
        try:
            return self.with_changes(
                v.parameters,
                v.status_quo,
                v.remove_options,
                variant=name,
                perceptions=self.data["variants"][k].get("perceptions"),
                alternatives=v.alternatives,
            ).validate()
        except ScenarioError as exc:
            # the problem shows in the variant's state space: point at the variant
            where = self.source.problem(("variants", k), "")
            raise ScenarioError(
                [
                    Problem(
                        f"variant '{name}': {p.message}" + (f" (at {p.path})" if p.path else ""),
                        f"variants[{k}]",
                        where.file,
                        where.line,
                        where.column,
                    )
                    for p in exc.problems
                ]
            ) from None

    def check_variants(self) -> list[Problem]:
        """Problems that only show in a variant's own state space (e.g. an infeasible status
        quo there); ``offramp validate`` runs this for every variant."""
        problems: list[Problem] = []
        for name in self.variants:
            try:
                self.variant(name)
            except ScenarioError as exc:
                problems.extend(exc.problems)
        return problems

    def check_bargaining(self) -> list[Problem]:
        """The bargaining limits, checked by ``offramp validate`` as ``analyze`` and ``report``
        meet them: the size of the problem, and the limits of the models a report compares
        (bdm and smp grow as actors^3). Each problem is located at the bargaining actors."""
        if self.document.bargaining is None:
            return []
        from offramp.bargaining.limits import CUBIC_BYTES, check_cubic_model
        from offramp.bargaining.registry import REPORT_MODELS

        at = ("bargaining", "actors")
        try:
            problem = self.bargaining_problem()
            for model in REPORT_MODELS:
                if model in CUBIC_BYTES:
                    check_cubic_model(problem, model)
        except BargainingInputError as exc:
            return [
                self.source.problem(
                    at,
                    f"{exc.message} (analyze and report compare the models "
                    f"{', '.join(REPORT_MODELS)})",
                )
            ]
        return []

    @cached_property
    def conflict(self) -> ConflictModel:
        """The compiled conflict: feasible states and preference ranks (validated)."""
        return compile_conflict(self)

    def validate(self) -> Self:
        """Run every check, including those that need the state space; returns self."""
        _ = self.conflict
        return self

    def to_dict(self) -> dict[str, Any]:
        """The document as plain data (defaults filled in)."""
        return self.document.model_dump(mode="json", exclude_none=True)

    def __repr__(self) -> str:
        return (
            f"Scenario({self.name!r}, decision_makers={self.dm_names}, options={len(self.options)})"
        )
