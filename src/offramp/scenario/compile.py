"""From a resolved scenario to the engine's arrays, with the checks that need the state space.

This is where a scenario meets its size: the feasible states are enumerated in chunks, the
memory a full analysis would need is estimated and refused with an explanation if it exceeds the
budget, and preference statements are evaluated on every feasible state at once.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Protocol

import numpy as np

from offramp.conflict.model import (
    DIRECTIONS,
    ConflictModel,
    ConflictTooLarge,
    block_layout_dms,
    bytes_per_state,
    dense_ranks,
    enumerate_feasible,
    estimate_bytes,
    human_bytes,
)
from offramp.resources import memory_budget
from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.limits import check_enumeration
from offramp.scenario.resolved import CompiledPreference, CompiledStatement
from offramp.scenario.statements import OptionRef, evaluate_codes
from offramp.scenario.yaml_source import Path, SourceMap


class Scenario(Protocol):
    """What compiling needs of a resolved scenario (:class:`~offramp.scenario.spec.ScenarioSpec`
    provides it; the spec imports this module, so it is described here, not imported)."""

    name: str
    dm_names: list[str]
    options: list[OptionRef]
    option_dm: list[int]
    option_directions: list[str]
    infeasible: list[CompiledStatement]
    mutually_exclusive: list[tuple[list[int], Path]]
    at_least_one: list[tuple[list[int], Path]]
    removed: tuple[int, ...]
    status_quo: list[int] | None
    preferences: dict[str, CompiledPreference]
    source: SourceMap


def _describe_state(scenario: Scenario, code: int) -> str:
    taken = [o.qualified for o in scenario.options if code >> o.index & 1]
    return "{" + ", ".join(taken) + "}" if taken else "{nothing taken}"


def _bit(codes: np.ndarray, k: int) -> np.ndarray:
    return ((codes >> np.uint64(k)) & np.uint64(1)).astype(bool)


def infeasibility(scenario: Scenario):
    """A function marking the codes that any feasibility rule removes."""

    def infeasible(codes: np.ndarray) -> np.ndarray:
        out = np.zeros(len(codes), dtype=bool)
        for st in scenario.infeasible:
            out |= evaluate_codes(st.expr, codes)
        for group, _ in scenario.mutually_exclusive:
            count = np.zeros(len(codes), dtype=np.int8)
            for k in group:
                count += _bit(codes, k)
            out |= count > 1
        for k in scenario.removed:
            out |= _bit(codes, k)
        for group, _ in scenario.at_least_one:
            any_taken = np.zeros(len(codes), dtype=bool)
            for k in group:
                any_taken |= _bit(codes, k)
            out |= ~any_taken
        return out

    return infeasible


def priority_scores(truths: list[np.ndarray], order: list[int], size: int) -> np.ndarray:
    """Option prioritization: sum of 2^(K-k) over the statements true at each state, for the
    statements ``order`` lists (most important first)."""
    k = len(order)
    if k == 0:
        return np.zeros(size, dtype=np.float64)
    if k <= 52:  # exact in float64
        score = np.zeros(size, dtype=np.float64)
        for pos, entry in enumerate(order):
            score += truths[entry] * float(2 ** (k - 1 - pos))
        return score
    # more statements than float64 weighs exactly: the order is lexicographic, so rank by it
    stacked = np.stack([truths[e] for e in order][::-1])  # lexsort: last key is primary
    idx = np.lexsort(stacked)
    keys = stacked[:, idx].T
    ranks = np.zeros(size, dtype=np.float64)
    ranks[idx[1:]] = np.cumsum(np.any(keys[1:] != keys[:-1], axis=1))
    return ranks


def default_order(pref: CompiledPreference) -> list[int]:
    """Statements a deterministic analysis uses: those held with probability >= 0.5."""
    return [k for k, p in enumerate(pref.probability) if p >= 0.5]


def exact_weights(values) -> np.ndarray | None:
    """Integers proportional to the weights as written (0.1 is one tenth, not the nearest
    binary float), so that sums compare exactly: 0.1 + 0.2 ties with 0.3, and 1e7 + 0.1 + 0.2
    with 1e7 + 0.3. None when they do not fit in 62 bits (e.g. sampled values with 17 digits),
    in which case floats are compared as they are."""
    fracs = [Fraction(repr(float(v))) for v in values]
    lcd = 1
    for f in fracs:
        lcd = math.lcm(lcd, f.denominator)
        if lcd > 10**15:
            return None
    ints = [f.numerator * (lcd // f.denominator) for f in fracs]
    if sum(abs(i) for i in ints) >= 2**62:
        return None
    return np.array(ints, dtype=np.int64)


def weight_scores(truths: list[np.ndarray], values, size: int) -> np.ndarray:
    """The comparison key of a weights preference: Σ value over the true statements, exact
    (integers, scaled) when the values allow it, else float64."""
    ints = exact_weights(values)
    if ints is not None:
        # int32 sums where they cannot overflow; a truth times a small weight in int8: the
        # fewest bytes moved per statement (a masked add is several times slower)
        small = int(np.abs(ints).sum()) < 2**31
        key = np.zeros(size, dtype=np.int32 if small else np.int64)
        for t, w in zip(truths, ints, strict=True):
            if w:
                bit = np.asarray(t, dtype=bool).view(np.int8)
                key += bit * (np.int8(w) if -128 < w < 128 else key.dtype.type(w))
        return key  # int32 or int64: compared exactly either way
    return weight_values(truths, values, size)


def _whole(values) -> bool:
    """Whole-number weights whose sums stay exact in float64 (below 2^53 in magnitude)."""
    floats = [float(v) for v in values]
    return all(f.is_integer() for f in floats) and sum(abs(f) for f in floats) < 2**53


def weight_values(truths: list[np.ndarray], values, size: int) -> np.ndarray:
    """The scores themselves, for display (floats). Adding only where a statement is true
    gives the same sums as adding 0.0 elsewhere (a sum starting at +0.0 never becomes -0.0),
    in one masked pass per statement."""
    score = np.zeros(size, dtype=np.float64)
    for t, v in zip(truths, values, strict=True):
        np.add(score, float(v), out=score, where=np.asarray(t, dtype=bool))
    return score


def _scores(
    scenario: Scenario,
    pref: CompiledPreference,
    codes: np.ndarray,
    bits: dict[int, np.ndarray],
    truths: list[np.ndarray] | None = None,
) -> np.ndarray:
    if pref.form == "prioritization":
        return priority_scores(truths, default_order(pref), len(codes))
    if pref.form == "weights":
        return weight_scores(truths, pref.values, len(codes))
    # ranking: every feasible state matched by exactly one entry
    n_entries = len(pref.entries)
    which = np.full(len(codes), -1, dtype=np.int64)
    problems = []
    for pos, tie in enumerate(pref.entries):
        hit = np.zeros(len(codes), dtype=bool)
        for st in tie:
            match = evaluate_codes(st.expr, codes, bits)
            double = match & (hit | (which >= 0))
            if double.any():
                s = int(np.flatnonzero(double)[0])
                first = int(which[s]) if which[s] >= 0 else pos
                problems.append(
                    scenario.source.problem(
                        st.path,
                        f"the feasible state {_describe_state(scenario, int(codes[s]))} is matched "
                        f"again (already by entry [{first}]); each state must be placed exactly "
                        f"once ({int(double.sum())} state(s) are matched twice here)",
                        offset=0,
                    )
                )
            hit |= match
        which[hit & (which < 0)] = pos
    missing = np.flatnonzero(which < 0)
    if len(missing):
        examples = ", ".join(_describe_state(scenario, int(codes[s])) for s in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        problems.append(
            scenario.source.problem(
                pref.path,
                f"the ranking does not place {len(missing)} feasible state(s): {examples}{more}; "
                "add an entry (or a tie) that matches them",
            )
        )
    if problems:
        raise ScenarioError(problems)
    return (n_entries - which).astype(np.float64)


def compile_conflict(scenario: Scenario) -> ConflictModel:
    """Enumerate the feasible states and score them; raise ScenarioError on semantic problems."""
    m = len(scenario.options)
    check_enumeration(scenario)  # the time the enumeration takes, before it starts
    try:
        budget = memory_budget()
    except ValueError as exc:
        raise ScenarioError([Problem(str(exc), "", "environment")]) from None
    n = len(scenario.dm_names)
    max_dir = max(
        (
            sum(
                1
                for k in range(m)
                if scenario.option_dm[k] == i and scenario.option_directions[k] != "both"
            )
            for i in range(n)
        ),
        default=0,
    )
    blocks = block_layout_dms(scenario.option_dm, [d != "both" for d in scenario.option_directions])
    max_states = int(budget // bytes_per_state(n, max_dir, blocks))
    try:
        codes = enumerate_feasible(m, infeasibility(scenario), max_states)
    except ConflictTooLarge as exc:
        message = str(exc)
        if message.startswith("more than"):
            message = (
                f"the conflict is too large for memory: {message}; each needs about "
                f"{human_bytes(bytes_per_state(n, max_dir, blocks))} for stability analysis "
                f"and the limit is {human_bytes(budget)}; add feasibility rules, split the "
                "conflict, or raise the limit with OFFRAMP_MEMORY_LIMIT (e.g. 16G)"
            )
        raise ScenarioError([scenario.source.problem(("decision_makers",), message)]) from None
    if len(codes) == 0:
        where = ("infeasible",) if scenario.infeasible else ("decision_makers",)
        raise ScenarioError(
            [
                scenario.source.problem(
                    where,
                    "no feasible state: the feasibility rules (infeasible, mutually_exclusive, "
                    f"at_least_one) remove all 2^{m} combinations; relax one of them",
                )
            ]
        )
    need = estimate_bytes(len(codes), n, max_dir, blocks)
    if need > budget:
        raise ScenarioError(
            [
                scenario.source.problem(
                    ("decision_makers",),
                    f"the conflict is too large for memory: {len(codes):,} feasible states "
                    f"would need about {human_bytes(need)} for stability analysis, over the "
                    f"limit of {human_bytes(budget)}; add feasibility rules, split the "
                    "conflict, or raise the limit with OFFRAMP_MEMORY_LIMIT (e.g. 16G)",
                )
            ]
        )

    status_quo = None
    if scenario.status_quo is not None:
        sq_code = sum(1 << k for k in scenario.status_quo)
        pos = int(np.searchsorted(codes, np.uint64(sq_code)))
        if pos >= len(codes) or int(codes[pos]) != sq_code:
            raise ScenarioError(
                [
                    scenario.source.problem(
                        ("status_quo",),
                        f"the status quo {_describe_state(scenario, sq_code)} is infeasible: a "
                        "feasibility rule removes it; fix the status quo or the rule",
                    )
                ]
            )
        status_quo = pos

    problems = []
    scores = np.zeros((n, len(codes)), dtype=np.float64)
    keys: list[np.ndarray] = []
    bits: dict[int, np.ndarray] = {}  # option columns, extracted once for every statement
    for i, dm in enumerate(scenario.dm_names):
        pref = scenario.preferences[dm]
        truths = None
        if pref.form in ("prioritization", "weights"):
            truths = [evaluate_codes(e[0].expr, codes, bits) for e in pref.entries]
        try:
            keys.append(_scores(scenario, pref, codes, bits, truths))
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        if pref.form == "weights" and _whole(pref.values) and keys[-1].dtype.kind == "i":
            scores[i] = keys[-1]  # whole weights: the exact key is the float sum, exactly
        elif pref.form == "weights":
            scores[i] = weight_values(truths, pref.values, len(codes))
        else:
            scores[i] = keys[-1]
    if problems:
        raise ScenarioError(problems)
    return ConflictModel(
        dm_names=list(scenario.dm_names),
        option_names=[o.qualified for o in scenario.options],
        option_dm=np.array(scenario.option_dm, dtype=np.int64),
        direction=np.array([DIRECTIONS[d] for d in scenario.option_directions], dtype=np.int8),
        codes=codes,
        ranks=dense_ranks(keys),
        scores=scores,
        status_quo=status_quo,
        name=scenario.name,
    )
