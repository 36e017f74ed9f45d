"""Hypothesis strategies for random, valid offramp/1 scenarios (as dicts).

Statements are generated as small syntax trees of our own (tuples), rendered to text with the
documented precedence (``!`` > ``&`` > ``|`` > ``->`` right-assoc > ``<->``), optional extra
parentheses and random spacing, and evaluated by our own evaluator, so that the strategy knows
the feasible states (needed to write a ranking that places every feasible state exactly once)
without asking offramp.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

from hypothesis import assume
from hypothesis import strategies as st

DM_POOL = ["US", "CN", "Row", "Col", "Gov_2", "Rebel-A", "EU", "Uni"]
OPTION_POOL = ["act", "wait", "x", "y", "strike", "talk", "delay-1", "go_on"]
DIRECTIONS = ["both", "forward", "backward"]
MAX_OPTIONS = 8  # 2^8 states at most: keeps the brute force fast

# precedence levels: higher binds tighter
PREC = {"iff": 1, "imp": 2, "or": 3, "and": 4, "not": 5, "var": 6, "const": 6}
SYMBOL = {"iff": "<->", "imp": "->", "or": "|", "and": "&"}


def evaluate(node: tuple, state: int) -> bool:
    """Our own evaluator for the tuple trees built here (bit k of state = option k)."""
    kind = node[0]
    if kind == "const":
        return node[1]
    if kind == "var":
        return bool((state >> node[1]) & 1)
    if kind == "not":
        return not evaluate(node[1], state)
    a, b = evaluate(node[1], state), evaluate(node[2], state)
    if kind == "and":
        return a and b
    if kind == "or":
        return a or b
    if kind == "imp":
        return (not a) or b
    if kind == "iff":
        return a == b
    raise ValueError(kind)


@dataclass(frozen=True)
class Option:
    index: int
    dm: str
    name: str
    bare_ok: bool  # the bare name is unambiguous

    @property
    def qualified(self) -> str:
        return f"{self.dm}.{self.name}"


@functools.cache
def trees(n_options: int, max_leaves: int = 5) -> st.SearchStrategy[tuple]:
    leaves = st.one_of(
        st.integers(0, n_options - 1).map(lambda k: ("var", k)),
        st.integers(0, n_options - 1).map(lambda k: ("var", k)),
        st.integers(0, n_options - 1).map(lambda k: ("var", k)),
        st.booleans().map(lambda b: ("const", b)),
    )

    def extend(children: st.SearchStrategy[tuple]) -> st.SearchStrategy[tuple]:
        return st.one_of(
            children.map(lambda c: ("not", c)),
            st.tuples(st.sampled_from(["and", "or", "imp", "iff"]), children, children),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


@st.composite
def render(draw, node: tuple, options: list[Option]) -> str:
    """Text for a tree: parentheses where precedence needs them, sometimes more, random spaces."""

    def sp() -> str:
        return draw(st.sampled_from(["", " ", " ", "  "]))

    def name(opt: Option) -> str:
        return opt.name if opt.bare_ok and draw(st.booleans()) else opt.qualified

    def go(n: tuple, need: int) -> str:
        kind = n[0]
        if kind == "const":
            text = "true" if n[1] else "false"
        elif kind == "var":
            text = name(options[n[1]])
        elif kind == "not":
            text = "!" + sp() + go(n[1], PREC["not"])
        else:
            p = PREC[kind]
            # '->' is right-associative: its left operand needs brackets at the same level;
            # '&', '|', '<->' are associative (in value), but keep '<->' left-nested
            left_need = p + 1 if kind == "imp" else p
            right_need = p + 1 if kind == "iff" else p
            text = go(n[1], left_need) + sp() + SYMBOL[kind] + sp() + go(n[2], right_need)
        if PREC[kind] < need or draw(st.integers(0, 9)) == 0:
            text = "(" + sp() + text + sp() + ")"
        return text

    return go(node, 0)


@st.composite
def statement(draw, options: list[Option], max_leaves: int = 5) -> tuple[str, tuple]:
    tree = draw(trees(len(options), max_leaves))
    return draw(render(tree, options)), tree


def _maybe_noted(draw, text: str):
    if draw(st.integers(0, 5)) == 0:
        return {"statement": text, "note": "generated"}
    return text


@dataclass
class Case:
    data: dict
    feasible: list[int]  # feasible state codes (bit k = option k), by our own evaluation
    options: list[Option]

    def taken(self, state: int) -> list[str]:
        return sorted(o.qualified for o in self.options if (state >> o.index) & 1)


def full_state(state: int, names: list[str], order: list[int]) -> str:
    """A conjunction naming every option (as ``names``, in ``order``): true only at ``state``."""
    lits = [nm if (state >> k) & 1 else "!" + nm for k, nm in enumerate(names)]
    return " & ".join(lits[k] for k in order)


@st.composite
def cases(draw, min_dms: int = 2, max_dms: int = 4) -> Case:
    n = draw(st.integers(min_dms, max_dms))
    dm_names = draw(st.lists(st.sampled_from(DM_POOL), min_size=n, max_size=n, unique=True))
    counts = []
    budget = MAX_OPTIONS
    for i in range(n):
        hi = min(3, budget - (n - i - 1))
        counts.append(draw(st.integers(1, hi)))
        budget -= counts[-1]
    decision_makers = []
    raw: list[tuple[str, str]] = []
    for dm, c in zip(dm_names, counts, strict=True):
        names = draw(st.lists(st.sampled_from(OPTION_POOL), min_size=c, max_size=c, unique=True))
        opts = []
        for nm in names:
            direction = draw(st.sampled_from(["both", "both", "forward", "backward", None]))
            opts.append({"name": nm} if direction is None else {"name": nm, "direction": direction})
            raw.append((dm, nm))
        decision_makers.append({"name": dm, "options": opts})
    options = [
        Option(k, dm, nm, sum(1 for _, other in raw if other == nm) == 1)
        for k, (dm, nm) in enumerate(raw)
    ]
    m = len(options)

    def ref(k: int) -> str:
        o = options[k]
        return o.name if o.bare_ok and draw(st.booleans()) else o.qualified

    data: dict = {
        "format": "offramp/1",
        "name": "random conflict",
        "decision_makers": decision_makers,
    }

    # feasibility
    infeasible = draw(st.lists(statement(options, max_leaves=4), max_size=3))
    if infeasible:
        data["infeasible"] = [_maybe_noted(draw, text) for text, _ in infeasible]
    groups = {}
    for key in ("mutually_exclusive", "at_least_one"):
        if m >= 2 and draw(st.integers(0, 3)) == 0:
            lists = draw(
                st.lists(
                    st.lists(st.integers(0, m - 1), min_size=2, max_size=min(3, m), unique=True),
                    min_size=1,
                    max_size=2,
                )
            )
            groups[key] = lists
            data[key] = [
                [ref(k) for k in idx]
                if draw(st.booleans())
                else {"options": [ref(k) for k in idx], "note": "generated"}
                for idx in lists
            ]

    def feasible_states() -> list[int]:
        return [
            s
            for s in range(1 << m)
            if not any(evaluate(tree, s) for _, tree in infeasible)
            and all(
                sum((s >> k) & 1 for k in idx) <= 1 for idx in groups.get("mutually_exclusive", [])
            )
            and all(any((s >> k) & 1 for k in idx) for idx in groups.get("at_least_one", []))
        ]

    feasible = feasible_states()
    if not feasible and infeasible:  # the rules removed every state: keep only the groups
        infeasible = []
        data.pop("infeasible")
        feasible = feasible_states()
    assume(feasible)

    if draw(st.integers(0, 2)) == 0:
        sq = draw(st.sampled_from(feasible))
        data["status_quo"] = [ref(k) for k in range(m) if (sq >> k) & 1]

    # preferences, the three forms mixed across DMs
    parameters: dict = {}
    preferences: dict = {}
    for dm in dm_names:
        form = draw(st.sampled_from(["prioritization", "ranking", "weights"]))
        if form == "prioritization":
            items = draw(st.lists(statement(options), min_size=1, max_size=4))
            preferences[dm] = {"prioritization": [_maybe_noted(draw, t) for t, _ in items]}
        elif form == "weights":
            items = draw(st.lists(statement(options), min_size=1, max_size=4))
            weights = []
            for text, _ in items:
                if draw(st.integers(0, 2)) == 0:
                    pname = f"w{len(parameters)}_{dm.replace('-', '_')}"
                    value = draw(st.integers(-10, 10)) / 2  # halves: exact in binary
                    parameters[pname] = value if draw(st.booleans()) else {"value": value}
                    weights.append({"when": text, "value": pname})
                else:
                    weights.append({"when": text, "value": draw(st.integers(-5, 5))})
            preferences[dm] = {"weights": weights}
        else:
            # order and ties from one seeded generator: large rankings stay cheap to draw
            rnd = draw(st.randoms(use_true_random=False))
            order = list(feasible)
            rnd.shuffle(order)
            tie_rate = rnd.choice([0.0, 0.2, 0.5, 0.9])
            cuts = [c for c in range(1, len(order)) if rnd.random() >= tie_rate]
            bounds = [0, *cuts, len(order)]
            names = [ref(k) for k in range(m)]
            lit_order = draw(st.permutations(range(m)))
            entries = []
            for a, b in itertools.pairwise(bounds):
                group = order[a:b]
                texts = [full_state(s, names, lit_order) for s in group]
                style = draw(st.integers(0, 2))
                if len(texts) == 1 and style < 2:
                    entries.append(texts[0])
                elif style == 1 and len(texts) <= 8:  # one statement, several states: a tie
                    entries.append(" | ".join(f"({t})" for t in texts))
                else:
                    entries.append(texts)
            if draw(st.integers(0, 4)) == 0:  # an entry no feasible state matches: a gap
                removed = [s for s in range(1 << m) if s not in set(feasible)]
                gap = (
                    full_state(draw(st.sampled_from(removed)), names, lit_order)
                    if removed and draw(st.booleans())
                    else "false"
                )
                entries.insert(draw(st.integers(0, len(entries))), gap)
            preferences[dm] = {"ranking": entries}
    if parameters:
        data["parameters"] = parameters
    order = draw(st.permutations(dm_names))
    data["preferences"] = {dm: preferences[dm] for dm in order}
    return Case(data, feasible, options)


def scenarios(min_dms: int = 2, max_dms: int = 4) -> st.SearchStrategy[dict]:
    return cases(min_dms, max_dms).map(lambda c: c.data)
