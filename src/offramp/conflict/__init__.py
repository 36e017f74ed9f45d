"""The Graph Model for Conflict Resolution engine: states, moves, stability, evolution.

Pure numpy/scipy: it knows nothing of files, the CLI or the web; it takes a
:class:`~offramp.conflict.model.ConflictModel` (arrays) and returns plain results.
"""

from offramp.conflict.model import ConflictModel, ConflictTooLarge
from offramp.conflict.result import CONCEPTS, StabilityResult
from offramp.conflict.stability import analyse

__all__ = ["CONCEPTS", "ConflictModel", "ConflictTooLarge", "StabilityResult", "analyse"]
