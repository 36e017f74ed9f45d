"""Paths to the shared reference data (always present beside the project in CI)."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
KTAB = SHARED / "data" / "ktab"
BDM = SHARED / "data" / "bdm"
DEU = SHARED / "data" / "deu3" / "deu3-dev.tsv"
