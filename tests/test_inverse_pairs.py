"""The inverse with more than three free parameters: pairs searched exactly within a radius
(issue 20 follow-up: the default over the built-in scenario's 32 parameters took minutes).

Within its radius the limited search is the whole-box search: a property test over random
scenarios with four or five parameters compares the two; the result states what was searched."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st

import offramp
from offramp.analysis.inverse import EXACT_LIMIT, PAIR_RADIUS
from offramp.errors import InputError
from tests.cli_runner import invoke
from tests.inverse_cases import parametric_scenarios
from tests.sampling import SIZES, run_property


@pytest.mark.parametrize("size", SIZES)
def test_pairs_within_the_radius_are_the_whole_box_answer(size: str) -> None:
    run_property(
        size,
        _same_within_the_radius,
        parametric_scenarios(n_params=4) | parametric_scenarios(n_params=5),
        st.sampled_from([0.05, 0.2, PAIR_RADIUS]),
        st.sampled_from(["l1", "linf"]),
        max_examples=30,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _same_within_the_radius(data, radius, norm) -> None:
    sc = offramp.from_dict(data)
    whole = sc.inverse("goal", norm=norm, pair_radius=None).to_dict()
    near = sc.inverse("goal", norm=norm, pair_radius=radius).to_dict()
    if "nothing" in whole["search"]:  # the goal holds already, or in no feasible state
        assert whole["search"] == near["search"]
        return
    assert whole["search"]["pairs_searched"] in ("whole box", "none (one parameter)")
    if not whole["found"]:
        assert not near["found"]  # the limited search never finds what the whole box lacks
        return
    used = near["search"]["pair_radius"]
    assert used is not None and used <= radius
    # the singles are solved whole either way: the best single answer is the same
    singles = lambda r: [  # noqa: E731
        c for c in [r] + r["alternatives"] if r["found"] and len(c["changes"]) == 1
    ]
    if singles(whole):
        assert singles(near) and min(c["distance"] for c in singles(near)) == pytest.approx(
            min(c["distance"] for c in singles(whole)), abs=1e-9
        )
    w = whole["distance"] if whole["found"] else float("inf")
    n = near["distance"] if near["found"] else float("inf")
    assert n >= w - whole["tolerance"] or len(near["changes"]) > 2  # never nearer than least
    if (
        whole["found"]
        and len(whole["changes"]) <= 2
        and (len(whole["changes"]) == 1 or w < used - whole["tolerance"])
    ):
        # an answer of at most two parameters inside the radius: the limited search finds it
        assert near["found"] and n <= w + whole["tolerance"]


def test_the_default_says_what_it_searched() -> None:
    sc = offramp.default()
    free = [p for p in sc.spec.parameters if p in sc.spec.used_parameters]
    assert len(free) > EXACT_LIMIT  # the built-in scenario: the limited default applies
    data = sc.inverse("china-presses").to_dict()
    search = data["search"]
    assert search["parameters"] == len(free)
    assert search["pairs"] == len(free) * (len(free) - 1) // 2
    assert 0 < search["pair_radius"] <= PAIR_RADIUS
    assert f"within distance {search['pair_radius']:g}" in data["proof"]
    assert not data["exact"]
    if data["found"] and data["changes"] and data["distance"] > search["pair_radius"]:
        assert "was not searched" in data["proof"]  # the limit is never silent
    # three parameters or fewer: every subset exact, the whole box
    small = sc.inverse("china-presses", parameters=free[:2]).to_dict()
    assert (
        small["search"]["pair_radius"] is None and small["search"]["pairs_searched"] == "whole box"
    )


def test_pair_radius_is_checked(capsys) -> None:
    with pytest.raises(InputError, match="pair radius must be positive"):
        offramp.default().inverse("china-presses", pair_radius=0)
    out = invoke(capsys, "inverse", "china-presses", "--pair-radius", "x")
    assert out.code == 2 and "--pair-radius" in out.err
