"""Where the run history lives and whether it is recorded at all.

Resolved on every call (not at import) so that tests and long-lived processes such as the web
workbench see changes to ``OFFRAMP_HOME`` / ``OFFRAMP_HISTORY`` without re-importing.
"""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "runs.sqlite"
_OFF = {"0", "false", "no", "off"}


def history_enabled() -> bool:
    """False when ``OFFRAMP_HISTORY`` is 0/false/no/off: nothing is recorded then."""
    return os.environ.get("OFFRAMP_HISTORY", "1").strip().lower() not in _OFF


def data_dir() -> Path:
    """``$OFFRAMP_HOME`` if set, else ``$XDG_DATA_HOME/offramp`` (``~/.local/share/offramp``)."""
    home = os.environ.get("OFFRAMP_HOME")
    if home:
        return Path(home).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "offramp"


def db_path() -> Path:
    """The SQLite file holding the run history."""
    return data_dir() / DB_NAME
