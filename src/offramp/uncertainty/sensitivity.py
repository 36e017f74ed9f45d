"""Which uncertain inputs move each conclusion: Spearman rank correlations, ranked.

Rank correlation is robust to the scale of each input and to monotone but non-linear effects,
which is what threshold-like models (a DM moves or does not) produce. For a yes/no conclusion it
measures how much more likely 'yes' is when the input is high.

Each correlation carries its significance: Fisher's z = atanh(ρ) with the standard error
sqrt(1.06 / (n - 3)) that Fieller, Hartley & Pearson (1957) give for Spearman's ρ, a two-sided
p-value and a 95% interval. An input is a driver (``significant``) only when its p-value is below
5% divided by the number of inputs (Bonferroni over the inputs of one conclusion), so that among
a dozen inputs noise is rarely shown as a driver; a conclusion that never varies has no driver
(p = 1). Reports, tables and the tornado chart show only significant inputs.

Reference: Fieller, E. C., Hartley, H. O. & Pearson, E. S. (1957). Tests for rank correlation
coefficients. I. Biometrika 44, 470-481.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _average_ranks(v: np.ndarray) -> np.ndarray:
    """1-based ranks of a 1-D array, ties given the mean of the ranks they span."""
    order = np.argsort(v, kind="stable")
    sorted_v = v[order]
    starts = np.flatnonzero(np.r_[True, sorted_v[1:] != sorted_v[:-1]])
    ends = np.r_[starts[1:], len(v)]
    mean_rank = (starts + ends + 1) / 2.0  # the ranks start+1 .. end, averaged
    ranks = np.empty(len(v))
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def _ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks down each column (numpy only: scipy.stats costs a second to import, which a
    cancelled workbench job or a small Monte Carlo should not pay)."""
    if x.ndim == 1:
        return _average_ranks(x)
    return np.column_stack([_average_ranks(x[:, k]) for k in range(x.shape[1])])


#: The standard normal's 97.5% quantile (the half-width of a 95% interval in standard errors).
_Z975 = 1.959963984540054

#: Family-wise level of the test that makes an input a driver of one conclusion.
ALPHA = 0.05


def _significance(rho: np.ndarray, n: int, varies: bool) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided p-values and 95% intervals of Spearman correlations from n samples."""
    if n <= 3 or not varies:
        return np.ones_like(rho), np.stack([-np.ones_like(rho), np.ones_like(rho)], axis=1)
    se = np.sqrt(1.06 / (n - 3))
    z = np.arctanh(np.clip(rho, -0.999999, 0.999999))
    # two-sided normal tail: 2 * sf(|z| / se) = erfc(|z| / (se * sqrt 2))
    p = np.array([math.erfc(float(abs(v)) / (se * math.sqrt(2.0))) for v in z])
    half = _Z975 * se
    return p, np.tanh(np.stack([z - half, z + half], axis=1))


def rank_correlations(
    inputs: np.ndarray, names: list[str], targets: dict[str, np.ndarray]
) -> dict[str, list[dict[str, Any]]]:
    """{target: [{input, rho, p_value, interval_95, significant}] sorted by |rho|, largest
    first}; constant series give rho 0 and p 1; ``significant``: p below ALPHA / inputs."""
    if inputs.shape[1] == 0:
        return {t: [] for t in targets}
    ri = _ranks(inputs)
    m = inputs.shape[1]
    out = {}
    for name, y in targets.items():
        ok = np.isfinite(y)
        ry = _ranks(y[ok])
        ry = ry - ry.mean()
        norm_y = np.sqrt((ry**2).sum())
        sub = ri[ok] - ri[ok].mean(axis=0)
        denom = np.sqrt((sub**2).sum(axis=0)) * norm_y
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = np.where(denom > 0, (sub * ry[:, None]).sum(axis=0) / denom, 0.0)
        n = int(ok.sum())
        p, ci = _significance(rho, n, bool(norm_y > 0))
        p = np.where(denom > 0, p, 1.0)
        order = np.argsort(-np.abs(rho), kind="stable")
        # The verdict follows the p-value as stated (3 significant digits), so a reader who
        # compares the printed p with ALPHA / m always reaches the same conclusion.
        stated = [float(f"{p[k]:.3g}") for k in range(m)]
        out[name] = [
            {
                "input": names[k],
                "rho": round(float(rho[k]), 4),
                "p_value": stated[k],
                "interval_95": [round(float(ci[k, 0]), 4), round(float(ci[k, 1]), 4)],
                "significant": stated[k] < ALPHA / m,
            }
            for k in order
        ]
    return out
