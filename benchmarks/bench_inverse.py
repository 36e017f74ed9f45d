"""Inverse analysis and answer maps on the built-in scenario, as a user runs them.

    python benchmarks/bench_inverse.py

Each command runs in a fresh process (``python -m offramp.cli.main ...``), so the wall-clock time
includes starting Python and importing offramp, as a user sees it; the in-process time of the
analysis alone is measured separately.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

COMMANDS = [
    ("offramp inverse china-presses", ["inverse", "china-presses", "-f", "json"], 5.0),
    (
        "offramp inverse china-presses -p trade_relief -p fear_of_defeat -p partnership_cost",
        [
            "inverse",
            "china-presses",
            "-p",
            "trade_relief",
            "-p",
            "fear_of_defeat",
            "-p",
            "partnership_cost",
            "-f",
            "json",
        ],
        None,
    ),
    (
        "offramp map china-presses --x trade_relief=0:15 --y fear_of_defeat=0:6 (100 x 100)",
        [
            "map",
            "china-presses",
            "--x",
            "trade_relief=0:15",
            "--y",
            "fear_of_defeat=0:6",
            "-n",
            "100",
            "-f",
            "json",
        ],
        30.0,
    ),
    (
        "offramp map pressure-moves-russia --x china_leverage=2:6 --y war_aims=3:8 (100 x 100)",
        [
            "map",
            "pressure-moves-russia",
            "--x",
            "china_leverage=2:6",
            "--y",
            "war_aims=3:8",
            "-n",
            "100",
            "-f",
            "json",
        ],
        30.0,
    ),
]


def in_process() -> dict:
    import offramp

    sc = offramp.default()
    t = time.perf_counter()
    r = sc.inverse("china-presses")
    inv = time.perf_counter() - t
    t = time.perf_counter()
    m = sc.answer_map("china-presses", ("trade_relief", 0, 15), ("fear_of_defeat", 0, 6))
    mp = time.perf_counter() - t
    return {"inverse": inv, "map": mp, "stats": r.stats, "map_stats": m.stats}


def main() -> None:
    rows = []
    for label, args, target in COMMANDS:
        t = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(
            [sys.executable, "-m", "offramp.cli.main", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        elapsed = time.perf_counter() - t
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        data = json.loads(out.stdout)
        summary = (
            {"changes": data["changes"], "exact": data["exact"]}
            if "changes" in data
            else {"counts": data["counts"], "boundaries": len(data["boundaries"])}
        )
        rows.append((label, elapsed, target, summary))
        print(
            f"{elapsed:7.2f} s wall, {cpu:6.2f} s CPU  (target {target or '-'})  {label}  "
            f"{json.dumps(summary)}"
        )
    print("in-process:", json.dumps(in_process()))
    print("load average:", os.getloadavg())


if __name__ == "__main__":
    main()
