"""The Monte Carlo's batched inputs and forecasts against the per-sample path, bit for bit:
formulas evaluated once over arrays, the sampled rows as columns, and the forecast at the
settled outcome for a whole batch (several settled states, none, shifts on and off)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import offramp
from offramp.analysis.template import DEFAULT_CONCEPT, BatchOutcome, ConflictTemplate
from offramp.scenario.derived import Derivation, DerivedParameter
from offramp.scenario.errors import ScenarioError
from offramp.scenario.expressions import evaluate, parse
from offramp.uncertainty.sampling import InputSpace


def same(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return (
        a.shape == b.shape
        and np.array_equal(a, b, equal_nan=True)
        and np.array_equal(np.signbit(a), np.signbit(b))
    )


# ---------------------------------------------------------------------- formulas over arrays
def _tree(depth: int):
    leaf = (
        st.sampled_from(["a", "b", "c"])
        | st.integers(-9, 9).map(lambda v: f"({v})")
        | st.sampled_from(["0.1", "2.5", "100"])
    )
    if depth == 0:
        return leaf
    sub = _tree(depth - 1)
    return (
        leaf
        | st.tuples(st.sampled_from(["+", "-", "*", "/"]), sub, sub).map(
            lambda t: f"({t[1]} {t[0]} {t[2]})"
        )
        | st.tuples(sub, st.sampled_from(["2", "3", "0.5", "1.5", "-1"])).map(
            lambda t: f"({t[0]}) ^ {t[1]}"
        )
        | sub.map(lambda x: f"-({x})")
        | st.tuples(st.sampled_from(["min", "max", "ratio"]), sub, sub).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        )
        | st.tuples(sub, sub, sub).map(lambda t: f"clamp({t[0]}, {t[1]}, {t[2]})")
        | st.tuples(st.sampled_from(["pct", "abs"]), sub).map(lambda t: f"{t[0]}({t[1]})")
    )


@settings(max_examples=300, deadline=None)
@given(_tree(4), st.integers(0, 2**32 - 1))
def test_a_formula_over_arrays_is_the_formula_of_each_sample(text, seed) -> None:
    node = parse(text)
    rng = np.random.default_rng(seed)
    env = {
        "a": rng.uniform(-50, 50, 40),
        "b": np.where(rng.random(40) < 0.3, 0.0, rng.uniform(0, 3, 40)),  # zeros: inf, nan
        "c": 7.25,  # a plain number beside the arrays
    }
    got = np.broadcast_to(np.asarray(evaluate(node, env), dtype=float), (40,))
    with np.errstate(all="ignore"):
        want = [
            float(evaluate(node, {"a": float(env["a"][k]), "b": float(env["b"][k]), "c": 7.25}))
            for k in range(40)
        ]
    assert same(got, want), text


def _derivation(formulas: dict[str, str]) -> Derivation:
    derived = {
        name: DerivedParameter(name, f, parse(f), (), (), None) for name, f in formulas.items()
    }
    return Derivation({}, derived)


def test_derived_values_over_a_batch_equal_each_sample_and_fail_as_the_first_bad_one() -> None:
    d = _derivation({"x": "a / b", "y": "x * 2 + ratio(a, c)", "z": "y ^ 0.5"})
    rng = np.random.default_rng(3)
    a = rng.uniform(-5, 5, 50)
    b = rng.uniform(0.5, 2, 50)
    params = {"a": a, "b": b, "c": 4.0, "x": 0.0, "y": 0.0, "z": 0.0}
    # some samples give a negative y: z = y ^ 0.5 is NaN there
    with np.errstate(invalid="ignore"):
        bad = [k for k in range(50) if not np.isfinite(np.sqrt(a[k] / b[k] * 2 + a[k] / 4.0))]
    assert bad
    with pytest.raises(ScenarioError) as batch_error:
        d.values_batch(params, {}, 50)
    with pytest.raises(ScenarioError) as one_error:
        d.values(
            {k: float(v[bad[0]]) if isinstance(v, np.ndarray) else v for k, v in params.items()}
        )
    assert batch_error.value.problems == one_error.value.problems
    ok = np.flatnonzero(a >= 0)
    sub = {k: (v[ok] if isinstance(v, np.ndarray) else v) for k, v in params.items()}
    out = d.values_batch(sub, {}, len(ok))
    for j in range(len(ok)):
        one = d.values({n: float(v[j]) if isinstance(v, np.ndarray) else v for n, v in sub.items()})
        for name in ("x", "y", "z"):
            assert same(out[name][j], one[name]), name


# ---------------------------------------------------------------------- the built-in scenario
VARIANTS = [None, "no-oil-sanctions", "big-concession", "tariffs-imposed", "no-fear-of-defeat"]


def _scenario(variant):
    base = offramp.default()
    return base if variant is None else base.variant(variant)


@pytest.mark.parametrize("variant", VARIANTS)
def test_rows_as_columns_equal_row_by_row(variant) -> None:
    scenario = _scenario(variant)
    template = ConflictTemplate(scenario.spec)
    space = InputSpace.of(scenario.spec)
    rows = space.draw_block(5, 0, 60)
    params, weights, (cap, pos, sal) = template._rows_inputs(rows)
    for k, row in enumerate(rows):
        p1, w1, (c1, x1, s1) = template._row_inputs(row)
        for name, v in p1.items():
            col = params[name]
            assert same(col[k] if isinstance(col, np.ndarray) else col, v), name
        assert set(w1) == set(weights)
        for key, v in w1.items():
            assert same(weights[key][k], v)
        assert same(cap[k], c1) and same(pos[k], x1) and same(sal[k], s1)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(VARIANTS))
def test_forecasts_at_batch_equal_forecasts_at(seed, variant) -> None:
    """Random settling shares: none, one or several states per sample, any shift mask."""
    template = _templates(variant)
    space = InputSpace.of(template.scenario)
    rng = np.random.default_rng(seed)
    rows = space.draw_block(seed % 1000, 0, 30)
    _, _, (cap, pos, sal) = template._rows_inputs(rows)
    size = template.base.n_states
    settles = np.zeros((30, len(template.concepts), size))
    k = template.concepts.index(DEFAULT_CONCEPT)
    for b in range(30):
        count = rng.choice([0, 1, 1, 2, 3, 5])
        states = rng.choice(size, count, replace=False)
        shares = rng.choice([1.0 / max(count, 1), 0.25, 0.1, 1 / 3], count)
        settles[b, k, states] = shares
    out = BatchOutcome(
        np.zeros(settles.shape, bool), settles, np.zeros((30, len(template.questions)), np.int8)
    )
    got = template.forecasts_at_batch(out, cap, pos, sal)
    for b, row in enumerate(rows):
        _, _, bargaining = template._row_inputs(row)
        assert same(got[b], template.forecasts_at(out.row(b), *bargaining)), b


_CACHE: dict = {}


def _templates(variant) -> ConflictTemplate:
    if variant not in _CACHE:
        _CACHE[variant] = ConflictTemplate(_scenario(variant).spec)
    return _CACHE[variant]


@pytest.mark.parametrize(
    "variant",
    [
        None,
        "no-status-quo",
        # the other variants: in the full run (the two above cover both paths)
        *[pytest.param(v, marks=pytest.mark.slow) for v in VARIANTS if v is not None],
    ],
)
def test_every_variant_batched_equals_per_sample(variant) -> None:
    if variant == "no-status-quo":  # nothing settles: forecasts at the stated positions
        data = dict(offramp.default().spec.data)
        data.pop("status_quo")
        scenario = offramp.from_dict(data)
    else:
        scenario = _scenario(variant)
    space = InputSpace.of(scenario.spec)
    rows = np.concatenate([space.draw_block(2, b, 50) for b in range(2)])
    batch = ConflictTemplate(scenario.spec).evaluate_rows(rows, space)
    fresh = ConflictTemplate(scenario.spec)
    for b, row in enumerate(rows):
        one = fresh.evaluate_row(row, space)
        assert np.array_equal(batch.settles[b], one.settles)
        assert np.array_equal(batch.verdicts[b], one.verdicts)
        assert same(batch.forecasts[b], one.forecasts)
