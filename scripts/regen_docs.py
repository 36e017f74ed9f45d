#!/usr/bin/env python3
"""The documentation's shown command outputs, generated from the code.

Every ```console block of the pages in :data:`PAGES` holds ``$ command`` lines, each followed
by the output the command prints. This script runs every command, in order, in one scratch
folder (later commands use the files earlier ones wrote, as a reader would), in a terminal
:data:`COLUMNS` columns wide, and

- ``python scripts/regen_docs.py`` rewrites the shown outputs with the real ones;
- ``python scripts/regen_docs.py --check`` only compares them and lists the differences
  (exit 1 when a page is out of date); ``tests/test_docs_outputs.py`` does the same.

Conventions in the pages:

- an output line ``...`` marks a cut: the lines before it are the first lines of the output
  (or, after a cut, the lines from the one that starts the same way), and what the cut stands
  for is not shown; regeneration keeps the cuts and refreshes the lines around them;
- timings (``0.3 s``, ``1.2s``), worker counts, dates, run ids and the scratch folder's path
  are compared as placeholders, since they differ from run to run;
- in a ```python block, the comment lines right under an expression (``# [6]``) are what it
  evaluates to (its ``repr``), or what it prints for ``print(...)``; the blocks run in order,
  in the same scratch folder, after the page's commands;
- a block after an HTML comment ``<!-- output not checked: WHY -->`` is left alone (e.g. it
  shows an error after an edit the reader makes by hand), and so is a block with
  ``echo $?`` in it, or a command in :data:`SKIP`.

Run it from the repository root with the project's virtual environment:
``.venv/bin/python scripts/regen_docs.py`` (it uses the ``offramp`` next to that Python).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
#: the pages whose console blocks are generated, in the order their commands run
PAGES = ("docs/getting-started.md", "docs/scenario-format.md")
#: the pages whose ```python blocks are whole programs whose shown results are checked (the
#: others hold fragments)
PYTHON_PAGES = ("docs/getting-started.md",)
COLUMNS = 100
CUT = "..."
SKIP = ("offramp serve",)
NOT_CHECKED = "<!-- output not checked"
TIMEOUT = 600

_NORMAL = [
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|min)\b"), "<time>"),
    (re.compile(r"\b\d+ workers?\b"), "<n> workers"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"), "<when>"),
    (re.compile(r"\b[0-9a-f]{8}\b"), "<id>"),
]


def normalise(line: str, scratch: str | None = None) -> str:
    """A line with what changes from run to run replaced by placeholders."""
    if scratch:
        line = line.replace(scratch + os.sep, "").replace(scratch, ".")
    for pattern, placeholder in _NORMAL:
        line = pattern.sub(placeholder, line)
    return line.rstrip()


@dataclass
class Command:
    text: str
    shown: list[str]  # the output lines the page shows (with "..." cuts)
    real: list[str] = field(default_factory=list)


@dataclass
class Block:
    start: int  # index of the line after the opening ```console
    end: int  # index of the closing ```
    commands: list[Command]
    checked: bool


def parse(lines: list[str]) -> list[Block]:
    """The console blocks of a page."""
    blocks = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```console":
            i += 1
            continue
        start = i + 1
        end = start
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        before = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        body = lines[start:end]
        checked = not before.strip().startswith(NOT_CHECKED) and not any(
            "echo $?" in line for line in body
        )
        commands: list[Command] = []
        for line in body:
            if line.startswith("$ "):
                commands.append(Command(line[2:].strip(), []))
            elif commands:
                commands[-1].shown.append(line)
        blocks.append(Block(start, end, commands, checked))
        i = end + 1
    return blocks


def run(command: str, cwd: Path, env: dict[str, str]) -> list[str]:
    """What ``command`` prints (standard output and error, as a terminal shows them)."""
    command = command.replace("../shared", str(SHARED))
    proc = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    return proc.stdout.rstrip("\n").splitlines() if proc.stdout.strip() else []


def environment(scratch: Path) -> dict[str, str]:
    bindir = Path(sys.executable).parent
    return {
        **os.environ,
        "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
        "OFFRAMP_HOME": str(scratch / "home"),
        "COLUMNS": str(COLUMNS),
        "NO_COLOR": "1",
        "TERM": "dumb",
    }


def segments(shown: list[str]) -> list[list[str]]:
    """The shown lines split at the cuts (an empty first segment: the output's head is cut)."""
    parts: list[list[str]] = [[]]
    for line in shown:
        if line.strip() == CUT:
            parts.append([])
        else:
            parts[-1].append(line)
    return parts


def _find(real: list[str], first: str, after: int, scratch: str) -> int | None:
    want = normalise(first, scratch)
    for k in range(after, len(real)):
        if normalise(real[k], scratch) == want:
            return k
    stem = want.strip()[:30]  # the line itself changed: the first that starts the same way
    for k in range(after, len(real)):
        if stem and normalise(real[k], scratch).strip().startswith(stem):
            return k
    return None


def regenerate(cmd: Command, scratch: str) -> list[str]:
    """The shown lines refreshed from the real output, cuts kept."""
    parts = segments(cmd.shown)
    if len(parts) == 1:
        return [line.rstrip() for line in cmd.real]
    out: list[str] = []
    at = 0
    for k, part in enumerate(parts):
        if k:
            out.append(CUT)
        if not part:
            continue
        start = 0 if k == 0 else _find(cmd.real, part[0], at, scratch)
        if start is None:  # the anchor line is gone: keep what the page shows
            out += part
            continue
        chunk = cmd.real[start : start + len(part)]
        out += [line.rstrip() for line in chunk]
        at = start + len(chunk)
    return out


def differences(cmd: Command, scratch: str) -> list[str]:
    """How the shown output differs from the real one (empty: it matches)."""
    real = [normalise(line, scratch) for line in cmd.real]
    problems = []
    at = 0
    for k, part in enumerate(segments(cmd.shown)):
        want = [normalise(line, scratch) for line in part]
        if not want:
            continue
        if k == 0:
            start: int | None = 0
        else:
            start = next(
                (
                    s
                    for s in range(at, len(real) - len(want) + 1)
                    if real[s : s + len(want)] == want
                ),
                None,
            )
        got = real[start : start + len(want)] if start is not None else []
        if got != want:
            padded = got + [""] * (len(want) - len(got))
            first = next(
                (i for i, (a, b) in enumerate(zip(want, padded, strict=True)) if a != b), 0
            )
            shown_line = want[first] if first < len(want) else ""
            real_line = got[first] if first < len(got) else "(no such line)"
            problems.append(f"$ {cmd.text}\n  shown: {shown_line}\n  real:  {real_line}")
            break
        at = (start or 0) + len(want)
    if len(segments(cmd.shown)) == 1 and len(real) != len(cmd.shown) and not problems:
        problems.append(
            f"$ {cmd.text}\n  shown {len(cmd.shown)} lines, the command prints {len(real)}"
        )
    return problems


@dataclass
class Shown:
    """An expression of a Python block and the comment lines that show its result."""

    code: str
    first: int  # index in the page of the first comment line
    count: int
    shown: list[str]
    real: list[str] = field(default_factory=list)


def python_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each ```python block's body (``>>>`` sessions left out)."""
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```python":
            end = i + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            if not lines[i + 1].startswith(">>>"):
                out.append((i + 1, end))
            i = end
        i += 1
    return out


def run_python(lines: list[str], start: int, end: int, namespace: dict) -> list[Shown]:
    """Run one block statement by statement; the shown results with their real values."""
    body = lines[start:end]
    try:
        tree = ast.parse("\n".join(body))
    except SyntaxError:  # an illustration with "..." in it, not a program: nothing to run
        return []
    results = []
    for node in tree.body:
        code = ast.get_source_segment("\n".join(body), node) or ""
        last = (node.end_lineno or node.lineno) - 1  # in body
        comments = []
        k = last + 1
        while k < len(body) and body[k].startswith("#"):
            comments.append(body[k])
            k += 1
        if isinstance(node, ast.Expr) and comments:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                value = eval(compile(ast.Expression(node.value), "<doc>", "eval"), namespace)
            real = printed.getvalue().rstrip("\n").split("\n") if printed.getvalue() else []
            if not real:
                real = repr(value).split("\n")
            item = Shown(code, start + last + 1, len(comments), [c[2:] for c in comments])
            item.real = real
            results.append(item)
        else:
            exec(compile(ast.Module([node], []), "<doc>", "exec"), namespace)
    return results


def python_differences(item: Shown) -> list[str]:
    shown = item.shown
    n = next((i for i, line in enumerate(shown) if line.strip() == CUT), len(shown))
    if [line.rstrip() for line in shown[:n]] != [line.rstrip() for line in item.real[:n]] or (
        n == len(shown) and len(item.real) != n
    ):
        return [f">>> {item.code}\n  shown: {shown[:n]}\n  real:  {item.real[: max(n, 1)]}"]
    return []


def python_regenerate(item: Shown) -> list[str]:
    shown = item.shown
    n = next((i for i, line in enumerate(shown) if line.strip() == CUT), len(shown))
    kept = item.real[:n] + ([CUT] if n < len(shown) else [])
    return ["# " + line if line else "#" for line in kept]


def process(write: bool, pages: tuple[str, ...] = PAGES) -> list[str]:
    """Run every page's commands; rewrite the pages (``write``) or return the differences."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="offramp-docs-") as tmp:
        scratch = Path(tmp)
        env = environment(scratch)
        for page in pages:
            path = ROOT / page
            lines = path.read_text(encoding="utf-8").split("\n")
            blocks = parse(lines)
            for block in blocks:
                for cmd in block.commands:
                    if cmd.text.startswith(SKIP):
                        continue
                    cmd.real = run(cmd.text, scratch, env)
                    if block.checked:
                        problems += [f"{page}: {p}" for p in differences(cmd, str(scratch))]
            namespace: dict = {"__name__": "__doc__"}
            shown_python: list[Shown] = []
            cwd = os.getcwd()
            os.chdir(scratch)
            old_home = os.environ.get("OFFRAMP_HOME")
            os.environ["OFFRAMP_HOME"] = env["OFFRAMP_HOME"]
            try:
                for start, end in python_blocks(lines) if page in PYTHON_PAGES else []:
                    shown_python += run_python(lines, start, end, namespace)
            except Exception as exc:  # a documented example that fails is a difference too
                problems.append(f"{page}: a Python example fails: {type(exc).__name__}: {exc}")
            finally:
                os.chdir(cwd)
                if old_home is None:
                    os.environ.pop("OFFRAMP_HOME", None)
                else:
                    os.environ["OFFRAMP_HOME"] = old_home
            for item in shown_python:
                problems += [f"{page}: {p}" for p in python_differences(item)]
            if write:
                for item in reversed(shown_python):
                    lines[item.first : item.first + item.count] = python_regenerate(item)
                for block in reversed(blocks):
                    if not block.checked:
                        continue
                    body: list[str] = []
                    for cmd in block.commands:
                        body.append(f"$ {cmd.text}")
                        skip = cmd.text.startswith(SKIP)
                        body += cmd.shown if skip else regenerate(cmd, str(scratch))
                    lines[block.start : block.end] = body
                path.write_text("\n".join(lines), encoding="utf-8")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = parser.parse_args()
    problems = process(write=not args.check)
    if args.check:
        for p in problems:
            print(p)
        return 1 if problems else 0
    print(f"regenerated the shown outputs of {', '.join(PAGES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
