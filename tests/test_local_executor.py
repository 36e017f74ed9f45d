"""The local process pool: forked workers when that is safe, joblib's loky workers otherwise;
the same numbers either way, a lost worker or Ctrl-C keeps the finished chunks and ends the
workers."""

from __future__ import annotations

import os
import signal
import threading

import numpy as np
import pytest

import offramp
from offramp.errors import InputError
from offramp.uncertainty.executors import LocalExecutor, fork_is_safe
from offramp.uncertainty.montecarlo import monte_carlo


def _same(a, b) -> None:
    np.testing.assert_array_equal(a.inputs, b.inputs)
    np.testing.assert_array_equal(a.verdicts, b.verdicts)
    np.testing.assert_array_equal(a.equilibrium_counts, b.equilibrium_counts)
    np.testing.assert_array_equal(a.settle_sums, b.settle_sums)
    np.testing.assert_array_equal(a.forecasts, b.forecasts)


@pytest.mark.skipif(not fork_is_safe(), reason="forking needs Linux and no other thread")
def test_forked_and_loky_workers_give_the_in_process_result() -> None:
    scenario = offramp.default()
    reference = monte_carlo(scenario, 1500, seed=11)
    forked = monte_carlo(scenario, 1500, seed=11, executor=LocalExecutor(2, start="fork"))
    loky = monte_carlo(scenario, 1500, seed=11, executor=LocalExecutor(2, start="loky"))
    auto = monte_carlo(scenario, 1500, seed=11, executor=LocalExecutor(2))
    for other in (forked, loky, auto):
        assert not other.interrupted
        _same(reference, other)


def test_auto_forks_only_without_other_threads(monkeypatch) -> None:
    used = []
    original = LocalExecutor._run_forked

    def spy(self, *args):
        used.append("fork")
        yield from original(self, *args)

    monkeypatch.setattr(LocalExecutor, "_run_forked", spy)
    scenario = offramp.default()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not fork_is_safe()
        monte_carlo(scenario, 500, seed=3, executor=LocalExecutor(2))
        assert used == []  # a thread is running: loky
    finally:
        stop.set()
        other.join()
    if fork_is_safe():
        monte_carlo(scenario, 500, seed=3, executor=LocalExecutor(2))
        assert used == ["fork"]


@pytest.mark.skipif(not fork_is_safe(), reason="forking needs Linux and no other thread")
def test_a_killed_forked_worker_keeps_the_finished_chunks() -> None:
    scenario = offramp.default()
    reference = monte_carlo(scenario, 5000, seed=8)
    executor = LocalExecutor(2, start="fork")
    killed: list[int] = []

    def kill_one(done: int, total: int) -> None:
        if not killed and done < total:
            pid = executor.worker_processes()[0].pid
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    result = monte_carlo(scenario, 5000, seed=8, executor=executor, progress=kill_one)
    assert killed
    assert result.interrupted and result.interrupted.startswith("a worker was lost")
    assert 0 < result.completed < 5000
    # the chunks that came back are the undisturbed run's samples (blocks are seeded by index)
    rows = {r.tobytes() for r in reference.inputs}
    assert all(r.tobytes() in rows for r in result.inputs)


@pytest.mark.skipif(not fork_is_safe(), reason="forking needs Linux and no other thread")
def test_ctrl_c_stops_the_forked_workers() -> None:
    scenario = offramp.default()
    executor = LocalExecutor(2, start="fork")
    seen: list = []

    def interrupt(done: int, total: int) -> None:
        seen.append(executor.worker_processes())
        raise KeyboardInterrupt

    result = monte_carlo(scenario, 10_000, seed=1, executor=executor, progress=interrupt)
    assert result.interrupted == "interrupted by the user"
    assert 0 < result.completed < 10_000
    assert seen and all(not p.is_alive() for p in seen[0])


def test_an_unknown_start_method_is_an_input_error() -> None:
    with pytest.raises(InputError, match="start must be 'auto', 'fork' or 'loky'"):
        LocalExecutor(2, start="spawn")
