"""The memory budget every engine checks before it allocates (one rule for all of them).

``OFFRAMP_MEMORY_LIMIT`` (a number of bytes with an optional K, M, G or T, e.g. ``4G``) sets it;
without it offramp may use 60% of the machine's physical memory.
"""

from __future__ import annotations

import os

from offramp.errors import InputError

_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def memory_budget() -> int:
    """Bytes an analysis may use; a malformed OFFRAMP_MEMORY_LIMIT is an InputError."""
    raw = os.environ.get("OFFRAMP_MEMORY_LIMIT", "")
    text = raw.strip().upper().removesuffix("B")
    if text:
        mult = _UNITS.get(text[-1:], 1)
        try:
            value = int(float(text[:-1] if text[-1:] in _UNITS else text) * mult)
        except (ValueError, OverflowError):
            value = -1
        if value <= 0:
            raise InputError(
                f"OFFRAMP_MEMORY_LIMIT={raw!r} is not a size: write a number of bytes with an "
                "optional K, M, G or T, e.g. 4G or 512M"
            )
        return value
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 8 << 30
    return int(total * 0.6)
