"""The local web workbench: a thin FastAPI layer over the same Python API as the CLI."""

from offramp.web.app import create_app

__all__ = ["create_app"]
