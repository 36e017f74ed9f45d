"""Peak memory of `offramp stability` (analysis and JSON output) against the estimate made
before enumeration, for any split of options among the DMs.

Each case runs in a fresh child process; its peak is that process's ru_maxrss.

    python benchmarks/bench_memory.py                 # 2^16 .. 2^20 states, several splits
    python benchmarks/bench_memory.py 19/1 5/5/5/5    # given splits
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPLITS = [
    "8/8", "15/1", "6/5/5", "4/4/4/4", "13/1/1/1",
    "10/8", "17/1", "6/6/6", "5/5/4/4", "15/1/1/1",
    "10/10", "19/1", "7/7/6", "5/5/5/5", "17/1/1/1",
]  # fmt: skip


def peak_rss() -> int:
    """This process's peak resident memory in bytes: VmHWM, which starts afresh at exec (unlike
    ru_maxrss, which a child inherits from a large parent such as a test runner)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(split: list[int], ties: bool) -> None:
    sys.path.insert(0, HERE)
    from bench_conflict import random_scenario
    from offramp.analysis.scenario import from_dict
    from offramp.conflict.model import block_layout_dms, estimate_bytes

    data = random_scenario(sum(split), len(split), split=split, ties=ties)
    scenario = from_dict(data)
    model = scenario.conflict
    blocks = block_layout_dms(list(model.option_dm), list(model.direction != 0))
    estimate = estimate_bytes(model.n_states, model.n_dms, 0, blocks)
    result = scenario.stability()
    with open(os.devnull, "w") as out:
        result.write_json(out, "auto")
    peak = peak_rss()
    print(json.dumps({"states": model.n_states, "peak": peak, "estimate": estimate}))


def measure(split: str, ties: bool = False) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", split, "ties" if ties else "weights"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        child([int(x) for x in argv[1].split("/")], argv[2] == "ties")
        return
    print("| split | preferences | states | peak RSS (MB) | estimate (MB) | estimate / peak |")
    print("|---|---|---:|---:|---:|---:|")
    for split in argv or SPLITS:
        for ties in (False, True):
            r = measure(split, ties)
            print(
                f"| {split} | {'ties' if ties else 'weights'} | {r['states']:,} | "
                f"{r['peak'] / 2**20:.0f} | {r['estimate'] / 2**20:.0f} | "
                f"{r['estimate'] / r['peak']:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
