"""How sure a share of Monte Carlo samples is: intervals for a probability estimated from n
samples, and the bound to state when no sample (or every sample) gave an answer.

A share k/n of samples is an estimate. Its uncertainty is stated with the Wilson score interval
(Wilson 1927), which, unlike the normal approximation p ± 1.96·sqrt(p(1-p)/n), never collapses
to a zero-width interval at k = 0 or k = n and keeps close to its nominal coverage for small n
(Brown, Cai & DasGupta 2001). When k = 0 the honest statement is a one-sided bound: the exact
(Clopper-Pearson) 95% upper bound solves (1 - p)^n = 0.05, p = 1 - 0.05^(1/n) ≈ 3/n (the "rule
of three", Hanley & Lippman-Hand 1983); when k = n, symmetrically, a lower bound.

References: Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. JASA 22, 209-212. Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval
estimation for a binomial proportion. Statistical Science 16(2), 101-133. Hanley, J. A. &
Lippman-Hand, A. (1983). If nothing goes wrong, is everything all right? JAMA 249, 1743-1745.
"""

from __future__ import annotations

import math
from typing import Any

#: The method every interval of a Monte Carlo probability uses, as the JSON names it.
INTERVAL_METHOD = "wilson"
LEVEL = 0.95
_Z = 1.959963984540054  # the standard normal's 97.5% quantile


def wilson_interval(k: int, n: int, z: float = _Z) -> tuple[float, float]:
    """The Wilson score interval of a proportion k/n (95% by default); (0, 1) when n = 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo, hi = max(0.0, centre - half), min(1.0, centre + half)
    if k == 0:
        lo = 0.0
    if k == n:
        hi = 1.0
    return lo, hi


def upper_bound_95(n: int) -> float:
    """The exact one-sided 95% upper bound of a probability seen 0 times in n samples:
    1 - 0.05^(1/n), about 3/n; 1 when n = 0 (nothing is known)."""
    if n <= 0:
        return 1.0
    return 1.0 - float(0.05 ** (1.0 / n))


def answer_probability(k: int, n: int) -> dict[str, Any]:
    """One answer's share of the samples, as the JSON states it: ``probability`` (k/n, None
    when no sample finished), ``interval`` [low, high] (Wilson, 95%) and, when no sample gave
    it, ``upper_bound_95``; when every sample gave it, ``lower_bound_95``."""
    lo, hi = wilson_interval(k, n)
    out: dict[str, Any] = {
        "count": int(k),
        "probability": round(k / n, 6) if n > 0 else None,
        "interval": [round(lo, 6), round(hi, 6)],
    }
    if k == 0:
        out["upper_bound_95"] = round(upper_bound_95(n), 6)
    if n > 0 and k == n:
        out["lower_bound_95"] = round(1.0 - upper_bound_95(n), 6)
    return out
