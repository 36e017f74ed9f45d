"""The one error of the bargaining engine: bad input, located in its file (so that the command
line can print ``file:line:col: message``)."""

from __future__ import annotations

from offramp.errors import OfframpError


class BargainingInputError(OfframpError, ValueError):
    """Bad bargaining input, located in its file (line and column are 1-based, may be None).
    An :class:`~offramp.errors.OfframpError` (and a ``ValueError``, as it always was)."""

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def format(self) -> str:
        """``file:line:col: message``, the form editors and compilers use."""
        if self.file is None:
            return self.message
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.format()
