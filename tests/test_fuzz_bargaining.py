"""Fuzzing the bargaining readers (KTAB CSV and XML, DEU TSV) and the models behind them: a
mutation corpus of the shared reference cases and hypothesis-generated KTAB CSV files with
hostile cells, each under the harness's time and memory caps (tests/fuzzing.py). Every input
ends in a forecast or a BargainingInputError; the longer run is benchmarks/fuzz_long.py."""

from __future__ import annotations

import collections

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import BAD_KINDS, bargaining_file, bargaining_mutants, capped
from tests.sampling import SIZES, examples

MUTANTS = 150


@pytest.mark.parametrize("size", SIZES)
def test_bargaining_mutants(size: str) -> None:
    count = examples(size, MUTANTS)
    outcomes = [
        (name, suffix, capped(bargaining_file, (suffix, data), seconds=20.0))
        for name, suffix, data in bargaining_mutants(count, seed=21)
    ]
    bad = [(n, s, o) for n, s, o in outcomes if o.kind in BAD_KINDS]
    assert not bad, "\n\n".join(f"{n} ({s}): {o.kind}: {o.detail}" for n, s, o in bad[:5])
    counts = collections.Counter(o.kind for _, _, o in outcomes)
    by_suffix = collections.Counter(s for _, s, _ in outcomes)
    least = max(1, 10 * count // MUTANTS)  # the mutations keep both kinds common
    assert counts["ok"] >= least and counts["clean"] >= least, counts
    assert set(by_suffix) == {".csv", ".xml", ".tsv"}, by_suffix


CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(0, 100).map(lambda x: f"{x:.3f}"),
    st.text(max_size=6),
    st.sampled_from(['"', '""', "", "1e999", "nan", "-0", "100.0000001"]),
)


@st.composite
def ktab_csv(draw) -> bytes:
    """A KTAB CSV with random counts in its header and random cells: some readable, most not."""
    n = draw(st.integers(2, 6))
    d = draw(st.integers(1, 3))
    header_n = draw(st.one_of(st.just(str(n)), CELLS))
    header_d = draw(st.one_of(st.just(str(d)), CELLS))
    lines = [f"case,desc,{header_n},{header_d},"]
    lines.append("Actor,Description,Power," + ",".join(f"P{k},S{k}" for k in range(d)) + ",")
    for i in range(n):
        cells = [f"a{i}", "x", draw(st.one_of(st.just(str(1 + i)), CELLS))]
        for _ in range(d):
            cells.append(draw(st.one_of(st.just("50"), CELLS)))
            cells.append(draw(st.one_of(st.just(str(100 // (2 * d))), CELLS)))
        lines.append(",".join(cells) + ",")
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ktab_csv())
def test_generated_ktab_csv(data: bytes) -> None:
    outcome = capped(bargaining_file, (".csv", data), seconds=20.0)
    assert outcome.kind not in BAD_KINDS, outcome
