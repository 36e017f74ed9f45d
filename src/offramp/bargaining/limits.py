"""The limits on bargaining inputs, each checked before the work it bounds.

Bargaining inputs come from files written by strangers, and two models (bdm, smp) compare
every actor with every pair of actors: their arrays grow as n^3. Every limit below says its
value and names the environment variable that raises it (docs/scenario-format.md, "Limits",
lists them next to the scenario limits).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Protocol

from offramp.bargaining.errors import BargainingInputError
from offramp.resources import memory_budget


class Sized(Protocol):
    """What the size checks read of a problem (a
    :class:`~offramp.bargaining.problem.BargainingProblem`)."""

    @property
    def n_actors(self) -> int: ...

    @property
    def n_dimensions(self) -> int: ...


#: name -> (default, what it counts)
BARGAINING_LIMITS: dict[str, tuple[int, str]] = {
    "actors": (2_000, "number of actors in a bargaining problem"),
    "dimensions": (1_000, "number of dimensions in a bargaining problem"),
    "input_bytes": (20_000_000, "size of a bargaining input file, in bytes"),
    "cubic_actors": (
        150,
        "number of actors for the bdm and smp models, whose work grows as actors^3 "
        "(smp: about 6 s at 150 actors, 15 s at 200)",
    ),
    "cubic_work": (
        150**3 * 4,
        "work of the bdm and smp models, actors^3 x dimensions (about 6 s for bdm at the limit)",
    ),
}

#: Peak bytes per actor^3 of one dimension's round, measured with tracemalloc (bdm 17-18,
#: smp 33-34 at 60 and 120 actors), with a margin.
CUBIC_BYTES = {"bdm": 24, "smp": 40}


def bargaining_limit(name: str) -> int:
    """The limit in force: ``OFFRAMP_LIMIT_<NAME>`` if set to a positive number, else the
    default."""
    default, _ = BARGAINING_LIMITS[name]
    env = os.environ.get(f"OFFRAMP_LIMIT_{name.upper()}", "").strip()
    if not env:
        return default
    try:
        value = float(env.replace("_", ""))
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 1:
        raise BargainingInputError(
            f"environment variable OFFRAMP_LIMIT_{name.upper()}={env!r} is not a positive number"
        )
    return int(value)


def limit_message(name: str, found: int) -> str:
    """'<what> is <found>, over the limit of <limit>; ... raise it with ...'."""
    _, what = BARGAINING_LIMITS[name]
    return (
        f"{what} is {found:,}, over the limit of {bargaining_limit(name):,}; raise the limit "
        f"with the environment variable OFFRAMP_LIMIT_{name.upper()} if you need more"
    )


def check_problem_size(n_actors: int, n_dimensions: int, file: str | None = None) -> None:
    """Actors and dimensions within their limits (readers call this before allocating)."""
    if n_actors > bargaining_limit("actors"):
        raise BargainingInputError(limit_message("actors", n_actors), file, 1 if file else None)
    if n_dimensions > bargaining_limit("dimensions"):
        raise BargainingInputError(
            limit_message("dimensions", n_dimensions), file, 1 if file else None
        )


def check_cubic_model(problem: Sized, model: str) -> None:
    """Refuse, before any allocation, a bdm or smp run whose n^3 arrays or time are over the
    limits: the actor limit for these models, and the memory budget for the largest array
    set of one round (``CUBIC_BYTES`` x n^3)."""
    n = problem.n_actors
    if n > bargaining_limit("cubic_actors"):
        raise BargainingInputError(
            f"{model}: {limit_message('cubic_actors', n)}; the models 'offramp', 'compromise' "
            "and 'median' handle any number of actors"
        )
    work = n**3 * problem.n_dimensions
    if work > bargaining_limit("cubic_work"):
        raise BargainingInputError(
            f"{model}: {n} actors on {problem.n_dimensions} dimensions: "
            f"{limit_message('cubic_work', work)}; the models 'offramp', 'compromise' and "
            "'median' handle any size"
        )
    need = CUBIC_BYTES.get(model, 40) * n**3
    budget = memory_budget()
    if need > budget:
        raise BargainingInputError(
            f"{model}: {n} actors need about {need / 2**30:.1f} GiB (the model's arrays grow "
            f"as actors^3), over the memory budget of {budget / 2**30:.1f} GiB; use fewer "
            "actors, another model, or raise OFFRAMP_MEMORY_LIMIT"
        )


def check_input_size(size: int, file: str) -> None:
    """A bargaining input file within the size limit (checked before reading it)."""
    if size > bargaining_limit("input_bytes"):
        raise BargainingInputError(limit_message("input_bytes", size), file)


def read_limited(path: str | Path) -> bytes:
    """A bargaining input file's bytes, read no further than the size limit (a FIFO or
    ``/dev/zero`` has no size to check beforehand). Raises OSError as reading does."""
    p = Path(path)
    limit = bargaining_limit("input_bytes")
    if p.is_file():
        check_input_size(p.stat().st_size, str(path))
    with p.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise BargainingInputError(
            f"size of a bargaining input file is more than {limit:,} bytes, over the limit; "
            "raise it with the environment variable OFFRAMP_LIMIT_INPUT_BYTES if you need more",
            str(path),
        )
    return data


def read_text_limited(path: str | Path) -> str:
    """`read_limited` decoded as UTF-8 (a BOM dropped), newlines as ``Path.read_text``."""
    text = read_limited(path).decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")
