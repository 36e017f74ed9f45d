"""The HTML report: every section present, nothing fetched from the network, the state graph
drawn, and ``offramp report`` writing HTML, Markdown and figures (or failing cleanly)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import offramp
from offramp.report import graph as graph_module
from offramp.report.figdata import collect_figures
from offramp.report.html import SECTIONS, render_html
from offramp.scenarios import get_builtin
from offramp.service.report_content import build_report
from tests.cli_runner import invoke

# ------------------------------------------------------------------ the offline checker

#: Attributes whose value the browser may fetch or navigate to.
URL_ATTRIBUTES = {
    "src",
    "href",
    "srcset",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "cite",
    "manifest",
    "xlink:href",
    "ping",
}
#: Elements that exist to load something from elsewhere.
FORBIDDEN_TAGS = {"link", "iframe", "frame", "object", "embed", "base", "portal"}
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I)


def _local(value: str) -> bool:
    v = value.strip().lower()
    return v.startswith("#") or v.startswith("data:")


def _css_problems(css: str, where: str) -> list[str]:
    out = []
    if re.search(r"@import", css, re.I):
        out.append(f"@import in {where}")
    for _, url in CSS_URL.findall(css):
        if not _local(url):
            out.append(f"url({url}) in {where}")
    return out


class OfflineChecker(HTMLParser):
    """Collects every way an HTML page could reach the network.

    The rule: look at what the browser interprets as references (element attributes, CSS),
    not at the text of scripts. plotly.js contains URL strings in its code (map tiles, docs
    links) that a page using only bar and line charts never requests; scanning script text for
    "https://" would forbid inlining plotly at all. So: no element that loads or links
    elsewhere, no ``<script src>``, every URL-valued attribute a ``#`` anchor or a ``data:``
    URI, no attribute holding "://" at all (catches xmlns, meta refresh, SVG hrefs), and CSS
    with only local ``url()`` and no ``@import``.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.tags: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "script" and any(name == "src" for name, _ in attrs):
            self.problems.append("<script src=...>")
        for name, value in attrs:
            value = value or ""
            if name in URL_ATTRIBUTES and not _local(value):
                self.problems.append(f"<{tag} {name}={value!r}>")
            elif "://" in value and not _local(value):
                self.problems.append(f"<{tag} {name}={value!r}> holds a URL")
            if name == "style":
                self.problems += _css_problems(value, f"style of <{tag}>")
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.problems += _css_problems(data, "<style>")


def offline_problems(html: str) -> list[str]:
    checker = OfflineChecker()
    checker.feed(html)
    checker.close()
    return checker.problems


def test_the_checker_catches_each_kind_of_external_reference():
    bad = [
        '<script src="https://cdn.example.org/plotly.js"></script>',
        '<link rel="stylesheet" href="https://fonts.example.org/css">',
        '<img src="//images.example.org/x.png">',
        '<a href="https://example.org">x</a>',
        "<style>body { background: url(http://example.org/bg.png) }</style>",
        "<style>@import 'theme.css';</style>",
        "<div style=\"background-image:url('https://example.org/a.png')\"></div>",
        '<meta http-equiv="refresh" content="0; url=https://example.org">',
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        '<iframe srcdoc="x"></iframe>',
    ]
    for fragment in bad:
        assert offline_problems(fragment), fragment
    good = (
        '<a href="#stability">x</a><img src="data:image/png;base64,AAAA">'
        "<style>a { background: url(data:image/png;base64,AA) }</style>"
        '<script>var u = "https://example.org"; // text in code is not a reference</script>'
        "<p>https://example.org as plain text</p>"
    )
    assert offline_problems(good) == []


# ------------------------------------------------------------------ the default report


@pytest.fixture(scope="module")
def scenario():
    return offramp.default()


@pytest.fixture(scope="module")
def report(scenario):
    return build_report(scenario, thresholds=False, samples=200, seed=0)


@pytest.fixture(scope="module")
def figures(report, scenario):
    return collect_figures(report, scenario)


@pytest.fixture(scope="module")
def html(report, scenario, figures):
    return render_html(report, scenario, figures=figures)


def test_every_section_is_there_and_listed_in_the_contents(html):
    for anchor, title in SECTIONS:
        assert f'<section id="{anchor}">' in html, anchor
        assert f'<a href="#{anchor}">' in html, anchor
        assert f"<h2>{title}</h2>" in html, title
    order = [html.index(f'<section id="{a}">') for a, _ in SECTIONS]
    assert order == sorted(order)


def test_findings_come_first_and_say_what_the_text_report_says(html, report):
    from offramp.report.words import findings

    assert html.index('<section id="findings">') < html.index('<section id="scenario">')
    first = findings(report)[0]
    assert first.split(".")[0] in html


def test_the_charts_are_there(html, report):
    # Inline SVG charts: the sweep, 2 dimensions x 2 cases of trajectories, probabilities,
    # where it settles, one tornado per conclusion that has a driver.
    assert html.count('<svg class="chart-svg"') >= 8
    assert 'id="sweep-trade_relief"' in html
    assert 'id="trajectories"' in html
    assert 'id="tornado"' in html
    assert "How likely each answer is" in html


def test_no_chart_library_is_shipped(html):
    assert "Plotly" not in html and "plotly-graph-div" not in html
    assert html.count("<script>") == 1  # our own few lines
    assert len(html.encode("utf-8")) < 1_500_000


def test_the_report_references_no_external_url(html):
    assert offline_problems(html) == []
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)


def test_the_state_graph_draws_the_core_and_coloured_arrows(html, figures, report):
    svg = re.search(r"<svg class=\"state-graph\".*?</svg>", html, re.S)
    assert svg is not None
    svg = svg.group(0)
    nodes = re.findall(r'<g id="node\d+" class="node state[^"]*"', svg)
    # 96 states: by default the status quo, the 23 SEQ equilibria and the path between them.
    assert len(nodes) == len(figures.graph.nodes) == 1 + len(report["equilibria"]["seq"])
    # The full graph is there on request, collapsed.
    assert '<details class="full-graph"><summary>Show the full graph (96 states' in html
    assert len(figures.full_graph.nodes) == report["feasible_states"]
    arrows = re.findall(r'<g id="edge\d+" class="edge move dm_(\w+)', svg)
    assert len(arrows) == len(figures.graph.edges) > 0
    assert set(arrows) == set(report["stability"]["decision_makers"])
    # Equilibria are marked, the status quo and where it settles too, and the path is drawn.
    seq = report["equilibria"]["seq"]
    assert svg.count("equilibrium") >= len(seq)
    assert "status_quo" in svg and "settled" in svg
    assert re.search(r'class="edge move dm_\w+ path"', svg)
    # Hovering names the state in words.
    sq = report["status_quo"]
    assert f"<title>{sq['id']}: {sq['description']}</title>" in svg


def test_the_full_graph_of_a_large_conflict_draws_what_is_reachable(scenario, monkeypatch):
    from offramp.report import graph_selection

    monkeypatch.setattr(graph_selection, "MAX_FULL", 10)
    g = graph_module.state_graph(scenario, full=True)
    analysis = scenario.analyze()
    reach = {int(s) for s in (analysis.evolution.distance >= 0).nonzero()[0]}
    eq = {int(s) for s in analysis.stability.equilibria("seq")}
    assert set(g.nodes) == reach | eq
    assert "too many to draw" in g.note
    assert all(a in g.nodes and b in g.nodes for a, b, _ in g.edges)


def test_very_large_conflicts_keep_the_path_first(scenario, monkeypatch):
    from offramp.report import graph_selection

    monkeypatch.setattr(graph_selection, "MAX_DRAWN", 5)
    g = graph_module.state_graph(scenario)
    assert len(g.nodes) == 5
    assert g.status_quo in g.nodes and g.settled and g.settled <= set(g.nodes)
    assert g.path_edges and all(a in g.nodes and b in g.nodes for a, b in g.path_edges)
    assert "more SEQ equilibria are not drawn" in g.note


@pytest.mark.parametrize("name", ["chicken", "prisoners-dilemma"])
def test_small_scenarios_without_bargaining_or_uncertainty(name):
    sc = get_builtin(name)
    rep = build_report(sc, thresholds=False, samples=0)
    page = render_html(rep, sc)
    for anchor, _ in SECTIONS:
        assert f'<section id="{anchor}">' in page
    assert offline_problems(page) == []


# ------------------------------------------------------------------ the command


def test_offramp_report_writes_html_and_figures(capsys, tmp_path: Path):
    out = tmp_path / "x.html"
    figs = tmp_path / "figs"
    result = invoke(
        capsys,
        "report",
        "-o",
        str(out),
        "--figures",
        str(figs),
        "--samples",
        "200",
        "--no-thresholds",
        "--no-variants",
    )
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert offline_problems(text) == []
    pngs = sorted(figs.glob("*.png"))
    svgs = sorted(figs.glob("*.svg"))
    stems = {p.stem for p in pngs}
    assert {"state-graph", "probabilities", "tornado", "sweep-trade-relief", "leverage"} <= stems
    assert any(s.startswith("trajectories-") for s in stems)
    assert {p.stem for p in svgs} == stems
    for p in pngs:
        assert p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 1000
    for p in svgs:
        assert "<svg" in p.read_text(encoding="utf-8") and p.stat().st_size > 1000
    assert not list(tmp_path.glob(".x.html.*"))  # no temporary file left behind


def test_offramp_report_markdown(capsys, tmp_path: Path):
    out = tmp_path / "x.md"
    result = invoke(
        capsys, "report", "--format", "markdown", "-o", str(out), "--samples", "0",
        "--no-thresholds", "--no-variants",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert out.read_text(encoding="utf-8").startswith("# Will Beijing broker?")


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "{tmp}/missing/x.html"], "does not exist"),
        (["-o", "{tmp}"], "is a directory"),
        ([], "-o report.html"),
        (["--format", "pdf"], "-o report.pdf"),  # no browser: test_cli_polish
        (["-o", "{tmp}/x.html", "--figures", "{tmp}/file.txt"], "not a directory"),
    ],
)
def test_bad_output_exits_2_with_a_clear_message(capsys, tmp_path: Path, args, message):
    (tmp_path / "file.txt").write_text("x")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = invoke(capsys, "report", *args, "--samples", "0")
    assert result.code == 2
    assert message in " ".join(result.err.split())
    assert not (tmp_path / "x.html").exists()
