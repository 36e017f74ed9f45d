"""A KTAB CSV case written in KTAB's XML format, for the reader tests and the fuzz seeds."""

from __future__ import annotations

from pathlib import Path

from offramp.bargaining.ktab import read_ktab_csv


def ktab_xml(path: Path) -> str:
    """Write the CSV case in KTAB's XML format (built here, from the shared CSV)."""
    p = read_ktab_csv(path)
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        f"<Scenario><name>{p.name}</name><desc>{p.description}</desc><prngSeed>1</prngSeed>",
        "<Dimensions>" + "".join(f"<dName>{d}</dName>" for d in p.dimensions) + "</Dimensions>",
        "<Actors>",
    ]
    for i, a in enumerate(p.actors):
        coords = "".join(f"<dCoord>{float(x)!r}</dCoord>" for x in p.positions[i])
        sals = "".join(f"<dSal>{float(100 * s)!r}</dSal>" for s in p.saliences[i])
        parts.append(
            f"<Actor><name>{a}</name><description>x</description>"
            f"<capability>{float(p.capabilities[i])!r}</capability>"
            f"<Position>{coords}</Position><Salience>{sals}</Salience></Actor>"
        )
    parts.append("</Actors></Scenario>")
    return "\n".join(parts)
