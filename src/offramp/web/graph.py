"""The state graph as data for the page: states, unilateral improvements, and a layout.

States reachable from the status quo are laid out in columns by their distance from it (so the
evolution reads left to right); the others follow in columns by how many options they take.
Large conflicts show only the states reachable from the status quo plus the equilibria.
"""

from __future__ import annotations

import numpy as np

from offramp.analysis import Analysis
from offramp.conflict.moves import move_indices

MAX_NODES = 200


def graph_data(analysis: Analysis, concept: str = "seq") -> dict:
    model = analysis.model
    result = analysis.stability
    size = model.n_states
    eq = {c: result.stable[c].all(axis=0) for c in result.concepts}
    dist = analysis.evolution.distance if analysis.evolution is not None else np.full(size, -1)
    keep = np.arange(size)
    truncated = False
    if size > MAX_NODES:
        keep = np.flatnonzero((dist >= 0) | eq[concept])[:MAX_NODES]
        truncated = True
    kept = np.zeros(size, dtype=bool)
    kept[keep] = True
    on_path: set[int] = set()
    path_steps: set[tuple[int, int]] = set()
    settle_evo = analysis.settling.get(concept)
    if settle_evo is not None:
        for s in analysis.settles_at(concept):
            for step in settle_evo.path(int(s)) or []:
                on_path.update((step.source, step.target))
                path_steps.add((step.source, step.target))
    # reachable states by distance from the status quo; the rest in columns of eight, by
    # how many options they take, so that large conflicts stay a readable grid
    max_d = int(dist.max()) if (dist >= 0).any() else -1
    rest = np.flatnonzero(dist < 0)
    popcount = np.array([bin(int(model.codes[s])).count("1") for s in rest])
    rest = rest[np.argsort(popcount, kind="stable")]
    layer = dist.copy()
    layer[rest] = max_d + 1 + np.arange(len(rest)) // 8
    nodes = []
    order: dict[int, int] = {}
    for s in keep:
        s = int(s)
        lay = int(layer[s])
        order[lay] = order.get(lay, 0) + 1
        nodes.append(
            {
                "id": s + 1,
                "taken": model.taken(s),
                "label": analysis.describe_state(s),
                "layer": lay,
                "row": order[lay] - 1,
                "equilibrium": {c: bool(eq[c][s]) for c in result.concepts},
                "status_quo": s == model.status_quo,
                "reachable": bool(dist[s] >= 0),
                "on_path": s in on_path,
            }
        )
    edges = []
    indices = move_indices(model)
    for i, idx in enumerate(indices):
        src, dst = idx.successors(keep)
        ok = kept[dst]
        for a, b in zip(src[ok], dst[ok], strict=True):
            edges.append(
                {
                    "source": int(a) + 1,
                    "target": int(b) + 1,
                    "mover": i,
                    "on_path": (int(a), int(b)) in path_steps,
                }
            )
    return {
        "decision_makers": list(model.dm_names),
        "concept": concept,
        "nodes": nodes,
        "edges": edges,
        "truncated": truncated,
        "states": size,
    }
