"""Numbers written as YAML text (issue 22, item 4): pydantic reads ``"nan"``, ``"inf"`` or
``"1e308"`` where a number is expected as that number, so every number of a document is
checked again after coercion, with the same limits and a located message."""

from __future__ import annotations

import copy
import re

import pytest
from ruamel.yaml import YAML

import offramp
from offramp.bargaining.errors import BargainingInputError
from offramp.scenario.bargaining_problem import problem_from_section
from offramp.scenario.errors import ScenarioError
from offramp.scenarios import builtin_text
from tests.cli_runner import invoke

BASE = """\
format: offramp/1
name: Strings
parameters:
  p: {p}
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
      - {{when: "CN.press", value: p}}
      - {{when: "US.tariffs", value: 1}}
  CN:
    weights:
      - {{when: "US.tariffs", value: 2}}
"""

CASES = {
    '"nan"': (4, 6, "parameters.p", "'nan' is read as a number: not a number"),
    '"1e308"': (4, 6, "parameters.p", "'1e308' is read as a number: size of a number"),
    '"inf"': (4, 6, "parameters.p", "'inf' is read as a number: an infinite number"),
    '{value: "nan"}': (4, 14, "parameters.p.value", "not a number"),
    '{value: 1, distribution: {type: uniform, low: 0, high: "inf"}}': (
        4,
        61,
        "parameters.p.distribution.high",
        "'inf' is read as a number: an infinite number",
    ),
    '{value: 1, distribution: {type: uniform, low: "-Infinity", high: "Infinity"}}': (
        4,
        52,
        "parameters.p.distribution.low",
        "'-Infinity' is read as a number: an infinite number",
    ),
}


@pytest.mark.parametrize("written", list(CASES))
def test_numbers_written_as_text_are_checked_after_coercion(capsys, tmp_path, written) -> None:
    line, col, path, fragment = CASES[written]
    file = tmp_path / "s.yaml"
    file.write_text(BASE.format(p=written))
    for command in ("validate", "stability", "uncertainty"):
        args = [command, str(file)] + (["-n", "20"] if command == "uncertainty" else [])
        out = invoke(capsys, *args)
        assert out.code == 2, (command, out)
        assert "internal error" not in out.err and "Traceback" not in out.err
        located = re.search(
            rf"^{re.escape(str(file))}:{line}:{col}: {re.escape(path)}: ", out.err, re.M
        )
        assert located and fragment in out.err, out.err


def test_number_written_as_text_within_the_limits_is_accepted() -> None:
    written = offramp.from_yaml_text(BASE.format(p='"12"'))
    plain = offramp.from_yaml_text(BASE.format(p="12"))
    assert written.spec.parameters["p"] == plain.spec.parameters["p"] == 12.0


def _beijing_capability_as_text(value: str) -> str:
    text = builtin_text("beijing-broker")
    assert text.count("      capability: 100\n") == 1
    return text.replace("      capability: 100\n", f'      capability: "{value}"\n')


@pytest.mark.parametrize("value", ["inf", "nan", "1e300"])
def test_bargaining_capability_written_as_text_is_refused(value) -> None:
    with pytest.raises(ScenarioError) as caught:
        offramp.build_report(offramp.from_yaml_text(_beijing_capability_as_text(value)), samples=0)
    problem = caught.value.problems[0]
    assert problem.path == "bargaining.actors[0].capability" and problem.line is not None
    section = YAML(typ="safe").load(builtin_text("beijing-broker"))["bargaining"]
    bad = copy.deepcopy(section)
    bad["actors"][0]["capability"] = value
    with pytest.raises(BargainingInputError, match=r"bargaining\.actors\[0\]\.capability: "):
        problem_from_section(bad)
