"""The report's figures as static PNG and SVG files, drawn with matplotlib (``Agg``), for
slides, papers and documents that cannot hold an interactive chart.

They show what the HTML report's charts show, from the same data
(:class:`~offramp.report.figdata.Figures`); the state graph uses Graphviz's layout, node
positions and edge splines, so it looks like the one in the HTML.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import matplotlib.ticker
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, Patch, PathPatch
from matplotlib.path import Path as MplPath

from offramp.report.canvas import FORMATS, figure, subplots
from offramp.report.figdata import (
    VERDICT_COLOURS,
    VERDICTS,
    Figures,
    Sweep,
    collect_figures,
    segments,
    tornado_targets,
)
from offramp.report.graph import (
    PATH_COLOUR,
    PLAIN_FILL,
    SETTLED_FILL,
    STATUS_QUO_FILL,
    StateGraph,
    dm_colour,
)
from offramp.report.provenance import leverage_static_figure
from offramp.report.words import input_label, parameter_label, target_label

if TYPE_CHECKING:
    from offramp.analysis.scenario import Scenario

DPI = 150
NODE_RADIUS = 18.0  # points, as laid out (0.5 inch wide nodes)
MAX_GRAPH_INCHES = 16.0


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "figure"


def _save(fig: Figure, directory: Path, stem: str) -> list[Path]:
    out = []
    for fmt in FORMATS:
        path = directory / f"{stem}.{fmt}"
        fig.savefig(path, format=fmt, dpi=DPI, bbox_inches="tight", metadata=_metadata(fmt))
        out.append(path)
    return out


def _metadata(fmt: str) -> dict[str, Any]:
    # Reproducible files: no creation date in SVG output.
    return {"Date": None} if fmt == "svg" else {}


# --------------------------------------------------------------------------- state graph


def graph_figure(graph: StateGraph) -> Figure:
    """Nodes at Graphviz's positions, arrows along Graphviz's splines, coloured by mover."""
    width, height = graph.bounds
    scale = min(1.0, MAX_GRAPH_INCHES / max(width / 72, height / 72, 1e-9))
    fig = figure(figsize=(max(width / 72 * scale, 4), max(height / 72 * scale, 3) + 0.8))
    ax = fig.add_axes((0, 0.06, 1, 0.94))
    ax.set_xlim(-NODE_RADIUS, width + NODE_RADIUS)
    ax.set_ylim(-NODE_RADIUS, height + NODE_RADIUS)
    ax.set_aspect("equal")
    ax.axis("off")
    line_scale = max(scale, 0.35)
    for a, b, dm in graph.edges:
        on_path = (a, b) in graph.path_edges
        colour = dm_colour(dm)
        lw = (3.2 if on_path else 0.8) * line_scale
        points, tip = graph.splines.get((a, b), ([], None))
        if len(points) >= 4:
            codes = [MplPath.MOVETO] + [MplPath.CURVE4] * (len(points) - 1)
            ax.add_patch(
                PathPatch(
                    MplPath(points, codes),
                    fill=False,
                    edgecolor=colour,
                    linewidth=lw,
                    zorder=3 if on_path else 1,
                )
            )
            start, end = points[-1], tip or points[-1]
        else:
            start, end = graph.positions[a], graph.positions[b]
        if start != end:
            ax.add_patch(
                FancyArrowPatch(
                    start,
                    end,
                    arrowstyle="-|>",
                    mutation_scale=(14 if on_path else 8) * line_scale,
                    color=colour,
                    linewidth=lw,
                    zorder=3 if on_path else 1,
                )
            )
    for s in graph.nodes:
        x, y = graph.positions[s]
        fill = PLAIN_FILL
        if s == graph.status_quo:
            fill = STATUS_QUO_FILL
        if s in graph.settled:
            fill = SETTLED_FILL
        eq = s in graph.equilibria
        ax.add_patch(
            Circle(
                (x, y),
                NODE_RADIUS,
                facecolor=fill,
                edgecolor="#111111" if eq else "#555555",
                linewidth=1.4 * line_scale if eq else 0.8 * line_scale,
                zorder=4,
            )
        )
        if eq:
            ax.add_patch(
                Circle(
                    (x, y),
                    NODE_RADIUS + 4,
                    fill=False,
                    edgecolor="#111111",
                    linewidth=1.4 * line_scale,
                    zorder=4,
                )
            )
        ax.text(x, y, str(s + 1), ha="center", va="center", fontsize=14 * scale, zorder=5)
    handles: list[Artist] = [
        Line2D([], [], color=dm_colour(k), lw=2, label=f"{label} moves")
        for k, label in enumerate(graph.dm_labels)
    ]
    handles += [
        Line2D([], [], color=PATH_COLOUR, lw=4, label="thick: path from the status quo"),
        Patch(facecolor=STATUS_QUO_FILL, edgecolor="#555", label="status quo"),
        Patch(facecolor=SETTLED_FILL, edgecolor="#555", label="where it settles"),
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markerfacecolor="white",
            markeredgecolor="#111",
            markeredgewidth=2.5,
            markersize=10,
            label=f"{graph.concept.upper()} equilibrium",
        ),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4), frameon=False)
    return fig


# --------------------------------------------------------------------------- charts


def trajectory_figure(figs: Figures, dim: int) -> Figure:
    """Positions by round per actor on one dimension, one panel per case."""
    cases = figs.trajectories
    fig, axes = subplots(1, len(cases), figsize=(5.2 * len(cases), 3.8), sharey=True, squeeze=False)
    for ax, traj in zip(axes[0], cases, strict=True):
        rounds = range(traj.rounds.shape[0])
        for a, name in enumerate(figs.actors):
            ax.plot(
                rounds, traj.rounds[:, a, dim], marker="o", ms=3, color=dm_colour(a), label=name
            )
        ax.set_title("\n".join(textwrap.wrap(traj.label, 48)), fontsize=9)
        ax.set_xlabel("round")
        ax.set_ylim(-3, 103)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("position (0-100)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
    fig.suptitle(figs.dimensions[dim], x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sweep_figure(sweep: Sweep, report: dict[str, Any] | None = None) -> Figure:
    """Each question's answer along the parameter; thresholds dashed, today's value dotted."""
    label = parameter_label(report or {}, sweep.parameter)
    n = len(sweep.questions)
    fig, ax = subplots(figsize=(8, 1.2 + 0.45 * n))
    for row, (qid, _) in enumerate(sweep.questions):
        for start, end, verdict in segments(sweep, qid):
            ax.broken_barh(
                [(start, end - start)], (row - 0.35, 0.7), facecolors=VERDICT_COLOURS[verdict]
            )
    ax.set_yticks(range(n), [_short(ask) for _, ask in sweep.questions], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(sweep.values[0], sweep.values[-1])
    ax.set_xlabel("\n".join(textwrap.wrap(label, 90)))
    for mark in sweep.thresholds:
        ax.axvline(mark["value"], color="#111", ls="--", lw=1.5)
        ax.annotate(
            f"threshold {mark['value']:g}",
            (mark["value"], -0.6),
            ha="center",
            va="bottom",
            fontsize=8,
            annotation_clip=False,
        )
    ax.axvline(sweep.current, color="#555", ls=":", lw=1.5)
    ax.annotate(
        f"today {sweep.current:g}",
        (sweep.current, n - 0.4),
        ha="center",
        va="top",
        fontsize=8,
        annotation_clip=False,
    )
    present = {v for answers in sweep.answers.values() for v in answers}
    handles = [Patch(color=VERDICT_COLOURS[v], label=v) for v in VERDICTS if v in present]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_title("\n".join(textwrap.wrap(f"Answers as {label} varies", 80)), loc="left", pad=16)
    fig.tight_layout()
    return fig


def probabilities_figure(mc: dict[str, Any]) -> Figure:
    """How likely each answer is under the declared uncertainty."""
    questions = mc["questions"]
    n = len(questions)
    fig, ax = subplots(figsize=(8, 1.2 + 0.45 * n))
    left = [0.0] * n
    for v in VERDICTS:
        widths = [q[v] for q in questions]
        ax.barh(range(n), widths, left=left, color=VERDICT_COLOURS[v], label=v)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(range(n), [_short(q["ask"]) for q in questions], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_title(f"How likely each answer is ({mc['samples']:,} samples)", loc="left")
    fig.tight_layout()
    return fig


def tornado_figure(mc: dict[str, Any], report: dict[str, Any] | None = None) -> Figure | None:
    """Small multiples: per conclusion, inputs ranked by rank correlation."""
    report = report if report is not None else {"uncertainty": mc}
    targets = tornado_targets(mc)
    if not targets:
        return None
    cols = 2 if len(targets) > 1 else 1
    rows = (len(targets) + cols - 1) // cols
    fig, axes = subplots(rows, cols, figsize=(6.2 * cols, 3.2 * rows), squeeze=False)
    for ax, (target, _, inputs) in zip(axes.flat, targets, strict=False):
        title = target_label(report, target)
        rhos = [d["rho"] for d in inputs]
        ax.barh(
            range(len(inputs)),
            rhos,
            color=["#0072B2" if r >= 0 else "#D55E00" for r in rhos],
        )
        ax.set_yticks(
            range(len(inputs)),
            [_short(input_label(report, d["input"])) for d in inputs],
            fontsize=8,
        )
        ax.invert_yaxis()
        ax.set_xlim(-1, 1)
        ax.axvline(0, color="#333", lw=0.8)
        ax.set_title("\n".join(textwrap.wrap(title, 50)), fontsize=9, loc="left")
        ax.set_xlabel("Spearman ρ", fontsize=8)
    for ax in list(axes.flat)[len(targets) :]:
        ax.axis("off")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- entry point


def write_figures(
    report: dict[str, Any],
    scenario: Scenario,
    directory: Path | str,
    *,
    figures: Figures | None = None,
) -> list[Path]:
    """Write every figure as PNG and SVG into ``directory`` (created if missing); returns the
    paths written. ``scenario`` must be the one the report was built from."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    figs = figures if figures is not None else collect_figures(report, scenario)
    # Labels come from the scenario file: text, never mathtext ("$x$") or TeX.
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        return _write(report, directory, figs)


def _write(report: dict[str, Any], directory: Path, figs: Figures) -> list[Path]:
    written = _save(graph_figure(figs.graph), directory, "state-graph")
    if figs.trajectories:
        for k, label in enumerate(figs.dimensions):
            stem = f"trajectories-{_slug(label)}"
            written += _save(trajectory_figure(figs, k), directory, stem)
    for sw in figs.sweeps:
        written += _save(sweep_figure(sw, report), directory, f"sweep-{_slug(sw.parameter)}")
    if report.get("leverage"):
        written += _save(leverage_static_figure(report["leverage"]), directory, "leverage")
    mc = report.get("uncertainty")
    if mc and mc.get("questions"):
        written += _save(probabilities_figure(mc), directory, "probabilities")
    if mc:
        fig = tornado_figure(mc, report)
        if fig is not None:
            written += _save(fig, directory, "tornado")
    return written
