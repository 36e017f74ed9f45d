"""The command line's memory allocator settings: large analyses reuse freed memory instead of
handing it back to the kernel and faulting it in again.

An analysis of a million states makes and drops hundreds of arrays of a few to a few tens of
megabytes. glibc's ``malloc`` serves each of them with a fresh ``mmap`` (above its threshold)
or returns the top of its heap to the kernel when it is freed (above its trim threshold), so
the next array of that size is faulted in page by page again: on the one-hot 8 × 6 conflict
(1.68 million states) that was 2 s of system time in a 5.7 s run. Raising the mmap threshold
to glibc's maximum for 64-bit processes (32 MiB), the trim threshold to 256 MiB and the heap's
growth step to 64 MiB keeps that memory in the process for reuse: 0.4-0.9 s of system time, the
same peak (docs/benchmarks.md,
"Feasible states from the option structure"). The results are unchanged; only where the bytes
come from is.

Only the command line does this (a process of its own that exits when done): a notebook or a
server that imports offramp keeps its allocator as it was. Elsewhere than glibc (musl, macOS,
Windows) nothing changes.
"""

from __future__ import annotations

import platform

#: glibc's mallopt parameters (malloc.h)
M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3

MMAP_THRESHOLD = 32 * 1024 * 1024
"""Allocations up to this size come from the heap (glibc's largest allowed value, 64-bit)."""

TRIM_THRESHOLD = 256 * 1024 * 1024
"""Free memory at the heap's top kept for reuse up to this size."""

TOP_PAD = 64 * 1024 * 1024
"""Extra memory asked of the kernel each time the heap grows (fewer, larger steps)."""


def keep_freed_memory() -> bool:
    """Set the thresholds (glibc only); True when they were set."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    settings = (
        (M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
        (M_TOP_PAD, TOP_PAD),
    )
    return all([bool(mallopt(param, value)) for param, value in settings])
