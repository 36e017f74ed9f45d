"""The game a decision maker perceives: the scenario with its perceptions applied.

Built from the document like a variant (perceived preferences replace the true ones of the DM
perceived; unknown options are removed, as ``remove_options`` removes them), so every check of
the format applies to it, and its problems are reported at the perception. The hypergame
analysis (:mod:`offramp.analysis.hypergame`) computes each DM's stability in its own game;
``offramp validate`` builds every perceived game to report problems early.
"""

from __future__ import annotations

import copy

from offramp.scenario.document import ScenarioDocument
from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.spec import ScenarioSpec


def perceived_game(scenario: ScenarioSpec, dm: str) -> tuple[ScenarioSpec, int]:
    """The game ``dm`` perceives, and the bit mask of the options it does not know exist.

    Raises
    ------
    offramp.ScenarioError
        When the perceived game is invalid (e.g. a perceived ranking that misses a state),
        located at the perception.
    """
    mine = [p for p in scenario.perceptions if p.dm == dm]
    if not mine:
        return scenario, 0
    data = copy.deepcopy(scenario.data)
    data.pop("perceptions", None)
    data.pop("variants", None)
    unknown: set[int] = set()
    for p in mine:
        k = p.path[1]
        if p.of is not None:
            data["preferences"][p.of] = copy.deepcopy(
                scenario.data["perceptions"][k]["preferences"]
            )
        unknown |= set(p.unknown_options)
    if data.get("status_quo"):
        data["status_quo"] = [
            name
            for name in data["status_quo"]
            if (ref := scenario._ref(name)) is None or ref.index not in unknown
        ]
    try:
        document = ScenarioDocument.model_validate(data)
        game = ScenarioSpec(
            document,
            data,
            scenario.source,
            scenario.text,
            removed=tuple(set(scenario.removed) | unknown),
            variant=scenario.variant_name,
            as_of=scenario._as_of,
            fixed=tuple(scenario.fixed_alternatives.items()),
        )
        game.validate()
    except ScenarioError as exc:
        where = scenario.source.problem(mine[0].path, "")
        raise ScenarioError(
            [
                Problem(
                    f"in the game {dm} perceives: {p.message}",
                    f"perceptions[{mine[0].path[1]}]",
                    where.file,
                    where.line,
                    where.column,
                )
                for p in exc.problems
            ]
        ) from None
    return game, sum(1 << k for k in unknown)


def _check_games(scenario: ScenarioSpec) -> list[Problem]:
    problems: list[Problem] = []
    for dm in dict.fromkeys(p.dm for p in scenario.perceptions):
        try:
            perceived_game(scenario, dm)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    return problems


def check_perceptions(scenario: ScenarioSpec) -> list[Problem]:
    """Problems that only show when a DM's perceived game is built, in the scenario and in
    each variant that adds perceptions (``offramp validate``)."""
    problems = _check_games(scenario)
    for k, (name, variant) in enumerate(scenario.variants.items()):
        if variant.perceptions:
            try:
                changed = scenario.variant(name)
            except ScenarioError:
                continue  # reported by check_variants
            path = ("variants", k, "perceptions")
            where = scenario.source.problem(path, "")
            for p in _check_games(changed):
                problems.append(
                    Problem(
                        f"variant '{name}': {p.message}",
                        f"variants[{k}].perceptions",
                        where.file,
                        where.line,
                        where.column,
                    )
                )
    return problems
