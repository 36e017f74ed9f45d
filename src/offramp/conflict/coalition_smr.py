"""C-SMR for every state at once when nobody's moves are directed (components, not searches).

C-SMR (Kilgour, Hipel, Fang & Peng 2001; Inohara & Hipel 2008): s is stable for coalition H when
every coalitional improvement s1 (reached by H's moves, every member strictly better off: s1 in
D_s) can be answered by the outsiders moving to some s2 that is not in D_s and from which H
cannot move on into D_s. Without directed options a group's reach is its connected component in
the union of its members' move graphs (moves are symmetric), so with c(x) the H-component and
K(x) the outsiders' component of x:

    s is C-SMR stable  <=>  for every s1 in c(s) with s1 in D_s, some s2 in K(s1) has
                            c(s2) not in B_s,  where B_s = {H-components meeting D_s}

(an s2 in D_s has c(s2) in B_s, so the first condition is implied). Hence:

- B_s depends on s only through the vector P(s) of the members' ranks: a component meets D_s
  when its Pareto front (of member-rank vectors) holds a vector strictly above P(s). It is
  computed once per distinct vector, for many vectors at a time, against every component's
  front (:class:`offramp.conflict.pareto.Fronts`). It is monotone: P(s) <= P(s') everywhere
  gives B_s containing B_s'.
- Whether an improvement s1 is sanctioned depends only on T(K(s1)), the set of H-components
  that s1's outsider component meets: it is not when T(K(s1)) is inside B_s. Outsider
  components meeting the same H-components are interchangeable, so they are merged into
  classes (one class in the full cube of options, where every outsider component meets every
  H-component; feasibility rules create more).
- So s is unstable exactly when, for some class j: c(s) holds a state of class j strictly better
  than s for every member (a dominance query against the front of the states of c(s) in class
  j), and every H-component in T_j meets D_s (|T_j ∩ B_s| = |T_j|, one sparse product).

In the full cube this reads: s is unstable when it has a coalitional improvement and every
H-component holds a state better than s for all members.

Cost: sorting and fronts O(S log S); the dominance queries cost the size of the fronts they meet
(a handful of vectors per component on the benchmarks); B costs, per distinct rank vector that
needs it, the total size of the H-components' fronts. None of it is a states x states array: the
worst case (fronts as large as the components, many classes) is quadratic in time, in bounded
memory blocks. Directed options break the component picture (reach is no longer symmetric);
those coalitions take the bit-parallel test over the condensed move graph
(:mod:`offramp.conflict.directed_reach`, used by :mod:`offramp.conflict.coalitions`).

References
----------
Kilgour, D. M., Hipel, K. W., Fang, L. & Peng, X. (2001). Coalition analysis in group decision
support. Group Decision and Negotiation 10, 159-175.
Inohara, T. & Hipel, K. W. (2008). Coalition analysis in the graph model for conflict
resolution. Systems Engineering 11(4), 343-359.
"""

from __future__ import annotations

import numpy as np

from offramp.conflict.pareto import PAIRS_PER_BLOCK, Fronts, distinct_rows, group_fronts


def dense_labels(labels: np.ndarray, bound: int | None = None) -> tuple[np.ndarray, int]:
    """Labels renumbered 0..n-1 (in order of the old labels), and n."""
    values, inverse = _distinct(labels, bound)
    return inverse, len(values)


def _distinct(keys: np.ndarray, bound: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(keys, return_inverse=True) for non-negative int keys; keys known to lie in
    ``range(bound)`` (closure_min's labels are state indices) are marked, not sorted."""
    keys = np.asarray(keys, dtype=np.int64)
    if bound is not None and bound <= 8 * len(keys):
        present = np.zeros(bound, dtype=bool)
        present[keys] = True
        values = np.flatnonzero(present)
        new = np.cumsum(present, dtype=np.int64) - 1
        return values, new[keys]
    values, inverse = np.unique(keys, return_inverse=True)
    return values, inverse.astype(np.int64).ravel()


def smr_unstable_undirected(
    ranks: np.ndarray,
    mine: np.ndarray,
    theirs: np.ndarray,
    candidates: np.ndarray,
    fronts_mine: Fronts | None = None,
) -> np.ndarray:
    """Per candidate state: is it C-SMR unstable for the coalition (the module docstring)?

    ``ranks`` (members, S) the members' ranks; ``mine`` and ``theirs`` the coalition's and the
    outsiders' component labels 0..n-1 (:func:`dense_labels`); ``fronts_mine`` the fronts of
    the member-rank vectors per H-component, if already computed (C-Nash computes them).
    """
    candidates = np.asarray(candidates, dtype=np.int64)
    unstable = np.zeros(len(candidates), dtype=bool)
    if len(candidates) == 0:
        return unstable
    points = np.ascontiguousarray(ranks.T)
    n_mine = int(mine.max()) + 1
    n_theirs = int(theirs.max()) + 1
    if fronts_mine is None:
        fronts_mine = group_fronts(mine, points, n_mine)

    # the H-components each outsider component meets; classes of equal sets
    met, _ = _distinct(theirs * n_mine + mine, n_theirs * n_mine)
    met_k, met_c = met // n_mine, met % n_mine
    bounds = np.searchsorted(met_k, np.arange(n_theirs + 1))
    classes: dict[bytes, int] = {}
    class_of = np.empty(n_theirs, dtype=np.int64)
    class_sets: list[np.ndarray] = []
    for k in range(n_theirs):
        seg = met_c[bounds[k] : bounds[k + 1]]
        j = classes.setdefault(seg.tobytes(), len(classes))
        if j == len(class_sets):
            class_sets.append(seg)
        class_of[k] = j
    n_classes = len(class_sets)
    sizes = np.array([len(t) for t in class_sets], dtype=np.int64)
    from scipy.sparse import csr_matrix  # where used: scipy costs start-up time

    incidence = csr_matrix(
        (
            np.ones(int(sizes.sum()), dtype=np.int32),
            (np.concatenate(class_sets), np.repeat(np.arange(n_classes), sizes)),
        ),
        shape=(n_mine, n_classes),
    ).T.tocsr()  # (classes, H-components)

    # improvements by (H-component, class): fronts of the states of each pair
    pair_raw = mine * n_classes + class_of[theirs]
    pairs, pair_of = _distinct(pair_raw, n_mine * n_classes)
    fronts_pairs = group_fronts(pair_of, points, len(pairs))
    pair_ptr = np.searchsorted(pairs // n_classes, np.arange(n_mine + 1))

    # queries (candidate, class present in its H-component), in blocks of bounded size
    comp = mine[candidates]
    counts = pair_ptr[comp + 1] - pair_ptr[comp]
    need_owner: list[np.ndarray] = []
    need_class: list[np.ndarray] = []
    start = 0
    while start < len(candidates):
        cum = np.cumsum(counts[start:])
        stop = start + max(1, int(np.searchsorted(cum, PAIRS_PER_BLOCK, side="right")))
        c = counts[start:stop]
        owner = np.repeat(np.arange(start, stop), c)
        offset = np.arange(len(owner)) - np.repeat(np.cumsum(c) - c, c)
        pair = pair_ptr[comp[owner]] + offset
        hit = fronts_pairs.dominates(pair, points[candidates[owner]])
        need_owner.append(owner[hit])
        need_class.append(pairs[pair[hit]] % n_classes)
        start = stop
    owner = np.concatenate(need_owner)
    cls = np.concatenate(need_class)
    if len(owner) == 0:
        return unstable

    # B per distinct rank vector, only for the (vector, class) pairs asked about
    vecs, vec_of = distinct_rows(points[candidates[owner]])
    order = np.argsort(vec_of, kind="stable")
    bad = np.zeros(len(owner), dtype=bool)
    step = min(fronts_mine.rows_per_block(), max(1, PAIRS_PER_BLOCK // n_classes))
    for a in range(0, len(vecs), step):
        lo, hi = np.searchsorted(vec_of[order], [a, a + step])
        ask = order[lo:hi]
        if len(ask) == 0:
            continue
        meets = fronts_mine.dominates_each(vecs[a : a + step]).astype(np.int32)  # (v, comps)
        # (v, classes): |T_j ∩ B|; sparse @ dense is dense (the stubs allow a sparse result)
        inside = np.asarray(incidence @ meets.T).T
        bad[ask] = inside[vec_of[ask] - a, cls[ask]] == sizes[cls[ask]]
    unstable[owner[bad]] = True
    return unstable
