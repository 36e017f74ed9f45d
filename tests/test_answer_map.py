"""Answer maps: verdicts equal the ordinary analysis point by point; boundaries are exact."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import offramp
from offramp.errors import InputError
from tests.cli_runner import invoke
from tests.inverse_cases import parametric_scenarios
from tests.test_inverse import TOY


def verdict_at(scenario, values: dict, qid: str = "goal") -> str:
    changed = scenario.with_changes(values)
    return next(a.verdict for a in changed.answers() if a.question.id == qid)


def test_toy_boundary_is_exact() -> None:
    """B helps iff price > cost: along every price row the boundary is at price = cost."""
    sc = offramp.from_dict(TOY)
    m = sc.answer_map("goal", ("price", 0, 10), ("cost", 0.5, 7.5), steps=(11, 8))
    data = m.to_dict()
    along_price = [b for b in data["boundaries"] if b["along"] == "price"]
    assert len(along_price) == 8
    for b in along_price:
        assert b["at"] == pytest.approx(b["cost"], abs=1e-12)
        assert (b["from"], b["to"]) == ("no", "yes")
    # where price equals cost exactly, B is indifferent and does not help: 'no'
    assert data["verdicts"][0][0] == "no"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parametric_scenarios(n_params=2))
def test_map_matches_analysis_and_boundaries_flip(data) -> None:
    sc = offramp.from_dict(data)
    (px, dx), (py, dy) = [(p, v["distribution"]) for p, v in data["parameters"].items()]
    m = sc.answer_map(
        "goal", (px, dx["low"], dx["high"]), (py, dy["low"], dy["high"]), steps=(5, 4)
    )
    names = m.verdict_names()
    for j, yv in enumerate(m.y.values):
        for i, xv in enumerate(m.x.values):
            assert names[j][i] == verdict_at(sc, {px: xv, py: yv})
    for b in m.boundaries:
        other = py if b["along"] == px else px
        eps = 1e-7
        left = verdict_at(sc, {b["along"]: b["at"] - eps, other: b[other]})
        right = verdict_at(sc, {b["along"]: b["at"] + eps, other: b[other]})
        at = verdict_at(sc, {b["along"]: b["at"], other: b[other]})
        # the change happens at 'at': on one side, or at the point itself (a tie)
        assert left != right or at != left
        assert b["from"] in (left, at) and b["to"] in (right, at)


def test_builtin_map_and_probability() -> None:
    sc = offramp.get_builtin("beijing-broker")
    m = sc.answer_map(
        "china-presses", ("trade_relief", 0, 15), ("fear_of_defeat", 0, 6), steps=(16, 7)
    )
    # China presses once the concession exceeds its costs: trade_relief > 3 + fear_of_defeat
    for b in m.boundaries:
        if b["along"] == "trade_relief":
            assert b["at"] == pytest.approx(3 + b["fear_of_defeat"])
    p = sc.answer_map(
        "china-presses",
        ("trade_relief", 0, 15),
        ("fear_of_defeat", 0, 6),
        steps=(4, 3),
        samples=8,
    )
    assert p.probability.shape == (3, 4)
    assert np.all((p.probability >= 0) & (p.probability <= 1))


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (("prize", 0, 1), ("cost", 0, 1), "unknown parameter 'prize'"),
        (("price", 1, 1), ("cost", 0, 1), "range of 'price' is empty"),
        (("price", 0, 1), ("price", 0, 1), "both 'price'"),
    ],
)
def test_bad_input(x, y, message) -> None:
    with pytest.raises(InputError, match=message):
        offramp.from_dict(TOY).answer_map("goal", x, y, steps=(3, 3))


def test_limits_checked_before_the_work() -> None:
    sc = offramp.from_dict(TOY)
    with pytest.raises(InputError, match="coarser grid"):
        sc.answer_map("goal", ("price", 0, 1), ("cost", 0, 1), steps=(100, 100), samples=10)
    with pytest.raises(InputError, match="fewer points"):
        sc.answer_map("goal", ("price", 0, 1), ("cost", 0, 1), steps=(1000, 1000))


def test_cli_map(capsys, tmp_path) -> None:
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(TOY))
    args = ["map", "goal", str(path), "--x", "price=0:10", "--y", "cost=0:8", "--grid", "9"]
    out = invoke(capsys, *args, "-f", "csv")
    assert out.code == 0, out.err
    lines = out.out.strip().splitlines()
    assert lines[0] == "price,cost,verdict" and len(lines) == 82
    out = invoke(capsys, *args, "-f", "json", "-o", str(tmp_path / "map.svg"))
    assert out.code == 0, out.err
    assert json.loads(out.out)["x"]["name"] == "price"
    assert (tmp_path / "map.svg").read_text().lstrip().startswith("<?xml")
    out = invoke(capsys, *args, "-o", str(tmp_path / "map.png"))
    assert out.code == 0 and (tmp_path / "map.png").read_bytes()[:4] == b"\x89PNG"
    assert "boundary points" in out.out
    out = invoke(capsys, *args, "-o", str(tmp_path / "map.gif"))
    assert out.code == 2 and ".png or .svg" in out.err
    out = invoke(capsys, "map", "goal", str(path), "--x", "price=0:10", "--y", "nope=0:1")
    assert out.code == 2 and "unknown parameter 'nope'" in out.err
