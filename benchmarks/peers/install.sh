#!/usr/bin/env bash
# Install the peers that are free to use and on PyPI into their own environment
# (benchmarks/peers/.venv), apart from offramp's: nashpy (MIT) and Gambit's pygambit (GPL-2+,
# called as a separate program, never imported by offramp). Prints each peer's version.
#
# Peers not installed here, and why:
#   - KTAB (KAPSARC's C++ toolkit, the reference SMP): on no package registry, and not built by
#     this repository (its workplace's rules forbid committing a build recipe for fetched code).
#     It was built by hand and measured side by side on ktab_input.py's file: docs/benchmarks.md.
#   - gmcr-py (github.com/onp/gmcr-py, 0.4.1): not on PyPI, and not free to use: its END USER
#     AGREEMENT limits installations to the licences purchased and forbids modifying it, so it
#     is not installed or run here (checked 2026-12-06 on its public repository).
#   - a Python port of BDM's expected utility model: none is on PyPI; the two public ports found
#     (translations of Scholz, Calbert and Smith's 2011 replication) are Python 2 programs that
#     Python 3 cannot run without changing them, state no licence that allows that, and one
#     says itself that it does not reproduce the paper's results (checked 2026-12-06).
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet nashpy pygambit numpy
.venv/bin/python - <<'PY'
import importlib.metadata as md
for name in ("nashpy", "pygambit", "numpy"):
    print(name, md.version(name))
PY
echo "KTAB: skipped (on no package registry, not built here; measured by hand: docs/benchmarks.md)"
echo "Python BDM port: skipped (none on PyPI; the public ports are Python 2 with no stated licence)"
echo "gmcr-py: skipped (not free to use: its end user agreement limits installations to purchased licences)"
