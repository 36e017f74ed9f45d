"""Monte Carlo throughput on the built-in scenario (conflict analysis + forecasts per sample).

    python benchmarks/bench_uncertainty.py            # 10,000 samples: in-process, local pools
    python benchmarks/bench_uncertainty.py --dask     # also a Dask LocalCluster of 2 workers
    python benchmarks/bench_uncertainty.py -n 2000    # another sample count

Each configuration runs in a fresh child process (no warm caches carried over). The wall time
runs from creating the executor to the result, so it includes compiling the scenario's
template and starting the worker processes (for Dask, the cluster's own start is shown apart,
as ``setup``: a cluster is usually started once for many runs). CPU is this process's CPU time
plus that of the worker processes it waited for. The second table measures the parts a wall
time on a loaded machine hides: the CPU time per sample of the evaluation in one process, the
template's compilation, and the start-up of each kind of worker pool.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time


def _cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def child(n: int, mode: str, workers: int) -> None:
    import offramp
    from offramp.uncertainty.executors import DaskExecutor, InProcessExecutor, LocalExecutor
    from offramp.uncertainty.montecarlo import monte_carlo

    scenario = offramp.default()
    setup = 0.0
    cpu0, kids0 = time.process_time(), _cpu_children()
    t = time.perf_counter()
    if mode == "dask":
        executor = DaskExecutor("local", workers)
        setup = time.perf_counter() - t
        t = time.perf_counter()
    elif mode == "inprocess":
        executor = InProcessExecutor()
    else:
        executor = LocalExecutor(workers, start=mode.partition("-")[2] or "auto")
    result = monte_carlo(scenario, n, seed=0, executor=executor)
    elapsed = time.perf_counter() - t
    if mode == "dask":
        executor.close()
    elif mode == "local-loky":
        from joblib.externals.loky import get_reusable_executor

        get_reusable_executor().shutdown(wait=True)  # so that its workers' CPU is counted
    print(
        json.dumps(
            {
                "mode": mode,
                "workers": workers,
                "samples": result.completed,
                "seconds": elapsed,
                "setup": setup,
                "cpu": time.process_time() - cpu0,
                "cpu_workers": _cpu_children() - kids0,
                "p_china_presses": float(result.verdict_probabilities()[0, 0]),
            }
        )
    )


def _warm(spec) -> int:
    """What a worker does before its first chunk: import offramp and compile the scenario."""
    from offramp.uncertainty.montecarlo import _template

    _template(spec)
    return os.getpid()


def parts(n: int) -> None:
    """CPU per sample in one process, template compilation, worker start-up (wall)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import offramp
    from offramp.uncertainty import montecarlo as mc

    scenario = offramp.default()
    spec = mc.ScenarioRecipe.of(scenario)
    t = time.perf_counter()
    c = time.process_time()
    mc._template(spec)
    template_wall, template_cpu = time.perf_counter() - t, time.process_time() - c
    mc.monte_carlo(scenario, 500, seed=1)  # warm
    best = float("inf")
    for _ in range(3):
        c = time.process_time()
        mc.monte_carlo(scenario, n, seed=0)
        best = min(best, time.process_time() - c)
    t = time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        pids = set(pool.map(_warm, [spec] * 2))
    fork_start = time.perf_counter() - t
    from joblib import Parallel, delayed

    t = time.perf_counter()
    pids = set(Parallel(n_jobs=2, backend="loky")(delayed(_warm)(spec) for _ in range(2)))
    loky_start = time.perf_counter() - t
    print(
        json.dumps(
            {
                "cpu_ms_per_sample": 1000 * best / n,
                "template_wall": template_wall,
                "template_cpu": template_cpu,
                "fork_start": fork_start,
                "loky_start": loky_start,
                "loky_workers": len(pids),
            }
        )
    )


def run(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        child(int(argv[1]), argv[2], int(argv[3]))
        return
    if argv and argv[0] == "--parts":
        parts(int(argv[1]))
        return
    n = int(argv[argv.index("-n") + 1]) if "-n" in argv else 10_000
    configs = [("inprocess", 1), ("local", 1), ("local", 2), ("local-loky", 2)]
    if "--dask" in argv:
        configs += [("dask", 2)]
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    print(
        "| executor | workers | samples | wall (s) | ms per sample (wall) | CPU (s) "
        "| of which workers | P(China presses) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = {}
    for mode, workers in configs:
        r = run("--child", str(n), mode, str(workers))
        rows[(mode, workers)] = r
        setup = f" (+ {r['setup']:.2f} cluster start)" if mode == "dask" else ""
        print(
            f"| {mode} | {workers} | {r['samples']:,} | {r['seconds']:.2f}{setup} | "
            f"{1000 * r['seconds'] / r['samples']:.3f} | {r['cpu'] + r['cpu_workers']:.2f} | "
            f"{r['cpu_workers']:.2f} | {r['p_china_presses']:.4f} |",
            flush=True,
        )
    one, two = rows[("local", 1)]["seconds"], rows[("local", 2)]["seconds"]
    print(f"\nspeed-up from 1 to 2 local workers (wall): {one / two:.2f}x")
    p = run("--parts", str(n))
    print(
        f"in one process: {p['cpu_ms_per_sample']:.4f} ms of CPU per sample (best of 3 runs of "
        f"{n:,}); template compiled in {p['template_wall']:.2f} s wall "
        f"({p['template_cpu']:.2f} s CPU)\n"
        f"worker start-up to a compiled template, 2 workers (wall): forked "
        f"{p['fork_start']:.2f} s, loky {p['loky_start']:.2f} s"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
