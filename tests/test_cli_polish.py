"""The command line's rough edges (issue 25): one console width policy, --help that shows flags
as flags and every section, `-n` as samples everywhere, empty sections that say so, a filled
run list, decision makers by label, PDF through Chromium or a clear refusal, and the Python
API's checks."""

from __future__ import annotations

import os
import re
import shutil

import pytest

import offramp
from offramp.errors import OfframpError
from offramp.report.text_sections import SECTIONS
from offramp.scenarios import builtin_text, get_builtin
from offramp.service.report_content import build_report
from tests.cli_runner import invoke

NARROW = 60


def widest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


@pytest.mark.parametrize(
    "args",
    [
        ["hypergame"],
        pytest.param(["inverse", "china-presses"], marks=pytest.mark.slow),
        ["map", "china-presses", "--x", "trade_relief=0:15", "--y", "fear_of_defeat=0:6",
         "--grid", "8"],
        ["conditions", "13"],
        ["forecast"],
        ["runs", "list"],
        ["analyze", "-n", "0", "--no-variants", "--no-thresholds"],
        pytest.param(["uncertainty", "-n", "50"], marks=pytest.mark.slow),
    ],
)  # fmt: skip
def test_piped_output_respects_columns(capsys, monkeypatch, args):
    """Every command's piped text fits COLUMNS (and is wider than that when COLUMNS is)."""
    if args[0] == "runs":
        invoke(capsys, "stability", "-c", "nash")  # something to list
    monkeypatch.setenv("COLUMNS", str(NARROW))
    got = invoke(capsys, *args)
    assert got.code == 0, got.err
    assert got.out.strip()
    assert widest(got.out) <= NARROW, got.out


def test_piped_width_without_columns_is_the_documented_default(capsys, monkeypatch):
    from offramp.cli.output import PIPED_WIDTH

    monkeypatch.delenv("COLUMNS", raising=False)
    got = invoke(capsys, "hypergame")
    assert got.code == 0
    assert widest(got.out) <= PIPED_WIDTH


@pytest.mark.parametrize(
    "command", [[], ["analyze"], ["report"], ["runs", "list"], ["eval", "deu"]]
)
def test_help_shows_flags_without_a_value(capsys, monkeypatch, command):
    monkeypatch.setenv("COLUMNS", "120")
    got = invoke(capsys, *command, "--help")
    assert got.code == 0
    assert "--help" in got.out
    assert "<bool>" not in got.out


def test_help_lists_every_section(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    for command in ([], ["analyze"]):
        text = re.sub(r"[│\s]+", " ", invoke(capsys, *command, "--help").out)
        assert f"(repeatable): {', '.join(SECTIONS)}." in text


def test_n_means_samples_in_map_and_steps_keeps_working(capsys):
    base = ["map", "china-presses", "--x", "trade_relief=0:15", "--y", "fear_of_defeat=0:6"]
    old = invoke(capsys, *base, "--steps", "6", "-f", "json")
    new = invoke(capsys, *base, "--grid", "6", "-n", "20", "-f", "json")
    assert old.code == new.code == 0
    import json

    a, b = json.loads(old.out), json.loads(new.out)
    assert len(a["verdicts"]) == len(b["verdicts"]) == 6
    assert b.get("probability") is not None and a.get("probability") in (None, [])


def test_coalitions_section_says_none_were_declared(capsys, tmp_path):
    path = tmp_path / "chicken.yaml"
    path.write_text(builtin_text("chicken"), encoding="utf-8")
    assert "coalitions:" not in path.read_text()
    got = invoke(capsys, "analyze", str(path), "-n", "0", "--section", "coalitions")
    assert got.code == 0
    assert "declares no coalitions" in got.out
    assert "--coalitions all" in got.out


def test_runs_list_shows_took_and_whole_headers(capsys, monkeypatch):
    invoke(capsys, "stability", "-c", "nash")
    invoke(capsys, "hypergame")
    monkeypatch.setenv("COLUMNS", "80")
    got = invoke(capsys, "runs", "list")
    assert got.code == 0
    header = next(line for line in got.out.splitlines() if " id " in f" {line} ")
    for col in ("id", "#", "when (UTC)", "command", "scenario", "status", "took"):
        assert re.search(rf"(^|\s){re.escape(col)}(\s|$)", header), header
    rows = [line for line in got.out.splitlines() if re.search(r"\b(hypergame|stability)\b", line)]
    assert len(rows) == 2
    assert all(re.search(r"\d+(\.\d+)?(s|min)\b", row) for row in rows), rows


def test_dm_accepted_by_label_with_suggestion(capsys):
    scenario = get_builtin("beijing-broker")
    labels = {d.name: d.label for d in scenario.spec.document.decision_makers}
    name, label = next((n, lab) for n, lab in labels.items() if lab and lab != n)
    by_name = invoke(capsys, "explain", "4", "--dm", name)
    by_label = invoke(capsys, "explain", "4", "--dm", label.upper())
    assert by_name.code == by_label.code == 0
    assert by_name.out == by_label.out
    wrong = invoke(capsys, "explain", "4", "--dm", label[:-1])
    assert wrong.code == 2
    assert f"did you mean '{name}'" in wrong.err
    assert f"{name} ({label})" in wrong.err


def test_get_builtin_unknown_name_is_offramps_error():
    with pytest.raises(OfframpError, match="did you mean 'elmira'"):
        offramp.get_builtin("elmria")
    with pytest.raises(KeyError):  # as before
        offramp.get_builtin("elmria")


@pytest.mark.parametrize("samples", [-5, True, 2.5])
def test_build_report_refuses_bad_samples(samples):
    with pytest.raises(OfframpError, match="samples"):
        build_report(get_builtin("chicken"), samples=samples)


def test_report_pdf_without_a_browser_is_a_clear_refusal(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("OFFRAMP_CHROMIUM", str(tmp_path / "no-such-browser"))
    got = invoke(capsys, "report", "-f", "pdf", "-o", str(tmp_path / "r.pdf"), "-n", "0")
    assert got.code == 2
    assert "needs Chromium" in got.err and "--format html" in got.err
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.slow
@pytest.mark.skipif(
    not (os.path.exists("/usr/bin/chromium") or shutil.which("chromium")), reason="no Chromium"
)
def test_report_pdf_through_chromium(capsys, tmp_path):
    out, path = tmp_path / "r.pdf", tmp_path / "chicken.yaml"
    path.write_text(builtin_text("chicken"), encoding="utf-8")
    got = invoke(capsys, "report", str(path), "-f", "pdf", "-o", str(out), "-n", "0")
    assert got.code == 0, got.err
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000


def test_map_names_axes_and_title_in_words(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from offramp.report.answer_map_figure import answer_map_figure
    from offramp.report.figdata import VERDICT_COLOURS
    from offramp.report.labels import labels_part

    scenario = get_builtin("beijing-broker")
    labels = labels_part(scenario)
    data = scenario.answer_map(
        "china-presses", ("trade_relief", 0, 15), ("fear_of_defeat", 0, 6), steps=(6, 6)
    ).to_dict()
    fig = answer_map_figure(data, labels)
    ax = fig.axes[0]
    assert labels["parameters"]["trade_relief"].split()[0] in ax.get_xlabel()
    assert "(trade_relief)" in ax.get_xlabel().replace("\n", " ")
    assert "(fear_of_defeat)" in ax.get_ylabel().replace("\n", " ")
    assert labels["questions"]["china-presses"] in ax.get_title(loc="left").replace("\n", " ")
    # no red against green: the palette is Okabe and Ito's
    assert VERDICT_COLOURS["yes"].upper() == "#0072B2"
    assert VERDICT_COLOURS["no"].upper() == "#D55E00"


def test_moves_read_as_sentences():
    from offramp.report.words import step_sentence

    report = {
        "labels": {
            "options": {
                "US.relief": "offer trade concessions",
                "US.sanctions": "sanction Russian oil",
                "CN.press": "press Moscow",
                "CN.broker": "broker a deal",
            }
        }
    }
    step = {"mover": "US", "takes": ["US.relief"], "stops": ["US.sanctions"]}
    assert step_sentence(step, report) == (
        "US moves to offer trade concessions and ceases to sanction Russian oil"
    )
    step = {"mover": "CN", "takes": ["CN.press", "CN.broker"], "stops": []}
    assert step_sentence(step, report) == "CN moves to press Moscow and broker a deal"
    assert step_sentence({"mover": "X", "takes": ["X.a"], "stops": []}) == "X takes X.a"
    assert "takes offer" not in step_sentence(step, report)


def test_disagreement_reasons_are_said_once():
    import copy

    from offramp.report.words import WHY_MODELS_DIFFER, disagreements

    report = build_report(
        get_builtin("beijing-broker"), samples=0, variants=False, thresholds=False
    )
    assert len(report["bargaining"]["dimensions"]) >= 2
    wide = copy.deepcopy(report)
    for case in wide["bargaining"]["cases"]:
        for model, values in case["forecasts"].items():
            case["forecasts"][model] = [
                None if v is None else (0.0 if model == "bdm" else 60.0) for v in values
            ]
    sentences = disagreements(wide)
    assert len(sentences) >= 2
    assert sum(WHY_MODELS_DIFFER in s for s in sentences) == 1
    assert sum("On real EU decisions" in s for s in sentences) == 1
    assert all(s.startswith("They also disagree on") for s in sentences[1:])


def test_terminal_explains_marks_and_utility_points(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    got = invoke(capsys, "stability", "-c", "nash")
    assert "✓ / ·:" in got.out and "· it is not" in got.out
    got = invoke(capsys, "analyze", "-n", "0", "--no-variants", "--section", "questions")
    assert "utility points:" in got.out


def test_progress_bar_never_writes_to_a_pipe(capsys):
    from offramp.cli.progress import LazyProgress

    with LazyProgress(delay=0) as progress:
        progress("work", 1, 2)
        progress("work", 2, 2)
        assert progress.progress is None  # stderr is not a terminal here


def test_inverse_sentences_are_grammatical():
    scenario = get_builtin("beijing-broker")
    none = scenario.inverse("china-presses", parameters=["partnership_cost"]).to_dict()
    assert not none["found"]
    statement = next(q for q in scenario.spec.questions if q.id == "china-presses").statement.text
    assert f"makes '{statement}' hold in" in none["answer"]
    already = scenario.inverse("RU.negotiate | !RU.negotiate").to_dict()
    assert "already holds in" in already["answer"]
    assert "holds in every" not in none["answer"].split("makes")[1][:30]
