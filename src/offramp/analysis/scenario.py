"""The ``Scenario`` users hold: a validated scenario file plus every analysis of it.

Like nashpy's ``Game``, this facade is a thin layer: each method is a few lines that call the
engines (:mod:`offramp.conflict`, :mod:`offramp.bargaining`) or the analyses beside it
(:mod:`.conflict_analysis`, :mod:`.questions`, :mod:`.sweeps`). Nothing below this package
imports it. Construct it with :func:`load`, :func:`from_yaml_text` or :func:`from_dict`
(re-exported as ``offramp.load`` etc.).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from offramp.analysis.conflict_analysis import Analysis, analyze_conflict, scenario_concepts
from offramp.conflict.concepts import DEFAULT_CONCEPT, DEFAULT_EXPLAIN_CONCEPT, resolve_concepts
from offramp.conflict.result import StabilityResult
from offramp.conflict.stability import compute_stability
from offramp.errors import InputError, did_you_mean
from offramp.scenario.dm_names import resolve_dm
from offramp.scenario.reading import parse_dict, parse_text, read_text
from offramp.scenario.spec import ScenarioSpec

if TYPE_CHECKING:  # the analyses below are imported where used (start-up time)
    from offramp.analysis.answer_map import AnswerMap
    from offramp.analysis.hypergame import Hypergame
    from offramp.analysis.inverse import InverseResult
    from offramp.analysis.ordinal_inverse import OrdinalInverse
    from offramp.analysis.questions import Answer
    from offramp.analysis.sweeps import SweepResult
    from offramp.conflict.coalitions import CoalitionAnalysis
    from offramp.conflict.explain import Explanation


class Scenario(ScenarioSpec):
    """A validated scenario and its analyses.

    Everything of the format (``dm_names``, ``options``, ``parameters``, ``questions``,
    ``variants``, ``with_changes``, ``bargaining_problem`` ...) comes from
    :class:`~offramp.scenario.spec.ScenarioSpec`; this class adds what is computed from it.
    A scenario does not change after loading (variants and ``with_changes`` make new ones), so
    results are computed once per scenario.

    Examples
    --------
    >>> import offramp
    >>> sc = offramp.get_builtin("prisoners-dilemma")
    >>> sc.stability().to_dict()["equilibria"]["nash"]
    [4]
    """

    @cached_property
    def _results(self) -> dict[str, Any]:
        return {}

    def stability(
        self, concepts: list[str] | tuple[str, ...] | None = None, *, horizon: int | None = None
    ) -> StabilityResult:
        """Per-DM stability and the equilibria under ``concepts`` (names, or ``["all"]``;
        default: the default concepts and those the scenario's questions name); ``horizon`` is
        the look-ahead of limited-move stability (L_h) and the search of non-myopic stability.

        Raises
        ------
        offramp.errors.InputError
            For an unknown concept, a concept that does not cover this conflict (L_h with more
            than two DMs) or a horizon out of range.
        """
        keys = resolve_concepts(concepts) if concepts else scenario_concepts(self)
        cache_key = ("stability", keys, horizon)
        if cache_key not in self._results:
            options = {} if horizon is None else {"horizon": horizon}
            self._results[cache_key] = compute_stability(self.conflict, keys, options=options)
        return self._results[cache_key]

    def analyze(
        self,
        concepts: list[str] | tuple[str, ...] | None = None,
        *,
        horizon: int | None = None,
        coalitions: str | None = None,
    ) -> Analysis:
        """Stability plus the evolution from the status quo (see :mod:`.conflict_analysis`),
        under the scenario's concepts and ``concepts`` (added to them); with the coalition
        analysis of the declared coalitions, or of every coalition (``coalitions="all"``)."""
        keys = scenario_concepts(self, resolve_concepts(concepts) if concepts else ())
        cache_key = ("analysis", keys, horizon, coalitions)
        if cache_key not in self._results:
            result = self.stability(keys, horizon=horizon)
            analysis = analyze_conflict(self, result)
            analysis.coalitions = self.coalition_analysis(coalitions)
            self._results[cache_key] = analysis
        return self._results[cache_key]

    def coalition_analysis(self, which: str | None = None) -> CoalitionAnalysis | None:
        """Coalitional stability (C-Nash, C-GMR, C-SMR, C-SEQ) for the coalitions the scenario
        declares (``coalitions:``), or for every coalition of two or more DMs with
        ``which="all"``; None when there is none to analyse.

        Raises
        ------
        offramp.errors.InputError
            For ``which`` other than None, "declared" or "all".
        """
        if which not in (None, "declared", "all"):
            raise InputError(f"coalitions must be 'all' or 'declared', not {which!r}")
        if which == "all":
            from offramp.conflict.coalitions import every_coalition

            chosen = every_coalition(self.conflict)
        elif self.coalitions:
            from offramp.conflict.coalitions import named_coalitions

            chosen = named_coalitions(self.conflict, [(c.name, c.members) for c in self.coalitions])
        else:
            return None
        cache_key = ("coalitions", tuple(c.name for c in chosen))
        if cache_key not in self._results:
            from offramp.conflict.coalitions import analyse_coalitions

            self._results[cache_key] = analyse_coalitions(self.conflict, chosen)
        return self._results[cache_key]

    def explain(
        self,
        state: int,
        dm: str | None = None,
        concept: str = DEFAULT_EXPLAIN_CONCEPT,
        *,
        horizon: int | None = None,
    ) -> Explanation | list[Explanation]:
        """Why the state with id ``state`` (from 1, as in the output) is or is not stable:
        for ``dm``, or a list with one explanation per decision maker when ``dm`` is None.

        Raises
        ------
        offramp.errors.InputError
            For a state id out of range, an unknown decision maker (given by name or
            label) or concept.
        """
        if dm is not None:  # a name or a label
            labels = [d.label for d in self.document.decision_makers]
            dm = resolve_dm(dm, self.dm_names, labels)
        from offramp.conflict.explain import explain

        result = self.stability([concept], horizon=horizon)
        if dm is None:
            return [explain(result, state, name, concept) for name in self.dm_names]
        return explain(result, state, dm, concept)

    def answers(self) -> list[Answer]:
        """The scenario's own questions answered (verdict and evidence; no thresholds)."""
        analysis = self.analyze()
        from offramp.analysis.questions import answer

        return [answer(analysis, q) for q in self.questions]

    def question(self, qid: str):
        """The compiled question with id ``qid``."""
        for q in self.questions:
            if q.id == qid:
                return q
        ids = [q.id for q in self.questions]
        raise InputError(
            f"no question '{qid}'{did_you_mean(qid, ids)}; the scenario asks "
            f"{', '.join(ids) or 'none'}"
        )

    def threshold(self, qid: str, **options) -> dict[str, Any]:
        """Where question ``qid``'s answer flips along its parameter (:func:`.sweeps.threshold`)."""
        from offramp.analysis.sweeps import threshold

        return threshold(self, self.question(qid), **options)

    def sweep(self, parameter: str, values) -> SweepResult:
        """Equilibria, settling states and answers along a grid of one parameter."""
        from offramp.analysis.sweeps import sweep

        return sweep(self, parameter, values)

    def answer_map(self, goal: str, x: tuple[Any, ...], y: tuple[Any, ...], **options) -> AnswerMap:
        """The verdict of ``goal`` over a grid of two parameters, ``x`` and ``y`` given as
        (name, low, high); options as :func:`.answer_map.answer_map`."""
        from offramp.analysis.answer_map import answer_map

        return answer_map(self, goal, x, y, **options)

    def conditions(self, state: int, concept: str = DEFAULT_CONCEPT) -> OrdinalInverse:
        """What each DM must prefer for the state with id ``state`` to be an equilibrium."""
        from offramp.analysis.ordinal_inverse import state_conditions

        return state_conditions(self.conflict, state, concept)

    def hypergame(self) -> Hypergame:
        """Stability with each DM in the game it perceives (the ``perceptions:`` key)."""
        from offramp.analysis.hypergame import hypergame

        return hypergame(self)

    def inverse(self, goal: str, **options) -> InverseResult:
        """The smallest change of parameters after which ``goal`` (a question id or a
        statement) holds; options as :func:`.inverse.inverse`."""
        from offramp.analysis.inverse import inverse

        return inverse(self, goal, **options)


def load(path: str | FsPath, *, check_states: bool = True) -> Scenario:
    """Load a scenario file (YAML, or JSON which is YAML too).

    Raises
    ------
    offramp.ScenarioError
        With every problem found, each located by file, line and column.
    """
    return from_yaml_text(read_text(path), str(FsPath(path)), check_states=check_states)


def from_yaml_text(text: str, file: str = "<scenario>", *, check_states: bool = True) -> Scenario:
    """Parse a scenario from YAML text; ``file`` names it in error messages."""
    document, data, smap = parse_text(text, file)
    scenario = Scenario(document, data, smap, text)
    return scenario.validate() if check_states else scenario


def from_dict(data: dict[str, Any], name: str = "<dict>", *, check_states: bool = True) -> Scenario:
    """Build a scenario from a Python dict with the same keys as the YAML format."""
    document, plain, smap = parse_dict(data, name)
    scenario = Scenario(document, plain, smap, None)
    return scenario.validate() if check_states else scenario
