"""Comparing two runs: same scenario or not (and how its text differs), which parameters
changed, and what changed in the results.

Results of a known shape are compared in words (see :mod:`offramp.history.results`); every
comparison also carries a generic list of changed JSON paths, so nothing that changed is
hidden even when the words do not cover it.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from offramp.history.results import compare
from offramp.history.store import Run, get_run

MAX_PATHS = 200
_META = ("command", "variant", "seed", "version", "status")


@dataclass
class PathChange:
    """One changed value: ``change`` is ``changed``, ``added`` (only in b) or ``removed``."""

    path: str
    change: str
    a: Any = None
    b: Any = None


@dataclass
class RunDiff:
    a: str
    b: str
    same_scenario: bool
    scenario_hash_a: str | None
    scenario_hash_b: str | None
    scenario_text_diff: str | None  # unified diff, when the texts differ
    metadata: dict[str, tuple[Any, Any]]  # command, variant, seed, version, status
    params: list[PathChange]
    result_kind: str
    result_changes: list[str]  # in words
    result_paths: list[PathChange] = field(default_factory=list)
    result_paths_truncated: int = 0  # changed paths left out beyond MAX_PATHS

    @property
    def identical_results(self) -> bool:
        return not self.result_paths

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["metadata"] = {k: {"a": a, "b": b} for k, (a, b) in self.metadata.items()}
        out["identical_results"] = self.identical_results
        return out


def diff_runs(a: str | Run, b: str | Run) -> RunDiff:
    """Compare two runs given as ids, id prefixes (``#N``, ``last``) or :class:`Run`s.
    Raises :class:`~offramp.history.store.RunNotFound` / ``AmbiguousRun`` for bad ids."""
    ra = a if isinstance(a, Run) else get_run(a)
    rb = b if isinstance(b, Run) else get_run(b)
    same = ra.scenario_hash == rb.scenario_hash and ra.scenario_hash is not None
    text_diff = None
    if not same and (ra.scenario_text is not None or rb.scenario_text is not None):
        text_diff = "".join(
            difflib.unified_diff(
                (ra.scenario_text or "").splitlines(keepends=True),
                (rb.scenario_text or "").splitlines(keepends=True),
                fromfile=f"{ra.id}: {ra.scenario_file or ra.scenario_name or 'scenario'}",
                tofile=f"{rb.id}: {rb.scenario_file or rb.scenario_name or 'scenario'}",
            )
        )
    metadata = {
        k: (getattr(ra, k), getattr(rb, k)) for k in _META if getattr(ra, k) != getattr(rb, k)
    }
    params: list[PathChange] = []
    json_diff(ra.params, rb.params, "", params, limit=MAX_PATHS)
    kind, words = compare(ra.results, rb.results)
    paths: list[PathChange] = []
    total = json_diff(ra.results, rb.results, "", paths, limit=MAX_PATHS)
    return RunDiff(
        a=ra.id,
        b=rb.id,
        same_scenario=same,
        scenario_hash_a=ra.scenario_hash,
        scenario_hash_b=rb.scenario_hash,
        scenario_text_diff=text_diff,
        metadata=metadata,
        params=[PathChange(p.path.removeprefix("."), p.change, p.a, p.b) for p in params],
        result_kind=kind,
        result_changes=words,
        result_paths=paths,
        result_paths_truncated=max(0, total - len(paths)),
    )


def _same(x: Any, y: Any) -> bool:
    """Equal as JSON values: 1 == 1.0, NaN == NaN, floats to 12 significant digits, but
    ``True`` is not ``1``."""
    if isinstance(x, bool) or isinstance(y, bool):
        return x is y
    if isinstance(x, int | float) and isinstance(y, int | float):
        if x != x and y != y:  # both NaN
            return True
        return x == y or math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-15)
    return type(x) is type(y) and x == y


def json_diff(a: Any, b: Any, path: str, out: list[PathChange], limit: int = MAX_PATHS) -> int:
    """Append the changed leaf paths (``.key``, ``[i]``) of two JSON values to ``out`` (at most
    ``limit``); returns how many there are in all."""
    if isinstance(a, dict) and isinstance(b, dict):
        n = 0
        for k in list(a) + [k for k in b if k not in a]:
            sub = f"{path}.{k}"
            if k not in b:
                n += _add(out, limit, PathChange(sub, "removed", a[k], None))
            elif k not in a:
                n += _add(out, limit, PathChange(sub, "added", None, b[k]))
            else:
                n += json_diff(a[k], b[k], sub, out, limit)
        return n
    if isinstance(a, list) and isinstance(b, list):
        n = 0
        for i in range(max(len(a), len(b))):
            sub = f"{path}[{i}]"
            if i >= len(b):
                n += _add(out, limit, PathChange(sub, "removed", a[i], None))
            elif i >= len(a):
                n += _add(out, limit, PathChange(sub, "added", None, b[i]))
            else:
                n += json_diff(a[i], b[i], sub, out, limit)
        return n
    if _same(a, b):
        return 0
    return _add(out, limit, PathChange(path or "$", "changed", a, b))


def _add(out: list[PathChange], limit: int, change: PathChange) -> int:
    if len(out) < limit:
        out.append(change)
    return 1
