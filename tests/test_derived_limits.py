"""Derived values against the number limits (issue 22, item 3): a formula's value, at the point
values, in every Monte Carlo sample and at every sweep point, obeys the same limit as a number
written in the file (|x| <= 1e15, finite), and a refusal names the formula's place."""

from __future__ import annotations

import re

import pytest

import offramp
from offramp.scenario.errors import ScenarioError
from tests.cli_runner import invoke

TEXT = """\
format: offramp/1
name: Overflow
sources:
  - id: s
    title: A source
    date: "2024"
evidence:
  - id: f
    value: {value}
    low: 1
    high: 1000000000000
    unit: "1"
    year: 2024
    source: s
    quote: "q"
parameters:
  p: 1
  a:
    formula: "f * f * p"
decision_makers:
  - name: US
    options:
      - name: tariffs
  - name: CN
    options:
      - name: press
preferences:
  US:
    weights:
      - {{when: "CN.press", value: a}}
      - {{when: "US.tariffs", value: 1}}
  CN:
    weights:
      - {{when: "US.tariffs", value: 2}}
"""
FORMULA_AT = re.compile(r":19:14: parameters\.a\.formula: derived parameter 'a' = f \* f \* p is ")


def test_derived_value_over_number_limit_is_refused_at_its_formula(capsys, tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(TEXT.format(value=1e12))
    out = invoke(capsys, "validate", str(path))
    assert out.code == 2, out
    assert FORMULA_AT.search(out.err), out.err
    assert "1e+24 for these inputs (f=1e+12, p=1)" in out.err
    assert "over the limit of 1e+15 on the size of a number" in out.err
    with pytest.raises(ScenarioError) as caught:
        offramp.from_yaml_text(TEXT.format(value=1e12))
    assert caught.value.problems[0].path == "parameters.a.formula"


def test_derived_value_over_number_limit_in_a_sample_is_refused(capsys, tmp_path) -> None:
    """Within the limit at the point values (f = 1), over it in most samples (f up to 1e12)."""
    path = tmp_path / "s.yaml"
    path.write_text(TEXT.format(value=1))
    assert invoke(capsys, "validate", str(path)).code == 0
    out = invoke(capsys, "uncertainty", str(path), "-n", "200", "--workers", "1")
    assert out.code == 2, out
    assert FORMULA_AT.search(out.err) and "over the limit of 1e+15" in out.err, out.err
    assert "Traceback" not in out.err and "RuntimeWarning" not in out.err


def test_derived_value_over_number_limit_in_a_sweep_is_refused(capsys, tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(TEXT.format(value=1e6))
    out = invoke(capsys, "sweep", str(path), "--param", "p=1:10001:1000")
    assert out.code == 2, out
    assert FORMULA_AT.search(out.err) and "over the limit of 1e+15" in out.err, out.err
