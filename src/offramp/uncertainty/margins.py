"""By how much an answer is decided, when every Monte Carlo sample gives it.

When all n samples agree, the probability of the other answer is only bounded (at most ≈ 3/n,
:mod:`.proportions`); what a reader needs next is the margin: how far the judged inputs are
from the values at which the answer would flip. For each uncertain parameter of the conflict,
the answer's criterion (the question holds where the evolution from the status quo settles) is
searched one parameter at a time (:func:`offramp.analysis.sweeps.threshold`) over the judged
range widened by ``WIDEN`` range widths on each side (never below zero for a range that does
not go below zero). A flip inside that span says which judged range would have to move, and how
far (in widths of the judged range); no flip says that no plausible revision of that one input
changes the answer. A question that names a parameter ("What concession would make China
press?") also states that parameter's value today and where the answer holds ("the concession
is worth 0.48; China needs more than 7").

One input at a time: a margin does not prove that no combination of moves flips the answer
(``offramp inverse`` searches combinations).
"""

from __future__ import annotations

from typing import Any

from offramp.analysis.inverse import parameter_range
from offramp.analysis.sweeps import threshold
from offramp.errors import OfframpError
from offramp.scenario.document import Parameter
from offramp.scenario.resolved import CompiledQuestion
from offramp.scenario.spec import ScenarioSpec

#: Range widths searched on each side of a judged range.
WIDEN = 25.0
SEARCHED = (
    f"each uncertain parameter of the conflict, one at a time, over its judged range widened by "
    f"{WIDEN:g} range widths on each side (not below 0 when the range is not)"
)


def _searchable(scenario: ScenarioSpec, name: str) -> bool:
    declared = scenario.document.parameters.get(name)
    return isinstance(declared, Parameter) and name in scenario.parameters


def _span(lo: float, hi: float) -> tuple[float, float]:
    width = hi - lo if hi > lo else max(abs(hi), 1.0)
    a, b = lo - WIDEN * width, hi + WIDEN * width
    if lo >= 0:
        a = max(a, 0.0)
    return a, b


def question_margin(
    scenario: ScenarioSpec, question: CompiledQuestion, answer: str, inputs: list[str]
) -> dict[str, Any]:
    """The margin of ``answer`` (given by every sample) to ``question`` (see the module)."""
    flips: list[dict[str, Any]] = []
    steady: list[str] = []
    not_searched: list[str] = []
    for name in inputs:
        if not _searchable(scenario, name):
            not_searched.append(name)
            continue
        lo, hi, _ = parameter_range(scenario, name)
        try:
            th = threshold(scenario, question, name, _span(lo, hi))
        except OfframpError:
            not_searched.append(name)
            continue
        values = [t["value"] for t in th["transitions"]]
        if not values:
            steady.append(name)
            continue
        width = hi - lo if hi > lo else 1.0

        def outside(x: float, lo: float = lo, hi: float = hi, width: float = width) -> float:
            return max(lo - x, x - hi, 0.0) / width

        nearest = min(values, key=outside)
        flips.append(
            {
                "input": name,
                "value": scenario.parameters[name],
                "judged_range": [lo, hi],
                "flips_at": values,
                "nearest": nearest,
                "beyond_judged_range": round(outside(nearest), 4),
            }
        )
    flips.sort(key=lambda f: f["beyond_judged_range"])
    out: dict[str, Any] = {
        "answer": answer,
        "flips": flips,
        "no_flip": steady,
        "not_searched": not_searched,
        "searched": SEARCHED,
    }
    if question.parameter is not None:
        th = threshold(scenario, question)
        out["question_parameter"] = {
            "parameter": question.parameter,
            "value": scenario.parameters[question.parameter],
            "range": th["range"],
            "holds_at_low": th["holds_at_low"],
            "transitions": [
                {"value": t["value"], "becomes": t["becomes"]} for t in th["transitions"]
            ],
        }
    return out


def margins(
    scenario: ScenarioSpec, verdicts: dict[str, str | None], inputs: list[str]
) -> dict[str, Any]:
    """{question id: margin} for the questions whose samples all gave one yes/no answer
    (``verdicts``: id -> that answer, None when the samples differ)."""
    out = {}
    for q in scenario.questions:
        answer = verdicts.get(q.id)
        if answer in ("yes", "no"):
            out[q.id] = question_margin(scenario, q, answer, inputs)
    return out
