"""The command line's process settings for a short run: fewer garbage collections while modules
load, and none at exit.

A small command (``offramp stability`` on a 12-state file) spends most of its time starting:
importing numpy, pydantic, typer and rich, building offramp's scenario models, and tearing it all
down at exit. Two settings of the process, none of which changes a result, cut that cost
(measured in docs/benchmarks.md, "Start-up"):

- **Fewer young-generation collections.** Importing creates hundreds of thousands of objects
  that live until the process ends; with CPython's default threshold (700 new container objects)
  the collector walks them again and again. A threshold of 10,000 collects cycles just the same,
  about fourteen times less often: at most 10,000 young objects wait for a collection.
- **No collection at exit.** :func:`freeze_for_exit` moves every object still alive into the
  permanent generation when the command is done, so the interpreter's final collection has
  nothing to walk; the operating system takes the memory back.

Only the command line does this, as with the allocator settings
(:mod:`offramp.cli.allocator`): a notebook or a server that imports offramp keeps its
interpreter as it was.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000
"""New container objects between two young-generation collections (CPython's default: 700)."""


def settle_for_short_run() -> None:
    """Collect the young generation less often; call before the commands' imports."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)


def freeze_for_exit() -> None:
    """Nothing left for the final collection: the process is about to exit."""
    gc.freeze()
