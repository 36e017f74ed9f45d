"""How ``--help`` shows options: a flag (``--debug``, ``--full``, ``--help``) takes no value,
so it is shown without one.

typer prints every option's type beside it, ``<bool>`` for flags too, which reads as if the
flag wanted a value (``--debug <bool>``). The command classes below blank the type of flags
just before the help is drawn; :func:`flags_take_no_value` gives them to every command and
group of an app, so a command added later gets them too.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


def _blank_flag_types(command: Any, ctx: Any) -> None:
    for param in command.get_params(ctx):
        if param.param_type_name == "option" and getattr(param, "is_flag", False):
            param.metavar = ""


class FlagCommand(TyperCommand):
    """A command whose help shows flags without a value."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _blank_flag_types(self, ctx)
        super().format_help(ctx, formatter)


class FlagGroup(TyperGroup):
    """A group whose help shows flags without a value."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _blank_flag_types(self, ctx)
        super().format_help(ctx, formatter)


def flags_take_no_value(app: typer.Typer) -> None:
    """Give every command and group of ``app`` (and of its sub-apps) the classes above."""
    app.info.cls = FlagGroup
    for command in app.registered_commands:
        command.cls = FlagCommand
    for group in app.registered_groups:
        group.cls = FlagGroup
        sub: Any = group.typer_instance
        if sub is not None:
            flags_take_no_value(sub)
