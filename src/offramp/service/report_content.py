"""The content of a report, as plain data: one dict that the text, Markdown, JSON and HTML
renderers all format, so every output says the same thing. The CLI and the web both call
:func:`build_report`; it runs the analyses (thresholds, variants, Monte Carlo) in one place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import offramp.bargaining.registry as models
from offramp.analysis import Analysis
from offramp.analysis.coalition_questions import coalition_answers
from offramp.analysis.leverage import leverage_data
from offramp.analysis.myopia import farsighted_check
from offramp.analysis.questions import answer
from offramp.analysis.scenario import Scenario
from offramp.analysis.sweeps import threshold
from offramp.bargaining import forecast
from offramp.bargaining.registry import DEFAULT_MODEL
from offramp.conflict.concepts import DEFAULT_CONCEPT
from offramp.errors import OfframpError
from offramp.report.labels import labels_part, parameter_label
from offramp.scenario.derived import later_data, provenance_data
from offramp.scenario.limits import check_samples, check_seed
from offramp.scenario.resolved import CompiledQuestion
from offramp.service.defaults import DEFAULT_SAMPLES
from offramp.uncertainty.montecarlo import monte_carlo
from offramp.version import __version__

Progress = Callable[[str, int, int], None]
MAX_LISTED = 12


def _answers(
    scenario: Scenario, analysis: Analysis, thresholds: bool, progress: Progress | None, label: str
) -> list[dict[str, Any]]:
    out = []
    for q in scenario.spec.questions:
        ans = answer(analysis, q)
        if thresholds and q.parameter is not None:

            def tick(done: int, total: int, q: CompiledQuestion = q) -> None:
                if progress:
                    progress(f"{label}: threshold of {q.id}", done, total)

            ans.threshold = threshold(scenario.spec, q, progress=tick)
        out.append(ans.to_dict())
    return out


def _forecast_values(
    scenario: Scenario, shifts: list[str], models: Sequence[str] | None = None
) -> dict[str, Any]:
    models = forecast_models() if models is None else models
    problem = scenario.spec.bargaining_problem(shifts)
    out: dict[str, list[float | None]] = {}
    for m in models:
        values = forecast(problem, m).forecast
        out[m] = [None if not np.isfinite(v) else round(float(v), 2) for v in values]
    return out


def forecast_models() -> tuple[str, ...]:
    """The models a report compares (the bargaining registry's choice), the default first."""
    return (DEFAULT_MODEL, *(m for m in models.REPORT_MODELS if m != DEFAULT_MODEL))


def _settled_shifts(
    scenario: Scenario, analysis: Analysis, concept: str = DEFAULT_CONCEPT
) -> list[dict[str, Any]]:
    states = analysis.settles_at(concept)
    settles = states is not None
    if states is None:
        states = analysis.stability.equilibria(concept)
    model = analysis.model
    return [
        {
            "settles": settles,
            "id": int(s) + 1,
            "description": analysis.describe_state(int(s)),
            "shifts": scenario.spec.shifts_at(int(model.codes[s])),
        }
        for s in states
    ]


def bargaining_part(scenario: Scenario, analysis: Analysis) -> dict[str, Any] | None:
    """Forecasts of the negotiation: as given, under each shift, and at the conflict's outcome."""
    section = scenario.spec.bargaining
    if section is None:
        return None
    cases: list[dict[str, Any]] = [
        {"name": "as-given", "label": "positions as given", "shifts": []}
    ]
    for sh in section.shifts:
        cases.append(
            {"name": sh.name, "label": f"if {sh.label or sh.name} ({sh.when})", "shifts": [sh.name]}
        )
    if len(section.shifts) > 1:
        cases.append(
            {
                "name": "all-shifts",
                "label": "with every shift",
                "shifts": [sh.name for sh in section.shifts],
            }
        )
    for k, st in enumerate(_settled_shifts(scenario, analysis)):
        cases.append(
            {
                "name": f"settled-{k + 1}",
                "state": st["id"],
                "settles": st["settles"],
                "label": (
                    f"where the conflict settles (state {st['id']}: {st['description']})"
                    if st["settles"]
                    else f"at an equilibrium (state {st['id']}: {st['description']}; no "
                    "evolution was traced)"
                ),
                "shifts": st["shifts"],
            }
        )
    for case in cases:
        case["forecasts"] = _forecast_values(scenario, case["shifts"])
    return {
        "default_model": DEFAULT_MODEL,
        "models": list(forecast_models()),
        "dimensions": [
            {"name": d.name, "label": d.label or d.name, "low": d.low, "high": d.high}
            for d in section.dimensions
        ],
        "actors": [
            {
                "name": a.name,
                "label": a.label or a.name,
                "capability": a.capability,
                "positions": a.positions,
                "salience": a.salience,
            }
            for a in section.actors
        ],
        "cases": cases,
    }


def describe_changes(scenario: Scenario, name: str) -> list[str]:
    v = scenario.spec.variants[name]
    changes = [
        f"{k} = {val:g} (was {scenario.spec.parameters[k]:g})" for k, val in v.parameters.items()
    ]
    changes += [f"without option {o}" for o in v.remove_options]
    if v.status_quo is not None:
        changes.append("status quo: " + (", ".join(v.status_quo) or "nothing taken"))
    return changes


def describe_changes_in_words(scenario: Scenario, name: str) -> list[str]:
    """As :func:`describe_changes`, with the labels a reader knows instead of ids."""
    v = scenario.spec.variants[name]
    names = scenario.conflict.option_names
    option = {n: scenario.spec.option_label(k) for k, n in enumerate(names)}
    changes = [
        f"{parameter_label(scenario, k)} = {val:g} (was {scenario.spec.parameters[k]:g})"
        for k, val in v.parameters.items()
    ]
    changes += [f"without the option to {option.get(o, o)} ({o})" for o in v.remove_options]
    if v.status_quo is not None:
        changes.append(
            "status quo: " + (", ".join(option.get(o, o) for o in v.status_quo) or "nothing taken")
        )
    return changes


def _declared_perceptions(scenario: Scenario, name: str) -> list[dict[str, Any]]:
    k = list(scenario.spec.variants).index(name)
    return list(scenario.spec.data["variants"][k].get("perceptions") or [])


def describe_perceptions(scenario: Scenario, name: str, words: bool) -> list[str]:
    """A variant's misperceptions as changes: who does not know of which option, who
    misjudges whose preferences (so a variant with only ``perceptions:`` has a changes row)."""
    option = {
        n: scenario.spec.option_label(k) for k, n in enumerate(scenario.conflict.option_names)
    }
    out = []
    for p in _declared_perceptions(scenario, name):
        dm = scenario.spec.dm_label(p["dm"]) if words else p["dm"]
        for o in p.get("unknown_options") or []:
            out.append(
                f"misperception: {dm} does not know of the option to {option.get(o, o)} ({o})"
                if words
                else f"{dm} does not know of {o}"
            )
        if p.get("of") and p.get("preferences"):
            of = scenario.spec.dm_label(p["of"]) if words else p["of"]
            out.append(
                f"misperception: {dm} misjudges the preferences of {of}"
                if words
                else f"{dm} misjudges {of}'s preferences"
            )
    return out


def perceived_part(var: Scenario, analysis: Analysis) -> dict[str, Any]:
    """A misperception variant read as the first-level hypergame it is: each question's answer
    seen correctly and as perceived, and where the evolution settles in each reading (from the
    one hypergame analysis, :mod:`offramp.analysis.hypergame`)."""
    hg = var.hypergame()
    data = hg.to_dict()
    model = var.conflict
    settles: dict[str, list[dict[str, Any]]] = {}
    for c in hg.correct:
        states = hg.settles_at(c, True)
        if states is None:
            states = hg.equilibria(c, True)
        settles[c] = [
            {
                "id": int(s) + 1,
                "taken": model.taken(int(s)),
                "description": analysis.describe_state(int(s)),
            }
            for s in states
        ]
    return {
        "perceptions": data["perceptions"],
        "answers": {
            q["id"]: {"correct": q["correct"], "perceived": q["hypergame"]}
            for q in data["questions"]
        },
        "settles_at": settles,
    }


def build_report(
    scenario: Scenario,
    *,
    variants: bool = True,
    thresholds: bool = True,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    progress: Progress | None = None,
    concepts: list[str] | None = None,
    horizon: int | None = None,
    coalitions: str | None = None,
) -> dict[str, Any]:
    """Everything a reader needs about a scenario, variants and questions included; with
    ``samples`` > 0 and uncertain inputs declared, a Monte Carlo of them too. ``concepts`` are
    added to the scenario's own, ``horizon`` is the look-ahead of L_h / NM, ``coalitions="all"``
    analyses every coalition (declared ``coalitions:`` always are)."""
    if samples:  # 0 means no Monte Carlo; anything else is checked before the work
        check_samples(samples)
        check_seed(seed)
    analysis = scenario.analyze(concepts, horizon=horizon, coalitions=coalitions)
    model = analysis.model
    base = analysis.to_dict()
    spec = scenario.spec
    doc = spec.document
    report = {
        "offramp_version": __version__,
        "scenario": scenario.name,
        "description": doc.description,
        "file": scenario.spec.file,
        "as_of": None
        if scenario.spec.analysis_date is None
        else scenario.spec.analysis_date.isoformat(),
        "sources": [s.model_dump(exclude_none=True) for s in doc.sources],
        "decision_makers": base["decision_makers"],
        "parameters": dict(scenario.spec.parameters),
        "feasible_states": model.n_states,
        "status_quo": base["status_quo"],
        "concepts": base["concept_names"],
        "equilibria": base["equilibria"],
        "evolution": base["evolution"],
        "settles_at": {c: analysis.settled_entries(c) for c in analysis.settling},
        "questions": _answers(scenario, analysis, thresholds, progress, "baseline"),
        "variants": [],
        "bargaining": bargaining_part(scenario, analysis),
        "uncertainty": None,
        "stability": base["stability"],
        "farsighted": farsighted_check(analysis),
        "provenance": provenance_data(scenario.spec),
        "leverage": leverage_data(scenario.spec),
        "coalition_analysis": (
            {**analysis.coalition_dict(), "coalition_answers": coalition_answers(analysis)}
            if analysis.coalitions
            else None
        ),
    }
    report["labels"] = labels_part(scenario)
    report["what_happened_next"] = what_happened_next(scenario, report["questions"])
    if samples > 0 and (scenario.spec.uncertain or scenario.spec.sampled_alternatives):

        def tick(done: int, total: int) -> None:
            if progress:
                progress("Monte Carlo", done, total)

        report["uncertainty"] = monte_carlo(scenario, samples, seed, progress=tick).to_dict()
    if variants:
        for name, v in scenario.spec.variants.items():
            var = scenario.variant(name)
            var_analysis = var.analyze()
            misperceived = bool(_declared_perceptions(scenario, name))
            answers = _answers(var, var_analysis, thresholds, progress, name)
            perceived = perceived_part(var, var_analysis) if misperceived else None
            if perceived is not None:
                for a in answers:
                    a["perceived_verdict"] = perceived["answers"][a["id"]]["perceived"]
            report["variants"].append(
                {
                    "name": name,
                    "label": v.label or name,
                    "description": v.description,
                    "kind": "misperception" if misperceived else "counterfactual",
                    "changes": describe_changes(scenario, name),
                    "perception_changes": describe_perceptions(scenario, name, False),
                    "changes_text": describe_changes_in_words(scenario, name)
                    + describe_perceptions(scenario, name, True),
                    "settles_at": {
                        c: var_analysis.settled_entries(c) for c in var_analysis.settling
                    },
                    "equilibria_counts": {
                        c: len(var_analysis.stability.equilibria(c))
                        for c in var_analysis.stability.concepts
                    },
                    "questions": answers,
                    "forecast_at_settled": _variant_forecast(var, var_analysis),
                    **({"perceived": perceived} if perceived is not None else {}),
                }
            )
    return report


def what_happened_next(scenario: Scenario, answers: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The evidence published after the analysis date and the answers with it: the same
    questions analysed with every figure (None when nothing was published later). The
    later figures never feed the report's own answers."""
    later = later_data(scenario.spec)
    as_of = scenario.spec.analysis_date
    if not later or as_of is None:  # figures are published later only than a date
        return None
    try:
        latest = scenario.as_of(None)
        now = [answer(latest.analyze(), q).to_dict() for q in latest.spec.questions]
    except OfframpError as exc:
        return {
            "as_of": as_of.isoformat(),
            "figures": later,
            "error": str(exc),
        }
    by_id = {a["id"]: a for a in now}
    return {
        "as_of": as_of.isoformat(),
        "figures": later,
        "parameters": {
            k: {"as_of": v, "later": latest.spec.parameters[k]}
            for k, v in scenario.spec.parameters.items()
            if k in latest.spec.parameters and latest.spec.parameters[k] != v
        },
        "questions": [
            {
                "id": a["id"],
                "ask": a.get("ask"),
                "as_of": a.get("verdict"),
                "later": by_id.get(a["id"], {}).get("verdict"),
            }
            for a in answers
        ],
    }


def _variant_forecast(scenario: Scenario, analysis: Analysis) -> list[dict[str, Any]] | None:
    if scenario.spec.bargaining is None:
        return None
    out = []
    for st in _settled_shifts(scenario, analysis):
        values = _forecast_values(scenario, st["shifts"], (DEFAULT_MODEL,))[DEFAULT_MODEL]
        out.append({**st, "model": DEFAULT_MODEL, "forecast": values})
    return out
