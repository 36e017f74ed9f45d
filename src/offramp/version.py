"""The installed version, in one place every layer may read (importing the root package from
inside offramp would make a cycle)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("offramp")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
