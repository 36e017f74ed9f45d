"""Loading a scenario: text or dict -> validated document -> resolved, compiled scenario.

Validation happens in layers so that each error can say precisely what is wrong: YAML syntax
(ruamel), structure and types (pydantic), then meaning (names, statements, parameters), and
finally what needs the state space (rankings that must cover every feasible state, an empty
feasible set, an infeasible status quo, a state space too large for memory).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from offramp.scenario import limits
from offramp.scenario.bargaining_section import (
    ActorUncertainty,
    BargainingActor,
    BargainingDimension,
    BargainingSection,
    Shift,
    ShiftChange,
)
from offramp.scenario.distributions import Distribution
from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.model import (
    AnyOrder,
    DecisionMaker,
    NotedStatement,
    Option,
    OptionGroup,
    Parameter,
    Preference,
    Question,
    ScenarioDocument,
    Source,
    Variant,
    Weight,
    group_options,
    statement_text,
)
from offramp.scenario.statements import Catalogue, Expr, OptionRef, StatementError, parse_statement
from offramp.scenario.validation import problems_from_validation
from offramp.scenario.yaml_source import Path, SourceMap, parse_yaml

if TYPE_CHECKING:
    from offramp.conflict.model import ConflictModel
    from offramp.conflict.result import StabilityResult


def _keys(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


FIELDS_AT: dict[tuple, list[str]] = {
    (): _keys(ScenarioDocument),
    ("sources", "*"): _keys(Source),
    ("decision_makers", "*"): _keys(DecisionMaker),
    ("decision_makers", "*", "options", "*"): _keys(Option),
    ("infeasible", "*"): _keys(NotedStatement),
    ("mutually_exclusive", "*"): _keys(OptionGroup),
    ("at_least_one", "*"): _keys(OptionGroup),
    ("parameters", "@"): _keys(Parameter),
    ("preferences", "@"): _keys(Preference),
    ("preferences", "@", "prioritization", "*"): _keys(NotedStatement),
    ("preferences", "@", "ranking", "*"): _keys(NotedStatement),
    ("preferences", "@", "ranking", "*", "*"): _keys(NotedStatement),
    ("preferences", "@", "weights", "*"): _keys(Weight),
    ("preferences", "@", "weights", "*", "distribution"): _keys(Distribution),
    ("parameters", "@", "distribution"): _keys(Distribution),
    ("preferences", "@", "prioritization", "*", "any_order", "*"): _keys(NotedStatement),
    ("questions", "*"): _keys(Question),
    ("bargaining",): _keys(BargainingSection),
    ("bargaining", "dimensions", "*"): _keys(BargainingDimension),
    ("bargaining", "actors", "*"): _keys(BargainingActor),
    ("bargaining", "actors", "*", "uncertain"): _keys(ActorUncertainty),
    ("bargaining", "shifts", "*"): _keys(Shift),
    ("bargaining", "shifts", "*", "actors", "@"): _keys(ShiftChange),
    ("variants", "*"): _keys(Variant),
}


@dataclass(frozen=True)
class CompiledStatement:
    expr: Expr
    text: str
    path: Path
    note: str | None = None


@dataclass(frozen=True)
class CompiledQuestion:
    id: str
    question: Question
    statement: CompiledStatement
    search_range: tuple[float, float] | None
    path: Path

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
    path: Path
    dm: str | None = None
    index: int | None = None  # weight index within the DM's weights


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
    path: Path = ()
    sources: list[tuple] = field(default_factory=list)  # weights: ("const", v) | ("param", n, s)
    order_group: list[int] = field(default_factory=list)
    probability: list[float] = field(default_factory=list)


def _stmt_path(base: Path, item: Any) -> Path:
    return (*base, "statement") if isinstance(item, NotedStatement) else base


class Scenario:
    """A validated scenario: the document, its resolved statements and where each came from.

    Construct with :func:`load`, :func:`from_yaml_text` or :func:`from_dict`.
    """

    def __init__(
        self,
        document: ScenarioDocument,
        data: dict,
        source: SourceMap,
        text: str | None,
        *,
        removed: tuple[int, ...] = (),
        variant: str | None = None,
    ):
        self.document = document
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
    def _problem(self, path: Path, message: str, *, key: bool = False, offset: int | None = None):
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
        self.option_paths: list[Path] = []
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
                import difflib

                close = difflib.get_close_matches(dm_name, self.dm_names, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self._problem(
                    ("preferences", dm_name),
                    f"preferences for unknown decision maker '{dm_name}'{hint}",
                    key=True,
                )
                continue
            self.preferences[dm_name] = self._preference(dm_name, pref)
        self._resolve_questions()
        self._resolve_variants()
        self._resolve_bargaining()
        self.warnings: list[Problem] = [
            self.source.problem(
                ("parameters", name),
                f"parameter '{name}' is never used by a "
                "weight; sweeps and variants of it change nothing",
                key=True,
            )
            for name in self.parameters
            if name not in self.used_parameters
        ]
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
                    from offramp.uncertainty.sweep import default_range

                    lo_hi = default_range(self.parameters[q.parameter])
            elif q.range is not None:
                self._problem(
                    ("questions", k, "range"),
                    "a range needs a 'parameter' to search over; add one or drop it",
                )
            if st:
                self.questions.append(CompiledQuestion(qid, q, st, lo_hi, ("questions", k)))

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
            base: Path = ("bargaining", "actors", i, "uncertain")
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
        import difflib

        close = difflib.get_close_matches(name, list(self.parameters), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else " (declare it under 'parameters:')"
        return f"unknown parameter '{name}'{hint}"

    def _resolve_variants(self) -> None:
        self.variants: dict[str, Variant] = {}
        for k, v in enumerate(self.document.variants):
            base: Path = ("variants", k)
            if v.name in self.variants:
                self._problem((*base, "name"), f"duplicate variant name '{v.name}'")
            for p in v.parameters:
                if p not in self.parameters:
                    self._problem((*base, "parameters", p), self._unknown_parameter(p), key=True)
            for j, name in enumerate(v.remove_options):
                self._option((*base, "remove_options", j), name)
            for j, name in enumerate(v.status_quo or []):
                self._option((*base, "status_quo", j), name)
            if not (v.parameters or v.remove_options or v.status_quo is not None):
                self._problem(
                    base,
                    "a variant must change something: give parameters, "
                    "status_quo or remove_options",
                )
            self.variants[v.name] = v

    def _ref(self, name: str) -> OptionRef | None:
        """Resolve an option name without recording a problem (None if unknown)."""
        dm, _, opt = name.rpartition(".")
        try:
            return self.catalogue.resolve(dm or None, opt, 0)
        except StatementError:
            return None

    def _option(self, path: Path, name: str) -> OptionRef | None:
        dm, _, opt = name.rpartition(".")
        try:
            return self.catalogue.resolve(dm or None, opt, 0)
        except StatementError as exc:
            self._problem(path, exc.message)
            return None

    def _groups(self, key: str) -> list[tuple[list[int], Path]]:
        out = []
        for k, item in enumerate(getattr(self.document, key)):
            base: Path = (key, k, "options") if isinstance(item, OptionGroup) else (key, k)
            idx = []
            for j, name in enumerate(group_options(item)):
                ref = self._option((*base, j), name)
                if ref is not None:
                    idx.append(ref.index)
            out.append((idx, (key, k)))
        return out

    def _statement(
        self, path: Path, item: Any, *, probability_allowed: bool = False
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
        base: Path = ("preferences", dm, pref.form)
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
                source: tuple
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
    ) -> Scenario:
        """A copy with parameters overridden, another status quo, or options removed.

        A removed option can never be taken (states that take it are infeasible) and is
        dropped from the status quo. Errors point into the original document.
        """
        import copy

        data = copy.deepcopy(self.data)
        for key, value in (parameters or {}).items():
            if key not in self.parameters:
                raise ScenarioError(
                    [self.source.problem(("parameters",), self._unknown_parameter(key))]
                )
            value = limits.finite(value, f"parameter '{key}'", self.file, "parameters")
            current = data["parameters"][key]
            if isinstance(current, dict):
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
                if self._ref(n) is None or self._ref(n).index not in removed
            ]
        document = ScenarioDocument.model_validate(data)
        return Scenario(
            document,
            data,
            self.source,
            self.text,
            removed=tuple(removed),
            variant=variant or self.variant_name,
        )

    @property
    def bargaining(self) -> BargainingSection | None:
        """The bargaining section (issue dimensions and actors), if the scenario has one."""
        return self.document.bargaining

    def shifts_at(self, state_code: int) -> list[str]:
        """Names of the bargaining shifts whose condition holds at a conflict state."""
        import numpy as np

        from offramp.scenario.statements import evaluate_codes

        section = self.document.bargaining
        if section is None:
            return []
        codes = np.array([state_code], dtype=np.uint64)
        return [
            sh.name
            for sh, cond in zip(section.shifts, self.shift_conditions, strict=True)
            if cond is not None and bool(evaluate_codes(cond.expr, codes)[0])
        ]

    def bargaining_problem(self, shifts: list[str] | tuple[str, ...] = ()):
        """The bargaining problem, with the named shifts applied (in declaration order)."""
        from offramp.bargaining.section import problem_from_section

        section = self.document.bargaining
        if section is None:
            raise ValueError(f"scenario '{self.name}' has no bargaining section")
        if shifts:
            section = section.model_copy(deep=True)
            wanted = set(shifts)
            by_name = {a.name: a for a in section.actors}
            for sh in section.shifts:
                if sh.name not in wanted:
                    continue
                for actor, change in sh.actors.items():
                    a = by_name[actor]
                    if change.capability is not None:
                        a.capability = change.capability
                    a.positions.update(change.positions)
                    a.salience.update(change.salience)
        return problem_from_section(section, self.name)

    def variant(self, name: str) -> Scenario:
        """The scenario as changed by one of its declared variants."""
        if name not in self.variants:
            known = ", ".join(self.variants) or "none declared"
            raise KeyError(f"no variant '{name}' (variants: {known})")
        v = self.variants[name]
        k = list(self.variants).index(name)
        try:
            return self.with_changes(
                v.parameters, v.status_quo, v.remove_options, variant=name
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

    @cached_property
    def conflict(self) -> ConflictModel:
        """The compiled conflict: feasible states and preference ranks (validated)."""
        from offramp.scenario.compile import compile_conflict

        return compile_conflict(self)

    def validate(self) -> Scenario:
        """Run every check, including those that need the state space; returns self."""
        _ = self.conflict
        return self

    def stability(self) -> StabilityResult:
        """Per-DM stability under Nash, GMR, SMR and SEQ, and the equilibria (computed once per
        scenario: a scenario does not change after loading; variants are new scenarios)."""
        from offramp.conflict.stability import analyse

        if "stability" not in self.conflict._cache:
            self.conflict._cache["stability"] = analyse(self.conflict)
        return self.conflict._cache["stability"]

    def analyze(self):
        """Stability plus the evolution from the status quo (see :mod:`offramp.analysis`)."""
        from offramp.analysis import analyze

        return analyze(self)

    def to_dict(self) -> dict:
        """The document as plain data (defaults filled in)."""
        return self.document.model_dump(mode="json", exclude_none=True)

    def __repr__(self) -> str:
        return (
            f"Scenario({self.name!r}, decision_makers={self.dm_names}, options={len(self.options)})"
        )


def _from_data(data: Any, smap: SourceMap, text: str | None) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                smap.problem(
                    (),
                    "a scenario must be a mapping of keys "
                    "(format, name, decision_makers, preferences, ...)",
                )
            ]
        )
    limits.check_data(data, smap.problem, smap.file, strict_types=False)
    limits.check_counts(data, smap.problem)
    try:
        document = ScenarioDocument.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, data, smap, FIELDS_AT)) from None
    return Scenario(document, data, smap, text)


def from_yaml_text(text: str, file: str = "<scenario>", *, check_states: bool = True) -> Scenario:
    """Parse a scenario from YAML text; ``file`` names it in error messages."""
    data, smap = parse_yaml(text, file)
    scenario = _from_data(data, smap, text)
    return scenario.validate() if check_states else scenario


def load(path: str | FsPath, *, check_states: bool = True) -> Scenario:
    """Load a scenario file (YAML, or JSON which is YAML too)."""
    p = FsPath(path)
    try:
        text = limits.read_text(p)  # no further than the size limit
    except FileNotFoundError:
        raise ScenarioError([Problem(f"no such file: {p}", "", str(p))]) from None
    except IsADirectoryError:
        raise ScenarioError(
            [Problem(f"{p} is a directory, not a scenario file", "", str(p))]
        ) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(f"not UTF-8 text ({exc.reason} at byte {exc.start})", "", str(p))]
        ) from None
    except OSError as exc:
        raise ScenarioError(
            [Problem(f"cannot read the file: {exc.strerror}", "", str(p))]
        ) from None
    except ValueError as exc:  # e.g. a NUL character in the path
        raise ScenarioError([Problem(f"cannot read the file: {exc}", "", repr(str(p)))]) from None
    return from_yaml_text(text, str(p), check_states=check_states)


def from_dict(data: dict, name: str = "<dict>", *, check_states: bool = True) -> Scenario:
    """Build a scenario from a Python dict with the same keys as the YAML format."""
    smap = SourceMap(file=name)
    limits.check_data(data, smap.problem, name, strict_types=True)  # before copying it
    plain = json.loads(json.dumps(data))  # detach from the caller's objects, JSON types only
    scenario = _from_data(plain, smap, None)
    return scenario.validate() if check_states else scenario
