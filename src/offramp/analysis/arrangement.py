"""Cells of a hyperplane arrangement in a box, in 1 to 3 dimensions, visited nearest first.

The inverse analysis (:mod:`.inverse`) needs the point nearest to the origin (the current
parameter values, in units of each parameter's range) of a region that is a union of open
cells of an arrangement of hyperplanes (where two states' scores cross, see
:mod:`.linear_scores`). Two facts make that exact without sampling:

1. The distance (L1 or L∞) is piecewise linear, with kinks on the planes ``y_p = 0`` (L1) and
   ``y_p = ±y_q`` (L∞). Over the closure of a cell intersected with the box it is minimised at
   a *vertex* of the arrangement augmented with the box faces and those kink planes.
2. Every open cell whose closure holds a vertex v meets every small ball around v, and the cells
   around v are the cells of the *local* arrangement of the hyperplanes through v (a central
   arrangement: sectors between lines in 2-D; in 3-D, for each line where planes meet, the
   sectors around it), so one probe per local cell, a small step from v, lands in each.

Visiting the vertices by increasing distance and probing the cells around each, the first
vertex next to a cell where the goal holds gives the least distance; the probe point lies in
that cell, within the tolerance of the vertex. :func:`vertices` and :func:`probes` implement
1 and 2.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

ON_PLANE = 1e-9  # |n·v - b| below this: v lies on the plane (inputs are scaled to about 1)


def kink_planes(d: int, norm: str) -> tuple[np.ndarray, np.ndarray]:
    """Planes where the distance to the origin changes slope."""
    rows = [np.eye(d)[p] for p in range(d)]
    if norm == "linf":
        for p, q in itertools.combinations(range(d), 2):
            for sign in (1.0, -1.0):
                r = np.zeros(d)
                r[p], r[q] = 1.0, -sign
                rows.append(r)
    return np.array(rows), np.zeros(len(rows))


def box_planes(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = len(lo)
    eye = np.eye(d)
    return np.concatenate([eye, eye]), np.concatenate([lo, hi])


def distance(y: np.ndarray, norm: str) -> np.ndarray:
    """L1 or L∞ length of each row of ``y`` (or of one vector)."""
    a = np.abs(y)
    lengths: np.ndarray = a.sum(axis=-1) if norm == "l1" else a.max(axis=-1)
    return lengths


MAX_COMBINATIONS = 3_000_000  # d-tuples of planes intersected for the vertices


def combinations_needed(planes: int, d: int, norm: str) -> int:
    """How many d-tuples of planes :func:`vertices` intersects (checked before the work)."""
    extra = len(kink_planes(d, norm)[0]) + 2 * d
    return math.comb(planes + extra, d)


def vertices(
    normals: np.ndarray, offsets: np.ndarray, lo: np.ndarray, hi: np.ndarray, norm: str
) -> np.ndarray:
    """Every vertex (intersection of d independent planes) of the crossing planes, the box
    faces and the distance's kink planes, inside the box, de-duplicated, nearest first."""
    d = len(lo)
    kn, kb = kink_planes(d, norm)
    bn, bb = box_planes(lo, hi)
    n = np.concatenate([normals.reshape(-1, d), kn, bn])
    b = np.concatenate([offsets, kb, bb])
    if math.comb(len(n), d) > MAX_COMBINATIONS:
        raise ValueError(f"{math.comb(len(n), d):,} plane intersections")
    combos = np.array(list(itertools.combinations(range(len(n)), d)), dtype=np.int64)
    pts = []
    for start in range(0, len(combos), 200_000):
        c = combos[start : start + 200_000]
        mats = n[c]  # (k, d, d)
        rhs = b[c]
        det = np.linalg.det(mats)
        ok = np.abs(det) > 1e-12
        if ok.any():
            pts.append(np.linalg.solve(mats[ok], rhs[ok][..., None])[..., 0])
    if not pts:
        return np.zeros((0, d))
    v = np.concatenate(pts)
    inside = np.all((v >= lo - 1e-9) & (v <= hi + 1e-9), axis=1)
    v = np.clip(v[inside], lo, hi)
    _, idx = np.unique(np.round(v, 9), axis=0, return_index=True)
    v = v[np.sort(idx)]
    nearest_first: np.ndarray = v[np.argsort(distance(v, norm), kind="stable")]
    return nearest_first


def _sector_bisectors(normals2: np.ndarray) -> list[np.ndarray]:
    """2-D: one unit direction inside each sector between the lines ``n·u = 0``."""
    if len(normals2) == 0:
        return [np.zeros(2)]
    angles = np.arctan2(normals2[:, 0], -normals2[:, 1])  # direction of each line
    angles = np.concatenate([angles, angles + np.pi]) % (2 * np.pi)
    angles = np.unique(np.round(angles, 12))
    nxt = np.roll(angles, -1)
    nxt[-1] += 2 * np.pi
    mids = (angles + nxt) / 2
    return [np.array([np.cos(a), np.sin(a)]) for a in mids]


def _basis_orthogonal(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    helper = np.eye(3)[int(np.argmin(np.abs(w)))]
    e1 = np.cross(w, helper)
    e1 /= np.linalg.norm(e1)
    return e1, np.cross(w, e1)


def local_directions(normals: np.ndarray) -> list[np.ndarray]:
    """Directions u, one inside each open cell of the central arrangement ``n·u = 0`` of the
    given normals (d <= 3); a single zero vector when there is no plane."""
    d = normals.shape[1]
    if len(normals) == 0:
        return [np.zeros(d)]
    if d == 1:
        return [np.ones(1), -np.ones(1)]
    if d == 2:
        return _sector_bisectors(normals)
    rank = np.linalg.matrix_rank(normals, tol=1e-9)
    if rank == 1:
        n = normals[0] / np.linalg.norm(normals[0])
        return [n, -n]
    if rank == 2:  # every plane holds the common line l: sectors around it
        line = np.linalg.svd(normals)[2][-1]
        e1, e2 = _basis_orthogonal(line)
        flat = np.column_stack([normals @ e1, normals @ e2])
        return [a * e1 + c * e2 for a, c in _sector_bisectors(flat)]
    units = normals / np.linalg.norm(normals, axis=1)[:, None]
    found = []
    for a, c in itertools.combinations(range(len(units)), 2):
        w = np.cross(units[a], units[c])
        size = np.linalg.norm(w)
        if size > 1e-9:
            found.extend([w / size, -w / size])
    rays = np.unique(np.round(np.array(found), 9), axis=0)
    out = []
    for w in rays:
        w = w / np.linalg.norm(w)
        through = np.abs(units @ w) < 1e-9
        e1, e2 = _basis_orthogonal(w)
        flat = np.column_stack([units[through] @ e1, units[through] @ e2])
        for beta in _sector_bisectors(flat):
            step = beta[0] * e1 + beta[1] * e2
            # small enough that no plane off the ray changes side
            off = ~through
            ratio = np.abs(units[off] @ w) / np.maximum(np.abs(units[off] @ step), 1e-300)
            delta = min(0.5, 0.5 * float(ratio.min())) if off.any() else 0.5
            out.append(w + delta * step)
    return out


def probes(
    v: np.ndarray,
    normals: np.ndarray,
    offsets: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    step: float,
    norm: str,
) -> list[np.ndarray]:
    """One point inside each open cell (of the crossing planes, within the box) whose closure
    holds ``v``, each within ``step`` (in the distance's norm) of ``v``."""
    d = len(v)
    bn, bb = box_planes(lo, hi)
    n = np.concatenate([normals.reshape(-1, d), bn])
    b = np.concatenate([offsets, bb])
    gap = n @ v - b
    on = np.abs(gap) <= ON_PLANE
    out = []
    for u in local_directions(n[on]):
        size = float(distance(u, norm))
        if size == 0:
            out.append(v.copy())
            continue
        eps = step / size
        slope = n[~on] @ u
        moving = np.abs(slope) > 1e-300
        if moving.any():
            eps = min(eps, 0.5 * float(np.min(np.abs(gap[~on][moving]) / np.abs(slope[moving]))))
        p = v + eps * u
        if np.all(p >= lo) and np.all(p <= hi):
            out.append(p)
    return out
