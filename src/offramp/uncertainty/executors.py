"""Where Monte Carlo chunks run: in this process, in a local process pool (joblib), or on a
Dask cluster. Each executor yields chunk results as they finish; the caller reassembles them
in order, so results do not depend on the executor."""

from __future__ import annotations

import os
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


class LocalExecutor:
    """joblib's process pool (loky) on this machine; ``workers=None`` uses every core."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.name = f"local ({self.workers} worker{'s' if self.workers > 1 else ''})"
        self._gen = None

    def run(self, fn: Callable, spec, seed: int, chunks: list) -> Iterator:
        if self.workers == 1:
            yield from InProcessExecutor().run(fn, spec, seed, chunks)
            return
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=self.workers, return_as="generator_unordered", backend="loky")
        self._gen = parallel(delayed(fn)(spec, seed, k, c) for k, c in enumerate(chunks))
        yield from self._gen

    def is_worker_failure(self, exc: BaseException) -> bool:
        try:
            from joblib.externals.loky.process_executor import TerminatedWorkerError
        except ImportError:  # pragma: no cover
            return False
        return isinstance(exc, TerminatedWorkerError)

    def close_run(self) -> None:
        gen, self._gen = self._gen, None
        if gen is not None:
            gen.close()  # aborts chunks not started yet


class DaskExecutor:
    """A Dask distributed cluster: ``address`` is ``tcp://host:port`` of a running scheduler,
    or ``"local"`` for a LocalCluster of worker processes on 127.0.0.1 (one per core)."""

    def __init__(self, address: str, workers: int | None = None):
        from distributed import Client, LocalCluster

        self.address = address
        self.cluster = None
        if address == "local":
            n = max(1, workers or os.cpu_count() or 1)
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
