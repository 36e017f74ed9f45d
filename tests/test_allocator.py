"""The command line keeps freed memory for reuse (glibc's thresholds, offramp.cli.allocator);
an importer of offramp keeps its allocator as it was."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from offramp.cli import allocator


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
def test_the_thresholds_are_accepted_by_glibc() -> None:
    # mallopt answers 0 for a value out of its range (an mmap threshold above 32 MiB on 64-bit)
    assert allocator.MMAP_THRESHOLD <= 32 * 1024 * 1024
    assert allocator.keep_freed_memory() is True


def test_importing_offramp_does_not_touch_the_allocator() -> None:
    probe = "import offramp, offramp.cli.main, sys\nprint('ctypes' in sys.modules)\n"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"
