"""The issue-22 fuzz campaign: scenario mutants through the Python API and the command line,
bargaining mutants through the readers (API) and `offramp forecast` (CLI), in one bounded run.

    nice -n 19 python benchmarks/fuzz_campaign.py --seed 22 --scenarios 2000 --cli 600 \\
        --bargaining 500 --bargaining-cli 150 --max-seconds 2400

Every case runs in a forked child under a time cap (``--seconds``, default 30) and an
address-space cap (``--memory-mb`` over the child's start, default 1536): see tests/fuzzing.py.
Scenario mutants come from the built-in scenarios with 1-3 stacked mutations, among them those
added for issue 22: numbers written as YAML text (``"nan"``, ``"1e308"``), derived parameters
(chains of up to 999 in reverse order, cycles, overflowing formulas, odd exponents) and Rich
markup or control characters in texts; the command line runs validate, stability, analyze
(JSON, text, `--full`, `-o` to a file), uncertainty and a Markdown report written to an output
target (a new file, a symbolic link, a folder, a missing folder, `-` for standard output), and
fails a case that prints a control character. ``--max-seconds`` bounds the whole run: it stops
starting cases after that and reports how many ran. Prints one JSON object (counts per part and
kind, slowest case, wall and CPU time) and exits 1 if any case was an internal error, a hang or
a memory blow-up; the inputs of such cases are kept in ``--keep``. Leave the source tree alone
while it runs: the children import some modules lazily, from what is on disk then.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzzing import (  # noqa: E402 - the harness lives with the tests
    BAD_KINDS,
    bargaining_cli,
    bargaining_file,
    bargaining_mutants,
    capped,
    cli,
    cli_case,
    preload,
    scenario_api,
    scenario_mutants,
)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--scenarios", type=int, default=2000, help="mutants through the API")
    ap.add_argument("--cli", type=int, default=600, help="of those, how many also via the CLI")
    ap.add_argument("--bargaining", type=int, default=500, help="mutants through the readers")
    ap.add_argument("--bargaining-cli", type=int, default=150, help="of those, via forecast")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--memory-mb", type=int, default=1536)
    ap.add_argument("--max-seconds", type=float, default=2400.0)
    ap.add_argument("--keep", type=Path, default=ROOT / "benchmarks" / "fuzz_found")
    args = ap.parse_args()
    caps = {"seconds": args.seconds, "memory": args.memory_mb << 20}
    preload()
    started, cpu0 = time.perf_counter(), _cpu()
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    slowest: dict[str, float] = collections.defaultdict(float)
    bad: list[dict] = []
    stopped_early = False

    def run(part: str, target, arg, name: str, keep: tuple[str, bytes]) -> None:
        outcome = capped(target, arg, **caps)
        counts[part][outcome.kind] += 1
        slowest[part] = max(slowest[part], outcome.seconds)
        if outcome.kind in BAD_KINDS:
            bad.append({"part": part, "case": name, "kind": outcome.kind})
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / keep[0]).write_bytes(keep[1])
            (args.keep / (keep[0] + ".txt")).write_text(outcome.detail)

    # one CLI case every `every` API cases, spread over the whole corpus
    every = max(1, args.scenarios // max(args.cli, 1)) if args.cli else 0
    for k, (name, text) in enumerate(scenario_mutants(args.scenarios, args.seed)):
        if time.perf_counter() - started > args.max_seconds:
            stopped_early = True
            break
        data = text.encode("utf-8", "surrogatepass")
        run(
            "scenarios-api",
            scenario_api,
            (text, 2 if k % 8 == 0 else 1),
            name,
            (f"s-{args.seed}-{k}.yaml", data),
        )
        if every and k % every == 0 and counts["scenarios-cli"].total() < args.cli:
            run(
                "scenarios-cli",
                cli,
                cli_case(k // every, text),
                name,
                (f"c-{args.seed}-{k}.yaml", data),
            )
    every = max(1, args.bargaining // max(args.bargaining_cli, 1)) if args.bargaining_cli else 0
    for k, (name, suffix, data) in enumerate(bargaining_mutants(args.bargaining, args.seed)):
        if time.perf_counter() - started > args.max_seconds:
            stopped_early = True
            break
        run(
            "bargaining-api",
            bargaining_file,
            (suffix, data),
            name,
            (f"b-{args.seed}-{k}{suffix}", data),
        )
        if every and k % every == 0 and counts["bargaining-cli"].total() < args.bargaining_cli:
            run(
                "bargaining-cli",
                bargaining_cli,
                (suffix, data),
                name,
                (f"bc-{args.seed}-{k}{suffix}", data),
            )
    summary = {
        "seed": args.seed,
        "parts": {
            part: {"tried": c.total(), **dict(c), "slowest_case_s": round(slowest[part], 2)}
            for part, c in counts.items()
        },
        "internal_errors": sum(c["internal"] for c in counts.values()),
        "hangs": sum(c["hang"] for c in counts.values()),
        "memory_blowups": sum(c["memory"] for c in counts.values()),
        "stopped_early": stopped_early,
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(_cpu() - cpu0, 1),
        "caps": {"seconds": args.seconds, "memory_mb": args.memory_mb},
        "python": platform.python_version(),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "bad": bad[:20],
    }
    print(json.dumps(summary, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
