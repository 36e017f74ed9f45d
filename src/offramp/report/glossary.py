"""The terms a report uses, each explained in a sentence where it is used.

A first-time reader, briefing someone from the report, meets "Nash (R)", "SEQ", "Spearman ρ",
"p5" or "bdm" without the papers at hand. Each section that uses such terms lists them with a
one-line definition (``terms(...)``); the definitions are here once, so that the text,
Markdown and HTML reports explain them alike.

The solution concepts' meanings come from the concept registry (each concept module's
``glossary`` line), the bargaining models' from the bargaining registry when it describes them;
the remaining terms (Spearman ρ, p5/p95, "settles", "equilibrium") are defined here.

References: Fang, L., Hipel, K. W., Kilgour, D. M. (1993). Interactive Decision Making: The
Graph Model for Conflict Resolution. Wiley; Bueno de Mesquita, B. (1994) (bdm); Abdollahian, M.
et al., KTAB (smp).
"""

from __future__ import annotations

from collections.abc import Iterable

from offramp.conflict.concepts import REGISTRY

#: Terms other than the solution concepts, whose one-line meanings the concept registry holds
#: (offramp.conflict.concepts: each concept module's ``glossary``).
GLOSSARY: dict[str, str] = {
    "equilibrium": "a state stable for every decision maker under the concept named.",
    "✓ / ·": (
        "in the stability table, one mark per decision maker in the order given: ✓ the state is "
        "stable for that decision maker under the concept, · it is not; EQ: ✓ for every one, "
        "an equilibrium."
    ),
    "utility points": (
        "the unit of the preference weights, and of the parameters that set them: a state's "
        "score for a decision maker is the sum of the weights of what it makes true. Only the "
        "order of one decision maker's scores matters, never a comparison between decision "
        "makers; a threshold on such a parameter is in these points."
    ),
    "settles": ("the first equilibrium reached from the status quo by moves each mover prefers."),
    "Spearman ρ": (
        "rank correlation between an uncertain input and a conclusion, from −1 to +1: how "
        "consistently the conclusion rises (+) or falls (−) with the input, not by how much."
    ),
    "p5/p95": (
        "5th and 95th percentiles across the Monte Carlo samples: 90% of the samples lie "
        "between them."
    ),
    "offramp": (
        "offramp's forecaster: a weighted mean of positions, weight √capability (calibrated on "
        "EU decisions; salience ignored)."
    ),
    "compromise": "the capability × salience weighted mean of the positions.",
    "median": "the capability × salience weighted median of the positions.",
    "smp": (
        "KTAB's Spatial Model of Politics: actors move round by round toward the positions "
        "they expect to win."
    ),
    "bdm": (
        "Bueno de Mesquita's expected-utility model: actors challenge each other and the side "
        "expecting to lose gives in."
    ),
}

MODEL_TERMS = {"offramp", "compromise", "median", "smp", "bdm"}


def _model_description(name: str) -> str | None:
    """The bargaining package's own one-line description of a model, when it gives one (so
    that a change of the default forecaster changes the glossary with it)."""
    try:
        from offramp.bargaining.registry import REGISTRY as MODELS_BY_NAME
    except ImportError:  # pragma: no cover
        return None
    text = getattr(MODELS_BY_NAME.get(name), "description", None)
    return f"{text}." if isinstance(text, str) and text and not text.endswith(".") else text


def terms(names: Iterable[str]) -> list[tuple[str, str]]:
    """(term, definition) for each known name, in the order given, without repeats; a
    bargaining model is described as the bargaining package describes it, if it does."""
    out: list[tuple[str, str]] = []
    for n in names:
        if all(n != t for t, _ in out):
            text = _model_description(n) if n in MODEL_TERMS else None
            if text or n in GLOSSARY:
                out.append((n, text or GLOSSARY[n]))
    return out


def concept_term(key: str) -> str:
    """How the report names a concept in a glossary: its short name when its label ends with
    it ('GMR' for 'General metarationality (GMR)'), else its label ('Nash (R)')."""
    c = REGISTRY.get(key)
    if c is None:
        return key
    return c.short if c.label.endswith(f"({c.short})") else c.label


def concept_terms(concepts: Iterable[str]) -> list[tuple[str, str]]:
    """The concepts' meanings, as the concept registry gives them, and 'equilibrium'."""
    out = [(concept_term(k), REGISTRY[k].glossary) for k in concepts if k in REGISTRY]
    return out + terms(["equilibrium"])


def glossary_line(items: list[tuple[str, str]]) -> str:
    """The terms as one paragraph: 'Nash (R): …; SEQ: …'."""
    return " ".join(f"{t}: {d}" for t, d in items)
