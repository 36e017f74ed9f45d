"""A scenario's own questions read against the coalitional equilibria.

The individual verdict (:mod:`.questions`) says what happens when every decision maker acts
alone. With coalitions declared (or all of them analysed), the same question can be asked of the
states that no coalition can upset either: the coalitional equilibria under the question's
concept (SEQ when the question names a concept the coalition analysis does not cover). The verdict
uses the one rule of :func:`.questions.verdict_of`: yes / no / depends / undetermined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from offramp.analysis.questions import holds_mask, verdict_of
from offramp.conflict.coalitions import COALITION_CONCEPTS
from offramp.conflict.concepts import DEFAULT_CONCEPT
from offramp.conflict.state_ids import to_id

if TYPE_CHECKING:
    from offramp.analysis.conflict_analysis import Analysis


def coalition_answers(analysis: Analysis) -> list[dict[str, Any]]:
    """Per question: the coalitional equilibria where it holds, and the verdict over them."""
    joint = analysis.coalitions
    if joint is None:
        return []
    out = []
    for q in analysis.scenario.questions:
        concept = q.concept if q.concept in COALITION_CONCEPTS else DEFAULT_CONCEPT
        holds = holds_mask(analysis, q)
        eqs = joint.equilibria(concept)
        out.append(
            {
                "id": q.id,
                "ask": q.ask,
                "holds_when": q.statement.text,
                "concept": concept,
                "coalition_equilibria": [to_id(s) for s in eqs],
                "holds_in": [to_id(s) for s in eqs if holds[s]],
                "verdict": verdict_of(holds[eqs]),
            }
        )
    return out
