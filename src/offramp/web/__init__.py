"""The local web workbench: a thin FastAPI layer over the same Python API as the CLI.

``create_app`` is imported on first use, so a pool worker importing ``offramp.web.work`` does
not load FastAPI.
"""

from typing import TYPE_CHECKING

from offramp.lazy import lazy_exports

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.web.app import create_app

#: module -> the names it provides: imported on first use (PEP 562, offramp.lazy)
__getattr__, __dir__ = lazy_exports(__name__, {"offramp.web.app": ("create_app",)})

__all__ = ["create_app"]
