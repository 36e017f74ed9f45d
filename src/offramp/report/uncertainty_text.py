"""Terminal rendering of a Monte Carlo result: probabilities first, then what drives them."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from offramp.report.words import drivers_text

TOP_INPUTS = 5


def render_uncertainty(data: dict, console: Console, *, title: str | None = None) -> None:
    head = title or f"Monte Carlo: {data['samples']:,} samples"
    console.print(
        f"[bold]{head}[/] (seed {data['seed']}, {data['executor']}, {data['seconds']:.1f} s)"
    )
    if data.get("interrupted"):
        console.print(
            f"[yellow]Stopped early: {data['interrupted']}. The results below come "
            f"from the {data['samples']:,} samples that finished (of "
            f"{data['requested']:,}).[/]"
        )
    if not data["inputs"]:
        console.print(
            "[dim]The scenario declares no uncertain input: every sample is the "
            "deterministic analysis.[/]"
        )
    if data["questions"]:
        qs = Table(title="How likely each answer is", header_style="bold")
        qs.add_column("question")
        for col in ("yes", "no", "depends", "undetermined"):
            qs.add_column(col, justify="right")
        qs.add_column("driven most by")
        for q in data["questions"]:
            top = drivers_text(data["sensitivity"], f"question:{q['id']}")
            qs.add_row(
                q["ask"], *[f"{q[c]:.1%}" for c in ("yes", "no", "depends", "undetermined")], top
            )
        qs.caption = (
            f"± {max((q['standard_error_yes'] for q in data['questions']), default=0):.1%}"
            " standard error at most; drivers: Spearman rank correlation with 'yes'"
        )
        console.print(qs)
    settles = data["settles_probability"].get("seq", [])
    if settles:
        t = Table(title="Where the evolution settles (SEQ)", header_style="bold")
        t.add_column("state", justify="right")
        t.add_column("options taken")
        t.add_column("probability", justify="right")
        for e in [e for e in settles if e["probability"] >= 0.0005][:8]:
            t.add_row(
                str(e["id"]), ", ".join(e["taken"]) or "nothing taken", f"{e['probability']:.1%}"
            )
        console.print(t)
    if data.get("forecasts"):
        t = Table(title="Negotiation forecasts at the settled outcome", header_style="bold")
        t.add_column("model")
        t.add_column("dimension")
        for col in ("mean", "p5", "median", "p95"):
            t.add_column(col, justify="right")
        t.add_column("driven most by")
        for model, dims in data["forecasts"].items():
            for dim, s in dims.items():
                top = drivers_text(data["sensitivity"], f"forecast:{model}:{dim}")
                t.add_row(
                    model, dim, *[f"{s[c]:.1f}" for c in ("mean", "p5", "median", "p95")], top
                )
        console.print(t)
    if data["sensitivity"]:
        t = Table(title="Sensitivity: inputs ranked by their effect", header_style="bold")
        t.add_column("conclusion")
        t.add_column("inputs (Spearman ρ)")
        for target, items in data["sensitivity"].items():
            shown = [
                f"{d['input']} {d['rho']:+.2f}"
                for d in items[:TOP_INPUTS]
                if d.get("significant", True)
            ]
            t.add_row(target, ", ".join(shown) or "no input matters")
        console.print(t)
