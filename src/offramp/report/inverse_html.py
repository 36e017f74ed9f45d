"""The HTML report's "What would it take?" section, from the plain data of
:func:`offramp.service.what_it_takes.what_it_takes`: each inverse answer as a sentence and a
table, the answer map as an inline SVG heatmap, the hypergame beside the correct game."""

from __future__ import annotations

import io
from typing import Any

from offramp.report.html_sections import esc, none, section, table, verdict_badge
from offramp.report.words import through_formula_lines

ANCHOR, TITLE = "what-it-takes", "What would it take?"


def _svg(data: dict[str, Any], labels: dict[str, Any] | None = None) -> str:
    from offramp.report.answer_map_figure import answer_map_figure

    fig = answer_map_figure(data, labels)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _changes(changes: dict[str, Any]) -> str:
    return ", ".join(f"{p} {c['from']:g} → {c['to']:.6g}" for p, c in changes.items())


def inverse_section(report: dict[str, Any]) -> str:
    """Empty when the report was built without ``--inverse``."""
    data = report.get("what_it_takes")
    if not data:
        return ""
    parts = []
    if not data["inverse"]:
        parts.append(none("Every question is answered yes already."))
    for r in data["inverse"]:
        head = f"<h3>{esc(r['ask'])} {verdict_badge(r['verdict_before'])}</h3>"
        if not r["found"]:
            body = f"<p>No change within the ranges makes it so: {esc(r.get('why', ''))}.</p>"
        else:
            rows = [
                [
                    esc(p),
                    esc(f"{c['from']:g}"),
                    esc(f"{c['to']:.6g}"),
                    esc(f"{r['boundary'].get(p, c['to']):.6g}"),
                    esc("[{:g}, {:g}]".format(*r["parameters"][p]["range"])),
                ]
                for p, c in r["changes"].items()
            ]
            body = f"<p>{esc(r['answer'])}.</p>" + table(
                ["parameter", "now", "to", "boundary", "range"], rows
            )
            body += "".join(f"<p>{esc(line)}</p>" for line in through_formula_lines(r["changes"]))
            alts = "".join(
                f"<li>or {esc(_changes(a['changes']))} (distance {a['distance']:.3g})</li>"
                for a in r["alternatives"]
            )
            if alts:
                body += f"<ul>{alts}</ul>"
        body += f'<p class="note">{esc(r["proof"])}.</p>'
        parts.append(head + body)
    if data.get("map"):
        m = data["map"]
        parts.append(
            f"<h3>Where the answer to {esc(m['goal'])} flips</h3>"
            f'<figure class="answer-map">{_svg(m, report.get("labels"))}<figcaption>Verdict over '
            f"{esc(m['x']['name'])} and {esc(m['y']['name'])}; the dots are boundaries found "
            "exactly along the grid lines; the star is today.</figcaption></figure>"
        )
    if data.get("hypergame"):
        h = data["hypergame"]
        rows = [
            [esc(q["ask"]), verdict_badge(q["correct"]), verdict_badge(q["hypergame"])]
            for q in h["questions"]
        ]
        who = "; ".join(
            f"{p['dm']} "
            + " and ".join(
                ([f"misjudges {p['of']}"] if p["of"] else [])
                + (
                    [f"does not know of {', '.join(p['unknown_options'])}"]
                    if p["unknown_options"]
                    else []
                )
            )
            for p in h["perceptions"]
        )
        parts.append(
            f"<h3>Misjudged intentions</h3><p>{esc(who)}.</p>"
            + table(["question", "seen correctly", "as perceived (hypergame)"], rows)
        )
    return section(ANCHOR, TITLE, "\n".join(parts))
