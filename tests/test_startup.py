"""The command line's start-up: the console script settles the process for a short run
(offramp.cli.startup) and typer builds only the command that runs (offramp.cli.main.command_line),
with the same parsing, help and results as the whole app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offramp.cli.main import _command_name, app, command_line
from offramp.cli.startup import YOUNG_THRESHOLD
from tests.probes import probe

ELMIRA = Path(__file__).resolve().parents[1] / "src" / "offramp" / "scenarios" / "elmira.yaml"
COMMANDS = sorted(_command_name(c) for c in app.registered_commands)


def test_a_command_named_first_gets_an_app_of_that_command_alone() -> None:
    view = command_line(["stability", str(ELMIRA)])
    assert view is not app
    assert [_command_name(c) for c in view.registered_commands] == ["stability"]
    assert view.registered_groups == []
    assert len(app.registered_commands) == len(COMMANDS) > 1  # the app itself is unchanged


@pytest.mark.parametrize(
    "args", [[], ["--debug", "stability"], ["scenarios", "list"], ["stabilty"], ["-n", "0"]]
)
def test_anything_else_gets_the_whole_app(args: list[str]) -> None:
    assert command_line(args) is app


@pytest.mark.parametrize("name", COMMANDS)
def test_a_commands_help_is_the_same_from_either_app(name: str) -> None:
    runner = CliRunner()
    whole = runner.invoke(app, [name, "--help"], terminal_width=100)
    alone = runner.invoke(command_line([name, "--help"]), [name, "--help"], terminal_width=100)
    assert whole.exit_code == alone.exit_code == 0
    assert alone.output == whole.output
    assert f"offramp {name}" in alone.output


def test_a_run_and_a_usage_error_are_the_same_from_either_app() -> None:
    runner = CliRunner()
    outputs = []
    for args in (
        ["stability", str(ELMIRA), "--format", "json"],
        ["stability", str(ELMIRA), "--json-form", "wide"],
        ["stability", str(ELMIRA), "--no-such-option"],
    ):
        whole = runner.invoke(app, args, env={"OFFRAMP_HISTORY": "0"})
        alone = runner.invoke(command_line(args), args, env={"OFFRAMP_HISTORY": "0"})
        assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output), args
        outputs.append(alone)
    assert outputs[0].exit_code == 0 and len(json.loads(outputs[0].output)["states"]) == 12
    assert outputs[1].exit_code != 0 and outputs[2].exit_code != 0


def _entry_probe(env: dict[str, str]) -> list[str]:
    code = (
        "import gc, os, sys\n"
        "import offramp, offramp.cli.main\n"
        "before = gc.get_threshold()[0]\n"
        "untouched = os.environ.get('NUMPY_MADVISE_HUGEPAGE', '-')\n"
        "sys.argv = ['offramp', '--version']\n"
        "from offramp.cli.entry import run\n"
        "code = 0\n"
        "try:\n"
        "    run()\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "print(before, untouched, gc.get_threshold()[0], gc.get_freeze_count() > 0, code,\n"
        "      os.environ.get('NUMPY_MADVISE_HUGEPAGE', '-'))\n"
    )
    return probe(code, env).split()[-6:]  # after 'offramp VERSION'


def test_only_the_console_script_changes_the_interpreter() -> None:
    """Importing the command line (tests, a notebook) leaves the collector and numpy's switch as
    they were; the console script raises the young threshold and keeps numpy off huge pages
    before its imports, and freezes what is alive at the end."""
    before, untouched, after, frozen, code, huge_pages = _entry_probe({})
    assert int(before) == 700  # CPython's default
    assert untouched == "-"
    assert int(after) == YOUNG_THRESHOLD
    assert frozen == "True" and code == "0"
    assert huge_pages == "0"


def test_the_users_own_huge_pages_choice_is_kept() -> None:
    assert _entry_probe({"NUMPY_MADVISE_HUGEPAGE": "1"})[-1] == "1"


def test_the_settings_come_before_numpy_is_imported() -> None:
    """numpy reads NUMPY_MADVISE_HUGEPAGE when it is imported: the entry point's own imports
    must not import it."""
    out = probe("import sys, offramp.cli.entry; print('numpy' in sys.modules)")
    assert out.strip() == "False"


def test_the_console_script_is_the_entry_point() -> None:
    """pyproject's script runs offramp.cli.entry.run, the only place the settings are made."""
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert 'offramp = "offramp.cli.entry:run"' in pyproject
