"""The content of a report, as plain data: one dict that the text, Markdown, JSON (and later
HTML) renderers all format, so every output says the same thing."""

from __future__ import annotations

from collections.abc import Callable

from offramp.analysis import Analysis
from offramp.conflict.result import CONCEPT_NAMES
from offramp.questions import answer
from offramp.scenario.loader import Scenario
from offramp.uncertainty.sweep import threshold

Progress = Callable[[str, int, int], None]
MAX_LISTED = 12


def _settles(analysis: Analysis, concept: str) -> list[dict]:
    out = []
    evo = analysis.settling.get(concept)
    if evo is None:
        return out
    model = analysis.model
    for s in analysis.settles_at(concept):
        s = int(s)
        out.append(
            {
                "id": s + 1,
                "taken": model.taken(s),
                "description": analysis.describe_state(s),
                "steps": int(evo.distance[s]),
                "path": [st.to_dict() for st in evo.path(s) or []],
            }
        )
    return out


def _answers(
    scenario: Scenario, analysis: Analysis, thresholds: bool, progress: Progress | None, label: str
) -> list[dict]:
    out = []
    for q in scenario.questions:
        ans = answer(analysis, q)
        if thresholds and q.parameter is not None:

            def tick(done: int, total: int, q=q) -> None:
                if progress:
                    progress(f"{label}: threshold of {q.id}", done, total)

            ans.threshold = threshold(scenario, q, progress=tick)
        out.append(ans.to_dict())
    return out


def describe_changes(scenario: Scenario, name: str) -> list[str]:
    v = scenario.variants[name]
    changes = [f"{k} = {val:g} (was {scenario.parameters[k]:g})" for k, val in v.parameters.items()]
    changes += [f"without option {o}" for o in v.remove_options]
    if v.status_quo is not None:
        changes.append("status quo: " + (", ".join(v.status_quo) or "nothing taken"))
    return changes


def build_report(
    scenario: Scenario,
    *,
    variants: bool = True,
    thresholds: bool = True,
    progress: Progress | None = None,
) -> dict:
    """Everything a reader needs about a scenario, variants and questions included."""
    import offramp

    analysis = scenario.analyze()
    model = analysis.model
    base = analysis.to_dict()
    doc = scenario.document
    report = {
        "offramp_version": offramp.__version__,
        "scenario": scenario.name,
        "description": doc.description,
        "file": scenario.file,
        "sources": [s.model_dump(exclude_none=True) for s in doc.sources],
        "decision_makers": [
            {
                "name": dm.name,
                "label": dm.label or dm.name,
                "options": [
                    {
                        "name": f"{dm.name}.{o.name}",
                        "label": o.label or o.name,
                        "description": o.description,
                        "direction": o.direction,
                        "note": o.note,
                    }
                    for o in dm.options
                ],
            }
            for dm in doc.decision_makers
        ],
        "parameters": dict(scenario.parameters),
        "feasible_states": model.n_states,
        "status_quo": base["status_quo"],
        "concepts": base["concept_names"],
        "equilibria": base["equilibria"],
        "evolution": base["evolution"],
        "settles_at": {c: _settles(analysis, c) for c in analysis.settling},
        "questions": _answers(scenario, analysis, thresholds, progress, "baseline"),
        "variants": [],
        "stability": base["stability"],
    }
    if variants:
        for name, v in scenario.variants.items():
            var = scenario.variant(name)
            var_analysis = var.analyze()
            report["variants"].append(
                {
                    "name": name,
                    "label": v.label or name,
                    "description": v.description,
                    "changes": describe_changes(scenario, name),
                    "settles_at": {c: _settles(var_analysis, c) for c in var_analysis.settling},
                    "equilibria_counts": {
                        c: len(var_analysis.stability.equilibria(c))
                        for c in var_analysis.stability.concepts
                    },
                    "questions": _answers(var, var_analysis, thresholds, progress, name),
                }
            )
    return report


def concept_name(c: str) -> str:
    return CONCEPT_NAMES.get(c, c)
