"""offramp's own exception types, at the bottom of the package so every layer can raise them.

Every error a user can cause (a bad file, a bad argument to the API, a request too large)
derives from :class:`OfframpError`; the CLI turns those into a message and exit status 2, the web
into a 4xx. Anything else reaching the top is a bug (exit 1).
"""

from __future__ import annotations


class OfframpError(Exception):
    """Base of every error caused by the user's input rather than by a bug in offramp."""


class InputError(OfframpError, ValueError):
    """A bad argument to the Python API: an unknown decision maker, concept or state id, a value
    out of range. The message says what is wrong and what would be accepted."""

    def __init__(self, message: str, *, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message} ({hint})")


def did_you_mean(name: str, known: list[str] | tuple[str, ...]) -> str:
    """' (did you mean 'x'?)' when a known name is close to ``name``, else ''."""
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
