"""Replays every input in tests/fuzz_regressions/ (one per crash, hang or memory blow-up that
fuzzing found; MANIFEST.json says what each one did before its fix) under the fuzz harness's
time and memory caps: each must now end in the outcome the manifest expects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fuzzing import bargaining_file, capped, cli, scenario_api

HERE = Path(__file__).parent / "fuzz_regressions"
MANIFEST: dict[str, dict[str, str]] = json.loads((HERE / "MANIFEST.json").read_text())


def test_every_regression_file_is_in_the_manifest() -> None:
    files = {p.name for p in HERE.iterdir() if p.name != "MANIFEST.json"}
    assert files == set(MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_regression(name: str) -> None:
    path = HERE / name
    if name.endswith(".cli.json"):
        case = json.loads(path.read_text())
        outcome = capped(cli, (case["argv"], case.get("files", {})), seconds=30)
    elif path.suffix in (".csv", ".xml", ".tsv"):
        outcome = capped(bargaining_file, (path.suffix, path.read_bytes()), seconds=30)
    else:
        outcome = capped(scenario_api, (path.read_text(encoding="utf-8"), 2), seconds=30)
    assert outcome.kind == MANIFEST[name]["expect"], (MANIFEST[name]["found"], outcome)
