"""The long fuzz run, for before releases: many more mutants than the CI suite, same harness.

Run from the project root; each part is sized to finish in about two minutes on 2 cores, so run
the parts one after another (never two at once) and add up the counts:

    python benchmarks/fuzz_long.py --part scenarios --count 600 --seed 1
    python benchmarks/fuzz_long.py --part scenarios --count 600 --seed 2   # ... and so on
    python benchmarks/fuzz_long.py --part cli --count 150 --seed 1
    python benchmarks/fuzz_long.py --part bargaining --count 600 --seed 1

Every case runs in a forked child under a time cap (``--seconds``, default 20) and a memory cap
(``--memory-mb`` over the child's start, default 1536): see tests/fuzzing.py. The script prints
one JSON line of counts per part (files tried, ok, clean errors, internal errors, hangs, memory
blow-ups) and the mutation names of any bad case, and exits 1 if there is one. Inputs of bad
cases are written to ``--keep`` (default benchmarks/fuzz_found/) to become regression files in
tests/fuzz_regressions/. The last figures are in docs/benchmarks.md ("Fuzzing").
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzzing import (  # noqa: E402 - the harness lives with the tests
    BAD_KINDS,
    bargaining_file,
    bargaining_mutants,
    capped,
    cli,
    preload,
    scenario_api,
    scenario_mutants,
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["scenarios", "cli", "bargaining"], required=True)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--memory-mb", type=int, default=1536)
    ap.add_argument("--keep", type=Path, default=ROOT / "benchmarks" / "fuzz_found")
    args = ap.parse_args()
    caps = {"seconds": args.seconds, "memory": args.memory_mb << 20}
    preload()  # children start warm, with the code on disk now (edits during a run are ignored)

    counts: collections.Counter[str] = collections.Counter()
    bad: list[dict] = []
    started = time.perf_counter()
    slowest = 0.0
    if args.part in ("scenarios", "cli"):
        # distinct seeds per part, so that the CLI run does not repeat the API's mutants
        seed = args.seed if args.part == "scenarios" else 10_000 + args.seed
        for k, (name, text) in enumerate(scenario_mutants(args.count, seed)):
            if args.part == "scenarios":
                outcome = capped(scenario_api, (text, 2 if k % 8 == 0 else 1), **caps)
            else:
                argv = (
                    ["validate", "{dir}/s.yaml"]
                    if k % 2
                    else ["analyze", "{dir}/s.yaml", "-n", "4", "--no-thresholds", "-f", "json"]
                )
                outcome = capped(cli, (argv, {"s.yaml": text}), **caps)
            counts[outcome.kind] += 1
            slowest = max(slowest, outcome.seconds)
            if outcome.kind in BAD_KINDS:
                bad.append({"case": k, "mutations": name, "kind": outcome.kind})
                stem = f"{args.part}-{seed}-{k}"
                _keep(args.keep, stem + ".yaml", text.encode("utf-8", "surrogatepass"))
                _keep(args.keep, stem + ".txt", outcome.detail.encode())
    else:
        for k, (name, suffix, data) in enumerate(bargaining_mutants(args.count, args.seed)):
            outcome = capped(bargaining_file, (suffix, data), **caps)
            counts[outcome.kind] += 1
            counts["files" + suffix] += 1
            slowest = max(slowest, outcome.seconds)
            if outcome.kind in BAD_KINDS:
                bad.append({"case": k, "mutations": name, "kind": outcome.kind})
                _keep(args.keep, f"bargaining-{args.seed}-{k}{suffix}", data)
                _keep(args.keep, f"bargaining-{args.seed}-{k}.txt", outcome.detail.encode())
    summary = {
        "part": args.part,
        "seed": args.seed,
        "tried": args.count,
        "ok": counts["ok"],
        "clean_errors": counts["clean"],
        "internal_errors": counts["internal"],
        "hangs": counts["hang"],
        "memory_blowups": counts["memory"],
        "by_suffix": {k[5:]: v for k, v in counts.items() if k.startswith("files")},
        "slowest_case_s": round(slowest, 2),
        "wall_s": round(time.perf_counter() - started, 1),
        "caps": {"seconds": args.seconds, "memory_mb": args.memory_mb},
        "python": platform.python_version(),
        "bad": bad[:20],
    }
    print(json.dumps(summary))
    return 1 if bad else 0


def _keep(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


if __name__ == "__main__":
    sys.exit(main())
