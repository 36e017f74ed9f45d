"""Every documented command's shown output is its real output (scripts/regen_docs.py).

The slow test runs every ```console command of the pages in ``regen_docs.PAGES`` and compares
what the page shows with what the command prints (timings, worker counts, dates, run ids and
the scratch folder compared as placeholders; ``...`` marks a cut). When it fails, rerun
``.venv/bin/python scripts/regen_docs.py`` and review the diff of the pages."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def regen():
    spec = importlib.util.spec_from_file_location("regen_docs", ROOT / "scripts" / "regen_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["regen_docs"] = module
    spec.loader.exec_module(module)
    return module


def test_placeholders_hide_what_changes_between_runs():
    r = regen()
    a = r.normalise("Monte Carlo: 2,000 samples (seed 0, local (2 workers), 19.6 s)")
    b = r.normalise("Monte Carlo: 2,000 samples (seed 0, local (4 workers), 0.3 s)")
    assert a == b
    assert r.normalise("Run 3f0fbdca (#2) 2026-11-28 11:12:19 UTC") == r.normalise(
        "Run 42836483 (#2) 2025-01-01 00:00:00 UTC"
    )
    assert r.normalise("0.4347 in range units") != r.normalise("0.3334 in range units")


def test_cuts_compare_the_shown_lines_only():
    r = regen()
    cmd = r.Command("offramp x", ["a", "b", "...", "x", "y", "..."])
    cmd.real = ["a", "b", "c", "d", "x", "y", "z"]
    assert r.differences(cmd, "") == []
    assert r.regenerate(cmd, "") == ["a", "b", "...", "x", "y", "..."]
    cmd.real = ["a", "B", "c", "x", "y"]
    assert r.differences(cmd, "")
    assert r.regenerate(cmd, "") == ["a", "B", "...", "x", "y", "..."]
    whole = r.Command("offramp y", ["one"])
    whole.real = ["one", "two"]
    assert r.differences(whole, "")  # a full output must be shown in full
    assert r.regenerate(whole, "") == ["one", "two"]


def test_blocks_marked_not_checked_are_left_alone():
    r = regen()
    lines = [
        "<!-- output not checked: a hand edit -->",
        "```console",
        "$ offramp validate my.yaml",
        "oops",
        "```",
        "```console",
        "$ offramp --version",
        "offramp 0",
        "```",
    ]
    blocks = r.parse(lines)
    assert [b.checked for b in blocks] == [False, True]
    assert blocks[1].commands[0].shown == ["offramp 0"]


@pytest.mark.slow
def test_documented_outputs_are_the_real_outputs():
    if shutil.which("bash") is None or not (Path(sys.executable).parent / "offramp").exists():
        pytest.skip("needs bash and the installed offramp entry point")
    problems = regen().process(write=False)
    assert not problems, (
        "documented outputs differ from the real ones; rerun "
        "`.venv/bin/python scripts/regen_docs.py` and review the diff:\n" + "\n".join(problems)
    )


def test_scenario_format_lists_every_concept_in_the_bad_concept_message():
    from offramp.conflict.concepts import CONCEPTS

    text = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| bad concept |"))
    assert f"choose one of {', '.join(CONCEPTS)}" in row
