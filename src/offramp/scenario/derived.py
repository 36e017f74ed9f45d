"""Derived parameters: parameters whose value is a formula over evidence figures and other
parameters, resolved in dependency order.

Resolution (once per scenario, before weights are resolved): parse every formula
(:mod:`offramp.scenario.expressions`), check that each name is a figure or a parameter, check
units, order the derived parameters so that each comes after what it reads, and refuse cycles
with the cycle's path in the message. Evaluation (:meth:`Derivation.values`) is then a walk in
that order, used for the point values, for every Monte Carlo sample (figures drawn within their
ranges, see :attr:`offramp.scenario.evidence.Figure.distribution`), and for sweeps.

Propagation choice: a figure's range is sampled (triangular on [low, high] with the figure's
value as the mode, uniform when no value is given) and the formula is evaluated per sample; a
derived parameter's distribution is thus the exact image of the figures' draws under the
formula, whatever its shape, rather than a fitted approximation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, NoReturn, Protocol

import numpy as np

import offramp.scenario.limits as limits
from offramp.errors import did_you_mean
from offramp.scenario.document import Fallback, Parameter, ScenarioDocument
from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.evidence import (
    FigureRecord,
    check_figures,
    first_published,
    later_figures,
)
from offramp.scenario.expressions import (
    FormulaError,
    Node,
    Unit,
    evaluate,
    names,
    parse,
    parse_unit,
    unit_of,
    unit_text,
)
from offramp.scenario.resolved import UncertainInput
from offramp.scenario.yaml_source import SourceMap

#: a document's ``parameters:`` entry: a plain number or a declared parameter
ParameterEntry = float | Parameter


def fallback_of(parameters: Mapping[str, ParameterEntry], name: str) -> Fallback:
    """The ``before_evidence`` judgment of a parameter named in :attr:`Derivation.fallbacks`
    (:func:`resolve` names there only declared parameters that have one)."""
    entry = parameters[name]
    if not isinstance(entry, Parameter) or entry.before_evidence is None:
        raise KeyError(f"parameter '{name}' has no 'before_evidence' judgment")
    return entry.before_evidence


@dataclass(frozen=True)
class DerivedParameter:
    name: str
    formula: str
    node: Node
    figures: tuple[str, ...]  # evidence ids read directly
    parameters: tuple[str, ...]  # parameters read directly
    unit: Unit | None


@dataclass
class Derivation:
    """Derived parameters in evaluation order, and the figures they can read."""

    figures: dict[str, FigureRecord] = field(default_factory=dict)
    derived: dict[str, DerivedParameter] = field(default_factory=dict)  # topological order
    #: where each derived parameter's formula is written (a Problem without its message), so
    #: that a value refused at any point (a Monte Carlo sample too) is reported at its place
    where: dict[str, Problem] = field(default_factory=dict)
    #: derived parameters worth their ``before_evidence`` judgment at this analysis date (a
    #: figure their formula reads was not yet published): name -> the figures missing
    fallbacks: dict[str, list[str]] = field(default_factory=dict)

    def figure_points(self) -> dict[str, float]:
        return {k: r.figure.point for k, r in self.figures.items()}

    def refuse(self, name: str, value: float, env: Mapping[str, float]) -> NoReturn:
        """Raise the located error for a derived value that is not finite or is over the
        number limit (the same limit as a number written in the file)."""
        d = self.derived[name]
        read = dict.fromkeys(n for n, _ in names(d.node))
        inputs = ", ".join(f"{k}={float(env[k]):g}" for k in read)
        text = f"derived parameter '{name}' = {d.formula} "
        if not math.isfinite(value):
            text += f"is not a finite number for these inputs ({inputs})"
        else:
            lim = limits.LIMITS["number_abs"]
            text += (
                f"is {value:.3g} for these inputs ({inputs}), over the limit of "
                f"{limits.value('number_abs'):g} on the size of a number; {lim.advice}"
            )
        at = self.where.get(name) or Problem("", f"parameters.{name}.formula")
        raise ScenarioError([replace(at, message=text)])

    def values(
        self,
        parameters: Mapping[str, float],
        evidence: Mapping[str, float] | None = None,
        fixed: Iterable[str] = (),
    ) -> dict[str, float]:
        """``parameters`` with every derived parameter recomputed (those named in ``fixed``
        keep the value given: a sweep or a variant that sets a derived parameter overrides its
        formula). ``evidence`` overrides figure values (a Monte Carlo sample). A value that is
        not finite or is over the number limit is a `ScenarioError` at the formula."""
        env: dict[str, float] = {**self.figure_points(), **(evidence or {})}
        out = dict(parameters)
        env.update(out)
        keep = set(fixed)
        max_abs = limits.value("number_abs")
        for name, d in self.derived.items():
            if name in keep:
                continue
            with np.errstate(all="ignore"):  # an overflow is reported below, at the formula
                v = float(evaluate(d.node, env))
            if not math.isfinite(v) or abs(v) > max_abs:
                self.refuse(name, v, env)
            out[name] = env[name] = v
        return out

    def values_batch(
        self,
        parameters: Mapping[str, float | np.ndarray],
        evidence: Mapping[str, np.ndarray],
        size: int,
        fixed: Iterable[str] = (),
    ) -> dict[str, float | np.ndarray]:
        """:meth:`values` for ``size`` samples at once: a sampled parameter or figure is an
        array (size,), the others plain numbers; each formula is evaluated once over the
        arrays (element for element the arithmetic of one sample). A sample whose formulas are
        not finite or over the number limit raises the error :meth:`values` raises for the
        first such sample.
        ``fixed`` as in :meth:`values`."""
        env: dict[str, float | np.ndarray] = {**self.figure_points(), **evidence}
        out = dict(parameters)
        env.update(out)
        keep = set(fixed)
        max_abs = limits.value("number_abs")
        bad = np.zeros(size, dtype=bool)
        with np.errstate(all="ignore"):  # one sample's inf - inf is not every sample's warning
            for name, d in self.derived.items():
                if name in keep:
                    continue
                v = evaluate(d.node, env)
                v = np.asarray(v, dtype=float) if isinstance(v, np.ndarray) else float(v)
                bad |= ~np.isfinite(v) | (np.abs(v) > max_abs)
                out[name] = env[name] = v
        if bad.any():
            b = int(np.argmax(bad))
            self.values(
                {k: float(v[b]) if isinstance(v, np.ndarray) else v for k, v in parameters.items()},
                {k: float(v[b]) for k, v in evidence.items()},
                fixed=keep,
            )
        return out

    def evidence_of(self, name: str) -> list[str]:
        """Every figure a parameter rests on, through other derived parameters too."""
        seen: list[str] = []
        stack = [name]
        visited = set()
        while stack:
            n = stack.pop()
            if n in visited or n not in self.derived:
                continue
            visited.add(n)
            d = self.derived[n]
            seen.extend(f for f in d.figures if f not in seen)
            stack.extend(reversed(d.parameters))
        return seen

    def used_figures(self) -> list[str]:
        out: list[str] = []
        for name in self.derived:
            out.extend(f for f in self.evidence_of(name) if f not in out)
        return out


def resolve(
    parameters: Mapping[str, ParameterEntry],
    figures: dict[str, FigureRecord],
    source: SourceMap,
    pending: Mapping[str, date | None] | None = None,
    as_of: date | None = None,
) -> tuple[Derivation, list[Problem]]:
    """Parse, check and order the derived parameters of a document's ``parameters:``.

    ``parameters`` maps names to the document's entries (a number or a ``Parameter``).
    ``pending``: figures declared but not yet known at the analysis date ``as_of`` (id -> when
    first published); a formula reading one is refused at that name.
    Returns the derivation and the problems (each located in the file: formula errors at the
    offending character)."""
    pending = pending or {}
    fallbacks: dict[str, list[str]] = {}
    problems: list[Problem] = []
    units: dict[str, Unit] = {k: r.unit for k, r in figures.items()}
    for name, p in parameters.items():
        declared = getattr(p, "unit", None)
        units[name] = parse_unit(declared)
    parsed: dict[str, DerivedParameter] = {}
    where: dict[str, Problem] = {}
    for name, p in parameters.items():
        formula = getattr(p, "formula", None)
        if formula is None:
            continue
        path = ("parameters", name, "formula")
        try:
            node = parse(formula)
        except FormulaError as exc:
            problems.append(source.problem(path, exc.message, offset=exc.offset))
            continue
        figs, params, bad = [], [], False
        fallback = getattr(p, "before_evidence", None)
        missing = [n for n, _ in names(node) if n in pending and n not in figures]
        if missing and fallback is not None:
            fallbacks[name] = list(dict.fromkeys(missing))
            continue
        for n, off in names(node):
            if n in figures:
                if n not in figs:
                    figs.append(n)
            elif n in parameters:
                if n not in params:
                    params.append(n)
            elif n in pending:
                when = pending[n]
                problems.append(
                    source.problem(
                        path,
                        f"figure '{n}' was not yet known on the analysis date {as_of} (first "
                        f"published {when}): declare an earlier value of it (another evidence "
                        "entry with the same id and an earlier 'published' date), give the "
                        "parameter a 'before_evidence' judgment, or analyse as of "
                        f"{when} or later",
                        offset=off,
                    )
                )
                bad = True
            else:
                hint = did_you_mean(n, [*figures, *parameters]) or (
                    " (formulas read evidence ids and parameter names)"
                )
                problems.append(source.problem(path, f"unknown name '{n}'{hint}", offset=off))
                bad = True
        if bad:
            continue
        try:
            inferred = unit_of(node, units)
        except FormulaError as exc:
            problems.append(source.problem(path, exc.message, offset=exc.offset))
            continue
        declared = getattr(p, "unit", None)
        if declared is not None and inferred is not None and inferred != units[name]:
            problems.append(
                source.problem(
                    path,
                    f"the formula gives {unit_text(inferred)} but the parameter declares "
                    f"unit '{declared}' ({unit_text(units[name])})",
                )
            )
            continue
        parsed[name] = DerivedParameter(name, formula, node, tuple(figs), tuple(params), inferred)
        where[name] = source.problem(path, "")

    order, cycles = _order(parsed, parameters)
    for cycle in cycles:
        problems.append(source.problem(("parameters", cycle[0], "formula"), cycle_message(cycle)))
    return Derivation(figures, order, where, fallbacks), problems


@dataclass
class _Frame:
    """One step of :func:`_order`'s walk: a parameter, what it reads still to visit, and
    whether all of it resolved so far."""

    name: str
    reads: Iterator[str]
    resolved: bool = True


def _order(
    parsed: dict[str, DerivedParameter], parameters: Mapping[str, ParameterEntry]
) -> tuple[dict[str, DerivedParameter], list[list[str]]]:
    """The derived parameters in evaluation order (each after what it reads) and the cycles
    found, each once as its path. A depth-first walk with an explicit stack, not recursion: a
    chain of a thousand parameters declared in reverse order is within the limits."""
    order: dict[str, DerivedParameter] = {}
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    cycles: list[list[str]] = []
    reported: set[frozenset[str]] = set()
    for root in parsed:
        if root in state:
            continue
        state[root] = 1
        path = [root]
        frames = [_Frame(root, iter(parsed[root].parameters))]
        while frames:
            frame = frames[-1]
            dep = next(frame.reads, None)
            if dep is None:
                frames.pop()
                path.pop()
                state[frame.name] = 2
                if frame.resolved:
                    order[frame.name] = parsed[frame.name]
                if frames:
                    frames[-1].resolved = frames[-1].resolved and frame.resolved
                continue
            if dep not in parsed:
                if dep not in parameters:
                    frame.resolved = False
            elif state.get(dep) == 2:
                frame.resolved = frame.resolved and dep in order
            elif state.get(dep) == 1:
                cycle = [*path[path.index(dep) :], dep]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    cycles.append(cycle)
                frame.resolved = False
            else:
                state[dep] = 1
                path.append(dep)
                frames.append(_Frame(dep, iter(parsed[dep].parameters)))
    return order, cycles


#: a cycle longer than this is shown by its first names and its length
CYCLE_SHOWN = 6


def cycle_message(cycle: list[str]) -> str:
    """``a -> b -> a`` in full for a short cycle; the first few names and the count for a long
    one (a cycle of 900 parameters is not a readable message)."""
    members = cycle[:-1]
    if len(members) <= CYCLE_SHOWN:
        what = f"a cycle: {' -> '.join(cycle)}"
    else:
        shown = " -> ".join(members[:CYCLE_SHOWN])
        rest = len(members) - CYCLE_SHOWN
        what = f"a cycle of {len(members):,}: {shown} -> ... ({rest:,} more) -> {cycle[0]}"
    return f"derived parameters form {what}; one of them must be a plain value"


def resolve_document(
    document: ScenarioDocument, source: SourceMap, as_of: date | None = None
) -> tuple[Derivation, list[Problem], list[Problem]]:
    """The evidence section and the derived parameters of a document as known on ``as_of``
    (None: every figure): (derivation, problems, warnings). The point values are checked here
    (a formula dividing by zero is a problem at its place)."""
    figures, problems, warnings = check_figures(document, source, as_of)
    pending = {
        f.id: first_published(document, f.id) for f in document.evidence if f.id not in figures
    }
    derivation, found = resolve(document.parameters, figures, source, pending, as_of)
    problems.extend(found)
    if not problems and derivation.derived:
        base = {
            k: (
                v
                if isinstance(v, float | int)
                else fallback_of(document.parameters, k).value
                if k in derivation.fallbacks
                else v.point
            )
            for k, v in document.parameters.items()
        }
        try:
            derivation.values({k: float(v) for k, v in base.items()})
        except ScenarioError as exc:
            problems.extend(exc.problems)
    return derivation, problems, warnings


def evidence_inputs(derivation: Derivation) -> list[UncertainInput]:
    """The figures a Monte Carlo draws: those with a range that some derived parameter reads
    (directly or through another derived parameter)."""
    out = []
    for fid in derivation.used_figures():
        rec = derivation.figures[fid]
        dist = rec.figure.distribution
        if dist is not None:
            out.append(UncertainInput(fid, "evidence", dist, rec.path))
    return out


def figure_data(rec: FigureRecord) -> dict[str, Any]:
    """A figure as plain data for reports (JSON-ready)."""
    f = rec.figure
    out: dict[str, Any] = {
        "id": f.id,
        "label": f.label,
        "value": f.point,
        "low": f.low,
        "high": f.high,
        "unit": f.unit,
        "year": f.year,
        "published": None if f.published is None else f.published.isoformat(),
        "source": f.source,
        "quote": f.quote,
        "note": f.note,
        "kind": f.kind,
    }
    if f.kind == "dependency":
        out.update({"from": f.from_, "to": f.to, "good": f.good, "flow": f.flow})
    return out


class ProvenanceSpec(Protocol):
    """What the provenance views read of a resolved scenario
    (:class:`offramp.scenario.spec.ScenarioSpec`, which imports this module)."""

    @property
    def document(self) -> ScenarioDocument: ...
    @property
    def analysis_date(self) -> date | None: ...
    @property
    def derivation(self) -> Derivation: ...
    @property
    def parameters(self) -> Mapping[str, float]: ...


def later_data(spec: ProvenanceSpec) -> list[dict[str, Any]]:
    """The evidence entries published after the analysis date (what became known later), as
    plain data; none when the scenario is analysed with every figure."""
    out: list[dict[str, Any]] = []
    for f in later_figures(spec.document, spec.analysis_date):
        out.append(
            {
                "id": f.id,
                "label": f.label,
                "value": None if f.ratio is not None else f.point,
                "low": f.low,
                "high": f.high,
                "unit": f.unit,
                "year": f.year,
                "published": f.published.isoformat() if f.published else None,
                "source": f.source,
                "quote": f.quote,
            }
        )
    return out


def provenance_data(spec: ProvenanceSpec) -> dict[str, Any]:
    """Where every parameter's value comes from, as known on the analysis date (``as_of``;
    None: every figure): for a derived parameter its formula, the
    figures and parameters it reads (``evidence``: every figure it rests on, through other
    derived parameters too) and its value; for a given parameter its note (an analyst judgment
    unless it cites a source). Plus the figures and the sources they cite."""
    derivation: Derivation = spec.derivation
    params = []
    for name, entry in spec.document.parameters.items():
        label = getattr(entry, "label", None)
        note = getattr(entry, "note", None)
        row = {
            "name": name,
            "label": label,
            "value": spec.parameters[name],
            "unit": getattr(entry, "unit", None),
            "note": note,
        }
        d = derivation.derived.get(name)
        if name in derivation.fallbacks:
            row.update(
                {
                    "basis": "judgment",
                    "note": fallback_of(spec.document.parameters, name).note,
                    "formula": None,
                    "later_formula": getattr(entry, "formula", None),
                    "waits_for": derivation.fallbacks[name],
                    "reads_figures": [],
                    "reads_parameters": [],
                    "evidence": [],
                }
            )
        elif d is not None:
            row.update(
                {
                    "basis": "derived",
                    "formula": d.formula,
                    "reads_figures": list(d.figures),
                    "reads_parameters": list(d.parameters),
                    "evidence": derivation.evidence_of(name),
                }
            )
        else:
            judgment = note is None or "judgment" in note.lower()
            row.update(
                {
                    "basis": "judgment" if judgment else "given",
                    "formula": None,
                    "reads_figures": [],
                    "reads_parameters": [],
                    "evidence": [],
                }
            )
        params.append(row)
    cited = {r.figure.source for r in derivation.figures.values()}
    as_of = spec.analysis_date
    return {
        "as_of": None if as_of is None else as_of.isoformat(),
        "parameters": params,
        "figures": [figure_data(r) for r in derivation.figures.values()],
        "sources": [
            s.model_dump(exclude_none=True) for s in spec.document.sources if s.id in cited
        ],
    }
