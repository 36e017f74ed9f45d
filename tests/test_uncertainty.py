"""Monte Carlo: exactness in the degenerate case, reproducibility across executors, agreement
with exact enumeration, ordinal uncertainty, interruption, and bad distributions."""

from __future__ import annotations

import copy
import itertools
import json

import numpy as np
import pytest

import offramp
from offramp.analysis.questions import answer
from offramp.analysis.template import VERDICTS
from offramp.uncertainty.executors import LocalExecutor
from offramp.uncertainty.montecarlo import monte_carlo
from offramp.uncertainty.sampling import InputSpace
from tests.cli_runner import invoke

TOY = {
    "format": "offramp/1",
    "name": "toy",
    "decision_makers": [
        {"name": "A", "options": [{"name": "give"}]},
        {"name": "B", "options": [{"name": "help"}, {"name": "wait"}]},
    ],
    "status_quo": [],
    "parameters": {
        "price": {
            "value": 3,
            "distribution": {"type": "choice", "values": [1, 2, 3, 4], "weights": [1, 2, 3, 4]},
        },
        "cost": {"value": 2.5, "distribution": {"type": "choice", "values": [2.5, 3.5]}},
    },
    "preferences": {
        "A": {"weights": [{"when": "A.give", "value": 1}, {"when": "B.help", "value": 2}]},
        "B": {
            "weights": [
                {"when": "B.help & A.give", "value": "price"},
                {"when": "B.help", "value": "-cost"},
                {"when": "B.wait", "value": 0.5},
            ]
        },
    },
    "questions": [{"id": "helps", "ask": "Does B help?", "holds_when": "B.help"}],
}


def degenerate(data: dict) -> dict:
    """The same scenario with every distribution collapsed (zero width) onto the value the
    deterministic analysis uses: a parameter's ``value``, else the distribution's point."""
    from offramp.scenario.distributions import parse_distribution

    out = copy.deepcopy(data)

    def collapse(node, value=None):
        if isinstance(node, dict):
            for k, v in list(node.items()):
                if isinstance(v, dict) and "type" in v:
                    point = parse_distribution(v).point
                    at = node.get("value", point) if k == "distribution" else point
                    if not isinstance(at, int | float):
                        at = point
                    node[k] = {"type": "normal", "mean": float(at), "sd": 0}
                else:
                    collapse(v)
        elif isinstance(node, list):
            for v in node:
                collapse(v)

    for actor in (out.get("bargaining") or {}).get("actors", []):
        unc = actor.get("uncertain") or {}
        if "capability" in unc:
            unc["capability"] = {"type": "normal", "mean": actor["capability"], "sd": 0}
        for field in ("positions", "salience"):
            for dim in unc.get(field, {}):
                unc[field][dim] = {"type": "normal", "mean": actor[field][dim], "sd": 0}
    collapse(out)
    for fig in out.get("evidence", []):  # a figure's range is an uncertain input too
        if "low" in fig:
            fig.setdefault("value", (fig["low"] + fig["high"]) / 2)
            del fig["low"], fig["high"]
    return out


def test_degenerate_distributions_equal_the_deterministic_analysis() -> None:
    base = offramp.default()
    data = degenerate(base.spec.data)
    # structural alternatives are drawn too: without them every input is at its stated value
    data.pop("alternatives", None)
    data["variants"] = [v for v in data.get("variants", []) if "alternatives" not in v]
    scenario = offramp.from_dict(data)
    assert scenario.spec.uncertain and all(
        u.distribution.degenerate for u in scenario.spec.uncertain
    )
    result = monte_carlo(scenario, 300, seed=5)
    stability = scenario.stability()
    for k, c in enumerate(result.concepts):
        np.testing.assert_array_equal(
            result.p_equilibrium()[k], stability.stable[c].all(axis=0).astype(float)
        )
    analysis = scenario.analyze()
    probs = result.verdict_probabilities()
    for j, q in enumerate(scenario.spec.questions):
        verdict = answer(analysis, q).verdict
        assert probs[j, VERDICTS.index(verdict)] == 1.0
    # forecasts: the default model at the settled outcome, every sample the same number
    from offramp.bargaining import forecast

    settled = analysis.settles_at("seq")
    shifts = scenario.spec.shifts_at(int(scenario.conflict.codes[settled[0]]))
    expected = forecast(scenario.spec.bargaining_problem(shifts), "offramp").forecast
    np.testing.assert_allclose(result.forecasts[:, 0, :], np.tile(expected, (300, 1)))


def test_same_seed_same_result_in_process_and_local_workers() -> None:
    scenario = offramp.default()
    a = monte_carlo(scenario, 600, seed=11)
    b = monte_carlo(scenario, 600, seed=11, executor=LocalExecutor(2))
    c = monte_carlo(scenario, 600, seed=11, executor=LocalExecutor(1))
    for other in (b, c):
        np.testing.assert_array_equal(a.inputs, other.inputs)
        np.testing.assert_array_equal(a.verdicts, other.verdicts)
        np.testing.assert_array_equal(a.equilibrium_counts, other.equilibrium_counts)
        np.testing.assert_array_equal(a.forecasts, other.forecasts)
    assert a.to_dict()["questions"] == b.to_dict()["questions"]
    d = monte_carlo(scenario, 600, seed=12)
    assert not np.array_equal(a.inputs, d.inputs)


def test_probabilities_match_exact_enumeration() -> None:
    scenario = offramp.from_dict(TOY)
    price = scenario.spec.document.parameters["price"].distribution
    cost = scenario.spec.document.parameters["cost"].distribution
    exact = 0.0
    pw = np.array(price.weights) / sum(price.weights)
    for (p, wp), c in itertools.product(zip(price.values, pw, strict=True), cost.values):
        variant = scenario.with_changes({"price": p, "cost": c})
        verdict = answer(variant.analyze(), variant.spec.questions[0]).verdict
        exact += wp * 0.5 * (verdict == "yes")
    assert 0 < exact < 1
    n = 4000
    result = monte_carlo(scenario, n, seed=3)
    p_yes = result.verdict_probabilities()[0, 0]
    se = np.sqrt(exact * (1 - exact) / n)
    assert abs(p_yes - exact) < 4 * se, (p_yes, exact, se)


def test_ordinal_uncertainty() -> None:
    data = {
        "format": "offramp/1",
        "name": "ordinal",
        "decision_makers": [
            {"name": "A", "options": [{"name": "x"}, {"name": "y"}]},
            {"name": "B", "options": [{"name": "z"}]},
        ],
        "status_quo": [],
        "preferences": {
            "A": {
                "prioritization": [
                    {"any_order": ["A.x", "A.y"]},
                    {"statement": "!B.z", "probability": 0.3},
                ]
            },
            "B": {"prioritization": ["B.z"]},
        },
    }
    scenario = offramp.from_dict(data)
    space = InputSpace.of(scenario.spec)
    assert space.column_names == [
        "A.prioritization[2] held",
        "A.prioritization[0] order",
        "A.prioritization[1] order",
    ]
    rows = np.concatenate([space.draw_block(1, b) for b in range(8)])
    orders = [tuple(space.orders(scenario.spec, r)["A"]) for r in rows]
    held = np.mean([2 in o for o in orders])
    x_first = np.mean([o[0] == 0 for o in orders])
    assert abs(held - 0.3) < 0.05 and abs(x_first - 0.5) < 0.05
    assert {o[:2] for o in orders} == {(0, 1), (1, 0)}
    result = monte_carlo(scenario, 500, seed=2)
    assert result.completed == 500


def test_interrupted_run_keeps_finished_samples(monkeypatch) -> None:
    from offramp.uncertainty import executors

    original = executors.InProcessExecutor.run

    def stop_after_two(self, fn, spec, seed, chunks):
        for k, res in enumerate(original(self, fn, spec, seed, chunks)):
            if k == 2:
                raise KeyboardInterrupt
            yield res

    monkeypatch.setattr(executors.InProcessExecutor, "run", stop_after_two)
    scenario = offramp.from_dict(TOY)
    result = monte_carlo(scenario, 2000, seed=1)
    assert result.interrupted == "interrupted by the user"
    assert 0 < result.completed < 2000
    assert result.to_dict()["samples"] == result.completed


@pytest.mark.parametrize(
    ("dist", "fragment"),
    [
        ({"type": "normal", "mean": 1}, "needs 'mean', 'sd'; missing 'sd'"),
        ({"type": "uniform", "low": 3, "high": 1}, "low (3) must not exceed high (1)"),
        ({"type": "triangular", "low": 0, "mode": 5, "high": 4}, "mode (5) must lie within"),
        ({"type": "beta", "low": 0, "high": 1, "alpha": 0, "beta": 1}, "alpha and beta"),
        ({"type": "choice", "values": [1, 2], "weights": [1]}, "2 values but 1 weights"),
        ({"type": "normal", "mean": 0, "sd": 1, "mode": 2}, "'mode' do(es) not belong"),
        ({"type": "lognormal", "mean": 0, "sd": 1}, "type"),
    ],
)
def test_impossible_distributions_are_located_errors(capsys, tmp_path, dist, fragment) -> None:
    data = copy.deepcopy(TOY)
    data["parameters"]["price"] = {"distribution": dist}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, indent=1))
    out = invoke(capsys, "validate", str(path))
    assert out.code == 2
    assert "parameters.price.distribution" in out.err
    assert fragment in out.err
    assert "Traceback" not in out.err


def test_cli_uncertainty_json(capsys, tmp_path) -> None:
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(TOY))
    out = invoke(
        capsys, "uncertainty", str(path), "-n", "500", "--seed", "4", "-w", "1", "--format", "json"
    )
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert data["samples"] == 500 and data["seed"] == 4
    q = data["questions"][0]
    assert q["yes"] + q["no"] + q["depends"] + q["undetermined"] == pytest.approx(1.0)
    assert [d["input"] for d in data["sensitivity"]["question:helps"]][:1] == ["price"]
    again = invoke(capsys, "uncertainty", str(path), "-n", "500", "--seed", "4", "--format", "json")
    assert json.loads(again.out)["questions"] == data["questions"]


def test_dask_local_cluster_gives_the_same_result() -> None:
    """A real LocalCluster: scheduler and two worker processes on 127.0.0.1."""
    pytest.importorskip("distributed", reason="the optional extra offramp[dask]")
    from offramp.uncertainty.executors import DaskExecutor

    scenario = offramp.default()
    reference = monte_carlo(scenario, 500, seed=21)
    with DaskExecutor("local", workers=2) as executor:
        assert executor.workers == 2
        assert executor.client.scheduler.address.startswith("tcp://127.0.0.1:")
        result = monte_carlo(scenario, 500, seed=21, executor=executor)
    assert result.executor.startswith("dask")
    np.testing.assert_array_equal(reference.inputs, result.inputs)
    np.testing.assert_array_equal(reference.verdicts, result.verdicts)
    np.testing.assert_array_equal(reference.equilibrium_counts, result.equilibrium_counts)
    np.testing.assert_array_equal(reference.forecasts, result.forecasts)


def test_dask_scheduler_address_error_is_usage_error(capsys) -> None:
    pytest.importorskip("distributed", reason="the optional extra offramp[dask]")
    out = invoke(capsys, "uncertainty", "-n", "10", "--dask", "tcp://127.0.0.1:9")
    assert out.code == 2
    assert "cannot reach the Dask scheduler" in out.err


@pytest.mark.slow
def test_dask_lost_worker_gives_the_undisturbed_result() -> None:
    """Killing a worker process mid-run: Dask reruns its chunks elsewhere, and the result is
    the one an undisturbed run gives (chunks are seeded by their index, not by who runs them)."""
    pytest.importorskip("distributed", reason="the optional extra offramp[dask]")
    import os
    import signal

    from offramp.uncertainty.executors import DaskExecutor

    scenario = offramp.default()
    reference = monte_carlo(scenario, 2000, seed=5)
    killed: list[int] = []
    with DaskExecutor("local", workers=2) as executor:
        pids = executor.client.run(os.getpid)

        def kill_one(done: int, total: int) -> None:
            if not killed and done < total:
                pid = next(iter(pids.values()))
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        result = monte_carlo(scenario, 2000, seed=5, executor=executor, progress=kill_one)
    assert killed, "the worker was killed during the run"
    assert not result.interrupted
    np.testing.assert_array_equal(reference.verdicts, result.verdicts)
    np.testing.assert_array_equal(reference.equilibrium_counts, result.equilibrium_counts)


def test_dask_without_the_extra_names_the_extra(capsys, monkeypatch) -> None:
    """Without ``distributed`` installed, --dask is a usage error naming ``offramp[dask]``."""
    import builtins

    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    out = invoke(capsys, "uncertainty", "-n", "10", "--dask", "local")
    assert out.code == 2
    assert "pip install 'offramp[dask]'" in out.err
    assert "cannot reach" not in out.err and "Traceback" not in out.err
