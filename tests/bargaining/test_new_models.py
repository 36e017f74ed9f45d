"""Nash bargaining, the agenda setter, position exchange and stacking: each checked against a
slow version written straight from its definition."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from offramp.bargaining import BargainingProblem
from offramp.bargaining.agenda import QMV_SHARE, AgendaSetter
from offramp.bargaining.compromise import Compromise
from offramp.bargaining.exchange import Exchange
from offramp.bargaining.median import Median
from offramp.bargaining.nash import Nash, nash_point
from offramp.bargaining.stacking import Stack, fit_weights


def brute_nash(x, w, rp, veto=False):
    """Maximise Σ w_i log((x_i - rp)^2 - (z - x_i)^2) over a fine grid of z, over the actors
    on the side of change; only they bargain (module docstring)."""
    side = np.sign(np.sum(w * (x - rp)))
    gain = (x - rp) * side > 0
    if veto and not np.all(gain):
        return rp
    z = rp + side * np.linspace(0, 100, 200_001)[1:]
    g = (x[gain, None] - rp) ** 2 - (z[None, :] - x[gain, None]) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        obj = np.where(np.all(g > 0, axis=0), np.sum(w[gain, None] * np.log(g), axis=0), -np.inf)
    return float(z[int(np.argmax(obj))])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 100), min_size=2, max_size=6),
    st.lists(st.integers(1, 20), min_size=6, max_size=6),
    st.integers(0, 100),
)
def test_nash_point_maximises_the_nash_product(xs, ws, rp) -> None:
    x = np.array(xs, dtype=float)
    w = np.array(ws[: len(xs)], dtype=float)
    if np.sum(w * (x - rp)) == 0:
        assert nash_point(x, w, rp) == rp
        return
    assert nash_point(x, w, float(rp)) == pytest.approx(brute_nash(x, w, float(rp)), abs=1e-3)


def test_nash_hand_cases() -> None:
    # one actor gets its ideal; two equal actors at 10 and 90 from rp = 0: W/t = Σ w/(2a - t)
    assert nash_point(np.array([40.0, 40.0]), np.ones(2), 0.0) == pytest.approx(40.0)
    t = nash_point(np.array([10.0, 90.0]), np.ones(2), 0.0)
    assert 2 / t == pytest.approx(1 / (20 - t) + 1 / (180 - t))
    # an actor behind the status quo is outvoted, or vetoes under unanimity
    x, w = np.array([-5.0 + 5, 60.0, 80.0]), np.array([1.0, 1.0, 1.0])
    assert nash_point(x, w, 5.0, veto=True) == 5.0
    assert nash_point(x, w, 5.0) > 5.0
    assert nash_point(x, w, float("nan")) == pytest.approx(np.mean(x))


def test_nash_model_uses_rp_and_the_voting_rule() -> None:
    p = BargainingProblem(
        ["a", "b", "c"],
        ["d"],
        [1.0, 1.0, 1.0],
        [[0.0], [60.0], [80.0]],
        [[1.0], [1.0], [1.0]],
        reference_point=[5.0],
        voting_rule="Unan",
    )
    assert Nash(veto="unanimity").predict(p)[0] == 5.0
    assert Nash(veto="none").predict(p)[0] > 5.0
    brute = brute_nash(np.array([0, 60, 80.0]), np.ones(3), 5)
    assert Nash(alpha=1.0).predict(p)[0] == pytest.approx(brute, abs=1e-3)
    no_rp = BargainingProblem(["a", "b"], ["d"], [1, 3], [[0], [100]], [[1], [1]])
    assert Nash(alpha=1.0).predict(no_rp)[0] == pytest.approx(75.0)


def brute_agenda(x, votes, council, veto, setter, rp, share):
    """Scan 0..100 in 0.25 steps: passes if each veto player and a qualified share of the
    council weakly prefer it to rp; the setter takes the passing point nearest its ideal."""
    best = rp
    for z in np.concatenate([np.arange(0, 100.0001, 0.25), x]):
        ok = [abs(z - x[i]) <= abs(rp - x[i]) for i in range(len(x))]
        yes = sum(votes[i] for i in range(len(x)) if council[i] and ok[i])
        if yes < share * sum(votes[i] for i in range(len(x)) if council[i]) - 1e-9:
            continue
        if not all(ok[i] for i in range(len(x)) if veto[i]):
            continue
        if abs(z - x[setter]) < abs(best - x[setter]) - 1e-12:
            best = z
    return best


def eu(pos, rp, rule, proc, caps=None):
    names = ["com", "ep", "de", "fr", "mt"]
    return BargainingProblem(
        names,
        ["d"],
        caps or [1.0] * 5,
        [[p] for p in pos],
        [[1.0]] * 5,
        reference_point=[rp],
        voting_rule=rule,
        procedure=proc,
    )


def test_agenda_setter_hand_cases() -> None:
    # Commission wants 100, status quo 0; Council DE 40, FR 60, MT 10 (Nice votes 29, 29, 3).
    # QMV needs 73.9% of 61 votes = 45.1: DE and FR (58) suffice, MT is not needed:
    # DE accepts up to 80, FR up to 120 -> 80. Unanimity: MT accepts up to 20 -> 20.
    com = AgendaSetter(setter="com", votes="nice")
    p = eu([100, 30, 40, 60, 10], 0.0, "QMV", "CNS")
    assert com.predict(p)[0] == 80.0
    assert com.predict(eu([100, 30, 40, 60, 10], 0.0, "Unan", "CNS"))[0] == 20.0
    # co-decision: the Parliament (30) accepts only up to 60
    assert com.predict(eu([100, 30, 40, 60, 10], 0.0, "QMV", "COD"))[0] == 60.0
    # the Parliament as setter under co-decision proposes its own ideal when it passes
    ep = AgendaSetter(setter="ep", votes="nice")
    assert ep.predict(eu([100, 30, 40, 60, 10], 0.0, "QMV", "COD"))[0] == 30
    # no reference point: the compromise model
    q = BargainingProblem(["com", "de"], ["d"], [1, 1], [[0], [100]], [[1], [1]])
    assert com.predict(q)[0] == pytest.approx(50.0)
    fc = com.forecast(q)
    assert fc.details["fallback_to_compromise"] == {"d": "no reference point"}
    assert abs(QMV_SHARE - 0.739) < 1e-3


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 100), min_size=5, max_size=5),
    st.integers(0, 100),
    st.sampled_from(["QMV", "Unan", None]),
    st.sampled_from(["COD", "CNS"]),
    st.sampled_from(["com", "ep"]),
)
def test_agenda_setter_matches_the_definition(pos, rp, rule, proc, setter) -> None:
    p = eu(pos, float(rp), rule, proc, caps=[5.0, 4.0, 3.0, 2.0, 1.0])
    model = AgendaSetter(setter=setter, votes="capability")
    x = np.array(pos, dtype=float)
    share = {"QMV": QMV_SHARE, "Unan": 1.0, None: 0.5}[rule]
    who = 1 if setter == "ep" and proc == "COD" else 0
    veto = [False, proc == "COD" and who != 1, False, False, False]
    council = [False, False, True, True, True]
    expect = brute_agenda(x, [5.0, 4.0, 3.0, 2.0, 1.0], council, veto, who, float(rp), share)
    assert abs(model.predict(p)[0] - x[who]) == pytest.approx(abs(expect - x[who]), abs=1e-9)


def test_exchange_reduces_to_a_power_mean_on_one_issue_and_trades_on_two() -> None:
    one = BargainingProblem(["a", "b"], ["d"], [1.0, 4.0], [[0.0], [100.0]], [[0.5], [0.5]])
    assert Exchange(alpha=0.5, gamma=2.0).predict(one)[0] == pytest.approx(100 * 2 / 3)
    # a cares about d1 (0.9) more than d2 (0.1); b the reverse: after exchange each dominates
    # the issue it cares about more than the compromise model lets it
    two = BargainingProblem(
        ["a", "b"], ["d1", "d2"], [1.0, 1.0], [[0, 0], [100, 100]], [[0.9, 0.1], [0.1, 0.9]]
    )
    comp = Compromise().predict(two)
    ex = Exchange(alpha=1.0, gamma=1.0).predict(two)
    assert ex[0] < comp[0] and ex[1] > comp[1]
    # by hand: s̄ = 0.5 for both; w_a1 = 0.9 * 1.8, w_b1 = 0.1 * 0.2 -> d1 = 100 * 0.02 / 1.64
    assert ex[0] == pytest.approx(100 * 0.02 / 1.64)
    assert Exchange(gamma=0.0).predict(two) == pytest.approx(comp)


def lad_primal(p, y):
    """The textbook LAD linear programme over the simplex (2n + m variables)."""
    m, n = p.shape
    c = np.concatenate([np.zeros(m), np.ones(2 * n)])
    a = np.zeros((n + 1, m + 2 * n))
    a[:n, :m], a[:n, m : m + n], a[:n, m + n :] = p.T, np.eye(n), -np.eye(n)
    a[n, :m] = 1.0
    return linprog(c, A_eq=a, b_eq=np.concatenate([y, [1.0]]), bounds=(0, None)).fun


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 5), st.integers(3, 40))
def test_stacking_weights_reach_the_lad_optimum(seed, m, n) -> None:
    rng = np.random.default_rng(seed)
    p = rng.uniform(0, 100, (m, n)).round()
    y = rng.uniform(0, 100, n).round()
    v = fit_weights(p, y)
    assert np.all(v >= 0) and np.sum(v) == pytest.approx(1.0)
    assert np.sum(np.abs(v @ p - y)) == pytest.approx(lad_primal(p, y), rel=1e-7, abs=1e-6)


def test_stacking_recovers_an_exact_combination() -> None:
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 100, (3, 50))
    y = 0.25 * p[0] + 0.75 * p[2]
    assert fit_weights(p, y) == pytest.approx([0.25, 0.0, 0.75], abs=1e-9)


def test_stack_model_is_the_weighted_forecast() -> None:
    p = BargainingProblem(["a", "b", "c"], ["d"], [1, 1, 2], [[0], [40], [100]], [[1], [1], [1]])
    s = Stack(bases=(Compromise(), Median()), weights=(0.25, 0.75))
    assert s.predict(p)[0] == pytest.approx(0.25 * 60.0 + 0.75 * 70.0)
    with pytest.raises(Exception, match="weights"):
        Stack(bases=(Compromise(), Median()), weights=(0.5,))


def test_explanations_say_when_a_model_falls_back() -> None:
    q = BargainingProblem(["com", "de"], ["d"], [1, 1], [[0], [100]], [[1], [1]])
    agenda = AgendaSetter(setter="ep")
    lines = [x["text"] for x in agenda.explain(agenda.forecast(q))]
    assert lines == [
        "agenda: com proposes; voting rule unknown, procedure unknown",
        "d: no reference point, so the forecast is the compromise model's",
    ]
    p = eu([100, 30, 40, 60, 10], 0.0, "QMV", "COD")
    assert agenda.forecast(p).details["proposer"] == "ep"
    assert agenda.explain(agenda.forecast(p)) == [
        {"text": "agenda: ep proposes; voting rule QMV, procedure COD"}
    ]
    nash = Nash()
    assert nash.explain(nash.forecast(q)) == [
        {"text": "d: no reference point, so the forecast is the weighted mean"}
    ]
    fc = nash.forecast(p)
    assert nash.explain(fc)[0]["text"].startswith("d: status quo 0; Nash bargaining solution")
