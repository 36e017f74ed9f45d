"""Stability analysis at scale: all four concepts for every DM on random conflicts.

Each size runs in a fresh child process so that its peak memory (ru_maxrss) is its own.
Conflicts are random but seeded: options spread evenly over the DMs, no infeasibility rules, and
each DM's preferences given as weights on random single options and pairs of options (so that
there are many ties and many distinct levels, like real scenarios).

    python benchmarks/bench_conflict.py            # the issue's sizes
    python benchmarks/bench_conflict.py 13:3 22:4  # options:DMs
    python benchmarks/bench_conflict.py 19/1 17/1/1/1 --ties   # splits, ordinal ties
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time

SIZES = [(13, 3), (16, 4), (18, 4), (20, 4)]


def random_scenario(
    n_options: int, n_dms: int, seed: int = 0, split: list[int] | None = None, ties: bool = False
) -> dict:
    """Options spread evenly over the DMs (or as ``split`` says); weights on every option and
    on random pairs, or with ``ties`` an ordinal ranking full of ties (prioritization of three
    statements: at most 8 levels)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    per = split or [n_options // n_dms + (1 if i < n_options % n_dms else 0) for i in range(n_dms)]
    n_options, n_dms = sum(per), len(per)
    dms = [
        {"name": f"D{i}", "options": [{"name": f"o{k}"} for k in range(p)]}
        for i, p in enumerate(per)
    ]
    names = [f"D{i}.o{k}" for i, p in enumerate(per) for k in range(p)]
    prefs = {}
    for i in range(n_dms):
        weights = [{"when": n, "value": int(rng.integers(-9, 10))} for n in names]
        for _ in range(n_options // 2):
            a, b = rng.choice(len(names), 2, replace=False)
            op = "&" if rng.random() < 0.5 else "|"
            weights.append(
                {"when": f"{names[a]} {op} !{names[b]}", "value": int(rng.integers(-5, 6))}
            )
        if ties:
            picks = rng.choice(len(names), 3, replace=False)
            prefs[f"D{i}"] = {
                "prioritization": [
                    {"statement": ("!" if rng.random() < 0.5 else "") + names[k]} for k in picks
                ]
            }
        else:
            prefs[f"D{i}"] = {"weights": weights}
    return {
        "format": "offramp/1",
        "name": f"random {n_options}x{n_dms}",
        "decision_makers": dms,
        "preferences": prefs,
    }


def child(n_options: int, n_dms: int, split: list[int] | None, ties: bool) -> None:
    # the engine's speed is measured here, past the state limit that keeps an interactive
    # analysis within about a minute (OFFRAMP_LIMIT_STATES, docs/scenario-format.md)
    os.environ.setdefault("OFFRAMP_LIMIT_STATES", str(2**30))
    import offramp
    from offramp.conflict.stability import compute_stability

    data = random_scenario(n_options, n_dms, split=split, ties=ties)
    t0, c0 = time.perf_counter(), time.process_time()
    scenario = offramp.from_dict(data)
    model = scenario.conflict
    t1, c1 = time.perf_counter(), time.process_time()
    result = compute_stability(model)
    t2, c2 = time.perf_counter(), time.process_time()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "options": model.option_dm.size,
                "dms": model.n_dms,
                "states": model.n_states,
                "compile_s": t1 - t0,
                "analyse_s": t2 - t1,
                "total_s": t2 - t0,
                "compile_cpu": c1 - c0,
                "analyse_cpu": c2 - c1,
                "peak_bytes": peak,
                "equilibria": {c: len(result.equilibria(c)) for c in result.concepts},
                "passes": {c: max(v) for c, v in result.sweeps.items() if v},
            }
        )
    )


def main(argv: list[str]) -> None:
    """Arguments: ``options:DMs`` (even spread) or a split ``19/1``; ``--ties`` for ordinal
    rankings full of ties instead of weights; ``--once`` for a single run per size."""
    if argv and argv[0] == "--child":
        split = [int(x) for x in argv[3].split("/")] if argv[3] != "-" else None
        child(int(argv[1]), int(argv[2]), split, argv[4] == "ties")
        return
    ties = "--ties" in argv
    once = "--once" in argv
    args = [a for a in argv if not a.startswith("--")]
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(
        "| options | split | prefs | states | compile (s) | analyse (s) | total (s) "
        "| compile + analyse CPU (s) | µs/state (CPU) | peak RSS (MB) | passes (SEQ) |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for arg in args or [f"{o}:{d}" for o, d in SIZES]:
        if "/" in arg:
            split = [int(x) for x in arg.split("/")]
            n_options, n_dms, split_arg = sum(split), len(split), arg
        else:
            n_options, n_dms = (int(x) for x in arg.split(":"))
            split_arg = "-"
        runs = []
        for _ in range(1 if once or n_options > 16 else 3):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(n_options),
                    str(n_dms),
                    split_arg,
                    "ties" if ties else "weights",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(out.stdout))
        best = min(runs, key=lambda r: r["compile_cpu"] + r["analyse_cpu"])
        per = [n_options // n_dms + (1 if i < n_options % n_dms else 0) for i in range(n_dms)]
        shown = split_arg if split_arg != "-" else "/".join(map(str, per))
        print(
            f"| {n_options} | {shown} | {'ties' if ties else 'weights'} | {best['states']:,} | "
            f"{best['compile_s']:.3f} | {best['analyse_s']:.3f} | {best['total_s']:.3f} | "
            f"{best['compile_cpu']:.3f} + {best['analyse_cpu']:.3f} | "
            f"{1e6 * (best['compile_cpu'] + best['analyse_cpu']) / best['states']:.2f} | "
            f"{best['peak_bytes'] / 2**20:.0f} | {best['passes'].get('seq', '-')} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
