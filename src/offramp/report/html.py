"""The report as one self-contained HTML file, for people who will not read a terminal.

Self-contained means it works offline and names no external resource: the CSS and the few
lines of our own script are inlined, the charts (:mod:`offramp.report.charts`) and the state
graph are inline SVG, and sources' addresses are plain text, not links. No chart library is
shipped in the page (plotly's bundle alone was 4.8 MB), so a report is a few hundred
kilobytes. Tests check this (tests/test_html_report.py, tests/test_report_browser.py); keep it
true when adding sections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from offramp.report import charts
from offramp.report import html_sections as sec
from offramp.report.figdata import Figures, collect_figures
from offramp.report.inverse_html import ANCHOR, TITLE, inverse_section
from offramp.report.provenance import HTML_SECTIONS, provenance_html

if TYPE_CHECKING:
    from offramp.analysis.scenario import Scenario

#: (anchor, title) in page order; the table of contents is built from it.
SECTIONS = (
    ("findings", "Findings"),
    ("scenario", "The scenario"),
    ("actors", "Decision makers and options"),
    ("status-quo", "Status quo"),
    ("state-graph", "State graph"),
    ("stability", "Stability"),
    ("evolution", "Evolution from the status quo"),
    ("questions", "Questions and thresholds"),
    ("variants", "Variants side by side"),
    ("bargaining", "Negotiation forecasts"),
    ("uncertainty", "Under uncertainty"),
    *HTML_SECTIONS,
    ("sources", "Sources"),
)

CSS = """
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --accent:#0b5cad; }
* { box-sizing: border-box; }
body { margin:0; color:var(--fg); background:var(--bg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1 { font-size: 1.8rem; line-height: 1.25; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; margin: 2.4rem 0 .8rem; padding-bottom: .25rem;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.5rem 0 .4rem; }
p, ul { margin: .5rem 0; overflow-wrap: break-word; }
a { color: var(--accent); }
code { font: .88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background:#f3f4f6; padding: 0 .25em; border-radius: 3px; }
.meta, .dim, .none, figcaption { color: var(--muted); }
.note { color: var(--muted); font-size: .88rem; margin-top: .2rem; }
.url { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em;
  word-break: break-all; }
nav.toc { border: 1px solid var(--line); border-radius: 6px; padding: .6rem 1rem;
  margin: 1.2rem 0; background: #f8fafc; }
nav.toc h2 { border: 0; margin: 0 0 .3rem; font-size: 1rem; }
nav.toc ol { columns: 2; margin: 0; padding-left: 1.3rem; }
@media (max-width: 30rem) { nav.toc ol { columns: 1; } main { padding: 1rem .75rem 3rem; } }
ul.findings li { margin: .35rem 0; }
.table-box { max-width: 100%; overflow-x: auto; margin: .6rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
td { overflow-wrap: break-word; }
#provenance li, #provenance td code { overflow-wrap: break-word; }
dl.glossary { font-size: .85rem; color: var(--muted); margin: .6rem 0 1rem;
  border-left: 3px solid var(--line); padding-left: .8rem; }
dl.glossary dt { display: inline; font-weight: 600; }
dl.glossary dt::after { content: ": "; }
dl.glossary dd { display: inline; margin: 0; }
dl.glossary dd::after { content: ""; display: block; margin-bottom: .15rem; }
ul.options-legend { list-style: none; padding: 0; font-size: .88rem; }
ul.options-legend li { margin: .15rem 0; }
ul.states-legend { font-size: .88rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
table.compact { width: auto; }
table.numbers td:not(:first-child), table.numbers th:not(:first-child) { text-align: right;
  font-variant-numeric: tabular-nums; }
table.numbers.forecasts td:last-child, table.numbers.forecasts th:last-child {
  text-align: left; }
table.states td { font-size: .85rem; padding: .2rem .45rem; }
.eq { font-weight: 700; color: #15803d; white-space: nowrap; }
.verdict { color: #fff; border-radius: 4px; padding: .05rem .45rem; font-size: .82rem;
  font-weight: 600; white-space: nowrap; vertical-align: middle; }
.question { border-left: 3px solid var(--line); padding-left: .8rem; margin: 1rem 0; }
.question h3 { margin-top: .2rem; }
details summary { cursor: pointer; color: var(--muted); margin: .4rem 0; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.1rem; margin: .6rem 0;
  font-size: .88rem; }
.key { display: inline-flex; align-items: center; gap: .35rem; }
.swatch { display: inline-block; }
.swatch.line { width: 1.6rem; height: 3px; }
.swatch.thick { width: 1.6rem; height: 5px; background: #888; }
.swatch.dot { width: .9rem; height: .9rem; border-radius: 50%; border: 1px solid #555; }
.swatch.double { outline: 1px solid #111; outline-offset: 2px; }
figure.graph-box { margin: .6rem 0; position: relative; border: 1px solid var(--line);
  border-radius: 6px; padding: .5rem; }
.graph-scroll { overflow: auto; max-height: 85vh; }
svg.state-graph { width: 100%; height: auto; display: block; }
.graph-box:not(.full) svg.state-graph { max-height: 78vh; }
.graph-box.full svg.state-graph { width: var(--natural-width); max-width: none; }
.graph-box .node.state:hover ellipse { stroke-width: 3; }
button.zoom { position: absolute; right: .5rem; top: .5rem; z-index: 2; font: inherit;
  font-size: .85rem; padding: .15rem .6rem; border: 1px solid var(--line); border-radius: 4px;
  background: #fff; cursor: pointer; }
.chart { margin: .6rem 0 1.2rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(24rem, 100%), 1fr));
  gap: .5rem 1rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .no-print { display: none !important; }
  .table-box { overflow: visible; }
  nav.toc ol { columns: 2; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  .chart, figure.graph-box, tr, .question { break-inside: avoid; }
  .graph-scroll { overflow: visible; max-height: none; }
  .graph-box.full svg.state-graph { width: 100%; }
  details > summary { list-style: none; }
  a { color: inherit; text-decoration: none; }
}
"""

#: Our own script: the state graph's fit-to-width / full-size toggle. Nothing else.
SCRIPT = """
document.querySelectorAll('figure.graph-box button.zoom').forEach(function (b) {
  b.addEventListener('click', function () {
    var box = b.closest('figure.graph-box');
    var full = box.classList.toggle('full');
    b.textContent = full ? 'Fit to width' : 'Full size';
  });
});
document.querySelectorAll('details').forEach(function (d) {
  window.addEventListener('beforeprint', function () { d.open = true; });
});
"""


def _toc(report: dict[str, Any]) -> str:
    shown = SECTIONS + (((ANCHOR, TITLE),) if report.get("what_it_takes") else ())
    items = "".join(f'<li><a href="#{a}">{sec.esc(t)}</a></li>' for a, t in shown)
    return f'<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{items}</ol></nav>'


def render_html(
    report: dict[str, Any], scenario: Scenario, *, figures: Figures | None = None
) -> str:
    """The full report (see :func:`offramp.service.report_content.build_report`) as one HTML page.

    ``scenario`` must be the one the report was built from (the state graph, trajectories and
    sweeps are computed from it); pass ``figures`` from :func:`collect_figures` to reuse them,
    e.g. when static figures are written too.
    """
    figs = figures if figures is not None else collect_figures(report, scenario)
    body = [
        sec.findings_section(report),
        sec.scenario_section(report),
        sec.actors_section(report),
        sec.status_quo_section(report),
        sec.graph_section(report, figs),
        sec.stability_section(report),
        sec.evolution_section(report),
        sec.questions_section(report, figs),
        sec.coalitions_section(report),
        sec.variants_section(report),
        sec.bargaining_section(report, figs),
        sec.uncertainty_section(report),
        provenance_html(report),
        sec.sources_section(report),
        inverse_section(report),
    ]
    content = "\n".join(body)
    title = sec.esc(report["scenario"])
    meta = (
        f"Generated by offramp {sec.esc(report['offramp_version'])} from "
        f"<code>{sec.esc(report['file'])}</code>."
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="offramp">',
            f"<title>{title}</title>",
            f"<style>{CSS}{charts.CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            f'<header><h1>{title}</h1><p class="meta">{meta}</p></header>',
            _toc(report),
            content,
            "<footer>Self-contained report: it loads nothing from the network. "
            "Hover a bar, a line or a state for its value; print this page to get a "
            "PDF.</footer>",
            "</main>",
            f"<script>{SCRIPT}</script>",
            "</body>",
            "</html>",
        ]
    )
