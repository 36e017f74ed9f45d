"""Myopia disclosed (issue 20, item 7): where farsighted concepts on two-DM reductions disagree
with the myopic "where it settles", the report says so next to the answer.

Checked against brute force (the reduction keeps exactly the states that agree with the fixed
DMs, with the pair's preferences among them unchanged) and against the concepts run on a
two-DM conflict directly (where the reduction is the game itself)."""

from __future__ import annotations

import io
import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from rich.console import Console

import offramp
from offramp.analysis.myopia import MAX_H, farsighted_check
from offramp.conflict.concepts import FARSIGHTED_TWO_DM
from offramp.conflict.reduction import two_dm_reduction
from offramp.conflict.stability import compute_stability
from offramp.report.html_sections import evolution_section
from offramp.report.markdown import render_markdown
from offramp.report.text import render_report
from offramp.report.words import findings, myopia_sentences
from offramp.service.report_content import build_report
from tests.strategies import scenarios


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(3, 4))
def test_reduction_keeps_the_agreeing_states_and_the_pair_preferences(data):
    model = offramp.from_dict(data).conflict
    s = int(np.random.default_rng(len(model.codes)).integers(len(model.codes)))
    for pair in itertools.combinations(range(model.n_dms), 2):
        game = two_dm_reduction(model, s, pair)
        others = sum(1 << k for k in range(len(model.option_names))
                     if model.option_dm[k] not in pair)  # fmt: skip
        rows = [t for t in range(len(model.codes))
                if int(model.codes[t]) & others == int(model.codes[s]) & others]  # fmt: skip
        assert len(game.codes) == len(rows)
        assert game.codes[game.status_quo] == game.codes[game.status_quo]
        # the compacted codes, decoded, are the kept states in order of their codes
        kept = [k for k in range(len(model.option_names)) if model.option_dm[k] in pair]
        back = sorted(
            rows,
            key=lambda t: sum(((int(model.codes[t]) >> k) & 1) << n for n, k in enumerate(kept)),
        )
        assert back[game.status_quo] == s
        for d, i in enumerate(pair):
            for (a, ta), (b, tb) in itertools.combinations(enumerate(back), 2):
                want = np.sign(model.ranks[i][ta] - model.ranks[i][tb])
                assert np.sign(game.ranks[d][a] - game.ranks[d][b]) == want


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(2, 2))
def test_on_two_dms_the_check_is_the_concepts_themselves(data):
    scenario = offramp.from_dict(data)
    analysis = scenario.analyze()
    check = farsighted_check(analysis)
    settled = analysis.settles_at("seq")
    if settled is None or len(settled) == 0:
        assert check is None
        return
    lh, nm = FARSIGHTED_TWO_DM
    model = analysis.model
    for st, s in zip(check["states"], settled, strict=True):
        expected = {}
        for h in range(2, MAX_H + 1):
            res = compute_stability(model, [lh], options={"horizon": h})
            for d in range(2):
                if not res.stable[lh][d][s]:
                    expected.setdefault(model.dm_names[d], []).append(f"L_{h}")
        res = compute_stability(model, [nm])
        for d in range(2):
            if not res.stable[nm][d][s]:
                expected.setdefault(model.dm_names[d], []).append("NM")
        assert {u["dm"]: u["concepts"] for u in st["unstable"]} == expected


def test_the_report_says_so_next_to_the_answer():
    scenario = offramp.default()
    report = build_report(scenario, samples=0, thresholds=False, variants=False)
    check = report["farsighted"]
    disagree = any(st["unstable"] for st in check["states"])
    sentences = myopia_sentences(report)
    assert bool(sentences) == disagree
    buf = io.StringIO()
    render_report(report, Console(file=buf, width=300, no_color=True), sections=["outcome"])
    text = " ".join(buf.getvalue().split())
    markdown = " ".join(render_markdown(report).replace("\\", "").split())
    page = evolution_section(report)
    for s in sentences:
        assert s in text
        assert s in markdown
        assert s in findings(report)
        assert "Farsighted check" in page
        # next to the answer: right after the "Where it settles" line in the terminal
        assert text.index("Where it settles (SEQ)") < text.index(s)
    for st in check["states"]:
        for u in st["unstable"]:
            assert u["concepts"]  # every listed DM has a concept under which it would move


def test_a_joint_move_away_from_where_it_settles_is_disclosed():
    import copy

    report = build_report(
        offramp.default(), samples=0, thresholds=False, variants=False, coalitions="all"
    )
    settled = [e["id"] for e in report["settles_at"]["seq"]]
    stable = report["coalition_analysis"]["coalition_stable"]["seq"]
    movers = {e: [c for c, states in stable.items() if e not in states] for e in settled}
    said = [s for s in myopia_sentences(report) if "joint move" in s]
    assert len(said) == sum(1 for m in movers.values() if m)
    # a coalition that would leave the settled state is named next to the answer
    edited = copy.deepcopy(report)
    name = next(iter(stable))
    edited["coalition_analysis"]["coalition_stable"]["seq"][name] = [
        s for s in stable[name] if s not in settled
    ]
    said = [s for s in myopia_sentences(edited) if "joint move" in s]
    assert said and all(name in s for s in said)
