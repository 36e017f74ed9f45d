#!/usr/bin/env bash
# Install the peers that are free to use and on PyPI into their own environment
# (benchmarks/peers/.venv), apart from offramp's: nashpy (MIT) and Gambit's pygambit (GPL-2+,
# called as a separate program, never imported by offramp). Prints each peer's version.
#
# Peers not installed here, and why:
#   - KTAB (KAPSARC's C++ toolkit, the reference SMP): built from its public repository with
#     CMake in Release mode when its source is in $KTAB_SRC; no package registry carries it, so
#     without the source it is skipped (run_peers.py says so).
#   - gmcr-py: not on PyPI (a source checkout only), so skipped.
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet nashpy pygambit numpy
.venv/bin/python - <<'PY'
import importlib.metadata as md
for name in ("nashpy", "pygambit", "numpy"):
    print(name, md.version(name))
PY
if [ -n "${KTAB_SRC:-}" ] && [ -d "$KTAB_SRC" ]; then
    # Release build (the default CMake build type of KTAB is Debug: about 3x slower)
    cmake -S "$KTAB_SRC" -B build-ktab -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build-ktab -j 2
else
    echo "KTAB: skipped (no source: set KTAB_SRC to a checkout of KAPSARC/KTAB)"
fi
