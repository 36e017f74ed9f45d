"""The fast loop's share of the big checks.

``pytest -m "not slow"`` is the loop to run while working (under two minutes on two cores);
``scripts/test.sh`` runs everything. A property test with many generated examples is
parametrised by :data:`SIZES` and runs its check through :func:`run_property`: a sample of a
tenth of its examples in the fast loop, the whole run marked ``slow``. The check, the strategies
and the oracle are the same in both, so the fast loop keeps every property, with fewer cases.
Other long tests are marked ``slow`` where they are written, or listed in tests/slow_tests.txt
(with why) when they are one parametrisation or a measured straggler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis.strategies import SearchStrategy

SAMPLE, FULL = "sample", "full"

#: ``@pytest.mark.parametrize("size", SIZES)``: the sample, and the full run marked slow.
SIZES = [pytest.param(SAMPLE, id=SAMPLE), pytest.param(FULL, id=FULL, marks=pytest.mark.slow)]

#: the fast loop runs one example in this many (at least MIN_SAMPLE)
SAMPLE_SHARE = 10
MIN_SAMPLE = 5


def examples(size: str, max_examples: int) -> int:
    """How many examples a run of ``size`` draws out of the full ``max_examples``."""
    if size == FULL:
        return max_examples
    return min(max_examples, max(MIN_SAMPLE, max_examples // SAMPLE_SHARE))


def run_property(
    size: str,
    check: Callable[..., None],
    *strategies: SearchStrategy[Any],
    max_examples: int,
    **settings_kw: Any,
) -> None:
    """Run ``check`` as a hypothesis test on ``strategies``, with the examples ``size`` gets."""
    settings_kw.setdefault("deadline", None)
    configured = settings(max_examples=examples(size, max_examples), **settings_kw)
    configured(given(*strategies)(check))()
