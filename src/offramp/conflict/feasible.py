"""The feasible states, enumerated from the option structure so that cost follows their count.

A conflict of m options has 2^m combinations, but most real conflicts are written as choices:
each decision maker picks one of several courses of action (``mutually_exclusive`` plus
``at_least_one``). A 15 x 15 game written that way has 225 feasible states among 2^30
combinations. Listing the combinations and filtering them would make the cost follow 2^m.

Instead the options are split into *components*: options linked by a rule that reads only one
decision maker's options (a group, an ``infeasible`` statement, a removed option) belong to the
same component. Each component's feasible local choices are enumerated on their own (2^k for a
component of k options, filtered by its rules); the feasible states are then the product of
the components' choices, filtered by the rules that read several decision makers' options
(the *cross* rules). Without cross rules the product is exactly the feasible set, so its size
is known before anything of that size is built; with them the product bounds it.

The result is the same sorted array of codes as filtering all 2^m combinations: a state's id
is its position among the feasible codes in increasing order (``docs/contract.md``), whatever
the enumeration order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from offramp.conflict.model import ConflictTooLarge

#: Options are bits of a uint64 code; the move index packs a DM's or the other DMs' options
#: into int64, so 63 is the most that fits.
MAX_OPTIONS = 63
#: Combinations filtered per chunk (local choices of a large component, product with cross
#: rules): bounds the working memory whatever the conflict.
CHUNK = 1 << 20
#: Options without any rule are grouped in components of at most this many (each component
#: lists its 2^k choices).
FREE_BITS = 12
#: A component of more options than this with a monotone rule is built option by option
#: (:func:`_grow`); smaller ones list their 2^k combinations, which is faster at that size.
GROW_ABOVE = 12


@dataclass(frozen=True)
class Rule:
    """One feasibility rule: the options it reads and a test marking the codes it removes."""

    options: tuple[int, ...]
    infeasible: Callable[[np.ndarray], np.ndarray]
    references: int = 1  # option references (the work of one test on one code)
    #: True when taking more options never makes a removed code feasible (``at most one``, a
    #: removed option): such a rule may then be tested on a partial code, its undecided
    #: options not taken, and prune every completion of it at once.
    monotone: bool = False


@dataclass
class Component:
    """Options enumerated together (bit positions, increasing) and the rules local to them."""

    bits: list[int]
    rules: list[Rule] = field(default_factory=list)
    choices: np.ndarray | None = None  # sorted feasible local codes, once enumerated

    @property
    def combinations(self) -> int:
        return 1 << len(self.bits)


@dataclass
class Structure:
    """How the feasible states are built: components, then cross rules over their product."""

    n_options: int
    components: list[Component]
    cross: list[Rule]

    def local_work(self) -> int:
        """Codes times option references tested while enumerating the components."""
        return sum(
            c.combinations * (1 + sum(r.references for r in c.rules)) for c in self.components
        )

    def upper_bound(self) -> int:
        """The product of the components' choice counts (or combinations before they are
        enumerated): exactly the feasible count when there are no cross rules."""
        return math.prod(
            len(c.choices) if c.choices is not None else c.combinations for c in self.components
        )

    def product_work(self) -> int:
        """Codes times option references tested while filtering the product by cross rules
        (0 without cross rules: the product is built, not filtered)."""
        if not self.cross:
            return 0
        return self.upper_bound() * (1 + sum(r.references for r in self.cross))

    def choices(self, option_dm: Sequence[int]) -> dict[int, int]:
        """Per decision maker, the number of feasible choices of its own options (every
        component lies within one decision maker's options)."""
        out: dict[int, int] = {}
        for c in self.components:
            dm = int(option_dm[c.bits[0]])
            size = len(c.choices) if c.choices is not None else c.combinations
            out[dm] = out.get(dm, 1) * size
        return out

    @property
    def exact(self) -> bool:
        """Whether :meth:`upper_bound` is the feasible count (no cross rules)."""
        return not self.cross


def structure(n_options: int, option_dm: Sequence[int], rules: Sequence[Rule]) -> Structure:
    """Split the options into components by the rules local to one decision maker (each
    component lies within one decision maker's options)."""
    if n_options > MAX_OPTIONS:
        raise ConflictTooLarge(
            f"{n_options} options: a state is a 64-bit code, so offramp takes at most "
            f"{MAX_OPTIONS} options (split the conflict, or merge options that always move "
            "together)"
        )
    parent = list(range(n_options))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    local: list[Rule] = []
    cross: list[Rule] = []
    for rule in rules:
        owners = {int(option_dm[k]) for k in rule.options}
        if len(owners) == 1:
            local.append(rule)
            first = root(rule.options[0])
            for k in rule.options[1:]:
                parent[root(k)] = first
        else:  # several DMs, or no option at all (a constant)
            cross.append(rule)
    by_root: dict[int, Component] = {}
    ruled = {k for rule in local for k in rule.options}
    for k in range(n_options):
        if k in ruled:
            by_root.setdefault(root(k), Component([])).bits.append(k)
    for rule in local:
        by_root[root(rule.options[0])].rules.append(rule)
    components = list(by_root.values())
    for dm in sorted({int(d) for d in option_dm}):
        free = [k for k in range(n_options) if k not in ruled and int(option_dm[k]) == dm]
        for start in range(0, len(free), FREE_BITS):
            components.append(Component(free[start : start + FREE_BITS]))
    # most significant first: the product then comes out sorted when components do not interleave
    components.sort(key=lambda c: -c.bits[-1])
    return Structure(n_options, components, cross)


def deposit(local: np.ndarray, bits: Sequence[int]) -> np.ndarray:
    """Local codes 0..2^k-1 spread onto the given bit positions (bit j of a local code becomes
    bit ``bits[j]``); increasing bit positions keep the order."""
    out = np.zeros(len(local), dtype=np.uint64)
    for j, b in enumerate(bits):
        out |= ((local >> np.uint64(j)) & np.uint64(1)) << np.uint64(b)
    return out


def _remove(codes: np.ndarray, rules: Sequence[Rule]) -> np.ndarray:
    if not rules or len(codes) == 0:
        return codes
    out = np.zeros(len(codes), dtype=bool)
    for rule in rules:
        out |= rule.infeasible(codes)
    return codes[~out]


def _grow(comp: Component) -> np.ndarray:
    """A component's feasible choices built one option at a time, pruning with its monotone
    rules after each (a partial code removed by a monotone rule has no feasible completion), then
    filtered by the other rules: the work follows the choices the monotone rules leave (27
    partial codes, not 2^26 combinations, for 26 mutually exclusive options)."""
    monotone = [r for r in comp.rules if r.monotone]
    codes = np.zeros(1, dtype=np.uint64)
    for b in comp.bits:
        codes = _remove(np.concatenate([codes, codes | np.uint64(1 << b)]), monotone)
    return _sorted(_remove(codes, [r for r in comp.rules if not r.monotone]))


def enumerate_components(struct: Structure) -> None:
    """Each component's feasible local choices (sorted codes over its own bits)."""
    for comp in struct.components:
        if comp.choices is not None:
            continue
        if len(comp.bits) > GROW_ABOVE and any(r.monotone for r in comp.rules):
            comp.choices = _grow(comp)
            continue
        parts = []
        for start in range(0, comp.combinations, CHUNK):
            stop = min(start + CHUNK, comp.combinations)
            local = np.arange(start, stop, dtype=np.uint64)
            parts.append(_remove(deposit(local, comp.bits), comp.rules))
        comp.choices = np.concatenate(parts)


def enumerate_product(struct: Structure, max_states: int | None = None) -> np.ndarray:
    """Sorted codes of the feasible states: the product of the components' choices, filtered by
    the cross rules. Raises ConflictTooLarge as soon as more than ``max_states`` are feasible
    (before building anything when the count is exact)."""
    enumerate_components(struct)
    choices = [c.choices for c in struct.components if c.choices is not None]
    assert len(choices) == len(struct.components)  # enumerate_components set them all
    upper = struct.upper_bound()
    if upper == 0:
        return np.zeros(0, dtype=np.uint64)
    if max_states is not None and struct.exact and upper > max_states:
        raise ConflictTooLarge(f"more than {max_states:,} feasible states ({upper:,})")
    if struct.exact:
        codes = np.zeros(1, dtype=np.uint64)
        for part in choices:  # most significant first
            codes = (codes[:, None] | part[None, :]).ravel()
        return _sorted(codes)
    sizes = [len(p) for p in choices]
    out = []
    count = 0
    for start in range(0, upper, CHUNK):
        stop = min(start + CHUNK, upper)
        rest = np.arange(start, stop, dtype=np.uint64)
        codes = np.zeros(len(rest), dtype=np.uint64)
        for part, size in zip(choices[::-1], sizes[::-1], strict=True):  # least significant first
            codes |= part[rest % np.uint64(size)]
            rest //= np.uint64(size)
        out.append(_remove(codes, struct.cross))
        count += len(out[-1])
        if max_states is not None and count > max_states:
            raise ConflictTooLarge(
                f"more than {max_states:,} feasible states (found {count:,} in the first "
                f"{stop:,} of {upper:,} combinations of the decision makers' choices)"
            )
    return _sorted(np.concatenate(out))


def _sorted(codes: np.ndarray) -> np.ndarray:
    if len(codes) > 1 and not bool(np.all(codes[1:] > codes[:-1])):
        codes = np.sort(codes)
    return codes


def enumerate_feasible(
    n_options: int,
    option_dm: Sequence[int],
    rules: Sequence[Rule],
    max_states: int | None = None,
) -> np.ndarray:
    """Sorted codes of the feasible states (see the module docstring)."""
    return enumerate_product(structure(n_options, option_dm, rules), max_states)
