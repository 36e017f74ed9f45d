"""Long runs (sweeps, Monte Carlo) as background jobs the page can poll and cancel, and the caps
that keep the workbench's bill bounded: running jobs per client and in total, and a bounded
queue for the synchronous requests (checks, analyses, reports). Excess is refused with 429 and
a Retry-After hint rather than accepted and left to crawl.

A job whose client has gone is cancelled: the page polls its jobs a few times a second, so a
job nobody has asked about for ``idle_seconds`` has lost its client (tab closed, network gone).
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from offramp.errors import OfframpError


class Cancelled(KeyboardInterrupt):
    """Raised from a progress callback to stop a run; a Monte Carlo keeps what it finished
    (it treats this like Ctrl-C)."""


class Busy(OfframpError):
    """Too much work already: answered with 429 and ``Retry-After: retry_after``."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message, self.retry_after = message, max(1, int(retry_after))


@dataclass
class Job:
    id: str
    kind: str
    client: str = ""
    idle_seconds: float = 30.0
    status: str = "running"  # running | done | cancelled | failed
    done: int = 0
    total: int = 0
    result: Any = None
    error: str | None = None
    reason: str | None = None  # why it was cancelled
    started: float = field(default_factory=time.time)
    seen: float = field(default_factory=time.monotonic)
    cancel: threading.Event = field(default_factory=threading.Event)

    def touch(self) -> None:
        self.seen = time.monotonic()

    def should_stop(self) -> bool:
        """True once cancelled, or once the client has not asked about the job for
        ``idle_seconds`` (it has gone); polled between small pieces of work."""
        if not self.cancel.is_set() and time.monotonic() - self.seen > self.idle_seconds:
            self.reason = f"nobody asked about the job for {self.idle_seconds:g} s"
            self.cancel.set()
        return self.cancel.is_set()

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = max(self.done, done), total
        if self.should_stop():
            raise Cancelled

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "error": self.error,
            "reason": self.reason,
            "result": self.result,
            "seconds": round(time.time() - self.started, 2),
        }


class Jobs:
    """A small registry with caps; finished jobs are kept (the newest ``keep``) for the page to
    read."""

    def __init__(
        self,
        keep: int = 50,
        per_client: int = 2,
        total: int = 4,
        idle_seconds: float = 30.0,
    ):
        self.jobs: dict[str, Job] = {}
        self.keep = keep
        self.per_client = per_client
        self.total = total
        self.idle_seconds = idle_seconds
        self.lock = threading.Lock()

    def running(self, client: str | None = None) -> int:
        return sum(
            1
            for j in self.jobs.values()
            if j.status == "running" and (client is None or j.client == client)
        )

    def start(self, kind: str, work: Callable[[Job], Any], client: str = "") -> Job:
        job = Job(uuid.uuid4().hex[:12], kind, client, self.idle_seconds)
        with self.lock:
            if self.running(client) >= self.per_client:
                raise Busy(
                    f"{self.per_client} jobs of yours are running already: wait for one to "
                    "finish or cancel it",
                    5,
                )
            if self.running() >= self.total:
                raise Busy(f"the workbench is running {self.total} jobs already", 5)
            self.jobs[job.id] = job
            finished = [k for k, j in self.jobs.items() if j.status != "running"]
            for k in finished[: max(0, len(self.jobs) - self.keep)]:
                self.jobs.pop(k)

        def run() -> None:
            try:
                job.result = work(job)
                job.status = "cancelled" if job.cancel.is_set() else "done"
            except Cancelled:
                job.status = "cancelled"
            except Exception as exc:  # reported to the page, not raised in a thread
                job.status = "failed"
                job.error = getattr(exc, "message", None) or str(exc) or type(exc).__name__

        threading.Thread(target=run, daemon=True, name=f"offramp-job-{job.id}").start()
        return job

    def get(self, job_id: str) -> Job | None:
        job = self.jobs.get(job_id)
        if job is not None:
            job.touch()
        return job


class Admission:
    """A bounded queue for synchronous work: at most ``capacity`` requests admitted (running
    in the pool or waiting for it) at once; the next gets 429 with a retry hint: when a place
    should free up, from the recent time a request spends in hand (a moving average)."""

    def __init__(self, capacity: int, workers: int):
        self.capacity = capacity
        self.workers = max(1, workers)
        self.admitted = 0
        self.mean_seconds = 0.5
        self.lock = threading.Lock()

    def enter(self) -> None:
        with self.lock:
            if self.admitted >= self.capacity:
                # Little's law: with L requests in hand each spending W seconds, one leaves
                # every W / L seconds on average; that is when a place frees up
                wait = min(60.0, self.mean_seconds / max(1, self.admitted))
                raise Busy(
                    f"the workbench has {self.admitted} requests in hand already; try again "
                    "shortly",
                    math.ceil(wait),
                )
            self.admitted += 1

    def leave(self, seconds: float | None) -> None:
        with self.lock:
            self.admitted -= 1
            if seconds is not None:
                self.mean_seconds = 0.8 * self.mean_seconds + 0.2 * seconds
