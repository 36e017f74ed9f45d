"""Preference scores as affine functions of a scenario's named parameters.

A weights preference scores a state as the sum of the weights whose statement holds there; a
weight is a number or ± a parameter. So DM i's score of state s is
``C[i, s] + Σ_p A[i, s, p] · x_p``: affine in the parameters x. Rankings and prioritizations do
not depend on parameters (A = 0). Every conclusion of the conflict model depends on the scores
only through each DM's ranking, so a conclusion can change only where, for some DM, two states'
scores become equal: on the *crossing hyperplane* ``(A[i,s] - A[i,t]) · x = C[i,t] - C[i,s]``.
Between those hyperplanes every conclusion is constant. This module builds the affine form and
the crossing hyperplanes (de-duplicated, over the parameters allowed to change, the others held
at their values); :mod:`.arrangement` walks the cells they cut the parameter box into.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from offramp.scenario.spec import ScenarioSpec
from offramp.scenario.statements import evaluate_codes


@dataclass
class AffineScores:
    """``scores(x) = C + A @ x`` per DM and state; ``names`` orders the parameters of x."""

    names: list[str]
    C: np.ndarray  # (n_dms, S)
    A: np.ndarray  # (n_dms, S, P)

    def at(self, values: dict[str, float]) -> np.ndarray:
        x = np.array([values[p] for p in self.names], dtype=np.float64)
        return self.C + self.A @ x

    def crossing_hyperplanes(
        self, free: list[str], point: dict[str, float]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Hyperplanes ``N @ y = b`` in the space of the ``free`` parameters (the others held at
        ``point``) where some DM's scores of two states tie; rows normalised (largest |entry| 1,
        first non-zero entry positive) and de-duplicated."""
        cols = [self.names.index(p) for p in free]
        fixed = [k for k in range(len(self.names)) if k not in cols]
        x_fixed = np.array([point[self.names[k]] for k in fixed], dtype=np.float64)
        normals, offsets = [], []
        for i in range(self.C.shape[0]):
            a = self.A[i][:, cols]
            if not a.any():
                continue
            c = self.C[i] + (self.A[i][:, fixed] @ x_fixed if fixed else 0.0)
            rows = np.unique(np.column_stack([a, c]), axis=0)  # distinct (A, C) classes
            ua, uc = rows[:, :-1], rows[:, -1]
            iu, ju = np.triu_indices(len(rows), k=1)
            n = ua[iu] - ua[ju]
            keep = np.abs(n).max(axis=1) > 0
            normals.append(n[keep])
            offsets.append((uc[ju] - uc[iu])[keep])
        if not normals:
            return np.zeros((0, len(free))), np.zeros(0)
        return normalise(np.concatenate(normals), np.concatenate(offsets))


def normalise(n: np.ndarray, b: np.ndarray, digits: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Scale each hyperplane so its largest |coefficient| is 1 and its first non-zero one is
    positive, then drop duplicates (compared after rounding to ``digits``)."""
    if len(n) == 0:
        return n, b
    scale = np.abs(n).max(axis=1)
    first = n[np.arange(len(n)), np.argmax(np.abs(n) > 0, axis=1)]
    scale = scale * np.sign(first)
    n = n / scale[:, None]
    b = b / scale
    key = np.round(np.column_stack([n, b]), digits)
    _, idx = np.unique(key, axis=0, return_index=True)
    idx.sort()
    return n[idx], b[idx]


def affine_scores(scenario: ScenarioSpec, names: list[str] | None = None) -> AffineScores:
    """The affine form of every DM's scores over the feasible states of ``scenario``."""
    names = list(scenario.parameters) if names is None else list(names)
    model = scenario.conflict
    codes = model.codes
    size = len(codes)
    C = np.zeros((len(scenario.dm_names), size))
    A = np.zeros((len(scenario.dm_names), size, len(names)))
    bits: dict[int, np.ndarray] = {}
    for i, dm in enumerate(scenario.dm_names):
        pref = scenario.preferences[dm]
        if pref.form != "weights":
            C[i] = model.ranks[i]  # constant in every parameter
            continue
        for entry, src in zip(pref.entries, pref.sources, strict=True):
            truth = evaluate_codes(entry[0].expr, codes, bits).astype(np.float64)
            if src[0] == "param" and src[1] in names:
                A[i, :, names.index(src[1])] += src[2] * truth
            elif src[0] == "param":
                C[i] += src[2] * scenario.parameters[src[1]] * truth
            else:
                C[i] += src[1] * truth
    return AffineScores(names, C, A)
