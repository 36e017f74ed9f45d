"""From a resolved scenario to the engine's arrays, with the checks that need the state space.

This is where a scenario meets its size: the feasible states are counted from the option
structure (each decision maker's feasible choices, :mod:`offramp.conflict.feasible`), the memory a
full analysis would need is estimated from that count and refused with an explanation if it
exceeds the budget, the states are enumerated without listing the combinations the rules
exclude, and preference statements are evaluated on every feasible state at once.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection
from decimal import Decimal
from functools import partial
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from offramp.conflict.feasible import (
    Rule,
    Structure,
    enumerate_components,
    enumerate_product,
    structure,
)
from offramp.conflict.model import (
    DIRECTIONS,
    ConflictModel,
    ConflictTooLarge,
    block_layout_dms,
    bytes_per_state,
    dense_ranks,
    estimate_bytes,
    human_bytes,
)
from offramp.resources import memory_budget
from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.limits import LimitError, check_enumeration, option_references
from offramp.scenario.limits import message as limit_message
from offramp.scenario.limits import value as limit_value
from offramp.scenario.resolved import CompiledPreference, CompiledStatement
from offramp.scenario.statements import (
    Expr,
    Not,
    OptionRef,
    Var,
    code_words,
    evaluate_codes,
    variables,
)
from offramp.scenario.yaml_source import DocPath, SourceMap

_log = logging.getLogger("offramp")


class ResolvedScenario(Protocol):
    """What compiling needs of a resolved scenario (:class:`~offramp.scenario.spec.ScenarioSpec`
    provides it; the spec imports this module, so it is described here, not imported)."""

    @property
    def name(self) -> str: ...

    dm_names: list[str]
    options: list[OptionRef]
    option_dm: list[int]
    option_directions: list[str]
    infeasible: list[CompiledStatement]
    mutually_exclusive: list[tuple[list[int], DocPath]]
    at_least_one: list[tuple[list[int], DocPath]]
    removed: tuple[int, ...]
    status_quo: list[int] | None
    preferences: dict[str, CompiledPreference]
    source: SourceMap

    def option_label(self, index: int) -> str: ...

    def dm_label(self, name: str) -> str: ...


def _describe_state(scenario: ResolvedScenario, code: int) -> str:
    taken = [o.qualified for o in scenario.options if code >> o.index & 1]
    return "{" + ", ".join(taken) + "}" if taken else "{nothing taken}"


def _bit(codes: np.ndarray, k: int) -> np.ndarray:
    return ((codes >> np.uint64(k)) & np.uint64(1)).astype(bool)


def feasibility_rules(scenario: ResolvedScenario) -> list[Rule]:
    """The scenario's feasibility rules (``infeasible`` statements, ``mutually_exclusive`` and
    ``at_least_one`` groups, removed options), each with the options it reads: the one
    definition of which codes they remove."""
    rules: list[Rule] = []
    for st in scenario.infeasible:
        rules.append(
            Rule(
                tuple(sorted(set(variables(st.expr)))),
                partial(evaluate_codes, st.expr),
                option_references(st.expr),
            )
        )

    def too_many(codes: np.ndarray, group: list[int]) -> np.ndarray:
        count = np.zeros(len(codes), dtype=np.int8)
        for k in group:
            count += _bit(codes, k)
        return count > 1

    def none_taken(codes: np.ndarray, group: list[int]) -> np.ndarray:
        any_taken = np.zeros(len(codes), dtype=bool)
        for k in group:
            any_taken |= _bit(codes, k)
        return ~any_taken

    for group, _ in scenario.mutually_exclusive:
        if group:  # an empty group removes nothing
            rules.append(
                Rule(
                    tuple(sorted(set(group))),
                    partial(too_many, group=group),
                    len(group),
                    monotone=True,
                )
            )
    for k in scenario.removed:
        rules.append(Rule((k,), partial(_bit, k=k), monotone=True))
    for group, _ in scenario.at_least_one:
        rules.append(Rule(tuple(sorted(set(group))), partial(none_taken, group=group), len(group)))
    return rules


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


def exact_weights(values: Collection[float]) -> npt.NDArray[np.int64] | None:
    """Integers proportional to the weights as written (0.1 is one tenth, not the nearest
    binary float), so that sums compare exactly: 0.1 + 0.2 ties with 0.3, and 1e7 + 0.1 + 0.2
    with 1e7 + 0.3. None when they do not fit in 62 bits (e.g. sampled values with 17 digits),
    in which case floats are compared as they are.

    Each float's shortest repr is read exactly with :class:`decimal.Decimal` (its ratio in
    lowest terms, as :class:`fractions.Fraction` would give, at a fraction of the cost: the
    Monte Carlo calls this once per distinct row of weights)."""
    lcd = 1
    ratios = []
    for v in values:
        n, d = Decimal(repr(float(v))).as_integer_ratio()
        ratios.append((n, d))
        lcd = math.lcm(lcd, d)
        if lcd > 10**15:
            return None
    ints = [n * (lcd // d) for n, d in ratios]
    if sum(abs(i) for i in ints) >= 2**62:
        return None
    return np.array(ints, dtype=np.int64)


def weight_scores(truths: list[np.ndarray], values: Collection[float], size: int) -> np.ndarray:
    """The comparison key of a weights preference: Σ value over the true statements, exact
    (integers, scaled) when the values allow it, else float64."""
    ints = exact_weights(values)
    if ints is None:
        return weight_values(truths, values, size)
    key = _zero_key(ints, size)
    _add_truths(key, truths, ints)
    return key  # int32 or int64: compared exactly either way


def weight_key(
    exprs: list[Expr], values: Collection[float], codes: np.ndarray, bits: dict[int, np.ndarray]
) -> np.ndarray:
    """:func:`weight_scores` from the statements themselves, over ``codes`` (``bits``: the
    option columns shared between statements, as :func:`evaluate_codes` keeps them).

    Why: most weights are on single options ('Russia.ceasefire', or its negation), and a
    scenario written as choices has many (8 DMs x 6 strategies: 48 per DM). Their sum over a
    16-bit word of the codes is a table of 2^16 partial sums, so each word holding such options
    costs one lookup per state instead of one pass per statement (and no truth columns). Only
    for exact integer sums, whose order of addition does not matter; other statements add their
    truths as :func:`weight_scores` does."""
    ints = exact_weights(values)
    if ints is None:
        truths = [evaluate_codes(e, codes, bits) for e in exprs]
        return weight_values(truths, values, len(codes))
    key = _zero_key(ints, len(codes))
    # per word of the codes, per bit: the weight added when the option is taken, and when not
    added: dict[int, np.ndarray] = {}
    rest: list[tuple[Expr, int]] = []
    for expr, w in zip(exprs, ints.tolist(), strict=True):
        if not w:
            continue
        option, negated = _single_option(expr)
        if option is None:
            rest.append((expr, w))
            continue
        word, bit = divmod(option, WORD_BITS)
        added.setdefault(word, np.zeros((WORD_BITS, 2), dtype=np.int64))[bit, int(not negated)] += w
    if added:
        words = code_words(codes)
        for word, per_bit in added.items():
            np.add(key, np.take(_word_table(per_bit, key.dtype), words[:, word]), out=key)
    _add_truths(key, [evaluate_codes(e, codes, bits) for e, _ in rest], [w for _, w in rest])
    return key


#: Bits of the codes read per table lookup in :func:`weight_key` (tables of 2^16 entries fit
#: in the processor's second-level cache).
WORD_BITS = 16


def _word_table(per_bit: np.ndarray, dtype: np.dtype[Any]) -> np.ndarray:
    """The sum of the weights over every value of a word: ``per_bit[b]`` = (weight when bit b
    is clear, weight when it is set). Built by doubling (bit b splits the table into the half
    with it clear and the half with it set), 2^17 additions in all. Every entry is a sum of
    some of the weights, so it fits the key's type when the sum of their magnitudes does."""
    table = np.zeros(1, dtype=np.int64)
    for clear, taken in per_bit.tolist():
        table = np.concatenate([table + clear, table + taken])
    return table.astype(dtype)


def _single_option(expr: Expr) -> tuple[int | None, bool]:
    """(option, negated) for a statement that is one option or its negation, else (None, _)."""
    if isinstance(expr, Var):
        return expr.index, False
    if isinstance(expr, Not) and isinstance(expr.arg, Var):
        return expr.arg.index, True
    return None, False


def _zero_key(ints: np.ndarray, size: int) -> np.ndarray:
    """An exact key of zeros: int32 where no sum of the weights can overflow it, else int64."""
    small = int(np.abs(ints).sum()) < 2**31
    key: npt.NDArray[np.signedinteger[Any]] = np.zeros(size, dtype=np.int32 if small else np.int64)
    return key


def _add_truths(key: np.ndarray, truths: list[np.ndarray], ints: Collection[int]) -> None:
    """Add each weight where its statement is true: a truth times a small weight in int8, the
    fewest bytes moved per statement (a masked add is several times slower)."""
    for t, w in zip(truths, ints, strict=True):
        if w:
            bit = np.asarray(t, dtype=bool).view(np.int8)
            key += bit * (np.int8(w) if -128 < w < 128 else key.dtype.type(w))


def _whole(values: Collection[float]) -> bool:
    """Whole-number weights whose sums stay exact in float64 (below 2^53 in magnitude)."""
    floats = [float(v) for v in values]
    return all(f.is_integer() for f in floats) and sum(abs(f) for f in floats) < 2**53


def weight_values(truths: list[np.ndarray], values: Collection[float], size: int) -> np.ndarray:
    """The scores themselves, for display (floats). Adding only where a statement is true
    gives the same sums as adding 0.0 elsewhere (a sum starting at +0.0 never becomes -0.0),
    in one masked pass per statement."""
    score = np.zeros(size, dtype=np.float64)
    for t, v in zip(truths, values, strict=True):
        np.add(score, float(v), out=score, where=np.asarray(t, dtype=bool))
    return score


def _scores(
    scenario: ResolvedScenario,
    pref: CompiledPreference,
    codes: np.ndarray,
    bits: dict[int, np.ndarray],
    truths: list[np.ndarray],
) -> np.ndarray:
    """A decision maker's comparison key over ``codes``; ``truths`` are its statements' truths
    (read by prioritization; weights read their statements, a ranking its entries)."""
    if pref.form == "prioritization":
        return priority_scores(truths, default_order(pref), len(codes))
    if pref.form == "weights":
        return weight_key([e[0].expr for e in pref.entries], pref.values, codes, bits)
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


def feasible_structure(scenario: ResolvedScenario) -> Structure:
    """The feasible states' structure, each decision maker's choices enumerated (cheap: the
    work is checked against the limit first). ``upper_bound()`` then counts the feasible
    states exactly when no rule spans decision makers, and bounds them otherwise."""
    struct = structure(len(scenario.options), scenario.option_dm, feasibility_rules(scenario))
    refs = sum(r.references for c in struct.components for r in c.rules)
    combos = sum(c.combinations for c in struct.components)
    check_enumeration(
        scenario, struct.local_work(), combos, refs, "combinations of each decision maker's options"
    )
    enumerate_components(struct)
    cross = sum(r.references for r in struct.cross)
    check_enumeration(
        scenario,
        struct.product_work(),
        struct.upper_bound(),
        cross,
        "combinations of the decision makers' choices (filtered by rules spanning them)",
    )
    return struct


def feasible_count(scenario: ResolvedScenario) -> tuple[int, bool]:
    """The number of feasible states, counted from the option structure before enumerating
    them: (count, exact). Not exact when a rule spans decision makers: the count is then the
    product of their choices, an upper bound."""
    struct = feasible_structure(scenario)
    return struct.upper_bound(), struct.exact


#: From this many feasible states on, the count and the memory estimate are announced (logger
#: ``offramp``, shown on stderr by the command line) before the states are built.
ANNOUNCE_STATES = 500_000


def compile_conflict(scenario: ResolvedScenario) -> ConflictModel:
    """Enumerate the feasible states and score them; raise ScenarioError on semantic problems."""
    m = len(scenario.options)
    try:
        budget = memory_budget()
    except ValueError as exc:
        raise ScenarioError([Problem(str(exc), "", "environment")]) from None
    try:
        struct = feasible_structure(scenario)  # the work, checked before it starts
    except ConflictTooLarge as exc:
        raise ScenarioError([scenario.source.problem(("decision_makers",), str(exc))]) from None
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
    choices = struct.choices(scenario.option_dm)
    blocks = block_layout_dms(
        scenario.option_dm,
        [d != "both" for d in scenario.option_directions],
        [choices.get(i, 1) for i in range(n)],
    )
    max_states = int(budget // bytes_per_state(n, max_dir, blocks))
    upper = struct.upper_bound()
    most = int(limit_value("states"))  # the time limit, on the states the engine will process

    def too_many(found: int | str) -> LimitError:
        return LimitError(
            [scenario.source.problem(("decision_makers",), limit_message("states", found))]
        )

    if struct.exact and upper > most:
        raise too_many(upper)  # the count is known: refuse before building anything
    if upper >= ANNOUNCE_STATES:
        count = f"{upper:,}" if struct.exact else f"at most {upper:,}"
        _log.info(
            "%s: %s feasible states (from each decision maker's choices); analysing them "
            "needs about %s",
            scenario.name,
            count,
            human_bytes(estimate_bytes(min(upper, max_states + 1), n, max_dir, blocks)),
        )

    def check_memory(states: int) -> None:
        need = estimate_bytes(states, n, max_dir, blocks)
        if need > budget:
            raise ScenarioError(
                [
                    scenario.source.problem(
                        ("decision_makers",),
                        f"the conflict is too large for memory: {states:,} feasible states "
                        f"would need about {human_bytes(need)} for stability analysis, over the "
                        f"limit of {human_bytes(budget)}; add feasibility rules, split the "
                        "conflict, or raise the limit with OFFRAMP_MEMORY_LIMIT (e.g. 16G)",
                    )
                ]
            )

    if struct.exact:
        check_memory(upper)  # the count is known: refuse before building anything
    try:
        codes = enumerate_product(struct, min(max_states, most))
    except ConflictTooLarge as exc:
        if most <= max_states:
            raise too_many(f"more than {most:,}") from None
        message = (
            f"the conflict is too large for memory: {exc}; each needs about "
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
    check_memory(len(codes))

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
        truths: list[np.ndarray] = []
        if pref.form == "prioritization":
            truths = [evaluate_codes(e[0].expr, codes, bits) for e in pref.entries]
        try:
            keys.append(_scores(scenario, pref, codes, bits, truths))
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        if pref.form == "weights" and keys[-1].dtype.kind == "f":
            scores[i] = keys[-1]  # weights not exact as integers: the key is the float sum
        elif pref.form == "weights" and _whole(pref.values):
            scores[i] = keys[-1]  # whole weights: the exact key is the float sum, exactly
        elif pref.form == "weights":
            truths = [evaluate_codes(e[0].expr, codes, bits) for e in pref.entries]
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
        labels={
            **{dm: scenario.dm_label(dm) for dm in scenario.dm_names},
            **{o.qualified: scenario.option_label(o.index) for o in scenario.options},
        },
    )
