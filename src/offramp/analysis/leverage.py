"""Who depends on whom, and how much: the leverage view of a scenario's evidence.

Leverage grows out of asymmetric interdependence (Keohane and Nye): the party that needs the
relationship less can threaten to change it. Each ``kind: dependency`` figure of the evidence
says that ``from`` depends on ``to`` through one flow: with ``flow: exports``, the share of
``from``'s exports of a good that ``to`` buys; with ``flow: imports``, the share of ``from``'s
imports of a good that ``to`` supplies. For each pair of parties this module takes, in each
direction, the strongest single dependency (a lever is as strong as the most exposed flow, not
the average of all flows) and reports the difference: the asymmetry, and who holds the lever.

References: R. O. Keohane and J. S. Nye, *Power and Interdependence*, 1977 (sensitivity and
vulnerability interdependence); A. O. Hirschman, *National Power and the Structure of Foreign
Trade*, 1945 (the influence effect of trade shares).
"""

from __future__ import annotations

from typing import Any

from offramp.scenario.derived import figure_data
from offramp.scenario.spec import ScenarioSpec


def leverage_data(spec: ScenarioSpec) -> dict[str, Any] | None:
    """The dependencies (as shares in [0, 1]) and, per pair of parties, the asymmetry; ``None``
    when the evidence declares no dependency."""
    deps = [r for r in spec.derivation.figures.values() if r.figure.kind == "dependency"]
    if not deps:
        return None
    rows = []
    for r in deps:
        f = r.figure
        scale = 0.01 if r.unit == (("%", 1),) else 1.0
        row = figure_data(r)
        row.update(
            {
                "share": f.point * scale,
                "share_low": None if f.low is None else f.low * scale,
                "share_high": None if f.high is None else f.high * scale,
                "reads": (
                    f"share of {f.from_}'s exports of {f.good} bought by {f.to}"
                    if f.flow == "exports"
                    else f"share of {f.from_}'s imports of {f.good} supplied by {f.to}"
                ),
            }
        )
        rows.append(row)
    strongest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["from"], row["to"])
        if key not in strongest or row["share"] > strongest[key]["share"]:
            strongest[key] = row
    pairs: list[dict[str, Any]] = []
    seen: set[frozenset[Any]] = set()
    for a, b in strongest:
        if frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        ab, ba = strongest.get((a, b)), strongest.get((b, a))
        a_on_b = ab["share"] if ab else 0.0
        b_on_a = ba["share"] if ba else 0.0
        if b_on_a > a_on_b:
            a, b, ab, ba, a_on_b, b_on_a = b, a, ba, ab, b_on_a, a_on_b
        pairs.append(
            {
                "dependent": a,
                "holder": b,
                "dependence": a_on_b,
                "via": ab["id"] if ab else None,
                "reverse_dependence": b_on_a,
                "reverse_via": ba["id"] if ba else None,
                "reverse_declared": ba is not None,
                "asymmetry": a_on_b - b_on_a,
            }
        )
    pairs.sort(key=lambda p: -p["asymmetry"])
    return {"dependencies": rows, "pairs": pairs}
