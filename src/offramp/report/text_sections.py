"""The sections of the terminal report, in the order they print: the one list that
``offramp analyze --section`` accepts, its help lists and the renderer follows (kept free of
imports so that the command line can name them without loading the renderer)."""

from __future__ import annotations

SECTIONS = (
    "findings",
    "outcome",
    "actors",
    "equilibria",
    "evolution",
    "questions",
    "coalitions",
    "bargaining",
    "uncertainty",
    "provenance",
    "variants",
)
