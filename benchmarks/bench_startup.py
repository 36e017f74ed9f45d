"""Start-up: ``offramp --help`` and ``offramp stability elmira.yaml`` (12 states) as a user runs
them, each a fresh process, 1 warm-up then 7 runs; wall and CPU (user + sys, the kernel's
accounting of the child), min and median. ``python -X importtime -c "import offramp.cli.main"``
shows where the import time goes.

The commands run as on a user's machine: Python may write its bytecode caches (``__pycache__``),
so ``PYTHONDONTWRITEBYTECODE`` is removed from their environment and the warm-up run writes the
caches the counted runs read. (A shell that sets it, as this project's build machine does, makes
every run compile offramp's ~90 modules again: about 0.1 s more.)

    python benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import platform
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "peers"))

from timing import run_once  # noqa: E402

ELMIRA = os.path.join(HERE, "..", "src", "offramp", "scenarios", "elmira.yaml")


def main() -> None:
    offramp = os.path.join(os.path.dirname(sys.executable), "offramp")
    env = dict(os.environ, OFFRAMP_HISTORY="0")  # run_once drops PYTHONDONTWRITEBYTECODE
    print(
        f"# {platform.machine()}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    print("| command | wall min / median (s) | CPU min / median (s) |")
    print("|---|---:|---:|")
    for label, args in [
        ("offramp --help", ["--help"]),
        ("offramp stability elmira.yaml", ["stability", ELMIRA]),
        ("python -c pass (the interpreter alone)", None),
    ]:
        cmd = [offramp, *args] if args is not None else [sys.executable, "-c", "pass"]
        got = [run_once(cmd, env) for _ in range(8)][1:]
        wall, cpu = [r.wall for r in got], [r.cpu for r in got]
        print(
            f"| `{label}` | {min(wall):.3f} / {statistics.median(wall):.3f} "
            f"| {min(cpu):.3f} / {statistics.median(cpu):.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
