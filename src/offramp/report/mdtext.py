"""Text from a scenario file, made safe for Markdown (issue 11): every Markdown renderer of
the report (:mod:`offramp.report.markdown`, :mod:`offramp.report.provenance`) passes names,
labels, notes and addresses through these functions, so that what the file says shows as text.

- :func:`md`: HTML escaped (a label holding ``<img onerror=…>`` or ``<a href>`` shows as those
  characters, even in renderers that pass inline HTML through) and Markdown's own syntax
  characters backslash-escaped (no link, emphasis, heading or table cell injected);
- :func:`md_code`: an inline code span that backticks inside cannot close;
- :func:`safe_link`: an autolink only for an ``http(s)`` URL, never ``<javascript:…>``.
"""

from __future__ import annotations

import re

#: Characters with a meaning inside a line in CommonMark / GFM (emphasis, code, links,
#: tables, strikethrough); ``<`` and ``>`` become entities; a line start is handled apart.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_ORDERED = re.compile(r"(\s*\d{1,9})([.)])(?=\s|$)")
_BLOCK = re.compile(r"(\s*)([#>+=-])(?=[\s#=-]|$)")
_SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]`\"'\\]+$", re.I)


def md(text: object) -> str:
    """``text`` as literal Markdown text: HTML escaped, syntax characters backslash-escaped,
    one line."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return _line_start(s)


def _line_start(s: str) -> str:
    """Escape what would start a block at the beginning of a line (a heading, quote, list
    item, thematic break or setext underline): '# x', '- x', '1. x'; '0.1.0' stays as it is."""
    m = _ORDERED.match(s) or _BLOCK.match(s)
    if m is None:
        return s
    return s[: m.end(1)] + "\\" + s[m.end(1) :]


def md_code(text: object) -> str:
    """``text`` as inline code: backticks inside cannot close it (a longer fence is used)."""
    s = str(text).replace("\n", " ")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def safe_link(url: object) -> str:
    """An autolink for an http(s) URL; anything else as escaped text."""
    u = str(url).strip()
    return f"<{u}>" if _SAFE_URL.match(u) else md(u)
