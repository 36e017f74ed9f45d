"""Ordinal inverse: the preference conditions under which a state is stable for a DM.

Under Nash, GMR, SMR and SEQ, whether state s is stable for DM i depends on i's preferences only
through comparisons of s with other states: "is x no better than s for i" (x ≾_i s). For each
unilateral move s → t of i, the definitions require that t is no improvement, or that a sanction
exists; each way of meeting the requirement is a set D of states that must all be ≾_i s:

- Nash: D = {t};
- GMR: {t}, or {s2} for each s2 the other DMs reach from t by their moves;
- SEQ: {t}, or {s2} for each s2 they reach by their improvements (under their preferences as
  given: the condition is on i's preferences, the others' held fixed);
- SMR: {t}, or {s2} ∪ R_i(s2) for each s2 reached by the others' moves (the sanction must survive
  i's counter-move).

So s is stable for i exactly when, for every move t, some option D of t lies entirely among the
states i likes no more than s. A concept declares its options through ``Concept.conditions``
(see :mod:`offramp.conflict.concepts.base`); this module holds the shared pieces: the others'
reach (breadth-first over the union of their move graphs, which equals reach by legal sequences,
see :mod:`offramp.conflict.reach`) and the reduction to minimal options.

References
----------
Kinsara, R. A., Kilgour, D. M. & Hipel, K. W. (2015). Inverse approach to the graph model for
conflict resolution. IEEE Trans. Systems, Man, and Cybernetics: Systems 45(5), 734-742.
Fang, L., Hipel, K. W. & Kilgour, D. M. (1993). Interactive Decision Making. Wiley, ch. 3.
"""

from __future__ import annotations

from collections import deque

from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import move_indices


def others_reach(model: ConflictModel, i: int, start: int, kind: str) -> set[int]:
    """States the DMs other than ``i`` reach from ``start`` by one or more of their moves
    (``kind="move"``) or improvements (``"ui"``); ``start`` itself only if they return to it."""
    indices = move_indices(model)
    others = [j for j in range(model.n_dms) if j != i]
    seen: set[int] = set()
    queue = deque([start])
    while queue:
        x = queue.popleft()
        for j in others:
            for y in indices[j].targets(x, kind):
                y = int(y)
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
    return seen


def minimal(options: list[frozenset[int]]) -> list[frozenset[int]]:
    """Drop every option that contains another (it is never needed), keep the order."""
    out: list[frozenset[int]] = []
    for d in sorted(set(options), key=lambda d: (len(d), sorted(d))):
        if not any(o <= d for o in out):
            out.append(d)
    return out


def sanction_options(
    model: ConflictModel, i: int, t: int, kind: str | None, counter: bool = False
) -> list[frozenset[int]]:
    """The options of move → t: t itself, or a sanction by the others' ``kind`` of moves (none
    for Nash); with ``counter``, each sanction state together with i's moves from it (SMR)."""
    options = [frozenset({t})]
    if kind is not None:
        me = move_indices(model)[i]
        for s2 in others_reach(model, i, t, kind):
            if counter:
                options.append(frozenset({s2, *(int(x) for x in me.targets(s2, "move"))}))
            else:
                options.append(frozenset({s2}))
    return minimal(options)
