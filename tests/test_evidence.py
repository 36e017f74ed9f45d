"""Evidence figures and derived parameters in a scenario: exact values, located errors (unknown
ids, cycles, units, the grammar), age warnings, Monte Carlo propagation, the provenance and
leverage data, and the HTML report's in-page links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import offramp
from offramp.analysis.leverage import leverage_data
from offramp.scenario.errors import ScenarioError
from offramp.uncertainty.montecarlo import monte_carlo
from tests.cli_runner import invoke

BASE = """\
format: offramp/1
name: evidence test
sources:
  - {id: s1, title: T, publisher: P, date: "2024-05-01", url: "https://example.org/a"}
evidence_policy: {max_age: 2, as_of: 2025}
evidence:
  - {id: share, low: 40, high: 60, unit: "%", year: 2024, source: s1, quote: "q1"}
  - {id: dep, value: 90, unit: "%", year: 2024, source: s1, quote: "q2",
     kind: dependency, from: A, to: B, good: chips, flow: imports}
  - {id: back, value: 10, unit: "%", year: 2024, source: s1, quote: "q3",
     kind: dependency, from: B, to: A, good: grain, flow: exports}
  - {id: part, value: 25, unit: Mt, year: 2024, source: s1, quote: "q4"}
  - {id: whole, value: 200, unit: Mt, year: 2024, source: s1, quote: "q5"}
  - {id: cut, ratio: [part, whole], unit: "%", year: 2024, source: s1, quote: "q6",
     kind: dependency, from: B, to: A, good: oil, flow: imports}
decision_makers:
  - {name: A, options: [{name: x}]}
  - {name: B, options: [{name: y}]}
status_quo: []
parameters:
  scale: 10
  gain: {formula: "scale * pct(share)", note: "derived"}
  twice: {formula: "gain * 2 - 1"}
preferences:
  A: {weights: [{when: A.x, value: gain}, {when: A.x, value: -5}]}
  B: {weights: [{when: B.y, value: twice}]}
questions:
  - {id: takes, ask: Does A take x?, holds_when: A.x}
"""


def load(text: str = BASE):
    return offramp.from_yaml_text(text, "t.yaml")


def problems(text: str) -> list:
    with pytest.raises(ScenarioError) as exc:
        load(text)
    return exc.value.problems


def test_derived_parameters_are_computed_exactly() -> None:
    s = load()
    assert s.spec.parameters["gain"] == 10 * (40 + 60) / 2 / 100  # mid-range of the figure
    assert s.spec.parameters["twice"] == s.spec.parameters["gain"] * 2 - 1
    # the weights read the derived values
    assert s.spec.preferences["A"].values == [5.0, -5.0]
    assert s.spec.warnings == []


def test_a_ratio_of_two_figures_is_a_share() -> None:
    s = load()
    fig = s.spec.derivation.figures["cut"].figure
    assert fig.point == 100 * 25 / 200


def test_formula_errors_point_at_the_character() -> None:
    text = BASE.replace('"scale * pct(share)"', '"scale * os.system(1)"')
    (p,) = problems(text)
    assert p.path == "parameters.gain.formula"
    line = text.splitlines()[p.line - 1]
    assert line[p.column - 1] == "."  # the attribute access itself
    assert "attribute access" in p.message
    assert p.format().startswith(f"t.yaml:{p.line}:{p.column}: ")


@pytest.mark.parametrize(
    ("formula", "words", "at"),
    [
        ("__import__", "start with a letter", "__import__"),
        ("scale * lambda", "unknown name 'lambda'", "lambda"),
        ("exp(scale)", "unknown function 'exp'", "exp"),
        ("scale * shar", "unknown name 'shar' (did you mean 'share'?)", 'shar"'),
        ("((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))", "deeper", "("),
        ("scale ^ 99", "too large", "99"),
        ("scale + 'x'", "strings", "'x'"),
    ],
)
def test_refusals_are_located(formula: str, words: str, at: str) -> None:
    text = BASE.replace('"scale * pct(share)"', f'"{formula}"')
    (p,) = problems(text)
    assert words in p.message
    line = text.splitlines()[p.line - 1]
    assert line[p.column - 1 :].startswith(at)


def test_cycles_are_refused_with_their_path() -> None:
    text = BASE.replace('"scale * pct(share)"', '"twice + 1"')
    (p,) = problems(text)
    assert "cycle" in p.message
    assert re.search(r"(gain -> twice -> gain|twice -> gain -> twice)", p.message)
    self_loop = BASE.replace('"scale * pct(share)"', '"gain + 1"')
    (p,) = problems(self_loop)
    assert "gain -> gain" in p.message


def test_unknown_references_are_caught() -> None:
    found = problems(
        BASE.replace('source: s1, quote: "q1"', 'source: s2, quote: "q1"')
        .replace("from: A, to: B", "from: A, to: Z")
        .replace("ratio: [part, whole]", "ratio: [part, hole]")
    )
    messages = " | ".join(p.message for p in found)
    assert "unknown source 's2'" in messages
    assert "'Z' is neither a decision maker" in messages
    assert "'hole' is not a figure" in messages


def test_units_are_checked() -> None:
    (p,) = problems(BASE.replace('"scale * pct(share)"', '"scale + share"'))
    # scale is dimensionless, share is %: a sum of unlike units
    assert "unlike units" in p.message
    (p,) = problems(BASE.replace('"scale * pct(share)"', '"part + share"'))
    assert "Mt and %" in p.message or "% and Mt" in p.message
    (p,) = problems(
        BASE.replace(
            'gain: {formula: "scale * pct(share)"', 'gain: {unit: "USD bn", formula: "pct(share)"'
        )
    )
    assert "declares unit 'USD bn'" in p.message


def test_a_figure_id_may_not_shadow_a_parameter() -> None:
    found = problems(BASE.replace("  scale: 10\n", "  scale: 10\n  share: 3\n"))
    assert any("also a parameter name" in p.message for p in found)


def test_division_by_zero_is_a_located_problem() -> None:
    (p,) = problems(BASE.replace('"scale * pct(share)"', '"scale / (scale - 10)"'))
    assert p.path == "parameters.gain.formula"
    assert "not a finite number" in p.message


def test_old_figures_warn() -> None:
    s = load(BASE.replace("as_of: 2025", "as_of: 2030"))
    ws = [w for w in s.spec.warnings if "years before 2030" in w.message]
    assert len(ws) == 6
    assert ws[0].path == "evidence[0].year"


def test_validate_prints_the_warning_and_exits_0(tmp_path, capsys) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(BASE.replace("as_of: 2025", "as_of: 2030"))
    out = invoke(capsys, "validate", str(f))
    assert out.code == 0
    assert "evidence[0].year: warning: figure 'share' describes 2024" in out.err
    f.write_text(BASE.replace('"scale * pct(share)"', '"twice * 2"'))
    out = invoke(capsys, "validate", str(f))
    assert out.code == 2
    assert "cycle" in out.err and "Traceback" not in out.err


def test_overriding_a_derived_parameter_fixes_it_and_sweeps_recompute() -> None:
    s = load()
    fixed = s.with_changes({"gain": 7.0})
    assert fixed.spec.parameters["gain"] == 7.0
    assert fixed.spec.parameters["twice"] == 13.0  # follows the fixed value
    rescaled = s.with_changes({"scale": 20.0})
    assert rescaled.spec.parameters["gain"] == 10.0
    same = s.with_changes(dict(s.spec.parameters))  # what Monte Carlo workers do
    assert "gain" in same.spec.derivation.derived


def test_ranges_propagate_to_monte_carlo_samples() -> None:
    s = load()
    names = [u.name for u in s.spec.uncertain]
    assert names == ["share"]  # the only figure with a range that a formula reads
    mc = monte_carlo(s, 600, seed=3)
    col = mc.inputs[:, 0]
    assert col.min() >= 40 and col.max() <= 60 and col.std() > 3  # within bounds, and varies
    gains = np.array(
        [s.spec.derivation.values(dict(s.spec.parameters), {"share": v})["gain"] for v in col]
    )
    assert gains.min() >= 4 and gains.max() <= 6
    # brute force: A takes x exactly when gain > 5, i.e. share > 50, sample by sample
    q = [q.id for q in s.spec.questions].index("takes")
    yes = mc.verdicts[:, q] == 0  # VERDICTS[0] == "yes"
    from offramp.analysis.template import VERDICTS

    assert VERDICTS[0] == "yes"
    np.testing.assert_array_equal(yes, col > 50)
    assert 0.3 < yes.mean() < 0.7


def test_provenance_and_leverage_in_the_json_report(capsys, tmp_path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(BASE)
    out = invoke(capsys, "analyze", str(f), "--format", "json", "-n", "0")
    assert out.code == 0, out.err
    import json

    report = json.loads(out.out)
    by_name = {p["name"]: p for p in report["provenance"]["parameters"]}
    assert by_name["gain"]["formula"] == "scale * pct(share)"
    assert by_name["gain"]["evidence"] == ["share"]
    assert by_name["twice"]["evidence"] == ["share"]  # through gain
    assert by_name["twice"]["reads_parameters"] == ["gain"]
    assert by_name["scale"]["basis"] == "judgment"
    assert report["provenance"]["sources"][0]["publisher"] == "P"
    pairs = {(p["dependent"], p["holder"]): p for p in report["leverage"]["pairs"]}
    ab = pairs[("A", "B")]
    assert ab["dependence"] == 0.9
    assert ab["reverse_dependence"] == 25 / 200  # B's strongest dependence on A: the ratio
    assert ab["asymmetry"] == pytest.approx(0.9 - 0.125)


def test_leverage_keeps_the_strongest_flow_per_direction() -> None:
    lev = leverage_data(load().spec)
    (pair,) = lev["pairs"]
    assert pair["via"] == "dep" and pair["reverse_via"] == "cut"
    assert {d["id"] for d in lev["dependencies"]} == {"dep", "back", "cut"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.hrefs.append(a["href"][1:])


def test_html_provenance_links_resolve_within_the_page() -> None:
    from offramp.report.html import render_html
    from offramp.service.report_content import build_report

    s = offramp.default()
    report = build_report(s, variants=False, thresholds=False, samples=0)
    html = render_html(report, s)
    links = _Links()
    links.feed(html)
    missing = [h for h in links.hrefs if h not in links.ids]
    assert missing == []
    # every derived parameter links to each figure it rests on, and each figure to its source
    for p in report["provenance"]["parameters"]:
        for fid in p["evidence"]:
            assert f"fig-{fid}" in links.hrefs
    for f in report["provenance"]["figures"]:
        assert f"src-{f['source']}" in links.hrefs
        assert f"fig-{f['id']}" in links.ids
    assert "provenance" in links.hrefs and "leverage" in links.hrefs  # the contents list


def test_text_and_markdown_reports_show_the_provenance_table() -> None:
    from rich.console import Console

    from offramp.report.markdown import render_markdown
    from offramp.report.text import render_report
    from offramp.service.report_content import build_report

    report = build_report(load(), variants=False, thresholds=False, samples=0)
    md = render_markdown(report)
    assert "## Where the numbers come from" in md
    assert "| `gain` | 5 | `scale * pct(share)` | `share` = 50 % (40–60) (2024, s1) |" in md
    assert (
        "| `share` | 50 % (40–60) | 2024 | P, T, 2024-05-01, https://example.org/a | “q1” |" in md
    )
    assert "## Leverage" in md and "| A | B | 90% | 12% | +78% |" in md
    console = Console(record=True, width=200)
    render_report(report, console, full=True)  # the default terminal report is short (issue 10)
    text = console.export_text()
    assert "Where the numbers come from" in text
    assert "scale * pct(share)" in text and "share = 50 % (40–60) (2024, s1)" in text
    assert "Leverage: who depends on whom" in text


def test_non_finite_inputs_are_refused_without_a_traceback(tmp_path, capsys) -> None:
    found = problems(BASE.replace("low: 40, high: 60", "value: .nan"))
    assert any("give a finite number" in p.message for p in found)
    # finite at the point values, overflowing in some samples: exit 2 with the formula named
    f = tmp_path / "s.yaml"
    # (numbers in a file stop at 1e15, see scenario/limits.py: the overflow comes from the
    # formulas, 1e15^8 cubed)
    eight = " * ".join(["share"] * 8)
    f.write_text(
        BASE.replace("low: 40, high: 60", "value: 1, low: 1, high: 1e15")
        .replace('"scale * pct(share)"', f'"{eight}"')
        .replace('"gain * 2 - 1"', '"gain * gain * gain"')
    )
    out = invoke(capsys, "uncertainty", str(f), "-n", "300", "--workers", "1")
    assert out.code == 2, out.err
    assert "parameters.gain.formula: derived parameter 'gain' = " + eight in out.err
    assert "over the limit of 1e+15 on the size of a number" in out.err
    assert "Traceback" not in out.err


# ---------------------------------------------------------------------- property: any order
def _chain_scenario(formulas: dict[str, str], order: list[str]) -> dict:
    params: dict = {"base": 2.0}
    for name in order:
        params[name] = {"formula": formulas[name]}
    return {
        "format": "offramp/1",
        "name": "chain",
        "sources": [{"id": "s", "title": "T"}],
        "evidence": [
            {"id": "fig", "value": 3.0, "unit": "share", "year": 2025, "source": "s", "quote": "q"}
        ],
        "decision_makers": [
            {"name": "A", "options": [{"name": "x"}]},
            {"name": "B", "options": [{"name": "y"}]},
        ],
        "parameters": params,
        "preferences": {
            "A": {"weights": [{"when": "A.x", "value": n} for n in ["base", *order]]},
            "B": {"weights": [{"when": "B.y", "value": 1}]},
        },
    }


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_derived_values_do_not_depend_on_declaration_order(data) -> None:
    """A random DAG of derived parameters, declared in a random order, evaluates to what a
    recursive evaluation straight from the definitions gives; adding a back edge is refused as
    a cycle."""
    n = data.draw(st.integers(1, 6))
    names = [f"d{i}" for i in range(n)]
    pick = st.sampled_from
    reads = {
        name: data.draw(st.lists(pick(["base", "fig", *names[:i]]), min_size=1, max_size=3))
        for i, name in enumerate(names)
    }
    formulas = {
        name: " + ".join(f"{k + 1} * {r}" for k, r in enumerate(rs)) for name, rs in reads.items()
    }

    def reference(name: str) -> float:
        if name == "base":
            return 2.0
        if name == "fig":
            return 3.0
        return sum((k + 1) * reference(r) for k, r in enumerate(reads[name]))

    order = data.draw(st.permutations(names))
    s = offramp.from_dict(_chain_scenario(formulas, list(order)))
    for name in names:
        assert s.spec.parameters[name] == reference(name)
    if n >= 2:
        last = names[-1]
        formulas[names[0]] += f" + {last}"  # d0 now reads the last one
        reaches_back = names[0] in _closure(last, reads)
        if reaches_back:
            with pytest.raises(ScenarioError, match="cycle"):
                offramp.from_dict(_chain_scenario(formulas, list(order)))


def _closure(name: str, reads: dict) -> set[str]:
    out, stack = set(), [name]
    while stack:
        for r in reads.get(stack.pop(), []):
            if r not in out:
                out.add(r)
                stack.append(r)
    return out


def test_thresholds_over_an_input_of_a_formula_follow_the_derived_values() -> None:
    """A threshold over 'scale' moves 'gain' (= scale * share%) with it: A takes x once
    gain > 5, i.e. above scale = 10 (share's point value is 50%). The batched grid and the
    per-value checks agree point by point."""
    from offramp.analysis.sweeps import _Criterion, threshold

    s = load()
    q = next(q for q in s.spec.questions if q.id == "takes")
    got = threshold(s.spec, q, "scale", (0, 20))
    assert got["summary"] == "holds above scale = 10"
    criterion = _Criterion(s.spec, q, "scale")
    grid = [0.0, 5.0, 9.9, 10.0, 10.1, 15.0, 20.0]
    assert criterion.batch(grid) == [criterion(v) for v in grid] == [False] * 4 + [True] * 3
