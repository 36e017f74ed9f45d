"""The HTML report's small-screen defects (issue 25): a 100% bar's label stays inside the
chart, chart text grows on phones, and ids break between their words, never inside one."""

from __future__ import annotations

import re

from offramp.report import charts
from offramp.report.html import CSS
from offramp.report.provenance import code_id


def test_a_full_bar_keeps_its_label_inside_the_chart():
    mc = {"settles_probability": {"seq": [{"id": 6, "taken": [], "probability": 1.0}]}}
    svg = charts.settles_figure(mc)
    assert svg is not None
    labels = re.findall(r'<text x="([\d.]+)"[^>]*>(100\.0%)</text>', svg)
    assert labels, svg
    for x, text in labels:
        anchor = re.search(rf'<text x="{x}"[^>]*>{re.escape(text)}', svg)[0]
        right = float(x) if 'text-anchor="end"' in anchor else float(x) + charts.CHAR * len(text)
        assert right <= charts.WIDTH


def test_a_small_bar_keeps_its_label_after_the_bar():
    mc = {"settles_probability": {"seq": [{"id": 6, "taken": [], "probability": 0.2}]}}
    svg = charts.settles_figure(mc)
    assert re.search(r'<text x="[\d.]+" y="[\d.]+" class="tick">20\.0%</text>', svg)


def test_chart_text_grows_on_narrow_screens():
    rule = re.search(r"@media \(max-width: 32rem\) \{(.*?)\n\}", charts.CSS, re.S)
    assert rule
    sizes = [int(x) for x in re.findall(r"font-size: (\d+)px", rule[1])]
    assert sizes and min(sizes) > 12  # 12 units is the drawing's normal size
    assert 'style="' not in charts.settles_figure(
        {"settles_probability": {"seq": [{"id": 1, "taken": [], "probability": 0.5}]}}
    )  # no inline style: the workbench's content security policy would refuse it


def test_ids_break_after_underscores_and_dots_only():
    assert code_id("trade_relief") == "<code>trade_<wbr>relief</code>"
    assert code_id("US.relief") == "<code>US.<wbr>relief</code>"
    assert code_id("a<b") == "<code>a&lt;b</code>"
    assert "overflow-wrap: anywhere" not in CSS
