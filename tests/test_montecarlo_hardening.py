"""Monte Carlo runs that end badly (issue 22, items 9, 10, 12 and 13): killed from outside,
interrupted, a worker lost, a sample that cannot be evaluated. Each test is named after the
defect it guards against; subprocesses are bounded by timeouts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from offramp.uncertainty.executors import fork_is_safe

OFFRAMP = [sys.executable, "-c", "from offramp.cli.main import run; run()"]


def _children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not fork_is_safe(), reason="forked workers need Linux")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_uncertainty_leaves_no_orphaned_workers(sig) -> None:
    """Item 9: the workers of a killed `offramp uncertainty` end with it."""
    proc = subprocess.Popen(
        [*OFFRAMP, "uncertainty", "-n", "400000", "-w", "2", "--format", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            workers = _children(proc.pid)
        assert len(workers) == 2, "the workers never started"
        os.kill(proc.pid, sig)
        proc.wait(10)
        deadline = time.monotonic() + 5
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        survivors = [w for w in workers if _alive(w)]
        assert survivors == [], f"orphaned workers {survivors} outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for w in workers:  # a failed run leaves nothing behind
            if _alive(w):
                os.kill(w, signal.SIGKILL)
