"""Errors that point at the place in the scenario document that caused them.

Analysts fix files, not stack traces: every problem carries the file, the line and column, the
path inside the document and a sentence on how to fix it, formatted the way compilers do so that
editors can jump to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from offramp.errors import OfframpError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located as precisely as the input allows."""

    message: str
    path: str = ""
    file: str = "<scenario>"
    line: int | None = None
    column: int | None = None

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        head = f"{where}: {self.path}: " if self.path else f"{where}: "
        return head + self.message

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
        }


@dataclass
class ScenarioError(OfframpError):
    """Raised for bad input; holds every problem found, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems)


def format_path(parts: tuple[Any, ...] | list[Any]) -> str:
    """Render a document path as users write it: ``preferences.US.ranking[2]``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
