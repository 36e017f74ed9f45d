"""Write the 80-actor case of ``bench_bargaining.py`` (random actors as KTAB draws them, seed 0)
as a KTAB CSV file, so that KTAB's ``smpc --csv FILE`` and ``offramp forecast FILE --model smp``
read the same input (positions 0-100, saliences x 100 as KTAB's CSV expects, full precision).

    python benchmarks/peers/ktab_input.py > ktab80.csv
    python benchmarks/peers/ktab_input.py 40 1 > ktab40.csv      # actors, seed

KTAB itself is not built by this repository (see docs/benchmarks.md, "Peers").
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from bench_bargaining import random_case


def ktab_csv(n: int, seed: int) -> str:
    pos, sal, cap = random_case(n, seed)
    lines = [
        f"Random{n},random actors as bench_bargaining draws them (seed {seed}),{n},1,",
        "Actor,Description,Capability,Position,Salience,",
    ]
    for i in range(n):
        lines.append(
            f"A{i:02d},actor {i},{float(cap[i])!r},{float(pos[i, 0])!r},"
            f"{float(sal[i, 0] * 100.0)!r},"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    sys.stdout.write(ktab_csv(*(args + [80, 0][len(args) :])))
