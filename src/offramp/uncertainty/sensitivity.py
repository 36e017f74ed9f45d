"""Which uncertain inputs move each conclusion: Spearman rank correlations, ranked.

Rank correlation is robust to the scale of each input and to monotone but non-linear effects,
which is what threshold-like models (a DM moves or does not) produce. For a yes/no conclusion it
measures how much more likely 'yes' is when the input is high.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _ranks(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(x, method="average", axis=0)


def noise_level(n: int) -> float:
    """|rho| below this is indistinguishable from zero: 3/sqrt(n), about the 0.3% level, strict
    enough that among a dozen inputs and conclusions noise is rarely shown as a driver."""
    return 3.0 / math.sqrt(max(n, 1))


def rank_correlations(
    inputs: np.ndarray, names: list[str], targets: dict[str, np.ndarray]
) -> dict[str, list[dict[str, Any]]]:
    """{target: [{input, rho, significant}] sorted by |rho|, largest first}; constant series
    give rho 0; ``significant`` is |rho| >= 3/sqrt(n), so that noise is not shown as a
    driver."""
    if inputs.shape[1] == 0:
        return {t: [] for t in targets}
    ri = _ranks(inputs)
    out: dict[str, list[dict[str, Any]]] = {}
    for name, y in targets.items():
        ok = np.isfinite(y)
        ry = _ranks(y[ok])
        ry = ry - ry.mean()
        norm_y = np.sqrt((ry**2).sum())
        sub = ri[ok] - ri[ok].mean(axis=0)
        denom = np.sqrt((sub**2).sum(axis=0)) * norm_y
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = np.where(denom > 0, (sub * ry[:, None]).sum(axis=0) / denom, 0.0)
        order = np.argsort(-np.abs(rho), kind="stable")
        level = noise_level(int(ok.sum()))
        out[name] = [
            {
                "input": names[k],
                "rho": round(float(rho[k]), 4),
                "significant": bool(abs(rho[k]) >= level),
            }
            for k in order
        ]
    return out
