"""Reading stored results in words: what kind of output a run holds, a short summary of it,
and what changed between two runs of the same kind.

Results are the commands' JSON output, not Python objects, so the shapes are recognised by
their keys. States are matched by the options taken rather than by number: a state's number
changes when an option is added to the scenario, the options it takes do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import sqrt
from typing import Any

KINDS = ("report", "montecarlo", "stability", "forecast", "generic")


def _concepts() -> dict[str, str]:
    """The concepts' display names, in registry order (the registry imported where a summary
    is made: it imports numpy, which listing the runs does not need)."""
    from offramp.conflict.concepts import REGISTRY

    return {key: c.short for key, c in REGISTRY.items()}


def result_kind(results: Any) -> str:
    """One of :data:`KINDS`: ``report`` (``offramp analyze``), ``montecarlo`` (``offramp
    uncertainty``), ``stability``, ``forecast``, or ``generic`` for anything else."""
    if not isinstance(results, dict):
        return "generic"
    if isinstance(results.get("settles_at"), dict) and isinstance(results.get("questions"), list):
        return "report"
    if "samples" in results and isinstance(results.get("questions"), list):
        return "montecarlo"
    if isinstance(results.get("equilibria"), dict) and "states" in results:
        return "stability"
    if isinstance(results.get("forecast"), list) and "dimensions" in results:
        return "forecast"
    return "generic"


def concept(c: str) -> str:
    return _concepts().get(c, c)


# ---------------------------------------------------------------------------- states


def _state_key(state: Any) -> tuple[Any, ...]:
    if isinstance(state, dict) and isinstance(state.get("taken"), list):
        return tuple(sorted(state["taken"]))
    if isinstance(state, dict):
        return ("#", state.get("id"))
    return ("#", state)


def _state_words(state: Any) -> str:
    if isinstance(state, dict):
        if state.get("description"):
            return f"{state['id']} ({state['description']})"
        if isinstance(state.get("taken"), list):
            taken = ", ".join(state["taken"]) or "no option taken"
            return f"{state.get('id', '?')} ({taken})"
        return str(state.get("id", "?"))
    return str(state)


def _states_by_concept(results: dict[str, Any], key: str) -> dict[str, dict[tuple[Any, ...], Any]]:
    """``{concept: {state key: state}}`` for a stability dict (ids resolved through
    ``states``) or a report (states already carry ``taken`` and ``description``)."""
    table = results.get(key) or {}
    by_id = {s["id"]: s for s in results.get("states", []) if isinstance(s, dict) and "id" in s}
    out: dict[str, dict[tuple[Any, ...], Any]] = {}
    for c, states in table.items():
        if not isinstance(states, list):
            continue
        resolved = [by_id.get(s, s) if not isinstance(s, dict) else s for s in states]
        out[c] = {_state_key(s): s for s in resolved}
    return out


def _list_words(states: Iterable[Any], most: int = 6) -> str:
    states = list(states)
    shown = "; ".join(_state_words(s) for s in states[:most])
    return shown + (f"; and {len(states) - most} more" if len(states) > most else "")


def _concept_order(c: str) -> int:
    order = list(_concepts())
    return order.index(c) if c in order else len(order)


def _compare_states(a: dict[str, Any], b: dict[str, Any], key: str, what: str) -> list[str]:
    """One sentence per distinct change; concepts with the same change share it
    (GMR and SMR often agree)."""
    sa, sb = _states_by_concept(a, key), _states_by_concept(b, key)
    sentences: dict[str, list[str]] = {}
    for c in sorted(set(sa) | set(sb), key=_concept_order):
        ka, kb = sa.get(c, {}), sb.get(c, {})
        if set(ka) == set(kb):
            continue
        gone = [ka[k] for k in ka if k not in kb]
        new = [kb[k] for k in kb if k not in ka]
        if what == "settles at" and len(ka) <= 3 and len(kb) <= 3:
            text = (
                f"now settles at {_list_words(kb.values()) or 'no equilibrium'} instead of "
                f"{_list_words(ka.values()) or 'no equilibrium'}."
            )
        else:
            parts = [f"{what} {len(ka)} -> {len(kb)}"]
            if gone:
                parts.append(f"no longer: {_list_words(gone)}")
            if new:
                parts.append(f"new: {_list_words(new)}")
            text = "; ".join(parts) + "."
        sentences.setdefault(text, []).append(concept(c))
    return [f"{', '.join(cs)}: {text}" for text, cs in sentences.items()]


# ---------------------------------------------------------------------------- questions


def _questions(results: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    qs = (results or {}).get("questions") or []
    return {q["id"]: q for q in qs if isinstance(q, dict) and "id" in q}


def _compare_verdicts(a: dict[str, Any], b: dict[str, Any], where: str = "") -> list[str]:
    qa, qb = _questions(a), _questions(b)
    lines = []
    for qid in qa.keys() | qb.keys():
        if qid not in qb:
            lines.append(f"{where}question '{qid}' is no longer asked.")
        elif qid not in qa:
            lines.append(f"{where}new question '{qid}': {qb[qid].get('verdict', '?')}.")
        elif qa[qid].get("verdict") != qb[qid].get("verdict"):
            q = qb[qid]
            lines.append(
                f"{where}{q.get('ask', qid)} ({qid}): {qa[qid].get('verdict')} -> "
                f"{q.get('verdict')}."
            )
    return sorted(lines)


def _compare_probabilities(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Yes-probabilities that moved, flagged when the move is within sampling noise."""
    qa, qb = _questions(a), _questions(b)
    lines = []
    for qid in sorted(qa.keys() & qb.keys()):
        pa, pb = qa[qid].get("yes"), qb[qid].get("yes")
        if not isinstance(pa, int | float) or not isinstance(pb, int | float) or pa == pb:
            continue
        se = sqrt(
            (qa[qid].get("standard_error_yes") or 0) ** 2
            + (qb[qid].get("standard_error_yes") or 0) ** 2
        )
        noise = " (within sampling error)" if se and abs(pb - pa) < 2 * se else ""
        lines.append(
            f"{qb[qid].get('ask', qid)} ({qid}): P(yes) {pa:.3f} -> {pb:.3f} "
            f"({pb - pa:+.3f}){noise}."
        )
    for qid in sorted(qa.keys() - qb.keys()):
        lines.append(f"question '{qid}' is no longer asked.")
    for qid in sorted(qb.keys() - qa.keys()):
        lines.append(f"new question '{qid}': P(yes) {qb[qid].get('yes')}.")
    return lines


# ---------------------------------------------------------------------------- per kind


def _compare_forecast(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    lines = []
    if a.get("model") != b.get("model"):
        lines.append(f"Forecasting model: {a.get('model')} -> {b.get('model')}.")
    dims_a, dims_b = a.get("dimensions", []), b.get("dimensions", [])
    fa = dict(zip(dims_a, a.get("forecast", []), strict=False))
    fb = dict(zip(dims_b, b.get("forecast", []), strict=False))
    for dim in dims_b:
        if dim not in fa:
            lines.append(f"new dimension '{dim}': forecast {fb[dim]:.2f}.")
        elif fa[dim] != fb[dim]:
            lines.append(
                f"forecast on {dim}: {fa[dim]:.2f} -> {fb[dim]:.2f} ({fb[dim] - fa[dim]:+.2f})."
            )
    lines += [f"dimension '{d}' is gone." for d in dims_a if d not in fb]
    return lines


def _compare_report(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    lines = []
    if _state_key(a.get("status_quo")) != _state_key(b.get("status_quo")):
        lines.append(
            f"Status quo: {_state_words(a.get('status_quo'))} -> "
            f"{_state_words(b.get('status_quo'))}."
        )
    if a.get("feasible_states") != b.get("feasible_states"):
        lines.append(f"Feasible states: {a.get('feasible_states')} -> {b.get('feasible_states')}.")
    lines += _compare_verdicts(a, b)
    lines += [
        "From the status quo: " + line for line in _compare_states(a, b, "settles_at", "settles at")
    ]
    lines += _compare_states(a, b, "equilibria", "equilibria")
    va = {v.get("name"): v for v in a.get("variants") or [] if isinstance(v, dict)}
    vb = {v.get("name"): v for v in b.get("variants") or [] if isinstance(v, dict)}
    for name in va.keys() & vb.keys():
        lines += _compare_verdicts(va[name], vb[name], where=f"variant '{name}': ")
        lines += [
            f"variant '{name}', from the status quo, " + line
            for line in _compare_states(va[name], vb[name], "settles_at", "settles at")
        ]
    lines += [f"variant '{n}' is gone." for n in sorted(va.keys() - vb.keys(), key=str)]
    lines += [f"new variant '{n}'." for n in sorted(vb.keys() - va.keys(), key=str)]
    ua, ub = a.get("uncertainty"), b.get("uncertainty")
    if isinstance(ua, dict) and isinstance(ub, dict):
        lines += ["Monte Carlo: " + line for line in _compare_probabilities(ua, ub)]
    elif bool(ua) != bool(ub):
        lines.append("Monte Carlo: " + ("dropped." if ua else "added."))
    return lines


def compare(a: Any, b: Any) -> tuple[str, list[str]]:
    """``(kind, sentences)``: what changed between two results, in words. Kind ``generic``
    (or two different kinds) yields no sentences: the caller falls back to a path diff."""
    kind_a, kind_b = result_kind(a), result_kind(b)
    if kind_a != kind_b:
        return "mixed", [f"The runs hold different kinds of results ({kind_a}, {kind_b})."]
    if kind_a == "report":
        return kind_a, _compare_report(a, b)
    if kind_a == "stability":
        return kind_a, _compare_states(a, b, "equilibria", "equilibria")
    if kind_a == "montecarlo":
        return kind_a, _compare_probabilities(a, b)
    if kind_a == "forecast":
        return kind_a, _compare_forecast(a, b)
    return kind_a, []


# ---------------------------------------------------------------------------- summaries


def summarise(results: Any) -> list[str]:
    """A few lines for ``offramp runs show``: the answers, not the whole output."""
    kind = result_kind(results)
    if kind == "report":
        lines = [f"Status quo: {_state_words(results.get('status_quo'))}."]
        settles: dict[str, list[str]] = {}
        for c, states in _states_by_concept(results, "settles_at").items():
            settles.setdefault(_list_words(states.values()) or "nowhere", []).append(concept(c))
        for words, cs in settles.items():
            lines.append(f"From the status quo, settles ({', '.join(cs)}) at: {words}.")
        for q in _questions(results).values():
            lines.append(f"{q.get('ask', q['id'])} {q.get('verdict', '?')}.")
        if isinstance(results.get("uncertainty"), dict):
            lines += ["Monte Carlo: " + line for line in summarise(results["uncertainty"])]
        return lines
    if kind == "stability":
        return [
            f"{concept(c)} equilibria ({len(s)}): {_list_words(s.values())}."
            for c, s in _states_by_concept(results, "equilibria").items()
        ]
    if kind == "montecarlo":
        lines = [f"{results.get('samples')} samples, seed {results.get('seed')}."]
        if results.get("interrupted"):
            lines.append(f"Interrupted: {results['interrupted']}.")
        for q in _questions(results).values():
            yes = q.get("yes")
            shown = f"{yes:.3f}" if isinstance(yes, int | float) else "?"
            lines.append(f"P(yes) {shown}: {q.get('ask', q['id'])}")
        return lines
    if kind == "forecast":
        return [f"Model: {results.get('model')}."] + [
            f"Forecast on {d}: {v:.2f}."
            for d, v in zip(
                results.get("dimensions", []), results.get("forecast", []), strict=False
            )
        ]
    if isinstance(results, dict):
        return [f"Keys: {', '.join(map(str, results))}."]
    return [f"{type(results).__name__} result."]
