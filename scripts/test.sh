#!/usr/bin/env bash
# The README's test command. On a machine with only Python and apt it installs what the tests
# need, then runs them:
#   - Debian's Chromium (apt-get), for the browser tests (Playwright drives /usr/bin/chromium;
#     nothing downloads a browser of its own);
#   - offramp with its test extras (pytest, hypothesis, pytest-xdist, ruff, mypy, httpx, playwright) and the
#     optional Dask extra (so the Dask tests run) in ./.venv;
# then ruff (lint and format check), mypy (configured in pyproject.toml) and pytest. Extra arguments go to pytest.
# CI (.ci/run) calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test,dask]'  # the Dask tests run in CI
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# CI's property tests draw the same examples every run (tests/conftest.py)
OFFRAMP_HYPOTHESIS_PROFILE=ci .venv/bin/python -m pytest -q "$@"
