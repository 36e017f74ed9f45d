"""The solution concepts, one module each, registered once here.

Every list of concepts in offramp (the JSON's keys, the CLI's choices, the report's names and
glossary, the web's menus, the scenario format's ``concept:``) is derived from :data:`REGISTRY`.
A new concept is a new module defining ``CONCEPT`` (see :mod:`.base`), its tests, and its entry in
``_MODULES`` below; its position there is its position in every output.
"""

from __future__ import annotations

from collections.abc import Iterable

from offramp.conflict.concepts import gmr, lh, nash, nm, seq, sim, smr
from offramp.conflict.concepts.base import Concept, DMView
from offramp.errors import InputError, did_you_mean

_MODULES = (nash, gmr, smr, seq, sim, lh, nm)

REGISTRY: dict[str, Concept] = {m.CONCEPT.key: m.CONCEPT for m in _MODULES}

#: Concept keys in output order.
CONCEPTS: tuple[str, ...] = tuple(REGISTRY)

#: The concepts computed when none is asked for (cheap, parameter-free, any number of DMs);
#: the others are computed on request (``--concept``, a question's ``concept:``).
DEFAULT_CONCEPTS: tuple[str, ...] = tuple(k for k, c in REGISTRY.items() if c.by_default)

#: The one concept used wherever none is named (questions, "where the conflict settles",
#: ``explain``, ``conditions``, the web's state panel): SEQ, the credible-sanctions concept
#: analysts usually read outcomes from.
DEFAULT_CONCEPT = "seq"

#: The farsighted concepts defined for two decision makers (limited-move stability and
#: non-myopic stability): what the report checks "where it settles" against, on two-DM
#: reductions (offramp.analysis.myopia).
FARSIGHTED_TWO_DM: tuple[str, ...] = (lh.CONCEPT.key, nm.CONCEPT.key)


def register(concept: Concept) -> None:
    """Add a solution concept to the registry, after those shipped (for a plug-in or a test:
    the shipped ones are listed in ``_MODULES``). Every list of concepts is derived from the
    registry, so the concept then appears in the JSON, the reports, the web and the format's
    ``concept:``; register it before the command line is imported to see it in ``--help``."""
    global CONCEPTS, DEFAULT_CONCEPTS
    if concept.key in REGISTRY:
        raise InputError(f"a solution concept {concept.key!r} is already registered")
    REGISTRY[concept.key] = concept
    CONCEPTS = tuple(REGISTRY)
    DEFAULT_CONCEPTS = tuple(k for k, c in REGISTRY.items() if c.by_default)


def get_concept(key: object) -> Concept:
    """The registered concept ``key``; an unknown one raises InputError with the choices."""
    if isinstance(key, str) and key in REGISTRY:
        return REGISTRY[key]
    hint = did_you_mean(str(key), CONCEPTS)
    raise InputError(f"unknown solution concept {key!r}{hint}; choose one of {', '.join(CONCEPTS)}")


def with_defaults(*extra: str) -> tuple[str, ...]:
    """The default concepts plus ``extra`` (checked), in registry order."""
    wanted = set(DEFAULT_CONCEPTS) | {get_concept(c).key for c in extra}
    return tuple(c for c in CONCEPTS if c in wanted)


def resolve_concepts(requested: Iterable[str] | None) -> tuple[str, ...]:
    """The concepts a user asked for (names, or ``all``), checked, in registry order; the
    defaults when nothing is asked for."""
    names = [c for c in (requested or ()) if c]
    if not names:
        return DEFAULT_CONCEPTS
    if "all" in names:
        return CONCEPTS
    keys = {get_concept(c).key for c in names}
    return tuple(c for c in CONCEPTS if c in keys)


def concept_label(key: str) -> str:
    """The display name, e.g. 'Sequential stability (SEQ)'."""
    return REGISTRY[key].label if key in REGISTRY else key


def concept_short(key: str) -> str:
    """The short name, e.g. 'SEQ'."""
    return REGISTRY[key].short if key in REGISTRY else key


__all__ = [
    "CONCEPTS",
    "DEFAULT_CONCEPT",
    "DEFAULT_CONCEPTS",
    "FARSIGHTED_TWO_DM",
    "REGISTRY",
    "Concept",
    "DMView",
    "concept_label",
    "concept_short",
    "get_concept",
    "register",
    "resolve_concepts",
    "with_defaults",
]
