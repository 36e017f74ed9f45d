"""Random small scenarios whose weights use 1-3 parameters, for the inverse analyses' tests.

Generated as plain dicts (offramp/1), so the tests re-run the ordinary analysis on them.
"""

from __future__ import annotations

from hypothesis import strategies as st

from offramp.conflict.concepts import DEFAULT_CONCEPTS


@st.composite
def literal(draw, options: list[str]) -> str:
    name = draw(st.sampled_from(options))
    return name if draw(st.booleans()) else "!" + name


@st.composite
def conjunction(draw, options: list[str]) -> str:
    lits = draw(st.lists(literal(options), min_size=1, max_size=2))
    return " & ".join(lits)


@st.composite
def parametric_scenarios(draw, n_params: int | None = None) -> dict:
    n_dms = draw(st.integers(2, 3))
    dms, options = [], []
    for i in range(n_dms):
        count = draw(st.integers(1, 2))
        names = [f"o{k}" for k in range(count)]
        dms.append(
            {
                "name": f"D{i}",
                "options": [
                    {"name": nm, "direction": draw(st.sampled_from(["both", "both", "forward"]))}
                    for nm in names
                ],
            }
        )
        options += [f"D{i}.{nm}" for nm in names]
    d = n_params if n_params is not None else draw(st.integers(1, 3))
    params = {}
    for k in range(d):
        value = draw(st.integers(-3, 5))
        params[f"p{k}"] = {
            "value": value,
            "distribution": {
                "type": "uniform",
                "low": value - draw(st.integers(1, 6)),
                "high": value + draw(st.integers(1, 6)),
            },
        }
    prefs = {}
    names = list(params)
    for i in range(n_dms):
        own = [o for o in options if o.startswith(f"D{i}.")]
        weights = []
        if i < len(names):  # a parameter on one of the DM's own options: it can flip its choice
            weights.append({"when": draw(st.sampled_from(own)), "value": names[i]})
        for _ in range(draw(st.integers(1, 3))):
            when = draw(conjunction(options))
            if draw(st.integers(0, 3)) == 0:
                name = draw(st.sampled_from(names))
                value = name if draw(st.booleans()) else "-" + name
            else:
                value = draw(st.integers(-5, 5))
            weights.append({"when": when, "value": value})
        prefs[f"D{i}"] = {"weights": weights}
    for name in names[n_dms:]:  # every parameter is used by some weight
        i = draw(st.integers(0, n_dms - 1))
        own = [o for o in options if o.startswith(f"D{i}.")]
        prefs[f"D{i}"]["weights"].append({"when": draw(st.sampled_from(own)), "value": name})
    status_quo = draw(st.lists(st.sampled_from(options), unique=True, max_size=1))
    return {
        "format": "offramp/1",
        "name": "random parametric conflict",
        "decision_makers": dms,
        "status_quo": status_quo,
        "parameters": params,
        "preferences": prefs,
        "questions": [
            {
                "id": "goal",
                "ask": "Does it happen?",
                "holds_when": draw(st.one_of(literal(options), conjunction(options))),
                "concept": draw(st.sampled_from(DEFAULT_CONCEPTS)),
            }
        ],
    }
