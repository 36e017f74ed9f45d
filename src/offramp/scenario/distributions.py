"""Distributions for uncertain inputs: their format, their checks, their point value and how
they are sampled.

One model with a ``type`` and the parameters that type needs, so that a file reads like
``{type: triangular, low: 2, mode: 4, high: 9}``; the validator says exactly which key is
missing or out of place. Sampling is vectorised (n draws at once) with a numpy Generator, so
that a seeded run is reproducible draw for draw.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

NEEDS = {
    "normal": ("mean", "sd"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "pert": ("low", "mode", "high"),
    "beta": ("low", "high", "alpha", "beta"),
    "choice": ("values",),
}
OPTIONAL = {"normal": ("low", "high"), "choice": ("weights",)}
FIELDS = ("mean", "sd", "low", "high", "mode", "alpha", "beta", "values", "weights")


class Distribution(BaseModel):
    """An uncertain number. Types: normal (optionally truncated to [low, high]), uniform,
    triangular, pert (beta-PERT on [low, high] with a mode), beta (scaled to [low, high]) and
    choice (among values, with optional weights)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["normal", "uniform", "triangular", "pert", "beta", "choice"]
    mean: float | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    alpha: float | None = None
    beta: float | None = None
    values: list[float] | None = None
    weights: list[float] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Distribution:
        t = self.type
        need = NEEDS[t]
        allowed = set(need) | set(OPTIONAL.get(t, ()))
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(
                f"a {t} distribution needs {', '.join(repr(k) for k in need)}; "
                f"missing {', '.join(repr(k) for k in missing)}"
            )
        extra = [k for k in FIELDS if getattr(self, k) is not None and k not in allowed]
        if extra:
            raise ValueError(
                f"{', '.join(repr(k) for k in extra)} do(es) not belong to a {t} "
                f"distribution (it takes {', '.join(sorted(allowed))})"
            )
        if t == "normal" and self.sd < 0:
            raise ValueError("sd must be >= 0 (0 makes the value certain)")
        lo, hi = self.low, self.high
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"low ({lo:g}) must not exceed high ({hi:g})")
        if (
            t == "normal"
            and lo is not None
            and hi is not None
            and self.sd == 0
            and not (lo <= self.mean <= hi)
        ):
            raise ValueError("with sd 0 the mean must lie within [low, high]")
        if t == "normal" and self.sd > 0 and (lo is not None or hi is not None):
            a = -np.inf if lo is None else lo
            b = np.inf if hi is None else hi
            if a == b:
                raise ValueError("a truncated normal needs low < high")
        if t in ("triangular", "pert") and not (lo <= self.mode <= hi):
            raise ValueError(f"mode ({self.mode:g}) must lie within [low, high]")
        if t == "beta" and (self.alpha <= 0 or self.beta <= 0):
            raise ValueError("alpha and beta must be > 0")
        if t == "choice":
            if not self.values:
                raise ValueError("choice needs at least one value")
            if self.weights is not None:
                if len(self.weights) != len(self.values):
                    raise ValueError(
                        f"choice has {len(self.values)} values but {len(self.weights)} weights"
                    )
                if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                    raise ValueError("choice weights must be >= 0 and not all 0")
        return self

    @property
    def point(self) -> float:
        """The value used by a deterministic analysis when no ``value`` is given: the mean
        (normal, uniform, beta), the mode (triangular, pert) or the most likely choice."""
        t = self.type
        if t == "normal":
            lo = -np.inf if self.low is None else self.low
            hi = np.inf if self.high is None else self.high
            return float(min(max(self.mean, lo), hi))
        if t == "uniform":
            return (self.low + self.high) / 2
        if t in ("triangular", "pert"):
            return float(self.mode)
        if t == "beta":
            return self.low + (self.high - self.low) * self.alpha / (self.alpha + self.beta)
        weights = self.weights or [1.0] * len(self.values)
        return float(self.values[int(np.argmax(weights))])

    @property
    def degenerate(self) -> bool:
        """True when every draw is the same number (zero width)."""
        t = self.type
        if t == "normal":
            return self.sd == 0
        if t == "choice":
            w = self.weights or [1.0] * len(self.values)
            return len({v for v, p in zip(self.values, w, strict=True) if p > 0}) == 1
        return self.low == self.high

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        t = self.type
        if self.degenerate:
            if t == "choice":
                w = self.weights or [1.0] * len(self.values)
                return np.full(n, next(v for v, p in zip(self.values, w, strict=True) if p > 0))
            return np.full(n, self.point)
        if t == "normal":
            if self.low is None and self.high is None:
                return rng.normal(self.mean, self.sd, n)
            from scipy.special import ndtr, ndtri

            a = -np.inf if self.low is None else (self.low - self.mean) / self.sd
            b = np.inf if self.high is None else (self.high - self.mean) / self.sd
            u = rng.uniform(ndtr(a), ndtr(b), n)
            return np.clip(
                self.mean + self.sd * ndtri(u),
                self.low if self.low is not None else -np.inf,
                self.high if self.high is not None else np.inf,
            )
        if t == "uniform":
            return rng.uniform(self.low, self.high, n)
        if t == "triangular":
            return rng.triangular(self.low, self.mode, self.high, n)
        if t == "pert":
            span = self.high - self.low
            a = 1 + 4 * (self.mode - self.low) / span
            b = 1 + 4 * (self.high - self.mode) / span
            return self.low + span * rng.beta(a, b, n)
        if t == "beta":
            return self.low + (self.high - self.low) * rng.beta(self.alpha, self.beta, n)
        w = np.asarray(self.weights or [1.0] * len(self.values), dtype=float)
        return np.asarray(self.values, dtype=float)[rng.choice(len(w), n, p=w / w.sum())]
