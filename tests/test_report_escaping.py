"""Reports escape for their medium (issue 11, item 5): whatever a scenario file's labels,
descriptions, notes and sources hold, the Markdown report shows them as text (no raw HTML,
only http(s) links), and the HTML report's charts and graph show them as text, never markup.

The Markdown is rendered with markdown-it (CommonMark, raw HTML *enabled*, as permissive as
the renderers that would show it), so the test looks at what a reader's viewer would do with
it, not at strings."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import offramp
from offramp.report.figdata import collect_figures
from offramp.report.html import render_html
from offramp.report.markdown import md, render_markdown, safe_link
from offramp.service.report_content import build_report

HOSTILE = {
    "name": "<script>alert('name')</script> [x](javascript:alert(1))",
    "description": "<img src=x onerror=alert(1)> **bold** <javascript:alert(2)>",
    "dm": "<b onmouseover=alert(3)>Row</b>",
    "option": '<a href="https://evil.example/">dare</a>',
    "parameter": "<a href='javascript:alert(4)'>stake</a> $x^2$",
    "ask": "Does <iframe src=//evil.example> | Row | dare? `code` _em_",
    "variant": "<svg onload=alert(5)>",
    "source": "[title](javascript:alert(6)) <https://evil.example/>",
}

SCENARIO = """\
format: offramp/1
name: {name!r}
description: {description!r}
sources:
  - id: bad
    title: {source!r}
    url: "javascript:alert(7)"
  - id: good
    title: fine
    url: "https://example.org/paper"
decision_makers:
  - name: Row
    label: {dm!r}
    options:
      - name: dare
        label: {option!r}
        description: {description!r}
  - name: Col
    options:
      - name: dare
parameters:
  stake:
    value: 2
    distribution: {{type: uniform, low: 1, high: 3}}
    label: {parameter!r}
preferences:
  Row:
    weights:
      - when: Row.dare & !Col.dare
        value: stake
      - when: Row.dare & Col.dare
        value: -5
  Col:
    weights:
      - when: Col.dare & !Row.dare
        value: 2
      - when: Row.dare & Col.dare
        value: -5
status_quo: []
questions:
  - id: dares
    ask: {ask!r}
    holds_when: Row.dare
    parameter: stake
    range: [0, 4]
variants:
  - name: calm
    label: {variant!r}
    parameters: {{stake: 0}}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(SCENARIO.format(**HOSTILE), encoding="utf-8")
    scenario = offramp.load(path)
    report = build_report(scenario, samples=60, seed=1)
    return scenario, report


class Elements(HTMLParser):
    """Every element and attribute in an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict]]:
    p = Elements()
    p.feed(html)
    p.close()
    return p.tags


def test_markdown_shows_hostile_text_as_text(hostile):
    _, report = hostile
    text = render_markdown(report)
    html = MarkdownIt("commonmark", {"html": True}).render(text)
    tags = elements(html)
    allowed = {"h1", "h2", "h3", "p", "ul", "li", "em", "strong", "code", "table", "thead",
               "tbody", "tr", "th", "td", "a", "blockquote", "br"}  # fmt: skip
    assert {t for t, _ in tags} <= allowed, {t for t, _ in tags} - allowed
    for tag, attrs in tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "a":
            assert re.match(r"https?://", attrs.get("href", "")), attrs
    links = [a["href"] for t, a in tags if t == "a"]
    assert links == ["https://example.org/paper"]
    # The text itself survives, visibly.
    assert "&lt;script&gt;alert('name')&lt;/script&gt;" in html
    assert "javascript:alert(7)" in html  # shown, not linked
    assert "<javascript:" not in text


def test_markdown_tables_keep_their_shape(hostile):
    _, report = hostile
    text = render_markdown(report)
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    # The question holds '|' characters: escaped, so each row keeps its cell count.
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        counts = {len(re.findall(r"<t[hd][ >]", r)) for r in rows}
        assert len(counts) == 1, table[:400]


def test_html_report_charts_and_graph_hold_no_markup_from_the_file(hostile):
    scenario, report = hostile
    page = render_html(report, scenario, figures=collect_figures(report, scenario))
    tags = elements(page)
    names = {t for t, _ in tags}
    assert not names & {"script", "img", "iframe", "a", "b"} - {"script", "a"}
    assert sum(1 for t, _ in tags if t == "script") == 1  # our own
    # No link leaves the page; no event handler from the file.
    for tag, attrs in tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "a":
            assert attrs.get("href", "").startswith("#"), attrs
    assert "&lt;a href=&#x27;javascript:alert(4)&#x27;&gt;stake&lt;/a&gt;" in page
    # Inside the SVG charts too, the labels are text.
    charts = re.findall(r'<svg class="chart-svg".*?</svg>', page, re.S)
    assert charts
    for svg in charts:
        inner = {t for t, _ in elements(svg)}
        assert inner <= {"svg", "title", "text", "rect", "line", "polyline", "g"}, inner


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_md_never_lets_html_or_links_through(text):
    html = MarkdownIt("commonmark", {"html": True}).render(f"- {md(text)}\n")
    tags = {t for t, _ in elements(html)}
    assert tags <= {"ul", "li", "p"}, (text, html)


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_safe_link_links_only_http(text):
    html = MarkdownIt("commonmark", {"html": True}).render(safe_link(text))
    for tag, attrs in elements(html):
        assert tag != "a" or re.match(r"https?://", attrs["href"]), (text, html)


def test_static_figures_take_labels_as_text(hostile, tmp_path: Path):
    from offramp.report.figures import write_figures

    scenario, report = hostile
    paths = write_figures(report, scenario, tmp_path)  # '$x^2$' would fail as mathtext
    assert any(p.suffix == ".svg" for p in paths)
