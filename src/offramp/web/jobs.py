"""Long runs (sweeps, Monte Carlo) as background jobs the page can poll and cancel."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class Cancelled(KeyboardInterrupt):
    """Raised from a progress callback to stop a run; a Monte Carlo keeps what it finished
    (it treats this like Ctrl-C)."""


@dataclass
class Job:
    id: str
    kind: str
    status: str = "running"  # running | done | cancelled | failed
    done: int = 0
    total: int = 0
    result: Any = None
    error: str | None = None
    started: float = field(default_factory=time.time)
    cancel: threading.Event = field(default_factory=threading.Event)

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if self.cancel.is_set():
            raise Cancelled

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "error": self.error,
            "result": self.result,
            "seconds": round(time.time() - self.started, 2),
        }


class Jobs:
    """A small registry; finished jobs are kept (the newest ``keep``) for the page to read."""

    def __init__(self, keep: int = 50):
        self.jobs: dict[str, Job] = {}
        self.keep = keep
        self.lock = threading.Lock()

    def start(self, kind: str, work: Callable[[Job], Any]) -> Job:
        job = Job(uuid.uuid4().hex[:12], kind)
        with self.lock:
            self.jobs[job.id] = job
            while len(self.jobs) > self.keep:
                oldest = next(iter(self.jobs))
                if self.jobs[oldest].status == "running":
                    break
                self.jobs.pop(oldest)

        def run() -> None:
            try:
                job.result = work(job)
                job.status = "cancelled" if job.cancel.is_set() else "done"
            except Cancelled:
                job.status = "cancelled"
            except Exception as exc:  # reported to the page, not raised in a thread
                job.status = "failed"
                job.error = f"{type(exc).__name__}: {exc}"

        threading.Thread(target=run, daemon=True, name=f"offramp-job-{job.id}").start()
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)
