"""The state graph as data, laid out with Graphviz: one picture of who can move where.

Nodes are feasible states; an arrow s -> t coloured by decision maker i says that i can move
unilaterally from s to t and prefers t. Improvements of one DM are transitive (a -> b -> c
implies a -> c), so drawing all of them buries the picture in arrows without adding
information: we draw each DM's *transitive reduction* (a -> c is left out when the same DM
improves a -> b -> c), which keeps exactly who can reach what. The shortest path from the
status quo to where the conflict settles is always drawn, highlighted.

Large conflicts cannot be drawn legibly: which states are drawn is decided by
:mod:`offramp.report.graph_selection` (shared with the workbench): by default, above a few
dozen states, the status quo, the equilibria and the paths between them; the full graph on
request. ``note`` says what was left out.

Layout is Graphviz ``dot`` through pygraphviz (which bundles Graphviz), so that the HTML's
inline SVG and the static matplotlib figure share one layout.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from offramp.conflict.concepts import DEFAULT_CONCEPT

if TYPE_CHECKING:
    import pygraphviz

    from offramp.analysis.scenario import Scenario
    from offramp.conflict.model import ConflictModel

MAX_DOT_EDGES = 1500

#: Okabe-Ito: distinguishable with the common colour-vision deficiencies.
DM_COLOURS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#8B6F00",
    "#000000",
)
STATUS_QUO_FILL = "#FDE68A"
SETTLED_FILL = "#BBF7D0"
PLAIN_FILL = "#FFFFFF"
PATH_COLOUR = "#888888"  # legend only: path arrows keep their mover's colour


def dm_colour(k: int) -> str:
    return DM_COLOURS[k % len(DM_COLOURS)]


@dataclass
class StateGraph:
    """What the picture shows. State indices are 0-based; ``ids`` are the 1-based ids the
    rest of the report uses."""

    concept: str
    dm_names: list[str]
    dm_labels: list[str]
    nodes: list[int]
    descriptions: dict[int, str]
    edges: list[tuple[int, int, int]]  # (source, target, dm index)
    path_edges: set[tuple[int, int]] = field(default_factory=set)
    status_quo: int | None = None
    equilibria: set[int] = field(default_factory=set)
    settled: set[int] = field(default_factory=set)
    total_states: int = 0
    total_improvements: int = 0
    note: str = ""
    positions: dict[int, tuple[float, float]] = field(default_factory=dict)
    #: Graphviz's edge splines: (cubic Bezier control points, arrow tip or None) per arrow.
    splines: dict[tuple[int, int], tuple[list[tuple[float, float]], tuple[float, float] | None]] = (
        field(default_factory=dict)
    )
    bounds: tuple[float, float] = (0.0, 0.0)  # width, height in points
    option_labels: list[str] = field(default_factory=list)
    codes: dict[int, int] = field(default_factory=dict)  # state -> option bits
    option_dm: list[int] = field(default_factory=list)
    mode: str = "all"  # see graph_selection.Selection.mode

    def change(self, a: int, b: int) -> str:
        """What the move a -> b does, in option labels: 'takes X; stops Y'."""
        from offramp.report.graph_selection import move_change

        return move_change(self.codes.get(a, 0), self.codes.get(b, 0), self.option_labels)

    def colour(self, dm: int) -> str:
        return dm_colour(dm)


Path = list[tuple[int, int]]


def _reduced_edges(
    model: ConflictModel, nodes: list[int]
) -> tuple[list[tuple[int, int, int]], int]:
    """Per DM, the transitive reduction of its improvements among ``nodes``."""
    from offramp.conflict.moves import move_indices

    where = np.full(model.n_states, -1, dtype=np.int64)
    arr = np.asarray(nodes, dtype=np.int64)
    where[arr] = np.arange(len(arr))
    out: list[tuple[int, int, int]] = []
    total = 0
    for i, idx in enumerate(move_indices(model)):
        src, dst = idx.successors(arr)
        keep = where[dst] >= 0
        src, dst = src[keep], dst[keep]
        total += len(src)
        if len(src) == 0:
            continue
        adj = np.zeros((len(arr), len(arr)), dtype=bool)
        adj[where[src], where[dst]] = True
        two_step = (adj.astype(np.int32) @ adj.astype(np.int32)) > 0
        direct = adj & ~two_step
        for a, b in zip(*np.nonzero(direct), strict=True):
            out.append((int(arr[a]), int(arr[b]), i))
    return out, total


def state_graph(
    scenario: Scenario, concept: str = DEFAULT_CONCEPT, *, full: bool = False
) -> StateGraph:
    """The state graph of ``scenario``: nodes, reduced improvement arrows, equilibria of
    ``concept``, and the path(s) from the status quo to where it settles. ``full``: draw
    every state (up to a limit) rather than the status quo, equilibria and paths."""
    from offramp.report.graph_selection import select_states, settle_steps

    analysis = scenario.analyze()
    model = analysis.model
    if concept not in analysis.stability.concepts:
        concept = analysis.stability.concepts[-1]
    sel = select_states(analysis, concept, full=full)
    nodes, note = sel.nodes, sel.note
    start = None if model.status_quo is None else int(model.status_quo)
    drawn_nodes = set(nodes)
    targets = analysis.settles_at(concept)
    settled_targets = set() if targets is None else {int(t) for t in targets}
    settled = settled_targets & drawn_nodes
    path_edges = settle_steps(analysis, concept, sel)
    edges, total = _reduced_edges(model, nodes)
    drawn = {(a, b) for a, b, _ in edges}
    for a, b in sorted(path_edges - drawn):
        dm = _mover(model, a, b)
        if dm is not None:
            edges.append((a, b, dm))
    sc = scenario.spec
    return StateGraph(
        concept=concept,
        dm_names=list(model.dm_names),
        dm_labels=[sc.dm_label(d) for d in model.dm_names],
        nodes=nodes,
        descriptions={s: analysis.describe_state(s) for s in nodes},
        edges=edges,
        path_edges=path_edges,
        status_quo=start,
        equilibria={int(s) for s in analysis.stability.equilibria(concept)} & set(nodes),
        settled=settled,
        total_states=model.n_states,
        total_improvements=total,
        note=note,
        option_labels=[sc.option_label(k) for k in range(len(model.option_names))],
        codes={s: int(model.codes[s]) for s in nodes},
        option_dm=[int(d) for d in model.option_dm],
        mode=sel.mode,
    )


def _mover(model: ConflictModel, a: int, b: int) -> int | None:
    """The DM whose options differ between states a and b (None if several do)."""
    diff = int(model.codes[a]) ^ int(model.codes[b])
    dms = {int(model.option_dm[k]) for k in range(len(model.option_names)) if diff >> k & 1}
    return dms.pop() if len(dms) == 1 else None


# ---------------------------------------------------------------------------- Graphviz


_HARMLESS = "Graphviz not built with triangulation library"


@contextlib.contextmanager
def _quiet_graphviz() -> Iterator[None]:
    """Graphviz writes two harmless warnings on stderr (from C, at the file descriptor level):
    its bundled fontconfig cannot read newer system font configs, and the wheel's sfdp lacks
    the triangulation library for one overlap method (it falls back on its own). They would
    only confuse users, so drop those lines and pass anything else on."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    with tempfile.TemporaryFile() as sink:
        sys.stderr.flush()
        saved = os.dup(fd)
        os.dup2(sink.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)
            sink.seek(0)
            rest = [
                line
                for line in sink.read().decode("utf-8", "replace").splitlines(keepends=True)
                if not line.startswith("Fontconfig ") and _HARMLESS not in line
            ]
            if rest:
                sys.stderr.write("".join(rest))


def to_agraph(graph: StateGraph) -> pygraphviz.AGraph:
    """The graph as a pygraphviz AGraph with the report's styling (not laid out yet)."""
    import pygraphviz as pgv

    g = pgv.AGraph(directed=True, strict=False)
    g.graph_attr.update(bgcolor="transparent", nodesep="0.25", ranksep="0.5", pad="0.2")
    g.node_attr.update(
        shape="circle",
        fontname="Helvetica",
        fontsize="14",
        width="0.5",
        fixedsize="true",
        style="filled",
        fillcolor=PLAIN_FILL,
        color="#555555",
    )
    g.edge_attr.update(arrowsize="0.55", penwidth="0.8")
    for s in graph.nodes:
        classes = ["state"]
        attrs = {"label": str(s + 1)}
        if s in graph.equilibria:
            attrs.update(peripheries="2", penwidth="1.4", color="#111111")
            classes.append("equilibrium")
        if s == graph.status_quo:
            attrs["fillcolor"] = STATUS_QUO_FILL
            classes.append("status_quo")
        if s in graph.settled:
            attrs["fillcolor"] = SETTLED_FILL
            classes.append("settled")
        attrs["class"] = " ".join(classes)
        g.add_node(f"s{s + 1}", **attrs)
    for a, b, dm in graph.edges:
        on_path = (a, b) in graph.path_edges
        attrs = {
            "color": dm_colour(dm),
            "class": f"move dm_{graph.dm_names[dm]}" + (" path" if on_path else ""),
        }
        if on_path:
            attrs.update(penwidth="3.2", arrowsize="0.9")
        g.add_edge(f"s{a + 1}", f"s{b + 1}", **attrs)
    return g


def _read_positions(graph: StateGraph, g: pygraphviz.AGraph) -> None:
    bb = [float(v) for v in str(g.graph_attr.get("bb", "0,0,0,0")).split(",")]
    graph.bounds = (bb[2] - bb[0], bb[3] - bb[1])
    for s in graph.nodes:
        x, y = (float(v) for v in str(g.get_node(f"s{s + 1}").attr["pos"]).split(",")[:2])
        graph.positions[s] = (x, y)
    for e in g.edges():
        a, b = int(e[0][1:]) - 1, int(e[1][1:]) - 1
        graph.splines[(a, b)] = _parse_spline(str(e.attr.get("pos") or ""))


def _parse_spline(pos: str) -> tuple[list[tuple[float, float]], tuple[float, float] | None]:
    """Graphviz ``pos`` of an edge: optional ``e,x,y`` (arrow tip), ``s,x,y``, then the
    1 + 3n control points of a cubic B-spline."""
    points: list[tuple[float, float]] = []
    tip = None
    for token in pos.split():
        parts = token.split(",")
        if parts[0] == "e" and len(parts) == 3:
            tip = (float(parts[1]), float(parts[2]))
        elif parts[0] == "s" and len(parts) == 3:
            continue
        elif len(parts) == 2:
            points.append((float(parts[0]), float(parts[1])))
    return points, tip


def layout(graph: StateGraph) -> pygraphviz.AGraph:
    """Lay the graph out once with ``dot`` (``sfdp`` when there are so many arrows that
    ``dot`` would take long); positions and splines land in ``graph`` (points, y up)."""
    g = to_agraph(graph)
    prog = "dot" if len(graph.edges) <= MAX_DOT_EDGES else "sfdp"
    if prog == "sfdp":
        g.graph_attr.update(overlap="scale", splines="false")
    with _quiet_graphviz():
        g.layout(prog=prog)
    _read_positions(graph, g)
    return g


_XML_PREAMBLE = re.compile(r"^.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_NAMESPACE = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_SIZE = re.compile(r'(<svg\b[^>]*?)\s+width="[^"]*"\s+height="[^"]*"')


_NODE_TITLE = re.compile(r"<title>s(\d+)</title>")
_EDGE_TITLE = re.compile(r"<title>s(\d+)&#45;&gt;s(\d+)</title>")


def inline_svg(graph: StateGraph, g: pygraphviz.AGraph, label: str) -> str:
    """The laid-out graph as an ``<svg>`` element for embedding in HTML: no XML preamble, no
    DOCTYPE, no comments and no namespace URIs (HTML parsers put ``<svg>`` in the SVG
    namespace on their own), so the page names no external URL; sized by CSS. Hovering a
    state shows it in words, hovering an arrow shows who moves."""
    with _quiet_graphviz():
        svg = g.draw(format="svg").decode("utf-8")  # uses the layout already computed
    svg = _XML_PREAMBLE.sub("", svg, count=1)
    svg = _COMMENT.sub("", svg)
    svg = _NAMESPACE.sub("", svg)
    svg = _SIZE.sub(r"\1", svg, count=1)
    movers = {(a + 1, b + 1): graph.dm_labels[dm] for a, b, dm in graph.edges}

    def node_title(m: re.Match[str]) -> str:
        s = int(m.group(1))
        return f"<title>{s}: {_attr(graph.descriptions[s - 1])}</title>"

    def edge_title(m: re.Match[str]) -> str:
        a, b = int(m.group(1)), int(m.group(2))
        what = graph.change(a - 1, b - 1)
        return (
            f"<title>{_attr(movers.get((a, b), ''))}: {a} → {b}"
            + (f" ({_attr(what)})" if what else "")
            + "</title>"
        )

    svg = _NODE_TITLE.sub(node_title, svg)
    svg = _EDGE_TITLE.sub(edge_title, svg)
    return svg.replace(
        "<svg", f'<svg class="state-graph" role="img" aria-label="{_attr(label)}"', 1
    ).strip()


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
