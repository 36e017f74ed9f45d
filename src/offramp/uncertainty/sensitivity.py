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

from typing import Any

import numpy as np


def _ranks(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(x, method="average", axis=0)


#: Family-wise level of the test that makes an input a driver of one conclusion.
ALPHA = 0.05


def _significance(rho: np.ndarray, n: int, varies: bool) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided p-values and 95% intervals of Spearman correlations from n samples."""
    from scipy.stats import norm

    if n <= 3 or not varies:
        return np.ones_like(rho), np.stack([-np.ones_like(rho), np.ones_like(rho)], axis=1)
    se = np.sqrt(1.06 / (n - 3))
    z = np.arctanh(np.clip(rho, -0.999999, 0.999999))
    p = 2 * norm.sf(np.abs(z) / se)
    half = float(norm.isf(0.025)) * se
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
