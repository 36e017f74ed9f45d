"""Where Monte Carlo chunks run: in this process, in a local process pool, or on a Dask
cluster. Each executor yields chunk results as they finish; the caller reassembles them in
order, so results do not depend on the executor.

The local pool forks its workers when that is safe (Linux, and no other thread running in
this process, so that no lock can be copied while held): a forked worker starts in
milliseconds with everything the parent has already imported and the scenario it has already
compiled (the Monte Carlo builds its template before starting the pool). Otherwise (another
platform, a threaded host such as a notebook kernel or a server) it uses joblib's loky
workers, which start fresh interpreters: about a second each on an idle machine for importing
offramp and compiling the scenario again. Both give the same numbers.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator


class InProcessExecutor:
    name = "in-process"
    workers = 1

    def run(self, fn: Callable, spec, seed: int, chunks: list) -> Iterator:
        for k, chunk in enumerate(chunks):
            yield fn(spec, seed, k, chunk)

    def is_worker_failure(self, exc: BaseException) -> bool:
        return False

    def close_run(self) -> None:
        pass


def fork_is_safe() -> bool:
    """Whether forking this process is safe: Linux, and this the only Python thread."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _quiet_worker() -> None:
    """In each forked worker: Ctrl-C is the parent's to handle (it stops the run and ends the
    workers), not a traceback from every process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalExecutor:
    """A process pool on this machine; ``workers=None`` uses every core.

    ``start``: ``"auto"`` forks the workers when :func:`fork_is_safe`, else uses joblib's
    loky pool; ``"fork"`` or ``"loky"`` choose one (see the module docstring)."""

    def __init__(self, workers: int | None = None, start: str = "auto"):
        if start not in ("auto", "fork", "loky"):
            from offramp.errors import InputError

            raise InputError(f"start must be 'auto', 'fork' or 'loky', not {start!r}")
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.name = f"local ({self.workers} worker{'s' if self.workers > 1 else ''})"
        self.start = start
        self._gen = None
        self._pool = None
        self._futures: list = []

    def run(self, fn: Callable, spec, seed: int, chunks: list) -> Iterator:
        if self.workers == 1:
            yield from InProcessExecutor().run(fn, spec, seed, chunks)
            return
        if self.start == "fork" or (self.start == "auto" and fork_is_safe()):
            yield from self._run_forked(fn, spec, seed, chunks)
            return
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=self.workers, return_as="generator_unordered", backend="loky")
        self._gen = parallel(delayed(fn)(spec, seed, k, c) for k, c in enumerate(chunks))
        yield from self._gen

    def _run_forked(self, fn: Callable, spec, seed: int, chunks: list) -> Iterator:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        self._pool = ProcessPoolExecutor(
            min(self.workers, len(chunks)) or 1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_quiet_worker,
        )
        self._futures = [self._pool.submit(fn, spec, seed, k, c) for k, c in enumerate(chunks)]
        for future in as_completed(self._futures):
            yield future.result()

    def is_worker_failure(self, exc: BaseException) -> bool:
        from concurrent.futures.process import BrokenProcessPool

        if isinstance(exc, BrokenProcessPool):
            return True
        try:
            from joblib.externals.loky.process_executor import TerminatedWorkerError
        except ImportError:  # pragma: no cover
            return False
        return isinstance(exc, TerminatedWorkerError)

    def close_run(self) -> None:
        gen, self._gen = self._gen, None
        if gen is not None:
            gen.close()  # aborts chunks not started yet
        pool, self._pool = self._pool, None
        if pool is not None:
            unfinished = any(not f.done() for f in self._futures)
            self._futures = []
            processes = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=not unfinished, cancel_futures=True)
            if unfinished:  # stopped early: end the chunks still running, now
                for process in processes:
                    process.terminate()
                for process in processes:
                    process.join(5)


class DaskExecutor:
    """A Dask distributed cluster: ``address`` is ``tcp://host:port`` of a running scheduler,
    or ``"local"`` for a LocalCluster of worker processes on 127.0.0.1 (one per core)."""

    def __init__(self, address: str, workers: int | None = None):
        from distributed import Client, LocalCluster

        self.address = address
        self.cluster = None
        if address == "local":
            import dask

            n = max(1, workers or os.cpu_count() or 1)
            # Dask's workers return freed memory to the system eagerly (MALLOC_TRIM_THRESHOLD_
            # = 64 KiB), which also turns off glibc's adaptive thresholds: every array over
            # 128 KiB is then fresh pages from the kernel, and a Monte Carlo batch (many such
            # temporaries) runs about three times slower. Our own cluster's workers keep the
            # allocator's defaults.
            with dask.config.set(
                {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
            ):
                self.cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
            self.client = Client(self.cluster)
        else:
            self.client = Client(address, timeout="5s")
        info = self.client.scheduler_info()
        self.workers = max(1, len(info.get("workers", {})))
        self.name = f"dask ({address}, {self.workers} workers)"
        self._futures: list = []

    def run(self, fn: Callable, spec, seed: int, chunks: list) -> Iterator:
        from distributed import as_completed

        spec_future = self.client.scatter(spec, broadcast=True)
        self._futures = [
            self.client.submit(fn, spec_future, seed, k, c, pure=False)
            for k, c in enumerate(chunks)
        ]
        for future in as_completed(self._futures):
            yield future.result()

    def is_worker_failure(self, exc: BaseException) -> bool:
        from distributed import KilledWorker

        return isinstance(exc, KilledWorker | OSError | TimeoutError) or type(exc).__name__ in (
            "CommClosedError",
            "FutureCancelledError",
            "CancelledError",
        )

    def close_run(self) -> None:
        if self._futures:
            self.client.cancel(self._futures)
            self._futures = []

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
