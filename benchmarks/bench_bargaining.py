"""Time the bargaining engine: smp on 80 actors x 1 dimension, and `eval deu` for every model.

Run from the project root (the DEU file is read from ../shared, beside the project):

    python benchmarks/bench_bargaining.py [--repeat 3] [--deu PATH]

Targets (issue 4): smp 80 x 1, about 18 turns, under 5 s (KTAB itself: about 180 s);
`offramp eval deu` over the whole dev file, every model, under 30 s.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

from offramp.bargaining import MODELS
from offramp.bargaining.deu import read_deu, score
from offramp.bargaining.smp import run_smp

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEU = ROOT.parent / "shared" / "data" / "deu3" / "deu3-dev.tsv"


def random_case(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """KTAB's random actors: capability U(10, 200), salience U(0.75, 0.99), position U(0, 100)."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0.0, 100.0, (n, 1))
    sal = rng.uniform(0.75, 0.99, (n, 1))
    cap = rng.uniform(10.0, 200.0, n)
    return pos, sal, cap


def best_of(repeat: int, fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Fastest wall time of ``repeat`` calls (the least disturbed by other load)."""
    best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--deu", type=Path, default=DEFAULT_DEU)
    args = ap.parse_args()

    rows: list[tuple[str, str, float]] = []
    pos, sal, cap = random_case(80, seed=0)
    t, run = best_of(args.repeat, lambda: run_smp(pos, sal, cap, max_turns=18))
    rows.append(("smp, 80 actors x 1 dim, 18 turns (seed 0)", f"{len(run.positions) - 1} turns", t))
    t, run = best_of(args.repeat, lambda: run_smp(pos, sal, cap))
    rows.append(("smp, 80 actors x 1 dim, to convergence", f"{len(run.positions) - 1} turns", t))

    t_read, data = best_of(args.repeat, lambda: read_deu(args.deu))
    rows.append(("read deu3-dev", f"{len(data.scored())} issues", t_read))
    total = t_read
    for name, fn in MODELS.items():
        t, result = best_of(args.repeat, lambda fn=fn, name=name: score(name, fn, data.issues))
        rows.append((f"eval deu, model {name}", f"MAE {result.mae:.2f}", t))
        total += t
    rows.append(("eval deu, every model (incl. reading)", "", total))

    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  {'result':>14}  {'seconds':>8}")
    for label, result, secs in rows:
        print(f"{label:<{width}}  {result:>14}  {secs:8.3f}")


if __name__ == "__main__":
    main()
