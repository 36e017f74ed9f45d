"""The data behind the report's figures that the report dict does not hold: the state graph
with its layout, bargaining trajectories and parameter sweeps.

Computed once by :func:`collect_figures` and shared by the HTML renderer (inline SVG) and the
static renderer (matplotlib), so both draw the same thing and the work is not done twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from offramp.report.graph import StateGraph, inline_svg, layout, state_graph

if TYPE_CHECKING:
    from offramp.analysis.scenario import Scenario
    from offramp.scenario.resolved import CompiledQuestion

#: Trajectories come from KTAB's Spatial Model of Politics: the one model here that moves the
#: actors round by round (the others forecast in one step).
TRAJECTORY_MODEL = "smp"
SWEEP_POINTS = 41
MAX_SWEEPS = 3


@dataclass
class Trajectory:
    """Positions by round of every actor in one bargaining case: ``rounds[t, actor, dim]``."""

    case: str
    label: str
    rounds: np.ndarray
    actors: list[str] = field(default_factory=list)  # names, in the order of ``rounds``


@dataclass
class Sweep:
    """Answers to the questions as one parameter moves across its search range."""

    parameter: str
    current: float
    values: list[float]
    questions: list[tuple[str, str]]  # (id, ask)
    answers: dict[str, list[str]]  # question id -> verdict per value
    thresholds: list[dict[str, Any]] = field(default_factory=list)  # {question, value, becomes}


@dataclass
class Figures:
    graph: StateGraph
    graph_svg: str
    #: The whole graph, when the default picture leaves states out (None otherwise).
    full_graph: StateGraph | None = None
    full_graph_svg: str = ""
    actors: list[str] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    trajectories: list[Trajectory] = field(default_factory=list)
    sweeps: list[Sweep] = field(default_factory=list)


def trajectories(report: dict[str, Any], scenario: Scenario) -> list[Trajectory]:
    """SMP rounds for the positions as given and for each state where the conflict settles."""
    part = report.get("bargaining")
    if not part:
        return []
    from offramp.bargaining import forecast

    out = []
    for case in part["cases"]:
        if case["name"] != "as-given" and not case["name"].startswith("settled-"):
            continue
        result = forecast(scenario.spec.bargaining_problem(case["shifts"]), TRAJECTORY_MODEL)
        out.append(
            Trajectory(case["name"], case["label"], np.stack(result.rounds), list(result.actors))
        )
    return out


def _search_range(
    scenario: Scenario, q: CompiledQuestion, report_q: dict[str, Any] | None
) -> tuple[float, float]:
    th = (report_q or {}).get("threshold")
    if th:
        return float(th["range"][0]), float(th["range"][1])
    if q.search_range:
        return float(q.search_range[0]), float(q.search_range[1])
    assert q.parameter is not None  # (only questions with a parameter are swept)
    value = scenario.spec.parameters[q.parameter]
    return 0.0, max(1.0, 2 * abs(value))


def sweeps(report: dict[str, Any], scenario: Scenario, points: int = SWEEP_POINTS) -> list[Sweep]:
    """One sweep per parameter that a question names (its threshold parameter), over the
    question's search range; every question's answer is recorded at each value."""
    from offramp.analysis.sweeps import sweep

    by_id = {q["id"]: q for q in report.get("questions", [])}
    seen: dict[str, tuple[float, float]] = {}
    for q in scenario.spec.questions:
        if q.parameter and q.parameter not in seen and len(seen) < MAX_SWEEPS:
            seen[q.parameter] = _search_range(scenario, q, by_id.get(q.id))
    out = []
    for name, (lo, hi) in seen.items():
        values = np.linspace(lo, hi, points)
        result = sweep(scenario.spec, name, values)
        answers = {
            q.id: [row.answers[q.id] for row in result.rows] for q in scenario.spec.questions
        }
        marks = []
        for q in report.get("questions", []):
            th = q.get("threshold")
            if th and th["parameter"] == name:
                marks += [
                    {"question": q["id"], "value": t["value"], "becomes": t["becomes"]}
                    for t in th["transitions"]
                ]
        out.append(
            Sweep(
                parameter=name,
                current=float(scenario.spec.parameters[name]),
                values=[float(v) for v in values],
                questions=[(q.id, q.ask) for q in scenario.spec.questions],
                answers=answers,
                thresholds=marks,
            )
        )
    return out


VERDICTS = ("yes", "no", "depends", "undetermined")
#: Okabe and Ito's colour-blind-safe palette (blue, vermillion, orange; grey): told apart with
#: every common colour-vision deficiency, unlike green against red.
VERDICT_COLOURS = {
    "yes": "#0072B2",
    "no": "#D55E00",
    "depends": "#E69F00",
    "undetermined": "#8C8C8C",
}
TORNADO_INPUTS = 8
MIN_RHO = 0.05


def segments(sweep: Sweep, question: str) -> list[tuple[float, float, str]]:
    """Runs of one verdict along the sweep, as (start, end, verdict); boundaries sit halfway
    between grid values (the exact flips are the thresholds, marked separately)."""
    xs, ys = sweep.values, sweep.answers[question]
    out: list[tuple[float, float, str]] = []
    start = xs[0]
    for k in range(1, len(xs) + 1):
        if k == len(xs) or ys[k] != ys[k - 1]:
            end = xs[-1] if k == len(xs) else (xs[k - 1] + xs[k]) / 2
            out.append((start, end, ys[k - 1]))
            start = end
    return out


def tornado_targets(mc: dict[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(target, title, inputs) per conclusion with at least one input that matters, inputs
    sorted by |rho|, the largest first, at most ``TORNADO_INPUTS``: only inputs whose
    correlation is distinguishable from noise (``significant``), never a ±0.03 from an input
    that cannot affect the conclusion."""
    asks = {q["id"]: q["ask"] for q in mc.get("questions", [])}
    out = []
    for target, items in (mc.get("sensitivity") or {}).items():
        significant = [d for d in items if d.get("significant", True)]
        kept = sorted(significant, key=lambda d: -abs(d["rho"]))[:TORNADO_INPUTS]
        if not kept or abs(kept[0]["rho"]) < MIN_RHO:
            continue
        kind, _, rest = target.partition(":")
        if kind == "question":
            title = asks.get(rest, rest)
        elif kind == "forecast":
            model, _, dim = rest.partition(":")
            title = f"Forecast of {dim} ({model} model)"
        else:
            title = target
        out.append((target, title, kept))
    return out


def collect_figures(report: dict[str, Any], scenario: Scenario) -> Figures:
    """Everything the figures need beyond ``report``; ``scenario`` must be the one the report
    was built from."""
    graph = state_graph(scenario)
    agraph = layout(graph)
    label = f"State graph of {report['scenario']}"
    full = None
    full_svg = ""
    if graph.mode == "core":
        candidate = state_graph(scenario, full=True)
        if candidate.mode != "core" and len(candidate.nodes) > len(graph.nodes):
            full = candidate
            full_svg = inline_svg(full, layout(full), label + " (every state)")
    part = report.get("bargaining") or {}
    paths = trajectories(report, scenario)
    labels = {a["name"]: a["label"] for a in part.get("actors", [])}
    names = paths[0].actors if paths else list(labels)
    return Figures(
        graph=graph,
        graph_svg=inline_svg(graph, agraph, label),
        full_graph=full,
        full_graph_svg=full_svg,
        actors=[labels.get(n, n) for n in names],
        dimensions=[d["label"] for d in part.get("dimensions", [])],
        trajectories=paths,
        sweeps=sweeps(report, scenario),
    )
