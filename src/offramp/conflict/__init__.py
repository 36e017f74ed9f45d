"""The Graph Model for Conflict Resolution engine: states, moves, stability, evolution.

Pure numpy/scipy: it knows nothing of files, the CLI or the web; it takes a
:class:`~offramp.conflict.model.ConflictModel` (arrays) and returns plain results. Solution
concepts are plug-ins in :mod:`offramp.conflict.concepts`.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.conflict.concepts import CONCEPTS, REGISTRY, get_concept
    from offramp.conflict.model import ConflictModel, ConflictTooLarge
    from offramp.conflict.result import StabilityResult
    from offramp.conflict.stability import compute_stability

#: exported name -> (module, name there): imported on first use (PEP 562)
_EXPORTS = {
    "CONCEPTS": ("offramp.conflict.concepts", "CONCEPTS"),
    "REGISTRY": ("offramp.conflict.concepts", "REGISTRY"),
    "get_concept": ("offramp.conflict.concepts", "get_concept"),
    "ConflictModel": ("offramp.conflict.model", "ConflictModel"),
    "ConflictTooLarge": ("offramp.conflict.model", "ConflictTooLarge"),
    "StabilityResult": ("offramp.conflict.result", "StabilityResult"),
    "compute_stability": ("offramp.conflict.stability", "compute_stability"),
}


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


__all__ = [
    "CONCEPTS",
    "REGISTRY",
    "ConflictModel",
    "ConflictTooLarge",
    "StabilityResult",
    "compute_stability",
    "get_concept",
]
