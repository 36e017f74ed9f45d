"""Interactive charts for the HTML report, with plotly.

Each function returns a ``plotly.graph_objects.Figure``; :func:`embed` turns one into an HTML
fragment that relies on plotly.js being inlined once in the page (never fetched), with the
plotly logo link and the 'edit in cloud' button off so the page links nowhere.
"""

from __future__ import annotations

import itertools
import textwrap

import plotly.graph_objects as go

from offramp.report.figdata import (
    VERDICT_COLOURS,
    VERDICTS,
    Sweep,
    Trajectory,
    segments,
)
from offramp.report.graph import dm_colour

CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False}
_counter = itertools.count(1)


def _style(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        template="simple_white",
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        height=height,
        margin={"l": 10, "r": 10, "t": 48, "b": 40},
        font={"family": "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"},
        legend={"orientation": "h", "y": -0.18, "traceorder": "normal"},
    )
    fig.update_yaxes(automargin=True)
    return fig


def embed(fig: go.Figure) -> str:
    """The figure as a ``<div>`` plus script; plotly.js must already be on the page."""
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        config=CONFIG,
        div_id=f"chart-{next(_counter)}",
    )


def trajectory_figure(
    trajectories: list[Trajectory], actors: list[str], dim: int, label: str
) -> go.Figure:
    """Positions by round of each actor on one dimension; a menu switches between the cases
    (positions as given, where the conflict settles)."""
    fig = go.Figure()
    for c, traj in enumerate(trajectories):
        rounds = list(range(traj.rounds.shape[0]))
        for a, name in enumerate(actors):
            fig.add_trace(
                go.Scatter(
                    x=rounds,
                    y=traj.rounds[:, a, dim].tolist(),
                    mode="lines+markers",
                    name=name,
                    legendgroup=name,
                    showlegend=c == 0,
                    visible=c == 0,
                    line={"color": dm_colour(a), "width": 2},
                    marker={"size": 5},
                    hovertemplate=f"{name}<br>round %{{x}}: %{{y:.1f}}<extra></extra>",
                )
            )
    if len(trajectories) > 1:
        n = len(actors)
        buttons = []
        for c, traj in enumerate(trajectories):
            visible = [k // n == c for k in range(n * len(trajectories))]
            legend = [k // n == c for k in range(n * len(trajectories))]
            buttons.append(
                {
                    "label": traj.label[:60],
                    "method": "update",
                    "args": [{"visible": visible, "showlegend": legend}],
                }
            )
        fig.update_layout(
            updatemenus=[
                {"buttons": buttons, "x": 1, "xanchor": "right", "y": 1.16, "yanchor": "top"}
            ]
        )
    fig.update_xaxes(title="round", dtick=1)
    fig.update_yaxes(title="position (0-100)", range=[-3, 103])
    return _style(fig, label, 380)


def sweep_figure(sweep: Sweep) -> go.Figure:
    """Each question's answer along the parameter (coloured runs), the thresholds where an
    answer flips (dashed) and today's value (dotted)."""
    fig = go.Figure()
    shown: set[str] = set()
    asks = dict(sweep.questions)
    for qid, _ in sweep.questions:
        for start, end, verdict in segments(sweep, qid):
            fig.add_trace(
                go.Bar(
                    y=[qid],
                    x=[max(end - start, 1e-9)],
                    base=[start],
                    orientation="h",
                    name=verdict,
                    legendgroup=verdict,
                    showlegend=verdict not in shown,
                    marker={"color": VERDICT_COLOURS[verdict]},
                    hovertemplate=(
                        f"{asks[qid]}<br>{sweep.parameter} {start:.3g} to {end:.3g}: "
                        f"{verdict}<extra></extra>"
                    ),
                )
            )
            shown.add(verdict)
    for mark in sweep.thresholds:
        fig.add_vline(
            x=mark["value"],
            line={"dash": "dash", "color": "#111", "width": 2},
            annotation_text=f"threshold {mark['value']:g}",
            annotation_position="top",
        )
    fig.add_vline(
        x=sweep.current,
        line={"dash": "dot", "color": "#555", "width": 1.5},
        annotation_text=f"today {sweep.current:g}",
        annotation_position="top left",
    )
    fig.update_layout(barmode="overlay", bargap=0.35)
    fig.update_xaxes(title=sweep.parameter, range=[sweep.values[0], sweep.values[-1]])
    fig.update_yaxes(autorange="reversed")
    height = 140 + 44 * len(sweep.questions)
    return _style(fig, f"Answers as {sweep.parameter} varies", height)


def probabilities_figure(mc: dict) -> go.Figure:
    """How likely each answer is under the declared uncertainty, one stacked bar per question."""
    questions = mc["questions"]
    ids = [q["id"] for q in questions]
    fig = go.Figure()
    for v in VERDICTS:
        fig.add_trace(
            go.Bar(
                y=ids,
                x=[q[v] for q in questions],
                orientation="h",
                name=v,
                marker={"color": VERDICT_COLOURS[v]},
                customdata=[q["ask"] for q in questions],
                hovertemplate="%{customdata}<br>" + v + ": %{x:.1%}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="probability", range=[0, 1], tickformat=".0%")
    fig.update_yaxes(autorange="reversed")
    return _style(
        fig,
        f"How likely each answer is ({mc['samples']:,} samples)",
        140 + 44 * len(questions),
    )


def settles_figure(mc: dict, concept: str = "seq", top: int = 10) -> go.Figure | None:
    """Where the evolution from the status quo settles, across the samples."""
    items = (mc.get("settles_probability") or {}).get(concept, [])[:top]
    if not items:
        return None
    labels = [f"state {e['id']}" for e in items]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=[e["probability"] for e in items],
            orientation="h",
            marker={"color": "#0072B2"},
            customdata=[", ".join(e["taken"]) or "nothing taken" for e in items],
            hovertemplate="%{y}: %{customdata}<br>%{x:.1%}<extra></extra>",
        )
    )
    fig.update_xaxes(title="probability", range=[0, 1], tickformat=".0%")
    fig.update_yaxes(autorange="reversed")
    return _style(fig, f"Where the conflict settles ({concept.upper()})", 120 + 30 * len(items))


def tornado_figure(title: str, inputs: list[dict]) -> go.Figure:
    """Inputs ranked by their rank correlation with one conclusion, largest on top."""
    fig = go.Figure(
        go.Bar(
            y=[d["input"] for d in inputs],
            x=[d["rho"] for d in inputs],
            orientation="h",
            marker={"color": ["#0072B2" if d["rho"] >= 0 else "#D55E00" for d in inputs]},
            hovertemplate="%{y}: ρ = %{x:+.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(title="Spearman ρ", range=[-1, 1], zeroline=True)
    fig.update_yaxes(autorange="reversed")
    fig = _style(fig, "<br>".join(textwrap.wrap(title, 44)), 130 + 28 * len(inputs))
    fig.update_layout(margin={"t": 64})
    return fig
