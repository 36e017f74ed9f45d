"""Speed of the concepts of issue 12: SIM, coalition analysis, limited-move stability (L_h).

Same random conflicts as ``bench_conflict.py`` (options spread evenly over the DMs, no
infeasibility rules, weights on single options and pairs), each run in a fresh child process:

- ``sim O:D``: SIM stability for every DM (the improvements' simultaneous sanctions);
- ``coal O:D``: coalition analysis (C-Nash, C-GMR, C-SMR, C-SEQ) over every coalition of two
  or more DMs, plus each DM alone (the individual concepts);
- ``lh O:H``: L_1 .. L_H tables for two DMs (one anticipation pass up to H), and NM over them.

    python benchmarks/bench_concepts.py                   # the issue's sizes and growth
    python benchmarks/bench_concepts.py sim:16:4 lh:12:8  # kind:options:(DMs|horizon)
"""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_conflict import random_scenario

TIMEOUT = 120  # seconds per case (the machine is shared)
CASES = [
    ("sim", 12, 4),
    ("sim", 16, 4),
    ("sim", 18, 4),
    ("sim", 20, 4),
    ("coal", 10, 4),
    ("coal", 12, 4),
    ("coal", 14, 4),
    ("coal", 16, 4),
    ("lh", 8, 8),
    ("lh", 10, 8),
    ("lh", 12, 8),
    ("lh", 14, 8),
]


def child(kind: str, n_options: int, k: int) -> None:
    import offramp
    from offramp.conflict.coalitions import analyse_coalitions, every_coalition
    from offramp.conflict.stability import compute_stability

    n_dms = 2 if kind == "lh" else k
    model = offramp.from_dict(random_scenario(n_options, n_dms)).conflict
    t0, c0 = time.perf_counter(), time.process_time()
    if kind == "sim":
        result = compute_stability(model, ["sim"])
        found = {"equilibria": len(result.equilibria("sim"))}
    elif kind == "coal":
        coalitions = every_coalition(model)
        analysis = analyse_coalitions(model, coalitions)
        found = {
            "coalitions": len(coalitions),
            "equilibria": {c: len(analysis.equilibria(c)) for c in analysis.stable},
        }
    else:
        result = compute_stability(model, ["lh", "nm"], options={"horizon": k})
        found = {"lh": len(result.equilibria("lh")), "nm": len(result.equilibria("nm"))}
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = {"states": model.n_states, "seconds": seconds, "cpu": cpu, "peak": peak}
    print(json.dumps({**out, **found}))


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        child(argv[1], int(argv[2]), int(argv[3]))
        return
    cases = [(a.split(":")[0], int(a.split(":")[1]), int(a.split(":")[2])) for a in argv] or CASES
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("| what | options | DMs / horizon | states | seconds (CPU) | peak RSS (MB) | found |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for kind, n_options, k in cases:
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(n_options), str(k)],
                capture_output=True,
                text=True,
                check=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            print(f"| {kind} | {n_options} | {k} | | > {TIMEOUT} | | stopped |", flush=True)
            continue
        except subprocess.CalledProcessError as exc:
            last = (exc.stderr or "").strip().splitlines()[-1:] or ["failed"]
            print(f"| {kind} | {n_options} | {k} | | | | {last[0]} |", flush=True)
            continue
        r = json.loads(out.stdout)
        found = {x: v for x, v in r.items() if x not in ("states", "seconds", "cpu", "peak")}
        print(
            f"| {kind} | {n_options} | {k} | {r['states']:,} | {r['seconds']:.2f} "
            f"({r['cpu']:.2f}) | {r['peak'] / 2**20:.0f} | {json.dumps(found)} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
