"""The HTML report printed to PDF by a headless Chromium already on the machine.

offramp ships no PDF engine: the libraries that would make one cheaply need system libraries
outside pip (WeasyPrint needs Pango), are GPL/AGPL, or download a browser, and none runs the
charts' JavaScript. A Chromium that is already installed (Debian's ``chromium``, Google
Chrome) does all of that: it opens the self-contained HTML report, which has print styles, and
prints it (``--headless --print-to-pdf``). Without one, :class:`PdfUnavailable` says how to
get a PDF anyway. ``OFFRAMP_CHROMIUM`` names the browser to use when it is not on ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from offramp.errors import OfframpError

#: the browsers tried, in order, on PATH
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: a report prints in a few seconds; a browser that hangs is stopped after this long
TIMEOUT_SECONDS = 120


class PdfUnavailable(OfframpError):
    """No Chromium to print with, or it failed: the message says what to do instead."""


def find_browser() -> str | None:
    """The Chromium to print with: ``OFFRAMP_CHROMIUM`` when set, else the first of
    :data:`BROWSERS` on ``PATH``."""
    chosen = os.environ.get("OFFRAMP_CHROMIUM")
    if chosen:
        return shutil.which(chosen) or (chosen if os.access(chosen, os.X_OK) else None)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


INSTEAD = (
    "Write the HTML report (--format html -o report.html), open it in a browser and print "
    "it to PDF: the page has print styles"
)


def require_browser() -> str:
    """:func:`find_browser`, or :class:`PdfUnavailable` saying what to do without one."""
    browser = find_browser()
    if browser is None:
        raise PdfUnavailable(
            "PDF output needs Chromium or Google Chrome, and none was found (install Debian's "
            f"'chromium', or set OFFRAMP_CHROMIUM to the browser). {INSTEAD}."
        )
    return browser


def html_to_pdf(html: str, browser: str | None = None) -> bytes:
    """``html`` (a self-contained page) as PDF bytes, printed by a headless Chromium."""
    browser = browser or require_browser()
    with tempfile.TemporaryDirectory(prefix="offramp-pdf-") as tmp:
        page, pdf = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",  # never the user's own profile
            f"--print-to-pdf={pdf}",
            "--virtual-time-budget=5000",  # lets the charts' scripts run before printing
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        command.append(page.as_uri())
        try:
            proc = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(
                f"{browser} did not print the report within {TIMEOUT_SECONDS} s. {INSTEAD}."
            ) from None
        except OSError as exc:
            raise PdfUnavailable(f"cannot run {browser}: {exc.strerror}. {INSTEAD}.") from None
        if not pdf.exists() or pdf.stat().st_size == 0:
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            raise PdfUnavailable(
                f"{browser} printed no PDF (exit {proc.returncode}: {last}). {INSTEAD}."
            )
        return pdf.read_bytes()
