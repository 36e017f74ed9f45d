"""The sections of the HTML report, each a function from the report dict (and the figure
data) to an HTML fragment. Text is escaped here, once, with :func:`esc`; sentences come from
:mod:`offramp.report.words` so that the HTML says what the text and Markdown reports say."""

from __future__ import annotations

from bisect import bisect_right
from html import escape
from typing import Any

from offramp.conflict.concepts import DEFAULT_CONCEPT, concept_short
from offramp.report import charts
from offramp.report.figdata import VERDICT_COLOURS, Figures, tornado_targets
from offramp.report.glossary import concept_terms, terms
from offramp.report.graph import (
    PLAIN_FILL,
    SETTLED_FILL,
    STATUS_QUO_FILL,
    StateGraph,
    dm_colour,
)
from offramp.report.provenance import code_id
from offramp.report.words import (
    PROBABILITY_NOTE,
    VERDICT,
    answer_line,
    as_of_sentence,
    bad_samples_sentence,
    dimension_label,
    disagreements,
    drivers_text,
    findings,
    input_label,
    margin_sentence,
    myopia_sentences,
    next_sentences,
    parameter_label,
    perceived_settles,
    perceived_suffix,
    probability_cell,
    settle_lines,
    settled_states,
    target_label,
    threshold_suffix,
    variant_title,
)

MAX_STATE_ROWS = 200
#: equilibrium ids listed in the summary table before "… (N more)"
MAX_LISTED_IDS = 50
MOVES = {"both": "take or undo", "forward": "take only", "backward": "undo only"}


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}">\n<h2>{esc(title)}</h2>\n{body}\n</section>'


def table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    """Cells are HTML already (escape before); the header is plain text. Wrapped in a box
    that scrolls sideways on its own when a narrow screen cannot hold it, so that the page
    itself never does."""
    h = "".join(f"<th>{esc(c)}</th>" for c in head)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f'<div class="table-box"><table class="{cls}"><thead><tr>{h}</tr></thead><tbody>\n'
        f"{body}\n</tbody></table></div>"
    )


def glossary(items: list[tuple[str, str]]) -> str:
    """The terms a section uses, defined where they are used."""
    if not items:
        return ""
    rows = "".join(f"<dt>{esc(t)}</dt><dd>{esc(d)}</dd>" for t, d in items)
    return f'<dl class="glossary" aria-label="Terms used here">{rows}</dl>'


def verdict_badge(verdict: str) -> str:
    colour = VERDICT_COLOURS.get(verdict, "#555")
    return f'<span class="verdict" style="background:{colour}">{esc(VERDICT[verdict])}</span>'


def none(text: str) -> str:
    return f'<p class="none">{esc(text)}</p>'


# ----------------------------------------------------------------------------- sections


def findings_section(report: dict[str, Any]) -> str:
    items = findings(report)
    if not items:
        body = none("The scenario asks no question; see the equilibria and evolution below.")
    else:
        body = '<ul class="findings">' + "".join(f"<li>{esc(f)}</li>" for f in items) + "</ul>"
    return section("findings", "Findings", body)


def scenario_section(report: dict[str, Any]) -> str:
    parts = []
    if report.get("description"):
        parts += [f"<p>{esc(p.strip())}</p>" for p in report["description"].split("\n\n")]
    dms = ", ".join(dm["label"] for dm in report["decision_makers"])
    parts.append(
        f"<p>{len(report['decision_makers'])} decision makers ({esc(dms)}), "
        f"{sum(len(dm['options']) for dm in report['decision_makers'])} options, "
        f"{report['feasible_states']:,} feasible states.</p>"
    )
    if as_of_sentence(report):
        parts.append(f"<p><strong>{esc(as_of_sentence(report))}</strong></p>")
    if next_sentences(report):
        items = "".join(f"<li>{esc(line)}</li>" for line in next_sentences(report))
        parts.append(f"<p>What happened next (evidence published later):</p><ul>{items}</ul>")
    if report.get("parameters"):
        rows = [
            [esc(parameter_label(report, k)), code_id(k), f"{v:g}"]
            for k, v in report["parameters"].items()
        ]
        parts.append(table(["parameter", "id", "value"], rows))
    return section("scenario", "The scenario", "\n".join(parts))


def actors_section(report: dict[str, Any]) -> str:
    rows = []
    explained = any(
        o.get("description") or o.get("note")
        for dm in report["decision_makers"]
        for o in dm["options"]
    )
    for dm in report["decision_makers"]:
        for k, o in enumerate(dm["options"]):
            row = [
                f"<strong>{esc(dm['label'])}</strong>" if k == 0 else "",
                f"{esc(o['label'])}<br>{code_id(o['name'])}",
                MOVES.get(o["direction"], esc(o["direction"])),
            ]
            if explained:
                desc = esc(o.get("description") or "")
                if o.get("note"):
                    desc += f'<div class="note">{esc(o["note"])}</div>'
                row.append(desc or '<span class="dim">—</span>')
            rows.append(row)
    head = ["decision maker", "option", "moves"] + (["what it means"] if explained else [])
    body = table(head, rows)
    return section("actors", "Decision makers and options", body)


def status_quo_section(report: dict[str, Any]) -> str:
    sq = report["status_quo"]
    if not sq:
        return section("status-quo", "Status quo", none("The scenario declares no status quo."))
    taken = ", ".join(f"<code>{esc(t)}</code>" for t in sq["taken"])
    body = (
        f"<p>Today the conflict is in <strong>state {sq['id']}</strong>: "
        f"{esc(sq['description'])}" + (f" ({taken})" if taken else "") + ".</p>"
    )
    return section("status-quo", "Status quo", body)


def _graph_box(g: StateGraph, svg: str) -> str:
    width = g.bounds[0] * 4 / 3 + 30
    return (
        f'<figure class="graph-box" style="--natural-width:{width:.0f}px">'
        + '<button type="button" class="zoom no-print">Full size</button>'
        + f'<div class="graph-scroll">{svg}</div>'
        + f"<figcaption>{len(g.nodes):,} of {g.total_states:,} states drawn.</figcaption>"
        + "</figure>"
    )


def _states_list(g: StateGraph) -> str:
    items = []
    for s in g.nodes:
        marks = []
        if s == g.status_quo:
            marks.append("status quo")
        if s in g.settled:
            marks.append("where it settles")
        if s in g.equilibria:
            marks.append(f"{concept_short(g.concept)} equilibrium")
        extra = f' <span class="dim">({esc(", ".join(marks))})</span>' if marks else ""
        items.append(f"<li><strong>{s + 1}</strong>: {esc(g.descriptions[s])}{extra}</li>")
    return (
        f"<details><summary>What each drawn state is ({len(g.nodes):,} states)</summary>"
        f'<ul class="states-legend">{"".join(items)}</ul></details>'
    )


def _options_legend(report: dict[str, Any]) -> str:
    parts = []
    for k, dm in enumerate(report["decision_makers"]):
        opts = ", ".join(f"{esc(o['label'])} ({code_id(o['name'])})" for o in dm["options"])
        parts.append(
            f'<li><span class="swatch line" style="background:{dm_colour(k)}"></span> '
            f"<strong>{esc(dm['label'])}</strong>: {opts}</li>"
        )
    return f'<ul class="options-legend">{"".join(parts)}</ul>'


def graph_section(report: dict[str, Any], figs: Figures) -> str:
    g = figs.graph
    legend = [
        f'<span class="key"><span class="swatch dot" style="background:{STATUS_QUO_FILL}">'
        "</span>status quo</span>",
        f'<span class="key"><span class="swatch dot" style="background:{SETTLED_FILL}">'
        "</span>where it settles</span>",
        f'<span class="key"><span class="swatch dot double" style="background:{PLAIN_FILL}">'
        f"</span>{esc(concept_short(g.concept))} equilibrium</span>",
        '<span class="key"><span class="swatch thick"></span>thick arrows: the path from the '
        "status quo to where it settles</span>",
    ]
    intro = (
        "<p>Each circle is a state (its id as in the tables below; hover it for the options "
        "taken, or open the list below the graph). An arrow says that the decision maker of "
        "its colour can move there alone and prefers it (hover it for what the move takes or "
        f"stops). Of the {g.total_improvements:,} unilateral improvements among the drawn "
        f"states, {len(g.edges):,} arrows are drawn: an improvement a → c is left out when the "
        "same decision maker improves a → b → c, so every arrow chain means what the omitted "
        f"arrows would. Double circles are the {esc(concept_short(g.concept))} equilibria; the "
        "thick arrows lead from the status quo to where the conflict settles.</p>"
    )
    note = f'<p class="note"><strong>Not every state is drawn.</strong> {esc(g.note)}</p>'
    body = (
        intro
        + (note if g.note else "")
        + f'<div class="legend">{"".join(legend)}</div>'
        + _options_legend(report)
        + _graph_box(g, figs.graph_svg)
        + _states_list(g)
    )
    if figs.full_graph is not None:
        full = figs.full_graph
        body += (
            f'<details class="full-graph"><summary>Show the full graph ({len(full.nodes):,} '
            f"states, {len(full.edges):,} arrows)</summary>"
            + (f'<p class="note">{esc(full.note)}</p>' if full.note else "")
            + _graph_box(full, figs.full_graph_svg)
            + "</details>"
        )
    body += glossary(concept_terms([g.concept])[:1] + terms(["settles"]))
    return section("state-graph", "State graph", body)


class _Ids:
    """A set of state ids as the stability data gives it: a list of ids (the full form) or
    inclusive ``[first, last]`` ranges (the compact form, above 100,000 states; see
    docs/stability-json.md). Membership by bisection, so neither form is expanded."""

    def __init__(self, items: list[Any], compact: bool):
        if compact:
            self.starts = [int(a) for a, _ in items]
            self.ends = [int(b) for _, b in items]
        else:
            self.starts = self.ends = sorted({int(i) for i in items})

    def __contains__(self, state: int) -> bool:
        k = bisect_right(self.starts, state) - 1
        return k >= 0 and state <= self.ends[k]

    def __len__(self) -> int:
        return sum(b - a + 1 for a, b in zip(self.starts, self.ends, strict=True))

    def head(self, n: int) -> list[int]:
        """The ``n`` smallest ids."""
        out: list[int] = []
        for a, b in zip(self.starts, self.ends, strict=True):
            out.extend(range(a, min(b, a + n - len(out) - 1) + 1))
            if len(out) >= n:
                break
        return out


def _marks(stable_ids: dict[str, _Ids], dms: list[str], state: int) -> tuple[str, bool]:
    flags = [state in stable_ids[d] for d in dms]
    marks = "".join("✓" if f else "·" for f in flags)
    return marks, all(flags)


def _state_rows(st: dict[str, Any], compact: bool, ids: list[int] | None) -> list[dict[str, Any]]:
    """``{"id", "taken"}`` of the states ``ids`` (every state when None) in either form."""
    if not compact:
        states: list[dict[str, Any]] = st["states"]
        if ids is None:
            return states
        wanted = set(ids)
        return [s for s in states if s["id"] in wanted]
    codes, options = st["states"]["codes"], st["options"]
    chosen = range(1, len(codes) + 1) if ids is None else ids
    return [
        {"id": i, "taken": [o for k, o in enumerate(options) if codes[i - 1] >> k & 1]}
        for i in chosen
    ]


def stability_section(report: dict[str, Any]) -> str:
    st = report["stability"]
    compact = st.get("form") == "compact"
    dms = st["decision_makers"]
    concepts = report["concepts"]
    equilibria = {c: _Ids(st["equilibria"].get(c, []), compact) for c in concepts}
    summary_rows = []
    for c, name in concepts.items():
        eq = equilibria[c]
        shown = eq.head(MAX_LISTED_IDS)
        listed = ", ".join(str(i) for i in shown) or "none"
        if len(eq) > len(shown):
            listed += f", … ({len(eq) - len(shown):,} more)"
        summary_rows.append([esc(name), f"{len(eq):,}", esc(listed)])
    parts = [table(["concept", "equilibria", "states (ids)"], summary_rows)]
    stable = {c: {d: _Ids(st["stable"][c][d], compact) for d in dms} for c in concepts}
    n_states = st["states"]["count"] if compact else len(st["states"])
    if n_states > MAX_STATE_ROWS:
        eq_any = sorted({i for c in concepts for i in equilibria[c].head(MAX_STATE_ROWS)})
        states = _state_rows(st, compact, eq_any[:MAX_STATE_ROWS])
        caption = (
            f"Only the equilibria are listed ({len(states):,} rows of "
            f"{report['feasible_states']:,} states; offramp stability --format json has all)."
        )
    else:
        states = _state_rows(st, compact, None)
        caption = "Every feasible state."
    sq = (report.get("status_quo") or {}).get("id")
    rows = []
    for s in states:
        cells = [str(s["id"]) + (" (status quo)" if s["id"] == sq else "")]
        cells.append(esc(", ".join(s["taken"]) or "—"))
        for c in concepts:
            marks, everyone = _marks(stable[c], dms, s["id"])
            cells.append(
                f'<span class="eq">{marks} EQ</span>' if everyone else f"<code>{marks}</code>"
            )
        rows.append(cells)
    parts.append(
        f"<details{' open' if len(rows) <= 30 else ''}><summary>Stability by state: "
        "one mark per decision maker "
        f"({esc(', '.join(dms))}), ✓ stable, · not; EQ where stable for all. "
        f"{esc(caption)}</summary>"
        + table(["id", "options taken", *[c.upper() for c in concepts]], rows, "states")
        + "</details>"
    )
    parts.append(glossary(concept_terms(concepts)))
    return section("stability", "Stability", "\n".join(parts))


def evolution_section(report: dict[str, Any]) -> str:
    if not report["settles_at"]:
        return section("evolution", "Evolution from the status quo", none("No status quo."))
    items = [
        f"<li><strong>{esc(name)}</strong>: {esc(line)}.</li>"
        for name, line in settle_lines(report)
    ]
    items += [
        f'<li class="note"><strong>Farsighted check</strong>: {esc(s)}</li>'
        for s in myopia_sentences(report)
    ]
    evo = report["evolution"]
    body = (
        f"<ul>{''.join(items)}</ul><p>{evo['reachable_states']:,} state(s) can be reached "
        "from the status quo by unilateral improvements.</p>"
    )
    return section("evolution", "Evolution from the status quo", body)


def questions_section(report: dict[str, Any], figs: Figures) -> str:
    if not report["questions"]:
        return section("questions", "Questions", none("The scenario asks no question."))
    parts = []
    for q in report["questions"]:
        today = ' <span class="dim">at today\'s value</span>' if q.get("threshold") else ""
        parts.append(
            f'<div class="question"><h3>{esc(q["ask"])} {verdict_badge(q["verdict"])}{today}</h3>'
            f"<p><code>{esc(q['holds_when'])}</code> ({esc(q['concept'].upper())})</p>"
            f"<p>{esc(answer_line(q, report))}</p></div>"
        )
    precision = (report.get("labels") or {}).get("precision", {})
    for sw in figs.sweeps:
        label = parameter_label(report, sw.parameter)
        parts.append(f'<h3 id="sweep-{esc(sw.parameter)}">Sweep of {esc(label)}</h3>')
        parts.append(
            f"<p>Every question's answer as {esc(label)} (<code>{esc(sw.parameter)}</code>) runs "
            f"from {sw.values[0]:g} to {sw.values[-1]:g} ({len(sw.values)} values); dashed lines "
            "mark the thresholds found by bisection, the dotted line today's value.</p>"
        )
        fig = charts.sweep_figure(sw, label, precision.get(sw.parameter))
        parts.append(f'<div class="chart">{fig}</div>')
    return section("questions", "Questions and thresholds", "\n".join(parts))


def _verdict_cell(q: dict[str, Any], report: dict[str, Any]) -> str:
    return verdict_badge(q["verdict"]) + esc(threshold_suffix(q, report) + perceived_suffix(q))


def _forecast_cell(report: dict[str, Any], items: list[dict[str, Any]] | None) -> str:
    """Forecasts where a case settles; with several settled states, each says which."""
    dims = report["bargaining"]["dimensions"]
    items = items or []
    lines = []
    for f in items:
        values = ", ".join(
            f"{d['label']} {v:.1f}" if v is not None else f"{d['label']} —"
            for d, v in zip(dims, f["forecast"], strict=True)
        )
        lines.append(esc(f"state {f['id']}: {values}" if len(items) > 1 else values))
    return "<br>".join(lines) or '<span class="dim">—</span>'


def variants_section(report: dict[str, Any]) -> str:
    variants = report["variants"]
    if not variants:
        return section("variants", "Variants", none("No counterfactual variant is analysed."))
    head = ["", "baseline", *[variant_title(v) for v in variants]]
    rows = []
    for k, q in enumerate(report["questions"]):
        rows.append(
            [esc(q["ask"]), _verdict_cell(q, report)]
            + [_verdict_cell(v["questions"][k], report) for v in variants]
        )
    rows.append(
        ["<em>changes</em>", "—"]
        + [esc("; ".join(v.get("changes_text") or v["changes"])) for v in variants]
    )
    rows.append(
        [
            f"<em>settles at ({concept_short(DEFAULT_CONCEPT)})</em>",
            esc(settled_states(report["settles_at"].get(DEFAULT_CONCEPT, []))),
        ]
        + [esc(settled_states(v["settles_at"].get(DEFAULT_CONCEPT, []))) for v in variants]
    )
    if any(v.get("perceived") for v in variants):
        rows.append(
            ["<em>settles as perceived (hypergame)</em>", "—"]
            + [esc(perceived_settles(v) or "—") for v in variants]
        )
    base_counts = {c: len(report["equilibria"][c]) for c in report["concepts"]}
    names = "/".join(concept_short(c) for c in base_counts)
    rows.append(
        [f"<em>equilibria ({esc(names)})</em>", "/".join(str(n) for n in base_counts.values())]
        + ["/".join(str(v["equilibria_counts"].get(c, 0)) for c in base_counts) for v in variants]
    )
    if report.get("bargaining"):
        model = report["bargaining"]["default_model"]
        settled_ids = {e["id"] for e in report["settles_at"].get(DEFAULT_CONCEPT, [])}
        base_items = [
            {"id": c["state"], "forecast": c["forecasts"][model]}
            for c in report["bargaining"]["cases"]
            if c["name"].startswith("settled-") and c.get("state") in settled_ids
        ]
        rows.append(
            [
                f"<em>negotiation forecast there ({esc(model)})</em>",
                _forecast_cell(report, base_items),
            ]
            + [_forecast_cell(report, v.get("forecast_at_settled")) for v in variants]
        )
    desc = "".join(
        f"<li><strong>{esc(v['label'])}</strong>: {esc(v['description'])}</li>"
        for v in variants
        if (v.get("description") or "").strip()
    )
    body = table(head, rows, "variants") + (f"<ul>{desc}</ul>" if desc else "")
    body += glossary(concept_terms(report["concepts"]))
    return section("variants", "Variants side by side", body)


def bargaining_section(report: dict[str, Any], figs: Figures) -> str:
    part = report.get("bargaining")
    if not part:
        return section("bargaining", "Negotiation", none("The scenario has no bargaining part."))
    dims = part["dimensions"]
    parts = []
    rows = []
    for a in part["actors"]:
        cells = [esc(a["label"]), f"{a['capability']:g}"]
        for d in dims:
            pos = a["positions"].get(d["name"])
            cells.append(
                (f"{pos:g} " if pos is not None else "— ")
                + f'<span class="dim">(salience {a["salience"].get(d["name"], 0):g})</span>'
            )
        rows.append(cells)
    parts.append(table(["actor", "capability", *[d["label"] for d in dims]], rows))
    for k, d in enumerate(dims):
        parts.append(f"<h3>Forecast: {esc(d['label'])}</h3>")
        parts.append(f'<p class="dim">0 = {esc(d["low"])}; 100 = {esc(d["high"])}</p>')
        head = ["case"] + [f"{m}*" if m == part["default_model"] else m for m in part["models"]]
        rows = []
        for case in part["cases"]:
            vals = [case["forecasts"][m][k] for m in part["models"]]
            rows.append([esc(case["label"])] + [f"{v:.1f}" if v is not None else "—" for v in vals])
        parts.append(table(head, rows, "numbers"))
    parts.append(
        f'<p class="dim">* {esc(part["default_model"])}: offramp\'s default forecaster.</p>'
    )
    parts += [f"<p>{esc(sentence)}</p>" for sentence in disagreements(report)]
    parts.append(glossary(terms(part["models"])))
    if figs.trajectories:
        parts.append('<h3 id="trajectories">Trajectories</h3>')
        parts.append(
            "<p>Positions by round per actor in KTAB's Spatial Model of Politics (the model "
            "here that moves actors round by round), one chart per dimension and case: the "
            "positions as given, and where the conflict settles.</p>"
        )
        for k, label in enumerate(figs.dimensions):
            parts.append('<div class="grid">')
            for traj in figs.trajectories:
                fig = charts.trajectory_figure(traj, figs.actors, k, label)
                parts.append(f'<div class="chart">{fig}</div>')
            parts.append("</div>")
    return section("bargaining", "Negotiation forecasts", "\n".join(parts))


def coalitions_section(report: dict[str, Any]) -> str:
    """The coalition analysis (declared coalitions, or every one when asked for)."""
    from offramp.report.coalitions_text import coalition_lines

    data = report.get("coalition_analysis")
    if not data:
        return ""
    items = "".join(f"<li>{esc(line.strip())}</li>" for line in coalition_lines(data))
    return section("coalitions", "Coalition analysis", f"<ul>{items}</ul>")


def uncertainty_section(report: dict[str, Any]) -> str:
    mc = report.get("uncertainty")
    if not mc:
        return section(
            "uncertainty",
            "Under uncertainty",
            none("No Monte Carlo: the scenario declares no uncertain input, or samples = 0."),
        )
    inputs = ", ".join(input_label(report, i) for i in mc["inputs"])
    parts = [
        f"<p>{mc['samples']:,} samples (seed {mc['seed']}) of {len(mc['inputs'])} uncertain "
        f"inputs: {esc(inputs)}.</p>"
    ]
    if mc.get("interrupted"):
        parts.append(f'<p class="note">Stopped early: {esc(mc["interrupted"])}.</p>')
    if mc.get("bad_samples"):
        parts.append(f'<p class="note">{esc(bad_samples_sentence(mc))}</p>')
    if not mc["samples"]:
        parts.append(none("No sample finished: no probability can be given."))
        return section("uncertainty", "Under uncertainty", "\n".join(parts))
    if mc.get("questions"):
        parts.append(f'<div class="chart">{charts.probabilities_figure(mc)}</div>')
        n = mc["samples"]
        verdicts = ("yes", "no", "depends", "undetermined")
        rows = [
            [esc(q["ask"])] + [esc(probability_cell(q, v, n)) for v in verdicts]
            for q in mc["questions"]
        ]
        parts.append(table(["question", *verdicts], rows, "numbers"))
        parts.append(f'<p class="dim">{esc(PROBABILITY_NOTE)}</p>')
        margins = [
            f"<li>{esc(q['ask'])} Every sample: {esc(q['margin']['answer'])}. "
            f"{esc(margin_sentence(report, q['margin']) or 'No uncertain parameter searched.')}"
            "</li>"
            for q in mc["questions"]
            if q.get("margin")
        ]
        if margins:
            parts.append("<h3>Decided by a margin</h3><ul>" + "".join(margins) + "</ul>")
    fig = charts.settles_figure(mc, options=(report.get("labels") or {}).get("options"))
    if fig is not None:
        parts.append(f'<div class="chart">{fig}</div>')
    if mc.get("forecasts"):
        rows = []
        for model, dims in mc["forecasts"].items():
            for dim, s in dims.items():
                key = f"forecast:{model}:{dim}"
                rows.append(
                    [esc(model), esc(dimension_label(report, dim))]
                    + [f"{s[c]:.1f}" for c in ("mean", "p5", "median", "p95")]
                    + [esc(drivers_text(report, mc["sensitivity"], key))]
                )
        parts.append("<h3>Negotiation forecasts at the settled outcome</h3>")
        parts.append(
            table(
                ["model", "dimension", "mean", "p5", "median", "p95", "driven most by"],
                rows,
                "numbers forecasts",
            )
        )
    targets = tornado_targets(mc)
    if targets:
        parts.append('<h3 id="tornado">Sensitivity (tornado)</h3>')
        parts.append(
            "<p>Inputs ranked by their Spearman rank correlation with each conclusion: a bar "
            "to the right means the conclusion is likelier (or larger) when the input is "
            "higher. ρ says how consistently, not by how much: a forecast that barely moves "
            "can still follow one input perfectly (ρ = ±1).</p>"
        )
        parts.append('<div class="grid">')
        for target, _, drivers in targets:
            labelled = [{**d, "label": input_label(report, d["input"])} for d in drivers]
            title = target_label(report, target)
            flat = drivers_text(report, mc["sensitivity"], target)
            if flat.startswith("barely moves"):
                title += f" — {flat.split(';')[0]}"
            parts.append(f'<div class="chart">{charts.tornado_figure(title, labelled)}</div>')
        parts.append("</div>")
    parts.append(
        glossary(terms(["Spearman ρ", "p5/p95"] if mc.get("forecasts") else ["Spearman ρ"]))
    )
    return section("uncertainty", "Under uncertainty", "\n".join(parts))


def sources_section(report: dict[str, Any]) -> str:
    sources = report.get("sources") or []
    if not sources:
        return section("sources", "Sources", none("The scenario cites no source."))
    items = []
    for s in sources:
        text = f"<code>{esc(s['id'])}</code>: {esc(s.get('title', ''))}"
        if s.get("url"):
            # Plain text, not a link: the report must not point outside itself.
            text += f' <span class="url">{esc(s["url"])}</span>'
        if s.get("note"):
            text += f'<div class="note">{esc(s["note"])}</div>'
        items.append(f"<li>{text}</li>")
    return section("sources", "Sources", f"<ul>{''.join(items)}</ul>")
