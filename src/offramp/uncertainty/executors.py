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

The forked workers are plain processes, each given its share of the chunks up front and its
own pipe back, not a shared pool: a worker stopped mid-chunk (Ctrl-C, a lost worker) can then
leave no shared queue or lock half-written for the others or for this process to wait on
forever, so ending a run never hangs. A worker also dies with its parent: killed by SIGKILL
the parent runs no clean-up, so each worker asks the kernel for a parent-death signal
(``prctl(PR_SET_PDEATHSIG)`` on Linux) and, as a fallback, a watcher thread polls its parent
id; and each worker closes the read ends of the pipes it inherited, so that a send to a
parent that is gone fails at once instead of blocking on a pipe nobody reads.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from offramp.errors import InputError, OfframpError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from distributed import Future, LocalCluster

SpecT = TypeVar("SpecT")  # what every chunk needs (a scenario recipe), sent once per worker
ChunkT = TypeVar("ChunkT")  # one chunk of work (sampling blocks)
PartT = TypeVar("PartT")  # one part of a chunk's result
#: ``fn(spec, seed, index, chunk)``: the parts of one chunk, as they finish
ChunkFn = Callable[[SpecT, int, int, ChunkT], Iterable[PartT]]

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL_SECONDS = 0.5
STOP_CLOSE_SECONDS = 0.5  # closing a LocalCluster whose workers were killed (Ctrl-C)


def whole_chunk(
    fn: ChunkFn[SpecT, ChunkT, PartT], spec: SpecT, seed: int, index: int, chunk: ChunkT
) -> list[PartT]:
    """Every part ``fn`` yields for one chunk, as a list: the task an executor that returns
    results only whole (loky, Dask, the workbench's pool) sends to a worker."""
    return list(fn(spec, seed, index, chunk))


class Executor(Protocol):
    """What the Monte Carlo asks of an executor (:class:`InProcessExecutor` documents it)."""

    @property
    def name(self) -> str: ...
    @property
    def workers(self) -> int: ...

    def run(
        self, fn: ChunkFn[SpecT, ChunkT, PartT], spec: SpecT, seed: int, chunks: list[ChunkT]
    ) -> Iterator[PartT]: ...

    def is_worker_failure(self, exc: BaseException) -> bool: ...

    def close_run(self) -> list[Any]: ...


class InProcessExecutor:
    """The protocol every executor follows: ``run(fn, spec, seed, chunks)`` yields the parts
    that ``fn(spec, seed, k, chunk)`` (a generator) yields for each chunk, in any order;
    ``is_worker_failure(exc)`` tells a lost worker from a bug; ``close_run()`` ends the run's
    work and returns the parts that had finished but not been yielded yet."""

    name = "in-process"
    workers = 1

    def run(
        self, fn: ChunkFn[SpecT, ChunkT, PartT], spec: SpecT, seed: int, chunks: list[ChunkT]
    ) -> Iterator[PartT]:
        for k, chunk in enumerate(chunks):
            yield from fn(spec, seed, k, chunk)

    def is_worker_failure(self, exc: BaseException) -> bool:
        return False

    def close_run(self) -> list[Any]:
        return []


def fork_is_safe() -> bool:
    """Whether forking this process is safe: Linux, and this the only Python thread."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _quiet_worker() -> None:
    """In each forked worker: Ctrl-C is the parent's to handle (it stops the run and ends the
    workers), not a traceback from every process; and SIGTERM ends the worker whatever handler
    the parent had installed (a fork inherits it), so that stopping a run stops its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _die_with_parent(parent: int) -> None:
    """In a forked worker: end when the process that started it ends, however it ends.

    The kernel's parent-death signal covers SIGKILL of the parent, which runs no clean-up;
    the parent may already be gone when it is set (checked right after), and where prctl is
    not available a daemon thread polls the parent's id instead."""
    armed = False
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent:
        os._exit(1)
    if not armed:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(PARENT_POLL_SECONDS)
            os._exit(1)

        threading.Thread(target=watch, daemon=True, name="offramp-parent-watch").start()


class WorkerLost(OfframpError, RuntimeError):
    """A forked worker ended before sending all its chunks (killed from outside, out of
    memory): not a bug in offramp, so an :class:`~offramp.errors.OfframpError` (exit 2)."""


def _forked_worker(
    conn: Connection,
    inherited: list[Connection],
    parent: int,
    fn: ChunkFn[SpecT, ChunkT, Any],
    spec: SpecT,
    seed: int,
    mine: list[tuple[int, ChunkT]],
) -> None:
    """A forked worker's life: its chunks in order, each part sent back on its own pipe as
    soon as it is finished, then "done" (or the error); then it leaves without running the
    parent's exit handlers. ``inherited``: the read ends of the pipes open when it was forked
    (its own among them), closed here."""
    _die_with_parent(parent)
    _quiet_worker()
    for end in inherited:
        end.close()
    try:
        for k, chunk in mine:
            for part in fn(spec, seed, k, chunk):
                conn.send(("ok", part))
        conn.send(("done", None))
    except BaseException as exc:  # the parent re-raises it
        with contextlib.suppress(Exception):  # unpicklable: the parent sees the pipe end
            conn.send(("error", exc))
    finally:
        conn.close()
        os._exit(0)


def _drain(pipes: list[Connection]) -> list[Any]:
    """The parts already sent on the pipes of stopped workers and not yet read (a message cut
    off by the stop is dropped); closes the pipes."""
    parts: list[Any] = []
    for conn in pipes:
        with contextlib.suppress(EOFError, OSError):
            while not conn.closed and conn.poll():
                kind, payload = conn.recv()
                if kind == "ok":
                    parts.append(payload)
        conn.close()
    return parts


class LocalExecutor:
    """A process pool on this machine; ``workers=None`` uses every core.

    ``start``: ``"auto"`` forks the workers when :func:`fork_is_safe`, else uses joblib's
    loky pool; ``"fork"`` or ``"loky"`` choose one (see the module docstring)."""

    def __init__(self, workers: int | None = None, start: str = "auto"):
        if start not in ("auto", "fork", "loky"):
            raise InputError(f"start must be 'auto', 'fork' or 'loky', not {start!r}")
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.name = f"local ({self.workers} worker{'s' if self.workers > 1 else ''})"
        self.start = start
        self._gen: Generator[list[Any], None, None] | None = None  # the loky run's results
        self._processes: list[BaseProcess] = []
        self._pipes: list[Connection] = []

    def run(
        self, fn: ChunkFn[SpecT, ChunkT, PartT], spec: SpecT, seed: int, chunks: list[ChunkT]
    ) -> Iterator[PartT]:
        if self.workers == 1:
            yield from InProcessExecutor().run(fn, spec, seed, chunks)
            return
        if self.start == "fork" or (self.start == "auto" and fork_is_safe()):
            yield from self._run_forked(fn, spec, seed, chunks)
            return
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=self.workers, return_as="generator_unordered", backend="loky")
        tasks = (delayed(whole_chunk)(fn, spec, seed, k, c) for k, c in enumerate(chunks))
        gen: Generator[list[PartT], None, None] = parallel(tasks)
        self._gen = gen
        for parts in gen:
            yield from parts

    def _run_forked(
        self, fn: ChunkFn[SpecT, ChunkT, PartT], spec: SpecT, seed: int, chunks: list[ChunkT]
    ) -> Iterator[PartT]:
        import multiprocessing
        from multiprocessing.connection import wait

        context = multiprocessing.get_context("fork")
        n = min(self.workers, len(chunks)) or 1
        open_pipes: list[Connection] = []
        parent = os.getpid()
        for w in range(n):  # chunks are of nearly equal size: a fixed share each
            mine = [(k, c) for k, c in enumerate(chunks) if k % n == w]
            receive, send = context.Pipe(duplex=False)
            inherited = [*open_pipes, receive]
            process = context.Process(
                target=_forked_worker,
                args=(send, inherited, parent, fn, spec, seed, mine),
                daemon=True,
            )
            process.start()
            send.close()
            self._processes.append(process)
            open_pipes.append(receive)
        self._pipes = list(open_pipes)
        while open_pipes:
            for ready in wait(list(open_pipes)):
                conn = cast("Connection", ready)  # wait() returns some of the objects given
                try:
                    kind, payload = conn.recv()
                except (EOFError, OSError):  # the pipe ended, perhaps mid-message
                    raise WorkerLost("a forked worker ended before its chunks were done") from None
                if kind == "error":
                    raise payload
                if kind == "done":
                    open_pipes.remove(conn)
                    continue
                yield payload

    def worker_processes(self) -> list[BaseProcess]:
        """The forked workers of the current run (for tests and monitoring)."""
        return list(self._processes)

    def is_worker_failure(self, exc: BaseException) -> bool:
        if isinstance(exc, WorkerLost):
            return True
        try:
            from joblib.externals.loky.process_executor import TerminatedWorkerError
        except ImportError:  # pragma: no cover
            return False
        return isinstance(exc, TerminatedWorkerError)

    def close_run(self) -> list[Any]:
        gen, self._gen = self._gen, None
        if gen is not None:
            gen.close()  # aborts chunks not started yet
        processes, self._processes = self._processes, []
        for process in processes:  # finished ones have left; the others are stopped now
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(5)
        pipes, self._pipes = self._pipes, []
        return _drain(pipes)


def _ignore_sigint() -> None:
    """Run in each worker process of our own LocalCluster, once it is up: the workers are in
    the terminal's process group, so Ctrl-C reaches each of them too, and each printed a
    KeyboardInterrupt traceback; the parent alone handles it (it stops the run and the
    cluster). Not done by ignoring SIGINT in the parent while the cluster starts (which the
    workers would inherit): a Ctrl-C meanwhile could then be lost."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class DaskNotInstalled(OfframpError, ImportError):
    """Dask was asked for (``--dask``) but the optional extra ``offramp[dask]`` is missing."""


class DaskExecutor:
    """A Dask distributed cluster: ``address`` is ``tcp://host:port`` of a running scheduler,
    or ``"local"`` for a LocalCluster of worker processes on 127.0.0.1 (one per core)."""

    def __init__(self, address: str, workers: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise DaskNotInstalled(
                "--dask needs Dask's 'distributed' package, an optional extra: install it with "
                "pip install 'offramp[dask]' (or run without --dask: local worker processes)"
            ) from None

        self.address = address
        self.cluster: LocalCluster | None = None
        self._unfinished = True  # see close()
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
            try:
                self.client = Client(self.cluster)
                self.client.run(_ignore_sigint)
            except BaseException:  # Ctrl-C while it starts: the cluster goes at once
                self._stop_cluster()
                raise
        else:
            self.client = Client(address, timeout="5s")
        info = self.client.scheduler_info()
        self.workers = max(1, len(info.get("workers", {})))
        self.name = f"dask ({address}, {self.workers} workers)"
        self._futures: list[Future[list[Any]]] = []
        # True unless the last run came back whole: close() then kills our own cluster's
        # workers rather than wait for them (a stop can come at any line, startup included)
        self._unfinished = True

    def run(
        self, fn: ChunkFn[SpecT, ChunkT, PartT], spec: SpecT, seed: int, chunks: list[ChunkT]
    ) -> Iterator[PartT]:
        from distributed import as_completed

        self._unfinished = True
        spec_future = self.client.scatter(spec, broadcast=True)
        self._futures = [
            self.client.submit(whole_chunk, fn, spec_future, seed, k, c, pure=False)
            for k, c in enumerate(chunks)
        ]
        for future in as_completed(self._futures):
            parts: list[PartT] = future.result()
            yield from parts
        self._unfinished = False

    def is_worker_failure(self, exc: BaseException) -> bool:
        from distributed import KilledWorker

        return isinstance(exc, KilledWorker | OSError | TimeoutError) or type(exc).__name__ in (
            "CommClosedError",
            "FutureCancelledError",
            "CancelledError",
        )

    def close_run(self) -> list[Any]:
        if self._futures:
            self.client.cancel(self._futures)
            self._futures = []
        return []

    def close(self) -> None:
        """Ends the client, and the LocalCluster if this executor started it. After a run
        that was stopped, the cluster's worker processes are killed first: they hold nothing
        worth keeping, and a graceful close waits for each to finish its task (seconds), while
        Ctrl-C should end the command at once."""
        if self.cluster is None:
            self.client.close()
            return
        if not self._unfinished:
            self.client.close()
            self.cluster.close()
            return
        self._stop_cluster()

    def _stop_cluster(self) -> None:
        """Kill our own cluster's workers, then close the client and the cluster without
        waiting for the workers."""
        import logging

        cluster = self.cluster
        if cluster is None:  # connected to a scheduler: its workers are not ours to stop
            return
        # Killed on purpose: the scheduler's complaints about lost workers and data are noise.
        logging.disable(logging.CRITICAL)
        try:
            from distributed.core import Status

            for nanny in list(cluster.workers.values()):
                # A running nanny restarts a worker whose process ended (and, stopped midway
                # by the cluster's close, logs a CancelledError traceback): marked closing,
                # it lets the worker go.
                nanny.status = Status.closing
                process = getattr(getattr(nanny, "process", None), "process", None)
                pid = getattr(process, "pid", None)
                if pid:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
            client = getattr(self, "client", None)
            if client is not None:
                with contextlib.suppress(Exception):
                    client.close(timeout=STOP_CLOSE_SECONDS)
            with contextlib.suppress(Exception):  # a nanny may wait on a worker still starting
                cluster.close(timeout=STOP_CLOSE_SECONDS)
            # A close that timed out is tried again by distributed at interpreter exit, with a
            # 10 s timeout: the workers are dead and the process is ending, so it is skipped.
            cluster.shutdown_on_close = False
        finally:
            logging.disable(logging.NOTSET)

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
