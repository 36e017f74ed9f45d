"""Distributions for uncertain inputs: their format, their checks, their point value and how
they are sampled.

One pydantic model per distribution type, told apart by ``type`` (a discriminated union), so
that a file reads like ``{type: triangular, low: 2, mode: 4, high: 9}`` and each model holds
exactly the parameters its type needs; the validator says exactly which key is missing or out
of place. Sampling is vectorised (n draws at once) with a numpy Generator, so that a seeded run
is reproducible draw for draw.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Discriminator, Tag, TypeAdapter, model_validator

FloatArray = npt.NDArray[np.float64]

#: Every key a distribution may have, whatever its type (for "allowed keys here" hints).
KEYS = ("type", "mean", "sd", "low", "high", "mode", "alpha", "beta", "values", "weights", "note")
TYPES = ("normal", "uniform", "triangular", "pert", "beta", "choice")


class _Distribution(BaseModel):
    """What every distribution type shares: the key checks and the interface."""

    model_config = ConfigDict(extra="forbid")

    #: the keys the type needs, and those it may have besides ``type`` and ``note``
    NEEDS: ClassVar[tuple[str, ...]] = ()
    OPTIONAL: ClassVar[tuple[str, ...]] = ()

    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        """Say which keys a type needs or does not take, in the format's words (pydantic's own
        'Field required' / 'Extra inputs' would not name the type)."""
        if not isinstance(data, dict):
            return data
        t = data.get("type")
        missing = [k for k in cls.NEEDS if data.get(k) is None]
        if missing:
            raise ValueError(
                f"a {t} distribution needs {', '.join(repr(k) for k in cls.NEEDS)}; "
                f"missing {', '.join(repr(k) for k in missing)}"
            )
        allowed = set(cls.NEEDS) | set(cls.OPTIONAL)
        extra = [k for k in KEYS if k not in ("type", "note") and k not in allowed and k in data]
        if extra:
            raise ValueError(
                f"{', '.join(repr(k) for k in extra)} do(es) not belong to a {t} "
                f"distribution (it takes {', '.join(sorted(allowed))})"
            )
        return data

    @property
    def point(self) -> float:
        """The value used by a deterministic analysis when no ``value`` is given."""
        raise NotImplementedError

    @property
    def degenerate(self) -> bool:
        """True when every draw is the same number (zero width)."""
        raise NotImplementedError

    def bounds(self) -> tuple[float, float, str]:
        """Where the draws lie (or nearly all of them), with how that range was found."""
        raise NotImplementedError

    def stated(self) -> list[float]:
        """The numbers the document states for the range (for choosing decimals)."""
        return []

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``n`` draws, vectorised."""
        if self.degenerate:
            return np.full(n, self.point)
        return self._draw(rng, n)

    def _draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        raise NotImplementedError


def _ordered(low: float, high: float) -> None:
    if low > high:
        raise ValueError(f"low ({low:g}) must not exceed high ({high:g})")


class _Ranged(_Distribution):
    """A distribution on [low, high]."""

    low: float
    high: float

    @model_validator(mode="after")
    def _check_range(self) -> _Ranged:
        _ordered(self.low, self.high)
        return self

    @property
    def degenerate(self) -> bool:
        return self.low == self.high

    def bounds(self) -> tuple[float, float, str]:
        return self.low, self.high, f"{self.type_name} distribution support"

    def stated(self) -> list[float]:
        return [self.low, self.high]

    @property
    def type_name(self) -> str:
        return str(type(self).model_fields["type"].default)


class Normal(_Distribution):
    """A normal distribution, optionally truncated to [low, high]."""

    NEEDS = ("mean", "sd")
    OPTIONAL = ("low", "high")
    type: Literal["normal"] = "normal"
    mean: float
    sd: float
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Normal:
        if self.sd < 0:
            raise ValueError("sd must be >= 0 (0 makes the value certain)")
        lo, hi = self.low, self.high
        if lo is not None and hi is not None:
            _ordered(lo, hi)
            if self.sd == 0 and not (lo <= self.mean <= hi):
                raise ValueError("with sd 0 the mean must lie within [low, high]")
            if self.sd > 0 and lo == hi:
                raise ValueError("a truncated normal needs low < high")
        return self

    @property
    def point(self) -> float:
        """The mean (clipped to the truncation bounds)."""
        lo = -np.inf if self.low is None else self.low
        hi = np.inf if self.high is None else self.high
        return float(min(max(self.mean, lo), hi))

    @property
    def degenerate(self) -> bool:
        return self.sd == 0

    def bounds(self) -> tuple[float, float, str]:
        lo = self.low if self.low is not None else self.mean - 3 * self.sd
        hi = self.high if self.high is not None else self.mean + 3 * self.sd
        return lo, hi, "normal: bounds, else mean ± 3 sd"

    def stated(self) -> list[float]:
        return [v for v in (self.low, self.high) if v is not None]

    def _draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        if self.low is None and self.high is None:
            return rng.normal(self.mean, self.sd, n)
        from scipy.special import ndtr, ndtri

        lo = -np.inf if self.low is None else self.low
        hi = np.inf if self.high is None else self.high
        u = rng.uniform(ndtr((lo - self.mean) / self.sd), ndtr((hi - self.mean) / self.sd), n)
        draws: FloatArray = np.clip(self.mean + self.sd * ndtri(u), lo, hi)
        return draws


class Uniform(_Ranged):
    """Uniform on [low, high]."""

    NEEDS = ("low", "high")
    type: Literal["uniform"] = "uniform"

    @property
    def point(self) -> float:
        """The mean."""
        return (self.low + self.high) / 2

    def _draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.uniform(self.low, self.high, n)


class _Moded(_Ranged):
    """A distribution on [low, high] with a most likely value."""

    NEEDS = ("low", "mode", "high")
    mode: float

    @model_validator(mode="after")
    def _check_mode(self) -> _Moded:
        if not (self.low <= self.mode <= self.high):
            raise ValueError(f"mode ({self.mode:g}) must lie within [low, high]")
        return self

    @property
    def point(self) -> float:
        """The mode."""
        return float(self.mode)

    def stated(self) -> list[float]:
        return [self.low, self.high, self.mode]


class Triangular(_Moded):
    """Triangular on [low, high] with its peak at ``mode``."""

    type: Literal["triangular"] = "triangular"

    def _draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.triangular(self.low, self.mode, self.high, n)


class Pert(_Moded):
    """Beta-PERT on [low, high] with a mode (Malcolm et al. 1959: shape 4)."""

    type: Literal["pert"] = "pert"

    def _draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        span = self.high - self.low
        a = 1 + 4 * (self.mode - self.low) / span
        b = 1 + 4 * (self.high - self.mode) / span
        return self.low + span * rng.beta(a, b, n)


class Beta(_Ranged):
    """A beta(alpha, beta) distribution scaled to [low, high]."""

    NEEDS = ("low", "high", "alpha", "beta")
    type: Literal["beta"] = "beta"
    alpha: float
    beta: float

    @model_validator(mode="after")
    def _check_shape(self) -> Beta:
        if self.alpha <= 0 or self.beta <= 0:
            raise ValueError("alpha and beta must be > 0")
        return self

    @property
    def point(self) -> float:
        """The mean."""
        return self.low + (self.high - self.low) * self.alpha / (self.alpha + self.beta)

    def _draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self.low + (self.high - self.low) * rng.beta(self.alpha, self.beta, n)


class Choice(_Distribution):
    """One of ``values``, with optional ``weights`` (equal when omitted)."""

    NEEDS = ("values",)
    OPTIONAL = ("weights",)
    type: Literal["choice"] = "choice"
    values: list[float]
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _check(self) -> Choice:
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

    def _weights(self) -> list[float]:
        return self.weights or [1.0] * len(self.values)

    @property
    def point(self) -> float:
        """The most likely value (the first of the most likely)."""
        return float(self.values[int(np.argmax(self._weights()))])

    @property
    def degenerate(self) -> bool:
        pairs = zip(self.values, self._weights(), strict=True)
        return len({v for v, p in pairs if p > 0}) == 1

    def bounds(self) -> tuple[float, float, str]:
        return min(self.values), max(self.values), "choice values"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        if self.degenerate:  # the one value with weight, not necessarily the first
            pairs = zip(self.values, self._weights(), strict=True)
            return np.full(n, next(v for v, p in pairs if p > 0), dtype=float)
        return self._draw(rng, n)

    def _draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        w = np.asarray(self._weights(), dtype=float)
        picked: FloatArray = np.asarray(self.values, dtype=float)[
            rng.choice(len(w), n, p=w / w.sum())
        ]
        return picked


class _UnknownType(_Distribution):
    """Only for the message: a ``type`` that names no distribution (or none) is checked
    against the list of types. It never validates: every listed type goes to its own model."""

    model_config = ConfigDict(extra="allow")
    type: Literal["normal", "uniform", "triangular", "pert", "beta", "choice"]

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        return data  # the type is wrong: its keys cannot be judged


_MODELS: dict[str, type[_Distribution]] = {
    "normal": Normal,
    "uniform": Uniform,
    "triangular": Triangular,
    "pert": Pert,
    "beta": Beta,
    "choice": Choice,
}


def _tag(data: Any) -> str:
    """The union member for ``data`` (tags are capitalised: validation.py drops them from the
    paths it reports)."""
    t = data.get("type") if isinstance(data, dict) else getattr(data, "type", None)
    return _MODELS[t].__name__ if isinstance(t, str) and t in _MODELS else "UnknownType"


#: An uncertain number: one of the distribution types, chosen by its ``type`` key.
Distribution = Annotated[
    Annotated[Normal, Tag("Normal")]
    | Annotated[Uniform, Tag("Uniform")]
    | Annotated[Triangular, Tag("Triangular")]
    | Annotated[Pert, Tag("Pert")]
    | Annotated[Beta, Tag("Beta")]
    | Annotated[Choice, Tag("Choice")]
    | Annotated[_UnknownType, Tag("UnknownType")],
    Discriminator(_tag),
]

_ADAPTER: TypeAdapter[Distribution] = TypeAdapter(Distribution)


def parse_distribution(data: Any) -> Distribution:
    """A distribution from a mapping such as ``{"type": "uniform", "low": 0, "high": 1}``.

    Raises pydantic's ``ValidationError`` with the messages above when ``data`` is not one.
    """
    return _ADAPTER.validate_python(data)
