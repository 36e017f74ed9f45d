"""Stability results as plain data: the contract's JSON and a few views analysts ask for."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from offramp.conflict.concepts import REGISTRY, get_concept
from offramp.conflict.state_ids import to_id, to_index
from offramp.errors import InputError, did_you_mean

if TYPE_CHECKING:
    from offramp.conflict.model import ConflictModel

#: Up to this many states the JSON output takes the contract's form (a dict and a list per
#: state); above it, ``form="auto"`` writes the compact form (docs/stability-json.md).
FULL_JSON_MAX_STATES = 100_000
JSON_FORMS = ("auto", "full", "compact")
#: Up to this many states the full form is written by ``json.dumps`` in one piece (the
#: contract's exact layout); above, it is streamed state by state, one record per line.
SMALL_JSON_STATES = 2_000
_CHUNK = 1 << 16  # states written per piece when streaming


@dataclass
class StabilityResult:
    """``stable[concept][i, s]`` is True when state s is stable for DM i under the concept."""

    model: ConflictModel
    stable: dict[str, np.ndarray]
    sweeps: dict[str, list[int]] = field(default_factory=dict)
    #: per concept, the parameters it was computed with (e.g. ``{"lh": {"horizon": 3}}``)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def concepts(self) -> list[str]:
        return [c for c in REGISTRY if c in self.stable]  # registry order

    def equilibrium_mask(self, concept: str) -> np.ndarray:
        """Per state, True when it is stable for every DM (an equilibrium of ``concept``)."""
        mask: np.ndarray = np.logical_and.reduce(self.stable[concept], axis=0)
        return mask

    def equilibria(self, concept: str) -> np.ndarray:
        """Indices of the states stable for every DM."""
        return np.flatnonzero(self.equilibrium_mask(concept))

    def dm_index(self, dm: str | int) -> int:
        """The index of a DM given by name (or already by index), checked."""
        names = self.model.dm_names
        if isinstance(dm, str):
            if dm in names:
                return names.index(dm)
            raise InputError(
                f"unknown decision maker '{dm}'{did_you_mean(dm, names)}; "
                f"this conflict has {', '.join(names)}"
            )
        if isinstance(dm, int) and not isinstance(dm, bool) and 0 <= dm < len(names):
            return dm
        raise InputError(f"decision maker must be one of {', '.join(names)}, not {dm!r}")

    def concept_key(self, concept: str) -> str:
        """``concept`` checked against the registry and against what this result computed."""
        key = get_concept(concept).key
        if key not in self.stable:
            raise InputError(
                f"concept '{key}' was not computed for this result; it has "
                f"{', '.join(self.concepts)}"
            )
        return key

    def is_stable(self, state_id: int, dm: str | int, concept: str) -> bool:
        """Whether the state with user id ``state_id`` (from 1) is stable for ``dm``."""
        s = to_index(state_id, self.model.n_states)
        return bool(self.stable[self.concept_key(concept)][self.dm_index(dm), s])

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON object (``offramp stability --format json``)."""
        model = self.model
        states = [{"id": to_id(s), "taken": model.taken(s)} for s in range(model.n_states)]
        stable = {
            c: {
                dm: [to_id(int(s)) for s in np.flatnonzero(self.stable[c][i])]
                for i, dm in enumerate(model.dm_names)
            }
            for c in self.concepts
        }
        equilibria = {c: [to_id(s) for s in self.equilibria(c)] for c in self.concepts}
        out = {
            "scenario": model.name,
            "decision_makers": list(model.dm_names),
            "states": states,
            "stable": stable,
            "equilibria": equilibria,
        }
        out.update(self.extras())
        return out

    def extras(self) -> dict[str, Any]:
        """What the concepts add to the JSON (e.g. the horizon L_h looked ahead)."""
        out: dict[str, Any] = {}
        for c in self.concepts:
            extra = get_concept(c).extra_json
            if extra is not None:
                out.update(extra(self))
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    # ------------------------------------------------------------------ output at scale
    def json_form(self, form: str = "auto") -> str:
        """``"full"`` or ``"compact"``: what ``form`` (auto, full, compact) means here."""
        if form not in JSON_FORMS:
            raise InputError(f"JSON form must be one of {', '.join(JSON_FORMS)}, not {form!r}")
        if form == "auto":
            return "full" if self.model.n_states <= FULL_JSON_MAX_STATES else "compact"
        return form

    def compact_dict(self) -> dict[str, Any]:
        """The compact JSON form: states as bit codes (bit k = option k of ``options``), every
        stable set and equilibrium set as inclusive ranges of state ids."""
        model = self.model
        return {
            "scenario": model.name,
            "form": "compact",
            "decision_makers": list(model.dm_names),
            "options": list(model.option_names),
            "states": {"count": model.n_states, "codes": [int(c) for c in model.codes]},
            "stable": {
                c: {dm: id_ranges(self.stable[c][i]) for i, dm in enumerate(model.dm_names)}
                for c in self.concepts
            },
            "equilibria": {c: id_ranges(self.equilibrium_mask(c)) for c in self.concepts},
            **self.extras(),
        }

    def write_json(
        self, out: TextIO, form: str = "auto", extra: dict[str, Any] | None = None
    ) -> None:
        """Write the JSON (contract form or compact, see :meth:`json_form`) to ``out`` piece by
        piece, so that a million-state result never exists as one string or as a dict per
        state. Small full results (up to :data:`SMALL_JSON_STATES`) are written exactly as
        ``json.dumps(to_dict(), indent=2)``. ``extra``: more top-level keys (e.g. the coalition
        analysis), written last."""
        form = self.json_form(form)
        model = self.model
        more = {**self.extras(), **(extra or {})}
        if form == "full" and model.n_states <= SMALL_JSON_STATES:
            data = {**self.to_dict(), **(extra or {})}
            out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            return
        dumps = _dumps
        head: dict[str, Any] = {"scenario": model.name}
        if form == "compact":
            head["form"] = "compact"
        head["decision_makers"] = list(model.dm_names)
        if form == "compact":
            head["options"] = list(model.option_names)
        out.write("{\n" + "".join(f"  {dumps(k)}: {dumps(v)},\n" for k, v in head.items()))
        if form == "compact":
            out.write(f'  "states": {{"count": {model.n_states}, "codes": [')
            for lo in range(0, model.n_states, _CHUNK):
                part = ",".join(map(str, model.codes[lo : lo + _CHUNK].tolist()))
                out.write(("," if lo else "") + part)
            out.write("]},\n")
            sets: Callable[[np.ndarray], str] = _ranges_json
        else:
            out.write('  "states": [')
            names = [dumps(n) for n in model.option_names]
            for lo in range(0, model.n_states, _CHUNK):
                hi = min(lo + _CHUNK, model.n_states)
                out.write(
                    ("," if lo else "")
                    + "\n    "
                    + ",\n    ".join(
                        f'{{"id": {lo + k + 1}, "taken": [{t}]}}'
                        for k, t in enumerate(_taken_json(model.codes[lo:hi], names))
                    )
                )
            out.write("\n  ],\n")
            sets = _ids_json
        out.write('  "stable": {')
        for ci, c in enumerate(self.concepts):
            out.write(("," if ci else "") + f"\n    {dumps(c)}: {{")
            for i, dm in enumerate(model.dm_names):
                out.write(("," if i else "") + f"\n      {dumps(dm)}: ")
                out.write(sets(self.stable[c][i]))
            out.write("\n    }")
        out.write("\n  },\n")
        out.write('  "equilibria": {')
        for ci, c in enumerate(self.concepts):
            out.write(("," if ci else "") + f"\n    {dumps(c)}: ")
            out.write(sets(self.equilibrium_mask(c)))
        out.write("\n  }")
        for key, value in more.items():
            out.write(f",\n  {dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
        out.write("\n}\n")

    def summary_dict(self, listed: int = 100) -> dict[str, Any]:
        """Counts instead of enumeration (what the run history keeps of a large result): per
        concept the number of equilibria and the first ``listed`` of them, per DM and concept
        the number of stable states."""
        model = self.model
        return {
            "scenario": model.name,
            "form": "summary",
            "decision_makers": list(model.dm_names),
            "feasible_states": model.n_states,
            "stable_counts": {
                c: {dm: int(self.stable[c][i].sum()) for i, dm in enumerate(model.dm_names)}
                for c in self.concepts
            },
            "equilibrium_counts": {c: len(self.equilibria(c)) for c in self.concepts},
            "equilibria": {
                c: [
                    {"id": to_id(int(s)), "taken": model.taken(int(s))}
                    for s in self.equilibria(c)[:listed]
                ]
                for c in self.concepts
            },
        }

    def record_dict(self) -> dict[str, Any]:
        """What the run history keeps: the contract's dict when small, else the summary."""
        if self.model.n_states <= FULL_JSON_MAX_STATES:
            return self.to_dict()
        return self.summary_dict()

    def by_taken(self) -> dict[str, Any]:
        """Equilibria and stable sets keyed by the options taken (sorted), as in shared data."""
        model = self.model

        def names(idx: np.ndarray) -> list[list[str]]:
            return sorted(sorted(model.taken(int(s))) for s in idx)

        return {
            "equilibria": {c: names(self.equilibria(c)) for c in self.concepts},
            "stable": {
                dm: {c: names(np.flatnonzero(self.stable[c][i])) for c in self.concepts}
                for i, dm in enumerate(model.dm_names)
            },
            "feasible_states": model.n_states,
        }


def id_ranges(flags: np.ndarray) -> list[list[int]]:
    """The ids (from 1) of the True entries as inclusive ``[first, last]`` ranges."""
    starts, ends = _runs(flags)
    return [[int(a), int(b)] for a, b in zip(starts, ends, strict=True)]


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    edges = np.diff(np.r_[0, np.asarray(flags, dtype=np.int8), 0])
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return starts + 1, ends + 1


def _ranges_json(flags: np.ndarray) -> str:
    starts, ends = _runs(flags)
    parts = []
    for lo in range(0, len(starts), _CHUNK):
        # One %-format over the interleaved bounds: no Python-level loop per range.
        flat = np.empty(2 * len(starts[lo : lo + _CHUNK]), dtype=np.int64)
        flat[0::2] = starts[lo : lo + _CHUNK]
        flat[1::2] = ends[lo : lo + _CHUNK]
        parts.append(",".join(["[%d,%d]"] * (len(flat) // 2)) % tuple(flat.tolist()))
    return "[" + ",".join(parts) + "]"


def _ids_json(flags: np.ndarray) -> str:
    ids = np.flatnonzero(flags) + 1
    return (
        "["
        + ",".join(
            ",".join(map(str, ids[lo : lo + _CHUNK].tolist())) for lo in range(0, len(ids), _CHUNK)
        )
        + "]"
    )


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _taken_json(codes: np.ndarray, names: list[str]) -> list[str]:
    """Per code, the JSON-quoted names of the options taken, comma-separated: looked up a byte
    of options at a time instead of testing every option of every state."""
    parts = []
    for lo in range(0, len(names), 8):
        chunk = names[lo : lo + 8]
        table = [", ".join(chunk[k] for k in range(len(chunk)) if v >> k & 1) for v in range(256)]
        byte = ((codes >> np.uint64(lo)) & np.uint64(255)).astype(np.intp)
        parts.append(np.array(table, dtype=object)[byte])
    if not parts:
        return [""] * len(codes)
    return [
        ", ".join(p for p in row if p) for row in zip(*(p.tolist() for p in parts), strict=True)
    ]
