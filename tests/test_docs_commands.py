"""The documentation's commands run as written: every `offramp ...` line of the README's command
blocks and every `$ ...` line of docs/getting-started.md exits 0, and the README's Python example
runs. A block that shows an error on purpose (it contains `echo $?` with a non-zero answer, after
an edit the reader makes by hand) is left out. `offramp serve` is left out (it does not return)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SKIP = ("offramp serve",)


def blocks(path: Path, lang: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", text, re.DOTALL)


def readme_commands() -> list[str]:
    out = []
    for block in blocks(ROOT / "README.md", "bash"):
        for line in block.splitlines():
            cmd = line.split("  #")[0].strip()
            if cmd.startswith("offramp") and not cmd.startswith(SKIP):
                out.append(cmd)
    return out


def getting_started_commands() -> list[str]:
    out = []
    for block in blocks(ROOT / "docs" / "getting-started.md", "console"):
        if "echo $?" in block:
            continue
        for line in block.splitlines():
            if line.startswith("$ "):
                cmd = line[2:].strip()
                if not cmd.startswith(SKIP):
                    out.append(cmd)
    return out


def run_all(commands: list[str], tmp_path: Path) -> list[str]:
    """Run the commands in order in one shell (later ones use files earlier ones wrote);
    returns the failures."""
    bindir = Path(sys.executable).parent
    if not (bindir / "offramp").exists() or shutil.which("bash") is None:
        pytest.skip("needs the installed offramp entry point and bash")
    env = {
        **os.environ,
        "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
        "OFFRAMP_HOME": str(tmp_path / "home"),
        "COLUMNS": "100",
    }
    failures = []
    for cmd in commands:
        cmd = cmd.replace("../shared", str(SHARED))
        proc = subprocess.run(
            ["bash", "-c", cmd],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        if proc.returncode != 0:
            failures.append(f"{cmd} -> exit {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return failures


def test_commands_are_found():
    assert len(readme_commands()) >= 10
    assert len(getting_started_commands()) >= 10


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared")
def test_readme_commands_exit_0(tmp_path):
    failures = run_all(readme_commands(), tmp_path)
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_getting_started_commands_exit_0(tmp_path):
    failures = run_all(getting_started_commands(), tmp_path)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("doc", ["README.md", "docs/getting-started.md"])
def test_python_examples_run(tmp_path, monkeypatch, doc):
    """The examples run in order; getting-started's works on the reader's copy `my.yaml`."""
    from offramp.scenarios import builtin_text

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OFFRAMP_HOME", str(tmp_path / "home"))
    (tmp_path / "my.yaml").write_text(builtin_text("beijing-broker"), encoding="utf-8")
    code = [b for b in blocks(ROOT / doc, "python") if not b.startswith(">>>")]
    assert code, f"{doc} has a Python example"
    for block in code:
        exec(compile(block, doc, "exec"), {})
