"""Sentences shared by the text, Markdown and HTML renderers, so that every output says the
same thing in the same words.

Every function takes the report dict (see
:func:`offramp.service.report_content.build_report`); labels come from its ``labels`` part
(:mod:`offramp.report.labels`), with the ids as fallback so that a report dict without labels
(an older run record) still renders.
"""

from __future__ import annotations

from typing import Any

from offramp.conflict.concepts import DEFAULT_CONCEPT, concept_short
from offramp.conflict.steps import move_words
from offramp.report.labels import mid_sentence

VERDICT = {
    "yes": "Yes",
    "no": "No",
    "depends": "Depends",
    "undetermined": "Undetermined",
}

#: A forecast whose 5th-95th percentile span is below this (points on the 0-100 scale) barely
#: moves: its rank correlations say which input it follows, not that anything matters much.
FLAT_FORECAST = 2.0
#: Forecast models whose values on one case differ by more than this (points) disagree widely.
WIDE_DISAGREEMENT = 20.0


# ------------------------------------------------------------------------------ labels


def _labels(report: dict[str, Any]) -> dict[str, Any]:
    return report.get("labels") or {}


def parameter_label(report: dict[str, Any], name: str, inside: bool = False) -> str:
    """The parameter's label (``inside``: as it reads inside a sentence)."""
    label = _labels(report).get("parameters", {}).get(name, name)
    return mid_sentence(label) if inside else label


def input_label(report: dict[str, Any], name: str, inside: bool = False) -> str:
    labels = _labels(report)
    label = labels.get("inputs", {}).get(name) or labels.get("parameters", {}).get(name, name)
    return mid_sentence(label) if inside else label


def target_label(report: dict[str, Any], target: str) -> str:
    """A sensitivity target ('question:ID', 'forecast:MODEL:DIM') in words."""
    kind, _, rest = target.partition(":")
    labels = _labels(report)
    if kind == "question":
        question: str = labels.get("questions", {}).get(rest, rest)
        return question
    if kind == "forecast":
        model, _, dim = rest.partition(":")
        return f"Forecast of {labels.get('dimensions', {}).get(dim, dim)} ({model} model)"
    return target


def dimension_label(report: dict[str, Any], name: str) -> str:
    label: str = _labels(report).get("dimensions", {}).get(name, name)
    return label


def share(p: float | None, decimals: int = 1) -> str:
    """A Monte Carlo share as a percentage; "no samples" when no sample finished (the share of
    nothing is not 0%)."""
    return "no samples" if p is None else f"{p:.{decimals}%}"


def bad_samples_sentence(mc: dict[str, Any]) -> str:
    """What a Monte Carlo left out: the samples it drew but could not evaluate, and why the
    first of them failed."""
    bad = mc.get("bad_samples") or 0
    drawn = mc["samples"] + bad
    why = mc.get("bad_sample_reason")
    return (
        f"{bad:,} of the {drawn:,} samples drawn could not be evaluated and are left out of "
        f"every figure" + (f" (the first: {why})" if why else "") + "."
    )


def number(value: float, decimals: int | None = None) -> str:
    """``value`` rounded to ``decimals`` places, without trailing zeros (7.00001 -> '7')."""
    if decimals is None:
        return f"{value:g}"
    text = f"{round(float(value), decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parameter_value(report: dict[str, Any], name: str, value: float) -> str:
    """A value of parameter ``name`` at the parameter's meaningful precision."""
    return number(value, _labels(report).get("precision", {}).get(name))


# ------------------------------------------------------------------------ evolution


def step_sentence(step: dict[str, Any], report: dict[str, Any] | None = None) -> str:
    """One move of the report's JSON in words, with the report's labels of options and
    decision makers (`offramp.conflict.steps.move_words`: "United States moves to offer trade
    concessions")."""
    labels = _labels(report or {})
    words = {**labels.get("options", {}), **labels.get("decision_makers", {})}
    return move_words(step["mover"], step["takes"], step["stops"], words)


def path_sentence(path: list[dict[str, Any]], report: dict[str, Any] | None = None) -> str:
    return (
        "; then ".join(step_sentence(s, report) for s in path)
        if path
        else "(the status quo itself)"
    )


# ------------------------------------------------------------------------ thresholds


def holding_intervals(th: dict[str, Any]) -> list[tuple[float | None, float | None]]:
    """Where the question holds within the searched range, as (from, to) intervals; None
    stands for the end of the range searched."""
    holds = th["holds_at_low"]
    start: float | None = None
    out: list[tuple[float | None, float | None]] = []
    for t in sorted(th["transitions"], key=lambda t: t["value"]):
        if t["becomes"] and not holds:
            start, holds = t["value"], True
        elif not t["becomes"] and holds:
            out.append((start, t["value"]))
            start, holds = None, False
    if holds:
        out.append((start, None))
    return out


def _interval_phrase(report: dict[str, Any], name: str, a: float | None, b: float | None) -> str:
    if a is None:
        return "at every value" if b is None else f"below {parameter_value(report, name, b)}"
    if b is None:
        return f"above {parameter_value(report, name, a)}"
    return f"between {parameter_value(report, name, a)} and {parameter_value(report, name, b)}"


def _threshold_terms(
    report: dict[str, Any], th: dict[str, Any]
) -> tuple[str, str, str, list[tuple[float | None, float | None]]]:
    """A threshold's parameter, its label, 'searched LO to HI' at the parameter's precision,
    and the intervals where the question holds."""
    name = th["parameter"]
    lo, hi = th["range"]
    searched = (
        f"searched {parameter_value(report, name, lo)} to {parameter_value(report, name, hi)}"
    )
    return name, parameter_label(report, name, True), searched, holding_intervals(th)


def threshold_sentence(th: dict[str, Any], report: dict[str, Any] | None = None) -> str:
    """Where a question holds as one parameter moves, at the parameter's precision:
    'holds when X is above 7 (searched 0 to 15)'."""
    report = report or {}
    name, label, searched, spans = _threshold_terms(report, th)
    searched = f"({searched})"
    if not spans:
        return f"does not hold for any value of {label} {searched}"
    if spans == [(None, None)]:
        return f"holds for every value of {label} {searched}"
    where = " or ".join(_interval_phrase(report, name, a, b) for a, b in spans)
    return f"holds when {label} is {where} {searched}"


def threshold_answer(report: dict[str, Any], q: dict[str, Any]) -> str | None:
    """The answer a threshold question asks for ('What concession would make China press?'):
    'More than 7 for value to China of the US trade concession (searched 0 to 15). Today it is
    4, so: no.'; None when no threshold was searched."""
    th = q.get("threshold")
    if not th:
        return None
    name, label, searched, spans = _threshold_terms(report, th)
    if not spans:
        head = f"No value of {label} from {searched.split(' ', 1)[1]} makes it hold"
    elif spans == [(None, None)]:
        head = f"Any value of {label} ({searched})"
    else:
        where = " or ".join(_interval_phrase(report, name, a, b) for a, b in spans)
        where = where.replace("above ", "more than ").replace("below ", "less than ")
        head = f"{where[0].upper()}{where[1:]} for {label} ({searched})"
    current = (report.get("parameters") or {}).get(name)
    today = (
        f" Today it is {parameter_value(report, name, current)}, so: "
        f"{VERDICT[q['verdict']].lower()}."
        if current is not None
        else ""
    )
    return f"{head}.{today}"


def answer_line(q: dict[str, Any], report: dict[str, Any] | None = None) -> str:
    """The answer with its evidence. A threshold question ('What concession would …?') is
    answered with the threshold first, then what holds at today's value."""
    report = report or {}
    basis = f"{q['basis'][0].upper()}{q['basis'][1:]}."
    now = ""
    if q.get("holds_now") is not None:
        now = f" Today (status quo): {'holds' if q['holds_now'] else 'does not hold'}."
    head = threshold_answer(report, q)
    if head:
        return f"{head} {basis}{now}"
    return f"{VERDICT[q['verdict']]}. {basis}{now}"


# ------------------------------------------------------------------------ findings


def drivers_phrase(report: dict[str, Any], drivers: list[dict[str, Any]]) -> str:
    """'with higher X and with lower Y'; a choice of an alternative (input 'NAME=CHOICE',
    drawn or not) has no 'higher': 'with X' when drawing it makes the answer likelier,
    'without X' else."""

    def one(d: dict[str, Any]) -> str:
        label = input_label(report, d["input"], True)
        if "=" in d["input"]:
            return f"{'with' if d['rho'] > 0 else 'without'} {label}"
        return f"with {'higher' if d['rho'] > 0 else 'lower'} {label}"

    return " and ".join(one(d) for d in drivers)


# ------------------------------------------------------------------ probabilities


def percent(p: float) -> str:
    """A probability in a sentence, to the tables' precision (one decimal): '0.3%', '12.0%',
    '99.7%', so a finding states the very number its table shows."""
    return f"{p:.1%}"


def _answer(q: dict[str, Any], verdict: str, n: int) -> dict[str, Any]:
    """A question's entry for one answer; an older run record (no ``answers``) gets its
    share with the Wilson interval recomputed from the count."""
    entry: dict[str, Any] | None = (q.get("answers") or {}).get(verdict)
    if entry is not None:
        return entry
    if q.get(verdict) is None:  # no sample finished
        return {"count": 0, "probability": None, "interval": [0.0, 1.0]}
    from offramp.uncertainty.proportions import answer_probability

    return answer_probability(round(q[verdict] * n), n)


def probability_phrase(q: dict[str, Any], verdict: str, n: int) -> str:
    """The probability of one answer in words: 'at most 0.3% (0 of 1,000 samples; one-sided
    95% bound)', 'at least 99.7% (…)', or '42% (95% interval 39%–45%, Wilson)'."""
    entry = _answer(q, verdict, n)
    if n <= 0 or entry.get("probability") is None:
        return "not estimated (no sample finished)"
    if entry["count"] == 0:
        return (
            f"at most {percent(entry['upper_bound_95'])} (0 of {n:,} samples; one-sided 95% bound)"
        )
    if entry["count"] == n:
        return (
            f"at least {percent(entry['lower_bound_95'])} ({n:,} of {n:,} samples; one-sided "
            "95% bound)"
        )
    lo, hi = entry["interval"]
    return f"{percent(entry['probability'])} (95% interval {percent(lo)}–{percent(hi)}, Wilson)"


def probability_cell(q: dict[str, Any], verdict: str, n: int) -> str:
    """A table cell: '≤ 0.3%' (none of n: the one-sided 95% bound), '≥ 99.7%' (all of n), or
    '42.0% (39.1–45.0)' (the Wilson 95% interval)."""
    entry = _answer(q, verdict, n)
    if n <= 0 or entry.get("probability") is None:
        return share(None)
    if entry["count"] == 0:
        return f"≤ {entry['upper_bound_95']:.1%}"
    if entry["count"] == n:
        return f"≥ {entry['lower_bound_95']:.1%}"
    lo, hi = entry["interval"]
    return f"{entry['probability']:.1%} ({lo:.1%}–{hi:.1%})"


PROBABILITY_NOTE = (
    "Probabilities are shares of the samples with the 95% Wilson interval; an answer no sample "
    "gave is shown as its one-sided 95% upper bound (≤, about 3/n), one every sample gave as "
    "its lower bound (≥)."
)


def no_driver(mc: dict[str, Any], target: str) -> str:
    """What a sensitivity row says when no input is distinguishable from noise: a conclusion
    every sample agrees on has no driver at all (its margin says what would flip it)."""
    kind, _, qid = target.partition(":")
    if kind == "question":
        q = next((q for q in mc.get("questions", []) if q["id"] == qid), None)
        if q is not None and q.get("margin"):
            return f"none: every sample answers {q['margin']['answer']} (see its margin)"
    return "none distinguishable from noise"


def margin_sentence(report: dict[str, Any], margin: dict[str, Any]) -> str:
    """By how much an answer every sample gave is decided: which judged ranges would have to
    move, and how far, for it to flip (one input at a time; see
    :mod:`offramp.uncertainty.margins`)."""
    parts = []
    for f in margin.get("flips", [])[:3]:
        name = f["input"]
        lo, hi = f["judged_range"]
        parts.append(
            f"{input_label(report, name, True)} moving to "
            f"{parameter_value(report, name, f['nearest'])} (judged "
            f"{parameter_value(report, name, lo)}–{parameter_value(report, name, hi)}, now "
            f"{parameter_value(report, name, f['value'])})"
        )
    if parts:
        text = "To flip, it would take " + "; or ".join(parts) + "."
        if margin.get("no_flip"):
            text += " No other single uncertain parameter flips it, even far beyond its range."
        return text
    if margin.get("no_flip"):
        return "No single uncertain parameter flips it, even far beyond its judged range."
    return ""


def findings(report: dict[str, Any]) -> list[str]:
    """One sentence per question: the answer (for a threshold question, the threshold), its
    probability under the declared uncertainty and what drives it."""
    mc = report.get("uncertainty") or {}
    by_id = {q["id"]: q for q in mc.get("questions", [])}
    out = []
    previous: list[str] = []
    previous_margin = ""
    for q in report["questions"]:
        answer = threshold_answer(report, q)
        text = f"{q['ask']} {answer if answer else VERDICT[q['verdict']] + '.'}"
        p = by_id.get(q["id"])
        if p is not None and p["yes"] is not None:
            n = mc.get("samples", 0)
            text += " Probability of yes under the declared uncertainty: " + probability_phrase(
                p, "yes", n
            )
            drivers = [
                d
                for d in mc["sensitivity"].get(f"question:{q['id']}", [])
                if d.get("significant", True)
            ][:2]
            names = [f"{d['input']}{d['rho'] > 0}" for d in drivers]
            if drivers and names == previous:
                text += ", with the same drivers"
            elif drivers:
                text += ", likelier " + drivers_phrase(report, drivers)
            previous = names
            text += "."
            margin = margin_sentence(report, p["margin"]) if p.get("margin") else ""
            if margin and margin == previous_margin:
                text += " The same inputs would have to move to flip it."
            elif margin:
                text += f" {margin}"
            previous_margin = margin
        out.append(text)
    out.extend(myopia_sentences(report))
    for sentence in disagreements(report):
        out.append(sentence)
    return out


def drivers_text(report: dict[str, Any], sensitivity: dict[str, Any], key: str, n: int = 2) -> str:
    """The inputs that move a conclusion most, as 'label (+0.59), label (-0.35)'; '—' if none
    is distinguishable from noise. A forecast that barely moves says so first."""
    drivers = [d for d in sensitivity.get(key, []) if d.get("significant", True)][:n]
    text = ", ".join(f"{input_label(report, d['input'], True)} ({d['rho']:+.2f})" for d in drivers)
    flat = flat_forecast(report, key)
    if flat and drivers:
        return f"{flat}; what little it moves follows {text}"
    return flat or text or "—"


def flat_forecast(report: dict[str, Any], key: str) -> str:
    """'barely moves (p5-p95 30.6-31.7)' for a forecast target whose spread is negligible;
    '' otherwise. Spearman's ρ measures how consistently a conclusion follows an input, not
    by how much: ρ = +1.00 on a forecast that spans one point means 'the only thing that moves
    it, a little', not 'it matters a lot'."""
    kind, _, rest = key.partition(":")
    if kind != "forecast":
        return ""
    model, _, dim = rest.partition(":")
    s = ((report.get("uncertainty") or {}).get("forecasts") or {}).get(model, {}).get(dim)
    if not s or s["p95"] - s["p5"] >= FLAT_FORECAST:
        return ""
    return f"barely moves (p5–p95: {s['p5']:.1f}–{s['p95']:.1f})"


# --------------------------------------------------------------- forecast disagreement


def track_record() -> dict[str, float]:
    """Each forecast model's mean absolute error on real EU decisions, from the bargaining
    package (lower is better); empty when it publishes none."""
    from offramp.report.track_record import model_errors

    return model_errors()


def findings_cases(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The negotiation cases the findings speak of: where the conflict settles (the cases the
    baseline row's forecast shows), or the positions as given when it settles nowhere. One
    number, one truth: a forecast the findings state is the one the tables show there."""
    part = report.get("bargaining") or {}
    cases = part.get("cases", [])
    settled = [c for c in cases if c["name"].startswith("settled-") and c.get("settles", True)]
    if settled:
        return settled
    return [c for c in cases if c["name"] == "as-given"]


def _where(case: dict[str, Any]) -> str:
    if case["name"] == "as-given" or case.get("state") is None:
        return "with the positions as given"
    return f"where the conflict settles (state {case['state']})"


def track_record_claim(models: list[str]) -> dict[str, Any]:
    """What the record says about ``models``: the best by mean absolute error on real EU
    decisions, whether its lead over every other one is distinguishable from zero (95%
    interval of the difference, bootstrapped over proposals), and the spread."""
    from offramp.report.track_record import gains

    errors = track_record()
    scored = {m: errors[m] for m in models if m in errors}
    if len(scored) < 2:
        return {}
    best = min(scored, key=scored.__getitem__)
    known = gains()
    ties = []
    for m in scored:
        if m == best:
            continue
        g = known.get((best, m))
        if g is None or g[2] >= 0:  # the interval of best - m reaches zero: not shown better
            ties.append((m, g))
    return {"best": best, "errors": scored, "ties": ties}


def disagreements(report: dict[str, Any]) -> list[str]:
    """A sentence per dimension on which the forecast models disagree widely where the
    conflict settles (or as given, when it settles nowhere), with why, and what the track
    record says: "trust X" only when X's lead is distinguishable from zero on the record."""
    part = report.get("bargaining")
    if not part:
        return []
    cases = findings_cases(report)
    out: list[str] = []
    for case in cases:
        where = _where(case)
        for k, d in enumerate(part["dimensions"]):
            vals = {m: v[k] for m, v in case["forecasts"].items() if v[k] is not None}
            if len(vals) < 2:
                continue
            lo = min(vals, key=vals.__getitem__)
            hi = max(vals, key=vals.__getitem__)
            if vals[hi] - vals[lo] <= WIDE_DISAGREEMENT:
                continue
            span = f"({lo} {vals[lo]:.1f}, {hi} {vals[hi]:.1f} on the 0–100 scale)"
            record = _record_sentence(track_record_claim(list(vals)), vals)
            if not out:  # why they differ, and what the record says, are said once
                said = record.split(" These models")[0].split(" so trust")[0]
                out.append(
                    f"The forecast models disagree on {mid_sentence(d['label'])} {where} "
                    f"{span}. {WHY_MODELS_DIFFER}{record}"
                )
                continue
            text = f"They also disagree on {mid_sentence(d['label'])} {where} {span}"
            rest = record.split(" These models")[0].split(" so trust")[0]
            text += "." if rest == said else f".{record}"
            out.append(text)
    return out


def _record_sentence(claim: dict[str, Any], vals: dict[str, float]) -> str:
    if not claim:
        return ""
    best, errors = claim["best"], claim["errors"]
    ranking = ", ".join(f"{m} {e:.1f}" for m, e in sorted(errors.items(), key=lambda x: x[1]))
    head = f" On real EU decisions (mean absolute error, 0–100 scale: {ranking})"
    if not claim["ties"]:
        return (
            f"{head} {best} has the best track record, and its lead over every other model "
            f"is distinguishable from zero, so trust {best} on where it lands "
            f"({vals[best]:.1f} here)."
        )
    tied = [best, *(m for m, _ in claim["ties"])]
    leads = "; ".join(
        f"{m}: {best}'s error minus {m}'s is {g[0]:+.1f} points, 95% interval {g[1]:+.1f} to "
        f"{g[2]:+.1f}"
        if g is not None
        else f"{best} against {m}: not measured"
        for m, g in claim["ties"]
    )
    spread = ", ".join(f"{m} {vals[m]:.1f}" for m in sorted(tied, key=vals.__getitem__))
    return (
        f"{head} {best} has the lowest error, but its lead is not distinguishable from zero "
        f"against {leads}. These models are indistinguishable on the record; here they span "
        f"{spread}."
    )


WHY_MODELS_DIFFER = (
    "The averaging models (offramp, compromise, median) put the outcome where the actors' "
    "weighted positions balance; the process models (smp, bdm) simulate rounds of challenges "
    "in which a side that expects to lose gives in completely, so they can land on one "
    "actor's position."
)


# ------------------------------------------------------------------------ evolution


def settle_lines(report: dict[str, Any]) -> list[tuple[str, str]]:
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
                    f"{e['steps']} step(s): {path_sentence(e['path'], report)}",
                )
            )
    return out


def settled_states(settled: list[dict[str, Any]]) -> str:
    """Where a variant's evolution settles, as one phrase."""
    return (
        "; ".join(f"state {e['id']} ({e['description']})" for e in settled)
        or f"no {concept_short(DEFAULT_CONCEPT)} equilibrium is reached"
    )


def threshold_suffix(q: dict[str, Any], report: dict[str, Any] | None = None) -> str:
    """A verdict cell's short threshold note: ' (> 7)', ' (always)', ' (never)' or ''."""
    th = q.get("threshold")
    if not th:
        return ""
    spans = holding_intervals(th)
    if not spans:
        return " (never)"
    if spans == [(None, None)]:
        return " (always)"
    name = th["parameter"]
    a, b = spans[0]
    if b is None:  # (None, None) comes from holding_intervals only alone, but keep it right
        return " (always)" if a is None else f" (> {parameter_value(report or {}, name, a)})"
    if a is None:
        return f" (< {parameter_value(report or {}, name, b)})"
    return f" ({parameter_value(report or {}, name, a)}–{parameter_value(report or {}, name, b)})"


# ------------------------------------------------------------------------------ as of a date
def as_of_sentence(report: dict[str, Any]) -> str | None:
    """What evidence the report rests on: the analysis date, or every figure."""
    when = report.get("as_of")
    if when is None:
        return None
    return f"As of {when}: only the evidence published by then feeds the answers."


def next_sentences(report: dict[str, Any]) -> list[str]:
    """'What happened next': the figures published after the analysis date and the answers
    the same questions get with them (never the report's own answers)."""
    nxt = report.get("what_happened_next")
    if not nxt:
        return []
    out = []
    for f in nxt["figures"]:
        value = "" if f.get("value") is None else f" {number(f['value'])} {f['unit']}"
        out.append(f"Published {f['published']}: {f.get('label') or f['id']}{value}.")
    if nxt.get("error"):
        out.append(f"With every figure the scenario cannot be analysed: {nxt['error']}")
        return out
    for name, v in nxt.get("parameters", {}).items():
        out.append(
            f"{parameter_label(report, name)}: {number(v['as_of'])} as of {nxt['as_of']}, "
            f"{number(v['later'])} with the later figures."
        )
    for q in nxt.get("questions", []):
        same = "unchanged" if q["as_of"] == q["later"] else "changed"
        out.append(
            f"{q['ask']} {VERDICT.get(q['as_of'], q['as_of'])} as of {nxt['as_of']}; "
            f"{VERDICT.get(q['later'], q['later'])} with the later figures ({same})."
        )
    return out


# ------------------------------------------------------------------ misperception variants


def perceived_suffix(q: dict[str, Any]) -> str:
    """For a misperception variant (a hypergame): ' (as perceived: No)' after the answer seen
    correctly; '' for any other answer."""
    seen = q.get("perceived_verdict")
    return f" (as perceived: {VERDICT[seen]})" if seen else ""


def variant_title(v: dict[str, Any]) -> str:
    """A variant's label, with its kind when it is a misperception (a hypergame)."""
    return f"{v['label']} (misperception)" if v.get("kind") == "misperception" else v["label"]


def perceived_settles(v: dict[str, Any]) -> str | None:
    """Where a misperception variant settles as perceived (the default concept), as one
    phrase; None for a counterfactual."""
    part = v.get("perceived")
    if not part:
        return None
    return settled_states(part["settles_at"].get(DEFAULT_CONCEPT, []))


# ------------------------------------------------------------------ inverse through formulas


def through_formula_lines(changes: dict[str, Any]) -> list[str]:
    """What each change of an inverse answer means through formulas: a derived parameter's
    new value stated in each input of its formula alone ("trade_relief 7.001 needs, one input
    alone: Size of a US tariff concession 10 → 145.9 % (plausible 10–20: outside; beyond
    0–100 %)"), and the derived parameters a formula input moves."""
    out = []
    for p, c in changes.items():
        if c.get("via"):
            parts = []
            for name, v in c["via"].items():
                unit = f" {v['unit']}" if v.get("unit") else ""
                if v["to"] is None:
                    parts.append(f"{name}: no value alone gives it")
                    continue
                text = f"{name} {v['from']:.6g} → {v['to']:.6g}{unit}"
                flags = []
                if v.get("kind") == "figure":
                    lo, hi = v["plausible"]
                    span = f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"
                    if v.get("outside_plausible"):
                        flags.append(f"outside its plausible {span}")
                    if v.get("outside_unit_bounds"):
                        flags.append("beyond 0–100 %")
                if flags:
                    text += f" ({'; '.join(flags)})"
                parts.append(text)
            out.append(f"{p} {c['to']:.6g} means, one input alone: " + "; ".join(parts) + ".")
        if c.get("effects"):
            moved = ", ".join(
                f"{d} {e['from']:.6g} → {e['to']:.6g}" for d, e in c["effects"].items()
            )
            out.append(f"{p} {c['to']:.6g} moves, through formulas: {moved}.")
    return out


# ------------------------------------------------------------------ myopia


def _dm_label(report: dict[str, Any], name: str) -> str:
    for dm in report.get("decision_makers") or []:
        if dm.get("name") == name:
            return str(dm.get("label") or name)
    return name


def myopia_sentences(report: dict[str, Any]) -> list[str]:
    """Where the farsighted concepts (L_h, NM on two-DM reductions) disagree with the myopic
    "where it settles": one sentence per settled state, said next to the answer."""
    part = report.get("farsighted")
    if not part:
        return _coalition_sentences(report, DEFAULT_CONCEPT)
    out = []
    for st in part["states"]:
        if not st["unstable"]:
            continue
        parts = []
        for u in st["unstable"]:
            fixed = ", ".join(_dm_label(report, d) for d in u["fixed"])
            held = f", {fixed} held at its options there" if fixed else ""
            parts.append(
                f"{_dm_label(report, u['dm'])} would not stay ({', '.join(u['concepts'])}) in "
                f"its game with {_dm_label(report, u['with'])}{held}"
            )
        out.append(
            f"Where it settles (state {st['id']}) follows moves made for an immediate gain; "
            "looking ahead, " + "; ".join(parts) + ". The answers that rest on it may change "
            "if the decision makers anticipate (limited-move stability L_h and non-myopic "
            "stability NM, on two-DM reductions)."
        )
    out.extend(_coalition_sentences(report, part.get("concept", DEFAULT_CONCEPT)))
    return out


def _coalition_sentences(report: dict[str, Any], concept: str) -> list[str]:
    """Where the coalition analysis (when it was run) finds a joint move away from a state
    where the conflict settles."""
    ca = report.get("coalition_analysis") or {}
    stable = (ca.get("coalition_stable") or {}).get(concept)
    if not stable:
        return []
    out = []
    for e in report["settles_at"].get(concept, []):
        movers = [name for name, states in stable.items() if e["id"] not in states]
        if movers:
            out.append(
                f"Where it settles (state {e['id']}) is not stable against a joint move of "
                f"{', '.join(movers)} (coalition analysis): decision makers acting together "
                "would leave it."
            )
    return out
