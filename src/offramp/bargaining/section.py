"""From a scenario's ``bargaining`` section (a plain dict, as read from YAML) to a problem."""

from __future__ import annotations

from typing import Any

import numpy as np

from offramp.bargaining.inputs import BargainingInputError, BargainingProblem


def problem_from_section(section: Any, name: str = "") -> BargainingProblem:
    """Build a `BargainingProblem` from a ``bargaining`` section.

    ``section`` is the section as a plain dict (validated here with
    `offramp.scenario.bargaining_section.BargainingSection`) or an already validated
    ``BargainingSection``. Saliences are given on 0-100 in the scenario and become 0-1 here.
    A validation failure raises `BargainingInputError` with the pydantic messages, each
    prefixed by its path inside the section.
    """
    # Imported here: the scenario package imports this module's package, not the reverse.
    from pydantic import ValidationError

    from offramp.scenario.bargaining_section import BargainingSection

    if isinstance(section, BargainingSection):
        sec = section
    else:
        try:
            sec = BargainingSection.model_validate(section)
        except ValidationError as exc:
            msgs = []
            for err in exc.errors():
                loc = ".".join(
                    f"[{p}]" if isinstance(p, int) else str(p) for p in err.get("loc", ())
                ).replace(".[", "[")
                text = str(err.get("msg", "invalid")).removeprefix("Value error, ")
                for part in text.split("\n"):
                    # Cross-checks put their own path first ("actors[1].positions.x: ...").
                    msgs.append(f"bargaining.{loc}: {part}" if loc else f"bargaining.{part}")
            raise BargainingInputError("\n".join(msgs)) from None
    dims = [d.name for d in sec.dimensions]
    return BargainingProblem(
        actors=[a.name for a in sec.actors],
        dimensions=dims,
        capabilities=np.array([a.capability for a in sec.actors]),
        positions=np.array([[a.positions[d] for d in dims] for a in sec.actors]),
        saliences=np.array([[a.salience[d] / 100.0 for d in dims] for a in sec.actors]),
        name=name,
        dimension_labels={d.name: d.label or d.name for d in sec.dimensions},
    )
