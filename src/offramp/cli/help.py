"""How ``--help`` shows options.

A flag (``--debug``, ``--full``, ``--help``) takes no value, so it is shown without one: typer
prints every option's type beside it, ``<bool>`` for flags too, which reads as if the flag wanted
a value (``--debug <bool>``).

The registries' names (solution concepts, bargaining models) are filled into an option's help and
shown default only when that help is drawn: a help text names them by a marker of :data:`LATE`
(``{concepts}``); an option whose default is the registry's (``DEFAULT_CONCEPT``) defaults to
None, resolved in the command, and gives the marker as its ``show_default``. The registries
import numpy and every concept and model module, which the command line's start (``offramp
--help``, a command that does not use them) should not pay for; and a concept registered after
the command line is imported is listed too.

The command classes below do both just before the help is drawn; :func:`flags_take_no_value`
gives them to every command and group of an app, so a command added later gets them too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


def _concepts() -> Any:
    from offramp.conflict import concepts

    return concepts


def _models() -> Any:
    from offramp.bargaining import registry

    return registry


#: marker -> its text, read from the registry when the help is drawn
LATE: dict[str, Callable[[], str]] = {
    "{concepts}": lambda: ", ".join(_concepts().CONCEPTS),
    "{default_concepts}": lambda: ", ".join(_concepts().DEFAULT_CONCEPTS),
    "{default_concept}": lambda: str(_concepts().DEFAULT_CONCEPT),
    "{models}": lambda: ", ".join(_models().REGISTRY),
    "{default_model}": lambda: str(_models().DEFAULT_MODEL),
}


def fill(text: str) -> str:
    """``text`` with each marker of :data:`LATE` replaced by its text."""
    for marker, value in LATE.items():
        if marker in text:
            text = text.replace(marker, value())
    return text


def _prepare(command: Any, ctx: Any) -> None:
    for param in command.get_params(ctx):
        if param.param_type_name == "option" and getattr(param, "is_flag", False):
            param.metavar = ""
        if getattr(param, "help", None):
            param.help = fill(param.help)
        shown = getattr(param, "show_default", None)
        if isinstance(shown, str) and shown in LATE:  # a default resolved in the command
            param.default = LATE[shown]()
            param.show_default = True


class FlagCommand(TyperCommand):
    """A command whose help shows flags without a value and the registries' names."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _prepare(self, ctx)
        super().format_help(ctx, formatter)


class FlagGroup(TyperGroup):
    """A group whose help shows flags without a value and the registries' names."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _prepare(self, ctx)
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
