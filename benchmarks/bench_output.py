"""`offramp stability FILE --format json > out.json` on a million-state conflict, as a user runs
it: a fresh process (interpreter start, import, reading, analysis, writing), timed from outside,
with its CPU time and peak memory from the kernel (the child's rusage).

    python benchmarks/bench_output.py             # 10/10 (2 DMs, 1,048,576 states)
    python benchmarks/bench_output.py 5/5/5/5     # another split
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_conflict import random_scenario  # noqa: E402


def measure(split: list[int], extra: list[str]) -> dict:
    from ruamel.yaml import YAML

    data = random_scenario(sum(split), len(split), split=split)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "conflict.yaml")
        with open(path, "w") as f:
            YAML().dump(data, f)
        out = os.path.join(tmp, "out")
        env = dict(os.environ, OFFRAMP_HISTORY="0")
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user runs it: bytecode caches kept
        offramp = os.path.join(os.path.dirname(sys.executable), "offramp")
        cmd = [offramp, "stability", path, *extra]
        t0 = time.perf_counter()
        with open(out, "w") as sink:
            proc = subprocess.Popen(cmd, stdout=sink, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if status != 0:
            raise SystemExit(f"{cmd} failed with status {status}")
        return {
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024,
            "size_mb": os.path.getsize(out) / 1e6,
        }


def main(argv: list[str]) -> None:
    splits = [[int(x) for x in a.split("/")] for a in argv] or [[10, 10]]
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("| split | states | output | wall (s) | CPU user+sys (s) | peak RSS (MB) | size (MB) |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for split in splits:
        for label, extra in [
            ("JSON, default (compact above 100,000 states)", ["--format", "json"]),
            ("JSON, `--json-form full` (streamed)", ["--format", "json", "--json-form", "full"]),
            ("text (summary)", []),
        ]:
            r = measure(split, extra)
            print(
                f"| {'/'.join(map(str, split))} | {2 ** sum(split):,} | {label} | {r['wall']:.2f} "
                f"| {r['cpu']:.2f} | {r['peak_mb']:.0f} | {r['size_mb']:.1f} |"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
