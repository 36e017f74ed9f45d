"""The HTML report's hand-written SVG charts: well-formed, drawn to scale, and the ticks
round and inside the axis."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from offramp.report import charts
from offramp.report.figdata import Sweep


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-6, 1e6, allow_nan=False),
)
def test_nice_ticks_are_round_evenly_spaced_and_inside(lo, span):
    assume(span > 1e-6 * abs(lo))  # an axis, not a float-resolution artefact
    hi = lo + span
    ticks = charts.nice_ticks(lo, hi)
    assert 2 <= len(ticks) <= 12 or span < 1e-3
    tol = span * 1e-6
    assert all(lo - tol <= t <= hi + tol for t in ticks)
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    if len(ticks) > 2:
        assert max(steps) - min(steps) <= 1e-6 * max(abs(lo), abs(hi), 1)
        step = ticks[1] - ticks[0]
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert any(abs(mantissa - m) < 1e-6 for m in (1, 2, 2.5, 5, 10))


def _svg(fragment: str) -> ET.Element:
    svg = re.search(r"<svg.*</svg>", fragment, re.S).group(0)
    return ET.fromstring(svg)


def test_probability_bars_are_drawn_to_scale():
    mc = {
        "samples": 100,
        "questions": [
            {"id": "q", "ask": "Q <b>?</b>", "yes": 0.25, "no": 0.5, "depends": 0.25,
             "undetermined": 0.0},
        ],
    }  # fmt: skip
    root = _svg(charts.probabilities_figure(mc))
    rects = [r for r in root.iter("rect") if r.find("title") is not None]
    widths = [float(r.get("width")) for r in rects]
    full = charts.WIDTH - charts.LEFT - charts.RIGHT
    assert widths == pytest.approx([0.25 * full, 0.5 * full, 0.25 * full], abs=0.1)
    texts = [t.text for t in root.iter("text")]
    assert "Q <b>?</b>" in texts  # the label as text, parsed back from escaped XML


def test_sweep_marks_the_threshold_and_today():
    sw = Sweep(
        parameter="p",
        current=4.0,
        values=[0.0, 5.0, 10.0, 15.0],
        questions=[("a", "A?"), ("b", "B?")],
        answers={"a": ["no", "no", "yes", "yes"], "b": ["no"] * 4},
        thresholds=[{"question": "a", "value": 7.00001, "becomes": True}],
    )
    fragment = charts.sweep_figure(sw, "the stake <x>", 1)
    root = _svg(fragment)
    texts = [t.text for t in root.iter("text")]
    assert "threshold 7" in texts and "today 4" in texts and "the stake <x>" in texts
    lines = [ln for ln in root.iter("line") if ln.get("class") == "threshold"]
    assert len(lines) == 2  # one per row
    x = charts._Axis(0.0, 15.0)(7.00001)
    assert all(float(ln.get("x1")) == pytest.approx(x, abs=0.1) for ln in lines)
    assert '<figcaption class="chart-title">Answers as the stake &lt;x&gt; varies' in fragment


def test_tornado_and_settles_are_well_formed():
    root = _svg(charts.tornado_figure("t", [{"input": "a", "label": "A & B", "rho": -0.5}]))
    assert "A & B" in [t.text for t in root.iter("text")]
    mc = {"settles_probability": {"seq": [{"id": 3, "taken": ["X.go"], "probability": 0.7}]}}
    root = _svg(charts.settles_figure(mc, options={"X.go": "go <now>"}))
    assert "state 3: go <now>" in [t.text for t in root.iter("text")]
    assert charts.settles_figure({"settles_probability": {}}) is None
