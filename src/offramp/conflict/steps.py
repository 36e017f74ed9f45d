"""Moves as users read them, and the shortest sanction of an improvement.

A :class:`Step` is one unilateral move: who moves, from which state to which, which options change.
:func:`shortest_sanction` is the literal reading of the sequential sanction in the definitions: a
breadth-first search over legal sequences of the other DMs' moves (tracking the last mover, so no
DM moves twice in a row) for the first state that leaves the improver no better off. The concepts
that sanction sequentially explain themselves with it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import move_indices
from offramp.conflict.state_ids import to_id


@dataclass(frozen=True)
class Step:
    """One unilateral move: who moves, from which state to which, which options change."""

    mover: str
    source: int
    target: int
    taken: tuple[str, ...]  # options the mover takes
    dropped: tuple[str, ...]  # options the mover stops taking

    def describe(self, labels: Mapping[str, str] | None = None) -> str:
        """The move in words (`move_words`), with the analyst's ``labels`` where given."""
        return move_words(self.mover, self.taken, self.dropped, labels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mover": self.mover,
            "from": to_id(self.source),
            "to": to_id(self.target),
            "takes": list(self.taken),
            "stops": list(self.dropped),
        }


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def move_words(
    mover: str,
    takes: Sequence[str],
    stops: Sequence[str],
    labels: Mapping[str, str] | None = None,
) -> str:
    """One move in words: the one rule for every output that describes a move. Option labels
    are verb phrases ("offer trade concessions"), so when every option moved has a label of its
    own the move reads "United States moves to offer trade concessions and ceases to sanction
    Russian oil"; otherwise "US takes US.relief and stops US.tariffs", with a label where there
    is one. ``labels`` maps DM and DM.option ids to the analyst's words (ids without one are
    shown as they are)."""
    words = labels or {}
    who = words.get(mover, mover)
    moved = [*takes, *stops]
    if moved and all(words.get(o, o) != o for o in moved):
        parts = []
        if takes:
            parts.append("moves to " + _and([words[o] for o in takes]))
        if stops:
            parts.append("ceases to " + _and([words[o] for o in stops]))
        return f"{who} " + " and ".join(parts)
    parts = []
    if takes:
        parts.append("takes " + ", ".join(words.get(o, o) for o in takes))
    if stops:
        parts.append("stops " + ", ".join(words.get(o, o) for o in stops))
    return f"{who} " + " and ".join(parts)


def make_step(model: ConflictModel, mover: int, source: int, target: int) -> Step:
    a, b = int(model.codes[source]), int(model.codes[target])
    on = tuple(n for k, n in enumerate(model.option_names) if (b >> k & 1) and not (a >> k & 1))
    off = tuple(n for k, n in enumerate(model.option_names) if (a >> k & 1) and not (b >> k & 1))
    return Step(model.dm_names[mover], source, target, on, off)


def shortest_sanction(
    model: ConflictModel,
    i: int,
    s1: int,
    kind: str,
    deters: Callable[[int], bool],
) -> list[Step] | None:
    """Shortest legal sequence of the other DMs' moves (``kind="move"``) or improvements
    (``kind="ui"``) from ``s1`` that ends in a state where ``deters(state)`` holds; None if
    there is none."""
    indices = move_indices(model)
    others = [j for j in range(model.n_dms) if j != i]
    start = (s1, -1)
    parent: dict[tuple[int, int], tuple[int, int] | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        state, last = node
        for j in others:
            if j == last:
                continue
            for t in indices[j].targets(state, kind):
                nxt = (int(t), j)
                if nxt in parent:
                    continue
                parent[nxt] = node
                if deters(int(t)):
                    path = []
                    cur: tuple[int, int] | None = nxt
                    while cur is not None and (prev := parent[cur]) is not None:
                        path.append(make_step(model, cur[1], prev[0], cur[0]))
                        cur = prev
                    return path[::-1]
                queue.append(nxt)
    return None


def no_better_sanction(
    model: ConflictModel, i: int, base: int, s1: int, kind: str
) -> list[Step] | None:
    """The shortest sanction ending where DM i is no better off than at ``base`` (GMR with
    ``kind="move"``, SEQ with ``kind="ui"``)."""
    rank = model.ranks[i]
    return shortest_sanction(model, i, s1, kind, lambda s2: rank[s2] <= rank[base])
