"""The state graph as data for the page: states, unilateral improvements, and a layout.

States reachable from the status quo are laid out in columns by their distance from it (so the
evolution reads left to right); the others follow in columns by how many options they take.
Which states are sent is decided by :func:`offramp.report.graph_selection.select_states`, the
rule the HTML report uses too: by default, above a few dozen states, the status quo, the
equilibria and the paths between them; every state with ``full=True``. ``note`` says what was
left out; ``options`` gives each option's label (for hover texts and a legend).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from offramp.analysis import Analysis
from offramp.conflict.concepts import DEFAULT_CONCEPT
from offramp.conflict.moves import move_indices


def graph_data(
    analysis: Analysis, concept: str = DEFAULT_CONCEPT, *, full: bool = False
) -> dict[str, Any]:
    """Nodes, edges and layout hints of the state graph; ``full``: every state (up to the
    shared limit) rather than the status quo, the equilibria and the paths between them."""
    from offramp.report.graph_selection import move_change, select_states, settle_steps

    model = analysis.model
    result = analysis.stability
    size = model.n_states
    eq: dict[str, np.ndarray] = {c: result.equilibrium_mask(c) for c in result.concepts}
    dist = analysis.evolution.distance if analysis.evolution is not None else np.full(size, -1)
    selection = select_states(analysis, concept, full=full)
    keep = np.asarray(selection.nodes, dtype=np.int64)
    truncated = len(keep) < size
    kept = np.zeros(size, dtype=bool)
    kept[keep] = True
    path_steps = settle_steps(analysis, concept, selection)
    on_path = {s for step in path_steps for s in step}
    # reachable states by distance from the status quo; the rest of those sent in columns of
    # eight, by how many options they take, so that large conflicts stay a readable grid
    max_d = int(dist.max()) if (dist >= 0).any() else -1
    rest = keep[dist[keep] < 0]
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
    sc = analysis.scenario
    option_labels = [sc.option_label(k) for k in range(len(model.option_names))]

    def change(a: int, b: int) -> str:
        """What the move a -> b does, by option labels (for the arrow's hover text)."""
        return move_change(int(model.codes[a]), int(model.codes[b]), option_labels)

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
                    "change": change(int(a), int(b)),
                }
            )
    return {
        "decision_makers": list(model.dm_names),
        "decision_maker_labels": [sc.dm_label(d) for d in model.dm_names],
        "options": [
            {"name": name, "label": option_labels[k], "mover": int(model.option_dm[k])}
            for k, name in enumerate(model.option_names)
        ],
        "concept": concept,
        "nodes": nodes,
        "edges": edges,
        "truncated": truncated,
        "selection": selection.mode,
        "note": selection.note,
        "states": size,
    }
