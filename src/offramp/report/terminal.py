"""User text made safe for the terminal: the one helper every terminal renderer and command
uses on text it did not write itself.

Rich reads ``[...]`` in a printed string as markup, so a scenario's name, a label, a question
or a file path containing ``[/]`` crashed the command (``MarkupError``), ``[link=...]`` printed
a hyperlink and ``[blink]`` a style; and control characters (an ``ESC`` written as ``"\\e"`` in
YAML) reach the terminal as escape sequences. :func:`plain` strips the control characters
(newlines and tabs stay) and escapes the markup, so the text prints as written.
"""

from __future__ import annotations

import re

from rich.markup import escape

#: C0 controls except tab and newline, DEL, and the C1 controls (0x80-0x9f: 0x9b is a CSI)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: object) -> str:
    """``text`` without control characters (tabs and newlines kept): for output printed with
    ``markup=False``."""
    return _CONTROLS.sub("", str(text))


def plain(text: object) -> str:
    """``text`` as Rich markup that prints exactly as written, without control characters."""
    return escape(strip_controls(text))
