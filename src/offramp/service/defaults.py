"""Defaults the commands show in their options, in a module that imports nothing (the command
line reads them at start-up, before it knows which command runs)."""

from __future__ import annotations

#: Monte Carlo samples of a report when none are asked for.
DEFAULT_SAMPLES = 1000
