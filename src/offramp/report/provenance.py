"""The provenance chain and the leverage view, in every report format.

Provenance answers "why 4?": for each parameter, the formula it is derived from, the figures it
reads (with their years and sources) and its value — or that it is an analyst judgment. The
leverage view shows who depends on whom (see :mod:`offramp.analysis.leverage`). Text, Markdown
and HTML render the ``provenance`` and ``leverage`` keys of the report data; in HTML every
number links to its figure and every figure to its source, with anchors inside the page
(``#param-<name>``, ``#fig-<id>``, ``#src-<id>``), so a reader follows any number back in one
click without leaving the report.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from offramp.report.mdtext import md, md_code

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The HTML sections this module adds (anchor, title), for the report's contents.
HTML_SECTIONS = (("provenance", "Where the numbers come from"), ("leverage", "Leverage"))

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _num(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:.4g}"


def figure_value(f: dict[str, Any]) -> str:
    """``47.5 % (45–50)``: the value, its unit and its range."""
    text = f"{_num(f['value'])} {f['unit']}".strip()
    if f.get("low") is not None:
        text += f" ({_num(f['low'])}–{_num(f['high'])})"
    return text


def _source_line(s: dict[str, Any]) -> str:
    parts = [s.get("publisher"), s.get("title"), s.get("date"), s.get("url")]
    return ", ".join(p for p in parts if p)


def _basis(p: dict[str, Any]) -> str:
    if p["basis"] == "derived":
        return str(p["formula"])
    if p["basis"] == "judgment":
        note = p.get("note")
        if not note:
            return "analyst judgment (no reason given)"
        return note if note.lower().startswith("analyst judgment") else f"analyst judgment: {note}"

    return p.get("note") or ""


def _has(report: dict[str, Any]) -> bool:
    prov = report.get("provenance")
    return bool(prov and (prov["parameters"] or prov["figures"]))


# ----------------------------------------------------------------------------- text
def _cells(*texts: object) -> list[Text]:
    """Table cells as plain text: what the scenario file says is never rich markup."""
    return [Text(str(t)) for t in texts]


def render_provenance_text(report: dict[str, Any], console: Console) -> None:
    """Provenance and leverage tables for a terminal."""
    if not _has(report):
        return
    prov = report["provenance"]
    figs = {f["id"]: f for f in prov["figures"]}
    t = Table(title="Where the numbers come from", header_style="bold", show_lines=True)
    t.add_column("parameter", overflow="fold")
    t.add_column("value", justify="right", overflow="fold")
    t.add_column("formula or basis", overflow="fold")
    t.add_column("figures (year, source)", overflow="fold")
    for p in prov["parameters"]:
        used = "\n".join(
            f"{fid} = {figure_value(figs[fid])} ({figs[fid]['year']}, {figs[fid]['source']})"
            for fid in p["evidence"]
        )
        t.add_row(*_cells(p["name"], _num(p["value"]), _basis(p), used))
    console.print(t)
    if prov["figures"]:
        f = Table(title="Evidence", header_style="bold", show_lines=True)
        f.add_column("figure", overflow="fold")
        f.add_column("value", overflow="fold")
        f.add_column("year", overflow="fold")
        f.add_column("source and the sentence it rests on", overflow="fold")
        srcs = {s["id"]: s for s in prov["sources"]}
        for fig in prov["figures"]:
            s = srcs.get(fig["source"], {})
            f.add_row(
                *_cells(
                    fig["id"],
                    figure_value(fig),
                    str(fig["year"]),
                    f"{_source_line(s) or fig['source']}\n“{fig['quote']}”",
                )
            )
        console.print(f)
    lev = report.get("leverage")
    if lev:
        lt = Table(title="Leverage: who depends on whom", header_style="bold", show_lines=True)
        lt.add_column("dependent", overflow="fold")
        lt.add_column("on", overflow="fold")
        lt.add_column("dependence", justify="right", overflow="fold")
        lt.add_column("reverse", justify="right", overflow="fold")
        lt.add_column("asymmetry", justify="right", overflow="fold")
        lt.add_column("through", overflow="fold")
        for p in lev["pairs"]:
            lt.add_row(*_cells(*_pair_cells(p, lev)))
        console.print(lt)


def _pair_cells(p: dict[str, Any], lev: dict[str, Any]) -> list[str]:
    reads = {d["id"]: d["reads"] for d in lev["dependencies"]}
    rev = f"{p['reverse_dependence']:.0%}" if p["reverse_declared"] else "none declared"
    via = reads.get(p["via"], "")
    if p["reverse_via"]:
        via += f"; reverse: {reads[p['reverse_via']]}"
    return [
        p["dependent"],
        p["holder"],
        f"{p['dependence']:.0%}",
        rev,
        f"{p['asymmetry']:+.0%}",
        via,
    ]


# ----------------------------------------------------------------------------- Markdown
def _md(text: object) -> str:
    return md(text)


def provenance_markdown(report: dict[str, Any]) -> list[str]:
    """Markdown lines: the provenance table, the evidence and the leverage table."""
    if not _has(report):
        return []
    prov = report["provenance"]
    figs = {f["id"]: f for f in prov["figures"]}
    out = [
        "## Where the numbers come from",
        "",
        "| parameter | value | formula or basis | figures (year, source) |",
        "|---|---:|---|---|",
    ]
    for p in prov["parameters"]:
        used = "; ".join(
            f"{md_code(fid)} = "
            + md(f"{figure_value(figs[fid])} ({figs[fid]['year']}, {figs[fid]['source']})")
            for fid in p["evidence"]
        )
        basis = md_code(p["formula"]) if p["basis"] == "derived" else _md(_basis(p))
        out.append(f"| {md_code(p['name'])} | {_num(p['value'])} | {basis} | {used} |")
    out.append("")
    if prov["figures"]:
        srcs = {s["id"]: s for s in prov["sources"]}
        out += [
            "### Evidence",
            "",
            "| figure | value | year | source | the sentence it rests on |",
            "|---|---|---|---|---|",
        ]
        for f in prov["figures"]:
            s = srcs.get(f["source"], {})
            out.append(
                f"| {md_code(f['id'])} | {_md(figure_value(f))} | {md(f['year'])} | "
                f"{_md(_source_line(s) or f['source'])} | “{_md(f['quote'])}” |"
            )
        out.append("")
    lev = report.get("leverage")
    if lev:
        out += [
            "## Leverage",
            "",
            "| dependent | on | dependence | reverse | asymmetry | through |",
            "|---|---|---:|---:|---:|---|",
        ]
        for p in lev["pairs"]:
            out.append("| " + " | ".join(_md(c) for c in _pair_cells(p, lev)) + " |")
        out.append("")
    return out


# ----------------------------------------------------------------------------- HTML
def code_id(name: object) -> str:
    """An id (``trade_relief``, ``US.relief``) as code that a narrow column breaks after an
    underscore or a dot, never in the middle of a word."""
    parts = re.split(r"(?<=[_.])", str(name))
    return "<code>" + "<wbr>".join(escape(p, quote=True) for p in parts) + "</code>"


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def _link_formula(formula: str, figures: set[str], params: set[str]) -> str:
    """The formula with each name linked to its figure or parameter row."""
    out, last = [], 0
    for m in _NAME.finditer(formula):
        out.append(_esc(formula[last : m.start()]))
        name = m.group(0)
        if name in figures:
            out.append(f'<a href="#fig-{_esc(name)}">{_esc(name)}</a>')
        elif name in params:
            out.append(f'<a href="#param-{_esc(name)}">{_esc(name)}</a>')
        else:
            out.append(_esc(name))
        last = m.end()
    out.append(_esc(formula[last:]))
    return "".join(out)


def _table(head: list[str], rows: list[str]) -> str:
    h = "".join(f"<th>{_esc(c)}</th>" for c in head)
    body = "\n".join(r for r in rows)
    return (
        f'<div class="table-box"><table><thead><tr>{h}</tr></thead><tbody>\n{body}\n'
        "</tbody></table></div>"
    )


def provenance_html(report: dict[str, Any]) -> str:
    """The provenance section (id ``provenance``) and the leverage section (id ``leverage``)."""
    prov = report.get("provenance") or {"parameters": [], "figures": [], "sources": []}
    figs = {f["id"]: f for f in prov["figures"]}
    params = {p["name"] for p in prov["parameters"]}
    parts = []
    if not _has(report):
        parts.append('<p class="none">The scenario declares no parameters and no evidence.</p>')
    else:
        rows = []
        for p in prov["parameters"]:
            if p["basis"] == "derived":
                basis = f"<code>{_link_formula(p['formula'], set(figs), params)}</code>"
            else:
                basis = _esc(_basis(p))
            used = "<br>".join(
                f'<a href="#fig-{_esc(fid)}">{_esc(fid)}</a> = {_esc(figure_value(figs[fid]))} '
                f'({figs[fid]["year"]}, <a href="#src-{_esc(figs[fid]["source"])}">'
                f"{_esc(figs[fid]['source'])}</a>)"
                for fid in p["evidence"]
            )
            rows.append(
                f'<tr id="param-{_esc(p["name"])}"><td>{code_id(p["name"])}</td>'
                f'<td class="num">{_esc(_num(p["value"]))}</td><td>{basis}</td><td>{used}</td></tr>'
            )
        parts.append(_table(["parameter", "value", "formula or basis", "figures"], rows))
        if prov["figures"]:
            rows = []
            for f in prov["figures"]:
                rows.append(
                    f'<tr id="fig-{_esc(f["id"])}"><td>{code_id(f["id"])}'
                    + (f"<br>{_esc(f['label'])}" if f.get("label") else "")
                    + f'</td><td class="num"><a href="#src-{_esc(f["source"])}">'
                    f"{_esc(figure_value(f))}</a></td><td>{f['year']}</td>"
                    f"<td>“{_esc(f['quote'])}”</td></tr>"
                )
            parts.append("<h3>Evidence</h3>")
            parts.append(_table(["figure", "value", "year", "the sentence it rests on"], rows))
            items = []
            for s in prov["sources"]:
                # Plain text, not an outbound link: the report must not point outside itself.
                items.append(
                    f'<li id="src-{_esc(s["id"])}">{code_id(s["id"])}: {_esc(_source_line(s))}</li>'
                )
            parts.append("<h3>Sources of the evidence</h3>")
            parts.append(f"<ul>{''.join(items)}</ul>")
    out = [_section("provenance", HTML_SECTIONS[0][1], "\n".join(parts))]
    lev = report.get("leverage")
    if lev:
        rows = []
        for p in lev["pairs"]:
            cells = _pair_cells(p, lev)
            via = f'<a href="#fig-{_esc(p["via"])}">{_esc(cells[5])}</a>'
            rows.append(
                "<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in cells[:5]) + f"<td>{via}</td></tr>"
            )
        body = _table(["dependent", "on", "dependence", "reverse", "asymmetry", "through"], rows)
        body += leverage_chart_html(lev)
    else:
        body = '<p class="none">The evidence declares no dependency (kind: dependency).</p>'
    out.append(_section("leverage", HTML_SECTIONS[1][1], body))
    return "\n".join(out)


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}">\n<h2>{_esc(title)}</h2>\n{body}\n</section>'


def leverage_chart_html(lev: dict[str, Any]) -> str:
    """The leverage chart as an HTML fragment: inline SVG (:func:`charts.leverage_figure`)."""
    from offramp.report.charts import leverage_figure

    return f'<div class="chart">{leverage_figure(lev)}</div>'


def leverage_static_figure(lev: dict[str, Any]) -> Figure:
    """The leverage chart as a matplotlib figure (for ``offramp report --figures``): one bar per
    dependency, its range as an error bar, coloured by who depends."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    deps = lev["dependencies"]
    fig = Figure(figsize=(8, 1.4 + 0.45 * len(deps)))
    ax = fig.subplots()
    parties = list(dict.fromkeys(d["from"] for d in deps))
    colours = [f"C{k}" for k in range(len(parties))]
    for k, d in enumerate(deps):
        lo = d["share"] - (d["share_low"] if d["share_low"] is not None else d["share"])
        hi = (d["share_high"] if d["share_high"] is not None else d["share"]) - d["share"]
        ax.barh(
            k,
            100 * d["share"],
            xerr=[[100 * lo], [100 * hi]],
            color=colours[parties.index(d["from"])],
        )
    ax.set_yticks(
        range(len(deps)),
        [f"{d['from']} on {d['to']}: {d['good']} ({d['flow']})" for d in deps],
    )
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of the flow")
    handles = [Patch(color=c, label=f"{p} depends") for p, c in zip(parties, colours, strict=True)]
    ax.legend(handles=handles, loc="lower right", frameon=False)
    ax.set_title("Dependence, by who depends (the asymmetry makes the lever)", loc="left")
    fig.tight_layout()
    return fig
