"""What differs between two recorded runs, as lines: the one rendering of a
:class:`~offramp.history.RunDiff` that ``offramp runs diff`` prints and the workbench's run
comparison shows (scenario text diff, metadata, options, and the results in words)."""

from __future__ import annotations

import json
from typing import Any

from offramp.history import PathChange, RunDiff

#: result paths listed one by one when the changes have no words of their own
SHOWN_PATHS = 40


def value_text(v: Any) -> str:
    """A changed value, in JSON, cut at 80 characters."""
    text = json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def change_text(p: PathChange) -> str:
    if p.change == "added":
        return f"added, {value_text(p.b)}"
    if p.change == "removed":
        return f"removed (was {value_text(p.a)})"
    return f"{value_text(p.a)} -> {value_text(p.b)}"


def diff_lines(d: RunDiff) -> list[tuple[str, str]]:
    """(kind, text) pairs in order; kind is ``title``, ``heading`` (a part), ``line``, ``item``
    (a line of a part), ``diff`` (the scenario text's unified diff) or ``note`` (dim)."""
    out: list[tuple[str, str]] = [("title", f"Run {d.a} -> run {d.b}")]
    if d.same_scenario:
        out.append(("line", f"Same scenario (sha256 {(d.scenario_hash_a or '')[:12]})."))
    else:
        out.append(
            (
                "line",
                f"Different scenario texts (sha256 {(d.scenario_hash_a or '-')[:12]} -> "
                f"{(d.scenario_hash_b or '-')[:12]}):",
            )
        )
        if d.scenario_text_diff:
            out.append(("diff", d.scenario_text_diff.rstrip("\n")))
    for key, (a, b) in d.metadata.items():
        out.append(("line", f"{key}: {value_text(a)} -> {value_text(b)}"))
    if d.params:
        out.append(("heading", "Options changed"))
        out += [("item", f"{p.path}: {change_text(p)}") for p in d.params]
    else:
        out.append(("line", "Same options."))
    out.append(("heading", "Results"))
    if d.identical_results:
        out.append(("item", "identical."))
        return out
    out += [("item", line) for line in d.result_changes]
    if not d.result_changes or d.result_kind in ("generic", "mixed"):
        shown = d.result_paths[:SHOWN_PATHS]
        out += [("item", f"{p.path}: {change_text(p)}") for p in shown]
        more = len(d.result_paths) - len(shown) + d.result_paths_truncated
        if more:
            out.append(("item", f"... and {more} more changed values (--format json lists them)."))
    else:
        n = len(d.result_paths) + d.result_paths_truncated
        out.append(("note", f"({n} values differ in all; --format json lists them.)"))
    return out
