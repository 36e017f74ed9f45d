"""The workbench's pieces of work, run in the shared pool's worker processes (see
:mod:`offramp.web.pool`): plain arguments in, plain data out, and bad input turned into a
located answer there, so the server process never parses a scenario for a request.

Every function returns ``(kind, payload)``: ``("ok", data)``, ``("problems", [problem dicts])``
for bad input (answered 422), or ``("error", message)`` for a bad request that is not a
scenario problem (also 422). Anything else escaping is a bug and is reported as one.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.loader import Scenario, from_yaml_text

Outcome = tuple[str, Any]


def load(text: str, file: str, variant: str | None) -> Scenario:
    """:func:`read`, remembered for the last few texts in this worker process: the page checks
    the same text as it is typed and then analyses it, and a sweep asks for it once per value
    (a scenario does not change once loaded)."""
    return _cached(text, file, variant)


@lru_cache(maxsize=4)
def _cached(text: str, file: str, variant: str | None) -> Scenario:
    return read(text, file, variant)


def read(text: str, file: str, variant: str | None) -> Scenario:
    """The scenario as the CLI reads it: the same checks as ``offramp validate`` (variants
    included: a variant whose status quo is infeasible is an error here too), then the
    variant asked for."""
    scenario = from_yaml_text(text, file)
    problems = scenario.check_variants()
    if problems:
        raise ScenarioError(problems)
    if variant:
        if variant not in scenario.variants:
            known = ", ".join(scenario.variants) or "none"
            raise ScenarioError(
                [Problem(f"no variant '{variant}' (variants: {known})", "variants", file)]
            )
        scenario = scenario.variant(variant)
    return scenario


def guarded(fn, *args) -> Outcome:
    """Run ``fn`` and turn bad input into an answer the page can show."""
    try:
        return "ok", fn(*args)
    except ScenarioError as exc:
        return "problems", [p.to_dict() for p in exc.problems]
    except RecursionError:
        return "error", "the scenario is nested too deeply to read"
    except MemoryError:
        return "error", "the scenario needs more memory than this machine has"
    except (ValueError, OverflowError, KeyError) as exc:
        return "error", str(exc).strip("'\"") or type(exc).__name__


def _source(scenario: Scenario):
    try:
        from offramp.history.source import capture
    except ImportError:  # pragma: no cover - history is optional for the workbench
        return None
    return capture(scenario)


# ---------------------------------------------------------------------- the tasks
def validate(text: str, file: str) -> Outcome:
    def run() -> dict:
        scenario = load(text, file, None)
        return {
            "ok": True,
            "problems": [],
            "warnings": [w.to_dict() for w in scenario.warnings],
            "summary": f"{len(scenario.dm_names)} decision makers, {len(scenario.options)} "
            f"options, {scenario.conflict.n_states:,} feasible states",
            "variants": list(scenario.variants),
            "parameters": scenario.parameters,
            "questions": [
                {"id": q.id, "ask": q.ask, "parameter": q.parameter} for q in scenario.questions
            ],
        }

    return guarded(run)


def analyze(text: str, file: str, variant: str | None) -> Outcome:
    def run() -> tuple[dict, Any]:
        from offramp.report.build import build_report
        from offramp.web.graph import graph_data

        scenario = load(text, file, variant)
        report = build_report(scenario, variants=variant is None, samples=0)
        report["graph"] = graph_data(scenario.analyze())
        return report, _source(scenario)

    return guarded(run)


def state(text: str, file: str, variant: str | None, state_id: int, concept: str) -> Outcome:
    def run() -> dict:
        from offramp.conflict.result import CONCEPTS
        from offramp.conflict.stability import move_indices

        scenario = load(text, file, variant)
        result = scenario.stability()
        model = result.model
        if not 1 <= state_id <= model.n_states:
            raise ValueError(f"state ids run from 1 to {model.n_states}, not {state_id}")
        if concept not in CONCEPTS:
            raise ValueError(f"unknown concept '{concept}': use one of {', '.join(CONCEPTS)}")
        s = state_id - 1
        analysis = scenario.analyze()
        indices = move_indices(model)
        per_dm = []
        for i, dm in enumerate(model.dm_names):
            e = result.explain(s, dm, concept)
            per_dm.append(
                {
                    "dm": dm,
                    "label": scenario.dm_label(dm),
                    "stable": {c: bool(result.stable[c][i, s]) for c in CONCEPTS},
                    "moves": [
                        {"to": int(t) + 1, "taken": model.taken(int(t))}
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
            "equilibrium": {c: bool(result.stable[c][:, s].all()) for c in CONCEPTS},
            "decision_makers": per_dm,
        }

    return guarded(run)


def report(text: str, file: str, variant: str | None, fmt: str, samples: int) -> Outcome:
    def run() -> tuple[str, str, str, str, Any]:
        import json

        from offramp.report.build import build_report

        scenario = load(text, file, variant)
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


def sweep_value(text: str, file: str, variant: str | None, parameter: str, value: float):
    """One row of a sweep (a value is the unit a cancel waits for)."""
    from offramp.uncertainty.sweep import sweep

    return sweep(load(text, file, variant), parameter, [value]).rows[0]
