"""The terms a report uses, each explained in a sentence where it is used.

A first-time reader, briefing someone from the report, meets "Nash (R)", "SEQ", "Spearman ρ",
"p5" or "bdm" without the papers at hand. Each section that uses such terms lists them with a
one-line definition (``terms(...)``); the definitions are here once, so that the text,
Markdown and HTML reports explain them alike.

References: Fang, L., Hipel, K. W., Kilgour, D. M. (1993). Interactive Decision Making: The
Graph Model for Conflict Resolution. Wiley (Nash, GMR, SMR, SEQ); Bueno de Mesquita, B. (1994)
(bdm); Abdollahian, M. et al., KTAB (smp).
"""

from __future__ import annotations

GLOSSARY: dict[str, str] = {
    "Nash (R)": (
        "R for 'rational' (Nash stability): no decision maker can move alone to a state it prefers."
    ),
    "GMR": (
        "general metarationality: every move a decision maker prefers can be answered by the "
        "others with a move that leaves it no better off than staying."
    ),
    "SMR": (
        "symmetric metarationality: as GMR, and the decision maker cannot escape that answer "
        "with a move of its own."
    ),
    "SEQ": (
        "sequential stability: every move a decision maker prefers can be answered by the "
        "others with a move they themselves prefer (a credible sanction) that leaves it no "
        "better off. offramp's questions read their verdict off SEQ by default."
    ),
    "equilibrium": "a state stable for every decision maker under the concept named.",
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
CONCEPT_TERMS = {"nash": "Nash (R)", "gmr": "GMR", "smr": "SMR", "seq": "SEQ"}


def _model_description(name: str) -> str | None:
    """The bargaining package's own one-line description of a model, when it gives one (so
    that a change of the default forecaster changes the glossary with it)."""
    try:
        from offramp.bargaining import MODELS
    except ImportError:  # pragma: no cover
        return None
    text = getattr(MODELS.get(name), "description", None)
    return f"{text}." if isinstance(text, str) and text and not text.endswith(".") else text


def terms(names) -> list[tuple[str, str]]:
    """(term, definition) for each known name, in the order given, without repeats; a
    bargaining model is described as the bargaining package describes it, if it does."""
    out: list[tuple[str, str]] = []
    for n in names:
        if all(n != t for t, _ in out):
            text = _model_description(n) if n in MODEL_TERMS else None
            if text or n in GLOSSARY:
                out.append((n, text or GLOSSARY[n]))
    return out


def concept_terms(concepts) -> list[tuple[str, str]]:
    return terms([CONCEPT_TERMS.get(c, c) for c in concepts] + ["equilibrium"])


def glossary_line(items: list[tuple[str, str]]) -> str:
    """The terms as one paragraph: 'Nash (R): …; SEQ: …'."""
    return " ".join(f"{t}: {d}" for t, d in items)
