from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    return SHARED


@pytest.fixture(autouse=True)
def _private_history(tmp_path_factory, monkeypatch):
    """Every test records runs into its own throwaway history, never the user's."""
    monkeypatch.setenv("OFFRAMP_HOME", str(tmp_path_factory.mktemp("offramp-home")))
