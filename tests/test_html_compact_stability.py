"""The HTML report above 100,000 feasible states (issue 22, item 2): the report's stability data
switches to the compact form (bit codes, id ranges) and the HTML stability section reads it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from offramp.conflict.result import FULL_JSON_MAX_STATES
from offramp.report.html_sections import stability_section
from offramp.scenarios import get_builtin
from offramp.service.report_content import build_report
from offramp.web import create_app
from tests.cli_runner import invoke


def big_scenario_text(n_a: int = 9, n_b: int = 8) -> str:
    """Two decision makers, ``n_a + n_b`` free options: 2^(n_a+n_b) feasible states."""
    a = "\n".join(f"      - name: a{i}" for i in range(n_a))
    b = "\n".join(f"      - name: b{i}" for i in range(n_b))
    return f"""format: offramp/1
name: Seventeen options
decision_makers:
  - name: A
    options:
{a}
  - name: B
    options:
{b}
preferences:
  A:
    prioritization: ["B.b0", "!A.a0"]
  B:
    prioritization: ["A.a1", "!B.b1"]
"""


@pytest.mark.parametrize("name", ["chicken", "prisoners-dilemma", "elmira", "beijing-broker"])
def test_stability_section_reads_both_forms_alike(name) -> None:
    """The same result in the full and the compact form renders the same section."""
    scenario = get_builtin(name)
    report = build_report(scenario, variants=False, thresholds=False, samples=0)
    assert report["stability"].get("form") != "compact"
    compact = scenario.stability(concepts=list(report["concepts"])).compact_dict()
    assert stability_section(report) == stability_section({**report, "stability": compact})


@pytest.mark.slow  # over 100,000 states; both forms' reading is checked fast above
def test_html_report_above_100k_states(capsys, tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_scenario_text())
    assert FULL_JSON_MAX_STATES < 2**17
    out = invoke(
        capsys,
        "report",
        str(path),
        "-n",
        "0",
        "--no-variants",
        "--no-thresholds",
        "-o",
        str(tmp_path / "big.html"),
    )
    assert out.code == 0, out.err
    html = (tmp_path / "big.html").read_text()
    assert "Only the equilibria are listed (200 rows of 131,072 states" in html


@pytest.mark.slow  # the same conflict through the web
def test_web_html_report_above_100k_states() -> None:
    client = TestClient(create_app())
    answer = client.post(
        "/api/report", json={"text": big_scenario_text(), "format": "html", "samples": 0}
    )
    assert answer.status_code == 200, answer.text[:500]
    assert "131,072 states" in answer.text
