"""The command line's process settings, made when it starts: fewer garbage collections while
modules load, none at exit, and no transparent huge pages for numpy's arrays.

A small command (``offramp stability`` on a 12-state file) spends most of its time starting:
importing numpy, pydantic, typer and rich, building offramp's scenario models, and tearing it all
down at exit; a large one (a million states) spends a second of system time having the kernel
assemble huge pages. Three settings of the process, none of which changes a result, cut those
costs (measured in docs/benchmarks.md, "Start-up" and "Feasible states from the option
structure"):

- **Fewer young-generation collections.** Importing creates hundreds of thousands of objects
  that live until the process ends; with CPython's default threshold (700 new container objects)
  the collector walks them again and again. A threshold of 10,000 collects cycles just the same,
  about fourteen times less often: at most 10,000 young objects wait for a collection.
- **No collection at exit.** :func:`freeze_for_exit` moves every object still alive into the
  permanent generation when the command is done, so the interpreter's final collection has
  nothing to walk; the operating system takes the memory back.
- **No huge pages for numpy.** On Linux numpy asks the kernel for transparent huge pages for
  every array of 4 MB or more (``madvise``). Where the kernel has to compact memory to find
  them (this project's 2-core machine, huge pages on ``madvise`` with ``defrag`` on
  ``madvise``), that cost the one-hot 8 x 6 conflict (1.68 million states, 1 GB) 1.0-1.7 s of
  system time per run and bought no user time. ``NUMPY_MADVISE_HUGEPAGE=0`` (numpy's documented
  switch, read when numpy is imported) is set for the process unless the user set it.

Only the command line does this, as with the allocator settings
(:mod:`offramp.cli.allocator`): a notebook or a server that imports offramp keeps its
interpreter as it was.
"""

from __future__ import annotations

import gc
import os

YOUNG_THRESHOLD = 10_000
"""New container objects between two young-generation collections (CPython's default: 700)."""

HUGE_PAGES_VARIABLE = "NUMPY_MADVISE_HUGEPAGE"


def settle_process() -> None:
    """Collect the young generation less often and keep numpy off huge pages; call before
    the commands' imports (numpy reads its switch when it is imported)."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
    os.environ.setdefault(HUGE_PAGES_VARIABLE, "0")


def freeze_for_exit() -> None:
    """Nothing left for the final collection: the process is about to exit."""
    gc.freeze()
