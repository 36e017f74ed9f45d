"""Why a state is or is not stable for a DM: each improvement and the sanction that deters it.

Computed on demand for one state, by breadth-first search over legal sequences of the other
DMs' moves (tracking the last mover, so no DM moves twice in a row), which yields the shortest
sanction. This is the human-readable counterpart of the vectorised engine and follows the
definitions literally.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from offramp.conflict.model import ConflictModel
from offramp.conflict.stability import move_indices


@dataclass(frozen=True)
class Step:
    """One unilateral move: who moves, from which state to which, which options change."""

    mover: str
    source: int
    target: int
    taken: tuple[str, ...]  # options the mover takes
    dropped: tuple[str, ...]  # options the mover stops taking

    def describe(self) -> str:
        parts = [f"takes {', '.join(self.taken)}"] if self.taken else []
        if self.dropped:
            parts.append(f"stops {', '.join(self.dropped)}")
        return f"{self.mover} " + " and ".join(parts)

    def to_dict(self) -> dict:
        return {
            "mover": self.mover,
            "from": self.source + 1,
            "to": self.target + 1,
            "takes": list(self.taken),
            "stops": list(self.dropped),
        }


def make_step(model: ConflictModel, mover: int, source: int, target: int) -> Step:
    a, b = int(model.codes[source]), int(model.codes[target])
    on = tuple(n for k, n in enumerate(model.option_names) if (b >> k & 1) and not (a >> k & 1))
    off = tuple(n for k, n in enumerate(model.option_names) if (a >> k & 1) and not (b >> k & 1))
    return Step(model.dm_names[mover], source, target, on, off)


@dataclass
class Deterrence:
    """An improvement of the focal DM, and the sanction that deters it (None if none does)."""

    improvement: Step
    sanction: list[Step] | None

    def to_dict(self) -> dict:
        return {
            "improvement": self.improvement.to_dict(),
            "sanction": None if self.sanction is None else [s.to_dict() for s in self.sanction],
        }


@dataclass
class Explanation:
    state: int
    dm: str
    concept: str
    stable: bool
    deterrence: list[Deterrence] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "state": self.state + 1,
            "dm": self.dm,
            "concept": self.concept,
            "stable": self.stable,
            "improvements": [d.to_dict() for d in self.deterrence],
        }

    def text(self, model: ConflictModel) -> str:
        taken = ", ".join(model.taken(self.state)) or "nothing taken"
        verdict = "stable" if self.stable else "unstable"
        lines = [
            f"State {self.state + 1} ({taken}) is {verdict} for {self.dm} under "
            f"{self.concept.upper()}."
        ]
        if not self.deterrence:
            lines.append(f"  {self.dm} has no unilateral improvement from here.")
        for d in self.deterrence:
            lines.append(
                f"  Improvement: {d.improvement.describe()} (to state {d.improvement.target + 1})."
            )
            if self.concept == "nash":
                lines.append(
                    "    Nash stability counts no sanction: this improvement alone "
                    "makes the state unstable."
                )
            elif d.sanction is None:
                lines.append("    Not deterred: no sanction makes it not worth it.")
            else:
                chain = "; then ".join(s.describe() for s in d.sanction)
                lines.append(
                    f"    Deterred: {chain} (ends in state {d.sanction[-1].target + 1},"
                    f" no better for {self.dm} than staying)."
                )
        return "\n".join(lines)


def find_sanction(model: ConflictModel, i: int, base: int, s1: int, concept: str):
    """Shortest legal sequence of the others' moves from s1 that deters i's move base -> s1."""
    if concept == "nash":
        return None
    indices = move_indices(model)
    rank = model.ranks[i]
    limit = rank[base]
    others = [j for j in range(model.n_dms) if j != i]
    kind = "ui" if concept == "seq" else "move"

    def good(s2: int) -> bool:
        if rank[s2] > limit:
            return False
        if concept == "smr":
            return all(rank[t] <= limit for t in indices[i].targets(s2, "move"))
        return True

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
                if good(int(t)):
                    path = []
                    cur: tuple[int, int] | None = nxt
                    while cur is not None and parent[cur] is not None:
                        prev = parent[cur]
                        path.append(make_step(model, cur[1], prev[0], cur[0]))
                        cur = prev
                    return path[::-1]
                queue.append(nxt)
    return None


def explain(model: ConflictModel, state: int, i: int, concept: str, stable: bool) -> Explanation:
    indices = move_indices(model)
    out = Explanation(state, model.dm_names[i], concept, stable)
    for s1 in indices[i].targets(state, "ui"):
        sanction = find_sanction(model, i, state, int(s1), concept)
        out.deterrence.append(Deterrence(make_step(model, i, state, int(s1)), sanction))
    return out
