"""The Graph Model for Conflict Resolution engine: states, moves, stability, evolution.

Pure numpy/scipy: it knows nothing of files, the CLI or the web; it takes a
:class:`~offramp.conflict.model.ConflictModel` (arrays) and returns plain results. Solution
concepts are plug-ins in :mod:`offramp.conflict.concepts`.
"""

from offramp.conflict.concepts import CONCEPTS, REGISTRY, get_concept
from offramp.conflict.model import ConflictModel, ConflictTooLarge
from offramp.conflict.result import StabilityResult
from offramp.conflict.stability import compute_stability

__all__ = [
    "CONCEPTS",
    "REGISTRY",
    "ConflictModel",
    "ConflictTooLarge",
    "StabilityResult",
    "compute_stability",
    "get_concept",
]
