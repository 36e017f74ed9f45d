"""The one way offramp makes a matplotlib figure, for the image files it writes (``report
--figures``, ``map -o``): drawn on the Agg canvas directly, not through pyplot, so that saving
files leaves the user's backend (a notebook's) untouched and nothing keeps the figure alive."""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: The image formats written.
FORMATS = ("png", "svg")


def figure(**options: Any) -> Figure:
    """A figure on its own Agg canvas."""
    fig = Figure(**options)
    FigureCanvasAgg(fig)
    return fig


def subplots(*args: Any, figsize: tuple[float, float], **options: Any) -> tuple[Figure, Any]:
    """A figure and its axes (``Figure.subplots``)."""
    fig = figure(figsize=figsize)
    return fig, fig.subplots(*args, **options)
