"""Scenario text and file paths in terminal output (issue 22, item 7): every text a user
writes is printed as itself, never read as Rich markup (`[/]` crashed, `[link=...]` printed a
hyperlink, `[blink]` injected escape codes), and control characters are stripped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from offramp.report.terminal import plain
from offramp.scenarios import builtin_text
from tests.cli_runner import invoke

#: markup that crashed (`[/]`), linked and styled
PAYLOAD = "[/] [link=https://evil.invalid]L[/link] [blink]B[/blink]"
TEXT_KEYS = ("label", "ask", "title", "quote", "note", "description", "low", "high")
LINE = re.compile(r"^(?P<head>\s*(?:- )?(?P<key>[a-z_]+): )(?P<value>.+)$")


def hostile_text() -> str:
    """The built-in Beijing scenario with the payload added to every one-line text."""
    out = []
    for line in builtin_text("beijing-broker").split("\n"):
        m = LINE.match(line)
        value = m.group("value").strip() if m else ""
        text_key = m and (m.group("key") in TEXT_KEYS or line.startswith("name:"))
        numeric = re.fullmatch(r"-?[\d.]+", value) is not None
        if text_key and value and not numeric and value[0] not in ">|[{&*":
            if value[0] == '"':
                value = value[1:-1]
            line = f'{m.group("head")}"{PAYLOAD} {value}"'
        out.append(line)
    return "\n".join(out)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> Path:
    # "/" makes folders; the escape sequence in the path is stripped when printed
    path = tmp_path_factory.mktemp("x") / "d[/]ir [blink]x\x1b[31m" / "s[/].yaml"
    path.parent.mkdir(parents=True)
    path.write_text(hostile_text(), encoding="utf-8")
    return path


COMMANDS = {
    "validate": ["validate", "{f}", "--list"],
    "stability": ["stability", "{f}"],
    "analyze": ["analyze", "{f}", "--full", "-n", "20"],
    "explain": ["explain", "1", "{f}"],
    "forecast": ["forecast", "{f}"],
    "sweep": ["sweep", "{f}", "--param", "trade_relief=0:15:5"],
    "threshold": ["threshold", "concession-needed", "{f}"],
    "uncertainty": ["uncertainty", "{f}", "-n", "20"],
    "runs list": ["runs", "list"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_terminal_output_prints_user_text_as_text(
    capsys, monkeypatch, tmp_path, scenario_file, command
) -> None:
    monkeypatch.setenv("OFFRAMP_HOME", str(tmp_path))  # a history of this test's own
    monkeypatch.delenv("OFFRAMP_HISTORY", raising=False)
    if command == "runs list":
        assert invoke(capsys, "stability", str(scenario_file)).code == 0
    args = [a.replace("{f}", str(scenario_file)) for a in COMMANDS[command]]
    out = invoke(capsys, *args)
    assert out.code == 0, out.err[-2000:]
    both = out.out + out.err
    assert "\x1b" not in both and "\x07" not in both
    assert "MarkupError" not in both and "internal error" not in both
    if command not in ("explain", "runs list"):  # those print no scenario text
        assert PAYLOAD in both.replace("\n", " ") or "[blink]" in both, both[:3000]


def test_control_characters_in_scenario_text_are_refused(capsys, tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text('format: offramp/1\nname: "a\\e[31mb\\a"\ndecision_makers: []\n')
    out = invoke(capsys, "validate", str(path))
    assert out.code == 2 and "\x1b" not in out.err
    assert f"{path}:2:7: name: the text contains the control character U+001B" in out.err


def test_errors_show_user_text_as_text(capsys, tmp_path) -> None:
    path = tmp_path / "[blink]d[/]\x1b[31m" / "[/]bad.yaml"
    path.parent.mkdir(parents=True)
    path.write_text('format: offramp/1\nname: "\\e[31m[/]x"\ndecision_makers: 3\n')
    out = invoke(capsys, "validate", str(path))
    assert out.code == 2 and "\x1b" not in out.err
    assert str(path).replace("\x1b", "") + ":" in out.err


def test_plain_strips_control_characters_and_escapes_markup() -> None:
    from rich.console import Console

    console = Console(record=True, width=200, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(plain("a[/]b [bold]c\x1b[31m\x07\td\ne\u200bf\x9b"))
    assert console.export_text() == "a[/]b [bold]c[31m       d\ne\u200bf\n"
