"""The workbench's as-of field in a real browser (Playwright driving /usr/bin/chromium): it starts
at the scenario's own date, a date picked changes the answers and the date the page says they
are for, a date before a figure was known shows the refusal at the formula."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import offramp
from tests.test_as_of import BASE  # 'gain' is 2 as of 2025-03-01, 8 once the 2025-06-01 figure
from tests.test_web_browser import page, server  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.browser


def analysed(pg, as_of: str) -> str:
    """Press Analyse and wait for the overview computed as of ``as_of``; its answer to the
    one question."""
    pg.click("#analyse")
    pg.wait_for_selector(f"#as-of-line[data-as-of='{as_of}']", timeout=30_000)
    return pg.inner_text("#tab-overview table tbody tr td:nth-child(2)")


def test_pick_a_date_and_the_answer_and_its_date_follow(page) -> None:  # noqa: F811
    own = offramp.get_builtin("beijing-broker").spec.document.as_of
    expect(page.locator("#as-of")).to_have_value(own.isoformat())  # the built-in's own date
    page.fill("#editor", BASE)
    expect(page.locator("#as-of")).to_have_value("2025-03-01")  # follows the scenario's own
    assert analysed(page, "2025-03-01") == "No"
    assert "As of 2025-03-01: only the evidence published by then" in page.inner_text("#as-of-line")
    nxt = page.inner_text("#what-happened-next")
    assert "Published 2025-06-01" in nxt and "Yes with the later figures (changed)" in nxt
    page.fill("#as-of", "2025-07-01")
    expect(page.locator("#tab-overview")).to_have_class("tab active stale")
    assert analysed(page, "2025-07-01") == "Yes"
    assert "Analysed as of 2025-07-01" in page.inner_text("#status")
    assert page.locator("#what-happened-next").count() == 0  # nothing was published later
    page.fill("#as-of", "2024-01-01")  # before the figure 'cut' was first published
    page.wait_for_selector("#problems li.problem")
    first = page.inner_text("#problems li.problem >> nth=0")
    assert "'cut' was not yet known on the analysis date 2024-01-01" in first
    assert "as of 2024-01-01" in page.inner_text("#status")
    page.check("#as-of-latest")
    expect(page.locator("#as-of")).to_be_disabled()
    expect(page.locator("#problems li.problem")).to_have_count(0)
    assert analysed(page, "latest") == "Yes"
    assert "every figure" in page.inner_text("#as-of-line")
