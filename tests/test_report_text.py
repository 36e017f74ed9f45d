"""The terminal report at 80 columns (issue 10, item 7): short by default (findings first),
every section with --full or by name, nothing cut, no column one word wide."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

import offramp
from offramp.report.text import SECTIONS, render_report
from offramp.service.report_content import build_report
from tests.cli_runner import invoke


@pytest.fixture(scope="module")
def report():
    return build_report(offramp.default(), samples=200, seed=0)


def render(report: dict, width: int = 80, **kw) -> str:
    buf = io.StringIO()
    render_report(report, Console(file=buf, width=width, no_color=True), **kw)
    return buf.getvalue()


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][\w'’-]*", text)


def test_default_report_is_short_and_findings_come_first(report):
    out = render(report)
    assert out.index("Findings") < out.index("Where it settles (SEQ)")
    assert "Counterfactual variants" in out
    for hidden in ("Decision makers and their options", "Negotiation forecast:", "Sensitivity"):
        assert hidden not in out
    assert "offramp analyze --full" in out
    assert len(out.splitlines()) < len(render(report, full=True).splitlines()) / 2


@pytest.mark.parametrize("full", [False, True])
def test_fits_80_columns_and_cuts_nothing(report, full):
    out = render(report, full=full)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert not re.search(r"\w…", out)  # no word cut (an elided id list ends in " …")
    # Every question and variant label is there in full (possibly wrapped).
    flat = " ".join(out.split())
    for q in report["questions"]:
        assert q["ask"] in flat
    for v in report["variants"]:
        assert v["label"] in flat
    # No table column squeezed to one word per line: no run of 3+ lines whose text, inside
    # the table borders, is a single word in the same column.
    lines = out.splitlines()
    for k in range(len(lines) - 2):
        cells = [re.split(r"[│┃]", lines[k + j]) for j in range(3)]
        if len({len(c) for c in cells}) != 1 or len(cells[0]) < 4:
            continue
        for col in range(1, len(cells[0]) - 1):
            texts = [c[col].strip() for c in cells]
            if all(len(_words(t)) == 1 and len(t) > 3 and t.isalpha() for t in texts):
                pytest.fail("one word per line in a column:\n" + "\n".join(lines[k : k + 3]))


def test_sections_by_name(report):
    out = render(report, sections=["bargaining"])
    assert "Negotiation forecast:" in out and "Findings" not in out
    assert "The forecast models disagree on level of US tariffs" in " ".join(out.split())
    full = render(report, full=True)
    for title in ("Findings", "Decision makers and their options", "Equilibria",
                  "Evolution from the status quo", "The scenario's questions",
                  "Negotiation forecast:", "How likely each answer is",
                  "Counterfactual variants"):  # fmt: skip
        assert title in full, title
    assert SECTIONS[0] == "findings" and SECTIONS[-1] == "variants"


def test_cli_full_and_section_options(capsys):
    out = invoke(capsys, "analyze", "-n", "0", "--no-thresholds", "--section", "equilibria")
    assert out.code == 0, out.err
    assert "Equilibria" in out.out and "Findings" not in out.out
    bad = invoke(capsys, "analyze", "-n", "0", "--section", "nope")
    assert bad.code == 2 and "unknown section 'nope'" in bad.err
    full = invoke(capsys, "analyze", "-n", "0", "--no-thresholds", "--full")
    assert full.code == 0 and "Decision makers and their options" in full.out
    bare = invoke(capsys, "-n", "0", "--no-thresholds", "--section", "actors")
    assert bare.code == 0, bare.err
    assert "Decision makers and their options" in bare.out and "Findings" not in bare.out


def test_labels_from_the_file_are_not_rich_markup(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "format: offramp/1\nname: '[bold red]x[/] [link=https://e.example]y[/link]'\n"
        "decision_makers:\n  - name: A\n    label: '[blink]A[/blink]'\n    options:\n"
        "      - name: go\n        label: '[u]go[/u]'\n"
        "  - name: B\n    options:\n      - name: stay\n"
        "preferences:\n  A:\n    weights:\n      - when: A.go\n        value: 1\n"
        "  B:\n    weights:\n      - when: B.stay\n        value: 1\n"
        "status_quo: []\n",
        encoding="utf-8",
    )
    rep = build_report(offramp.load(path), samples=0)
    out = render(rep, full=True)
    for literal in ("[bold red]x[/]", "[blink]A[/blink]", "[u]go[/u]"):
        assert literal in out, literal
