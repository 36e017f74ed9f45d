"""Sentences shared by the text and Markdown renderers."""

from __future__ import annotations

VERDICT = {
    "yes": "Yes",
    "no": "No",
    "depends": "Depends",
    "undetermined": "Undetermined",
}


def step_sentence(step: dict) -> str:
    parts = []
    if step["takes"]:
        parts.append("takes " + ", ".join(step["takes"]))
    if step["stops"]:
        parts.append("stops " + ", ".join(step["stops"]))
    return f"{step['mover']} " + " and ".join(parts)


def path_sentence(path: list[dict]) -> str:
    return "; then ".join(step_sentence(s) for s in path) if path else "(the status quo itself)"


def threshold_sentence(th: dict) -> str:
    name = th["parameter"]
    lo, hi = th["range"]
    if not th["transitions"]:
        return (
            f"{'holds' if th['holds_at_low'] else 'does not hold'} anywhere for {name} in "
            f"[{lo:g}, {hi:g}]"
        )
    parts = []
    for t in th["transitions"]:
        a, b = t["between"]
        if t["becomes"]:
            parts.append(
                f"starts to hold when {name} rises above {t['value']:g} "
                f"(between {a:.6g} and {b:.6g})"
            )
        else:
            parts.append(
                f"stops holding when {name} rises above {t['value']:g} "
                f"(between {a:.6g} and {b:.6g})"
            )
    return "; ".join(parts) + f" (searched {lo:g} to {hi:g})"


def answer_line(q: dict) -> str:
    text = f"{VERDICT[q['verdict']]}. {q['basis'][0].upper()}{q['basis'][1:]}."
    if q.get("holds_now") is not None:
        text += f" Today (status quo): {'holds' if q['holds_now'] else 'does not hold'}."
    if q.get("threshold"):
        text += " Threshold: it " + threshold_sentence(q["threshold"]) + "."
    return text


def findings(report: dict) -> list[str]:
    """One sentence per question: the verdict, its probability under the declared
    uncertainty, what drives it, and the threshold where there is one."""
    mc = report.get("uncertainty") or {}
    by_id = {q["id"]: q for q in mc.get("questions", [])}
    out = []
    for q in report["questions"]:
        text = f"{q['ask']} {VERDICT[q['verdict']]}."
        th = q.get("threshold")
        if th:
            on = [t for t in th["transitions"] if t["becomes"]]
            if on:
                text += f" It would hold above {th['parameter']} = {on[0]['value']:g}."
        p = by_id.get(q["id"])
        if p is not None:
            text += f" Probability of yes under the declared uncertainty: {p['yes']:.0%}"
            drivers = [
                d
                for d in mc["sensitivity"].get(f"question:{q['id']}", [])
                if d.get("significant", True)
            ][:2]
            if drivers:
                text += ", likelier with " + " and ".join(
                    f"{'higher' if d['rho'] > 0 else 'lower'} {d['input']}" for d in drivers
                )
            text += "."
        out.append(text)
    return out


def drivers_text(sensitivity: dict, key: str, n: int = 2) -> str:
    """The inputs that move a conclusion most, as 'name (+0.59), name (-0.35)'; '—' if none
    is distinguishable from noise."""
    drivers = [d for d in sensitivity.get(key, []) if d.get("significant", True)][:n]
    return ", ".join(f"{d['input']} ({d['rho']:+.2f})" for d in drivers) or "—"


def settle_lines(report: dict) -> list[tuple[str, str]]:
    """(concept name, what happens) for each concept: where the evolution settles and how."""
    out = []
    for c, name in report["concepts"].items():
        settled = report["settles_at"].get(c, [])
        if not settled:
            out.append((name, "no equilibrium is reached (the evolution cycles)"))
        for e in settled:
            out.append(
                (
                    name,
                    f"settles at state {e['id']} ({e['description']}) after "
                    f"{e['steps']} step(s): {path_sentence(e['path'])}",
                )
            )
    return out


def settled_states(settled: list[dict]) -> str:
    """Where a variant's evolution settles, as one phrase."""
    return (
        "; ".join(f"state {e['id']} ({e['description']})" for e in settled)
        or "no SEQ equilibrium is reached"
    )


def threshold_suffix(q: dict) -> str:
    """A verdict cell's short threshold note: ' (> 7)', ' (always)', ' (never)' or ''."""
    th = q.get("threshold")
    if not th:
        return ""
    on = [t for t in th["transitions"] if t["becomes"]]
    if on:
        return f" (> {on[0]['value']:g})"
    if not th["transitions"]:
        return f" ({'always' if th['holds_at_low'] else 'never'})"
    return ""
