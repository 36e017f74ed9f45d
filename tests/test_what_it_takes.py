"""'What would it take?' in the HTML report (offramp report --inverse)."""

from __future__ import annotations

import json

import offramp
from offramp.report.html import render_html
from offramp.service.report_content import build_report
from offramp.service.what_it_takes import what_it_takes
from tests.cli_runner import invoke
from tests.test_hypergame import DETERRENCE
from tests.test_inverse import TOY


def test_section_data_and_html() -> None:
    sc = offramp.from_dict(TOY)
    data = what_it_takes(sc)
    assert [r["question"] for r in data["inverse"]] == ["goal"]
    r = data["inverse"][0]
    assert r["found"] and r["boundary"] == {"price": 4.0}
    assert data["map"]["x"]["name"] == "price" and data["map"]["y"]["name"] == "cost"
    assert data["hypergame"] is None
    report = build_report(sc, variants=False, thresholds=False, samples=0)
    plain = render_html(report, sc)
    assert 'id="what-it-takes"' not in plain  # the default report is unchanged
    report["what_it_takes"] = data
    html = render_html(report, sc)
    assert '<section id="what-it-takes">' in html and 'href="#what-it-takes"' in html
    assert "price 1 → 4.0" in html and "<svg" in html


def test_hypergame_in_the_section() -> None:
    sc = offramp.from_yaml_text(DETERRENCE)
    data = what_it_takes(sc)
    assert data["hypergame"]["questions"][0]["hypergame"] == "no"
    report = build_report(sc, variants=False, thresholds=False, samples=0)
    report["what_it_takes"] = data
    html = render_html(report, sc)
    assert "Misjudged intentions" in html and "A misjudges B" in html


def test_cli_report_inverse(capsys, tmp_path) -> None:
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(TOY))
    out = invoke(
        capsys, "report", str(path), "--inverse", "-n", "0", "-o", str(tmp_path / "r.html")
    )
    assert out.code == 0, out.err
    assert 'id="what-it-takes"' in (tmp_path / "r.html").read_text()
