"""Turning pydantic's validation errors into located, actionable problems."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from offramp.scenario.errors import Problem
from offramp.scenario.yaml_source import SourceMap


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], bool]:
    """Follow ``loc`` through ``data``, dropping pydantic's union tags; True if fully found."""
    path: list[Any] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and (
            "[" in part
            or part in ("str", "float", "int", "list", "dict", "bool")
            or part[:1].isupper()
            or part.startswith(("function-", "constrained-"))
        ):
            continue  # a union member tag such as 'list[str]' or 'NotedStatement'
        else:
            return (*path, part), False
    return tuple(path), True


def _suggest_key(key: str, model_fields: list[str]) -> str:
    close = difflib.get_close_matches(key, model_fields, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _friendly(err: Mapping[str, Any], allowed: list[str] | None) -> str:
    kind: str = err["type"]
    msg: str = err["msg"]
    if kind == "extra_forbidden":
        key = err["loc"][-1]
        hint = _suggest_key(str(key), allowed or [])
        allowed_txt = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
        return f"unknown key '{key}'{hint}{allowed_txt}"
    if kind == "missing":
        return f"missing required key '{err['loc'][-1]}'"
    if kind == "string_pattern_mismatch":
        return (
            f"{err.get('input')!r} is not a valid name: start with a letter, then use "
            "letters, digits, '_' or '-'"
        )
    if kind == "literal_error" and err["loc"] and err["loc"][-1] == "format":
        return "format must be 'offramp/1'"
    if kind == "too_short":
        ctx = err.get("ctx") or {}
        if "min_length" in ctx:
            return (
                f"needs at least {ctx['min_length']} item(s); found "
                f"{ctx.get('actual_length', 'fewer')}"
            )
        return msg
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind in ("float_parsing", "float_type"):
        return f"expected a number, got {err.get('input')!r}"
    return msg[0].lower() + msg[1:] if msg else kind


def problems_from_validation(
    exc: ValidationError,
    data: Any,
    smap: SourceMap,
    fields_at: dict[tuple[Any, ...], list[str]] | None = None,
) -> list[Problem]:
    """One problem per distinct location; union noise (same place, several tags) is merged."""
    located: list[tuple[tuple[Any, ...], Mapping[str, Any]]] = []
    for details in exc.errors(include_url=False):
        path, _ = _data_path(data, tuple(details["loc"]))
        located.append((path, details))
    # A value that fails every member of a union is reported once per member; a type mismatch
    # against one member is noise when another member got further into the value.
    deeper = {p for p, e in located if not e["type"].endswith("_type")}

    def noise(path: tuple[Any, ...], err: Mapping[str, Any]) -> bool:
        return err["type"].endswith("_type") and any(
            len(q) >= len(path) and q[: len(path)] == path for q in deeper
        )

    out: list[Problem] = []
    seen: set[str] = set()
    for path, err in _split_located(located):
        if noise(path, err):
            continue
        kind = err["type"]
        if kind == "missing":
            parent = smap.problem(path[:-1], _friendly(err, None))
            prob = Problem(parent.message, _fmt(path), parent.file, parent.line, parent.column)
        else:
            allowed = _allowed_keys(err, fields_at, path)
            key = kind == "extra_forbidden" or bool(err.get("_key"))
            prob = smap.problem(path, _friendly(err, allowed), key=key)
        if prob.path in seen:
            continue
        seen.add(prob.path)
        out.append(prob)
    return out


_REL = re.compile(
    r"^(?P<path>[A-Za-z_][\w\-]*(?:\[\d+\])*(?:\.[\w\-]+(?:\[\d+\])*)*): "
    r"(?P<msg>.+)$"
)


def _parse_rel(text: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for piece in text.split("."):
        name, *idx = piece.split("[")
        parts.append(name)
        parts.extend(int(i.rstrip("]")) for i in idx)
    return tuple(parts)


def _split_located(
    located: list[tuple[tuple[Any, ...], Mapping[str, Any]]],
) -> list[tuple[tuple[Any, ...], Mapping[str, Any]]]:
    """A validator that checks a whole section reports one line per problem, each starting
    with its path inside the section; give each its own location."""
    out: list[tuple[tuple[Any, ...], Mapping[str, Any]]] = []
    for path, err in located:
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        lines = msg.split("\n")
        if err["type"] != "value_error" or not all(_REL.match(x) for x in lines):
            out.append((path, err))
            continue
        for line in lines:
            m = _REL.match(line)
            assert m is not None  # (every line matched above)
            rel = (*path, *_parse_rel(m["path"]))
            # "unknown X" is about a key the user wrote: point at the key, not its value
            out.append(
                (rel, {**err, "msg": m["msg"], "loc": rel, "_key": m["msg"].startswith("unknown")})
            )
    return out


def _allowed_keys(
    err: Mapping[str, Any],
    fields_at: dict[tuple[Any, ...], list[str]] | None,
    path: tuple[Any, ...],
) -> list[str]:
    if err["type"] != "extra_forbidden" or not fields_at:
        return []
    generic = tuple("*" if isinstance(p, int) else p for p in path[:-1])
    for pattern, keys in fields_at.items():
        if len(pattern) == len(generic) and all(
            a == b or a == "*" or (a == "@" and isinstance(b, str))
            for a, b in zip(pattern, generic, strict=True)
        ):
            return keys
    return []


def _fmt(path: tuple[Any, ...]) -> str:
    from offramp.scenario.errors import format_path

    return format_path(path)
