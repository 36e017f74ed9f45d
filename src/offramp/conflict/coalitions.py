"""Coalition analysis: what groups of DMs acting together can upset, and what they can hold.

Definitions (Kilgour, Hipel, Fang & Peng 2001; Inohara & Hipel 2008), for a coalition H:

- R_H(s): states reachable from s by legal sequences of moves of H's members;
- t >_H s: every member strictly prefers t to s; R_H+(s) = {t in R_H(s) : t >_H s};
- s is stable for H, for every s1 in R_H+(s), when:
  C-Nash: there is no such s1; C-GMR: some s2 in R_{N-H}(s1) has not (s2 >_H s);
  C-SMR: some s2 in R_{N-H}(s1) has not (s2 >_H s) and no s3 in R_H(s2) has s3 >_H s;
  C-SEQ: some s2 in R+_{N-H}(s1) (the outsiders' improvements) has not (s2 >_H s).

How it is computed. 'not (s2 >_H s)' means some member k has P_k(s2) <= P_k(s), so a
sanction from s1 exists exactly when, for some member k, the minimum of P_k over what the
outsiders reach from s1 is <= P_k(s): one sanction closure per member (the same fixpoint as the
individual concepts, :func:`offramp.conflict.reach.closure_min`). An improvement s1 escapes every
sanction when that vector of minima m(s1) strictly exceeds P(s) in every member's coordinate
(m(s1) <= P(s1), so such an s1 is an improvement). C-Nash, C-GMR and C-SEQ are therefore one
question, 'does R_H(s) hold a state whose vector (P for C-Nash, m for the others) strictly
dominates P(s)?'. When no member has directed options, R_H(s) is s's connected component in the
members' move graph (labelled by one closure), and only the component's Pareto-maximal vectors
can answer: the fronts of all components are computed together and every state asks its own
component's front (:mod:`offramp.conflict.pareto`; two members: one sort and one binary search
per state). With directed options the same question goes to the front of what s's strongly
connected component reaches (fronts merged along the condensation,
:mod:`offramp.conflict.directed_reach`).

C-SMR's condition is not separable by member. When neither the members nor the outsiders have
directed options it is decided for every state at once by components
(:mod:`offramp.conflict.coalition_smr`: the H-components meeting D_s depend on s only through
P(s); the outsider components are grouped by the H-components they meet). With directed options
it is decided for 64 distinct rank vectors at a time (one bit each): D = 'better than the vector
for every member'; bad = H can still reach D; sanctioned = the outsiders can reach a state that
is not bad; unstable = H can reach a state of D that is not sanctioned: three bitwise ORs over
reach per 64 vectors, only where C-GMR holds and C-Nash does not (two closures per vector if the
moves are too many to list). Without outsiders (the grand coalition) nothing can sanction:
C-GMR, C-SMR and C-SEQ are C-Nash.

Why it is exact: every shortcut above is an equivalence proved from the definitions (module
docstrings); the results are checked against a brute force written from the definitions
(tests/brute_force_more.py) on random conflicts with feasibility rules, directions and ties, and
the fast C-SMR paths against two closures per state and against each other on larger ones.
Cost without directed options: O(S log S) sorting plus the dominance queries, whose work is the
size of the fronts they meet (a few vectors per component on the benchmarks; quadratic only
when fronts are as large as components); every coalition of 4 DMs at 16 options (65,536 states)
in about 2.3 s of CPU (docs/benchmarks.md). With directed options C-SMR costs O(S + E) per 64
distinct candidate rank vectors (E the condensed move edges), so O(S^2 / 64) at worst: about
7 s of CPU at 16 options with one directed option per DM.

The moves along a coalition's path need not be improvements; only where it ends counts. With
H = {i} every test is the individual one (tests check it).

References
----------
Kilgour, D. M., Hipel, K. W., Fang, L. & Peng, X. (2001). Coalition analysis in group decision
support. Group Decision and Negotiation 10, 159-175.
Inohara, T. & Hipel, K. W. (2008). Coalition analysis in the graph model for conflict
resolution. Systems Engineering 11(4), 343-359.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from offramp.conflict.coalition_smr import dense_labels, smr_unstable_undirected
from offramp.conflict.concepts import REGISTRY
from offramp.conflict.directed_reach import DirectedReach, above_words, bit_of
from offramp.conflict.limited_move import move_edges
from offramp.conflict.model import ConflictModel, ConflictTooLarge
from offramp.conflict.moves import MoveIndex, move_indices
from offramp.conflict.pareto import Fronts, distinct_rows, group_fronts
from offramp.conflict.reach import closure_min
from offramp.conflict.stability import compute_stability
from offramp.conflict.state_ids import to_id
from offramp.conflict.steps import Step, make_step
from offramp.errors import InputError, did_you_mean

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

#: The condensed reach of each set of movers (a coalition's members are another coalition's
#: outsiders), built once and shared by every coalition of an analysis.
SharedReach = dict[tuple[int, ...], DirectedReach]

#: The coalitional concepts, in output order (their keys are those of the individual ones):
#: the registered concepts that declare a coalitional version (``Concept.coalition_sanctions``).
COALITION_CONCEPTS = tuple(k for k, c in REGISTRY.items() if c.coalition_sanctions)


def _sanctions(concept: str) -> str:
    """What sanctions a coalition's improvement under ``concept`` (see
    :attr:`~offramp.conflict.concepts.base.Concept.coalition_sanctions`)."""
    return str(REGISTRY[concept].coalition_sanctions)


def _concept_with(sanctions: str) -> str:
    """The registered concept whose coalitional version has these sanctions."""
    return next(k for k in COALITION_CONCEPTS if REGISTRY[k].coalition_sanctions == sanctions)


#: Coalitions listed at most when every coalition is asked for (2^n - n - 1 of them).
MAX_DMS_ALL = 8
#: Upsets listed per coalition and concept in the insights.
MAX_LISTED = 10
#: Directed options: uint64 words per state and pass of the bit-parallel reach (16 MB per
#: array of words, a few alive at once).
WORD_BUDGET = 1 << 21


@dataclass(frozen=True)
class Coalition:
    """A named group of DMs (by index, in declaration order)."""

    name: str
    members: tuple[int, ...]


def every_coalition(model: ConflictModel) -> list[Coalition]:
    """Every coalition of two or more DMs, smallest first, named 'A+B'."""
    n = model.n_dms
    if n > MAX_DMS_ALL:
        raise InputError(
            f"every coalition of {n} decision makers is {2**n - n - 1:,} coalitions; offramp "
            f"analyses all of them up to {MAX_DMS_ALL} decision makers",
            hint="list the coalitions to analyse in the scenario's 'coalitions:'",
        )
    out = []
    for size in range(2, n + 1):
        for members in itertools.combinations(range(n), size):
            out.append(Coalition("+".join(model.dm_names[k] for k in members), members))
    return out


def named_coalitions(
    model: ConflictModel, pairs: Sequence[tuple[str, Sequence[str]]]
) -> list[Coalition]:
    """Coalitions from (name, member names); InputError for unknown, repeated or no members
    (the scenario format reports the same problems located in the file)."""
    out: list[Coalition] = []
    names = model.dm_names
    for name, members in pairs:
        idx = []
        for m in members:
            if m not in names:
                raise InputError(
                    f"coalition '{name}': unknown decision maker '{m}'{did_you_mean(m, names)}"
                )
            if names.index(m) in idx:
                raise InputError(f"coalition '{name}' lists '{m}' twice")
            idx.append(names.index(m))
        if not idx:
            raise InputError(f"coalition '{name}' has no members")
        out.append(Coalition(name, tuple(sorted(idx))))
    return out


class _Reach:
    """R_H(s) for every s: components when the members' move graph is undirected, otherwise a
    search per state (cached)."""

    def __init__(
        self,
        model: ConflictModel,
        members: tuple[int, ...],
        indices: list[MoveIndex],
        shared: SharedReach | None = None,
    ):
        self.model = model
        self.members = members
        self.indices = indices
        self.shared = {} if shared is None else shared  # DirectedReach per set of movers
        self.undirected = all(indices[k].n_directed == 0 for k in members)
        self._sets: dict[int, np.ndarray] = {}
        self._graph: csr_matrix[np.int8] | None = None
        self._scc: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        if self.undirected:
            labels, _ = closure_min(
                indices, list(members), np.arange(model.n_states, dtype=np.int64), "move"
            )
            order = np.argsort(labels, kind="stable")
            heads = np.flatnonzero(np.r_[True, labels[order][1:] != labels[order][:-1]])
            self.order, self.heads = order, heads
            self.labels = labels
            self.comp, self.n_comp = dense_labels(labels, model.n_states)

    def of(self, s: int) -> np.ndarray:
        """States reachable from s by legal sequences of members' moves (s included)."""
        if self.undirected:
            return np.flatnonzero(self.labels == self.labels[s])
        from scipy.sparse import csr_matrix  # where used: scipy costs start-up time
        from scipy.sparse.csgraph import breadth_first_order, connected_components

        if self._graph is None:
            size = self.model.n_states
            pairs = [move_edges(self.model, self.indices[k]) for k in self.members]
            src = np.concatenate([p[0] for p in pairs])
            dst = np.concatenate([p[1] for p in pairs])
            graph = csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(size, size))
            _, scc = connected_components(graph, directed=True, connection="strong")
            self._graph, self._scc = graph, scc
        key = int(self._scc[s])  # states of one strongly connected component share their reach
        if key not in self._sets:
            got = breadth_first_order(self._graph, s, directed=True, return_predecessors=False)
            self._sets[key] = np.sort(got)
        return self._sets[key]

    def directed(self) -> DirectedReach:
        """R_H as a condensation (directed options): fronts and bit words over reach."""
        return directed_reach(self.model, self.indices, self.members, self.shared)

    def components(self) -> Iterator[np.ndarray]:
        for a, b in itertools.pairwise([*self.heads, len(self.order)]):
            yield self.order[a:b]


def directed_reach(
    model: ConflictModel, indices: list[MoveIndex], movers: tuple[int, ...], shared: SharedReach
) -> DirectedReach:
    """The condensed reach of ``movers``, built once per set of movers in ``shared`` (a
    coalition's members are another coalition's outsiders)."""
    if movers not in shared:
        shared[movers] = DirectedReach(model, indices, movers)
    return shared[movers]


def _every_row(a: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Per column of a 2-d array: is it True in every row? (numpy's annotations allow a
    reduction to return a scalar; on two dimensions it never does.)"""
    return np.asarray(a.all(axis=0))


def _escapes(
    reach: _Reach, values: np.ndarray, ranks: np.ndarray, fronts: Fronts | None = None
) -> np.ndarray:
    """Per state s: does R_H(s) hold a state whose ``values`` column strictly exceeds
    ``ranks[:, s]`` in every row? Without directed options: one query per state against the
    Pareto front of ``values`` over its component (``fronts``, if already computed)."""
    size = ranks.shape[1]
    out = np.zeros(size, dtype=bool)
    if reach.undirected:
        if values.shape[0] == 1:
            v = values[0][reach.order]
            best = np.maximum.reduceat(v, reach.heads) if size else v
            per = np.repeat(best, np.diff(np.r_[reach.heads, size]))
            out[reach.order] = per > ranks[0][reach.order]
            return out
        if fronts is None:
            fronts = group_fronts(reach.comp, values.T, reach.n_comp)
        return fronts.dominates(reach.comp, ranks.T)
    # directed options: the front of what each strongly connected component reaches
    directed = reach.directed()
    fronts = directed.reached_fronts(np.ascontiguousarray(values.T))
    return fronts.dominates(directed.scc, ranks.T)


def coalition_stable(
    model: ConflictModel,
    members: Sequence[int],
    concept: str,
    indices: list[MoveIndex] | None = None,
) -> np.ndarray:
    """Stability of every state for coalition ``members`` under C-``concept`` (bool per state)."""
    if concept not in COALITION_CONCEPTS:
        raise InputError(
            f"coalition analysis covers {', '.join(COALITION_CONCEPTS)}, not {concept!r}"
        )
    return _Solver(model, tuple(sorted(members)), indices).stable(concept)


class _Solver:
    """The shared parts for one coalition: ranks, reach, the outsiders' sanction minima."""

    def __init__(
        self,
        model: ConflictModel,
        members: tuple[int, ...],
        indices: list[MoveIndex] | None = None,
        shared: SharedReach | None = None,
    ):
        self.model = model
        self.members = members
        self.indices = move_indices(model) if indices is None else indices
        self.others = [j for j in range(model.n_dms) if j not in members]
        self.ranks = model.ranks[list(members)]
        self.reach = _Reach(model, members, self.indices, shared)
        self._cache: dict[str, np.ndarray] = {}
        self._fronts: Fronts | None = None

    def minima(self, kind: str) -> np.ndarray:
        """Per member k and state s1, the least P_k over what the outsiders reach from s1
        (moves or improvements), s1 included."""
        return np.stack(
            [closure_min(self.indices, self.others, r.copy(), kind)[0] for r in self.ranks]
        )

    def values(self, concept: str) -> np.ndarray:
        """The vector an improvement must strictly raise for every member to escape."""
        key = f"values-{concept}"
        if key not in self._cache:
            kind = _sanctions(concept)
            if kind == "none":
                self._cache[key] = self.ranks
            else:
                self._cache[key] = self.minima("move" if kind == "moves" else "ui")
        return self._cache[key]

    def stable(self, concept: str) -> np.ndarray:
        if concept in self._cache:
            return self._cache[concept]
        kind = _sanctions(concept)
        if kind != "none" and not self.others:
            # no outsiders: R_{N-H}(s1) is empty, no improvement is ever sanctioned
            out = self.stable(_concept_with("none"))
        elif kind == "counter-response":
            out = self._smr()
        else:
            fronts = self.nash_fronts() if kind == "none" else None
            out = ~_escapes(self.reach, self.values(concept), self.ranks, fronts)
        self._cache[concept] = out
        return out

    def nash_fronts(self) -> Fronts | None:
        """Pareto fronts of the members' rank vectors per component (no directed options,
        two or more members; shared by C-Nash and C-SMR), else None."""
        if not self.reach.undirected or len(self.members) < 2:
            return None
        if self._fronts is None:
            self._fronts = group_fronts(self.reach.comp, self.ranks.T, self.reach.n_comp)
        return self._fronts

    def dominating(self, s: int) -> np.ndarray:
        return _every_row(self.ranks > self.ranks[:, [s]])

    def smr_sanctionable(self, s: int) -> np.ndarray:
        """Per s1: some s2 the outsiders reach from s1 is not >_H s and H cannot move on from
        it to a state >_H s (the C-SMR sanction of an improvement from s). It depends on s
        only through the vector of the members' ranks at s."""
        return self._sanctionable_below(self.ranks[:, s])

    def _sanctionable_below(self, vector: np.ndarray) -> np.ndarray:
        dom = _every_row(self.ranks > vector[:, None])
        reach_dom = closure_min(self.indices, list(self.members), -dom.astype(np.int64), "move")
        bad = (reach_dom[0] < 0).astype(np.int64)  # s2 from which H still gets >_H s
        sanctioned: npt.NDArray[np.bool_] = (
            closure_min(self.indices, self.others, bad, "move")[0] == 0
        )
        return sanctioned

    def _smr(self) -> np.ndarray:
        gmr = self.stable(_concept_with("moves"))
        nash = self.stable(_concept_with("none"))
        out = gmr.copy()
        candidates = np.flatnonzero(gmr & ~nash)
        if self.reach.undirected and all(self.indices[j].n_directed == 0 for j in self.others):
            # both move graphs undirected: reach is 'same component' (module coalition_smr)
            size = self.model.n_states
            theirs = closure_min(
                self.indices, self.others, np.arange(size, dtype=np.int64), "move"
            )[0]
            theirs, _ = dense_labels(theirs, size)
            unstable = smr_unstable_undirected(
                self.ranks, self.reach.comp, theirs, candidates, self.nash_fronts()
            )
            out[candidates[unstable]] = False
            return out
        try:
            unstable = self.smr_unstable_directed(candidates)
        except ConflictTooLarge:  # too many moves to list: two closures per rank vector
            unstable = self._smr_unstable_by_closures(candidates)
        out[candidates[unstable]] = False
        return out

    def _smr_unstable_by_closures(self, candidates: np.ndarray) -> np.ndarray:
        """Per candidate: C-SMR unstable? Two sanction closures per distinct rank vector (no
        list of moves needed: the fallback when listing them is refused)."""
        out = np.zeros(len(candidates), dtype=bool)
        vectors, which = distinct_rows(self.ranks[:, candidates].T)
        order = np.argsort(which, kind="stable")
        bounds = np.searchsorted(which[order], np.arange(len(vectors) + 1))
        for v, vector in enumerate(vectors):
            sanctionable = self._sanctionable_below(vector)
            above = (self.ranks > vector[:, None]).all(axis=0)
            for i in order[bounds[v] : bounds[v + 1]]:
                got = self.reach.of(int(candidates[i]))
                out[i] = not bool(sanctionable[got[above[got]]].all())
        return out

    def smr_unstable_directed(self, candidates: np.ndarray) -> np.ndarray:
        """Per candidate: C-SMR unstable? The test for any move graph, directed or not (module
        directed_reach), 64 rank vectors per pass of three ORs over reach: D = 'better than the
        vector for every member'; bad = H can still reach D (from the state itself on); a
        sanction = the outsiders can reach a state that is not bad; unstable = H can reach a
        state of D without a sanction."""
        out = np.zeros(len(candidates), dtype=bool)
        if len(candidates) == 0:
            return out
        vectors, which = distinct_rows(self.ranks[:, candidates].T)
        own = self.reach.directed()
        theirs = directed_reach(self.model, self.indices, tuple(self.others), self.reach.shared)
        points = np.ascontiguousarray(self.ranks.T)
        step = 64 * max(1, WORD_BUDGET // max(self.model.n_states, 1))
        for a in range(0, len(vectors), step):
            mine = np.flatnonzero((which >= a) & (which < a + step))
            better = above_words(points, vectors[a : a + step])
            sanctioned = theirs.any_reached(~own.any_reached(better))
            upset = own.any_reached(better & ~sanctioned)
            out[mine] = bit_of(upset, candidates[mine], which[mine] - a)
        return out

    def escape(self, s: int, concept: str) -> int | None:
        """A coalitional improvement from s that no sanction of the concept deters."""
        got = self.reach.of(s)
        if _sanctions(concept) == "counter-response":
            ok = self.dominating(s)[got] & ~self.smr_sanctionable(s)[got]
        else:
            ok = (self.values(concept)[:, got] > self.ranks[:, [s]]).all(axis=0)
        hit = got[ok]
        return int(hit[0]) if len(hit) else None

    def path(self, s: int, target: int) -> list[Step]:
        """The shortest legal sequence of members' moves from s to ``target``."""
        start = (s, -1)
        parent: dict[tuple[int, int], tuple[int, int] | None] = {start: None}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            x, last = node
            for k in self.members:
                if k == last:
                    continue
                for t in self.indices[k].targets(x, "move"):
                    nxt = (int(t), k)
                    if nxt in parent:
                        continue
                    parent[nxt] = node
                    if int(t) == target:
                        steps, cur = [], nxt
                        while (prev := parent[cur]) is not None:
                            steps.append(make_step(self.model, cur[1], prev[0], cur[0]))
                            cur = prev
                        return steps[::-1]
                    queue.append(nxt)
        return []


@dataclass
class CoalitionAnalysis:
    """Coalitional stability for a set of coalitions (plus every singleton, so that each DM's
    coalitional stability covers its acting alone), and what an analyst reads from it."""

    model: ConflictModel
    coalitions: list[Coalition]
    stable: dict[str, dict[str, np.ndarray]]  # concept -> coalition name -> bool per state
    singles: dict[str, np.ndarray]  # concept -> (n, S) individual stability (H = {i})
    solvers: dict[str, _Solver] = field(default_factory=dict, repr=False)

    def stable_for_dm(self, concept: str) -> np.ndarray:
        """(n, S): stable for every coalition of the set containing the DM, and for it alone."""
        out = self.singles[concept].copy()
        for c in self.coalitions:
            for k in c.members:
                out[k] &= self.stable[concept][c.name]
        return out

    def equilibria(self, concept: str) -> np.ndarray:
        return np.flatnonzero(self.stable_for_dm(concept).all(axis=0))

    def upsets(self, concept: str, individual: np.ndarray) -> dict[str, list[dict[str, Any]]]:
        """Per coalition: the individual equilibria (``individual``, bool per state) it upsets,
        each with an unsanctioned coalitional improvement and the joint moves reaching it."""
        out = {}
        for c in self.coalitions:
            listed = []
            for s in np.flatnonzero(individual & ~self.stable[concept][c.name])[:MAX_LISTED]:
                s = int(s)
                solver = self.solvers[c.name]
                t = solver.escape(s, concept)
                entry: dict[str, Any] = {
                    "state": to_id(s),
                    "to": None if t is None else to_id(t),
                    "moves": [],
                }
                if t is not None:
                    entry["moves"] = [st.to_dict() for st in solver.path(s, t)]
                listed.append(entry)
            out[c.name] = listed
        return out

    def held_only_jointly(self, concept: str) -> dict[str, list[int]]:
        """Per coalition: states it holds (stable for it) that no member holds alone."""
        single = self.singles[concept]
        return {
            c.name: [
                to_id(s)
                for s in np.flatnonzero(
                    self.stable[concept][c.name] & ~single[list(c.members)].any(axis=0)
                )
            ]
            for c in self.coalitions
        }

    def gainers(self, concept: str, states: Sequence[int]) -> dict[str, dict[str, list[str]]]:
        """Per state of ``states`` and coalition upsetting it: the members who could not improve
        on it alone (it is stable for them) but gain by joining: every member of a coalitional
        improvement is strictly better off."""
        single = self.singles[concept]
        out: dict[str, dict[str, list[str]]] = {}
        for s in states:
            per = {}
            for c in self.coalitions:
                if self.stable[concept][c.name][s]:
                    continue
                who = [self.model.dm_names[k] for k in c.members if single[k, s]]
                if who:
                    per[c.name] = who
            out[str(to_id(s))] = per
        return out

    def to_dict(self, individual_equilibria: dict[str, np.ndarray] | None = None) -> dict[str, Any]:
        """The JSON keys: coalitions, coalition_stable, coalition_stable_for,
        coalition_equilibria, and the insights (upsets, held only jointly, gainers)."""
        model = self.model
        out: dict[str, Any] = {
            "coalitions": [
                {"name": c.name, "members": [model.dm_names[k] for k in c.members]}
                for c in self.coalitions
            ],
            "coalition_stable": {
                concept: {
                    c.name: [to_id(s) for s in np.flatnonzero(self.stable[concept][c.name])]
                    for c in self.coalitions
                }
                for concept in self.stable
            },
            "coalition_stable_for": {
                concept: {
                    dm: [to_id(s) for s in np.flatnonzero(row)]
                    for dm, row in zip(model.dm_names, self.stable_for_dm(concept), strict=True)
                }
                for concept in self.stable
            },
            "coalition_equilibria": {
                concept: [to_id(s) for s in self.equilibria(concept)] for concept in self.stable
            },
        }
        insights = {}
        for concept in self.stable:
            eq = _every_row(self.singles[concept])
            if individual_equilibria is not None and concept in individual_equilibria:
                eq = individual_equilibria[concept]
            focus = [int(s) for s in np.flatnonzero(eq)]
            if model.status_quo is not None and model.status_quo not in focus:
                focus = [model.status_quo, *focus]
            insights[concept] = {
                "upsets": self.upsets(concept, eq),
                "held_only_jointly": self.held_only_jointly(concept),
                "gain_by_joining": self.gainers(concept, focus),
            }
        out["coalition_insights"] = insights
        if model.status_quo is not None:
            out["coalition_status_quo"] = self.at_state(model.status_quo)
        return out

    def at_state(self, s: int) -> dict[str, Any]:
        """Per concept and coalition: is ``s`` stable for it, and if not, an unsanctioned
        coalitional improvement and the joint moves reaching it."""
        out: dict[str, Any] = {}
        for concept in self.stable:
            per = {}
            for c in self.coalitions:
                held = bool(self.stable[concept][c.name][s])
                entry: dict[str, Any] = {"state": to_id(s), "stable": held, "to": None, "moves": []}
                if not held:
                    solver = self.solvers[c.name]
                    t = solver.escape(s, concept)
                    if t is not None:
                        entry["to"] = to_id(t)
                        entry["moves"] = [st.to_dict() for st in solver.path(s, t)]
                per[c.name] = entry
            out[concept] = per
        return out


def analyse_coalitions(
    model: ConflictModel,
    coalitions: Sequence[Coalition],
    concepts: Sequence[str] = COALITION_CONCEPTS,
) -> CoalitionAnalysis:
    """Coalitional stability of every state for each coalition (and each DM alone).

    Raises
    ------
    offramp.errors.InputError
        For a concept the coalition analysis does not cover.
    """
    for c in concepts:
        if c not in COALITION_CONCEPTS:
            raise InputError(
                f"coalition analysis covers {', '.join(COALITION_CONCEPTS)}, not {c!r}"
            )
    indices = move_indices(model)
    shared: SharedReach = {}  # one DirectedReach per set of movers, whoever asks
    solvers = {c.name: _Solver(model, c.members, indices, shared) for c in coalitions}
    stable = {k: {c.name: solvers[c.name].stable(k) for c in coalitions} for k in concepts}
    individual = compute_stability(model, concepts)  # H = {i}: the individual concepts
    singles = {k: individual.stable[k] for k in concepts}
    return CoalitionAnalysis(model, list(coalitions), stable, singles, solvers)
