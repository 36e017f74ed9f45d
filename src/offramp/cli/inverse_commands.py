"""``offramp inverse``, ``offramp map`` and ``offramp conditions``: what would it take?

Thin shells over :mod:`offramp.analysis.inverse`, :mod:`offramp.analysis.answer_map` and
:mod:`offramp.analysis.ordinal_inverse`; bad input is an :class:`~offramp.errors.OfframpError`
(exit 2) raised by the analyses themselves, or a usage error here.
"""

from __future__ import annotations

from typing import Annotated

import typer

from offramp.cli.common import FileArg, VariantOpt, load_scenario
from offramp.cli.output import Format, FormatOpt, console, emit_json
from offramp.conflict.concepts import CONCEPTS

GoalArg = Annotated[
    str,
    typer.Argument(
        help="A question id, or a statement over options such as 'CN.press & RU.negotiate'."
    ),
]
ConceptOpt = Annotated[
    str | None,
    typer.Option(
        "--concept", "-c", help=f"One of {', '.join(CONCEPTS)} (default: the question's, else seq)."
    ),
]
ModeOpt = Annotated[
    str,
    typer.Option(
        "--mode",
        help="settles: the verdict is yes where the evolution from the status quo settles; "
        "equilibrium: the goal holds in some equilibrium.",
    ),
]


def parse_range(spec: str, option: str) -> tuple[str, float, float]:
    """``NAME=LOW:HIGH`` to its parts (a usage error otherwise)."""
    name, sep, rest = spec.partition("=")
    parts = rest.split(":")
    if not sep or not name.strip() or len(parts) != 2:
        raise typer.BadParameter(
            f"'{spec}': write NAME=LOW:HIGH, e.g. trade_relief=0:15", param_hint=option
        )
    try:
        lo, hi = float(parts[0]), float(parts[1])
    except ValueError:
        raise typer.BadParameter(
            f"'{spec}': LOW and HIGH must be numbers", param_hint=option
        ) from None
    return name.strip(), lo, hi


def inverse(
    goal: GoalArg,
    file: FileArg = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter allowed to change (repeat; default: all)."),
    ] = None,
    ranges: Annotated[
        list[str] | None,
        typer.Option(
            "--range", "-r", help="NAME=LOW:HIGH, the range a parameter may move in (repeat)."
        ),
    ] = None,
    concept: ConceptOpt = None,
    mode: ModeOpt = "settles",
    norm: Annotated[
        str, typer.Option("--norm", help="l1 (sum of changes) or linf (largest change).")
    ] = "l1",
    tol: Annotated[
        float, typer.Option("--tol", help="Tolerance, in units of each parameter's range.")
    ] = 1e-4,
    fmt: FormatOpt = Format.text,
    variant: VariantOpt = None,
) -> None:
    """The smallest change of parameters after which a goal holds, with alternatives."""
    scenario = load_scenario(file, variant)
    bounds = {}
    for spec in ranges or []:
        name, lo, hi = parse_range(spec, "--range")
        bounds[name] = (lo, hi)
    result = scenario.inverse(
        goal,
        concept=concept,
        mode=mode,
        parameters=param or None,
        ranges=bounds,
        norm=norm,
        tol=tol,
    )
    data = result.to_dict()
    if fmt is Format.json:
        emit_json(data)
        return
    render_inverse(data, console(width=100))


def render_inverse(data: dict, out) -> None:
    from rich.table import Table

    out.print(f"[bold]Goal:[/] {data['criterion']}.", markup=True)
    out.print(f"Verdict now: {data['verdict_before']}.")
    if not data["found"]:
        out.print("[bold]No change within the ranges[/] makes the goal hold.", markup=True)
        if data.get("why"):
            out.print(f"Why: {data['why']}.", markup=False)
        out.print(f"({data['proof']})", markup=False)
        return
    if not data["changes"]:
        out.print("No change needed: the goal already holds.")
        return
    table = Table(
        title=f"Smallest change ({data['norm']} distance {data['distance']:.4g} in range units)"
    )
    for col in ("parameter", "from", "to", "boundary", "range"):
        table.add_column(col)
    for p, ch in data["changes"].items():
        edge = data["boundary"].get(p)
        rng = data["parameters"][p]["range"]
        table.add_row(
            p,
            f"{ch['from']:g}",
            f"{ch['to']:.6g}",
            "" if edge is None else f"{edge:.6g}",
            f"[{rng[0]:g}, {rng[1]:g}]",
        )
    out.print(table)
    out.print(f"Verdict after: {data['verdict_after']}.")
    for k, alt in enumerate(data["alternatives"], start=2):
        what = ", ".join(f"{p} {c['from']:g} → {c['to']:.6g}" for p, c in alt["changes"].items())
        out.print(f"Alternative {k}: {what} (distance {alt['distance']:.4g}).", markup=False)
    out.print(f"({data['proof']}.)", markup=False)


def register(app: typer.Typer) -> None:
    app.command("inverse")(inverse)
