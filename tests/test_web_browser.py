"""The workbench in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium).

Screenshots of the main views are written to docs/screenshots/ when OFFRAMP_SCREENSHOTS=1
(that is how the committed ones are refreshed), else to a temporary directory.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server():
    import uvicorn

    from offramp.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    srv.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server)
    pg.wait_for_selector("#status.ok", timeout=20_000)
    yield pg
    context.close()
    # no script error and no Content-Security-Policy violation on any page (a 4xx answer the
    # page shows to the user is logged by Chromium too: that one is expected)
    expected = "Failed to load resource: the server responded with a status of 4"
    assert not [e for e in errors if not e.startswith(expected)], errors


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("OFFRAMP_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        return target
    return tmp_path_factory.mktemp("screenshots")


def test_analyse_the_default_scenario(page, shots) -> None:
    assert "320 feasible states" in page.inner_text("#status")  # the built-in scenario
    page.click("#analyse")
    page.wait_for_selector("#tab-overview h2", timeout=30_000)
    overview = page.inner_text("#tab-overview")
    assert "Will Beijing broker?" in overview
    assert "Does China press Russia?" in overview
    assert "Nash (R)" in overview and "state 6" in overview  # where the evolution settles
    page.screenshot(path=str(shots / "workbench-overview.png"))
    page.click("button[data-tab=variants]")
    assert "No US oil sanctions" in page.inner_text("#tab-variants")
    page.screenshot(path=str(shots / "workbench-variants.png"))


def test_click_a_state_to_see_its_moves(page, shots) -> None:
    page.click("#analyse")
    page.wait_for_selector("#graph g.node", state="attached", timeout=30_000)
    page.click("button[data-tab=graph]")
    page.click("#graph g.node[data-id='4']")
    page.wait_for_selector("#state-panel h3")
    panel = page.inner_text("#state-panel")
    assert "State 4" in panel
    # the analyst's labels, not ids: "United States moves to offer trade concessions"
    assert "Improvement: United States moves to offer trade concessions" in panel
    assert page.locator("#graph .edge.from-selected").count() > 0
    page.screenshot(path=str(shots / "workbench-graph.png"))


def test_a_broken_scenario_shows_the_error_at_its_line(page, shots) -> None:
    text = page.input_value("#editor")
    broken = text.replace("value: -partnership_cost", "value: -partnership_cst", 1)
    line = next(i for i, x in enumerate(broken.splitlines(), 1) if "partnership_cst" in x)
    set_text(page, broken)
    page.click("#check")
    page.wait_for_selector("#problems li.problem")
    first = page.locator("#problems li.problem").first
    assert f"line {line}" in first.inner_text()
    assert "did you mean 'partnership_cost'" in first.inner_text()
    assert page.locator(f"#gutter span.err[data-line='{line}']").count() == 1
    first.click()  # jumps to the line
    start = page.evaluate("document.getElementById('editor').selectionStart")
    assert broken[:start].count("\n") == line - 1
    page.screenshot(path=str(shots / "workbench-error.png"))


def test_run_a_sweep_with_progress(page, shots) -> None:
    page.click("button[data-tab=sweep]")
    page.select_option("#sweep-param", "trade_relief")
    page.fill("#sweep-low", "0")
    page.fill("#sweep-high", "12")
    page.fill("#sweep-step", "0.25")
    page.click("#sweep-form button.primary")
    expect(page.locator("#sweep-status")).to_contain_text("/")
    page.wait_for_selector("#sweep-result table", timeout=60_000)
    status = page.inner_text("#sweep-status")
    assert status.startswith("done: 49 / 49")
    rows = page.locator("#sweep-result tbody tr")
    assert rows.count() == 49
    assert "Yes" in rows.nth(48).inner_text() and "No" in rows.nth(0).inner_text()
    page.screenshot(path=str(shots / "workbench-sweep.png"))


def test_what_would_it_take(page, shots) -> None:
    """The default inverse (every parameter free: pairs within the stated radius, a few
    seconds) shown as the API computed it: the change, its boundary, what was searched."""
    import offramp

    page.click("button[data-tab=inverse]")
    assert page.input_value("#inverse-goal") == "china-presses"
    with page.expect_response("**/api/inverse", timeout=120_000) as answer:
        page.click("#inverse-form button.primary")
    r = answer.value.json()
    page.wait_for_selector("#inverse-result table", timeout=60_000)
    result = page.inner_text("#inverse-result")
    assert r["found"] and r["changes"] and r["verdict_after"] == "yes"
    # the change the page shows makes China press when applied to the scenario
    moved = offramp.default().with_changes({p: c["to"] for p, c in r["changes"].items()})
    assert next(a.verdict for a in moved.answers() if a.question.id == "china-presses") == "yes"
    for name, change in r["changes"].items():
        assert name in result and str(change["to"]) in result
        assert f"just above {r['boundary'][name]:.6g}" in result or (
            f"just below {r['boundary'][name]:.6g}" in result
        )
    assert r["search"]["pairs_searched"] in result  # the limit of the search is stated
    first = next(iter(r["changes"]))
    assert page.input_value("#map-x") == first
    assert page.input_value("#map-y") not in ("", first)
    page.click("#map-form button")
    page.wait_for_selector("#map-result img.answer-map", timeout=60_000)
    assert "boundary points" in page.inner_text("#map-result")
    page.screenshot(path=str(shots / "workbench-inverse.png"), full_page=True)


def test_download_the_report(page) -> None:
    assert page.input_value("#report-format") == "html"
    with page.expect_download(timeout=120_000) as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename.endswith(".html")
    content = Path(download.path()).read_text()
    assert "<h1>Will Beijing broker?" in content or "Will Beijing broker?" in content[:5000]
    assert "<script src" not in content and "<link" not in content
    page.select_option("#report-format", "markdown")
    with page.expect_download(timeout=60_000) as info:
        page.click("#download")
    assert Path(info.value.path()).read_text().startswith("# Will Beijing broker?")


def set_text(page, text: str) -> None:
    """Replace the editor's text as a paste does: the value at once, then one input event."""
    page.eval_on_selector(
        "#editor", "(e, t) => { e.value = t; e.dispatchEvent(new Event('input')); }", text
    )


def analysed(page) -> None:
    page.click("#analyse")
    page.wait_for_selector("#tab-overview h2", timeout=30_000)
    expect(page.locator("#status")).to_contain_text("Analysed")


def test_results_are_marked_stale_when_the_text_changes(page, shots) -> None:
    """Edits mark the results stale at once; the scenario's own text is ~900 lines, so the
    edits are made as a paste is (the value replaced, one input event): Playwright's fill
    of the whole text took ~20 s each."""
    analysed(page)
    results = ["#tab-overview", "#tab-variants", "#tab-graph"]
    for sel in results:
        assert "stale" not in (page.get_attribute(sel, "class") or "")
    text = page.input_value("#editor")
    set_text(page, text + "# an edit\n")  # still valid: stale at once, before any check
    for sel in results:
        assert "stale" in page.get_attribute(sel, "class")
    assert "changed since these results" in page.get_attribute("#tab-overview", "data-stale")
    set_text(page, text)  # back to the analysed text: fresh again
    for sel in results:
        assert "stale" not in page.get_attribute(sel, "class")
    broken = text.replace("value: -partnership_cost", "value: -partnership_cst", 1)
    set_text(page, broken)
    page.wait_for_selector("#problems li.problem")  # checked as typed: no click on Check
    expect(page.locator("#tab-overview")).to_have_attribute("data-stale", re.compile("problems"))
    page.screenshot(path=str(shots / "workbench-stale.png"))
    set_text(page, text)
    analysed(page)
    for sel in results:
        assert "stale" not in page.get_attribute(sel, "class")


def test_validation_runs_as_you_type(page) -> None:
    editor = page.locator("#editor")
    text = page.input_value("#editor")
    line = next(i for i, x in enumerate(text.splitlines(), 1) if "value: -partnership_cost" in x)
    editor.click()
    page.evaluate(
        "n => { const t = document.getElementById('editor'); const at = t.value.split('\\n')"
        ".slice(0, n - 1).join('\\n').length + 1; t.setSelectionRange(at, at); }",
        line,
    )
    page.keyboard.press("End")
    page.keyboard.press("Backspace")  # partnership_cost -> partnership_cos, as typed
    problem = page.locator("#problems li.problem").first
    expect(problem).to_contain_text("did you mean 'partnership_cost'", timeout=5_000)
    expect(problem).to_contain_text(f"line {line}")
    assert page.locator(f"#gutter span.err[data-line='{line}']").count() == 1
    page.keyboard.type("t")
    expect(page.locator("#problems li.problem")).to_have_count(0, timeout=5_000)
    expect(page.locator("#status")).to_contain_text("Valid")


def test_open_a_file_and_refuse_binary(page) -> None:
    text = page.input_value("#editor").replace("Will Beijing broker?", "My own file")
    page.set_input_files(
        "#upload", files=[{"name": "mine.yaml", "mimeType": "text/yaml", "buffer": text.encode()}]
    )
    expect(page.locator("#status")).to_contain_text("Valid")
    chosen = page.eval_on_selector("#builtin", "s => s.options[s.selectedIndex].text")
    assert chosen == "mine.yaml (opened file)"
    assert "My own file" in page.input_value("#editor")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    page.set_input_files(
        "#upload", files=[{"name": "photo.yaml", "mimeType": "image/png", "buffer": png}]
    )
    problem = page.locator("#problems li.problem").first
    expect(problem).to_contain_text("photo.yaml: not UTF-8 text (invalid start byte at byte 0)")
    assert "My own file" in page.input_value("#editor")  # the editor keeps the last text
    page.select_option("#builtin", "chicken")
    expect(page.locator("#status")).to_contain_text("4 feasible states")
    page.select_option("#builtin", "file:mine.yaml")  # the opened file is still in the menu
    expect(page.locator("#status")).to_contain_text("320 feasible states")


def test_sweep_form_gives_the_clis_message(page) -> None:
    page.click("button[data-tab=sweep]")
    page.select_option("#sweep-param", "trade_relief")
    page.fill("#sweep-low", "0")
    page.fill("#sweep-high", "12")
    page.fill("#sweep-step", "0")
    page.click("#sweep-form button.primary")
    expect(page.locator("#sweep-status")).to_have_text(
        "failed: 'trade_relief=0:12:0': need FROM <= TO and a positive STEP"
    )


def test_state_graph_zooms_pans_and_names_options(page) -> None:
    analysed(page)
    page.click("button[data-tab=graph]")
    box = lambda: [float(x) for x in page.get_attribute("#graph", "viewBox").split()]  # noqa: E731
    full = box()
    page.click("#zoom-in")
    zoomed = box()
    assert zoomed[2] < full[2] and zoomed[3] < full[3]
    svg = page.locator("#graph").bounding_box()
    page.mouse.move(svg["x"] + 200, svg["y"] + 200)
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(100)
    assert box()[2] < zoomed[2]
    before = box()
    page.mouse.down()
    page.mouse.move(svg["x"] + 300, svg["y"] + 260, steps=5)
    page.mouse.up()
    after = box()
    assert after[0] < before[0] and after[1] < before[1] and after[2] == before[2]
    page.click("#zoom-fit")  # the whole graph: at least as much as the first view
    fit = box()
    assert fit[0] == fit[1] == 0 and fit[2] >= full[2]
    page.hover("#graph g.node[data-id='4']")
    tip = page.locator("#graph-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("State 4 (status quo)")
    expect(tip).to_contain_text("United States: sanction Russian oil")


def test_state_graph_shows_the_core_then_every_state_on_request(page) -> None:
    """Above 30 states the workbench draws the status quo, the equilibria and the paths between
    them; a button draws more (every state up to the full graph's limit, else those reachable
    from the status quo and the equilibria, and says so), and another goes back. The counts
    come from the selection rule the page is drawn by."""
    import offramp
    from offramp.conflict.concepts import DEFAULT_CONCEPT
    from offramp.report.graph_selection import select_states

    analysis = offramp.default().analyze()
    n = analysis.model.n_states
    core_sel = select_states(analysis, DEFAULT_CONCEPT)
    full_sel = select_states(analysis, DEFAULT_CONCEPT, full=True)
    analysed(page)
    page.click("button[data-tab=graph]")
    core = page.locator("#graph g.node").count()
    assert core == len(core_sel.nodes) and 0 < core < n
    label = (
        f"Show every state ({n})"
        if full_sel.mode == "all"
        else f"Show more states ({len(full_sel.nodes)} of {n})"
    )
    expect(page.locator("#graph-full")).to_have_text(label)
    page.click("#graph-full")
    expect(page.locator("#graph g.node")).to_have_count(len(full_sel.nodes))
    page.click("#graph-full")
    expect(page.locator("#graph g.node")).to_have_count(core)
