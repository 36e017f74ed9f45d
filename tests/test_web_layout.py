"""The workbench on any screen, its run comparison and its Monte Carlo tables, in Chromium
(issue 25). Screenshots at 400 and 1280 px go to docs/screenshots/ with OFFRAMP_SCREENSHOTS=1
(how the committed ones are refreshed), else to a temporary directory."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.test_web_browser import server, shots  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

WIDTHS = (360, 400, 768, 1280)
TABS = ("overview", "graph", "variants", "sweep", "montecarlo", "inverse", "runs")


def open_page(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#status.ok", timeout=20_000)
    return context, page, errors


def analyse(page) -> None:
    page.click("#analyse")
    page.wait_for_selector("#tab-overview h2", timeout=30_000)
    expect(page.locator("#status")).to_contain_text("Analysed")


def overflow(page) -> int:
    """How far the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_layout_at_every_width(browser, server, shots, width):  # noqa: F811
    context, page, errors = open_page(browser, server, width)
    try:
        analyse(page)
        editor = page.locator("#editor-pane").bounding_box()
        results = page.locator("#results-pane").bounding_box()
        assert editor and results
        if width < 900:  # stacked: each as wide as the screen, the results below the editor
            assert results["y"] >= editor["y"] + editor["height"] - 1
            assert results["width"] >= 0.9 * width
        else:  # side by side, the results the wider
            assert abs(results["y"] - editor["y"]) < 2
            assert results["width"] > editor["width"]
        assert overflow(page) <= 0
        for control in ("#builtin", "#variant", "#check", "#analyse", "#download"):
            box = page.locator(control).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, control
        for tab in TABS:
            button = page.locator(f"button[data-tab={tab}]")
            box = button.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, tab
            button.click()
            expect(page.locator(f"#tab-{tab}")).to_be_visible()
            assert overflow(page) <= 0, tab
        if width in (400, 1280):
            page.locator("button[data-tab=overview]").click()
            page.screenshot(path=str(shots / f"workbench-{width}px.png"))
    finally:
        context.close()
    assert not errors, errors


def test_compare_two_runs_and_reopen_one(browser, server, shots):  # noqa: F811
    from offramp.history import diff_runs, get_run, list_runs
    from offramp.report.run_diff import diff_lines

    context, page, errors = open_page(browser, server, 1280)
    try:
        analyse(page)
        first = page.input_value("#editor")
        # one parameter's value raised by one: the scenario text changes
        changed = re.sub(
            r"^(    value: )(\d+)$", lambda m: f"{m[1]}{int(m[2]) + 1}", first, count=1, flags=re.M
        )
        assert changed != first, "the test edits a parameter's value"
        page.eval_on_selector(  # as typing would, without typing 40 kB
            "#editor", "(e, t) => { e.value = t; e.dispatchEvent(new Event('input')); }", changed
        )
        page.wait_for_selector("#status.ok", timeout=20_000)
        page.click("#analyse")
        for _ in range(150):  # the second analysis recorded
            runs = list_runs(2)
            if len(runs) == 2:
                break
            page.wait_for_timeout(200)
        assert [r.command for r in runs] == ["web:analyze", "web:analyze"]
        page.click("button[data-tab=runs]")
        expect(page.locator("#runs-list tbody tr")).to_have_count(2)
        page.select_option("#run-a", runs[1].id)
        page.select_option("#run-b", runs[0].id)
        page.click("#runs-compare")
        page.wait_for_selector("#runs-diff h3", timeout=20_000)
        shown = " ".join(page.inner_text("#runs-diff").split())
        expected = diff_lines(diff_runs(get_run(runs[1].id), get_run(runs[0].id)))
        assert any(k == "diff" for k, _ in expected)  # the scenario text changed
        for _kind, text in expected:  # the CLI's lines, every one of them
            for line in text.splitlines():
                assert " ".join(line.split()) in shown, line
        page.screenshot(path=str(shots / "workbench-runs.png"), full_page=True)
        page.click(f"#runs-list button.reopen[data-run='{runs[1].id}']")
        expect(page.locator("#status")).to_contain_text(f"Reopened run #{runs[1].seq}")
        assert page.input_value("#editor") == get_run(runs[1].id).scenario_text
    finally:
        context.close()
    assert not errors, errors


def test_monte_carlo_tab_has_the_reports_tables(browser, server, shots):  # noqa: F811
    context, page, errors = open_page(browser, server, 1280)
    try:
        page.click("button[data-tab=montecarlo]")
        page.fill("#mc-n", "300")
        page.click("#mc-form button.primary")
        page.wait_for_selector("#mc-result .report-part", timeout=90_000)
        part = page.locator("#mc-result .report-part")
        expect(part).to_contain_text("Negotiation forecasts at the settled outcome")
        expect(part).to_contain_text("Sensitivity (tornado)")
        head = part.locator("table.forecasts thead").inner_text()
        for col in ("model", "dimension", "mean", "p5", "median", "p95", "driven most by"):
            assert col in head
        from offramp.history import get_run

        data = get_run("last").results  # what the job computed and recorded
        rows = part.locator("table.forecasts tbody tr")
        assert rows.count() == sum(len(dims) for dims in data["forecasts"].values())
        first_model, dims = next(iter(data["forecasts"].items()))
        first = next(iter(dims.values()))
        cells = rows.nth(0).locator("td").all_inner_texts()
        assert cells[0] == first_model
        assert cells[2:6] == [f"{first[c]:.1f}" for c in ("mean", "p5", "median", "p95")]
        assert part.locator("svg.chart-svg").count() >= 2
        page.screenshot(path=str(shots / "workbench-montecarlo.png"), full_page=True)
    finally:
        context.close()
    assert not errors, errors


def test_fit_keeps_the_states_readable(browser, server):  # noqa: F811
    """Fit shows as much of the graph as stays readable: on the largest graph the workbench
    draws of the built-in scenario (its count from the selection rule the page uses) the
    states' numbers stay at least 8 px high, after zooming out."""
    import offramp
    from offramp.conflict.concepts import DEFAULT_CONCEPT
    from offramp.report.graph_selection import select_states

    largest = select_states(offramp.default().analyze(), DEFAULT_CONCEPT, full=True)
    context, page, errors = open_page(browser, server, 1280)
    try:
        analyse(page)
        page.click("button[data-tab=graph]")
        page.click("#graph-full")
        expect(page.locator("#graph g.node")).to_have_count(len(largest.nodes))
        for _ in range(4):
            page.click("#zoom-out")
        page.click("#zoom-fit")
        sizes = page.eval_on_selector_all(
            "#graph g.node text",
            "els => els.map(e => parseFloat(getComputedStyle(e).fontSize) * "
            "e.ownerSVGElement.getScreenCTM().a)",
        )
        assert sizes and min(sizes) >= 8, min(sizes)
    finally:
        context.close()
    assert not errors, errors
