"""Run a few lines of Python in a fresh interpreter and return what they print: for what only a
new process shows (the modules a start-up imports, the settings the console script makes)."""

from __future__ import annotations

import subprocess
import sys


def probe(code: str, env: dict[str, str] | None = None) -> str:
    """Standard output of ``python -c code``, with no run history and a bare environment plus
    ``env``; fails the test on a non-zero exit."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={"OFFRAMP_HISTORY": "0", "PATH": "/usr/bin:/bin", **(env or {})},
    )
    return out.stdout
