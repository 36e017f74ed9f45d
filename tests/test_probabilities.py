"""Honest probabilities (issue 20, item 5): every Monte Carlo answer carries its interval, an
answer no sample gave its one-sided bound (never "0% ± 0.0%"), an answer every sample gave its
margin (which judged ranges would have to move, and to where), and only sensitivities
distinguishable from noise are shown."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from scipy import stats

import offramp
from offramp.analysis.sweeps import threshold
from offramp.report.figdata import tornado_targets
from offramp.report.markdown import render_markdown
from offramp.report.text import render_report
from offramp.report.words import findings
from offramp.service.report_content import build_report
from offramp.uncertainty.montecarlo import monte_carlo
from offramp.uncertainty.proportions import answer_probability, upper_bound_95, wilson_interval
from offramp.uncertainty.sensitivity import ALPHA, rank_correlations

VERDICTS = ("yes", "no", "depends", "undetermined")


@given(st.integers(1, 5000), st.data())
def test_wilson_matches_scipy(n, data):
    k = data.draw(st.integers(0, n))
    ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(ci.low, abs=1e-9)
    assert hi == pytest.approx(ci.high, abs=1e-9)
    assert lo <= k / n <= hi


@given(st.integers(1, 100_000))
def test_upper_bound_is_the_exact_one_sided_bound(n):
    bound = upper_bound_95(n)
    assert bound == pytest.approx(stats.beta.ppf(0.95, 1, n), rel=1e-9)
    assert (1 - bound) ** n == pytest.approx(0.05, rel=1e-9)
    if n >= 30:
        assert bound == pytest.approx(3 / n, rel=0.1)  # the rule of three


def test_an_answer_no_sample_gave_is_a_bound_not_zero():
    entry = answer_probability(0, 1000)
    assert entry["probability"] == 0.0 and entry["upper_bound_95"] == pytest.approx(0.002991, 1e-3)
    assert entry["interval"][1] > 0
    assert answer_probability(0, 0)["probability"] is None


@pytest.fixture(scope="module")
def scenario():
    return offramp.default()


@pytest.fixture(scope="module")
def mc(scenario):
    return monte_carlo(scenario, 400, seed=3).to_dict()


def test_every_answer_has_probability_and_interval(mc):
    n = mc["samples"]
    assert mc["interval"] == {"method": "wilson", "level": 0.95}
    for q in mc["questions"]:
        total = 0
        for v in VERDICTS:
            a = q["answers"][v]
            assert a["probability"] == pytest.approx(q[v])  # the old keys are kept
            assert a["interval"][0] <= a["probability"] <= a["interval"][1]
            assert ("upper_bound_95" in a) == (a["count"] == 0)
            total += a["count"]
        assert total == n


def test_unanimous_answers_state_their_margin(scenario, mc):
    questions = {q.id: q for q in scenario.spec.questions}
    unanimous = [q for q in mc["questions"] if max(q["answers"][v]["count"] for v in VERDICTS)
                 == mc["samples"]]  # fmt: skip
    assert unanimous  # the built-in scenario's answers are decided in every sample
    for q in mc["questions"]:
        assert ("margin" in q) == (q in unanimous and q["margin"]["answer"] in ("yes", "no"))
    for q in unanimous:
        m = q["margin"]
        searched = {f["input"] for f in m["flips"]} | set(m["no_flip"]) | set(m["not_searched"])
        assert searched == set(mc["inputs"])
        for f in m["flips"]:
            # the flip is where the one-parameter threshold search puts it ...
            near = (f["nearest"] - 1e-3, f["nearest"] + 1e-3)
            th = threshold(scenario.spec, questions[q["id"]], f["input"], near)
            assert th["transitions"], f
            # ... and past it the deterministic answer really is the other one
            hi = f["judged_range"][1]
            past = f["nearest"] + (1e-3 if f["nearest"] > hi else -1e-3)
            moved = scenario.with_changes({f["input"]: past})
            verdict = next(a.verdict for a in moved.answers() if a.question.id == q["id"])
            assert verdict != m["answer"]
            assert f["beyond_judged_range"] >= 0


def test_reports_never_read_as_certainty(scenario):
    report = build_report(scenario, samples=300, seed=0, thresholds=False, variants=False)
    buf = io.StringIO()
    render_report(report, Console(file=buf, width=100, no_color=True), full=True)
    text = buf.getvalue()
    markdown = render_markdown(report)
    for out in (text, markdown, " ".join(findings(report))):
        assert "± 0.0%" not in out
        assert "no input matters" not in out
        assert " 0.0% " not in out.replace("|", " ")
    mc = {q["id"]: q for q in report["uncertainty"]["questions"]}
    for sentence, q in zip(findings(report), report["questions"], strict=False):
        if mc[q["id"]]["answers"]["yes"]["count"] == 0:
            assert "at most 1.0% (0 of 300 samples; one-sided 95% bound)" in sentence
    assert "To flip, it would take" in " ".join(findings(report))


@settings(max_examples=30, deadline=None)
@given(st.integers(20, 400), st.integers(0, 2**31))
def test_significance_follows_the_p_value(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    y = x[:, 0] + rng.normal(size=n) * rng.uniform(0.1, 10)
    out = rank_correlations(x, list("abcd"), {"t": y, "flat": np.ones(n)})
    for d in out["t"]:
        assert d["significant"] == (d["p_value"] < ALPHA / 4)
        lo, hi = d["interval_95"]
        assert lo <= d["rho"] <= hi
    assert all(d["p_value"] == 1 and not d["significant"] for d in out["flat"])


def test_noise_is_rarely_a_driver():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(500, 20))
    targets = {f"t{k}": rng.normal(size=500) for k in range(40)}
    out = rank_correlations(x, [f"x{k}" for k in range(20)], targets)
    false = sum(d["significant"] for ds in out.values() for d in ds)
    # family-wise 5% per conclusion: about 2 of 40 conclusions show a noise driver
    assert false <= 6
    strong = rank_correlations(x, [f"x{k}" for k in range(20)], {"y": x[:, 3] + 0.5 * x[:, 4]})
    assert {d["input"] for d in strong["y"] if d["significant"]} >= {"x3", "x4"}


def test_tornado_shows_only_significant_inputs(mc):
    for target, _title, inputs in tornado_targets(mc):
        assert inputs and all(d["significant"] for d in inputs), target
    fake = {
        "questions": [],
        "sensitivity": {"x": [{"input": "a", "rho": 0.3, "significant": False}]},
    }
    assert tornado_targets(fake) == []
