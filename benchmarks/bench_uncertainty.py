"""Monte Carlo throughput on the built-in scenario (conflict analysis + forecasts per sample).

    python benchmarks/bench_uncertainty.py            # 10,000 samples: 1 and 2 local workers
    python benchmarks/bench_uncertainty.py --dask     # also the Dask LocalCluster overhead

Each configuration runs in a fresh child process (no warm caches carried over), and the
wall-clock time includes starting the worker processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time


def child(n: int, mode: str, workers: int) -> None:
    import offramp
    from offramp.uncertainty.executors import DaskExecutor, InProcessExecutor, LocalExecutor
    from offramp.uncertainty.montecarlo import monte_carlo

    scenario = offramp.default()
    setup = 0.0
    if mode == "dask":
        t = time.perf_counter()
        executor = DaskExecutor("local", workers)
        setup = time.perf_counter() - t
    elif mode == "inprocess":
        executor = InProcessExecutor()
    else:
        executor = LocalExecutor(workers)
    t = time.perf_counter()
    result = monte_carlo(scenario, n, seed=0, executor=executor)
    elapsed = time.perf_counter() - t
    if mode == "dask":
        executor.close()
    print(
        json.dumps(
            {
                "mode": mode,
                "workers": workers,
                "samples": result.completed,
                "seconds": elapsed,
                "setup": setup,
                "p_china_presses": float(result.verdict_probabilities()[0, 0]),
            }
        )
    )


def run(n: int, mode: str, workers: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(n), mode, str(workers)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        child(int(argv[1]), argv[2], int(argv[3]))
        return
    n = 10_000
    configs = [("inprocess", 1), ("local", 1), ("local", 2)]
    if "--dask" in argv:
        configs += [("dask", 2)]
    print("| executor | workers | samples | wall time (s) | ms per sample | P(China presses) |")
    print("|---|---:|---:|---:|---:|---:|")
    rows = {}
    for mode, workers in configs:
        r = run(n, mode, workers)
        rows[(mode, workers)] = r
        print(
            f"| {mode} | {workers} | {r['samples']:,} | {r['seconds']:.2f} | "
            f"{1000 * r['seconds'] / r['samples']:.3f} | {r['p_china_presses']:.4f} |",
            flush=True,
        )
    one, two = rows[("local", 1)]["seconds"], rows[("local", 2)]["seconds"]
    print(f"\nspeed-up from 1 to 2 local workers: {one / two:.2f}x")
    if ("dask", 2) in rows:
        d = rows[("dask", 2)]
        extra = (d["seconds"] - two) / n * 1000
        print(
            f"Dask LocalCluster (2 workers): cluster start {d['setup']:.2f} s; "
            f"per-sample overhead vs local: {extra:+.3f} ms"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
