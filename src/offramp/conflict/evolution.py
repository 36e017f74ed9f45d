"""Status quo analysis: where the conflict can go from today by unilateral improvements.

A breadth-first search from the status quo over every DM's improvements, one layer at a time
(vectorised per layer), gives the states reachable and a shortest path to each. Consecutive
improvements by one DM are a single improvement, so shortest paths never show a DM moving twice
in a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from offramp.conflict.model import ConflictModel
from offramp.conflict.moves import MoveIndex, move_indices
from offramp.conflict.result import StabilityResult
from offramp.conflict.steps import Step, make_step


@dataclass
class Evolution:
    """Reachability from the status quo: distance and BFS parent of every reached state."""

    model: ConflictModel
    start: int
    distance: np.ndarray  # -1 where unreachable
    parent: np.ndarray  # previous state on a shortest path (-1 at start or unreachable)
    mover: np.ndarray  # DM who made the last move on that path

    def reachable(self, state: int) -> bool:
        return bool(self.distance[state] >= 0)

    def path(self, state: int) -> list[Step] | None:
        """A shortest sequence of improvements from the status quo to ``state``."""
        if self.distance[state] < 0:
            return None
        steps = []
        cur = state
        while cur != self.start:
            prev = int(self.parent[cur])
            steps.append(make_step(self.model, int(self.mover[cur]), prev, cur))
            cur = prev
        return steps[::-1]

    def settled(self, stop: np.ndarray) -> np.ndarray:
        """The absorbing states this (stopped) search reached."""
        return np.flatnonzero((self.distance >= 0) & stop)

    def summary(self, result: StabilityResult) -> dict[str, Any]:
        """Per concept: equilibria reachable (with a shortest path) and not reachable."""
        out: dict[str, Any] = {
            "status_quo": {"id": self.start + 1, "taken": self.model.taken(self.start)},
            "reachable_states": int((self.distance >= 0).sum()),
            "concepts": {},
        }
        for concept in result.concepts:
            eqs = result.equilibria(concept)
            reach: list[dict[str, Any]] = []
            unreach: list[dict[str, Any]] = []
            for s in eqs:
                s = int(s)
                entry: dict[str, Any] = {"id": s + 1, "taken": self.model.taken(s)}
                if self.distance[s] >= 0:
                    entry["steps"] = int(self.distance[s])
                    entry["path"] = [st.to_dict() for st in self.path(s) or []]
                    reach.append(entry)
                else:
                    unreach.append(entry)
            reach.sort(key=lambda e: e["steps"])
            out["concepts"][concept] = {"reachable": reach, "unreachable": unreach}
        return out


def evolve(
    model: ConflictModel, start: int | None = None, stop: np.ndarray | None = None
) -> Evolution:
    """Breadth-first search from ``start`` (default: the model's status quo).

    ``stop`` marks absorbing states: they are reached but not left (used to find where the
    evolution *settles*: the first equilibria it meets on each path).
    """
    if start is None:
        start = model.status_quo
    if start is None:
        raise ValueError("the scenario declares no status_quo")
    indices = move_indices(model)
    size = model.n_states
    # compact: an analysis keeps one evolution per concept besides the plain one
    distance = np.full(size, -1, dtype=np.int32)
    parent = np.full(size, -1, dtype=np.int32 if size < 2**31 else np.int64)
    mover = np.full(size, -1, dtype=np.int16)
    distance[start] = 0
    frontier = np.array([start], dtype=np.int64)
    if stop is not None and stop[start]:
        frontier = frontier[:0]
    depth = 0
    while len(frontier):
        depth += 1
        found_src, found_dst, found_dm = [], [], []
        for i, idx in enumerate(indices):
            if idx.n_directed == 0:
                src, dst = _group_improvements(idx, model.ranks[i], frontier, distance < 0)
            else:
                src, dst = idx.successors(frontier)
                fresh = distance[dst] < 0
                src, dst = src[fresh], dst[fresh]
            found_src.append(src)
            found_dst.append(dst)
            found_dm.append(np.full(len(dst), i, dtype=np.int64))
        src = np.concatenate(found_src)
        dst = np.concatenate(found_dst)
        who = np.concatenate(found_dm)
        if len(dst) == 0:
            break
        new, first = np.unique(dst, return_index=True)
        distance[new] = depth
        parent[new] = src[first]
        mover[new] = who[first]
        frontier = new if stop is None else new[~stop[new]]
    return Evolution(model, int(start), distance, parent, mover)


def _group_improvements(
    idx: MoveIndex, rank: np.ndarray, frontier: np.ndarray, unseen: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(source, target) of the unseen states a DM without directed options reaches from the
    frontier by one improvement, in O(states): within a group (same options of the others) the
    DM reaches every state it ranks above its lowest-ranked frontier state there, so that
    state is a valid source for all of them. Listing every (source, target) pair instead costs
    the square of the group size, which is what made a DM owning many options run out of
    memory."""
    groups = idx.group[frontier]
    order = np.lexsort((rank[frontier], groups))  # by group, then rank
    first = np.r_[True, groups[order][1:] != groups[order][:-1]]
    lowest = frontier[order][first]  # each touched group's lowest-ranked frontier state
    floor = np.full(idx.n_groups, np.iinfo(np.int64).max, dtype=np.int64)
    source = np.full(idx.n_groups, -1, dtype=np.int64)
    floor[idx.group[lowest]] = rank[lowest]
    source[idx.group[lowest]] = lowest
    dst = np.flatnonzero(unseen & (rank > floor[idx.group]))
    return source[idx.group[dst]], dst
