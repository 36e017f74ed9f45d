"""Whole-process timing of two commands run in turn (A B A B ...), with the kernel's own CPU
accounting of each finished child (``os.wait4``): the same method for offramp and for a peer.

    from timing import compare
    rows = compare(["offramp", ...], ["python", "peer.py", ...], runs=5)

Each side gets one warm-up run first (file caches, imports compiled to bytecode), then ``runs``
counted runs alternating, so that drift in the machine's speed (it is shared) hits both sides.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass


@dataclass
class Run:
    wall: float
    cpu: float  # user + sys of the child
    peak_mb: float
    stdout: str


def run_once(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """One run of ``cmd`` as on a user's machine: Python may write its bytecode caches, so
    ``PYTHONDONTWRITEBYTECODE`` (set in every shell of this project's build machine) is removed
    and a warm-up run leaves caches for the counted ones. With it set, every offramp run would
    compile its ~90 modules again (about 0.1 s), while the peers, installed by pip with their
    caches, would not pay for it: an unfair comparison."""
    env = dict(os.environ if env is None else env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with status {proc.returncode}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out)


@dataclass
class Comparison:
    ours: list[Run]
    peer: list[Run]

    def figure(self, side: str, what: str) -> tuple[float, float]:
        values = [getattr(r, what) for r in getattr(self, side)]
        return min(values), statistics.median(values)

    def ratio(self, what: str) -> tuple[float, float]:
        """peer / offramp, pair by pair: (min, median)."""
        pairs = [
            getattr(p, what) / max(getattr(o, what), 1e-9)
            for o, p in zip(self.ours, self.peer, strict=True)
        ]
        return min(pairs), statistics.median(pairs)


def compare(
    ours: list[str], peer: list[str], runs: int = 5, env: dict[str, str] | None = None
) -> Comparison:
    run_once(ours, env)
    run_once(peer, env)
    a, b = [], []
    for _ in range(runs):
        a.append(run_once(ours, env))
        b.append(run_once(peer, env))
    return Comparison(a, b)
