"""The names a reader understands, for the ids a scenario file uses.

A report speaks of ``trade_relief``, ``RU.capability`` or ``question:china-presses`` only
where the reader needs the id to find it in the file; everywhere else (findings, drivers,
charts) it uses the labels the analyst wrote: "Value to China of the US trade concession".
:func:`labels_part` collects them once, as plain data in the report dict, so that every
renderer (text, Markdown, HTML, JSON) says the same and needs no scenario object.

It also records each parameter's *precision*: thresholds found by bisection land at values
like 7.00001, which no analyst meant; a threshold is shown with one decimal more than the
finest number the analyst wrote for that parameter (its value, distribution, search range and
variants), so 7.00001 reads "7" and 6.53 reads "6.5" when the inputs are whole numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from offramp.analysis.scenario import Scenario

MAX_DECIMALS = 6


def decimals(x: float) -> int:
    """Decimal places ``x`` is written with (4 -> 0, 0.25 -> 2, 1e-7 -> MAX_DECIMALS)."""
    text = f"{float(x):.{MAX_DECIMALS}f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _parameter_numbers(scenario: Scenario, name: str) -> list[float]:
    doc = scenario.spec.document
    p = doc.parameters.get(name)
    out = [float(scenario.spec.parameters[name])]
    if p is not None and not isinstance(p, int | float):
        dist = p.distribution
        if dist is not None:
            out += [float(v) for v in dist.stated()]
    for q in scenario.spec.questions:
        if q.parameter == name and q.search_range:
            out += [float(v) for v in q.search_range]
    for v in doc.variants:
        if name in v.parameters:
            out.append(float(v.parameters[name]))
    return out


def parameter_label(scenario: Scenario, name: str) -> str:
    """The parameter's label, or its id when it has none (a plain number has none)."""
    p = scenario.spec.document.parameters.get(name)
    label = getattr(p, "label", None)
    return str(label).strip() if label else name


def possessive(name: str) -> str:
    """ "China's", "United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def mid_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Terms of a settlement" -> "terms of a
    settlement", but "US tariffs" and "China's …" keep their capitals (acronyms, names:
    a capital followed by another capital or an apostrophe, or a known proper noun)."""
    words = label.split(" ", 1)
    first = words[0]
    plain = len(first) > 1 and first[0].isupper() and first[1:].islower() and first.isalpha()
    if plain and first.lower() in COMMON_STARTS:
        return first.lower() + label[len(first) :]
    return label


#: Words that start a label as an ordinary noun phrase (lower-cased mid-sentence); any other
#: capitalised first word is taken for a name (China, Russia) and kept.
COMMON_STARTS = {
    "value", "cost", "terms", "level", "what", "the", "a", "an", "gain", "loss", "fear",
    "share", "size", "number", "probability", "chance", "risk", "price", "rate", "degree",
    "strength", "weight", "benefit", "damage", "position", "salience", "capability",
    "support", "pressure", "threat", "time", "how", "whether",
}  # fmt: skip


def _input_label(scenario: Scenario, name: str, params: dict[str, str]) -> str:
    """A Monte Carlo input in words: a parameter's label, or an actor's capability, position
    or salience on a dimension by their labels, or a DM's weight."""
    if name in params:
        return params[name]
    for alt in scenario.spec.alternatives:  # an alternative's choice: 'label: choice label'
        for choice, label in zip(alt.choices, alt.choice_labels, strict=True):
            if name == alt.column(choice):
                return f"{alt.label}: {label}"
    section = scenario.spec.bargaining
    head, _, rest = name.partition(".")
    if section is not None:
        actors = {a.name: a.label or a.name for a in section.actors}
        dims = {d.name: d.label or d.name for d in section.dimensions}
        if head in actors:
            who = possessive(actors[head])
            if rest == "capability":
                return f"{who} capability in the negotiation"
            kind, _, dim = rest.partition(".")
            if kind == "positions" and dim in dims:
                return f"{who} position on {mid_sentence(dims[dim])}"
            if kind == "salience" and dim in dims:
                return f"{who} salience of {mid_sentence(dims[dim])}"
    if head in scenario.spec.dm_names and rest.startswith(("weights[", "prioritization[")):
        return f"{possessive(scenario.spec.dm_label(head))} preference {rest}"
    return name


def labels_part(scenario: Scenario, inputs: list[str] | None = None) -> dict[str, Any]:
    """{parameters: {id: label}, precision: {id: decimals}, inputs: {id: label},
    questions: {id: ask}, dimensions: {id: label}, options: {DM.option: label},
    decision_makers: {id: label}}."""
    params = {k: parameter_label(scenario, k) for k in scenario.spec.parameters}
    precision = {
        k: min(MAX_DECIMALS, 1 + max(decimals(x) for x in _parameter_numbers(scenario, k)))
        for k in scenario.spec.parameters
    }
    names = (
        list(inputs or [])
        + [u.name for u in scenario.spec.uncertain]
        + [a.column(c) for a in scenario.spec.sampled_alternatives for c in a.choices]
    )
    section = scenario.spec.bargaining
    model = scenario.conflict
    return {
        "parameters": params,
        "precision": precision,
        "inputs": {n: _input_label(scenario, n, params) for n in names},
        "questions": {q.id: q.ask for q in scenario.spec.questions},
        "dimensions": {d.name: d.label or d.name for d in section.dimensions} if section else {},
        # the conflict model's labels (filled from the file when it is compiled)
        "options": {name: model.label(name) for name in model.option_names},
        "decision_makers": {dm: model.label(dm) for dm in model.dm_names},
    }
