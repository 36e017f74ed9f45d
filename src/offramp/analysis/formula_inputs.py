"""The inverse analysis through formulas: parameters that act only through derived parameters,
and derived parameters stated in the figures behind them.

A derived parameter (``formula:``) is a function of figures and other parameters. A parameter
read only by formulas (``cn_points_per_export_share`` in ``trade_relief = cn_points_per_export_
share * pct(cn_exports_to_us) * pct(fentanyl_tariff_cut)``) has no weight of its own, so the
crossing planes of :mod:`.linear_scores` never mention it. Composing the scores with the
formulas gives them: with the derived values d(y) affine in the free parameters y over the
box (checked on its corners and centre), scores = C + A_d · d(y) + A_y · y is affine in y and
the exact method of :mod:`.inverse` applies (chain rule: A_y += A_d · ∂d/∂y). A formula that is
not affine in the free parameters (a product of two of them) gets its tangent plane at today's
values; every candidate is still checked exactly, but the least distance is no longer proven
(the result says so).

Stated in the figures behind it: a change of a derived parameter (trade_relief 0.48 → 7) is
translated into the value each input of its formula would need, alone, for the formula to give
the new value (fentanyl_tariff_cut 10 → 145.8), flagged when it leaves the figure's plausible
range (its ``low``–``high``, or 0–100 for a percentage).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from offramp.analysis.linear_scores import AffineScores
from offramp.errors import OfframpError
from offramp.scenario.spec import ScenarioSpec


def derived_names(scenario: ScenarioSpec) -> list[str]:
    return list(scenario.derivation.derived)


def formula_inputs(scenario: ScenarioSpec) -> set[str]:
    """Parameters (not derived) that some formula reads, directly or through another one."""
    derived = scenario.derivation.derived
    return {p for d in derived.values() for p in d.parameters if p not in derived}


def complete(scenario: ScenarioSpec, values: dict[str, float], keep: set[str]) -> dict[str, float]:
    """``values`` with every derived parameter recomputed from them, those in ``keep`` (set by
    the user: a derived parameter allowed to change overrides its formula) left as given."""
    if not scenario.derivation.derived:
        return values
    return scenario.derivation.values(values, fixed=keep)


def composed_affine(
    scenario: ScenarioSpec,
    affine: AffineScores,
    free: list[str],
    x0: dict[str, float],
    lo: dict[str, float],
    hi: dict[str, float],
) -> tuple[AffineScores, bool]:
    """The scores as affine functions of the free parameters through the formulas (module
    doc), and whether the formulas are affine in them over the box (True: the planes are
    exact)."""
    derived = [d for d in derived_names(scenario) if d not in free and d in affine.names]
    # what a formula reads: a figure's parameter, or a derived parameter that is itself free
    # (it then overrides its own formula, and the formulas reading it follow it)
    read = {p for d in scenario.derivation.derived.values() for p in d.parameters}
    inputs = [p for p in free if p in read]
    if not derived or not inputs:
        return affine, True
    keep = {p for p in free if p in scenario.derivation.derived}

    def d_at(y: dict[str, float]) -> np.ndarray:
        full = complete(scenario, {**x0, **y}, keep)
        return np.array([full[d] for d in derived])

    base = d_at({})
    jac = np.zeros((len(derived), len(inputs)))
    for k, p in enumerate(inputs):
        step = hi[p] - lo[p]
        jac[:, k] = (d_at({p: x0[p] + step}) - base) / step

    def linear(y: dict[str, float]) -> np.ndarray:
        values: np.ndarray = base + jac @ np.array([y.get(p, x0[p]) - x0[p] for p in inputs])
        return values

    affine_ok = True
    corners = itertools.islice(itertools.product(*[(lo[p], hi[p]) for p in inputs]), 64)
    points = [dict(zip(inputs, c, strict=True)) for c in corners]
    points.append({p: (lo[p] + hi[p]) / 2 for p in inputs})
    for y in points:
        try:
            got = d_at(y)
        except OfframpError:  # a formula undefined somewhere in the box: not affine there
            affine_ok = False
            break
        want = linear(y)
        if not np.allclose(got, want, rtol=1e-9, atol=1e-9 * (1 + np.abs(base).max())):
            affine_ok = False
            break
    cols_d = [affine.names.index(d) for d in derived]
    cols_p = [affine.names.index(p) for p in inputs]
    a = affine.A.copy()
    c = affine.C.copy()
    through = affine.A[:, :, cols_d] @ jac  # (dms, S, inputs): the chain rule
    a[:, :, cols_p] += through
    c -= through @ np.array([x0[p] for p in inputs])
    return AffineScores(list(affine.names), c, a), affine_ok


def _solve_alone(f: Callable[[float], float], x0: float, target: float) -> float | None:
    """The x with f(x) = target, f continuous near x0: the secant from x0 (exact for an affine
    f), checked; None when it does not check (a formula that is flat or not affine there)."""
    y0 = f(x0)
    h = max(abs(x0), 1.0) * 1e-3
    slope = (f(x0 + h) - y0) / h
    if slope == 0 or not math.isfinite(slope):
        return None
    x = x0 + (target - y0) / slope
    try:
        ok = math.isclose(f(x), target, rel_tol=1e-6, abs_tol=1e-9 * max(1.0, abs(target)))
    except OfframpError:
        return None
    return x if ok else None


def via(scenario: ScenarioSpec, name: str, to: float) -> dict[str, dict[str, Any]]:
    """A change of derived parameter ``name`` to ``to``, stated in each input of its formula
    alone (figures and parameters): {input: {from, to, kind, plausible, outside_plausible}}
    (``to`` None when no value of that input alone gives it)."""
    derivation = scenario.derivation
    if name not in derivation.derived:
        return {}
    d = derivation.derived[name]
    out: dict[str, dict[str, Any]] = {}
    params = dict(scenario.parameters)
    figures = derivation.figure_points()
    for fig in derivation.evidence_of(name):

        def by_figure(v: float, fig: str = fig) -> float:
            return derivation.values(params, {fig: v})[name]

        rec = derivation.figures[fig]
        was = figures[fig]
        new = _solve_alone(by_figure, was, to)
        low, high = rec.figure.low, rec.figure.high
        plausible = [low, high] if low is not None and high is not None else [was, was]
        bounds = [0.0, 100.0] if rec.figure.unit.strip() == "%" else None
        outside = new is not None and not (plausible[0] <= new <= plausible[1])
        entry: dict[str, Any] = {
            "kind": "figure",
            "from": was,
            "to": new,
            "unit": rec.figure.unit,
            "plausible": plausible,
            "outside_plausible": bool(outside),
        }
        if bounds is not None:
            entry["outside_unit_bounds"] = bool(
                new is not None and not bounds[0] <= new <= bounds[1]
            )
        out[fig] = entry
    for p in d.parameters:
        if p in derivation.derived:
            continue

        def by_param(v: float, p: str = p) -> float:
            return derivation.values({**params, p: v})[name]

        out[p] = {
            "kind": "parameter",
            "from": params[p],
            "to": _solve_alone(by_param, params[p], to),
        }
    return out


def effects(
    scenario: ScenarioSpec, before: dict[str, float], after: dict[str, float]
) -> dict[str, dict[str, float]]:
    """The derived parameters a change of formula inputs moves: {derived: {from, to}}."""
    out = {}
    for d in derived_names(scenario):
        a, b = before.get(d), after.get(d)
        if a is not None and b is not None and a != b:
            out[d] = {"from": a, "to": b}
    return out
