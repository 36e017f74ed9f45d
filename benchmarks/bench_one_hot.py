"""Conflicts written as choices: each DM picks one of k strategies (``mutually_exclusive`` plus
``at_least_one``), random integer weights on every strategy of every DM. The feasible states
(k^n) are enumerated from the option structure, not from the 2^(n k) combinations; this times
``offramp stability FILE --format json > out.json`` end to end in a fresh process (min and
median of the runs; wall and CPU from the kernel's accounting of the child).

    python benchmarks/bench_one_hot.py              # 15x15 (225 states), 8 DMs x 6 (1,679,616)
    python benchmarks/bench_one_hot.py 4x10 3x20    # DMs x strategies
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "peers"))

from timing import run_once  # noqa: E402


def one_hot(dms: int, k: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    names = [f"D{i}" for i in range(dms)]
    lines = ["format: offramp/1", f"name: one-hot {dms}x{k}", "decision_makers:"]
    for dm in names:
        lines += [f"  - name: {dm}", "    options:"] + [f"      - name: s{j}" for j in range(k)]
    groups = [f"[{', '.join(f'{dm}.s{j}' for j in range(k))}]" for dm in names]
    lines += ["mutually_exclusive:"] + [f"  - {g}" for g in groups]
    lines += ["at_least_one:"] + [f"  - {g}" for g in groups]
    lines.append("preferences:")
    for dm in names:
        lines += [f"  {dm}:", "    weights:"]
        for other in names:
            for j in range(k):
                value = rng.randint(-5, 5)
                lines.append(f'      - {{when: "{other}.s{j}", value: {value}}}')
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    cases = [tuple(int(x) for x in a.split("x")) for a in argv] or [(2, 15), (8, 6)]
    offramp = os.path.join(os.path.dirname(sys.executable), "offramp")
    # the 8 x 6 case is over the default states limit (2^20, set for a full report's cost):
    # raised here, as a user analysing only stability would
    env = dict(os.environ, OFFRAMP_HISTORY="0", OFFRAMP_LIMIT_STATES=str(1 << 22))
    print(
        f"# {platform.machine()}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    print(
        "| DMs x strategies | options | states | runs | wall min / median (s) "
        "| CPU min / median (s) | peak RSS (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for dms, k in cases:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "one-hot.yaml")
            with open(path, "w") as f:
                f.write(one_hot(dms, k))
            cmd = [
                "sh",
                "-c",
                f'exec "{offramp}" stability "{path}" --format json > "{tmp}/out.json"',
            ]
            runs = 5 if k**dms < 100_000 else 3
            got = [run_once(cmd, env) for _ in range(runs + 1)][1:]  # one warm-up
            wall = [r.wall for r in got]
            cpu = [r.cpu for r in got]
            print(
                f"| {dms} x {k} | {dms * k} | {k**dms:,} | {runs} "
                f"| {min(wall):.2f} / {statistics.median(wall):.2f} "
                f"| {min(cpu):.2f} / {statistics.median(cpu):.2f} "
                f"| {max(r.peak_mb for r in got):.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
