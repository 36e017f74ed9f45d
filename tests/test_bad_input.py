"""Every kind of bad input gives `file:line:col: path: message` and exit status 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli_runner import invoke

BASE = """\
format: offramp/1
name: Test
decision_makers:
  - name: US
    options:
      - name: tariffs
      - name: relief
  - name: CN
    options:
      - name: press
preferences:
  US:
    prioritization:
      - "CN.press"
      - "!US.tariffs"
  CN:
    weights:
      - {when: "US.relief", value: 2}
      - {when: "CN.press", value: -1}
"""

LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$", re.M)


def check(capsys, tmp_path: Path, text: str, line: int, col: int | None, *fragments: str):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    outcome = invoke(capsys, "validate", str(path))
    assert outcome.code == 2, outcome
    assert "Traceback" not in outcome.err
    matches = list(LOCATED.finditer(outcome.err))
    assert matches, outcome.err
    hit = [m for m in matches if all(f in m.group("rest") for f in fragments)]
    assert hit, outcome.err
    m = hit[0]
    assert m.group("file") == str(path)
    assert int(m.group("line")) == line
    if col is not None:
        assert int(m.group("col")) == col
    return outcome


def test_valid_base(capsys, tmp_path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(BASE)
    outcome = invoke(capsys, "validate", str(path))
    assert outcome.code == 0
    assert "8 feasible states" in outcome.out


def test_yaml_syntax_error(capsys, tmp_path) -> None:
    check(capsys, tmp_path, BASE.replace("name: Test", "name: [Test"), 3, 16, "YAML syntax error")


def test_unknown_key_with_suggestion(capsys, tmp_path) -> None:
    text = BASE.replace(
        "      - name: relief\n", "      - name: relief\n        directon: forward\n"
    )
    check(
        capsys,
        tmp_path,
        text,
        8,
        9,
        "decision_makers[0].options[1].directon: unknown key 'directon'",
        "did you mean 'direction'",
    )


def test_missing_required_key(capsys, tmp_path) -> None:
    check(capsys, tmp_path, BASE.replace("name: Test\n", ""), 1, 1, "name: missing required key")


def test_unknown_option_did_you_mean(capsys, tmp_path) -> None:
    check(
        capsys,
        tmp_path,
        BASE.replace('"CN.press"\n', '"CN.presss"\n'),
        14,
        10,
        "preferences.US.prioritization[0]: unknown option 'CN.presss'",
        "did you mean 'CN.press'?",
    )


def test_ambiguous_bare_option(capsys, tmp_path) -> None:
    text = BASE.replace("      - name: press\n", "      - name: press\n      - name: relief\n")
    text = text.replace('"CN.press"\n', '"relief"\n')
    check(capsys, tmp_path, text, 15, 10, "ambiguous option 'relief'", "'US.relief', 'CN.relief'")


def test_statement_syntax_error_column(capsys, tmp_path) -> None:
    text = BASE.replace('"!US.tariffs"', '"!US.tariffs & | CN.press"')
    # the quote is at column 9, '!' at 10; '|' is 14 characters further
    check(capsys, tmp_path, text, 15, 24, "expected an option")


def test_ranking_missing_and_repeated_states(capsys, tmp_path) -> None:
    text = """\
format: offramp/1
name: Rank
decision_makers:
  - name: A
    options: [{name: x}]
  - name: B
    options: [{name: y}]
preferences:
  A:
    ranking:
      - "A.x & B.y"
      - ["!A.x & B.y", "A.x"]
  B:
    ranking:
      - "B.y"
"""
    out = check(capsys, tmp_path, text, 12, 25, "preferences.A.ranking[1][1]", "matched again")
    assert re.search(
        r":15:7: preferences.B.ranking: the ranking does not place 2 feasible", out.err
    )


def test_no_feasible_state(capsys, tmp_path) -> None:
    text = BASE + 'infeasible:\n  - "US.tariffs | !US.tariffs"\n'
    check(capsys, tmp_path, text, 21, 3, "no feasible state")


def test_infeasible_status_quo(capsys, tmp_path) -> None:
    text = BASE + (
        "mutually_exclusive:\n  - [US.tariffs, US.relief]\nstatus_quo: [US.tariffs, US.relief]\n"
    )
    check(capsys, tmp_path, text, 22, 13, "status_quo: the status quo", "is infeasible")


def test_duplicate_names(capsys, tmp_path) -> None:
    text = BASE.replace("      - name: relief\n", "      - name: tariffs\n")
    check(capsys, tmp_path, text, 7, 15, "duplicate option 'tariffs'")
    text = BASE.replace("  - name: CN\n", "  - name: US\n")
    check(capsys, tmp_path, text, 8, 11, "duplicate decision maker 'US'")


def test_unknown_parameter(capsys, tmp_path) -> None:
    text = BASE.replace("value: 2}", "value: relief_valu}") + "parameters:\n  relief_value: 3\n"
    check(
        capsys,
        tmp_path,
        text,
        18,
        36,
        "unknown parameter 'relief_valu'",
        "did you mean 'relief_value'",
    )


def test_too_many_options_refused_before_enumerating(capsys, tmp_path) -> None:
    opts = "".join(f"      - name: o{k}\n" for k in range(63))
    text = BASE.replace("      - name: tariffs\n      - name: relief\n", opts)
    text = text.replace("US.tariffs", "US.o0").replace("US.relief", "US.o1")
    check(capsys, tmp_path, text, 4, 3, "is 64, over the limit of 63", "64-bit code")


def test_too_large_for_memory_refused_with_estimate(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OFFRAMP_MEMORY_LIMIT", "20M")
    opts = "".join(f"      - name: o{k}\n" for k in range(17))
    text = BASE.replace("      - name: tariffs\n      - name: relief\n", opts)
    text = text.replace("US.tariffs", "US.o0").replace("US.relief", "US.o1")
    out = check(capsys, tmp_path, text, 4, 3, "too large for memory", "feasible states")
    # no rule spans decision makers: the count is exact and refused before any state is built
    assert "262,144 feasible states would need about" in out.err
    assert "over the limit of 20.0 MB" in out.err


def test_too_large_for_memory_with_rules_across_decision_makers(
    capsys, tmp_path, monkeypatch
) -> None:
    """With a rule spanning decision makers the count is only bounded: the enumeration stops
    as soon as more states are feasible than the budget allows."""
    monkeypatch.setenv("OFFRAMP_MEMORY_LIMIT", "20M")
    opts = "".join(f"      - name: o{k}\n" for k in range(17))
    text = BASE.replace("      - name: tariffs\n      - name: relief\n", opts)
    text = text.replace("US.tariffs", "US.o0").replace("US.relief", "US.o1")
    text += 'infeasible: ["US.o2 & CN.press & US.o3"]\n'
    out = check(capsys, tmp_path, text, 4, 3, "too large for memory", "feasible states")
    assert "the limit is 20.0 MB" in out.err
    assert "combinations of the decision makers' choices" in out.err


def test_bad_memory_limit_setting(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OFFRAMP_MEMORY_LIMIT", "lots")
    path = tmp_path / "ok.yaml"
    path.write_text(BASE)
    out = invoke(capsys, "validate", str(path))
    assert out.code == 2
    assert "OFFRAMP_MEMORY_LIMIT='lots' is not a size" in out.err


def test_wrong_types_and_values(capsys, tmp_path) -> None:
    check(
        capsys,
        tmp_path,
        BASE.replace("format: offramp/1", "format: offramp/9"),
        1,
        9,
        "format must be 'offramp/1'",
    )
    text = BASE.replace("      - name: relief\n", "      - name: relief\n        direction: up\n")
    check(capsys, tmp_path, text, 8, 20, "decision_makers[0].options[1].direction")
    check(
        capsys,
        tmp_path,
        BASE.replace("value: 2}", "value: [2]}"),
        18,
        36,
        "preferences.CN.weights[0].value",
    )


def test_two_preference_forms(capsys, tmp_path) -> None:
    text = BASE.replace("  CN:\n    weights:", '  CN:\n    ranking: ["true"]\n    weights:')
    check(capsys, tmp_path, text, 17, 5, "exactly one of")


def test_missing_file(capsys, tmp_path) -> None:
    outcome = invoke(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert outcome.code == 2
    assert "no such file" in outcome.err


def test_dict_input_errors_have_paths() -> None:
    import offramp

    with pytest.raises(offramp.ScenarioError) as info:
        offramp.from_dict(
            {"format": "offramp/1", "name": "x", "decision_makers": [], "preferences": {}}
        )
    assert "decision_makers" in str(info.value)
    assert str(info.value).startswith("<dict>")


WITH_PARAMS = (
    BASE.replace("value: 2}", "value: relief_value}")
    + """\
parameters:
  relief_value: 3
"""
)


def test_bad_variant_parameter(capsys, tmp_path) -> None:
    text = WITH_PARAMS + "variants:\n  - name: v1\n    parameters: {relif_value: 1}\n"
    check(
        capsys,
        tmp_path,
        text,
        24,
        18,
        "variants[0].parameters.relif_value",
        "did you mean 'relief_value'",
    )


def test_bad_variant_option_and_empty_variant(capsys, tmp_path) -> None:
    text = WITH_PARAMS + (
        "variants:\n  - name: v1\n    remove_options: [US.tarifs]\n  - name: v2\n"
    )
    out = check(
        capsys, tmp_path, text, 24, 22, "variants[0].remove_options[0]", "did you mean 'US.tariffs'"
    )
    assert re.search(r":25:5: variants\[1\]: a variant must change something", out.err)


def test_bad_question(capsys, tmp_path) -> None:
    text = WITH_PARAMS + (
        "questions:\n  - ask: Does China press?\n    holds_when: CN.pres\n"
        "  - ask: How much?\n    holds_when: CN.press\n"
        "    parameter: relief\n"
    )
    out = check(capsys, tmp_path, text, 24, 17, "questions[0].holds_when", "did you mean")
    assert "questions[1].parameter: unknown parameter 'relief'" in out.err


def test_question_range_must_be_ordered(capsys, tmp_path) -> None:
    text = WITH_PARAMS + (
        "questions:\n  - ask: How much?\n    holds_when: CN.press\n"
        "    parameter: relief_value\n    range: [5, 1]\n"
    )
    check(capsys, tmp_path, text, 26, 12, "questions[0].range", "low < high")


def test_unknown_question_key(capsys, tmp_path) -> None:
    text = WITH_PARAMS + "questions:\n  - ask: x\n    holds_when: CN.press\n    asks: y\n"
    check(capsys, tmp_path, text, 25, 5, "unknown key 'asks'", "did you mean 'ask'")


BARGAINING = """\
bargaining:
  dimensions:
    - {name: settlement, low: "a", high: "b"}
  actors:
    - {name: US, capability: 1, positions: {settlement: 40}, salience: {settlement: 50}}
    - {name: CN, capability: 1, positions: {setlement: 40}, salience: {settlement: 50}}
  shifts:
    - name: s1
      when: "CN.pres"
      actors:
        RU: {positions: {settlement: 10}}
"""


def test_bargaining_section_errors_are_located(capsys, tmp_path) -> None:
    out = check(
        capsys,
        tmp_path,
        BASE + BARGAINING,
        25,
        45,
        "bargaining.actors[1].positions.setlement",
        "did you mean 'settlement'",
    )
    assert "bargaining.shifts[0].actors.RU: unknown actor 'RU'" in out.err
    text = BASE + BARGAINING.replace("setlement", "settlement").replace("RU:", "US:")
    check(capsys, tmp_path, text, 28, 14, "bargaining.shifts[0].when", "did you mean 'CN.press'")
    text = BASE + BARGAINING.replace("setlement", "settlement").replace("RU:", "US:")
    text = text.replace('"CN.pres"', '"CN.press"').replace(
        "salience: {settlement: 50}}", "salience: {settlement: 150}}", 1
    )
    check(
        capsys,
        tmp_path,
        text,
        24,
        85,
        "bargaining.actors[0].salience.settlement",
        "less than or equal to 100",
    )


def test_variant_problems_name_the_variant(capsys, tmp_path) -> None:
    text = WITH_PARAMS + (
        "mutually_exclusive:\n  - [US.tariffs, US.relief]\n"
        "variants:\n  - name: both\n    status_quo: [US.tariffs, US.relief]\n"
    )
    out = check(capsys, tmp_path, text, 25, 5, "variants[0]: variant 'both'", "is infeasible")
    assert "(at status_quo)" in out.err


def test_unused_parameter_is_a_warning(capsys, tmp_path) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(BASE + "parameters:\n  spare: 1\n")
    out = invoke(capsys, "validate", str(path))
    assert out.code == 0
    assert re.search(r":21:3: parameters.spare: warning: parameter 'spare' is never used", out.err)


def test_probability_outside_prioritization_is_refused(capsys, tmp_path) -> None:
    text = BASE + 'infeasible:\n  - {statement: "US.tariffs & US.relief", probability: 0.5}\n'
    check(
        capsys,
        tmp_path,
        text,
        21,
        43,
        "infeasible[0].probability",
        "applies only to prioritization statements",
    )


def test_unquoted_bang_statement_gets_a_quoting_hint(capsys, tmp_path) -> None:
    check(
        capsys,
        tmp_path,
        BASE.replace('"!US.tariffs"', "!US.tariffs"),
        15,
        9,
        "YAML reads the leading '!'",
        'quote the statement, e.g. "!US.tariffs"',
    )
