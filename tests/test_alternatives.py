"""``alternatives:``: a discrete structural uncertainty. Monte Carlo draws one choice per sample
with the declared weights (frequencies within 3 standard errors), the choice sets its
parameters (so the answers follow it exactly), each choice is reported as a driver, a variant
fixes a choice, and bad declarations are refused where they are."""

from __future__ import annotations

import numpy as np
import pytest

import offramp
from offramp.scenario.errors import ScenarioError
from offramp.uncertainty.montecarlo import monte_carlo

BASE = """\
format: offramp/1
name: alternatives test
decision_makers:
  - {name: A, options: [{name: x}]}
  - {name: B, options: [{name: y}]}
status_quo: []
parameters:
  cut: {value: 1, note: "Analyst judgment"}
  lift: {value: 0, note: "Analyst judgment"}
  cost: {value: 5, distribution: {type: uniform, low: 4, high: 6}}
  gain: {formula: "cut + 10 * lift"}
preferences:
  A: {weights: [{when: A.x, value: gain}, {when: A.x, value: -cost}]}
  B: {weights: [{when: B.y, value: 1}]}
questions:
  - {id: takes, ask: Does A take x?, holds_when: A.x}
alternatives:
  - name: package
    label: What is on the table
    choices:
      - {name: small, label: a small cut, weight: 5, parameters: {cut: 1, lift: 0}}
      - {name: medium, label: a bigger cut, weight: 3, parameters: {cut: 3, lift: 0}}
      - {name: large, label: everything lifted, weight: 2, parameters: {cut: 1, lift: 1}}
variants:
  - name: all-lifted
    label: Everything lifted
    alternatives: {package: large}
"""


def load(text: str = BASE):
    return offramp.from_yaml_text(text, "t.yaml")


def test_frequencies_follow_the_declared_weights() -> None:
    n = 4000
    result = monte_carlo(load(), n, seed=3)
    (alt,) = result.to_dict()["alternatives"]
    weights = np.array([5, 3, 2]) / 10
    for row, p in zip(alt["choices"], weights, strict=True):
        se = np.sqrt(p * (1 - p) / n)
        assert abs(row["drawn"] - p) < 3 * se, row
        assert row["probability"] == pytest.approx(p)
    assert sum(r["samples"] for r in alt["choices"]) == n


def test_the_choice_sets_its_parameters() -> None:
    """gain - cost: small 1 - [4,6] < 0 (no), medium 3 - [4,6] < 0 (no), large 11 - [4,6] > 0
    (yes): the answer is exactly the drawn choice."""
    result = monte_carlo(load(), 1000, seed=1)
    data = result.to_dict()
    (alt,) = data["alternatives"]
    yes = {r["choice"]: r["yes"]["takes"] for r in alt["choices"]}
    assert yes == {"small": 0.0, "medium": 0.0, "large": 1.0}
    assert alt["spread"]["takes"] == 1.0
    large = result.input_names.index("package=large")
    takes = result.verdicts[:, 0] == 0
    assert np.array_equal(takes, result.inputs[:, large] > 0.5)
    # the choice is reported as a driver, with its label
    drivers = data["sensitivity"]["question:takes"]
    assert drivers[0]["input"] == "package=large"
    report = offramp.build_report(load(), variants=False, thresholds=False, samples=200)
    assert report["labels"]["inputs"]["package=large"] == "What is on the table: everything lifted"


def test_the_row_and_the_batch_evaluations_agree() -> None:
    from offramp.analysis.template import ConflictTemplate
    from offramp.uncertainty.sampling import InputSpace

    sc = load()
    template, space = ConflictTemplate(sc.spec), InputSpace.of(sc.spec)
    rows = space.draw_block(7, 0, 50)
    batch = template.evaluate_rows(rows, space)
    for b, row in enumerate(rows):
        assert np.array_equal(batch.verdicts[b], template.evaluate_row(row, space).verdicts)


def test_a_variant_fixes_a_choice() -> None:
    sc = load()
    assert sc.spec.parameters["gain"] == 1.0  # deterministic: the parameters' own values
    var = sc.variant("all-lifted")
    assert var.spec.parameters["gain"] == 11.0
    assert var.spec.fixed_alternatives == {"package": "large"}
    assert var.spec.sampled_alternatives == []
    result = monte_carlo(var, 300, seed=1)
    assert result.to_dict()["alternatives"] == []
    assert (result.verdicts[:, 0] == 0).all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("parameters: {cut: 3, lift: 0}", None),
        ("parameters: {cut: 3, lif: 0}", "unknown parameter 'lif'"),
        ("parameters: {cut: 3}", "every choice of an alternative sets the same parameters"),
        ("parameters: {gain: 3, lift: 0}", "derived from a formula"),
    ],
)
def test_bad_choices_are_refused_where_they_are(change, message) -> None:
    text = BASE.replace("parameters: {cut: 3, lift: 0}", change)
    if message is None:
        load(text)
        return
    with pytest.raises(ScenarioError) as exc:
        load(text)
    (p,) = [p for p in exc.value.problems if message in p.message]
    assert p.path.startswith("alternatives[0].choices[1]")
    assert p.line == 22


def test_unknown_choice_in_a_variant() -> None:
    with pytest.raises(ScenarioError, match="no choice 'huge'"):
        load(BASE.replace("{package: large}", "{package: huge}"))


def test_a_value_outside_its_own_distribution_warns() -> None:
    sc = load(BASE.replace("cost: {value: 5,", "cost: {value: 7,"))
    (w,) = [w for w in sc.spec.warnings if "outside its own distribution" in w.message]
    assert w.path == "parameters.cost.value"
    assert "[4, 6]" in w.message
    assert not [w for w in load().spec.warnings if "outside" in w.message]
