"""Slow work inside the limits (issue 22 item 15): a conflict whose feasible states would take
minutes to analyse is refused before the work, with the count, the limit (about a minute of
analysis) and the way out; the count is the one the engine would process (feasible states,
not 2^options)."""

from __future__ import annotations

import time

import pytest

import offramp
from offramp.scenario.limits import LimitError
from tests.cli_runner import invoke


def _scenario(n_dms: int, per: int, infeasible: list[str] | None = None) -> str:
    lines = ["format: offramp/1", f"name: Big {n_dms}x{per}", "decision_makers:"]
    for i in range(n_dms):
        lines.append(f"  - name: D{i}\n    options:")
        lines += [f"      - name: o{j}" for j in range(per)]
    if infeasible:
        lines.append("infeasible:")
        lines += [f'  - "{rule}"' for rule in infeasible]
    lines.append("preferences:")
    for i in range(n_dms):
        lines.append(f"  D{i}:\n    weights:")
        for j in range(per):
            lines.append(f'      - {{when: "D{(i + 1) % n_dms}.o{j}", value: {j + 1}}}')
            lines.append(f'      - {{when: "D{i}.o{j}", value: -{j % 3 + 1}}}')
    return "\n".join(lines) + "\n"


def test_a_2_24_state_scenario_is_refused_before_the_work(capsys, tmp_path) -> None:
    """24 free options: 16,777,216 feasible states (3 minutes and 3.5 GB before) are refused
    from the count alone, in well under the time one state costs to build."""
    path = tmp_path / "big.yaml"
    path.write_text(_scenario(4, 6))
    started = time.perf_counter()
    out = invoke(capsys, "stability", str(path), "-f", "json")
    assert time.perf_counter() - started < 10
    assert out.code == 2, out
    assert "number of feasible states to analyse" in out.err
    assert "is 16,777,216, over the limit of 1,048,576" in out.err
    assert "OFFRAMP_LIMIT_STATES" in out.err and "Traceback" not in out.err
    with pytest.raises(LimitError, match="16,777,216"):
        offramp.from_yaml_text(_scenario(4, 6)).stability()


def test_the_state_limit_counts_feasible_states_not_options(monkeypatch) -> None:
    """The limit is judged on the states the engine processes: a rule spanning decision makers
    leaves fewer than 2^options, and enumeration stops as soon as the limit is passed."""
    monkeypatch.setenv("OFFRAMP_LIMIT_STATES", "3000")
    # 12 options: 4,096 combinations; the rule removes a quarter of them (3,072 feasible)
    text = _scenario(2, 6, ["D0.o0 & D1.o0"])
    with pytest.raises(LimitError, match="more than 3,000"):
        offramp.from_yaml_text(text).stability()
    monkeypatch.setenv("OFFRAMP_LIMIT_STATES", "3072")
    assert offramp.from_yaml_text(text).conflict.n_states == 3072
    # with the rule written as one decision maker's (not spanning), the count is exact
    monkeypatch.setenv("OFFRAMP_LIMIT_STATES", "4095")
    with pytest.raises(LimitError, match="is 4,096, over the limit of 4,095"):
        offramp.from_yaml_text(_scenario(2, 6)).stability()
