"""The workbench's one executor policy: every piece of scenario work (a check, an analysis, a
state's explanation, a report, a sweep value, a Monte Carlo block) runs as a small task in ONE
process pool of fixed size, shared by all requests and jobs.

Why: the pool never resizes, and no task waits on another task, so no combination of jobs can
deadlock it. (joblib's loky executor is process-global: two Monte Carlo jobs asking for different
``workers`` made it "resize an executor with running jobs", which hung and poisoned every later
job.) A job's ``workers`` now only caps how many of its tasks are in flight at once. Tasks are
small (one sampling block, one sweep value), so a cancel flag checked between them stops a job
within a second, and a long job cannot starve an analysis queued behind it for long: the pool
takes tasks in the order they were submitted.

Worker processes are started with ``spawn`` (not ``fork``): forking a threaded server can copy a
lock held by another thread and hang the child.
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from offramp.uncertainty.executors import whole_chunk
from offramp.web.jobs import Cancelled


class SharedPool:
    """A lazily started, fixed-size process pool that replaces itself if a worker dies.

    Tasks wait in this object's own first-come-first-served queue and go to the process pool
    only when a worker is free: until then their future can still be cancelled (the process
    pool marks a task running as soon as it is queued for a worker, so a queued analysis
    whose client left could not be dropped otherwise)."""

    def __init__(self, size: int | None = None):
        self.size = max(1, size or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.RLock()
        self._waiting: deque[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = deque()
        self._running = 0

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.size,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_watch_parent,
                    initargs=(os.getpid(),),
                )
            return self._pool

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        outer: Future[Any] = Future()
        with self._lock:
            self._waiting.append((outer, fn, args))
        self._dispatch()
        return outer

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def _dispatch(self) -> None:
        with self._lock:
            while self._running < self.size and self._waiting:
                outer, fn, args = self._waiting.popleft()
                if not outer.set_running_or_notify_cancel():
                    continue  # cancelled while it waited: never runs
                try:
                    inner = self._executor().submit(fn, *args)
                except (BrokenProcessPool, RuntimeError):  # a worker died: a fresh pool
                    self.reset_broken(force=True)
                    inner = self._executor().submit(fn, *args)
                self._running += 1
                inner.add_done_callback(functools.partial(self._finished, outer))

    def _finished(self, outer: Future[Any], inner: Future[Any]) -> None:
        with self._lock:
            self._running -= 1
        exc = inner.exception() if not inner.cancelled() else BrokenProcessPool("cancelled")
        if exc is not None:
            outer.set_exception(exc)
        else:
            outer.set_result(inner.result())
        self._dispatch()

    def reset_broken(self, force: bool = False) -> None:
        """Replace the pool if a worker died (only then: others may be using a good one)."""
        with self._lock:
            if self._pool is not None and (force or getattr(self._pool, "_broken", False)):
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def shutdown(self) -> None:
        """At the server's stop: drop what waits, stop the workers and wait for them, so that
        the pool's queues and semaphores are released before the interpreter exits (else
        Python's resource tracker reports "leaked semaphore objects"). A worker still busy
        is terminated rather than waited for."""
        with self._lock:
            while self._waiting:
                self._waiting.popleft()[0].cancel()
            pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        if self._running:
            for process in processes:
                if process.is_alive():
                    process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        for process in processes:
            process.join(timeout=5)


def _watch_parent(parent: int) -> None:
    """In each worker: exit when the server process is gone (killed, say), rather than
    linger as an orphan holding a core. Ctrl-C is the server's to handle (it stops the pool):
    a worker ignores it, so a terminal's Ctrl-C prints no traceback per worker."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="offramp-parent-watch").start()


_SHARED: SharedPool | None = None
_SHARED_LOCK = threading.Lock()


def shared_pool() -> SharedPool:
    """The process's one pool (every app in the process shares it: one policy, one size)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = SharedPool(int(os.environ.get("OFFRAMP_WEB_WORKERS", "0")) or None)
            atexit.register(_SHARED.shutdown)
        return _SHARED


class PoolExecutor:
    """A Monte Carlo executor (the protocol of :mod:`offramp.uncertainty.executors`) over the
    shared pool. Each sampling block is its own task; results are yielded per block with the
    block's position as index, so the caller's reassembly in index order gives the same
    samples in the same order as any other executor (the result does not depend on it).

    ``workers``: at most this many of this run's blocks in flight (None: the pool's size).
    ``stop``: polled every ``tick`` seconds while waiting; when it returns True the run stops
    (raising :class:`Cancelled`, which the Monte Carlo treats like Ctrl-C: it keeps the blocks
    already finished)."""

    def __init__(
        self,
        pool: SharedPool,
        workers: int | None = None,
        stop: Callable[[], bool] = lambda: False,
        tick: float = 0.1,
    ):
        self.pool = pool
        self.workers = max(1, min(workers or pool.size, pool.size))
        self.name = f"workbench pool ({self.workers} of {pool.size} worker processes)"
        self.stop = stop
        self.tick = tick
        self._inflight: dict[Future[Any], int] = {}

    def run(self, fn: Callable[..., Any], spec: Any, seed: int, chunks: list[Any]) -> Iterator[Any]:
        blocks = deque(enumerate(b for chunk in chunks for b in chunk))
        inflight = self._inflight
        while blocks or inflight:
            while blocks and len(inflight) < self.workers:
                k, block = blocks.popleft()
                inflight[self.pool.submit(whole_chunk, fn, spec, seed, k, [block])] = k
            done, _ = wait(list(inflight), timeout=self.tick, return_when=FIRST_COMPLETED)
            if self.stop():
                raise Cancelled
            for future in sorted(done, key=inflight.__getitem__):
                inflight.pop(future)
                yield from future.result()

    def is_worker_failure(self, exc: BaseException) -> bool:
        if isinstance(exc, BrokenProcessPool):
            self.pool.reset_broken()
            return True
        return False

    def close_run(self) -> list[Any]:
        """Cancels the blocks not started (a running one finishes, its result unused) and
        returns the parts of blocks that had finished but were not yielded yet."""
        finished = []
        for future in self._inflight:
            if future.done() and not future.cancelled() and future.exception() is None:
                finished.extend(future.result())
            else:
                future.cancel()
        self._inflight.clear()
        return finished
