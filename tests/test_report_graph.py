"""The state graph's node selection (issue 10, item 4): one rule for the HTML report and the
workbench, checked against a brute-force reading of its definition — by default, above a few
dozen states, the status quo, the equilibria and shortest paths of improvements between them;
every state on request."""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest

import offramp
from offramp.report import graph_selection
from offramp.report.graph import state_graph
from offramp.report.graph_selection import select_states
from offramp.scenarios import get_builtin, list_builtin
from offramp.web.graph import graph_data
from tests import brute_force as bf


def _brute(scenario):
    """Improvements between feasible states (as option codes), straight from the definitions,
    the SEQ equilibria, and the BFS distance of every state from the status quo."""
    states = bf.feasible_states(scenario)
    feasible = set(states)
    n = len(scenario.spec.dm_names)
    pay = [bf.scores(scenario, dm, states) for dm in scenario.spec.dm_names]
    improve = {
        s: {
            t
            for i in range(n)
            for t in bf.unilateral_moves(scenario, i, s, feasible)
            if pay[i][t] > pay[i][s]
        }
        for s in states
    }
    model = scenario.analyze().model
    sq = None if model.status_quo is None else int(model.codes[model.status_quo])
    dist = {}
    if sq is not None:
        dist[sq] = 0
        queue = deque([sq])
        while queue:
            s = queue.popleft()
            for t in improve[s]:
                if t not in dist:
                    dist[t] = dist[s] + 1
                    queue.append(t)
    taken = bf.solve(scenario)["equilibria"]["seq"]
    by_name = {o.qualified: o.index for o in scenario.spec.options}
    eq = {sum(1 << by_name[o] for o in names) for names in taken}
    return improve, eq, sq, dist


@pytest.mark.parametrize("name", list_builtin())
def test_report_and_workbench_draw_the_same_states(name):
    sc = get_builtin(name)
    analysis = sc.analyze()
    for full in (False, True):
        report_nodes = [s + 1 for s in state_graph(sc, full=full).nodes]
        web_nodes = sorted(n["id"] for n in graph_data(analysis, full=full)["nodes"])
        assert report_nodes == web_nodes, (name, full)


@pytest.mark.parametrize("name", list_builtin())
def test_report_and_workbench_mark_the_same_path(name):
    """The arrows marked as the path to where the conflict settles are the same moves in the
    HTML report and the workbench, and each is a step of the evolution's own path."""
    sc = get_builtin(name)
    analysis = sc.analyze()
    evo = analysis.settling.get(offramp.conflict.concepts.DEFAULT_CONCEPT)
    settles = analysis.settles_at(offramp.conflict.concepts.DEFAULT_CONCEPT)
    truth = set()
    if evo is not None and settles is not None:
        for t in settles:
            truth |= {(st.source, st.target) for st in evo.path(int(t)) or []}
    for full in (False, True):
        graph = state_graph(sc, full=full)
        data = graph_data(analysis, full=full)
        web = {(e["source"] - 1, e["target"] - 1) for e in data["edges"] if e["on_path"]}
        assert graph.path_edges == web, (name, full)
        assert graph.path_edges <= truth
        drawn = set(graph.nodes)
        assert {step for step in truth if set(step) <= drawn} <= graph.path_edges


def test_the_default_scenario_core_against_brute_force():
    sc = offramp.default()
    analysis = sc.analyze()
    model = analysis.model
    assert model.n_states > graph_selection.SMALL
    sel = select_states(analysis, "seq")
    assert sel.mode == "core"
    improve, eq, sq, dist = _brute(sc)
    code = {int(s): int(model.codes[s]) for s in range(model.n_states)}
    nodes = {code[s] for s in sel.nodes}
    # Everything the definition asks for is drawn ...
    assert sq in nodes and eq <= nodes
    # ... every path is a chain of improvements from the status quo, as short as can be ...
    on_paths = set()
    for target, steps in sel.paths:
        assert steps and code[steps[0][0]] == sq and code[steps[-1][1]] == code[target]
        for a, b in steps:
            assert code[b] in improve[code[a]]
            on_paths |= {code[a], code[b]}
        assert len(steps) == dist[code[target]]
    # ... it reaches every equilibrium reachable from the status quo ...
    assert {code[t] for t, _ in sel.paths} == {e for e in eq if e in dist}
    # ... and nothing else is drawn.
    assert nodes == {sq} | eq | on_paths
    assert len(sel.nodes) < model.n_states


def test_small_conflicts_are_drawn_whole():
    sc = get_builtin("chicken")
    sel = select_states(sc.analyze(), "seq")
    assert sel.mode == "all" and sel.nodes == list(range(sc.analyze().model.n_states))


def test_the_full_graph_on_request_draws_every_state():
    from offramp.report.graph_selection import MAX_FULL

    sc = offramp.default()
    n = sc.conflict.n_states
    sel = select_states(sc.analyze(), "seq", full=True)
    data = graph_data(sc.analyze(), full=True)
    if n <= MAX_FULL:
        assert sel.mode == "all" and len(sel.nodes) == n
        assert len(data["nodes"]) == n and data["selection"] == "all" and not data["truncated"]
    else:  # too many to draw every state: what is reachable, said so
        assert sel.mode == "reachable" and len(sel.nodes) < n
        assert data["truncated"]


def test_workbench_data_names_options_and_says_what_was_left_out():
    data = graph_data(offramp.default().analyze())
    assert data["selection"] == "core" and data["truncated"]
    n = offramp.default().conflict.n_states
    assert f"{len(data['nodes'])} of {n} states" in data["note"]
    labels = {o["name"]: o["label"] for o in data["options"]}
    assert labels["US.relief"] == "offer trade concessions"
    move = next(e for e in data["edges"] if (e["source"], e["target"]) == (4, 6))
    assert move["change"] == "takes offer trade concessions" and move["on_path"]
    # Columns are compact: no empty layer between the drawn ones.
    layers = sorted({n["layer"] for n in data["nodes"]})
    assert layers == list(range(len(layers)))
    assert np.all([e["source"] in {n["id"] for n in data["nodes"]} for e in data["edges"]])


def test_arrow_hover_says_what_the_move_does():
    from offramp.report.graph import inline_svg, layout

    g = state_graph(offramp.default())
    svg = inline_svg(g, layout(g), "x")
    assert "<title>United States: 4 → 6 (takes offer trade concessions)</title>" in svg
