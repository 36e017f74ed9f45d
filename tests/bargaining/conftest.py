"""Paths to the reference data vendored in tests/data (provenance: tests/data/README.md)."""

from __future__ import annotations

from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "data"
KTAB = REFERENCE / "ktab"
BDM = REFERENCE / "bdm"
DEU = REFERENCE / "deu3" / "deu3-dev.tsv"
