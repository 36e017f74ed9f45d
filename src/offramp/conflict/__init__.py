"""The Graph Model for Conflict Resolution engine: states, moves, stability, evolution.

Pure numpy/scipy: it knows nothing of files, the CLI or the web; it takes a
:class:`~offramp.conflict.model.ConflictModel` (arrays) and returns plain results. Solution
concepts are plug-ins in :mod:`offramp.conflict.concepts`.
"""

from typing import TYPE_CHECKING

from offramp.lazy import lazy_exports

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.conflict.concepts import CONCEPTS, REGISTRY, get_concept
    from offramp.conflict.model import ConflictModel, ConflictTooLarge
    from offramp.conflict.result import StabilityResult
    from offramp.conflict.stability import compute_stability

#: module -> the names it provides: imported on first use (PEP 562, offramp.lazy)
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "offramp.conflict.concepts": ("CONCEPTS", "REGISTRY", "get_concept"),
        "offramp.conflict.model": ("ConflictModel", "ConflictTooLarge"),
        "offramp.conflict.result": ("StabilityResult",),
        "offramp.conflict.stability": ("compute_stability",),
    },
)

__all__ = [
    "CONCEPTS",
    "REGISTRY",
    "ConflictModel",
    "ConflictTooLarge",
    "StabilityResult",
    "compute_stability",
    "get_concept",
]
