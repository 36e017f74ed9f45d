"""The workbench's pieces of work, run in the shared pool's worker processes (see
:mod:`offramp.web.pool`): plain arguments in, plain data out, and bad input turned into a
located answer there, so the server process never parses a scenario for a request.

Every function returns ``(kind, payload)``: ``("ok", data)``, ``("problems", [problem dicts])``
for bad input (answered 422), or ``("error", message)`` for a bad request that is not a
scenario problem (also 422). Anything else escaping is a bug and is reported as one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from offramp.analysis.scenario import Scenario, from_yaml_text
from offramp.conflict.concepts import get_concept, with_defaults
from offramp.conflict.moves import move_indices
from offramp.conflict.state_ids import to_id, to_index
from offramp.errors import OfframpError
from offramp.scenario.errors import Problem, ScenarioError
from offramp.service.as_of import recorded_as_of, scenario_as_of
from offramp.service.report_content import build_report

if TYPE_CHECKING:
    from offramp.analysis.sweeps import SweepRow
    from offramp.history.source import ScenarioSource

Outcome = tuple[str, Any]


def load(text: str, file: str, variant: str | None, as_of: str | None = None) -> Scenario:
    """:func:`read`, remembered for the last few texts in this worker process: the page checks
    the same text as it is typed and then analyses it, and a sweep asks for it once per value
    (a scenario does not change once loaded)."""
    return _cached(text, file, variant, as_of)


@lru_cache(maxsize=4)
def _cached(text: str, file: str, variant: str | None, as_of: str | None) -> Scenario:
    return read(text, file, variant, as_of)


def read(text: str, file: str, variant: str | None, as_of: str | None = None) -> Scenario:
    """The scenario as the CLI reads it: the same checks as ``offramp validate`` (variants
    included: a variant whose status quo is infeasible is an error here too), as of the
    evidence date asked for (``--as-of``: the same service function), then the variant asked
    for."""
    scenario = from_yaml_text(text, file)
    problems = scenario.spec.check_variants()
    if problems:
        raise ScenarioError(problems)
    scenario = scenario_as_of(scenario, as_of)
    if variant:
        if variant not in scenario.spec.variants:
            known = ", ".join(scenario.spec.variants) or "none"
            raise ScenarioError(
                [Problem(f"no variant '{variant}' (variants: {known})", "variants", file)]
            )
        scenario = scenario.variant(variant)
    return scenario


def guarded(fn: Callable[..., Any], *args: Any) -> Outcome:
    """Run ``fn`` and turn bad input into an answer the page can show."""
    try:
        return "ok", fn(*args)
    except ScenarioError as exc:
        return "problems", [p.to_dict() for p in exc.problems]
    except OfframpError as exc:  # a bad argument: unknown concept, state id out of range ...
        return "error", str(exc)
    except RecursionError:
        return "error", "the scenario is nested too deeply to read"
    except MemoryError:
        return "error", "the scenario needs more memory than this machine has"
    except (ValueError, OverflowError, KeyError) as exc:
        return "error", str(exc).strip("'\"") or type(exc).__name__


def _source(scenario: Scenario) -> tuple[ScenarioSource | None, str | None]:
    """What the server records of the scenario in the run history: its captured source and
    its evidence date (the ``as_of`` the CLI's runs record too)."""
    try:
        from offramp.history.source import capture
    except ImportError:  # pragma: no cover - history is optional for the workbench
        return None, recorded_as_of(scenario)
    return capture(scenario), recorded_as_of(scenario)


# ---------------------------------------------------------------------- the tasks
def validate(text: str, file: str, as_of: str | None = None) -> Outcome:
    def run() -> dict[str, Any]:
        scenario = load(text, file, None, as_of)
        spec = scenario.spec
        own = spec.document.as_of
        problems = spec.check_bargaining()  # as `offramp validate`
        if problems:
            raise ScenarioError(problems)
        return {
            "ok": True,
            "problems": [],
            "warnings": [w.to_dict() for w in spec.warnings],
            "summary": f"{len(spec.dm_names)} decision makers, {len(spec.options)} "
            f"options, {scenario.conflict.n_states:,} feasible states",
            "variants": list(spec.variants),
            # the scenario's own evidence date (the page's default) and the one checked
            "scenario_as_of": None if own is None else own.isoformat(),
            "as_of": None if spec.analysis_date is None else spec.analysis_date.isoformat(),
            "parameters": spec.parameters,
            "questions": [
                {"id": q.id, "ask": q.ask, "parameter": q.parameter} for q in spec.questions
            ],
        }

    return guarded(run)


def analyze(text: str, file: str, variant: str | None, as_of: str | None = None) -> Outcome:
    def run() -> tuple[dict[str, Any], Any]:
        from offramp.report.words import as_of_sentence, next_sentences
        from offramp.web.graph import graph_data

        scenario = load(text, file, variant, as_of)
        report = build_report(scenario, variants=variant is None, samples=0)
        # the report's own sentences for the evidence date and what was published later
        report["words"] = {
            "as_of": as_of_sentence(report),
            "what_happened_next": next_sentences(report),
        }
        analysis = scenario.analyze()
        report["graph"] = graph_data(analysis)
        if report["graph"].get("truncated"):  # the full graph, for the page's "every state"
            report["graph_full"] = graph_data(analysis, full=True)
        return report, _source(scenario)

    return guarded(run)


def state(
    text: str,
    file: str,
    variant: str | None,
    state_id: int,
    concept: str,
    as_of: str | None = None,
) -> Outcome:
    def run() -> dict[str, Any]:
        scenario = load(text, file, variant, as_of)
        get_concept(concept)  # the CLI's checks and messages
        result = scenario.stability(with_defaults(concept))
        model = result.model
        s = to_index(state_id, model.n_states)
        analysis = scenario.analyze()
        indices = move_indices(model)
        per_dm = []
        for i, dm in enumerate(model.dm_names):
            e = scenario.explain(state_id, dm, concept)
            per_dm.append(
                {
                    "dm": dm,
                    "label": scenario.spec.dm_label(dm),
                    "stable": {c: bool(result.stable[c][i, s]) for c in result.concepts},
                    "moves": [
                        {"to": to_id(t), "taken": model.taken(int(t))}
                        for t in indices[i].targets(s, "move")
                    ],
                    "explanation": e.to_dict(),
                    "text": e.text(model),
                }
            )
        return {
            "id": state_id,
            "taken": model.taken(s),
            "label": analysis.describe_state(s),
            "equilibrium": {c: bool(result.stable[c][:, s].all()) for c in result.concepts},
            "decision_makers": per_dm,
        }

    return guarded(run)


def report(
    text: str, file: str, variant: str | None, fmt: str, samples: int, as_of: str | None = None
) -> Outcome:
    def run() -> tuple[str, str, str, str, Any]:
        import json

        scenario = load(text, file, variant, as_of)
        data = build_report(scenario, variants=variant is None, samples=samples)
        if fmt == "json":
            content, media, ext = json.dumps(data, indent=2), "application/json", "json"
        elif fmt == "markdown":
            from offramp.report.markdown import render_markdown

            content, media, ext = render_markdown(data), "text/markdown", "md"
        else:
            from offramp.report.html import render_html

            content, media, ext = render_html(data, scenario), "text/html", "html"
        return content, media, ext, scenario.name, _source(scenario)

    return guarded(run)


def sweep_value(
    text: str,
    file: str,
    variant: str | None,
    parameter: str,
    value: float,
    as_of: str | None = None,
) -> SweepRow:
    """One row of a sweep (a value is the unit a cancel waits for)."""
    from offramp.analysis.sweeps import sweep

    return sweep(load(text, file, variant, as_of).spec, parameter, [value]).rows[0]


def inverse(
    text: str,
    file: str,
    variant: str | None,
    goal: str,
    parameters: list[str] | None,
    norm: str,
    as_of: str | None = None,
) -> Outcome:
    """What would it take: the smallest change of parameters (``offramp inverse``)."""

    def run() -> tuple[dict[str, Any], Any]:
        scenario = load(text, file, variant, as_of)
        data = scenario.inverse(goal, parameters=parameters, norm=norm).to_dict()
        return data, _source(scenario)

    return guarded(run)


def answer_map(
    text: str,
    file: str,
    variant: str | None,
    goal: str,
    x: tuple[Any, ...],
    y: tuple[Any, ...],
    steps: int,
    as_of: str | None = None,
) -> Outcome:
    """The verdict over two parameters, with the heatmap as SVG (``offramp map``)."""

    def run() -> dict[str, Any]:
        import io

        from offramp.report.answer_map_figure import answer_map_figure

        scenario = load(text, file, variant, as_of)
        data = scenario.answer_map(goal, x, y, steps=(steps, steps)).to_dict()
        from offramp.report.labels import labels_part

        fig = answer_map_figure(data, labels_part(scenario))
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        svg = buffer.getvalue()
        return {**data, "svg": svg[svg.index("<svg") :]}

    return guarded(run)
