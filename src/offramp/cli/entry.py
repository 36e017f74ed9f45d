"""The ``offramp`` console script: the process settings (the allocator's,
:mod:`offramp.cli.allocator`, and the collector's and numpy's, :mod:`offramp.cli.startup`), then
the commands (:func:`offramp.cli.main.run`).

Importing :mod:`offramp.cli.main` (as the tests and a notebook may) changes nothing in the
interpreter; only this entry point, which owns its process, does.
"""

from __future__ import annotations

from offramp.cli.allocator import keep_freed_memory
from offramp.cli.startup import freeze_for_exit, settle_process


def run() -> None:
    """Console entry point (``[project.scripts]``)."""
    keep_freed_memory()
    settle_process()
    # imported after the settings: its imports are what they apply to (numpy reads its switch
    # when imported; the collector threshold makes the imports cheaper)
    from offramp.cli.main import run as run_commands

    try:
        run_commands()
    finally:
        freeze_for_exit()
