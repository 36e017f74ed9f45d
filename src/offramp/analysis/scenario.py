"""The ``Scenario`` users hold: a validated scenario file plus every analysis of it.

Like nashpy's ``Game``, this facade is a thin layer: each method is a few lines that call the
engines (:mod:`offramp.conflict`, :mod:`offramp.bargaining`) or the analyses beside it
(:mod:`.conflict_analysis`, :mod:`.questions`, :mod:`.sweeps`). Nothing below this package
imports it. Construct it with :func:`load`, :func:`from_yaml_text` or :func:`from_dict`
(re-exported as ``offramp.load`` etc.).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any, overload

from offramp.analysis.conflict_analysis import Analysis, analyze_conflict, scenario_concepts
from offramp.conflict.concepts import DEFAULT_CONCEPT, resolve_concepts
from offramp.conflict.result import StabilityResult
from offramp.conflict.stability import compute_stability
from offramp.errors import InputError
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
    from offramp.conflict.model import ConflictModel


class Scenario:
    """A validated scenario and its analyses.

    The facade holds the resolved document as :attr:`spec` (a
    :class:`~offramp.scenario.spec.ScenarioSpec`: decision makers, options, parameters,
    questions, variants, where each came from) and adds what is computed from it. A scenario
    does not change after loading (:meth:`variant` and :meth:`with_changes` make new ones), so
    results are computed once per scenario and kept.

    Parameters
    ----------
    spec : offramp.scenario.ScenarioSpec
        The resolved scenario. Users do not build it: :func:`offramp.load`,
        :func:`offramp.from_yaml_text` and :func:`offramp.from_dict` return a ``Scenario``.

    Attributes
    ----------
    spec : offramp.scenario.ScenarioSpec
        The format's view of the scenario (``spec.dm_names``, ``spec.parameters``,
        ``spec.questions``, ``spec.variants`` ...).

    References
    ----------
    .. [1] Fang, L., Hipel, K. W. and Kilgour, D. M. (1993). *Interactive Decision Making: The
       Graph Model for Conflict Resolution*. Wiley.

    Examples
    --------
    >>> import offramp
    >>> sc = offramp.get_builtin("prisoners-dilemma")
    >>> sc.name
    "Prisoner's dilemma"
    >>> sc.spec.dm_names
    ['Row', 'Col']
    >>> sc.stability().to_dict()["equilibria"]["nash"]
    [4]
    """

    def __init__(self, spec: ScenarioSpec) -> None:
        self.spec = spec
        self._results: dict[Any, Any] = {}

    @property
    def name(self) -> str:
        """The scenario's name (its ``name:``).

        Examples
        --------
        >>> import offramp
        >>> offramp.get_builtin("chicken").name
        'Chicken'
        """
        return self.spec.name

    @property
    def conflict(self) -> ConflictModel:
        """The compiled conflict: feasible states and each DM's ranking of them.

        Raises
        ------
        offramp.ScenarioError
            When the state space shows a problem (e.g. an infeasible status quo).

        Examples
        --------
        >>> import offramp
        >>> offramp.get_builtin("prisoners-dilemma").conflict.n_states
        4
        """
        return self.spec.conflict

    def validate(self) -> Scenario:
        """Run every check, including those that need the state space.

        Returns
        -------
        Scenario
            ``self``, checked.

        Raises
        ------
        offramp.ScenarioError
            With every problem found, each located by file, line and column.

        Examples
        --------
        >>> import offramp
        >>> sc = offramp.get_builtin("chicken")
        >>> sc.validate() is sc
        True
        """
        self.spec.validate()
        return self

    def with_changes(
        self,
        parameters: dict[str, float] | None = None,
        status_quo: list[str] | None = None,
        remove_options: list[str] | tuple[str, ...] = (),
        *,
        perceptions: list[dict[str, Any]] | None = None,
        alternatives: dict[str, str] | None = None,
    ) -> Scenario:
        """A new scenario with parameters overridden, another status quo, options removed or
        more perceptions (see :meth:`offramp.scenario.ScenarioSpec.with_changes`).

        Parameters
        ----------
        parameters : dict of str to float, optional
            New values of declared parameters.
        status_quo : list of str, optional
            The options taken in the new status quo (``"DM.option"``).
        remove_options : sequence of str
            Options that can no longer be taken.
        perceptions : list of dict, optional
            Perceptions added to the document's (same keys as ``perceptions:``).
        alternatives : dict of str to str, optional
            Alternatives (``alternatives:``) fixed at one of their choices.

        Returns
        -------
        Scenario
            The changed scenario (not yet checked against its state space: call
            :meth:`validate`).

        Raises
        ------
        offramp.ScenarioError
            For an unknown parameter or option, or a value that is not a finite number.

        Examples
        --------
        >>> import offramp
        >>> sc = offramp.get_builtin("prisoners-dilemma")
        >>> sc.with_changes(remove_options=["Row.defect"]).conflict.n_states
        2
        """
        changed = self.spec.with_changes(
            parameters,
            status_quo,
            remove_options,
            perceptions=perceptions,
            alternatives=alternatives,
        )
        return Scenario(changed)

    def variant(self, name: str) -> Scenario:
        """The scenario as changed by one of its declared variants (``variants:``).

        Parameters
        ----------
        name : str
            The variant's name, one of ``spec.variants``.

        Returns
        -------
        Scenario
            The variant, checked.

        Raises
        ------
        offramp.errors.InputError
            For a variant the scenario does not declare.
        offramp.ScenarioError
            When the variant's own state space has a problem.

        Examples
        --------
        >>> import offramp
        >>> sc = offramp.get_builtin("beijing-broker")
        >>> name = next(iter(sc.spec.variants))
        >>> sc.variant(name).spec.variant_name == name
        True
        """
        return Scenario(self.spec.variant(name))

    def as_of(self, when: datetime.date | str | None) -> Scenario:
        """The scenario analysed with only the evidence published on or before a date.

        Parameters
        ----------
        when : datetime.date or str or None
            A date or ``YYYY-MM-DD``; None or ``"latest"``: every figure, however late.

        Returns
        -------
        Scenario
            A new scenario; a figure published later counts with its latest earlier entry.

        Raises
        ------
        offramp.ScenarioError
            When a formula reads a figure with no entry on or before ``when``.

        Examples
        --------
        >>> import offramp
        >>> sc = offramp.get_builtin("prisoners-dilemma")
        >>> sc.as_of("2026-01-01").conflict.n_states
        4
        """
        return Scenario(self.spec.as_of(when))

    def stability(
        self, concepts: list[str] | tuple[str, ...] | None = None, *, horizon: int | None = None
    ) -> StabilityResult:
        """Which states are stable for each decision maker, and the equilibria.

        Parameters
        ----------
        concepts : sequence of str, optional
            Solution concepts by key (``offramp.conflict.concepts.CONCEPTS``) or ``["all"]``;
            by default the default concepts and those the scenario's questions name.
        horizon : int, optional
            The look-ahead of limited-move stability (L_h) and the search of non-myopic
            stability.

        Returns
        -------
        offramp.conflict.result.StabilityResult
            Per concept, a (decision makers, states) table of stability and the equilibria.

        Raises
        ------
        offramp.errors.InputError
            For an unknown concept, a concept that does not cover this conflict (L_h with more
            than two DMs) or a horizon out of range.

        References
        ----------
        .. [1] Fang, Hipel and Kilgour (1993), ch. 3: the solution concepts.

        Examples
        --------
        >>> import offramp
        >>> sc = offramp.get_builtin("prisoners-dilemma")
        >>> sc.stability(["nash"]).equilibria("nash").tolist()
        [3]
        """
        keys = resolve_concepts(concepts) if concepts else scenario_concepts(self.spec)
        cache_key = ("stability", keys, horizon)
        if cache_key not in self._results:
            options = {} if horizon is None else {"horizon": horizon}
            self._results[cache_key] = compute_stability(self.conflict, keys, options=options)
        cached: StabilityResult = self._results[cache_key]
        return cached

    def analyze(
        self,
        concepts: list[str] | tuple[str, ...] | None = None,
        *,
        horizon: int | None = None,
        coalitions: str | None = None,
    ) -> Analysis:
        """Stability plus the evolution from the status quo: the analysis behind
        ``offramp analyze``.

        Parameters
        ----------
        concepts : sequence of str, optional
            Concepts added to the scenario's own (see :meth:`stability`).
        horizon : int, optional
            As for :meth:`stability`.
        coalitions : {None, "declared", "all"}
            With the coalition analysis of the declared coalitions (None, "declared") or of
            every coalition of two or more decision makers ("all").

        Returns
        -------
        offramp.analysis.conflict_analysis.Analysis
            Stability, where the conflict goes from the status quo and where it settles;
            ``to_dict()`` is the JSON of ``offramp analyze``.

        Raises
        ------
        offramp.errors.InputError
            As for :meth:`stability`, and for another value of ``coalitions``.

        Examples
        --------
        >>> import offramp
        >>> data = offramp.get_builtin("prisoners-dilemma").analyze().to_dict()
        >>> [state["id"] for state in data["equilibria"]["nash"]]
        [4]
        """
        keys = scenario_concepts(self.spec, resolve_concepts(concepts) if concepts else ())
        cache_key = ("analysis", keys, horizon, coalitions)
        if cache_key not in self._results:
            result = self.stability(keys, horizon=horizon)
            analysis = analyze_conflict(self.spec, result)
            analysis.coalitions = self.coalition_analysis(coalitions)
            self._results[cache_key] = analysis
        cached: Analysis = self._results[cache_key]
        return cached

    def coalition_analysis(self, which: str | None = None) -> CoalitionAnalysis | None:
        """Coalitional stability (C-Nash, C-GMR, C-SMR, C-SEQ).

        Parameters
        ----------
        which : {None, "declared", "all"}
            The coalitions the scenario declares (``coalitions:``; None and "declared"), or
            every coalition of two or more decision makers ("all").

        Returns
        -------
        offramp.conflict.coalitions.CoalitionAnalysis or None
            None when there is no coalition to analyse.

        Raises
        ------
        offramp.errors.InputError
            For ``which`` other than None, "declared" or "all".

        References
        ----------
        .. [1] Inohara, T. and Hipel, K. W. (2008). Coalition analysis in the graph model for
           conflict resolution. *Systems Engineering* 11(4), 343-359.

        Examples
        --------
        >>> import offramp
        >>> sc = offramp.get_builtin("elmira")
        >>> sc.coalition_analysis() is None  # elmira declares no coalition
        True
        >>> len(sc.coalition_analysis("all").coalitions)
        4
        """
        if which not in (None, "declared", "all"):
            raise InputError(f"coalitions must be 'all' or 'declared', not {which!r}")
        if which == "all":
            from offramp.conflict.coalitions import every_coalition

            chosen = every_coalition(self.conflict)
        elif self.spec.coalitions:
            from offramp.conflict.coalitions import named_coalitions

            declared = [(c.name, c.members) for c in self.spec.coalitions]
            chosen = named_coalitions(self.conflict, declared)
        else:
            return None
        cache_key = ("coalitions", tuple(c.name for c in chosen))
        if cache_key not in self._results:
            from offramp.conflict.coalitions import analyse_coalitions

            self._results[cache_key] = analyse_coalitions(self.conflict, chosen)
        cached: CoalitionAnalysis = self._results[cache_key]
        return cached

    @overload
    def explain(
        self,
        state: int,
        dm: str,
        concept: str = DEFAULT_CONCEPT,
        *,
        horizon: int | None = None,
    ) -> Explanation: ...

    @overload
    def explain(
        self,
        state: int,
        dm: None = None,
        concept: str = DEFAULT_CONCEPT,
        *,
        horizon: int | None = None,
    ) -> list[Explanation]: ...

    def explain(
        self,
        state: int,
        dm: str | None = None,
        concept: str = DEFAULT_CONCEPT,
        *,
        horizon: int | None = None,
    ) -> Explanation | list[Explanation]:
        """Why a state is or is not stable: the improvements a decision maker has from it and
        the sanctions that deter them.

        Parameters
        ----------
        state : int
            The state's id (from 1, as in every output).
        dm : str, optional
            A decision maker, by name or label; by default every one.
        concept : str
            The solution concept (default: the registry's default concept, SEQ).
        horizon : int, optional
            As for :meth:`stability`.

        Returns
        -------
        offramp.conflict.explain.Explanation or list of Explanation
            One explanation, or one per decision maker when ``dm`` is None.

        Raises
        ------
        offramp.errors.InputError
            For a state id out of range, an unknown decision maker (given by name or
            label) or concept.

        Examples
        --------
        >>> import offramp
        >>> sc = offramp.get_builtin("prisoners-dilemma")
        >>> e = sc.explain(4, "Row")
        >>> e.stable, e.concept
        (True, 'seq')
        >>> [x.dm for x in sc.explain(4)]
        ['Row', 'Col']
        """
        if dm is not None:  # a name or a label
            labels = [d.label for d in self.spec.document.decision_makers]
            dm = resolve_dm(dm, self.spec.dm_names, labels)
        from offramp.conflict.explain import explain

        result = self.stability([concept], horizon=horizon)
        if dm is None:
            return [explain(result, state, name, concept) for name in self.spec.dm_names]
        return explain(result, state, dm, concept)

    def answers(self) -> list[Answer]:
        """The scenario's own questions (``questions:``) answered, with their evidence.

        Returns
        -------
        list of offramp.analysis.questions.Answer
            One per question, in the document's order; each has a ``verdict`` ("yes", "no",
            "depends" or "undetermined").

        Examples
        --------
        >>> import offramp
        >>> sc = offramp.get_builtin("beijing-broker")
        >>> answers = sc.answers()
        >>> [a.question.id for a in answers] == [q.id for q in sc.spec.questions]
        True
        >>> all(a.verdict in ("yes", "no", "depends", "undetermined") for a in answers)
        True
        """
        analysis = self.analyze()
        from offramp.analysis.questions import answer

        return [answer(analysis, q) for q in self.spec.questions]

    def threshold(self, qid: str, **options: Any) -> dict[str, Any]:
        """Where a question's answer flips along its parameter.

        Parameters
        ----------
        qid : str
            The question's id; its ``threshold:`` names the parameter and the range searched.
        **options
            As for :func:`offramp.analysis.sweeps.threshold` (``tol``, ``grid``, ``progress``).

        Returns
        -------
        dict
            The parameter, the range, the values where the answer changes (``transitions``)
            and a one-line ``summary``.

        Raises
        ------
        offramp.errors.InputError
            For an unknown question or one without a parameter.

        Examples
        --------
        >>> import offramp
        >>> found = offramp.get_builtin("beijing-broker").threshold("concession-needed")
        >>> found["parameter"]
        'trade_relief'
        """
        from offramp.analysis.sweeps import threshold

        return threshold(self.spec, self.spec.question(qid), **options)

    def sweep(self, parameter: str, values: Iterable[float]) -> SweepResult:
        """Equilibria, settling states and answers along a grid of one parameter.

        Parameters
        ----------
        parameter : str
            A declared parameter (derived parameters follow it).
        values : sequence of float
            The values analysed.

        Returns
        -------
        offramp.analysis.sweeps.SweepResult
            One row per value.

        Raises
        ------
        offramp.errors.InputError
            For an unknown parameter or a value that is not a finite number.

        Examples
        --------
        >>> import offramp
        >>> result = offramp.get_builtin("beijing-broker").sweep("trade_relief", [0, 10])
        >>> [row.value for row in result.rows]
        [0.0, 10.0]
        """
        from offramp.analysis.sweeps import sweep

        return sweep(self.spec, parameter, values)

    def answer_map(
        self, goal: str, x: tuple[Any, ...], y: tuple[Any, ...], **options: Any
    ) -> AnswerMap:
        """The verdict of a goal over a grid of two parameters.

        Parameters
        ----------
        goal : str
            A question id or a statement (e.g. ``"CN.press"``).
        x, y : tuple of (str, float, float)
            Each axis as (parameter, low, high).
        **options
            As for :func:`offramp.analysis.answer_map.answer_map` (``steps``, ``concept``,
            ``samples`` ...).

        Returns
        -------
        offramp.analysis.answer_map.AnswerMap
            The verdict per cell and the exact boundaries where it changes.

        Raises
        ------
        offramp.errors.InputError
            For an unknown parameter or goal, or a grid beyond the limits.

        Examples
        --------
        >>> import offramp
        >>> sc = offramp.get_builtin("beijing-broker")
        >>> m = sc.answer_map(
        ...     "china-presses", ("trade_relief", 0, 15), ("fear_of_defeat", 0, 6), steps=(4, 3)
        ... )
        >>> len(m.verdict_names()), len(m.verdict_names()[0])
        (3, 4)
        """
        from offramp.analysis.answer_map import answer_map

        return answer_map(self.spec, goal, x, y, **options)

    def conditions(self, state: int, concept: str = DEFAULT_CONCEPT) -> OrdinalInverse:
        """What each decision maker must prefer for a state to be an equilibrium, whatever
        form its preferences take.

        Parameters
        ----------
        state : int
            The state's id (from 1).
        concept : str
            The solution concept (default: the registry's default concept, SEQ).

        Returns
        -------
        offramp.analysis.ordinal_inverse.OrdinalInverse
            Per decision maker, the states the given one must be liked at least as much as.

        Raises
        ------
        offramp.errors.InputError
            For a state id out of range or an unknown concept.

        Examples
        --------
        >>> import offramp
        >>> c = offramp.get_builtin("prisoners-dilemma").conditions(4)
        >>> c.equilibrium_now
        True
        """
        from offramp.analysis.ordinal_inverse import state_conditions

        return state_conditions(self.conflict, state, concept)

    def hypergame(self) -> Hypergame:
        """Stability with each decision maker in the game it perceives (``perceptions:``).

        Returns
        -------
        offramp.analysis.hypergame.Hypergame
            The equilibria of the correct game and of the hypergame, and the questions'
            verdicts in both.

        References
        ----------
        .. [1] Wang, M., Hipel, K. W. and Fraser, N. M. (1988). Modeling misperceptions in
           games. *Behavioral Science* 33(3), 207-223.

        Examples
        --------
        >>> import offramp
        >>> h = offramp.get_builtin("prisoners-dilemma").hypergame().to_dict()
        >>> h["perceptions"]  # nobody misperceives: the hypergame is the game
        []
        """
        from offramp.analysis.hypergame import hypergame

        return hypergame(self.spec)

    def inverse(self, goal: str, **options: Any) -> InverseResult:
        """What would it take: the smallest change of parameters after which a goal holds.

        Parameters
        ----------
        goal : str
            A question id or a statement.
        **options
            As for :func:`offramp.analysis.inverse.inverse` (``parameters``, ``ranges``,
            ``norm``, ``mode``, ``concept``).

        Returns
        -------
        offramp.analysis.inverse.InverseResult
            The change found (if any), its distance and the verdicts before and after.

        Raises
        ------
        offramp.errors.InputError
            For an unknown goal or parameter, or bad options.

        Examples
        --------
        The smallest concession package that makes China press, searching one parameter
        (all 32, the default, takes about ten seconds: docs/benchmarks.md):

        >>> import offramp
        >>> sc = offramp.get_builtin("beijing-broker")
        >>> found = sc.inverse("china-presses", parameters=["trade_relief"]).to_dict()
        >>> found["verdict_before"], found["found"]
        ('no', True)
        >>> round(found["changes"]["trade_relief"]["to"], 1)
        6.0
        """
        from offramp.analysis.inverse import inverse

        return inverse(self.spec, goal, **options)

    def __repr__(self) -> str:
        return repr(self.spec)


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
    scenario = Scenario(ScenarioSpec(document, data, smap, text))
    return scenario.validate() if check_states else scenario


def from_dict(data: dict[str, Any], name: str = "<dict>", *, check_states: bool = True) -> Scenario:
    """Build a scenario from a Python dict with the same keys as the YAML format."""
    document, plain, smap = parse_dict(data, name)
    scenario = Scenario(ScenarioSpec(document, plain, smap, None))
    return scenario.validate() if check_states else scenario
