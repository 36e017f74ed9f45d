"""The HTML report's charts, as small hand-written inline SVG.

Why not plotly: its full bundle is 4.8 MB, inlined once per report so that the page works
offline; PyPI ships no partial bundle. The report's charts are simple — horizontal bars,
stacked bars, lines — and a few kilobytes of SVG each draw them, scale with the page (a
``viewBox``, no fixed width: no horizontal scrolling on a phone), need no script (so no
console error can come from them), and print cleanly. Hovering a bar or a line shows its value
through SVG ``<title>`` tooltips.

Every string drawn comes from the scenario file or the analysis and is *text*: it goes through
:func:`_t`, which escapes it for XML, so a label holding ``<a href=…>`` shows those characters
and never becomes markup.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from typing import Any

from offramp.conflict.concepts import DEFAULT_CONCEPT, concept_short
from offramp.report.figdata import VERDICT_COLOURS, VERDICTS, Sweep, Trajectory, segments
from offramp.report.graph import dm_colour

WIDTH = 480  # viewBox units; the chart is scaled to the column's width
LEFT = 12
RIGHT = 22
TOP = 30  # room above the first row for threshold labels
GAP = 7  # between a row's label and its bar
FONT = 12
ROW = 40  # a label line above a bar
BAR = 16
MAX_CHARS = 74


def _t(text: object) -> str:
    """Text for SVG: escaped, never markup."""
    return escape(str(text), quote=True)


def _short(text: str, limit: int = MAX_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering [lo, hi] (1, 2, 2.5 or 5 times a power of 10)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def _fmt(x: float) -> str:
    return f"{x:g}"


def _svg(title: str, height: float, body: list[str]) -> str:
    """The chart as a figure: its title as HTML text above (it wraps on a narrow screen,
    where text inside an SVG would be cut), the drawing as SVG."""
    return (
        f'<figure class="chart-fig"><figcaption class="chart-title">{_t(title)}</figcaption>'
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{_t(title)}" font-size="{FONT}">'
        f"<title>{_t(title)}</title>" + "".join(body) + "</svg></figure>"
    )


class _Axis:
    """A linear x axis from ``lo`` to ``hi`` over the plotting width."""

    def __init__(self, lo: float, hi: float, x0: float = LEFT, x1: float = WIDTH - RIGHT):
        self.lo, self.hi, self.x0, self.x1 = lo, hi, x0, x1

    def __call__(self, v: float) -> float:
        span = self.hi - self.lo or 1.0
        v = min(max(v, self.lo), self.hi)
        return self.x0 + (v - self.lo) / span * (self.x1 - self.x0)

    def draw(
        self,
        y: float,
        top: float,
        label: str,
        fmt: Callable[[float], str] = _fmt,
        integer: bool = False,
    ) -> list[str]:
        out = [f'<line x1="{self.x0}" y1="{y}" x2="{self.x1}" y2="{y}" class="axis"/>']
        ticks = nice_ticks(self.lo, self.hi)
        if integer:
            ticks = sorted({round(v) for v in ticks if abs(v - round(v)) < 1e-9}) or [0]
        for v in ticks:
            x = self(v)
            out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{y}" class="grid"/>')
            out.append(
                f'<text x="{x:.1f}" y="{y + 14}" text-anchor="middle" class="tick">'
                f"{_t(fmt(v))}</text>"
            )
        out.append(
            f'<text x="{(self.x0 + self.x1) / 2:.1f}" y="{y + 30}" text-anchor="middle" '
            f'class="axis-label">{_t(_short(label, 70))}</text>'
        )
        return out


def _legend(items: list[tuple[str, str]], y: float) -> list[str]:
    """Colour keys in a row (wrapping to a new row when the width is used up)."""
    out: list[str] = []
    x: float = LEFT
    for label, colour in items:
        w = 22 + 6.6 * len(label)
        if x + w > WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + 18
        out.append(
            f'<rect x="{x}" y="{y - 9}" width="12" height="10" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{y}" class="tick">{_t(label)}</text>'
        )
        x += w
    return out


def _legend_height(items: list[tuple[str, str]]) -> float:
    rows = 1
    x: float = LEFT
    for label, _ in items:
        w = 22 + 6.6 * len(label)
        if x + w > WIDTH - RIGHT and x > LEFT:
            rows, x = rows + 1, LEFT
        x += w
    return rows * 18


# ------------------------------------------------------------------------------ charts


def sweep_figure(sweep: Sweep, label: str | None = None, decimals: int | None = None) -> str:
    """Each question's answer along the parameter (coloured runs), the thresholds where an
    answer flips (dashed) and today's value (dotted). ``label``: the parameter's label."""
    name = label or sweep.parameter

    def num(v: float) -> str:
        return f"{v:g}" if decimals is None else f"{round(v, decimals):g}"

    lo, hi = sweep.values[0], sweep.values[-1]
    ax = _Axis(lo, hi)
    top = TOP
    body: list[str] = []
    for k, (qid, ask) in enumerate(sweep.questions):
        y = top + k * ROW
        body.append(f'<text x="{LEFT}" y="{y}" class="row-label">{_t(_short(ask))}</text>')
        for start, end, verdict in segments(sweep, qid):
            x0, x1 = ax(start), ax(end)
            body.append(
                f'<rect x="{x0:.1f}" y="{y + GAP}" width="{max(x1 - x0, 0.5):.1f}" '
                f'height="{BAR}" fill="{VERDICT_COLOURS[verdict]}">'
                f"<title>{_t(ask)} — {_t(name)} from {num(start)} to {num(end)}: "
                f"{_t(verdict)}</title></rect>"
            )
    bottom = top + len(sweep.questions) * ROW
    marks = {round(m["value"], 9) for m in sweep.thresholds}
    rows = len(sweep.questions)

    def rule(x: float, cls: str, tip: str) -> str:
        """A vertical mark across the bars only (not through the row labels)."""
        return "".join(
            f'<line x1="{x:.1f}" y1="{top + k * ROW + GAP - 3}" x2="{x:.1f}" '
            f'y2="{top + k * ROW + GAP + BAR + 3}" class="{cls}"><title>{tip}</title></line>'
            for k in range(rows)
        )

    for v in sorted(marks):
        x = ax(v)
        body.append(
            rule(x, "threshold", f"threshold: {num(v)}")
            + f'<text x="{x + 3:.1f}" y="{top - 14}" class="tick">threshold {num(v)}</text>'
        )
    x = ax(sweep.current)
    body.append(
        rule(x, "today", f"today: {num(sweep.current)}")
        + f'<text x="{x - 3:.1f}" y="{top - 14}" text-anchor="end" class="tick">'
        f"today {num(sweep.current)}</text>"
    )
    body = ax.draw(bottom + 2, top - 4, name) + body
    items = [(v, VERDICT_COLOURS[v]) for v in VERDICTS]
    body += _legend(items, bottom + 60)
    title = f"Answers as {name} varies"
    return _svg(title, bottom + 62 + _legend_height(items), body)


def probabilities_figure(mc: dict[str, Any]) -> str:
    """How likely each answer is under the declared uncertainty, one stacked bar per question."""
    questions = mc["questions"]
    ax = _Axis(0.0, 1.0)
    top = TOP
    body: list[str] = []
    for k, q in enumerate(questions):
        y = top + k * ROW
        body.append(f'<text x="{LEFT}" y="{y}" class="row-label">{_t(_short(q["ask"]))}</text>')
        start = 0.0
        for v in VERDICTS:
            p = float(q[v])
            if p <= 0:
                continue
            x0, x1 = ax(start), ax(start + p)
            body.append(
                f'<rect x="{x0:.1f}" y="{y + GAP}" width="{max(x1 - x0, 0.5):.1f}" '
                f'height="{BAR}" fill="{VERDICT_COLOURS[v]}">'
                f"<title>{_t(q['ask'])} — {v}: {p:.1%}</title></rect>"
            )
            if x1 - x0 > 34:
                body.append(
                    f'<text x="{(x0 + x1) / 2:.1f}" y="{y + GAP + 12}" text-anchor="middle" '
                    f'class="in-bar">{p:.0%}</text>'
                )
            start += p
    bottom = top + len(questions) * ROW
    body = ax.draw(bottom + 2, top - 4, "probability", fmt=lambda v: f"{v:.0%}") + body
    items = [(v, VERDICT_COLOURS[v]) for v in VERDICTS]
    body += _legend(items, bottom + 58)
    title = f"How likely each answer is ({mc['samples']:,} samples)"
    return _svg(title, bottom + 60 + _legend_height(items), body)


def settles_figure(
    mc: dict[str, Any],
    concept: str = DEFAULT_CONCEPT,
    top_n: int = 10,
    options: dict[str, str] | None = None,
) -> str | None:
    """Where the evolution from the status quo settles, across the samples; ``options``
    maps option ids to their labels."""
    options = options or {}
    items = (mc.get("settles_probability") or {}).get(concept, [])[:top_n]
    if not items:
        return None
    ax = _Axis(0.0, 1.0)
    top = TOP
    body: list[str] = []
    for k, e in enumerate(items):
        y = top + k * ROW
        taken = ", ".join(options.get(o, o) for o in e["taken"]) or "nothing taken"
        row = f"state {e['id']}: {taken}"
        body.append(f'<text x="{LEFT}" y="{y}" class="row-label">{_t(_short(row))}</text>')
        p = float(e["probability"])
        body.append(
            f'<rect x="{ax(0):.1f}" y="{y + GAP}" width="{max(ax(p) - ax(0), 0.5):.1f}" '
            f'height="{BAR}" fill="#0072B2"><title>state {e["id"]} ({_t(taken)}): '
            f"{p:.1%}</title></rect>" + _end_label(ax(p), y + GAP + 12, f"{p:.1%}")
        )
    bottom = top + len(items) * ROW
    body = ax.draw(bottom + 2, top - 4, "probability", fmt=lambda v: f"{v:.0%}") + body
    return _svg(f"Where the conflict settles ({concept_short(concept)})", bottom + 40, body)


#: width of a digit or '%' of a tick label, in viewBox units (14 px text on a phone), to keep
#: it inside the chart
CHAR = 8.5


def _end_label(x: float, y: float, text: str) -> str:
    """A bar's value after its end, or inside it (white on the bar) where the text would run
    past the chart's right edge (a 100% bar)."""
    if x + 4 + CHAR * len(text) <= WIDTH:
        return f'<text x="{x + 4:.1f}" y="{y}" class="tick">{text}</text>'
    return f'<text x="{x - 4:.1f}" y="{y}" text-anchor="end" class="in-bar">{text}</text>'


def tornado_figure(title: str, inputs: list[dict[str, Any]]) -> str:
    """Inputs ranked by their rank correlation with one conclusion, largest on top; each
    input's ``label`` (or ``input`` id) is shown."""
    ax = _Axis(-1.0, 1.0)
    top = TOP
    body: list[str] = []
    for k, d in enumerate(inputs):
        y = top + k * ROW
        name = d.get("label") or d["input"]
        rho = float(d["rho"])
        x0, x1 = sorted((ax(0.0), ax(rho)))
        colour = "#0072B2" if rho >= 0 else "#D55E00"
        body.append(f'<text x="{LEFT}" y="{y}" class="row-label">{_t(_short(name))}</text>')
        body.append(
            f'<rect x="{x0:.1f}" y="{y + GAP}" width="{max(x1 - x0, 0.5):.1f}" height="{BAR}" '
            f'fill="{colour}"><title>{_t(name)}: ρ = {rho:+.2f}</title></rect>'
        )
        tx, anchor, cls = (x1 + 4, "start", "tick") if rho >= 0 else (x0 - 4, "end", "tick")
        if rho >= 0 and tx > WIDTH - RIGHT - 30:  # no room right of the bar: inside it
            tx, anchor, cls = x1 - 4, "end", "in-bar"
        elif rho < 0 and tx < LEFT + 30:
            tx, anchor, cls = x0 + 4, "start", "in-bar"
        body.append(
            f'<text x="{tx:.1f}" y="{y + GAP + 12}" text-anchor="{anchor}" class="{cls}">'
            f"{rho:+.2f}</text>"
        )
    bottom = top + len(inputs) * ROW
    zero = ax(0.0)
    body.append(f'<line x1="{zero}" y1="{top}" x2="{zero}" y2="{bottom}" class="axis"/>')
    body = ax.draw(bottom + 2, top - 4, "Spearman ρ") + body
    return _svg(title, bottom + 40, body)


def trajectory_figure(traj: Trajectory, actors: list[str], dim: int, label: str) -> str:
    """Positions by round of each actor on one dimension, in one case."""
    rounds = traj.rounds.shape[0]
    height = 260
    plot_top, plot_bottom = 12, 172
    ax = _Axis(0, max(rounds - 1, 1), LEFT + 28, WIDTH - RIGHT)

    def y(v: float) -> float:
        v = min(max(float(v), 0.0), 100.0)
        return plot_bottom - v / 100 * (plot_bottom - plot_top)

    body: list[str] = []
    for v in (0, 25, 50, 75, 100):
        body.append(
            f'<line x1="{ax.x0}" y1="{y(v):.1f}" x2="{ax.x1}" y2="{y(v):.1f}" class="grid"/>'
            f'<text x="{ax.x0 - 4}" y="{y(v) + 4:.1f}" text-anchor="end" class="tick">{v}</text>'
        )
    for a, name in enumerate(actors):
        pts = " ".join(f"{ax(t):.1f},{y(traj.rounds[t, a, dim]):.1f}" for t in range(rounds))
        last = float(traj.rounds[-1, a, dim])
        body.append(
            f'<polyline points="{pts}" fill="none" stroke="{dm_colour(a)}" stroke-width="2">'
            f"<title>{_t(name)}: {float(traj.rounds[0, a, dim]):.1f} → {last:.1f} "
            f"in {rounds - 1} round(s)</title></polyline>"
        )
    body = ax.draw(plot_bottom, plot_top, "round", fmt=lambda v: f"{v:g}", integer=True) + body
    items = [(name, dm_colour(a)) for a, name in enumerate(actors)]
    body += _legend(items, plot_bottom + 56)
    title = f"{label} — {traj.label}"
    return _svg(title, max(height, plot_bottom + 58 + _legend_height(items)), body)


def leverage_figure(lev: dict[str, Any]) -> str:
    """Dependence (% of the flow) per dependency, one bar each with its range as a whisker,
    coloured by who depends, so the asymmetry of each pair shows side by side."""
    deps = lev["dependencies"]
    parties = list(dict.fromkeys(d["from"] for d in deps))
    ax = _Axis(0.0, 100.0)
    top = TOP
    body: list[str] = []
    for k, d in enumerate(deps):
        y = top + k * ROW
        name = f"{d['from']} on {d['to']}: {d['good']} ({d['flow']})"
        share = 100 * float(d["share"])
        low = 100 * float(d["share_low"] if d["share_low"] is not None else d["share"])
        high = 100 * float(d["share_high"] if d["share_high"] is not None else d["share"])
        colour = dm_colour(parties.index(d["from"]))
        body.append(f'<text x="{LEFT}" y="{y}" class="row-label">{_t(_short(name))}</text>')
        body.append(
            f'<rect x="{ax(0):.1f}" y="{y + GAP}" width="{max(ax(share) - ax(0), 0.5):.1f}" '
            f'height="{BAR}" fill="{colour}"><title>{_t(name)}: {share:.0f}% '
            f"(range {low:.0f}–{high:.0f}%)</title></rect>"
        )
        if high > low:
            mid = y + GAP + BAR / 2
            body.append(
                f'<line x1="{ax(low):.1f}" y1="{mid}" x2="{ax(high):.1f}" y2="{mid}" class="axis"/>'
            )
    bottom = top + len(deps) * ROW
    body = ax.draw(bottom + 2, top - 4, "% of the flow") + body
    items = [(f"{p} depends", dm_colour(k)) for k, p in enumerate(parties)]
    body += _legend(items, bottom + 58)
    title = "Dependence (% of the flow), by who depends"
    return _svg(title, bottom + 60 + _legend_height(items), body)


#: Styles of the charts (added to the report's CSS).
CSS = """
svg.chart-svg { width: 100%; height: auto; display: block; max-width: 44rem;
  font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
figure.chart-fig { margin: 0; }
.chart-title { font-weight: 600; font-size: .95rem; margin: 0 0 .3rem; }
svg.chart-svg .row-label { fill: #1f2328; }
svg.chart-svg .tick, svg.chart-svg .axis-label { fill: #59636e; font-size: 11px; }
svg.chart-svg .in-bar { fill: #fff; font-size: 11px; font-weight: 600; }
svg.chart-svg .axis { stroke: #59636e; stroke-width: 1; }
svg.chart-svg .grid { stroke: #d1d9e0; stroke-width: .6; }
svg.chart-svg .threshold { stroke: #111; stroke-width: 2; stroke-dasharray: 5 3; }
svg.chart-svg .today { stroke: #555; stroke-width: 1.5; stroke-dasharray: 2 3; }
svg.chart-svg rect:hover, svg.chart-svg polyline:hover { opacity: .8; }
/* a phone shrinks the 480-unit drawing: larger text keeps it legible */
@media (max-width: 32rem) {
  svg.chart-svg { font-size: 13px; }
  svg.chart-svg .tick, svg.chart-svg .axis-label, svg.chart-svg .in-bar { font-size: 14px; }
}
"""
