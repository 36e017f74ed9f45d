"""An answer map as a static heatmap (matplotlib, PNG or SVG): the verdict over two parameters,
the exact boundaries found along the grid lines, and today's values.

Drawn from the plain data of :meth:`offramp.analysis.answer_map.AnswerMap.to_dict`; with
``probability`` in it, the colour is the probability of "yes" and the verdict's boundaries are
drawn over it.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from offramp.report.canvas import FORMATS, subplots
from offramp.report.figdata import VERDICT_COLOURS, VERDICTS


def _axis_label(name: str, labels: dict[str, Any]) -> str:
    """A parameter's label, with its id (what --x and --y take), wrapped to the axis."""
    import textwrap

    label = (labels.get("parameters") or {}).get(name)
    text = f"{label} ({name})" if label and label != name else name
    return "\n".join(textwrap.wrap(text, 60))


def _goal_title(data: dict[str, Any], labels: dict[str, Any]) -> str:
    """The question asked (its id in brackets), or the statement when the goal is one."""
    goal = data["goal"]
    ask = (labels.get("questions") or {}).get(goal)
    return f"{ask} ({goal})" if ask else f"'{data.get('statement', goal)}'"


def answer_map_figure(data: dict[str, Any], labels: dict[str, Any] | None = None) -> Figure:
    """The heatmap; ``labels`` (the report's: parameter and question labels) name the axes
    and the title in words."""
    import textwrap

    labels = labels or {}
    xs = np.array(data["x"]["values"])
    ys = np.array(data["y"]["values"])
    fig, ax = subplots(figsize=(7.5, 5.5))
    extent = (xs[0], xs[-1], ys[0], ys[-1])
    if "probability" in data:
        image = ax.imshow(
            np.array(data["probability"]),
            origin="lower",
            extent=extent,
            aspect="auto",
            cmap="viridis",
            vmin=0,
            vmax=1,
            interpolation="nearest",
        )
        fig.colorbar(image, ax=ax, label="probability the answer is yes")
        title = f"Probability of yes: {_goal_title(data, labels)} ({data['samples']} draws)"
    else:
        index = {v: k for k, v in enumerate(VERDICTS)}
        grid = np.array([[index[v] for v in row] for row in data["verdicts"]])
        cmap = ListedColormap([VERDICT_COLOURS[v] for v in VERDICTS])
        ax.imshow(
            grid,
            origin="lower",
            extent=extent,
            aspect="auto",
            cmap=cmap,
            vmin=-0.5,
            vmax=len(VERDICTS) - 0.5,
            interpolation="nearest",
        )
        present = [v for v in VERDICTS if v in data["counts"]]
        handles = [Patch(color=VERDICT_COLOURS[v], label=v) for v in present]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        title = f"{_goal_title(data, labels)} ({data['concept'].upper()})"
    xname, yname = data["x"]["name"], data["y"]["name"]
    bx = [b["at"] if b["along"] == xname else b[xname] for b in data["boundaries"]]
    by = [b[yname] if b["along"] == xname else b["at"] for b in data["boundaries"]]
    if bx:
        ax.plot(bx, by, ".", color="#111", ms=2.5, label="boundary (exact)")
    cx, cy = data["current"][xname], data["current"][yname]
    if xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]:
        ax.plot([cx], [cy], marker="*", color="white", mec="#111", ms=14, ls="none")
        ax.annotate("today", (cx, cy), xytext=(6, 6), textcoords="offset points", fontsize=9)
    ax.set_xlabel(_axis_label(xname, labels))
    ax.set_ylabel(_axis_label(yname, labels))
    ax.set_title("\n".join(textwrap.wrap(title, 70)), loc="left", fontsize=11)
    fig.tight_layout()
    return fig


def render_answer_map(
    data: dict[str, Any], fmt: str, labels: dict[str, Any] | None = None
) -> bytes:
    """The figure as the bytes of a .png or .svg file (the caller writes them)."""
    if fmt not in FORMATS:
        raise ValueError(f"the heatmap is written as png or svg, not {fmt!r}")
    fig = answer_map_figure(data, labels)
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format=fmt,
        dpi=150,
        bbox_inches="tight",
        metadata={"Date": None} if fmt == "svg" else {},
    )
    return buffer.getvalue()
