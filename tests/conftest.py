from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from hypothesis import settings

#: Hypothesis draws new examples on every run of the fast loop, so it keeps exploring; the full
#: run of scripts/test.sh (CI) sets OFFRAMP_HYPOTHESIS_PROFILE=ci: the same examples every run,
#: so that a red CI is about the change, not about the draw. A counterexample found while
#: working becomes an explicit test (e.g. tests/bargaining/test_scale_invariance.py).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("OFFRAMP_HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
#: The reference cases the tests read, vendored from ../shared/data (tests/data/README.md).
REFERENCE = ROOT / "tests" / "data"
#: Debian's Chromium, which the browser tests drive with Playwright (scripts/test.sh installs it).
CHROMIUM = "/usr/bin/chromium"


#: node ids of the tests left out of the fast loop (see the file's header)
SLOW_TESTS = frozenset(
    line.strip()
    for line in (ROOT / "tests" / "slow_tests.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C works in the commands the tests start, however the suite was started: a
    non-interactive shell starts a background job (``cmd &``) with SIGINT ignored, which its
    children inherit (an ignored signal stays ignored across exec), so the Ctrl-C tests'
    commands would never see their interrupt. Catching it here makes every child start with
    the default, as under a terminal."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `slow` the tests listed in tests/slow_tests.txt (a test, or one parametrisation)."""
    for item in items:
        if item.nodeid in SLOW_TESTS or item.nodeid.split("[")[0] in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def shared() -> Path:
    return SHARED


@pytest.fixture(autouse=True)
def _private_history(tmp_path_factory, monkeypatch):
    """Every test records runs into its own throwaway history, never the user's, and sees the
    output width of a pipe (no ``COLUMNS``: pytest-xdist's workers set it to 80) unless it sets
    one itself."""
    monkeypatch.setenv("OFFRAMP_HOME", str(tmp_path_factory.mktemp("offramp-home")))
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run history of the test's own, with history on and the once-only warning re-armed."""
    from offramp.history import store

    path = tmp_path / "home"
    monkeypatch.setenv("OFFRAMP_HOME", str(path))
    monkeypatch.delenv("OFFRAMP_HISTORY", raising=False)
    monkeypatch.setattr(store, "_warned", False)
    return path
