"""Run the real console entry point in-process and capture what a user would see."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from offramp.cli.main import run


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def invoke(capsys: pytest.CaptureFixture, *args: str) -> Outcome:
    old = sys.argv
    sys.argv = ["offramp", *args]
    try:
        try:
            run()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = old
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)
