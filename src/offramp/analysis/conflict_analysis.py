"""The full analysis of a scenario as one object: the Python API behind ``offramp analyze``.

Stability (every DM, every concept), the equilibria in words, and the evolution from the status
quo. The CLI, the reports and the web UI all render this object; a notebook user can call it
directly: ``offramp.load("f.yaml").analyze().to_dict()``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from offramp.conflict.concepts import concept_label, with_defaults
from offramp.conflict.evolution import Evolution, evolve
from offramp.conflict.model import ConflictModel
from offramp.conflict.result import StabilityResult
from offramp.conflict.stability import compute_stability
from offramp.conflict.state_ids import to_id
from offramp.scenario.spec import ScenarioSpec

if TYPE_CHECKING:  # coalition analysis is imported where it runs (start-up time)
    from offramp.conflict.coalitions import CoalitionAnalysis


@dataclass
class Analysis:
    """``evolution``: everything reachable from the status quo by improvements (the spec's
    status quo analysis). ``settling[c]``: the same search stopped at the equilibria of concept
    c, i.e. the equilibria the conflict meets first on its way from the status quo."""

    scenario: ScenarioSpec
    stability: StabilityResult
    evolution: Evolution | None
    settling: dict[str, Evolution] = field(default_factory=dict)
    coalitions: CoalitionAnalysis | None = None

    def settles_at(self, concept: str) -> np.ndarray | None:
        """Equilibria of ``concept`` where the evolution from the status quo comes to rest."""
        if concept not in self.settling:
            return None
        return self.settling[concept].settled(self.stability.equilibrium_mask(concept))

    @property
    def model(self) -> ConflictModel:
        return self.stability.model

    def describe_state(self, state: int) -> str:
        """A state in words: per decision maker, the options taken, by their labels."""
        return self.model.describe(state)

    def state_entry(self, state: int) -> dict[str, Any]:
        """A state as the outputs show it: id, options taken, and in words."""
        return {
            "id": to_id(state),
            "taken": self.model.taken(int(state)),
            "description": self.describe_state(int(state)),
        }

    def settled_entries(self, concept: str) -> list[dict[str, Any]]:
        """Where the evolution settles under ``concept``: each state with the number of steps
        and a shortest path from the status quo (empty without a status quo)."""
        evo = self.settling.get(concept)
        settles = self.settles_at(concept)
        if evo is None or settles is None:
            return []
        return [
            {
                **self.state_entry(int(s)),
                "steps": int(evo.distance[s]),
                "path": [st.to_dict() for st in evo.path(int(s)) or []],
            }
            for s in settles
        ]

    def to_dict(self) -> dict[str, Any]:
        sc, model = self.scenario, self.model
        result = self.stability
        out = {
            "scenario": sc.name,
            "description": sc.document.description,
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
                        if sc.catalogue.qualified[f"{dm.name}.{o.name}"].index not in sc.removed
                    ],
                }
                for dm in sc.document.decision_makers
            ],
            "feasible_states": model.n_states,
            "status_quo": None if model.status_quo is None else self.state_entry(model.status_quo),
            # the contract's form up to FULL_JSON_MAX_STATES, the compact form above (a record
            # per state is what made a million-state report cost gigabytes)
            "stability": result.to_dict()
            if result.json_form() == "full"
            else result.compact_dict(),
            "equilibria": {
                c: [self.state_entry(int(s)) for s in result.equilibria(c)] for c in result.concepts
            },
            "concept_names": {c: concept_label(c) for c in result.concepts},
            "evolution": None if self.evolution is None else self.evolution.summary(result),
            "settles_at": {c: self.settled_entries(c) for c in self.settling},
        }
        if self.coalitions is not None:
            out.update(self.coalition_dict())
        return out

    def coalition_dict(self) -> dict[str, Any]:
        """The coalition analysis's JSON keys, its insights read against the individual
        equilibria of this analysis."""
        result = self.stability
        individual = {c: result.equilibrium_mask(c) for c in result.concepts}
        assert self.coalitions is not None, "asked only of an analysis with coalitions"
        return self.coalitions.to_dict(individual)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


def scenario_concepts(scenario: ScenarioSpec, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The concepts a scenario's analysis computes: the defaults, those its questions name, and
    ``extra`` (asked for by the user)."""
    return with_defaults(*(q.concept for q in scenario.questions), *extra)


def analyze_conflict(scenario: ScenarioSpec, result: StabilityResult | None = None) -> Analysis:
    """Stability (``result``, computed when not given) plus the status quo analysis (when the
    scenario declares a status quo)."""
    if result is None:
        result = compute_stability(scenario.conflict, scenario_concepts(scenario))
    model = result.model
    if model.status_quo is None:
        return Analysis(scenario, result, None)
    settling = {c: evolve(model, stop=result.equilibrium_mask(c)) for c in result.concepts}
    return Analysis(scenario, result, evolve(model), settling)
