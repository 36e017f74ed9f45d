""" "What would it take?" for a report: the inverse answer to each question not answered yes,
a map of the verdict over the two parameters the answers use, and the hypergame beside the
correct-perception game when the scenario declares perceptions.

Built on request (``offramp report --inverse``): the inverse searches take a second or two per
question, too long for the default report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offramp.analysis.scenario import Scenario

MAP_STEPS = 60


def what_it_takes(
    scenario: Scenario, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, Any]:
    """Plain data for the report section (see :mod:`offramp.report.inverse_html`)."""
    answers = {a.question.id: a.verdict for a in scenario.answers()}
    todo = [q for q in scenario.spec.questions if answers[q.id] != "yes"]
    inverse = []
    for k, q in enumerate(todo):
        result = scenario.inverse(q.id).to_dict()
        inverse.append({"question": q.id, "ask": q.ask, **result})
        if progress:
            progress("what would it take", k + 1, len(todo) + 1)
    out: dict[str, Any] = {"inverse": inverse, "map": None, "hypergame": None}
    first = next((r for r in inverse if r["found"] and r["changes"]), None)
    if first is not None:
        names = list(first["changes"])
        for alt in first["alternatives"]:
            names += [p for p in alt["changes"] if p not in names]
        names += [p for p in first["parameters"] if p not in names]
        if len(names) >= 2:
            x, y = names[0], names[1]
            px, py = first["parameters"][x]["range"], first["parameters"][y]["range"]
            out["map"] = scenario.answer_map(
                first["question"], (x, *px), (y, *py), steps=(MAP_STEPS, MAP_STEPS)
            ).to_dict()
    if progress:
        progress("what would it take", len(todo) + 1, len(todo) + 1)
    if scenario.spec.perceptions:
        out["hypergame"] = scenario.hypergame().to_dict()
    return out
