"""The HTML report as a reader gets it (issue 10, items 4 and 5): ``offramp report`` on the
built-in scenario writes a small page that loads nothing from the network, and in Debian's
Chromium, at a phone's 400 px and a laptop's 1280 px, it neither scrolls sideways nor logs an
error, and its state graph shows by default only the status quo, the equilibria and the paths
between them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_html_report import offline_problems

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
LIMIT = 1_500_000


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """The report exactly as a user makes it: ``offramp report -o FILE``, default options,
    in a process of its own."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    code = "import sys; from offramp.cli.main import run; sys.argv[0] = 'offramp'; run()"
    done = subprocess.run(
        [sys.executable, "-c", code, "report", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_the_default_report_is_small_and_loads_nothing(written: Path):
    data = written.read_bytes()
    assert len(data) < LIMIT, f"{len(data):,} bytes"
    html = data.decode("utf-8")
    assert offline_problems(html) == []
    # No http(s) address anywhere a browser would load from: attributes, CSS, scripts.
    assert not re.search(r"""(src|href|action|data|poster)\s*=\s*["']?\s*(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert not re.search(r"<script[^>]*\bsrc", html)
    script = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(script) == 1 and "http" not in script[0] and "fetch(" not in script[0]


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """docs/screenshots/ when OFFRAMP_SCREENSHOTS=1 (how the committed ones are refreshed),
    else a temporary directory."""
    if os.environ.get("OFFRAMP_SCREENSHOTS") == "1":
        return ROOT / "docs" / "screenshots"
    return tmp_path_factory.mktemp("shots")


@pytest.mark.browser
@pytest.mark.parametrize("width", [400, 1280])
def test_no_sideways_scroll_no_console_error_no_request(
    browser, written: Path, width: int, shots: Path
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(written.as_uri())
    page.wait_for_load_state("load")
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.body.scrollWidth]"
    )
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[1], sizes
    # Open every collapsed part too (the stability table, the full graph): still no overflow.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] <= sizes[1], sizes
    assert errors == []
    assert requests == [written.as_uri()]
    if width == 400:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
        page.locator("#variants").screenshot(path=str(shots / "report-variants-400px.png"))
    context.close()


@pytest.mark.browser
def test_the_state_graph_shows_the_core_by_default(browser, written: Path, shots: Path):
    import offramp

    analysis = offramp.default().analyze()
    sq = int(analysis.model.status_quo) + 1
    eq = {int(s) + 1 for s in analysis.stability.equilibria("seq")}
    evo = analysis.evolution
    on_paths = {
        st.target + 1
        for s in analysis.stability.equilibria("seq")
        if evo.distance[s] >= 0
        for st in evo.path(int(s)) or []
    }
    allowed = {sq} | eq | on_paths
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(written.as_uri())
    visible = page.evaluate(
        """() => [...document.querySelectorAll('#state-graph svg.state-graph g.node')]
               .filter(n => n.checkVisibility())
               .map(n => n.querySelector('text').textContent.trim())"""
    )
    ids = {int(v) for v in visible}
    assert ids and ids <= allowed and sq in ids and eq <= ids
    assert len(ids) < analysis.model.n_states
    # Hover names the state in words; the legend names every option by its label.
    title = page.evaluate(
        f"""() => [...document.querySelectorAll('#state-graph g.node title')]
               .map(t => t.textContent).find(t => t.startsWith('{sq}:'))"""
    )
    assert title == f"{sq}: " + analysis.describe_state(sq - 1)
    legend = page.inner_text("#state-graph ul.options-legend")
    for k in range(len(analysis.model.option_names)):
        assert analysis.scenario.option_label(k) in legend
    page.locator("#findings").screenshot(path=str(shots / "report-findings.png"))
    page.locator("#state-graph figure.graph-box").first.screenshot(
        path=str(shots / "report-state-graph.png")
    )
    # The full graph is there on request.
    page.click("#state-graph details.full-graph summary")
    full = page.evaluate(
        """() => [...document.querySelectorAll('details.full-graph g.node')]
               .filter(n => n.checkVisibility()).length"""
    )
    # every state up to the limit of a full graph, else those reachable from the status quo
    # and the equilibria (the note says so): the rule the report is drawn by
    from offramp.conflict.concepts import DEFAULT_CONCEPT
    from offramp.report.graph_selection import select_states

    largest = select_states(analysis, DEFAULT_CONCEPT, full=True)
    assert full == len(largest.nodes) > len(ids)
    if largest.mode != "all":
        note = page.inner_text("#state-graph details.full-graph p.note")
        assert f"{analysis.model.n_states:,} states are too many to draw" in note
    page.close()
