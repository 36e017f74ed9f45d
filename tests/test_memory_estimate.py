"""The memory estimate made before enumeration against the peak resident memory measured in a
fresh process running `offramp stability` (analysis and JSON output), for splits of options
among DMs from one DM owning nearly everything to an even spread (issue 11, item 7)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_memory  # noqa: E402

CASES = [("15/1", False), ("4/4/4/4", True), ("6/6/5", False), ("17/1", True), ("15/1/1/1", False)]
SLOW_CASES = [
    ("18/1", False),
    ("6/6/6/1", True),
    ("19/1", False),
    ("5/5/5/5", True),
    ("17/1/1/1", False),
]


def _check(split: str, ties: bool) -> None:
    r = bench_memory.measure(split, ties)
    ratio = r["estimate"] / r["peak"]
    assert 0.75 <= ratio <= 1.25, f"{split}: estimate {r['estimate']:,} vs peak {r['peak']:,}"


@pytest.mark.parametrize(("split", "ties"), CASES)
def test_estimate_within_a_quarter_of_the_peak(split, ties):
    _check(split, ties)


@pytest.mark.slow
@pytest.mark.parametrize(("split", "ties"), SLOW_CASES)
def test_estimate_within_a_quarter_of_the_peak_at_a_million_states(split, ties):
    _check(split, ties)


def test_estimate_grows_with_states_and_dms():
    from offramp.conflict.model import BASE_BYTES, estimate_bytes

    assert estimate_bytes(0, 2) == BASE_BYTES
    assert estimate_bytes(1 << 20, 4) > estimate_bytes(1 << 20, 2) > estimate_bytes(1 << 16, 2)
    assert estimate_bytes(1 << 20, 2, max_directed=3) > estimate_bytes(1 << 20, 2)
